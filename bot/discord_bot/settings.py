"""The Discord bot's settings, from the environment or a ``.env`` file (``DISCORD_*`` variables).

The token is a :class:`~pydantic.SecretStr`: its ``repr`` and ``str`` hide it, so it never reaches a log.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from bot.chat.settings import ChatSettings

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"


class DiscordSettings(ChatSettings):
    """Everything `vrambot discord` reads: ``DISCORD_<FIELD>``, and the shared ``VRAMBOT_*`` (see the base)."""

    model_config = SettingsConfigDict(env_prefix="DISCORD_")

    token: SecretStr | None = None  # DISCORD_TOKEN: the bot token from the Developer Portal
    api_url: str = DEFAULT_API_URL  # DISCORD_API_URL: REST base (discord.http.Route.BASE)
    gateway_url: str = DEFAULT_GATEWAY_URL  # DISCORD_GATEWAY_URL: gateway (DiscordWebSocket.DEFAULT_GATEWAY)
    sharded: bool = False  # DISCORD_SHARDED: use discord.py's AutoShardedClient
    shard_count: int | None = Field(default=None, ge=1)  # with DISCORD_SHARDED; None asks Discord
    shard_ids: list[int] | None = None  # DISCORD_SHARD_IDS='[0,1]': the shards this process runs (of shard_count)
    health_host: str = "127.0.0.1"
    health_port: int | None = Field(default=None, ge=0, le=65535)  # None: no health endpoint; 0: any free port
    message_content: bool = False  # the privileged intent: answer un-mentioned follow-ups in its threads
    defer_after: float = Field(default=1.0, ge=0, le=2.5)  # answer not ready by then: defer, then edit
    guild_ready_timeout: float = Field(default=2.0, ge=0)
    log_level: str = "INFO"

    def secrets(self) -> list[str]:
        """The secret values that are set (for redacting them from logs)."""
        token = self.token_value()
        return ([token] if token else []) + self.shared_secrets()

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
