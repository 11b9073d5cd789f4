"""The setup a question names in words: weight precision, KV-cache precision, runtime and LoRA targets.

The KV cache's type is its own setting: "with a q8_0 KV cache" and "caché KV en 8 bits" set the KV cache,
and leave the weights' precision to the rest of the question. "LoRA on q,v" names the modules adapters train
(PEFT's names: ``q_proj``, ``v_proj``); "with unsloth", "en vLLM", "in ollama" name the runtime.
"""

from __future__ import annotations

import re

from knowledge.answer_model import RuntimeName
from knowledge.errors import InvalidQuery
from knowledge.estimator.memory import LORA_ATTENTION, LORA_MODULES
from knowledge.estimator.precision import kv_bytes_per_element, resolve
from knowledge.understanding import lexicon as lx

_VLLM_LIKE = frozenset({"vllm", "sglang"})  # an "8-bit KV cache" there is FP8; in llama.cpp it is q8_0


def runtime(folded: str) -> RuntimeName | None:
    """The runtime a question names ("in ollama" is llama.cpp)."""
    for name, pattern in lx.RUNTIME_WORDS:
        if pattern.search(folded):
            return name  # type: ignore[return-value]  # the table holds RuntimeName values
    return None


def _kv_type(match: re.Match[str], engine: RuntimeName | None) -> str | None:
    word, bits = match.group(1), match.group(2)
    if bits is not None:
        kv = "fp8" if bits == "8" and engine in _VLLM_LIKE else lx.KV_8_BIT.get(bits)
    elif word is not None:
        kv = lx.GGUF_SHORT.get(word, word)
        kv = {"int8": "q8_0", "int4": "q4_0", "f16": "fp16", "f32": "fp32", "float16": "fp16"}.get(kv, kv)
        if kv == "q8_0" and engine in _VLLM_LIKE:
            kv = "fp8"
    else:
        return None
    if kv is None:
        return None
    try:
        kv_bytes_per_element(kv)
    except InvalidQuery:
        return None
    return kv


def kv_precision(folded: str, engine: RuntimeName | None) -> tuple[str, tuple[int, int]] | None:
    """The KV cache's type and where it was said ("q8_0 kv cache", "cache kv en 8 bits"), if the question says."""
    for cache in lx.KV_CACHE.finditer(folded):
        base = max(0, cache.start() - 16)
        before = folded[base : cache.start()]
        for match in reversed(list(lx.PRECISION.finditer(before))):
            if before[match.end() :].strip(" -") in ("", "de"):
                kv = _kv_type(match, engine)
                if kv is not None:
                    return kv, (base + match.start(), cache.end())
            break
        after = folded[cache.end() : cache.end() + 24]
        for match in lx.PRECISION.finditer(after):
            if lx.KV_LINK_AFTER.match(after[: match.start()]):
                kv = _kv_type(match, engine)
                if kv is not None:
                    return kv, (cache.start(), cache.end() + match.end())
            break
    return None


TRAINING_FOUR_BIT = "nf4_dq"  # "fine-tune in 4-bit": bitsandbytes NF4 with double quantization, QLoRA's base


def weight_precision(folded: str, training: bool = False) -> str | None:
    """The weights' precision ("in 4-bit" → GPTQ, "q5" → Q5_K_M, "half precision" → FP16), if named.

    For a training question, "4-bit" and "quantized" are bitsandbytes' NF4 (double quantization), the base QLoRA
    trains on; that a fine-tune on it is QLoRA is decided (and said) by ``knowledge.answering.situation``.
    """
    match = lx.PRECISION.search(folded)
    if match is None:
        if lx.QUANTIZED.search(folded):
            if training:
                return TRAINING_FOUR_BIT
            return "q4_k_m" if any(p.search(folded) for _, p in lx.RUNTIME_WORDS[:1]) else "gptq"
        return None
    word, bits = match.group(1), match.group(2)
    if bits is not None:
        return TRAINING_FOUR_BIT if training and bits == "4" else lx.BITS_TO_PRECISION.get(bits)
    if word is None:
        return lx.PRECISION_PHRASES.get(match.group().strip())
    word = lx.GGUF_SHORT.get(word, word)
    try:
        return resolve(word).id
    except InvalidQuery:
        return None


def lora_targets(folded: str) -> tuple[str, ...] | None:
    """ "LoRA on q,v" → (q, v); "on attention" → q, k, v, o; "on all linear layers" → all seven.

    Names are the estimator's (``knowledge.estimator.memory.LORA_MODULES``: q, k, v, o, gate, up, down).
    """
    match = lx.LORA_TARGETS.search(folded)
    if match is None:
        return None
    said = match.group(1).strip()
    if said.startswith(("all", "every", "todas")):
        return LORA_MODULES
    if said.startswith(("attention", "atencion", "la atencion")):
        return LORA_ATTENTION
    if said == "mlp":
        return tuple(module for module in LORA_MODULES if module not in LORA_ATTENTION)
    named = {m.group(1) for m in lx.LORA_MODULE.finditer(said)}
    ordered = tuple(module for module in LORA_MODULES if module in named)
    return ordered or None
