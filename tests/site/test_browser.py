"""The built site in headless Chromium (Debian's package), served on 127.0.0.1: what a reader clicks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or CHROMIUM)
    if not executable.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it for CI")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, site_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=site_url)
    opened = context.new_page()
    yield opened
    context.close()


def _column(page, index: int) -> list[float]:
    return [
        float(value)
        for value in page.eval_on_selector_all(
            "article table tbody tr",
            f"rows => rows.map(r => r.children[{index}].getAttribute('data-sort'))",
        )
    ]


def test_sorting_the_model_table_by_a_number_column(page) -> None:
    """Clicking "FP16 (GiB)" orders rows by value (17,3 < 19,2 < 169,4), not by text; again reverses."""
    page.goto("/modelos/")
    header = page.locator("article table th", has_text="FP16 (GiB)")
    index = int(header.evaluate("th => th.cellIndex"))
    header.click()
    first = _column(page, index)
    assert first == sorted(first) or first == sorted(first, reverse=True)
    header.click()
    second = _column(page, index)
    assert second == list(reversed(first))
    assert second != first


def test_switching_language_keeps_the_page(page) -> None:
    """The language menu takes a Spanish model page to the same model in English."""
    page.goto("/modelos/llama-2-7b/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang='en']").click()
    page.wait_for_url("**/en/modelos/llama-2-7b/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2", has_text="Memory by precision").count() == 1


def test_searching_a100_reaches_its_page(page) -> None:
    """Typing "A100" in search lists the A100 and a result opens its GPU page."""
    page.goto("/")
    page.keyboard.press("s")
    page.locator("input.md-search__input").press_sequentially("A100", delay=40)
    result = page.locator(".md-search-result__item a", has_text="A100").first
    result.wait_for(timeout=15_000)
    result.click()
    page.wait_for_url("**/gpus/a100-*/**")
    assert "A100" in page.locator("article h1").inner_text()


def test_opening_a_model_chart(page) -> None:
    """A model page shows its memory-vs-context chart inline, and the link opens the SVG on its own."""
    page.goto("/modelos/mistral-7b-v0.1/")
    inline = page.locator("figure.vb-chart svg")
    assert inline.is_visible()
    assert inline.bounding_box()["width"] > 400
    assert inline.locator("polyline").count() == 3
    page.locator("a.vb-chart-open").click()
    page.wait_for_url("**/graficos/mistral-7b-v0.1.svg")
    assert page.locator("svg polyline").count() == 3
    assert "Mistral 7B v0.1" in page.locator("svg > text").first.text_content()
