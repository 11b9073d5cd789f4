"""Calibration benchmark: vrambot's estimate against every published measurement.

Run: `.venv/bin/python benchmarks/calibration.py` (writes benchmarks/calibration.txt too).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.estimator.calibration import comparisons  # after the path set-up above


def report() -> str:
    rows = comparisons()
    lines = [f"{'id':<24} {'metric':<10} {'measured':>9} {'estimate':>9} {'error':>8} {'band':>6}  ok"]
    for row in rows:
        m = row.measurement
        lines.append(
            f"{m.id:<24} {m.metric:<10} {m.measured_gib:>9.2f} {row.estimate_gib:>9.2f} "
            f"{row.error:>+8.1%} {m.tol:>6.0%}  {'yes' if row.within else 'NO'}"
        )
    errors = [abs(r.error) for r in rows]
    worst = max(rows, key=lambda r: abs(r.error) / r.measurement.tol)
    lines.append("")
    lines.append(f"rows: {len(rows)}, inside their band: {sum(r.within for r in rows)}")
    lines.append(f"median |error|: {statistics.median(errors):.1%}; mean |error|: {statistics.mean(errors):.1%}")
    lines.append(
        f"closest to its band: {worst.measurement.id} ({worst.error:+.1%} of a ±{worst.measurement.tol:.0%} band)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    text = report()
    print(text)
    (Path(__file__).parent / "calibration.txt").write_text(text + "\n", encoding="utf-8")
