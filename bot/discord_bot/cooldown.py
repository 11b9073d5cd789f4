"""A per-user cooldown: at most ``rate`` questions per ``per`` seconds (a sliding window per user)."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class Cooldown:
    """Counts each user's recent questions; :meth:`hit` says how long to wait, or 0 when allowed."""

    def __init__(
        self, rate: int, per: float, clock: Callable[[], float] = time.monotonic, max_users: int = 10_000
    ) -> None:
        if rate < 1 or per <= 0:
            raise ValueError("cooldown rate must be at least 1 and per positive")
        self._rate = rate
        self._per = per
        self._clock = clock
        self._max_users = max_users
        self._hits: dict[int, deque[float]] = {}

    def hit(self, user_id: int) -> float:
        """Record a question by ``user_id``; 0 if allowed, else the seconds until the next is allowed."""
        now = self._clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= self._per:
            hits.popleft()
        if len(hits) >= self._rate:
            return max(self._per - (now - hits[0]), 0.001)
        hits.append(now)
        if len(self._hits) > self._max_users:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        idle = [user for user, hits in self._hits.items() if not hits or now - hits[-1] >= self._per]
        for user in idle:
            del self._hits[user]


def whole_seconds(wait: float) -> int:
    """A wait as the whole seconds a person reads (never 0)."""
    return max(1, math.ceil(wait))
