"""Speed answers: "how many tokens/s on a 4090?", "how long to fine-tune on an A100?" — decode and prefill speed
from memory bandwidth and tensor throughput, or a training run's time from its tokens.
"""

from __future__ import annotations

from knowledge.answer_model import Field
from knowledge.answering.fit import representative_line, suggestion, would_hold
from knowledge.answering.layout_wording import layout_line
from knowledge.answering.offload_wording import ram_bytes
from knowledge.answering.situation import DEFAULT_TRAINING_TOKENS, Draft, Situation
from knowledge.answering.wording import hardware, is_budget, memory_fields, precision_label, task_label, tokens
from knowledge.estimator.job import TRAINING_TASKS, Estimate
from knowledge.estimator.verdicts import assess
from knowledge.i18n import Language, number, t


def speed(sit: Situation) -> Draft:
    """ "How fast does a 4090 run Llama 3 8B?": decode tokens/s, or a training run's hours, on the hardware asked
    (with the cheapest change first when the job does not fit as asked)."""
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
        lines, draft.suggestion = would_hold(sit, job)
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
    draft.lines.extend(representative_line(sit))
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
