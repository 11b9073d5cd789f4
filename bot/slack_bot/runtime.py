"""Run the Slack app: Socket Mode (outbound websocket) or HTTP mode (aiohttp server), with a health check.

- Socket Mode needs ``SLACK_BOT_TOKEN`` and ``SLACK_APP_TOKEN``; ``/health`` (on ``--health-port``)
  answers 200 while the websocket is connected, 503 otherwise.
- HTTP mode needs ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET``; Slack's requests go to
  ``/slack/events`` (checked by :mod:`bot.slack_bot.guard` before Bolt sees them), and ``/health`` and
  ``/metrics`` are served on the same port.

Both run until their :class:`~bot.chat.lifecycle.Lifecycle` is stopped (SIGTERM, SIGINT): then they stop
taking work (the listener closes; the socket disconnects), finish the answers already acknowledged for up to
``VRAMBOT_DRAIN_SECONDS``, close their connections and return.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.chat.core import AskFn, Chat, knowledge_ask, make_state
from bot.chat.health import add_health_routes, health_response
from bot.chat.lifecycle import Lifecycle
from bot.slack_bot.app import SlackBot
from bot.slack_bot.guard import BODY_KEY, RefusalLog, slack_guard
from bot.slack_bot.settings import SlackSettings

log = logging.getLogger("vrambot.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"


def is_slash_command(content_type: str, body: str) -> bool:
    """A slash command's form (``command=/vram&…``), which Slack wants acknowledged with an empty 200."""
    if content_type != "application/x-www-form-urlencoded":
        return False
    form = parse_qs(body, keep_blank_values=True)
    return "command" in form and "payload" not in form


def http_web_app(bot: SlackBot) -> web.Application:
    """The aiohttp application of HTTP mode: guarded Bolt at ``/slack/events``, plus health and metrics."""
    secret = bot.settings.signing_secret.get_secret_value() if bot.settings.signing_secret is not None else ""
    guard = slack_guard(secret, RefusalLog())

    async def events(request: web.Request) -> web.StreamResponse:
        if not bot.chat.accepting:
            return health_response(False, "slack", "stopping")
        body = request[BODY_KEY].decode("utf-8")
        bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))
        if is_slash_command(request.content_type, body):
            # Signed and well formed (the guard checked): acknowledge now, answer in the background. Under a burst
            # the event loop is shared by every request's pipeline; acknowledging first keeps each ack under
            # Slack's 3 s whatever the queue (benchmarks/slack_load.py).
            bot.chat.lifecycle.adopt(asyncio.ensure_future(bot.app.async_dispatch(bolt_request)))
            return web.Response(status=200)
        return await to_aiohttp_response(await bot.app.async_dispatch(bolt_request))

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, guard(events))
    add_health_routes(web_app, lambda: bot.chat.accepting, "slack", "http")
    return web_app


def _bot(settings: SlackSettings, ask: AskFn, lifecycle: Lifecycle) -> SlackBot:
    return SlackBot(settings, chat=Chat(make_state(settings), platform="slack", ask=ask, lifecycle=lifecycle))


async def run_http(
    settings: SlackSettings,
    *,
    host: str,
    port: int,
    ask: AskFn = knowledge_ask,
    lifecycle: Lifecycle | None = None,
) -> None:
    """HTTP mode until stopped: Slack posts signed requests to ``http://host:port/slack/events``."""
    lifecycle = lifecycle or Lifecycle(settings.drain_seconds)
    bot = _bot(settings, ask, lifecycle)
    try:
        await bot.verify_token()
        runner = web.AppRunner(http_web_app(bot), handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
            for address in runner.addresses:
                log.info("Slack app (HTTP mode, %s) listening on http://%s:%s", EVENTS_PATH, *address[:2])
            await lifecycle.stopping.wait()
            await site.stop()  # no new connections; answers in flight still reach Slack
            await lifecycle.drain()
        finally:
            await runner.cleanup()
    finally:
        await bot.close()
    log.info("Slack app stopped")


async def run_socket_mode(
    settings: SlackSettings,
    *,
    health_host: str = "0.0.0.0",
    health_port: int | None = None,
    ask: AskFn = knowledge_ask,
    lifecycle: Lifecycle | None = None,
) -> None:
    """Socket Mode until stopped: connect to Slack's websocket; optionally serve ``/health``."""
    if settings.app_token is None:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
    lifecycle = lifecycle or Lifecycle(settings.drain_seconds)
    bot = _bot(settings, ask, lifecycle)
    handler = AsyncSocketModeHandler(bot.app, settings.app_token.get_secret_value(), logger=log)
    health_runner: web.AppRunner | None = None
    closed = False
    try:
        await bot.verify_token()
        await handler.connect_async()  # type: ignore[no-untyped-call]  # slack-bolt leaves it unannotated
        log.info("Slack app connected in Socket Mode")
        if health_port is not None:
            health_app = web.Application()

            async def connected() -> bool:
                return bot.chat.accepting and await handler.client.is_connected()

            add_health_routes(health_app, connected, "slack", "socket")
            health_runner = web.AppRunner(health_app, handle_signals=False, access_log=None)
            await health_runner.setup()
            await web.TCPSite(health_runner, health_host, health_port).start()
            log.info("Slack health endpoint on http://%s:%s%s", health_host, health_port, HEALTH_PATH)
        await lifecycle.stopping.wait()
        closed = True  # no new events; answers in flight use the Web API and response_url, not the socket
        await handler.close_async()  # type: ignore[no-untyped-call]  # slack-bolt leaves it unannotated
        await lifecycle.drain()
    finally:
        if not closed:
            await handler.close_async()  # type: ignore[no-untyped-call]  # slack-bolt leaves it unannotated
        if health_runner is not None:
            await health_runner.cleanup()
        await bot.close()
    log.info("Slack app stopped")


async def start(
    settings: SlackSettings,
    *,
    http_host: str = "0.0.0.0",
    http_port: int = 3000,
    health_port: int | None = None,
    lifecycle: Lifecycle | None = None,
) -> None:
    """Run the Slack app until stopped: Socket Mode when ``SLACK_APP_TOKEN`` is set, else HTTP mode."""
    if settings.app_token is not None:
        await run_socket_mode(settings, health_host=http_host, health_port=health_port, lifecycle=lifecycle)
    else:
        await run_http(settings, host=http_host, port=http_port, lifecycle=lifecycle)
