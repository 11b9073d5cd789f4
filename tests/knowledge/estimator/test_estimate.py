"""The estimator, component by component, against hand-worked cases and their sources.

Sources: shared/reference/estimators.md (B1 weights, B2 KV cache, B3 Korthikanti et al. 2022 activations,
B4 ZeRO model states); the hand arithmetic is written out next to each expectation.
"""

from __future__ import annotations

import pytest

from knowledge import InvalidQuery, Job, load_catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import GIB

REL = 0.005  # figures computed by hand from the same architecture, so they agree to rounding


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def job(catalog, model: str, **fields) -> Job:
    gpu = fields.pop("gpu", None)
    return Job(model=catalog.find_model(model), gpu=catalog.find_gpu(gpu) if gpu else None, **fields)


class TestWeights:
    def test_fp16_weights_are_two_bytes_per_parameter(self, catalog):
        """Llama 2 7B in FP16 holds 6,738,415,616 x 2 bytes = 12.55 GiB of weights (B1)."""
        result = estimate(job(catalog, "Llama 2 7B", precision="fp16"))
        assert result.memory.weights_bytes == pytest.approx(6_738_415_616 * 2, rel=REL)

    def test_int8_and_4bit_quantize_only_linear_layers(self, catalog):
        """bitsandbytes keeps embeddings and head in 16-bit: int8 is more than half of FP16, NF4 more than a quarter."""
        fp16 = estimate(job(catalog, "Llama 2 7B", precision="fp16")).memory.weights_bytes
        int8 = estimate(job(catalog, "Llama 2 7B", precision="int8")).memory.weights_bytes
        nf4 = estimate(job(catalog, "Llama 2 7B", precision="nf4")).memory.weights_bytes
        embeddings = 2 * 32000 * 4096 * 2  # embeddings + untied head, 16-bit
        assert int8 == pytest.approx((fp16 - embeddings) / 2 + embeddings, rel=0.01)
        assert nf4 == pytest.approx((fp16 - embeddings) * 4.5 / 16 + embeddings, rel=0.01)

    def test_double_quantization_saves_about_0_37_bits_per_parameter(self, catalog):
        """QLoRA paper / litgpt: double quantization saves ~0.37 bit per parameter (~3 GB on a 65B model)."""
        model = "LLaMA 65B"
        nf4 = estimate(job(catalog, model, precision="nf4")).memory.weights_bytes
        dq = estimate(job(catalog, model, precision="nf4_dq")).memory.weights_bytes
        assert (nf4 - dq) / 1e9 == pytest.approx(3.0, rel=0.15)

    @pytest.mark.parametrize(
        ("precision", "bits_per_weight"),
        [("q8_0", 8.5), ("q4_0", 4.5), ("q6_k", 6.5625)],
        ids=["q8_0", "q4_0", "q6_k"],
    )
    def test_uniform_gguf_types_use_their_block_size(self, catalog, precision, bits_per_weight):
        """A GGUF file of one type is params x bits/8, plus the Q6_K head that llama.cpp keeps (ggml-common.h)."""
        model = catalog.find_model("Llama 2 7B")
        head = 32000 * 4096
        expected = ((model.params - head) * bits_per_weight + head * 6.5625) / 8
        if precision in ("q8_0", "q6_k"):
            expected = model.params * bits_per_weight / 8
        result = estimate(job(catalog, "Llama 2 7B", precision=precision))
        on_gpu_and_host = result.memory.weights_bytes + result.host_weights_bytes  # the whole file
        assert on_gpu_and_host == pytest.approx(expected, rel=0.01)

    def test_gguf_mixes_cost_more_than_their_base_type(self, catalog):
        """Q4_K_M promotes half of attn_v and ffn_down to Q6_K, so it is larger than Q4_K_S."""
        small = estimate(job(catalog, "Llama 3.1 8B", precision="q4_k_s")).memory.weights_bytes
        medium = estimate(job(catalog, "Llama 3.1 8B", precision="q4_k_m")).memory.weights_bytes
        assert medium > small * 1.03


class TestKvCache:
    @pytest.mark.parametrize(
        ("model", "bytes_per_token"),
        [
            ("Llama 2 7B", 524_288),  # 2 x 32 layers x 32 KV heads x 128 x 2 bytes
            ("Mistral 7B v0.1", 131_072),  # GQA: 8 KV heads
            ("Llama 3 70B", 327_680),  # 80 layers x 8 KV heads
            ("Falcon 7B", 8_192),  # MQA: one KV head of 64
        ],
        ids=["llama-2-7b", "mistral-7b", "llama-3-70b", "falcon-7b-mqa"],
    )
    def test_kv_cache_counts_kv_heads_not_attention_heads(self, catalog, model, bytes_per_token):
        """KV = 2 x layers x KV heads x head_dim x tokens x 2 bytes (B2), at 2,048 tokens."""
        result = estimate(job(catalog, model, context_tokens=2048))
        assert result.memory.kv_cache_bytes == pytest.approx(bytes_per_token * 2048, rel=REL)

    def test_sliding_window_layers_stop_growing_at_the_window(self, catalog):
        """Gemma 2 9B: 21 of 42 layers use a 4,096-token window, so 8k context costs 1.5x, not 2x, of 4k."""
        at_4k = estimate(job(catalog, "Gemma 2 9B", context_tokens=4096)).memory.kv_cache_bytes
        at_8k = estimate(job(catalog, "Gemma 2 9B", context_tokens=8192)).memory.kv_cache_bytes
        assert at_8k / at_4k == pytest.approx(1.5, rel=REL)

    def test_mla_caches_the_compressed_latent(self, catalog):
        """DeepSeek V3 caches kv_lora_rank + rope dims = 576 values per layer: 61 x 576 x 2 = 70,272 B/token."""
        result = estimate(job(catalog, "DeepSeek V3", context_tokens=1000))
        assert result.memory.kv_cache_bytes == pytest.approx(70_272 * 1000, rel=REL)

    def test_quantized_kv_cache_is_smaller(self, catalog):
        """An fp8 KV cache is half of fp16; q4_0 is 0.5625/2 of it (18-byte blocks of 32)."""
        fp16 = estimate(job(catalog, "Llama 3.1 8B", kv_precision="fp16")).memory.kv_cache_bytes
        fp8 = estimate(job(catalog, "Llama 3.1 8B", kv_precision="fp8", runtime="vllm")).memory.kv_cache_bytes
        q4 = estimate(job(catalog, "Llama 3.1 8B", kv_precision="q4_0", precision="q4_k_m")).memory.kv_cache_bytes
        assert fp8 == pytest.approx(fp16 / 2, rel=REL)
        assert q4 == pytest.approx(fp16 * 0.5625 / 2, rel=REL)

    def test_kv_cache_follows_the_weights_dtype(self, catalog):
        """FP32 weights keep an FP32 cache (twice FP16); BF16 weights a BF16 cache."""
        fp16 = estimate(job(catalog, "Llama 2 7B", precision="fp16"))
        fp32 = estimate(job(catalog, "Llama 2 7B", precision="fp32"))
        assert fp32.memory.kv_cache_bytes == 2 * fp16.memory.kv_cache_bytes
        assert estimate(job(catalog, "Llama 2 7B", precision="bf16")).job.kv_precision == "bf16"

    def test_default_context_is_4096_or_the_model_maximum(self, catalog):
        """Inference defaults to 4,096 tokens, or less when the model reads less (GPT-2: 1,024)."""
        assert estimate(job(catalog, "Llama 3.1 8B")).job.context_tokens == 4096
        assert estimate(job(catalog, "GPT-2 XL")).job.context_tokens == 1024


class TestActivations:
    def test_training_layer_follows_korthikanti_adapted_to_swiglu(self, catalog):
        """Llama 2 7B, s=2048, b=1, flash attention, no checkpointing: per token per layer
        10h + 2q + 4kv + 8 x ffn = 40,960 + 8,192 + 16,384 + 88,064 = 153,600 bytes (B3 without dropout)."""
        result = estimate(job(catalog, "Llama 2 7B", task="full_finetune", checkpointing=False, runtime="torchtune"))
        layers = 32 * 153_600 * 2048
        loss = 2048 * 32000 * 6 / 8  # torchtune: one of 8 chunks of 16-bit logits and their fp32 upcast
        assert result.memory.activations_bytes == pytest.approx(layers + loss, rel=REL)

    def test_checkpointing_keeps_layer_inputs_and_one_layer(self, catalog):
        """With checkpointing: 2h bytes per token per layer plus one recomputed layer."""
        result = estimate(job(catalog, "Llama 2 7B", task="full_finetune", checkpointing=True, runtime="torchtune"))
        expected = 32 * 2048 * 4096 * 2 + 153_600 * 2048
        assert result.memory.activations_bytes == pytest.approx(expected, rel=REL)

    def test_attention_without_flash_grows_with_the_square_of_the_sequence(self, catalog):
        """Without flash attention each layer also keeps scores and softmax: 4 x heads x s^2 bytes."""
        flash = estimate(job(catalog, "Llama 2 7B", task="full_finetune", checkpointing=False))
        eager = estimate(job(catalog, "Llama 2 7B", task="full_finetune", checkpointing=False, flash_attention=False))
        extra = eager.memory.activations_bytes - flash.memory.activations_bytes
        assert extra == pytest.approx(32 * 4 * 32 * 2048 * 2048, rel=REL)

    def test_a_plain_loss_materialises_fp32_logits(self, catalog):
        """transformers' loss (ForCausalLMLoss upcasts the logits to fp32) keeps 10 bytes per vocabulary entry per
        token at its peak; torchtune's chunked cross-entropy only 6 bytes for one chunk of 8."""
        plain = estimate(
            job(catalog, "Llama 3.1 8B", task="full_finetune", runtime="transformers", checkpointing=False,
                chunked_loss=False)
        )  # fmt: skip
        chunked = estimate(
            job(catalog, "Llama 3.1 8B", task="full_finetune", runtime="torchtune", checkpointing=False)
        )
        extra = plain.memory.activations_bytes - chunked.memory.activations_bytes
        assert extra == pytest.approx(2048 * 128256 * (10 - 6 / 8), rel=REL)


class TestTrainingStates:
    def test_mixed_precision_adamw_is_16_bytes_per_parameter(self, catalog):
        """ZeRO paper: bf16 weights and gradients (2 + 2) plus fp32 master, m and v (12) = 16 B/param."""
        result = estimate(job(catalog, "Llama 2 7B", task="full_finetune"))
        m = result.memory
        states = m.weights_bytes + m.gradients_bytes + m.optimizer_bytes
        assert states == pytest.approx(16 * 6_738_415_616, rel=REL)

    @pytest.mark.parametrize(
        ("precision", "optimizer", "bytes_per_param"),
        [("bf16", "adamw", 8), ("fp32", "adamw", 16), ("mixed", "adamw_8bit", 10), ("mixed", "sgd", 12)],
        ids=["pure-bf16", "fp32", "mixed-8bit-adam", "mixed-sgd-momentum"],
    )
    def test_states_per_parameter(self, catalog, precision, optimizer, bytes_per_param):
        """Pure bf16 keeps 16-bit states; 8-bit AdamW two 1-byte moments; SGD one momentum (B4)."""
        result = estimate(job(catalog, "Llama 2 7B", task="full_finetune", precision=precision, optimizer=optimizer))
        m = result.memory
        assert m.weights_bytes + m.gradients_bytes + m.optimizer_bytes == pytest.approx(
            bytes_per_param * 6_738_415_616, rel=REL
        )

    def test_lora_trains_only_the_adapters(self, catalog):
        """LoRA rank 16 on all linear layers of Llama 2 7B: 16 x sum(in + out) = 40.0 M trainable parameters."""
        result = estimate(job(catalog, "Llama 2 7B", task="lora"))
        per_layer = 4 * (4096 + 4096) + 3 * (4096 + 11008)
        trained = 16 * 32 * per_layer
        assert result.memory.gradients_bytes == 4 * trained
        assert result.memory.optimizer_bytes == 8 * trained

    @pytest.mark.parametrize(
        ("stage", "per_param"),
        [(0, 16), (1, 4 + 12 / 64), (2, 2 + 14 / 64), (3, 16 / 64)],
        ids=["ddp", "zero-1", "zero-2", "zero-3"],
    )
    def test_zero_stages_shard_states_as_the_paper_says(self, catalog, stage, per_param):
        """ZeRO with N = 64: (2+2+K)Ψ, 4Ψ + KΨ/N, 2Ψ + (2+K)Ψ/N, (2+2+K)Ψ/N per GPU (K = 12)."""
        result = estimate(job(catalog, "Llama 2 7B", task="full_finetune", gpus=64, zero_stage=stage))
        one_gpu = result.per_gpu_bytes - result.memory.activations_bytes / 64 - result.memory.overhead_bytes / 64
        assert one_gpu == pytest.approx(per_param * 6_738_415_616, rel=0.01)


class TestSplitsAndRuntimes:
    def test_tensor_parallel_divides_weights(self, catalog):
        """Four GPUs hold a quarter of the weights each, plus their own CUDA context."""
        one = estimate(job(catalog, "Llama 3 70B"))
        four = estimate(job(catalog, "Llama 3 70B", gpus=4))
        quarter = one.memory.weights_bytes / 4
        assert four.memory.weights_bytes / 4 == pytest.approx(quarter, rel=REL)
        assert four.per_gpu_bytes < one.per_gpu_bytes / 4 + GIB
        assert four.memory.total_bytes > one.memory.total_bytes  # four CUDA contexts

    def test_vllm_reserves_ninety_percent_of_the_card(self, catalog):
        """vLLM pre-allocates gpu_memory_utilization = 0.9 of the GPU whatever the model needs (vllm #355).

        The GPU's memory is what the driver exposes: 80 GiB less its 1.5% reserve = 78.8 GiB (gpus.yaml's rule).
        """
        result = estimate(job(catalog, "Llama 3.1 8B", runtime="vllm", gpu="A100 80GB"))
        assert result.reserved_per_gpu_bytes == pytest.approx(0.9 * (80 - 0.015 * 80) * GIB, rel=REL)

    def test_gguf_precision_picks_llama_cpp(self, catalog):
        """A GGUF type without --runtime runs on llama.cpp."""
        assert estimate(job(catalog, "Llama 3.1 8B", precision="q4_k_m")).job.runtime == "llama.cpp"

    def test_apple_silicon_uses_its_gpu_share_of_unified_memory(self, catalog):
        """A Mac fits what its GPU may wire, not all of its memory."""
        mac = next(g for g in catalog.gpus if g.vendor == "apple" and g.gpu_memory_share < 1)
        assert mac.usable_memory_gib < mac.memory_gib
        result = estimate(Job(model=catalog.find_model("Llama 3.1 8B"), gpu=mac))
        assert any(a.key == "assume.unified" for a in result.assumptions)


class TestSpeed:
    def test_decode_is_bandwidth_over_bytes_read_per_token(self, catalog):
        """tokens/s = efficiency x bandwidth / (weights + KV) for a dense model at batch 1 (README, Method: decode at
        65 % of the bandwidth). Llama 2 7B in fp16 (its released precision): 6,738,415,616 x 2 bytes of weights;
        KV at 4,096 tokens: 2 (K, V) x 32 layers x 4,096 tokens x 4,096 (32 heads x 128) x 2 bytes; RTX 4090:
        1,008 GB/s (NVIDIA's spec sheet)."""
        result = estimate(job(catalog, "Llama 2 7B", gpu="RTX 4090"))
        weights = 6_738_415_616 * 2
        kv = 2 * 32 * 4096 * 4096 * 2
        expected = 0.65 * 1008e9 / (weights + kv)  # about 41.9 tokens/s
        assert result.tokens_per_s == pytest.approx(expected, rel=0.01)
        assert result.bound == "memory_bandwidth"

    def test_moe_speed_counts_active_parameters_but_memory_counts_all(self, catalog):
        """Mixtral holds 46.7 B parameters but reads about 12.9 B per token."""
        result = estimate(job(catalog, "Mixtral 8x7B", precision="q4_k_m", gpu="A100 80GB"))
        dense = estimate(job(catalog, "LLaMA 13B", precision="q4_k_m", gpu="A100 80GB"))
        assert result.memory.weights_bytes > 3 * dense.memory.weights_bytes
        assert result.tokens_per_s == pytest.approx(dense.tokens_per_s, rel=0.25)

    def test_training_time_is_six_n_d_at_the_stated_utilisation(self, catalog):
        """Full training without recomputation: 6 x N x D FLOPs at 40 % of peak."""
        gpu = catalog.find_gpu("H100 SXM")
        result = estimate(
            job(catalog, "Llama 2 7B", task="pretrain", gpu="H100 SXM", training_tokens=10**9, checkpointing=False)
        )
        hours = 6 * 6_738_415_616 * 1e9 / (0.4 * gpu.fp16_tensor_tflops * 1e12) / 3600
        assert result.training_hours == pytest.approx(hours, rel=0.01)


class TestBadInput:
    def test_context_over_the_model_maximum_names_the_limit(self, catalog):
        with pytest.raises(InvalidQuery, match="at most 4096 tokens"):
            estimate(job(catalog, "Llama 2 7B", context_tokens=8192))

    def test_gguf_on_transformers_says_which_runtime(self, catalog):
        with pytest.raises(InvalidQuery, match=r"llama\.cpp"):
            estimate(job(catalog, "Llama 2 7B", precision="q4_k_m", runtime="transformers"))

    def test_full_training_of_a_4bit_model_suggests_qlora(self, catalog):
        with pytest.raises(InvalidQuery, match="qlora"):
            estimate(job(catalog, "Llama 2 7B", task="full_finetune", precision="nf4"))

    def test_unknown_precision_lists_the_choices(self, catalog):
        with pytest.raises(InvalidQuery, match="q4_k_m"):
            estimate(job(catalog, "Llama 2 7B", precision="q9"))

    def test_every_estimate_states_its_assumptions(self, catalog):
        result = estimate(job(catalog, "Llama 2 7B", task="qlora"))
        keys = {a.key for a in result.assumptions}
        assert {"assume.training", "assume.lora", "assume.checkpointing_on", "assume.overhead"} <= keys
