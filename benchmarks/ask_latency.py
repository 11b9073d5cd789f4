"""Answering speed: in-process latency of `knowledge.ask` per question, and the cold `vrambot ask` wall time.

Targets (issues 3, 9 and 10): p50 under 1 ms per question after warm-up, not growing with the catalog; a cold
`vrambot ask` at most 0.25 s median (benchmarks/cold_start.py measures it with CPU time too, for a shared machine).
Run: `.venv/bin/python benchmarks/ask_latency.py` (writes benchmarks/ask_latency.txt too).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge import ask  # noqa: E402  # importable only after the path set-up above

EXAMPLES = ROOT / "tests" / "knowledge" / "answering" / "data" / "questions.jsonl"
MORE = [  # the other kinds of question, in both languages
    "what about a 3090?",
    "¿y con QLoRA?",
    "How fast is Llama 3 8B on an RTX 4090?",
    "how long to fine-tune llama 2 7b with qlora on 1B tokens on an a100",
    "What's the largest model I can run on a 4090?",
    "¿Qué modelos puedo correr con 12 GB?",
    "can two 3090s run llama 2 70b in 4-bit",
    "Can a 4090 run Llama 9 70B?",
    "can a mac with 64gb run llama 3 70b in 4-bit",
    "llama 3 8b vs mistral 7b",
]
ROUNDS = 30
COLD_RUNS = 7


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def in_process() -> tuple[list[str], list[float]]:
    questions = [json.loads(line)["q"] for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions += MORE
    for question in questions:  # warm-up: catalog, message catalogs, estimator caches
        ask(question)
    lines = [f"{'question':<66} {'p50 ms':>7} {'p99 ms':>7}"]
    everything: list[float] = []
    for question in questions:
        samples = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            ask(question)
            samples.append((time.perf_counter() - start) * 1000)
        everything.extend(samples)
        lines.append(f"{question[:66]:<66} {statistics.median(samples):>7.3f} {_percentile(samples, 0.99):>7.3f}")
    return lines, everything


def cold() -> list[float]:
    """Wall time of a fresh `vrambot ask` process (Python start-up, imports, catalog load, answer)."""
    command = [str(ROOT / ".venv" / "bin" / "vrambot"), "ask", "Can an RTX 4060 run Llama 3 8B?"]
    if not Path(command[0]).exists():
        command = [sys.executable, "-c", "from bot.entry import main; main()", *command[1:]]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    subprocess.run(command, check=True, capture_output=True, env=env)  # compile bytecode once
    times = []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return times


def report() -> str:
    lines, samples = in_process()
    cold_times = cold()
    lines += [
        "",
        f"in-process, {ROUNDS} rounds after warm-up, {len(samples)} answers:",
        f"  p50 {statistics.median(samples):.3f} ms, p99 {_percentile(samples, 0.99):.3f} ms (target p50 < 1 ms)",
        f"cold `vrambot ask`, {COLD_RUNS} runs: median {statistics.median(cold_times):.3f} s, "
        f"max {max(cold_times):.3f} s (target <= 0.25 s)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    text = report()
    print(text)
    (Path(__file__).parent / "ask_latency.txt").write_text(text + "\n", encoding="utf-8")
