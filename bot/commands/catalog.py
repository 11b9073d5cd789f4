"""`vrambot models` and `vrambot gpus`: the catalog as terminal tables; `vrambot catalog add ORG/NAME`: a
draft models.yaml entry read from the Hugging Face Hub, printed for review (written only with --write)."""

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


@click.group()
def catalog() -> None:
    """Maintain the catalog."""


@catalog.command()
@click.argument("repo")
@click.option("--write", is_flag=True, help="Append the entry to knowledge/data/models.yaml (review the diff).")
def add(repo: str, write: bool) -> None:
    """Draft a models.yaml entry for REPO (org/name or its Hub URL) from its config.json on the Hub."""
    import sys

    import yaml

    from bot.sources.hub import read_hub_model
    from knowledge.errors import KnowledgeError
    from knowledge.estimator.catalog import DATA_DIR
    from knowledge.estimator.from_config import draft_entry
    from knowledge.understanding.hub_refs import hub_reference

    name = hub_reference(repo)
    if name is None:
        click.echo(f"Error: {repo!r} is not a Hub repo id. Give it as org/name (meta-llama/Llama-3.1-8B).", err=True)
        sys.exit(2)
    known = load_catalog()
    held = known.find_repo(name)
    if held is None:
        try:
            model = read_hub_model(name)
        except KnowledgeError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(2)
        entry = draft_entry(model, model.name)
        held = next((m for m in known.models if m.id == entry["id"]), None)
    if held is not None:
        click.echo(f"Error: the catalog already has {name} as {held.id}. Edit that entry instead.", err=True)
        sys.exit(2)
    text = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    block = "".join(f"  {line}\n" if line else "\n" for line in text.splitlines())
    if not write:
        click.echo(f"# Draft for knowledge/data/models.yaml (review, then rerun with --write):\n{block}", nl=False)
        return
    path = DATA_DIR / "models.yaml"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(block)
    click.echo(f"Added {entry['id']} to {path}. Review the diff and run the catalog tests.")
