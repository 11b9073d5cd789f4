"""Transformer architecture as config.json gives it, layer by layer, and the counts derived from it.

A model is global sizes (hidden, heads, vocabulary...) plus a list of layers, each with an attention kind
and an MLP kind. The list is written compactly as repeating patterns (``attention_pattern: [sliding*5,
full]`` is Gemma 3's five local layers to one global; ``mlp_pattern: [dense, moe]`` is Llama 4 Maverick's
interleaved MoE), so a new family is data, not code. Parameters, KV cache, activations and LoRA targets
all sum over :meth:`Architecture.layer_list`.

The count follows the Llama-style formula of ``shared/reference/estimators.md`` (B1), extended to the
variants in the catalog: biases (GPT-2, GPT-J, Phi-2, Qwen2 qkv, gpt-oss), LayerNorm with bias, learned
position embeddings, parallel attention (one norm per layer), multi-query and grouped-query attention,
sliding-window and chunked local attention, attention sinks (gpt-oss), gated attention output and Gated
DeltaNet linear attention (Qwen3-Next), mixture of experts (routed, shared, gated shared, interleaved with
dense layers), multi-head latent attention (DeepSeek V3), per-layer embeddings (Gemma 3n) and vision towers.
"""

from __future__ import annotations

import functools
import re
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, NonNegativeInt, PositiveInt, model_validator

AttentionType = Literal["mha", "gqa", "mqa", "mla"]
LayerAttention = Literal["full", "sliding", "linear", "cross"]
LayerMlp = Literal["dense", "moe"]
_PATTERN_ITEM = re.compile(r"^([a-z]+)(?:\*(\d+))?$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class MoE(_Frozen):
    """Mixture of experts: every expert is in memory; top_k routed (plus shared) experts are active."""

    experts: PositiveInt
    top_k: PositiveInt
    expert_intermediate_size: PositiveInt
    shared_experts: NonNegativeInt = 0
    shared_expert_intermediate_size: PositiveInt | None = None  # when it differs from the routed experts'
    shared_expert_gate: bool = False  # a hidden -> 1 sigmoid gate on the shared expert (Qwen2-MoE, Qwen3-Next)
    router_bias: bool = False  # gpt-oss
    dense_layers: NonNegativeInt = 0  # leading layers with a dense MLP (DeepSeek V3: 3); or use mlp_pattern


class MLA(_Frozen):
    """Multi-head latent attention (DeepSeek V2/V3): the KV cache holds a compressed latent per token."""

    q_lora_rank: PositiveInt | None
    kv_lora_rank: PositiveInt
    qk_nope_head_dim: PositiveInt
    qk_rope_head_dim: PositiveInt
    v_head_dim: PositiveInt
    # DeepSeek Sparse Attention's lightning indexer (V3.2): its heads score past tokens from a cached key of
    # index_head_dim per token and layer; attention then reads the top 2048.
    index_heads: NonNegativeInt = 0
    index_head_dim: NonNegativeInt = 0

    def indexer_params(self, hidden: int) -> int:
        """wq_b (q latent -> heads x dim), wk (hidden -> dim), its LayerNorm, the per-head weights."""
        if not self.index_heads:
            return 0
        q_in = self.q_lora_rank or hidden
        dim = self.index_head_dim
        return q_in * self.index_heads * dim + hidden * dim + 2 * dim + hidden * self.index_heads


class LinearAttention(_Frozen):
    """Gated DeltaNet linear attention (Qwen3-Next): a fixed recurrent state instead of a growing KV cache.

    Projections (transformers ``Qwen3NextGatedDeltaNet``): q, k (key_heads x key_head_dim each), v and the
    output gate z (value_heads x value_head_dim each) from the hidden state; beta and alpha (value_heads each);
    a depthwise causal convolution over q, k and v; per-head dt bias and A; a gated RMSNorm of value_head_dim;
    the output projection back to hidden. State per sequence: value_heads x key_head_dim x value_head_dim,
    plus the convolution's last (kernel - 1) inputs.
    """

    key_heads: PositiveInt
    value_heads: PositiveInt
    key_head_dim: PositiveInt
    value_head_dim: PositiveInt
    conv_kernel: PositiveInt

    @property
    def key_dim(self) -> int:
        return self.key_heads * self.key_head_dim

    @property
    def value_dim(self) -> int:
        return self.value_heads * self.value_head_dim

    @property
    def conv_dim(self) -> int:
        return 2 * self.key_dim + self.value_dim

    def params(self, hidden: int) -> int:
        projections = hidden * (2 * self.key_dim + 2 * self.value_dim) + hidden * 2 * self.value_heads
        conv = self.conv_dim * self.conv_kernel
        per_head = 2 * self.value_heads + self.value_head_dim  # dt_bias, A_log; gated norm weight
        return projections + conv + per_head + self.value_dim * hidden

    def state_elements(self) -> int:
        return self.value_heads * self.key_head_dim * self.value_head_dim + self.conv_dim * (self.conv_kernel - 1)


class PerLayerEmbeddings(_Frozen):
    """Gemma 3n's per-layer embeddings: a second token table of layers x width entries, projected per layer."""

    vocab_size: PositiveInt
    hidden_size: PositiveInt  # width per layer (hidden_size_per_layer_input)


class VisionTower(_Frozen):
    """An image encoder and its projector into the text model; its weights count in the model's total.

    Either a ViT described by its sizes (patch embedding, position embeddings, pre-norm blocks with biases,
    a final LayerNorm; SigLIP, CLIP) plus ``projector_params``, or a published ``params`` count (with the
    source in the model's notes) for towers that are not a plain ViT.
    """

    params: PositiveInt | None = None
    layers: PositiveInt | None = None
    hidden_size: PositiveInt | None = None
    intermediate_size: PositiveInt | None = None
    patch_size: PositiveInt | None = None
    image_size: PositiveInt | None = None
    channels: PositiveInt = 3
    patch_bias: bool = True
    class_token: bool = False
    pre_norm: bool = False  # a LayerNorm before the blocks (CLIP, Llama 4) as well as after them
    projector_params: NonNegativeInt = 0

    @model_validator(mode="after")
    def _described(self) -> VisionTower:
        sizes = (self.layers, self.hidden_size, self.intermediate_size, self.patch_size, self.image_size)
        if self.params is None and any(size is None for size in sizes):
            raise ValueError("give either params or layers, hidden_size, intermediate_size, patch_size, image_size")
        return self

    def total_params(self) -> int:
        if self.params is not None:
            return self.params + self.projector_params
        assert self.layers and self.hidden_size and self.intermediate_size and self.patch_size and self.image_size
        h, i = self.hidden_size, self.intermediate_size
        positions = (self.image_size // self.patch_size) ** 2 + (1 if self.class_token else 0)
        patch = self.channels * self.patch_size**2 * h + (h if self.patch_bias else 0)
        block = 4 * (h * h + h) + 2 * h * i + i + h + 2 * 2 * h  # q, k, v, o; fc1, fc2; two LayerNorms
        extras = (h if self.class_token else 0) + (2 * h if self.pre_norm else 0) + 2 * h
        return patch + positions * h + self.layers * block + extras + self.projector_params


class Layer(NamedTuple):
    """One transformer block: how it attends and what MLP follows."""

    attention: LayerAttention
    mlp: LayerMlp


def expand_pattern(pattern: tuple[str, ...], layers: int) -> tuple[str, ...]:
    """``[sliding*5, full]`` -> the kinds of ``layers`` layers, the pattern repeated from layer 0."""
    period: list[str] = []
    for item in pattern:
        match = _PATTERN_ITEM.match(item.strip())
        if match is None:
            raise ValueError(f"pattern item {item!r}: write a kind, or kind*count (sliding*5)")
        period.extend([match.group(1)] * int(match.group(2) or 1))
    if not period or len(period) > layers:
        raise ValueError(f"pattern {list(pattern)} must cover between 1 and {layers} layers")
    return tuple(period[index % len(period)] for index in range(layers))


def sliding_pattern(sliding_layers: int, layers: int) -> tuple[str, ...] | None:
    """An attention pattern with ``sliding_layers`` sliding-window layers out of ``layers`` (None: none slide).

    For readers that know only how many layers slide (config.json without ``layer_types``, GGUF headers): the
    KV cache depends on the count, not on where those layers sit.
    """
    if sliding_layers <= 0:
        return None
    if sliding_layers >= layers:
        return ("sliding",)
    return (f"sliding*{sliding_layers}", f"full*{layers - sliding_layers}")


class Architecture(_Frozen):
    """The fields of a model's config.json that decide its memory."""

    layers: PositiveInt
    hidden_size: PositiveInt
    intermediate_size: PositiveInt  # dense MLP layers
    attention_heads: PositiveInt
    kv_heads: PositiveInt
    head_dim: PositiveInt
    vocab_size: PositiveInt
    max_context_tokens: PositiveInt
    tied_embeddings: bool
    gated_mlp: bool
    attention: AttentionType
    norm: Literal["rmsnorm", "layernorm"] = "rmsnorm"
    norms_per_layer: PositiveInt = 2
    qkv_bias: bool = False
    attn_out_bias: bool = False
    mlp_bias: bool = False
    lm_head_bias: bool = False
    learned_position_embeddings: NonNegativeInt = 0
    # Per-layer attention: full, sliding (the window, or Llama 4's chunk, of sliding_window_tokens), linear
    # (a fixed state, `linear_attention`) or cross (to image tokens). Absent: every layer full.
    # "sliding*3, full": 3 local to 1 global, repeated from layer 0.
    attention_pattern: tuple[str, ...] | None = None
    sliding_window_tokens: PositiveInt | None = None
    # Per-layer MLP for MoE models: dense or moe. Absent: moe.dense_layers dense layers first, then MoE.
    mlp_pattern: tuple[str, ...] | None = None
    qk_norm: bool = False  # RMSNorm on each query and key head (Qwen3, Gemma 3): 2 x head_dim weights per layer
    attention_sinks: bool = False  # one learned sink logit per head and layer (gpt-oss)
    attention_output_gate: bool = False  # q_proj also emits a per-channel output gate (Qwen3-Next)
    # Cross-attention layers (Llama 3.2 Vision) attend to the image's tokens, not the text: they cache K and V
    # of this many image tokens per sequence, whatever the context.
    cross_attention_tokens: PositiveInt | None = None
    kv_shared_layers: NonNegativeInt = 0  # the last layers reuse earlier layers' K and V (Gemma 3n)
    moe: MoE | None = None
    mla: MLA | None = None
    linear_attention: LinearAttention | None = None
    per_layer_embeddings: PerLayerEmbeddings | None = None
    vision: VisionTower | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Architecture:
        expected: AttentionType
        if self.mla is not None:
            expected = "mla"
        elif self.kv_heads == self.attention_heads:
            expected = "mha"
        elif self.kv_heads == 1:
            expected = "mqa"
        else:
            expected = "gqa"
        if self.attention != expected:
            raise ValueError(f"attention is {self.attention!r} but the heads say {expected!r}")
        if self.attention_heads % self.kv_heads:
            raise ValueError("attention_heads must be a multiple of kv_heads")
        kinds = set(self.attention_kinds())
        if not kinds <= {"full", "sliding", "linear", "cross"}:
            raise ValueError(f"attention_pattern kinds must be full, sliding, linear or cross, not {sorted(kinds)}")
        if "cross" in kinds and self.cross_attention_tokens is None:
            raise ValueError("cross layers need cross_attention_tokens")
        if "sliding" in kinds and self.sliding_window_tokens is None:
            raise ValueError("sliding layers need sliding_window_tokens")
        if "linear" in kinds and self.linear_attention is None:
            raise ValueError("linear layers need linear_attention")
        mlps = set(self.mlp_kinds())
        if not mlps <= {"dense", "moe"}:
            raise ValueError(f"mlp_pattern kinds must be dense or moe, not {sorted(mlps)}")
        if "moe" in mlps and self.moe is None:
            raise ValueError("moe layers need a moe block")
        if self.mlp_pattern is not None and self.moe is not None and self.moe.dense_layers:
            raise ValueError("give mlp_pattern or moe.dense_layers, not both")
        if self.kv_shared_layers >= self.layers:
            raise ValueError("kv_shared_layers must leave at least one layer with its own cache")
        return self

    # -- the layer list -------------------------------------------------------------------------------

    def attention_kinds(self) -> tuple[str, ...]:
        if self.attention_pattern is None:
            return ("full",) * self.layers
        return expand_pattern(self.attention_pattern, self.layers)

    def mlp_kinds(self) -> tuple[str, ...]:
        if self.mlp_pattern is not None:
            return expand_pattern(self.mlp_pattern, self.layers)
        if self.moe is None:
            return ("dense",) * self.layers
        return tuple("dense" if index < self.moe.dense_layers else "moe" for index in range(self.layers))

    def layer_list(self) -> tuple[Layer, ...]:
        """Every block, in order, with its attention and MLP kind."""
        return _layer_list_cached(self)

    @property
    def sliding_window_layers(self) -> int:
        return sum(layer.attention == "sliding" for layer in self.layer_list())

    @property
    def linear_attention_layers(self) -> int:
        return sum(layer.attention == "linear" for layer in self.layer_list())

    @property
    def full_attention_layers(self) -> int:
        return sum(layer.attention == "full" for layer in self.layer_list())

    @property
    def moe_layers(self) -> int:
        return sum(layer.mlp == "moe" for layer in self.layer_list())

    # -- parameter counts ---------------------------------------------------------------------------

    @property
    def _norm_params(self) -> int:
        return self.hidden_size * (2 if self.norm == "layernorm" else 1)

    @property
    def q_dim(self) -> int:
        """Width of the queries (heads x head_dim; MLA: heads x (nope + rope) dims)."""
        if self.mla is not None:
            return self.attention_heads * (self.mla.qk_nope_head_dim + self.mla.qk_rope_head_dim)
        return self.attention_heads * self.head_dim

    @property
    def kv_dim(self) -> int:
        """Width of the values (KV heads x head_dim; MLA: heads x v_head_dim)."""
        if self.mla is not None:
            return self.attention_heads * self.mla.v_head_dim
        return self.kv_heads * self.head_dim

    def attention_params(self, kind: str = "full") -> int:
        """Parameters of one attention block of a kind (projections, biases, head norms, sinks)."""
        h = self.hidden_size
        if kind == "linear":
            assert self.linear_attention is not None  # validated
            return self.linear_attention.params(h)
        if self.mla is not None:
            m = self.mla
            qk_dim = m.qk_nope_head_dim + m.qk_rope_head_dim
            if m.q_lora_rank is None:
                q = h * self.attention_heads * qk_dim
            else:
                q = h * m.q_lora_rank + m.q_lora_rank + m.q_lora_rank * self.attention_heads * qk_dim
            kv = (
                h * (m.kv_lora_rank + m.qk_rope_head_dim)
                + m.kv_lora_rank
                + m.kv_lora_rank * self.attention_heads * (m.qk_nope_head_dim + m.v_head_dim)
            )
            return q + kv + self.attention_heads * m.v_head_dim * h + m.indexer_params(h)
        q_dim = self.attention_heads * self.head_dim
        q_out = 2 * q_dim if self.attention_output_gate else q_dim
        kv_dim = self.kv_heads * self.head_dim
        params = h * (q_out + 2 * kv_dim) + q_dim * h
        if self.qkv_bias:
            params += q_out + 2 * kv_dim
        if self.attn_out_bias:
            params += h
        if self.qk_norm:
            params += 2 * self.head_dim
        if self.attention_sinks:
            params += self.attention_heads
        if kind == "cross":  # Llama 3.2 Vision: q and k head norms, tanh gates on attention and MLP outputs
            params += (0 if self.qk_norm else 2 * self.head_dim) + 2
        return params

    def _mlp_params(self, intermediate: int) -> int:
        h = self.hidden_size
        matrices = 3 if self.gated_mlp else 2
        params = matrices * h * intermediate
        if self.mlp_bias:
            params += (matrices - 1) * intermediate + h
        return params

    def dense_mlp_params(self) -> int:
        """Parameters of one dense MLP block."""
        return self._mlp_params(self.intermediate_size)

    def expert_params(self) -> int:
        """Parameters of one routed expert (zero for a dense model)."""
        return 0 if self.moe is None else self._mlp_params(self.moe.expert_intermediate_size)

    def shared_expert_params(self) -> int:
        """Parameters of the shared experts of one MoE layer, their gate included."""
        if self.moe is None or not self.moe.shared_experts:
            return 0
        size = self.moe.shared_expert_intermediate_size or self.moe.expert_intermediate_size
        gate = self.hidden_size if self.moe.shared_expert_gate else 0
        return self.moe.shared_experts * self._mlp_params(size) + gate

    def mlp_params(self, kind: str, *, active: bool = False) -> int:
        """One MLP block: dense, or MoE with every routed expert (or only the top-k when ``active``)."""
        if kind == "dense" or self.moe is None:
            return self.dense_mlp_params()
        routed = self.moe.top_k if active else self.moe.experts
        router = self.hidden_size * self.moe.experts + (self.moe.experts if self.moe.router_bias else 0)
        return routed * self.expert_params() + self.shared_expert_params() + router

    def _layer_params(self, *, active: bool) -> tuple[int, ...]:
        # Cached: the estimator asks for these counts many times per estimate (the model is frozen).
        return _layer_params_cached(self, active)

    def _compute_layer_params(self, *, active: bool) -> tuple[int, ...]:
        norms = self.norms_per_layer * self._norm_params
        per_layer_input = 0
        if self.per_layer_embeddings is not None:  # gate h -> w, projection w -> h, a norm of h
            per_layer_input = 2 * self.hidden_size * self.per_layer_embeddings.hidden_size + self.hidden_size
        by_kind = {
            layer: self.attention_params(layer.attention) + norms + self.mlp_params(layer.mlp, active=active)
            + per_layer_input
            for layer in set(self.layer_list())
        }
        return tuple(by_kind[layer] for layer in self.layer_list())

    def embedding_params(self) -> int:
        """Token (and learned position, and per-layer) embeddings."""
        params = (self.vocab_size + self.learned_position_embeddings) * self.hidden_size
        ple = self.per_layer_embeddings
        if ple is not None:  # the table, and the projection of the main embedding to every layer's slice
            width = self.layers * ple.hidden_size
            params += ple.vocab_size * width + self.hidden_size * width + ple.hidden_size
        return params

    def lm_head_params(self) -> int:
        """The output head when it is not tied to the embeddings."""
        if self.tied_embeddings:
            return self.vocab_size if self.lm_head_bias else 0
        return self.vocab_size * self.hidden_size + (self.vocab_size if self.lm_head_bias else 0)

    def vision_params(self) -> int:
        """The image encoder and its projector (zero for a text-only model)."""
        return 0 if self.vision is None else self.vision.total_params()

    def total_params(self) -> int:
        """Every parameter held in memory (all experts, the vision tower)."""
        return _totals_cached(self)[0]

    def active_params(self) -> int:
        """Parameters used per generated token: top-k experts for MoE, no vision tower (it reads images once)."""
        return _totals_cached(self)[1]

    def linear_layer_params(self) -> int:
        """Parameters in the transformer blocks' linear layers (what LoRA and 4-bit quantization touch)."""
        return sum(self._layer_params(active=False)) - self.layers * self.norms_per_layer * self._norm_params

    def routed_expert_params(self) -> int:
        """Weight matrices of every routed expert in every MoE layer (what gpt-oss ships in MXFP4; their
        biases stay 16-bit)."""
        if self.moe is None:
            return 0
        matrices = 3 if self.gated_mlp else 2
        return self.moe_layers * self.moe.experts * matrices * self.hidden_size * self.moe.expert_intermediate_size

    # -- attention layout -----------------------------------------------------------------------------

    def kv_elements_per_token(self, context_tokens: int) -> int:
        """Elements of K and V cached per sequence at a context length, summed over layers.

        Full layers cache every token, sliding layers at most their window, linear layers nothing per token
        (their fixed state is :meth:`state_elements`); layers that reuse another layer's cache add nothing.
        """
        if self.mla is not None:
            per_layer_token = self.mla.kv_lora_rank + self.mla.qk_rope_head_dim + self.mla.index_head_dim
        else:
            per_layer_token = 2 * self.kv_heads * self.head_dim
        window = min(context_tokens, self.sliding_window_tokens or context_tokens)
        cached = self.layer_list()[: self.layers - self.kv_shared_layers]
        full = sum(layer.attention == "full" for layer in cached)
        sliding = sum(layer.attention == "sliding" for layer in cached)
        return per_layer_token * (full * context_tokens + sliding * window)

    def state_elements(self) -> int:
        """Elements cached per sequence whatever its length: linear-attention states, image K and V."""
        elements = 0
        if self.linear_attention is not None:
            elements += self.linear_attention_layers * self.linear_attention.state_elements()
        if self.cross_attention_tokens is not None:
            cross = sum(layer.attention == "cross" for layer in self.layer_list())
            elements += cross * 2 * self.kv_heads * self.head_dim * self.cross_attention_tokens
        return elements

    def cache_elements(self, context_tokens: int) -> int:
        """Everything cached per sequence: K and V of attention layers plus linear layers' states."""
        return self.kv_elements_per_token(context_tokens) + self.state_elements()

    def mlp_width(self, kind: str) -> int:
        """Intermediate width a token passes through in one MLP of a kind (top-k plus shared experts)."""
        if kind == "dense" or self.moe is None:
            return self.intermediate_size
        shared_size = self.moe.shared_expert_intermediate_size or self.moe.expert_intermediate_size
        shared = self.moe.shared_experts * shared_size
        return self.moe.top_k * self.moe.expert_intermediate_size + shared


@functools.lru_cache(maxsize=1024)
def _layer_params_cached(arch: Architecture, active: bool) -> tuple[int, ...]:
    return arch._compute_layer_params(active=active)


@functools.lru_cache(maxsize=1024)
def _totals_cached(arch: Architecture) -> tuple[int, int]:
    """(total, active) parameters; cached, as the recommender asks for them for every model many times."""
    outside = arch.embedding_params() + arch._norm_params + arch.lm_head_params()
    total = outside + sum(arch._layer_params(active=False)) + arch.vision_params()
    active = outside + sum(arch._layer_params(active=True))
    return total, active


@functools.lru_cache(maxsize=1024)
def _layer_list_cached(arch: Architecture) -> tuple[Layer, ...]:
    return tuple(map(_layer, arch.attention_kinds(), arch.mlp_kinds()))


@functools.cache
def _layer(attention: str, mlp: str) -> Layer:
    """One shared instance per kind of layer: a 94-layer list holds a handful of distinct layers."""
    return Layer(attention, mlp)  # type: ignore[arg-type]  # kinds validated in Architecture._consistent
