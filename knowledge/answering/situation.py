"""What answering works on: a :class:`Situation` (the query with its names resolved in the catalog) and the
:class:`Draft` each intent fills in, which ``knowledge.answering.respond`` turns into an
:class:`~knowledge.answer_model.Answer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from knowledge.answer_model import Field, Query, Recommendation
from knowledge.estimator.catalog import Catalog, Gpu, Model
from knowledge.estimator.job import RUNTIMES, Estimate, Job, Task
from knowledge.estimator.precision import resolve
from knowledge.estimator.runtimes import profile
from knowledge.estimator.verdicts import Verdict
from knowledge.i18n import Language

DEFAULT_TRAINING_TOKENS = 100_000_000  # a fine-tuning run, when a question asks "how long" without saying


@dataclass(frozen=True)
class Situation:
    """A query with its model and hardware found in the catalog."""

    query: Query
    catalog: Catalog
    model: Model | None
    representative: bool  # the model stands for "a 13B model"
    gpu: Gpu | None  # a catalog GPU, or a stand-in for a bare budget (id "budget")
    count: int  # GPUs of that kind

    @property
    def lang(self) -> Language:
        return self.query.language

    @property
    def task(self) -> Task:
        return self.query.task or "inference"

    def job(
        self, model: Model | None = None, *, on: Gpu | Literal["asked"] | None = "asked", count: int = 1, **update: Any
    ) -> Job:
        """The job the question asks about, made consistent (a 4-bit fine-tune is QLoRA; GGUF runs on llama.cpp).

        ``on`` is the hardware: the GPU asked about (with its count), another GPU (``count`` of them) or none.
        """
        query = self.query
        task: Task = update.pop("task", self.task)
        precision: str | None = update.pop("precision", query.precision)
        runtime = query.runtime if query.runtime in RUNTIMES else None  # the others: profiles to come, defaults now
        kind = resolve(precision).kind if precision else None
        if task in ("full_finetune", "pretrain", "lora") and kind not in (None, "float"):
            task, precision = "qlora", None  # "fine-tune in 4-bit" is QLoRA
        if task == "qlora" and kind not in (None, "bnb", "gptq"):
            precision = None
        llama_cpp_cannot = runtime == "llama.cpp" and kind not in (None, "gguf", "float")
        only_llama_cpp = runtime not in (None, "llama.cpp") and kind == "gguf"
        wrong_job = runtime is not None and task not in profile(runtime).tasks  # vLLM does not train
        if wrong_job or llama_cpp_cannot or only_llama_cpp:
            runtime = None  # each runtime runs its own formats and jobs
        chosen = model or self.model
        context = update.get("context_tokens", query.context_tokens)
        if chosen is not None and context and context > chosen.architecture.max_context_tokens:
            chosen = stretched(chosen, context)  # asked beyond its trained context: the figure, with a caveat
        fields: dict[str, Any] = {
            "model": chosen,
            "task": task,
            "precision": precision,
            "context_tokens": query.context_tokens,
            "batch": query.batch or 1,
            "runtime": runtime,
            "optimizer": query.optimizer or "adamw",
            "gpu": self.gpu if on == "asked" else on,
            "gpus": self.count if on == "asked" else count,
            "training_tokens": query.training_tokens,
            "kv_precision": query.kv_precision if task == "inference" else None,
            "lora_targets": query.lora_targets if task in ("lora", "qlora") else None,
        }
        fields.update(update)
        return Job(**fields)


def stretched(model: Model, context_tokens: int) -> Model:
    """The model read at a context beyond the one it was trained on (RoPE scaling such as YaRN does this, with
    some loss of quality): the same weights and KV cache per token, only the maximum moved."""
    architecture = model.architecture.model_copy(update={"max_context_tokens": context_tokens})
    return model.model_copy(update={"architecture": architecture})


@dataclass
class Draft:
    """An answer being written: the text lines and the structured fields."""

    title: str
    lines: list[str] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    estimate: Estimate | None = None  # the estimate the memory figures and assumptions come from
    verdict: Verdict | None = None
    suggestion: str | None = None
    tokens_per_s: float | None = None
    training_hours: float | None = None
    concurrent_sequences: int | None = None  # serving: sequences of the context that fit at once
    recommendations: list[Recommendation] = field(default_factory=list)
    model: Model | None = None  # overrides the situation's (a recommended model)
    gpu: Gpu | None = None  # overrides the situation's (a GPU a recommendation picked)
    gpu_count: int | None = None  # "how many": the number needed
    url: str | None = None
