"""Every flag of `vrambot estimate` moves the figure it should, by the amount worked out by hand.

Llama 2 7B (config.json: 32 layers, hidden 4096, MLP 11008, 32 heads of 128, vocabulary 32000,
6,738,415,616 parameters). Memory is shown in GiB to 3 decimals, so each comparison allows 0.0015 GiB.
Sources: KV cache 2 x layers x KV heads x head_dim x bytes (K and V); q8_0 blocks of 32 weights in 34 bytes
(llama.cpp ggml-common.h); ZeRO's 2 + 2 + 12 bytes per parameter and its stages (arXiv 1910.02054);
LoRA r x (d_in + d_out) per matrix (arXiv 2106.09685); 6·N·D training FLOPs (arXiv 2001.08361); the
0.5 GiB CUDA context, the allocator's 5 %, vLLM's 0.5 GiB of CUDA graphs and the 40 % MFU (README, Method).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main

GIB = 2**30
P = 6_738_415_616
LINEAR = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008)
KV_FP16 = 2 * 32 * 32 * 128 * 4096 * 2  # 2 GiB at 4,096 tokens
ACT = 4096 * (4 * 4096 + 6 * 11008) + 32000 * 6
LAYER = 2048 * (10 * 4096 + 2 * 4096 + 4 * 4096 + 8 * 11008)  # training, per layer, at sequence 2048
LOSS_CHUNKED = 2048 * 32000 * 6 // 8
TRAINED_R16 = 16 * 32 * (4 * (4096 + 4096) + 3 * (4096 + 11008))
GIB_3 = 0.0015  # the JSON rounds GiB to 3 decimals


def gib(value: float) -> float:
    return value / GIB


@pytest.fixture(scope="module")
def run():
    runner = CliRunner()

    def invoke(*args: str) -> dict:
        result = runner.invoke(main, ["estimate", "Llama 2 7B", *args, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return invoke


def test_kv_precision_q8_0_is_34_32nds_of_a_byte(run):
    """An fp16 run's 2 GiB cache becomes 2 GiB x 1.0625 / 2 = 1.0625 GiB in q8_0."""
    assert run()["memory"]["kv_cache_gib"] == pytest.approx(gib(KV_FP16), abs=GIB_3)
    assert run("--kv-precision", "q8_0")["memory"]["kv_cache_gib"] == pytest.approx(
        gib(KV_FP16) * (34 / 32) / 2, abs=GIB_3
    )


def test_context_and_batch_scale_the_cache(run):
    assert run("--context", "1024")["memory"]["kv_cache_gib"] == pytest.approx(0.5, abs=GIB_3)
    assert run("--batch", "4")["memory"]["kv_cache_gib"] == pytest.approx(8.0, abs=GIB_3)
    assert run("--batch", "4")["memory"]["activations_gib"] == pytest.approx(gib(4 * ACT), abs=GIB_3)


def test_precision_sets_the_weight_bytes(run):
    """int8 (bitsandbytes): 1 byte per linear weight, embeddings, head and norms stay 2 bytes."""
    data = run("--precision", "int8")
    assert data["precision"] == "int8"
    assert data["memory"]["weights_gib"] == pytest.approx(gib(LINEAR + (P - LINEAR) * 2), abs=GIB_3)


def test_no_flash_attention_adds_the_score_matrix(run):
    """32 heads x 4096 x 4096 x 2 bytes = 1 GiB more activations."""
    flash = run("--flash-attention")["memory"]["activations_gib"]
    eager = run("--no-flash-attention")["memory"]["activations_gib"]
    assert flash == pytest.approx(gib(ACT), abs=GIB_3)
    assert eager == pytest.approx(gib(ACT) + 1.0, abs=GIB_3)




def test_runtime_llama_cpp_defaults_to_q4_k_m(run):
    data = run("--runtime", "llama.cpp")
    assert data["precision"] == "q4_k_m" and data["runtime"] == "llama.cpp"
    assert data["memory"]["overhead_gib"] == pytest.approx(0.5, abs=GIB_3)


def test_gpus_split_the_weights(run):
    data = run("--gpus", "2")
    assert data["gpus"] == 2
    per_gpu = P + KV_FP16 // 2 + ACT // 2
    per_gpu += GIB // 2 + int(0.05 * per_gpu)
    assert data["memory"]["per_gpu_gib"] == pytest.approx(gib(per_gpu), abs=GIB_3)




@pytest.mark.parametrize(
    ("optimizer", "bytes_per_param"),
    [("adamw", 12), ("adamw_8bit", 4 + 2), ("sgd", 4 + 4), ("adafactor", 4 + 2 * 4 / 4096)],
)
def test_optimizer_sets_the_state_bytes(run, optimizer, bytes_per_param):
    """fp32 master copy (4) plus: AdamW's two fp32 moments, two 8-bit moments, one momentum, or Adafactor's
    row and column vectors."""
    data = run("--task", "full_finetune", "--optimizer", optimizer)
    assert data["optimizer"] == optimizer
    assert data["memory"]["optimizer_gib"] == pytest.approx(gib(bytes_per_param * P), abs=GIB_3)


def test_checkpointing_keeps_layer_inputs_and_one_layer(run):
    on = run("--task", "full_finetune", "--checkpointing")["memory"]["activations_gib"]
    off = run("--task", "full_finetune", "--no-checkpointing")["memory"]["activations_gib"]
    assert on == pytest.approx(gib(32 * 2048 * 4096 * 2 + LAYER), abs=GIB_3)
    assert off == pytest.approx(gib(32 * LAYER + LOSS_CHUNKED), abs=GIB_3)




def test_lora_rank_scales_the_adapters(run):
    r16 = run("--task", "lora")["memory"]
    r64 = run("--task", "lora", "--lora-rank", "64")["memory"]
    assert r16["gradients_gib"] == pytest.approx(gib(4 * TRAINED_R16), abs=GIB_3)
    assert r64["gradients_gib"] == pytest.approx(gib(4 * 4 * TRAINED_R16), abs=GIB_3)
    assert r64["optimizer_gib"] == pytest.approx(gib(8 * 4 * TRAINED_R16), abs=GIB_3)






