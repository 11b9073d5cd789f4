"""The structured answer to a question: one :class:`Answer`, rendered by the CLI, both bots and the site.

A :class:`Query` is what was understood from a question (or built from a slash command's options);
``knowledge.answer(query)`` turns it into an :class:`Answer`; ``knowledge.ask(text, previous=...)`` does both.
All text in an Answer is already in the question's language; adapters only lay it out.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from knowledge.estimator.job import Optimizer, Task
from knowledge.estimator.verdicts import Verdict
from knowledge.i18n import Language

Intent = Literal[
    "fit",
    "requirements",
    "recommend_gpu",
    "recommend_model",
    "speed",
    "gpu_info",
    "model_info",
    "compare",
    "serve",
    "help",
    "unknown",
]
INTENTS: tuple[Intent, ...] = get_args(Intent)
# Runtimes a question may name; the estimator models those in ``knowledge.job.RUNTIMES``, the others run on
# their defaults until their profiles exist (``ollama`` and LM Studio are llama.cpp).
RuntimeName = Literal["transformers", "llama.cpp", "vllm", "sglang", "mlx", "unsloth", "torchtune", "litgpt", "axolotl"]
RUNTIME_NAMES: tuple[RuntimeName, ...] = get_args(RuntimeName)
# What a quantity in a question can mean nothing as: refused, saying what was understood.
OddityKind = Literal[
    "zero_size",
    "huge_size",
    "zero_memory",
    "negative",
    "huge_memory",
    "zero_count",
    "huge_count",
    "zero_context",
    "huge_context",
    "zero_batch",
    "huge_batch",
    "huge_tokens",
    "unified_budget",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Oddity(_Model):
    """A quantity in a question that means nothing ("0B", "-5 GB", "10^9 tokens of context"), as typed."""

    kind: OddityKind
    typed: str  # the words as typed (folded)
    value: float | None = None  # the number understood, where there is one


class Reading(_Model):
    """A name taken as a catalog entry although not typed exactly (a slip, a version or a memory size left out):
    said in the answer ("Taking 'quen 2.5 14b' as Qwen2.5 14B")."""

    typed: str  # the words as typed (folded)
    id: str  # the catalog model or GPU it was taken as


class Settings(BaseModel):
    """The settings of a job that a question, a command or a follow-up may set; ``None`` takes the default.

    Declared once: the question reader fills them, a follow-up keeps every one the new question leaves unset
    (:meth:`keep`), the answer reports them (:class:`ResolvedQuery`) and the CLI and the bots offer them.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    task: Task | None = None
    precision: str | None = None  # weights precision
    context_tokens: int | None = None
    batch: int | None = None
    runtime: RuntimeName | None = None
    optimizer: Optimizer | None = None
    kv_precision: str | None = None  # "q8_0 KV cache", "caché KV en 8 bits": the KV cache's type, not the weights'
    lora_rank: int | None = None
    lora_targets: tuple[str, ...] | None = None  # "LoRA on q,v": projections among q, k, v, o, gate, up, down
    checkpointing: bool | None = None
    training_tokens: int | None = None
    ram_gib: float | None = None  # the machine's system RAM: "with 64GB of RAM"
    budget: float | None = None  # money: "under $800", "con 600 euros"
    currency: Literal["USD", "EUR"] | None = None  # of the budget

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(Settings.model_fields)

    def asked(self) -> dict[str, Any]:
        """The settings given (not ``None``), by name."""
        return {name: getattr(self, name) for name in Settings.names() if getattr(self, name) is not None}

    def keep(self, before: Settings) -> dict[str, Any]:
        """A follow-up's settings: this turn's where given, else the previous turn's.

        A new task drops the previous precision: "fine-tune it" after "in 4-bit" is not a 4-bit fine-tune.
        """
        merged = {**before.asked(), **self.asked()}
        if self.task is not None and self.task != before.task and self.precision is None:
            merged.pop("precision", None)
        return {name: merged.get(name) for name in Settings.names()}


class Query(Settings):
    """What a question asks, with names as typed (resolved against the catalog when answered)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

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
    readings: tuple[Reading, ...] = ()  # names taken loosely, to be said ("Taking 'quen 2.5 14b' as Qwen2.5 14B")
    oddities: tuple[Oddity, ...] = ()  # quantities that mean nothing: the answer refuses them

    def settings(self) -> Settings:
        return Settings(**{name: getattr(self, name) for name in Settings.names()})


class ResolvedQuery(Settings):
    """The query an answer is for: names resolved to catalog ids, every setting at the value used.

    ``defaults`` names the settings the question left unset (the value shown is the default the answer used);
    a follow-up keeps only the settings that were asked.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    model_id: str | None = None
    gpu_id: str | None = None  # None for a bare memory budget
    gpus: int = 1
    vram_gib: float | None = None  # a bare memory budget ("8GB of VRAM")
    defaults: tuple[str, ...] = ()

    def asked_settings(self) -> Settings:
        return Settings(**{k: v for k, v in self.asked().items() if k not in self.defaults})


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
    price_usd: int | None = None  # a GPU's catalog price
    price_kind: Literal["launch", "street"] | None = None
    price_date: str | None = None  # YYYY-MM
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
    concurrent_sequences: int | None = None  # serving (vLLM/SGLang): sequences of the context held at once
    recommendations: tuple[Recommendation, ...] = ()
    url: str | None = None  # the site page (and row anchor) of the model or GPU
    title: str  # one line: the verdict or the headline figure
    lines: tuple[str, ...] = ()  # the detail lines under the title, as a person reads them
    text: str  # title, lines, assumptions and link as one message (short enough for one chat message)
    fields: tuple[Field, ...] = ()  # the breakdown, labelled
    assumptions: str = ""  # one short line
    error: Literal["unknown_model", "unknown_gpu", "invalid_query"] | None = None  # a usage error
    query: ResolvedQuery = ResolvedQuery()  # what the answer is for, every setting included
