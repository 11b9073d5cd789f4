"""Transformer architecture as config.json gives it, and the parameter counts derived from it.

The count follows the Llama-style formula of ``shared/reference/estimators.md`` (B1), extended to the
variants in the catalog: biases (GPT-2, GPT-J, Phi-2, Qwen2 qkv), LayerNorm with bias, learned position
embeddings, parallel attention (one norm per layer), multi-query and grouped-query attention, mixture of
experts (routed, shared and dense layers) and multi-head latent attention (DeepSeek V3).
"""

from __future__ import annotations

import functools
from typing import Literal

from pydantic import BaseModel, ConfigDict, NonNegativeInt, PositiveInt, model_validator

AttentionType = Literal["mha", "gqa", "mqa", "mla"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class MoE(_Frozen):
    """Mixture of experts: every expert is in memory; top_k routed (plus shared) experts are active."""

    experts: PositiveInt
    top_k: PositiveInt
    expert_intermediate_size: PositiveInt
    shared_experts: NonNegativeInt = 0
    dense_layers: NonNegativeInt = 0  # leading layers with a dense MLP of `intermediate_size` (DeepSeek V3: 3)


class MLA(_Frozen):
    """Multi-head latent attention (DeepSeek V2/V3): the KV cache holds a compressed latent per token."""

    q_lora_rank: PositiveInt | None
    kv_lora_rank: PositiveInt
    qk_nope_head_dim: PositiveInt
    qk_rope_head_dim: PositiveInt
    v_head_dim: PositiveInt


class Architecture(_Frozen):
    """The fields of a model's config.json that decide its memory."""

    layers: PositiveInt
    hidden_size: PositiveInt
    intermediate_size: PositiveInt
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
    sliding_window_tokens: PositiveInt | None = None
    sliding_window_layers: NonNegativeInt = 0  # how many layers use the sliding window
    qk_norm: bool = False  # RMSNorm on each query and key head (Qwen3, Gemma 3): 2 x head_dim weights per layer
    moe: MoE | None = None
    mla: MLA | None = None

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
        if self.sliding_window_layers > self.layers:
            raise ValueError("sliding_window_layers exceeds layers")
        if self.sliding_window_layers and self.sliding_window_tokens is None:
            raise ValueError("sliding_window_layers needs sliding_window_tokens")
        return self

    # -- parameter counts ---------------------------------------------------------------------------

    @property
    def _norm_params(self) -> int:
        return self.hidden_size * (2 if self.norm == "layernorm" else 1)

    def attention_params(self) -> int:
        """Parameters of one attention block (projections and biases)."""
        h = self.hidden_size
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
            return q + kv + self.attention_heads * m.v_head_dim * h
        q_dim = self.attention_heads * self.head_dim
        kv_dim = self.kv_heads * self.head_dim
        params = h * (q_dim + 2 * kv_dim) + q_dim * h
        if self.qkv_bias:
            params += q_dim + 2 * kv_dim
        if self.attn_out_bias:
            params += h
        if self.qk_norm:
            params += 2 * self.head_dim
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
        """Parameters of one expert (zero for a dense model)."""
        return 0 if self.moe is None else self._mlp_params(self.moe.expert_intermediate_size)

    def _layer_params(self, *, active: bool) -> tuple[int, ...]:
        # Cached: the estimator asks for these counts many times per estimate (the model is frozen).
        return _layer_params_cached(self, active)

    def _compute_layer_params(self, *, active: bool) -> tuple[int, ...]:
        per_layer = []
        for index in range(self.layers):
            params = self.attention_params() + self.norms_per_layer * self._norm_params
            if self.moe is None or index < self.moe.dense_layers:
                params += self.dense_mlp_params()
            else:
                routed = self.moe.top_k if active else self.moe.experts
                params += (routed + self.moe.shared_experts) * self.expert_params()
                params += self.hidden_size * self.moe.experts  # router
            per_layer.append(params)
        return tuple(per_layer)

    def embedding_params(self) -> int:
        """Token (and learned position) embeddings."""
        return (self.vocab_size + self.learned_position_embeddings) * self.hidden_size

    def lm_head_params(self) -> int:
        """The output head when it is not tied to the embeddings."""
        if self.tied_embeddings:
            return self.vocab_size if self.lm_head_bias else 0
        return self.vocab_size * self.hidden_size + (self.vocab_size if self.lm_head_bias else 0)

    def total_params(self) -> int:
        """Every parameter held in memory (all experts)."""
        return (
            self.embedding_params()
            + sum(self._layer_params(active=False))
            + self._norm_params
            + self.lm_head_params()
        )

    def active_params(self) -> int:
        """Parameters used per token (top-k experts for MoE; equal to the total for dense models)."""
        return (
            self.embedding_params()
            + sum(self._layer_params(active=True))
            + self._norm_params
            + self.lm_head_params()
        )

    def linear_layer_params(self) -> int:
        """Parameters in the transformer blocks' linear layers (what LoRA and 4-bit quantization touch)."""
        return sum(self._layer_params(active=False)) - self.layers * self.norms_per_layer * self._norm_params

    # -- attention layout -----------------------------------------------------------------------------

    @property
    def full_attention_layers(self) -> int:
        return self.layers - self.sliding_window_layers

    def kv_elements_per_token(self, context_tokens: int) -> int:
        """Elements of K and V cached per sequence at a context length, summed over layers."""
        if self.mla is not None:
            per_layer = self.mla.kv_lora_rank + self.mla.qk_rope_head_dim
            return self.layers * per_layer * context_tokens
        per_layer_token = 2 * self.kv_heads * self.head_dim
        full = self.full_attention_layers * per_layer_token * context_tokens
        window = min(context_tokens, self.sliding_window_tokens or context_tokens)
        return full + self.sliding_window_layers * per_layer_token * window


@functools.lru_cache(maxsize=1024)
def _layer_params_cached(arch: Architecture, active: bool) -> tuple[int, ...]:
    return arch._compute_layer_params(active=active)
