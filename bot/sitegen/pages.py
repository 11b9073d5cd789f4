"""The site's section pages as data: home, calculator, seed review, model and GPU tables, matrix, method.

Rows are built here (formatted for the language, with machine values for sorting and catalog ids as
anchors); templates only lay them out. Figures come from :mod:`bot.sitegen.figures`; per-model and per-GPU
pages are in :mod:`bot.sitegen.entity_pages`.
"""

from __future__ import annotations

import functools
import json
import statistics
from html import escape
from typing import Any

from bot.sitegen import charts, slots, tables
from bot.sitegen.figures import (
    MATRIX_TASKS,
    TRAINING_TASKS_SHOWN,
    Verdict,
    fits,
    job_estimate,
    reference_gpus,
    verdict,
)
from bot.sitegen.grids import SETUPS
from bot.sitegen.layout import (
    Context,
    Here,
    chart_file,
    gib,
    gib_digits,
    labels,
    num,
    precision_name,
    task_name,
)
from bot.sitegen.seed_review import Review, review
from bot.sitegen.tables import Cell, Column
from knowledge.estimator import calibration, estimate, runtimes
from knowledge.estimator.catalog import Catalog, Gpu, Model
from knowledge.estimator.job import Task
from knowledge.i18n import Language

MODEL_TABLE_PRECISIONS: tuple[str, ...] = ("fp16", "int8", "q4_k_m")
SYMBOL = {"yes": "✔", "with_changes": "≈", "no": "✘"}
CSS = {"yes": "vb-yes", "with_changes": "vb-changes", "no": "vb-no"}
# The home page's most asked pages: (section, catalog id); ids missing from the catalog are skipped.
POPULAR: tuple[tuple[str, str], ...] = (
    ("models", "llama-3.1-8b"),
    ("models", "llama-2-7b"),
    ("models", "mistral-7b-v0.3"),
    ("models", "qwen2.5-7b"),
    ("models", "llama-3.1-70b"),
    ("gpus", "rtx-4060"),
    ("gpus", "rtx-3090"),
    ("gpus", "rtx-4090"),
)
# The home page's example questions (labels home.example.N) and the page that answers each.
EXAMPLES: tuple[tuple[str, str, str], ...] = (
    ("models", "llama-2-7b", "rtx-4060"),
    ("models", "mistral-7b-v0.3", ""),
    ("models", "llama-3.1-70b", ""),
    ("gpus", "rtx-3090", ""),
    ("models", "qwen2.5-7b", "rtx-4090"),
    ("gpus", "h100-sxm", ""),
)


@functools.cache
def by_size(catalog: Catalog) -> tuple[Model, ...]:
    """The catalog's models, smallest first (computed once per catalog: counting parameters walks the layers)."""
    return tuple(sorted(catalog.models, key=lambda m: (params_b(m), m.id)))


_PARAMS_B: dict[str, float] = {}


def params_b(model: Model) -> float:
    """Billions of parameters computed from the architecture (counted once per model: it walks the layers)."""
    if model.id not in _PARAMS_B:
        _PARAMS_B[model.id] = model.params_b
    return _PARAMS_B[model.id]


def params_cell(model: Model, lang: Language) -> Cell:
    value = params_b(model)
    return Cell(num(value, lang, 2 if value < 10 else 1), sort=value)


def gib_num_cell(value_gib: float | None, lang: Language) -> Cell:
    if value_gib is None:
        return Cell("—", sort=-1)
    return Cell(num(value_gib, lang, gib_digits(value_gib)), sort=value_gib)


def short_gpu_name(gpu: Gpu) -> str:
    """A GPU's name without the brand prefix, for narrow column headers ("RTX 4090", "M4 Max 128GB")."""
    name = gpu.name
    for prefix in ("NVIDIA GeForce ", "GeForce ", "NVIDIA ", "AMD Instinct ", "AMD Radeon ", "AMD ", "Apple "):
        name = name.removeprefix(prefix)
    return name


# -- the calculator widget ------------------------------------------------------------------------------


CALC_KEYS = (
    "model", "machine", "memory", "other_memory", "task", "setup", "context", "batch", "fits", "fits_with",
    "no_fit", "no_change", "needs_bot", "per_gpu", "ram", "change", "weights", "kv", "activations",
    "gradients", "optimizer", "overhead", "loading", "error", "cli", "tokens", "of",
)
# The calculator's labels reach the script with their {fields} unfilled: the script fills them.
PLACEHOLDERS = {name: "{" + name + "}" for name in ("machine", "gib", "memory", "setup", "context")}
SETUP_KEYS = ("mixed", "mixed_ckpt", "mixed_ckpt_8bit", "bf16", "lora_bf16", "qlora_nf4")


def calculator(catalog: Catalog, lang: Language, here: Here, model: Model | None = None) -> str:
    """The calculator's container: the page's labels and model list as JSON; the script builds the form."""
    setups = {s.id: precision_name(s.precision, lang) for t in SETUPS.values() for s in t if s.precision}
    setups.update({key: labels(lang, f"calc.setup.{key}") for key in SETUP_KEYS})
    data: dict[str, Any] = {
        "labels": {key: labels(lang, f"calc.{key}", **PLACEHOLDERS) for key in CALC_KEYS},
        "tasks": {task: task_name(task, lang) for task in SETUPS},
        "setups": setups,
        "model": model.id if model else ("llama-3.1-8b" if any(m.id == "llama-3.1-8b" for m in catalog.models)
                                         else by_size(catalog)[0].id),
        "machine": "rtx-4090",
    }
    if model is None:
        data["models"] = [[m.id, m.name] for m in sorted(catalog.models, key=lambda m: m.name.lower())]
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return slots.put(
        f'<div class="vb-calc" data-grids="{escape(here.grids())}" data-lang="{lang}" data-search-exclude>\n'
        f'<script type="application/json" class="vb-calc-data">{payload}</script>\n'
        f"<noscript>{escape(labels(lang, 'calc.noscript'))}</noscript>\n"
        "</div>\n"
    )


def home_context(catalog: Catalog) -> Context:
    def context(lang: Language, here: Here) -> dict[str, Any]:
        ids = {"models": {m.id: m.name for m in catalog.models}, "gpus": {g.id: g.name for g in catalog.gpus}}
        popular = [
            (ids[section][item], here.md(section, item)) for section, item in POPULAR if item in ids[section]
        ]
        gpu_ids = {g.id for g in reference_gpus(catalog)}
        examples = [
            (labels(lang, f"home.example.{n}"), here.md(section, item, anchor))
            for n, (section, item, anchor) in enumerate(EXAMPLES, 1)
            if item in ids[section] and (not anchor or anchor in gpu_ids)
        ]
        return {"calculator": calculator(catalog, lang, here), "popular": popular, "examples": examples}

    return context


def calculator_context(catalog: Catalog) -> Context:
    def context(lang: Language, here: Here) -> dict[str, Any]:
        return {"calculator": calculator(catalog, lang, here)}

    return context


# -- the seed document's tables, reviewed ---------------------------------------------------------------


def _seed_verdict(item: Review, lang: Language, here: Here) -> Cell:
    step = labels(lang, f"seed.step.{item.step.key}")
    figure = gib(item.shown.per_gpu_gib, lang)
    model = f'<a href="{escape(here.href("models", item.model.id))}">{escape(item.model.name)}</a>'
    if item.verdict == "holds":
        head = labels(lang, "seed.verdict.holds", step=step)
    elif item.verdict == "holds_with":
        head = labels(lang, "seed.verdict.holds_with", step=step)
    else:
        head = labels(lang, "seed.verdict.fails")
    detail = labels(lang, "seed.figure", step=step, gib=figure)
    if item.verdict == "fails":
        detail += " " + (
            labels(lang, "seed.machine", gpu=item.machine.name) if item.machine else labels(lang, "seed.no_machine")
        )
    css = {"holds": "vb-yes", "holds_with": "vb-changes", "fails": "vb-no"}[item.verdict]
    symbol = {"holds": "✔", "holds_with": "≈", "fails": "✘"}[item.verdict]
    return Cell(
        f"<strong>{symbol} {escape(head)}</strong><br>{escape(detail)}<br>{model}",
        css=f"vb-verdict {css}",
    )


def _seed_first(item: Review, lang: Language) -> Cell:
    key = "inference" if item.row.table == "inference" else "training"
    return Cell(escape(labels(lang, f"seed.first.{key}", gib=gib(item.first.per_gpu_gib, lang))),
                sort=item.first.per_gpu_gib)


def _seed_ram(item: Review, lang: Language) -> Cell:
    key = "seed.ram.holds" if item.ram_holds else "seed.ram.fails"
    return Cell(escape(labels(lang, key, gib=gib(item.shown.ram_gib, lang))),
                css="vb-yes" if item.ram_holds else "vb-no", sort=item.shown.ram_gib)


def seed_table(catalog: Catalog, table: str, lang: Language, here: Here) -> str:
    columns = [
        *(Column(c) for c in labels(lang, f"seed.cols.{table}").split("|")),
        Column(labels(lang, "seed.col.verdict")),
        Column(labels(lang, f"seed.col.first.{table}"), numeric=True),
        Column(labels(lang, "seed.col.ram")),
        Column(labels(lang, "seed.col.note")),
    ]
    rows = []
    for row in catalog.seed:
        item = review(catalog, row)
        if row.table != table or item is None:
            continue
        cells = [tables.text(value) for value in row.cells]
        cells[0] = Cell(escape(row.cells[0]), id=row.id)
        note = row.note_es if lang == "es" else row.note_en
        rows.append([*cells, _seed_verdict(item, lang, here), _seed_first(item, lang), _seed_ram(item, lang),
                     tables.text(note)])
    return tables.table(columns, rows, css="vb-seed", searchable=True, cards=True)


def seed_context(catalog: Catalog) -> Context:
    def context(lang: Language, here: Here) -> dict[str, Any]:
        reviews = [r for row in catalog.seed if (r := review(catalog, row)) is not None]
        counts = {v: sum(r.verdict == v for r in reviews) for v in ("holds", "holds_with", "fails")}
        ram = sum(r.ram_holds for r in reviews)
        return {
            "inference": seed_table(catalog, "inference", lang, here),
            "training": seed_table(catalog, "training", lang, here),
            "summary": labels(lang, "seed.summary", total=len(reviews), ram=ram, **counts),
        }

    return context


# -- the model and GPU tables ---------------------------------------------------------------------------


def models_context(catalog: Catalog) -> Context:
    def context(lang: Language, here: Here) -> dict[str, Any]:
        columns = [
            Column(labels(lang, "col.model")),
            Column(labels(lang, "col.params"), numeric=True),
            *(Column(precision_name(p, lang), numeric=True) for p in MODEL_TABLE_PRECISIONS),
            *(Column(task_name(t, lang), numeric=True) for t in TRAINING_TASKS_SHOWN),
        ]
        rows = []
        for model in by_size(catalog):
            figures = [job_estimate(model, "inference", p) for p in MODEL_TABLE_PRECISIONS]
            figures += [job_estimate(model, task) for task in TRAINING_TASKS_SHOWN]
            rows.append(
                [
                    tables.link(model.name, here.href("models", model.id), id=model.id),
                    params_cell(model, lang),
                    *(gib_num_cell(None if e is None else e.total_gib, lang) for e in figures),
                ]
            )
        return {
            "table": tables.table(columns, rows, css="vb-models"),
            "context": estimate.DEFAULT_INFERENCE_CONTEXT,
            "training_context": estimate.DEFAULT_TRAINING_CONTEXT,
            "count": len(catalog.models),
        }

    return context


def gpus_context(catalog: Catalog) -> Context:
    def context(lang: Language, here: Here) -> dict[str, Any]:
        columns = [
            Column("GPU"),
            Column(labels(lang, "col.vendor")),
            Column(labels(lang, "col.memory"), numeric=True),
            Column(labels(lang, "col.bandwidth"), numeric=True),
            Column(labels(lang, "col.tflops"), numeric=True),
            Column(labels(lang, "col.fit_fp16"), numeric=True),
            Column(labels(lang, "col.fit_q4"), numeric=True),
        ]
        rows = []
        for gpu in sorted(catalog.gpus, key=lambda g: (g.usable_memory_gib, g.name)):
            counts = [sum(fits(m, gpu, "inference", p) for m in catalog.models) for p in ("fp16", "q4_k_m")]
            rows.append(
                [
                    tables.link(gpu.name, here.href("gpus", gpu.id), id=gpu.id),
                    tables.text(labels(lang, f"vendor.{gpu.vendor}")),
                    Cell(num(gpu.usable_memory_gib, lang), sort=gpu.usable_memory_gib),
                    Cell(num(gpu.memory_bandwidth_gb_s, lang, 0), sort=gpu.memory_bandwidth_gb_s),
                    Cell(num(gpu.fp16_tensor_tflops, lang), sort=gpu.fp16_tensor_tflops),
                    Cell(str(counts[0]), sort=counts[0]),
                    Cell(str(counts[1]), sort=counts[1]),
                ]
            )
        return {"table": tables.table(columns, rows, css="vb-gpus"), "models": len(catalog.models)}

    return context


# -- the compatibility matrix ---------------------------------------------------------------------------


def how(found: Verdict, lang: Language) -> str:
    """A verdict in words: as is (with speed), the cheapest change, or how many GPUs it takes."""
    fit = found.fit
    if found.kind == "yes":
        speed = fit.estimate.tokens_per_s if fit else None
        if speed:
            return labels(lang, "how.yes_speed", speed=num(speed, lang, 0))
        return labels(lang, "how.yes")
    parts = []
    if fit is not None and fit.change is not None:
        change = fit.change
        job = change.estimate.job
        fields: dict[str, object] = {
            "precision": precision_name(job.precision or "fp16", lang),
            "tokens": job.context_tokens,
            "gib": num(change.estimate.per_gpu_gib, lang),
            "runtime": runtimes.profile(job.runtime).name if job.runtime else "",
            "kv": job.kv_precision or "",
        }
        parts.append(labels(lang, f"change.{change.kind}", **fields))
    if fit is not None and fit.gpus_needed:
        parts.append(labels(lang, "how.gpus", count=fit.gpus_needed))
    if not parts and fit is not None and fit.tight:
        return labels(lang, "how.tight", gib=num(fit.estimate.per_gpu_gib, lang))
    if not parts:
        return labels(lang, "how.no")
    key = "how.with_changes" if found.kind == "with_changes" else "how.no_detail"
    return labels(lang, key, detail=labels(lang, "how.or").join(parts))


def matrix_cell(model: Model, gpu: Gpu, task: Task, lang: Language, here: Here) -> Cell:
    found = verdict(model, gpu, task)
    text = how(found, lang)
    href = here.href("models", model.id, gpu.id)
    return Cell(
        f'<a href="{escape(href)}" aria-label="{escape(text)}">{SYMBOL[found.kind]}</a>',
        css=CSS[found.kind],
        title=f"{model.name} · {gpu.name}: {text}",
    )


def matrix_context(catalog: Catalog) -> Context:
    gpus = reference_gpus(catalog)

    def context(lang: Language, here: Here) -> dict[str, Any]:
        columns = [
            Column(labels(lang, "col.model")),
            *(Column(f"{short_gpu_name(g)} · {num(g.usable_memory_gib, lang, 0)}", title=g.name) for g in gpus),
        ]
        tabs = []
        for task in MATRIX_TASKS:
            rows = [
                [
                    tables.link(model.name, here.href("models", model.id)),
                    *(matrix_cell(model, gpu, task, lang, here) for gpu in gpus),
                ]
                for model in by_size(catalog)
            ]
            tabs.append({"title": task_name(task, lang), "table": tables.table(columns, rows, css="vb-matrix")})
        return {"tabs": tabs, "gpu_links": [(g.name, here.md("gpus", g.id)) for g in gpus]}

    return context


# -- the method page and its calibration ----------------------------------------------------------------


def _source(source: str, lang: Language) -> Cell:
    """A source cell: a short link where the source is a URL, else its name."""
    if source.startswith(("http://", "https://")):
        host = source.split("/")[2].removeprefix("www.")
        return Cell(f'<a href="{escape(source)}" title="{escape(source)}">{escape(host)}</a>')
    return tables.text(source)


def _calibration_rows(lang: Language) -> list[list[Cell]]:
    rows = []
    for comparison in calibration.comparisons():
        m = comparison.measurement
        rows.append(
            [
                tables.text(m.id, id=m.id),
                tables.text(m.model),
                tables.text(labels(lang, f"metric.{m.metric}")),
                Cell(f"<code>{escape(' '.join(m.args))}</code>"),
                gib_num_cell(m.measured_gib, lang),
                gib_num_cell(comparison.estimate_gib, lang),
                Cell(num(comparison.error * 100, lang, 1), sort=comparison.error * 100),
                Cell(num(m.tol * 100, lang, 0), sort=m.tol * 100),
                tables.text(labels(lang, "calibration.within" if comparison.within else "calibration.outside"),
                            css="vb-yes" if comparison.within else "vb-no"),
                _source(m.source, lang),
            ]
        )
    return rows


def calibration_chart(lang: Language, *, standalone: bool) -> str:
    points = [
        charts.Point(
            label=f"{c.measurement.id}: {num(c.measurement.measured_gib, lang, 2)} → "
            f"{num(c.estimate_gib, lang, 2)} GiB",
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
        value_format=lambda v: num(v, lang, 2),
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
                "median_error": num(statistics.median(errors) * 100, lang, 1) if errors else "–",
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
            if p.speed.decode_layer_us:
                efficiency = num(p.speed.decode_efficiency * 100, lang, 1)
                rules.append(f"decode {efficiency}% + {num(p.speed.decode_layer_us, lang, 0)} µs/layer")
        if p.training is not None:
            rules.append(f"loss {num(p.training.loss_kept_bytes + p.training.loss_peak_bytes, lang, 1)} B/logit")
            if p.training.checkpoint_offload:
                rules.append("checkpoints in RAM")
            if p.training.kbit_fp32_upcast:
                rules.append("k-bit fp32 upcast")
        share = f" / {num(p.headroom.margin_share * 100, lang, 0)}%" if p.headroom.margin_share else ""
        rows.append(
            {
                "runtime": p.name,
                "tasks": ", ".join(p.tasks),
                "precisions": ", ".join(p.precision_kinds),
                "backends": ", ".join(p.backends),
                "margin": f"{num(margin, lang, 1)} GiB{share}",
                "rules": "; ".join(rules),
                "sources": "; ".join(p.sources),
            }
        )
    return rows


def method_context(lang: Language, here: Here) -> dict[str, Any]:
    comparisons = calibration.comparisons()
    errors = [abs(c.error) for c in comparisons if c.measurement.metric != "oom"]
    median = statistics.median(errors) if errors else 0.0
    within = sum(c.within for c in comparisons)
    columns = [
        Column(labels(lang, key), numeric=key in ("col.measured", "col.estimate", "col.error", "col.tolerance"))
        for key in ("col.id", "col.model", "col.metric", "col.args", "col.measured", "col.estimate", "col.error",
                    "col.tolerance", "col.within", "col.source")
    ]
    return {
        "inference_context": estimate.DEFAULT_INFERENCE_CONTEXT,
        "training_context": estimate.DEFAULT_TRAINING_CONTEXT,
        "decode_efficiency": round(estimate.DECODE_EFFICIENCY * 100),
        "prefill_efficiency": round(estimate.PREFILL_EFFICIENCY * 100),
        "mfu": round(estimate.TRAINING_MFU * 100),
        "process_ram": num(estimate.PROCESS_RAM_BYTES / 2**30, lang),
        "calibration": tables.table(columns, _calibration_rows(lang), css="vb-calibration"),
        "by_runtime": _by_runtime(lang),
        "profiles": _profiles(lang),
        "within": within,
        "count": len(comparisons),
        "median_error": num(median * 100, lang, 1),
        "chart": slots.put(calibration_chart(lang, standalone=False)),
        "chart_caption": labels(
            lang, "chart.calibration.caption" if within < len(comparisons) else "chart.calibration.caption_all"
        ),
        "chart_file": here.file_link(chart_file(lang, "calibration")),
    }
