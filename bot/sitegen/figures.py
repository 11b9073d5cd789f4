"""The figures the reference site shows, all taken from the estimator (:func:`knowledge.estimator.estimate.estimate`)
and the verdicts (:func:`knowledge.estimator.verdicts.assess`); nothing here computes memory itself.

Every call is cached per (model, GPU, task, setting), so the pages that show the same figure (the model table,
a model's page, a GPU's page, the matrix) ask the estimator once. Verdicts with their cheapest change cost a
search over changes, so they are computed for the reference GPUs of the matrix (:data:`REFERENCE_GPUS`); every
other model/GPU pair shows whether the job fits as asked, which is the same rule (``Estimate.fits``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from knowledge.errors import InvalidQuery
from knowledge.estimator.catalog import Catalog, Gpu, Model
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Estimate, Job, Task
from knowledge.estimator.verdicts import Fit, assess

# Inference precisions in the model table and GPU pages: 16-bit, 8-bit (FP8, bitsandbytes), 4-bit (GPTQ, GGUF).
TABLE_PRECISIONS: tuple[str, ...] = ("fp16", "fp8", "int8", "gptq", "q4_k_m")
SPEED_PRECISIONS: tuple[str, ...] = ("fp16", "int8", "q4_k_m")
TRAINING_TASKS_SHOWN: tuple[Task, ...] = ("lora", "qlora", "full_finetune")
MATRIX_TASKS: tuple[Task, ...] = ("inference", "lora", "qlora", "full_finetune")
CHART_PRECISIONS: tuple[str, ...] = ("fp16", "int8", "q4_k_m")
KV_PER_TOKENS = 1000
# The matrix's columns: the GPUs of the seed document plus one card per common memory size and platform
# (8, 12, 16, 24, 48, 80, 141 and 192 GB; consumer, workstation, datacenter, AMD and Apple).
REFERENCE_GPUS: tuple[str, ...] = (
    "rtx-3060-12gb",
    "rtx-4060",
    "rtx-4070",
    "rtx-4060-ti-16gb",
    "rtx-4080",
    "rtx-3090",
    "rtx-4090",
    "rtx-5090",
    "rtx-6000-ada",
    "apple-m4-max-128gb",
    "a100-80gb",
    "h100-sxm",
    "h200",
    "mi300x",
)
Kind = Literal["yes", "with_changes", "no"]


@dataclass(frozen=True)
class Verdict:
    """Whether a job runs on a GPU: the verdict, the change that makes it fit, how many GPUs it needs."""

    kind: Kind
    fit: Fit | None  # None where only "fits as asked" was checked


def reference_gpus(catalog: Catalog) -> tuple[Gpu, ...]:
    """The matrix's GPUs that the catalog holds, in the order above."""
    ids = {gpu.id for gpu in catalog.gpus}
    chosen = tuple(catalog.gpu(i) for i in REFERENCE_GPUS if i in ids)
    return chosen or catalog.gpus[:12]


# Caches keyed by catalog ids, not by the pydantic objects: hashing a Model walks its whole architecture, and
# the GPU pages ask "does it fit?" for every model on every GPU.
_JOBS: dict[tuple[object, ...], Estimate | None] = {}
_ON_GPU: dict[tuple[str, str, str, str | None], Estimate | None] = {}
_VERDICTS: dict[tuple[str, str, str], Verdict] = {}
_NEEDS: dict[tuple[str, str, str | None], int | None] = {}
_THRESHOLDS: dict[tuple[object, ...], int | None] = {}


def job_estimate(model: Model, task: Task, precision: str | None = None, **options: object) -> Estimate | None:
    """The estimate of a job without a GPU, or None where the estimator refuses the combination."""
    key = (model.id, task, precision, *sorted(options.items()))
    if key not in _JOBS:
        try:
            _JOBS[key] = estimate(Job(model=model, task=task, precision=precision, **options))
        except InvalidQuery:
            _JOBS[key] = None
    return _JOBS[key]


def on_gpu(model: Model, gpu: Gpu, task: Task, precision: str | None = None) -> Estimate | None:
    """The estimate of a job on one GPU (fit and speed), or None where the combination is refused."""
    key = (model.id, gpu.id, task, precision)
    if key not in _ON_GPU:
        try:
            _ON_GPU[key] = estimate(Job(model=model, task=task, precision=precision, gpu=gpu))
        except InvalidQuery:
            _ON_GPU[key] = None
    return _ON_GPU[key]


def threshold(model: Model, gpu: Gpu, task: Task, precision: str | None = None, **options: object) -> int | None:
    """The most a job of this kind may need per GPU for the estimator to say it fits this GPU as is: the
    runtime's limit on the GPU less its headroom margin, both read from one estimate on that GPU (they depend
    on the runtime and the GPU, not on the model); None where the runtime cannot run it there."""
    key = (gpu.id, task, precision, *sorted(options.items()))
    if key not in _THRESHOLDS:
        try:
            result = estimate(Job(model=model, task=task, precision=precision, gpu=gpu, **options))
        except InvalidQuery:
            result = None
        if result is None or result.unsupported or result.headroom_bytes is None or result.margin_bytes is None:
            _THRESHOLDS[key] = None
        else:
            _THRESHOLDS[key] = result.per_gpu_bytes + result.headroom_bytes - result.margin_bytes
    return _THRESHOLDS[key]


def fits(model: Model, gpu: Gpu, task: Task, precision: str | None = None) -> bool:
    """Whether the job fits the GPU as asked (``Estimate.fits``: with the runtime's headroom margin free).

    Read from the GPU-less estimate and the GPU's :func:`threshold`, so that a table of every model on every
    GPU asks the estimator once per model and once per GPU; ``tests/site`` checks it against
    ``estimate(job).fits``.
    """
    key = (model.id, task, precision)
    if key not in _NEEDS:
        result = job_estimate(model, task, precision)
        _NEEDS[key] = None if result is None else result.per_gpu_bytes
    needed = _NEEDS[key]
    limit = threshold(model, gpu, task, precision) if needed is not None else None
    return needed is not None and limit is not None and needed <= limit


def tokens_per_s(model: Model, gpu: Gpu, precision: str) -> float | None:
    """Expected decode tokens/s where the model fits the GPU at that precision, else None."""
    if not fits(model, gpu, "inference", precision):
        return None
    result = on_gpu(model, gpu, "inference", precision)
    return None if result is None else result.tokens_per_s


def verdict(model: Model, gpu: Gpu, task: Task) -> Verdict:
    """The full verdict (with the cheapest change) of a task at its defaults on one GPU."""
    key = (model.id, gpu.id, task)
    if key not in _VERDICTS:
        try:
            fit = assess(Job(model=model, task=task, gpu=gpu))
            _VERDICTS[key] = Verdict(kind=fit.verdict, fit=fit)
        except InvalidQuery:
            _VERDICTS[key] = Verdict(kind="no", fit=None)
    return _VERDICTS[key]


def all_verdicts(catalog: Catalog) -> dict[tuple[str, str, str], Verdict]:
    """Every verdict the site shows (each model, on each common machine, for each task of the matrix)."""
    return {
        (model.id, gpu.id, task): verdict(model, gpu, task)
        for model in catalog.models
        for gpu in reference_gpus(catalog)
        for task in MATRIX_TASKS
    }


def preload_verdicts(found: dict[tuple[str, str, str], Verdict]) -> None:
    """Take verdicts computed in another process (:func:`all_verdicts`), so that they are not computed again."""
    _VERDICTS.update(found)


def memory_by_context(model: Model, precision: str) -> tuple[tuple[int, float], ...]:
    """(context tokens, total GiB) for inference, from 512 tokens by powers of two to the model's maximum."""
    maximum = model.architecture.max_context_tokens
    contexts = [c for c in (2**e for e in range(9, 24)) if c < maximum] + [maximum]
    points = []
    for context in contexts:
        result = job_estimate(model, "inference", precision, context_tokens=context)
        if result is not None:
            points.append((context, result.total_gib))
    return tuple(points)


def kv_per_tokens(model: Model, kv_precision: str) -> float | None:
    """GiB of KV cache per :data:`KV_PER_TOKENS` tokens of one sequence, at a KV-cache precision."""
    tokens = min(KV_PER_TOKENS, model.architecture.max_context_tokens)
    result = job_estimate(model, "inference", "fp16", context_tokens=tokens, kv_precision=kv_precision)
    if result is None:
        return None
    return result.memory.kv_cache_bytes / 2**30 * KV_PER_TOKENS / tokens
