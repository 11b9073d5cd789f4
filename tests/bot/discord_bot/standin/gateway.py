"""The stand-in's gateway: HELLO, heartbeats, IDENTIFY / RESUME, READY and GUILD_CREATE, then dispatches.

Frames are plain-text JSON (discord.py decompresses only binary frames). Close codes follow Discord:
4004 bad token, 4010 bad shard, 4012 bad API version, 4013 missing intents, 4014 a privileged intent the
application has not enabled.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import payloads
from .records import Json

if TYPE_CHECKING:
    from .server import DiscordStandIn

MESSAGE_CONTENT = 1 << 15


@dataclass
class Session:
    ws: web.WebSocketResponse
    query: dict[str, str]
    intents: int = 0
    shard: tuple[int, int] = (0, 1)
    session_id: str = ""
    seq: int = 0
    ready: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def holds(self, guild_id: str | None) -> bool:
        """Discord routes a guild's events to shard (guild_id >> 22) % shards, DMs to shard 0."""
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (int(guild_id) >> 22) % count == shard_id


class Gateway:
    def __init__(self, standin: DiscordStandIn) -> None:
        self._standin = standin
        self.sessions: list[Session] = []
        self.identifies: list[Json] = []
        self.resumes: list[Json] = []
        self.release = asyncio.Event()  # cleared: READY and RESUMED wait (to observe a bot not yet ready)
        self.release.set()

    async def _send(self, session: Session, op: int, data: Any, event: str | None = None) -> None:
        async with session.lock:
            seq = None
            if op == 0:
                session.seq += 1
                seq = session.seq
            await session.ws.send_str(json.dumps({"op": op, "d": data, "s": seq, "t": event}))

    async def dispatch(self, event: str, data: Json, guild_id: str | None) -> None:
        """Send a DISPATCH to the ready session that holds ``guild_id``, with content hidden as Discord does."""
        for session in list(self.sessions):
            if session.ready and session.holds(guild_id) and not session.ws.closed:
                await self._send(session, 0, self._visible(session, event, data), event)

    def _visible(self, session: Session, event: str, data: Json) -> Json:
        """Without the Message Content intent, content is empty unless the message mentions the app,
        is a DM, or is the app's own (developers/events/gateway.mdx)."""
        if event != "MESSAGE_CREATE" or session.intents & MESSAGE_CONTENT:
            return data
        app_id = self._standin.app_id
        if data.get("guild_id") is None or data["author"]["id"] == app_id:
            return data
        if any(user["id"] == app_id for user in data.get("mentions", [])):
            return data
        return {**data, "content": "", "embeds": [], "attachments": []}

    async def close_all(self) -> None:
        for session in list(self.sessions):
            await session.ws.close(code=1000)

    async def reconnect_all(self) -> None:
        """Ask every session to reconnect (op 7), as Discord does before moving a session."""
        for session in list(self.sessions):
            await self._send(session, 7, None)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        session = Session(ws, dict(request.query))
        if session.query.get("v") != "10" or session.query.get("encoding") != "json":
            await ws.close(code=4012, message=b"Invalid API version")
            return ws
        self.sessions.append(session)
        try:
            await self._send(session, 10, {"heartbeat_interval": 41250})
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    await ws.close(code=4002, message=b"Decode error")
                    break
                message = json.loads(frame.data)
                await self._receive(session, message["op"], message.get("d"))
        finally:
            self.sessions.remove(session)
            self._standin.notify()
        return ws

    async def _receive(self, session: Session, op: int, data: Any) -> None:
        if op == 1:
            await self._send(session, 11, None)
        elif op == 2:
            await self._identify(session, data)
        elif op == 6:
            self.resumes.append(data)
            self._standin.notify()
            await self.release.wait()
            session.ready = True
            session.seq = int(data.get("seq") or 0)
            await self._send(session, 0, {"_trace": ["standin"]}, "RESUMED")
        elif op not in (3, 4, 8):
            await session.ws.close(code=4001, message=b"Unknown opcode")

    async def _identify(self, session: Session, data: Json) -> None:
        standin = self._standin
        self.identifies.append(data)
        standin.notify()
        if data.get("token") != standin.token:
            await session.ws.close(code=4004, message=b"Authentication failed")
            return
        if not isinstance(data.get("intents"), int):
            await session.ws.close(code=4013, message=b"Invalid intent(s)")
            return
        if data["intents"] & MESSAGE_CONTENT and not standin.message_content_allowed:
            await session.ws.close(code=4014, message=b"Disallowed intent(s)")
            return
        shard = data.get("shard") or [0, 1]
        if not (isinstance(shard, list) and len(shard) == 2 and 0 <= shard[0] < shard[1]):
            await session.ws.close(code=4010, message=b"Invalid shard")
            return
        session.intents, session.shard = data["intents"], (shard[0], shard[1])
        session.session_id = secrets.token_hex(16)
        await self.release.wait()
        held = session.holds(standin.guild_id)
        ready = {
            "v": 10,
            "user": standin.bot_user,
            "guilds": [{"id": standin.guild_id, "unavailable": True}] if held else [],
            "session_id": session.session_id,
            "resume_gateway_url": standin.gateway_url,
            "application": {"id": standin.app_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
        }
        if data.get("shard"):
            ready["shard"] = list(session.shard)
        await self._send(session, 0, ready, "READY")
        session.ready = True
        if held:
            await self._send(session, 0, self._guild(), "GUILD_CREATE")
        standin.notify()

    def _guild(self) -> Json:
        standin = self._standin
        channels = [c for c in standin.channels.values() if c["type"] == 0]
        threads = [c for c in standin.channels.values() if c["type"] == 11]
        members = [payloads.member(u) for u in (standin.alice, standin.bot_user, standin.bruno)]
        return payloads.guild(standin.guild_id, "vrambot lab", channels, members, threads)
