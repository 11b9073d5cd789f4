"""Property tests: whatever a user types, and whatever an answer holds, both chat renderers lay it out within
the platform's limits with no exception, and echo nothing that pings or links (issue 12, item 4).

- Generated answers (every text field arbitrary Unicode, long or empty) through both renderers.
- Generated questions and follow-ups through ``knowledge.ask`` and both renderers.

Each runs ``VRAMBOT_FUZZ_EXAMPLES`` examples (200 in the suite, which runs on 2 cores);
``benchmarks/fuzz.py`` runs both with 10,000 and records the figures.
"""

from __future__ import annotations

import os
from typing import get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.discord_bot import limits
from bot.discord_bot import render as discord_render
from bot.slack_bot.render import render as slack_render
from knowledge import Answer, ask
from knowledge.answer_model import INTENTS, Field, Recommendation, Verdict
from tests.bot.slack_bot.standin import block_errors

WORDS = (
    "can", "a", "an", "run", "train", "fine-tune", "qlora", "lora", "fit", "how", "much", "vram", "for", "on",
    "with", "at", "context", "tokens", "batch", "gpus", "x", "of", "¿puede", "una", "correr", "entrenar", "cuánta",
    "memoria", "llama", "llama 2 7b", "llama 3 70b", "mixtral", "mistral 7b", "qwen", "4090", "rtx 4060", "3090",
    "h100", "a100", "m2 max", "8gb", "24 GB", "-5 GB", "0", "0B", "7B", "1e9", "10^9", "2^20", "0 4090s",
    "10000000", "999999999999", "fp16", "q4_k_m", "nf4", "int8", "vllm", "llama.cpp", "what about", "?", "!",
    "<@U123>", "@everyone", "[x](https://evil.example)", "```", "*", "_", "&", "<", ">", "\n",
)  # fmt: skip
EXAMPLES = int(os.environ.get("VRAMBOT_FUZZ_EXAMPLES", "200"))
phrases = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join)
questions = st.one_of(phrases, phrases, st.text(max_size=200))
texts = st.one_of(st.text(max_size=60), st.text(min_size=1, max_size=20).map(lambda s: s * 200), phrases)
urls = st.one_of(st.none(), st.just("https://vrambot.example/en/gpus/#rtx-4090"), st.text(max_size=80))

recommendations = st.builds(
    Recommendation,
    kind=st.sampled_from(["gpu", "model"]),
    id=st.text(min_size=1, max_size=30),
    name=texts,
    url=st.one_of(st.just("https://vrambot.example/en/models/#llama-2-7b"), st.text(max_size=80)),
    text=texts,
)
answers = st.builds(
    Answer,
    question=texts,
    language=st.sampled_from(["en", "es"]),
    intent=st.sampled_from(INTENTS),
    verdict=st.one_of(st.none(), st.sampled_from(get_args(Verdict))),
    title=texts,
    lines=st.lists(texts, max_size=30).map(tuple),
    text=texts,
    fields=st.lists(st.builds(Field, name=texts, value=texts), max_size=30).map(tuple),
    recommendations=st.lists(recommendations, max_size=30).map(tuple),
    assumptions=texts,
    suggestion=st.one_of(st.none(), texts),
    url=urls,
    error=st.one_of(st.none(), st.sampled_from(["unknown_model", "unknown_gpu", "invalid_query"])),
)


def rendered_within_limits(answer: Answer) -> None:
    """Slack accepts the blocks (the stand-in checks Slack's limits); the embed fits Discord's and pings no one."""
    message = slack_render(answer)
    assert message.text and block_errors(message.blocks) == []
    assert "<!channel>" not in str(message.blocks) and "<!everyone>" not in str(message.blocks)
    embed = discord_render.answer_embed(answer)
    assert discord_render.embed_size(embed) <= limits.EMBED_TOTAL
    assert len(embed.get("title", "")) <= limits.EMBED_TITLE
    assert len(embed.get("description", "")) <= limits.EMBED_DESCRIPTION
    assert len(embed.get("fields", [])) <= limits.EMBED_FIELDS
    assert all(
        len(f["name"]) <= limits.FIELD_NAME and len(f["value"]) <= limits.FIELD_VALUE for f in embed.get("fields", [])
    )
    shown = " ".join([embed.get("description", ""), *(f["value"] for f in embed.get("fields", []))])
    assert "@everyone" not in shown and "@here" not in shown
    discord_render.to_embed(embed)


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(answer=answers)
def test_any_answer_is_rendered_within_both_platforms_limits(answer: Answer) -> None:
    rendered_within_limits(answer)


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(question=questions, follow_up=questions)
def test_any_question_and_follow_up_is_answered_and_rendered(question: str, follow_up: str) -> None:
    first = ask(question)
    rendered_within_limits(first)
    rendered_within_limits(ask(follow_up, previous=first))
