"""GGUF headers of the architectures whose layers differ from one another: which layers slide, share their
cache, attend linearly or carry experts, as llama.cpp decides it for ``llama4``, ``qwen3next``, ``gemma3n``
and ``gpt-oss``.

llama.cpp takes part of this from the ``{arch}.*`` keys and fixes the rest in code (``src/llama-model.cpp``,
``load_hparams``): Llama 4's chunked attention is 8,192 tokens on three layers of four (``set_swa_pattern(4)``)
unless ``attention.sliding_window`` is 0; gpt-oss slides on even layers (``set_swa_pattern(2)``); Gemma 3n
slides on four layers of five (``set_swa_pattern(5)``, or the ``attention.sliding_window_pattern`` list) and
only its first 20 layers keep a cache (``n_layer_kv_from_start``); Qwen3-Next's every fourth layer is full
attention and the others Gated DeltaNet (``recurrent_layer_arr``), sized by the ``ssm.*`` keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from knowledge.errors import ModelSourceError
from knowledge.estimator.architecture import LinearAttention, PerLayerEmbeddings
from knowledge.estimator.from_config_layers import compact_pattern


class GgufTensor(Protocol):
    """A tensor of the header's list (from_gguf.GgufTensor): its shape in ggml order."""

    @property
    def shape(self) -> tuple[int, ...]: ...


class _Keys(Protocol):
    """What from_gguf's key reader offers: ``{arch}.*`` values, and the file's refusal."""

    def get(self, key: str) -> Any: ...

    def int(self, key: str, default: int | None = None) -> int: ...

    def fail(self, reason: str, why: str, **fields: object) -> ModelSourceError: ...


LLAMA4_CHUNK_TOKENS = 8192  # llama.cpp: hparams.n_swa = 8192 for LLM_ARCH_LLAMA4
GEMMA3N_CACHED_LAYERS = 20  # llama.cpp: hparams.n_layer_kv_from_start = 20 for LLM_ARCH_GEMMA3N


def _every(layers: int, period: int, odd_one: str, rest: str) -> tuple[str, ...]:
    """``rest`` on every layer but each ``period``-th (1-based), which is ``odd_one``."""
    return compact_pattern([odd_one if (index + 1) % period == 0 else rest for index in range(layers)])


def layout(arch: str, keys: _Keys, layers: int, names: Mapping[str, GgufTensor]) -> dict[str, Any]:
    """The Architecture fields llama.cpp's handling of ``arch`` adds (empty for other architectures)."""
    window = keys.get("attention.sliding_window")
    if arch == "llama4":
        step = keys.int("interleave_moe_layer_step", 1)
        chunked = window != 0  # a file converted with the chunking off says sliding_window 0
        return {
            "attention_pattern": _every(layers, 4, "full", "sliding") if chunked else None,
            "sliding_window_tokens": LLAMA4_CHUNK_TOKENS if chunked else None,
            "mlp_pattern": _every(layers, step, "moe", "dense") if step > 1 else None,
        }
    if arch == "gpt-oss":
        return {
            "attention_pattern": compact_pattern(["sliding" if index % 2 == 0 else "full" for index in range(layers)]),
            "sliding_window_tokens": keys.int("attention.sliding_window"),
            "attention_sinks": True,
        }
    if arch == "gemma3n":
        return _gemma3n(keys, layers, names)
    if arch == "qwen3next":
        return _qwen3next(keys, layers, names)
    return {}


def _gemma3n(keys: _Keys, layers: int, names: Mapping[str, GgufTensor]) -> dict[str, Any]:
    flags = keys.get("attention.sliding_window_pattern")
    if isinstance(flags, list) and len(flags) == layers:
        pattern = compact_pattern(["sliding" if flag else "full" for flag in flags])
    else:
        pattern = _every(layers, 5, "full", "sliding")
    shared = keys.get("attention.shared_kv_layers")
    if not isinstance(shared, int) or isinstance(shared, bool):
        shared = max(0, layers - GEMMA3N_CACHED_LAYERS)
    table = names.get("per_layer_token_embd.weight")
    width = keys.int("embedding_length_per_layer_input")
    if table is None or len(table.shape) != 2:
        raise keys.fail("its per_layer_token_embd tensor is missing", "missing_tensor", tensor="per_layer_token_embd")
    return {
        "attention_pattern": pattern,
        "sliding_window_tokens": keys.int("attention.sliding_window"),
        "kv_shared_layers": min(layers - 1, shared),
        "per_layer_embeddings": PerLayerEmbeddings(vocab_size=table.shape[1], hidden_size=width),
    }


def _qwen3next(keys: _Keys, layers: int, names: Mapping[str, GgufTensor]) -> dict[str, Any]:
    """Gated DeltaNet sizes: ssm.group_count key heads and ssm.time_step_rank value heads of ssm.state_size
    (keys) and ssm.inner_size / time_step_rank (values); the query projection of full layers is twice the
    heads' width, the second half being the output gate."""
    value_heads = keys.int("ssm.time_step_rank")
    inner = keys.int("ssm.inner_size")
    if inner % value_heads:
        raise keys.fail("its ssm.inner_size is not a multiple of ssm.time_step_rank", "inner_size")
    interval = keys.int("full_attention_interval", 4)
    heads = keys.int("attention.head_count")
    head_dim = keys.int("attention.key_length")
    queries = next((t for name, t in names.items() if name.endswith(".attn_q.weight")), None)
    return {
        "attention_pattern": _every(layers, interval, "full", "linear"),
        "linear_attention": LinearAttention(
            key_heads=keys.int("ssm.group_count"),
            value_heads=value_heads,
            key_head_dim=keys.int("ssm.state_size"),
            value_head_dim=inner // value_heads,
            conv_kernel=keys.int("ssm.conv_kernel"),
        ),
        "attention_output_gate": queries is not None and queries.shape[-1] == 2 * heads * head_dim,
    }
