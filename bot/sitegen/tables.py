"""The site's big tables as HTML, written directly (no Markdown table to parse: faster, and full control).

Every table sits in a ``div.vb-table`` that scrolls inside itself, so its header row and first column stay
in view (``position: sticky`` in ``vrambot.css``). Number cells show the language's figure and sort on the
machine value (``data-sort``, read by the vendored tablesort). A table can be left out of the search
index (``data-search-exclude``, Material's search plugin), so that search finds pages by their titles and
prose rather than by thousands of table cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from bot.sitegen import slots


@dataclass(frozen=True)
class Column:
    """A header cell: its text, whether it holds numbers (right-aligned), and an optional tooltip."""

    text: str
    numeric: bool = False
    title: str = ""


@dataclass(frozen=True)
class Cell:
    """A body cell. ``html`` is already escaped (it may hold a link); ``sort`` is the machine value."""

    html: str
    sort: float | None = None
    css: str = ""
    id: str = ""
    title: str = ""


def text(value: str, **fields: object) -> Cell:
    """A cell of plain text (escaped here)."""
    return Cell(escape(value), **fields)  # type: ignore[arg-type]  # fields are Cell's keyword arguments


def link(label: str, href: str, **fields: object) -> Cell:
    return Cell(f'<a href="{escape(href)}">{escape(label)}</a>', **fields)  # type: ignore[arg-type]  # same


def _attrs(cell: Cell) -> str:
    parts = []
    if cell.id:
        parts.append(f'id="{escape(cell.id)}"')
    if cell.css:
        parts.append(f'class="{escape(cell.css)}"')
    if cell.sort is not None:
        parts.append(f'data-sort="{round(cell.sort, 4)}"')
    if cell.title:
        parts.append(f'title="{escape(cell.title)}"')
    return (" " + " ".join(parts)) if parts else ""


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    css: str = "",
    searchable: bool = False,
    caption: str = "",
    cards: bool = False,
    inline: bool = False,
) -> str:
    """One HTML table in a sticky-header scroll box, as a single raw-HTML block (no blank line inside).

    ``cards`` labels each cell with its column (``data-label``) so that on a phone the stylesheet shows each
    row as a card, verdict first. A table that is not searchable waits outside the Markdown (:mod:`slots`)
    unless ``inline``: one whose row anchors other pages link to stays in, so that MkDocs checks those links.
    """
    classes = " ".join(["vb-table", *([css] if css else []), *(["vb-cards"] if cards else [])])
    exclude = "" if searchable else " data-search-exclude"
    out = [f'<div class="{classes}"{exclude}>', "<table>"]
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    head = "".join(f"<th{_attrs(Cell('', css='vb-num' if c.numeric else '', title=c.title))}>{escape(c.text)}</th>"
                   for c in columns)
    out.append(f"<thead><tr>{head}</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = []
        for column, cell in zip(columns, row, strict=True):
            shown = cell
            if column.numeric and "vb-num" not in cell.css:
                shown = Cell(cell.html, cell.sort, (cell.css + " vb-num").strip(), cell.id, cell.title)
            label = f' data-label="{escape(column.text)}"' if cards else ""
            cells.append(f"<td{_attrs(shown)}{label}>{cell.html}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody>")
    out.append("</table>")
    out.append("</div>")
    html = "\n".join(out) + "\n"
    return html if searchable or inline else slots.put(html)
