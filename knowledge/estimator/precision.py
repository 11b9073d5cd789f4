"""Weight precisions: what each named precision stores for each kind of tensor, and the bytes it takes.

Loaded from ``knowledge/data/precisions.yaml``. GGUF mixes (Q4_K_M, Q3_K_L, ...) promote some tensors to a
larger type, as llama.cpp does, so their size is computed tensor by tensor rather than from one average.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.errors import CatalogError, InvalidQuery
from knowledge.estimator.architecture import Architecture
from knowledge.estimator.data_files import cached
from knowledge.folding import name_key

PrecisionKind = Literal["float", "fp8", "fp4", "bnb", "gptq", "gguf", "mlx"]
MIXED = "mixed"  # training: bf16 compute with fp32 master weights and optimizer states
MIXED_FP16 = "mixed_fp16"  # the same in fp16 with loss scaling, on GPUs without bf16 (V100, T4, RTX 20)
_DATA = Path(__file__).parent.parent / "data" / "precisions.yaml"


class Precision(BaseModel):
    """A named precision and the storage type of each kind of tensor."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str
    name: str
    kind: PrecisionKind
    linear: str
    embedding: str
    output: str
    small: str
    attn_v: str | None = None
    ffn_down: str | None = None
    attn_output: str | None = None
    experts: str | None = None  # MoE routed experts stored apart (gpt-oss: MXFP4 experts, the rest bf16)
    promoted_share: float = Field(default=0.0, ge=0, le=1)
    aliases: tuple[str, ...] = ()


class PrecisionTable(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    storage_types: dict[str, float]
    precisions: tuple[Precision, ...]
    kv_types: dict[str, float]


@functools.cache
def table() -> PrecisionTable:
    """The precision table, validated once (then read from the cache keyed by the file's hash)."""
    return cached([_DATA, Path(__file__)], _read_table, kind="precisions")


def _read_table() -> PrecisionTable:
    """``precisions.yaml`` validated; every storage type a precision names must exist."""
    import yaml

    try:
        loaded = PrecisionTable.model_validate(yaml.load(_DATA.read_text(encoding="utf-8"), Loader=_loader()))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise CatalogError(f"precisions.yaml: {error}. Fix the file.") from error
    for p in loaded.precisions:
        for field in ("linear", "embedding", "output", "small", "attn_v", "ffn_down", "attn_output", "experts"):
            value = getattr(p, field)
            if value is not None and value not in loaded.storage_types:
                raise CatalogError(
                    f"precisions.yaml: entry {p.id!r}, field {field!r}: unknown storage type {value!r}."
                )
    return loaded


def _loader() -> type[Any]:
    import yaml

    loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it
    return loader


def precisions() -> tuple[Precision, ...]:
    return table().precisions


PRECISION_IDS: tuple[str, ...] = tuple(p.id for p in precisions())
GGUF_IDS: tuple[str, ...] = tuple(p.id for p in precisions() if p.kind == "gguf")
KV_IDS: tuple[str, ...] = tuple(table().kv_types)


@functools.cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for p in precisions():
        for name in (p.id, p.name, *p.aliases):
            names.setdefault(name_key(name), p.id)
    return names


@functools.lru_cache(maxsize=256)  # a question resolves the same few names a dozen times
def resolve(name: str) -> Precision:
    """The precision a name refers to ("FP16", "q4_k_m", "8-bit", "int4"), or InvalidQuery with the choices."""
    key = name_key(name)
    found = _names().get(key) or _names().get(key.replace("_", ""))
    if found is None:
        raise InvalidQuery(
            f"Unknown precision {name!r}. Use one of: {', '.join(PRECISION_IDS)}.",
            key="error.precision",
            precision=name,
            choices=", ".join(PRECISION_IDS),
        )
    return next(p for p in precisions() if p.id == found)


def storage_types() -> tuple[str, ...]:
    return tuple(table().storage_types)


def bits(storage_type: str) -> float:
    return table().storage_types[storage_type]


def kv_bytes_per_element(kv_precision: str) -> float:
    try:
        return table().kv_types[kv_precision]
    except KeyError:
        raise InvalidQuery(
            f"Unknown KV-cache precision {kv_precision!r}. Use one of: {', '.join(KV_IDS)}.",
            key="error.kv_precision",
            precision=kv_precision,
            choices=", ".join(KV_IDS),
        ) from None


def _down_params(arch: Architecture, kind: str, *, routed: bool) -> int:
    """The MLP down projections of one layer: dense, shared experts, or (``routed``) the routed experts."""
    h = arch.hidden_size
    if kind == "dense" or arch.moe is None:
        return 0 if routed else h * arch.intermediate_size
    if routed:
        return arch.moe.experts * h * arch.moe.expert_intermediate_size
    shared = arch.moe.shared_expert_intermediate_size or arch.moe.expert_intermediate_size
    return arch.moe.shared_experts * h * shared


def _linear_split(arch: Architecture, *, experts_apart: bool) -> tuple[int, int, int, int, int]:
    """Linear parameters of all blocks, layer by layer, as (attn_v, ffn_down, attn_output, experts, the rest).

    ``experts`` holds the routed experts when a precision stores them apart (gpt-oss's MXFP4), else 0 and
    they count with ffn_down and the rest.
    """
    h = arch.hidden_size
    attn_v = down = attn_output = 0
    for layer, count in Counter(arch.layer_list()).items():
        if layer.attention == "linear" and arch.linear_attention is not None:
            attn_output += count * arch.linear_attention.value_dim * h
        elif arch.mla is not None:
            attn_output += count * arch.attention_heads * arch.mla.v_head_dim * h
        else:
            attn_v += count * h * arch.kv_heads * arch.head_dim
            attn_output += count * arch.attention_heads * arch.head_dim * h
        down += count * _down_params(arch, layer.mlp, routed=False)
        if not experts_apart:
            down += count * _down_params(arch, layer.mlp, routed=True)
    experts = arch.routed_expert_params() if experts_apart else 0
    rest = arch.linear_layer_params() - attn_v - down - attn_output - experts
    return attn_v, down, attn_output, experts, rest


@functools.lru_cache(maxsize=4096)
def weight_bytes(arch: Architecture, precision: Precision) -> int:
    """Bytes of every weight at a precision, tensor kind by tensor kind.

    A vision tower stays 16-bit (32-bit at FP32): quantized releases and GGUF projector files keep it so.
    """
    experts_apart = precision.experts is not None and arch.moe is not None
    attn_v, down, attn_output, experts, rest = _linear_split(arch, experts_apart=experts_apart)
    base = bits(precision.linear)
    share = precision.promoted_share

    def promoted(params: int, storage: str | None) -> float:
        if storage is None:
            return params * base
        return params * (share * bits(storage) + (1 - share) * base)

    total_bits = rest * base
    total_bits += promoted(attn_v, precision.attn_v)
    total_bits += promoted(down, precision.ffn_down)
    total_bits += promoted(attn_output, precision.attn_output)
    if experts_apart and precision.experts is not None:
        total_bits += experts * bits(precision.experts)
    total_bits += embedding_bits(arch, precision)
    head = arch.lm_head_params()
    if head:
        total_bits += head * bits(precision.output)
    vision = arch.vision_params()
    total_bits += vision * (32 if precision.id == "fp32" else 16)
    small = arch.total_params() - arch.linear_layer_params() - arch.embedding_params() - head - vision
    total_bits += small * bits(precision.small)
    return int(total_bits / 8)


def tied_embedding_storage(arch: Architecture, precision: Precision) -> str:
    """The storage type of the token embedding table.

    llama.cpp's quantizer gives a token embedding that is also the output head (tied, no ``output.weight``) the
    output head's type (Q6_K in most mixes), not the layers' type: "for arches that share the same tensor between
    the token embeddings and the output, we quantize the token embeddings with the quantization of the output
    tensor" (ggml-org/llama.cpp src/llama-quant.cpp, llama_tensor_get_type; since PR #5650, 2024-02-22).
    """
    if arch.tied_embeddings and precision.kind == "gguf":
        return precision.output
    return precision.embedding


def token_embedding_bytes(arch: Architecture, precision: Precision) -> int:
    """Bytes of the token embedding table (vocabulary x hidden) as stored."""
    return int(arch.vocab_size * arch.hidden_size * bits(tied_embedding_storage(arch, precision)) / 8)


def embedding_bits(arch: Architecture, precision: Precision) -> float:
    """Bits of every embedding: the token table at its stored type, position and per-layer tables at the
    precision's embedding type."""
    token = arch.vocab_size * arch.hidden_size
    other = arch.embedding_params() - token
    return token * bits(tied_embedding_storage(arch, precision)) + other * bits(precision.embedding)


def largest_matrix_params(arch: Architecture) -> int:
    """The largest quantized linear weight (what a quantized layer dequantizes at once)."""
    h = arch.hidden_size
    kinds = set(arch.mlp_kinds())
    ffn = max(
        arch.intermediate_size if "dense" in kinds else 0,
        arch.moe.expert_intermediate_size if arch.moe is not None and "moe" in kinds else 0,
    )
    return max(h * ffn, h * arch.attention_heads * arch.head_dim)  # embeddings and head stay 16-bit
