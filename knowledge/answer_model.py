"""The structured answer to a question: one :class:`Answer`, rendered by the CLI, both bots and the site.

A :class:`Query` is what was understood from a question (or built from a slash command's options);
``knowledge.answer(query)`` turns it into an :class:`Answer`; ``knowledge.ask(text, previous=...)`` does both.
All text in an Answer is already in the question's language; adapters only lay it out.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

from knowledge.i18n import Language
from knowledge.job import Optimizer, Runtime, Task

Intent = Literal[
    "fit",
    "requirements",
    "recommend_gpu",
    "recommend_model",
    "speed",
    "gpu_info",
    "model_info",
    "compare",
    "help",
    "unknown",
]
Verdict = Literal["yes", "with_changes", "no"]
INTENTS: tuple[Intent, ...] = get_args(Intent)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Query(_Model):
    """What a question asks, with names as typed (resolved against the catalog when answered)."""

    text: str = ""
    language: Language = "en"
    intent: Intent = "unknown"
    model: str | None = None  # a model name, alias or id
    model_size_b: float | None = None  # "a 7B", "un modelo de 13B" when no family is named
    models: tuple[str, ...] = ()  # compare: the models named
    gpu: str | None = None  # a GPU name, alias or id
    gpus: tuple[str, ...] = ()  # compare: the GPUs named
    gpu_count: int | None = None  # "two 3090s"
    vram_gib: float | None = None  # a bare budget: "8GB of VRAM"
    task: Task | None = None
    precision: str | None = None
    context_tokens: int | None = None
    batch: int | None = None
    runtime: Runtime | None = None
    optimizer: Optimizer | None = None
    training_tokens: int | None = None
    lora_targets: tuple[str, ...] | None = None  # "LoRA on q,v": projections among q, k, v, o, gate, up, down


class ModelRef(_Model):
    id: str
    name: str
    params_b: float


class GpuRef(_Model):
    id: str | None  # None for a bare memory budget ("8GB")
    name: str
    vram_gib: float
    count: int = 1


class MemoryView(_Model):
    total_gib: float
    weights_gib: float
    kv_cache_gib: float
    activations_gib: float
    gradients_gib: float
    optimizer_gib: float
    overhead_gib: float
    per_gpu_gib: float
    ram_gib: float


class Field(_Model):
    """A labelled figure, already translated (an embed field, a Block Kit field, a table row)."""

    name: str
    value: str


class Recommendation(_Model):
    """One line of a recommendation list: a GPU (how many) or a model (at which precision)."""

    kind: Literal["gpu", "model"]
    id: str
    name: str
    count: int = 1
    precision: str | None = None
    task: Task | None = None
    memory_gib: float | None = None
    url: str
    text: str  # the line as a person reads it


class Answer(_Model):
    """Everything vrambot says about one question, in the question's language."""

    question: str
    language: Language
    intent: Intent
    model: ModelRef | None = None
    gpu: GpuRef | None = None
    task: Task | None = None
    precision: str | None = None
    context_tokens: int | None = None
    verdict: Verdict | None = None
    headroom_gib: float | None = None  # memory left free on each GPU (negative: missing), within the runtime's limit
    memory: MemoryView | None = None
    suggestion: str | None = None  # the cheapest change that makes it fit, as a sentence
    tokens_per_s: float | None = None
    training_hours: float | None = None
    recommendations: tuple[Recommendation, ...] = ()
    url: str | None = None  # the site page (and row anchor) of the model or GPU
    title: str  # one line: the verdict or the headline figure
    text: str  # the whole answer as a person reads it (short enough for one chat message)
    fields: tuple[Field, ...] = ()  # the breakdown, labelled
    assumptions: str = ""  # one short line
    error: Literal["unknown_model", "unknown_gpu", "invalid_query"] | None = None  # a usage error
