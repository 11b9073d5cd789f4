"""Builds the site: write the build tree (:mod:`bot.sitegen.publish`), then MkDocs once per language.

Spanish builds into the output folder, English into its ``en/`` (``mkdocs.yml``, ``mkdocs.en.yml``); each
build gets a small configuration in the build tree that inherits the committed one and points it at the tree
and the output. Then the English site gets redirect pages from the Spanish slugs it used to have
(``/en/modelos/<id>/`` → ``/en/models/<id>/``, keeping the ``#anchor``), so old links
keep landing. ``SOURCE_DATE_EPOCH`` is fixed (the sitemap's dates, the gzip header), so the same catalog and
templates give the same bytes; the build is strict (a broken link or anchor fails it) and offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path

from bot.sitegen import slots
from bot.sitegen.layout import SLUGS, page_url
from bot.sitegen.publish import ROOT, render, write_tree
from knowledge.estimator.catalog import Catalog, load_catalog

CONFIGS = {"es": ROOT / "mkdocs.yml", "en": ROOT / "mkdocs.en.yml"}
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
# 2026-01-01T00:00:00Z: the date the sitemap states, whatever day the site is built.
SOURCE_DATE_EPOCH = "1767225600"
# English pages that moved to English slugs: the old (Spanish) slug → the section.
MOVED = ("models", "matrix", "method", "seed")


class BuildError(Exception):
    """MkDocs refused the site (its messages name the page); the text says which language."""


@dataclass(frozen=True)
class Timings:
    render_s: float
    write_s: float
    mkdocs_s: dict[str, float]
    files: int


def default_tree(out: Path) -> Path:
    """Where the sources of a build into ``out`` are written: build/docs for build/site, else ``<out>-docs``."""
    if out.resolve() == (ROOT / "build" / "site").resolve():
        return ROOT / "build" / "docs"
    return out.with_name(out.name + "-docs")


def _config(tree: Path, lang: str, site_dir: Path) -> Path:
    path = tree / f"mkdocs.{lang}.yml"
    path.write_text(
        f"INHERIT: {CONFIGS[lang]}\n"
        f"docs_dir: {tree / lang}\n"
        f"site_dir: {site_dir}\n"
        f"theme:\n  custom_dir: {ROOT / 'site' / 'overrides'}\n",
        encoding="utf-8",
    )
    return path


def redirect_html(target: str) -> str:
    """A page that sends the reader to ``target`` (relative), keeping the #anchor when scripts run."""
    href = escape(target)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Moved</title>\n'
        f'<link rel="canonical" href="{href}">\n<meta name="robots" content="noindex">\n'
        f"<script>location.replace({target!r} + location.hash)</script>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f'</head><body><p>This page moved: <a href="{href}">{href}</a></p></body></html>\n'
    )


def write_redirects(out: Path, catalog: Catalog) -> list[Path]:
    """Redirect pages under ``out/en`` from the Spanish slugs to the English pages."""
    written = []
    for section in MOVED:
        items: list[str | None] = [None]
        if section == "models":
            items += [m.id for m in catalog.models]
        for item in items:
            old = page_url(section, "es", item)
            new = page_url(section, "en", item)
            page = out / "en" / old / "index.html"
            if page.exists():
                continue  # never over a real page
            up = "../" * old.count("/")
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(redirect_html(up + new), encoding="utf-8")
            written.append(page)
    assert all(SLUGS[s]["es"] != SLUGS[s]["en"] for s in MOVED)
    return written


def build_site(out: Path, catalog: Catalog | None = None, tree: Path | None = None) -> Timings:
    """Write the sources and build both languages into ``out``; raise BuildError if MkDocs fails."""
    catalog = catalog or load_catalog()
    out = out.resolve()
    tree = (tree or default_tree(out)).resolve()
    started = time.perf_counter()
    rendered = render(catalog)
    render_s = time.perf_counter() - started
    started = time.perf_counter()
    write_tree(tree, rendered)
    write_s = time.perf_counter() - started
    env = {**os.environ, **QUIET_ENV, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)}
    # Both languages build at once (one process each); English goes to a folder of its own first, because the
    # Spanish build empties the output folder, and moves under it afterwards.
    english = tree / "site-en"
    targets = {"es": out, "en": english}
    started = time.perf_counter()
    running = {
        lang: subprocess.Popen(
            # Never --quiet: it silences the warnings that --strict turns into a failure.
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f",
             str(_config(tree, lang, target))],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for lang, target in targets.items()
    }
    timings = {}
    failures = []
    for lang, process in running.items():
        stdout, stderr = process.communicate()
        timings[lang] = time.perf_counter() - started
        if process.returncode != 0:
            failures.append(f"mkdocs build ({lang}) failed:\n{stderr.strip() or stdout.strip()}")
    if failures:
        raise BuildError("\n".join(failures))
    shutil.move(english, out / "en")
    slots.fill_site(out, tree, "es")
    slots.fill_site(out / "en", tree, "en")
    write_redirects(out, catalog)
    return Timings(render_s, write_s, timings, len(rendered))
