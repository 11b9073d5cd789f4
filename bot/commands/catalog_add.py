"""`vrambot catalog add ORG/NAME`: a draft models.yaml entry read from the Hugging Face Hub's config.json and
parameter count, printed for review, and appended to ``knowledge/data/models.yaml`` only with ``--write``."""

from __future__ import annotations

import click

from knowledge.estimator.catalog import load_catalog


@click.group()
def catalog() -> None:
    """Maintain the catalog."""


@catalog.command()
@click.argument("repo")
@click.option("--write", is_flag=True, help="Append the entry to models.yaml (VRAMBOT_DATA_DIR or the package's).")
def add(repo: str, write: bool) -> None:
    """Draft a models.yaml entry for REPO (org/name or its Hub URL) from its config.json on the Hub."""
    import sys

    import yaml

    from bot.sources.hub import read_hub_model
    from knowledge.errors import KnowledgeError
    from knowledge.estimator.catalog import PARAMS_TOLERANCE
    from knowledge.estimator.data_files import data_dir
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
    if abs(model.params / model.params_official - 1) > PARAMS_TOLERANCE:
        click.echo(
            f"Error: the Hub counts {model.params_official:,} parameters but the architecture {model.params:,}; "
            "the catalog would refuse the entry. Edit the printed draft by hand instead of --write.",
            err=True,
        )
        sys.exit(2)
    path = data_dir() / "models.yaml"  # VRAMBOT_DATA_DIR, or the package's data
    with path.open("a", encoding="utf-8") as handle:
        handle.write(block)
    click.echo(f"Added {entry['id']} to {path}. Review the diff and run the catalog tests.")
