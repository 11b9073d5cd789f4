"""The Discord bot's settings, from the environment or a ``.env`` file (``DISCORD_*`` variables).

The token is a :class:`~pydantic.SecretStr`: its ``repr`` and ``str`` hide it, so it never reaches a log.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"


class DiscordSettings(BaseSettings):
    """Everything `vrambot discord` reads; each field is the variable ``DISCORD_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="DISCORD_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    token: SecretStr | None = None  # DISCORD_TOKEN: the bot token from the Developer Portal
    api_url: str = DEFAULT_API_URL  # DISCORD_API_URL: REST base (discord.http.Route.BASE)
    gateway_url: str = DEFAULT_GATEWAY_URL  # DISCORD_GATEWAY_URL: gateway (DiscordWebSocket.DEFAULT_GATEWAY)
    sharded: bool = False  # DISCORD_SHARDED: use discord.py's AutoShardedClient
    shard_count: int | None = Field(default=None, ge=1)  # with DISCORD_SHARDED; None asks Discord
    health_host: str = "127.0.0.1"
    health_port: int | None = Field(default=None, ge=0, le=65535)  # None: no health endpoint; 0: any free port
    message_content: bool = False  # the privileged intent: answer un-mentioned follow-ups in its threads
    cooldown_rate: int = Field(default=5, ge=1)  # questions a user may ask ...
    cooldown_per: float = Field(default=30.0, gt=0)  # ... per this many seconds
    memory_size: int = Field(default=2000, ge=1)  # conversations remembered at once
    memory_ttl: float = Field(default=1800.0, gt=0)  # seconds a conversation is remembered
    defer_after: float = Field(default=1.0, ge=0, le=2.5)  # answer not ready by then: defer, then edit
    guild_ready_timeout: float = Field(default=2.0, ge=0)
    log_level: str = "INFO"

    def token_value(self) -> str | None:
        """The token, stripped, or None when unset or blank."""
        if self.token is None:
            return None
        value = self.token.get_secret_value().strip()
        return value or None

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, e.g. https://discord.com/api/v10")
        return value.rstrip("/")

    @field_validator("gateway_url")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")):
            raise ValueError("must be a ws:// or wss:// URL, e.g. wss://gateway.discord.gg/")
        return value
