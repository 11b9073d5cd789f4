"""The `vrambot` console script: a plain `vrambot ask QUESTION` is answered without loading click.

Click's import is about a tenth of a cold `vrambot ask`. A question with no option (no word starting with
``-``) needs none of click's parsing, so it is answered here exactly as ``bot.commands.ask`` answers it (the
same text, exit status 2 for a usage error, a broken catalog as click's one "Error:" line with status 1);
everything else (options, other commands, help) goes to the click group in ``bot.cli``.
"""

from __future__ import annotations

import errno
import os
import sys

EXIT_USAGE = 2  # as bot.commands.ask: an unknown model or GPU, or a setup the estimator refuses


def main() -> None:
    """Entry point of the ``vrambot`` script."""
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "ask" and not any(arg.startswith("-") for arg in args[1:]):
        sys.exit(_ask(" ".join(args[1:])))
    from bot.cli import main as click_main

    click_main()


def _ask(question: str) -> int:
    from bot.pydantic_plugins import skip_discovery

    skip_discovery()  # before knowledge builds a pydantic validator
    from knowledge import CatalogError, ask, load_catalog

    try:  # as the click group: a broken catalog is one line naming file, entry and field
        load_catalog()
    except CatalogError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    from bot.sources.resolve import resolve_model

    try:
        result = ask(question, resolve_model=resolve_model)
        print(result.text, flush=True)
    except KeyboardInterrupt:  # Ctrl-C: as click
        print("\nAborted!", file=sys.stderr)
        return 1
    except OSError as error:  # a closed pipe (`| head`): quiet, as click
        if error.errno != errno.EPIPE:
            raise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return EXIT_USAGE if result.error is not None else 0
