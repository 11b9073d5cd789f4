"""A small checker for a built static site: every internal href and #anchor resolves to a file and an id.

Internal means relative or root-relative (no scheme); ``https:``, ``mailto:`` and the like are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class PageLinks:
    ids: set[str] = field(default_factory=set)
    hrefs: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)  # script src, stylesheet href, img src
    lang: str | None = None


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        if tag == "html":
            self.page.lang = values.get("lang")
        if tag == "a" and "href" in values:
            self.page.hrefs.append(values["href"])
        if tag in ("script", "img") and "src" in values:
            self.page.assets.append(values["src"])
        if tag == "link" and values.get("rel") in ("stylesheet", "preload", "modulepreload", "icon"):
            self.page.assets.append(values.get("href", ""))


def parse(path: Path) -> PageLinks:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.page


def is_external(href: str) -> bool:
    return bool(urlsplit(href).scheme) or href.startswith("//")


def target_file(root: Path, page: Path, href: str, base_path: str = "/") -> Path:
    """The file a link from ``page`` (under ``root``, published at ``base_path``) points to."""
    path = unquote(urlsplit(href).path)
    if not path:
        return page
    if path.startswith("/"):
        path = "/" + path.removeprefix(base_path.rstrip("/")).lstrip("/")
    base = root if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")).resolve()
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


class Site:
    """A built site on disk, parsed once."""

    def __init__(self, root: Path, base_path: str = "/") -> None:
        self.root = root.resolve()
        self.base_path = base_path  # the path part of site_url: root-relative links start with it
        self.pages = {p.resolve(): parse(p) for p in sorted(self.root.rglob("*.html"))}

    def broken_links(self) -> list[str]:
        """One line per internal link whose file or anchor does not exist."""
        problems = []
        for page, links in self.pages.items():
            for href in links.hrefs + links.assets:
                if not href or is_external(href):
                    continue
                problem = self.resolve(page, href)
                if problem:
                    problems.append(f"{page.relative_to(self.root)}: {href} ({problem})")
        return problems

    def resolve(self, page: Path, href: str) -> str | None:
        """None if ``href`` from ``page`` resolves, else why not."""
        target = target_file(self.root, page, href, self.base_path)
        if not target.is_file():
            return "no such file"
        fragment = unquote(urlsplit(href).fragment)
        if fragment and target.suffix == ".html":
            ids = self.pages[target].ids if target in self.pages else parse(target).ids
            if fragment not in ids:
                return f"no anchor #{fragment}"
        return None

    def external_assets(self) -> list[str]:
        """Scripts, stylesheets and images a page would load from the network."""
        return [
            f"{page.relative_to(self.root)}: {src}"
            for page, links in self.pages.items()
            for src in links.assets
            if is_external(src) and not src.startswith("data:")
        ]
