"""Offload to system RAM in words: which weights go to RAM, how much of each memory, and the speed."""

from __future__ import annotations

from knowledge.answering.wording import is_budget, precision_label
from knowledge.estimator.job import GIB, Job, to_gib
from knowledge.estimator.offload import RAM_BANDWIDTH_GB_S, llama_cpp_offload
from knowledge.estimator.precision import resolve
from knowledge.estimator.verdicts import Change
from knowledge.i18n import Language, gib, number, t


def ram_bytes(ram_gib: float | None) -> int | None:
    """The machine's system RAM stated in the question, in bytes."""
    return None if ram_gib is None else int(ram_gib * GIB)


def offload_suggestion(lang: Language, change: Change) -> str:
    """ "Run it with llama.cpp in Q4_K_M, the experts of 21 of 48 blocks in system RAM ...: about 62 tokens/s." """
    plan = change.offload
    assert plan is not None
    result = change.estimate
    fields = {
        "precision": precision_label(lang, result.job.precision),
        "gpu": gib(to_gib(plan.gpu_bytes), lang),
        "ram": gib(to_gib(plan.ram_bytes), lang),
        "layers": plan.layers,
        "gpu_layers": plan.gpu_layers,
        "ngl": plan.gpu_layers + 1,
        "cpu_blocks": plan.layers - plan.gpu_layers,
    }
    sentence = t(lang, f"suggest.offload_{plan.kind}", **fields)
    gpu = result.job.gpu
    if plan.kind == "optimizer" or result.tokens_per_s is None or gpu is None or is_budget(gpu):
        return sentence
    speed = t(
        lang,
        "suggest.offload_speed",
        tps=number(result.tokens_per_s, lang, 0 if result.tokens_per_s >= 10 else 1),
        ram_gb_s=number(RAM_BANDWIDTH_GB_S, lang, 1),
    )
    return f"{sentence} {speed}"


PLENTY_OF_RAM = 2**40  # 1 TiB: to find how much RAM an offload needs when the question does not say


def offload_hint(lang: Language, job: Job) -> list[str]:
    """For a "no" whose question did not state the RAM: what llama.cpp offload would need and give."""
    if job.task != "inference" or job.gpus != 1:
        return []
    precision = job.precision if job.precision and resolve(job.precision).kind == "gguf" else "q4_k_m"
    found = llama_cpp_offload(job.model_copy(update={"precision": precision, "runtime": "llama.cpp"}), PLENTY_OF_RAM)
    if found is None:
        return []
    plan, result = found
    change = Change(kind="offload", job=result.job, estimate=result, offload=plan)
    sentence = offload_suggestion(lang, change)
    return [t(lang, "fit.offload_hint", ram=gib(to_gib(plan.ram_bytes), lang), suggestion=sentence)]
