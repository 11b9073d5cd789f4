"""What the chat core remembers between events, in the process: de-duplication, conversation memory, cooldown.

Each is bounded and O(1) per event (amortized): entries live in insertion-ordered dicts, so the oldest is
always first and expiry only looks at the front.

- :class:`Claims`: keys (event ids, message ids) already taken; a repeat within the TTL is refused.
- :class:`Conversations`: the latest turn of each conversation (a thread, a DM), as serialized bytes,
  bounded by count and by total bytes; the least recently written goes first.
- :class:`Cooldown`: at most ``rate`` questions per ``per`` seconds per user (GCRA: one number per user);
  users who have recovered are forgotten from the front.

:class:`LocalState` bundles the three behind the async :class:`ChatState` interface, which
:class:`bot.chat.redis_state.RedisState` also implements for many workers.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

Clock = Callable[[], float]
CLAIM_TTL_S = 3600.0  # Slack retries an event for about an hour at most (three retries, backing off)
MAX_CLAIMS = 20_000  # ~150 bytes each: ~3 MiB at most (Redis keeps every claim for its hour)
MAX_COOLDOWN_USERS = 50_000  # users still inside their window at once; ~200 bytes each


class ChatState(Protocol):
    """The state the chat core keeps: what each method does is the same in the process and in Redis."""

    async def claim(self, key: str) -> bool:
        """True the first time ``key`` is seen within the claim TTL; False for a repeat."""

    async def release(self, key: str) -> None:
        """Forget ``key`` so that a retry of it is handled again."""

    async def recall(self, conversation: str) -> bytes | None:
        """The latest turn of ``conversation`` (serialized), or None."""

    async def remember(self, conversation: str, turn: bytes) -> None:
        """Keep ``turn`` as the latest turn of ``conversation``."""

    async def hit(self, user: str) -> float:
        """Count a question by ``user``: 0 if allowed, else the seconds until the next one is."""

    async def close(self) -> None:
        """Release connections."""


class Claims:
    """Keys seen in the last ``ttl_s`` seconds, at most ``max_keys`` of them (oldest dropped first)."""

    def __init__(self, *, ttl_s: float = CLAIM_TTL_S, max_keys: int = MAX_CLAIMS, clock: Clock = time.monotonic):
        if ttl_s <= 0 or max_keys <= 0:
            raise ValueError("ttl_s and max_keys must be positive")
        self._ttl_s, self._max_keys, self._clock = ttl_s, max_keys, clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def claim(self, key: str) -> bool:
        now = self._clock()
        self._expire(now)
        if key in self._seen:
            return False
        self._seen[key] = now
        if len(self._seen) > self._max_keys:
            self._seen.popitem(last=False)
        return True

    def release(self, key: str) -> None:
        self._seen.pop(key, None)

    def __len__(self) -> int:
        self._expire(self._clock())
        return len(self._seen)

    def _expire(self, now: float) -> None:
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self._ttl_s:
                break
            del self._seen[key]


class Conversations:
    """The latest turn of each conversation, as bytes: at most ``size`` of them and ``max_bytes`` together."""

    def __init__(
        self,
        *,
        size: int = 5000,
        max_bytes: int = 16 * 1024 * 1024,
        ttl: float = 6 * 3600.0,
        clock: Clock = time.monotonic,
    ) -> None:
        if size < 1 or ttl <= 0 or max_bytes < 1:
            raise ValueError("memory size and max_bytes must be at least 1 and ttl positive")
        self._size, self._max_bytes, self._ttl, self._clock = size, max_bytes, ttl, clock
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0

    @property
    def bytes_used(self) -> int:
        """The bytes of the turns kept (keys included)."""
        return self._bytes

    def get(self, key: str) -> bytes | None:
        entry = self._items.get(key)
        if entry is None:
            return None
        if self._clock() - entry[0] >= self._ttl:
            self._drop(key)
            return None
        return entry[1]

    def put(self, key: str, turn: bytes) -> None:
        if len(key) + len(turn) > self._max_bytes:
            self._drop(key)  # a turn larger than the whole budget is not kept (its older turn neither)
            return
        self._drop(key)
        self._items[key] = (self._clock(), turn)
        self._bytes += len(key) + len(turn)
        self._expire()
        while len(self._items) > self._size or self._bytes > self._max_bytes:
            self._drop(next(iter(self._items)))

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        self._expire()
        return len(self._items)

    def _drop(self, key: str) -> None:
        entry = self._items.pop(key, None)
        if entry is not None:
            self._bytes -= len(key) + len(entry[1])

    def _expire(self) -> None:
        now = self._clock()
        while self._items:
            key, (stamp, _turn) = next(iter(self._items.items()))
            if now - stamp < self._ttl:
                break
            self._drop(key)


class Cooldown:
    """At most ``rate`` questions per ``per`` seconds per user, as the generic cell rate algorithm (GCRA) counts:
    a burst of ``rate`` questions, then one every ``per / rate`` seconds. One number per user (the time its
    allowance is next due), so a hit is O(1) in time and memory; users who have recovered their whole burst
    are forgotten from the front of the table, and at most ``max_users`` are tracked.
    """

    def __init__(self, rate: int, per: float, clock: Clock = time.monotonic, max_users: int = MAX_COOLDOWN_USERS):
        if rate < 1 or per <= 0:
            raise ValueError("cooldown rate must be at least 1 and per positive")
        self._interval = per / rate
        self._tolerance = per - self._interval
        self._clock, self._max_users = clock, max_users
        self._due: OrderedDict[str, float] = OrderedDict()  # least recently asking user first

    def hit(self, user: str) -> float:
        now = self._clock()
        self._forget_recovered(now)
        due = max(self._due.pop(user, now), now)
        if due - now > self._tolerance:
            self._due[user] = due
            return max(due - self._tolerance - now, 0.001)
        self._due[user] = due + self._interval
        if len(self._due) > self._max_users:
            self._due.popitem(last=False)
        return 0.0

    def __len__(self) -> int:
        return len(self._due)

    def _forget_recovered(self, now: float) -> None:
        while self._due:
            user, due = next(iter(self._due.items()))
            if due > now:
                break
            del self._due[user]


def whole_seconds(wait: float) -> int:
    """A wait as the whole seconds a person reads (never 0)."""
    return max(1, math.ceil(wait))


class LocalState:
    """:class:`ChatState` in this process: lost on restart, not shared between workers."""

    def __init__(
        self,
        *,
        cooldown_rate: int = 5,
        cooldown_per: float = 30.0,
        memory_size: int = 5000,
        memory_bytes: int = 16 * 1024 * 1024,
        memory_ttl: float = 6 * 3600.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.claims = Claims(clock=clock)
        self.conversations = Conversations(size=memory_size, max_bytes=memory_bytes, ttl=memory_ttl, clock=clock)
        self.cooldown = Cooldown(cooldown_rate, cooldown_per, clock)

    async def claim(self, key: str) -> bool:
        return self.claims.claim(key)

    async def release(self, key: str) -> None:
        self.claims.release(key)

    async def recall(self, conversation: str) -> bytes | None:
        return self.conversations.get(conversation)

    async def remember(self, conversation: str, turn: bytes) -> None:
        self.conversations.put(conversation, turn)

    async def hit(self, user: str) -> float:
        return self.cooldown.hit(user)

    async def close(self) -> None:
        return None
