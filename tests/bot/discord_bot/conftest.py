"""Fixtures: a Discord stand-in on 127.0.0.1 and the real bot connected to it through its settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_bot.client import VramBot
from bot.discord_bot.runner import run_bot
from bot.discord_bot.settings import DiscordSettings

from .standin.server import DiscordStandIn


@pytest.fixture(autouse=True)
def _no_discord_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process environment never leaks into a test's settings; discord.py's global URLs are restored."""
    import os

    for name in list(os.environ):
        if name.startswith("DISCORD_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)


@pytest.fixture
async def standin() -> AsyncIterator[DiscordStandIn]:
    server = DiscordStandIn()
    await server.start()
    yield server
    await server.stop()


def settings_for(standin: DiscordStandIn, **overrides: Any) -> DiscordSettings:
    values: dict[str, Any] = {
        "token": standin.token,
        "api_url": standin.api_url,
        "gateway_url": standin.gateway_url,
        "guild_ready_timeout": 0.05,
        "health_port": 0,
        "cooldown_rate": 100,
        **overrides,
    }
    return DiscordSettings(_env_file=None, **values)


@dataclass
class RunningBot:
    bot: VramBot
    task: asyncio.Task[None]
    expected_exit: bool = False  # the test itself checked how the bot stopped

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.bot.health_port}/health"


StartBot = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def start_bot(standin: DiscordStandIn) -> AsyncIterator[StartBot]:
    """Start the real bot against the stand-in (``run_bot`` as `vrambot discord` runs it); wait until ready."""
    running: list[RunningBot] = []

    async def start(wait_ready: bool = True, **overrides: Any) -> RunningBot:
        settings = settings_for(standin, **overrides)
        bot = VramBot(settings)
        task = asyncio.create_task(run_bot(settings, standin.token, bot))
        handle = RunningBot(bot, task)
        running.append(handle)
        if wait_ready:
            await standin.until(lambda: bot.is_ready() or task.done(), what="the bot to be ready")
            if task.done():
                task.result()
        return handle

    yield start
    for handle in running:
        await handle.bot.client.close()
        if handle.expected_exit:
            continue
        await asyncio.wait_for(handle.task, 5)  # raises whatever killed the bot


@pytest.fixture
async def running(start_bot: StartBot) -> RunningBot:
    return await start_bot()
