"""`vrambot models` and `vrambot gpus`: the catalog as terminal tables."""

from __future__ import annotations

import click

from knowledge.estimator.catalog import load_catalog


@click.command()
def models() -> None:
    """List the models in the catalog."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Models")
    for column in ("id", "name", "params (B)", "layers", "KV heads", "max context"):
        table.add_column(column, justify="right" if column != "id" and column != "name" else "left")
    for model in load_catalog().models:
        arch = model.architecture
        table.add_row(
            model.id,
            model.name,
            f"{model.params_b:.2f}",
            str(arch.layers),
            str(arch.kv_heads),
            str(arch.max_context_tokens),
        )
    Console().print(table)


@click.command()
def gpus() -> None:
    """List the GPUs in the catalog."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="GPUs")
    for column in ("id", "name", "memory (GiB)", "usable (GiB)", "bandwidth (GB/s)", "fp16 TFLOPS"):
        table.add_column(column, justify="right" if column not in ("id", "name") else "left")
    for gpu in load_catalog().gpus:
        table.add_row(
            gpu.id,
            gpu.name,
            f"{gpu.memory_gib:g}",
            f"{gpu.usable_memory_gib:.1f}",
            f"{gpu.memory_bandwidth_gb_s:g}",
            f"{gpu.fp16_tensor_tflops:g}",
        )
    Console().print(table)
