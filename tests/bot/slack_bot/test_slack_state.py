"""Event deduplication, per-thread memory, reading questions out of Slack text, and settings from the env."""

from __future__ import annotations

import pytest

from bot.memory import ConversationMemory
from bot.slack_bot.dedupe import Deduper
from bot.slack_bot.incoming import question_text
from bot.slack_bot.memory import ThreadKey
from bot.slack_bot.settings import SettingsError, SlackSettings, load_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_event_is_claimed_once_until_it_expires() -> None:
    """A retry within the TTL is a repeat; after the TTL the id is forgotten."""
    clock = Clock()
    seen = Deduper(ttl_s=60, clock=clock)
    assert seen.claim("Ev1") and not seen.claim("Ev1")
    clock.now += 59
    assert not seen.claim("Ev1")
    clock.now += 2
    assert seen.claim("Ev1")


def test_a_released_event_can_be_answered_by_a_retry() -> None:
    """A handler that failed to deliver lets Slack's retry through."""
    seen = Deduper()
    assert seen.claim("Ev1")
    seen.release("Ev1")
    assert seen.claim("Ev1")


def test_dedupe_is_bounded() -> None:
    """The oldest ids go first when the set is full."""
    seen = Deduper(max_keys=3)
    for key in "abcd":
        assert seen.claim(key)
    assert len(seen) == 3 and seen.claim("a") and not seen.claim("d")


def test_memory_keeps_the_last_turn_per_thread() -> None:
    """Each thread remembers only its own last turn."""
    memory: ConversationMemory[ThreadKey, str] = ConversationMemory()
    one, two = ThreadKey("T", "C", "1.0"), ThreadKey("T", "C", "2.0")
    memory.put(one, "first")
    memory.put(one, "second")
    memory.put(two, "other")
    assert memory.get(one) == "second" and memory.get(two) == "other"
    assert memory.get(ThreadKey("T", "D", "1.0")) is None


def test_memory_forgets_idle_threads_and_the_least_recently_used() -> None:
    """A thread idle past the TTL is forgotten; over capacity, the least recently written goes."""
    clock = Clock()
    memory: ConversationMemory[ThreadKey, int] = ConversationMemory(size=2, ttl=100, clock=clock)
    a, b, c = (ThreadKey("T", "C", ts) for ts in ("1", "2", "3"))
    memory.put(a, 1)
    memory.put(b, 2)
    memory.put(a, 11)
    memory.put(c, 3)
    assert memory.get(b) is None and memory.get(a) == 11 and memory.get(c) == 3
    clock.now += 100
    assert memory.get(a) is None and len(memory) == 0  # c is idle past the TTL too


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@UBOT> can a 4060 train a 7B?", "can a 4060 train a 7B?"),
        ("<@UBOT|vrambot>   ¿y con una 4090?", "¿y con una 4090?"),
        ("hey <@UBOT>, llama 13b &amp; 24GB &lt;fp16&gt;", "hey , llama 13b & 24GB <fp16>"),
        ("run <https://huggingface.co/meta-llama/Llama-2-7b|Llama-2-7b> on a 3090", "run Llama-2-7b on a 3090"),
        ("see <https://example.com/x>", "see https://example.com/x"),
        ("ask <@UOTHER> too", "ask <@UOTHER> too"),
        ("&amp;lt;", "&lt;"),
    ],
    ids=["mention", "mention-with-label", "entities", "labelled-link", "bare-link", "other-user", "double-escaped"],
)
def test_question_text_is_what_the_person_typed(text: str, expected: str) -> None:
    """vrambot's mention, Slack's escaping and link markup are removed before the question is read."""
    assert question_text(text, "UBOT") == expected


def test_missing_tokens_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each mode names exactly the variables it still needs."""
    with pytest.raises(SettingsError) as caught:
        load_settings("socket")
    assert "needs SLACK_BOT_TOKEN + SLACK_APP_TOKEN:" in caught.value.message("en")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    with pytest.raises(SettingsError) as caught:
        load_settings("http")
    assert "(HTTP mode, --http) needs SLACK_SIGNING_SECRET:" in caught.value.message("en")
    assert "necesita SLACK_SIGNING_SECRET:" in caught.value.message("es")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "   ")
    with pytest.raises(SettingsError, match="needs SLACK_SIGNING_SECRET"):
        load_settings("http")


def test_an_app_token_must_be_an_app_level_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bot token pasted as SLACK_APP_TOKEN is caught before connecting, without echoing it."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xoxb-2")
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN must be an app-level token") as caught:
        load_settings("socket")
    assert "xoxb-2" not in caught.value.message("en") + caught.value.message("es")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "https://slack.com/api/"),
        ("http://127.0.0.1:9/api", "http://127.0.0.1:9/api/"),
        ("http://127.0.0.1:9/api/", "http://127.0.0.1:9/api/"),
    ],
    ids=["default", "slash-added", "kept"],
)
def test_api_url_always_ends_with_a_slash(monkeypatch: pytest.MonkeyPatch, value: str | None, expected: str) -> None:
    """The client joins method names onto SLACK_API_URL, which only works with a trailing slash."""
    if value is not None:
        monkeypatch.setenv("SLACK_API_URL", value)
    assert SlackSettings().api_url == expected


def test_a_bad_api_url_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    """SLACK_API_URL that is not http(s) fails with the variable's name and an example."""
    monkeypatch.setenv("SLACK_API_URL", "slack.com/api")
    with pytest.raises(SettingsError, match=r"SLACK_API_URL must be an http\(s\) URL such as https://slack.com/api/"):
        load_settings()
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.message("es") == "SLACK_API_URL debe ser una URL http(s), por ejemplo https://slack.com/api/."


def test_tokens_do_not_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """Printing or logging the settings never prints a token."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "sign-very-secret")
    settings = load_settings("http")
    assert "very-secret" not in repr(settings) and "very-secret" not in str(settings.model_dump())
    assert sorted(settings.secrets()) == ["sign-very-secret", "xoxb-very-secret"]


def test_log_records_never_carry_a_secret() -> None:
    """Whatever logs a token (message, arguments or exception), the handler prints [redacted] instead."""
    import io
    import logging

    from bot.slack_bot.logs import RedactSecrets

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(["xoxb-secret-1", "sign-secret-2"]))
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("token %s in args", "xoxb-secret-1")
        try:
            raise RuntimeError("bad secret sign-secret-2")
        except RuntimeError:
            logger.exception("failed with xoxb-secret-1")
    finally:
        logger.removeHandler(handler)
    printed = stream.getvalue()
    assert "xoxb-secret-1" not in printed and "sign-secret-2" not in printed
    assert printed.startswith("token [redacted] in args\nfailed with [redacted]\n")
    assert "RuntimeError: bad secret [redacted]" in printed
