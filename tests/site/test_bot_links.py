"""Every link a bot can send (knowledge.answering.links) lands on a real page of the built site, in its language."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from knowledge.answering.links import gpu_url, home_url, model_url
from knowledge.estimator.catalog import Catalog
from knowledge.i18n import LANGUAGES

from .htmlcheck import Site, parse, target_file

BASE = "https://example.test/vrambot"
REDIRECT = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def _landing(site: Site, url: str) -> Path | None:
    """The page a reader ends on after following ``url`` (and a redirect page, if it is one)."""
    path = urlsplit(url).path.removeprefix(urlsplit(BASE).path).lstrip("/")
    page = target_file(site.root, site.root / "index.html", path or "./")
    if not page.is_file() or not page.is_relative_to(site.root):
        return None
    moved = REDIRECT.search(page.read_text(encoding="utf-8"))
    if moved:
        page = target_file(site.root, page, moved.group(1))
    return page if page.is_file() and not REDIRECT.search(page.read_text(encoding="utf-8")) else None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_model_and_gpu_link_lands_on_its_page(site: Site, catalog: Catalog, lang) -> None:
    """model_url and gpu_url for every catalog id land on a page in the link's language titled with the name."""
    for items, url_of in ((catalog.models, model_url), (catalog.gpus, gpu_url)):
        for item in items:
            page = _landing(site, url_of(item.id, lang, BASE))
            assert page is not None, (lang, item.id)
            assert parse(page).lang == lang
            assert "<h1" in (text := page.read_text(encoding="utf-8")) and item.name in text
    assert _landing(site, home_url(lang, BASE)) is not None


def test_model_pages_hold_an_anchor_per_common_machine(site: Site, catalog: Catalog) -> None:
    """modelos/<id>/#<gpu> (the matrix's and the answers' deep links) names the verdict row for that GPU."""
    from bot.sitegen.figures import reference_gpus

    for lang, folder in (("es", "modelos"), ("en", "en/models")):
        for model in catalog.models[:5]:
            page = site.root / folder / model.id / "index.html"
            ids = site.pages[page.resolve()].ids
            assert all(gpu.id in ids for gpu in reference_gpus(catalog)), (lang, model.id)


def test_an_unknown_id_would_not_resolve(site: Site) -> None:
    """The check can fail: a model id the catalog lacks has no page."""
    assert _landing(site, model_url("no-such-model", "es", BASE)) is None
    assert _landing(site, model_url("no-such-model", "en", BASE)) is None
