"""Answers about the catalog itself: ``model_info``, ``gpu_info``, ``compare``, and the ``help`` and ``unknown``
answers (neither is an error: one shows what vrambot answers, the other suggests a close question).
"""

from __future__ import annotations

from knowledge.answer_model import Field, Oddity, Query
from knowledge.answering.links import home_url
from knowledge.answering.recommend import largest_models
from knowledge.answering.situation import Draft, Situation
from knowledge.answering.wording import joined, params, per_gpu, precision_label, task_label, total
from knowledge.errors import InvalidQuery, UnknownGpu, UnknownModel
from knowledge.estimator.catalog import Catalog, Gpu, Model
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Estimate, Job
from knowledge.estimator.verdicts import assess
from knowledge.folding import fold
from knowledge.i18n import Language, gib, number, t
from knowledge.understanding.lexicon import SPEED, TASK_WORDS
from knowledge.understanding.name_agreement import find_model
from knowledge.understanding.name_search import index
from knowledge.understanding.quantities import LIMITS

HELP_EXAMPLES = 6  # example questions shown by help (help.example.1 ... in the catalog)
SMALL_QUANT = "q4_k_m"


def _sizes(model: Model) -> tuple[Estimate, Estimate]:
    """Inference memory in 16-bit and at 4-bit (Q4_K_M), the two figures people compare."""
    return estimate(Job(model=model)), estimate(Job(model=model, precision=SMALL_QUANT))


def model_info(sit: Situation) -> Draft:
    lang = sit.lang
    model = sit.model
    assert model is not None
    arch = model.architecture
    fp16, q4 = _sizes(model)
    draft = Draft(title=t(lang, "model.title", model=model.name, params=params(lang, model.params_b)), estimate=fp16)
    if model.is_moe:
        assert arch.moe is not None
        draft.lines.append(
            t(
                lang,
                "model.moe",
                experts=arch.moe.experts,
                top_k=arch.moe.top_k,
                active=params(lang, model.active_params / 1e9),
            )
        )
    draft.lines.append(
        t(
            lang,
            "model.detail",
            layers=arch.layers,
            attention=arch.attention.upper(),
            context=number(arch.max_context_tokens, lang, 0),
        )
    )
    draft.lines.append(
        t(
            lang,
            "model.memory",
            fp16=total(lang, fp16),
            q4=total(lang, q4),
            context=number(fp16.job.context_tokens or 0, lang, 0),
        )
    )
    draft.fields = [
        Field(name=t(lang, "field.parameters"), value=f"{params(lang, model.params_b)} B"),
        Field(name=t(lang, "field.layers"), value=str(arch.layers)),
        Field(name=t(lang, "field.context"), value=number(arch.max_context_tokens, lang, 0)),
        Field(name=t(lang, "field.memory_fp16"), value=total(lang, fp16)),
        Field(name=t(lang, "field.memory_q4"), value=total(lang, q4)),
    ]
    if model.is_moe:
        draft.fields.insert(
            1, Field(name=t(lang, "field.active_parameters"), value=f"{params(lang, model.active_params / 1e9)} B")
        )
    return draft


def _gpu_fields(lang: Language, gpu: Gpu) -> list[Field]:
    fields = [
        Field(name=t(lang, "field.memory"), value=gib(gpu.memory_gib, lang)),
        Field(name=t(lang, "field.bandwidth"), value=f"{number(gpu.memory_bandwidth_gb_s, lang, 0)} GB/s"),
        Field(name=t(lang, "field.tflops"), value=f"{number(gpu.fp16_tensor_tflops, lang, 1)} TFLOPS"),
    ]
    if gpu.price_usd:
        fields.append(Field(name=t(lang, "field.price"), value=f"{number(gpu.price_usd, lang, 0)} USD"))
    return fields


def gpu_info(sit: Situation) -> Draft:
    lang = sit.lang
    gpu = sit.gpu
    assert gpu is not None
    draft = Draft(
        title=t(lang, "gpu.title", gpu=gpu.name, vram=gib(gpu.memory_gib, lang)), fields=_gpu_fields(lang, gpu)
    )
    draft.lines.append(
        t(
            lang,
            "gpu.detail",
            bandwidth=number(gpu.memory_bandwidth_gb_s, lang, 0),
            tflops=number(gpu.fp16_tensor_tflops, lang, 1),
        )
    )
    if gpu.gpu_memory_share < 1:
        draft.lines.append(t(lang, "gpu.unified", usable=gib(gpu.usable_memory_gib, lang)))
    if gpu.price_usd:
        draft.lines.append(t(lang, "gpu.price", price=number(gpu.price_usd, lang, 0)))
    for precision in ("fp16", SMALL_QUANT):
        best = largest_models(sit, gpu, sit.count, "inference", precision, limit=1)
        if best:
            model, result = best[0]
            draft.estimate = draft.estimate or result
            draft.lines.append(
                t(
                    lang,
                    "gpu.runs",
                    model=model.name,
                    precision=precision_label(lang, precision),
                    total=per_gpu(lang, result),
                )
            )
    return draft


def _fit_line(lang: Language, model: Model, gpu: Gpu, job: Job) -> str:
    try:
        verdict = assess(job)
    except InvalidQuery:
        return ""
    key = {"yes": "compare.fits", "with_changes": "compare.fits_changed", "no": "compare.fits_not"}[verdict.verdict]
    if verdict.tight and verdict.change is None:
        key = "compare.fits_tight"  # it fits, without the runtime's margin, and nothing gives room
    change = verdict.change.estimate if verdict.change is not None else verdict.estimate
    return t(
        lang,
        key,
        model=model.name,
        gpu=gpu.name,
        total=total(lang, verdict.estimate),
        changed=precision_label(lang, change.job.precision) if verdict.change is not None else "",
        changed_total=total(lang, change),
    )


def compare(sit: Situation) -> Draft:
    lang = sit.lang
    catalog = sit.catalog
    query = sit.query
    if len(query.gpus) >= 2:
        gpus = [catalog.find_gpu(name) for name in query.gpus[:4]]
        title = t(lang, "compare.title", items=" vs ".join(g.name for g in gpus))
        draft = Draft(title=title, url=None)
        for gpu in gpus:
            draft.lines.append(
                t(
                    lang,
                    "compare.gpu_line",
                    gpu=gpu.name,
                    vram=gib(gpu.memory_gib, lang),
                    bandwidth=number(gpu.memory_bandwidth_gb_s, lang, 0),
                    tflops=number(gpu.fp16_tensor_tflops, lang, 0),
                )
            )
        best = max(gpus, key=lambda g: (g.usable_memory_gib, g.memory_bandwidth_gb_s))
        runner = max((g for g in gpus if g is not best), key=lambda g: (g.usable_memory_gib, g.memory_bandwidth_gb_s))
        reason = "compare.more_memory" if best.usable_memory_gib > runner.usable_memory_gib else "compare.faster_memory"
        draft.lines.append(t(lang, reason, gpu=best.name, other=runner.name))
        if sit.model is not None:
            for gpu in gpus:
                line = _fit_line(lang, sit.model, gpu, sit.job(on=gpu))
                if line:
                    draft.lines.append(line)
        draft.gpu = best
        draft.fields = [
            Field(name=g.name, value=f"{gib(g.memory_gib, lang)}, {number(g.memory_bandwidth_gb_s, lang, 0)} GB/s")
            for g in gpus
        ]
        return draft
    models = [find_model(name, index(catalog))[0] for name in query.models[:4]]
    title = t(lang, "compare.title", items=" vs ".join(m.name for m in models))
    draft = Draft(title=title)
    for model in models:
        fp16, q4 = _sizes(model)
        draft.lines.append(
            t(
                lang,
                "compare.model_line",
                model=model.name,
                params=params(lang, model.params_b),
                fp16=total(lang, fp16),
                q4=total(lang, q4),
            )
        )
        draft.fields.append(Field(name=model.name, value=f"{params(lang, model.params_b)} B, {total(lang, fp16)}"))
        if sit.gpu is not None:
            line = _fit_line(lang, model, sit.gpu, sit.job(model))
            if line:
                draft.lines.append(line)
    draft.model = models[0]
    draft.estimate = estimate(Job(model=models[0]))
    return draft


def help_answer(sit: Situation) -> Draft:
    lang = sit.lang
    draft = Draft(title=t(lang, "help.title"), url=home_url(lang))
    draft.lines.append(t(lang, "help.body"))
    draft.lines.extend(f"• {t(lang, f'help.example.{n}')}" for n in range(1, HELP_EXAMPLES + 1))
    return draft


def unknown(sit: Situation) -> Draft:
    """What was not understood, and a close question to ask instead."""
    lang = sit.lang
    text = fold(sit.query.text.strip())
    if not text:
        key = "empty"
    elif sit.query.vram_gib is not None:
        key = "budget"
    elif SPEED.search(text):
        key = "speed"
    elif any(task != "inference" and pattern.search(text) for task, pattern in TASK_WORDS):
        key = "training"
    else:
        key = "fit"
    vram = gib(sit.query.vram_gib or 0, lang)
    example = t(lang, f"unknown.example.{key}", vram=vram)
    title = t(lang, "unknown.empty" if key == "empty" else "unknown.title")
    draft = Draft(title=title, url=home_url(lang), suggestion=example)
    draft.lines.append(t(lang, "unknown.missing"))
    draft.lines.append(t(lang, "unknown.try", example=example))
    return draft


def unknown_name(lang: Language, error: UnknownModel | UnknownGpu) -> str:
    """ "I don't know the model "llama 9 70b". Did you mean Llama 3 70B or Llama 2 70B? If it is on the Hugging
    Face Hub, ask with its id"."""
    kind = "model" if isinstance(error, UnknownModel) else "gpu"
    message = t(lang, f"error.unknown_{kind}", name=error.name)
    if error.suggestions:
        message += " " + t(lang, "error.did_you_mean", suggestions=joined(lang, list(error.suggestions)))
    if kind == "model" and "/" not in error.name:  # a name, not a repo: the Hub may have it
        message += " " + t(lang, "error.hub_offer")
    return message


def _understood(query: Query, catalog: Catalog) -> list[str]:
    """What a question was understood to ask, as short phrases: the model, the hardware, the task."""
    lang = query.language
    items: list[str] = []
    if query.model:
        try:
            items.append(find_model(query.model, index(catalog))[0].name)
        except UnknownModel:
            items.append(f'"{query.model}"')
    elif query.model_size_b is not None:
        items.append(t(lang, "odd.size", size=number(query.model_size_b, lang, 1)))
    if query.gpu:
        try:
            name = catalog.find_gpu(query.gpu).name
        except UnknownGpu:
            name = f'"{query.gpu}"'
        count = query.gpu_count or 1
        items.append(name if count == 1 else t(lang, "label.gpus", count=count, gpu=name))
    elif query.vram_gib is not None:
        items.append(t(lang, "label.budget", vram=gib(query.vram_gib, lang)))
    if query.task is not None:
        items.append(task_label(lang, query.task))
    return items


def nonsense(query: Query, catalog: Catalog) -> str:
    """A quantity that means nothing, refused in one line with what else was understood."""
    lang = query.language
    oddity: Oddity = query.oddities[0]
    value = oddity.value or 0.0
    limit = LIMITS.get(oddity.kind, 0)
    message = t(
        lang,
        f"odd.{oddity.kind}",
        typed=oddity.typed,
        value=number(abs(value), lang, 0 if abs(value) >= 10 or value == int(value) else 2),
        limit=number(limit, lang, 0),
    )
    understood = _understood(query, catalog)
    if understood:
        message += " " + t(lang, "odd.understood", items=", ".join(understood))
    return message
