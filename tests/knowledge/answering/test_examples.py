"""The shared example questions: every field listed on a row is answered right.

The rows are ``shared/examples/questions.jsonl``; ``tests/knowledge/data/questions.jsonl`` is an unedited copy so
that a clone without ``shared/`` beside it runs them too (a test checks the copy when both are there).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from knowledge import Answer, ask

SHARED = Path(__file__).resolve().parents[4] / "shared" / "examples" / "questions.jsonl"
COPY = Path(__file__).parent / "data" / "questions.jsonl"


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


ROWS = _rows(COPY)


def _value(answer: Answer, field: str) -> Any:
    """The answer's value for a field named on an example row."""
    if field in ("lang", "intent", "task", "verdict"):
        return getattr(answer, "language" if field == "lang" else field)
    if field == "params_b":
        return answer.model.params_b if answer.model else None
    if field == "vram_gib":
        return answer.gpu.vram_gib if answer.gpu else None
    if field == "gpu_count":
        return answer.gpu.count if answer.gpu else None
    if field == "total_gib":
        return answer.memory.total_gib if answer.memory else None
    raise AssertionError(f"the example file names a field this test does not know: {field!r}")


def test_the_example_file_is_there() -> None:
    """The examples are read (25 questions in English and Spanish)."""
    assert len(ROWS) >= 25
    assert {row["lang"] for row in ROWS} == {"en", "es"}


@pytest.mark.skipif(not SHARED.exists(), reason="shared/ is not beside this checkout")
def test_the_copy_is_the_shared_file() -> None:
    """tests/knowledge/data/questions.jsonl is the shared file, unedited."""
    assert _rows(COPY) == _rows(SHARED)


@pytest.mark.parametrize("row", ROWS, ids=[row["q"][:60] for row in ROWS])
def test_example_question(row: dict[str, Any]) -> None:
    """Each field on the row is inside its range (numbers) or among its choices (words)."""
    answer = ask(row["q"])
    assert answer.error is None, answer.text
    for field, expected in row.items():
        if field == "q":
            continue
        got = _value(answer, field)
        if isinstance(expected, list) and expected and isinstance(expected[0], (int, float)):
            low, high = expected
            assert got is not None and low <= got <= high, f"{field}: {got} not in {expected}\n{answer.text}"
        elif isinstance(expected, list):
            assert got in expected, f"{field}: {got!r} not in {expected}\n{answer.text}"
        else:
            assert got == expected, f"{field}: {got!r} != {expected!r}\n{answer.text}"
    assert len(answer.text) < 1500
    assert answer.url and answer.assumptions
