"""Refuse junk before parsing it: what reaches Bolt at ``/slack/events`` is small, fresh, signed and well formed.

In order, cheapest first: the body size (413 past ``MAX_BODY_BYTES``, read no further), the timestamp
(401 unless a whole number within five minutes), the signature (401 unless Slack's ``v0`` HMAC-SHA256 of
``v0:<timestamp>:<body>`` with the signing secret), then parsing (400 for invalid UTF-8, a body that is
not a JSON object or a form, a ``payload=`` that is not a JSON object, nesting past ``MAX_DEPTH``, an
``event`` that is not an object). Nothing is parsed before the signature is checked, so an unsigned
request costs one HMAC at most.

Each refusal is one short log line with the reason and the peer, never the body or the headers, and at
most ``LOG_BURST`` lines per ``LOG_WINDOW_S`` seconds (then one line counting those left out).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web

from bot.chat import metrics

log = logging.getLogger("vrambot.slack.http")

MAX_BODY_BYTES = 64 * 1024  # judgement: Slack's event and command payloads are a few KiB
MAX_AGE_S = 300  # Slack's own rule: refuse requests older than five minutes (replays)
MAX_DEPTH = 32
LOG_BURST = 5
LOG_WINDOW_S = 60.0
BODY_KEY = web.RequestKey("vrambot_body", bytes)
REASON_CODES = {  # the metric's label for each refusal
    "too large": "too_large",
    "timestamp missing or not a number": "timestamp",
    "stale timestamp": "stale",
    "bad signature": "signature",
}


class RefusalLog:
    """At most ``burst`` refusal lines per ``window_s``; the rest are counted and reported in one line."""

    def __init__(
        self, burst: int = LOG_BURST, window_s: float = LOG_WINDOW_S, clock: Callable[[], float] = time.monotonic
    ):
        self._burst, self._window_s, self._clock = burst, window_s, clock
        self._window_start = -window_s
        self._logged = 0
        self._suppressed = 0

    def refused(self, status: int, reason: str, peer: str) -> None:
        now = self._clock()
        if now - self._window_start >= self._window_s:
            if self._suppressed:
                log.warning(
                    "%d more requests refused in the last %.0f s (not logged one by one)",
                    self._suppressed,
                    self._window_s,
                )
            self._window_start, self._logged, self._suppressed = now, 0, 0
        if self._logged < self._burst:
            self._logged += 1
            log.warning("refused a request from %s: %d %s", peer, status, reason)
        else:
            self._suppressed += 1


def signature_ok(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Slack's request signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the secret."""
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _depth(value: Any, limit: int) -> bool:
    """True when ``value`` nests no deeper than ``limit`` (iteratively: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return True


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) and _depth(value, MAX_DEPTH) else None


def malformed(body: bytes, content_type: str) -> str | None:
    """Why a signed body cannot be a Slack request, or None when it can."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    if content_type == "application/json":
        data = _json_object(text)
        if data is None:
            return "body is not a JSON object"
        if "event" in data and not isinstance(data["event"], dict):
            return "event is not an object"
        return None
    form = parse_qs(text, keep_blank_values=True)
    if "payload" in form and _json_object(form["payload"][0]) is None:
        return "payload is not a JSON object"
    return None


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def slack_guard(
    secret: str, refusals: RefusalLog, *, now: Callable[[], float] = time.time
) -> Callable[[Handler], Handler]:
    """An aiohttp handler wrapper: checks a request as above, then stores its body under ``BODY_KEY``."""

    def refuse(request: web.Request, status: int, reason: str) -> web.Response:
        metrics.REFUSALS.labels("slack", REASON_CODES.get(reason, "malformed")).inc()
        refusals.refused(status, reason, request.remote or "?")
        return web.json_response({"error": reason}, status=status)

    def wrap(handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
                return refuse(request, 413, "too large")
            body = await request.content.read(MAX_BODY_BYTES + 1)
            if len(body) > MAX_BODY_BYTES:
                return refuse(request, 413, "too large")
            stamp = request.headers.get("X-Slack-Request-Timestamp", "")
            if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
                return refuse(request, 401, "timestamp missing or not a number")
            if abs(now() - int(stamp)) > MAX_AGE_S:
                return refuse(request, 401, "stale timestamp")
            if not signature_ok(secret, stamp, body, request.headers.get("X-Slack-Signature", "")):
                return refuse(request, 401, "bad signature")
            why = malformed(body, request.content_type)
            if why is not None:
                return refuse(request, 400, why)
            request[BODY_KEY] = body
            return await handler(request)

        return guarded

    return wrap
