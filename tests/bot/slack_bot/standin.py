"""A stand-in for Slack on 127.0.0.1: the Web API, a response_url sink and the Socket Mode websocket.

It answers the methods vrambot uses (``auth.test``, ``chat.postMessage``, ``chat.update``,
``chat.postEphemeral``, ``apps.connections.open``), records every call with its parameters and its
``Authorization`` header, and enforces Slack's Block Kit limits the way Slack does (``invalid_blocks``).
Faults on demand: ``rate_limit(method, retry_after)`` answers the next call with 429 and Retry-After;
``down = True`` answers every Web API call with 503, like Slack behind its load balancer during an outage.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0001"
APP_ID = "A0001"
UNKNOWN_CHANNEL = "CGONE000"  # chat.postMessage answers channel_not_found for it

# Slack's limits (https://docs.slack.dev/reference/block-kit/blocks)
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    authorization: str | None
    status: int = 200
    at: float = field(default_factory=time.monotonic)


@dataclass
class Posted:
    """A message sent to a response_url."""

    response_id: str
    body: dict[str, Any]


def block_errors(blocks: list[dict[str, Any]]) -> list[str]:
    """What Slack would reject in ``blocks`` (empty when they are valid)."""
    errors: list[str] = []
    if len(blocks) > MAX_BLOCKS:
        errors.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    for index, block in enumerate(blocks):
        kind = block.get("type")
        text = block.get("text") or {}
        if kind == "header" and (text.get("type") != "plain_text" or len(text.get("text", "")) > MAX_HEADER_TEXT):
            errors.append(f"block {index}: header must be plain_text of at most {MAX_HEADER_TEXT}")
        if kind == "section":
            if text and not 1 <= len(text.get("text", "")) <= MAX_SECTION_TEXT:
                errors.append(f"block {index}: section text must be 1..{MAX_SECTION_TEXT}")
            fields = block.get("fields", [])
            if len(fields) > MAX_FIELDS or any(len(item.get("text", "")) > MAX_FIELD_TEXT for item in fields):
                errors.append(f"block {index}: at most {MAX_FIELDS} fields of {MAX_FIELD_TEXT}")
            if not text and not fields:
                errors.append(f"block {index}: section needs text or fields")
        if kind == "actions":
            for element in block.get("elements", []):
                if len(element.get("text", {}).get("text", "")) > MAX_BUTTON_TEXT:
                    errors.append(f"block {index}: button text over {MAX_BUTTON_TEXT}")
        if kind == "context" and not block.get("elements"):
            errors.append(f"block {index}: context needs elements")
    return errors


class SlackStandIn:
    """Slack's Web API, response URLs and Socket Mode on a random loopback port."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.posted: list[Posted] = []
        self.socket_acks: list[dict[str, Any]] = []
        self.socket_connections = 0
        self.down = False
        self.response_delay = 0.0  # seconds a response_url takes to answer (answers in flight at shutdown)
        self._rate_limits: dict[str, deque[int]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._web_api)
        app.router.add_post("/respond/{response_id}", self._response_url)
        app.router.add_get("/link", self._socket_mode)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, response_id: str) -> str:
        return f"{self.url}/respond/{response_id}"

    # ---- faults ------------------------------------------------------------------------------

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 and ``Retry-After: retry_after``."""
        self._rate_limits[method].extend([retry_after] * times)

    # ---- what was received -------------------------------------------------------------------

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def posts(self) -> list[dict[str, Any]]:
        """Parameters of every accepted chat.postMessage."""
        return [c.params for c in self.calls_to("chat.postMessage")]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``condition()`` holds (the app works asynchronously after its ack)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"the stand-in did not see what was expected within {timeout} s")
            await asyncio.sleep(0.01)

    # ---- Socket Mode -------------------------------------------------------------------------

    async def push(self, envelope: dict[str, Any]) -> None:
        """Send an envelope to every connected Socket Mode client."""
        if not self._sockets:
            raise AssertionError("no Socket Mode client is connected")
        for socket in self._sockets:
            await socket.send_str(json.dumps(envelope))

    async def drop_sockets(self) -> None:
        """Close the Socket Mode connections from the server side."""
        for socket in list(self._sockets):
            await socket.close()

    async def _socket_mode(self, request: web.Request) -> web.WebSocketResponse:
        if request.query.get("ticket") != "stand-in":
            raise web.HTTPUnauthorized()
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        self.socket_connections += 1
        await socket.send_str(
            json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID}})
        )
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    data = json.loads(message.data)
                    if "envelope_id" in data:
                        self.socket_acks.append(data)
        finally:
            self._sockets.remove(socket)
        return socket

    # ---- Web API -----------------------------------------------------------------------------

    async def _web_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, request.headers.get("Authorization"))
        self.calls.append(call)
        if self.down:
            call.status = 503
            return web.Response(status=503, text="upstream connect error", content_type="text/plain")
        if self._rate_limits[method]:
            call.status = 429
            retry_after = self._rate_limits[method].popleft()
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)}
            )
        token = (call.authorization or "").removeprefix("Bearer ")
        if method == "apps.connections.open":
            if not token.startswith("xapp-"):
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/link?ticket=stand-in"})
        if not token.startswith("xoxb-"):
            return web.json_response({"ok": False, "error": "not_authed"})
        handler = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_message,
            "chat.update": self._post_message,
        }.get(method)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response(handler(method, params))

    def _auth_test(self, _method: str, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://stand-in.slack.com/",
            "team": "Stand-in",
            "user": "vrambot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel == UNKNOWN_CHANNEL:
            return {"ok": False, "error": "channel_not_found"}
        blocks = params.get("blocks") or []
        if not params.get("text") and not blocks:
            return {"ok": False, "error": "no_text"}
        if block_errors(blocks):
            return {"ok": False, "error": "invalid_blocks", "errors": block_errors(blocks)}
        if method == "chat.update" and not params.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        ts = params.get("ts") or f"{1700000000 + next(self._ts)}.000100"
        return {"ok": True, "channel": channel, "ts": ts, "message": {"text": params.get("text"), "ts": ts}}

    # ---- response_url ------------------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.response_delay:
            await asyncio.sleep(self.response_delay)
            if request.transport is None or request.transport.is_closing():
                return web.Response(status=499)  # the sender went away: Slack never got this answer
        errors = block_errors(body.get("blocks") or [])
        if errors:
            return web.Response(status=400, text="invalid_blocks")
        self.posted.append(Posted(request.match_info["response_id"], body))
        return web.Response(text="ok")


async def _params(request: web.Request) -> dict[str, Any]:
    """A Web API call's parameters, whether sent as JSON or as a form (with JSON-encoded blocks)."""
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    params: dict[str, Any] = {key: str(value) for key, value in form.items()}
    if isinstance(params.get("blocks"), str):
        params["blocks"] = json.loads(params["blocks"])
    return params
