"""The flags the calibration rows needed move the figures they should, worked out by hand.

Llama 2 7B (config.json: 32 layers, hidden 4096, vocabulary 32000, untied output head 32000 x 4096).
Block sizes from llama.cpp ggml-common.h: Q6_K 210 bytes per 256 weights, Q8_0 34 bytes per 32.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main

GIB = 2**30
GIB_3 = 0.0015  # the JSON rounds GiB to 3 decimals


@pytest.fixture(scope="module")
def run():
    runner = CliRunner()

    def invoke(*args: str) -> dict:
        result = runner.invoke(main, ["estimate", "Llama 2 7B", *args, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return invoke


def test_no_checkpoint_offload_keeps_unsloths_checkpoints_on_the_gpu(run):
    """Unsloth offloads each layer's 16-bit input to RAM; without it the GPU keeps 32 layers x 2048 tokens x
    4096 x 2 bytes = 0.5 GiB more activations."""
    flags = ("--task", "qlora", "--runtime", "unsloth", "--checkpointing")
    offloaded = run(*flags)["memory"]["activations_gib"]
    on_gpu = run(*flags, "--no-checkpoint-offload")["memory"]["activations_gib"]
    assert on_gpu - offloaded == pytest.approx(32 * 2048 * 4096 * 2 / GIB, abs=GIB_3)


def test_output_tensor_type_sets_the_output_heads_blocks(run):
    """Q4_K_M stores the 131,072,000-weight output head in Q6_K (0.8203125 bytes per weight); in Q8_0
    (1.0625 bytes) it takes 131,072,000 x 0.2421875 = 31,744,000 bytes more."""
    default = run("--runtime", "llama.cpp")["memory"]["weights_gib"]
    q8_0 = run("--runtime", "llama.cpp", "--output-tensor-type", "q8_0")["memory"]["weights_gib"]
    assert q8_0 - default == pytest.approx(31_744_000 / GIB, abs=GIB_3)
