"""Settings named in words (issue 11, item 8): the KV cache's precision apart from the weights', runtimes, LoRA
targets; a context asked for is never cut in silence; a context above the trained maximum gets a caveat; "how
fast?" follows any answer.
"""

from __future__ import annotations

import pytest

from knowledge import ask
from knowledge.understanding.understand import understand


@pytest.mark.parametrize(
    ("question", "kv", "weights"),
    [
        ("can a 4090 run llama 3 8b with a q8_0 KV cache", "q8_0", None),
        ("¿puede una 4090 correr llama 3 8b con caché KV en 8 bits?", "q8_0", None),
        ("llama 3 8b q4_k_m with the kv cache in q4_0 on a 4060", "q4_0", "q4_k_m"),
        ("¿llama 3 8b en q4_k_m con cache kv en q8_0 en una 4060?", "q8_0", "q4_k_m"),
        ("llama 3 8b in vllm with an 8-bit kv cache on a 4090", "fp8", None),  # vLLM's 8-bit KV cache is FP8
        ("llama 3 8b in fp16 with an fp8 kv cache on an h100", "fp8", "fp16"),
    ],
)
def test_the_kv_cache_precision_is_its_own_setting(question: str, kv: str, weights: str | None) -> None:
    """ "q8_0 KV cache" sets the KV cache, never the weights' precision."""
    query = understand(question)
    assert (query.kv_precision, query.precision) == (kv, weights)


def test_a_q8_0_kv_cache_halves_the_cache() -> None:
    """Llama 3 8B at 8,192 tokens: 32 layers × 8 KV heads × 128 dims × 2 (K and V) × 8,192 tokens = 536,870,912
    values; at q8_0's 1.0625 bytes (34 bytes per 32 values) that is 570,425,344 bytes = 0.531 GiB (2 bytes: 1 GiB)."""
    answer = ask("can a 4090 run llama 3 8b with a q8_0 KV cache and 8k context")
    assert answer.memory is not None
    assert answer.memory.kv_cache_gib == pytest.approx(570_425_344 / 2**30, abs=0.002)
    assert "q8_0" in answer.assumptions


@pytest.mark.parametrize(
    ("question", "runtime"),
    [
        ("can a 3090 fine-tune llama 3 8b with unsloth", "unsloth"),
        ("¿puedo afinar llama 3 8b con unsloth en una 3090?", "unsloth"),
        ("¿puedo servir qwen3 8b en vLLM en una 4090?", "vllm"),
        ("can my 3060 run llama 3 8b in ollama", "llama.cpp"),
        ("llama 3 8b on an h100 with sglang", "sglang"),
        ("¿llama 3 8b con mlx en un m2 max de 96 gb?", "mlx"),
        ("fine-tune llama 3 8b with torchtune on an a100", "torchtune"),
        ("train llama 3 8b with litgpt on an a100", "litgpt"),
        ("¿entrenar llama 3 8b con axolotl en una a100?", "axolotl"),
    ],
)
def test_runtimes_named_in_questions(question: str, runtime: str) -> None:
    """ "with unsloth", "en vLLM", "in ollama" name the runtime (ollama runs llama.cpp)."""
    assert understand(question).runtime == runtime


@pytest.mark.parametrize(
    ("question", "targets"),
    [
        ("fine-tune llama 3 8b with LoRA on q,v on a 4090", ("q", "v")),
        ("¿puedo entrenar llama 3 8b con LoRA en q y v en una 4090?", ("q", "v")),
        ("lora on q_proj, k_proj, v_proj and o_proj for llama 3 8b", ("q", "k", "v", "o")),
        ("LoRA on attention for llama 3 8b on a 4090", ("q", "k", "v", "o")),
        ("lora sobre todas las capas lineales de llama 3 8b", ("q", "k", "v", "o", "gate", "up", "down")),
    ],
)
def test_lora_targets_named_in_questions(question: str, targets: tuple[str, ...]) -> None:
    """ "LoRA on q,v" names the projections the adapters train (q_proj is q), and the task is LoRA."""
    query = understand(question)
    assert (query.lora_targets, query.task) == (targets, "lora")


@pytest.mark.parametrize(
    ("question", "asked", "language"),
    [
        ("can a 4060 run llama 3.1 8b with 32k context", "32,768", "en"),
        ("¿puede una 4060 correr llama 3.1 8b con 32k de contexto?", "32.768", "es"),
    ],
)
def test_a_context_asked_for_is_never_cut_in_silence(question: str, asked: str, language: str) -> None:
    """32k of context on an 8 GiB card: the answer says it does not fit at that length and offers a shorter one.

    At 32,768 tokens Llama 3.1 8B's FP16 KV cache alone is 32 × 8 × 128 × 2 × 32,768 × 2 bytes = 4 GiB, and Q4_K_M
    weights are about 4.6 GiB: more than 8 GiB, so only a shorter context fits.
    """
    answer = ask(question)
    assert answer.verdict == "with_changes" and answer.context_tokens == 32768
    first = answer.title.split(":")[0]
    assert asked in first and ("Not at" if language == "en" else "No con") in first


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("can a 4090 run llama 3 8b with 16k context", "en"),
        ("¿puede una 4090 correr llama 3 8b con 16k de contexto?", "es"),
    ],
)
def test_a_context_above_the_trained_maximum_gets_the_figure_and_a_caveat(question: str, language: str) -> None:
    """Llama 3 8B was trained on 8,192 tokens (its config's max_position_embeddings): at 16,384 the answer gives
    the figure for 16,384 and says it goes beyond, naming Llama 3.1 8B (131,072 tokens)."""
    answer = ask(question)
    assert answer.error is None and answer.memory is not None and answer.context_tokens == 16384
    assert ("8,192" if language == "en" else "8.192") in answer.text and "Llama 3.1 8B" in answer.text


def test_a_context_far_above_the_trained_maximum_is_refused() -> None:
    """40,000 tokens is more than 4 × 8,192 = 32,768 (what RoPE scaling stretches): refused, with the limit."""
    answer = ask("can a 4090 run llama 3 8b with 40000 tokens of context")
    assert answer.error == "invalid_query" and "32,768" in answer.title and "Llama 3.1 8B" in answer.title


@pytest.mark.parametrize(
    ("first", "follow_up", "language"),
    [
        ("can a 4090 run llama 3.1 8b", "how fast?", "en"),
        ("can a 4090 run llama 3.1 8b", "and how many tokens per second?", "en"),
        ("¿puede una 4090 correr llama 3.1 8b?", "¿y cuánto tarda?", "es"),
        ("¿puede una 4090 correr llama 3.1 8b?", "¿qué tan rápido?", "es"),
        ("how much vram for llama 3.1 8b on a 4090", "how fast?", "en"),
    ],
)
def test_how_fast_follows_any_answer(first: str, follow_up: str, language: str) -> None:
    """ "How fast?" after an answer is the speed of what was just answered, in the follow-up's language."""
    answer = ask(follow_up, previous=ask(first))
    assert answer.intent == "speed" and answer.language == language
    assert answer.model is not None and answer.model.id == "llama-3.1-8b" and answer.tokens_per_s


def test_how_long_after_a_training_answer_is_the_training_time() -> None:
    """ "¿Y cuánto tarda?" after a QLoRA answer gives the training time."""
    answer = ask("¿y cuánto tarda?", previous=ask("¿puede una 4090 afinar llama 3 8b con QLoRA?"))
    assert answer.intent == "speed" and answer.training_hours
