"""A Hugging Face ``config.json`` (already parsed into a dict) → an :class:`Architecture` and a :class:`Model`.

Pure: the front end (``bot.sources.hub``) downloads the file and the parameter count; this module only reads
dicts. The families below map onto the Architecture schema; any other ``model_type``, or a feature the schema
cannot express, raises :class:`~knowledge.errors.ModelSourceError` with one line naming what is missing.

Field names and defaults follow each family's configuration class in ``transformers`` (LlamaConfig,
MistralConfig, MixtralConfig, Qwen2Config, Qwen2MoeConfig, Qwen3Config, Qwen3MoeConfig, GemmaConfig,
Gemma2Config, Gemma3TextConfig, Phi3Config, PhiMoEConfig, DeepseekV2Config, DeepseekV3Config): a key missing
from a config.json takes the class default, which is why a few defaults are written out here. The families
whose layers differ from one another (Llama 4, Qwen3-Next, Gemma 3n, gpt-oss) add their layer lists in
:mod:`knowledge.estimator.from_config_layers`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from knowledge.errors import ModelSourceError
from knowledge.estimator import from_config_layers as layered
from knowledge.estimator.architecture import MLA, Architecture, MoE, sliding_pattern
from knowledge.estimator.catalog import Model, Provenance

HUB_URL = "https://huggingface.co"


@dataclass(frozen=True)
class _Family:
    """What a config.json of one ``model_type`` leaves implicit."""

    label: str
    tied_default: bool = False  # tie_word_embeddings when the file does not say
    qkv_bias: bool | None = None  # fixed by the family (Qwen2: q, k and v have biases); None: "attention_bias"
    qk_norm: bool = False  # RMSNorm over each query and key head (Qwen3, Gemma 3)
    norms_per_layer: int = 2  # Gemma 2 and 3 add a norm after attention and after the MLP
    layernorm: bool = False  # LayerNorm with bias instead of RMSNorm (PhiMoE)
    lm_head_bias: bool = False
    defaults: Mapping[str, Any] = field(default_factory=dict)


_GEMMA3_TEXT = {  # transformers Gemma3TextConfig: the multimodal checkpoints' text_config omits these
    "vocab_size": 262_208,
    "num_attention_heads": 8,
    "num_key_value_heads": 4,
    "head_dim": 256,
    "max_position_embeddings": 131_072,
    "sliding_window": 4096,
    "sliding_window_pattern": 6,
}
_GEMMA3N_TEXT = {  # transformers Gemma3nTextConfig's defaults (Gemma 3n E4B)
    "vocab_size": 262_400,
    "vocab_size_per_layer_input": 262_144,
    "hidden_size_per_layer_input": 256,
    "num_attention_heads": 8,
    "num_key_value_heads": 2,
    "head_dim": 256,
    "max_position_embeddings": 32_768,
    "sliding_window": 512,
    "num_kv_shared_layers": 15,
}
FAMILIES: dict[str, _Family] = {
    "llama": _Family("Llama"),
    "mistral": _Family("Mistral"),
    "mixtral": _Family("Mixtral"),
    "qwen2": _Family("Qwen2", qkv_bias=True),
    "qwen2_moe": _Family("Qwen2-MoE", qkv_bias=True),
    "qwen3": _Family("Qwen3", qk_norm=True),
    "qwen3_moe": _Family("Qwen3-MoE", qk_norm=True),
    "gemma": _Family("Gemma", tied_default=True, defaults={"head_dim": 256}),
    "gemma2": _Family("Gemma 2", tied_default=True, norms_per_layer=4, defaults={"head_dim": 256}),
    "gemma3_text": _Family("Gemma 3", tied_default=True, qk_norm=True, norms_per_layer=4, defaults=_GEMMA3_TEXT),
    "phi3": _Family("Phi-3"),
    "phimoe": _Family("PhiMoE", layernorm=True, lm_head_bias=True),
    "deepseek_v2": _Family("DeepSeek V2"),
    "deepseek_v3": _Family("DeepSeek V3"),
    "llama4_text": _Family("Llama 4", defaults={"head_dim": 128, "num_key_value_heads": 8}),
    "qwen3_next": _Family("Qwen3-Next", qk_norm=True),
    "gemma3n_text": _Family("Gemma 3n", tied_default=True, qk_norm=True, norms_per_layer=4, defaults=_GEMMA3N_TEXT),
    "gpt_oss": _Family("gpt-oss", defaults={"head_dim": 64}),
}
# A multimodal config's model_type whose text_config may omit its own (transformers' composite configs).
_TEXT_TYPES = {"gemma3": "gemma3_text", "llama4": "llama4_text", "gemma3n": "gemma3n_text"}
# The precision a config.json's quantization_config says the weights are released in (a precisions.yaml id).
_RELEASED_AS = {"mxfp4": "mxfp4_experts", "fp8": "fp8"}


def _fail(reference: str, reason: str, why: str, **fields: object) -> ModelSourceError:
    """The one-line refusal; ``why`` names the reason's message (``reason.config_<why>``) so an answer can
    say it in the asker's language, with ``fields`` filling it."""
    supported = ", ".join(sorted({family.label for family in FAMILIES.values()}))
    return ModelSourceError(
        f"{reference}: {reason}, so vrambot cannot estimate it yet. It reads config.json files of {supported}; "
        "for another model, name one from the catalog (`vrambot models`) or give a GGUF file of it.",
        key="error.config_unsupported",
        reference=reference,
        reason=reason,
        supported=supported,
        why=f"config_{why}",
        **fields,
    )


def text_config(config: Mapping[str, Any]) -> Mapping[str, Any]:
    """The language model's part of a config: ``text_config`` for image-text checkpoints (Gemma 3 4B and up)."""
    inner = config.get("text_config")
    return inner if isinstance(inner, Mapping) else config


class _Reader:
    """Typed access to a config's fields with the family's defaults, failing with the field's name."""

    def __init__(self, config: Mapping[str, Any], family: _Family, reference: str) -> None:
        self.config = config
        self.family = family
        self.reference = reference

    def get(self, key: str, default: Any = None) -> Any:
        value = self.config.get(key)
        if value is None:
            value = self.family.defaults.get(key, default)
        return value

    def fail(self, reason: str, why: str, **fields: object) -> ModelSourceError:
        return _fail(self.reference, reason, why, **fields)

    def int(self, key: str, default: int | None = None) -> int:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(f"its config.json has no positive integer {key!r}", "field", field=key)
        return value


def _sliding(read: _Reader, model_type: str, layers: int) -> tuple[int | None, int]:
    """The window and how many layers use it (transformers' ``layer_types`` where the config gives them)."""
    window = read.get("sliding_window")
    if not isinstance(window, int) or isinstance(window, bool) or window <= 0:
        return None, 0
    layer_types = read.get("layer_types")
    if isinstance(layer_types, list) and layer_types:
        count = sum(kind == "sliding_attention" for kind in layer_types[:layers])
    elif model_type in ("qwen2", "qwen2_moe", "qwen3", "qwen3_moe"):
        # Qwen: layers from max_window_layers on slide, and only with use_sliding_window (off in released models)
        count = layers - min(layers, read.int("max_window_layers", layers)) if read.get("use_sliding_window") else 0
    elif model_type == "gemma2":
        count = (layers + 1) // 2  # even layers slide: 0, 2, 4, ...
    elif model_type == "gemma3_text":
        pattern = read.int("sliding_window_pattern", 6)
        count = sum((index + 1) % pattern != 0 for index in range(layers))  # five local layers to one global
    elif model_type in ("mistral", "mixtral"):
        count = layers  # Mistral 7B v0.1: every layer keeps the last 4,096 tokens
    else:
        count = 0  # Phi-3's window is not applied to the KV cache transformers allocates (as in the catalog)
    return (window, count) if count else (None, 0)


def _moe(read: _Reader, model_type: str, layers: int) -> MoE | None:
    if model_type in ("mixtral", "phimoe"):
        return MoE(
            experts=read.int("num_local_experts"),
            top_k=read.int("num_experts_per_tok"),
            expert_intermediate_size=read.int("intermediate_size"),
        )
    if model_type in ("qwen2_moe", "qwen3_moe"):
        if read.get("decoder_sparse_step", 1) != 1 or read.get("mlp_only_layers"):
            raise read.fail("dense layers interleaved with its MoE layers", "interleaved_dense")
        expert = read.int("moe_intermediate_size")
        shared = read.get("shared_expert_intermediate_size") or 0
        if shared % expert:
            raise read.fail("a shared expert whose width is not a multiple of the routed experts'", "shared_width")
        # A shared expert of width k x the routed width holds the parameters of k routed experts.
        return MoE(
            experts=read.int("num_experts"),
            top_k=read.int("num_experts_per_tok"),
            expert_intermediate_size=expert,
            shared_experts=shared // expert,
        )
    if model_type in ("deepseek_v2", "deepseek_v3"):
        if read.get("moe_layer_freq", 1) != 1:
            raise read.fail("MoE layers only every few layers", "moe_every_few")
        return MoE(
            experts=read.int("n_routed_experts"),
            top_k=read.int("num_experts_per_tok"),
            expert_intermediate_size=read.int("moe_intermediate_size"),
            shared_experts=read.get("n_shared_experts") or 0,
            dense_layers=min(layers, read.get("first_k_dense_replace") or 0),
        )
    return None


def _mla(read: _Reader) -> MLA:
    q_lora_rank = read.get("q_lora_rank")
    return MLA(
        q_lora_rank=q_lora_rank if q_lora_rank else None,
        kv_lora_rank=read.int("kv_lora_rank"),
        qk_nope_head_dim=read.int("qk_nope_head_dim"),
        qk_rope_head_dim=read.int("qk_rope_head_dim"),
        v_head_dim=read.int("v_head_dim"),
    )


def _model_type(config: Mapping[str, Any]) -> str:
    model_type = str(text_config(config).get("model_type") or config.get("model_type") or "")
    return _TEXT_TYPES.get(model_type, model_type)  # a text_config without its own model_type


def _layered(read: _Reader, config: Mapping[str, Any], model_type: str, layers: int, hidden: int) -> dict[str, Any]:
    """The per-layer fields of the families whose layers differ (empty for the others)."""
    if model_type == "llama4_text":
        return layered.llama4(read, config, layers, hidden)
    if model_type == "qwen3_next":
        return layered.qwen3_next(read, layers)
    if model_type == "gemma3n_text":
        return layered.gemma3n(read, config, layers)
    if model_type == "gpt_oss":
        return layered.gpt_oss(read, layers)
    return {}


def architecture_from_config(config: Mapping[str, Any], reference: str = "this model") -> Architecture:
    """The Architecture a config.json describes; ModelSourceError (one line, with the reason) otherwise."""
    text = text_config(config)
    model_type = _model_type(config)
    family = FAMILIES.get(model_type)
    if family is None:
        shown = model_type or "none"
        raise _fail(reference, f"its config.json is of model_type {shown!r}", "model_type", model_type=shown)
    read = _Reader(text, family, reference)
    layers = read.int("num_hidden_layers")
    hidden = read.int("hidden_size")
    heads = read.int("num_attention_heads")
    kv_heads = read.int("num_key_value_heads", heads)
    mla = _mla(read) if model_type.startswith("deepseek") else None
    if mla is not None:
        kv_heads, head_dim = heads, mla.qk_nope_head_dim + mla.qk_rope_head_dim
    else:
        head_dim = read.int("head_dim", hidden // heads if hidden % heads == 0 else None)
    window, sliding_layers = _sliding(read, model_type, layers)
    bias = bool(read.get("attention_bias", False))
    tied = read.get("tie_word_embeddings")
    if tied is None:
        tied = config.get("tie_word_embeddings", family.tied_default)
    if mla is not None:
        attention = "mla"
    else:
        attention = "mha" if kv_heads == heads else "mqa" if kv_heads == 1 else "gqa"
    try:
        fields = _layered(read, config, model_type, layers, hidden)
        base = {
            "qkv_bias": family.qkv_bias if family.qkv_bias is not None else bias,
            "attn_out_bias": bias and family.qkv_bias is None,
            "mlp_bias": bool(read.get("mlp_bias", False)),
            "sliding_window_tokens": window,
            "attention_pattern": sliding_pattern(sliding_layers, layers),
            "qk_norm": family.qk_norm,
            "moe": None if "moe" in fields else _moe(read, model_type, layers),
        }
        if "intermediate_size" not in fields:
            base["intermediate_size"] = read.int("intermediate_size")
        return Architecture(
            layers=layers,
            hidden_size=hidden,
            attention_heads=heads,
            kv_heads=kv_heads,
            head_dim=head_dim,
            vocab_size=read.int("vocab_size"),
            max_context_tokens=read.int("max_position_embeddings"),
            tied_embeddings=bool(tied),
            gated_mlp=True,  # every family above has a gated (SwiGLU or GeGLU) MLP
            attention=attention,
            norm="layernorm" if family.layernorm else "rmsnorm",
            norms_per_layer=family.norms_per_layer,
            lm_head_bias=family.lm_head_bias,
            mla=mla,
            **(base | fields),
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "its fields"
        detail = str(first["msg"])
        reason = f"its config.json does not add up ({where}: {detail})"
        raise _fail(reference, reason, "inconsistent", where=where, detail=detail) from error


def repo_slug(repo: str) -> str:
    """A catalog-style id from a repo id: "Qwen/Qwen2.5-Coder-32B" → "qwen-qwen2.5-coder-32b"."""
    slug = re.sub(r"[^a-z0-9.]+", "-", repo.lower()).strip("-.")
    return re.sub(r"-\.+|\.+-", "-", slug) or "model"


def hub_model(
    repo: str,
    config: Mapping[str, Any],
    *,
    params_counted: int | None = None,
    endpoint: str = HUB_URL,
) -> Model:
    """The Model a Hub repo's config.json describes, its provenance recorded (the repo, the Hub's count)."""
    arch = architecture_from_config(config, repo)
    family = FAMILIES.get(_model_type(config))
    quantization = config.get("quantization_config") or text_config(config).get("quantization_config")
    method = quantization.get("quant_method") if isinstance(quantization, Mapping) else None
    return Model(
        id=f"hf-{repo_slug(repo)}",
        name=repo,
        family=family.label if family is not None else "Hub",
        params_official=params_counted or arch.total_params(),
        architecture=arch,
        native_precision=_RELEASED_AS.get(str(method), "bf16"),
        source=f"{endpoint.rstrip('/')}/{repo}/blob/main/config.json",
        provenance=Provenance(kind="hub", reference=repo, params_counted=params_counted),
    )


def draft_entry(model: Model, repo: str) -> dict[str, Any]:
    """A models.yaml entry for a Hub model, in the catalog's field order, for a person to review.

    The alias is the repo's name without its organisation, lower-case, as the catalog's aliases are; the
    catalog finds the repo itself through ``source``.
    """
    name = repo.split("/", 1)[-1]
    counted = model.provenance.params_counted if model.provenance is not None else None
    how = "the Hub's safetensors parameter count" if counted else "the count computed from the architecture"
    apart = abs(model.params - model.params_official) / model.params_official
    differs = (
        f" The Hub counts {model.params_official:,} parameters and the architecture {model.params:,} "
        f"({apart:.1%} apart): record why (a vision tower, MTP layers, packed quantized weights) or fix it."
        if apart > 0.01
        else ""
    )
    entry: dict[str, Any] = {
        "id": repo_slug(name),
        "name": name,
        "family": model.family.lower().replace(" ", "-"),
        "aliases": [name.lower()],
        "params_official": model.params_official,
    }
    if model.native_precision != "bf16":  # released quantized (gpt-oss's MXFP4 experts, FP8)
        entry["native_precision"] = model.native_precision
    return entry | {
        "source": f"{HUB_URL}/{repo}/blob/main/config.json",
        "notes": f"Drafted by `vrambot catalog add {repo}` from its config.json; params_official is {how}. "
        f"Check it against the model card before committing.{differs}",
        "architecture": model.architecture.model_dump(mode="json", exclude_defaults=True),
    }
