"""The chat state in a real Redis: the same behaviour as in the process, keys with TTLs, and degrading
to the in-process stores (with one warning) when Redis goes away."""

from __future__ import annotations

import logging

import pytest
import redis.asyncio as aioredis

from bot.chat.redis_state import RedisState
from bot.chat.state import LocalState
from tests.bot.redis_server import RedisServer


def shared(server: RedisServer, **kwargs: float) -> RedisState:
    return RedisState(server.url, LocalState(), cooldown_rate=2, cooldown_per=10, memory_ttl=60, **kwargs)


async def test_two_workers_share_claims_memory_and_cooldown(redis_server: RedisServer) -> None:
    """What one worker claims, remembers or counts, the other sees."""
    one, two = shared(redis_server), shared(redis_server)
    try:
        assert await one.claim("event:Ev1") and not await two.claim("event:Ev1")
        await two.release("event:Ev1")
        assert await one.claim("event:Ev1")
        await one.remember("slack:T:C:1.0", b"turn")
        assert await two.recall("slack:T:C:1.0") == b"turn" and await two.recall("slack:T:C:2.0") is None
        assert await one.hit("u1") == 0 and await two.hit("u1") == 0
        wait = await one.hit("u1")  # 2 per 10 s: a burst of two, then one every 5 s (GCRA, as in the process)
        assert 4 < wait <= 5
        assert await two.hit("u2") == 0
    finally:
        await one.close()
        await two.close()


async def test_every_key_expires(redis_server: RedisServer) -> None:
    """Claims an hour, conversations the memory TTL (60 s here), a cooldown until recovered (one question of
    2 per 10 s: 5 s)."""
    state = shared(redis_server)
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        await state.claim("event:Ev2")
        await state.remember("conv", b"x")
        await state.hit("u3")
        ttls = {
            key: await client.pttl(key) for key in ("vrambot:claim:event:Ev2", "vrambot:conv:conv", "vrambot:cool:u3")
        }
        assert 3_590_000 < ttls["vrambot:claim:event:Ev2"] <= 3_600_000
        assert 59_000 < ttls["vrambot:conv:conv"] <= 60_000
        assert 4_000 < ttls["vrambot:cool:u3"] <= 5_000
    finally:
        await client.aclose()
        await state.close()


async def test_redis_going_away_degrades_to_in_process_with_one_warning(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis stops mid-run: every call still answers (from the process), one warning says so, nothing raises."""
    caplog.set_level(logging.WARNING, logger="vrambot")
    state = shared(redis_server, retry_s=0.0)
    try:
        assert await state.claim("event:before")
        redis_server.stop()
        assert await state.claim("event:after") and not await state.claim("event:after")
        await state.remember("conv", b"kept locally")
        assert await state.recall("conv") == b"kept locally"
        assert await state.hit("u4") == 0
        assert state.degraded
    finally:
        await state.close()
    warnings = [r.getMessage() for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1 and "in-process" in warnings[0]
