"""Reading questions out of Slack text, and settings from the environment."""

from __future__ import annotations

import pytest

from bot.slack_bot.incoming import question_text
from bot.slack_bot.settings import SettingsError, SlackSettings, load_settings


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
