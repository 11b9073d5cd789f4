"""Heavy HTML kept out of the Markdown: big tables, inline charts and the calculator's data.

MkDocs parses every raw-HTML block of a page twice (Markdown's HTML parser, then the search plugin's), which
for the site's large tables is most of the build. While a page renders, :func:`put` records such a fragment
and returns a one-line placeholder (an HTML comment, which Markdown passes through untouched); after MkDocs,
:func:`fill` puts each fragment back into the built page. The fragments of a page live beside the build tree
(``slots/<lang>/<page>.json``), so the build and `vrambot site serve` (through ``site/hooks.py``) fill them
the same way. Fragments hold no search text: search indexes each page's prose and titles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_ACTIVE: ContextVar[list[str] | None] = ContextVar("slots", default=None)
PLACEHOLDER = re.compile(r"<!-- vb-slot (\d+) -->")


@contextmanager
def collecting() -> Iterator[list[str]]:
    """Collect the fragments of the page being rendered."""
    fragments: list[str] = []
    token = _ACTIVE.set(fragments)
    try:
        yield fragments
    finally:
        _ACTIVE.reset(token)


def put(html: str) -> str:
    """The placeholder for ``html`` while a page renders (``html`` itself otherwise)."""
    fragments = _ACTIVE.get()
    if fragments is None:
        return html
    fragments.append(html)
    return f"<!-- vb-slot {len(fragments) - 1} -->\n"


def fill(page: str, fragments: list[str]) -> str:
    """The built page with every placeholder replaced by its fragment."""
    return PLACEHOLDER.sub(lambda match: fragments[int(match.group(1))], page)


def slots_file(lang: str, page_file: str) -> Path:
    """Where a page's fragments sit in the build tree (beside, not inside, the language's docs folder)."""
    return Path("slots") / lang / (page_file + ".json")


def dumps(fragments: list[str]) -> str:
    return json.dumps(fragments, ensure_ascii=False, separators=(",", ":")) + "\n"


def built_page(site: Path, page_file: str) -> Path:
    """The HTML file MkDocs writes for a Markdown file (directory URLs)."""
    stem = page_file.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / stem.removesuffix("index") / "index.html"
    return site / stem / "index.html"


def fill_site(site: Path, tree: Path, lang: str) -> int:
    """Fill every page of one language's built site from its fragments in the build tree."""
    base = tree / "slots" / lang
    count = 0
    for source in sorted(base.rglob("*.json")) if base.is_dir() else []:
        page_file = str(source.relative_to(base)).removesuffix(".json")
        target = built_page(site, page_file)
        fragments = json.loads(source.read_text(encoding="utf-8"))
        target.write_text(fill(target.read_text(encoding="utf-8"), fragments), encoding="utf-8")
        count += 1
    return count
