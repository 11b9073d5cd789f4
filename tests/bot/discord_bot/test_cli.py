"""`vrambot discord`: settings errors are one clear line; --dump-commands prints the sync payload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.discord_bot.settings import DiscordSettings

from .standin import rules


@pytest.fixture(autouse=True)
def _clean_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("C.UTF-8", "DISCORD_TOKEN is not set"), ("es_ES.UTF-8", "DISCORD_TOKEN no está definido")],
    ids=["english", "spanish"],
)
@pytest.mark.parametrize("args", [["discord"], ["discord", "sync"]], ids=["run", "sync"])
def test_missing_token_is_one_line_saying_what_to_set(lang: str, words: str, args: list[str]) -> None:
    """No token: exit 2 with one line naming DISCORD_TOKEN and where to get it, no traceback."""
    result = CliRunner().invoke(main, args, env={"LANG": lang, "DISCORD_TOKEN": ""})
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "discord.com/developers" in lines[0]
    assert "Traceback" not in result.output


def test_token_comes_from_a_dotenv_file(tmp_path: Path) -> None:
    """Settings are read from a .env file in the working directory."""
    (tmp_path / ".env").write_text("DISCORD_TOKEN=abc.def\nDISCORD_SHARDED=true\nSLACK_BOT_TOKEN=x\n")
    settings = DiscordSettings()
    assert settings.token_value() == "abc.def"
    assert settings.sharded is True
    assert "abc.def" not in repr(settings) and "abc.def" not in str(settings)


def test_invalid_url_setting_names_the_variable() -> None:
    """A malformed DISCORD_API_URL gives one line naming the variable and the fix."""
    result = CliRunner().invoke(main, ["discord"], env={"DISCORD_TOKEN": "t", "DISCORD_API_URL": "ftp://x"})
    assert result.exit_code == 2
    assert "DISCORD_API_URL" in result.output and "https://" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_dump_commands_prints_the_payload_without_a_token() -> None:
    """--dump-commands needs no token and prints valid JSON Discord would accept."""
    result = CliRunner().invoke(main, ["discord", "--dump-commands"], env={"DISCORD_TOKEN": ""})
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert {c["name"] for c in payload} == {"ask", "fit", "vram", "gpu", "model", "help"}
    assert rules.command_errors(payload) == []


def test_help_lists_sync() -> None:
    """`vrambot discord --help` documents the sync subcommand and the dump flag."""
    result = CliRunner().invoke(main, ["discord", "--help"])
    assert result.exit_code == 0
    assert "sync" in result.output and "--dump-commands" in result.output
