"""What the frameworks allocate beyond the plain formulas, as the calibration rows found it.

Each expected figure is worked out by hand below from the block layouts and the frameworks' code, and where a
published log gives the same figure it is named.
"""

from __future__ import annotations

import pytest

from knowledge import InvalidQuery, Job, load_catalog
from knowledge.estimator.estimate import estimate

MIB = 2**20
GIB = 2**30

# Gemma 7B (google/gemma-7b config.json): 28 layers, hidden 3072, 16 heads of 256, MLP 24576, vocabulary 256000,
# tied embeddings. Per layer: q, k, v, o are 3072 x 4096 each, gate, up, down 3072 x 24576 each.
GEMMA_LAYER_MATRICES = 28 * (4 * 3072 * 4096 + 3 * 3072 * 24576)  # 7,751,073,792 weights
GEMMA_NORMS = (2 * 28 + 1) * 3072  # two norms per layer and the final one, f32
GEMMA_TOKEN_TABLE = 256_000 * 3072  # 786,432,000 weights
# ggml-common.h block sizes: Q4_0 18 bytes per 32 weights, Q8_0 34 per 32, Q6_K 210 per 256.
Q4_0_LAYERS = GEMMA_LAYER_MATRICES * 18 // 32  # 4,359,979,008 bytes
F32_NORMS = GEMMA_NORMS * 4  # 700,416 bytes


def _gemma_q4_0(**fields) -> Job:
    catalog = load_catalog()
    return Job(
        model=catalog.find_model("Gemma 7B"), precision="q4_0", runtime="llama.cpp", context_tokens=2048, **fields
    )


def test_a_tied_gguf_embedding_takes_the_output_type_and_is_held_twice():
    """llama-quantize stores a tied token table at the output head's type (Q6_K for a Q4_0 file), and llama.cpp
    keeps it twice: the input embedding on the CPU, the output head on the GPU."""
    result = estimate(_gemma_q4_0())
    q6_k_table = GEMMA_TOKEN_TABLE * 210 // 256  # 645,120,000 bytes
    assert result.host_weights_bytes == q6_k_table
    assert result.memory.weights_bytes == Q4_0_LAYERS + F32_NORMS + q6_k_table  # 5,005,799,424: the whole file


def test_the_output_tensor_type_reproduces_ollamas_gemma_7b_load_log():
    """ollama's gemma:7b (196 q4_0 + 1 q8_0 tensors) loads CUDA0 4955.54 MiB and 796.88 MiB on the CPU
    (christiancadieux/rag-go-ollama README): the file on the GPU, its Q8_0 token table again on the CPU."""
    result = estimate(_gemma_q4_0(output_tensor_type="q8_0"))
    q8_0_table = GEMMA_TOKEN_TABLE * 34 // 32  # 835,584,000 bytes = 796.875 MiB
    gpu = Q4_0_LAYERS + F32_NORMS + q8_0_table  # 5,196,263,424 bytes = 4955.54 MiB
    assert result.host_weights_bytes == q8_0_table
    assert result.memory.weights_bytes == gpu
    assert round(gpu / MIB, 2) == 4955.54 and round(q8_0_table / MIB, 2) == 796.88
    assert any(a.key == "assume.tied_twice" and a.fields["type"] == "q8_0" for a in result.assumptions)


def test_an_unknown_output_tensor_type_is_refused_with_the_choices():
    with pytest.raises(InvalidQuery, match="q6_k"):
        estimate(_gemma_q4_0(output_tensor_type="q9_9"))


def _unsloth_llama2(**fields) -> Job:
    catalog = load_catalog()
    return Job(
        model=catalog.find_model("Llama 2 7B"),
        task="qlora",
        precision="nf4",
        runtime="unsloth",
        context_tokens=1024,
        batch=4,
        lora_rank=8,
        checkpointing=True,
        **fields,
    )


def test_unsloth_checkpoints_on_the_gpu_without_its_offload():
    """use_gradient_checkpointing=True (Unsloth before 2024.4, and today's non-"unsloth" mode) keeps each
    layer's 16-bit input on the GPU: 32 layers x 4 x 1024 tokens x 4096 x 2 bytes = 1 GiB, plus PyTorch's
    5 % allocator slack; the offloaded mode keeps that GiB in system RAM instead."""
    offloaded = estimate(_unsloth_llama2())
    on_gpu = estimate(_unsloth_llama2(checkpoint_offload=False))
    checkpoints = 32 * 4 * 1024 * 4096 * 2
    assert checkpoints == GIB
    assert abs(on_gpu.per_gpu_bytes - offloaded.per_gpu_bytes - int(checkpoints * 1.05)) <= 2
    assert offloaded.ram_bytes - on_gpu.ram_bytes == checkpoints
