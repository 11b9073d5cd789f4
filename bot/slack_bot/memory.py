"""Conversation memory: the last turn of each Slack thread, so that follow-ups are understood in context.

A thread is ``(team, channel, thread_ts)``. The memory is bounded (least recently used threads go
first) and forgets a thread after ``ttl_s`` seconds without a new turn. It lives in the process: a
restart forgets conversations, which only means the next follow-up is read as a fresh question.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class ThreadKey(NamedTuple):
    team: str
    channel: str
    thread_ts: str


class ConversationMemory(Generic[T]):
    """The last turn per thread, at most ``max_threads`` threads, each kept ``ttl_s`` after its last turn."""

    def __init__(
        self,
        *,
        max_threads: int = 5_000,
        ttl_s: float = 6 * 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_threads <= 0 or ttl_s <= 0:
            raise ValueError("max_threads and ttl_s must be positive")
        self._max_threads = max_threads
        self._ttl_s = ttl_s
        self._clock = clock
        self._turns: OrderedDict[ThreadKey, tuple[float, T]] = OrderedDict()

    def get(self, key: ThreadKey) -> T | None:
        """The thread's last turn, or None if there is none or it expired."""
        entry = self._turns.get(key)
        if entry is None:
            return None
        stored_at, turn = entry
        if self._clock() - stored_at >= self._ttl_s:
            del self._turns[key]
            return None
        return turn

    def put(self, key: ThreadKey, turn: T) -> None:
        """Remember ``turn`` as the thread's last one."""
        self._turns[key] = (self._clock(), turn)
        self._turns.move_to_end(key)
        while len(self._turns) > self._max_threads:
            self._turns.popitem(last=False)

    def __len__(self) -> int:
        return len(self._turns)
