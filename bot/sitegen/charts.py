"""SVG charts for the reference site, as strings: no plotting library, no fonts, no scripts.

Everything is drawn in ``currentColor`` (axes, text, the y = x line), so a chart inlined in a page follows
Material's light and dark palettes; data series use mid-tone colours readable on both backgrounds, each with
its own dash pattern and marker so that colour is never the only cue. A ``standalone`` chart (a file opened on
its own) carries a small style block that picks the text colour from ``prefers-color-scheme``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE: tuple[str, ...] = ("#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#a855f7", "#14b8a6")
DASHES: tuple[str, ...] = ("", "6 4", "2 3", "10 3 2 3", "1 5", "8 6")
_STANDALONE_STYLE = (
    "<style>svg{color:#1f2328;background:#ffffff}"
    "@media (prefers-color-scheme: dark){svg{color:#e6edf3;background:#1e2129}}</style>"
)
Formatter = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    """One line of a chart: a label and its (x, y) points in drawing order."""

    label: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Guide:
    """A labelled horizontal reference line (a GPU's memory, for instance)."""

    label: str
    y: float


@dataclass(frozen=True)
class _Frame:
    width: int = 720
    height: int = 400
    left: int = 64
    right: int = 190
    top: int = 36
    bottom: int = 52
    font: int = 12
    legend_below: bool = False  # the narrow (phone) variant puts the legend under the plot

    @property
    def plot_w(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> int:
        return self.height - self.top - self.bottom


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 × 10^n steps) covering ``[low, high]``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg_open(frame: _Frame, title: str, desc: str, standalone: bool, css: str = "vb-svg") -> list[str]:
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'role="img" class="{css}" font-family="system-ui, sans-serif" font-size="{frame.font}" '
        'fill="currentColor">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
    ]
    if standalone:
        head.append(_STANDALONE_STYLE)
    if frame.legend_below:  # the narrow variant: the page's caption carries the title
        return head
    head.append(f'<text x="{frame.left}" y="20" font-size="14" font-weight="600">{escape(title)}</text>')
    return head


def _axes(
    frame: _Frame,
    x_ticks: Sequence[tuple[float, str]],
    y_ticks: Sequence[tuple[float, str]],
    x_label: str,
    y_label: str,
) -> list[str]:
    """Grid, tick labels and axis titles; tick positions are already in pixels."""
    parts = ['<g class="vb-grid" stroke="currentColor" stroke-opacity="0.18" stroke-width="1">']
    for y, _ in y_ticks:
        parts.append(f'<line x1="{frame.left}" x2="{frame.left + frame.plot_w}" y1="{_fmt(y)}" y2="{_fmt(y)}"/>')
    for x, _ in x_ticks:
        parts.append(f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{frame.top}" y2="{frame.top + frame.plot_h}"/>')
    parts.append("</g>")
    bottom = frame.top + frame.plot_h
    parts.append(
        f'<path d="M{frame.left} {frame.top}V{bottom}H{frame.left + frame.plot_w}" '
        'stroke="currentColor" fill="none" stroke-width="1.2"/>'
    )
    for x, text in x_ticks:
        parts.append(f'<text x="{_fmt(x)}" y="{bottom + 16}" text-anchor="middle">{escape(text)}</text>')
    for y, text in y_ticks:
        parts.append(f'<text x="{frame.left - 6}" y="{_fmt(y + 4)}" text-anchor="end">{escape(text)}</text>')
    parts.append(
        f'<text x="{frame.left + frame.plot_w / 2:.0f}" y="{frame.top + frame.plot_h + 36}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text transform="translate(16 {frame.top + frame.plot_h / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    return parts


def _marker(index: int, x: float, y: float, color: str) -> str:
    if index % 3 == 1:
        return f'<rect x="{_fmt(x - 3)}" y="{_fmt(y - 3)}" width="6" height="6" fill="{color}"/>'
    if index % 3 == 2:
        return f'<path d="M{_fmt(x)} {_fmt(y - 4)}L{_fmt(x + 4)} {_fmt(y + 3)}H{_fmt(x - 4)}Z" fill="{color}"/>'
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3" fill="{color}"/>'


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    x_format: Formatter,
    y_format: Formatter,
    log2_x: bool = False,
    guides: Sequence[Guide] = (),
    standalone: bool = False,
    narrow: bool = False,
) -> str:
    """A line chart with a legend on the right; ``log2_x`` spaces x by powers of two (context lengths).

    ``narrow`` draws the phone variant: a 360-unit-wide canvas with 14-unit type (about 13 px on a 390 px
    screen, where the wide chart's 12-unit type would shrink to 6 px) and the legend under the plot.
    """
    if not series or not any(s.points for s in series):
        raise ValueError("a chart needs at least one series with points")
    frame = (
        _Frame(width=360, height=300 + 22 * len(series), left=48, right=14, top=14, bottom=62 + 22 * len(series),
               font=14, legend_below=True)
        if narrow
        else _Frame()
    )
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points] + [g.y for g in guides]

    def tx(value: float) -> float:
        return math.log2(value) if log2_x else value

    x_low, x_high = tx(min(xs)), tx(max(xs))
    if x_high == x_low:
        x_high = x_low + 1
    y_ticks_values = nice_ticks(0.0, max(ys) * 1.05)
    y_high = y_ticks_values[-1]

    def px(value: float) -> float:
        return frame.left + (tx(value) - x_low) / (x_high - x_low) * frame.plot_w

    def py(value: float) -> float:
        return frame.top + frame.plot_h - value / y_high * frame.plot_h

    if log2_x:
        x_values = [2.0**e for e in range(math.ceil(x_low), math.floor(x_high) + 1)]
        step = max(1, math.ceil(len(x_values) / (4 if narrow else 8)))
        x_values = x_values[::step]
    else:
        x_values = [v for v in nice_ticks(min(xs), max(xs)) if min(xs) <= v <= max(xs)]
    parts = _svg_open(frame, title, desc, standalone, "vb-svg vb-narrow" if narrow else "vb-svg vb-wide")
    parts += _axes(
        frame,
        [(px(v), x_format(v)) for v in x_values],
        [(py(v), y_format(v)) for v in y_ticks_values],
        x_label,
        y_label,
    )
    for guide in guides:
        y = py(guide.y)
        parts.append(
            f'<g class="vb-guide"><line x1="{frame.left}" x2="{frame.left + frame.plot_w}" y1="{_fmt(y)}" '
            f'y2="{_fmt(y)}" stroke="currentColor" stroke-opacity="0.5" stroke-dasharray="3 3"/>'
            f'<text x="{frame.left + 4}" y="{_fmt(y - 3)}" font-size="{frame.font - 2}" fill-opacity="0.8">'
            f"{escape(guide.label)}</text></g>"
        )
    for index, line in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        coords = " ".join(f"{_fmt(px(x))},{_fmt(py(y))}" for x, y in line.points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="vb-series" data-label="{escape(line.label)}">')
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2.2"{dash_attr}/>')
        parts += [_marker(index, px(x), py(y), color) for x, y in line.points]
        if frame.legend_below:
            legend_y = frame.top + frame.plot_h + 60 + index * 22
            legend_x = frame.left
        else:
            legend_y = frame.top + 8 + index * 20
            legend_x = frame.left + frame.plot_w + 14
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="{legend_y}" y2="{legend_y}" stroke="{color}" '
            f'stroke-width="2.2"{dash_attr}/>'
        )
        parts.append(_marker(index, legend_x + 11, legend_y, color))
        parts.append(f'<text x="{legend_x + 28}" y="{legend_y + 4}">{escape(line.label)}</text></g>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


@dataclass(frozen=True)
class Point:
    """One labelled (x, y) point of a scatter chart."""

    label: str
    x: float
    y: float
    ok: bool = True  # drawn filled when inside its tolerance, hollow when not


def scatter_chart(
    points: Sequence[Point],
    *,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    value_format: Formatter,
    standalone: bool = False,
) -> str:
    """Estimate (y) against measurement (x) on log-log axes, with the y = x line where they agree."""
    if not points:
        raise ValueError("a scatter chart needs at least one point")
    frame = _Frame(right=40)
    values = [v for p in points for v in (p.x, p.y) if v > 0]
    low = 2.0 ** math.floor(math.log2(min(values)))
    high = 2.0 ** math.ceil(math.log2(max(values)))
    if high <= low:
        high = low * 2
    span = math.log2(high) - math.log2(low)

    def px(value: float) -> float:
        return frame.left + (math.log2(max(value, low)) - math.log2(low)) / span * frame.plot_w

    def py(value: float) -> float:
        return frame.top + frame.plot_h - (math.log2(max(value, low)) - math.log2(low)) / span * frame.plot_h

    exponents = range(round(math.log2(low)), round(math.log2(high)) + 1)
    step = max(1, math.ceil(len(exponents) / 8))
    ticks = [2.0**e for e in exponents][::step]
    parts = _svg_open(frame, title, desc, standalone)
    parts += _axes(
        frame,
        [(px(v), value_format(v)) for v in ticks],
        [(py(v), value_format(v)) for v in ticks],
        x_label,
        y_label,
    )
    parts.append(
        f'<line class="vb-diagonal" x1="{_fmt(px(low))}" y1="{_fmt(py(low))}" x2="{_fmt(px(high))}" '
        f'y2="{_fmt(py(high))}" stroke="currentColor" stroke-opacity="0.6" stroke-dasharray="5 4"/>'
    )
    for point in points:
        color = PALETTE[0] if point.ok else PALETTE[3]
        fill = color if point.ok else "none"
        parts.append(
            f'<circle class="vb-point" cx="{_fmt(px(point.x))}" cy="{_fmt(py(point.y))}" r="4" '
            f'fill="{fill}" stroke="{color}" stroke-width="1.5"><title>{escape(point.label)}</title></circle>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
