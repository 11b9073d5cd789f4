"""Inference memory and speed, component by component, worked out by hand.

Sources, besides each model's config.json: the KV cache is 2 (K and V) x layers x KV heads x head_dim per
token (vLLM and llama.cpp allocate exactly that); transformers computes logits for the last prompt token only
(``logits_to_keep``, transformers >= 4.45); llama.cpp's compute buffer holds f32 activations of one
micro-batch of ``-ub 512`` tokens (llama.cpp ``common/common.h``, n_ubatch = 512); vLLM profiles activations
at ``max_num_batched_tokens`` = 8192 (chunked prefill), captures CUDA graphs (0.5 GiB, vllm issue #7553
reports 0.4-2.4 GiB) and pre-allocates ``gpu_memory_utilization`` = 0.9 of the card; bitsandbytes and GPTQ
dequantize one weight matrix at a time to fp16. The activation model, the CUDA context and allocator share
and the speed efficiencies are the project's stated judgements (README, Method).
"""

from __future__ import annotations

import math

import pytest

from knowledge import InvalidQuery
from knowledge.estimator.estimate import estimate
from tests.knowledge.estimator.physics import (
    CARD_BANDWIDTH_GB_S,
    CARD_TFLOPS,
    CUDA_CONTEXT,
    GIB,
    LLAMA2_7B_PARAMS,
    card,
    job,
    overhead,
)

# Llama 2 7B in fp16 at the default 4,096 tokens, batch 1 (config.json: 32 layers, 32 KV heads of 128).
W = LLAMA2_7B_PARAMS * 2
KV = 2 * 32 * 32 * 128 * 2 * 4096  # K and V x layers x heads x head_dim x 2 bytes x tokens = 2 GiB
# One layer's prefill working set: residual and normed copy (4h bytes per token), gate, up and product of the
# gated MLP (3 x 2 bytes x 11008), plus the last token's logits in 16-bit and their fp32 upcast.
ACT = 4096 * (4 * 4096 + 2 * 3 * 11008) + 32000 * (2 + 4)
SCORES = 32 * 4096 * 4096 * 2  # eager attention: one 16-bit heads x tokens x tokens score matrix


class TestTransformers:
    def test_every_component_of_llama_2_7b_in_fp16(self):
        m = estimate(job("Llama 2 7B")).memory
        assert m.weights_bytes == W
        assert m.kv_cache_bytes == KV == 2 * GIB
        assert m.activations_bytes == ACT
        assert m.gradients_bytes == m.optimizer_bytes == 0
        assert m.overhead_bytes == overhead(W, KV, ACT)
        assert m.total_bytes == W + KV + ACT + overhead(W, KV, ACT)

    def test_eager_attention_adds_the_score_matrix(self):
        m = estimate(job("Llama 2 7B", flash_attention=False)).memory
        assert m.activations_bytes == ACT + SCORES
        assert m.overhead_bytes == overhead(W, KV, ACT + SCORES)

    def test_batch_multiplies_kv_and_activations(self):
        m = estimate(job("Llama 2 7B", batch=3)).memory
        assert m.kv_cache_bytes == 3 * KV
        assert m.activations_bytes == 3 * ACT
        assert m.weights_bytes == W

    def test_context_scales_kv_linearly_and_scores_quadratically(self):
        m = estimate(job("Llama 2 7B", context_tokens=1024, flash_attention=False)).memory
        assert m.kv_cache_bytes == KV // 4
        assert m.activations_bytes == 1024 * (4 * 4096 + 6 * 11008) + 32000 * 6 + 32 * 1024 * 1024 * 2

    def test_a_plain_mlp_keeps_two_tensors_per_width(self):
        """GPT-2 XL (no gate, 6400 wide): fc output and activation, 2 x 2 bytes x 6400, at its 1,024 tokens."""
        m = estimate(job("GPT-2 XL")).memory
        assert m.activations_bytes == 1024 * (4 * 1600 + 2 * 2 * 6400) + 50257 * 6

    def test_moe_activations_pass_through_the_routed_experts(self):
        """Mixtral: each token goes through top-2 experts of 14336."""
        m = estimate(job("Mixtral 8x7B")).memory
        assert m.activations_bytes == 4096 * (4 * 4096 + 6 * 2 * 14336) + 32000 * 6

    def test_quantized_weights_add_one_dequantized_matrix(self):
        """int8 (bitsandbytes): the 4096 x 11008 MLP weight in fp16 while it runs."""
        m = estimate(job("Llama 2 7B", precision="int8")).memory
        assert m.activations_bytes == ACT + 4096 * 11008 * 2
        gptq = estimate(job("Llama 2 7B", precision="gptq")).memory
        assert gptq.activations_bytes == ACT + 4096 * 11008 * 2
        fp8 = estimate(job("Llama 2 7B", precision="fp8")).memory  # FP8 matmuls need no dequantized copy
        assert fp8.activations_bytes == ACT

    def test_host_memory_loads_16_bit_shards(self):
        """RAM: the checkpoint (2 bytes per parameter) passes through host memory, plus 2 GiB of process."""
        assert estimate(job("Llama 2 7B", precision="nf4")).ram_bytes == LLAMA2_7B_PARAMS * 2 + 2 * GIB


class TestKvCache:
    def test_gqa_and_mqa_cache_kv_heads_only(self):
        """Llama 3.1 8B: 8 KV heads of 128; Falcon 7B: one of 64 (at 2,048 tokens, fp16)."""
        assert estimate(job("Llama 3.1 8B", context_tokens=2048)).memory.kv_cache_bytes == 2 * 32 * 8 * 128 * 2 * 2048
        assert estimate(job("Falcon 7B", context_tokens=2048)).memory.kv_cache_bytes == 2 * 32 * 1 * 64 * 2 * 2048

    def test_sliding_window_layers_stop_at_the_window(self):
        """Gemma 2 9B: 21 global and 21 local layers (window 4096), 8 KV heads of 256, bf16 cache at 8,192."""
        per_token_layer = 2 * 8 * 256 * 2
        expected = 21 * per_token_layer * 8192 + 21 * per_token_layer * 4096
        assert estimate(job("Gemma 2 9B", context_tokens=8192)).memory.kv_cache_bytes == expected
        # Below the window every layer caches every token.
        assert estimate(job("Gemma 2 9B", context_tokens=2048)).memory.kv_cache_bytes == 42 * per_token_layer * 2048

    def test_mla_caches_the_latent_and_the_rope_key(self):
        """DeepSeek V3: kv_lora_rank 512 + qk_rope_head_dim 64 per layer and token, 61 layers."""
        result = estimate(job("DeepSeek V3", precision="bf16", context_tokens=1000))
        assert result.memory.kv_cache_bytes == 61 * (512 + 64) * 2 * 1000

    @pytest.mark.parametrize(("kv", "bytes_per_element"), [("fp8", 1), ("q8_0", 34 / 32), ("q4_0", 18 / 32)])
    def test_kv_precision_sets_the_element_size(self, kv, bytes_per_element):
        m = estimate(job("Llama 2 7B", kv_precision=kv)).memory
        assert m.kv_cache_bytes == int(2 * 32 * 32 * 128 * 4096 * bytes_per_element)

    def test_the_cache_follows_the_weights_dtype_unless_asked(self):
        assert estimate(job("Llama 2 7B", precision="fp32")).memory.kv_cache_bytes == 2 * KV
        assert estimate(job("Llama 2 7B", precision="bf16")).job.kv_precision == "bf16"
        assert estimate(job("Llama 2 7B", precision="int8")).job.kv_precision == "fp16"
        assert estimate(job("Llama 2 7B", precision="q4_k_m")).job.kv_precision == "fp16"


class TestLlamaCpp:
    # Compute buffer: f32 activations of a 512-token micro-batch (residual, norm and the gated MLP's three
    # tensors of 11008) and the f32 logits of one token.
    BUFFER = 512 * (4 * 4096 + 3 * 11008) * 4 + 32000 * 4

    def test_compute_buffer_and_no_allocator_reserve(self):
        m = estimate(job("Llama 2 7B", precision="q4_k_m")).memory
        assert m.activations_bytes == self.BUFFER
        assert m.overhead_bytes == CUDA_CONTEXT  # ggml allocates its buffers once; no caching allocator

    def test_without_flash_attention_the_kq_matrix_is_f32(self):
        m = estimate(job("Llama 2 7B", precision="q4_k_m", flash_attention=False)).memory
        assert m.activations_bytes == self.BUFFER + 512 * 4096 * 32 * 4

    def test_a_context_shorter_than_the_micro_batch_is_the_micro_batch(self):
        m = estimate(job("Llama 2 7B", precision="q4_k_m", context_tokens=256, flash_attention=False)).memory
        assert m.activations_bytes == 256 * (4 * 4096 + 3 * 11008) * 4 + 256 * 256 * 32 * 4 + 32000 * 4

    def test_plain_mlp_buffer(self):
        """GPT-2 XL in Q8_0 at 1,024 tokens: two MLP tensors of 6400 (no gate)."""
        m = estimate(job("GPT-2 XL", precision="q8_0")).memory
        assert m.activations_bytes == 512 * (4 * 1600 + 2 * 6400) * 4 + 50257 * 4



class TestVllm:

    def test_below_the_chunk_it_is_the_whole_prompt(self):
        m = estimate(job("Llama 3.1 8B", runtime="vllm", context_tokens=4096)).memory
        assert m.activations_bytes == 4096 * (4 * 4096 + 6 * 14336) + 128256 * 6

    def test_ninety_percent_of_the_card_is_reserved_and_is_the_limit(self):
        """Fits when the job is within 0.9 x usable; a job between 0.9 and 1.0 x usable does not."""
        base = estimate(job("Llama 3.1 8B", runtime="vllm", context_tokens=4096))
        need = base.per_gpu_bytes
        roomy = card(usable_gib=need / 0.9 / GIB * 1.001)
        tight = card(usable_gib=need / 0.95 / GIB)
        on_roomy = estimate(job("Llama 3.1 8B", runtime="vllm", context_tokens=4096, gpu=roomy))
        on_tight = estimate(job("Llama 3.1 8B", runtime="vllm", context_tokens=4096, gpu=tight))
        assert on_roomy.fits is True
        assert on_roomy.reserved_per_gpu_bytes == int(0.9 * roomy.usable_memory_bytes)
        assert on_tight.fits is False  # under the card's memory, over vLLM's 90 %
        assert estimate(job("Llama 3.1 8B", context_tokens=4096, gpu=tight)).reserved_per_gpu_bytes is None


class TestTensorParallel:
    """vLLM's layouts (README, Method: several GPUs): a tensor-parallel degree that divides the attention heads,
    with the KV heads divided evenly, inside a node of 8 GPUs; the rest of the count as pipeline stages."""

    WEIGHTS = 8_030_261_248 * 2  # Llama 3.1 8B in fp16
    KV = 2 * 32 * 8 * 128 * 2 * 4096
    ACT = 4096 * (4 * 4096 + 6 * 14336) + 128256 * 6

    def test_four_gpus_split_weights_kv_heads_and_activations(self):
        """Tensor degree 4 divides the 32 heads and the 8 KV heads: each GPU holds 2 of 8 KV heads."""
        result = estimate(job("Llama 3.1 8B", gpus=4))
        share_w, share_kv, share_act = self.WEIGHTS // 4, self.KV * 2 // 8, self.ACT // 4
        per_gpu = share_w + share_kv + share_act + overhead(share_w, share_kv, share_act)
        assert result.per_gpu_bytes == per_gpu
        assert result.memory.kv_cache_bytes == 4 * share_kv
        assert result.memory.weights_bytes == 4 * share_w
        assert result.memory.total_bytes == 4 * per_gpu

    def test_three_gpus_are_three_pipeline_stages(self):
        """3 divides neither 32 nor 8: tensor degree 1, three stages of whole layers, each with a third of the
        weights and of the cache, and the activations of its layers for the whole prompt."""
        result = estimate(job("Llama 3.1 8B", gpus=3))
        share_w, share_kv = self.WEIGHTS // 3, int(self.KV / 3)
        per_gpu = share_w + share_kv + self.ACT + overhead(share_w, share_kv, self.ACT)
        assert result.per_gpu_bytes == per_gpu

    def test_mla_latent_is_replicated(self):
        """DeepSeek V3's latent cache is shared by all heads: every GPU keeps all of it."""
        one = estimate(job("DeepSeek V3", precision="bf16", context_tokens=1000))
        eight = estimate(job("DeepSeek V3", precision="bf16", context_tokens=1000, gpus=8))
        assert eight.memory.kv_cache_bytes == 8 * one.memory.kv_cache_bytes == 8 * 61 * 576 * 2 * 1000

    def test_llama_cpp_keeps_one_context_per_gpu(self):
        result = estimate(job("Llama 2 7B", precision="q4_k_m", gpus=2))
        assert result.memory.overhead_bytes == 2 * CUDA_CONTEXT


class TestSpeed:
    def test_decode_reads_weights_and_cache_per_token(self):
        """tokens/s = 0.65 (README, Method) x 1,000 GB/s / bytes read per token."""
        result = estimate(job("Llama 2 7B", gpu=card()))
        assert result.tokens_per_s == pytest.approx(0.65 * CARD_BANDWIDTH_GB_S * 1e9 / (W + KV), abs=0.05)
        assert result.bound == "memory_bandwidth"


    def test_prefill_is_half_of_peak_flops_at_two_flops_per_parameter(self):
        """prefill tokens/s = 0.5 (README, Method) x 100 TFLOPS / (2 x 6.74e9 FLOPs per token)."""
        result = estimate(job("Llama 2 7B", gpu=card()))
        assert result.prefill_tokens_per_s == pytest.approx(0.5 * CARD_TFLOPS * 1e12 / (2 * LLAMA2_7B_PARAMS), abs=0.5)

    def test_moe_decode_reads_only_the_active_experts(self):
        """Mixtral in fp16: 12,879,925,248 of 46,702,792,704 parameters are read per token."""
        result = estimate(job("Mixtral 8x7B", gpu=card()))
        kv = 2 * 32 * 8 * 128 * 2 * 4096
        assert result.tokens_per_s == pytest.approx(0.65 * 1e12 / (12_879_925_248 * 2 + kv), rel=1e-6, abs=0.05)
        assert result.prefill_tokens_per_s == pytest.approx(0.5 * 100e12 / (2 * 12_879_925_248), abs=0.5)

    def test_tensor_parallel_gpus_read_their_shares_at_once_then_all_reduce(self):
        """Two GPUs each read half of the weights and of the KV heads with their own bandwidth; every layer adds
        two all-reduces of the 4096-wide bf16 hidden state over PCIe 4.0 (32 GB/s one way, PCI-SIG) at 90 us
        each (knowledge/data/interconnect.yaml, derived from a published TP2 decode time)."""
        result = estimate(job("Llama 2 7B", gpu=card(), gpus=2))
        reading = (W // 2 + KV // 2) / (0.65 * 1e12)
        ring = 2 * (2 - 1) / 2 * (4096 * 2) / 32e9
        talking = 2 * 32 * (90e-6 + ring)
        assert result.tokens_per_s == round(1 / (reading + talking), 1)
        assert result.prefill_tokens_per_s == round(2 * 0.5 * 100e12 / (2 * LLAMA2_7B_PARAMS), 0)


    def test_no_gpu_no_speed(self):
        result = estimate(job("Llama 2 7B"))
        assert result.tokens_per_s is None and result.bound is None


class TestDefaultsAndRules:

    @pytest.mark.parametrize(
        "fields",
        [
            {"precision": "q4_k_m", "runtime": "vllm"},
            {"precision": "nf4", "runtime": "llama.cpp"},
            {"precision": "fp8", "runtime": "llama.cpp"},
            {"precision": "gptq", "runtime": "llama.cpp"},
            {"task": "lora", "runtime": "vllm"},
            {"task": "full_finetune", "precision": "q4_k_m"},
            {"task": "lora", "precision": "nf4"},
            {"task": "qlora", "precision": "fp16"},
            {"task": "qlora", "precision": "q4_0"},
            {"context_tokens": 0},
            {"context_tokens": 131073},
        ],
    )
    def test_impossible_combinations_are_refused(self, fields):
        with pytest.raises(InvalidQuery):
            estimate(job("Llama 3.1 8B", **fields))

    def test_the_largest_context_is_accepted(self):
        assert estimate(job("Llama 3.1 8B", context_tokens=131072)).job.context_tokens == 131072
        assert math.isclose(estimate(job("Llama 3.1 8B", context_tokens=1)).memory.kv_cache_bytes, 2 * 32 * 8 * 128 * 2)
