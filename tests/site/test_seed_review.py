"""The seed document reviewed row by row: the verdict is the first job, cheapest last, whose estimate fits
the row's VRAM read as GiB; the RAM column is checked against the estimate's system RAM."""

from __future__ import annotations

import pytest

from bot.sitegen.seed_review import review
from knowledge.estimator.catalog import Catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Job

GIB = 2**30


def _row(catalog: Catalog, row_id: str):
    return next(r for r in catalog.seed if r.id == row_id)


def _gib(catalog: Catalog, model_id: str, **job) -> float:
    return estimate(Job(model=catalog.model(model_id), **job)).per_gpu_bytes / GIB


def test_a_row_that_holds_as_read(catalog: Catalog) -> None:
    """GPT-2 (1.5B) in FP16 needs less than the seed's 4 GB: it holds, and 8 GB of RAM covers loading it."""
    assert _gib(catalog, "gpt2-xl", precision="fp16") <= 4
    found = review(catalog, _row(catalog, "seed-inf-gpt2"))
    assert found.verdict == "holds" and found.step.key == "fp16" and found.ram_holds


def test_a_row_that_holds_only_at_8_bit(catalog: Catalog) -> None:
    """LLaMA 13B: FP16 is over the seed's 16 GB, INT8 is under it: "holds only with INT8"."""
    assert _gib(catalog, "llama-13b", precision="fp16") > 16 >= _gib(catalog, "llama-13b", precision="int8")
    found = review(catalog, _row(catalog, "seed-inf-llama-13b"))
    assert (found.verdict, found.step.key) == ("holds_with", "int8")


def test_a_row_that_does_not_hold_names_the_machine_that_would(catalog: Catalog) -> None:
    """GPT-3 175B: even 4-bit is over 80 GB; the smallest common machine holding the 4-bit job is named."""
    four_bit = _gib(catalog, "gpt-3-175b", precision="q4_k_m", runtime="llama.cpp")
    assert four_bit > 80
    found = review(catalog, _row(catalog, "seed-inf-gpt3-175b"))
    assert (found.verdict, found.step.key) == ("fails", "q4_k_m")
    assert found.machine is not None and found.machine.usable_memory_gib >= four_bit
    # H200: 141 GiB holds the 4-bit job; the 128 GB Mac (96 GiB usable by its GPU) does not.
    assert found.machine.id == "h200"


@pytest.mark.parametrize(
    ("row_id", "step"),
    [("seed-train-under-2b", "full_bf16"), ("seed-train-6b-13b", "lora"), ("seed-train-gpt3-175b", "qlora")],
)
def test_training_rows_fall_back_to_the_first_setup_that_fits(catalog: Catalog, row_id: str, step: str) -> None:
    """Mixed precision (16 bytes per parameter), then pure bf16, LoRA, QLoRA: the first under the seed's VRAM."""
    row = _row(catalog, row_id)
    model = row.model_id
    ladder = [("full_mixed", {"task": "full_finetune"}), ("full_bf16", {"task": "full_finetune", "precision": "bf16"}),
              ("lora", {"task": "lora"}), ("qlora", {"task": "qlora"})]
    first = next(key for key, job in ladder if _gib(catalog, model, **job) <= row.vram_gb)
    assert first == step
    assert review(catalog, row).step.key == step


def test_the_ram_column_is_reviewed(catalog: Catalog) -> None:
    """GPT-3 175B LoRA loads 16-bit weights through RAM: the seed's 1 TB covers it; 16 GB covers LLaMA 7B 4-bit."""
    for row_id in ("seed-train-gpt3-175b", "seed-inf-llama-7b"):
        row = _row(catalog, row_id)
        found = review(catalog, row)
        assert found.ram_holds is (found.shown.ram_bytes <= row.ram_gb * GIB)
        assert found.ram_holds
