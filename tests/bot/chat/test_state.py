"""The chat core's in-process state: de-duplication, conversation memory bounded by bytes, and the cooldown."""

from __future__ import annotations

import pytest

from bot.chat.core import MAX_REMEMBERED_QUESTION, turn_bytes, turn_of
from bot.chat.state import Claims, Conversations, Cooldown, whole_seconds
from knowledge import ask


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_event_is_claimed_once_until_it_expires() -> None:
    """A retry within the TTL is a repeat; after the TTL the id is forgotten."""
    clock = Clock()
    seen = Claims(ttl_s=60, clock=clock)
    assert seen.claim("Ev1") and not seen.claim("Ev1")
    clock.now += 59
    assert not seen.claim("Ev1")
    clock.now += 2
    assert seen.claim("Ev1")


def test_a_released_event_can_be_answered_by_a_retry() -> None:
    """A handler that failed to deliver lets Slack's retry through."""
    seen = Claims()
    assert seen.claim("Ev1")
    seen.release("Ev1")
    assert seen.claim("Ev1")


def test_claims_are_bounded() -> None:
    """The oldest ids go first when the set is full."""
    seen = Claims(max_keys=3)
    for key in "abcd":
        assert seen.claim(key)
    assert len(seen) == 3 and seen.claim("a") and not seen.claim("d")


def test_memory_returns_the_latest_turn_of_each_conversation() -> None:
    """Each thread remembers its own previous turn; a new turn replaces the old one."""
    memory = Conversations(size=10, ttl=60, clock=Clock())
    memory.put("thread:1", b"first")
    memory.put("thread:2", b"other")
    memory.put("thread:1", b"second")
    assert memory.get("thread:1") == b"second" and memory.get("thread:2") == b"other"
    assert memory.get("thread:3") is None


def test_memory_forgets_idle_conversations_and_the_least_recently_written() -> None:
    """Idle past the TTL: forgotten; over the count, the one written longest ago goes first."""
    clock = Clock()
    memory = Conversations(size=2, ttl=100, clock=clock)
    memory.put("a", b"1")
    memory.put("b", b"2")
    memory.put("a", b"11")
    memory.put("c", b"3")
    assert memory.get("b") is None and memory.get("a") == b"11" and memory.get("c") == b"3"
    clock.now += 100
    assert memory.get("a") is None and len(memory) == 0


def test_memory_is_bounded_by_bytes() -> None:
    """With a 1,000-byte budget, ten turns of 1-byte keys and 199-byte values (200 bytes each) keep five."""
    memory = Conversations(size=1000, max_bytes=1000, ttl=60, clock=Clock())
    for index in range(10):
        memory.put(str(index), b"x" * 199)
    assert len(memory) == 5 and memory.bytes_used == 5 * 200
    assert memory.get("4") is None and memory.get("5") is not None
    memory.put("big", b"y" * 2000)  # larger than the whole budget: not kept, nothing else lost
    assert memory.get("big") is None and len(memory) == 5


def test_a_remembered_turn_caps_the_question_and_reads_back() -> None:
    """A 20,000-character question is kept as its first 500 characters; the follow-up still reads it."""
    long_question = "can a 4090 run llama 2 7b? " + "please " * 3000
    answer = ask(long_question)
    data = turn_bytes(answer)
    back = turn_of(data)
    assert back is not None and back.model is not None and back.model.id == answer.model.id  # type: ignore[union-attr]
    assert len(back.question) == MAX_REMEMBERED_QUESTION == 500
    assert len(data) < 4096
    follow = ask("what about a 3090?", previous=back)
    assert follow.gpu is not None and follow.gpu.id == "rtx-3090" and follow.model == answer.model


def test_cooldown_allows_rate_then_says_how_long_to_wait() -> None:
    """2 per 10 s: a burst of two, then one every 5 s. Asked at 0 s and 1 s, the third (at 1 s) waits until
    the first slot's 5 s have run out after the second's: due 10 s - tolerance 5 s - now 1 s = 4 s."""
    clock = Clock()
    cooldown = Cooldown(rate=2, per=10, clock=clock)
    assert cooldown.hit("1") == 0
    clock.now += 1
    assert cooldown.hit("1") == 0
    assert cooldown.hit("1") == pytest.approx(4)
    assert cooldown.hit("2") == 0  # other users are not affected
    clock.now += 3.9
    assert cooldown.hit("1") > 0  # still 0.1 s to wait
    clock.now += 0.1
    assert cooldown.hit("1") == 0


def test_cooldown_forgets_idle_users_without_scanning_them() -> None:
    """100,000 users one ms apart, each asking once (5 per 30 s: recovered 6 s later): only those of the last
    6 s (6,000) are tracked."""
    clock = Clock()
    cooldown = Cooldown(rate=5, per=30, clock=clock, max_users=1_000_000)
    for user in range(100_000):
        cooldown.hit(str(user))
        clock.now += 0.001  # 100 s in all
    assert len(cooldown) == pytest.approx(6_000, abs=2)


@pytest.mark.parametrize(("wait", "shown"), [(0.2, 1), (1.0, 1), (1.01, 2), (29.5, 30)], ids=str)
def test_wait_is_shown_in_whole_seconds(wait: float, shown: int) -> None:
    """The polite message never says "0 s"."""
    assert whole_seconds(wait) == shown


def test_invalid_bounds_are_refused() -> None:
    """Nonsense sizes fail loudly at start-up."""
    with pytest.raises(ValueError, match="size"):
        Conversations(size=0, ttl=1)
    with pytest.raises(ValueError, match="rate"):
        Cooldown(rate=0, per=1)
