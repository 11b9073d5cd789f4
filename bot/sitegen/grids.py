"""The calculator's data: for each model, a JSON grid of estimates the page looks values up in.

The grid is tasks × set-ups (precisions, or training set-ups) × a context ladder × batch sizes, each cell
computed by the real estimator (:func:`knowledge.estimator.estimate.estimate`): memory per GPU, its
components, system RAM, and a bit mask of the common machines (:data:`bot.sitegen.figures.REFERENCE_GPUS`)
it fits as asked (the estimator's rule: the runtime's headroom margin left free; :func:`figures.threshold`).
Each set-up also lists the changes to try when a cell does not fit, cheapest first, in the order of
:mod:`knowledge.estimator.verdicts`; the page walks that list and picks the first cell that fits. The page
computes nothing: no memory formula exists in JavaScript.

Cells: ``[per_gpu_gib, weights_gib, kv_gib, activations_gib, gradients_gib, optimizer_gib, overhead_gib,
ram_gib, fits_mask]``, or ``null`` where the estimator refuses the combination.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.sitegen.figures import reference_gpus, threshold
from knowledge.errors import InvalidQuery
from knowledge.estimator.catalog import Catalog, Model
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Estimate, Job, Task
from knowledge.estimator.verdicts import INFERENCE_LADDER, LOSSY

CONTEXTS: tuple[int, ...] = (512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)
TRAINING_MAX_CONTEXT = 32768
BATCHES: tuple[int, ...] = (1, 2, 4, 8)
GRID_VERSION = 1


@dataclass(frozen=True)
class Setup:
    """A choice of the calculator's second menu: a precision, or a training set-up."""

    id: str
    precision: str | None = None
    options: tuple[tuple[str, Any], ...] = ()


SETUPS: dict[Task, tuple[Setup, ...]] = {
    "inference": tuple(
        Setup(p, p, (("runtime", "llama.cpp"),) if p.startswith("q") else ())
        for p in ("fp16", "fp8", "int8", "nf4", "gptq", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k")
    ),
    "lora": (Setup("lora_bf16"),),
    "qlora": (Setup("qlora_nf4"),),
    "full_finetune": (
        Setup("mixed"),
        Setup("mixed_ckpt", options=(("checkpointing", True),)),
        Setup("mixed_ckpt_8bit", options=(("checkpointing", True), ("optimizer", "adamw_8bit"))),
        Setup("bf16", "bf16"),
    ),
}
TASKS: tuple[Task, ...] = tuple(SETUPS)
SAME, SHORTER = "same", "shorter"
_TRAINING_CHANGES: dict[str, list[list[str]]] = {
    "mixed": [["full_finetune", "mixed_ckpt", SAME], ["full_finetune", "mixed_ckpt_8bit", SAME]],
    "mixed_ckpt": [["full_finetune", "mixed_ckpt_8bit", SAME]],
    "mixed_ckpt_8bit": [],
    "bf16": [],
}


def changes(task: Task, setup: str) -> list[list[str]]:
    """The changes to try, cheapest first, as [task, set-up, "same" | "shorter" context]."""
    if task == "inference":
        ladder: tuple[str, ...] = INFERENCE_LADDER
        if setup in ladder:
            ladder = ladder[ladder.index(setup) + 1 :]
        good = [p for p in ladder if p not in LOSSY]
        lossy = [p for p in ladder if p in LOSSY]
        found = [["inference", p, SAME] for p in good]
        found += [["inference", good[-1], SHORTER]] if good else []
        found += [["inference", p, SAME] for p in lossy] + [["inference", p, SHORTER] for p in lossy]
        return found
    found = list(_TRAINING_CHANGES.get(setup, []))
    if task == "full_finetune":
        found.append(["lora", "lora_bf16", SAME])
    if task in ("full_finetune", "lora"):
        found.append(["qlora", "qlora_nf4", SAME])
    found.append(["qlora", "qlora_nf4", SHORTER])
    return found


def contexts(model: Model, task: Task) -> list[int]:
    """The context ladder for a model and task: powers of two up to the model's maximum, and the maximum."""
    maximum = model.architecture.max_context_tokens
    if task != "inference":
        maximum = min(maximum, TRAINING_MAX_CONTEXT)
    ladder = [c for c in CONTEXTS if c < maximum]
    return [*ladder, min(maximum, CONTEXTS[-1])]


def _gib(value: int) -> float:
    return round(value / 2**30, 2)


def _cell(result: Estimate | None, limits: list[int | None]) -> list[float | int] | None:
    if result is None:
        return None
    memory = result.memory
    mask = 0
    for index, limit in enumerate(limits):
        if limit is not None and result.per_gpu_bytes <= limit:
            mask |= 1 << index
    return [
        _gib(result.per_gpu_bytes),
        _gib(memory.weights_bytes),
        _gib(memory.kv_cache_bytes),
        _gib(memory.activations_bytes),
        _gib(memory.gradients_bytes),
        _gib(memory.optimizer_bytes),
        _gib(memory.overhead_bytes),
        _gib(result.ram_bytes),
        mask,
    ]


def _estimate(model: Model, task: Task, setup: Setup, context: int, batch: int) -> Estimate | None:
    try:
        job = Job(model=model, task=task, precision=setup.precision, context_tokens=context, batch=batch,
                  **dict(setup.options))
        return estimate(job)
    except InvalidQuery:
        return None


def grid(catalog: Catalog, model: Model) -> dict[str, Any]:
    """The calculator's grid for one model (plain data, ready for JSON)."""
    machines = reference_gpus(catalog)
    tasks = []
    for task, setups in SETUPS.items():
        ladder = contexts(model, task)
        rows = []
        for setup in setups:
            options = dict(setup.options)
            limits = [threshold(model, gpu, task, setup.precision, **options) for gpu in machines]
            cells = [[_cell(_estimate(model, task, setup, c, b), limits) for b in BATCHES] for c in ladder]
            if all(cell is None for row in cells for cell in row):
                continue
            rows.append({"id": setup.id, "changes": changes(task, setup.id), "cells": cells})
        tasks.append({"task": task, "contexts": ladder, "setups": rows})
    return {
        "version": GRID_VERSION,
        "model": model.id,
        "name": model.name,
        "batches": list(BATCHES),
        "machines": [[g.id, g.name, round(g.usable_memory_gib, 2)] for g in machines],
        "tasks": tasks,
    }


def grid_json(catalog: Catalog, model: Model) -> str:
    """The grid as compact, deterministic JSON (same catalog, same bytes)."""
    return json.dumps(grid(catalog, model), separators=(",", ":"), ensure_ascii=False) + "\n"
