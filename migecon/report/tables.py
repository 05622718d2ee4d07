"""Regression tables: extract -> format -> render.

:func:`regression_table` extracts numbers from results into a
:class:`TableModel` (terms aligned by *name*, never by position), formats them
as strings (stars, brackets, digits), and every renderer (text, Markdown,
LaTeX, HTML, CSV) draws the same model, so formats cannot disagree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from migecon.errors import SpecificationError
from migecon.estimate.results import Result

__all__ = ["RegressionTable", "TableModel", "regression_table"]

SeKind = Literal["std_errors", "tstats", "conf_int", "pvalues"]
_SE_KINDS = ("std_errors", "tstats", "conf_int", "pvalues")
_SE_NOTE = {"std_errors": "Standard errors in parentheses.",
            "tstats": "t statistics in parentheses.",
            "conf_int": "95% confidence intervals in brackets.",
            "pvalues": "p-values in parentheses."}


@dataclass
class TableModel:
    """The formatted content of a regression table, independent of format."""

    columns: list[str]
    dependent: list[str]
    estimators: list[str]
    term_labels: list[str]
    coef_cells: list[list[str]]
    se_cells: list[list[str]]
    stat_rows: list[tuple[str, list[str]]]
    notes: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def n_coef_rows(self) -> int:
        """Number of body rows holding coefficients and their uncertainty."""
        return 2 * len(self.term_labels)

    def header_rows(self) -> list[list[str]]:
        """Header lines: column numbers, dependent variable, estimator."""
        rows = [["", *self.columns]]
        if len(set(self.dependent)) > 1 or self.dependent:
            rows.append(["", *self.dependent])
        rows.append(["", *self.estimators])
        return rows

    def body_rows(self) -> list[list[str]]:
        """Coefficient rows, each followed by its uncertainty row, then statistics."""
        rows: list[list[str]] = []
        for label, coefs, ses in zip(self.term_labels, self.coef_cells, self.se_cells,
                                     strict=True):
            rows.append([label, *coefs])
            rows.append(["", *ses])
        rows += [[name, *cells] for name, cells in self.stat_rows]
        return rows


def _stars(p: float, levels: Sequence[float]) -> str:
    return "*" * sum(p < lvl for lvl in levels)


def regression_table(
    results: Sequence[Result] | Result,
    *,
    labels: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
    stars: bool | Sequence[float] = True,
    se: SeKind = "std_errors",
    column_labels: Sequence[str] | None = None,
    notes: Sequence[str] | str | None = None,
    title: str = "",
    digits: int = 3,
    drop: Sequence[str] = (),
) -> RegressionTable:
    """Put several results side by side, one model per column.

    Parameters
    ----------
    results : Result or sequence of Result
        The models, in column order.
    labels : mapping, optional
        Display labels for terms (``{"remittances": "Remittances (% GDP)"}``).
    order : sequence of str, optional
        Terms to show first, in this order; others follow in first-seen order.
    stars : bool or sequence of float
        Significance stars; ``True`` means levels (0.10, 0.05, 0.01).
    se : {"std_errors", "tstats", "conf_int", "pvalues"}
        What goes under each coefficient.
    column_labels : sequence of str, optional
        Column titles; default is the estimator name.
    notes : str or sequence of str, optional
        Extra notes under the table.
    title : str
        Caption.
    digits : int
        Decimal places.
    drop : sequence of str
        Terms not to show (e.g. ``["const"]``).

    Returns
    -------
    RegressionTable

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> r1 = mg.fit("growth ~ remittances", panel, estimator="pooled")
    >>> r2 = mg.fit("growth ~ investment + remittances", panel, estimator="fe")
    >>> print(mg.regression_table([r1, r2]).to_markdown().splitlines()[2])
    |  | Pooled OLS | FE (country) |
    """
    res_list = [results] if isinstance(results, Result) else list(results)
    if not res_list:
        raise SpecificationError("regression_table needs at least one result")
    if se not in _SE_KINDS:
        raise SpecificationError(f"se must be one of {_SE_KINDS}; got {se!r}")
    levels = (0.10, 0.05, 0.01) if stars is True else tuple(stars) if stars else ()
    labels = dict(labels or {})
    terms: list[str] = []
    for term in list(order or []):
        if not any(term in r.params.index for r in res_list):
            raise SpecificationError(f"order names {term!r}, which no model estimates")
        terms.append(term)
    for r in res_list:
        terms += [t for t in r.params.index if t not in terms and t not in drop]
    fmt = f"{{:.{digits}f}}"
    coef_cells, se_cells = [], []
    for term in terms:
        coefs, ses = [], []
        for r in res_list:
            if term not in r.params.index:
                coefs.append("")
                ses.append("")
                continue
            star = _stars(float(r.pvalues[term]), levels) if levels else ""
            coefs.append(fmt.format(r.params[term]) + star)
            if se == "conf_int":
                ci = r.conf_int().loc[term]
                ses.append(f"[{fmt.format(ci['lower'])}, {fmt.format(ci['upper'])}]")
            else:
                value = getattr(r, se)[term]
                ses.append(f"({fmt.format(value)})")
        coef_cells.append(coefs)
        se_cells.append(ses)
    stat_rows = _stat_rows(res_list, digits)
    all_notes = [_SE_NOTE[se]]
    if levels:
        all_notes.append(", ".join(f"{'*' * (i + 1)} p<{lvl:g}"
                                   for i, lvl in enumerate(levels)) + ".")
    if any(r.simulated for r in res_list):
        all_notes.append("Simulated data (migecon remittances_sim): not real countries.")
    all_notes += [notes] if isinstance(notes, str) else list(notes or [])
    model = TableModel(
        columns=[f"({i + 1})" for i in range(len(res_list))],
        dependent=[r.dependent for r in res_list],
        estimators=list(column_labels) if column_labels is not None else
        [r.model_name or r.estimator for r in res_list],
        term_labels=[labels.get(t, t) for t in terms],
        coef_cells=coef_cells, se_cells=se_cells, stat_rows=stat_rows,
        notes=all_notes, title=title)
    return RegressionTable(model)


def _stat_rows(results: list[Result], digits: int) -> list[tuple[str, list[str]]]:
    rows: list[tuple[str, list[str]]] = []

    def add(name: str, values: list[str]) -> None:
        if any(v for v in values):
            rows.append((name, values))

    add("Country effects", ["Yes" if r.effects in ("entity", "twoway") and r.estimator == "fe"
                            else ("Random" if r.estimator == "re" else "No") for r in results])
    add("Year effects", ["Yes" if r.effects in ("time", "twoway") else "No" for r in results])
    add("Observations", [f"{r.nobs:,}" for r in results])
    add("Countries", [f"{r.n_entities:,}" if r.n_entities else "" for r in results])
    fmt = f"{{:.{digits}f}}"
    add("R² (within)", [fmt.format(r.rsquared_within) if np.isfinite(r.rsquared_within)
                        and r.estimator in ("fe", "re") else "" for r in results])
    add("R²", [fmt.format(r.rsquared) if np.isfinite(r.rsquared) and r.estimator not in
               ("fe", "re") else "" for r in results])
    add("Std. errors", [_short_cov(r) for r in results])
    return rows


def _short_cov(r: Result) -> str:
    ci = r.cov_info
    if ci.cov_type == "clustered" and ci.cluster_by:
        return f"Cluster ({ci.cluster_by})"
    return {"unadjusted": "Conventional", "robust": "Robust",
            "driscoll-kraay": "Driscoll-Kraay"}.get(ci.cov_type, ci.cov_type)


class RegressionTable:
    """A formatted regression table that renders to many formats.

    Use :func:`regression_table` to build one; :meth:`save` picks the format
    from the file extension.
    """

    def __init__(self, model: TableModel) -> None:
        self.model = model

    def to_text(self) -> str:
        """Fixed-width text for the console."""
        from migecon.report.render.text import render_text

        return render_text(self.model)

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown."""
        from migecon.report.render.markdown import render_markdown

        return render_markdown(self.model)

    def to_latex(self) -> str:
        """A booktabs ``table`` environment."""
        from migecon.report.render.latex import render_latex

        return render_latex(self.model)

    def to_html(self, standalone: bool = True) -> str:
        """An HTML page (``standalone=True``) or a ``<table>`` fragment."""
        from migecon.report.render.html import render_html

        return render_html(self.model, standalone=standalone)

    def to_csv(self) -> str:
        """CSV with the same rows as the other formats."""
        from migecon.report.render.markdown import render_csv

        return render_csv(self.model)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return self.to_html(standalone=False)

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = True) -> Path:
        """Write the table; the format follows the extension.

        Supported: ``.txt .md .tex .html .csv``.
        """
        target = Path(path)
        writers = {".txt": self.to_text, ".md": self.to_markdown, ".tex": self.to_latex,
                   ".html": self.to_html, ".csv": self.to_csv}
        suffix = target.suffix.lower()
        if suffix not in writers:
            raise SpecificationError(
                f"cannot tell the table format from {target.name!r}; use one of "
                f"{', '.join(sorted(writers))}")
        if target.exists() and not overwrite:
            raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
        target.write_text(writers[suffix]() + "\n", encoding="utf-8")
        return target
