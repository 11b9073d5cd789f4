"""Every link a bot can send (knowledge.answering.links) lands on a page of the built site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from knowledge.answering.links import gpu_url, home_url, model_url
from knowledge.estimator.catalog import Catalog
from knowledge.i18n import LANGUAGES

from .htmlcheck import Site, target_file

BASE = "https://example.test/vrambot"


def _resolves(site: Site, url: str) -> bool:
    path = urlsplit(url).path.removeprefix(urlsplit(BASE).path)
    return site.resolve(site.root / "index.html", path.lstrip("/") or "./") is None and target_file(
        site.root, site.root / "index.html", path.lstrip("/")
    ).is_relative_to(site.root)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_model_and_gpu_link_resolves(site: Site, catalog: Catalog, lang) -> None:
    """model_url and gpu_url for every catalog id, in both languages, name an existing page."""
    missing = [url for m in catalog.models if not _resolves(site, url := model_url(m.id, lang, BASE))]
    missing += [url for g in catalog.gpus if not _resolves(site, url := gpu_url(g.id, lang, BASE))]
    assert missing == []
    assert _resolves(site, home_url(lang, BASE))


def test_an_unknown_id_would_not_resolve(site: Site) -> None:
    """The check can fail: a model id the catalog lacks has no page."""
    assert not _resolves(site, model_url("no-such-model", "es", BASE))
