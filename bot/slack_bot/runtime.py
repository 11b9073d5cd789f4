"""Run the Slack app: Socket Mode (outbound websocket) or HTTP mode (aiohttp server), with a health check.

- Socket Mode needs ``SLACK_BOT_TOKEN`` and ``SLACK_APP_TOKEN``; ``/health`` (on ``--health-port``)
  answers 200 while the websocket is connected, 503 otherwise.
- HTTP mode needs ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET``; Slack's requests go to
  ``/slack/events``, and ``/health`` answers 200 on the same port.

:func:`start` is the coroutine ``vrambot serve`` runs next to the other bots: it runs until cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from bot.slack_bot.app import AskFn, SlackBot, knowledge_ask
from bot.slack_bot.settings import SlackSettings

log = logging.getLogger("vrambot.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"

HealthCheck = Callable[[], Awaitable[bool]]


def health_handler(check: HealthCheck, mode: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def health(_request: web.Request) -> web.Response:
        ok = await check()
        return web.json_response({"status": "ok" if ok else "unavailable", "mode": mode}, status=200 if ok else 503)

    return health


async def _always() -> bool:
    return True


def http_web_app(bot: SlackBot) -> web.Application:
    """The aiohttp application of HTTP mode: Bolt at ``/slack/events`` plus ``GET /health``."""
    web_app = bot.app.web_app(path=EVENTS_PATH)
    web_app.router.add_get(HEALTH_PATH, health_handler(_always, "http"))
    return web_app


async def _serve_until_cancelled(runner: web.AppRunner, host: str, port: int, what: str) -> None:
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        for address in runner.addresses:
            log.info("%s listening on http://%s:%s", what, *address[:2])
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def run_http(settings: SlackSettings, *, host: str, port: int, ask: AskFn = knowledge_ask) -> None:
    """HTTP mode until cancelled: Slack posts signed requests to ``http://host:port/slack/events``."""
    bot = SlackBot(settings, ask=ask)
    await bot.verify_token()
    await _serve_until_cancelled(web.AppRunner(http_web_app(bot)), host, port, f"Slack app (HTTP mode, {EVENTS_PATH})")


async def run_socket_mode(
    settings: SlackSettings,
    *,
    health_host: str = "0.0.0.0",
    health_port: int | None = None,
    ask: AskFn = knowledge_ask,
) -> None:
    """Socket Mode until cancelled: connect to Slack's websocket; optionally serve ``/health``."""
    if settings.app_token is None:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
    bot = SlackBot(settings, ask=ask)
    await bot.verify_token()
    handler = AsyncSocketModeHandler(bot.app, settings.app_token.get_secret_value(), logger=log)
    health_runner: web.AppRunner | None = None
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]  # slack-bolt leaves it unannotated
        log.info("Slack app connected in Socket Mode")
        if health_port is None:
            await asyncio.Event().wait()
        else:
            health_app = web.Application()
            health_app.router.add_get(HEALTH_PATH, health_handler(handler.client.is_connected, "socket"))
            health_runner = web.AppRunner(health_app)
            await _serve_until_cancelled(health_runner, health_host, health_port, "Slack health endpoint")
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]  # slack-bolt leaves it unannotated


async def start(
    settings: SlackSettings,
    *,
    http_host: str = "0.0.0.0",
    http_port: int = 3000,
    health_port: int | None = None,
) -> None:
    """Run the Slack app until cancelled: Socket Mode when ``SLACK_APP_TOKEN`` is set, else HTTP mode."""
    if settings.app_token is not None:
        await run_socket_mode(settings, health_host=http_host, health_port=health_port)
    else:
        await run_http(settings, host=http_host, port=http_port)
