"""Offload to system RAM: what runs when the GPU alone is too small but the machine's RAM is not.

Inference (llama.cpp, GGUF):
- **Layer offload** (``-ngl k``): the output head and the last ``k - 1`` blocks with their KV cache on the GPU,
  the rest in RAM, where the CPU computes them; ``token_embd`` always stays in RAM (llama.cpp
  ``src/llama-model.cpp``, ``load_tensors``; shared/reference/runtimes.md §1.1-1.2). The compute buffer stays
  on the GPU whatever ``k`` is (§1.3), and ``--fit`` keeps 1,024 MiB of each GPU free (§1.6).
- **MoE expert offload** (``--cpu-moe`` / ``--n-cpu-moe N``): the routed experts of N blocks in RAM;
  attention, norms, routers, shared experts, the head and the KV cache stay on the GPU (§1.4). Experts go back
  to the GPU block by block while there is room.
- Speed: a token reads the GPU's share at the GPU's bandwidth and the RAM's share (only the active experts of
  an MoE) at the RAM's bandwidth, one after the other.

Training (DeepSpeed ZeRO-Offload): fp32 master weights, optimizer states and gradients live in RAM, the
optimizer step runs on the CPU; the GPU keeps the 16-bit weights and activations. DeepSpeed's own estimate
(``estimate_zero2_model_states_mem_needs``, cpu_offload): GPU ``2 x P`` bytes of model states, RAM
``P x max(4 x GPUs, 16) x 1.5`` bytes (shared/reference/estimators.md B4).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict

from knowledge.estimator import memory as mem
from knowledge.estimator.architecture import Architecture
from knowledge.estimator.estimate import PROCESS_RAM_BYTES, estimate, resolve_job
from knowledge.estimator.job import Assumption, Estimate, Job, Memory
from knowledge.estimator.precision import Precision, bits, embedding_bits, token_embedding_bytes, weight_bytes
from knowledge.estimator.runtimes import profile

# Dual-channel DDR5-5600: 2 channels x 8 bytes x 5,600 MT/s = 89.6 GB/s (JEDEC JESD79-5 transfer rate), the
# common desktop of 2024-2026; stated in every offload answer.
RAM_BANDWIDTH_GB_S = 89.6
RAM_DECODE_EFFICIENCY = 0.65  # † share of the RAM bandwidth the CPU reads its layers at (no CPU figure checked)
FIT_MARGIN_BYTES = 1024 * 2**20  # llama.cpp --fit-target default: 1,024 MiB left free on each GPU
OS_RESERVE_BYTES = 4 * mem.GIB  # RAM the operating system and desktop keep (a stated assumption)
DEEPSPEED_BUFFER = 1.5  # DeepSpeed's additional_buffer_factor for CPU-side states

OffloadKind = Literal["layers", "experts", "optimizer"]


class OffloadPlan(BaseModel):
    """Where an offloaded job's weights live."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: OffloadKind
    layers: int  # blocks of the model
    gpu_layers: int  # layers: blocks on the GPU; experts: blocks whose experts are on the GPU
    gpu_bytes: int
    ram_bytes: int


def _layer_split(arch: Architecture, precision: Precision) -> tuple[int, int, int]:
    """Bytes of (token embeddings, output head, one transformer block) at a precision. A tied embedding is
    also the output head, which llama.cpp loads a second time for the GPU (TENSOR_DUPLICATED)."""
    embedding = int(embedding_bits(arch, precision) / 8)
    untied = int(arch.lm_head_params() * bits(precision.output) / 8)
    head = token_embedding_bytes(arch, precision) if arch.tied_embeddings else untied
    blocks = weight_bytes(arch, precision) - embedding - untied
    return embedding, head, blocks // arch.layers


def _expert_bytes(arch: Architecture, block_bytes: int) -> tuple[int, int]:
    """Bytes of one MoE block's routed experts (all, and the active top-k), by their share of the block's
    parameters (experts are quantized like the rest of the block)."""
    moe = arch.moe
    assert moe is not None
    block_params = arch.total_params() - arch.embedding_params() - arch.lm_head_params()
    block_params //= arch.layers
    routed = moe.experts * arch.expert_params()
    every = int(block_bytes * routed / block_params)
    return every, every * moe.top_k // moe.experts


def _offloaded(base: Estimate, plan: OffloadPlan, seconds: float, key: str, **fields: int | float) -> Estimate:
    """The llama.cpp estimate with the offload's GPU and RAM figures and speed."""
    note = Assumption(key=key, fields={"ram_gb_s": RAM_BANDWIDTH_GB_S, **fields})
    return base.model_copy(
        update={
            "per_gpu_bytes": plan.gpu_bytes,
            "ram_bytes": plan.ram_bytes,
            "fits": True,
            "tokens_per_s": round(1 / seconds, 1),
            "assumptions": (*base.assumptions, note),
        }
    )


def _seconds(gpu_read: float, ram_read: float, gpu_gb_s: float, layers: int) -> float:
    """A decode step: the GPU's share at llama.cpp's decode efficiency, the RAM's share at the CPU's, and
    llama.cpp's fixed time per layer."""
    speed = profile("llama.cpp").speed  # offload runs on llama.cpp
    gpu = gpu_read / (speed.decode_efficiency * gpu_gb_s * 1e9)
    ram = ram_read / (RAM_DECODE_EFFICIENCY * RAM_BANDWIDTH_GB_S * 1e9)
    return gpu + ram + layers * speed.decode_layer_us * 1e-6


def llama_cpp_offload(job: Job, ram_bytes: int) -> tuple[OffloadPlan, Estimate] | None:
    """The job on llama.cpp with weights in system RAM (experts first for an MoE), if ``ram_bytes`` of RAM and
    the GPU hold it; None otherwise. ``job`` is a GGUF inference job on one GPU."""
    resolved, precision = resolve_job(job)
    gpu = resolved.gpu
    if gpu is None or resolved.runtime != "llama.cpp" or resolved.gpus != 1 or resolved.task != "inference":
        return None
    base = estimate(resolved)
    arch = resolved.model.architecture
    embedding, head, block = _layer_split(arch, precision)
    kv_block = base.memory.kv_cache_bytes // arch.layers
    fixed = base.memory.overhead_bytes + base.memory.activations_bytes + head  # context, compute buffer, head
    room = gpu.usable_memory_bytes - FIT_MARGIN_BYTES - fixed
    ram_room = ram_bytes - OS_RESERVE_BYTES - PROCESS_RAM_BYTES - embedding
    if arch.moe is not None:
        every, active = _expert_bytes(arch, block)
        moe_blocks = arch.layers - arch.moe.dense_layers
        shared = arch.layers * (block + kv_block) - moe_blocks * every  # all but the routed experts
        if shared <= room:
            on_gpu = min(moe_blocks, (room - shared) // every) if every else moe_blocks
            in_ram = moe_blocks - on_gpu
            if in_ram * every > ram_room:
                return None
            plan = OffloadPlan(
                kind="experts",
                layers=arch.layers,
                gpu_layers=on_gpu,
                gpu_bytes=fixed + shared + on_gpu * every,
                ram_bytes=PROCESS_RAM_BYTES + embedding + in_ram * every,
            )
            gpu_read = head + shared + on_gpu * active  # attention, shared parts and KV, plus GPU experts
            seconds = _seconds(gpu_read, in_ram * active, gpu.memory_bandwidth_gb_s, arch.layers)
            return plan, _offloaded(base, plan, seconds, "assume.offload_experts", cpu_blocks=in_ram)
    per_block = block + kv_block
    on_gpu = min(arch.layers, max(0, room // per_block))
    if on_gpu < 1 or on_gpu == arch.layers:
        return None
    in_ram = arch.layers - on_gpu
    if in_ram * per_block > ram_room:
        return None
    plan = OffloadPlan(
        kind="layers",
        layers=arch.layers,
        gpu_layers=on_gpu,
        gpu_bytes=fixed + on_gpu * per_block,
        ram_bytes=PROCESS_RAM_BYTES + embedding + in_ram * per_block,
    )
    seconds = _seconds(head + on_gpu * per_block, in_ram * per_block, gpu.memory_bandwidth_gb_s, arch.layers)
    return plan, _offloaded(base, plan, seconds, "assume.offload_layers", ngl=on_gpu + 1)


def optimizer_offload(job: Job, ram_bytes: int | None) -> tuple[OffloadPlan, Estimate] | None:
    """Full training with DeepSpeed ZeRO-Offload: master weights, gradients and optimizer states in RAM. None
    when RAM is unknown or too small, or the GPU still cannot hold weights and activations."""
    resolved, _ = resolve_job(job)
    gpu = resolved.gpu
    if gpu is None or ram_bytes is None or resolved.task not in ("full_finetune", "pretrain"):
        return None
    base = estimate(resolved)
    params = resolved.model.architecture.total_params()
    n = resolved.gpus
    states = 2 * params  # bf16 weights on every GPU (DeepSpeed: gpu = 2 x P)
    activations = base.memory.activations_bytes // n
    rules = profile(resolved.runtime or "transformers")
    held = int((1 + rules.allocator_reserve_share) * (states + activations))
    gpu_bytes = int(rules.cuda_context_gib * mem.GIB) + held
    ram_needed = int(params * max(4 * n, 16) * DEEPSPEED_BUFFER) + PROCESS_RAM_BYTES
    if gpu_bytes > gpu.usable_memory_bytes or ram_needed > ram_bytes - OS_RESERVE_BYTES:
        return None
    plan = OffloadPlan(kind="optimizer", layers=0, gpu_layers=0, gpu_bytes=gpu_bytes, ram_bytes=ram_needed)
    memory = Memory(
        weights_bytes=states * n,
        kv_cache_bytes=0,
        activations_bytes=activations * n,
        gradients_bytes=0,
        optimizer_bytes=0,
        overhead_bytes=(gpu_bytes - states - activations) * n,
    )
    note = Assumption(key="assume.offload_optimizer", fields={"factor": math.floor(max(4 * n, 16) * DEEPSPEED_BUFFER)})
    result = base.model_copy(
        update={
            "memory": memory,
            "per_gpu_bytes": gpu_bytes,
            "ram_bytes": ram_needed,
            "fits": True,
            "assumptions": (*base.assumptions, note),
        }
    )
    return plan, result
