"""Cold start of `vrambot ask`: wall time and CPU time of a fresh process, median of several runs.

Targets (issues 9 and 10): a cold `vrambot ask` at most 0.25 s median on a 2-core machine, not growing with the
catalog. The machine this runs on may be shared, so the CPU time the child used (user + system, from
``getrusage(RUSAGE_CHILDREN)``) is reported next to the wall time: it is what the process itself costs.
Run: `.venv/bin/python benchmarks/cold_start.py [RUNS]` (writes benchmarks/cold_start.txt too).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Can an RTX 4060 run Llama 3 8B?",
    "How much memory does the RTX 4060 Ti have?",
    "What's the largest model I can run on a 4090?",
    "¿Puede una RTX 4060 correr Llama 2 7B?",
]
RUNS = 7


def _command(question: str) -> list[str]:
    script = ROOT / ".venv" / "bin" / "vrambot"
    if script.exists():
        return [str(script), "ask", question]
    return [sys.executable, "-c", "from bot.cli import main; main()", "ask", question]


def measure(question: str, runs: int = RUNS) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system) of ``runs`` fresh `vrambot ask QUESTION` processes."""
    command = _command(question)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    subprocess.run(command, check=True, capture_output=True, env=env)  # bytecode and catalog cache written once
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def python_floor(runs: int = RUNS) -> tuple[list[float], list[float]]:
    """The same figures for a bare `python -c pass` in the same venv: what no change to vrambot can remove."""
    python = ROOT / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "-c", "pass"]
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def _row(label: str, walls: list[float], cpus: list[float]) -> str:
    return f"{label[:52]:<52} {statistics.median(walls):>7.3f} {statistics.median(cpus):>7.3f}"


def report(runs: int = RUNS) -> str:
    lines = [f"{'cold `vrambot ask`':<52} {'wall s':>7} {'cpu s':>7}   (median of {runs} runs; target 0.25 s)"]
    lines.append(_row("(python -c pass, the floor)", *python_floor(runs)))
    lines += [_row(question, *measure(question, runs)) for question in QUESTIONS]
    return "\n".join(lines)


if __name__ == "__main__":
    text = report(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
    print(text)
    (Path(__file__).parent / "cold_start.txt").write_text(text + "\n", encoding="utf-8")
