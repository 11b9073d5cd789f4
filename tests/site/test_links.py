"""Every internal link and anchor of the built site resolves, and nothing loads from the network."""

from __future__ import annotations

from pathlib import Path

from .htmlcheck import Site


def test_every_internal_link_and_anchor_resolves(site: Site) -> None:
    """No internal href, script, stylesheet or #anchor points at something missing."""
    broken = site.broken_links()
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken[:30])


def test_nothing_is_loaded_from_the_network(site: Site) -> None:
    """Scripts, stylesheets, fonts and images are all served from the site itself (vendored)."""
    assert site.external_assets() == []


def test_checker_reports_missing_pages_and_anchors(tmp_path: Path) -> None:
    """The checker itself fails on a missing page and on a missing anchor, and passes good links."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<html><body><h2 id="here">x</h2></body></html>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<html><body><a href="a/#here">ok</a><a href="a/#gone">bad anchor</a><a href="b/">bad page</a>'
        '<a href="https://example.org/x">external</a><script src="x.js"></script></body></html>',
        encoding="utf-8",
    )
    assert Site(tmp_path).broken_links() == [
        "index.html: a/#gone (no anchor #gone)",
        "index.html: b/ (no such file)",
        "index.html: x.js (no such file)",
    ]
