"""SVG charts: valid XML, one line per series, drawn in currentColor so they follow light and dark mode."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bot.sitegen import charts

SVG = "{http://www.w3.org/2000/svg}"


def _line_chart(standalone: bool = False) -> str:
    return charts.line_chart(
        [
            charts.Series("FP16", ((512, 13.0), (1024, 13.5), (4096, 16.1))),
            charts.Series("Q4_K_M", ((512, 4.2), (1024, 4.6), (4096, 6.3))),
        ],
        title="Llama 2 7B <memoria>",
        desc="desc",
        x_label="Contexto",
        y_label="GiB",
        x_format=lambda v: f"{v / 1024:g}k",
        y_format=lambda v: f"{v:g}",
        log2_x=True,
        guides=[charts.Guide("8 GB", 8)],
        standalone=standalone,
    )


def test_line_chart_is_valid_svg_with_a_line_and_legend_per_series() -> None:
    """Each series is one polyline with its own legend label; the title is escaped."""
    root = ET.fromstring(_line_chart())
    assert root.tag == f"{SVG}svg"
    assert [g.get("data-label") for g in root.iter(f"{SVG}g") if g.get("data-label")] == ["FP16", "Q4_K_M"]
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert root.find(f"{SVG}title").text == "Llama 2 7B <memoria>"


def test_line_chart_text_and_axes_follow_the_page_colour() -> None:
    """Text and axes use currentColor, and an inline chart sets no background of its own."""
    svg = _line_chart()
    root = ET.fromstring(svg)
    assert root.get("fill") == "currentColor"
    assert "background" not in svg and "<style>" not in svg
    assert 'stroke="currentColor"' in svg


def test_standalone_chart_picks_colours_from_the_colour_scheme() -> None:
    """A chart opened on its own carries a prefers-color-scheme style for dark mode."""
    svg = _line_chart(standalone=True)
    assert "prefers-color-scheme: dark" in svg
    ET.fromstring(svg)


def test_log_axis_places_powers_of_two_evenly() -> None:
    """On a log2 x axis, 512 → 1k and 1k → 2k ... are the same distance apart."""
    root = ET.fromstring(_line_chart())
    points = next(root.iter(f"{SVG}polyline")).get("points").split()
    xs = [float(p.split(",")[0]) for p in points]
    assert xs[1] - xs[0] == pytest.approx((xs[2] - xs[1]) / 2, abs=0.2)


def test_line_chart_guide_below_the_data_is_drawn_and_labelled() -> None:
    """A GPU-size guide line is drawn with its label."""
    svg = _line_chart()
    assert 'class="vb-guide"' in svg and "8 GB" in svg


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        pytest.param(0, 16.9, [0, 5, 10, 15, 20], id="gib-range"),
        pytest.param(0, 1.2, [0, 0.25, 0.5, 0.75, 1.0, 1.25], id="small-values"),
        pytest.param(0, 700, [0, 200, 400, 600, 800], id="hundreds"),
    ],
)
def test_nice_ticks_are_round_and_cover_the_range(low: float, high: float, expected: list[float]) -> None:
    """Ticks step by 1, 2, 2.5 or 5 × 10^n and reach past the top value."""
    assert charts.nice_ticks(low, high) == expected


def test_scatter_chart_has_a_point_per_measurement_and_the_agreement_line() -> None:
    """Each measurement is a circle (hollow when outside its tolerance) and y = x is drawn."""
    svg = charts.scatter_chart(
        [charts.Point("a", 4.0, 4.1), charts.Point("b", 13.0, 16.0, ok=False)],
        title="t",
        desc="d",
        x_label="x",
        y_label="y",
        value_format=lambda v: f"{v:g}",
    )
    root = ET.fromstring(svg)
    circles = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "vb-point"]
    assert [c.get("fill") for c in circles] == [charts.PALETTE[0], "none"]
    assert 'class="vb-diagonal"' in svg


def test_charts_refuse_to_draw_nothing() -> None:
    """An empty chart is a programming error, reported clearly."""
    with pytest.raises(ValueError, match="at least one"):
        charts.line_chart(
            [],
            title="t",
            desc="d",
            x_label="x",
            y_label="y",
            x_format=str,
            y_format=str,
        )
    with pytest.raises(ValueError, match="at least one"):
        charts.scatter_chart([], title="t", desc="d", x_label="x", y_label="y", value_format=str)


def test_narrow_chart_is_drawn_for_a_phone() -> None:
    """The phone variant is 360 units wide with 14-unit type and the legend under the plot (no title inside)."""
    svg = charts.line_chart(
        [charts.Series("FP16", ((512, 13.0), (4096, 16.1))), charts.Series("Q4_K_M", ((512, 4.2), (4096, 6.3)))],
        title="t",
        desc="d",
        x_label="x",
        y_label="GiB",
        x_format=lambda v: f"{v:g}",
        y_format=lambda v: f"{v:g}",
        log2_x=True,
        narrow=True,
    )
    root = ET.fromstring(svg)
    assert root.get("viewBox").split()[2] == "360" and root.get("font-size") == "14"
    assert "vb-narrow" in root.get("class")
    plot_bottom = max(float(line.get("y2")) for line in root.iter(f"{SVG}line") if line.get("x1") == line.get("x2"))
    legend = [g for g in root.iter(f"{SVG}g") if g.get("data-label")]
    assert all(float(g.find(f"{SVG}text").get("y")) > plot_bottom for g in legend)
