"""LaTeX renderer: a booktabs table with the notes under it.

Only ``booktabs`` is needed (no threeparttable, no siunitx), so the output
compiles with the packages of a minimal TeX installation (Debian's
texlive-latex-base and texlive-latex-recommended). The notes are set in a
minipage exactly as wide as the table: the tabular is first measured in a box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migecon.report.model import Cell, TableModel

__all__ = ["escape_latex", "render_latex"]

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
            "|": r"\textbar{}", "²": r"\textsuperscript{2}", "³": r"\textsuperscript{3}",
            "×": r"$\times$", "−": r"$-$", "±": r"$\pm$", "≤": r"$\leq$", "≥": r"$\geq$",
            "…": r"\ldots{}", "Δ": r"$\Delta$", "α": r"$\alpha$", "β": r"$\beta$",
            "γ": r"$\gamma$", "δ": r"$\delta$", "ε": r"$\varepsilon$", "θ": r"$\theta$",
            "λ": r"$\lambda$", "μ": r"$\mu$", "ρ": r"$\rho$", "σ": r"$\sigma$",
            "τ": r"$\tau$", "φ": r"$\phi$", "χ": r"$\chi$", "ω": r"$\omega$"}


def escape_latex(text: str) -> str:
    """Escape LaTeX's special characters (and common symbols) in plain text.

    Examples
    --------
    >>> print(escape_latex("R² of log_gdp & 5% × Δ"))
    R\\textsuperscript{2} of log\\_gdp \\& 5\\% $\\times$ $\\Delta$
    """
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def _cell(cell: Cell) -> str:
    if not cell.text:
        return ""
    text = cell.display.rstrip("*")
    out = escape_latex(text)
    if cell.is_number:
        # A hyphen is not a minus sign: typeset negative numbers in math mode.
        out = out.replace("-", "$-$")
    return out + (f"$^{{{'*' * cell.stars}}}$" if cell.stars else "")


def render_latex(table: TableModel, *, standalone: bool = False, label: str = "") -> str:
    """A ``table`` float with a booktabs ``tabular`` and notes under it.

    ``standalone=True`` returns a complete document that compiles with
    ``pdflatex`` on a page wide enough for the table (landscape if needed).
    """
    n = table.n_models
    tab = [r"\begin{tabular}{l" + "c" * n + "}", r"\toprule"]
    for hrow in table.header:
        cells = [""]
        for span in hrow.spans:
            text = escape_latex(span.text)
            cells.append(text if span.size == 1 else
                         rf"\multicolumn{{{span.size}}}{{c}}{{{text}}}")
        tab.append(" & ".join(cells) + r" \\")
        if hrow.rule:
            tab.append(" ".join(rf"\cmidrule(lr){{{s.start + 2}-{s.start + s.size + 1}}}"
                                for s in hrow.spans))
    tab.append(r"\midrule")
    for k, section in enumerate(table.sections):
        if k:
            tab.append(r"\addlinespace")
        if section.label:
            tab.append(rf"\multicolumn{{{n + 1}}}{{l}}{{\textit{{{escape_latex(section.label)}}}}}"
                       r" \\")
        for row in section.rows:
            tab.append(" & ".join([escape_latex(row.label), *map(_cell, row.cells)]) + r" \\")
    if table.stats:
        tab.append(r"\midrule")
        for row in table.stats:
            tab.append(" & ".join([escape_latex(row.label), *map(_cell, row.cells)]) + r" \\")
    tab += [r"\bottomrule", r"\end{tabular}"]

    lines = ["% migecon regression table; needs \\usepackage{booktabs}",
             r"\begin{table}[htbp]", r"\centering"]
    if table.title:
        lines.append(rf"\caption{{{escape_latex(table.title)}}}")
        lines.append(r"\smallskip")
    if label:
        lines.append(rf"\label{{{label}}}")
    if table.notes:
        # Measure the tabular so that the notes are exactly as wide as the table.
        lines.append(r"\sbox0{%")
        lines += [*tab[:-1], tab[-1] + "%"]
        lines += ["}", r"\usebox0", "", r"\smallskip",
                  r"\begin{minipage}{\wd0}\footnotesize\raggedright"]
        # \par, not \\: a note starting with "*" would turn \\ into \\*.
        lines.append("\\par\n".join(escape_latex(note) for note in table.notes))
        lines.append(r"\end{minipage}")
    else:
        lines += tab
    lines.append(r"\end{table}")
    body = "\n".join(lines)
    if not standalone:
        return body
    # Rough width of the table at 11pt (0.19 cm a character, 0.42 cm of padding a
    # column): a page that holds it, landscape and then smaller type if needed.
    grid = table.grid()
    width = sum(max(len(row[j]) for row in grid) * 0.19 + 0.42 for j in range(n + 1))
    page = r"\usepackage[margin=1.5cm]{geometry}" if width <= 18 else \
        r"\usepackage[margin=1.5cm,landscape]{geometry}"
    if width > 24.5:
        body = body.replace(r"\centering", r"\centering\small", 1)
    return "\n".join([r"\documentclass[11pt]{article}", r"",
                      r"\usepackage[utf8]{inputenc}", r"\usepackage{booktabs}", page,
                      r"\begin{document}", r"\pagestyle{empty}", body, r"\end{document}"])
