"""config.json readers for the families whose layers differ from one another: Llama 4, Qwen3-Next, Gemma 3n
and gpt-oss. Each returns the fields of an :class:`Architecture` beyond the global sizes
:func:`knowledge.estimator.from_config.architecture_from_config` reads for every family.

Field names and defaults follow each family's configuration class in ``transformers`` (Llama4TextConfig,
Llama4VisionConfig, Qwen3NextConfig, Gemma3nTextConfig, GptOssConfig); the layer lists are written as the
patterns of ``knowledge/data/models.yaml`` (``[sliding*3, full]``), so a config and the catalog entry of the
same model give the same architecture.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from knowledge.errors import ModelSourceError
from knowledge.estimator.architecture import LinearAttention, MoE, PerLayerEmbeddings, VisionTower

Fields = dict[str, Any]


class _Reader(Protocol):
    """What from_config's reader offers: a config's fields with the family's defaults, and its refusal."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def int(self, key: str, default: int | None = None) -> int: ...

    def fail(self, reason: str, why: str, **fields: object) -> ModelSourceError: ...

    @property
    def config(self) -> Mapping[str, Any]: ...


# Gemma 3n's encoders are not transformer blocks the schema describes (MobileNet-V5 for images, a Conformer for
# audio): their published sizes, "~300M" and "~680M" (Google, "Gemma 3n model overview", Model parameters and
# effective parameters: https://ai.google.dev/gemma/docs/gemma-3n), as the catalog counts them.
GEMMA3N_VISION_PARAMS = 300_000_000
GEMMA3N_AUDIO_PARAMS = 680_000_000
# Llama 4's chunked local attention without attention_chunk_size in the config (Llama4TextConfig's default).
LLAMA4_CHUNK_TOKENS = 8192


def compact_pattern(kinds: Sequence[str]) -> tuple[str, ...]:
    """The shortest repeating pattern that gives ``kinds`` ("sliding, sliding, sliding, full, ..." →
    ``[sliding*3, full]``), as models.yaml writes layer lists."""
    count = len(kinds)
    period = next(p for p in range(1, count + 1) if all(kinds[i] == kinds[i % p] for i in range(count)))
    runs: list[tuple[str, int]] = []
    for kind in kinds[:period]:
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + 1)
        else:
            runs.append((kind, 1))
    return tuple(kind if times == 1 else f"{kind}*{times}" for kind, times in runs)


def _layer_kinds(
    read: _Reader, layers: int, names: Mapping[str, str], default: Callable[[int], str]
) -> tuple[str, ...]:
    """Each layer's attention kind from ``layer_types`` (transformers' names mapped by ``names``), or by the
    family's rule ``default(index)`` when the config gives no list."""
    given = read.get("layer_types")
    if not isinstance(given, list) or not given:
        return tuple(default(index) for index in range(layers))
    if len(given) != layers or any(kind not in names for kind in given):
        kinds = ", ".join(sorted(names))
        raise read.fail(f"its layer_types are not {layers} of {kinds}", "layer_types", count=layers, kinds=kinds)
    return tuple(names[kind] for kind in given)


def _uniform(read: _Reader, key: str) -> int:
    """A width the config may give per layer (Gemma 3n's intermediate_size list) that must be one value."""
    value = read.get(key)
    if not isinstance(value, list):
        return read.int(key)
    if not value or any(item != value[0] for item in value):
        raise read.fail(f"its {key!r} differs from layer to layer", "layer_widths", field=key)
    return _positive(read, key, value[0])


def _positive(read: _Reader, key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise read.fail(f"its config.json has no positive integer {key!r}", "field", field=key)
    return value


def llama4(read: _Reader, config: Mapping[str, Any], layers: int, hidden: int) -> Fields:
    """Llama 4: MoE every ``interleave_moe_layer_step``-th layer (a routed top-k plus a shared expert, both of
    ``intermediate_size``; dense layers ``intermediate_size_mlp`` wide), chunked attention on the layers that
    use RoPE (three of four: ``no_rope_layers``), cached as a window of ``attention_chunk_size``; its query and
    key norms are L2 norms without weights; the vision tower of ``vision_config`` counted."""
    step = read.int("interleave_moe_layer_step", 1)
    moe_layers = read.get("moe_layers")
    if not isinstance(moe_layers, list):
        moe_layers = list(range(step - 1, layers, step))
    mlps = tuple("moe" if index in moe_layers else "dense" for index in range(layers))
    rope = read.get("no_rope_layers")  # 1 where the layer uses RoPE and chunked attention, 0 where global
    if "attention_chunk_size" in read.config and read.config["attention_chunk_size"] is None:
        kinds: tuple[str, ...] = ("full",) * layers  # chunking switched off: every layer global
    elif isinstance(rope, list) and len(rope) == layers:
        kinds = tuple("sliding" if flag else "full" for flag in rope)
    else:
        interval = read.int("no_rope_layer_interval", 4)
        kinds = _layer_kinds(
            read,
            layers,
            {"chunked_attention": "sliding", "full_attention": "full"},
            lambda index: "full" if (index + 1) % interval == 0 else "sliding",
        )
    fields: Fields = {
        "intermediate_size": read.int("intermediate_size_mlp", 16_384),
        "qk_norm": False,
        "moe": MoE(
            experts=read.int("num_local_experts"),
            top_k=read.int("num_experts_per_tok", 1),
            expert_intermediate_size=read.int("intermediate_size"),
            shared_experts=1,
        ),
        "mlp_pattern": compact_pattern(mlps) if "dense" in mlps else None,
        "attention_pattern": compact_pattern(kinds),
        "sliding_window_tokens": read.int("attention_chunk_size", LLAMA4_CHUNK_TOKENS) if "sliding" in kinds else None,
    }
    vision = config.get("vision_config")
    if isinstance(vision, Mapping):
        fields["vision"] = _llama4_vision(read, vision, hidden)
    return fields


def _llama4_vision(read: _Reader, vision: Mapping[str, Any], text_hidden: int) -> VisionTower:
    """Llama4VisionModel: a ViT (no patch bias, a class token, LayerNorms before and after the blocks), its
    pixel-shuffle MLP (intermediate → projector_input_dim → projector_output_dim, no biases) and the projector
    into the text model (vision_output_dim → hidden, no bias)."""

    def size(key: str, default: int) -> int:
        return _positive(read, f"vision_config.{key}", vision.get(key, default))

    intermediate = size("intermediate_size", 5632)
    projector_in, projector_out = size("projector_input_dim", 4096), size("projector_output_dim", 4096)
    return VisionTower(
        layers=size("num_hidden_layers", 34),
        hidden_size=size("hidden_size", 768),
        intermediate_size=intermediate,
        patch_size=size("patch_size", 14),
        image_size=size("image_size", 448),
        channels=size("num_channels", 3),
        patch_bias=False,
        class_token=True,
        pre_norm=True,
        projector_params=intermediate * projector_in
        + projector_out * projector_out
        + size("vision_output_dim", 7680) * text_hidden,
    )


def qwen3_next(read: _Reader, layers: int) -> Fields:
    """Qwen3-Next: Gated DeltaNet layers with a fixed state, a gated full-attention layer every
    ``full_attention_interval``-th; routed experts plus one gated shared expert (MLP-only layers dense)."""
    interval = read.int("full_attention_interval", 4)
    kinds = _layer_kinds(
        read,
        layers,
        {"linear_attention": "linear", "full_attention": "full"},
        lambda index: "full" if (index + 1) % interval == 0 else "linear",
    )
    expert = read.int("moe_intermediate_size")
    shared = read.get("shared_expert_intermediate_size") or 0
    dense = set(read.get("mlp_only_layers") or ())
    sparse_step = read.int("decoder_sparse_step", 1)
    mlps = tuple("dense" if index in dense or (index + 1) % sparse_step else "moe" for index in range(layers))
    return {
        "qk_norm": True,
        "attention_output_gate": True,
        "attention_pattern": compact_pattern(kinds),
        "linear_attention": LinearAttention(
            key_heads=read.int("linear_num_key_heads"),
            value_heads=read.int("linear_num_value_heads"),
            key_head_dim=read.int("linear_key_head_dim"),
            value_head_dim=read.int("linear_value_head_dim"),
            conv_kernel=read.int("linear_conv_kernel_dim", 4),
        ),
        "moe": MoE(
            experts=read.int("num_experts"),
            top_k=read.int("num_experts_per_tok"),
            expert_intermediate_size=expert,
            shared_experts=1 if shared else 0,
            shared_expert_intermediate_size=shared if shared and shared != expert else None,
            shared_expert_gate=bool(shared),
        ),
        "mlp_pattern": compact_pattern(mlps) if "dense" in mlps else None,
    }


def gemma3n(read: _Reader, config: Mapping[str, Any], layers: int) -> Fields:
    """Gemma 3n: per-layer embeddings (``vocab_size_per_layer_input`` x layers x
    ``hidden_size_per_layer_input``), four sliding-window layers to one global, the last
    ``num_kv_shared_layers`` layers reuse earlier layers' K and V; the image and audio encoders by their
    published sizes. AltUp and LAuReL (about 0.5 % of the count) are left out, as in the catalog."""
    kinds = _layer_kinds(
        read,
        layers,
        {"sliding_attention": "sliding", "full_attention": "full"},
        lambda index: "full" if (index + 1) % 5 == 0 else "sliding",
    )
    encoders = (GEMMA3N_VISION_PARAMS if isinstance(config.get("vision_config"), Mapping) else 0) + (
        GEMMA3N_AUDIO_PARAMS if isinstance(config.get("audio_config"), Mapping) else 0
    )
    return {
        "intermediate_size": _uniform(read, "intermediate_size"),
        "attention_pattern": compact_pattern(kinds),
        "sliding_window_tokens": read.int("sliding_window") if "sliding" in kinds else None,
        "kv_shared_layers": min(layers - 1, int(read.get("num_kv_shared_layers") or 0)),
        "per_layer_embeddings": PerLayerEmbeddings(
            vocab_size=read.int("vocab_size_per_layer_input"),
            hidden_size=read.int("hidden_size_per_layer_input"),
        ),
        "vision": VisionTower(params=encoders) if encoders else None,
    }


def gpt_oss(read: _Reader, layers: int) -> Fields:
    """gpt-oss: sliding-window (128) and full attention alternating, a learned sink per head, biases on q, k,
    v and o, routed experts with biases and a router with a bias (GptOssConfig)."""
    kinds = _layer_kinds(
        read,
        layers,
        {"sliding_attention": "sliding", "full_attention": "full"},
        lambda index: "sliding" if index % 2 == 0 else "full",
    )
    bias = bool(read.get("attention_bias", True))
    return {
        "qkv_bias": bias,
        "attn_out_bias": bias,
        "mlp_bias": True,
        "attention_sinks": True,
        "attention_pattern": compact_pattern(kinds),
        "sliding_window_tokens": read.int("sliding_window", 128) if "sliding" in kinds else None,
        "moe": MoE(
            experts=read.int("num_local_experts"),
            top_k=read.int("num_experts_per_tok", read.get("experts_per_token") or 4),
            expert_intermediate_size=read.int("intermediate_size"),
            router_bias=True,
        ),
    }
