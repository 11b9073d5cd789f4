"""The estimator against published measurements of real runs (knowledge/data/measurements.jsonl)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from knowledge.estimator.calibration import compare, comparisons, measurements, skipped

SHARED = Path(__file__).resolve().parents[4] / "shared" / "calibration"
# Rows the estimator does not reproduce yet, with what is missing from the model of the framework. Strict: a row
# that comes inside its band fails here until it is taken off this list.
KNOWN_GAPS = {
    "awq_mixtral_gemm_2x4090_b1_8192": (
        "AutoAWQ 0.2's benchmark (examples/benchmark.py at d54bf0e, which added the table) loads with max_seq_len = "
        "prefill + decode = 8,192, so each fused layer's cache holds 8,192 tokens (1.0 GiB; the profile's 2,048 is "
        "0.1.6's default), and runs eager attention over the 4,096-token prompt (awq/modules/fused/attn.py: 32 heads "
        "x 4,096^2 x 10 B = 5.0 GiB) on each card of accelerate's layer split, so the summed figure counts it twice "
        "(the table's 73.26 % of 23.99 GiB puts 17.6 GiB on GPU 1). Not modelled: a prompt shorter than the context, "
        "the cache length the caller sets, and transformers' device_map split (its activations are divided as if "
        "tensor parallel). With the three: 22.96 + 1.0 + 2 x (5.0 + 0.72) = 35.4 GiB, +2.2 %"
    ),
    "nb_gemma2_2b_t4": "training took 4.99 GiB above the load peak, 2.2 GiB more than Gemma 2 9B's run (2.81 GiB) on "
    "the same data, batch and cap, so the excess scales with the 256k vocabulary, not the layers. Unsloth 2024.8 "
    "casts the logits to config.torch_dtype before its in-place cross-entropy (unsloth/models/llama.py); if the "
    "checkpoint's config says float32 (Gemma 2 2B was released in float32) a logit takes 4 bytes, 6 during the cast, "
    "not 2. Unknown here: that checkpoint's config.json (unsloth/gemma-2-2b-bnb-4bit) and the batch lengths reached",
    "nb_gemma3_27b_a100": "the loader and the loss of Unsloth 2025.9 are not modelled: FastModel maps the model to the "
    "dynamic 4-bit checkpoint unsloth/gemma-3-27b-it-unsloth-bnb-4bit (unsloth/models/mapper.py), which keeps the "
    "modules its config lists in llm_int8_skip_modules in 16-bit (load peak 19.07 GiB against 15.9 GiB of NF4 "
    "weights modelled; the list is not available here); and unsloth_zoo's fused cross-entropy sizes its chunks to "
    "half the free memory (fused_losses/cross_entropy_loss.py, _get_chunk_multiplier): one chunk on a 40 GB A100, "
    "bf16 logits and their fp32 upcast, 6 B per logit (6.0 GiB at 4,096 x 262,208) where the profile keeps the "
    "2 B of the 2024 in-place Triton loss (-24.9 %)",
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
    """The issue's target: median |error| <= 3 % over every compared row with a figure, the median as the
    benchmark reports it (statistics.median: the mean of the two middle rows when their count is even)."""
    errors = [abs(c.error) for c in comparisons() if c.measurement.metric != "oom"]
    assert statistics.median(errors) <= 0.03


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
