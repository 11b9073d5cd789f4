"""The Slack app's settings, read from the environment (``SLACK_*``) with pydantic-settings.

Tokens are kept as :class:`pydantic.SecretStr` so that they never print in a repr, a log line or a
traceback. ``SLACK_API_URL`` points the Web API client somewhere else (a test stand-in, a proxy); it
always ends with a slash because the client joins method names onto it with ``urljoin``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_URL = "https://slack.com/api/"
Mode = Literal["socket", "http"]

BOT_TOKEN = "SLACK_BOT_TOKEN"
APP_TOKEN = "SLACK_APP_TOKEN"
SIGNING_SECRET = "SLACK_SIGNING_SECRET"
API_URL = "SLACK_API_URL"


class SettingsError(ValueError):
    """The environment does not configure the Slack app; the message names the variables to set."""


class SlackSettings(BaseSettings):
    """Everything the Slack app reads from the environment."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", extra="ignore", frozen=True)

    bot_token: SecretStr | None = None  # xoxb-…: the bot user's token (Web API calls)
    app_token: SecretStr | None = None  # xapp-…: the app-level token with connections:write (Socket Mode)
    signing_secret: SecretStr | None = None  # verifies HTTP requests from Slack
    api_url: str = DEFAULT_API_URL

    @field_validator("bot_token", "app_token", "signing_secret", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"{API_URL} must be an http(s) URL such as {DEFAULT_API_URL}")
        return value if value.endswith("/") else value + "/"

    def missing(self, mode: Mode) -> list[str]:
        """The environment variables that ``mode`` needs and that are not set."""
        needed = {
            BOT_TOKEN: self.bot_token,
            APP_TOKEN if mode == "socket" else SIGNING_SECRET: (
                self.app_token if mode == "socket" else self.signing_secret
            ),
        }
        return [name for name, value in needed.items() if value is None]

    def secrets(self) -> list[str]:
        """The secret values that are set (for redacting them from logs)."""
        values = (self.bot_token, self.app_token, self.signing_secret)
        return [value.get_secret_value() for value in values if value is not None]


def load_settings(mode: Mode | None = None) -> SlackSettings:
    """Read the settings; with ``mode``, fail with a one-line message naming what is missing or wrong."""
    try:
        settings = SlackSettings()
    except ValidationError as error:
        problems = "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
        raise SettingsError(problems) from None
    if mode is not None:
        missing = settings.missing(mode)
        if missing:
            what = "Socket Mode" if mode == "socket" else "HTTP mode (--http)"
            raise SettingsError(
                f"The Slack app in {what} needs {' and '.join(missing)}; set them in the environment."
            )
        token = settings.app_token
        if mode == "socket" and token is not None and not token.get_secret_value().startswith("xapp-"):
            raise SettingsError(
                f"{APP_TOKEN} must be an app-level token: it starts with xapp- and has connections:write."
            )
    return settings
