"""The built site in headless Chromium (Debian's package), served on 127.0.0.1: what a reader sees and clicks.

Search in both languages, the calculator against the estimator, the language menu, tables that fit a 1366 px
screen, verdict colours in light and dark schemes, and the chart on a phone.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.estimator.catalog import Catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Job
from knowledge.estimator.verdicts import assess

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
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


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


def _open(browser, site_url: str, viewport: dict[str, int] = LAPTOP, scheme: str = "light") -> Iterator[object]:
    context = browser.new_context(viewport=viewport, base_url=site_url, color_scheme=scheme)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def page(browser, site_url: str) -> Iterator[object]:
    yield from _open(browser, site_url)


@pytest.fixture
def phone(browser, site_url: str) -> Iterator[object]:
    yield from _open(browser, site_url, PHONE)


@pytest.fixture
def dark(browser, site_url: str) -> Iterator[object]:
    yield from _open(browser, site_url, scheme="dark")


def _search(page, home: str, query: str) -> list[str]:
    page.goto(home)
    page.keyboard.press("s")
    page.locator("input.md-search__input").press_sequentially(query, delay=30)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    last = query.split()[-1].lower()  # results update as one types: wait for those of the whole query
    page.wait_for_function(
        "last => [...document.querySelectorAll('.md-search-result__item > a')].some("
        "a => (new URL(a.href).searchParams.get('h') || '').split(' ').includes(last))",
        arg=last,
        timeout=15_000,
    )
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.pathname)")


@pytest.mark.parametrize(
    ("home", "query", "first"),
    [
        ("/", "RTX 4060", "/gpus/rtx-4060/"),
        ("/", "4060", "/gpus/rtx-4060/"),
        ("/", "llama 3 8b", "/modelos/llama-3-8b/"),
        ("/", "codellama", "/modelos/codellama-"),
        ("/en/", "RTX 4060", "/en/gpus/rtx-4060/"),
        ("/en/", "llama 3 8b", "/en/models/llama-3-8b/"),
        ("/en/", "A100", "/en/gpus/a100-"),
    ],
)
def test_search_finds_the_page_first_in_the_pages_language(page, home: str, query: str, first: str) -> None:
    """Each language searches its own index; a GPU or model name puts its page at the top."""
    results = _search(page, home, query)
    assert results[0].startswith(first), results[:4]
    english = [r for r in results if r.startswith("/en/")]
    assert english == (results if home == "/en/" else [])


@pytest.mark.parametrize(("home", "section"), [("/", "/semilla/"), ("/en/", "/en/seed/")])
def test_searching_qlora_leads_to_pages_about_it(page, home: str, section: str) -> None:
    """"qlora" finds pages that discuss QLoRA, in the page's language, the reviewed seed among the first."""
    results = _search(page, home, "qlora")
    assert any(r.startswith(section) for r in results[:5]), results[:5]


def _calculator(page) -> object:
    calc = page.locator(".vb-calc")
    calc.locator("select[name=task]").wait_for()
    return calc


def test_the_calculator_gives_the_estimators_verdict_and_change(page, catalog: Catalog) -> None:
    """Llama 2 7B in FP16 on an RTX 4060: the page shows the estimator's figure and the bot's cheapest change."""
    model, gpu = catalog.model("llama-2-7b"), catalog.gpu("rtx-4060")
    fit = assess(Job(model=model, precision="fp16", gpu=gpu))
    assert fit.verdict == "with_changes" and fit.change is not None
    page.goto("/calculadora/")
    calc = _calculator(page)
    calc.locator("select[name=model]").select_option("llama-2-7b")
    calc.locator("select[name=machine]").select_option("rtx-4060")
    calc.locator("select[name=task]").select_option("inference")
    calc.locator("select[name=setup]").select_option("fp16")
    calc.locator("select[name=context]").select_option("4096")
    verdict = calc.locator(".vb-calc-verdict")
    assert verdict.get_attribute("data-verdict") == "changes"
    shown = f"{fit.estimate.per_gpu_gib:.1f}".replace(".", ",")
    usable = f"{round(gpu.usable_memory_gib, 1):g}".replace(".", ",")  # the card's memory less what it reserves
    assert calc.locator(".vb-calc-figure").inner_text().startswith(f"{shown} GiB de {usable} GiB")
    change = calc.locator(".vb-calc-change").inner_text()
    assert change.startswith(f"Cambio más barato: {fit.change.job.precision.upper()},"), change
    assert "--precision fp16 --context 4096 --batch 1" in calc.locator("pre code").inner_text()


def test_the_calculator_compares_a_typed_memory_size(page, catalog: Catalog) -> None:
    """With "another memory size" of 17 GiB, Llama 2 7B FP16 (about 16.1 GiB) fits; with 12 it does not."""
    total = estimate(Job(model=catalog.model("llama-2-7b"), precision="fp16")).per_gpu_gib
    assert 12 < total <= 17
    page.goto("/en/models/llama-2-7b/")
    calc = _calculator(page)
    calc.locator("select[name=machine]").select_option("other")
    memory = calc.locator("input[name=memory]")
    memory.fill("17")
    memory.dispatch_event("input")
    assert calc.locator(".vb-calc-verdict").get_attribute("data-verdict") == "yes"
    memory.fill("12")
    memory.dispatch_event("input")
    assert calc.locator(".vb-calc-verdict").get_attribute("data-verdict") == "changes"
    assert calc.locator(".vb-calc-verdict").inner_text() == "≈ Fits with a change"


def test_the_language_menu_keeps_the_page(page) -> None:
    """The menu takes a Spanish model page to the same model under /en/models/, and back."""
    page.goto("/modelos/llama-2-7b/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang='en']").click()
    page.wait_for_url("**/en/models/llama-2-7b/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2", has_text="Where it runs").count() == 1
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang='es']").click()
    page.wait_for_url("**/modelos/llama-2-7b/")
    assert page.locator("h2", has_text="Dónde corre").count() == 1


@pytest.mark.parametrize(
    "path",
    ["/semilla/", "/en/seed/", "/modelos/", "/en/models/", "/compatibilidad/", "/modelos/llama-3.1-70b/",
     "/en/gpus/rtx-4090/", "/metodo/"],
)
def test_tables_fit_a_1366_pixel_screen(page, path: str) -> None:
    """No table scrolls sideways at 1366×900: every column, the seed's verdict included, is in view."""
    page.goto(path)
    sizes = page.eval_on_selector_all(
        "article .vb-table:not([hidden])",
        "boxes => boxes.filter(b => b.offsetParent).map(b => [b.className, b.scrollWidth, b.clientWidth])",
    )
    assert sizes
    assert [s for s in sizes if s[1] > s[2] + 1] == []


def test_big_tables_keep_their_header_in_view(page) -> None:
    """Scrolling the model table keeps its header row at the top of the table's box."""
    page.goto("/modelos/")
    box = page.locator(".vb-table").first
    box.evaluate("b => { b.scrollTop = 400; }")
    header = page.locator(".vb-table thead th").first
    assert abs(header.bounding_box()["y"] - box.bounding_box()["y"]) < 3


def _colours(page) -> dict[str, str]:
    page.goto("/compatibilidad/")
    return page.evaluate(
        """() => Object.fromEntries(['vb-yes', 'vb-changes', 'vb-no'].map(c => {
             const cell = document.querySelector('.vb-matrix td.' + c);
             return [c, cell ? getComputedStyle(cell).backgroundColor + '|' + cell.textContent.trim() : null];
           }))"""
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_matrix_verdicts_differ_in_colour_and_symbol(page, dark, scheme: str) -> None:
    """Yes, with changes and no have three different backgrounds in each scheme, and their own symbols."""
    found = _colours(page if scheme == "light" else dark)
    assert all(found.values()), found
    backgrounds = {v.split("|")[0] for v in found.values()}
    assert len(backgrounds) == 3 and "rgba(0, 0, 0, 0)" not in backgrounds
    assert [v.split("|")[1] for v in found.values()] == ["✔", "≈", "✘"]


def test_the_chart_is_readable_on_a_phone(phone) -> None:
    """At 390 px the narrow chart replaces the wide one, its tick labels at least 11 px high, axis in GiB."""
    phone.goto("/modelos/mistral-7b-v0.1/")
    assert not phone.locator("figure.vb-chart svg.vb-wide").is_visible()
    narrow = phone.locator("figure.vb-chart svg.vb-narrow")
    assert narrow.is_visible()
    sizes = narrow.evaluate(
        "svg => [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect().height)"
    )
    assert min(sizes) >= 11
    assert narrow.locator("polyline").count() == 3
    guides = narrow.evaluate("svg => [...svg.querySelectorAll('.vb-guide text')].map(t => t.textContent)")
    assert guides and all(re.fullmatch(r"\d+ GiB", g) for g in guides)


def test_opening_a_model_chart(page) -> None:
    """On a laptop the wide chart shows, and the link opens the SVG on its own."""
    page.goto("/modelos/mistral-7b-v0.1/")
    inline = page.locator("figure.vb-chart svg.vb-wide")
    assert inline.is_visible()
    assert inline.bounding_box()["width"] > 400
    page.locator("a.vb-chart-open").click()
    page.wait_for_url("**/graficos/mistral-7b-v0.1.svg")
    assert page.locator("svg polyline").count() == 3
    assert "Mistral 7B v0.1" in page.locator("svg > text").first.text_content()


def test_sorting_the_model_table_by_a_number_column(page) -> None:
    """Clicking "FP16" orders rows by value (17,3 < 19,2 < 169,4), not by text; again reverses."""
    page.goto("/modelos/")
    header = page.locator("article table th", has_text=re.compile(r"^FP16$"))
    index = int(header.evaluate("th => th.cellIndex"))

    def column() -> list[float]:
        return [
            float(v)
            for v in page.eval_on_selector_all(
                "article table tbody tr", f"rows => rows.map(r => r.children[{index}].getAttribute('data-sort'))"
            )
        ]

    header.click()
    first = column()
    assert first == sorted(first) or first == sorted(first, reverse=True)
    header.click()
    assert column() == list(reversed(first)) != first


def test_on_a_phone_the_seed_review_shows_each_verdict_first(phone) -> None:
    """At 390 px each seed row is a card that opens with vrambot's verdict, above the seed's own cells."""
    phone.goto("/semilla/")
    row = phone.locator(".vb-seed tbody tr").first
    verdict = row.locator("td.vb-verdict").bounding_box()
    seed_model = row.locator("td").first.bounding_box()
    assert verdict["y"] < seed_model["y"]
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
