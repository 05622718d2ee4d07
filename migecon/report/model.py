"""The format-independent content of a regression table.

:func:`~migecon.report.tables.regression_table` fills a :class:`TableModel`;
every renderer (text, Markdown, LaTeX, HTML, CSV, Excel, Word) draws the same
model, so the formats cannot disagree. A :class:`Cell` keeps both the text to
print and the unrounded number behind it, so spreadsheets hold real numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Cell", "HeaderRow", "Row", "Section", "Span", "TableModel"]

RowKind = Literal["coef", "uncertainty", "stat", "extra"]


@dataclass(frozen=True)
class Cell:
    """One table cell.

    Parameters
    ----------
    text : str
        The formatted number or text, without stars or brackets.
    value : float or None
        The unrounded number behind ``text`` (None for text cells).
    stars : int
        Number of significance stars.
    brackets : {"", "()", "[]"}
        Brackets around the text (standard errors, confidence intervals).
    number_format : str
        Spreadsheet number format of ``value`` without stars or brackets
        (``"0.000"``, ``"#,##0"``); empty for text cells.
    """

    text: str = ""
    value: float | None = None
    stars: int = 0
    brackets: str = ""
    number_format: str = ""

    @property
    def display(self) -> str:
        """The cell as printed in plain-text formats: ``(0.123)``, ``0.456**``."""
        if not self.text:
            return ""
        opening, closing = (self.brackets[0], self.brackets[1]) if self.brackets else ("", "")
        return f"{opening}{self.text}{closing}{'*' * self.stars}"

    @property
    def is_number(self) -> bool:
        """True when the cell prints numbers (so LaTeX may typeset minus signs)."""
        return self.value is not None or self.brackets == "[]"


@dataclass(frozen=True)
class Row:
    """A body row: a coefficient, its uncertainty, a statistic or an added row."""

    label: str
    cells: tuple[Cell, ...]
    kind: RowKind
    term: str = ""


@dataclass(frozen=True)
class Section:
    """A block of coefficient rows under an optional group label ("Remittances")."""

    label: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Span:
    """A header cell spanning ``size`` model columns from column ``start`` (0-based)."""

    text: str
    start: int
    size: int = 1


@dataclass(frozen=True)
class HeaderRow:
    """One header line; ``rule`` draws a partial rule under spans wider than one column."""

    spans: tuple[Span, ...]
    kind: Literal["groups", "dependent", "models", "numbers"]
    rule: bool = False


@dataclass(frozen=True)
class TableModel:
    """The formatted content of a regression table, independent of the output format.

    Attributes
    ----------
    n_models : int
        Number of model columns (the stub column with row labels comes first).
    header : tuple of HeaderRow
        Header lines, top to bottom.
    sections : tuple of Section
        Coefficient blocks; a section's label is empty when it is not a group.
    stats : tuple of Row
        Bottom rows (effects, observations, fit, tests) and rows the user added.
    notes : tuple of str
        Lines under the table.
    title : str
        Caption.
    """

    n_models: int
    header: tuple[HeaderRow, ...]
    sections: tuple[Section, ...]
    stats: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    title: str = ""

    @property
    def columns(self) -> list[str]:
        """Column numbers ``(1)``, ``(2)``, ..."""
        return [f"({i + 1})" for i in range(self.n_models)]

    @property
    def has_groups(self) -> bool:
        """True when at least one section carries a group label."""
        return any(s.label for s in self.sections)

    @property
    def n_coef_rows(self) -> int:
        """Number of body lines above the statistics (group labels included)."""
        return sum(len(s.rows) + bool(s.label) for s in self.sections)

    def header_rows(self) -> list[list[str]]:
        """Header lines as plain strings; a span's text sits in its first column."""
        out = []
        for hrow in self.header:
            cells = [""] * self.n_models
            for span in hrow.spans:
                cells[span.start] = span.text
            out.append(["", *cells])
        return out

    def body_rows(self) -> list[list[str]]:
        """Body lines as plain strings: group labels, coefficients, uncertainty, statistics."""
        rows: list[list[str]] = []
        for section in self.sections:
            if section.label:
                rows.append([section.label, *[""] * self.n_models])
            rows += [[r.label, *(c.display for c in r.cells)] for r in section.rows]
        rows += [[r.label, *(c.display for c in r.cells)] for r in self.stats]
        return rows

    def grid(self) -> list[list[str]]:
        """Header and body lines (no title, no notes) as plain strings."""
        return [*self.header_rows(), *self.body_rows()]
