"""End to end: the real discord.py client logs in to the stand-in through DISCORD_API_URL / DISCORD_GATEWAY_URL."""

from __future__ import annotations

from .conftest import RunningBot
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
