"""The Block Kit renderer: Slack's limits, escaping, and what a reader sees in each part of an answer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.chat.language import apology
from bot.slack_bot.render import (
    MAX_BLOCKS,
    MAX_SECTION_TEXT,
    OPEN_SITE_ACTION,
    error_message,
    escape,
    escape_within,
    render,
)
from knowledge.answer_model import Answer, Field, MemoryView, Recommendation
from tests.bot.slack_bot.standin import block_errors

SITE = "https://vrambot.github.io/vrambot/en/modelos/llama-2-7b/"


def make_answer(**overrides: Any) -> Answer:
    values: dict[str, Any] = {
        "question": "can a 4060 train a 7B?",
        "language": "en",
        "intent": "fit",
        "verdict": "with_changes",
        "title": "Not as asked: full training needs 112 GiB",
        "text": "Full training of Llama 2 7B needs about 112 GiB; an RTX 4060 has 8 GiB.",
        "suggestion": "QLoRA fits in about 6 GiB.",
        "fields": (Field(name="Weights", value="13.5 GiB"), Field(name="Optimizer", value="54 GiB")),
        "assumptions": "bf16 mixed precision, AdamW, context 4k, batch 1",
        "url": SITE,
        "memory": MemoryView(
            total_gib=112,
            weights_gib=13.5,
            kv_cache_gib=0,
            activations_gib=20,
            gradients_gib=13.5,
            optimizer_gib=54,
            overhead_gib=1,
            per_gpu_gib=112,
            ram_gib=16,
        ),
    }
    values.update(overrides)
    if "lines" not in overrides:  # tests that set only text: it is the one detail line
        values["lines"] = (values["text"],) if values["text"] else ()
    return Answer(**values)


def all_mrkdwn(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn string Slack would parse in these blocks."""
    texts: list[str] = []
    for block in blocks:
        if block.get("text", {}).get("type") == "mrkdwn":
            texts.append(block["text"]["text"])
        texts.extend(item["text"] for item in block.get("fields", []))
        texts.extend(e["text"] for e in block.get("elements", []) if e.get("type") == "mrkdwn")
    return texts


def test_a_fit_answer_has_header_breakdown_suggestion_assumptions_and_site_button() -> None:
    """The verdict heads the message; fields, suggestion, assumptions and the site link follow."""
    message = render(make_answer())
    kinds = [block["type"] for block in message.blocks]
    assert kinds[0] == "header" and kinds[-1] == "actions"
    assert message.blocks[0]["text"]["text"].startswith("⚠️ Not as asked")
    fields = next(b for b in message.blocks if "fields" in b)["fields"]
    assert [f["text"] for f in fields] == ["*Weights*\n13.5 GiB", "*Optimizer*\n54 GiB"]
    assert any("QLoRA fits in about 6 GiB." in text for text in all_mrkdwn(message.blocks))
    context = next(b for b in message.blocks if b["type"] == "context")
    assert context["elements"][0]["text"] == "bf16 mixed precision, AdamW, context 4k, batch 1"
    button = message.blocks[-1]["elements"][0]
    assert button["url"] == SITE and button["action_id"] == OPEN_SITE_ACTION
    assert button["text"]["text"] == "Open on the site"
    assert block_errors(message.blocks) == []


def test_fallback_text_carries_the_verdict_the_answer_and_the_link() -> None:
    """Notifications and block-less clients get the same answer as plain text."""
    message = render(make_answer())
    assert message.text.startswith("Not as asked: full training needs 112 GiB\nFull training of Llama 2 7B")
    assert message.text.endswith(SITE)
    same = render(make_answer(title="Yes.", lines=("It fits.",), text="(never read)")).text
    assert same == f"Yes.\nIt fits.\n{SITE}"


def test_spanish_answer_gets_the_spanish_button() -> None:
    """The adapter's own words follow the answer's language."""
    message = render(make_answer(language="es", title="No tal cual", text="Necesita 112 GiB."))
    assert message.blocks[-1]["elements"][0]["text"]["text"] == "Ver en el sitio"


@pytest.mark.parametrize(
    ("verdict", "mark"),
    [("yes", "✅"), ("with_changes", "⚠️"), ("no", "❌"), (None, "")],
    ids=["yes", "with-changes", "no", "no-verdict"],
)
def test_header_marks_the_verdict(verdict: str | None, mark: str) -> None:
    """A glance at the header tells yes, with changes, or no."""
    header = render(make_answer(verdict=verdict, title="Title")).blocks[0]["text"]["text"]
    assert header == (f"{mark} Title" if mark else "Title")


def test_suggestion_already_in_the_text_is_not_repeated() -> None:
    """The suggestion shows once."""
    answer = make_answer(text="Needs 112 GiB. QLoRA fits in about 6 GiB.", suggestion="QLoRA fits in about 6 GiB.")
    assert sum(t.count("QLoRA fits") for t in all_mrkdwn(render(answer).blocks)) == 1


@pytest.mark.parametrize(
    "hostile",
    [
        "<!channel> free GPUs",
        "<!here|here> hi",
        "<!everyone>",
        "<@U024BE7LH> look",
        "<https://evil.example|click me>",
        "a & b < c > d",
        "&lt;!channel&gt;",
    ],
    ids=["channel", "here", "everyone", "user-mention", "link", "ampersand-angles", "pre-escaped"],
)
def test_user_text_cannot_ping_mention_or_link(hostile: str) -> None:
    """Whatever a question contains, it reaches Slack with & < > escaped, so no <...> control sequence survives."""
    answer = make_answer(
        question=hostile,
        title=f"Unknown: {hostile}",
        text=f"I did not understand “{hostile}”.",
        suggestion=hostile,
        fields=(Field(name=hostile, value=hostile),),
        assumptions=hostile,
        url=None,
    )
    message = render(answer)
    for text in [*all_mrkdwn(message.blocks), message.text]:
        assert "<" not in text and ">" not in text
        assert re.search(r"&(?!amp;|lt;|gt;)", text) is None  # every & starts an escape


def test_recommendation_lines_link_their_names_once() -> None:
    """A recommendation line of the text links its name to the site row; the rest stays escaped; no repeats."""
    rec = Recommendation(
        kind="gpu",
        id="rtx-4090",
        name="RTX <4090>",
        url="https://x.example/gpus/rtx-4090/",
        text="RTX <4090> (24 GiB & fast)",
    )
    other = Recommendation(kind="gpu", id="a40", name="A40", url="https://x.example/gpus/a40/", text="A40 (48 GiB)")
    answer = make_answer(
        intent="recommend_gpu",
        title="Cheapest GPUs:",
        lines=("• RTX <4090> (24 GiB & fast)",),
        text="Cheapest GPUs:\n• RTX <4090> (24 GiB & fast)",
        recommendations=(rec, other),
    )
    lines = "\n".join(all_mrkdwn(render(answer).blocks)).splitlines()
    assert lines.count("• <https://x.example/gpus/rtx-4090/|RTX &lt;4090&gt;> (24 GiB &amp; fast)") == 1
    assert lines.count("• <https://x.example/gpus/a40/|A40> (48 GiB)") == 1  # not in the text: listed after it
    assert not any("RTX &lt;4090&gt; (24" in line and "<https" not in line for line in lines)


def test_body_leaves_out_what_the_header_context_and_button_show() -> None:
    """Title, assumptions and site link each appear once, in their own block; the rest of the text stays."""
    answer = make_answer(
        title="Yes, it fits.",
        lines=("It needs 6 GiB of 8 GiB.",),
        text=f"Yes, it fits.\nIt needs 6 GiB of 8 GiB.\nAssumptions: fp16, 4k.\nMore: {SITE}",
        assumptions="fp16, 4k",
        suggestion=None,
    )
    blocks = render(answer).blocks
    assert blocks[1] == {"type": "section", "text": {"type": "mrkdwn", "text": "It needs 6 GiB of 8 GiB."}}
    assert sum(SITE in str(b) for b in blocks) == 1 and sum("fp16, 4k" in str(b) for b in blocks) == 1


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://x.example/a|b",
        "https://x.example/<!channel>",
        "",
        "https://x.example/" + "a" * 3000,
    ],
    ids=["javascript", "pipe", "angle", "empty", "too-long"],
)
def test_unsafe_urls_are_not_linked(url: str) -> None:
    """A URL that could break out of <url|label> or is not http(s) gets no button."""
    message = render(make_answer(url=url))
    assert all(block["type"] != "actions" for block in message.blocks)
    assert url not in message.text or not url


def test_many_recommendations_and_fields_stay_within_slack_limits() -> None:
    """Two hundred recommendations and forty fields: at most 50 blocks, sections within 3,000, button kept."""
    recommendations = tuple(
        Recommendation(kind="model", id=f"m{i}", name=f"Model {i}", url=f"https://x.example/m{i}/", text="y" * 900)
        for i in range(200)
    )
    fields = tuple(Field(name=f"F{i}", value="v" * 3000) for i in range(40))
    message = render(make_answer(recommendations=recommendations, fields=fields, text="t" * 10_000))
    assert len(message.blocks) <= MAX_BLOCKS
    assert block_errors(message.blocks) == []
    assert message.blocks[-1]["type"] == "actions"
    assert len(message.text) <= 3000 + len(SITE) + 1


def test_long_text_is_cut_with_an_ellipsis_at_3000_characters() -> None:
    """A section never exceeds 3,000 characters; the cut is visible."""
    section = render(make_answer(text="x" * 5000)).blocks[1]["text"]["text"]
    assert block_errors(render(make_answer(text="y " * 5000)).blocks) == []
    assert len(section) == MAX_SECTION_TEXT and section.endswith("…")


def test_cut_never_splits_an_escape_sequence() -> None:
    """Escaping counts against the limit, and a cut never leaves half an &amp;."""
    for limit in range(5, 40):
        cut = escape_within("&" * 100, limit)
        assert len(cut) <= limit
        assert re.fullmatch(r"(&amp;)*…", cut)


@given(st.text(max_size=4000))
def test_any_text_renders_valid_escaped_blocks(text: str) -> None:
    """Arbitrary text in every field still yields blocks Slack accepts, with nothing unescaped."""
    answer = make_answer(title=text or "t", text=text, suggestion=text or None, assumptions=text)
    message = render(answer)
    assert block_errors(message.blocks) == []
    for mrkdwn in all_mrkdwn(message.blocks):
        assert "<" not in mrkdwn and ">" not in mrkdwn


def test_escape_handles_exactly_the_three_control_characters() -> None:
    """Only & < > are escaped (Slack's rule); other markup characters pass."""
    assert escape("a & <b> *c* _d_ ~e~ `f`") == "a &amp; &lt;b&gt; *c* _d_ ~e~ `f`"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "Sorry, something went wrong"), ("es", "Lo siento, algo falló")],
    ids=["en", "es"],
)
def test_error_message_is_short_and_in_the_users_language(lang: str, expected: str) -> None:
    """The apology after a failure (the chat core's, in the user's language) fits in one valid section."""
    message = error_message(apology(lang, "Ev123"))  # type: ignore[arg-type]  # the two literals the parameters carry
    assert message.text.startswith(expected) and len(message.text) < 200
    assert block_errors(message.blocks) == []
