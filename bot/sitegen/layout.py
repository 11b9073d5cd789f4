"""Where the site's pages live in each language, how they link to each other, and how figures are written.

The site is two MkDocs builds: Spanish at the root and English under ``/en/``, each with its own slugs
(``modelos/`` and ``models/``, ``compatibilidad/`` and ``compatibility/``) and its own search index. A
:class:`Page` names a section (and an item, for a model or GPU page); :class:`Here` turns links between
pages into paths relative to the page being written, as Markdown needs them (``../gpus/rtx-4090.md``) and
as raw HTML needs them (``../../gpus/rtx-4090/``).
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge import glossary
from knowledge.estimator.job import Task
from knowledge.i18n import Language, Messages, number

LOCALES = Path(__file__).resolve().parents[2] / "site" / "locales"
OTHER: dict[Language, Language] = {"es": "en", "en": "es"}
# Section → slug per language. "home" is the language's root; "grids" (the calculator's JSON) lives once,
# at the Spanish root, and both languages fetch it from there.
SLUGS: dict[str, dict[Language, str]] = {
    "home": {"es": "", "en": ""},
    "calculator": {"es": "calculadora", "en": "calculator"},
    "seed": {"es": "semilla", "en": "seed"},
    "models": {"es": "modelos", "en": "models"},
    "gpus": {"es": "gpus", "en": "gpus"},
    "matrix": {"es": "compatibilidad", "en": "compatibility"},
    "method": {"es": "metodo", "en": "method"},
    "charts": {"es": "graficos", "en": "charts"},
}
# Sections whose pages are one per catalog item (plus an index).
ITEM_SECTIONS = frozenset({"models", "gpus"})
_number = functools.lru_cache(maxsize=65536)(number)  # the tables repeat many figures


def page_file(section: str, lang: Language, item: str | None = None) -> str:
    """The Markdown file of a page, relative to the language's docs folder."""
    slug = SLUGS[section][lang]
    if section == "home":
        return "index.md"
    if section in ITEM_SECTIONS:
        return f"{slug}/{item}.md" if item else f"{slug}/index.md"
    return f"{slug}.md"


def page_url(section: str, lang: Language, item: str | None = None) -> str:
    """The page's URL relative to the language's root ("modelos/llama-2-7b/", "" for the home page)."""
    file = page_file(section, lang, item)
    stem = file.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def chart_file(lang: Language, name: str) -> str:
    return f"{SLUGS['charts'][lang]}/{name}.svg"


@functools.lru_cache(maxsize=65536)
def _relpath(path: str, start: str) -> str:
    return posixpath.relpath(path, start)


@dataclass(frozen=True)
class Here:
    """The page being written: links from it to other pages of its language, to the other language and to data."""

    lang: Language
    file: str  # relative to the language's docs folder

    @property
    def url(self) -> str:
        stem = self.file.removesuffix(".md")
        if stem == "index" or stem.endswith("/index"):
            return stem.removesuffix("index")
        return stem + "/"

    @property
    def _up(self) -> str:
        return "../" * self.url.count("/")

    def md(self, section: str, item: str | None = None, anchor: str = "") -> str:
        """A Markdown link target (checked by MkDocs' strict build)."""
        target = _relpath(page_file(section, self.lang, item), posixpath.dirname(self.file) or ".")
        return target + (f"#{anchor}" if anchor else "")

    def file_link(self, path: str) -> str:
        """A Markdown link to another file of this language's docs folder (a chart)."""
        return _relpath(path, posixpath.dirname(self.file) or ".")

    def href(self, section: str, item: str | None = None, anchor: str = "") -> str:
        """A URL for raw HTML (tables, the calculator): relative to this page's URL."""
        return (self._up + page_url(section, self.lang, item) or "./") + (f"#{anchor}" if anchor else "")

    def asset(self, path: str) -> str:
        """A file of this language's build (a chart), relative to this page's URL."""
        return self._up + path

    def grids(self) -> str:
        """The folder of the calculator's per-model JSON, at the Spanish root, relative to this page's URL."""
        return self._up + ("../" if self.lang == "en" else "") + "grids/"

    def alternate(self, section: str, item: str | None = None) -> str:
        """The same page in the other language (the language menu's link)."""
        other = OTHER[self.lang]
        root = self._up + ("en/" if other == "en" else "../")
        return root + page_url(section, other, item)


Context = Callable[[Language, Here], dict[str, Any]]


@dataclass(frozen=True)
class Page:
    """A generated file: Markdown from a template and a context, or an SVG drawn directly."""

    section: str
    item: str | None = None
    template: str | None = None  # may contain "{lang}" for prose written per language
    context: Context | None = None
    svg: Callable[[Language], str] | None = None
    chart: str | None = None  # the SVG's name (charts/<name>.svg)

    def file(self, lang: Language) -> str:
        return chart_file(lang, self.chart) if self.chart else page_file(self.section, lang, self.item)


class Labels:
    """The site's short labels (``site/locales/*/LC_MESSAGES/site.po``), per language."""

    def __init__(self, messages: Messages) -> None:
        self._messages = messages

    @classmethod
    @functools.cache
    def load(cls) -> Labels:
        return cls(Messages(LOCALES, "site"))

    def __call__(self, lang: Language, key: str, /, **fields: object) -> str:
        return self._messages(lang, key, **fields)

    def for_lang(self, lang: Language) -> Callable[..., str]:
        return functools.partial(self._messages, lang)


def labels(lang: Language, key: str, /, **fields: object) -> str:
    return Labels.load()(lang, key, **fields)


def num(value: float, lang: Language, digits: int = 1) -> str:
    """A number as the language writes it ("19,2" in Spanish)."""
    return _number(value, lang, digits)


def gib_digits(value_gib: float) -> int:
    return 1 if value_gib >= 1 else 2


def gib(value_gib: float, lang: Language) -> str:
    return f"{num(value_gib, lang, gib_digits(value_gib))} GiB"


def cell(value: float | None, lang: Language, digits: int = 1, missing: str = "—") -> str:
    """A Markdown table cell that shows the language's number ("19,2") and sorts on the machine value."""
    if value is None:
        return f'{missing} {{ data-sort="-1" }}'
    return f'{num(value, lang, digits)} {{ data-sort="{round(value, 4)}" }}'


def gib_cell(value_gib: float | None, lang: Language) -> str:
    return cell(value_gib, lang, 1 if value_gib is None or value_gib >= 1 else 2)


def task_name(task: Task, lang: Language) -> str:
    """A task as a column header, from the shared glossary ("Full fine-tune" / "Ajuste completo")."""
    return glossary.task_short_name(task, lang)


def precision_name(precision_id: str, lang: Language) -> str:
    """A precision's name in the page's language, from the shared glossary ("mixta (bf16 + fp32)", "Q4_K_M")."""
    return glossary.precision_name(precision_id, lang)
