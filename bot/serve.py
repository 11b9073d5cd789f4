"""`vrambot serve`: run every bot whose tokens are set (Discord, Slack) in one asyncio process.

- Discord runs when ``DISCORD_TOKEN`` is set, in the environment or ``.env`` as for `vrambot discord`
  (``bot.discord_bot.runner.run_bot``; its settings are the ``DISCORD_*`` variables).
- Slack runs when ``SLACK_BOT_TOKEN`` is set: in Socket Mode with ``SLACK_APP_TOKEN``, otherwise in HTTP
  mode with ``SLACK_SIGNING_SECRET`` on ``--port`` (``bot.slack_bot.runtime.start``).

The bots share one event loop and one :class:`~bot.chat.lifecycle.Lifecycle`. The catalog is loaded and
validated (by `vrambot` itself) before any of them connects. On SIGTERM or SIGINT every bot stops taking
work, finishes the answers it acknowledged (up to ``VRAMBOT_DRAIN_SECONDS``) and the process exits 0. If one
bot stops with an error (a rejected token, for instance), it is logged with the bot's name, the others are
stopped the same way, and the exit status is 1 (2 for a setting to fix), so that a supervisor restarts the process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import click
from pydantic import ValidationError

from bot.chat.lifecycle import Lifecycle, run_until_stopped
from bot.chat.logs import configure_logging
from bot.chat.settings import variable_name
from bot.discord_bot.settings import DiscordSettings  # pydantic only; reads DISCORD_* and .env
from bot.slack_bot.settings import SettingsError, SlackSettings, load_settings, operator_language

log = logging.getLogger("vrambot.serve")

LOG_LEVELS = click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False)
Runner = Callable[[Lifecycle], Coroutine[Any, Any, None]]


class NothingToRun(SettingsError):
    """No bot has its tokens set."""

    def __init__(self) -> None:
        super().__init__("serve.nothing")


def slack_plan(*, host: str, port: int, health_port: int | None) -> tuple[SlackSettings, Runner] | None:
    """The Slack app's runner when ``SLACK_BOT_TOKEN`` is set (a :class:`SettingsError` if half set)."""
    settings = load_settings()
    if settings.bot_token is None:
        return None
    if settings.app_token is None and settings.signing_secret is None:
        raise SettingsError("serve.slack_incomplete")
    settings = load_settings("socket" if settings.app_token is not None else "http")
    from bot.slack_bot.runtime import start  # slack-bolt loads only when Slack runs

    def runner(lifecycle: Lifecycle) -> Coroutine[Any, Any, None]:
        return start(settings, http_host=host, http_port=port, health_port=health_port, lifecycle=lifecycle)

    return settings, runner


def discord_plan() -> tuple[DiscordSettings, Runner] | None:
    """The Discord bot's runner when ``DISCORD_TOKEN`` is set: (its settings, the coroutine)."""
    try:
        settings = DiscordSettings()
    except ValidationError as error:
        first = error.errors()[0]
        name = variable_name("DISCORD_", first["loc"])
        raise SettingsError("serve.invalid", name=name, problem=str(first["msg"])) from None
    token = settings.token_value()
    if token is None:
        return None
    from bot.discord_bot.runner import run_until_stopped as run_discord  # discord.py loads only when Discord runs

    def runner(lifecycle: Lifecycle) -> Coroutine[Any, Any, None]:
        return run_discord(settings, token, lifecycle)

    return settings, runner


async def run_all(runners: dict[str, Runner], lifecycle: Lifecycle) -> int:
    """Run the bots together until stopped or until one stops; the exit status (0 when asked to stop)."""
    tasks = {asyncio.create_task(runner(lifecycle), name=name): name for name, runner in runners.items()}
    log.info("running %s", ", ".join(sorted(runners)))
    stop: asyncio.Future[Any] = asyncio.ensure_future(lifecycle.stopping.wait())
    try:
        done, _pending = await asyncio.wait([*tasks, stop], return_when=asyncio.FIRST_COMPLETED)
        early = [task for task in tasks if task in done]
        if early:
            lifecycle.stop(f"{tasks[early[0]]} stopped")  # the others drain and close as on a signal
        await asyncio.wait(tasks)
    finally:
        stop.cancel()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    status = 0
    for task in early:
        name = tasks[task]
        error = task.exception() if not task.cancelled() else None
        if isinstance(error, SettingsError):
            log.error("%s: %s", name, error.message(operator_language()))
            status = max(status, 2)
        elif error is not None:
            log.error("%s stopped: %s: %s", name, type(error).__name__, error)
            status = max(status, 1)
        else:
            log.error("%s stopped", name)
            status = max(status, 1)
    return status


@click.command("serve")
@click.option(
    "--host", default="0.0.0.0", show_default=True, help="Slack: the address to listen on (HTTP mode or /health)."
)
@click.option("--port", type=click.IntRange(0, 65535), default=3000, show_default=True, help="Slack HTTP mode port.")
@click.option("--health-port", type=click.IntRange(0, 65535), default=None, help="Slack Socket Mode: /health port.")
@click.option("--log-level", type=LOG_LEVELS, default="INFO", show_default=True)
def serve(host: str, port: int, health_port: int | None, log_level: str) -> None:
    """Run every bot whose tokens are set (DISCORD_TOKEN; SLACK_BOT_TOKEN + SLACK_APP_TOKEN or
    SLACK_SIGNING_SECRET) in one process."""
    runners: dict[str, Runner] = {}
    secrets: list[str] = []
    drain, json_lines = 20.0, False
    try:
        slack = slack_plan(host=host, port=port, health_port=health_port)
        if slack is not None:
            secrets += slack[0].secrets()
            runners["slack"] = slack[1]
            drain, json_lines = slack[0].drain_seconds, slack[0].log_json
        discord = discord_plan()
        if discord is not None:
            secrets += discord[0].secrets()
            runners["discord"] = discord[1]
            drain, json_lines = discord[0].drain_seconds, discord[0].log_json
        if not runners:
            raise NothingToRun()
    except SettingsError as error:
        click.echo(f"vrambot serve: {error.message(operator_language())}", err=True)
        raise SystemExit(2) from None
    configure_logging(log_level, secrets, json_lines=json_lines)

    async def main(lifecycle: Lifecycle) -> int:
        return await run_all(runners, lifecycle)

    raise SystemExit(asyncio.run(run_until_stopped(Lifecycle(drain), main)))
