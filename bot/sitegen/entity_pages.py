"""The reference site's per-model and per-GPU pages, the GPU table and the memory-vs-context charts.

A model's page lives at ``modelos/<id>/`` and a GPU's at ``gpus/<id>/`` (:mod:`knowledge.answering.links`, the URLs the
bots send); rows carry the other side's catalog id as their anchor, so ``modelos/llama-2-7b/#rtx-4090`` is the
Llama 2 7B row for the RTX 4090.
"""

from __future__ import annotations

from typing import Any

from bot.sitegen import charts
from bot.sitegen.figures import (
    CHART_PRECISIONS,
    KV_PER_TOKENS,
    MATRIX_TASKS,
    SPEED_PRECISIONS,
    TRAINING_TASKS_SHOWN,
    fits,
    job_estimate,
    kv_per_tokens,
    memory_by_context,
    reference_gpus,
    tokens_per_s,
    verdict,
)
from bot.sitegen.pages import Labels, Page, cell, gib_cell, precision_name, task_name
from knowledge.answering.links import gpu_path, model_path
from knowledge.estimator import runtimes
from knowledge.estimator.catalog import Catalog, Gpu, Model
from knowledge.estimator.job import Task
from knowledge.estimator.precision import PRECISION_IDS, resolve
from knowledge.i18n import Language, number

PAGE_TASKS: tuple[Task, ...] = ("inference", "lora", "qlora", "full_finetune", "pretrain")
KV_SHOWN: tuple[str, ...] = ("fp16", "fp8", "q8_0", "q4_0")
GUIDES_GB: tuple[int, ...] = (8, 12, 16, 24, 48, 80, 192)


def _labels() -> Labels:
    return Labels.load()


def _md(path: str) -> str:
    """The Markdown source of a page URL from links.py ("modelos/x/" → "modelos/x.md")."""
    return path.rstrip("/") + ".md"


def _by_memory(gpus: tuple[Gpu, ...]) -> list[Gpu]:
    return sorted(gpus, key=lambda g: (g.usable_memory_gib, g.name))


# -- models ---------------------------------------------------------------------------------------------


def _how(model: Model, gpu: Gpu, task: Task, lang: Language) -> str:
    """A verdict in words: as is (with speed), the cheapest change, or how many GPUs it takes."""
    labels = _labels()
    found = verdict(model, gpu, task)
    fit = found.fit
    if found.kind == "yes":
        speed = fit.estimate.tokens_per_s if fit else None
        if speed:
            return labels(lang, "how.yes_speed", speed=number(speed, lang, 0))
        return labels(lang, "how.yes")
    parts = []
    if fit is not None and fit.change is not None:
        change = fit.change
        job = change.estimate.job
        fields: dict[str, object] = {
            "precision": precision_name(job.precision or "fp16", lang),
            "tokens": job.context_tokens,
            "gib": number(change.estimate.per_gpu_gib, lang),
            "runtime": runtimes.profile(job.runtime).name if job.runtime else "",
            "kv": job.kv_precision or "",
        }
        parts.append(labels(lang, f"change.{change.kind}", **fields))
    if fit is not None and fit.gpus_needed:
        parts.append(labels(lang, "how.gpus", count=fit.gpus_needed))
    if not parts and fit is not None and fit.tight:
        return labels(lang, "how.tight", gib=number(fit.estimate.per_gpu_gib, lang))
    if not parts:
        return labels(lang, "how.no")
    key = "how.with_changes" if found.kind == "with_changes" else "how.no_detail"
    return labels(lang, key, detail=labels(lang, "how.or").join(parts))


def _chart(model: Model, lang: Language, *, standalone: bool) -> str:
    labels = _labels()
    series = [
        charts.Series(precision_name(p, lang), memory_by_context(model, p))
        for p in CHART_PRECISIONS
        if memory_by_context(model, p)
    ]
    top = max(y for s in series for _, y in s.points)
    guides = [charts.Guide(f"{gb} GB", gb) for gb in GUIDES_GB if gb <= top]

    def tokens(value: float) -> str:
        return f"{value / 1024:g}k" if value >= 1024 else f"{value:g}"

    return charts.line_chart(
        series,
        title=labels(lang, "chart.context.title", model=model.name),
        desc=labels(lang, "chart.context.desc", model=model.name),
        x_label=labels(lang, "chart.context.x"),
        y_label=labels(lang, "chart.context.y"),
        x_format=tokens,
        y_format=lambda v: number(v, lang, 1),
        log2_x=True,
        guides=guides,
        standalone=standalone,
    )


def _components(model: Model, task: Task, precision: str | None, lang: Language) -> dict[str, Any] | None:
    result = job_estimate(model, task, precision)
    if result is None:
        return None
    gib = result.memory.gib()
    return {
        "precision": precision_name(result.job.precision or "fp16", lang),
        "weights": gib_cell(gib["weights_gib"], lang),
        "kv": gib_cell(gib["kv_cache_gib"], lang),
        "activations": gib_cell(gib["activations_gib"], lang),
        "gradients": gib_cell(gib["gradients_gib"], lang),
        "optimizer": gib_cell(gib["optimizer_gib"], lang),
        "overhead": gib_cell(gib["overhead_gib"], lang),
        "total": gib_cell(result.total_gib, lang),
        "ram": gib_cell(result.ram_gib, lang),
    }


def model_context(catalog: Catalog, model: Model, lang: Language) -> dict[str, Any]:
    labels = _labels()
    arch = model.architecture
    facts = [
        ("params_official", number(model.params_official / 1e9, lang, 2)),
        ("params_computed", number(model.params / 1e9, lang, 2)),
    ]
    if model.is_moe:
        facts.append(("params_active", number(model.active_params / 1e9, lang, 2)))
    architecture = [
        ("layers", str(arch.layers)),
        ("hidden_size", str(arch.hidden_size)),
        ("intermediate_size", str(arch.intermediate_size)),
        ("attention_heads", str(arch.attention_heads)),
        ("kv_heads", str(arch.kv_heads)),
        ("head_dim", str(arch.head_dim)),
        ("vocab_size", str(arch.vocab_size)),
        ("max_context_tokens", str(arch.max_context_tokens)),
        ("attention", arch.attention.upper()),
        ("tied_embeddings", labels(lang, "yes" if arch.tied_embeddings else "no")),
        ("gated_mlp", labels(lang, "yes" if arch.gated_mlp else "no")),
    ]
    if arch.sliding_window_tokens:
        architecture.append(("sliding_window", f"{arch.sliding_window_tokens} × {arch.sliding_window_layers}"))
    if arch.moe is not None:
        architecture.append(("moe", f"{arch.moe.experts} / top-{arch.moe.top_k}"))
    precisions = [
        {"name": precision_name(p, lang), **row}
        for p in PRECISION_IDS
        if model.is_moe or resolve(p).experts is None  # "MXFP4 experts" is plain BF16 for a dense model
        if (row := _components(model, "inference", p, lang)) is not None
    ]
    tasks = [
        {"task": task_name(t, lang), **row}
        for t in PAGE_TASKS
        if (row := _components(model, t, None, lang)) is not None
    ]
    kv = [{"precision": k, "gib": gib_cell(kv_per_tokens(model, k), lang)} for k in KV_SHOWN]
    gpu_rows = [
        {
            "id": gpu.id,
            "name": gpu.name,
            "href": "../" + _md(gpu_path(gpu.id)),
            "memory": cell(gpu.usable_memory_gib, lang),
            "how": [_how(model, gpu, task, lang) for task in MATRIX_TASKS],
        }
        for gpu in reference_gpus(catalog)
    ]
    runs_on = {
        precision_name(p, lang): [
            f"[{gpu.name}](../{_md(gpu_path(gpu.id))})"
            for gpu in _by_memory(catalog.gpus)
            if fits(model, gpu, "inference", p)
        ]
        for p in ("fp16", "q4_k_m")
    }
    return {
        "model": model,
        "facts": [(labels(lang, f"fact.{key}"), value) for key, value in facts],
        "architecture": [(labels(lang, f"arch.{key}"), value) for key, value in architecture],
        "precisions": precisions,
        "tasks": tasks,
        "kv": kv,
        "kv_tokens": KV_PER_TOKENS,
        "matrix_tasks": [task_name(t, lang) for t in MATRIX_TASKS],
        "gpus": gpu_rows,
        "runs_on": runs_on,
        "chart": _chart(model, lang, standalone=False),
        "chart_file": f"../graficos/{model.id}.svg",
    }


def model_pages(catalog: Catalog) -> list[Page]:
    pages = []
    for model in catalog.models:
        pages.append(
            Page(
                _md(model_path(model.id)),
                "modelo.md.j2",
                lambda lang, m=model: model_context(catalog, m, lang),  # type: ignore[misc]  # bound default
            )
        )
        pages.append(
            Page(f"graficos/{model.id}.svg", svg=lambda lang, m=model: _chart(m, lang, standalone=True))  # type: ignore[misc]  # bound default
        )
    return pages


# -- GPUs -----------------------------------------------------------------------------------------------


def gpu_context(catalog: Catalog, gpu: Gpu, lang: Language) -> dict[str, Any]:
    labels = _labels()
    specs = [
        ("memory", f"{number(gpu.memory_gib, lang)} GiB"),
        ("bandwidth", f"{number(gpu.memory_bandwidth_gb_s, lang, 0)} GB/s"),
        ("tflops", number(gpu.fp16_tensor_tflops, lang)),
        ("vendor", labels(lang, f"vendor.{gpu.vendor}")),
        ("segment", labels(lang, f"segment.{gpu.segment}")),
    ]
    if gpu.gpu_memory_share < 1:
        specs.insert(1, ("usable", f"{number(gpu.usable_memory_gib, lang)} GiB"))
    if gpu.release_year:
        specs.append(("year", str(gpu.release_year)))
    if gpu.price_usd:
        specs.append(("price", f"{gpu.price_usd} USD"))
    rows = []
    for model in sorted(catalog.models, key=lambda m: (m.params, m.id)):
        speeds = [cell(tokens_per_s(model, gpu, p), lang, 0, labels(lang, "does_not_fit")) for p in SPEED_PRECISIONS]
        training = [labels(lang, "yes" if fits(model, gpu, t) else "no") for t in TRAINING_TASKS_SHOWN]
        rows.append(
            {
                "id": model.id,
                "name": model.name,
                "href": "../" + _md(model_path(model.id)),
                "params": cell(model.params_b, lang, 2 if model.params_b < 10 else 1),
                "speeds": speeds,
                "training": training,
            }
        )
    return {
        "gpu": gpu,
        "specs": [(labels(lang, f"spec.{key}"), value) for key, value in specs],
        "speed_precisions": [precision_name(p, lang) for p in SPEED_PRECISIONS],
        "tasks": [task_name(t, lang) for t in TRAINING_TASKS_SHOWN],
        "in_matrix": gpu in reference_gpus(catalog),
        "rows": rows,
    }


def gpu_pages(catalog: Catalog) -> list[Page]:
    return [
        Page(
            _md(gpu_path(gpu.id)),
            "gpu.md.j2",
            lambda lang, g=gpu: gpu_context(catalog, g, lang),  # type: ignore[misc]  # bound default
        )
        for gpu in catalog.gpus
    ]


def gpus_context(catalog: Catalog) -> Any:
    def context(lang: Language) -> dict[str, Any]:
        rows = []
        for gpu in _by_memory(catalog.gpus):
            counts = [sum(fits(m, gpu, "inference", p) for m in catalog.models) for p in ("fp16", "q4_k_m")]
            rows.append(
                {
                    "id": gpu.id,
                    "name": gpu.name,
                    "href": gpu.id + ".md",
                    "vendor": _labels()(lang, f"vendor.{gpu.vendor}"),
                    "memory": cell(gpu.usable_memory_gib, lang),
                    "bandwidth": cell(gpu.memory_bandwidth_gb_s, lang, 0),
                    "tflops": cell(gpu.fp16_tensor_tflops, lang),
                    "fp16": cell(counts[0], lang, 0),
                    "q4": cell(counts[1], lang, 0),
                }
            )
        return {"rows": rows, "models": len(catalog.models)}

    return context
