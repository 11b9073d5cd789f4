"""Verdicts against hand-sized cards: the order of the changes tried, the fewest GPUs, the longest context.

The ladders are the project's judgement, stated in knowledge/estimator/verdicts.py's docstring and the
README: inference tries 8-bit, then 6-, 5- and 4-bit weights (llama.cpp k-quants), then 4-bit with a shorter
context, then 3- and 2-bit; full training tries activation checkpointing, 8-bit AdamW, LoRA, QLoRA, then a
shorter sequence. Memory figures are the hand formulas of test_physics_inference.
"""

from __future__ import annotations

import math

import pytest

from knowledge.estimator.estimate import estimate
from knowledge.estimator.verdicts import assess, gpus_needed, max_context
from tests.knowledge.estimator.physics import GIB, LLAMA2_7B_PARAMS, card, job, overhead


def need(model: str, **fields) -> int:
    """Bytes per GPU of a job (to size a card between two rungs of the ladder)."""
    return estimate(job(model, **fields)).per_gpu_bytes


def between(low: int, high: int) -> float:
    """A usable size in GiB strictly between two jobs' needs."""
    assert low < high
    return (low + high) / 2 / GIB


LADDER = [
    ("precision", {"precision": "q8_0"}),
    ("precision", {"precision": "q6_k"}),
    ("precision", {"precision": "q5_k_m"}),
    ("precision", {"precision": "q4_k_m"}),
    ("context", {"precision": "q4_k_m", "context_tokens": 2048}),
    ("context", {"precision": "q4_k_m", "context_tokens": 1024}),
    ("context", {"precision": "q4_k_m", "context_tokens": 512}),
]










def test_a_job_that_fits_is_yes_and_one_that_never_fits_is_no():
    assert assess(job("Llama 2 7B", gpu=card(40))).verdict == "yes"
    fit = assess(job("Llama 2 70B", gpu=card(2)))
    assert fit.verdict == "no" and fit.change is None


TRAINING_LADDER = [
    ("checkpointing", {"checkpointing": True}),
    ("optimizer", {"checkpointing": True, "optimizer": "adamw_8bit"}),
    ("lora", {"task": "lora", "checkpointing": True}),
    ("qlora", {"task": "qlora", "checkpointing": True}),
    ("context", {"task": "qlora", "checkpointing": True, "context_tokens": 1024}),
    ("context", {"task": "qlora", "checkpointing": True, "context_tokens": 512}),
]






# Deployable counts for Llama 2 7B (32 heads, 32 KV heads) under vLLM-style layouts (README, Method: several
# GPUs): tensor degrees 1, 2, 4, 8 inside a node of 8, then whole nodes of 8 as pipeline stages.
COUNTS = [1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64]


def per_gpu_fp16_llama2_7b(n: int) -> int:
    """Llama 2 7B in fp16 at 4,096 tokens over n GPUs (test_physics_inference's formulas)."""
    tensor = min(n, 8)
    stages = n // tensor
    weights = LLAMA2_7B_PARAMS * 2 // n
    kv = int(2 * 32 * 32 * 128 * 2 * 4096 * math.ceil(32 / tensor) / 32 / stages)
    act = (4096 * (4 * 4096 + 6 * 11008) + 32000 * 6) // tensor
    return weights + kv + act + overhead(weights, kv, act)


@pytest.mark.parametrize("usable_gib", [16.0, 9.0, 5.0, 3.1, 2.0])
def test_gpus_needed_is_the_fewest_that_hold_the_job(usable_gib):
    gpu = card(usable_gib)
    fewest = next(n for n in COUNTS if per_gpu_fp16_llama2_7b(n) <= gpu.usable_memory_bytes)
    assert gpus_needed(job("Llama 2 7B"), gpu) == fewest
    assert gpus_needed(job("Llama 2 7B"), gpu, limit=fewest - 1 or 1) == (None if fewest > 1 else 1)


def test_the_verdict_names_the_gpus_needed():
    gpu = card(5.0)
    fewest = next(n for n in COUNTS if per_gpu_fp16_llama2_7b(n) <= gpu.usable_memory_bytes)
    assert assess(job("Llama 2 7B", gpu=gpu)).gpus_needed == fewest


def total_fp16_llama2_7b(context: int) -> int:
    weights = LLAMA2_7B_PARAMS * 2
    kv = 2 * 32 * 32 * 128 * 2 * context
    act = context * (4 * 4096 + 6 * 11008) + 32000 * 6
    return weights + kv + act + overhead(weights, kv, act)




def test_max_context_is_none_when_not_even_256_tokens_fit():
    assert max_context(job("Llama 2 7B", gpu=card(12.0))) is None










class TestOffloadPlace:
    """Offload to system RAM, tried only when the question states the RAM, goes where it costs least: for
    inference after the 8- to 4-bit rungs and before a shorter context or 3- and 2-bit weights; for full
    training after 8-bit optimizer states and before LoRA; never for LoRA/QLoRA or another named runtime."""

    def kinds(self, fields, steps=None):
        from knowledge.estimator.verdicts import _candidates, _with_offload

        asked = job("Llama 2 13B", gpu=card(4), **fields)
        given = iter(steps) if steps is not None else _candidates(asked)
        return list(_with_offload(asked, given))


    def test_inference_keeps_the_gguf_type_asked(self):
        out = self.kinds({"precision": "q6_k"})
        assert ("offload", {"precision": "q6_k", "runtime": "llama.cpp"}) in out
        assert ("offload", {"precision": "q4_k_m", "runtime": "llama.cpp"}) in self.kinds({"runtime": "llama.cpp"})

    def test_another_runtime_named_gets_no_offload(self):
        assert "offload" not in [kind for kind, _ in self.kinds({"runtime": "vllm"})]

    def test_a_lossy_rung_or_a_runtime_change_is_costly(self):
        steps = [("precision", {"precision": "q8_0"}), ("precision", {"precision": "q3_k_m"})]
        assert [kind for kind, _ in self.kinds({}, steps)] == ["precision", "offload", "precision"]
        steps = [("runtime", {"runtime": "llama.cpp"})]
        assert [kind for kind, _ in self.kinds({}, steps)] == ["offload", "runtime"]

    def test_without_a_costly_rung_offload_comes_last(self):
        steps = [("precision", {"precision": "q8_0"})]
        assert [kind for kind, _ in self.kinds({}, steps)] == ["precision", "offload"]

    def test_full_training_before_lora(self):
        out = self.kinds({"task": "full_finetune", "checkpointing": False})
        kinds = [kind for kind, _ in out]
        assert kinds[:4] == ["checkpointing", "optimizer", "offload", "lora"]
        assert out[2][1] == {"checkpointing": True}

    def test_adapters_get_no_offload(self):
        assert "offload" not in [kind for kind, _ in self.kinds({"task": "lora"})]
        assert "offload" not in [kind for kind, _ in self.kinds({"task": "qlora"})]

    def test_a_stated_ram_makes_offload_the_change(self):
        """Llama 2 13B in Q4_K_M does not fit a 6 GiB card at 4,096 tokens; with 64 GiB of RAM, llama.cpp
        keeps some layers in RAM rather than shortening the context."""
        q4 = need("Llama 2 13B", precision="q4_k_m")
        assert q4 > 6 * GIB
        with_ram = assess(job("Llama 2 13B", gpu=card(6)), ram_bytes=64 * GIB)
        assert with_ram.change is not None and with_ram.change.kind == "offload"
        assert with_ram.change.offload is not None
        without = assess(job("Llama 2 13B", gpu=card(6)))
        assert without.change is None or without.change.kind != "offload"


@pytest.mark.parametrize("ask", [assess, max_context])
def test_a_verdict_or_a_longest_context_needs_a_gpu(ask):
    from knowledge import InvalidQuery

    with pytest.raises(InvalidQuery, match=r"needs a GPU\. Pass --gpu NAME\.") as raised:
        ask(job("Llama 2 7B"))
    assert raised.value.key == "error.no_gpu"
