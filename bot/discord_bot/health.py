"""A tiny HTTP health endpoint: ``GET /health`` answers 200 only while the gateway connection is ready.

Meant for a container's HEALTHCHECK or an orchestrator's liveness probe; 503 otherwise (starting,
reconnecting, closed).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from aiohttp import web


def _json(status: int, body: dict[str, str]) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})


class HealthServer:
    """Serves ``/health`` (and ``/healthz``) on ``host:port``; port 0 picks a free one (see :attr:`port`)."""

    def __init__(self, is_ready: Callable[[], bool], host: str, port: int) -> None:
        self._is_ready = is_ready
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def _health(self, _request: web.Request) -> web.Response:
        if self._is_ready():
            return _json(200, {"status": "ready"})
        return _json(503, {"status": "not ready"})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/health", self._health)
        app.router.add_get("/healthz", self._health)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self.port = site.port  # the bound port, also when 0 was asked for

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
