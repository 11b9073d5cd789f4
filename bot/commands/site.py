"""`vrambot site build` and `vrambot site serve`: generate the reference site's sources, then run MkDocs.

``build`` writes the pages, charts and calculator grids into a build tree (``build/docs``; nothing generated
is committed), then builds Spanish into ``build/site`` (or ``--out``) and English into its ``en/``, strictly
(a broken link or anchor fails). ``serve`` runs MkDocs' development server on the Spanish site with live
reload, regenerating the tree whenever the catalog, the templates or the labels change.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

WATCH = ("knowledge/data", "site/templates", "site/locales", "site/assets", "site/overrides")


@click.group("site")
def site() -> None:
    """Build or serve the reference site (Spanish, with English under /en/)."""


@site.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: build/site; its sources go to build/docs).",
)
def build(out: Path | None) -> None:
    """Generate the pages, then build the site strictly (a broken link or anchor fails)."""
    from bot.sitegen.build import BuildError, build_site  # imported here: `vrambot ask` never loads the generator
    from bot.sitegen.publish import ROOT

    target = out or ROOT / "build" / "site"
    try:
        timings = build_site(target)
    except BuildError as error:
        raise click.ClickException(
            f"{error}\nFix the page or template it names and run `vrambot site build` again."
        ) from error
    mkdocs = " + ".join(f"{lang} {seconds:.1f} s" for lang, seconds in timings.mkdocs_s.items())
    click.echo(
        f"Built {target} ({timings.files} generated files in {timings.render_s:.1f} s; mkdocs {mkdocs})."
    )


@site.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
def serve(port: int, open_browser: bool) -> None:
    """Serve the Spanish site on 127.0.0.1 with live reload; edits to the catalog or templates regenerate it."""
    from mkdocs.commands.serve import serve as mkdocs_serve  # imported here: `vrambot ask` never loads MkDocs

    from bot.sitegen.build import QUIET_ENV
    from bot.sitegen.publish import ROOT, write_tree

    os.environ.update(QUIET_ENV)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    click.echo(f"Wrote {write_tree()} generated files under build/docs.")
    mkdocs_serve(
        config_file=str(ROOT / "mkdocs.yml"),
        livereload=True,
        watch=[str(ROOT / path) for path in WATCH],
        open_in_browser=open_browser,
        dev_addr=f"127.0.0.1:{port}",
        hooks=[str(ROOT / "site" / "hooks.py")],
    )
