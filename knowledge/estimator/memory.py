"""Memory components of a job, in bytes: weights, KV cache, activations, training states, overhead.

Pure functions over an :class:`~knowledge.estimator.architecture.Architecture`. Sources of each formula:
``shared/reference/estimators.md`` (B1 weights, B2 KV cache, B3 activations after Korthikanti et al. 2022,
arXiv 2205.05198, B4 model states after Rajbhandari et al. 2020 (ZeRO), B5 overheads).
"""

from __future__ import annotations

from knowledge.errors import InvalidQuery
from knowledge.estimator.architecture import Architecture

GIB = 2**30
HALF = 2  # bytes of a 16-bit activation


def _mlp_width(arch: Architecture) -> int:
    """Intermediate width a token passes through (top-k plus shared experts for MoE)."""
    if arch.moe is None:
        return arch.intermediate_size
    return (arch.moe.top_k + arch.moe.shared_experts) * arch.moe.expert_intermediate_size


def _q_dim(arch: Architecture) -> int:
    if arch.mla is not None:
        return arch.attention_heads * (arch.mla.qk_nope_head_dim + arch.mla.qk_rope_head_dim)
    return arch.attention_heads * arch.head_dim


def _kv_dim(arch: Architecture) -> int:
    if arch.mla is not None:
        return arch.attention_heads * arch.mla.v_head_dim
    return arch.kv_heads * arch.head_dim


def kv_cache_bytes(arch: Architecture, context_tokens: int, batch: int, bytes_per_element: float) -> int:
    """K and V for every cached token: KV heads x head_dim per layer (GQA, MQA), windowed layers, MLA latents."""
    return int(arch.kv_elements_per_token(context_tokens) * batch * bytes_per_element)


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


def llama_cpp_compute_bytes(
    arch: Architecture, context_tokens: int, *, flash_attention: bool, ubatch_tokens: int = 512
) -> int:
    """llama.cpp's compute buffer: f32 activations of one micro-batch, plus the KQ matrix without flash attention."""
    ubatch = min(ubatch_tokens, context_tokens)
    gated = 3 if arch.gated_mlp else 2
    buffer = ubatch * (4 * arch.hidden_size + gated * _mlp_width(arch)) * 4
    if not flash_attention:
        buffer += ubatch * context_tokens * arch.attention_heads * 4
    output = arch.vocab_size * 4
    return int(buffer + output)


def training_layer_activation_bytes(arch: Architecture, seq: int, batch: int, *, flash_attention: bool) -> int:
    """Activations one transformer layer keeps for its backward pass (16-bit), Korthikanti adapted.

    Attention block: the inputs of both norms and of the QKV projection, Q, K and V, and the attention
    output (10h + 2q + 4kv bytes per token with h = hidden, q = query width, kv = key width). Gated MLP: the
    gate and up outputs, the activation and the product (8 x width); a plain MLP keeps the first output and
    the activation (4 x width). No dropout masks (modern LLM recipes train without dropout). Without flash
    attention the score matrix and its softmax are kept too (4 x heads x seq bytes per token).
    """
    per_token = 10 * arch.hidden_size + 2 * _q_dim(arch) + 4 * _kv_dim(arch)
    per_token += (8 if arch.gated_mlp else 4) * _mlp_width(arch)
    total = batch * seq * per_token
    if not flash_attention:
        total += 4 * batch * arch.attention_heads * seq * seq
    return int(total)


LOSS_CHUNKS = 8  # chunked cross-entropy: torchtune's num_output_chunks


def loss_bytes(arch: Architecture, seq: int, batch: int, *, kept: float, peak: float, chunks: int) -> int:
    """Logits and the loss at the end of the forward pass, as a runtime computes them.

    ``kept`` bytes per vocabulary entry per token stay alive until the backward pass (transformers: the
    16-bit logits and the fp32 log-softmax, 6 bytes); ``peak`` bytes exist only while one of ``chunks``
    slices of tokens is computed (transformers: the fp32 upcast, 4 bytes, one chunk; torchtune: 16-bit
    logits and their fp32 upcast for 1/8 of the tokens).
    """
    elements = batch * seq * arch.vocab_size
    return int(elements * (kept + peak / chunks))


def training_activation_bytes(
    arch: Architecture,
    seq: int,
    batch: int,
    *,
    checkpointing: bool,
    flash_attention: bool,
    loss: int,
    offload_checkpoints: bool = False,
) -> int:
    """The peak of training activations on the GPU, logits included.

    Without checkpointing every layer keeps its activations until its backward pass, and the loss comes on
    top. With activation checkpointing each layer keeps only its input (2h bytes per token); the peak is then
    those inputs plus the larger of the loss phase and one layer being recomputed in the backward pass.
    Offloaded checkpoints (Unsloth's "unsloth" mode) keep those inputs in system RAM instead.
    """
    layer = training_layer_activation_bytes(arch, seq, batch, flash_attention=flash_attention)
    if checkpointing:
        inputs = 0 if offload_checkpoints else checkpoint_bytes(arch, seq, batch)
        return int(inputs + max(layer, loss))
    return int(arch.layers * layer + loss)


def checkpoint_bytes(arch: Architecture, seq: int, batch: int) -> int:
    """The layer inputs activation checkpointing keeps: 16-bit hidden states, one per layer."""
    return arch.layers * batch * seq * arch.hidden_size * HALF


LORA_MODULES = ("q", "k", "v", "o", "gate", "up", "down")
LORA_ATTENTION = ("q", "k", "v", "o")


def lora_targets(names: tuple[str, ...] | str) -> tuple[str, ...]:
    """LoRA target projections from "all", "attention" or names such as q,v / q_proj,v_proj (in model order)."""
    items = (names,) if isinstance(names, str) else names
    chosen: set[str] = set()
    for item in items:
        for part in str(item).replace(",", " ").split():
            word = part.strip().lower().removesuffix("_proj")
            if word in ("all", "all-linear", "linear"):
                chosen.update(LORA_MODULES)
            elif word in ("attention", "attn"):
                chosen.update(LORA_ATTENTION)
            elif word in LORA_MODULES:
                chosen.add(word)
            elif word in ("o", "out", "output", "dense"):
                chosen.add("o")
            else:
                raise InvalidQuery(
                    f"Unknown LoRA target {part!r}. Use all, attention, or names among q, k, v, o, gate, up, down.",
                    key="error.lora_targets",
                    target=part,
                )
    if not chosen:
        raise InvalidQuery(
            "LoRA needs at least one target. Use all, attention, or names among q, k, v, o, gate, up, down.",
            key="error.lora_targets",
            target="",
        )
    return tuple(name for name in LORA_MODULES if name in chosen)


def lora_params(arch: Architecture, rank: int, targets: tuple[str, ...] = LORA_MODULES) -> int:
    """Trainable LoRA parameters: rank x (in + out) for each targeted linear layer of every block.

    ``targets`` names the projections (q, k, v, o, gate, up, down); MoE layers adapt every expert's MLP.
    """
    h = arch.hidden_size
    q, kv = _q_dim(arch), _kv_dim(arch)
    sizes = {"q": h + q, "k": h + kv, "v": h + kv, "o": q + h}
    if arch.mla is not None:  # q, kv down/up and output, approximately
        sizes = {"q": h + q, "k": kv // 2, "v": kv - kv // 2, "o": q + h}
    attention = sum(size for name, size in sizes.items() if name in targets)
    mlp_names = [name for name in ("gate", "up", "down") if name in targets and (arch.gated_mlp or name != "gate")]
    total = 0
    for index in range(arch.layers):
        if arch.moe is None or index < arch.moe.dense_layers:
            mlp = len(mlp_names) * (h + arch.intermediate_size)
        else:
            experts = arch.moe.experts + arch.moe.shared_experts
            mlp = experts * len(mlp_names) * (h + arch.moe.expert_intermediate_size)
        total += attention + mlp
    return rank * total


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
