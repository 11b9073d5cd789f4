"""`vrambot site build` and `vrambot site serve`: regenerate the reference site's pages, then run MkDocs.

Both regenerate ``site/docs`` first (``python -m bot.sitegen.publish``), so the site always shows the current
catalog and estimator. ``build`` runs ``mkdocs build`` (strict: a broken link or anchor fails it) into
``build/site`` or ``--out``; ``serve`` runs MkDocs' development server with live reload, regenerating the pages
whenever the catalog, the templates or the labels change.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import click

from bot.sitegen.publish import REGENERATE, ROOT, stale, write_all

CONFIG = ROOT / "mkdocs.yml"
WATCH = ("knowledge/data", "site/templates", "site/locales")
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def _regenerate() -> None:
    changed = write_all()
    click.echo(f"Regenerated {len(changed)} page(s) under site/docs." if changed else "site/docs is up to date.")


@click.group("site")
def site() -> None:
    """Build or serve the reference site (Spanish, with English under /en/)."""


@site.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: build/site).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Build the committed pages as they are; fail if they are stale instead of regenerating them.",
)
def build(out: Path | None, check: bool) -> None:
    """Regenerate the pages, then build the site strictly (a broken link or anchor fails)."""
    if check:
        problems = stale()
        if problems:
            raise click.ClickException(
                f"{len(problems)} generated file(s) are out of date ({problems[0]}, ...): "
                f"run `{REGENERATE}` and commit site/docs."
            )
    else:
        _regenerate()
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(CONFIG)]
    if out is not None:
        command += ["-d", str(out.resolve())]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **QUIET_ENV}, check=False)
    if result.returncode != 0:
        raise click.ClickException(
            "mkdocs build failed (see the messages above); fix the page or template it names and run "
            "`vrambot site build` again."
        )
    target = out or ROOT / "build" / "site"
    click.echo(f"Built {target} in {time.perf_counter() - started:.1f} s.")


@site.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
def serve(port: int, open_browser: bool) -> None:
    """Serve the site on 127.0.0.1 with live reload; edits to the catalog or templates regenerate the pages."""
    from mkdocs.commands.serve import serve as mkdocs_serve  # imported here: `vrambot ask` never loads MkDocs

    os.environ.update(QUIET_ENV)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    _regenerate()
    mkdocs_serve(
        config_file=str(CONFIG),
        livereload=True,
        watch=[str(ROOT / path) for path in WATCH],
        open_in_browser=open_browser,
        dev_addr=f"127.0.0.1:{port}",
        hooks=[str(ROOT / "site" / "hooks.py")],
    )
