"""Small pieces of answer text shared by every intent: names of tasks, precisions, hardware, memory figures.

Names of tasks, precisions and components come from the glossary (:mod:`knowledge.glossary`), other words from
the knowledge message catalog (``knowledge/locales/*/LC_MESSAGES/knowledge.po``);
numbers are written as the language writes them ("19.2 GiB", "19,2 GiB").
"""

from __future__ import annotations

from knowledge.answer_model import Field, MemoryView
from knowledge.answering.situation import Adjustment
from knowledge.estimator.catalog import Gpu
from knowledge.estimator.job import Estimate, Task, to_gib
from knowledge.glossary import Component, component_name, precision_name, task_name
from knowledge.i18n import Language, gib, number, t

BUDGET_ID = "budget"  # the id of the stand-in GPU for a bare memory budget ("8GB of VRAM")


def task_label(lang: Language, task: Task) -> str:
    return task_name(task, lang)


def precision_label(lang: Language, precision: str | None) -> str:
    return "" if precision is None else precision_name(precision, lang)


def is_budget(gpu: Gpu) -> bool:
    return gpu.id == BUDGET_ID


def hardware(lang: Language, gpu: Gpu, count: int = 1) -> str:
    """ "GeForce RTX 4060", "2× GeForce RTX 3090", "24 GiB of VRAM"."""
    if is_budget(gpu):
        return t(lang, "label.budget", vram=gib(gpu.memory_gib, lang))
    if count > 1:
        return t(lang, "label.gpus", count=count, gpu=gpu.name)
    return gpu.name


def usable(lang: Language, gpu: Gpu, count: int = 1) -> str:
    """The memory a job may use on ``count`` GPUs ("8 GiB", "2 × 24 GiB")."""
    each = gib(gpu.usable_memory_gib, lang)
    return each if count == 1 else f"{count} × {each}"


def memory_view(result: Estimate) -> MemoryView:
    figures = result.memory.gib()
    return MemoryView(**figures, per_gpu_gib=result.per_gpu_gib, ram_gib=result.ram_gib)


_FIELDS: tuple[Component, ...] = ("weights", "kv_cache", "activations", "gradients", "optimizer", "overhead")


def memory_fields(lang: Language, result: Estimate) -> list[Field]:
    """The breakdown, labelled: every non-zero component, the total, per GPU when split, system RAM."""
    figures = result.memory.gib()
    fields = [
        Field(name=component_name(part, lang), value=gib(figures[f"{part}_gib"], lang))
        for part in _FIELDS
        if figures[f"{part}_gib"]
    ]
    fields.append(Field(name=component_name("total", lang), value=gib(figures["total_gib"], lang)))
    if result.job.gpus > 1:
        fields.append(
            Field(name=component_name("per_gpu", lang), value=f"{result.job.gpus} × {gib(result.per_gpu_gib, lang)}")
        )
    fields.append(Field(name=component_name("ram", lang), value=gib(result.ram_gib, lang)))
    return fields


def total(lang: Language, result: Estimate) -> str:
    return gib(to_gib(result.memory.total_bytes), lang)


def per_gpu(lang: Language, result: Estimate) -> str:
    return gib(result.per_gpu_gib, lang)


def params(lang: Language, params_b: float) -> str:
    """A parameter count in billions: "6.7", "0.12", "405"."""
    digits = 2 if params_b < 1 else 1
    return number(params_b, lang, digits) if params_b < 100 else number(params_b, lang, 0)


def tokens(lang: Language, count: int) -> str:
    """A token count as people say it: "4,096", "1B", "250M"."""
    if count >= 1_000_000_000:
        return f"{number(count / 1e9, lang, 1)}B"
    if count >= 1_000_000:
        return f"{number(count / 1e6, lang, 0)}M"
    return number(count, lang, 0)


def joined(lang: Language, items: list[str]) -> str:
    """ "A, B or C" / "A, B o C"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t(lang, 'word.or')} {items[-1]}"


_PRECISION_FIELDS = ("precision", "base")
# Runtimes as their projects write them ("vllm" is typed; "vLLM" is its name).
RUNTIME_LABELS = {
    "vllm": "vLLM", "sglang": "SGLang", "mlx": "MLX", "unsloth": "Unsloth", "litgpt": "LitGPT", "axolotl": "Axolotl",
}  # fmt: skip


def adjustment_lines(lang: Language, adjustments: tuple[Adjustment, ...]) -> list[str]:
    """Each setting the job could not honour, with what was estimated instead, one sentence each."""
    lines = []
    for adjustment in adjustments:
        fields = dict(adjustment.fields)
        for name in _PRECISION_FIELDS:
            if name in fields:
                fields[name] = precision_label(lang, fields[name])
        if "runtime" in fields:
            fields["runtime"] = RUNTIME_LABELS.get(fields["runtime"], fields["runtime"])
        if "task" in fields:
            fields["task"] = task_label(lang, fields["task"])  # type: ignore[arg-type]  # a Task id
        lines.append(t(lang, adjustment.key, **fields))
    return lines
