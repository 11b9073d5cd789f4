"""Recommendations: the cheapest GPUs that hold a job, how many of a common card it takes, and the largest
catalog models that fit a GPU. Every pick is confirmed by the estimator on that GPU.
"""

from __future__ import annotations

import functools

from knowledge.answer_model import Recommendation
from knowledge.answering.budget import cards_within_budget, price_text, recommend_within_budget
from knowledge.answering.layout_wording import layout_line
from knowledge.answering.links import gpu_url, model_url
from knowledge.answering.situation import Draft, Situation
from knowledge.answering.wording import (
    hardware,
    is_budget,
    memory_fields,
    params,
    per_gpu,
    precision_label,
    task_label,
    total,
)
from knowledge.errors import InvalidQuery
from knowledge.estimator import layout as lay
from knowledge.estimator.catalog import Catalog, Gpu, Model
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import TRAINING_TASKS, Estimate, Job, Task
from knowledge.estimator.precision import resolve, weight_bytes
from knowledge.estimator.runtimes import trains_well
from knowledge.estimator.verdicts import MAX_GPUS, gpus_needed, with_savers
from knowledge.i18n import Language, gib, t

COMMON_CARDS = ("rtx-4090", "a100-80gb", "h100-sxm")  # "how many of a common card" when no single GPU holds a job
INFERENCE_PRECISIONS = ("fp16", "int8", "q4_k_m")  # one line each in "the largest models that fit"


def cheapest_gpus(job: Job, catalog: Catalog, limit: int = 3) -> list[tuple[Gpu, Estimate]]:
    """The cheapest single catalog GPUs (by launch price) that hold ``job``; for training, cards that train well
    (matrix units, native bf16, CUDA or ROCm) come first, so a 2016 GTX 1060 is not the advice."""
    need = estimate(job.model_copy(update={"gpu": None, "gpus": 1})).per_gpu_bytes
    training = job.task in TRAINING_TASKS
    priced = sorted(
        (g for g in catalog.gpus if g.price_usd and g.usable_memory_bytes >= need),
        key=lambda g: (training and not trains_well(g), g.price_usd or 0, -g.memory_gib),
    )
    found: list[tuple[Gpu, Estimate]] = []
    for gpu in priced:
        result = estimate(job.model_copy(update={"gpu": gpu, "gpus": 1}))
        if result.fits:
            found.append((gpu, result))
            if len(found) == limit:
                break
    return found


def common_cards(job: Job, catalog: Catalog) -> list[tuple[Gpu, int, Estimate]]:
    """How many of each common card the job takes (cards it cannot fit on at any count are left out)."""
    found: list[tuple[Gpu, int, Estimate]] = []
    known = {g.id: g for g in catalog.gpus}
    for card in (known[i] for i in COMMON_CARDS if i in known):
        plain = job.model_copy(update={"gpu": None, "gpus": 1})
        count = gpus_needed(plain, card)
        if count is not None:
            found.append((card, count, estimate(plain.model_copy(update={"gpu": card, "gpus": count}))))
    return found


def gpu_line(lang: Language, gpu: Gpu, count: int, result: Estimate) -> Recommendation:
    if count > 1:
        text = t(lang, "rec.gpu_count_line", hardware=hardware(lang, gpu, count), per_gpu=per_gpu(lang, result))
    elif gpu.price_usd:
        text = t(lang, "rec.gpu_line", gpu=gpu.name, vram=gib(gpu.memory_gib, lang), price=price_text(lang, gpu))
    else:
        text = t(lang, "rec.gpu_line_unpriced", gpu=gpu.name, vram=gib(gpu.memory_gib, lang))
    return Recommendation(
        kind="gpu",
        id=gpu.id,
        name=gpu.name,
        count=count,
        task=result.job.task,
        precision=result.job.precision,
        memory_gib=result.per_gpu_gib,
        price_usd=gpu.price_usd,
        price_kind=gpu.price_kind,
        price_date=gpu.price_date,
        url=gpu_url(gpu.id, lang),
        text=text,
    )


def same_class(asked: Gpu | None, gpus: tuple[Gpu, ...]) -> tuple[Gpu, ...]:
    """The GPUs of the asker's class of machine: Macs for a Mac, desktop and workstation cards for a desktop
    card, every GPU otherwise (or when the question named none)."""
    if asked is None or is_budget(asked):
        return gpus
    if asked.vendor == "apple":
        return tuple(g for g in gpus if g.vendor == "apple")
    if asked.form_factor in ("desktop", "workstation", "laptop"):
        return tuple(g for g in gpus if g.form_factor in ("desktop", "workstation"))
    return gpus


def _largest_of_class(job: Job, gpus: tuple[Gpu, ...]) -> list[tuple[Gpu, Estimate]]:
    """Unpriced machines (Macs): the one with the least memory that holds the job."""
    found = []
    for gpu in sorted(gpus, key=lambda g: (g.usable_memory_gib, g.release_year or 0)):
        result = estimate(job.model_copy(update={"gpu": gpu, "gpus": 1}))
        if result.fits:
            found.append((gpu, result))
            break
    return found


def what_would_fit(sit: Situation, job: Job) -> list[Recommendation]:
    """The cheapest single GPU of the asker's class of machine that holds the job (a Mac user gets a Mac),
    else the cheapest of any class, else how many of the common cards."""
    mine = same_class(sit.gpu, sit.catalog.gpus)
    if mine != sit.catalog.gpus:
        priced = [pick for pick in cheapest_gpus(job, sit.catalog, limit=len(sit.catalog.gpus)) if pick[0] in mine]
        single = priced[:1] or _largest_of_class(job, tuple(g for g in mine if g.price_usd is None))
        if single:
            gpu, result = single[0]
            return [gpu_line(sit.lang, gpu, 1, result)]
        several = [card for card in common_cards(job, sit.catalog) if card[0] in mine and card[1] <= lay.node_size()]
        if several:  # several desktop cards in one machine rather than a server card
            return [gpu_line(sit.lang, gpu, count, result) for gpu, count, result in several]
    single = cheapest_gpus(job, sit.catalog, limit=1)
    if single:
        gpu, result = single[0]
        return [gpu_line(sit.lang, gpu, 1, result)]
    return [gpu_line(sit.lang, gpu, count, result) for gpu, count, result in common_cards(job, sit.catalog)]


def recommend_gpu(sit: Situation) -> Draft:
    lang = sit.lang
    if sit.model is None:
        if sit.query.budget is not None:
            return cards_within_budget(sit)
        return Draft(title=t(lang, "rec.gpu_no_model"))
    plain = sit.job(on=None)
    base = estimate(plain)
    model, task = sit.model.name, task_label(lang, base.job.task)
    if sit.query.budget is not None:
        return recommend_within_budget(sit)
    if sit.gpu is not None and not is_budget(sit.gpu):
        return _how_many(sit, plain, base, sit.gpu)
    cheapest = cheapest_gpus(plain, sit.catalog)
    if cheapest:
        lines = [gpu_line(lang, gpu, 1, result) for gpu, result in cheapest]
        title = t(lang, "rec.gpu_title", model=model, task=task, total=total(lang, base))
        draft = Draft(title=title, estimate=base, gpu=cheapest[0][0], gpu_count=1)
    else:
        cards = common_cards(plain, sit.catalog)
        lines = [gpu_line(lang, gpu, count, result) for gpu, count, result in cards]
        title = t(lang, "rec.gpu_none_single", model=model, task=task, total=total(lang, base))
        draft = Draft(title=title, estimate=base)
        if cards:
            draft.gpu, draft.gpu_count = cards[0][0], cards[0][1]
    draft.lines = [f"• {line.text}" for line in lines]
    if cheapest and all(gpu.segment == "datacenter" for gpu, _ in cheapest):
        several = [c for c in common_cards(plain, sit.catalog) if c[0].segment != "datacenter" and c[1] > 1]
        if several:  # a server card, or several desktop ones
            extra = [gpu_line(lang, gpu, count, result) for gpu, count, result in several]
            draft.lines += [t(lang, "rec.gpu_or_several"), *(f"• {line.text}" for line in extra)]
            lines += extra
    draft.recommendations = lines
    draft.fields = memory_fields(lang, base)
    return draft


def _how_many(sit: Situation, plain: Job, base: Estimate, gpu: Gpu) -> Draft:
    """ "How many H100s to run Llama 3.1 405B?": the fewest of that GPU that hold the job."""
    lang = sit.lang
    model, task = sit.model.name if sit.model else "", task_label(lang, base.job.task)
    plain = with_savers(plain)
    count = gpus_needed(plain, gpu)
    if count is None:
        title = t(lang, "rec.count_none", limit=MAX_GPUS, gpu=gpu.name, model=model, task=task)
        draft = Draft(title=title, estimate=base, gpu=gpu, gpu_count=sit.count)
        draft.lines = [t(lang, "req.total", model=model, task=task, total=total(lang, base), precision="")]
        draft.fields = memory_fields(lang, base)
        return draft
    result = estimate(plain.model_copy(update={"gpu": gpu, "gpus": count}))
    if count == 1:
        title = t(lang, "rec.count_one", gpu=gpu.name, model=model, task=task, total=total(lang, result))
    else:
        title = t(
            lang,
            "rec.count_title",
            model=model,
            task=task,
            hardware=hardware(lang, gpu, count),
            per_gpu=per_gpu(lang, result),
        )
    draft = Draft(title=title, estimate=result, gpu=gpu, gpu_count=count)
    draft.lines = [
        t(lang, "rec.count_total", total=total(lang, result), precision=precision_label(lang, result.job.precision))
    ]
    layout = layout_line(lang, gpu, result)
    if layout:
        draft.lines.insert(0, layout)
    draft.lines.extend(_fewer_with_8bit(lang, plain, gpu, count))
    draft.recommendations = [gpu_line(lang, gpu, count, result)]
    draft.fields = memory_fields(lang, result)
    return draft


def _fewer_with_8bit(lang: Language, plain: Job, gpu: Gpu, count: int) -> list[str]:
    """Full training: how many GPUs 8-bit AdamW states would take, when that is fewer."""
    if plain.task not in ("full_finetune", "pretrain") or plain.optimizer == "adamw_8bit" or count == 1:
        return []
    lighter = plain.model_copy(update={"optimizer": "adamw_8bit"})
    fewer = gpus_needed(lighter, gpu)
    if fewer is None or fewer >= count:
        return []
    result = estimate(lighter.model_copy(update={"gpu": gpu, "gpus": fewer}))
    return [t(lang, "rec.count_8bit", hardware=hardware(lang, gpu, fewer), per_gpu=per_gpu(lang, result))]


@functools.lru_cache(maxsize=8)
def _by_size(catalog: Catalog) -> tuple[tuple[Model, ...], dict[tuple[str, str], int]]:
    """A catalog's models, largest first, and a memo of their weight bytes by (model id, precision id): counting
    parameters across the whole catalog at every question cost ~10 ms (catalogs and models are immutable)."""
    return tuple(sorted(catalog.models, key=lambda m: m.params, reverse=True)), {}


def largest_models(
    sit: Situation, gpu: Gpu, count: int, task: Task, precision: str | None, limit: int = 2
) -> list[tuple[Model, Estimate]]:
    """The largest catalog models that fit ``count`` × ``gpu`` for a task at a precision."""
    room = gpu.usable_memory_bytes * count
    bits = resolve(precision) if precision else None
    found: list[tuple[Model, Estimate]] = []
    ranked, weights = _by_size(sit.catalog)
    for model in ranked:
        if bits is not None:
            key = (model.id, bits.id)
            if key not in weights:
                weights[key] = weight_bytes(model.architecture, bits)
            if weights[key] > room:
                continue  # the weights alone do not fit: no need to ask the estimator
        try:
            result = estimate(sit.job(model, on=gpu, count=count, task=task, precision=precision))
        except InvalidQuery:
            continue
        if result.fits:
            found.append((model, result))
            if len(found) == limit:
                break
    return found


def model_line(lang: Language, model: Model, result: Estimate) -> Recommendation:
    precision = precision_label(lang, result.job.precision)
    return Recommendation(
        kind="model",
        id=model.id,
        name=model.name,
        precision=result.job.precision,
        task=result.job.task,
        memory_gib=result.per_gpu_gib,
        url=model_url(model.id, lang),
        text=t(
            lang,
            "rec.model_line",
            model=model.name,
            params=params(lang, model.params_b),
            precision=precision,
            total=per_gpu(lang, result),
        ),
    )


def recommend_model(sit: Situation) -> Draft:
    lang = sit.lang
    if sit.gpu is None:
        return Draft(title=t(lang, "rec.model_no_hardware"))
    task = sit.task
    precisions: tuple[str | None, ...]
    if sit.query.precision:
        precisions = (sit.query.precision,)
    elif task == "inference":
        precisions = INFERENCE_PRECISIONS
    else:
        precisions = (None,)
    picks: list[tuple[Model, Estimate]] = []
    for precision in precisions:
        picks.extend(largest_models(sit, sit.gpu, sit.count, task, precision))
    where = hardware(lang, sit.gpu, sit.count)
    label = task_label(lang, task)
    if not picks:
        return Draft(title=t(lang, "rec.model_none", hardware=where, task=label))
    title = t(lang, "rec.model_title", task=label, hardware=where)
    draft = Draft(title=title, estimate=picks[0][1], model=picks[0][0])
    draft.recommendations = [model_line(lang, model, result) for model, result in picks]
    draft.lines = [f"• {line.text}" for line in draft.recommendations]
    draft.fields = memory_fields(lang, picks[0][1])
    return draft
