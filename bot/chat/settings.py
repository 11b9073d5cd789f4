"""One settings base for every chat platform: the same conventions and ``.env`` support everywhere.

A platform's own variables carry its prefix (``DISCORD_TOKEN``, ``SLACK_BOT_TOKEN``, ``DISCORD_COOLDOWN_RATE``);
what every platform shares in one deployment carries ``VRAMBOT_`` (``VRAMBOT_REDIS_URL``,
``VRAMBOT_DRAIN_SECONDS``, ``VRAMBOT_LOG_JSON``). Values come from the environment, then from ``.env`` in the
working directory. Secrets are :class:`~pydantic.SecretStr`, so a repr or a log line never shows them.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DRAIN_SECONDS = 20.0  # issue 12: finish acknowledged answers for up to 20 s after SIGTERM
DEFAULT_MEMORY_BYTES = 16 * 1024 * 1024  # judgement: 16 MiB holds ~5,000 remembered turns of ~3 KiB


def _shared(name: str) -> AliasChoices:
    """A ``VRAMBOT_*`` variable, also settable by field name in code (tests, ``model_copy``)."""
    return AliasChoices(f"VRAMBOT_{name.upper()}", name)


def variable_name(prefix: str, loc: tuple[int | str, ...]) -> str:
    """The variable a validation error's location names: ``DISCORD_COOLDOWN_RATE``, ``VRAMBOT_REDIS_URL``."""
    field = "_".join(str(part) for part in loc).upper()
    return field if field.startswith("VRAMBOT_") else prefix + field


class ChatSettings(BaseSettings):
    """What every chat adapter reads; subclasses add their platform's fields and ``env_prefix``."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True)

    redis_url: SecretStr | None = Field(default=None, validation_alias=_shared("redis_url"))
    drain_seconds: float = Field(default=DEFAULT_DRAIN_SECONDS, ge=0, validation_alias=_shared("drain_seconds"))
    log_json: bool = Field(default=False, validation_alias=_shared("log_json"))
    cooldown_rate: int = Field(default=5, ge=1)  # questions a user may ask ...
    cooldown_per: float = Field(default=30.0, gt=0)  # ... per this many seconds
    memory_size: int = Field(default=5000, ge=1)  # conversations remembered at once
    memory_bytes: int = Field(default=DEFAULT_MEMORY_BYTES, ge=4096)  # ... and the bytes they may use together
    memory_ttl: float = Field(default=6 * 3600.0, gt=0)  # seconds a conversation is remembered after its last turn

    @field_validator("redis_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL, e.g. redis://localhost:6379/0")
        return value

    def redis_url_value(self) -> str | None:
        return self.redis_url.get_secret_value() if self.redis_url is not None else None

    def shared_secrets(self) -> list[str]:
        """Secret values of the shared settings (a Redis URL may carry a password), for log redaction."""
        url = self.redis_url_value()
        return [url] if url else []
