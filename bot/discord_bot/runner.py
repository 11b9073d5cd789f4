"""Running the bot and syncing its commands: endpoints, translator, health server, graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from bot.chat.health import HealthServer
from bot.chat.lifecycle import Lifecycle
from bot.discord_bot.client import VramBot
from bot.discord_bot.endpoints import configure_endpoints
from bot.discord_bot.settings import DiscordSettings
from bot.discord_bot.translator import PoTranslator

log = logging.getLogger("vrambot.discord")


async def run_bot(settings: DiscordSettings, token: str, bot: VramBot | None = None) -> None:
    """Connect and answer until closed, or until the bot's lifecycle is stopped (then drain and close).

    The health endpoint (``/health``, ``/metrics``) runs alongside when a port is set.
    """
    configure_endpoints(settings)
    bot = bot or VramBot(settings)
    lifecycle = bot.chat.lifecycle
    health = (
        HealthServer(
            lambda: bot.is_ready() and bot.chat.accepting,
            settings.health_host,
            settings.health_port,
            platform="discord",
            detail="gateway",
        )
        if settings.health_port is not None
        else None
    )
    try:
        async with bot.client:
            await bot.tree.set_translator(PoTranslator())
            if health is not None:
                await health.start()
                bot.health_port = health.port
                log.info("health endpoint on http://%s:%s/health", settings.health_host, health.port)
            connection = asyncio.ensure_future(bot.start(token))
            stop = asyncio.ensure_future(lifecycle.stopping.wait())
            try:
                await asyncio.wait({connection, stop}, return_when=asyncio.FIRST_COMPLETED)
                if stop.done() and not connection.done():
                    await lifecycle.drain()  # new events are refused; acknowledged answers finish
                    await bot.client.close()
                await connection
            finally:
                stop.cancel()
                if not connection.done():
                    connection.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await connection
                if health is not None:
                    await health.stop()
    finally:
        await bot.chat.close()


async def run_until_stopped(settings: DiscordSettings, token: str, lifecycle: Lifecycle) -> None:
    """`vrambot discord`: run the bot until its lifecycle stops (SIGTERM, SIGINT), draining answers first."""
    await run_bot(settings, token, VramBot(settings, lifecycle=lifecycle))
    log.info("stopped")


async def sync_commands(settings: DiscordSettings, token: str, guild_id: int | None) -> int:
    """Register the commands globally, or copied into one guild; the number of commands registered."""
    configure_endpoints(settings)
    bot = VramBot(settings)
    async with bot.client:
        await bot.client.login(token)
        await bot.tree.set_translator(PoTranslator())
        if guild_id is None:
            synced = await bot.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)  # without it a guild sync would wipe the guild's commands
            synced = await bot.tree.sync(guild=guild)
    return len(synced)
