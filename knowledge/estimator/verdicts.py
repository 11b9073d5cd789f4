"""Verdicts: does a job fit its GPU as asked, and if not, what is the cheapest change that makes it fit?

Changes are tried from the one that costs least (in quality or in convenience) to the one that costs most.
Inference: 8-bit before 6-, 5- and 4-bit weights, then 4-bit with a shorter context, then 3- and 2-bit.
Full training: activation checkpointing, then 8-bit optimizer states, then LoRA, then QLoRA, then a shorter
sequence.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from knowledge.errors import InvalidQuery
from knowledge.estimator.catalog import Gpu
from knowledge.estimator.estimate import estimate, resolve_job
from knowledge.estimator.job import Estimate, Job

Verdict = Literal["yes", "with_changes", "no"]  # fits as asked, fits with the change named, does not fit

ChangeKind = Literal["precision", "checkpointing", "optimizer", "lora", "qlora", "context"]

INFERENCE_LADDER = ("q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k")
LOSSY = frozenset({"q3_k_m", "q2_k"})  # below 4 bits quality drops noticeably
SHORTER_CONTEXTS = (2048, 1024, 512)
MAX_GPUS = 1024


class Change(BaseModel):
    """A change to a job, and the estimate once it is made."""

    model_config = ConfigDict(frozen=True)

    kind: ChangeKind
    job: Job
    estimate: Estimate


class Fit(BaseModel):
    """The verdict for a job on its GPU(s)."""

    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    estimate: Estimate  # the job as asked
    change: Change | None = None  # the cheapest change that fits (verdict with_changes)
    gpus_needed: int | None = None  # GPUs of this kind the job needs as asked (verdict no or with_changes)


def _candidates(job: Job) -> Iterator[tuple[ChangeKind, dict[str, Any]]]:
    resolved, _ = resolve_job(job)
    context = resolved.context_tokens or 0
    if resolved.task == "inference":
        current = resolved.precision
        ladder: tuple[str, ...] = INFERENCE_LADDER
        if current in ladder:
            ladder = ladder[ladder.index(current) + 1 :]
        shorter = [tokens for tokens in SHORTER_CONTEXTS if tokens < context]
        # Down to 4-bit at the context asked; then 4-bit with a shorter context (a smaller loss than 3- or
        # 2-bit weights); then 3- and 2-bit, at the context asked and then shorter.
        good = [p for p in ladder if p not in LOSSY]
        lossy = [p for p in ladder if p in LOSSY]
        for precision in good:
            yield "precision", {"precision": precision, "runtime": "llama.cpp"}
        floor = good[-1] if good else None
        for tokens in shorter if floor else ():
            yield "context", {"precision": floor, "runtime": "llama.cpp", "context_tokens": tokens}
        for precision in lossy:
            yield "precision", {"precision": precision, "runtime": "llama.cpp"}
        for tokens in shorter:
            for precision in lossy:
                yield "context", {"precision": precision, "runtime": "llama.cpp", "context_tokens": tokens}
        return
    if resolved.task in ("full_finetune", "pretrain"):
        if not resolved.checkpointing:
            yield "checkpointing", {"checkpointing": True}
        if resolved.optimizer != "adamw_8bit":
            yield "optimizer", {"checkpointing": True, "optimizer": "adamw_8bit"}
        yield "lora", {"task": "lora", "precision": None, "checkpointing": True, "optimizer": "adamw"}
    if resolved.task in ("full_finetune", "pretrain", "lora"):
        if resolved.task == "lora" and not resolved.checkpointing:
            yield "checkpointing", {"checkpointing": True}
        yield "qlora", {"task": "qlora", "precision": None, "checkpointing": True, "optimizer": "adamw"}
    for tokens in SHORTER_CONTEXTS:
        if tokens < context:
            yield "context", {
                "task": "qlora",
                "precision": None,
                "checkpointing": True,
                "optimizer": "adamw",
                "context_tokens": tokens,
            }


@functools.lru_cache(maxsize=4096)
def gpus_needed(job: Job, gpu: Gpu, limit: int = MAX_GPUS) -> int | None:
    """The fewest GPUs of a kind that hold the job split across them, or None beyond ``limit``."""
    low, high = 1, 1
    while True:
        if estimate(job.model_copy(update={"gpu": gpu, "gpus": high})).fits:
            break
        if high >= limit:
            return None
        low, high = high + 1, min(high * 2, limit)
    while low < high:
        middle = (low + high) // 2
        if estimate(job.model_copy(update={"gpu": gpu, "gpus": middle})).fits:
            high = middle
        else:
            low = middle + 1
    return high


@functools.lru_cache(maxsize=4096)
def assess(job: Job) -> Fit:
    """The verdict for ``job`` on ``job.gpu`` (x ``job.gpus``); raises InvalidQuery without a GPU."""
    if job.gpu is None:
        raise InvalidQuery("A verdict needs a GPU. Pass --gpu NAME.", key="error.no_gpu")
    as_asked = estimate(job)
    if as_asked.fits:
        return Fit(verdict="yes", estimate=as_asked)
    needed = gpus_needed(job, job.gpu)
    for kind, update in _candidates(job):
        changed = job.model_copy(update=update)
        try:
            result = estimate(changed)
        except InvalidQuery:
            continue
        if result.fits:
            return Fit(
                verdict="with_changes",
                estimate=as_asked,
                change=Change(kind=kind, job=changed, estimate=result),
                gpus_needed=needed,
            )
    return Fit(verdict="no", estimate=as_asked, gpus_needed=needed)


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
