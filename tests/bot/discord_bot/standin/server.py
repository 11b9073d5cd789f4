"""The Discord stand-in: REST API and gateway on 127.0.0.1 (a random port), enforcing Discord's rules.

It answers what discord.py 2.7 calls (login, application info, command sync, interaction callbacks and
webhooks, channel messages, threads) with the objects Discord returns, headers included: Content-Type is
exactly ``application/json`` (discord.py compares the string). It enforces the 3-second deadline
(404 / 10062), message and embed limits (400 / 50035), autocomplete limits, command payload rules,
authentication, and the privileged Message Content intent (gateway close 4014). Tests can inject a 429
(with ``Via`` and ``retry_after``, so discord.py retries) or any other failure on the next matching request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from . import payloads, rules
from .gateway import Gateway
from .records import EPHEMERAL, InteractionRecord, Json, Reply, Request

T = TypeVar("T")
Handler = Callable[[web.Request, Request, re.Match[str]], Awaitable[web.Response]]
API = "/api/v10"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``, as Discord's."""
    return web.Response(
        status=status, body=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )


def error(status: int, code: int, message: str, **extra: Any) -> web.Response:
    return json_response({"code": code, "message": message, **extra}, status)


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: Json
    headers: dict[str, str]
    times: int


class DiscordStandIn:
    """One fake Discord: a guild with a text channel, two users, the bot, and what it was sent."""

    def __init__(self, *, deadline_s: float = 3.0, message_content_allowed: bool = False, shards: int = 1) -> None:
        self.deadline_s = deadline_s
        self.message_content_allowed = message_content_allowed
        self.shards = shards
        self.token = f"standin.{secrets.token_urlsafe(24)}"
        self.app_id = payloads.snowflake()
        self.bot_user = payloads.user(self.app_id, "vrambot", bot=True)
        self.alice = payloads.user(payloads.snowflake(), "alice")
        self.bruno = payloads.user(payloads.snowflake(), "bruno")
        self.guild_id = payloads.snowflake()
        self.channel_id = payloads.snowflake()
        self.channels: dict[str, Json] = {
            self.channel_id: payloads.text_channel(self.channel_id, self.guild_id, "general")
        }
        self.messages: dict[str, list[Json]] = {self.channel_id: []}
        self.interactions: dict[str, InteractionRecord] = {}
        self.synced: dict[str | None, list[Json]] = {}
        self.requests: list[Request] = []
        self._faults: list[Fault] = []
        self.callback_delay = 0.0
        self.gateway = Gateway(self)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._changed = asyncio.Event()
        self._routes: list[tuple[str, re.Pattern[str], bool, Handler]] = []
        self._route("GET", r"/users/@me", self._me)
        self._route("GET", r"/oauth2/applications/@me", self._application)
        self._route("GET", r"/gateway/bot", self._gateway_bot)
        self._route("GET", r"/gateway", self._gateway_url, auth=False)
        self._route("PUT", r"/applications/(?P<app>\d+)/commands", self._sync)
        self._route("PUT", r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands", self._sync)
        self._route("POST", r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback", self._callback, auth=False)
        self._route("PATCH", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original", self._edit, auth=False)
        self._route("DELETE", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original", self._delete, auth=False)
        self._route("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", self._followup, auth=False)
        self._route("POST", r"/channels/(?P<channel>\d+)/messages", self._create_message)
        self._route("POST", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)/threads", self._create_thread)

    # Lifecycle and addresses.

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site.port

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # Waiting for what the bot does.

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def until(self, probe: Callable[[], T | None], timeout: float = 5.0, what: str = "") -> T:
        """Wait until ``probe()`` returns something truthy, and return it.

        Re-checked on every change the stand-in sees, and every 20 ms for the bot's own state."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            value = probe()
            if value:
                return value
            remaining = end - loop.time()
            if remaining <= 0:
                raise AssertionError(f"stand-in: timed out waiting for {what or probe}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.02))

    async def reply_to(self, record: InteractionRecord, timeout: float = 5.0) -> Reply:
        """The reply the user ends up seeing for ``record``."""
        return await self.until(lambda: record.visible, timeout, f"a reply to interaction {record.id}")

    # Fault injection.

    def fail_next(self, method: str, path_regex: str, status: int, body: Json, *, times: int = 1,
                  headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self._faults.append(Fault(method, re.compile(path_regex), status, body, headers or {}, times))

    def rate_limit_next(self, method: str, path_regex: str, retry_after: float = 0.2, *, times: int = 1) -> None:
        """Answer the next matching requests with Discord's 429 (``Via`` header and ``retry_after``)."""
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        headers = {"Via": "1.1 google", "Retry-After": str(max(1, round(retry_after))), "X-RateLimit-Scope": "user"}
        self.fail_next(method, path_regex, 429, body, times=times, headers=headers)

    # Acting as users.

    def _command_id(self, name: str) -> str:
        for commands in self.synced.values():
            for command in commands:
                if command["name"] == name:
                    return str(command["id"])
        return payloads.snowflake()

    async def interact(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: Json | None = None,
        locale: str = "en-US",
        focused: str | None = None,
        channel_id: str | None = None,
        dm: bool = False,
    ) -> InteractionRecord:
        """Dispatch INTERACTION_CREATE: a slash command, or an autocomplete when ``focused`` names an option."""
        user = user or self.alice
        kinds = {bool: 5, int: 4, float: 10, str: 3}
        option_list = []
        for key, value in (options or {}).items():
            option = {"name": key, "type": kinds[type(value)], "value": value}
            if key == focused:
                option["focused"] = True
            option_list.append(option)
        data = {"id": self._command_id(name), "name": name, "type": 1, "options": option_list}
        if dm:
            channel = payloads.dm_channel(payloads.snowflake(), user)
        else:
            channel = self.channels[channel_id or self.channel_id]
        interaction_id, token = payloads.snowflake(), f"aW50ZXJhY3Rpb24.{secrets.token_urlsafe(32)}"
        payload = payloads.interaction(
            interaction_id, self.app_id, token, kind=4 if focused else 2, data=data, user_obj=user,
            locale=locale, guild_id=None if dm else self.guild_id, channel=channel,
        )  # fmt: skip
        record = InteractionRecord(interaction_id, token, payload, asyncio.get_running_loop().time())
        self.interactions[interaction_id] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload, None if dm else self.guild_id)
        return record

    async def say(self, content: str, *, user: Json | None = None, channel_id: str | None = None,
                  mention: bool = True) -> Json:  # fmt: skip
        """A user posts a message (mentioning the bot by default) in a channel or thread."""
        user = user or self.alice
        channel_id = channel_id or self.channel_id
        channel = self.channels[channel_id]
        text = f"<@{self.app_id}> {content}" if mention else content
        guild_id = channel.get("guild_id")
        message = payloads.message(
            payloads.snowflake(), channel_id, user, text, guild_id=guild_id,
            mentions=[self.bot_user] if mention else [],
        )  # fmt: skip
        self.messages[channel_id].append(message)
        await self.gateway.dispatch("MESSAGE_CREATE", message, guild_id)
        return message

    def open_dm(self, user: Json) -> str:
        channel_id = payloads.snowflake()
        self.channels[channel_id] = payloads.dm_channel(channel_id, user)
        self.messages[channel_id] = []
        return channel_id

    def bot_messages(self, channel_id: str) -> list[Json]:
        return [m for m in self.messages.get(channel_id, []) if m["author"]["id"] == self.app_id]

    def thread_of(self, message_id: str) -> Json | None:
        return self.channels.get(message_id) if self.channels.get(message_id, {}).get("type") == 11 else None

    # REST.

    def _route(self, method: str, pattern: str, handler: Handler, *, auth: bool = True) -> None:
        self._routes.append((method, re.compile(pattern + r"$"), auth, handler))

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            if request.headers.get("Content-Type", "").split(";")[0] != "application/json":
                return error(400, 50035, "Invalid Form Body: expected application/json")
            body = json.loads(await request.read() or b"null")
        record = Request(request.method, path, dict(request.query), body, dict(request.headers))
        self.requests.append(record)
        response = await self._answer(request, record, path)
        record.status = response.status
        self.notify()
        return response

    async def _answer(self, request: web.Request, record: Request, path: str) -> web.Response:
        for fault in self._faults:
            if fault.times > 0 and fault.method == request.method and fault.pattern.search(path):
                fault.times -= 1
                return json_response(fault.body, fault.status, fault.headers)
        for method, pattern, auth, handler in self._routes:
            match = pattern.match(path)
            if match and method == request.method:
                if auth and request.headers.get("Authorization") != f"Bot {self.token}":
                    return error(401, 0, "401: Unauthorized")
                return await handler(request, record, match)
        return error(404, 0, "404: Not Found")

    async def _me(self, _r: web.Request, _q: Request, _m: re.Match[str]) -> web.Response:
        return json_response(self.bot_user)

    async def _application(self, _r: web.Request, _q: Request, _m: re.Match[str]) -> web.Response:
        return json_response(payloads.application(self.app_id, self.alice))

    async def _gateway_bot(self, _r: web.Request, _q: Request, _m: re.Match[str]) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response({"url": self.gateway_url, "shards": self.shards, "session_start_limit": limit})

    async def _gateway_url(self, _r: web.Request, _q: Request, _m: re.Match[str]) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _sync(self, _r: web.Request, q: Request, m: re.Match[str]) -> web.Response:
        if m["app"] != self.app_id:
            return error(403, 50001, "Missing Access")
        problems = rules.command_errors(q.body)
        if problems:
            return json_response(rules.invalid_form_body(problems), 400)
        scope = m.groupdict().get("guild")
        stored = [
            {**c, "id": payloads.snowflake(), "application_id": self.app_id, "version": payloads.snowflake(),
             **({"guild_id": scope} if scope else {})}
            for c in q.body
        ]  # fmt: skip
        self.synced[scope] = stored
        return json_response(stored)

    # Interaction callbacks and webhooks.

    def _message_from(self, data: Json, channel_id: str) -> Json:
        return payloads.message(
            payloads.snowflake(), channel_id, self.bot_user, data.get("content") or "",
            embeds=data.get("embeds"), flags=int(data.get("flags") or 0),
        )  # fmt: skip

    def _record(self, token: str) -> InteractionRecord | None:
        return next((r for r in self.interactions.values() if r.token == token), None)

    def _reject(self, record: InteractionRecord | None, response: web.Response, body: Json) -> web.Response:
        if record is not None:
            record.rejected.append((response.status, body))
        return response

    async def _callback(self, request: web.Request, q: Request, m: re.Match[str]) -> web.Response:
        if self.callback_delay:  # a slow Discord: replies in flight when the bot is asked to stop
            await asyncio.sleep(self.callback_delay)
            if request.transport is None or request.transport.is_closing():
                return error(499, 0, "client went away")
        record = self.interactions.get(m["id"])
        if record is None or record.token != m["token"]:
            return error(404, 10062, "Unknown interaction")
        elapsed = asyncio.get_running_loop().time() - record.dispatched_at
        if elapsed > self.deadline_s:
            body = {"code": 10062, "message": "Unknown interaction"}
            return self._reject(record, json_response(body, 404), body)
        if record.initial is not None:
            body = {"code": 40060, "message": "Interaction has already been acknowledged."}
            return self._reject(record, json_response(body, 400), body)
        kind, data = q.body.get("type"), q.body.get("data") or {}
        problems = rules.autocomplete_errors(data) if kind == 8 else rules.message_errors(data) if kind == 4 else []
        if kind not in (4, 5, 8) or (kind == 8) != (record.payload["type"] == 4):
            problems.append(f"type: invalid response type {kind} for interaction type {record.payload['type']}")
        if problems:
            body = rules.invalid_form_body(problems)
            return self._reject(record, json_response(body, 400), body)
        ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
        record.replies.append(Reply("callback", kind, data, ephemeral, elapsed))
        if q.query.get("with_response") not in ("1", "true"):
            return web.Response(status=204)
        message = self._message_from(data, record.payload["channel_id"]) if kind in (4, 5) else None
        interaction = {
            "id": record.id,
            "type": record.payload["type"],
            "response_message_id": message["id"] if message else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": ephemeral,
        }
        resource: Json = {"type": kind, **({"message": message} if message else {})}
        return json_response({"interaction": interaction, "resource": resource})

    def _webhook_record(self, m: re.Match[str]) -> InteractionRecord | None:
        record = self._record(m["token"])
        if m["app"] != self.app_id or record is None or record.initial is None:
            return None
        return record

    async def _edit(self, _r: web.Request, q: Request, m: re.Match[str]) -> web.Response:
        record = self._webhook_record(m)
        if record is None or record.original_deleted or record.initial is None or record.initial.type == 8:
            return error(404, 10008, "Unknown Message")
        problems = rules.message_errors(q.body)
        if problems:
            body = rules.invalid_form_body(problems)
            return self._reject(record, json_response(body, 400), body)
        elapsed = asyncio.get_running_loop().time() - record.dispatched_at
        record.replies.append(Reply("edit", None, q.body, record.initial.ephemeral, elapsed))
        return json_response(self._message_from(q.body, record.payload["channel_id"]))

    async def _delete(self, _r: web.Request, _q: Request, m: re.Match[str]) -> web.Response:
        record = self._webhook_record(m)
        if record is None or record.original_deleted:
            return error(404, 10008, "Unknown Message")
        record.original_deleted = True
        return web.Response(status=204)

    async def _followup(self, _r: web.Request, q: Request, m: re.Match[str]) -> web.Response:
        record = self._webhook_record(m)
        if record is None:
            return error(404, 10015, "Unknown Webhook")
        problems = rules.message_errors(q.body)
        if problems:
            body = rules.invalid_form_body(problems)
            return self._reject(record, json_response(body, 400), body)
        ephemeral = bool(int(q.body.get("flags") or 0) & EPHEMERAL)
        elapsed = asyncio.get_running_loop().time() - record.dispatched_at
        record.replies.append(Reply("followup", None, q.body, ephemeral, elapsed))
        return json_response(self._message_from(q.body, record.payload["channel_id"]))

    # Channels and threads.

    async def _create_message(self, _r: web.Request, q: Request, m: re.Match[str]) -> web.Response:
        channel = self.channels.get(m["channel"])
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        problems = rules.message_errors(q.body)
        reference = q.body.get("message_reference")
        if reference and not any(x["id"] == str(reference.get("message_id")) for x in self.messages[channel["id"]]):
            problems.append("message_reference: Unknown message")
        if problems:
            return json_response(rules.invalid_form_body(problems), 400)
        message = payloads.message(
            payloads.snowflake(), channel["id"], self.bot_user, q.body.get("content") or "",
            guild_id=channel.get("guild_id"), embeds=q.body.get("embeds"),
            reference={"message_id": str(reference["message_id"]), "channel_id": channel["id"]} if reference else None,
        )  # fmt: skip
        message["allowed_mentions"] = q.body.get("allowed_mentions")  # kept for the tests to inspect
        self.messages[channel["id"]].append(message)
        await self.gateway.dispatch("MESSAGE_CREATE", message, channel.get("guild_id"))
        return json_response(message)

    async def _create_thread(self, _r: web.Request, q: Request, m: re.Match[str]) -> web.Response:
        channel = self.channels.get(m["channel"])
        if channel is None or channel["type"] != 0:
            return error(400 if channel else 404, 50024 if channel else 10003, "Cannot start a thread here")
        if not any(x["id"] == m["message"] for x in self.messages[channel["id"]]):
            return error(404, 10008, "Unknown Message")
        if m["message"] in self.channels:
            return error(400, 160004, "A thread has already been created for this message")
        name = (q.body or {}).get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            return json_response(rules.invalid_form_body(["name: Must be between 1 and 100 in length."]), 400)
        thread = payloads.thread_channel(m["message"], self.guild_id, channel["id"], self.app_id, name)
        self.channels[thread["id"]] = thread
        self.messages[thread["id"]] = []
        await self.gateway.dispatch("THREAD_CREATE", {**thread, "newly_created": True}, self.guild_id)
        return json_response(thread, 201)
