"""MkDocs hook that `vrambot site serve` adds (never mkdocs.yml): regenerate the pages before each rebuild.

With ``watch`` on the catalog, the templates and the labels, an edit to any of them rebuilds and live-reloads
the browser. ``write_all`` writes only files whose text changed, so the rebuild it causes settles at once.
"""

from typing import Any

from knowledge.publish import write_all


def on_pre_build(config: Any, **kwargs: Any) -> None:
    write_all()
