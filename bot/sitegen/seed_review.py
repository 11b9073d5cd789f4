"""The seed document's tables reviewed row by row: does its VRAM figure hold, only with a change, or not at all?

Each row's VRAM is read as GiB (an "8GB" card holds 8 GiB) and compared, through the estimator, with the
job a reader of the row would run, then with cheaper ones, in order:

- inference: FP16 → INT8 (bitsandbytes) → Q4_K_M (4-bit GGUF on llama.cpp);
- training: full fine-tune in bf16 mixed precision with AdamW → full fine-tune in pure bf16 → LoRA → QLoRA.

The first job that fits gives the verdict: *holds* when it is the first of the list, *holds only with* that
change otherwise, *does not hold* when none fits (the cheapest figure is then shown, with the smallest common
machine that holds it). The seed's RAM column is checked against vrambot's system RAM for the same job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.sitegen.figures import job_estimate, reference_gpus
from knowledge.estimator.catalog import Catalog, Gpu, Model, SeedRow
from knowledge.estimator.job import Estimate, Task

GIB = 2**30
SeedVerdict = Literal["holds", "holds_with", "fails"]


@dataclass(frozen=True)
class Step:
    """One job of a review ladder: a label key of the site catalog and the estimate's arguments."""

    key: str
    task: Task
    precision: str | None = None
    options: tuple[tuple[str, Any], ...] = ()


LADDERS: dict[str, tuple[Step, ...]] = {
    "inference": (
        Step("fp16", "inference", "fp16"),
        Step("int8", "inference", "int8"),
        Step("q4_k_m", "inference", "q4_k_m", (("runtime", "llama.cpp"),)),
    ),
    "training": (
        Step("full_mixed", "full_finetune"),
        Step("full_bf16", "full_finetune", "bf16"),
        Step("lora", "lora"),
        Step("qlora", "qlora"),
    ),
}


@dataclass(frozen=True)
class Review:
    row: SeedRow
    model: Model
    verdict: SeedVerdict
    first: Estimate  # the job a reader of the row would run (FP16 inference, full fine-tune)
    step: Step  # the job whose figure is shown: the first that fits, else the cheapest
    shown: Estimate
    ram_holds: bool  # the seed's RAM covers vrambot's system RAM for the shown job
    machine: Gpu | None  # for "fails": the smallest common machine that holds the shown job


def _estimate(model: Model, step: Step) -> Estimate | None:
    return job_estimate(model, step.task, step.precision, **dict(step.options))


def review(catalog: Catalog, row: SeedRow) -> Review | None:
    """The row's review, or None where it names no catalog model."""
    if row.model_id is None:
        return None
    model = catalog.model(row.model_id)
    budget = row.vram_gb * GIB
    results = [(s, e) for s in LADDERS[row.table] if (e := _estimate(model, s)) is not None]
    if not results:
        return None
    fitting = [(i, s, e) for i, (s, e) in enumerate(results) if e.per_gpu_bytes <= budget]
    if fitting:
        index, step, shown = fitting[0]
        verdict: SeedVerdict = "holds" if index == 0 else "holds_with"
    else:
        step, shown = results[-1]
        verdict = "fails"
    machine = None
    if verdict == "fails":
        machines = sorted(reference_gpus(catalog), key=lambda g: (g.usable_memory_bytes, g.id))
        machine = next((g for g in machines if shown.per_gpu_bytes <= g.usable_memory_bytes), None)
    return Review(
        row=row,
        model=model,
        verdict=verdict,
        first=results[0][1],
        step=step,
        shown=shown,
        ram_holds=shown.ram_bytes <= row.ram_gb * GIB,
        machine=machine,
    )
