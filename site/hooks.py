"""MkDocs hook that `vrambot site serve` adds (never mkdocs.yml): regenerate the build tree before each rebuild.

With ``watch`` on the catalog, the templates, the labels and the assets, an edit to any of them rebuilds and
live-reloads the browser. The generator runs in a fresh process so that it reads the edited files (the catalog
and labels are cached per process); it writes only files whose bytes changed, so the rebuild it causes settles.
"""

import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def on_pre_build(config: Any, **kwargs: Any) -> None:
    subprocess.run([sys.executable, "-m", "bot.sitegen.publish"], cwd=ROOT, check=True)
