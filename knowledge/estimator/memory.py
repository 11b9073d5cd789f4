"""Memory components of a job, in bytes: weights, KV cache, activations, training states, overhead.

Pure functions over an :class:`~knowledge.estimator.architecture.Architecture`. Sources of each formula:
``shared/reference/estimators.md`` (B1 weights, B2 KV cache, B3 activations after Korthikanti et al. 2022,
arXiv 2205.05198, B4 model states after Rajbhandari et al. 2020 (ZeRO), B5 overheads).
"""

from __future__ import annotations

from collections import Counter

from knowledge.estimator.architecture import Architecture

GIB = 2**30
HALF = 2  # bytes of a 16-bit activation
CUDA_CONTEXT_BYTES = GIB // 2  # CUDA context + kernels on recent drivers (0.3-0.6 GiB; shared/calibration)
ALLOCATOR_RESERVE = 0.05  # PyTorch's caching allocator holds about 5 % beyond the live tensors
LLAMA_CPP_UBATCH = 512  # llama.cpp's default physical batch (-ub)
VLLM_CHUNK_TOKENS = 8192  # vLLM profiles activations at max_num_batched_tokens
VLLM_CUDA_GRAPHS_BYTES = GIB // 2  # vLLM's CUDA graph capture (vllm #7553 reports 0.4-2.4 GiB)


def _mlp_width(arch: Architecture) -> int:
    """The widest intermediate a token passes through in any layer (top-k plus shared experts for MoE)."""
    return max(arch.mlp_width(kind) for kind in set(arch.mlp_kinds()))


def kv_cache_bytes(arch: Architecture, context_tokens: int, batch: int, bytes_per_element: float) -> int:
    """K and V for every cached token: KV heads x head_dim per layer (GQA, MQA), windowed layers, MLA latents,
    plus the fixed state of linear-attention layers (held in the same type here)."""
    return int(arch.cache_elements(context_tokens) * batch * bytes_per_element)


def inference_activation_bytes(arch: Architecture, tokens: int, batch: int, *, flash_attention: bool) -> int:
    """Peak transient activations of one forward pass over ``tokens`` prompt tokens (prefill).

    Layers run one after another, so the peak is one layer's working set: the residual stream and its
    normalised copy (4h bytes per token) and the MLP's intermediate tensors (gate, up and their product,
    6 x width bytes); without flash attention, one 16-bit score matrix of heads x tokens x tokens.
    The output head computes logits for the last token only (transformers >= 4.45 ``logits_to_keep``).
    """
    gated = 3 if arch.gated_mlp else 2
    layer = batch * tokens * (4 * arch.hidden_size + 2 * gated * _mlp_width(arch))
    if not flash_attention:
        layer += batch * arch.attention_heads * tokens * tokens * HALF
    logits = batch * arch.vocab_size * (HALF + 4)
    return int(layer + logits)


def llama_cpp_compute_bytes(arch: Architecture, context_tokens: int, *, flash_attention: bool) -> int:
    """llama.cpp's compute buffer: f32 activations of one micro-batch, plus the KQ matrix without flash attention."""
    ubatch = min(LLAMA_CPP_UBATCH, context_tokens)
    gated = 3 if arch.gated_mlp else 2
    buffer = ubatch * (4 * arch.hidden_size + gated * _mlp_width(arch)) * 4
    if not flash_attention:
        buffer += ubatch * context_tokens * arch.attention_heads * 4
    output = arch.vocab_size * 4
    return int(buffer + output)


def training_layer_activation_bytes(
    arch: Architecture, seq: int, batch: int, *, flash_attention: bool, mlp: str = "dense"
) -> int:
    """Activations one transformer layer keeps for its backward pass (16-bit), Korthikanti adapted.

    Attention block: the inputs of both norms and of the QKV projection, Q, K and V, and the attention
    output (10h + 2q + 4kv bytes per token with h = hidden, q = query width, kv = key width). Gated MLP: the
    gate and up outputs, the activation and the product (8 x width); a plain MLP keeps the first output and
    the activation (4 x width); ``mlp`` is the layer's MLP kind (an MoE layer's width is its top-k plus
    shared experts). No dropout masks (modern LLM recipes train without dropout). Without flash
    attention the score matrix and its softmax are kept too (4 x heads x seq bytes per token).
    """
    per_token = 10 * arch.hidden_size + 2 * arch.q_dim + 4 * arch.kv_dim
    per_token += (8 if arch.gated_mlp else 4) * arch.mlp_width(mlp)
    total = batch * seq * per_token
    if not flash_attention:
        total += 4 * batch * arch.attention_heads * seq * seq
    return int(total)


LOSS_CHUNKS = 8  # chunked cross-entropy: torchtune's num_output_chunks; Liger and Unsloth fuse it likewise


def loss_bytes(arch: Architecture, seq: int, batch: int, *, chunked_loss: bool) -> int:
    """Logits and the loss at the end of the forward pass.

    Chunked (fused) cross-entropy computes the output head and the fp32 loss a slice of tokens at a time
    (16-bit logits and their fp32 upcast for 1/8 of the tokens). A plain loss keeps the 16-bit logits of
    every token, their fp32 upcast and the fp32 log-softmax saved for the backward pass (10 bytes per
    vocabulary entry per token), which dominates for 128k-256k vocabularies.
    """
    elements = batch * seq * arch.vocab_size
    if chunked_loss:
        return int(elements * (HALF + 4) / LOSS_CHUNKS)
    return int(elements * (HALF + 4 + 4))


def training_activation_bytes(
    arch: Architecture, seq: int, batch: int, *, checkpointing: bool, flash_attention: bool, chunked_loss: bool
) -> int:
    """The peak of training activations, logits included.

    Without checkpointing every layer keeps its activations until its backward pass, and the loss comes on
    top. With activation checkpointing each layer keeps only its input (2h bytes per token); the peak is then
    those inputs plus the larger of the loss phase and one layer being recomputed in the backward pass.
    """
    per_kind = {
        kind: training_layer_activation_bytes(arch, seq, batch, flash_attention=flash_attention, mlp=kind)
        for kind in set(arch.mlp_kinds())
    }
    loss = loss_bytes(arch, seq, batch, chunked_loss=chunked_loss)
    if checkpointing:
        return int(arch.layers * batch * seq * arch.hidden_size * HALF + max(max(per_kind.values()), loss))
    return int(sum(per_kind[kind] for kind in arch.mlp_kinds()) + loss)


def lora_targets(arch: Architecture, attention: str, mlp: str) -> int:
    """Sum of (in + out) over the linear layers of one block that LoRA adapts (q, k, v, o and the MLP's).

    Linear-attention blocks adapt their input projections (q, k, v, z; beta, alpha) and output projection.
    MoE blocks adapt every routed and shared expert.
    """
    h = arch.hidden_size
    if attention == "linear" and arch.linear_attention is not None:
        la = arch.linear_attention
        targets = (h + 2 * la.key_dim + 2 * la.value_dim) + (h + 2 * la.value_heads) + (la.value_dim + h)
    elif arch.mla is not None:
        targets = 2 * h + 2 * arch.q_dim + arch.kv_dim  # q, kv down/up and output, approximately
    else:
        targets = 2 * (h + arch.q_dim) + 2 * (h + arch.kv_dim)
    matrices = 3 if arch.gated_mlp else 2
    if mlp == "dense" or arch.moe is None:
        return targets + matrices * (h + arch.intermediate_size)
    moe = arch.moe
    targets += moe.experts * matrices * (h + moe.expert_intermediate_size)
    shared = moe.shared_expert_intermediate_size or moe.expert_intermediate_size
    return targets + moe.shared_experts * matrices * (h + shared)


def lora_params(arch: Architecture, rank: int) -> int:
    """Trainable LoRA parameters with adapters on every linear layer of every block: rank x (in + out)."""
    kinds = Counter(arch.layer_list())
    return rank * sum(count * lora_targets(arch, layer.attention, layer.mlp) for layer, count in kinds.items())


def optimizer_bytes_per_param(optimizer: str, *, state_bytes: int, hidden_size: int) -> float:
    """Optimizer state per trained parameter: AdamW two moments, 8-bit AdamW two 8-bit moments,
    SGD one momentum, Adafactor factored second moments (rows + columns, about 2/h per parameter)."""
    if optimizer == "adamw":
        return 2 * state_bytes
    if optimizer == "adamw_8bit":
        return 2.0
    if optimizer == "sgd":
        return float(state_bytes)
    return 2 * state_bytes / hidden_size  # adafactor
