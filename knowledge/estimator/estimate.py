"""The estimator: a :class:`~knowledge.estimator.job.Job` in, an :class:`~knowledge.estimator.job.Estimate` out.

Pure, no I/O.

Defaults (stated in every estimate's assumptions): inference at 4096 tokens of context (or the model's
maximum if smaller) and batch 1 in 16-bit; training at sequence 2048 and micro-batch 1, in bf16 mixed
precision (fp16 with loss scaling on GPUs without bf16) with AdamW (16 bytes per parameter, the ZeRO paper's
convention), LoRA rank 16, QLoRA on NF4 with double quantization. What depends on the runtime (activations,
loss, checkpointing, overheads, pre-allocation, headroom) comes from its profile (knowledge/runtimes.py).
"""

from __future__ import annotations

import functools
import math
from typing import Any

from knowledge.errors import InvalidQuery
from knowledge.estimator import headroom
from knowledge.estimator import layout as lay
from knowledge.estimator import memory as mem
from knowledge.estimator.architecture import Architecture
from knowledge.estimator.catalog import Gpu, Provenance
from knowledge.estimator.job import TRAINING_TASKS, Assumption, Estimate, Job, Memory, Runtime
from knowledge.estimator.precision import (
    MIXED,
    MIXED_FP16,
    Precision,
    bits,
    kv_bytes_per_element,
    largest_matrix_params,
    resolve,
    weight_bytes,
)
from knowledge.estimator.runtimes import (
    Profile,
    has_bf16,
    profile,
)

DEFAULT_INFERENCE_CONTEXT = 4096
DEFAULT_TRAINING_CONTEXT = 2048
MAX_CONTEXT = 10_000_000
DECODE_EFFICIENCY = profile("transformers").speed.decode_efficiency  # the default runtime's (llm-analysis: <= 0.7)
PREFILL_EFFICIENCY = profile("transformers").speed.prefill_efficiency  # share of peak tensor FLOPS in prefill
TRAINING_MFU = profile("transformers").speed.training_mfu  # model FLOPs utilisation of a well-tuned run
PROCESS_RAM_BYTES = 2 * mem.GIB  # Python, PyTorch and CUDA libraries in host memory
TRAINABLE_FULL = ("fp32", "fp16", "bf16", MIXED, MIXED_FP16)
LORA_TARGETS = mem.LORA_MODULES
lora_targets = mem.lora_targets  # parses "all", "attention", "q,v" (re-exported for the CLI)


def _assume(key: str, **fields: str | int | float) -> Assumption:
    return Assumption(key=key, fields=fields)


def _no_bf16(job: Job) -> bool:
    return job.gpu is not None and job.gpu.id != "budget" and not has_bf16(job.gpu)


def _resolve_precision(job: Job) -> tuple[str, Precision]:
    """The precision id to report and the storage precision of the (frozen or trained) weights.

    On a GPU without bf16 (V100, T4, RTX 20) bf16 becomes fp16 and mixed precision is fp16 mixed precision
    with loss scaling (the same bytes per parameter)."""
    name = job.precision
    if job.task in ("full_finetune", "pretrain"):
        name = (name or MIXED).strip().lower()
        if name in (MIXED, MIXED_FP16):
            fp16 = name == MIXED_FP16 or _no_bf16(job)
            return (MIXED_FP16, resolve("fp16")) if fp16 else (MIXED, resolve("bf16"))
        precision = resolve(name)
        if precision.id == "bf16" and _no_bf16(job):
            precision = resolve("fp16")
        if precision.id not in TRAINABLE_FULL:
            raise InvalidQuery(
                f"Full training cannot use {precision.name} weights. Use --precision mixed, bf16, fp16 or "
                "fp32, or --task qlora to train adapters on a 4-bit model.",
                key="error.train_precision",
                precision=precision.name,
            )
        return precision.id, precision
    if job.task == "qlora":
        precision = resolve(name or ("mlx_4bit" if job.runtime == "mlx" else "nf4_dq"))
        if precision.kind not in ("bnb", "gptq", "mlx"):
            raise InvalidQuery(
                f"QLoRA trains on a 4- or 8-bit base model, not {precision.name}. Use --precision nf4, "
                "nf4_dq, int8 or gptq, or --task lora for a 16-bit base.",
                key="error.qlora_precision",
                precision=precision.name,
            )
        return precision.id, precision
    if job.task == "lora":
        precision = resolve(name or ("fp16" if _no_bf16(job) else "bf16"))
        if precision.kind not in ("float",):
            raise InvalidQuery(
                f"LoRA keeps a 16-bit base model; {precision.name} is a quantized base. Use --task qlora.",
                key="error.lora_precision",
                precision=precision.name,
            )
        return precision.id, precision
    default = {"llama.cpp": "q4_k_m", "mlx": "mlx_4bit"}.get(job.runtime or "", job.model.native_precision)
    precision = resolve(name or default)
    if precision.id == "bf16" and _no_bf16(job):
        precision = resolve("fp16")
    return precision.id, precision


def _resolve_runtime(job: Job, precision: Precision) -> Runtime:
    """The runtime asked for, or the default for the precision; refuses what the runtime does not do."""
    training = job.task in TRAINING_TASKS
    if job.runtime is None:
        default: Runtime = {"gguf": "llama.cpp", "mlx": "mlx"}.get(precision.kind, "transformers")  # type: ignore[assignment]  # runtime ids
        kv = job.kv_precision
        if kv is not None and kv not in profile(default).kv_types and not training:
            # A quantized KV cache (q8_0, q4_0) names the runtime that has one: llama.cpp, with GGUF weights.
            default = next((r for r in ("llama.cpp", "vllm") if kv in profile(r).kv_types), default)
        return default
    rules = profile(job.runtime)
    if job.task not in rules.tasks:
        trainers = ", ".join(p for p in ("transformers", "unsloth", "torchtune", "litgpt", "axolotl"))
        key = "error.train_runtime" if training else "error.infer_runtime"
        message = (
            f"{rules.name} does not train models. Use --runtime {trainers}."
            if training
            else f"{rules.name} is a training framework. Use --runtime transformers, llama.cpp, vllm, sglang or mlx."
        )
        raise InvalidQuery(message, key=key, runtime=rules.name)
    if precision.kind not in rules.precision_kinds:
        if precision.kind == "gguf":
            raise InvalidQuery(
                f"{precision.name} is a GGUF format that only llama.cpp runs. Use --runtime llama.cpp or a "
                "precision such as fp16, int8, nf4 or gptq.",
                key="error.gguf_runtime",
                precision=precision.name,
            )
        raise InvalidQuery(
            f"{rules.name} does not run {precision.name} weights. Use another --precision or --runtime.",
            key="error.runtime_precision",
            precision=precision.name,
            runtime=rules.name,
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
    rules = profile(runtime)
    adapters = job.task in ("lora", "qlora")
    checkpointing = job.checkpointing
    if checkpointing is None and rules.training is not None:
        checkpointing = rules.training.checkpointing_adapters if adapters else rules.training.checkpointing_full
    kv_default = {"fp32": "fp32", "bf16": "bf16"}.get(precision.id, "fp16")  # the activations' dtype
    kv_precision = job.kv_precision or kv_default
    kv_bytes_per_element(kv_precision)  # validates the name
    if not training and kv_precision not in rules.kv_types:
        raise InvalidQuery(
            f"{rules.name} does not keep a {kv_precision} KV cache. Use --kv-precision "
            f"{' or '.join(rules.kv_types)}.",
            key="error.runtime_kv",
            kv_precision=kv_precision,
            runtime=rules.name,
            choices=", ".join(rules.kv_types),
        )
    zero = job.zero_stage if job.zero_stage is not None else (3 if training and job.gpus > 1 else 0)
    targets = job.lora_targets
    if adapters and targets is None and rules.training is not None:
        targets = rules.training.lora_targets
    resolved = job.model_copy(
        update={
            "precision": precision_id,
            "runtime": runtime,
            "context_tokens": context,
            "checkpointing": bool(checkpointing) if training else None,
            "kv_precision": None if training else kv_precision,
            "zero_stage": zero if training else None,
            "lora_targets": lora_targets(targets) if adapters and targets is not None else None,
            "chunked_loss": job.chunked_loss if training else None,
        }
    )
    return resolved, precision


def _state_bytes(precision_id: str) -> tuple[int, int, int]:
    """Bytes per trained parameter of (weights, gradients, optimizer state element, master copy)."""
    if precision_id in (MIXED, MIXED_FP16):
        return 2, 2, 4  # 16-bit weights and gradients; fp32 master copy and fp32 optimizer states
    if precision_id == "fp32":
        return 4, 4, 4
    return 2, 2, 2  # pure 16-bit training keeps the optimizer states in 16-bit too


def _host_weights(job: Job, precision: Precision, rules: Profile) -> int:
    """Weights the runtime keeps in system RAM: llama.cpp keeps the input embedding on the CPU (it copies a
    tied embedding there, keeping the output head on the GPU)."""
    if rules.inference is None or not rules.inference.token_embd_on_cpu:
        return 0
    return int(job.model.architecture.embedding_params() * bits(precision.embedding) / 8)


def _inference_memory(job: Job, precision: Precision, rules: Profile) -> tuple[Memory, list[Assumption]]:
    arch = job.model.architecture
    inference = rules.inference
    assert job.context_tokens is not None and job.kv_precision is not None and inference is not None  # resolved
    stored = _stored_file(job)
    full = stored.weights_bytes if stored is not None and stored.weights_bytes else weight_bytes(arch, precision)
    weights = full - _host_weights(job, precision, rules)
    kv = mem.kv_cache_bytes(arch, job.context_tokens, job.batch, kv_bytes_per_element(job.kv_precision))
    notes = [
        _assume("assume.inference", context=job.context_tokens, batch=job.batch, precision=precision.id),
        _assume("assume.kv", kv_precision=job.kv_precision),
    ]
    fused = inference.awq_fused_cache_tokens if precision.id == "awq" else None
    if fused:
        # AutoAWQ's fused modules allocate a fixed cache at load and run eager attention on the prompt: 16-bit
        # scores, their fp32 copy and the fp32 softmax (10 bytes per head per token pair).
        prompt = min(job.context_tokens, fused)
        kv = mem.kv_cache_bytes(arch, fused, job.batch, mem.HALF)
        activations = mem.inference_activation_bytes(arch, prompt, job.batch, flash_attention=True)
        activations += job.batch * arch.attention_heads * prompt * prompt * (mem.HALF + 4 + 4)
        notes.append(_assume("assume.awq_fused", tokens=fused))
    elif inference.activations == "compute_buffer":
        ubatch = inference.ubatch_tokens or 512
        activations = mem.llama_cpp_compute_bytes(
            arch, job.context_tokens, flash_attention=job.flash_attention, ubatch_tokens=ubatch
        )
        notes.append(_assume("assume.llama_cpp", ubatch=ubatch))
    else:
        tokens = job.context_tokens
        if inference.activations == "chunked" and inference.prefill_chunk_tokens:
            tokens = min(tokens, inference.prefill_chunk_tokens)
        activations = mem.inference_activation_bytes(arch, tokens, job.batch, flash_attention=job.flash_attention)
        if inference.dequantize_layer and precision.kind in ("bnb", "gptq"):
            activations += largest_matrix_params(arch) * mem.HALF  # one layer dequantized at a time
        notes.append(_assume("assume.prefill", tokens=tokens))
    overhead = int(rules.cuda_context_gib * mem.GIB) + int(
        rules.allocator_reserve_share * (weights + kv + activations)
    )
    overhead += int(inference.cuda_graphs_gib * mem.GIB)
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


def _loss_bytes(job: Job, rules: Profile) -> int:
    """The logits and loss as the runtime computes them (or as --chunked-loss / --no-chunked-loss asks)."""
    assert rules.training is not None and job.context_tokens is not None
    kept, peak, chunks = rules.training.loss_kept_bytes, rules.training.loss_peak_bytes, rules.training.loss_chunks
    if job.chunked_loss is True and chunks == 1 and kept > 2:
        kept, peak, chunks = 0, mem.HALF + 4, mem.LOSS_CHUNKS  # torchtune-style chunked cross-entropy
    elif job.chunked_loss is False:
        kept, peak, chunks = mem.HALF + 4, 4, 1  # a plain fp32 loss
    return mem.loss_bytes(job.model.architecture, job.context_tokens, job.batch, kept=kept, peak=peak, chunks=chunks)


def _training_memory(job: Job, precision: Precision, rules: Profile) -> tuple[Memory, list[Assumption]]:
    arch = job.model.architecture
    training = rules.training
    assert job.context_tokens is not None and job.precision is not None and training is not None  # resolved
    params = arch.total_params()
    offload = bool(job.checkpointing) and training.checkpoint_offload
    activations = mem.training_activation_bytes(
        arch,
        job.context_tokens,
        job.batch,
        checkpointing=bool(job.checkpointing),
        flash_attention=job.flash_attention,
        loss=_loss_bytes(job, rules),
        offload_checkpoints=offload,
    )
    notes = [_assume("assume.training", seq=job.context_tokens, batch=job.batch)]
    if job.task in ("lora", "qlora"):
        targets = job.lora_targets or LORA_TARGETS
        trained = mem.lora_params(arch, job.lora_rank, targets)
        weights = weight_bytes(arch, precision) + 4 * trained  # frozen base + fp32 adapters
        if precision.kind == "bnb" and training.kbit_fp32_upcast:
            kept_16bit = arch.total_params() - arch.linear_layer_params()  # embeddings, head, norms
            weights += 2 * kept_16bit  # prepare_model_for_kbit_training casts them from 16-bit to fp32
            notes.append(_assume("assume.kbit_upcast", gib=round(2 * kept_16bit / mem.GIB, 2)))
        gradients = 4 * trained
        optimizer = int(
            trained * mem.optimizer_bytes_per_param(job.optimizer, state_bytes=4, hidden_size=arch.hidden_size)
        )
        if job.task == "qlora":
            activations += largest_matrix_params(arch) * mem.HALF  # dequantized weight of the running layer
        notes.append(
            _assume(
                "assume.lora",
                rank=job.lora_rank,
                trained_m=round(trained / 1e6, 1),
                base=precision.id,
                targets=",".join(targets),
            )
        )
    else:
        w, g, s = _state_bytes(job.precision)
        master = 4 if job.precision in (MIXED, MIXED_FP16) else 0
        per_param = mem.optimizer_bytes_per_param(job.optimizer, state_bytes=s, hidden_size=arch.hidden_size)
        weights = w * params
        gradients = g * params
        optimizer = int((master + per_param) * params)
        key = {MIXED: "assume.mixed", MIXED_FP16: "assume.mixed_fp16"}.get(job.precision, "assume.pure")
        notes.append(
            _assume(
                key,
                bytes_per_param=round(w + g + master + per_param, 1),
                optimizer=job.optimizer,
                precision=precision.id,
            )
        )
    if offload:
        notes.append(_assume("assume.checkpointing_offload"))
    else:
        notes.append(_assume("assume.checkpointing_on" if job.checkpointing else "assume.checkpointing_off"))
    notes.append(_assume("assume.flash_on" if job.flash_attention else "assume.flash_off"))
    notes.append(_assume("assume.loss", runtime=rules.name, mib=round(_loss_bytes(job, rules) / 2**20)))
    overhead = int(rules.cuda_context_gib * mem.GIB) + int(
        rules.allocator_reserve_share * (weights + gradients + optimizer + activations)
    )
    memory = Memory(
        weights_bytes=weights,
        kv_cache_bytes=0,
        activations_bytes=activations,
        gradients_bytes=gradients,
        optimizer_bytes=optimizer,
        overhead_bytes=overhead,
    )
    return memory, notes


def _per_gpu(job: Job, memory: Memory, rules: Profile) -> Memory:
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
        # A layer split gives every GPU its own compute buffer; tensor parallelism splits the activations.
        split = 1 if layout.split == "layer" else layout.tensor
        activations = memory.activations_bytes // split
        gradients = optimizer = 0
    overhead = int(rules.cuda_context_gib * mem.GIB) + int(
        rules.allocator_reserve_share * (weights + kv + activations + gradients + optimizer)
    )
    if rules.inference is not None and job.task not in TRAINING_TASKS:
        overhead += int(rules.inference.cuda_graphs_gib * mem.GIB)
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


def _speed(job: Job, memory: Memory, notes: list[Assumption], rules: Profile) -> dict[str, Any]:
    gpu = job.gpu
    if gpu is None:
        return {}
    if job.gpus > 1 and job.task not in TRAINING_TASKS:
        return _layout_speed(
            job, gpu, memory, notes, rules.speed.decode_efficiency, rules.speed.prefill_efficiency
        )
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
        mfu = rules.speed.training_mfu
        seconds = flops / (mfu * gpu.fp16_tensor_tflops * 1e12 * job.gpus)
        notes.append(_assume("assume.training_time", factor=factor, mfu=round(mfu * 100)))
        return {"training_hours": round(seconds / 3600, 2), "bound": "compute"}
    read_per_token = memory.weights_bytes * active / total + memory.kv_cache_bytes / job.batch
    bandwidth = gpu.memory_bandwidth_gb_s * 1e9 * job.gpus
    decode = rules.speed.decode_efficiency * bandwidth / read_per_token * job.batch
    prefill = rules.speed.prefill_efficiency * gpu.fp16_tensor_tflops * 1e12 * job.gpus / (2 * active)
    notes.append(_assume("assume.speed", efficiency=round(rules.speed.decode_efficiency * 100)))
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
    if lay.splits_layers(job.runtime):
        return _assume("assume.layer_split", gpus=n, runtime=profile(job.runtime).name)
    if layout.pipeline == 1:
        return _assume("assume.tensor_parallel", gpus=n)
    key = "assume.tensor_pipeline" if layout.nodes > 1 else "assume.tensor_pipeline_one_node"
    return _assume(key, gpus=n, nodes=layout.nodes, tensor=layout.tensor, pipeline=layout.pipeline)


def _ram_bytes(job: Job, memory: Memory, precision: Precision, rules: Profile) -> int:
    """Host memory: the checkpoint passes through RAM when loading (16-bit shards, the checkpoint as released
    (FP8, MXFP4) when run at its native precision, or the GGUF file that llama.cpp maps, its token embedding
    staying there), offloaded checkpoints, plus the process."""
    arch = job.model.architecture
    if precision.kind in ("gguf", "mlx") or _stored_file(job) is not None:
        loaded = memory.weights_bytes + _host_weights(job, precision, rules)
    elif precision.id == job.model.native_precision:
        loaded = memory.weights_bytes
    else:
        loaded = arch.total_params() * 2
    offloaded = 0
    if rules.training is not None and rules.training.checkpoint_offload and job.checkpointing:
        assert job.context_tokens is not None
        offloaded = mem.checkpoint_bytes(arch, job.context_tokens, job.batch)
    return loaded + offloaded + PROCESS_RAM_BYTES


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
    """Memory by component, per GPU, host RAM, whether it fits the GPU given (with the runtime's headroom),
    and speed.

    Cached: a Job is immutable and the estimate a pure function of it.
    """
    resolved, precision = resolve_job(job)
    assert resolved.runtime is not None
    rules = profile(resolved.runtime)
    notes: list[Assumption] = [_assume("assume.runtime", runtime=rules.name), *headroom.capability_notes(resolved)]
    if resolved.task in TRAINING_TASKS:
        memory, more = _training_memory(resolved, precision, rules)
    else:
        memory, more = _inference_memory(resolved, precision, rules)
    notes.extend(more)
    share = _per_gpu(resolved, memory, rules)
    whole = memory if resolved.gpus == 1 else _times(share, resolved.gpus)
    if resolved.gpus > 1:
        notes.append(_layout_assumption(resolved))
    moe = resolved.model.architecture.moe
    if moe is not None and resolved.task not in TRAINING_TASKS:
        active_b = round(resolved.model.architecture.active_params() / 1e9, 1)
        notes.append(_assume("assume.moe", experts=moe.experts, active_b=active_b))
    room = headroom.on_gpu(resolved, share, precision, rules)
    notes.extend(room.notes)
    gpu = resolved.gpu
    if gpu is not None and ((precision.kind == "fp8" and not gpu.fp8) or (precision.kind == "fp4" and not gpu.fp4)):
        stored = (precision.experts or precision.linear).upper()  # "FP8", "MXFP4", "NVFP4"
        notes.append(_assume("assume.weight_only", format=stored, gpu=gpu.name))
    notes.append(_assume("assume.overhead", overhead_gib=round(share.overhead_bytes / mem.GIB, 2)))
    origin = _origin(resolved)
    if origin is not None:
        notes.insert(0, origin)
    speed = _speed(resolved, share, notes, rules)
    return Estimate(
        job=resolved,
        memory=whole,
        per_gpu_bytes=share.total_bytes,
        ram_bytes=_ram_bytes(resolved, memory, precision, rules),
        reserved_per_gpu_bytes=room.reserved,
        fits=room.fits,
        headroom_bytes=room.headroom,
        margin_bytes=room.margin,
        unsupported=room.unsupported,
        host_weights_bytes=_host_weights(resolved, precision, rules) if resolved.task not in TRAINING_TASKS else 0,
        assumptions=tuple(notes),
        **speed,
    )
