"""`vrambot estimate`: the JSON contract, every flag, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["estimate", *args])

    return invoke


def test_json_has_the_contract_fields(run):
    """`vrambot estimate "Llama 2 7B" --task qlora --gpu "RTX 4060" --json` prints one object with the contract."""
    result = run("Llama 2 7B", "--task", "qlora", "--gpu", "RTX 4060", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"]["id"] == "llama-2-7b" and 6.5 < data["model"]["params_b"] < 7
    assert data["task"] == "qlora" and data["precision"] == "nf4_dq"
    assert set(data["memory"]) >= {
        "weights_gib",
        "kv_cache_gib",
        "activations_gib",
        "gradients_gib",
        "optimizer_gib",
        "overhead_gib",
        "total_gib",
        "per_gpu_gib",
        "ram_gib",
    }
    assert data["gpu"] == {"id": "rtx-4060", "name": data["gpu"]["name"], "vram_gib": 8, "count": 1}
    assert data["fits"] is True
    assert data["assumptions"] and all(isinstance(a, str) for a in data["assumptions"])
    parts = sum(v for k, v in data["memory"].items() if k not in ("total_gib", "per_gpu_gib", "ram_gib"))
    assert parts == pytest.approx(data["memory"]["total_gib"], abs=0.01)


def test_without_a_gpu_fits_is_null(run):
    data = json.loads(run("Mistral 7B", "--json").output)
    assert data["fits"] is None and data["gpu"] is None and data["tokens_per_s"] is None


@pytest.mark.parametrize(
    "flags",
    [
        ["--precision", "q4_k_m", "--runtime", "llama.cpp", "--context", "8192"],
        ["--precision", "int8", "--batch", "4", "--kv-precision", "fp8", "--runtime", "vllm"],
        ["--runtime", "vllm", "--gpu", "A100 80GB"],
        ["--task", "full_finetune", "--optimizer", "adamw_8bit", "--checkpointing", "--no-flash-attention"],
        ["--task", "pretrain", "--gpus", "8", "--gpu", "H100 SXM", "--zero", "2", "--training-tokens", "1000000000"],
        ["--task", "lora", "--lora-rank", "64", "--no-checkpointing", "--no-chunked-loss"],
        ["--gpu", "4090", "--gpus", "2"],
    ],
    ids=["gguf", "int8-batch-kv", "vllm", "full-8bit", "pretrain-zero", "lora-rank", "two-gpus"],
)
def test_every_flag_is_accepted(run, flags):
    result = run("Llama 3.1 8B", *flags, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["memory"]["total_gib"] > 0


def test_readable_output_shows_the_breakdown_and_verdict(run):
    result = run("Llama 2 7B", "--gpu", "RTX 4060")
    assert result.exit_code == 0
    assert "weights" in result.output and "does NOT fit" in result.output and "Assumptions" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["llama 9 70b"], "Did you mean 'Llama 2 70B'"),
        (["Llama 2 7B", "--gpu", "rtx 9090"], "Unknown gpu 'rtx 9090'"),
        (["Llama 2 7B", "--context", "-5"], "--context must be between 1"),
        (["Llama 2 7B", "--context", "99999999999"], "--context must be between 1"),
        (["Llama 2 7B", "--context", "8192"], "at most 4096 tokens"),
        (["Llama 2 7B", "--precision", "q9"], "Unknown precision 'q9'"),
        (["Llama 2 7B", "--task", "full_finetune", "--precision", "nf4"], "--task qlora"),
    ],
    ids=["model", "gpu", "negative-context", "absurd-context", "over-max-context", "precision", "train-4bit"],
)
def test_bad_input_gets_one_line_and_exit_code_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_runtime_alias_and_lora_targets(run):
    """`--runtime ollama` is llama.cpp; `--lora-targets q,v` adapts two projections: rank 16 x (4096 + 4096 +
    4096 + 1024) x 32 layers = 6,815,744 parameters for Llama 3.1 8B."""
    data = json.loads(run("Llama 3.1 8B", "--precision", "q4_k_m", "--runtime", "ollama", "--json").output)
    assert data["runtime"] == "llama.cpp"
    data = json.loads(run("Llama 3.1 8B", "--task", "lora", "--lora-targets", "q,v", "--json").output)
    assert data["lora_targets"] == ["q", "v"]
    assert any("6.8 M trainable" in line for line in data["assumptions"])


def test_json_has_the_headroom(run):
    """headroom_gib: usable memory minus the need, per GPU (an RTX 4090, which CUDA reports as 23.64 GiB, and
    Llama 2 7B in FP16)."""
    from knowledge import load_catalog

    usable = load_catalog().find_gpu("RTX 4090").usable_memory_gib
    data = json.loads(run("Llama 2 7B", "--gpu", "RTX 4090", "--json").output)
    assert data["headroom_gib"] == pytest.approx(usable - data["memory"]["per_gpu_gib"], abs=0.01)
    assert data["tight"] is False


def test_an_unknown_lora_target_is_one_line(run):
    result = run("Llama 3.1 8B", "--task", "lora", "--lora-targets", "q,zz")
    assert result.exit_code == 2 and "Unknown LoRA target 'zz'" in result.output
