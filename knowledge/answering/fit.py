"""Fit answers: "can a 4060 run Llama 2 7B?" — the verdict on the hardware asked, the cheapest change that makes
the job fit (the context asked is never cut in silence), or the hardware that would hold it.
"""

from __future__ import annotations

from knowledge.answering.offload_wording import offload_hint, offload_suggestion, ram_bytes
from knowledge.answering.recommend import what_would_fit
from knowledge.answering.situation import Draft, Situation
from knowledge.answering.wording import hardware, is_budget, memory_fields, precision_label, task_label, total, usable
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import TRAINING_TASKS, Estimate, Job, to_gib
from knowledge.estimator.runtimes import profile
from knowledge.estimator.verdicts import Change, assess, max_context
from knowledge.i18n import Language, gib, number, t


def representative_line(sit: Situation) -> list[str]:
    """ "Taking Llama 2 13B as a representative 13B model.": said when a bare size chose the model."""
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


def would_hold(sit: Situation, job: Job) -> tuple[list[str], str | None]:
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
    """ "Can a 4060 run Llama 2 7B?": the verdict, the cheapest change that makes it fit, or what would hold it."""
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
        lines, draft.suggestion = would_hold(sit, job)
        draft.lines.extend(lines)
        if sit.query.ram_gib is None:
            draft.lines.extend(offload_hint(lang, job))
    draft.lines.extend(representative_line(sit))
    return draft
