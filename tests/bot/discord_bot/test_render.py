"""The embed of an Answer: verdict colour, breakdown, suggestion, assumptions, link, and Discord's limits."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.discord_bot import limits, render
from knowledge.answer_model import Answer, Field, Recommendation

from .standin import rules


def make_answer(**overrides: Any) -> Answer:
    values: dict[str, Any] = {
        "question": "can a 4060 run llama 2 7b?",
        "language": "en",
        "intent": "fit",
        "verdict": "yes",
        "title": "Yes: Llama 2 7B fits on an RTX 4060",
        "lines": ("Inference at fp16 needs 14.2 GiB; the RTX 4060 has 8 GiB. At q4_k_m it needs 4.6 GiB.",),
        "text": "(the message as one text: renderers never read it)",
        "fields": (Field(name="Weights", value="12.6 GiB"), Field(name="KV cache", value="1.0 GiB")),
        "assumptions": "Assumes batch 1, 4,096 tokens of context, transformers runtime.",
        "suggestion": "Use 8-bit optimizer states.",
        "url": "https://vrambot.github.io/vrambot/en/modelos/llama-2-7b/",
    }
    values.update(overrides)
    return Answer(**values)


@pytest.mark.parametrize(
    ("verdict", "colour"),
    [("yes", 0x2ECC71), ("with_changes", 0xF1C40F), ("no", 0xE74C3C), (None, 0x5865F2)],
    ids=["fits-green", "with-changes-amber", "no-red", "no-verdict-blurple"],
)
def test_colour_tells_the_verdict(verdict: str | None, colour: int) -> None:
    """The embed's colour says at a glance whether it fits."""
    assert render.answer_embed(make_answer(verdict=verdict))["color"] == colour


def test_usage_error_is_red_whatever_the_verdict() -> None:
    """An unknown model or GPU shows in red."""
    embed = render.answer_embed(make_answer(verdict="yes", error="unknown_model", title="Unknown model"))
    assert embed["color"] == render.COLOURS["error"]


def test_embed_carries_breakdown_assumptions_suggestion_and_link() -> None:
    """Fields show the breakdown; the footer the assumptions; the title links to the site row."""
    answer = make_answer()
    embed = render.answer_embed(answer)
    assert embed["title"] == answer.title
    assert embed["description"] == answer.lines[0].replace("_", "\\_")  # Discord shows "\_" as "_"
    assert embed["url"] == answer.url
    assert [(f["name"], f["value"]) for f in embed["fields"][:2]] == [("Weights", "12.6 GiB"), ("KV cache", "1.0 GiB")]
    assert embed["fields"][2] == {"name": "Suggestion", "value": "Use 8-bit optimizer states.", "inline": False}
    assert embed["footer"]["text"] == f"Assumptions: {answer.assumptions}"


def test_description_shows_the_lines_and_not_what_the_embed_shows_elsewhere() -> None:
    """The description is the detail lines; title, assumptions and link have their own places."""
    answer = make_answer(
        title="Yes, it fits.",
        lines=("It needs 6 GiB of 8 GiB.",),
        text="Yes, it fits.\nIt needs 6 GiB of 8 GiB.\nAssumptions: batch 1.\nMore: https://x.example/llama/",
        assumptions="batch 1.",
        url="https://x.example/llama/",
    )
    embed = render.answer_embed(answer)
    assert embed["description"] == "It needs 6 GiB of 8 GiB."
    assert embed["footer"]["text"] == "Assumptions: batch 1."
    assert embed["url"] == "https://x.example/llama/"


def test_usage_error_keeps_the_whole_message_even_past_the_title_limit() -> None:
    """A long "did you mean" message is shown whole in the description under a short title."""
    message = "I don't know the model 'x'. Did you mean " + ", ".join(f"Model {i}" for i in range(40)) + "?"
    embed = render.answer_embed(make_answer(error="unknown_model", verdict=None, title=message, text=message))
    assert len(message) > limits.EMBED_TITLE
    assert embed["title"] == "Can't answer that as asked"
    assert embed["description"] == message


def test_suggestion_already_in_the_text_is_not_repeated() -> None:
    """A suggestion the text already says does not get a field of its own."""
    answer = make_answer(suggestion="At q4_k_m it needs 4.6 GiB.")
    names = [f["name"] for f in render.answer_embed(answer)["fields"]]
    assert "Suggestion" not in names


def test_labels_follow_the_answer_language() -> None:
    """A Spanish answer gets Spanish labels."""
    answer = make_answer(language="es", recommendations=(
        Recommendation(kind="gpu", id="rtx-3090", name="RTX 3090", url="https://x/", text="RTX 3090 (24 GiB)"),
    ))  # fmt: skip
    names = [f["name"] for f in render.answer_embed(answer)["fields"]]
    assert "Sugerencia" in names and "Opciones" in names


def test_recommendations_list_whole_lines_within_the_field_limit() -> None:
    """A long recommendation list keeps whole lines and ends with an ellipsis when it cannot all fit."""
    recs = tuple(
        Recommendation(kind="gpu", id=f"g{i}", name=f"GPU {i}", url="https://x/", text=f"GPU number {i} " + "x" * 40)
        for i in range(60)
    )
    field = render.answer_embed(make_answer(recommendations=recs))["fields"][-1]
    lines = field["value"].split("\n")
    assert len(field["value"]) <= limits.FIELD_VALUE
    assert lines[-1] == limits.ELLIPSIS
    assert all(line in {r.text for r in recs} for line in lines[:-1])


def test_oversize_answer_is_cut_to_every_discord_limit() -> None:
    """Huge text and 40 long fields still give an embed Discord accepts (6,000 total, 25 fields)."""
    answer = make_answer(
        title="T" * 400,
        lines=("word " * 2000,),
        text="word " * 2000,
        fields=tuple(Field(name="N" * 300, value="V" * 1500) for _ in range(40)),
        assumptions="a " * 1500,
        suggestion="s " * 900,
    )
    embed = render.answer_embed(answer)
    assert rules.message_errors({"embeds": [embed]}) == []
    assert len(discord.Embed.from_dict(embed)) <= limits.EMBED_TOTAL
    assert embed["description"].endswith(limits.ELLIPSIS)
    assert embed["title"].endswith(limits.ELLIPSIS)


def test_help_embed_lists_the_commands_in_the_user_language() -> None:
    """/help shows the slash commands first, localized."""
    embed = render.help_embed(make_answer(intent="help", verdict=None, language="es", title="Ayuda"))
    assert embed["fields"][0]["name"] == "Comandos"
    assert "/preguntar" in embed["fields"][0]["value"]
    assert rules.message_errors({"embeds": [embed]}) == []


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("the quick brown fox jumps", 15, "the quick…"),
        ("abcdefghij", 5, "abcd…"),
        ("anything", 1, "…"),
    ],
    ids=["fits", "word-boundary", "no-space", "one-char"],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    """Text is cut to the limit at a word boundary when possible, with an ellipsis."""
    assert limits.truncate(text, limit) == expected


texts = st.text(max_size=3000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    title=st.text(max_size=400),
    text=texts,
    fields=st.lists(st.tuples(st.text(max_size=300), st.text(max_size=1300)), max_size=30),
    assumptions=st.text(max_size=2500),
    suggestion=st.one_of(st.none(), st.text(max_size=1500)),
    error=st.sampled_from([None, "unknown_model"]),
)
def test_any_answer_renders_within_discord_limits(
    title: str, text: str, fields: list[tuple[str, str]], assumptions: str, suggestion: str | None, error: str | None
) -> None:
    """Whatever the knowledge package says, the embed passes Discord's validation."""
    answer = make_answer(
        title=title,
        text=text,
        fields=tuple(Field(name=n, value=v) for n, v in fields),
        assumptions=assumptions,
        suggestion=suggestion,
        error=error,
    )
    assert rules.message_errors({"embeds": [render.answer_embed(answer)]}) == []
