"""The strict build (`vrambot site build`): Spanish at the root, English under /en/, every page present."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.answering.links import gpu_path, model_path
from knowledge.estimator.catalog import Catalog

from .htmlcheck import Site, parse


def test_strict_build_writes_every_page_in_both_languages(built_site: Path, catalog: Catalog) -> None:
    """One page per model and GPU, plus the index pages, in Spanish and English."""
    pages = list(built_site.rglob("index.html"))
    expected_per_language = len(catalog.models) + len(catalog.gpus) + 6
    assert len(pages) >= 2 * expected_per_language
    for prefix in ("", "en/"):
        for model in catalog.models:
            assert (built_site / prefix / model_path(model.id) / "index.html").is_file()
        for gpu in catalog.gpus:
            assert (built_site / prefix / gpu_path(gpu.id) / "index.html").is_file()


def test_spanish_is_the_default_and_english_sits_under_en(built_site: Path) -> None:
    """The root is lang="es" with Spanish labels; /en/ is lang="en"."""
    assert parse(built_site / "index.html").lang == "es"
    assert parse(built_site / "en" / "index.html").lang == "en"
    assert "Compatibilidad" in (built_site / "index.html").read_text(encoding="utf-8")
    assert "Compatibility" in (built_site / "en" / "index.html").read_text(encoding="utf-8")


def test_each_page_offers_the_other_language(site: Site, built_site: Path) -> None:
    """The language switch of a model page points at the same model in the other language."""
    page = (built_site / "modelos" / "llama-2-7b" / "index.html").resolve()
    targets = {href for href in site.pages[page].hrefs if site.resolve(page, href) is None}
    assert "../../en/modelos/llama-2-7b/" in targets


def test_tables_sort_on_machine_values(built_site: Path) -> None:
    """Comma-formatted cells carry data-sort attributes with the dotted value."""
    html = (built_site / "modelos" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<td data-sort="6\.7384"[^>]*>6,74</td>', html)
