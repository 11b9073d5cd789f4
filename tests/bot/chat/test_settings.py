"""One settings base: both platforms read their own prefix and the shared VRAMBOT_* names, from the
environment or from .env in the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.discord_bot.settings import DiscordSettings
from bot.slack_bot.settings import SettingsError, SlackSettings, load_settings


@pytest.fixture
def in_folder_with_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN", "VRAMBOT_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-from-dotenv\nSLACK_COOLDOWN_RATE=7\nDISCORD_TOKEN=discord-from-dotenv\n"
        "DISCORD_COOLDOWN_RATE=3\nVRAMBOT_REDIS_URL=redis://:pw-1234@redis:6379/0\nVRAMBOT_DRAIN_SECONDS=5\n",
        encoding="utf-8",
    )
    return tmp_path


def test_both_platforms_read_dotenv_with_the_same_conventions(in_folder_with_env: Path) -> None:
    """Each reads its own prefix; both read the shared VRAMBOT_* values; the Redis password is a secret."""
    slack, discord = SlackSettings(), DiscordSettings()
    assert slack.bot_token is not None and slack.bot_token.get_secret_value() == "xoxb-from-dotenv"
    assert discord.token_value() == "discord-from-dotenv"
    assert (slack.cooldown_rate, discord.cooldown_rate) == (7, 3)
    assert slack.redis_url_value() == discord.redis_url_value() == "redis://:pw-1234@redis:6379/0"
    assert slack.drain_seconds == discord.drain_seconds == 5.0
    assert "pw-1234" not in repr(slack) + repr(discord)
    assert "redis://:pw-1234@redis:6379/0" in slack.secrets() and "discord-from-dotenv" in discord.secrets()


def test_the_environment_wins_over_dotenv(in_folder_with_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRAMBOT_DRAIN_SECONDS", "9")
    assert SlackSettings().drain_seconds == DiscordSettings().drain_seconds == 9.0


def test_a_bad_shared_setting_names_its_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """VRAMBOT_REDIS_URL that is not a Redis URL: one line naming the variable and what it must be."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VRAMBOT_REDIS_URL", "localhost:6379")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = caught.value.message("en")
    assert message.startswith("VRAMBOT_REDIS_URL is not valid") and "redis://" in message
