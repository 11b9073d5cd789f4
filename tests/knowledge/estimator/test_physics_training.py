"""Training memory and time, component by component, worked out by hand.

Sources: activations after Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large Transformer
Models", arXiv 2205.05198, section 4: 34sbh + 5as²b per layer with 16-bit tensors) adapted to a gated MLP,
without dropout masks; model states after Rajbhandari et al. 2020 (ZeRO, arXiv 1910.02054, section 3.1:
mixed-precision Adam holds 2Ψ + 2Ψ + 12Ψ bytes, and stages 1/2/3 divide the optimizer states, then the
gradients, then the parameters by N); LoRA after Hu et al. 2021 (arXiv 2106.09685: r x (d_in + d_out)
per adapted matrix); 8-bit AdamW after Dettmers et al. 2021 (arXiv 2110.02861: two 1-byte moments);
Adafactor after Shazeer and Stern 2018 (arXiv 1804.04235: factored second moments, a row and a column
vector per matrix instead of a full one); training FLOPs 6·N·D after Kaplan et al. 2020 (arXiv 2001.08361,
2N forward + 4N backward per token). Chunked cross-entropy: torchtune's 8 output chunks. The CUDA context,
the allocator share and the 40 % MFU are the project's stated judgements (README, Method).
"""

from __future__ import annotations

import pytest

from knowledge.estimator.estimate import estimate
from tests.knowledge.estimator.physics import (
    CARD_TFLOPS,
    LLAMA2_7B_PARAMS,
    card,
    job,
    overhead,
)

P = LLAMA2_7B_PARAMS
SEQ = 2048  # the default training sequence (README, Method)
# Llama 2 7B (h = 4096, q = kv = 32 x 128 = 4096, ffn 11008), bytes kept per token per layer in 16-bit:
# norm and QKV inputs and the attention output (10h), Q (2q), K and V (4kv), and the gated MLP's gate, up,
# activation and product (8 x 11008).
PER_TOKEN_LAYER = 10 * 4096 + 2 * 4096 + 4 * 4096 + 8 * 11008
LAYER = SEQ * PER_TOKEN_LAYER  # 314,572,800 bytes
EAGER_SCORES = 4 * 32 * SEQ * SEQ  # scores and softmax, 16-bit, per layer (the 5as²b term without dropout)
LOSS_CHUNKED = SEQ * 32000 * (2 + 4) // 8  # 16-bit logits and their fp32 upcast for one of 8 chunks
LOSS_PLAIN = SEQ * 32000 * (2 + 4 + 4)  # 16-bit logits, fp32 upcast and fp32 log-softmax of every token
CHECKPOINTS = 32 * SEQ * 4096 * 2  # each layer's 16-bit input


class TestActivations:
    def test_without_checkpointing_every_layer_keeps_its_activations(self):
        m = estimate(job("Llama 2 7B", task="full_finetune", checkpointing=False)).memory
        assert PER_TOKEN_LAYER == 153_600
        assert m.activations_bytes == 32 * LAYER + LOSS_CHUNKED

    def test_checkpointing_keeps_inputs_and_recomputes_one_layer(self):
        m = estimate(job("Llama 2 7B", task="full_finetune", checkpointing=True)).memory
        assert m.activations_bytes == CHECKPOINTS + max(LAYER, LOSS_CHUNKED)

    def test_with_checkpointing_a_plain_loss_can_be_the_peak(self):
        """A plain loss over 32000 x 2048 fp32 logits (655 MB) exceeds one recomputed layer (315 MB)."""
        m = estimate(job("Llama 2 7B", task="full_finetune", checkpointing=True, chunked_loss=False)).memory
        assert m.activations_bytes == CHECKPOINTS + LOSS_PLAIN

    def test_eager_attention_keeps_scores_in_every_layer(self):
        m = estimate(job("Llama 2 7B", task="full_finetune", checkpointing=False, flash_attention=False)).memory
        assert m.activations_bytes == 32 * (LAYER + EAGER_SCORES) + LOSS_CHUNKED

    def test_micro_batch_and_sequence_scale_activations(self):
        m = estimate(job("Llama 2 7B", task="full_finetune", checkpointing=False, batch=2, context_tokens=1024)).memory
        assert m.activations_bytes == 32 * 2 * 1024 * PER_TOKEN_LAYER + 2 * 1024 * 32000 * 6 // 8

    def test_a_micro_batch_of_two_without_flash_attention(self):
        m = estimate(
            job("Llama 2 7B", task="full_finetune", checkpointing=False, flash_attention=False, batch=2)
        ).memory
        assert m.activations_bytes == 32 * 2 * (LAYER + EAGER_SCORES) + 2 * LOSS_CHUNKED

    def test_a_micro_batch_of_two_with_checkpointing(self):
        m = estimate(job("Llama 2 7B", task="full_finetune", checkpointing=True, batch=2)).memory
        assert m.activations_bytes == 2 * CHECKPOINTS + 2 * LAYER

    def test_plain_mlp_and_gqa_widths(self):
        """GPT-2 XL (no gate: fc output and activation, 4 x 6400) at its 1,024 tokens, no checkpointing."""
        m = estimate(job("GPT-2 XL", task="full_finetune", checkpointing=False)).memory
        per_token = 10 * 1600 + 2 * 1600 + 4 * 1600 + 4 * 6400
        assert m.activations_bytes == 48 * 1024 * per_token + 1024 * 50257 * 6 // 8

    def test_gqa_keeps_narrow_k_and_v_and_moe_the_routed_width(self):
        """Mixtral: q 4096, kv 8 x 128, top-2 experts of 14336, at 2,048 tokens."""
        m = estimate(job("Mixtral 8x7B", task="full_finetune", checkpointing=False)).memory
        per_token = 10 * 4096 + 2 * 4096 + 4 * 1024 + 8 * 2 * 14336
        assert m.activations_bytes == 32 * SEQ * per_token + SEQ * 32000 * 6 // 8

    def test_mla_q_and_kv_widths(self):
        """DeepSeek V3: q is 128 heads x (128 + 64), k/v 128 x 128; 8 routed + 1 shared experts of 2048."""
        m = estimate(job("DeepSeek V3", task="full_finetune", checkpointing=False)).memory
        per_token = 10 * 7168 + 2 * 128 * 192 + 4 * 128 * 128 + 8 * 9 * 2048
        assert m.activations_bytes == 61 * SEQ * per_token + SEQ * 129280 * 6 // 8


class TestFullTrainingStates:
    @pytest.mark.parametrize(
        ("precision", "optimizer", "weights", "gradients", "optimizer_bytes"),
        [
            ("mixed", "adamw", 2, 2, 4 + 4 + 4),  # fp32 master, m and v
            ("mixed", "adamw_8bit", 2, 2, 4 + 1 + 1),
            ("mixed", "sgd", 2, 2, 4 + 4),  # master and momentum
            ("mixed", "adafactor", 2, 2, 4 + 2 * 4 / 4096),  # master and a row + a column of fp32 per 4096
            ("bf16", "adamw", 2, 2, 2 + 2),  # pure 16-bit: moments in 16-bit, no master
            ("fp16", "sgd", 2, 2, 2),
            ("bf16", "adafactor", 2, 2, 2 * 2 / 4096),
            ("fp32", "adamw", 4, 4, 4 + 4),
            ("fp32", "adamw_8bit", 4, 4, 1 + 1),
        ],
    )
    def test_bytes_per_parameter(self, precision, optimizer, weights, gradients, optimizer_bytes):
        m = estimate(job("Llama 2 7B", task="full_finetune", precision=precision, optimizer=optimizer)).memory
        assert m.weights_bytes == weights * P
        assert m.gradients_bytes == gradients * P
        assert m.optimizer_bytes == pytest.approx(optimizer_bytes * P, abs=1)



class TestLora:
    # Rank 16 on q, k, v, o (4096 -> 4096 each) and gate, up, down (4096 <-> 11008) of 32 layers.
    TRAINED = 16 * 32 * (4 * (4096 + 4096) + 3 * (4096 + 11008))

    def test_adapters_are_fp32_with_adamw_states(self):
        result = estimate(job("Llama 2 7B", task="lora"))
        m = result.memory
        assert self.TRAINED == 39_976_960
        assert m.weights_bytes == 2 * P + 4 * self.TRAINED  # frozen bf16 base + fp32 adapters
        assert m.gradients_bytes == 4 * self.TRAINED
        assert m.optimizer_bytes == 8 * self.TRAINED
        act = CHECKPOINTS + LAYER  # checkpointing is on by default for LoRA
        assert m.activations_bytes == act
        assert m.overhead_bytes == overhead(m.weights_bytes, m.gradients_bytes, m.optimizer_bytes, act)
        assert result.job.checkpointing is True

    def test_rank_scales_the_adapters(self):
        m = estimate(job("Llama 2 7B", task="lora", lora_rank=64)).memory
        assert m.gradients_bytes == 4 * 4 * self.TRAINED

    @pytest.mark.parametrize(
        ("optimizer", "bytes_per_param"), [("adamw_8bit", 2), ("sgd", 4), ("adafactor", 2 * 4 / 4096)]
    )
    def test_adapter_optimizers(self, optimizer, bytes_per_param):
        m = estimate(job("Llama 2 7B", task="lora", optimizer=optimizer)).memory
        assert m.optimizer_bytes == int(bytes_per_param * self.TRAINED)


    def test_plain_mlp_adapters(self):
        """GPT-2 XL: c_attn counted as q, k, v (1600 -> 1600 each) and o; fc and proj (1600 <-> 6400)."""
        m = estimate(job("GPT-2 XL", task="lora")).memory
        trained = 16 * 48 * (4 * (1600 + 1600) + 2 * (1600 + 6400))
        assert m.gradients_bytes == 4 * trained

    def test_gqa_and_moe_adapters(self):
        """Mixtral: k and v are 4096 -> 1024; every expert's three matrices get an adapter."""
        m = estimate(job("Mixtral 8x7B", task="lora")).memory
        trained = 16 * 32 * (2 * (4096 + 4096) + 2 * (4096 + 1024) + 8 * 3 * (4096 + 14336))
        assert m.gradients_bytes == 4 * trained

    def test_moe_with_a_plain_mlp_adapts_two_matrices_per_expert(self):
        """A Mixtral-shaped model without the gate: fc and proj per expert."""
        from knowledge.estimator.memory import lora_params

        mixtral = job("Mixtral 8x7B").model.architecture
        plain = mixtral.model_copy(update={"gated_mlp": False})
        trained = 16 * 32 * (2 * (4096 + 4096) + 2 * (4096 + 1024) + 8 * 2 * (4096 + 14336))
        assert lora_params(plain, 16) == trained

    def test_mla_adapters(self):
        """DeepSeek V3, approximately: q and o (7168 <-> 24576), the kv up-projection (16384 out);
        3 dense layers (7168 <-> 18432) then 58 layers of 257 experts (7168 <-> 2048)."""
        m = estimate(job("DeepSeek V3", task="lora", precision="bf16")).memory
        attention = 2 * 7168 + 2 * 128 * 192 + 128 * 128
        trained = 16 * (61 * attention + 3 * 3 * (7168 + 18432) + 58 * 257 * 3 * (7168 + 2048))
        assert m.gradients_bytes == 4 * trained


class TestZero:
    ACT = 32 * LAYER + LOSS_CHUNKED


    def test_several_gpus_default_to_zero_3(self):
        assert estimate(job("Llama 2 7B", task="full_finetune", gpus=2)).job.zero_stage == 3
        assert estimate(job("Llama 2 7B", task="full_finetune")).job.zero_stage == 0
        assert estimate(job("Llama 2 7B")).job.zero_stage is None  # inference splits by tensor parallelism


class TestTrainingTime:
    TOKENS = 10**9

    @pytest.mark.parametrize(
        ("task", "checkpointing", "flops_per_param_token"),
        [
            ("full_finetune", False, 6),  # 2 forward + 4 backward
            ("full_finetune", True, 8),  # + 2 for the recomputed forward
            ("lora", False, 4),  # frozen weights: no weight gradients, only the input gradients (2)
            ("lora", True, 6),
            ("qlora", True, 6),
        ],
    )
    def test_flops_at_forty_percent_utilisation(self, task, checkpointing, flops_per_param_token):
        result = estimate(
            job("Llama 2 7B", task=task, checkpointing=checkpointing, gpu=card(), training_tokens=self.TOKENS)
        )
        seconds = flops_per_param_token * P * self.TOKENS / (0.4 * CARD_TFLOPS * 1e12)
        assert result.training_hours == pytest.approx(seconds / 3600, abs=0.005)
        assert result.bound == "compute"


    def test_no_tokens_no_time(self):
        result = estimate(job("Llama 2 7B", task="lora", gpu=card()))
        assert result.training_hours is None and result.tokens_per_s is None
