"""Plain-text renderers: result summaries and tables for the console."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from migecon.estimate.results import Result
    from migecon.report.tables import TableModel

__all__ = ["render_result_summary", "render_text"]


def render_result_summary(res: Result) -> str:
    """Summary of one result: header, coefficients, tests, notes."""
    width = 78
    head = [
        f"{res.model_name or res.estimator}   Dependent variable: {res.dependent}",
        f"Observations: {res.nobs}   Entities: {res.n_entities}   Periods: {res.n_periods}"
        f"   Effects: {res.effects}",
        f"Std. errors: {res.cov_info.description}",
    ]
    r2 = [(n, v) for n, v in (("R2", res.rsquared), ("R2 within", res.rsquared_within),
                              ("R2 between", res.rsquared_between),
                              ("R2 overall", res.rsquared_overall)) if np.isfinite(v)]
    if r2:
        head.append("   ".join(f"{n}: {v:.4f}" for n, v in r2))
    if res.f_stat is not None:
        head.append(str(res.f_stat).split(". H0")[0])
    tidy = res.tidy()
    has_truth = "true_value" in tidy
    stat_name = "t" if res.cov_info.dist == "t" else "z"
    cols = f"{'':<24}{'coef':>11}{'std.err':>11}{stat_name:>8}{'P>|' + stat_name + '|':>8}"
    cols += f"{'[95% conf. int.]':>22}" + (f"{'true':>9}" if has_truth else "")
    lines = ["=" * width, *head, "-" * width, cols, "-" * width]
    for row in tidy.itertuples():
        line = (f"{str(row.term)[:24]:<24}{row.estimate:>11.4f}{row.std_error:>11.4f}"
                f"{row.tstat:>8.2f}{row.pvalue:>8.3f}{row.conf_low:>11.4f}{row.conf_high:>11.4f}")
        if has_truth:
            true = row.true_value
            line += f"{true:>9.4f}" if np.isfinite(true) else f"{'':>9}"
        lines.append(line)
    lines.append("-" * width)
    for test in res.tests.values():
        lines.append(str(test))
    for key, value in res.stats.items():
        if np.isfinite(value) and key != "rmse":
            lines.append(f"{key}: {value:.6g}")
    if res.dropped:
        lines.append("Rows dropped: " + ", ".join(f"{k} ({v})" for k, v in res.dropped.items()))
    if res.absorbed:
        lines.append("Absorbed by the effects: " + ", ".join(res.absorbed))
    lines.extend(res.notes)
    lines.append("=" * width)
    return "\n".join(lines)


def render_text(table: TableModel) -> str:
    """A fixed-width console rendering of a regression table."""
    body = table.body_rows()
    header_rows = table.header_rows()
    ncol = len(table.columns) + 1
    widths = [0] * ncol
    for row in [*header_rows, *body]:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    total = sum(widths) + 2 * (ncol - 1)

    def fmt(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    out = []
    if table.title:
        out.append(table.title)
    out.append("=" * total)
    out += [fmt(r) for r in header_rows]
    out.append("-" * total)
    for i, row in enumerate(body):
        if i == table.n_coef_rows and table.n_coef_rows:
            out.append("-" * total)
        out.append(fmt(row))
    out.append("=" * total)
    out += table.notes
    return "\n".join(out)
