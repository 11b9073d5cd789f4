"""The estimator against published measurements of real runs (knowledge/data/measurements.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.estimator.calibration import compare, comparisons, measurements, skipped

SHARED = Path(__file__).resolve().parents[4] / "shared" / "calibration"
# Rows the estimator does not reproduce yet, with what is missing from the model of the framework. Strict: a row
# that comes inside its band fails here until it is taken off this list.
KNOWN_GAPS = {
    "awq_mixtral_gemm_2x4090_b1_8192": "AutoAWQ's fused MoE blocks and its cache doubling for a 4,096-token prompt are "
    "not modelled",
    "nb_gemma2_2b_t4": "Gemma 2's soft-capped 256k logits in Unsloth take more than its fused loss is modelled with",
    "nb_gemma3_27b_a100": "Gemma 3's 262k-vocabulary logits in Unsloth's loss and its multimodal loader (FastModel) "
    "take more than modelled (-20.3 % against a 20 % band)",
}


def _param(row):
    if row.measurement.id in KNOWN_GAPS:
        return pytest.param(row, marks=pytest.mark.xfail(reason=KNOWN_GAPS[row.measurement.id], strict=True))
    return row


@pytest.mark.parametrize("row", [_param(c) for c in comparisons()], ids=lambda c: c.measurement.id)
def test_every_measurement_is_inside_its_band(row):
    """Each estimate is within the row's published tolerance of the measured figure."""
    assert row.within, f"{row.measurement.id}: estimate {row.estimate_gib} vs {row.measurement.measured_gib}"


def test_a_published_out_of_memory_run_never_gets_yes():
    """unsloth_l33_70b_hf_qlora_48gb_oom: HF QLoRA of Llama 3.3 70B ran out of memory on a 48 GB card."""
    rows = [c for c in comparisons() if c.measurement.metric == "oom"]
    assert rows and all(c.verdict_yes is False for c in rows)


def test_the_median_error_is_at_most_three_percent():
    """The issue's target: median |error| <= 3 % over every compared row with a figure."""
    errors = sorted(abs(c.error) for c in comparisons() if c.measurement.metric != "oom")
    assert errors[len(errors) // 2] <= 0.03


def test_rows_cover_every_training_framework_profile():
    """Published measurements exist for transformers, Unsloth and torchtune training, and llama.cpp inference."""
    runtimes = {c.runtime for c in comparisons()}
    assert {"transformers", "unsloth", "torchtune", "llama.cpp"} <= runtimes


def test_reference_notes_are_not_fitted():
    """Rows with metric 'note' are context, not figures to fit."""
    notes = [m for m in measurements() if m.metric == "note"]
    assert notes and all(compare(m) is None for m in notes)


def test_rows_of_models_outside_the_catalog_are_reported_not_dropped():
    """A measurement of a model the catalog lacks is listed by skipped(), so the benchmark can say so."""
    ids = {m.id for m in skipped()}
    assert all(compare(m) is None for m in measurements() if m.id in ids)


@pytest.mark.skipif(not SHARED.exists(), reason="shared/ is not beside this checkout")
def test_the_packaged_copy_holds_every_shared_measurement():
    """knowledge/data/measurements.jsonl holds both shared files' rows, in order, with the same figures."""
    shared = []
    for name in ("measurements.jsonl", "measurements-2.jsonl"):
        path = SHARED / name
        shared += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    packaged = measurements()
    assert [m["id"] for m in shared] == [m.id for m in packaged]
    assert [m["measured_gib"] for m in shared] == [m.measured_gib for m in packaged]
    assert [m["source"] for m in shared] == [m.source for m in packaged]
