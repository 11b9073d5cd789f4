"""The reference site's pages as data: which file, which template, and the rows each language shows.

Rows are built here (formatted for the language, with ``{ data-sort="…" }`` machine values and
``{ #id }`` anchors for attr_list); templates only lay them out. Figures come from
:mod:`bot.sitegen.figures`; per-model and per-GPU pages are in :mod:`bot.sitegen.entity_pages`.
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.sitegen import charts
from bot.sitegen.figures import (
    MATRIX_TASKS,
    TABLE_PRECISIONS,
    TRAINING_TASKS_SHOWN,
    job_estimate,
    reference_gpus,
    seed_estimate,
    verdict,
)
from knowledge import glossary
from knowledge.estimator import calibration, estimate, runtimes
from knowledge.estimator.catalog import Catalog, SeedRow
from knowledge.estimator.job import Task
from knowledge.i18n import Language, Messages, number

LOCALES = Path(__file__).resolve().parents[2] / "site" / "locales"
_number = functools.lru_cache(maxsize=65536)(number)  # the tables repeat many figures
Context = Callable[[Language], dict[str, Any]]


class Labels:
    """The site's short labels (``site/locales/*/LC_MESSAGES/site.po``), per language."""

    def __init__(self, messages: Messages) -> None:
        self._messages = messages

    @classmethod
    @functools.cache
    def load(cls) -> Labels:
        return cls(Messages(LOCALES, "site"))

    def __call__(self, lang: Language, key: str, /, **fields: object) -> str:
        return self._messages(lang, key, **fields)

    def for_lang(self, lang: Language) -> Callable[..., str]:
        return functools.partial(self._messages, lang)


@dataclass(frozen=True)
class Page:
    """A generated file: Markdown from a template and a context, or an SVG drawn directly."""

    path: str  # relative to site/docs, Spanish name (the English file adds ".en")
    template: str | None = None  # may contain "{lang}" for prose written per language
    context: Context | None = None
    svg: Callable[[Language], str] | None = None


def cell(value: float | None, lang: Language, digits: int = 1, missing: str = "—") -> str:
    """A table cell that shows the language's number ("19,2") and sorts on the machine value."""
    if value is None:
        return f'{missing} {{ data-sort="-1" }}'
    return f'{_number(value, lang, digits)} {{ data-sort="{round(value, 4)}" }}'


def gib_cell(value_gib: float | None, lang: Language) -> str:
    return cell(value_gib, lang, 1 if value_gib is None or value_gib >= 1 else 2)


def task_name(task: Task, lang: Language) -> str:
    return glossary.task_short_name(task, lang)


def precision_name(precision_id: str, lang: Language) -> str:
    return glossary.precision_name(precision_id, lang)


def verdict_link(kind: str, lang: Language, href: str) -> str:
    """A matrix cell: the verdict as a word and a symbol, coloured by class, linking to the detail."""
    text = Labels.load()(lang, f"verdict.{kind}")
    css = {"yes": "vb-yes", "with_changes": "vb-changes", "no": "vb-no"}[kind]
    return f"[{text}]({href}){{ .{css} }}"


# -- the seed document's tables ---------------------------------------------------------------------------


def _setting(holds_for: dict[str, object], lang: Language) -> str:
    task: Task = holds_for["task"]  # type: ignore[assignment]  # validated by SeedRow
    parts = [task_name(task, lang)]
    if "precision" in holds_for:
        parts.append(precision_name(str(holds_for["precision"]), lang))
    for key in ("runtime", "optimizer"):
        if key in holds_for:
            parts.append(str(holds_for[key]))
    if holds_for.get("checkpointing"):
        parts.append(Labels.load()(lang, "setting.checkpointing"))
    return ", ".join(parts)


def seed_rows(catalog: Catalog, table: str, lang: Language) -> list[dict[str, str]]:
    rows = []
    for row in catalog.seed:
        if row.table != table:
            continue
        rows.append(_seed_row(catalog, row, lang))
    return rows


def _seed_row(catalog: Catalog, row: SeedRow, lang: Language) -> dict[str, str]:
    model = catalog.model(row.model_id) if row.model_id else None
    result = seed_estimate(model, row.holds_for) if model else None
    return {
        "id": row.id,
        "cells": " | ".join(c.replace("|", "\\|") for c in row.cells),
        "model": f"[{model.name}](modelos/{model.id}.md)" if model else "—",
        "vram": gib_cell(None if result is None else result.per_gpu_gib, lang),
        "ram": gib_cell(None if result is None else result.ram_gib, lang),
        "setting": _setting(row.holds_for, lang),
        "note": row.note_es if lang == "es" else row.note_en,
    }


def seed_context(catalog: Catalog) -> Context:
    def context(lang: Language) -> dict[str, Any]:
        return {
            "inference": seed_rows(catalog, "inference", lang),
            "training": seed_rows(catalog, "training", lang),
        }

    return context


# -- the model table ------------------------------------------------------------------------------------


def models_context(catalog: Catalog) -> Context:
    def context(lang: Language) -> dict[str, Any]:
        rows = []
        for model in sorted(catalog.models, key=lambda m: (m.params, m.id)):
            inference = [job_estimate(model, "inference", p) for p in TABLE_PRECISIONS]
            training = [job_estimate(model, task) for task in TRAINING_TASKS_SHOWN]
            rows.append(
                {
                    "id": model.id,
                    "name": model.name,
                    "params": cell(model.params_b, lang, 2 if model.params_b < 10 else 1),
                    "inference": [gib_cell(None if e is None else e.total_gib, lang) for e in inference],
                    "training": [gib_cell(None if e is None else e.total_gib, lang) for e in training],
                }
            )
        return {
            "precisions": [precision_name(p, lang) for p in TABLE_PRECISIONS],
            "tasks": [task_name(t, lang) for t in TRAINING_TASKS_SHOWN],
            "context": estimate.DEFAULT_INFERENCE_CONTEXT,
            "training_context": estimate.DEFAULT_TRAINING_CONTEXT,
            "rows": rows,
        }

    return context


# -- the compatibility matrix ---------------------------------------------------------------------------


def matrix_context(catalog: Catalog) -> Context:
    gpus = reference_gpus(catalog)

    def context(lang: Language) -> dict[str, Any]:
        tabs = []
        for task in MATRIX_TASKS:
            rows = []
            for model in sorted(catalog.models, key=lambda m: (m.params, m.id)):
                cells = [
                    verdict_link(verdict(model, gpu, task).kind, lang, f"modelos/{model.id}.md#{gpu.id}")
                    for gpu in gpus
                ]
                rows.append({"id": model.id, "name": model.name, "cells": cells})
            tabs.append({"task": task, "title": task_name(task, lang), "rows": rows})
        return {
            "gpus": [{"id": g.id, "name": g.name, "memory": number(g.usable_memory_gib, lang)} for g in gpus],
            "tabs": tabs,
        }

    return context


# -- the method page and its calibration ----------------------------------------------------------------


def _calibration_rows(lang: Language) -> list[dict[str, str]]:
    rows = []
    for comparison in calibration.comparisons():
        m = comparison.measurement
        rows.append(
            {
                "id": m.id,
                "model": m.model,
                "metric": Labels.load()(lang, f"metric.{m.metric}"),
                "runtime": runtimes.profile(comparison.runtime).name if comparison.runtime else "",
                "args": " ".join(m.args),
                "measured": gib_cell(m.measured_gib, lang),
                "estimate": gib_cell(comparison.estimate_gib, lang),
                "error": cell(comparison.error * 100, lang, 1),
                "tolerance": cell(m.tol * 100, lang, 0),
                "within": Labels.load()(lang, "calibration.within" if comparison.within else "calibration.outside"),
                "source": m.source,
            }
        )
    return rows


def calibration_chart(lang: Language, *, standalone: bool) -> str:
    labels = Labels.load()
    points = [
        charts.Point(
            label=f"{c.measurement.id}: {number(c.measurement.measured_gib, lang, 2)} → "
            f"{number(c.estimate_gib, lang, 2)} GiB",
            x=c.measurement.measured_gib,
            y=c.estimate_gib,
            ok=c.within,
        )
        for c in calibration.comparisons()
    ]
    return charts.scatter_chart(
        points,
        title=labels(lang, "chart.calibration.title"),
        desc=labels(lang, "chart.calibration.desc"),
        x_label=labels(lang, "chart.calibration.x"),
        y_label=labels(lang, "chart.calibration.y"),
        value_format=lambda v: number(v, lang, 2),
        standalone=standalone,
    )


def _by_runtime(lang: Language) -> list[dict[str, str]]:
    """Calibration per runtime: rows, rows inside their band, median error (out-of-memory rows count as inside
    when vrambot does not say "yes", and carry no error)."""
    rows = []
    for runtime in runtimes.RUNTIME_IDS:
        mine = [c for c in calibration.comparisons() if c.runtime == runtime]
        if not mine:
            continue
        errors = [abs(c.error) for c in mine if c.measurement.metric != "oom"]
        rows.append(
            {
                "runtime": runtimes.profile(runtime).name,
                "count": str(len(mine)),
                "within": str(sum(c.within for c in mine)),
                "median_error": number(statistics.median(errors) * 100, lang, 1) if errors else "–",
            }
        )
    return rows


def _profiles(lang: Language) -> list[dict[str, str]]:
    """Each runtime's profile in one table row: what it runs, its margin, its memory rules and sources."""
    rows = []
    for p in runtimes.profiles():
        margin = max(p.headroom.margin_gib, 0.0)
        rules = []
        if p.inference is not None:
            rules.append(p.inference.activations.replace("_", " "))
            if p.inference.preallocate != "none":
                rules.append(p.inference.preallocate.replace("_", " "))
        if p.training is not None:
            rules.append(f"loss {number(p.training.loss_kept_bytes + p.training.loss_peak_bytes, lang, 1)} B/logit")
            if p.training.checkpoint_offload:
                rules.append("checkpoints in RAM")
            if p.training.kbit_fp32_upcast:
                rules.append("k-bit fp32 upcast")
        share = f" / {number(p.headroom.margin_share * 100, lang, 0)}%" if p.headroom.margin_share else ""
        rows.append(
            {
                "runtime": p.name,
                "tasks": ", ".join(p.tasks),
                "precisions": ", ".join(p.precision_kinds),
                "backends": ", ".join(p.backends),
                "margin": f"{number(margin, lang, 1)} GiB{share}",
                "rules": "; ".join(rules),
                "sources": "; ".join(p.sources),
            }
        )
    return rows


def method_context(lang: Language) -> dict[str, Any]:
    comparisons = calibration.comparisons()
    errors = [abs(c.error) for c in comparisons if c.measurement.metric != "oom"]
    median = statistics.median(errors) if errors else 0.0
    return {
        "inference_context": estimate.DEFAULT_INFERENCE_CONTEXT,
        "training_context": estimate.DEFAULT_TRAINING_CONTEXT,
        "decode_efficiency": round(estimate.DECODE_EFFICIENCY * 100),
        "prefill_efficiency": round(estimate.PREFILL_EFFICIENCY * 100),
        "mfu": round(estimate.TRAINING_MFU * 100),
        "process_ram": number(estimate.PROCESS_RAM_BYTES / 2**30, lang),
        "calibration": _calibration_rows(lang),
        "by_runtime": _by_runtime(lang),
        "profiles": _profiles(lang),
        "within": sum(c.within for c in comparisons),
        "count": len(comparisons),
        "median_error": number(median * 100, lang, 1),
        "chart": calibration_chart(lang, standalone=False),
    }
