"""Headroom (a plain "yes" keeps the runtime's margin free) and what each card can run, as answers say it."""

from __future__ import annotations

import pytest

from knowledge import Job, Query, answer, ask, load_catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.verdicts import assess

CATALOG = load_catalog()


def _job_at(share: float) -> Job:
    """Llama 3.1 8B in Q4_K_M on llama.cpp on an 8 GiB RTX 4060, at the context whose need is closest to
    ``share`` of the card."""
    gpu = CATALOG.find_gpu("RTX 4060")
    best = None
    for tokens in range(4096, 131_072, 256):
        candidate = Job(model=CATALOG.find_model("Llama 3.1 8B"), precision="q4_k_m", context_tokens=tokens, gpu=gpu)
        used = estimate(candidate).per_gpu_bytes / gpu.usable_memory_bytes
        if best is None or abs(used - share) < abs(best[1] - share):
            best = (candidate, used)
    assert best is not None and abs(best[1] - share) < 0.01
    return best[0]


def test_at_97_percent_of_the_card_the_verdict_is_not_yes():
    """Published runs estimated at 96-98 % of an A100 40GB ran out of memory: 97 % is tight, not "yes"."""
    job = _job_at(0.97)
    fit = assess(job)
    assert fit.verdict != "yes" and fit.tight
    assert 0 <= fit.estimate.headroom_bytes < fit.estimate.margin_bytes  # type: ignore[operator]


def test_a_tight_answer_says_how_tight_and_what_gives_room():
    job = _job_at(0.97)
    query = Query(intent="fit", model="llama-3.1-8b", gpu="rtx-4060", precision="q4_k_m",
                  context_tokens=job.context_tokens)
    reply = answer(query)
    assert reply.verdict == "with_changes"
    assert reply.title.startswith("Only just")
    assert "97%" in reply.text and "What gives room" in reply.text
    assert reply.headroom_gib is not None and 0 <= reply.headroom_gib < 1.0  # llama.cpp wants 1 GiB free


def test_v100_training_says_no_bf16_and_uses_fp16_mixed_precision():
    reply = ask("can a v100 train llama 2 7b")
    assert "V100 has no bf16: fp16 mixed precision, no FlashAttention 2" in reply.text
    assert reply.precision == "mixed_fp16" and reply.query is not None and reply.query.precision == "mixed_fp16"


def test_a_vllm_question_gets_vllm_advice():
    """A 3060 (12 GiB, Ampere) cannot hold Llama 3.1 8B in FP16 under vLLM's 90 %; vLLM's FP8 (Marlin on
    Ampere) does: the advice stays in vLLM and never proposes a GGUF type."""
    reply = ask("can a 3060 run llama 3.1 8b with vllm")
    assert reply.verdict == "with_changes" and reply.suggestion is not None
    assert "FP8" in reply.suggestion and "Q4_K_M" not in reply.text and "Q8_0" not in reply.text


def test_leaving_vllm_is_said():
    """vLLM has no Apple GPU backend: the change is llama.cpp's, and the answer says so."""
    reply = ask("can a mac m2 max run llama 3 8b with vllm")
    assert reply.suggestion is not None and reply.suggestion.startswith("With llama.cpp instead:")


@pytest.mark.parametrize("gpu", ["Arc A770", "Radeon PRO W7900"])
def test_qlora_is_not_the_first_advice_on_intel_arc_or_amd_workstation_cards(gpu):
    """bitsandbytes' 4-bit on Intel XPU and ROCm is younger than on CUDA: LoRA (or LoRA on shorter sequences)
    comes first when it fits."""
    job = Job(model=CATALOG.find_model("Llama 2 7B"), task="full_finetune", gpu=CATALOG.find_gpu(gpu))
    fit = assess(job)
    assert fit.change is not None and fit.change.job.task == "lora"


def test_no_bitsandbytes_or_gptq_on_apple():
    """bitsandbytes' and GPTQ's kernels are CUDA/ROCm: a Mac gets neither, in verdicts or recommendations."""
    reply = ask("what models can I run on an m2 max")
    assert reply.recommendations
    assert all(r.precision not in ("int8", "nf4", "nf4_dq", "gptq", "awq") for r in reply.recommendations)
    assert "INT8 (bitsandbytes)" not in reply.text and "GPTQ" not in reply.text
    mac = CATALOG.find_gpu("Apple M2 Max (32 GB)")
    fit = assess(Job(model=CATALOG.find_model("Llama 3 8B"), precision="int8", gpu=mac))
    assert fit.estimate.unsupported == "precision_backend"
    assert fit.change is not None and fit.change.job.precision not in ("int8", "nf4", "gptq", "awq")


def test_training_recommendations_prefer_cards_that_train_well():
    """A 2016 GTX 1060 (Pascal: no tensor cores, no bf16) holds a LoRA of Llama 3.2 1B but is not the advice;
    every card offered has matrix units and native bf16."""
    from knowledge.answering.recommend import cheapest_gpus

    job = Job(model=CATALOG.find_model("Llama 3.2 1B"), task="lora")
    picks = cheapest_gpus(job, CATALOG)
    assert picks and all(gpu.tensor_cores and gpu.bf16 for gpu, _ in picks)
    assert all(not gpu.id.startswith("gtx-") for gpu, _ in picks)
