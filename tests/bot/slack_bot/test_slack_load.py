"""Load: 200 slash commands at once over HTTP, each acknowledged within Slack's 3 seconds and answered once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from tests.bot.slack_bot.conftest import HttpApp
from tests.bot.slack_bot.standin import SlackStandIn

QUESTIONS = [
    "can a 4060 train a 7B?",
    "¿Puede una RTX 4060 correr Llama 2 7B?",
    "how many A100s to fine-tune a 70B?",
    "help",
    "what can I run on a 3090?",
]
ACK_DEADLINE_S = 3.0  # Slack shows the user an error when a command is not acknowledged in 3 s


async def test_two_hundred_commands_at_once_are_acked_in_time_and_answered_exactly_once(
    http_app: HttpApp, slack: SlackStandIn
) -> None:
    """Every one of 200 concurrent `/vram` requests gets its 200 within 3 s and exactly one answer."""
    await http_app.command("help", response_id="warm-up")  # the first request verifies the token
    await slack.wait_for(lambda: len(slack.posted) == 1)

    async def one(index: int) -> float:
        started = time.monotonic()
        response = await http_app.command(QUESTIONS[index % len(QUESTIONS)], response_id=f"load-{index}")
        assert response.status == 200
        return time.monotonic() - started

    latencies = await asyncio.gather(*(one(i) for i in range(200)))
    assert max(latencies) < ACK_DEADLINE_S, f"slowest ack {max(latencies):.2f} s"
    await slack.wait_for(lambda: len(slack.posted) == 201, timeout=30)
    counts = Counter(p.response_id for p in slack.posted)
    assert all(counts[f"load-{i}"] == 1 for i in range(200))
    assert len(counts) == 201
