"""One question in, one :class:`~knowledge.answer_model.Answer` out.

``ask(text, previous=None)`` understands the question (``knowledge.understanding.understand``) and answers it;
``answer(query)`` answers a :class:`~knowledge.answer_model.Query` built any other way (a slash command's options).
Neither raises on what a person types: an unknown model or GPU, or a setup the estimator refuses, becomes an
Answer with ``error`` set and a message in the question's language.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Literal

from pydantic import ValidationError

from knowledge.answer_model import Answer, GpuRef, Intent, ModelRef, Query, Reading, ResolvedQuery, Settings
from knowledge.answering.assumptions import assumption_summary
from knowledge.answering.catalog_info import compare, gpu_info, help_answer, model_info, nonsense, unknown, unknown_name
from knowledge.answering.fit import fit
from knowledge.answering.links import gpu_url, home_url, model_url
from knowledge.answering.long_context import check_context, context_caveat
from knowledge.answering.recommend import recommend_gpu, recommend_model
from knowledge.answering.requirements import requirements
from knowledge.answering.serving import serving
from knowledge.answering.situation import Draft, Situation
from knowledge.answering.speed import speed
from knowledge.answering.wording import BUDGET_ID, adjustment_lines, is_budget, memory_view
from knowledge.errors import InvalidQuery, ModelSourceError, UnknownGpu, UnknownModel
from knowledge.estimator.catalog import Catalog, Gpu, Model, load_catalog
from knowledge.estimator.job import Job
from knowledge.i18n import Language, gib, number, t
from knowledge.understanding.hub_refs import hub_reference
from knowledge.understanding.name_agreement import find_model
from knowledge.understanding.name_search import closest_gpus, index, representative
from knowledge.understanding.understand import understand

ErrorKind = Literal["unknown_model", "unknown_gpu", "invalid_query"]
ModelResolver = Callable[[str], Model]  # a Hub repo id → its model, or a KnowledgeError with one line
MAX_TEXT = 1500  # characters: one chat message (Discord allows 2,000; Slack sections 3,000)
_HANDLERS: dict[Intent, Callable[[Situation], Draft]] = {
    "fit": fit,
    "requirements": requirements,
    "recommend_gpu": recommend_gpu,
    "recommend_model": recommend_model,
    "speed": speed,
    "gpu_info": gpu_info,
    "model_info": model_info,
    "compare": compare,
    "serve": serving,
    "help": help_answer,
    "unknown": unknown,
}
# Intents whose answer is about one job: its task, precision and memory are the answer's.
_ABOUT_A_JOB: frozenset[Intent] = frozenset(
    {"fit", "requirements", "recommend_gpu", "recommend_model", "speed", "model_info", "serve"}
)
# Settings that do not apply to a task: reported only when the question gave them.
_TRAINING_ONLY = ("optimizer", "lora_rank", "checkpointing", "training_tokens")
_NOT_APPLICABLE: dict[str, tuple[str, ...]] = {
    "inference": _TRAINING_ONLY,
    "full_finetune": ("lora_rank", "kv_precision"),
    "pretrain": ("lora_rank", "kv_precision"),
    "lora": ("kv_precision",),
    "qlora": ("kv_precision",),
}
# Intents whose job is the query's own task, precision and runtime: a setting it cannot honour is said first.
_SAYS_ADJUSTMENTS: frozenset[Intent] = frozenset({"fit", "requirements", "speed", "recommend_gpu", "recommend_model"})
# What an intent needs before it can be answered; without it the question is answered as another intent.
_NEEDS_MODEL: frozenset[Intent] = frozenset({"fit", "requirements", "model_info", "speed", "serve"})


def ask(question: str, previous: Query | Answer | None = None, *, resolve_model: ModelResolver | None = None) -> Answer:
    """The answer to a question in English or Spanish; ``previous`` is the last turn of the conversation.

    ``resolve_model`` reads a model named by its Hugging Face repo ("org/name") that the catalog lacks; the
    front ends pass ``bot.sources.resolve_model``. Without it such a model is unknown.
    """
    return answer(understand(question, previous), resolve_model=resolve_model)


def answer(query: Query, *, resolve_model: ModelResolver | None = None) -> Answer:
    """The answer to a query; unknown names and refused setups give an Answer with ``error`` set."""
    catalog = load_catalog()
    if query.oddities:  # "llama 0B", "-5 GB", "10^9 tokens of context": refused, saying what was understood
        return _error(query, "invalid_query", nonsense(query, catalog))
    try:
        situation = _situation(query, catalog, resolve_model)
        intent = _intent(situation)
        draft = _HANDLERS[intent](situation)
    except (UnknownModel, UnknownGpu) as error:
        kind: ErrorKind = "unknown_model" if isinstance(error, UnknownModel) else "unknown_gpu"
        return _error(query, kind, unknown_name(query.language, error))
    except ModelSourceError as error:
        kind = "unknown_model" if error.key == "error.hub_not_found" else "invalid_query"
        return _error(query, kind, _invalid(query.language, error))
    except InvalidQuery as error:
        return _error(query, "invalid_query", _invalid(query.language, error))
    except ValidationError as error:  # a hand-built Query with a value out of range (batch 0, -5 tokens)
        field = ".".join(str(part) for part in error.errors()[0]["loc"])
        return _error(query, "invalid_query", t(query.language, "invalid.field", field=field))
    return _assemble(situation, intent, draft)


def _intent(sit: Situation) -> Intent:
    intent = sit.query.intent
    if intent in _NEEDS_MODEL and sit.model is None:
        return "gpu_info" if sit.gpu is not None and not is_budget(sit.gpu) else "unknown"
    if intent == "fit" and sit.gpu is None:
        return "requirements"
    if intent == "gpu_info" and (sit.gpu is None or is_budget(sit.gpu)):
        return "recommend_model" if sit.gpu is not None else "unknown"
    if intent == "compare" and len(sit.query.gpus) < 2 and len(sit.query.models) < 2:
        return "fit" if sit.model is not None and sit.gpu is not None else "unknown"
    return intent


def _find_model(name: str, catalog: Catalog, resolve_model: ModelResolver | None) -> tuple[Model, bool]:
    """A catalog model by name (and whether it was taken loosely: a slip, said in the answer), or a model named
    by its Hub repo (the catalog's own copy when it has one). A name no entry agrees with is unknown."""
    repo = hub_reference(name)
    if repo is None:
        return find_model(name, index(catalog))
    known = catalog.find_repo(repo)
    if known is not None:
        return known, False
    if resolve_model is None:
        raise UnknownModel(repo)
    return resolve_model(repo), False


def _situation(query: Query, catalog: Catalog, resolve_model: ModelResolver | None = None) -> Situation:
    model: Model | None = None
    chosen = False
    if query.model:
        model, loose = _find_model(query.model, catalog, resolve_model)
        if loose:  # a slash command's name with a slip: taken, and said
            query = query.model_copy(update={"readings": (*query.readings, Reading(typed=query.model, id=model.id))})
    elif query.model_size_b is not None:
        model = representative(catalog, query.model_size_b)
        if model is None:
            near = sorted(catalog.models, key=lambda m: abs(m.params_b - query.model_size_b))  # type: ignore[operator]  # checked above
            raise UnknownModel(f"{number(query.model_size_b, query.language, 1)}B", tuple(m.name for m in near[:3]))
        chosen = True
    if model is not None and query.context_tokens:
        check_context(query, model, catalog)
    gpu: Gpu | None = None
    if query.gpu:
        try:
            gpu = catalog.find_gpu(query.gpu)
        except UnknownGpu as error:  # the closest cards by shared words, or none rather than unrelated ones
            raise UnknownGpu(query.gpu, closest_gpus(query.gpu, index(catalog))) from error
    elif query.vram_gib is not None:
        gpu = budget_gpu(query.vram_gib, query.language)
    count = query.gpu_count if query.gpu_count and gpu is not None and not is_budget(gpu) else 1
    return Situation(query=query, catalog=catalog, model=model, representative=chosen, gpu=gpu, count=count)


def budget_gpu(vram_gib: float, lang: Language) -> Gpu:
    """A stand-in GPU for a bare memory budget ("8GB of VRAM"): only its memory matters."""
    return Gpu.stand_in(BUDGET_ID, t(lang, "label.budget", vram=gib(vram_gib, lang)), vram_gib)


def _assemble(sit: Situation, intent: Intent, draft: Draft) -> Answer:
    query, lang = sit.query, sit.lang
    model = draft.model or sit.model
    gpu = draft.gpu or sit.gpu
    result = draft.estimate
    count = draft.gpu_count or (sit.count if gpu is sit.gpu else 1)
    assumptions = assumption_summary(result, lang) if result is not None else t(lang, f"basis.{_basis(intent)}")
    url = draft.url
    if url is None:
        if model is not None and model.provenance is not None:  # a Hub repo's page; a GGUF file has none
            hub = model.provenance.kind == "hub"
            url = model.source.removesuffix("/blob/main/config.json") if hub else home_url(lang)
        elif model is not None:
            url = model_url(model.id, lang)
        elif gpu is not None and not is_budget(gpu):
            url = gpu_url(gpu.id, lang)
        else:
            url = home_url(lang)
    if intent in _ABOUT_A_JOB:
        draft.lines[:0] = context_caveat(sit)
    if intent in _SAYS_ADJUSTMENTS:
        draft.lines[:0] = adjustment_lines(lang, sit.adjustments)
    draft.lines[:0] = _readings(sit)
    lines = _fitting_lines(lang, draft, assumptions, url)
    text = "\n".join([draft.title, *lines, *_tail(lang, assumptions, url)])[:MAX_TEXT]
    job = result.job if result is not None and intent in _ABOUT_A_JOB else None
    return Answer(
        question=query.text,
        language=lang,
        intent=intent,
        model=ModelRef(id=model.id, name=model.name, params_b=round(model.params_b, 3)) if model else None,
        gpu=None
        if gpu is None
        else GpuRef(id=None if is_budget(gpu) else gpu.id, name=gpu.name, vram_gib=gpu.memory_gib, count=count),
        task=job.task if job is not None else query.task,
        precision=job.precision if job is not None else query.precision,
        context_tokens=job.context_tokens if job is not None else query.context_tokens,
        verdict=draft.verdict,
        headroom_gib=result.headroom_gib if result is not None and job is not None else None,
        memory=memory_view(result) if result is not None and job is not None else None,
        suggestion=draft.suggestion,
        tokens_per_s=draft.tokens_per_s,
        training_hours=draft.training_hours,
        concurrent_sequences=draft.concurrent_sequences,
        recommendations=tuple(draft.recommendations),
        url=url,
        title=draft.title,
        lines=lines,
        text=text,
        fields=tuple(draft.fields),
        assumptions=assumptions,
        query=_resolved(query, job, model, gpu, count),
    )


def _resolved(query: Query, job: Job | None, model: Model | None, gpu: Gpu | None, count: int) -> ResolvedQuery:
    """The query as answered: catalog ids, and every setting at the value the estimate used."""
    asked = query.settings().asked()
    used = dict(asked)
    if job is not None:
        used |= {name: getattr(job, name) for name in Settings.names() if getattr(job, name, None) is not None}
        for name in _NOT_APPLICABLE.get(job.task, ()):
            if name not in asked:
                used.pop(name, None)
    budget = gpu is not None and is_budget(gpu)
    return ResolvedQuery(
        model_id=_model_id(model),
        gpu_id=gpu.id if gpu is not None and not budget else None,
        gpus=count,
        vram_gib=gpu.memory_gib if gpu is not None and budget else None,
        defaults=tuple(name for name in used if name not in asked),
        **used,
    )


def _readings(sit: Situation) -> list[str]:
    """ "Taking 'quen 2.5 14b' as Qwen2.5 14B.": each name taken loosely, said first."""
    lines = []
    for reading in sit.query.readings:
        try:
            name = sit.catalog.model(reading.id).name
        except KeyError:
            name = sit.catalog.gpu(reading.id).name
        lines.append(t(sit.lang, "reading.taken", typed=reading.typed, name=name))
    return lines


def _model_id(model: Model | None) -> str | None:
    """How a follow-up names the model: its catalog id, or its repo for a model read from the Hub."""
    if model is None:
        return None
    return model.name if model.provenance is not None and model.provenance.kind == "hub" else model.id


def _basis(intent: Intent) -> str:
    return intent if intent in ("gpu_info", "help", "unknown") else "catalog"


def _tail(lang: Language, assumptions: str, url: str) -> list[str]:
    """The message's last lines: the assumptions and the link."""
    tail = [t(lang, "line.assumptions", assumptions=assumptions)] if assumptions else []
    return [*tail, t(lang, "line.link", url=url)]


def _fitting_lines(lang: Language, draft: Draft, assumptions: str, url: str) -> tuple[str, ...]:
    """The draft's detail lines, the last ones dropped until the whole message fits one chat message."""
    fixed = len(draft.title) + sum(len(line) + 1 for line in _tail(lang, assumptions, url))
    lines = list(draft.lines)
    while lines and fixed + sum(len(line) + 1 for line in lines) > MAX_TEXT:
        lines.pop()
    return tuple(lines)


def _error(query: Query, kind: ErrorKind, message: str) -> Answer:
    lang = query.language
    url = home_url(lang)
    return Answer(
        question=query.text,
        language=lang,
        intent=query.intent,
        title=message,
        text="\n".join([message, t(lang, "line.link", url=url)]),
        url=url,
        error=kind,
    )


def _invalid(lang: Language, error: InvalidQuery) -> str:
    """A refused setup in the question's language (the estimator's English message otherwise)."""
    params = {key: (number(value, lang, 0) if isinstance(value, int) else value) for key, value in error.params.items()}
    why = params.get("why")
    if isinstance(why, str):  # the reason of a model source's refusal, said in the asker's language too
        with contextlib.suppress(KeyError, IndexError):
            params["reason"] = t(lang, f"reason.{why}", **params)
    key = f"invalid.{error.key.removeprefix('error.')}" if error.key else ""
    try:
        return t(lang, key, **params) if key else str(error)
    except (KeyError, IndexError):
        return t(lang, "invalid.other", message=str(error))
