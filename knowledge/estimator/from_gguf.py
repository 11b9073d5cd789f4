"""A GGUF file's header (metadata and tensor list) → a :class:`Model` whose weights are the file's tensors.

Pure: the front end (``bot.sources.gguf_file``) reads the header with the ``gguf`` package and hands over the
metadata, and for each tensor its name, type, shape and its type's block layout (weights per block, bytes per
block, from ``gguf.GGML_QUANT_SIZES``). The weights are then exact: the sum over tensors of
``elements / block_size x block_bytes``, as llama.cpp lays them out. The architecture (for the KV cache and
llama.cpp's compute buffer) comes from the ``{arch}.*`` keys, and the tensors' presence decides biases, gates,
norms and tied embeddings; its parameter count must agree with the tensors' elements within 1 %, or the file
is refused, since a layout this module does not understand would give a wrong KV cache. The architectures
whose layers differ (Llama 4, Qwen3-Next, Gemma 3n, gpt-oss) add their layer lists in
:mod:`knowledge.estimator.from_gguf_layers`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from knowledge.errors import InvalidQuery, ModelSourceError
from knowledge.estimator import from_gguf_layers
from knowledge.estimator.architecture import MLA, Architecture, AttentionType, MoE, sliding_pattern
from knowledge.estimator.catalog import Model, Provenance
from knowledge.estimator.from_config import repo_slug
from knowledge.estimator.precision import bits, precisions, resolve

PARAMS_TOLERANCE = 0.01  # the architecture's count against the tensors' elements
_FAMILY = {
    "llama": "Llama",
    "qwen2": "Qwen2",
    "qwen2moe": "Qwen2-MoE",
    "qwen3": "Qwen3",
    "qwen3moe": "Qwen3-MoE",
    "gemma": "Gemma",
    "gemma2": "Gemma 2",
    "gemma3": "Gemma 3",
    "phi3": "Phi-3",
    "deepseek2": "DeepSeek V2/V3",
    "llama4": "Llama 4",
    "qwen3next": "Qwen3-Next",
    "gemma3n": "Gemma 3n",
    "gpt-oss": "gpt-oss",
}
_LAYER_NORMS = ("attn_norm.weight", "ffn_norm.weight", "post_attention_norm.weight", "post_ffw_norm.weight")
_BLOCK = re.compile(r"^blk\.\d+\.(.+)$")


@dataclass(frozen=True)
class GgufArray:
    """A metadata array whose items were skipped (the tokenizer's tokens): its item type and length."""

    item_type: str
    length: int


@dataclass(frozen=True)
class GgufTensor:
    """One tensor as the header lists it. ``shape`` is in ggml order: the row length first."""

    name: str
    type_name: str  # "Q4_K", "F32", ...
    shape: tuple[int, ...]
    block_size: int  # weights per block of the type
    block_bytes: int  # bytes per block

    @property
    def elements(self) -> int:
        count = 1
        for size in self.shape:
            count *= size
        return count

    @property
    def bytes(self) -> int:
        return self.elements // self.block_size * self.block_bytes


@dataclass(frozen=True)
class GgufHeader:
    """What a GGUF file says before its tensor data."""

    metadata: Mapping[str, Any]
    tensors: tuple[GgufTensor, ...]
    file_type: str | None = None  # general.file_type by name ("MOSTLY_Q4_K_M"), when the header gives it


def _fail(file: str, reason: str, why: str, **fields: object) -> ModelSourceError:
    """The one-line refusal; ``why`` names the reason's message (``reason.gguf_<why>``) so an answer can say
    it in the asker's language, with ``fields`` filling it."""
    return ModelSourceError(
        f"{file}: {reason}, so vrambot cannot estimate it. Use a GGUF file of a Llama (up to 4), Mistral, Qwen "
        "(up to Qwen3-Next), Gemma (up to 3n), Phi-3, DeepSeek or gpt-oss model, or name the model instead.",
        key="error.gguf_unsupported",
        file=file,
        reason=reason,
        why=f"gguf_{why}",
        **fields,
    )


class _Keys:
    def __init__(self, header: GgufHeader, arch: str, file: str) -> None:
        self.metadata = header.metadata
        self.arch = arch
        self.file = file

    def get(self, key: str) -> Any:
        return self.metadata.get(f"{self.arch}.{key}")

    def fail(self, reason: str, why: str, **fields: object) -> ModelSourceError:
        return _fail(self.file, reason, why, **fields)

    def int(self, key: str, default: int | None = None) -> int:
        value = self.get(key)
        if isinstance(value, list) and value and all(v == value[0] for v in value):
            value = value[0]  # a per-layer list with one value throughout
        if value is None:
            value = default
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            field = f"{self.arch}.{key}"
            raise self.fail(f"its header has no positive integer {field}", "field", field=field)
        return value


def _vocab(header: GgufHeader, names: dict[str, GgufTensor], keys: _Keys) -> int:
    tokens = header.metadata.get("tokenizer.ggml.tokens")
    if isinstance(tokens, GgufArray):
        return tokens.length
    if isinstance(tokens, list) and tokens:
        return len(tokens)
    embedding = names.get("token_embd.weight")
    if embedding is not None and len(embedding.shape) == 2:
        return embedding.shape[1]
    return keys.int("vocab_size")


def _sliding(arch: str, keys: _Keys, layers: int) -> tuple[int | None, int]:
    window = keys.get("attention.sliding_window")
    if not isinstance(window, int) or isinstance(window, bool) or window <= 0:
        return None, 0
    if arch == "gemma2":
        return window, (layers + 1) // 2  # even layers slide
    if arch == "gemma3":
        return window, sum((index + 1) % 6 != 0 for index in range(layers))  # llama.cpp: five local to one global
    return None, 0  # llama.cpp keeps the whole context for the other architectures


def _layer_tensor(names: Mapping[str, GgufTensor], suffix: str) -> GgufTensor | None:
    """The first block's tensor of that name (``ffn_up_shexp.weight``), whichever block has it."""
    found = (tensor for name, tensor in names.items() if name.startswith("blk.") and name.endswith("." + suffix))
    return next(found, None)


def _moe(keys: _Keys, layers: int, names: Mapping[str, GgufTensor], suffixes: set[str]) -> MoE | None:
    experts = keys.get("expert_count")
    if not experts:
        return None
    width = keys.get("expert_feed_forward_length") or keys.int("feed_forward_length")
    shared = keys.get("expert_shared_count") or 0
    shared_width = keys.get("expert_shared_feed_forward_length")
    shared_size: int | None = None
    if shared_width and shared_width % width == 0:  # Qwen2-MoE: a wide shared expert, as routed-width experts
        shared = shared_width // width
    elif shared_width:
        shared, shared_size = 1, shared_width
    elif not shared and (tensor := _layer_tensor(names, "ffn_up_shexp.weight")) is not None:
        shared = 1  # Llama 4: one shared expert, no key says so; its width is its tensor's
        shared_size = tensor.shape[-1] if tensor.shape[-1] != width else None
    return MoE(
        experts=experts,
        top_k=keys.int("expert_used_count"),
        expert_intermediate_size=width,
        shared_experts=shared,
        shared_expert_intermediate_size=shared_size,
        shared_expert_gate=bool(shared) and "ffn_gate_inp_shexp.weight" in suffixes,
        router_bias="ffn_gate_inp.bias" in suffixes,
        dense_layers=min(layers, keys.get("leading_dense_block_count") or 0),
    )


def _gated(names: Mapping[str, GgufTensor], suffixes: set[str], intermediate: int) -> bool:
    """A gate projection, separate or fused into ffn_up (Phi-3: up is twice the MLP width)."""
    gates = ("ffn_gate.", "ffn_gate_exps.", "ffn_gate_shexp.", "ffn_gate_up_exps.")  # old Mixtral: ffn_gate.0
    if any(suffix.startswith(gates) for suffix in suffixes):
        return True
    up = names.get("blk.0.ffn_up.weight")
    return up is not None and len(up.shape) == 2 and up.shape[1] == 2 * intermediate


def architecture_from_gguf(header: GgufHeader, file: str) -> Architecture:
    """The Architecture a GGUF header describes; ModelSourceError (one line, with the reason) otherwise."""
    arch = str(header.metadata.get("general.architecture") or "")
    if not arch:
        raise _fail(file, "its header names no general.architecture", "no_architecture")
    keys = _Keys(header, arch, file)
    names = {tensor.name: tensor for tensor in header.tensors}
    suffixes = {match.group(1) for name in names if (match := _BLOCK.match(name))}  # what some block holds
    layers = keys.int("block_count")
    hidden = keys.int("embedding_length")
    heads = keys.int("attention.head_count")
    kv_heads = keys.int("attention.head_count_kv", heads)
    mla: MLA | None = None
    kv_lora_rank = keys.get("attention.kv_lora_rank")
    if kv_lora_rank:
        rope = keys.int("rope.dimension_count")
        key_length = keys.int("attention.key_length")
        q_lora_rank = keys.get("attention.q_lora_rank")
        mla = MLA(
            q_lora_rank=q_lora_rank or None,
            kv_lora_rank=kv_lora_rank,
            qk_nope_head_dim=key_length - rope,
            qk_rope_head_dim=rope,
            v_head_dim=keys.int("attention.value_length"),
        )
        kv_heads, head_dim = heads, key_length
    else:
        head_dim = keys.int("attention.key_length", hidden // heads if hidden % heads == 0 else None)
    attention: AttentionType = "mla" if mla else "mha" if kv_heads == heads else "mqa" if kv_heads == 1 else "gqa"
    window, sliding_layers = _sliding(arch, keys, layers)
    moe = _moe(keys, layers, names, suffixes)
    intermediate = keys.get("feed_forward_length")
    if isinstance(intermediate, list):
        intermediate = max(intermediate)
    has = names.__contains__
    try:
        fields = {
            "sliding_window_tokens": window,
            "attention_pattern": sliding_pattern(sliding_layers, layers),
        } | from_gguf_layers.layout(arch, keys, layers, names)
        return Architecture(
            layers=layers,
            hidden_size=hidden,
            intermediate_size=intermediate or (moe.expert_intermediate_size if moe else 0),
            attention_heads=heads,
            kv_heads=kv_heads,
            head_dim=head_dim,
            vocab_size=_vocab(header, names, keys),
            max_context_tokens=keys.int("context_length"),
            tied_embeddings=not has("output.weight"),
            gated_mlp=_gated(names, suffixes, intermediate or 0),
            attention=attention,
            norm="layernorm" if "attn_norm.bias" in suffixes else "rmsnorm",
            norms_per_layer=max(1, sum(norm in suffixes for norm in _LAYER_NORMS)),
            qkv_bias="attn_q.bias" in suffixes or "attn_qkv.bias" in suffixes,
            attn_out_bias="attn_output.bias" in suffixes,
            mlp_bias="ffn_down.bias" in suffixes or "ffn_down_exps.bias" in suffixes,
            lm_head_bias=has("output.bias"),
            qk_norm="attn_q_norm.weight" in suffixes,
            moe=moe,
            mla=mla,
            **fields,
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "its fields"
        detail = str(first["msg"])
        raise _fail(
            file, f"its header does not add up ({where}: {detail})", "inconsistent", where=where, detail=detail
        ) from error


def _precision_of(header: GgufHeader, weights_bytes: int, elements: int) -> tuple[str, str]:
    """The precision id the file's type is, and the type as the header names it ("Q4_K_M").

    A type the precision table lacks (a new llama.cpp mix) takes the GGUF precision whose bits per weight are
    closest to the file's own average; the header's name is what answers show.
    """
    name = header.file_type or ""
    shown = re.sub(r"^(MOSTLY_|ALL_)", "", name) or "GGUF"
    alias = {"F32": "fp32", "F16": "fp16", "BF16": "bf16"}.get(shown, shown.lower())
    try:
        return resolve(alias).id, shown
    except InvalidQuery:
        average = 8 * weights_bytes / elements
        gguf = [p for p in precisions() if p.kind == "gguf"]
        closest = min(gguf, key=lambda p: abs(bits(p.linear) - average))
        return closest.id, shown if name else closest.name


def gguf_model(header: GgufHeader, file: str) -> Model:
    """The Model a GGUF file holds, with its exact weights and type recorded as its provenance."""
    if not header.tensors:
        raise _fail(file, "its header lists no tensors", "no_tensors")
    arch = architecture_from_gguf(header, file)
    elements = sum(tensor.elements for tensor in header.tensors)
    weights = sum(tensor.bytes for tensor in header.tensors)
    computed = arch.total_params()
    if abs(computed - elements) > PARAMS_TOLERANCE * elements:
        layout = str(header.metadata.get("general.architecture"))
        raise _fail(
            file,
            f"its tensors hold {elements:,} weights but its {layout} layout accounts for {computed:,}",
            "layout",
            elements=elements,
            layout=layout,
            computed=computed,
        )
    precision, file_type = _precision_of(header, weights, elements)
    stem = re.sub(r"\.gguf$", "", file.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    name = header.metadata.get("general.name")
    family = _FAMILY.get(str(header.metadata.get("general.architecture")), "GGUF")
    return Model(
        id=f"gguf-{repo_slug(stem)}",
        name=name if isinstance(name, str) and name.strip() else stem,
        family=family,
        params_official=elements,
        architecture=arch,
        source=file,
        provenance=Provenance(
            kind="gguf",
            reference=file.rsplit("/", 1)[-1],
            params_counted=elements,
            weights_bytes=weights,
            precision=precision,
            file_type=file_type,
            tensors=len(header.tensors),
        ),
    )
