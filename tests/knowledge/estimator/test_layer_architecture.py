"""The per-layer architecture: parameter counts, KV cache, states and LoRA targets worked out by hand.

Each expected figure is written out from the model's config.json (the entry's `source`) and the module shapes of
its transformers implementation, never taken from the code under test.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from knowledge.estimator import catalog as catalog_module
from knowledge.estimator.architecture import Architecture
from knowledge.estimator.catalog import Model
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Job
from knowledge.estimator.memory import lora_params

BY_ID = {model.id: model for model in catalog_module._load("models.yaml", Model, "models")}


def test_gemma_3_27b_counts_its_layers_and_its_siglip_tower() -> None:
    """Gemma 3 27B (google/gemma-3-27b-it config.json): 27,432,406,640 on the Hub."""
    embeddings = 262_208 * 5_376  # tied: counted once
    attention = 5_376 * 4_096 + 2 * 5_376 * 2_048 + 4_096 * 5_376 + 2 * 128  # q, k, v, o; q and k head norms
    mlp = 3 * 5_376 * 21_504
    layer = attention + mlp + 4 * 5_376  # four RMSNorms a layer
    assert layer == 412_898_560
    # SigLIP: 14-pixel patches of 896-pixel images (64 x 64 = 4096 positions), 27 blocks with biases.
    block = 4 * (1_152 * 1_152 + 1_152) + 2 * 1_152 * 4_304 + 4_304 + 1_152 + 2 * 2 * 1_152
    tower = (3 * 14 * 14 * 1_152 + 1_152) + 4_096 * 1_152 + 27 * block + 2 * 1_152
    projector = 1_152 * 5_376 + 1_152  # mm_input_projection and its soft-embedding norm
    expected = embeddings + 62 * layer + 5_376 + tower + projector
    assert expected == 27_432_406_640
    assert BY_ID["gemma-3-27b"].params == expected


def test_gpt_oss_20b_counts_biased_experts_and_attention_sinks() -> None:
    """gpt-oss-20b (openai/gpt-oss-20b config.json): 20.91B total, 3.61B active (model card, table 1)."""
    embeddings = 201_088 * 2_880  # and as much again for the untied head
    attention = 2_880 * 4_096 + 4_096 + 2 * (2_880 * 512 + 512) + 4_096 * 2_880 + 2_880 + 64  # biases, 64 sinks
    expert = 2_880 * 5_760 + 5_760 + 2_880 * 2_880 + 2_880  # gate_up and down, with biases
    router = 2_880 * 32 + 32
    layer = attention + 32 * expert + router + 2 * 2_880
    total = 2 * embeddings + 24 * layer + 2_880
    assert total == 20_914_757_184
    model = BY_ID["gpt-oss-20b"]
    assert model.params == total
    active_without_input_embeddings = embeddings + 24 * (attention + 4 * expert + router + 2 * 2_880) + 2_880
    assert model.active_params - model.architecture.embedding_params() == active_without_input_embeddings
    assert round(active_without_input_embeddings / 1e9, 2) == 3.61


def test_llama_4_scout_counts_a_shared_expert_per_layer_and_its_vision_tower() -> None:
    """Llama 4 Scout 17B-16E (meta-llama/Llama-4-Scout-17B-16E-Instruct config.json): 108,641,793,536 on the Hub."""
    embeddings = 202_048 * 5_120
    attention = 5_120 * 5_120 + 2 * 5_120 * 1_024 + 5_120 * 5_120  # 40 query heads, 8 KV heads of 128
    expert = 3 * 5_120 * 8_192
    layer = attention + 16 * expert + expert + 5_120 * 16 + 2 * 5_120  # 16 routed + 1 shared, router, norms
    text = 2 * embeddings + 48 * layer + 5_120
    block = 4 * (1_408 * 1_408 + 1_408) + 2 * 1_408 * 5_632 + 5_632 + 1_408 + 2 * 2 * 1_408
    # Bias-free patch embedding, 24 x 24 + 1 positions, class token, pre and post LayerNorm, 34 blocks,
    # pixel-shuffle MLP (5632 -> 4096 -> 4096) and the projector to the text width.
    vision = 3 * 14 * 14 * 1_408 + 577 * 1_408 + 1_408 + 2 * 1_408 + 34 * block + 2 * 1_408
    vision += 5_632 * 4_096 + 4_096 * 4_096 + 4_096 * 5_120
    assert text + vision == 108_641_793_536
    model = BY_ID["llama-4-scout"]
    assert model.params == text + vision
    # Per token: the top-1 expert and the shared one; the vision tower reads images, not tokens: 17B.
    assert model.active_params == 2 * embeddings + 48 * (attention + 2 * expert + 5_120 * 16 + 2 * 5_120) + 5_120
    assert round(model.active_params / 1e9) == 17


def test_qwen3_next_counts_gated_deltanet_and_gated_attention_layers() -> None:
    """Qwen3-Next-80B-A3B (Qwen/Qwen3-Next-80B-A3B-Instruct config.json, transformers Qwen3NextGatedDeltaNet)."""
    embeddings = 151_936 * 2_048
    # Full attention (1 layer in 4): q_proj also emits the output gate (2 x 16 x 256), 2 KV heads of 256.
    full = 2_048 * 8_192 + 2 * 2_048 * 512 + 4_096 * 2_048 + 2 * 256
    # Gated DeltaNet (3 in 4): q, k (16 x 128 each), v, z (32 x 128 each); beta, alpha (32 each); a 4-tap
    # convolution over q, k, v (8192 channels); dt_bias and A_log (32 each); a gated norm of 128; out_proj.
    linear = 2_048 * 12_288 + 2_048 * 64 + 8_192 * 4 + 64 + 128 + 4_096 * 2_048
    moe = 512 * 3 * 2_048 * 512 + 3 * 2_048 * 512 + 2_048 + 2_048 * 512  # routed, shared + its gate, router
    total = 2 * embeddings + 12 * full + 36 * linear + 48 * (moe + 2 * 2_048) + 2_048
    assert total == 79_674_391_296  # "80B" on the model card
    assert BY_ID["qwen3-next-80b-a3b"].params == total


def test_llama_3_2_11b_vision_counts_cross_attention_layers_and_the_mllama_tower() -> None:
    """Llama 3.2 11B Vision (meta-llama/Llama-3.2-11B-Vision-Instruct config.json): 10,670,220,835 on the Hub,
    of which the embedding table's 8 image-token rows (8 x 4096 = 32,768) are left out here."""
    self_layer = 4_096 * 4_096 + 2 * 4_096 * 1_024 + 4_096 * 4_096 + 3 * 4_096 * 14_336 + 2 * 4_096
    cross_layer = self_layer + 2 * 128 + 2  # q and k head norms, two tanh gates
    text = 2 * 128_256 * 4_096 + 32 * self_layer + 8 * cross_layer + 4_096
    vit_block = 4 * 1_280 * 1_280 + 2 * 1_280 * 5_120 + 5_120 + 1_280 + 2 * 2 * 1_280  # bias-free attention
    tower = (
        3 * 14 * 14 * 1_280  # patch embedding
        + 1_280  # class embedding
        + 1_601 * 1_280 + 9 * 4 * 1_601 * 1_280 + 1  # gated position and tile-position embeddings
        + 2 * (9 * 4 * 1_280 + 1)  # pre- and post-tile embeddings with their gates
        + 2 * 2 * 1_280  # LayerNorms before and after
        + 32 * vit_block
        + 8 * (vit_block + 2)  # global layers with two gates each
    )
    projector = 7_680 * 4_096 + 4_096
    assert text + tower + projector == 10_670_220_835 - 8 * 4_096
    assert BY_ID["llama-3.2-11b-vision"].params == text + tower + projector


def test_interleaved_sliding_window_caches_the_window_on_local_layers() -> None:
    """Gemma 3 27B at 32,768 tokens: 10 global layers cache every token, 52 local layers only 1024 (fp16)."""
    per_layer_token = 2 * 16 * 128  # K and V, 16 KV heads of 128
    expected = (10 * per_layer_token * 32_768 + 52 * per_layer_token * 1_024) * 2
    assert expected == 3_120_562_176
    arch = BY_ID["gemma-3-27b"].architecture
    assert (arch.sliding_window_layers, arch.full_attention_layers) == (52, 10)
    assert arch.cache_elements(32_768) * 2 == expected
    # gpt-oss-20b alternates: 12 full layers, 12 layers with a 128-token window; 8 KV heads of 64.
    gpt_oss = BY_ID["gpt-oss-20b"].architecture
    assert gpt_oss.cache_elements(8_192) * 2 == (12 * 2 * 8 * 64 * 8_192 + 12 * 2 * 8 * 64 * 128) * 2


def test_linear_attention_layers_hold_a_fixed_state_instead_of_a_growing_cache() -> None:
    """Qwen3-Next: only its 12 full-attention layers grow with the context (2 KV heads of 256: 12,288 elements a
    token); each of the 36 Gated DeltaNet layers holds 32 x 128 x 128 state plus 3 x 8192 convolution inputs."""
    arch = BY_ID["qwen3-next-80b-a3b"].architecture
    per_token = 12 * 2 * 2 * 256
    state = 36 * (32 * 128 * 128 + 3 * 8_192)
    assert (per_token, state) == (12_288, 19_759_104)
    assert arch.cache_elements(1_001) - arch.cache_elements(1_000) == per_token
    assert arch.state_elements() == state
    result = estimate(Job(model=BY_ID["qwen3-next-80b-a3b"], context_tokens=32_768, kv_precision="fp16"))
    assert result.memory.kv_cache_bytes == (per_token * 32_768 + state) * 2 == 844_824_576


def test_interleaved_moe_layers_have_their_own_lora_targets() -> None:
    """Llama 4 Maverick alternates dense (16384-wide MLP) and MoE layers (128 experts + 1 shared of 8192).

    LoRA rank 16 on q, k, v, o and every MLP matrix: rank x (in + out) per matrix.
    """
    arch = BY_ID["llama-4-maverick"].architecture
    assert (arch.moe_layers, arch.layers - arch.moe_layers) == (24, 24)
    attention = 2 * (5_120 + 5_120) + 2 * (5_120 + 1_024)
    dense = attention + 3 * (5_120 + 16_384)
    moe = attention + (128 + 1) * 3 * (5_120 + 8_192)
    assert lora_params(arch, 16) == 16 * 24 * (dense + moe) == 2_028_208_128


def test_gpt_oss_is_weighed_as_released_mxfp4_experts_and_bf16_rest() -> None:
    """No precision asked: gpt-oss-20b's expert matrices at MXFP4 (4.25 bits), everything else bf16."""
    experts = 24 * 32 * (2_880 * 5_760 + 2_880 * 2_880)
    rest = 20_914_757_184 - experts
    expected = experts * 4.25 / 8 + rest * 2
    result = estimate(Job(model=BY_ID["gpt-oss-20b"]))
    assert result.job.precision == "mxfp4_experts"
    assert result.memory.weights_bytes == int(expected) == 13_761_264_768  # about 12.8 GiB


def test_a_layer_pattern_repeats_from_layer_zero() -> None:
    """[sliding*5, full] over 62 layers: full at 5, 11, ..., 59; layers 60 and 61 start the next period."""
    kinds = BY_ID["gemma-3-27b"].architecture.attention_kinds()
    assert [index for index, kind in enumerate(kinds) if kind == "full"] == list(range(5, 62, 6))


SMALL_MOE = {"experts": 8, "top_k": 2, "expert_intermediate_size": 64}


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"attention_pattern": ("sliding*x",)}, "kind\\*count"),
        ({"attention_pattern": ("sliding", "full"), "sliding_window_tokens": None}, "sliding_window_tokens"),
        ({"attention_pattern": ("linear", "full")}, "linear_attention"),
        ({"mlp_pattern": ("dense", "moe")}, "moe block"),
        ({"attention_pattern": ("global",)}, "full, sliding, linear or cross"),
        ({"mlp_pattern": ("dense", "moe"), "moe": SMALL_MOE | {"dense_layers": 1}}, "not both"),
    ],
)
def test_a_wrong_layer_pattern_is_refused_with_its_reason(update: dict[str, object], message: str) -> None:
    """A pattern naming an unknown kind, or a kind whose settings are missing, fails validation saying why."""
    base = BY_ID["gemma-3-27b"].architecture.model_dump()
    base.update(update)
    with pytest.raises(ValidationError, match=message):
        Architecture.model_validate(base)
