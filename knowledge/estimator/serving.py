"""Serving with vLLM or SGLang: how many sequences of a given context fit at once, and the throughput then.

vLLM (shared/reference/runtimes.md §2; ``vllm/v1/worker/gpu_worker.py``, ``determine_available_memory``):
the instance may use ``gpu_memory_utilization`` (0.9 by default up to v0.20) of the GPU's total memory; the
KV cache gets what is left after the weights, the peak of a dummy forward pass over
``max_num_batched_tokens`` tokens (2,048 for the API server; 8,192 on GPUs of 70 GiB or more other than the
A100), non-torch memory (the CUDA context) and the CUDA graphs. The cache is cut into blocks of 16 tokens;
a sequence of L tokens takes ceil(L / 16) blocks, so ``blocks // ceil(L / 16)`` sequences fit at once
(vLLM logs this as "Maximum concurrency for L tokens per request").

SGLang (§3; ``server_args.py``): ``mem_fraction_static`` = (GPU memory - reserved) / GPU memory with
reserved = 512 MiB + 1.5 x max(chunked_prefill_size, 2048) MiB + 2 x cuda_graph_max_bs MiB
+ 1,024 MiB x tp x pp / 8, at least 10 GiB on GPUs over 60 GiB; weights and the KV pool share that fraction.

Throughput at that concurrency: one decode step reads the weights once and every sequence's KV cache (each
taken at the full context, the worst case), or is bound by compute (2 x active parameters FLOPs per token),
whichever is slower; tensor parallelism pays its all-reduces (``knowledge.estimator.layout``).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict

from knowledge.estimator import layout as lay
from knowledge.estimator import memory as mem
from knowledge.estimator.estimate import resolve_job
from knowledge.estimator.job import Job
from knowledge.estimator.precision import kv_bytes_per_element, weight_bytes
from knowledge.estimator.runtimes import profile

Engine = Literal["vllm", "sglang"]
VLLM_UTILIZATION = 0.9  # gpu_memory_utilization default up to v0.20 (0.92 from v0.21, vllm #38284)
BLOCK_TOKENS = 16  # vLLM's KV block size
VLLM_MAX_SEQS = (256, 1024)  # max_num_seqs: default, and on GPUs of 70 GiB or more (arg_utils.get_batch_defaults)
LARGE_GPU_GIB = 70
MIB = 2**20


class Serving(BaseModel):
    """How a model is served on ``gpus`` GPUs at one context length."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    engine: Engine
    context_tokens: int
    memory_fraction: float  # gpu_memory_utilization (vLLM) or mem_fraction_static (SGLang)
    weights_bytes: int  # per GPU
    activation_bytes: int  # per GPU: the profiling forward pass (vLLM) or the reserve (SGLang)
    overhead_bytes: int  # per GPU: CUDA context and graphs (vLLM); included in the reserve for SGLang
    kv_bytes: int  # per GPU: the KV cache pool
    kv_bytes_per_token: float  # per GPU
    kv_tokens: int  # tokens the pool holds (whole blocks)
    sequences: int  # sequences of context_tokens that fit at once (capped by max_num_seqs for vLLM)
    tokens_per_s: float  # decode throughput, all sequences together
    bound: Literal["memory_bandwidth", "compute"]


def _sglang_reserved(gpu_gib: float, gpus: int) -> int:
    """SGLang's default reserve (#10975): chunked prefill by GPU size, CUDA graphs up to batch 24 (assumed)."""
    chunk = 2048 if gpu_gib < 35 else 8192 if gpu_gib < 160 else 16384
    reserved_mib = 512 + 1.5 * max(chunk, 2048) + 2 * 24 + 1024 * gpus / 8
    if gpu_gib > 60:
        reserved_mib = max(reserved_mib, 10 * 1024)
    return int(reserved_mib * MIB)


def serve(job: Job, engine: Engine = "vllm", utilization: float = VLLM_UTILIZATION) -> Serving:
    """Concurrent sequences and throughput for ``job`` (its model, precision, context and GPUs) on an engine."""
    resolved, precision = resolve_job(job.model_copy(update={"runtime": "vllm", "batch": 1}))
    gpu = resolved.gpu
    assert gpu is not None and resolved.context_tokens is not None and resolved.kv_precision is not None
    arch = resolved.model.architecture
    n = resolved.gpus
    layout = lay.inference_layout(arch, "vllm", n)
    total = int(gpu.memory_gib * mem.GIB)
    weights = weight_bytes(arch, precision) // n
    context = resolved.context_tokens
    kv_token = (
        arch.kv_elements_per_token(context) / context
        * kv_bytes_per_element(resolved.kv_precision)
        * lay.kv_share(arch, layout)
    )
    if engine == "vllm":
        large = gpu.memory_gib >= LARGE_GPU_GIB and not gpu.id.startswith("a100")
        batched = 8192 if large else 2048
        activations = mem.inference_activation_bytes(arch, batched, 1, flash_attention=True) // layout.tensor
        vllm = profile("vllm")
        graphs = vllm.inference.cuda_graphs_gib if vllm.inference is not None else 0.0
        overhead = int((vllm.cuda_context_gib + graphs) * mem.GIB)
        fraction = utilization
        pool = int(utilization * total) - weights - activations - overhead
        max_seqs = VLLM_MAX_SEQS[1] if large else VLLM_MAX_SEQS[0]
    else:
        reserved = _sglang_reserved(gpu.memory_gib, n)
        fraction = (total - reserved) / total
        activations, overhead = reserved, 0
        pool = total - reserved - weights
        max_seqs = 10**9  # SGLang sizes max_running_requests from the pool
    pool = max(pool, 0)
    blocks = int(pool // (BLOCK_TOKENS * kv_token))
    sequences = min(blocks // math.ceil(context / BLOCK_TOKENS), max_seqs)
    active = arch.active_params()
    batch = max(sequences, 1)
    read = weights * active / arch.total_params() + batch * context * kv_token
    speed = profile(engine).speed  # the engine's own efficiencies (knowledge/data/runtimes.yaml)
    memory_seconds = layout.pipeline * read / (speed.decode_efficiency * gpu.memory_bandwidth_gb_s * 1e9)
    compute_seconds = 2 * active * batch / (speed.prefill_efficiency * gpu.fp16_tensor_tflops * 1e12 * layout.tensor)
    step = max(memory_seconds, compute_seconds) + lay.communication_seconds(arch, layout, gpu, batch)
    return Serving(
        engine=engine,
        context_tokens=context,
        memory_fraction=round(fraction, 3),
        weights_bytes=weights,
        activation_bytes=activations,
        overhead_bytes=overhead,
        kv_bytes=pool,
        kv_bytes_per_token=kv_token,
        kv_tokens=blocks * BLOCK_TOKENS,
        sequences=sequences,
        tokens_per_s=round(sequences / step, 1) if sequences else 0.0,
        bound="compute" if compute_seconds > memory_seconds else "memory_bandwidth",
    )
