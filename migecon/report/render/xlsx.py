"""Excel renderer (openpyxl): a formatted worksheet holding real numbers.

Coefficients, uncertainty and statistics are stored as unrounded numbers; a
number format prints the digits, the stars and the brackets (``0.000"**"``,
``"("0.000")"``), so a co-author can recompute with the cells while the sheet
looks like the journal table. Journal style: a thick rule above the header, a
thin one under it and above the statistics, a thick one at the bottom, no
vertical lines.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any

from migecon.report.render import require
from migecon.report.render._ooxml import fixed_write_time, normalise_zip

if TYPE_CHECKING:
    from migecon.report.model import Cell, TableModel

__all__ = ["render_xlsx"]

FONT_NAME = "Times New Roman"


def number_format(cell: Cell) -> str:
    """The Excel number format that prints ``cell`` as the text formats do.

    Examples
    --------
    >>> from migecon.report.model import Cell
    >>> number_format(Cell("0.123", 0.1234, 2, "", "0.000"))
    '0.000"**"'
    >>> number_format(Cell("0.010", 0.0101, 0, "()", "0.000"))
    '"("0.000")"'
    """
    fmt = cell.number_format or "General"
    if cell.brackets:
        fmt = f'"{cell.brackets[0]}"{fmt}"{cell.brackets[1]}"'
    if cell.stars:
        fmt += f'"{"*" * cell.stars}"'
    return fmt


def render_xlsx(table: TableModel) -> bytes:
    """Render the table as an ``.xlsx`` workbook (bytes); one sheet named "Table"."""
    openpyxl = require("openpyxl", "excel", "Excel output")
    styles: Any = require("openpyxl.styles", "excel", "Excel output")
    Font, Alignment, Border, Side = styles.Font, styles.Alignment, styles.Border, styles.Side
    thick, thin = Side(style="medium"), Side(style="thin")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Table"
    ws.sheet_view.showGridLines = False
    n = table.n_models
    last_col = n + 1
    row = 1

    def put(r: int, c: int, value: Any, *, fmt: str = "", italic: bool = False,
            align: str = "center") -> Any:
        cell = ws.cell(row=r, column=c, value=value)
        cell.font = Font(name=FONT_NAME, size=11, italic=italic)
        cell.alignment = Alignment(horizontal=align, vertical="center")
        if fmt:
            cell.number_format = fmt
        return cell

    def rule(r: int, *, top: Any = None, bottom: Any = None, cols: range | None = None) -> None:
        for c in cols or range(1, last_col + 1):
            cell = ws.cell(row=r, column=c)
            old = cell.border
            cell.border = Border(top=top or old.top, bottom=bottom or old.bottom,
                                 left=old.left, right=old.right)

    if table.title:
        cell = ws.cell(row=1, column=1, value=table.title)
        cell.font = Font(name=FONT_NAME, size=12, bold=True)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
        row = 3
    first_header = row
    for hrow in table.header:
        put(row, 1, "", align="left")
        for span in hrow.spans:
            c = span.start + 2
            put(row, c, span.text)
            if span.size > 1:
                ws.merge_cells(start_row=row, start_column=c, end_row=row,
                               end_column=c + span.size - 1)
            if hrow.rule:
                rule(row, bottom=thin, cols=range(c, c + span.size))
        row += 1
    rule(first_header, top=thick)
    rule(row - 1, bottom=thin)

    for section in table.sections:
        if section.label:
            put(row, 1, section.label, italic=True, align="left")
            row += 1
        for body_row in section.rows:
            put(row, 1, body_row.label, align="left")
            for j, cell_model in enumerate(body_row.cells):
                _write_cell(put, row, j + 2, cell_model)
            row += 1
    if table.stats:
        rule(row, top=thin)
        for stat_row in table.stats:
            put(row, 1, stat_row.label, align="left")
            for j, cell_model in enumerate(stat_row.cells):
                _write_cell(put, row, j + 2, cell_model)
            row += 1
    rule(row - 1, bottom=thick)

    row += 1
    for note in table.notes:
        cell = ws.cell(row=row, column=1, value=note)
        cell.font = Font(name=FONT_NAME, size=9)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=False)
        row += 1

    labels = [len(str(c.value)) for c in ws["A"] if c.value is not None and c.row > first_header
              and c.row < row - len(table.notes)]
    ws.column_dimensions["A"].width = max([*labels, 12]) + 2
    for j in range(n):
        letter = openpyxl.utils.get_column_letter(j + 2)
        width = max([len(r[j + 1]) for r in table.grid()] + [10])
        ws.column_dimensions[letter].width = width + 3
    # Print on one page width, landscape for wide tables.
    ws.page_setup.orientation = "landscape" if n > 4 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.creator = "migecon"
    wb.properties.title = table.title or "Regression table"
    when = fixed_write_time()
    if when is not None:
        wb.properties.created = wb.properties.modified = when
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue() if when is None else normalise_zip(buffer.getvalue(), when)


def _write_cell(put: Any, row: int, col: int, cell: Cell) -> None:
    if not cell.text:
        put(row, col, None)
    elif cell.value is not None and math.isfinite(cell.value):
        put(row, col, cell.value, fmt=number_format(cell))
    else:
        put(row, col, cell.display)
