"""`vrambot models` and `vrambot gpus`: the catalog as a table, plain rows when piped, or JSON.

Ids are never cut: a terminal gets a table whose id column is as wide as the longest id; a pipe gets one
tab-separated row per entry with a header row; ``--json`` prints a list of objects with ``id``, ``name`` and
the key figures. Filters: ``--family`` (models), ``--vendor`` (GPUs), ``--min-vram`` (GPUs, usable GiB).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from knowledge.estimator.catalog import Gpu, Model, load_catalog


def _model_row(model: Model) -> dict[str, Any]:
    arch = model.architecture
    return {
        "id": model.id,
        "name": model.name,
        "family": model.family,
        "params_b": round(model.params_b, 3),
        "active_params_b": round(model.active_params / 1e9, 3) if model.is_moe else None,
        "layers": arch.layers,
        "kv_heads": arch.kv_heads,
        "max_context_tokens": arch.max_context_tokens,
    }


def _gpu_row(gpu: Gpu) -> dict[str, Any]:
    return {
        "id": gpu.id,
        "name": gpu.name,
        "vendor": gpu.vendor,
        "memory_gib": gpu.memory_gib,
        "usable_memory_gib": round(gpu.usable_memory_gib, 2),
        "memory_bandwidth_gb_s": gpu.memory_bandwidth_gb_s,
        "fp16_tensor_tflops": gpu.fp16_tensor_tflops,
        "price_usd": gpu.price_usd,
    }


def _show(title: str, rows: Sequence[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"No {title.lower()} match those filters.", err=True)
        return
    columns = list(rows[0])
    cells = [["" if row[c] is None else f"{row[c]:g}" if isinstance(row[c], float) else str(row[c]) for c in columns]
             for row in rows]  # fmt: skip
    if not sys.stdout.isatty():
        click.echo("\t".join(columns))
        for line in cells:
            click.echo("\t".join(line))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for index, column in enumerate(columns):
        numeric = isinstance(rows[0][column], int | float) and not isinstance(rows[0][column], bool)
        width = max(len(column), *(len(line[index]) for line in cells)) if column == "id" else None
        table.add_column(column, justify="right" if numeric else "left", no_wrap=column == "id", min_width=width)
    for line in cells:
        table.add_row(*line)
    Console().print(table)


@click.command()
@click.option("--family", help="Only this family (e.g. llama-3, qwen3); see the family column.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects instead of a table.")
def models(family: str | None, as_json: bool) -> None:
    """List the models in the catalog."""
    chosen = [m for m in load_catalog().models if family is None or m.family.lower() == family.lower()]
    if family is not None and not chosen:
        families = sorted({m.family for m in load_catalog().models})
        raise click.BadParameter(f"no family {family!r}; known families: {', '.join(families)}.", param_hint="--family")
    _show("Models", [_model_row(m) for m in chosen], as_json)


@click.command()
@click.option("--vendor", type=click.Choice(["nvidia", "amd", "apple", "intel"], case_sensitive=False))
@click.option("--min-vram", type=click.FloatRange(min=0), help="Only GPUs with at least this much usable GiB.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects instead of a table.")
def gpus(vendor: str | None, min_vram: float | None, as_json: bool) -> None:
    """List the GPUs in the catalog."""
    chosen = [
        g
        for g in load_catalog().gpus
        if (vendor is None or g.vendor == vendor.lower()) and (min_vram is None or g.usable_memory_gib >= min_vram)
    ]
    _show("GPUs", [_gpu_row(g) for g in chosen], as_json)
