"""Benchmark: how long the reference site takes to generate and build, and how many pages it has.

    .venv/bin/python benchmarks/site_build.py

Renders every page (`bot.sitegen.publish.render`), then runs the same strict `mkdocs build` as
`vrambot site build` into a temporary folder (the committed pages, so the working tree is not touched),
and prints the timings and the page counts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.sitegen import publish  # after the path set-up above
from knowledge.estimator.catalog import load_catalog


def main() -> int:
    catalog = load_catalog()
    started = time.perf_counter()
    files = publish.render()
    render_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "-q",
                "-f",
                str(publish.ROOT / "mkdocs.yml"),
                "-d",
                str(out),
            ],
            cwd=publish.ROOT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            check=True,
        )
        build_s = time.perf_counter() - started
        pages = sorted(out.rglob("index.html"))
        english = [p for p in pages if p.relative_to(out).parts[0] == "en"]
        size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    print(f"catalog: {len(catalog.models)} models, {len(catalog.gpus)} GPUs, {len(catalog.seed)} seed rows")
    print(
        f"generated files: {len(files)} ({sum(p.suffix == '.md' for p in files)} Markdown, "
        f"{sum(p.suffix == '.svg' for p in files)} SVG)"
    )
    print(f"render (python -m bot.sitegen.publish): {render_s:.1f} s")
    print(f"mkdocs build --strict: {build_s:.1f} s")
    print(f"HTML pages: {len(pages)} ({len(pages) - len(english)} Spanish, {len(english)} English); {size_mb:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
