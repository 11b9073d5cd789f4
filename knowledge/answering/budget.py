"""Budgets: "best GPU under $800 for a 14B", "¿qué GPU compro con 600 euros?" — the best card within the money
for that job: cards where it fits as asked (with room to spare first), then with the cheapest change, then the
fastest; every price with its currency, whether launch or street, and its date.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, ConfigDict, PositiveFloat

from knowledge.answer_model import Recommendation
from knowledge.answering.links import gpu_url
from knowledge.answering.situation import Draft, Situation
from knowledge.answering.wording import memory_fields, precision_label, task_label, total
from knowledge.estimator.catalog import Gpu
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import TRAINING_TASKS, Estimate, Job
from knowledge.estimator.verdicts import Fit, assess
from knowledge.i18n import Language, gib, number, t

_DATA = Path(__file__).parent.parent / "data" / "currencies.yaml"
ROOMY = 0.9  # "fits with headroom": the job takes at most 90 % of the usable memory
# Changes from the one that costs least to the one that costs most (knowledge.estimator.verdicts' ladders).
_CHANGE_ORDER = ("checkpointing", "optimizer", "precision", "offload", "lora", "qlora", "context")
_PRECISION_ORDER = ("q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k")


class Currency(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    usd_per_unit: PositiveFloat
    rate_date: str
    source: str


@functools.cache
def currencies() -> dict[str, Currency]:
    import yaml  # here, not at the top: only a question with a budget reads the rates

    raw = yaml.safe_load(_DATA.read_text(encoding="utf-8"))["currencies"]
    return {code: Currency.model_validate(entry) for code, entry in raw.items()}


def budget_usd(amount: float, currency: str) -> float:
    """A budget in US dollars at the dated reference rate."""
    return amount * currencies()[currency].usd_per_unit


def price_text(lang: Language, gpu: Gpu) -> str:
    """ "1,499 USD launch price (2020-09)", "about 8,000 USD street price (2025-06)"."""
    if gpu.price_usd is None:
        return ""
    key = "price.street" if gpu.price_kind == "street" else "price.launch"
    return t(lang, key, price=number(gpu.price_usd, lang, 0), date=gpu.price_date or "")


def _rank(fit: Fit) -> tuple[int, int]:
    """Fits as asked with room, as asked, then with the cheapest change (by its cost)."""
    if fit.verdict == "yes":
        gpu = fit.estimate.job.gpu
        assert gpu is not None
        return (0 if fit.estimate.per_gpu_bytes <= ROOMY * gpu.usable_memory_bytes else 1), 0
    assert fit.change is not None
    change = fit.change
    step = _CHANGE_ORDER.index(change.kind) * 10
    if change.job.precision in _PRECISION_ORDER:
        step += _PRECISION_ORDER.index(change.job.precision)
    return 2, step


def _speed(result: Estimate) -> float:
    """Decode tokens/s for inference; tensor TFLOPS (training time scales with it) for training."""
    gpu = result.job.gpu
    assert gpu is not None
    if result.job.task in TRAINING_TASKS:
        return gpu.fp16_tensor_tflops
    return result.tokens_per_s or 0.0


def best_within(job: Job, sit: Situation, limit_usd: float, count: int = 3) -> list[tuple[Gpu, Fit, Estimate]]:
    """The best priced single GPUs costing at most ``limit_usd`` for ``job``: fit first, then speed, then price."""
    ram = None if sit.query.ram_gib is None else int(sit.query.ram_gib * 2**30)
    ranked: list[tuple[tuple[int, int, float, int], Gpu, Fit, Estimate]] = []
    for gpu in sit.catalog.gpus:
        if gpu.price_usd is None or gpu.price_usd > limit_usd:
            continue
        fit = assess(job.model_copy(update={"gpu": gpu, "gpus": 1}), ram)
        if fit.verdict == "no":
            continue
        chosen = fit.estimate if fit.change is None else fit.change.estimate
        verdict_rank, change_rank = _rank(fit)
        ranked.append(((verdict_rank, change_rank, -_speed(chosen), gpu.price_usd), gpu, fit, chosen))
    ranked.sort(key=lambda entry: entry[0])
    return [(gpu, fit, chosen) for _, gpu, fit, chosen in ranked[:count]]


def _line(lang: Language, gpu: Gpu, fit: Fit, chosen: Estimate) -> Recommendation:
    if fit.verdict == "yes":
        how = t(lang, "budget.as_asked", total=total(lang, chosen))
    else:
        label = precision_label(lang, chosen.job.precision)
        how = t(lang, "budget.changed", precision=label, total=total(lang, chosen))
        if fit.change is not None and fit.change.kind in ("lora", "qlora", "offload", "checkpointing", "optimizer"):
            how = t(lang, f"budget.change_{fit.change.kind}", total=total(lang, chosen))
    speed = ""
    if chosen.job.task not in TRAINING_TASKS and chosen.tokens_per_s:
        speed = t(lang, "budget.speed", tps=number(chosen.tokens_per_s, lang, 0))
    text = t(
        lang,
        "budget.line",
        gpu=gpu.name,
        vram=gib(gpu.memory_gib, lang),
        price=price_text(lang, gpu),
        how=how,
        speed=speed,
    )
    return Recommendation(
        kind="gpu",
        id=gpu.id,
        name=gpu.name,
        task=chosen.job.task,
        precision=chosen.job.precision,
        memory_gib=chosen.per_gpu_gib,
        url=gpu_url(gpu.id, lang),
        text=text,
        price_usd=gpu.price_usd,
        price_kind=gpu.price_kind,
        price_date=gpu.price_date,
    )


def recommend_within_budget(sit: Situation) -> Draft:
    lang = sit.lang
    assert sit.model is not None and sit.query.budget is not None
    currency = sit.query.currency or "USD"
    limit = budget_usd(sit.query.budget, currency)
    plain = sit.job(on=None)
    base = estimate(plain)
    names = {
        "model": sit.model.name,
        "task": task_label(lang, base.job.task),
        "budget": f"{number(sit.query.budget, lang, 0)} {currency}",
    }
    picks = best_within(plain, sit, limit)
    lines: list[str] = []
    if currency != "USD":
        rate = currencies()[currency]
        lines.append(
            t(lang, "budget.rate", usd=number(limit, lang, 0), rate=number(rate.usd_per_unit, lang, 4),
              currency=currency, date=rate.rate_date)
        )
    if not picks:
        draft = Draft(title=t(lang, "budget.none", total=total(lang, base), **names), estimate=base)
        draft.lines = lines
        draft.fields = memory_fields(lang, base)
        return draft
    recommendations = [_line(lang, gpu, fit, chosen) for gpu, fit, chosen in picks]
    best, best_fit, best_estimate = picks[0]
    draft = Draft(
        title=t(lang, "budget.title", gpu=best.name, **names),
        estimate=best_estimate,
        gpu=best,
        gpu_count=1,
        verdict=best_fit.verdict,
    )
    draft.lines = [*lines, *(f"• {r.text}" for r in recommendations)]
    draft.recommendations = recommendations
    draft.fields = memory_fields(lang, best_estimate)
    return draft


def cards_within_budget(sit: Situation, count: int = 3) -> Draft:
    """No model named ("best GPU under $500 for local LLMs"): memory decides what a card can run, so the cards
    within the money with the most usable memory, then the most bandwidth (decode speed)."""
    lang = sit.lang
    assert sit.query.budget is not None
    currency = sit.query.currency or "USD"
    limit = budget_usd(sit.query.budget, currency)
    budget = f"{number(sit.query.budget, lang, 0)} {currency}"
    affordable = [g for g in sit.catalog.gpus if g.price_usd is not None and g.price_usd <= limit]
    affordable.sort(key=lambda g: (-g.usable_memory_gib, -g.memory_bandwidth_gb_s, g.price_usd or 0))
    if not affordable:
        return Draft(title=t(lang, "budget.no_card", budget=budget))
    picks = affordable[:count]
    recommendations = [
        Recommendation(
            kind="gpu",
            id=gpu.id,
            name=gpu.name,
            memory_gib=gpu.usable_memory_gib,
            price_usd=gpu.price_usd,
            price_kind=gpu.price_kind,
            price_date=gpu.price_date,
            url=gpu_url(gpu.id, lang),
            text=t(
                lang,
                "budget.card_line",
                gpu=gpu.name,
                vram=gib(gpu.memory_gib, lang),
                price=price_text(lang, gpu),
                bandwidth=number(gpu.memory_bandwidth_gb_s, lang, 0),
            ),
        )
        for gpu in picks
    ]
    draft = Draft(title=t(lang, "budget.cards_title", budget=budget, gpu=picks[0].name), gpu=picks[0], gpu_count=1)
    if currency != "USD":
        rate = currencies()[currency]
        draft.lines.append(
            t(lang, "budget.rate", usd=number(limit, lang, 0), rate=number(rate.usd_per_unit, lang, 4),
              currency=currency, date=rate.rate_date)
        )
    draft.lines.extend(f"• {r.text}" for r in recommendations)
    draft.lines.append(t(lang, "budget.ask_model"))
    draft.recommendations = recommendations
    return draft
