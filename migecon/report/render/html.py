"""HTML renderer: a standalone page or a ``<table>`` fragment.

The fragment carries class names only (``migecon``, ``se``, ``group``,
``stats``); the standalone page adds a journal-style stylesheet (rules above
and below the table and under the header, no vertical lines).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migecon.report.model import Cell, TableModel

__all__ = ["STYLE", "render_html"]

#: The stylesheet of the standalone page (copy it to style fragments).
STYLE = """
table.migecon { border-collapse: collapse; font-family: "Times New Roman", Georgia, serif;
  font-size: 15px; margin: 1em auto; }
table.migecon caption { font-weight: bold; padding-bottom: 0.5em; }
table.migecon th, table.migecon td { padding: 2px 14px; text-align: center;
  white-space: nowrap; }
table.migecon th:first-child, table.migecon td:first-child { text-align: left; }
table.migecon thead { border-top: 2px solid #000; border-bottom: 1px solid #000; }
table.migecon th { font-weight: normal; }
table.migecon th.rule { border-bottom: 1px solid #000; }
table.migecon tr.group td { font-style: italic; padding-top: 6px; }
table.migecon td.se { color: #333; }
table.migecon tbody.stats { border-top: 1px solid #000; }
table.migecon tbody:last-of-type { border-bottom: 2px solid #000; }
table.migecon tfoot td { text-align: left; font-size: 13px; white-space: normal;
  padding-top: 6px; }
"""


def _cell(cell: Cell) -> str:
    stars = f"<sup>{'*' * cell.stars}</sup>" if cell.stars else ""
    return escape(cell.display.rstrip("*")) + stars


def render_html(table: TableModel, standalone: bool = True) -> str:
    """Render the table; ``standalone`` wraps it in a minimal HTML page."""
    n = table.n_models
    out = ['<table class="migecon">']
    if table.title:
        out.append(f"<caption>{escape(table.title)}</caption>")
    out.append("<thead>")
    for hrow in table.header:
        cells = ["<th></th>"]
        for span in hrow.spans:
            attrs = f' colspan="{span.size}"' if span.size > 1 else ""
            attrs += ' class="rule"' if hrow.rule else ""
            cells.append(f"<th{attrs}>{escape(span.text)}</th>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</thead>")
    for section in table.sections:
        out.append("<tbody>")
        if section.label:
            out.append(f'<tr class="group"><td colspan="{n + 1}">{escape(section.label)}'
                       "</td></tr>")
        for row in section.rows:
            cls = ' class="se"' if row.kind == "uncertainty" else ""
            out.append(f"<tr><td>{escape(row.label)}</td>"
                       + "".join(f"<td{cls}>{_cell(c)}</td>" for c in row.cells) + "</tr>")
        out.append("</tbody>")
    if table.stats:
        out.append('<tbody class="stats">')
        for row in table.stats:
            out.append(f"<tr><td>{escape(row.label)}</td>"
                       + "".join(f"<td>{_cell(c)}</td>" for c in row.cells) + "</tr>")
        out.append("</tbody>")
    if table.notes:
        notes = "<br>\n".join(escape(note) for note in table.notes)
        out.append(f'<tfoot><tr><td colspan="{n + 1}">{notes}</td></tr></tfoot>')
    out.append("</table>")
    fragment = "\n".join(out)
    if not standalone:
        return fragment
    title = escape(table.title or "Regression table")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"{fragment}\n</body>\n</html>")
