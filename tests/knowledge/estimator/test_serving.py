"""Serving: concurrent sequences from vLLM's KV blocks after weights and activations, and the throughput."""

from __future__ import annotations

import pytest

from knowledge import Job, ask, load_catalog
from knowledge.estimator.serving import serve

CATALOG = load_catalog()
GIB = 2**30


def test_an_l40s_serves_27_sequences_of_8k_with_llama_3_1_8b() -> None:
    """vLLM at gpu_memory_utilization 0.9 on 48 GiB: 0.9 × 51,539,607,552 = 46.39e9 B; bf16 weights
    8,030,261,248 × 2 = 16.06e9; CUDA context and graphs 2 × 0.5 GiB = 1.07e9; the profiling pass over 2,048
    tokens ~0.2e9 → KV pool ≈ 29.04e9 B. A token's KV: 32 layers × 2 × 8 × 128 × 2 B = 131,072 B; an 8,192-token
    sequence is 512 blocks of 16 = 1.07e9 B; 27 need 28.99e9 (fit), 28 need 30.06e9 (do not).
    Throughput: a step reads 16.06e9 + 27 × 8,192 × 131,072 = 45.05e9 B at 0.65 × 864 GB/s = 80.2 ms →
    27 / 0.0802 = 337 tok/s."""
    served = serve(Job(model=CATALOG.find_model("Llama 3.1 8B"), gpu=CATALOG.find_gpu("L40S"), context_tokens=8192))
    assert served.kv_bytes_per_token == 131_072
    assert served.sequences == 27
    assert served.tokens_per_s == pytest.approx(27 / (45.05e9 / (0.65 * 864e9)), rel=0.01)


@pytest.mark.parametrize(
    ("gpu", "fraction"),
    [
        # 512 + 1.5 × 2,048 + 2 × 24 + 1,024 / 8 = 3,760 MiB of 24,576: 0.847 (runtimes.md §3's worked 4090)
        ("RTX 4090", 0.847),
        # 512 + 1.5 × 8,192 + 48 + 128 = 12,976 MiB (above the 10 GiB floor) of 81,920: 0.842
        ("H100 SXM", 0.842),
    ],
)
def test_sglang_mem_fraction_static_follows_its_reserve(gpu: str, fraction: float) -> None:
    job = Job(model=CATALOG.find_model("Llama 3.1 8B"), gpu=CATALOG.find_gpu(gpu), context_tokens=8192)
    assert serve(job, "sglang").memory_fraction == fraction


def test_a_context_too_long_for_the_pool_serves_nobody() -> None:
    """Llama 3.1 70B FP8 weights (~72.7 GB) leave nothing of 0.9 × 80 GiB = 77.3 GB for a 128k sequence's
    128 × 1,024 × 320 KiB = 42.9 GB of KV on one H100."""
    job = Job(
        model=CATALOG.find_model("Llama 3.1 70B"), gpu=CATALOG.find_gpu("H100 SXM"), precision="fp8",
        context_tokens=131072,
    )
    assert serve(job).sequences == 0


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("how many users can an L40S serve Llama 3.1 8B at 8k context?", ("27 sequences", "tokens/s", "blocks of 16")),
        (
            "¿Cuántos usuarios a la vez puede atender una L40S con Llama 3.1 8B y un contexto de 8k?",
            ("27 secuencias", "tokens/s", "bloques de 16"),
        ),
    ],
)
def test_the_serving_answer_in_both_languages(question: str, words: tuple[str, ...]) -> None:
    reply = ask(question)
    assert reply.intent == "serve" and reply.concurrent_sequences == 27
    assert all(w in reply.text for w in words)
