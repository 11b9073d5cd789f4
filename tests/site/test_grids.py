"""The calculator's grids: every figure is the estimator's, the fits bits are the estimator's verdicts, the
changes follow the verdicts' order, and each model's file stays small."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bot.sitegen import grids
from bot.sitegen.figures import reference_gpus
from knowledge.estimator.catalog import Catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Job

GIB = 2**30


@pytest.fixture(scope="module")
def llama(tiny_catalog: Catalog) -> dict:
    return json.loads(grids.grid_json(tiny_catalog, tiny_catalog.model("llama-2-7b")))


def _cell(grid: dict, task: str, setup: str, context: int, batch: int) -> list:
    found = next(t for t in grid["tasks"] if t["task"] == task)
    row = next(s for s in found["setups"] if s["id"] == setup)
    return row["cells"][found["contexts"].index(context)][grid["batches"].index(batch)]


@pytest.mark.parametrize(
    ("task", "setup", "job"),
    [
        ("inference", "fp16", {"precision": "fp16", "context_tokens": 4096, "batch": 1}),
        ("inference", "q4_k_m", {"precision": "q4_k_m", "runtime": "llama.cpp", "context_tokens": 2048, "batch": 4}),
        ("qlora", "qlora_nf4", {"task": "qlora", "context_tokens": 1024, "batch": 2}),
        ("full_finetune", "mixed_ckpt_8bit",
         {"task": "full_finetune", "checkpointing": True, "optimizer": "adamw_8bit", "context_tokens": 512,
          "batch": 8}),
    ],
    ids=["fp16", "q4-batch4", "qlora", "full-8bit"],
)
def test_cells_hold_the_estimators_figures(tiny_catalog: Catalog, llama: dict, task, setup, job) -> None:
    """Per-GPU memory, each component and system RAM, in GiB to two decimals, as estimate() gives them."""
    model = tiny_catalog.model("llama-2-7b")
    result = estimate(Job(model=model, **job))
    memory = result.memory
    expected = [result.per_gpu_bytes, memory.weights_bytes, memory.kv_cache_bytes, memory.activations_bytes,
                memory.gradients_bytes, memory.optimizer_bytes, memory.overhead_bytes, result.ram_bytes]
    cell = _cell(llama, task, setup, job["context_tokens"], job["batch"])
    assert cell[:8] == [round(v / GIB, 2) for v in expected]


def test_fits_bits_are_the_estimators_verdict_for_each_common_machine(tiny_catalog: Catalog, llama: dict) -> None:
    """Bit i of a cell's mask is estimate(job on machine i).fits: Llama 2 7B FP16 at 4k fits 80 GiB, not 8."""
    machines = reference_gpus(tiny_catalog)
    assert [m[0] for m in llama["machines"]] == [g.id for g in machines] == ["rtx-4060", "a100-80gb"]
    mask = _cell(llama, "inference", "fp16", 4096, 1)[8]
    model = tiny_catalog.model("llama-2-7b")
    for index, gpu in enumerate(machines):
        fits = estimate(Job(model=model, precision="fp16", context_tokens=4096, gpu=gpu)).fits
        assert bool(mask & (1 << index)) is fits
    assert mask == 0b10  # about 16 GiB: the A100 (bit 1) holds it, the 8 GiB RTX 4060 (bit 0) does not


def test_changes_follow_the_verdicts_order() -> None:
    """From FP16: 8-, 6-, 5- then 4-bit GGUF, 4-bit with a shorter context, then 3- and 2-bit; training ends
    with QLoRA at shorter sequences."""
    assert grids.changes("inference", "fp16") == [
        ["inference", "q8_0", "same"],
        ["inference", "q6_k", "same"],
        ["inference", "q5_k_m", "same"],
        ["inference", "q4_k_m", "same"],
        ["inference", "q4_k_m", "shorter"],
        ["inference", "q3_k_m", "same"],
        ["inference", "q2_k", "same"],
        ["inference", "q3_k_m", "shorter"],
        ["inference", "q2_k", "shorter"],
    ]
    assert grids.changes("inference", "q3_k_m") == [["inference", "q2_k", "same"], ["inference", "q2_k", "shorter"]]
    assert grids.changes("full_finetune", "mixed") == [
        ["full_finetune", "mixed_ckpt", "same"],
        ["full_finetune", "mixed_ckpt_8bit", "same"],
        ["lora", "lora_bf16", "same"],
        ["qlora", "qlora_nf4", "same"],
        ["qlora", "qlora_nf4", "shorter"],
    ]
    assert grids.changes("qlora", "qlora_nf4") == [["qlora", "qlora_nf4", "shorter"]]


def test_context_ladder_stops_at_the_models_maximum(catalog: Catalog) -> None:
    """Powers of two from 512 up to the maximum (4,096 for Llama 2; 131,072 for Llama 3.1), training to 32k."""
    assert grids.contexts(catalog.model("llama-2-7b"), "inference") == [512, 1024, 2048, 4096]
    assert grids.contexts(catalog.model("llama-3.1-8b"), "inference")[-1] == 131072
    assert grids.contexts(catalog.model("llama-3.1-8b"), "lora")[-1] == 32768


def test_every_grid_of_the_catalog_is_small(built_site: Path, catalog: Catalog) -> None:
    """One file per model at /grids/<id>.json, each at most 60 KB gzipped (loaded only when asked for)."""
    files = sorted((built_site / "grids").glob("*.json"))
    assert sorted(p.stem for p in files) == sorted(m.id for m in catalog.models)
    largest = max(len(gzip.compress(p.read_bytes())) for p in files)
    assert largest <= 60 * 1024
