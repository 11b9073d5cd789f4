"""One glossary per language: the names of tasks, precisions and memory components.

Every surface (the CLI, both bots, the site) names these things through this module, so a word changes in
one place (``locales/<lang>/LC_MESSAGES/glossary.po``). A precision without an entry is shown by its catalog
name ("FP16", "Q4_K_M"), which is the same in every language.
"""

from __future__ import annotations

import functools
from typing import Literal

from knowledge.estimator.job import Task
from knowledge.estimator.precision import resolve
from knowledge.i18n import LOCALES, Language, Messages

Component = Literal[
    "weights", "kv_cache", "activations", "gradients", "optimizer", "overhead", "total", "per_gpu", "ram"
]


@functools.cache
def glossary() -> Messages:
    return Messages(LOCALES, "glossary")


def task_name(task: Task, lang: Language) -> str:
    """ "QLoRA fine-tuning" / "ajuste fino con QLoRA"."""
    return glossary()(lang, f"task.{task}")


def task_short_name(task: Task, lang: Language) -> str:
    """A task as a column header: "QLoRA", "Full fine-tune" / "Ajuste completo"."""
    return glossary()(lang, f"task_short.{task}")


def precision_name(precision: str, lang: Language) -> str:
    """ "NF4 + double quantization" / "NF4 + doble cuantización"; "Q4_K_M" in both."""
    key = f"precision.{precision}"
    if key in glossary().ids(lang):
        return glossary()(lang, key)
    return resolve(precision).name


def component_name(component: Component, lang: Language) -> str:
    """ "Weights" / "Pesos"."""
    return glossary()(lang, f"component.{component}")
