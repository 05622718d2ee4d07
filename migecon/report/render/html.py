"""HTML renderer: a standalone page or a ``<table>`` fragment."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migecon.report.tables import TableModel

__all__ = ["render_html"]

_STYLE = """
table.migecon { border-collapse: collapse; font-family: "Source Serif Pro", Georgia, serif;
  font-size: 14px; margin: 1em auto; }
table.migecon caption { font-weight: bold; padding-bottom: 0.4em; }
table.migecon th, table.migecon td { padding: 2px 12px; text-align: center; }
table.migecon td:first-child, table.migecon th:first-child { text-align: left; }
table.migecon thead { border-top: 2px solid #000; border-bottom: 1px solid #000; }
table.migecon tbody.stats { border-top: 1px solid #000; }
table.migecon tbody:last-of-type { border-bottom: 2px solid #000; }
table.migecon td.se { color: #444; }
table.migecon tfoot td { text-align: left; font-size: 12px; border: none; }
"""


def render_html(table: TableModel, standalone: bool = True) -> str:
    """Render the table; ``standalone`` wraps it in a minimal HTML page."""
    ncol = len(table.columns) + 1
    out = ['<table class="migecon">']
    if table.title:
        out.append(f"<caption>{escape(table.title)}</caption>")
    out.append("<thead>")
    for row in table.header_rows():
        out.append("<tr>" + "".join(f"<th>{escape(c)}</th>" for c in row) + "</tr>")
    out.append("</thead>")
    body = table.body_rows()
    out.append("<tbody>")
    for i, row in enumerate(body[: table.n_coef_rows]):
        cls = ' class="se"' if i % 2 else ""
        out.append("<tr>" + "".join(f"<td{cls if j else ''}>{escape(c)}</td>"
                                    for j, c in enumerate(row)) + "</tr>")
    out.append("</tbody>")
    out.append('<tbody class="stats">')
    for row in body[table.n_coef_rows:]:
        out.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody>")
    if table.notes:
        notes = "<br>".join(escape(n) for n in table.notes)
        out.append(f'<tfoot><tr><td colspan="{ncol}">{notes}</td></tr></tfoot>')
    out.append("</table>")
    fragment = "\n".join(out)
    if not standalone:
        return fragment
    title = escape(table.title or "Regression table")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"{fragment}\n</body>\n</html>")
