"""Fuzz: 10,000 generated questions (and follow-ups) through `knowledge.ask` and both chat renderers.

Target (issue 12): 0 exceptions, every Slack message valid for Slack's Block Kit limits and every Discord embed
within Discord's. Questions mix the words people type (model and GPU names, sizes, units, exponents, negative
and zero amounts, markdown and mentions) with arbitrary Unicode; half are asked as follow-ups of the previous.
`--hypothesis` also runs the property tests of tests/bot/test_fuzz_renderers.py with 10,000 examples each
(several minutes). Run: `.venv/bin/python benchmarks/fuzz.py` (writes benchmarks/fuzz.txt too).
"""

from __future__ import annotations

import collections
import os
import random
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge import Answer, ask  # noqa: E402  # importable only after the path set-up above
from tests.bot.test_fuzz_renderers import WORDS, rendered_within_limits  # noqa: E402

QUESTIONS = 10_000
SEED = 12


def question(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return "".join(
            chr(rng.choice((rng.randint(32, 126), rng.randint(160, 0x2FFF)))) for _ in range(rng.randint(0, 80))
        )
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12)))


def main() -> str:
    rng = random.Random(SEED)
    failures: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    previous: Answer | None = None
    started = time.perf_counter()
    for _ in range(QUESTIONS):
        text = question(rng)
        try:
            answer = ask(text, previous=previous if rng.random() < 0.5 else None)
            rendered_within_limits(answer)
            previous = answer
        except Exception as error:  # counted, with the first question that raised each kind
            frame = traceback.extract_tb(error.__traceback__)[-1]
            kind = f"{type(error).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            failures[kind] += 1
            examples.setdefault(kind, text)
    elapsed = time.perf_counter() - started
    lines = [
        f"{QUESTIONS:,} questions (seed {SEED}), half as follow-ups: {sum(failures.values())} exceptions "
        f"(target 0), {elapsed:.1f} s",
        *(f"  {count} x {kind}, first: {examples[kind]!r}" for kind, count in failures.most_common()),
    ]
    if "--hypothesis" in sys.argv:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "tests/bot/test_fuzz_renderers.py"],
            cwd=ROOT,
            env={**os.environ, "VRAMBOT_FUZZ_EXAMPLES": "10000"},
            capture_output=True,
            text=True,
        )
        lines.append("hypothesis, 10,000 examples per property: " + result.stdout.strip().splitlines()[-1])
    return "\n".join(lines)


if __name__ == "__main__":
    report = main()
    print(report)
    Path(__file__).with_suffix(".txt").write_text(report + "\n", encoding="utf-8")
