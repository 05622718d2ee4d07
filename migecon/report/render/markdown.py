"""Markdown (GitHub) and CSV renderers."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migecon.report.tables import TableModel

__all__ = ["render_csv", "render_markdown"]


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|").replace("*", "\\*")


def render_markdown(table: TableModel) -> str:
    """A GitHub-flavoured Markdown table with notes below it."""
    header = table.header_rows()
    lines = []
    if table.title:
        lines += [f"**{table.title}**", ""]
    lines.append("| " + " | ".join(header[0]) + " |")
    lines.append("|" + "|".join([":---", *[":---:"] * len(table.columns)]) + "|")
    lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in header[1:]]
    lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in table.body_rows()]
    lines.append("")
    lines += [f"{_escape(n)}  " for n in table.notes]
    return "\n".join(lines).rstrip()


def render_csv(table: TableModel) -> str:
    """CSV: header rows, body rows, then notes in the first column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in [*table.header_rows(), *table.body_rows()]:
        writer.writerow(row)
    for note in table.notes:
        writer.writerow([note])
    return buffer.getvalue().rstrip("\n")
