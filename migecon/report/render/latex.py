"""LaTeX renderer (booktabs, threeparttable-free so it compiles with base packages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migecon.report.tables import TableModel

__all__ = ["escape_latex", "render_latex"]

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "²": r"$^2$", "×": r"$\times$", "Δ": r"$\Delta$"}


def escape_latex(text: str) -> str:
    """Escape LaTeX's special characters in plain text."""
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def _cell(text: str) -> str:
    stripped = text.rstrip("*")
    stars = len(text) - len(stripped)
    out = escape_latex(stripped)
    return out + (f"$^{{{'*' * stars}}}$" if stars else "")


def render_latex(table: TableModel) -> str:
    """A ``table`` float with a booktabs ``tabular`` and notes under it."""
    ncol = len(table.columns)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if table.title:
        lines.append(rf"\caption{{{escape_latex(table.title)}}}")
    lines.append(r"\begin{tabular}{l" + "c" * ncol + "}")
    lines.append(r"\toprule")
    for row in table.header_rows():
        lines.append(" & ".join(escape_latex(c) for c in row) + r" \\")
    lines.append(r"\midrule")
    for i, row in enumerate(table.body_rows()):
        if i == table.n_coef_rows and table.n_coef_rows:
            lines.append(r"\midrule")
        lines.append(" & ".join([escape_latex(row[0]), *map(_cell, row[1:])]) + r" \\")
    lines.append(r"\bottomrule")
    lines.append(r"\end{tabular}")
    if table.notes:
        lines.append(r"\par\smallskip")
        lines.append(r"\begin{minipage}{0.9\linewidth}\footnotesize")
        lines.append(r" \\ ".join(escape_latex(n) for n in table.notes))
        lines.append(r"\end{minipage}")
    lines.append(r"\end{table}")
    return "\n".join(lines)
