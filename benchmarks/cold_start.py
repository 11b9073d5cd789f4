"""Cold start of `vrambot ask`: wall time and CPU time of a fresh process, median of several runs.

Targets (issues 9 and 10): a cold `vrambot ask` at most 0.25 s median on a 2-core machine, not growing with the
catalog. The machine this runs on may be shared, so the CPU time the child used (user + system, from
``getrusage(RUSAGE_CHILDREN)``) is reported next to the wall time: it is what the process itself costs.
Run: `.venv/bin/python benchmarks/cold_start.py [RUNS]` (writes benchmarks/cold_start.txt too). The last rows
repeat the first question against a catalog three times the size (every model and GPU copied twice under new
ids and names, through ``VRAMBOT_DATA_DIR``), to show the cold start does not grow with the catalog.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

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
    return [sys.executable, "-c", "from bot.entry import main; main()", "ask", question]


def tripled_data(folder: Path) -> Path:
    """A copy of the package's data with every model and GPU there three times (copies renamed, no aliases)."""
    data = folder / "data"
    shutil.copytree(ROOT / "knowledge" / "data", data)
    for name, key in (("models.yaml", "models"), ("gpus.yaml", "gpus")):
        content = yaml.safe_load((data / name).read_text(encoding="utf-8"))
        copies = [
            {**entry, "id": f"{entry['id']}-copy{n}", "name": f"{entry['name']} Copy{n}", "aliases": []}
            for n in (1, 2)
            for entry in content[key]
        ]
        content[key] += copies
        (data / name).write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def measure(question: str, runs: int = RUNS, data: Path | None = None) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system) of ``runs`` fresh `vrambot ask QUESTION` processes."""
    command = _command(question)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0", **({"VRAMBOT_DATA_DIR": str(data)} if data else {})}
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
    with tempfile.TemporaryDirectory() as folder:
        data = tripled_data(Path(folder))
        lines += [_row(f"3x catalog: {question}", *measure(question, runs, data)) for question in QUESTIONS[:2]]
    return "\n".join(lines)


if __name__ == "__main__":
    text = report(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
    print(text)
    (Path(__file__).parent / "cold_start.txt").write_text(text + "\n", encoding="utf-8")
