"""`vrambot ask "QUESTION" [--json]`: answer a question in English or Spanish, as the bots would.

Kept light on purpose: only click and the knowledge package load on this path (no rich, Jinja or chat SDKs),
so a cold `vrambot ask` starts fast.
"""

from __future__ import annotations

import json
import sys

import click

from knowledge.answering.respond import ask as answer_question

EXIT_USAGE = 2  # an unknown model or GPU, or a setup the estimator refuses (as `vrambot estimate`)


@click.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every field of the answer.")
def ask(question: tuple[str, ...], as_json: bool) -> None:
    """Answer QUESTION (quoted or not), e.g. vrambot ask "Can an RTX 4060 run Llama 3 8B?"."""
    result = answer_question(" ".join(question))
    if as_json:
        click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        click.echo(result.text)
    if result.error is not None:
        sys.exit(EXIT_USAGE)
