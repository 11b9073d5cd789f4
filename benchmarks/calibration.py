"""Calibration benchmark: vrambot's estimate against every published measurement, with the error per runtime.

Run: `.venv/bin/python benchmarks/calibration.py` (writes benchmarks/calibration.txt too).
Targets (issue 11): every row inside its band, median |error| <= 3 %, and no published out-of-memory run gets "yes".
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.estimator.calibration import Comparison, comparisons, skipped  # after the path set-up above


def _median(rows: list[Comparison]) -> str:
    errors = [abs(r.error) for r in rows if r.measurement.metric != "oom"]
    return f"{statistics.median(errors):.1%}" if errors else "-"


def report() -> str:
    rows = comparisons()
    lines = [f"{'id':<36} {'runtime':<12} {'metric':<9} {'measured':>9} {'estimate':>9} {'error':>8} {'band':>5}  ok"]
    for row in rows:
        m = row.measurement
        ok = "yes" if row.within else "NO"
        if m.metric == "oom":
            ok += f" (verdict yes: {row.verdict_yes})"
        lines.append(
            f"{m.id:<36} {row.runtime:<12} {m.metric:<9} {m.measured_gib:>9.2f} {row.estimate_gib:>9.2f} "
            f"{row.error:>+8.1%} {m.tol:>5.0%}  {ok}"
        )
    lines += ["", f"{'runtime':<12} {'rows':>5} {'inside':>7} {'median |error|':>15}"]
    for runtime in dict.fromkeys(r.runtime for r in rows):
        mine = [r for r in rows if r.runtime == runtime]
        lines.append(f"{runtime:<12} {len(mine):>5} {sum(r.within for r in mine):>7} {_median(mine):>15}")
    fitted = [r for r in rows if r.measurement.metric != "oom"]
    worst = max(fitted, key=lambda r: abs(r.error) / r.measurement.tol)
    oom = [r for r in rows if r.measurement.metric == "oom"]
    lines += [
        "",
        f"rows: {len(rows)}, inside their band: {sum(r.within for r in rows)}",
        f"median |error|: {_median(rows)}; mean |error|: {statistics.mean(abs(r.error) for r in fitted):.1%}",
        f"out-of-memory runs answered yes: {sum(bool(r.verdict_yes) for r in oom)} of {len(oom)}",
        f"furthest from its band: {worst.measurement.id} ({worst.error:+.1%} of a ±{worst.measurement.tol:.0%} band)",
        "not compared (model not in the catalog): " + (", ".join(m.id for m in skipped()) or "none"),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    text = report()
    print(text)
    (Path(__file__).parent / "calibration.txt").write_text(text + "\n", encoding="utf-8")
