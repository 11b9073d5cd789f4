"""Benchmark: how long the reference site takes to generate and build, and how big its calculator grids are.

    .venv/bin/python benchmarks/site_build.py            # the catalog as it is
    .venv/bin/python benchmarks/site_build.py --scale 3  # every model and GPU three times (a catalog 3x larger)

Runs what `vrambot site build` runs (render the sources, write the build tree, MkDocs for Spanish then
English, redirects) into a temporary folder and prints each stage's time, the page counts and the largest
calculator grid gzipped (target: the full build under 60 s, each grid at most 60 KB gzipped).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.sitegen.build import build_site  # after the path set-up above
from knowledge.estimator.catalog import Catalog, load_catalog

TARGET_S = 60.0
GRID_LIMIT_BYTES = 60 * 1024


def scaled(catalog: Catalog, factor: int) -> Catalog:
    """The catalog with every model and GPU repeated ``factor`` times under new ids (copies of real entries)."""
    models = list(catalog.models)
    gpus = list(catalog.gpus)
    for copy in range(2, factor + 1):
        models += [m.model_copy(update={"id": f"{m.id}-x{copy}", "name": f"{m.name} ×{copy}", "aliases": ()})
                   for m in catalog.models]
        gpus += [g.model_copy(update={"id": f"{g.id}-x{copy}", "name": f"{g.name} ×{copy}", "aliases": ()})
                 for g in catalog.gpus]
    return Catalog(models, gpus, catalog.seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="repeat every model and GPU this many times")
    args = parser.parse_args(argv)
    catalog = scaled(load_catalog(), args.scale)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        started = time.perf_counter()
        timings = build_site(out, catalog)
        total_s = time.perf_counter() - started
        pages = sorted(out.rglob("index.html"))
        english = [p for p in pages if p.relative_to(out).parts[0] == "en"]
        size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
        grids = sorted(out.glob("grids/*.json"))
        gzipped = max((len(gzip.compress(p.read_bytes())), p.name) for p in grids)
    print(f"catalog: {len(catalog.models)} models, {len(catalog.gpus)} GPUs, {len(catalog.seed)} seed rows")
    print(f"generated files: {timings.files}; render {timings.render_s:.1f} s, write {timings.write_s:.1f} s")
    for lang, seconds in timings.mkdocs_s.items():
        print(f"mkdocs build --strict ({lang}): {seconds:.1f} s")
    print(f"total: {total_s:.1f} s (target < {TARGET_S:.0f} s: {'met' if total_s < TARGET_S else 'MISSED'})")
    print(f"HTML pages: {len(pages)} ({len(pages) - len(english)} Spanish, {len(english)} English); {size_mb:.1f} MB")
    print(f"largest grid: {gzipped[1]}, {gzipped[0] / 1024:.1f} KB gzipped (limit {GRID_LIMIT_BYTES // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
