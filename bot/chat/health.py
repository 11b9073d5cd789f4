"""One health endpoint for every platform: ``GET /health`` (and ``/healthz``) plus ``GET /metrics``.

``/health`` answers ``{"status": "ok", "platform": ..., "detail": ...}`` with 200 while the bot can take
work (Discord's gateway READY, Slack's socket connected or its HTTP listener up) and ``"unavailable"``
with 503 otherwise (starting, reconnecting, draining before exit). ``/metrics`` is Prometheus' text format.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.chat import metrics

ReadyCheck = Callable[[], bool | Awaitable[bool]]
HEALTH_PATHS = ("/health", "/healthz")
METRICS_PATH = "/metrics"


async def is_ready(check: ReadyCheck) -> bool:
    result = check()
    return bool(await result) if inspect.isawaitable(result) else bool(result)


def health_response(ok: bool, platform: str, detail: str) -> web.Response:
    body = {"status": "ok" if ok else "unavailable", "platform": platform, "detail": detail}
    return web.Response(status=200 if ok else 503, body=json.dumps(body).encode(), content_type="application/json")


def add_health_routes(app: web.Application, check: ReadyCheck, platform: str, detail: str) -> None:
    """``/health``, ``/healthz`` and ``/metrics`` on ``app``."""

    async def health(_request: web.Request) -> web.Response:
        return health_response(await is_ready(check), platform, detail)

    async def metrics_page(_request: web.Request) -> web.Response:
        response = web.Response(body=metrics.exposition())
        response.headers["Content-Type"] = metrics.CONTENT_TYPE
        return response

    for path in HEALTH_PATHS:
        app.router.add_get(path, health)
    app.router.add_get(METRICS_PATH, metrics_page)


class HealthServer:
    """Serves the health routes on ``host:port``; port 0 picks a free one (see :attr:`port`)."""

    def __init__(self, check: ReadyCheck, host: str, port: int, *, platform: str, detail: str = "") -> None:
        self._check, self._host, self._port = check, host, port
        self._platform, self._detail = platform, detail
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        app = web.Application()
        add_health_routes(app, self._check, self._platform, self._detail)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self.port = site.port  # the bound port, also when 0 was asked for

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
