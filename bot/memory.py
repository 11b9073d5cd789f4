"""Conversation memory shared by the adapters: the last turn of each conversation (a thread, a DM).

A follow-up ("what about a 3090?") is understood against the previous turn of its conversation. At most
``size`` conversations are kept (the least recently used goes first) and each is forgotten ``ttl`` seconds
after its last turn. It lives in the process: a restart only means the next follow-up reads as a new question.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ConversationMemory(Generic[K, V]):
    """A bounded, expiring map from a conversation key to its latest turn."""

    def __init__(
        self, size: int = 5_000, ttl: float = 6 * 3600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if size < 1 or ttl <= 0:
            raise ValueError("memory size must be at least 1 and ttl positive")
        self._size = size
        self._ttl = ttl
        self._clock = clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The latest turn of ``key``'s conversation, or None when unknown or expired."""
        entry = self._items.get(key)
        if entry is None:
            return None
        stamp, value = entry
        if self._clock() - stamp >= self._ttl:
            del self._items[key]
            return None
        return value

    def put(self, key: K, value: V) -> None:
        """Remember ``value`` as the latest turn of ``key``'s conversation."""
        self._items[key] = (self._clock(), value)
        self._items.move_to_end(key)
        self._expire()
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def __contains__(self, key: K) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        self._expire()
        return len(self._items)

    def _expire(self) -> None:
        """Drop conversations idle past the TTL, oldest first (the order is last-write order)."""
        now = self._clock()
        while self._items:
            key, (stamp, _value) = next(iter(self._items.items()))
            if now - stamp < self._ttl:
                break
            del self._items[key]
