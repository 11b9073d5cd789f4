"""What answering works on: a :class:`Situation` (the query with its names resolved in the catalog), the job it
asks about (written once, :meth:`Situation.job`, made consistent by :func:`reconcile`, which records every setting
it could not honour so that the answer says it), and the :class:`Draft` each intent fills in, which
``knowledge.answering.respond`` turns into an :class:`~knowledge.answer_model.Answer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from knowledge.answer_model import Field, Query, Recommendation
from knowledge.estimator.catalog import Catalog, Gpu, Model
from knowledge.estimator.job import RUNTIMES, TRAINING_TASKS, Estimate, Job, Runtime, Task
from knowledge.estimator.precision import resolve
from knowledge.estimator.runtimes import profile
from knowledge.estimator.verdicts import Verdict
from knowledge.i18n import Language

QLORA_BASE = "nf4_dq"  # the estimator's QLoRA base when none is given (knowledge.estimator.estimate)
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

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        """The settings asked that the job cannot honour, each with what is estimated instead (said first)."""
        return reconcile(self.task, self.query.precision, self.query.runtime)[3]

    def job(
        self, model: Model | None = None, *, on: Gpu | Literal["asked"] | None = "asked", count: int = 1, **update: Any
    ) -> Job:
        """The job the question asks about, made consistent by :func:`reconcile` (a 4-bit fine-tune is QLoRA; GGUF
        runs on llama.cpp); what it changed is in :attr:`adjustments`.

        ``on`` is the hardware: the GPU asked about (with its count), another GPU (``count`` of them) or none.
        """
        query = self.query
        asked_task: Task = update.pop("task", self.task)
        asked_precision: str | None = update.pop("precision", query.precision)
        task, precision, runtime, _ = reconcile(asked_task, asked_precision, query.runtime)
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


@dataclass(frozen=True)
class Adjustment:
    """A setting asked that cannot be honoured: a message id (``adjusted.*``) and its fields."""

    key: str
    fields: dict[str, str] = field(default_factory=dict)


def runs(runtime: Runtime, task: Task) -> bool:
    """Whether a runtime runs a task, by its profile (vLLM does not train; Unsloth does not serve)."""
    return task in profile(runtime).tasks


def reconcile(
    task: Task, precision: str | None, runtime: str | None
) -> tuple[Task, str | None, Runtime | None, tuple[Adjustment, ...]]:
    """The task, precision and runtime a job can run with, and what was changed to get there.

    The one place these rules live: a fine-tune on quantized weights is QLoRA on its NF4 default ("fine-tune in
    4-bit"); QLoRA needs a bitsandbytes or GPTQ base; training runs on PyTorch; llama.cpp runs GGUF and 16-bit
    weights, and GGUF runs only on llama.cpp; a runtime vrambot does not model is estimated on the default one.
    """
    changes: list[Adjustment] = []
    kind = resolve(precision).kind if precision else None
    if task in TRAINING_TASKS and kind not in (None, "float"):
        if task != "qlora":
            assert precision is not None
            changes.append(Adjustment("adjusted.qlora", {"task": task, "precision": precision}))
            task, precision = "qlora", None
        elif kind not in ("bnb", "gptq"):
            assert precision is not None
            changes.append(Adjustment("adjusted.qlora_precision", {"precision": precision, "base": QLORA_BASE}))
            precision = None
    kind = resolve(precision).kind if precision else None  # the precision as adjusted above
    chosen: Runtime | None = None
    if runtime is not None and runtime not in RUNTIMES:
        changes.append(Adjustment("adjusted.runtime_unmodelled", {"runtime": runtime}))
    elif runtime is not None and not runs(runtime, task):
        changes.append(Adjustment("adjusted.runtime_task", {"runtime": runtime, "task": task}))
    elif runtime == "llama.cpp" and kind not in (None, "gguf", "float"):
        assert precision is not None
        changes.append(Adjustment("adjusted.llama_cpp_precision", {"precision": precision}))
    elif runtime is not None and runtime != "llama.cpp" and kind == "gguf":
        assert precision is not None
        changes.append(Adjustment("adjusted.gguf_runtime", {"precision": precision, "runtime": runtime}))
    elif runtime is not None:
        chosen = runtime
    return task, precision, chosen, tuple(changes)


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
