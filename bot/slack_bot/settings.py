"""The Slack app's settings, read from the environment (``SLACK_*``) with pydantic-settings.

Tokens are kept as :class:`pydantic.SecretStr` so that they never print in a repr, a log line or a
traceback. ``SLACK_API_URL`` points the Web API client somewhere else (a test stand-in, a proxy); it
always ends with a slash because the client joins method names onto it with ``urljoin``.
Problems are :class:`SettingsError`: a message id of ``slack.po`` and its fields, shown to the operator
in the language of ``LANG``.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import SettingsConfigDict

from bot.chat.settings import ChatSettings, variable_name
from knowledge.i18n import Language, language_of_locale

DEFAULT_API_URL = "https://slack.com/api/"
Mode = Literal["socket", "http"]

BOT_TOKEN = "SLACK_BOT_TOKEN"
APP_TOKEN = "SLACK_APP_TOKEN"
SIGNING_SECRET = "SLACK_SIGNING_SECRET"
API_URL = "SLACK_API_URL"


def operator_language() -> Language:
    """The language of the person running the command, from ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``."""
    env = os.environ
    return language_of_locale(env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG"))


class SettingsError(ValueError):
    """The environment does not configure the Slack app: a ``slack.po`` message id and its fields."""

    def __init__(self, key: str, **fields: str) -> None:
        self.key = key
        self.fields = fields
        super().__init__(self.message("en"))

    def message(self, lang: Language) -> str:
        from bot.slack_bot.render import messages  # the catalog lives with the renderer

        return messages()(lang, self.key, **self.fields)


class SlackSettings(ChatSettings):
    """Everything the Slack app reads from the environment or ``.env`` (``SLACK_*``, and the shared ``VRAMBOT_*``)."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", frozen=True)

    bot_token: SecretStr | None = None  # xoxb-…: the bot user's token (Web API calls)
    app_token: SecretStr | None = None  # xapp-…: the app-level token with connections:write (Socket Mode)
    signing_secret: SecretStr | None = None  # verifies HTTP requests from Slack
    api_url: str = DEFAULT_API_URL

    @field_validator("bot_token", "app_token", "signing_secret", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("https://", "http://")):
            raise ValueError("not an http(s) URL")
        return value if value.endswith("/") else value + "/"

    def missing(self, mode: Mode) -> list[str]:
        """The environment variables that ``mode`` needs and that are not set."""
        names = [BOT_TOKEN] if self.bot_token is None else []
        if mode == "socket" and self.app_token is None:
            names.append(APP_TOKEN)
        if mode == "http" and self.signing_secret is None:
            names.append(SIGNING_SECRET)
        return names

    def secrets(self) -> list[str]:
        """The secret values that are set (for redacting them from logs)."""
        values = (self.bot_token, self.app_token, self.signing_secret)
        return [value.get_secret_value() for value in values if value is not None] + self.shared_secrets()


def load_settings(mode: Mode | None = None) -> SlackSettings:
    """Read the settings; with ``mode``, fail with a :class:`SettingsError` naming what is missing or wrong."""
    try:
        settings = SlackSettings()
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        if field == "api_url":
            raise SettingsError("cli.bad_api_url", name=API_URL, example=DEFAULT_API_URL) from None
        raise SettingsError(
            "serve.invalid", name=variable_name("SLACK_", first["loc"]), problem=str(first["msg"])
        ) from None
    if mode is not None:
        missing = settings.missing(mode)
        if missing:
            raise SettingsError(f"cli.missing_{mode}", names=" + ".join(missing))
        token = settings.app_token
        if mode == "socket" and token is not None and not token.get_secret_value().startswith("xapp-"):
            raise SettingsError("cli.bad_app_token", name=APP_TOKEN)
    return settings
