"""Headroom: what a job may use on each GPU under its runtime, what it leaves free, and what the GPU cannot run.

A plain "yes" needs the runtime's margin free (knowledge/data/runtimes.yaml, ``headroom``); vLLM and SGLang
pre-allocate their share of the card and the job must fit inside it. A format the GPU has no kernels for, or a
runtime that does not run on its backend, never fits. Cards without bf16 or FlashAttention 2 get a note saying
what runs instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.estimator import memory as mem
from knowledge.estimator.job import TRAINING_TASKS, Assumption, Job, Memory
from knowledge.estimator.precision import Precision
from knowledge.estimator.runtimes import (
    Profile,
    backend,
    has_bf16,
    has_flash_attention_2,
    margin_bytes,
    short_name,
    unsupported,
)


def _assume(key: str, **fields: str | int | float) -> Assumption:
    return Assumption(key=key, fields=fields)


@dataclass(frozen=True)
class Room:
    """A job's place on its GPU: None everywhere when no GPU was given."""

    fits: bool | None = None
    headroom: int | None = None  # bytes left within the runtime's limit (negative: missing)
    margin: int | None = None  # bytes the runtime wants free for a plain "yes"
    reserved: int | None = None  # what the runtime takes regardless (vLLM, SGLang)
    unsupported: str | None = None  # why it cannot run there (a reason key)
    notes: list[Assumption] = field(default_factory=list)


def _limit(job: Job, share: Memory, usable: int, rules: Profile, notes: list[Assumption]) -> tuple[int, int | None]:
    """The memory a job may use on each GPU under its runtime, and what the runtime takes regardless.

    vLLM takes gpu_memory_utilization of the card and fills what is left with KV blocks; SGLang keeps
    mem_fraction_static for weights and the KV pool and reserves the rest for activations and graphs."""
    rules_inference = rules.inference
    if job.task in TRAINING_TASKS or rules_inference is None or rules_inference.preallocate == "none":
        return usable, None
    if rules_inference.preallocate == "utilization":
        share_used = rules_inference.utilization or 0.9
        reserved = int(share_used * usable)
        notes.append(_assume("assume.vllm", reserved_gib=round(reserved / mem.GIB, 1), share=round(share_used * 100)))
        return reserved, reserved
    chunk = rules_inference.prefill_chunk_tokens or 2048
    reserved_mib = (rules_inference.reserved_base_mib or 0) + 1.5 * max(chunk, 2048)
    reserved_mib += 2 * (rules_inference.cuda_graph_max_bs or 0)
    static = int(usable - reserved_mib * 2**20)
    notes.append(_assume("assume.sglang", static_gib=round(static / mem.GIB, 1), share=round(100 * static / usable)))
    dynamic = share.activations_bytes + share.overhead_bytes
    if dynamic > usable - static:  # activations beyond the reserve eat into the static pool
        static = usable - dynamic
    return static + dynamic, static


def on_gpu(job: Job, share: Memory, precision: Precision, rules: Profile) -> Room:
    """Whether each GPU's ``share`` fits ``job.gpu`` under the runtime, with the headroom and margin."""
    gpu = job.gpu
    if gpu is None:
        return Room()
    notes: list[Assumption] = []
    usable = gpu.usable_memory_bytes
    if gpu.gpu_memory_share < 1:
        notes.append(_assume("assume.unified", share=round(gpu.gpu_memory_share * 100)))
    why_not = unsupported(rules.id, precision.id, precision.kind, gpu)
    limit, reserved = _limit(job, share, usable, rules, notes)
    headroom = limit - share.total_bytes
    margin = margin_bytes(rules.id, usable)
    if why_not is not None:
        notes.append(
            _assume(f"assume.cannot.{why_not}", runtime=rules.name, precision=precision.id, gpu=short_name(gpu))
        )
    elif margin:
        notes.append(_assume("assume.headroom", margin_gib=round(margin / mem.GIB, 2)))
    fits = why_not is None and headroom >= margin
    return Room(fits=fits, headroom=headroom, margin=margin, reserved=reserved, unsupported=why_not, notes=notes)


def capability_notes(job: Job) -> list[Assumption]:
    """What the GPU cannot do that changes the setup: no bf16 (fp16 instead), no FlashAttention 2."""
    gpu = job.gpu
    if gpu is None:
        return []
    pytorch = job.runtime not in ("llama.cpp", "mlx") and backend(gpu) in ("cuda", "rocm")
    if not pytorch:
        return []
    if not has_bf16(gpu):
        key = "assume.no_bf16_training" if job.task in TRAINING_TASKS else "assume.no_bf16"
        fa = "" if has_flash_attention_2(gpu) else "_no_fa2"
        return [_assume(key + fa, gpu=short_name(gpu))]
    if not has_flash_attention_2(gpu) and job.flash_attention:
        return [_assume("assume.no_fa2", gpu=short_name(gpu))]
    return []
