"""Memory: the resident size of a bot process after 100,000 conversations, and after 5,000 long questions.

Target (issue 12): RSS after 100,000 conversations stays under 100 MiB. What grows per conversation is the
chat core's in-process state (bot/chat/state.py): the remembered turn (bounded by VRAMBOT_MEMORY_BYTES-style
settings, 16 MiB by default), the de-duplication keys and the cooldown table. Each conversation here is a
claimed event, a cooldown hit by a new user and a remembered turn; the turns are real answers (48 distinct
questions, a quarter of them 4,000 characters long, the longest Discord allows), serialized as the core does.
Run: `.venv/bin/python benchmarks/chat_memory.py` (writes benchmarks/chat_memory.txt too).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.chat.core import Chat, make_state  # noqa: E402  # importable only after the path set-up above
from bot.chat.settings import ChatSettings  # noqa: E402
from bot.chat.state import LocalState  # noqa: E402
from knowledge import ask  # noqa: E402

CONVERSATIONS = 100_000
LONG = 5_000
BASE = [
    "can a 4060 run llama 2 7b?",
    "¿Cuánta VRAM necesito para Llama 2 13B?",
    "how many H100s to run llama 3.1 405b in fp16?",
    "can a 4090 fine-tune mistral 7b with qlora at 4096 context?",
    "What's the largest model I can run on a 3090?",
    "llama 3 8b vs mistral 7b",
]


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def main() -> str:
    questions = [f"{q} ({i})" for i, q in enumerate(BASE * 6)] + [
        (q + " please ") * (4000 // (len(q) + 8)) for q in BASE * 2
    ]
    answers = [ask(q) for q in questions]
    chat = Chat(make_state(ChatSettings(_env_file=None)), platform="bench")  # type: ignore[call-arg]
    state = chat.state
    assert isinstance(state, LocalState)
    before = rss_mib()
    for index in range(CONVERSATIONS):
        await chat.claim(f"event:Ev{index:08d}")
        await chat.cooldown(f"slack:T1:U{index:08d}", "en")
        await chat.remember(f"slack:T1:C1:{1700000000 + index}.000100", answers[index % len(answers)])
    after = rss_mib()
    long_chat = Chat(make_state(ChatSettings(_env_file=None)), platform="bench")  # type: ignore[call-arg]
    long_answers = answers[-len(BASE) * 2 :]
    for index in range(LONG):
        await long_chat.remember(f"slack:T1:C2:{index}", long_answers[index % len(long_answers)])
    long_state = long_chat.state
    assert isinstance(long_state, LocalState)
    return "\n".join(
        [
            f"RSS with the catalog and 48 answers loaded: {before:.1f} MiB",
            f"after {CONVERSATIONS:,} conversations (claim + cooldown + remembered turn): {rss_mib():.1f} MiB "
            f"(+{after - before:.1f} MiB; target < 100 MiB in all)",
            f"  remembered: {len(state.conversations):,} turns in {state.conversations.bytes_used / 2**20:.1f} MiB "
            f"(budget 16 MiB); claims kept: {len(state.claims):,}; cooldown users tracked: {len(state.cooldown):,}",
            f"{LONG:,} conversations of 4,000-character questions: {len(long_state.conversations):,} turns in "
            f"{long_state.conversations.bytes_used / 2**20:.1f} MiB (questions capped at 500 characters)",
        ]
    )


if __name__ == "__main__":
    report = asyncio.run(main())
    print(report)
    Path(__file__).with_suffix(".txt").write_text(report + "\n", encoding="utf-8")
