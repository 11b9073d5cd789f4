"""Answer each Slack event once: a bounded, expiring set of the event ids already taken.

Slack retries an event (``X-Slack-Retry-Num``) when it did not see a 2xx within 3 seconds, and may
deliver the same message twice (``app_mention`` and ``message.im``). The first delivery *claims* the
key; later ones are dropped. A handler that could not deliver its answer *releases* the key, so a
later retry from Slack still gets answered.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class Deduper:
    """Keys seen in the last ``ttl_s`` seconds, at most ``max_keys`` of them (oldest dropped first)."""

    def __init__(
        self, *, ttl_s: float = 3600.0, max_keys: int = 20_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if ttl_s <= 0 or max_keys <= 0:
            raise ValueError("ttl_s and max_keys must be positive")
        self._ttl_s = ttl_s
        self._max_keys = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def claim(self, key: str) -> bool:
        """True the first time ``key`` is seen within the TTL; False for a repeat."""
        now = self._clock()
        self._expire(now)
        if key in self._seen:
            return False
        self._seen[key] = now
        while len(self._seen) > self._max_keys:
            self._seen.popitem(last=False)
        return True

    def release(self, key: str) -> None:
        """Forget ``key`` so that a retry of it is handled again."""
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
