"""Point discord.py at Discord, or at a Discord-compatible server: the REST base and the gateway URL.

discord.py reads both from class attributes (process-wide): ``discord.http.Route.BASE`` for every REST
call (webhooks and interaction callbacks included) and ``DiscordWebSocket.DEFAULT_GATEWAY`` for the
gateway of a plain Client. An AutoShardedClient asks ``GET /gateway/bot`` for its gateway instead.
"""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_bot.settings import DiscordSettings


def configure_endpoints(settings: DiscordSettings) -> None:
    """Set discord.py's REST base and default gateway from the settings."""
    Route.BASE = settings.api_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
