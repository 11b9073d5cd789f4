"""Running the bot and syncing its commands: endpoints, translator, health server, token-safe logging."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord

from bot.discord_bot.client import VramBot
from bot.discord_bot.endpoints import configure_endpoints
from bot.discord_bot.health import HealthServer
from bot.discord_bot.settings import DiscordSettings
from bot.discord_bot.translator import PoTranslator

log = logging.getLogger("vrambot.discord")


class RedactToken(logging.Filter):
    """Replaces the token with ``[token]`` in any log record, whoever logs it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._token:
            return True
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "[token]")
            record.args = None
        return True


def configure_logging(settings: DiscordSettings, token: str) -> None:
    """Log to stderr at the configured level, with the token redacted from every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())


async def run_bot(settings: DiscordSettings, token: str, bot: VramBot | None = None) -> None:
    """Connect and answer until closed; the health endpoint runs alongside when a port is set."""
    configure_endpoints(settings)
    bot = bot or VramBot(settings)
    health = (
        HealthServer(bot.is_ready, settings.health_host, settings.health_port)
        if settings.health_port is not None
        else None
    )
    async with bot.client:
        await bot.tree.set_translator(PoTranslator())
        if health is not None:
            await health.start()
            bot.health_port = health.port
            log.info("health endpoint on http://%s:%s/health", settings.health_host, health.port)
        try:
            await bot.start(token)
        finally:
            if health is not None:
                await health.stop()


async def run_until_stopped(settings: DiscordSettings, token: str) -> None:
    """`vrambot discord`: run the bot; SIGTERM (a container stopping) closes it cleanly, like Ctrl-C."""
    bot = VramBot(settings)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(bot.client.close()))
    try:
        await run_bot(settings, token, bot)
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
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
