"""Verdicts: yes, with the cheapest change that fits, or no (with how many GPUs would do)."""

from __future__ import annotations

import pytest

from knowledge import InvalidQuery, Job, load_catalog
from knowledge.estimator.verdicts import assess, gpus_needed, max_context


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def job(catalog, model: str, gpu: str, **fields) -> Job:
    return Job(model=catalog.find_model(model), gpu=catalog.find_gpu(gpu), **fields)


def test_a_job_that_fits_gets_yes(catalog):
    """Llama 2 7B in FP16 fits a 24 GiB RTX 4090."""
    fit = assess(job(catalog, "Llama 2 7B", "RTX 4090"))
    assert fit.verdict == "yes"
    assert fit.change is None


def test_training_a_7b_on_a_4060_points_to_qlora(catalog):
    """A person asking whether a 4060 can train a 7B learns full training needs over 100 GiB and QLoRA ~6 GiB."""
    fit = assess(job(catalog, "Llama 2 7B", "RTX 4060", task="full_finetune"))
    assert fit.verdict == "with_changes"
    assert fit.estimate.total_gib > 100
    assert fit.change is not None and fit.change.kind == "qlora"
    assert 4.5 < fit.change.estimate.total_gib < 7.5


def test_inference_tries_8_bit_before_4_bit(catalog):
    """The cheapest change keeps the most precision: Mistral 7B on a 12 GiB card goes to 8-bit, not 4-bit."""
    fit = assess(job(catalog, "Mistral 7B v0.1", "RTX 3060 12GB"))
    assert fit.verdict == "with_changes"
    assert fit.change is not None and fit.change.job.precision == "q8_0"


def test_a_lower_precision_for_a_small_card(catalog):
    """Llama 2 13B on a 12 GiB RTX 4070 fits once quantized (the seed's example question). Q4_K_M weights
    (7.3 GiB) and a 16-bit KV cache of 4,096 tokens (40 layers x 5,120 x 2 x 2 bytes = 3.1 GiB) leave less than
    llama.cpp's 1 GiB margin of the card's 11.6 usable GiB; a q8_0 KV cache (1.7 GiB) gives room before 3-bit
    weights would."""
    fit = assess(job(catalog, "Llama 2 13B", "RTX 4070"))
    assert fit.verdict == "with_changes"
    assert fit.change is not None and fit.change.kind in ("precision", "kv")
    assert fit.change.job.precision == "q4_k_m"
    assert fit.change.estimate.per_gpu_bytes <= catalog.find_gpu("RTX 4070").usable_memory_bytes


def test_nothing_reasonable_fits_gives_no_and_how_many_gpus(catalog):
    """GPT-3 175B on one 8 GiB card is a no; the verdict says how many such cards the job would need."""
    fit = assess(job(catalog, "GPT-3 175B", "RTX 4060"))
    assert fit.verdict == "no"
    assert fit.gpus_needed is None or fit.gpus_needed > 10


def test_how_many_h100s_for_405b_in_fp16(catalog):
    """Llama 3.1 405B in FP16 holds ~756 GiB of weights: between 9 and 16 H100 80GB."""
    needed = gpus_needed(job(catalog, "Llama 3.1 405B", "H100 SXM", precision="fp16"), catalog.find_gpu("H100 SXM"))
    assert needed is not None and 9 <= needed <= 16


def test_max_context_is_the_longest_that_fits(catalog):
    """The longest context that fits is a multiple of 256 and one step more does not fit."""
    base = job(catalog, "Llama 3.1 8B", "RTX 4090")
    tokens = max_context(base)
    assert tokens is not None and tokens % 256 == 0
    assert assess(base.model_copy(update={"context_tokens": tokens})).verdict == "yes"
    if tokens < base.model.architecture.max_context_tokens:
        assert assess(base.model_copy(update={"context_tokens": tokens + 256})).verdict != "yes"


def test_a_verdict_needs_a_gpu(catalog):
    with pytest.raises(InvalidQuery, match="GPU"):
        assess(Job(model=catalog.find_model("Llama 2 7B")))


def test_a_shorter_context_comes_before_giving_up(catalog):
    """Llama 2 13B on an 8 GiB card: no precision fits at 4,096 tokens, but a shorter context does."""
    fit = assess(job(catalog, "Llama 2 13B", "RTX 4060"))
    assert fit.verdict == "with_changes"
    assert fit.change is not None and fit.change.kind == "context"
    assert fit.change.job.context_tokens is not None and fit.change.job.context_tokens < 4096


def test_four_bit_with_a_shorter_context_before_two_bit(catalog):
    """Whenever vrambot proposes 3- or 2-bit weights, 4-bit at the shortest context tried does not fit."""
    proposals = 0
    for model in catalog.models:
        for gpu in ("RTX 4060", "RTX 4070", "RTX 3060 12GB", "RTX 4090"):
            fit = assess(Job(model=model, gpu=catalog.find_gpu(gpu)))
            if fit.change is None or fit.change.job.precision not in ("q3_k_m", "q2_k"):
                continue
            proposals += 1
            context = min(512, fit.estimate.job.context_tokens or 512)
            four_bit = Job(model=model, gpu=catalog.find_gpu(gpu), precision="q4_k_m", context_tokens=context)
            assert assess(four_bit).verdict != "yes", (model.id, gpu)
    assert proposals > 0
