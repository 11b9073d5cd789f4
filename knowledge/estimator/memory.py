"""Memory components of a job, in bytes: weights, KV cache, activations, training states, overhead.

Pure functions over an :class:`~knowledge.estimator.architecture.Architecture`. Sources of each formula:
``shared/reference/estimators.md`` (B1 weights, B2 KV cache, B3 activations after Korthikanti et al. 2022,
arXiv 2205.05198, B4 model states after Rajbhandari et al. 2020 (ZeRO), B5 overheads).
"""

from __future__ import annotations

from collections import Counter

from knowledge.errors import InvalidQuery
from knowledge.estimator.architecture import Architecture

GIB = 2**30
HALF = 2  # bytes of a 16-bit activation


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
    per_kind = {
        kind: training_layer_activation_bytes(arch, seq, batch, flash_attention=flash_attention, mlp=kind)
        for kind in set(arch.mlp_kinds())
    }
    if checkpointing:
        inputs = 0 if offload_checkpoints else checkpoint_bytes(arch, seq, batch)
        return int(inputs + max(max(per_kind.values()), loss))
    return int(sum(per_kind[kind] for kind in arch.mlp_kinds()) + loss)


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


def _block_lora_sizes(arch: Architecture, attention: str, mlp: str, targets: tuple[str, ...]) -> int:
    """Sum of (in + out) over the linear layers of one block that LoRA adapts among ``targets``.

    Linear-attention blocks adapt their input projections (q, k, v, z; beta, alpha) under q/k/v and their
    output projection under o. MoE blocks adapt every routed and shared expert's MLP.
    """
    h = arch.hidden_size
    if attention == "linear" and arch.linear_attention is not None:
        la = arch.linear_attention
        inputs = (h + 2 * la.key_dim + 2 * la.value_dim) + (h + 2 * la.value_heads)
        sizes = {"q": inputs, "o": la.value_dim + h}
    elif arch.mla is not None:  # q, kv down/up and output, approximately
        sizes = {"q": h + arch.q_dim, "k": arch.kv_dim // 2, "v": arch.kv_dim - arch.kv_dim // 2, "o": arch.q_dim + h}
    else:
        sizes = {"q": h + arch.q_dim, "k": h + arch.kv_dim, "v": h + arch.kv_dim, "o": arch.q_dim + h}
    if attention == "linear" and arch.linear_attention is not None and any(t in targets for t in ("q", "k", "v")):
        total = sizes["q"] + (sizes["o"] if "o" in targets else 0)
    else:
        total = sum(size for name, size in sizes.items() if name in targets)
    matrices = len([n for n in ("gate", "up", "down") if n in targets and (arch.gated_mlp or n != "gate")])
    if mlp == "dense" or arch.moe is None:
        return total + matrices * (h + arch.intermediate_size)
    moe = arch.moe
    total += moe.experts * matrices * (h + moe.expert_intermediate_size)
    shared = moe.shared_expert_intermediate_size or moe.expert_intermediate_size
    return total + moe.shared_experts * matrices * (h + shared)


def lora_params(arch: Architecture, rank: int, targets: tuple[str, ...] = LORA_MODULES) -> int:
    """Trainable LoRA parameters: rank x (in + out) for each targeted linear layer of every block.

    ``targets`` names the projections (q, k, v, o, gate, up, down); MoE layers adapt every expert's MLP.
    """
    kinds = Counter(arch.layer_list())
    return rank * sum(
        count * _block_lora_sizes(arch, layer.attention, layer.mlp, targets) for layer, count in kinds.items()
    )


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
