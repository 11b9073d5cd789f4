"""The estimator: a :class:`~knowledge.estimator.job.Job` in, an :class:`~knowledge.estimator.job.Estimate` out.

Pure, no I/O.

Defaults (stated in every estimate's assumptions): inference at 4096 tokens of context (or the model's
maximum if smaller) and batch 1 in 16-bit; training at sequence 2048 and micro-batch 1, in bf16 mixed
precision with AdamW (16 bytes per parameter, the ZeRO paper's convention), LoRA rank 16 on every linear
layer, activation checkpointing on for LoRA and QLoRA, QLoRA on NF4 with double quantization.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from knowledge.errors import InvalidQuery
from knowledge.estimator import layout as lay
from knowledge.estimator import memory as mem
from knowledge.estimator.architecture import Architecture
from knowledge.estimator.catalog import Gpu, Provenance
from knowledge.estimator.job import TRAINING_TASKS, Assumption, Estimate, Job, Memory, Runtime
from knowledge.estimator.precision import (
    MIXED,
    Precision,
    kv_bytes_per_element,
    largest_matrix_params,
    resolve,
    weight_bytes,
)

DEFAULT_INFERENCE_CONTEXT = 4096
DEFAULT_TRAINING_CONTEXT = 2048
MAX_CONTEXT = 10_000_000
DECODE_EFFICIENCY = 0.65  # share of peak memory bandwidth reached when decoding (llm-analysis: up to 0.7)
PREFILL_EFFICIENCY = 0.5  # share of peak tensor FLOPS reached in prefill
TRAINING_MFU = 0.4  # model FLOPs utilisation of a well-tuned training run
PROCESS_RAM_BYTES = 2 * mem.GIB  # Python, PyTorch and CUDA libraries in host memory
TRAINABLE_FULL = ("fp32", "fp16", "bf16", MIXED)


def _assume(key: str, **fields: str | int | float) -> Assumption:
    return Assumption(key=key, fields=fields)


def _resolve_precision(job: Job) -> tuple[str, Precision]:
    """The precision id to report and the storage precision of the (frozen or trained) weights."""
    name = job.precision
    if job.task in ("full_finetune", "pretrain"):
        name = name or MIXED
        if name.strip().lower() == MIXED:
            return MIXED, resolve("bf16")
        precision = resolve(name)
        if precision.id not in TRAINABLE_FULL:
            raise InvalidQuery(
                f"Full training cannot use {precision.name} weights. Use --precision mixed, bf16, fp16 or "
                "fp32, or --task qlora to train adapters on a 4-bit model.",
                key="error.train_precision",
                precision=precision.name,
            )
        return precision.id, precision
    if job.task == "qlora":
        precision = resolve(name or "nf4_dq")
        if precision.kind not in ("bnb", "gptq"):
            raise InvalidQuery(
                f"QLoRA trains on a 4- or 8-bit base model, not {precision.name}. Use --precision nf4, "
                "nf4_dq, int8 or gptq, or --task lora for a 16-bit base.",
                key="error.qlora_precision",
                precision=precision.name,
            )
        return precision.id, precision
    if job.task == "lora":
        precision = resolve(name or "bf16")
        if precision.kind not in ("float",):
            raise InvalidQuery(
                f"LoRA keeps a 16-bit base model; {precision.name} is a quantized base. Use --task qlora.",
                key="error.lora_precision",
                precision=precision.name,
            )
        return precision.id, precision
    default = "q4_k_m" if job.runtime == "llama.cpp" else "fp16"
    precision = resolve(name or default)
    return precision.id, precision


def _resolve_runtime(job: Job, precision: Precision) -> Runtime:
    if job.runtime is None:
        return "llama.cpp" if precision.kind == "gguf" else "transformers"
    if precision.kind == "gguf" and job.runtime != "llama.cpp":
        raise InvalidQuery(
            f"{precision.name} is a GGUF format that only llama.cpp runs. Use --runtime llama.cpp or a "
            "precision such as fp16, int8, nf4 or gptq.",
            key="error.gguf_runtime",
            precision=precision.name,
        )
    if job.runtime == "llama.cpp" and precision.kind in ("bnb", "gptq", "fp8"):
        raise InvalidQuery(
            f"llama.cpp does not run {precision.name}. Use a GGUF type such as q4_k_m or q8_0, or fp16.",
            key="error.llama_cpp_precision",
            precision=precision.name,
        )
    if job.task in TRAINING_TASKS and job.runtime != "transformers":
        raise InvalidQuery(
            f"Training runs on PyTorch (transformers), not {job.runtime}. Drop --runtime.",
            key="error.train_runtime",
            runtime=job.runtime,
        )
    return job.runtime


def _resolve_context(job: Job, arch: Architecture) -> int:
    training = job.task in TRAINING_TASKS
    default = DEFAULT_TRAINING_CONTEXT if training else DEFAULT_INFERENCE_CONTEXT
    context = job.context_tokens if job.context_tokens is not None else min(default, arch.max_context_tokens)
    if context <= 0 or context > MAX_CONTEXT:
        raise InvalidQuery(
            f"Context must be between 1 and {arch.max_context_tokens} tokens for {job.model.name}; got {context}.",
            key="error.context_range",
            context=context,
            maximum=arch.max_context_tokens,
            model=job.model.name,
        )
    if context > arch.max_context_tokens:
        raise InvalidQuery(
            f"{job.model.name} reads at most {arch.max_context_tokens} tokens; got --context {context}. "
            f"Use --context {arch.max_context_tokens} or less.",
            key="error.context_max",
            context=context,
            maximum=arch.max_context_tokens,
            model=job.model.name,
        )
    return context


def _stored_file(job: Job) -> Provenance | None:
    """The GGUF file whose tensors are the weights, when the model was read from one."""
    provenance = job.model.provenance
    if provenance is None or provenance.weights_bytes is None or provenance.precision is None:
        return None
    return provenance


def _resolve_file(job: Job, stored: Provenance) -> tuple[str, Precision, Runtime]:
    """A GGUF file's weights are what it stores, run by llama.cpp, for inference."""
    assert stored.precision is not None  # checked by _stored_file
    precision = resolve(stored.precision)
    file_type = stored.file_type or precision.name
    if job.task in TRAINING_TASKS:
        raise InvalidQuery("GGUF models are for inference.", key="error.gguf_training")
    if job.precision is not None and resolve(job.precision).id != precision.id:
        raise InvalidQuery(
            f"{stored.reference} stores {file_type} weights; --precision {job.precision} does not apply to it. "
            "Drop --precision, or estimate another file.",
            key="error.file_precision",
            file=stored.reference,
            file_type=file_type,
            precision=job.precision,
        )
    if job.runtime not in (None, "llama.cpp"):
        raise InvalidQuery(
            f"{file_type} is a GGUF format that only llama.cpp runs. Use --runtime llama.cpp or a "
            "precision such as fp16, int8, nf4 or gptq.",
            key="error.gguf_runtime",
            precision=file_type,
        )
    return precision.id, precision, "llama.cpp"


def resolve_job(job: Job) -> tuple[Job, Precision]:
    """The job with every default filled in, and the storage precision of its weights."""
    stored = _stored_file(job)
    if stored is not None:
        precision_id, precision, runtime = _resolve_file(job, stored)
    else:
        precision_id, precision = _resolve_precision(job)
        runtime = _resolve_runtime(job, precision)
    if job.task in TRAINING_TASKS and precision.kind == "gguf":
        raise InvalidQuery("GGUF models are for inference.", key="error.gguf_training")
    context = _resolve_context(job, job.model.architecture)
    training = job.task in TRAINING_TASKS
    checkpointing = job.checkpointing if job.checkpointing is not None else job.task in ("lora", "qlora")
    kv_default = {"fp32": "fp32", "bf16": "bf16"}.get(precision.id, "fp16")  # the activations' dtype
    kv_precision = job.kv_precision or kv_default
    kv_bytes_per_element(kv_precision)  # validates the name
    zero = job.zero_stage if job.zero_stage is not None else (3 if training and job.gpus > 1 else 0)
    resolved = job.model_copy(
        update={
            "precision": precision_id,
            "runtime": runtime,
            "context_tokens": context,
            "checkpointing": checkpointing if training else None,
            "kv_precision": None if training else kv_precision,
            "zero_stage": zero if training else None,
        }
    )
    return resolved, precision


def _state_bytes(precision_id: str) -> tuple[int, int, int]:
    """Bytes per trained parameter of (weights, gradients, optimizer state element, master copy)."""
    if precision_id == MIXED:
        return 2, 2, 4  # bf16 weights and gradients; fp32 master copy and fp32 optimizer states
    if precision_id == "fp32":
        return 4, 4, 4
    return 2, 2, 2  # pure 16-bit training keeps the optimizer states in 16-bit too


def _inference_memory(job: Job, precision: Precision) -> tuple[Memory, list[Assumption]]:
    arch = job.model.architecture
    assert job.context_tokens is not None and job.kv_precision is not None  # resolved
    stored = _stored_file(job)
    weights = stored.weights_bytes if stored is not None and stored.weights_bytes else weight_bytes(arch, precision)
    kv = mem.kv_cache_bytes(arch, job.context_tokens, job.batch, kv_bytes_per_element(job.kv_precision))
    notes = [
        _assume("assume.inference", context=job.context_tokens, batch=job.batch, precision=precision.id),
        _assume("assume.kv", kv_precision=job.kv_precision),
    ]
    if job.runtime == "llama.cpp":
        activations = mem.llama_cpp_compute_bytes(
            arch, job.context_tokens, flash_attention=job.flash_attention
        )
        overhead = mem.CUDA_CONTEXT_BYTES
        notes.append(_assume("assume.llama_cpp", ubatch=mem.LLAMA_CPP_UBATCH))
    else:
        tokens = job.context_tokens if job.runtime == "transformers" else min(
            job.context_tokens, mem.VLLM_CHUNK_TOKENS
        )
        activations = mem.inference_activation_bytes(
            arch, tokens, job.batch, flash_attention=job.flash_attention
        )
        if precision.kind in ("bnb", "gptq"):
            activations += largest_matrix_params(arch) * mem.HALF  # one layer dequantized at a time
        overhead = mem.CUDA_CONTEXT_BYTES + int(mem.ALLOCATOR_RESERVE * (weights + kv + activations))
        if job.runtime == "vllm":
            overhead += mem.VLLM_CUDA_GRAPHS_BYTES
        notes.append(_assume("assume.prefill", tokens=tokens))
    notes.append(_assume("assume.flash_on" if job.flash_attention else "assume.flash_off"))
    memory = Memory(
        weights_bytes=weights,
        kv_cache_bytes=kv,
        activations_bytes=activations,
        gradients_bytes=0,
        optimizer_bytes=0,
        overhead_bytes=overhead,
    )
    return memory, notes


def _training_memory(job: Job, precision: Precision) -> tuple[Memory, list[Assumption]]:
    arch = job.model.architecture
    assert job.context_tokens is not None and job.precision is not None  # resolved
    params = arch.total_params()
    activations = mem.training_activation_bytes(
        arch,
        job.context_tokens,
        job.batch,
        checkpointing=bool(job.checkpointing),
        flash_attention=job.flash_attention,
        chunked_loss=job.chunked_loss,
    )
    notes = [_assume("assume.training", seq=job.context_tokens, batch=job.batch)]
    if job.task in ("lora", "qlora"):
        trained = mem.lora_params(arch, job.lora_rank)
        weights = weight_bytes(arch, precision) + 4 * trained  # frozen base + fp32 adapters
        gradients = 4 * trained
        optimizer = int(
            trained * mem.optimizer_bytes_per_param(job.optimizer, state_bytes=4, hidden_size=arch.hidden_size)
        )
        if job.task == "qlora":
            activations += largest_matrix_params(arch) * mem.HALF  # dequantized weight of the running layer
        notes.append(
            _assume("assume.lora", rank=job.lora_rank, trained_m=round(trained / 1e6, 1), base=precision.id)
        )
    else:
        w, g, s = _state_bytes(job.precision)
        master = 4 if job.precision == MIXED else 0
        per_param = mem.optimizer_bytes_per_param(job.optimizer, state_bytes=s, hidden_size=arch.hidden_size)
        weights = w * params
        gradients = g * params
        optimizer = int((master + per_param) * params)
        notes.append(
            _assume(
                "assume.mixed" if job.precision == MIXED else "assume.pure",
                bytes_per_param=round(w + g + master + per_param, 1),
                optimizer=job.optimizer,
                precision=precision.name,
            )
        )
    notes.append(_assume("assume.checkpointing_on" if job.checkpointing else "assume.checkpointing_off"))
    notes.append(_assume("assume.flash_on" if job.flash_attention else "assume.flash_off"))
    notes.append(_assume("assume.loss_chunked" if job.chunked_loss else "assume.loss_full", chunks=mem.LOSS_CHUNKS))
    overhead = mem.CUDA_CONTEXT_BYTES + int(mem.ALLOCATOR_RESERVE * (weights + gradients + optimizer + activations))
    memory = Memory(
        weights_bytes=weights,
        kv_cache_bytes=0,
        activations_bytes=activations,
        gradients_bytes=gradients,
        optimizer_bytes=optimizer,
        overhead_bytes=overhead,
    )
    return memory, notes


def _per_gpu(job: Job, memory: Memory) -> Memory:
    """What each of ``job.gpus`` GPUs holds when the job is split across them."""
    n = job.gpus
    if n == 1:
        return memory
    arch = job.model.architecture
    if job.task in TRAINING_TASKS:
        stage = job.zero_stage or 0
        weights = memory.weights_bytes // n if stage >= 3 else memory.weights_bytes
        gradients = memory.gradients_bytes // n if stage >= 2 else memory.gradients_bytes
        optimizer = memory.optimizer_bytes // n if stage >= 1 else memory.optimizer_bytes
        activations = memory.activations_bytes  # each GPU runs its own micro-batch
        kv = 0
    else:
        layout = lay.inference_layout(arch, job.runtime, n)
        weights = memory.weights_bytes // n
        kv = int(memory.kv_cache_bytes * lay.kv_share(arch, layout))
        # llama.cpp gives every GPU its own compute buffer; tensor parallelism splits the activations.
        split = 1 if job.runtime in lay.LAYER_SPLIT_RUNTIMES else layout.tensor
        activations = memory.activations_bytes // split
        gradients = optimizer = 0
    overhead = mem.CUDA_CONTEXT_BYTES + int(
        mem.ALLOCATOR_RESERVE * (weights + kv + activations + gradients + optimizer)
    ) if job.runtime != "llama.cpp" else memory.overhead_bytes
    return Memory(
        weights_bytes=weights,
        kv_cache_bytes=kv,
        activations_bytes=activations,
        gradients_bytes=gradients,
        optimizer_bytes=optimizer,
        overhead_bytes=overhead,
    )


def _times(share: Memory, n: int) -> Memory:
    """The whole job: every GPU's share added up (replicated parts count once per GPU)."""
    return Memory(
        weights_bytes=share.weights_bytes * n,
        kv_cache_bytes=share.kv_cache_bytes * n,
        activations_bytes=share.activations_bytes * n,
        gradients_bytes=share.gradients_bytes * n,
        optimizer_bytes=share.optimizer_bytes * n,
        overhead_bytes=share.overhead_bytes * n,
    )


def _speed(job: Job, memory: Memory, notes: list[Assumption]) -> dict[str, Any]:
    gpu = job.gpu
    if gpu is None:
        return {}
    if job.gpus > 1 and job.task not in TRAINING_TASKS:
        return _layout_speed(job, gpu, memory, notes, DECODE_EFFICIENCY, PREFILL_EFFICIENCY)
    arch = job.model.architecture
    active = arch.active_params()
    total = arch.total_params()
    if job.task in TRAINING_TASKS:
        if job.training_tokens is None:
            return {}
        factor = 6 if job.task in ("full_finetune", "pretrain") else 4
        if job.checkpointing:
            factor += 2
        flops = factor * active * job.training_tokens
        seconds = flops / (TRAINING_MFU * gpu.fp16_tensor_tflops * 1e12 * job.gpus)
        notes.append(_assume("assume.training_time", factor=factor, mfu=round(TRAINING_MFU * 100)))
        return {"training_hours": round(seconds / 3600, 2), "bound": "compute"}
    read_per_token = memory.weights_bytes * active / total + memory.kv_cache_bytes / job.batch
    bandwidth = gpu.memory_bandwidth_gb_s * 1e9 * job.gpus
    decode = DECODE_EFFICIENCY * bandwidth / read_per_token * job.batch
    prefill = PREFILL_EFFICIENCY * gpu.fp16_tensor_tflops * 1e12 * job.gpus / (2 * active)
    notes.append(_assume("assume.speed", efficiency=round(DECODE_EFFICIENCY * 100)))
    return {
        "tokens_per_s": round(decode, 1),
        "prefill_tokens_per_s": round(prefill, 0),
        "bound": "memory_bandwidth",
    }


def _layout_speed(
    job: Job, gpu: Gpu, share: Memory, notes: list[Assumption], decode_efficiency: float, prefill_efficiency: float
) -> dict[str, Any]:
    """Inference on several GPUs (``knowledge.estimator.layout``): each pipeline stage reads its GPUs' share of
    the active weights and the batch's KV cache in turn, plus the all-reduces and hand-overs; prefill gains
    from tensor parallelism only."""
    arch = job.model.architecture
    active = arch.active_params()
    read_per_step = share.weights_bytes * active / arch.total_params() + share.kv_cache_bytes
    layout = lay.inference_layout(arch, job.runtime, job.gpus)
    decode = lay.decode_tokens_per_s(read_per_step, layout, arch, gpu, job.batch, decode_efficiency)
    prefill = prefill_efficiency * gpu.fp16_tensor_tflops * 1e12 * layout.tensor / (2 * active)
    fabric = lay.link(gpu)
    notes.append(_assume("assume.speed", efficiency=round(decode_efficiency * 100)))
    notes.append(
        _assume(f"assume.link_{fabric.kind}", gb_s=round(fabric.gb_s), latency_us=round(fabric.allreduce_latency_us))
    )
    return {
        "tokens_per_s": round(decode, 1),
        "prefill_tokens_per_s": round(prefill, 0),
        "bound": "memory_bandwidth",
    }


def _layout_assumption(job: Job) -> Assumption:
    n = job.gpus
    nodes = math.ceil(n / lay.node_size())
    if job.task in TRAINING_TASKS:
        return _assume("assume.zero", gpus=n, stage=job.zero_stage or 0, nodes=nodes)
    layout = lay.inference_layout(job.model.architecture, job.runtime, n)
    if job.runtime in lay.LAYER_SPLIT_RUNTIMES:
        return _assume("assume.layer_split", gpus=n)
    if layout.pipeline == 1:
        return _assume("assume.tensor_parallel", gpus=n)
    key = "assume.tensor_pipeline" if layout.nodes > 1 else "assume.tensor_pipeline_one_node"
    return _assume(key, gpus=n, nodes=layout.nodes, tensor=layout.tensor, pipeline=layout.pipeline)


def _ram_bytes(job: Job, memory: Memory, precision: Precision) -> int:
    """Host memory: the checkpoint passes through RAM when loading (16-bit shards, or the GGUF file that
    llama.cpp maps), plus the Python/PyTorch process."""
    arch = job.model.architecture
    gguf = precision.kind == "gguf" or _stored_file(job) is not None
    loaded = memory.weights_bytes if gguf else arch.total_params() * 2
    return loaded + PROCESS_RAM_BYTES


def _origin(job: Job) -> Assumption | None:
    """Where the figures come from when the model is not a catalog entry: the Hub, or a GGUF file's header."""
    provenance = job.model.provenance
    if provenance is None:
        return None
    computed_b = round(job.model.params / 1e9, 2)
    if provenance.kind == "gguf":
        return _assume(
            "assume.gguf_file",
            file=provenance.reference,
            file_type=provenance.file_type or "",
            tensors=provenance.tensors or 0,
            params_b=computed_b,
        )
    if provenance.params_counted is None:
        return _assume("assume.hub_config", repo=provenance.reference, params_b=computed_b)
    counted_b = round(provenance.params_counted / 1e9, 2)
    if abs(provenance.params_counted - job.model.params) <= 0.01 * provenance.params_counted:
        return _assume("assume.hub", repo=provenance.reference, params_b=counted_b)
    return _assume("assume.hub_differs", repo=provenance.reference, params_b=counted_b, computed_b=computed_b)


@functools.lru_cache(maxsize=16384)
def estimate(job: Job) -> Estimate:
    """Memory by component, per GPU, host RAM, whether it fits the GPU given, and speed.

    Cached: a Job is immutable and the estimate a pure function of it.
    """
    resolved, precision = resolve_job(job)
    if resolved.task in TRAINING_TASKS:
        memory, notes = _training_memory(resolved, precision)
    else:
        memory, notes = _inference_memory(resolved, precision)
    share = _per_gpu(resolved, memory)
    whole = memory if resolved.gpus == 1 else _times(share, resolved.gpus)
    if resolved.gpus > 1:
        notes.append(_layout_assumption(resolved))
    moe = resolved.model.architecture.moe
    if moe is not None and resolved.task not in TRAINING_TASKS:
        active_b = round(resolved.model.architecture.active_params() / 1e9, 1)
        notes.append(_assume("assume.moe", experts=moe.experts, active_b=active_b))
    reserved = None
    fits = None
    gpu = resolved.gpu
    if gpu is not None:
        usable = gpu.usable_memory_bytes
        if gpu.gpu_memory_share < 1:
            notes.append(_assume("assume.unified", share=round(gpu.gpu_memory_share * 100)))
        fits = share.total_bytes <= usable
        if resolved.runtime == "vllm":
            reserved = int(0.9 * usable)
            fits = share.total_bytes <= reserved
            notes.append(_assume("assume.vllm", reserved_gib=round(reserved / mem.GIB, 1)))
    notes.append(_assume("assume.overhead", overhead_gib=round(share.overhead_bytes / mem.GIB, 2)))
    origin = _origin(resolved)
    if origin is not None:
        notes.insert(0, origin)
    speed = _speed(resolved, share, notes)
    return Estimate(
        job=resolved,
        memory=whole,
        per_gpu_bytes=share.total_bytes,
        ram_bytes=_ram_bytes(resolved, memory, precision),
        reserved_per_gpu_bytes=reserved,
        fits=fits,
        assumptions=tuple(notes),
        **speed,
    )
