"""MkDocs hooks that `vrambot site serve` adds (never mkdocs.yml): regenerate the build tree before each rebuild,
and put each page's heavy HTML back (:mod:`bot.sitegen.slots`), as `vrambot site build` does after MkDocs.

With ``watch`` on the catalog, the templates, the labels and the assets, an edit to any of them rebuilds and
live-reloads the browser. The generator runs in a fresh process so that it reads the edited files (the catalog
and labels are cached per process); it writes only files whose bytes changed, so the rebuild it causes settles.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.sitegen import slots  # noqa: E402  # after the path set-up above


def on_pre_build(config: Any, **kwargs: Any) -> None:
    subprocess.run([sys.executable, "-m", "bot.sitegen.publish"], cwd=ROOT, check=True)


def on_post_page(output: str, page: Any, config: Any) -> str:
    docs = Path(config["docs_dir"])
    source = docs.parent / slots.slots_file(docs.name, page.file.src_uri)
    if not source.is_file():
        return output
    return slots.fill(output, json.loads(source.read_text(encoding="utf-8")))
