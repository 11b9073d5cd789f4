"""The strict build (`vrambot site build`): Spanish at the root, English under /en/ with English slugs and a
redirect from each old slug, one search index per language, a 404 in both languages, reproducible bytes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.sitegen.build import build_site
from bot.sitegen.publish import ROOT
from knowledge.estimator.catalog import Catalog

from .htmlcheck import Site, parse


def test_strict_build_writes_every_page_in_both_languages(built_site: Path, catalog: Catalog) -> None:
    """One page per model and GPU in each language, at that language's slug."""
    for model in catalog.models:
        assert (built_site / "modelos" / model.id / "index.html").is_file()
        assert (built_site / "en" / "models" / model.id / "index.html").is_file()
    for gpu in catalog.gpus:
        assert (built_site / "gpus" / gpu.id / "index.html").is_file()
        assert (built_site / "en" / "gpus" / gpu.id / "index.html").is_file()
    for es, en in [("compatibilidad", "compatibility"), ("metodo", "method"), ("semilla", "seed"),
                   ("calculadora", "calculator")]:
        assert (built_site / es / "index.html").is_file() and (built_site / "en" / en / "index.html").is_file()


def test_generated_pages_are_not_in_the_repository() -> None:
    """The repository keeps templates, labels, assets and theme overrides; pages are build output."""
    assert not (ROOT / "site" / "docs").exists()
    assert not list((ROOT / "site").rglob("*.md"))


def test_spanish_is_the_default_and_english_sits_under_en(built_site: Path) -> None:
    """The root is lang="es" with Spanish navigation; /en/ is lang="en" with English navigation."""
    assert parse(built_site / "index.html").lang == "es"
    assert parse(built_site / "en" / "index.html").lang == "en"
    assert "Compatibilidad" in (built_site / "index.html").read_text(encoding="utf-8")
    assert "Compatibility" in (built_site / "en" / "index.html").read_text(encoding="utf-8")


def test_each_language_has_its_own_search_index(built_site: Path) -> None:
    """Spanish results never list English pages, nor the other way round."""
    es = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    en = json.loads((built_site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    es_titles = {doc["title"] for doc in es["docs"]}
    en_titles = {doc["title"] for doc in en["docs"]}
    assert "Compatibilidad" in es_titles and "Compatibility" not in es_titles
    assert "Compatibility" in en_titles and "Compatibilidad" not in en_titles
    assert es["config"]["lang"] == ["es"] and en["config"]["lang"] == ["en"]
    assert not any(doc["location"].startswith("en/") for doc in es["docs"])


def test_the_language_menu_points_at_the_same_page(site: Site, built_site: Path) -> None:
    """A Spanish model page's menu leads to the same model under /en/models/, and back."""
    es_page = (built_site / "modelos" / "llama-2-7b" / "index.html").resolve()
    en_page = (built_site / "en" / "models" / "llama-2-7b" / "index.html").resolve()
    assert "../../en/models/llama-2-7b/" in site.pages[es_page].hrefs
    assert "../../../modelos/llama-2-7b/" in site.pages[en_page].hrefs
    assert site.resolve(es_page, "../../en/models/llama-2-7b/") is None
    assert site.resolve(en_page, "../../../modelos/llama-2-7b/") is None


def test_old_english_urls_redirect_to_the_english_slugs(built_site: Path, catalog: Catalog) -> None:
    """/en/modelos/<id>/ (the bots' and old links) sends the reader to /en/models/<id>/, keeping the #anchor."""
    for model in catalog.models:
        html = (built_site / "en" / "modelos" / model.id / "index.html").read_text(encoding="utf-8")
        assert "location.replace('../../models/" + model.id + "/' + location.hash)" in html
        assert f'url=../../models/{model.id}/"' in html
    for old, new in [("compatibilidad", "compatibility"), ("metodo", "method"), ("semilla", "seed"),
                     ("modelos", "models")]:
        html = (built_site / "en" / old / "index.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="../{new}/">' in html


def test_404_speaks_both_languages(built_site: Path) -> None:
    """The page a static host shows for any missing path says so in Spanish and English."""
    html = (built_site / "404.html").read_text(encoding="utf-8")
    assert "Esta página no existe." in html and "This page does not exist." in html
    # Served at any missing path, so its language menu links from the site's root, not from the page.
    assert 'href="/vrambot/en/" hreflang="en"' in html


def test_pages_carry_social_preview_metadata(built_site: Path) -> None:
    """Open Graph title and description come from the page's own front matter."""
    html = (built_site / "en" / "models" / "llama-2-7b" / "index.html").read_text(encoding="utf-8")
    assert '<meta property="og:title" content="Llama 2 7B">' in html
    assert re.search(r'<meta property="og:description" content="Can your GPU run or train Llama 2 7B\?', html)
    assert '<meta property="og:locale" content="en_US">' in html


def test_the_generator_note_is_a_comment_not_page_text(built_site: Path) -> None:
    """The note survives as an HTML comment for maintainers and is never shown or indexed."""
    html = (built_site / "semilla" / "index.html").read_text(encoding="utf-8")
    assert "<!-- Generated by `vrambot site build`" in html
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Generated by" not in index and "generada por" not in index


def test_tables_sort_on_machine_values(built_site: Path) -> None:
    """Comma-formatted cells carry data-sort attributes with the dotted value."""
    html = (built_site / "modelos" / "index.html").read_text(encoding="utf-8")
    # Llama 2 7B: 6,738,415,616 parameters computed from its architecture, shown as 6,74 (billions).
    assert re.search(r'<td class="vb-num" data-sort="6\.738\d">6,74</td>', html)


def test_the_same_sources_build_the_same_bytes(tmp_path: Path, tiny_catalog: Catalog) -> None:
    """Two builds of the same catalog are identical file by file, sitemap and search index included."""
    first, second = tmp_path / "a" / "site", tmp_path / "b" / "site"
    build_site(first, tiny_catalog)
    build_site(second, tiny_catalog)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert Path("sitemap.xml.gz") in files and Path("en/search/search_index.json") in files
    different = [str(p) for p in files if (first / p).read_bytes() != (second / p).read_bytes()]
    assert different == []


def test_a_broken_link_fails_the_build(tmp_path: Path, tiny_catalog: Catalog, monkeypatch) -> None:
    """Strict means strict: a link to a page that does not exist stops the build, naming the link."""
    import bot.sitegen.build as build

    real_render = build.render

    def with_a_broken_link(catalog):
        files = real_render(catalog)
        files[Path("es/index.md")] += "\n[nowhere](no-such-page.md)\n"
        return files

    monkeypatch.setattr(build, "render", with_a_broken_link)
    with pytest.raises(build.BuildError, match=r"no-such-page\.md"):
        build_site(tmp_path / "site", tiny_catalog)
