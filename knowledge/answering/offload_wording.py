"""Offload to system RAM in words: which weights go to RAM, how much of each memory, and the speed."""

from __future__ import annotations

from knowledge.answering.wording import is_budget, precision_label
from knowledge.estimator.job import GIB, to_gib
from knowledge.estimator.offload import RAM_BANDWIDTH_GB_S
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
