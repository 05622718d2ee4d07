"""Plain-text renderers: result summaries and tables for the console."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from migecon.estimate.results import Result
    from migecon.report.model import Cell, Span, TableModel

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
    if res.cov_info.convention:
        head.append(f"Convention: {res.cov_info.convention}")
    r2 = [(n, v) for n, v in (("R2", res.rsquared), ("R2 within", res.rsquared_within),
                              ("R2 between", res.rsquared_between),
                              ("R2 overall", res.rsquared_overall)) if np.isfinite(v)]
    if r2 and "kp_f" in res.stats:
        # 2SLS: 1 - RSS/TSS is no goodness of fit and can be any negative number
        head.append("R2 not reported for IV (1 - RSS/TSS of 2SLS measures no fit); "
                    f"first stage: Kleibergen-Paap F = {res.stats['kp_f']:.4g} "
                    "(res.first_stage)")
    elif r2:
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
            true = float(row.true_value)  # type: ignore[arg-type]
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


def _max_stars(table: TableModel) -> int:
    return max([c.stars for s in table.sections for r in s.rows for c in r.cells] + [0])


def _aligned(cell: Cell, trail: int) -> str:
    """Right-align numbers on their last digit: stars and brackets hang to the right."""
    if not cell.text:
        return ""
    if cell.brackets:
        return f"{cell.brackets[0]}{cell.text}{cell.brackets[1]}" + " " * (trail - 1)
    return cell.text + ("*" * cell.stars).ljust(trail)


def render_text(table: TableModel) -> str:
    """A fixed-width console rendering of a regression table."""
    n = table.n_models
    trail = max(_max_stars(table), 1)
    body: list[tuple[str, list[str], str]] = []
    for section in table.sections:
        if section.label:
            body.append((section.label, [""] * n, "group"))
        body += [(r.label, [_aligned(c, trail) for c in r.cells], r.kind) for r in section.rows]
    stats = [(r.label, [_aligned(c, trail) for c in r.cells], r.kind) for r in table.stats]
    stub = max([len(label) for label, _, _ in [*body, *stats]] + [0])
    widths = [0] * n
    for _, cells, _ in [*body, *stats]:
        for j, cell in enumerate(cells):
            widths[j] = max(widths[j], len(cell))
    for hrow in table.header:
        for span in hrow.spans:
            if span.size == 1:
                widths[span.start] = max(widths[span.start], len(span.text))
    for hrow in table.header:
        for span in hrow.spans:
            have = sum(widths[span.start:span.start + span.size]) + 2 * (span.size - 1)
            if have < len(span.text):
                widths[span.start + span.size - 1] += len(span.text) - have
    total = stub + sum(w + 2 for w in widths)

    def span_width(span: Span) -> int:
        return sum(widths[span.start:span.start + span.size]) + 2 * (span.size - 1)

    out = [table.title] if table.title else []
    out.append("=" * total)
    for hrow in table.header:
        line = " " * stub
        for span in hrow.spans:
            line += "  " + span.text.center(span_width(span))
        out.append(line.rstrip())
        if hrow.rule:
            rule = " " * stub
            for span in hrow.spans:
                rule += "  " + "-" * span_width(span)
            out.append(rule.rstrip())
    out.append("-" * total)

    def fmt(label: str, cells: list[str]) -> str:
        return (label.ljust(stub) + "".join("  " + c.rjust(w)
                                            for c, w in zip(cells, widths, strict=True))).rstrip()

    out += [fmt(label, cells) for label, cells, _ in body]
    if stats:
        out.append("-" * total)
        out += [fmt(label, cells) for label, cells, _ in stats]
    out.append("=" * total)
    out += table.notes
    return "\n".join(out)
