"""`vrambot ask "QUESTION" [--json] [--previous ANSWER.json]` and `vrambot chat`: questions in English or
Spanish, answered as the bots would, with follow-ups.

``--previous`` takes what ``--json`` printed for the last turn, so a script can hold a conversation; ``chat``
holds one in the terminal (line editing and history where the platform has readline; ``exit`` ends it).
Kept light on purpose: only click and the knowledge package load on this path (no rich, Jinja or chat SDKs),
so a cold `vrambot ask` starts fast.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from bot.sources.resolve import resolve_model
from knowledge import Answer
from knowledge import ask as answer_question

EXIT_USAGE = 2  # an unknown model or GPU, or a setup the estimator refuses (as `vrambot estimate`)
EXIT_WORDS = frozenset({"exit", "quit", "salir", "adios", "adiós", ":q"})


def _previous(path: Path) -> Answer:
    try:
        return Answer.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise click.BadParameter(f"cannot read {path} ({error.strerror}).", param_hint="--previous") from None
    except ValidationError:
        raise click.BadParameter(
            f"{path} is not an answer printed by `vrambot ask --json`; pass that file.", param_hint="--previous"
        ) from None


@click.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every field of the answer.")
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The last turn's answer (what --json printed): QUESTION is read as its follow-up.",
)
def ask(question: tuple[str, ...], as_json: bool, previous: Path | None) -> None:
    """Answer QUESTION (quoted or not), e.g. vrambot ask "Can an RTX 4060 run Llama 3 8B?"."""
    before = _previous(previous) if previous is not None else None
    result = answer_question(" ".join(question), previous=before, resolve_model=resolve_model)
    if as_json:
        click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        click.echo(result.text)
    if result.error is not None:
        sys.exit(EXIT_USAGE)


@click.command()
def chat() -> None:
    """Ask questions one after another; each one may follow up on the last. Type exit (or salir) to end."""
    with contextlib.suppress(ImportError):  # Windows has no readline: plain input() then
        import readline  # noqa: F401  # line editing and history for input(), where the platform has it
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo("vrambot: ask about a model and a GPU (exit to end) / pregunta por un modelo y una GPU (salir).")
    last: Answer | None = None
    while True:
        try:
            line = input("> " if interactive else "").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not line:
            continue
        if line.lower() in EXIT_WORDS:
            break
        last = answer_question(line, previous=last)
        click.echo(last.text)
        click.echo()
