"""End to end: login and command sync of the real discord.py client against the stand-in, through
DISCORD_API_URL / DISCORD_GATEWAY_URL."""

from __future__ import annotations

from bot.discord_bot.cli import command_payload
from bot.discord_bot.runner import sync_commands

from .conftest import RunningBot, settings_for
from .standin.server import DiscordStandIn

GUILDS, GUILD_MESSAGES, DM_MESSAGES, MESSAGE_CONTENT = 1 << 0, 1 << 9, 1 << 12, 1 << 15


async def test_login_identifies_with_the_token_and_unprivileged_intents(
    standin: DiscordStandIn, running: RunningBot
) -> None:
    """The bot logs in over REST, connects to the configured gateway and identifies without Message Content."""
    identify = standin.gateway.identifies[-1]
    assert identify["token"] == standin.token
    assert identify["intents"] == GUILDS | GUILD_MESSAGES | DM_MESSAGES
    assert not identify["intents"] & MESSAGE_CONTENT
    assert standin.gateway.sessions[0].query["v"] == "10"
    paths = [(r.method, r.path) for r in standin.requests]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths
    assert running.bot.client.get_guild(int(standin.guild_id)) is not None


async def test_guild_sync_copies_the_global_commands(standin: DiscordStandIn) -> None:
    """`sync --guild` PUTs all six localized commands to that guild (never an empty list)."""
    count = await sync_commands(settings_for(standin), standin.token, int(standin.guild_id))
    assert count == 6
    synced = standin.synced[standin.guild_id]
    assert {c["name"] for c in synced} == {"ask", "fit", "vram", "gpu", "model", "help"}
    assert all(c["name_localizations"]["es-ES"] for c in synced)
    assert None not in standin.synced
    sent = next(r.body for r in standin.requests if r.method == "PUT")
    assert sent == await command_payload()  # what --dump-commands prints is what sync sends


async def test_global_sync(standin: DiscordStandIn) -> None:
    """`sync` without a guild PUTs the commands globally."""
    assert await sync_commands(settings_for(standin), standin.token, None) == 6
    assert len(standin.synced[None]) == 6
