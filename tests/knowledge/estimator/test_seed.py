"""The seed document's two tables live in the catalog verbatim, each row tied to a model and an assumption."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import Job, load_catalog
from knowledge.estimator.estimate import estimate

SEED = Path(__file__).resolve().parents[4] / "shared" / "seed" / "hardware-requirements.es.md"
ROWS = load_catalog().seed


def _document_rows() -> list[tuple[str, ...]]:
    rows = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.startswith("|") and not line.startswith("|--") and "**" not in line:
            rows.append(tuple(cell.strip() for cell in line.strip().strip("|").split("|")))
    return rows


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not beside this checkout")
def test_rows_are_the_documents_rows_verbatim():
    """Every data row of both tables, in order, with its four cells exactly as written."""
    assert [row.cells for row in ROWS] == _document_rows()


def test_two_tables_seven_and_four_rows():
    assert [r.table for r in ROWS].count("inference") == 7
    assert [r.table for r in ROWS].count("training") == 4


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_every_row_is_mapped_to_a_catalog_model(row):
    """Each row names a catalog model; a size class's representative lies inside the class."""
    model = load_catalog().model(row.model_id)
    if row.params_b_range is not None:
        low, high = row.params_b_range
        assert low <= model.params_b <= high + 0.5


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_the_seed_figure_holds_under_the_stated_assumption(row):
    """Under `holds_for`, vrambot's figure is close to the seed's VRAM (the seed rounds and adds margins)."""
    result = estimate(Job(model=load_catalog().model(row.model_id), **row.holds_for))
    assert 0.6 <= result.total_gib / row.vram_gb <= 1.3, (result.total_gib, row.vram_gb)


@pytest.mark.parametrize(
    ("row_id", "task", "over_gib"),
    [
        ("seed-train-6b-13b", "full_finetune", 100),
        ("seed-train-30b-plus", "full_finetune", 500),
        ("seed-train-gpt3-175b", "full_finetune", 2.5 * 1024),
    ],
    ids=["7b-full", "30b-full", "175b-full"],
)
def test_the_notes_figures_are_what_the_estimator_says(row_id, task, over_gib):
    """Notes that quote a figure quote the estimator: full fine-tuning needs more than the note says."""
    row = next(r for r in ROWS if r.id == row_id)
    assert estimate(Job(model=load_catalog().model(row.model_id), task=task)).total_gib > over_gib
