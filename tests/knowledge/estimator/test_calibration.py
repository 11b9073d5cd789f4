"""The estimator against published measurements of real runs (knowledge/data/measurements.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.estimator.calibration import compare, comparisons, measurements

SHARED = Path(__file__).resolve().parents[4] / "shared" / "calibration" / "measurements.jsonl"


@pytest.mark.parametrize("row", comparisons(), ids=lambda c: c.measurement.id)
def test_every_measurement_is_inside_its_band(row):
    """Each estimate is within the row's published tolerance of the measured figure."""
    assert row.within, f"{row.measurement.id}: estimate {row.estimate_gib} vs {row.measurement.measured_gib}"


def test_reference_notes_are_not_fitted():
    """Rows with metric 'note' are context, not figures to fit."""
    notes = [m for m in measurements() if m.metric == "note"]
    assert notes and all(compare(m) is None for m in notes)


@pytest.mark.skipif(not SHARED.exists(), reason="shared/ is not beside this checkout")
def test_the_packaged_copy_matches_the_shared_measurements():
    """knowledge/data/measurements.jsonl is the shared file, unedited."""
    shared = [json.loads(line) for line in SHARED.read_text().splitlines() if line.strip()]
    assert [m["id"] for m in shared] == [m.id for m in measurements()]
