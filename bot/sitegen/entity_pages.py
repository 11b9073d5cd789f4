"""The per-model and per-GPU pages, answers first, and the memory-vs-context charts.

A model's page opens with where it runs (a verdict per common machine and task, each row anchored by the
GPU's catalog id, so ``modelos/llama-2-7b/#rtx-4090`` is that answer), then the calculator, the chart,
memory by task and precision, and the architecture last. A GPU's page opens with what it runs (the largest
model per task that fits as is), then every model, then its specifications. Model pages live at
``modelos/<id>/`` and GPU pages at ``gpus/<id>/`` (:mod:`knowledge.answering.links`, the URLs the bots send).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from bot.sitegen import charts, slots, tables
from bot.sitegen.figures import (
    CHART_PRECISIONS,
    KV_PER_TOKENS,
    MATRIX_TASKS,
    TRAINING_TASKS_SHOWN,
    fits,
    job_estimate,
    kv_per_tokens,
    memory_by_context,
    reference_gpus,
    tokens_per_s,
    verdict,
)
from bot.sitegen.layout import (
    Here,
    Page,
    chart_file,
    gib_digits,
    labels,
    num,
    precision_name,
    task_name,
)
from bot.sitegen.pages import CSS, SYMBOL, by_size, calculator, gib_num_cell, how, params_cell
from bot.sitegen.tables import Cell, Column
from knowledge.estimator.catalog import Catalog, Gpu, Model
from knowledge.estimator.job import Task
from knowledge.i18n import Language

PAGE_TASKS: tuple[Task, ...] = ("inference", "lora", "qlora", "full_finetune", "pretrain")
PAGE_PRECISIONS: tuple[str, ...] = (
    "fp32", "fp16", "fp8", "int8", "nf4", "gptq", "awq", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k",
)
KV_SHOWN: tuple[str, ...] = ("fp16", "fp8", "q8_0", "q4_0")
GUIDES_GIB: tuple[int, ...] = (8, 12, 16, 24, 48, 80, 141, 192)
RUNS_TASKS: tuple[tuple[Task, str | None], ...] = (
    ("inference", "fp16"),
    ("inference", "q4_k_m"),
    ("lora", None),
    ("qlora", None),
    ("full_finetune", None),
)
COMPONENTS = ("weights", "kv", "activations", "gradients", "optimizer", "overhead")
INFERENCE_COMPONENTS = ("weights", "kv", "activations", "overhead")


def chart(model: Model, lang: Language, *, standalone: bool, narrow: bool = False) -> str:
    series = [
        charts.Series(precision_name(p, lang), points)
        for p in CHART_PRECISIONS
        if (points := memory_by_context(model, p))
    ]
    top = max(y for s in series for _, y in s.points)
    guides = [charts.Guide(f"{size} GiB", size) for size in GUIDES_GIB if size <= top]

    def tokens(value: float) -> str:
        return f"{value / 1024:g}k" if value >= 1024 else f"{value:g}"

    return charts.line_chart(
        series,
        title=labels(lang, "chart.context.title", model=model.name),
        desc=labels(lang, "chart.context.desc", model=model.name),
        x_label=labels(lang, "chart.context.x"),
        y_label=labels(lang, "chart.context.y"),
        x_format=tokens,
        y_format=lambda v: num(v, lang, 1),
        log2_x=True,
        guides=guides,
        standalone=standalone,
        narrow=narrow,
    )


def search_boost(name: str) -> float:
    """A page's search boost: shorter names rank first among equal matches ("RTX 4060" before "RTX 4060 Ti")."""
    return round(1 + 1 / len(name.split()), 3)


# -- models ---------------------------------------------------------------------------------------------


def _verdicts(catalog: Catalog, model: Model, lang: Language, here: Here) -> str:
    columns = [Column(labels(lang, "col.machine")), *(Column(task_name(t, lang)) for t in MATRIX_TASKS)]
    rows = []
    for gpu in reference_gpus(catalog):
        cells = [
            Cell(
                f'<a href="{escape(here.href("gpus", gpu.id))}">{escape(gpu.name)}</a> '
                f'<span class="vb-mem">{num(gpu.usable_memory_gib, lang, 0)} GiB</span>',
                id=gpu.id,
                sort=gpu.usable_memory_gib,
            )
        ]
        for task in MATRIX_TASKS:
            found = verdict(model, gpu, task)
            text = how(found, lang)
            cells.append(Cell(escape(text), css=f"vb-verdict {CSS[found.kind]}"))
        rows.append(cells)
    return tables.table(columns, rows, css="vb-answers", inline=True)  # its rows are anchors other pages link to


GIB_KEYS = {
    "weights": "weights_gib",
    "kv": "kv_cache_gib",
    "activations": "activations_gib",
    "gradients": "gradients_gib",
    "optimizer": "optimizer_gib",
    "overhead": "overhead_gib",
}


def _component_row(
    model: Model, task: Task, precision: str | None, lang: Language, components: tuple[str, ...]
) -> list[Cell] | None:
    result = job_estimate(model, task, precision)
    if result is None:
        return None
    gib = result.memory.gib()
    return [
        gib_num_cell(result.total_gib, lang),
        *(gib_num_cell(gib[GIB_KEYS[c]], lang) for c in components),
        gib_num_cell(result.ram_gib, lang),
    ]


def _components_table(
    model: Model, lang: Language, rows_of: Sequence[tuple[str, Task, str | None]], components: tuple[str, ...]
) -> str:
    """Memory in GiB by component (short headers: the section's text says GiB), the total first."""
    columns = [
        Column(labels(lang, "col.job")),
        Column(labels(lang, "calc.total"), numeric=True),
        *(Column(labels(lang, f"calc.{c}"), numeric=True) for c in components),
        Column(labels(lang, "calc.ram_short"), numeric=True),
    ]
    rows = [
        [tables.text(name), *cells]
        for name, task, precision in rows_of
        if (cells := _component_row(model, task, precision, lang, components)) is not None
    ]
    return tables.table(columns, rows, css="vb-components")


def _task_label(model: Model, task: Task, lang: Language) -> str:
    result = job_estimate(model, task)
    if result is None or task in ("full_finetune", "pretrain"):  # "mixed precision" is in the section's text
        return task_name(task, lang)
    return f"{task_name(task, lang)} ({precision_name(result.job.precision or 'fp16', lang)})"


def model_context(catalog: Catalog, model: Model, lang: Language, here: Here) -> dict[str, Any]:
    arch = model.architecture
    facts = [labels(lang, "fact.params", value=num(model.params_official / 1e9, lang, 2))]
    if model.is_moe:
        facts.append(labels(lang, "fact.active", value=num(model.active_params / 1e9, lang, 2)))
    facts.append(labels(lang, "fact.context", value=num(arch.max_context_tokens, lang, 0)))
    architecture = [
        ("params_computed", num(model.params / 1e9, lang, 2)),
        ("layers", str(arch.layers)),
        ("hidden_size", str(arch.hidden_size)),
        ("intermediate_size", str(arch.intermediate_size)),
        ("attention_heads", str(arch.attention_heads)),
        ("kv_heads", str(arch.kv_heads)),
        ("head_dim", str(arch.head_dim)),
        ("vocab_size", str(arch.vocab_size)),
        ("attention", arch.attention.upper()),
        ("tied_embeddings", labels(lang, "yes" if arch.tied_embeddings else "no")),
        ("gated_mlp", labels(lang, "yes" if arch.gated_mlp else "no")),
    ]
    if arch.sliding_window_tokens:
        architecture.append(("sliding_window", f"{arch.sliding_window_tokens} × {arch.sliding_window_layers}"))
    if arch.moe is not None:
        architecture.append(("moe", f"{arch.moe.experts} / top-{arch.moe.top_k}"))
    runs_on = {
        precision_name(p, lang): [
            (gpu.name, here.md("gpus", gpu.id))
            for gpu in sorted(catalog.gpus, key=lambda g: (g.usable_memory_gib, g.name))
            if fits(model, gpu, "inference", p)
        ]
        for p in ("fp16", "q4_k_m")
    }
    tasks = [(_task_label(model, t, lang), t, None) for t in PAGE_TASKS]
    precisions: list[tuple[str, Task, str | None]] = [
        (precision_name(p, lang), "inference", p) for p in PAGE_PRECISIONS
    ]
    kv = [(k, kv_per_tokens(model, k)) for k in KV_SHOWN]
    return {
        "model": model,
        "search_tags": [model.name, model.id],  # indexed with a high boost: the exact name ranks first
        "search_boost": search_boost(model.name),
        "facts": facts,
        "architecture": [(labels(lang, f"arch.{key}"), value) for key, value in architecture],
        "verdicts": _verdicts(catalog, model, lang, here),
        "calculator": calculator(catalog, lang, here, model),
        "tasks": _components_table(model, lang, tasks, COMPONENTS),
        "precisions": _components_table(model, lang, precisions, INFERENCE_COMPONENTS),
        "kv": [(k, f"{num(v, lang, gib_digits(v))} GiB" if v is not None else "—") for k, v in kv],
        "kv_tokens": KV_PER_TOKENS,
        "runs_on": runs_on,
        "chart": slots.put(chart(model, lang, standalone=False)),
        "chart_narrow": slots.put(chart(model, lang, standalone=False, narrow=True)),
        "chart_file": here.file_link(chart_file(lang, model.id)),
    }


def model_pages(catalog: Catalog) -> list[Page]:
    pages = []
    for model in catalog.models:
        pages.append(Page("models", model.id, "modelo.md.j2", _bind(model_context, catalog, model)))
        pages.append(Page("charts", chart=model.id, svg=_bind_svg(model)))
    return pages


def _bind(function: Callable[..., dict[str, Any]], catalog: Catalog, item: Any) -> Any:
    return lambda lang, here: function(catalog, item, lang, here)


def _bind_svg(model: Model) -> Callable[[Language], str]:
    return lambda lang: chart(model, lang, standalone=True)


# -- GPUs -----------------------------------------------------------------------------------------------


def _runs(catalog: Catalog, gpu: Gpu, lang: Language, here: Here) -> list[str]:
    """One line per task: how many catalog models fit as is, and the largest."""
    lines = []
    total = len(catalog.models)
    for task, precision in RUNS_TASKS:
        fitting = [m for m in by_size(catalog) if fits(m, gpu, task, precision)]
        name = task_name(task, lang) + (f" {precision_name(precision, lang)}" if precision else "")
        if fitting:
            largest = fitting[-1]
            lines.append(labels(lang, "gpu.runs", task=name, count=len(fitting), total=total, model=largest.name,
                                href=here.md("models", largest.id)))
        else:
            lines.append(labels(lang, "gpu.runs_none", task=name, total=total))
    return lines


def _mark(ok: bool) -> Cell:
    return Cell(SYMBOL["yes" if ok else "no"], css=CSS["yes" if ok else "no"], sort=int(ok))


def _gpu_table(catalog: Catalog, gpu: Gpu, lang: Language, here: Here) -> str:
    """Every model on this GPU. The common machines' pages give the Q4_K_M decode speed (an estimate per
    model on that GPU); every other GPU's page says whether Q4_K_M fits, which keeps a large catalog's build
    in bounds (the speed is one question to the bot away)."""
    with_speed = gpu.id in {g.id for g in reference_gpus(catalog)}
    columns = [
        Column(labels(lang, "col.model")),
        Column(labels(lang, "col.params"), numeric=True),
        *(Column(precision_name(p, lang)) for p in ("fp16", "int8")),
        Column(labels(lang, "col.q4_speed"), numeric=True) if with_speed else Column(precision_name("q4_k_m", lang)),
        *(Column(task_name(t, lang)) for t in TRAINING_TASKS_SHOWN),
    ]
    rows = []
    for model in by_size(catalog):
        marks = [_mark(fits(model, gpu, "inference", p)) for p in ("fp16", "int8")]
        if with_speed:
            speed = tokens_per_s(model, gpu, "q4_k_m")
            q4 = Cell(num(speed, lang, 0), sort=speed) if speed else Cell("✘", css="vb-no", sort=-1)
        else:
            q4 = _mark(fits(model, gpu, "inference", "q4_k_m"))
        rows.append(
            [
                tables.link(model.name, here.href("models", model.id), id=model.id),
                params_cell(model, lang),
                *marks,
                q4,
                *(_mark(fits(model, gpu, t)) for t in TRAINING_TASKS_SHOWN),
            ]
        )
    return tables.table(columns, rows, css="vb-gpu-models")


def gpu_context(catalog: Catalog, gpu: Gpu, lang: Language, here: Here) -> dict[str, Any]:
    specs = [
        ("memory", f"{num(gpu.memory_gib, lang)} GiB"),
        ("bandwidth", f"{num(gpu.memory_bandwidth_gb_s, lang, 0)} GB/s"),
        ("tflops", num(gpu.fp16_tensor_tflops, lang)),
        ("vendor", labels(lang, f"vendor.{gpu.vendor}")),
        ("segment", labels(lang, f"segment.{gpu.segment}")),
    ]
    if gpu.gpu_memory_share < 1:
        specs.insert(1, ("usable", f"{num(gpu.usable_memory_gib, lang)} GiB"))
    if gpu.release_year:
        specs.append(("year", str(gpu.release_year)))
    if gpu.price_usd:
        specs.append(("price", f"{gpu.price_usd} USD"))
    return {
        "gpu": gpu,
        "search_tags": [gpu.name, gpu.id],  # indexed with a high boost: "RTX 4060" finds it before the 4060 Ti
        "search_boost": search_boost(gpu.name),
        "memory": num(gpu.usable_memory_gib, lang),
        "specs": [(labels(lang, f"spec.{key}"), value) for key, value in specs],
        "runs": _runs(catalog, gpu, lang, here),
        "table": _gpu_table(catalog, gpu, lang, here),
        "in_matrix": gpu in reference_gpus(catalog),
    }


def gpu_pages(catalog: Catalog) -> list[Page]:
    return [Page("gpus", gpu.id, "gpu.md.j2", _bind(gpu_context, catalog, gpu)) for gpu in catalog.gpus]
