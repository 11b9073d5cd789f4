"""Conversation memory (bounded, expiring) and the per-user cooldown."""

from __future__ import annotations

import pytest

from bot.discord_bot.cooldown import Cooldown, whole_seconds
from bot.memory import ConversationMemory


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_returns_the_latest_turn_of_each_conversation() -> None:
    """Each thread remembers its own previous answer; a new turn replaces the old one."""
    memory: ConversationMemory[str, str] = ConversationMemory(size=10, ttl=60, clock=Clock())
    memory.put("thread:1", "first")
    memory.put("thread:2", "other")
    memory.put("thread:1", "second")
    assert memory.get("thread:1") == "second"
    assert memory.get("thread:2") == "other"
    assert memory.get("thread:3") is None


def test_memory_forgets_after_the_ttl() -> None:
    """A conversation idle for longer than the TTL is forgotten."""
    clock = Clock()
    memory: ConversationMemory[str, str] = ConversationMemory(size=10, ttl=60, clock=clock)
    memory.put("a", "x")
    clock.now += 59
    assert memory.get("a") == "x"
    clock.now += 2
    assert memory.get("a") is None
    assert len(memory) == 0


def test_memory_is_bounded_dropping_the_least_recently_used() -> None:
    """Past its size, the conversation touched longest ago goes first."""
    memory: ConversationMemory[str, int] = ConversationMemory(size=3, ttl=60, clock=Clock())
    for index in range(3):
        memory.put(f"k{index}", index)
    memory.put("k0", 10)  # k0 is now the most recent
    memory.put("k3", 3)
    assert len(memory) == 3
    assert memory.get("k1") is None
    assert memory.get("k0") == 10


def test_cooldown_allows_rate_then_says_how_long_to_wait() -> None:
    """A user gets `rate` questions per window; the next one learns when to retry."""
    clock = Clock()
    cooldown = Cooldown(rate=2, per=10, clock=clock)
    assert cooldown.hit(1) == 0
    clock.now += 1
    assert cooldown.hit(1) == 0
    assert cooldown.hit(1) == pytest.approx(9)
    assert cooldown.hit(2) == 0  # other users are not affected
    clock.now += 9
    assert cooldown.hit(1) == 0


@pytest.mark.parametrize(("wait", "shown"), [(0.2, 1), (1.0, 1), (1.01, 2), (29.5, 30)], ids=str)
def test_wait_is_shown_in_whole_seconds(wait: float, shown: int) -> None:
    """The polite message never says "0 s"."""
    assert whole_seconds(wait) == shown


def test_invalid_bounds_are_refused() -> None:
    """Nonsense sizes fail loudly at start-up."""
    with pytest.raises(ValueError, match="size"):
        ConversationMemory(size=0, ttl=1)
    with pytest.raises(ValueError, match="rate"):
        Cooldown(rate=0, per=1)
