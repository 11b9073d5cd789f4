""":class:`~bot.chat.state.ChatState` in Redis, so that many workers (Slack HTTP workers behind a load
balancer, Discord shards in separate processes) share de-duplication, conversation memory and cooldowns.

Every key carries a TTL (``vrambot:claim:*`` an hour, ``vrambot:conv:*`` the memory TTL, ``vrambot:cool:*``
the cooldown window), so Redis holds only live state. The cooldown is the same sliding window as in the
process (GCRA: the time the user's allowance is next due), updated atomically by one Lua script.

When Redis cannot be reached, the state degrades to the in-process stores with one warning, and tries Redis
again after ``retry_s`` seconds (one "back" line when it answers again): answers go on, only sharing pauses.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.chat.state import CLAIM_TTL_S, LocalState

log = logging.getLogger("vrambot.chat")
T = TypeVar("T")
PREFIX = "vrambot:"
TIMEOUT_S = 2.0  # a Redis on the same network answers in ~1 ms; a busy worker reads it late: past 2 s, go on alone
RETRY_S = 5.0

_COOLDOWN = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2]) / tonumber(ARGV[3])
local tolerance = tonumber(ARGV[2]) - interval
local due = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if due < now then due = now end
if due - now > tolerance then
  return tostring(due - tolerance - now)
end
redis.call('SET', KEYS[1], tostring(due + interval), 'PX', math.ceil((due + interval - now) * 1000))
return '0'
"""


class RedisState:
    """Shared state in Redis at ``url``, with ``fallback`` (in-process) while Redis is away."""

    def __init__(
        self,
        url: str,
        fallback: LocalState,
        *,
        cooldown_rate: int = 5,
        cooldown_per: float = 30.0,
        memory_ttl: float = 6 * 3600.0,
        memory_bytes: int = 16 * 1024 * 1024,
        retry_s: float = RETRY_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S, retry_on_timeout=False
        )
        self._cooldown: Any = self._redis.register_script(_COOLDOWN)
        self.fallback = fallback
        self._rate, self._per = cooldown_rate, cooldown_per
        self._memory_ttl_ms = max(1, int(memory_ttl * 1000))
        self._memory_bytes = memory_bytes
        self._retry_s = retry_s
        self._clock = clock
        self._down_until: float | None = None  # monotonic time until which Redis is not tried

    @property
    def degraded(self) -> bool:
        """True while Redis is away and the in-process stores answer."""
        return self._down_until is not None

    async def claim(self, key: str) -> bool:
        async def shared() -> bool:
            return bool(await self._redis.set(PREFIX + "claim:" + key, b"1", nx=True, px=int(CLAIM_TTL_S * 1000)))

        return await self._use(shared, lambda: self.fallback.claim(key))

    async def release(self, key: str) -> None:
        async def shared() -> None:
            await self._redis.delete(PREFIX + "claim:" + key)

        await self._use(shared, lambda: self.fallback.release(key))

    async def recall(self, conversation: str) -> bytes | None:
        async def shared() -> bytes | None:
            value = await self._redis.get(PREFIX + "conv:" + conversation)
            return value if isinstance(value, bytes) else None

        return await self._use(shared, lambda: self.fallback.recall(conversation))

    async def remember(self, conversation: str, turn: bytes) -> None:
        async def shared() -> None:
            if len(turn) <= self._memory_bytes:
                await self._redis.set(PREFIX + "conv:" + conversation, turn, px=self._memory_ttl_ms)

        await self._use(shared, lambda: self.fallback.remember(conversation, turn))

    async def hit(self, user: str) -> float:
        async def shared() -> float:
            now = self._clock()
            wait = await self._cooldown(keys=[PREFIX + "cool:" + user], args=[now, self._per, self._rate])
            return float(wait)

        return await self._use(shared, lambda: self.fallback.hit(user))

    async def close(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._redis.aclose()

    async def _use(self, shared: Callable[[], Awaitable[T]], local: Callable[[], Awaitable[T]]) -> T:
        """Redis when it is up; the in-process store (and one warning) when it is not."""
        if self._down_until is not None and time.monotonic() < self._down_until:
            return await local()
        try:
            result = await shared()
        except (RedisError, OSError) as error:
            if self._down_until is None:
                log.warning("Redis unreachable (%s); using in-process state until it is back", type(error).__name__)
            self._down_until = time.monotonic() + self._retry_s
            return await local()
        if self._down_until is not None:
            log.warning("Redis is back; state is shared again")
            self._down_until = None
        return result
