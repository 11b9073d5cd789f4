"""A context asked for beyond the one a model was trained on.

Up to :data:`STRETCH` times the trained maximum, RoPE scaling (YaRN) reads it with some loss of quality: the answer
gives the figures for the context asked, with that caveat, and names a model of the same size that reads it
(Llama 3 8B at 16k → Llama 3.1 8B). Beyond that it is refused with the limit and the sibling.
"""

from __future__ import annotations

from knowledge.answer_model import Query
from knowledge.answering.situation import Situation
from knowledge.errors import InvalidQuery
from knowledge.estimator.catalog import Catalog, Model
from knowledge.i18n import Language, number, t

STRETCH = 4  # RoPE scaling (YaRN) stretches a trained context up to about 4× (Qwen2.5: 32k → 128k); no further


def long_context_sibling(model: Model, context_tokens: int, catalog: Catalog) -> Model | None:
    """A model of the same size that reads ``context_tokens`` (Llama 3 8B → Llama 3.1 8B), same family name first."""
    word = model.name.split()[0].lower()
    near = [
        m
        for m in catalog.models
        if m.architecture.max_context_tokens >= context_tokens
        and abs(m.params_b - model.params_b) <= 0.1 * model.params_b
    ]
    return min(near, key=lambda m: (m.name.split()[0].lower() != word, abs(m.params_b - model.params_b)), default=None)


def _sibling_clause(lang: Language, model: Model, context_tokens: int, catalog: Catalog) -> str:
    sibling = long_context_sibling(model, context_tokens, catalog)
    if sibling is None:
        return ""
    maximum = number(sibling.architecture.max_context_tokens, lang, 0)
    return " " + t(lang, "context.sibling", model=sibling.name, maximum=maximum)


def check_context(query: Query, model: Model, catalog: Catalog) -> None:
    """A context far beyond what the model was trained on is refused, naming a sibling that reads it."""
    maximum = model.architecture.max_context_tokens
    if query.context_tokens is None or query.context_tokens <= STRETCH * maximum:
        return
    raise InvalidQuery(
        f"{model.name} was trained on up to {maximum} tokens; {query.context_tokens} is beyond what scaling stretches.",
        key="context_beyond",
        model=model.name,
        maximum=maximum,
        context=query.context_tokens,
        limit=STRETCH * maximum,
        sibling=_sibling_clause(query.language, model, query.context_tokens, catalog),
    )


def context_caveat(sit: Situation) -> list[str]:
    """A context above the model's trained maximum: the figures are for it, with the caveat and a sibling."""
    model, context = sit.model, sit.query.context_tokens
    if model is None or not context or context <= model.architecture.max_context_tokens:
        return []
    lang = sit.lang
    line = t(
        lang,
        "context.beyond",
        model=model.name,
        maximum=number(model.architecture.max_context_tokens, lang, 0),
        context=number(context, lang, 0),
    )
    return [line + _sibling_clause(lang, model, context, sit.catalog)]
