"""Word renderer (python-docx): a real Word table in journal style.

The document holds the caption, one Word table (not a picture, not tab-
separated text) and the notes. Journal style: a 1.5 pt rule above the header,
0.5 pt rules under the header, under spanning headers and above the
statistics, a 1.5 pt rule at the bottom, and no vertical lines. Stars are
superscript runs, so the cell text still reads ``0.123***``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from migecon.report.render import require
from migecon.report.render._ooxml import fixed_write_time, normalise_zip

if TYPE_CHECKING:
    from migecon.report.model import Cell, TableModel

__all__ = ["render_docx"]

FONT_NAME = "Times New Roman"
THICK, THIN = 12, 4  # border widths in eighths of a point (1.5 pt, 0.5 pt)


def _border(cell: Any, **edges: int) -> None:
    """Set single-line borders (``top=12``, ``bottom=4``) on a table cell."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        # CT_TcPr order: tcW, gridSpan, vMerge, tcBorders, shd, ..., vAlign.
        successor = next((c for c in tc_pr if c.tag in (qn("w:shd"), qn("w:noWrap"),
                                                         qn("w:tcMar"), qn("w:vAlign"))),
                         None)
        if successor is None:
            tc_pr.append(borders)
        else:
            successor.addprevious(borders)
    for edge, size in edges.items():
        old = borders.find(qn(f"w:{edge}"))
        if old is not None:
            borders.remove(old)
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        # Edges must follow the schema order top, left/start, bottom, right/end.
        if edge == "top" and len(borders):
            borders.insert(0, element)
        else:
            borders.append(element)


def render_docx(table: TableModel) -> bytes:
    """Render the table as a ``.docx`` document (bytes)."""
    docx = require("docx", "word", "Word output", package="python-docx")
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(10)
    n = table.n_models
    if n > 5:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    if table.title:
        para = doc.add_paragraph()
        run = para.add_run(table.title)
        run.bold = True
        run.font.size = Pt(11)

    lines: list[tuple[str, Any]] = [("header", h) for h in table.header]
    for sec in table.sections:
        if sec.label:
            lines.append(("group", sec.label))
        lines += [("row", r) for r in sec.rows]
    lines += [("stat", r) for r in table.stats]
    word_table = doc.add_table(rows=len(lines), cols=n + 1)
    word_table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def write(cell: Any, text: str, *, align: Any = WD_ALIGN_PARAGRAPH.CENTER,
              italic: bool = False, stars: int = 0) -> None:
        para = cell.paragraphs[0]
        para.alignment = align
        para.paragraph_format.space_after = Pt(0)
        para.paragraph_format.space_before = Pt(0)
        run = para.add_run(text)
        run.italic = italic
        if stars:
            star_run = para.add_run("*" * stars)
            star_run.font.superscript = True

    first_stat = None
    for i, (kind, item) in enumerate(lines):
        cells = word_table.rows[i].cells
        if kind == "header":
            for span in item.spans:
                target = cells[span.start + 1]
                if span.size > 1:
                    target = target.merge(cells[span.start + span.size])
                write(target, span.text)
                target.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM  # wrapped titles
                if item.rule:
                    _border(target, bottom=THIN)
            continue
        if kind == "group":
            target = cells[0].merge(cells[n])
            write(target, item, align=WD_ALIGN_PARAGRAPH.LEFT, italic=True)
            continue
        if kind == "stat" and first_stat is None:
            first_stat = i
        write(cells[0], item.label, align=WD_ALIGN_PARAGRAPH.LEFT)
        for j, cell_model in enumerate(item.cells):
            write(cells[j + 1], _text(cell_model), stars=cell_model.stars)

    n_header = len(table.header)
    for j in range(n + 1):
        _border(word_table.cell(0, j), top=THICK)
        _border(word_table.cell(n_header - 1, j), bottom=THIN)
        _border(word_table.cell(len(lines) - 1, j), bottom=THICK)
        if first_stat is not None:
            _border(word_table.cell(first_stat, j), top=THIN)

    section = doc.sections[-1]
    available = int(section.page_width - section.left_margin - section.right_margin)
    widths = _column_widths(table, available)
    word_table.autofit = False
    for j, width in enumerate(widths):
        word_table.columns[j].width = width
    for row in word_table.rows:
        col = 0
        for tc in row._tr.tc_lst:
            # A merged cell spans several grid columns: its width is their sum.
            tc.width = sum(widths[col:col + tc.grid_span])
            col += tc.grid_span

    for note in table.notes:
        para = doc.add_paragraph()
        para.paragraph_format.space_after = Pt(0)
        run = para.add_run(note)
        run.font.size = Pt(8.5)
    doc.core_properties.author = "migecon"
    doc.core_properties.title = table.title or "Regression table"
    when = fixed_write_time()
    if when is not None:
        doc.core_properties.created = doc.core_properties.modified = when
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue() if when is None else normalise_zip(buffer.getvalue(), when)


def _column_widths(table: TableModel, available: int) -> list[int]:
    """Column widths (EMU): row labels first (they should not wrap), headers may wrap."""
    from docx.shared import Cm

    def need(chars: int) -> int:
        return int(Cm(0.18 * max(chars, 6) + 0.4))  # about 0.18 cm a character at 10 pt

    body = table.body_rows()
    stub = min(need(max(len(r[0]) for r in body)), int(0.4 * available))
    cols = [need(max(len(r[j + 1]) for r in body)) for j in range(table.n_models)]
    room = available - stub
    if sum(cols) > room:
        cols = [int(c * room / sum(cols)) for c in cols]
    return [stub, *cols]


def _text(cell: Cell) -> str:
    return cell.display.rstrip("*") if cell.text else ""
