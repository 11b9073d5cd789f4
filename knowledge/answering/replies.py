"""Answers that run the estimator on the job asked: ``fit`` (a verdict and the cheapest change),
``requirements`` (the total, the breakdown and the other common options) and ``speed``.
"""

from __future__ import annotations

from knowledge.answer_model import Field
from knowledge.answering.layout_wording import layout_line
from knowledge.answering.offload_wording import offload_hint, offload_suggestion, ram_bytes
from knowledge.answering.recommend import what_would_fit
from knowledge.answering.situation import DEFAULT_TRAINING_TOKENS, Draft, Situation
from knowledge.answering.wording import (
    hardware,
    is_budget,
    memory_fields,
    precision_label,
    task_label,
    tokens,
    total,
    usable,
)
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import TRAINING_TASKS, Estimate, Job, Task, to_gib
from knowledge.estimator.runtimes import profile
from knowledge.estimator.verdicts import Change, assess, max_context
from knowledge.i18n import Language, gib, number, t

INFERENCE_OPTIONS = ("fp16", "int8", "q8_0", "q4_k_m")  # "the other common precisions", one line each
TRAINING_OPTIONS: tuple[Task, ...] = ("full_finetune", "lora", "qlora")  # "the other common methods"


def _representative(sit: Situation) -> list[str]:
    if not sit.representative or sit.model is None or sit.query.model_size_b is None:
        return []
    size = number(sit.query.model_size_b, sit.lang, 1)
    return [t(sit.lang, "size.representative", model=sit.model.name, size=size)]


def suggestion(lang: Language, change: Change, asked: Job | None = None) -> str:
    """The cheapest change as one imperative sentence with its memory; a change of runtime says so."""
    if change.offload is not None:
        return offload_suggestion(lang, change)
    job = change.job
    fields = {
        "total": total(lang, change.estimate),
        "precision": precision_label(lang, job.precision),
        "context": number(job.context_tokens or 0, lang, 0),
        "kv": job.kv_precision or "",
    }
    kind: str = change.kind
    if kind == "runtime":
        inner = "precision"
        if asked is not None and job.context_tokens != asked.context_tokens and job.context_tokens is not None:
            inner = "context"
        elif asked is not None and job.kv_precision != asked.kv_precision and job.kv_precision is not None:
            inner = "kv"
        elif job.task in TRAINING_TASKS:
            inner = "qlora"
        sentence = t(lang, f"suggest.{_key(inner, job)}", **fields)
        sentence = sentence[:1].lower() + sentence[1:]
        return t(lang, "suggest.runtime", runtime=runtime_name(job.runtime), suggestion=sentence)
    return t(lang, f"suggest.{_key(kind, job)}", **fields)


def _key(kind: str, job: Job) -> str:
    """The message of a change: a shorter sequence says whether it trains with LoRA or QLoRA."""
    if kind == "context" and job.task in TRAINING_TASKS:
        return "context_lora" if job.task == "lora" else "context_training"
    return kind


def runtime_name(runtime: str | None) -> str:
    return profile(runtime).name if runtime else ""


def _tight(sit: Situation, result: Estimate) -> str:
    """How tight a job that only just fits is, and the margin its runtime wants."""
    assert sit.gpu is not None
    limit = result.per_gpu_bytes + (result.headroom_bytes or 0)
    share = 100 * result.per_gpu_bytes / limit if limit else 100.0
    return t(
        sit.lang,
        "fit.tight_detail",
        total=gib(result.per_gpu_gib, sit.lang),
        usable=gib(to_gib(limit), sit.lang),
        share=number(share, sit.lang, 0),
        headroom=gib(result.headroom_gib or 0.0, sit.lang),
        margin=gib(to_gib(result.margin_bytes or 0), sit.lang),
        runtime=runtime_name(result.job.runtime),
    )


def _longest_context(change: Change) -> Change:
    """The same change at the longest context that fits (a multiple of 256 tokens), not the first rung that did."""
    longest = max_context(change.job)
    if longest is None or longest <= (change.job.context_tokens or 0):
        return change
    job = change.job.model_copy(update={"context_tokens": longest})
    return Change(kind="context", job=job, estimate=estimate(job))


def _as_asked(sit: Situation, result: Estimate) -> str:
    assert sit.gpu is not None and sit.model is not None
    return t(
        sit.lang,
        "fit.as_asked",
        model=sit.model.name,
        task=task_label(sit.lang, result.job.task),
        precision=precision_label(sit.lang, result.job.precision),
        total=total(sit.lang, result),
        hardware=hardware(sit.lang, sit.gpu, sit.count),
        usable=usable(sit.lang, sit.gpu, sit.count),
    )


def _would(sit: Situation, job: Job) -> tuple[list[str], str | None]:
    """Lines and a suggestion saying what hardware would hold the job as asked."""
    lang = sit.lang
    if sit.gpu is not None and is_budget(sit.gpu):
        sentence = t(lang, "fit.would_budget", total=total(lang, estimate(job)))
        return [sentence], sentence
    options = what_would_fit(sit, job.model_copy(update={"gpu": None, "gpus": 1}))
    if not options:
        return [], None
    sentence = t(lang, "fit.would", options="; ".join(o.text for o in options))
    return [sentence], sentence


def fit(sit: Situation) -> Draft:
    lang = sit.lang
    assert sit.model is not None and sit.gpu is not None
    job = sit.job()
    verdict = assess(job, ram_bytes(sit.query.ram_gib))
    result = verdict.estimate
    where = hardware(lang, sit.gpu, sit.count)
    names = {"model": sit.model.name, "hardware": where, "task": task_label(lang, result.job.task)}
    draft = Draft(title="", estimate=result, verdict=verdict.verdict, fields=memory_fields(lang, result))
    if verdict.verdict == "yes":
        draft.title = t(lang, "fit.yes", **names)
        draft.lines.append(
            t(
                lang,
                "fit.yes_detail",
                total=total(lang, result),
                usable=usable(lang, sit.gpu, sit.count),
                precision=precision_label(lang, result.job.precision),
            )
        )
    elif verdict.change is not None and verdict.change.kind == "context" and sit.query.context_tokens:
        # The context asked for is never cut in silence: say it does not fit, and offer the longest that does.
        draft.suggestion = suggestion(lang, _longest_context(verdict.change), result.job)
        asked = number(sit.query.context_tokens, lang, 0)
        draft.title = t(lang, "fit.context_cut", context=asked, suggestion=draft.suggestion, **names)
        draft.lines.append(_as_asked(sit, result))
    elif verdict.tight:
        draft.title = t(lang, "fit.tight", **names)
        draft.lines.append(_tight(sit, result))
        if verdict.change is not None:
            draft.suggestion = suggestion(lang, verdict.change, result.job)
            draft.lines.append(t(lang, "fit.tight_room", suggestion=draft.suggestion))
        else:
            draft.lines.append(t(lang, "fit.tight_nothing"))
    elif verdict.change is not None:
        draft.suggestion = suggestion(lang, verdict.change, result.job)
        draft.title = t(lang, "fit.with_changes", suggestion=draft.suggestion, **names)
        draft.lines.append(_as_asked(sit, result))
    else:
        draft.title = t(lang, "fit.no", **names)
        draft.lines.append(_as_asked(sit, result))
        lines, draft.suggestion = _would(sit, job)
        draft.lines.extend(lines)
        if sit.query.ram_gib is None:
            draft.lines.extend(offload_hint(lang, job))
    draft.lines.extend(_representative(sit))
    return draft


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
    draft.lines.extend(_representative(sit))
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


def speed(sit: Situation) -> Draft:
    lang = sit.lang
    assert sit.model is not None
    if sit.gpu is None or is_budget(sit.gpu):
        return Draft(title=t(lang, "speed.no_gpu", model=sit.model.name))
    training = sit.task in TRAINING_TASKS
    tokens_given = sit.query.training_tokens
    job = sit.job(training_tokens=tokens_given or DEFAULT_TRAINING_TOKENS) if training else sit.job()
    verdict = assess(job, ram_bytes(sit.query.ram_gib))
    chosen: Estimate | None = verdict.estimate
    draft = Draft(title="")
    if verdict.verdict != "yes" and not (verdict.tight and verdict.change is None):
        chosen = verdict.change.estimate if verdict.change is not None else None
        if verdict.change is not None:
            draft.suggestion = suggestion(lang, verdict.change, verdict.estimate.job)
    where = hardware(lang, sit.gpu, sit.count)
    if chosen is None:
        draft.title = t(lang, "speed.no_fit", model=sit.model.name, hardware=where, task=task_label(lang, sit.task))
        draft.estimate = verdict.estimate
        lines, draft.suggestion = _would(sit, job)
        draft.lines.extend(lines)
        return draft
    draft.estimate = chosen
    draft.fields = memory_fields(lang, chosen)
    if chosen.job.task in TRAINING_TASKS:
        _training_time(sit, draft, chosen, tokens_given is None)
    else:
        _decode(sit, draft, chosen)
    if draft.suggestion:
        draft.lines.append(t(lang, "speed.changed", suggestion=draft.suggestion))
    draft.lines.extend(_representative(sit))
    return draft


def _decode(sit: Situation, draft: Draft, result: Estimate) -> None:
    lang = sit.lang
    assert sit.model is not None and sit.gpu is not None
    draft.tokens_per_s = result.tokens_per_s
    draft.title = t(
        lang,
        "speed.decode",
        model=sit.model.name,
        hardware=hardware(lang, sit.gpu, sit.count),
        tps=number(result.tokens_per_s or 0, lang, 0 if (result.tokens_per_s or 0) >= 10 else 1),
        precision=precision_label(lang, result.job.precision),
    )
    draft.lines.append(
        t(
            lang,
            "speed.bound_bandwidth",
            bandwidth=number(sit.gpu.memory_bandwidth_gb_s, lang, 0),
            prefill=number(result.prefill_tokens_per_s or 0, lang, 0),
        )
    )
    layout = layout_line(lang, sit.gpu, result)
    if layout:
        draft.lines.append(layout)
    draft.fields.append(
        _speed_field(lang, "field.speed", t(lang, "unit.tokens_per_s", tps=number(result.tokens_per_s or 0, lang, 1)))
    )


def _training_time(sit: Situation, draft: Draft, result: Estimate, defaulted: bool) -> None:
    lang = sit.lang
    assert sit.model is not None and sit.gpu is not None
    hours = result.training_hours or 0.0
    draft.training_hours = result.training_hours
    duration = t(lang, "unit.hours", hours=number(hours, lang, 1))
    if hours >= 48:
        duration = t(lang, "unit.hours_days", hours=number(hours, lang, 0), days=number(hours / 24, lang, 1))
    draft.title = t(
        lang,
        "speed.training",
        task=task_label(lang, result.job.task),
        model=sit.model.name,
        tokens=tokens(lang, result.job.training_tokens or 0),
        hardware=hardware(lang, sit.gpu, sit.count),
        duration=duration,
    )
    draft.lines.append(t(lang, "speed.bound_compute", tflops=number(sit.gpu.fp16_tensor_tflops, lang, 0)))
    if defaulted:
        draft.lines.append(t(lang, "speed.default_tokens", tokens=tokens(lang, DEFAULT_TRAINING_TOKENS)))
    draft.fields.append(_speed_field(lang, "field.training_time", duration))


def _speed_field(lang: Language, label: str, value: str) -> Field:
    return Field(name=t(lang, label), value=value)
