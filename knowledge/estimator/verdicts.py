"""Verdicts: does a job fit its GPU as asked, and if not, what is the cheapest change that makes it fit?

Changes are tried from the one that costs least (in quality or in convenience) to the one that costs most,
within the runtime asked for (its profile's ladder): llama.cpp 8-bit before 6-, 5- and 4-bit GGUF, a q8_0 KV
cache, then 4-bit with a shorter context, then 3- and 2-bit; vLLM and SGLang FP8, AWQ, GPTQ and an FP8 KV cache;
transformers 8- and 4-bit bitsandbytes. A step that leaves the runtime named in the question is kind
"runtime" and says so. Full training: activation checkpointing, then 8-bit optimizer states, then LoRA, then
QLoRA, then a shorter sequence (on ROCm and Intel GPUs, where bitsandbytes is younger, LoRA on shorter
sequences comes before QLoRA). Only what runs on the GPU is proposed. When the machine's RAM is known, offload
to it comes after 4-bit weights (llama.cpp layers, or an MoE's experts) and after 8-bit optimizer states
(DeepSpeed ZeRO-Offload) (``knowledge.estimator.offload``).

"Yes" needs the runtime's headroom margin left free; a job between the margin and full is "tight": the verdict
is with_changes, with the change that gives room when there is one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from knowledge.errors import InvalidQuery
from knowledge.estimator import layout as lay
from knowledge.estimator.catalog import Gpu
from knowledge.estimator.estimate import estimate, resolve_job
from knowledge.estimator.job import TRAINING_TASKS, Estimate, Job
from knowledge.estimator.offload import OffloadPlan, llama_cpp_offload, optimizer_offload
from knowledge.estimator.runtimes import backend, profile

Verdict = Literal["yes", "with_changes", "no"]  # fits as asked, fits with the change named, does not fit

ChangeKind = Literal[
    "precision", "kv", "checkpointing", "optimizer", "offload", "lora", "qlora", "context", "runtime"
]

INFERENCE_LADDER = profile("llama.cpp").ladder.inference + profile("llama.cpp").ladder.lossy
LOSSY = frozenset(profile("llama.cpp").ladder.lossy)  # below 4 bits quality drops noticeably
SHORTER_CONTEXTS = (2048, 1024, 512)
MAX_GPUS = 1024


class Change(BaseModel):
    """A change to a job, and the estimate once it is made."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    kind: ChangeKind
    job: Job
    estimate: Estimate
    offload: OffloadPlan | None = None  # kind "offload": what goes to system RAM


class Fit(BaseModel):
    """The verdict for a job on its GPU(s)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    verdict: Verdict
    estimate: Estimate  # the job as asked
    change: Change | None = None  # the cheapest change that fits (verdict with_changes)
    gpus_needed: int | None = None  # GPUs of this kind the job needs as asked (verdict no or with_changes)
    tight: bool = False  # it fits, but without the runtime's headroom margin (verdict with_changes)


def _inference_steps(
    runtime: str, current: str, kv: str | None, context: int, leave: bool
) -> Iterator[tuple[ChangeKind, dict[str, Any]]]:
    """A runtime's inference ladder: its precisions, its KV types, shorter contexts, then its lossy types."""
    ladder = profile(runtime).ladder
    good = list(ladder.inference)
    if current in good:
        good = good[good.index(current) + 1 :]
    lossy = [p for p in ladder.lossy if p != current]
    shorter = [tokens for tokens in SHORTER_CONTEXTS if tokens < context]
    base: dict[str, Any] = {"runtime": runtime}
    precision_kind: ChangeKind = "runtime" if leave else "precision"
    context_kind: ChangeKind = "runtime" if leave else "context"
    for precision in good:
        yield precision_kind, {**base, "precision": precision}
    floor = good[-1] if good else current
    for kv_type in ladder.kv:
        if kv_type != kv:
            yield "runtime" if leave else "kv", {**base, "precision": floor, "kv_precision": kv_type}
    # 4-bit with a shorter context is a smaller loss than 3- or 2-bit weights.
    for tokens in shorter:
        yield context_kind, {**base, "precision": floor, "context_tokens": tokens}
    for precision in lossy:
        yield precision_kind, {**base, "precision": precision}
    for tokens in shorter:
        for precision in lossy:
            yield context_kind, {**base, "precision": precision, "context_tokens": tokens}


def _candidates(job: Job) -> Iterator[tuple[ChangeKind, dict[str, Any]]]:
    resolved, _ = resolve_job(job)
    context = resolved.context_tokens or 0
    runtime = resolved.runtime or "transformers"
    named = job.runtime is not None  # a runtime the question named: its ladder first, leaving it only said
    if resolved.task == "inference":
        current = resolved.precision or ""
        if not named:  # no runtime named: GGUF on llama.cpp, which runs on every GPU
            yield from _inference_steps("llama.cpp", current, resolved.kv_precision, context, leave=False)
            if job.gpu is not None and backend(job.gpu) == "metal":
                yield from _inference_steps("mlx", current, None, context, leave=False)
            return
        yield from _inference_steps(runtime, current, resolved.kv_precision, context, leave=False)
        other = profile(runtime).ladder.leave_for
        if other is not None and other != runtime:
            yield from _inference_steps(other, current, None, context, leave=True)
        return
    cuda = job.gpu is None or backend(job.gpu) == "cuda"
    if resolved.task in ("full_finetune", "pretrain"):
        if not resolved.checkpointing:
            yield "checkpointing", {"checkpointing": True}
        if resolved.optimizer != "adamw_8bit" and cuda:
            yield "optimizer", {"checkpointing": True, "optimizer": "adamw_8bit"}
        yield "lora", {"task": "lora", "precision": None, "checkpointing": True, "optimizer": "adamw"}
    if resolved.task == "lora" and not resolved.checkpointing:
        yield "checkpointing", {"checkpointing": True}
    qlora: dict[str, Any] = {"task": "qlora", "precision": None, "checkpointing": True, "optimizer": "adamw"}
    if resolved.task in ("full_finetune", "pretrain", "lora") and cuda:
        yield "qlora", qlora
    if not named and cuda and resolved.runtime == "transformers":
        # No framework named: Unsloth's QLoRA (offloaded checkpoints, fused loss) before shorter sequences.
        yield "runtime", {**qlora, "runtime": "unsloth"}
    shorter = [tokens for tokens in SHORTER_CONTEXTS if tokens < context]
    if not cuda:  # ROCm, Intel, Apple: LoRA on shorter sequences before bitsandbytes' 4-bit
        for tokens in shorter:
            yield "context", {"task": "lora", "precision": None, "checkpointing": True, "context_tokens": tokens}
        if resolved.task != "qlora":
            yield "qlora", qlora
        if job.gpu is not None and backend(job.gpu) == "metal":
            yield "runtime", {**qlora, "runtime": "mlx", "precision": "mlx_4bit", "checkpointing": None}
    for tokens in shorter:
        yield "context", {**qlora, "context_tokens": tokens}
    if not named and cuda and resolved.runtime == "transformers":
        for tokens in shorter:
            yield "runtime", {**qlora, "runtime": "unsloth", "context_tokens": tokens}


@functools.lru_cache(maxsize=4096)
def gpus_needed(job: Job, gpu: Gpu, limit: int = MAX_GPUS) -> int | None:
    """The fewest GPUs of a kind that hold the job in a deployable layout (``knowledge.estimator.layout``), or None
    beyond ``limit``. Full training turns activation checkpointing on first unless it was turned off."""
    job = with_savers(job)
    resolved, _ = resolve_job(job)
    training = resolved.task in TRAINING_TASKS
    counts = list(lay.deployable_counts(job.model.architecture, resolved.runtime, training, limit))

    def fits(count: int) -> bool:
        return bool(estimate(job.model_copy(update={"gpu": gpu, "gpus": count})).fits)

    if not counts or not fits(counts[-1]):
        return None
    low, high = 0, len(counts) - 1
    while low < high:
        middle = (low + high) // 2
        if fits(counts[middle]):
            high = middle
        else:
            low = middle + 1
    return counts[low]


def with_savers(job: Job) -> Job:
    """The job with the memory savers an expert turns on before adding GPUs: activation checkpointing for
    full training (unless the question turned it off)."""
    if job.task in ("full_finetune", "pretrain") and job.checkpointing is None:
        return job.model_copy(update={"checkpointing": True})
    return job


@functools.lru_cache(maxsize=4096)
def assess(job: Job, ram_bytes: int | None = None) -> Fit:
    """The verdict for ``job`` on ``job.gpu`` (x ``job.gpus``); raises InvalidQuery without a GPU.

    ``ram_bytes``: the machine's system RAM when the question says it; offload to RAM is tried only then."""
    if job.gpu is None:
        raise InvalidQuery("A verdict needs a GPU. Pass --gpu NAME.", key="error.no_gpu")
    as_asked = estimate(job)
    if as_asked.fits:
        return Fit(verdict="yes", estimate=as_asked)
    tight = as_asked.tight
    needed = gpus_needed(job, job.gpu)
    steps = _candidates(job) if ram_bytes is None else _with_offload(job, _candidates(job))
    for kind, update in steps:
        changed = job.model_copy(update=update)
        try:
            if kind == "offload":
                offloaded = _offload(changed, ram_bytes)
                if offloaded is None:
                    continue
                plan, result = offloaded
                change = Change(kind=kind, job=result.job, estimate=result, offload=plan)
                return Fit(verdict="with_changes", estimate=as_asked, change=change, gpus_needed=needed, tight=tight)
            result = estimate(changed)
        except InvalidQuery:
            continue
        if result.fits:
            return Fit(
                verdict="with_changes",
                estimate=as_asked,
                change=Change(kind=kind, job=changed, estimate=result),
                gpus_needed=needed,
                tight=tight,
            )
    if tight:  # it fits without the margin and nothing gives room: still not a plain "yes"
        return Fit(verdict="with_changes", estimate=as_asked, gpus_needed=needed, tight=True)
    return Fit(verdict="no", estimate=as_asked, gpus_needed=needed)


def _with_offload(
    job: Job, steps: Iterator[tuple[ChangeKind, dict[str, Any]]]
) -> Iterator[tuple[ChangeKind, dict[str, Any]]]:
    """The ladder with offload to system RAM put where it costs least: for inference after the 8- to 4-bit
    weights and before a shorter context or 3- and 2-bit weights (llama.cpp, at the GGUF type asked or
    Q4_K_M; not when the question named another runtime); for full training after 8-bit optimizer states and
    before LoRA (DeepSpeed ZeRO-Offload)."""
    resolved, _ = resolve_job(job)
    inference = resolved.task == "inference"
    if inference and job.runtime not in (None, "llama.cpp"):
        yield from steps
        return
    if inference:
        current = resolved.precision or ""
        gguf = current if current in INFERENCE_LADDER else "q4_k_m"
        offload: dict[str, Any] = {"precision": gguf, "runtime": "llama.cpp"}
    else:
        offload = {"checkpointing": True}
    placed = resolved.task not in ("inference", "full_finetune", "pretrain")
    for kind, update in steps:
        costly = kind in ("context", "lora", "qlora", "runtime") or update.get("precision") in LOSSY
        if costly and not placed:
            placed = True
            yield "offload", offload
        yield kind, update
    if not placed:
        yield "offload", offload


def _offload(job: Job, ram_bytes: int | None) -> tuple[OffloadPlan, Estimate] | None:
    if ram_bytes is None:
        return None
    if job.task == "inference":
        return llama_cpp_offload(job, ram_bytes)
    return optimizer_offload(job, ram_bytes)


def max_context(job: Job) -> int | None:
    """The longest context (a multiple of 256 tokens, up to the model's maximum) that fits ``job.gpu``."""
    if job.gpu is None:
        raise InvalidQuery("The longest context that fits needs a GPU. Pass --gpu NAME.", key="error.no_gpu")
    maximum = job.model.architecture.max_context_tokens
    def fits(tokens: int) -> bool:
        return bool(estimate(job.model_copy(update={"context_tokens": tokens})).fits)
    if fits(maximum):
        return maximum
    low, high = 0, maximum // 256
    while low < high:
        middle = (low + high + 1) // 2
        if middle and fits(middle * 256):
            low = middle
        else:
            high = middle - 1
    return low * 256 or None
