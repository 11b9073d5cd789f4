"""Requirements answers: "how much VRAM for Llama 2 13B?" — the total and its breakdown, the split over several GPUs,
the system RAM, whether the hardware asked holds it, and the other common precisions or training methods.
"""

from __future__ import annotations

from knowledge.answering.fit import representative_line
from knowledge.answering.recommend import what_would_fit
from knowledge.answering.situation import Draft, Situation
from knowledge.answering.wording import hardware, memory_fields, precision_label, task_label, total, usable
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Estimate, Task
from knowledge.i18n import gib, t

INFERENCE_OPTIONS = ("fp16", "int8", "q8_0", "q4_k_m")  # "the other common precisions", one line each
TRAINING_OPTIONS: tuple[Task, ...] = ("full_finetune", "lora", "qlora")  # "the other common methods"


def _options(sit: Situation, result: Estimate) -> list[str]:
    """The other common precisions (inference) or methods (training), one line each."""
    lang = sit.lang
    lines: list[str] = []
    if result.job.task == "inference":
        for precision in INFERENCE_OPTIONS:
            if precision == result.job.precision:
                continue
            other = estimate(sit.job(on=None, precision=precision))
            label = precision_label(lang, other.job.precision)
            lines.append(t(lang, "req.option", label=label, total=total(lang, other)))
        return lines
    for task in TRAINING_OPTIONS:
        if task == result.job.task:
            continue
        other = estimate(sit.job(on=None, task=task, precision=None))
        label = task_label(lang, task)
        lines.append(t(lang, "req.option", label=label, total=total(lang, other)))
    return lines


def requirements(sit: Situation) -> Draft:
    """ "How much VRAM for Llama 2 13B?": the total, the breakdown, and the other common options."""
    lang = sit.lang
    assert sit.model is not None
    result = estimate(sit.job())
    job = result.job
    title = t(
        lang,
        "req.total",
        model=sit.model.name,
        total=total(lang, result),
        task=task_label(lang, job.task),
        precision=precision_label(lang, job.precision),
    )
    draft = Draft(title=title, estimate=result, fields=memory_fields(lang, result))
    draft.lines.extend(representative_line(sit))
    if job.gpus > 1:
        draft.lines.append(t(lang, "req.split", count=job.gpus, per_gpu=gib(result.per_gpu_gib, lang)))
    draft.lines.append(t(lang, "req.ram", ram=gib(result.ram_gib, lang)))
    if sit.gpu is not None:
        key = "req.fits" if result.fits else "req.fits_not"
        draft.lines.append(
            t(lang, key, hardware=hardware(lang, sit.gpu, sit.count), usable=usable(lang, sit.gpu, sit.count))
        )
    options = _options(sit, result)
    if options:
        draft.lines.append(t(lang, "req.others"))
        draft.lines.extend(options)
    if sit.gpu is None:
        hint = what_would_fit(sit, job.model_copy(update={"gpu": None, "gpus": 1}))
        if hint:
            draft.lines.append(t(lang, "req.hardware", options="; ".join(o.text for o in hint)))
    return draft
