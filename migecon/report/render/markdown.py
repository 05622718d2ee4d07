"""Markdown (GitHub) and CSV renderers."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migecon.report.model import TableModel

__all__ = ["render_csv", "render_markdown"]


def _escape(cell: str) -> str:
    return (cell.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")
            .replace("<", "&lt;").replace(">", "&gt;"))


def render_markdown(table: TableModel) -> str:
    """A GitHub-flavoured Markdown table with the notes below it.

    Markdown has no column spans: a spanning header sits in its first column.
    Group labels are set in italics.
    """
    header = table.header_rows()
    lines = []
    if table.title:
        lines += [f"**{_escape(table.title)}**", ""]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    lines.append(line([_escape(c) for c in header[0]]))
    lines.append("|" + "|".join([":---", *[":---:"] * table.n_models]) + "|")
    lines += [line([_escape(c) for c in row]) for row in header[1:]]
    for section in table.sections:
        if section.label:
            lines.append(line([f"*{_escape(section.label)}*", *[""] * table.n_models]))
        lines += [line([_escape(r.label), *(_escape(c.display) for c in r.cells)])
                  for r in section.rows]
    lines += [line([_escape(r.label), *(_escape(c.display) for c in r.cells)])
              for r in table.stats]
    lines.append("")
    lines += [f"{_escape(n)}  " for n in table.notes]
    return "\n".join(lines).rstrip()


def render_csv(table: TableModel) -> str:
    """CSV: title, header lines, body lines (group labels included), then the notes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if table.title:
        writer.writerow([table.title])
    for row in table.grid():
        writer.writerow(row)
    for note in table.notes:
        writer.writerow([note])
    return buffer.getvalue().rstrip("\n")
