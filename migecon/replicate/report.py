"""The replication report: published against ours, cell by cell.

A :class:`ReplicationReport` holds one :class:`Cell` per published number,
with the absolute and relative difference, the tolerance and where the
tolerance comes from (the printed precision, or the reason the file gives),
and a status:

``pass``
    Within tolerance.
``FAIL``
    Outside tolerance (the report shows both numbers and the difference).
``known``
    Outside tolerance for a documented reason (a convention difference the
    file lists under ``known``); does not fail the table.
``unexpected pass``
    Listed as a known difference but matches now: fails, so the file is
    corrected (the same rule as pytest's ``xfail(strict=True)``).
``missing``
    The published term is not among our estimates (a naming mismatch).
``error``
    The model could not be estimated; the message says why.

Models skipped because an estimator is not available in this version are
listed separately with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from migecon.errors import SpecificationError

if TYPE_CHECKING:
    from migecon.estimate.results import Result
    from migecon.replicate.spec import TableSpec

__all__ = ["FAILING", "Cell", "ReplicationReport"]

#: Statuses that make the table fail.
FAILING = frozenset({"FAIL", "unexpected pass", "missing", "error"})


@dataclass(frozen=True)
class Cell:
    """One published number compared with ours."""

    model: str
    label: str
    kind: str
    term: str
    published: str
    published_value: float
    ours: float
    abs_diff: float
    rel_diff: float
    tolerance: float
    basis: str
    status: str
    note: str = ""

    @property
    def failed(self) -> bool:
        """True when this cell makes the table fail."""
        return self.status in FAILING

    def ours_text(self) -> str:
        """Our number with two more decimals than the published one."""
        if not math.isfinite(self.ours):
            return "-"
        decimals = _decimals(self.published)
        if decimals <= 0 and float(self.ours).is_integer():
            return str(int(self.ours))
        return f"{self.ours:.{max(decimals + 2, 0)}f}" if decimals <= 10 else f"{self.ours:.6g}"

    def explain(self) -> str:
        """A one-line explanation of a failing or known cell."""
        where = f"{self.label} {self.kind} {self.term}"
        if self.status in ("missing", "error"):
            return f"{self.status.upper()}  {where}: {self.note}"
        rel = f" ({self.rel_diff:.2g} relative)" if math.isfinite(self.rel_diff) else ""
        return (f"{self.status.upper() if self.status == 'FAIL' else self.status}  {where}: "
                f"published {self.published}, ours {self.ours_text()}, "
                f"|diff| {self.abs_diff:.3g}{rel} > tolerance {self.tolerance:.3g} "
                f"({self.basis}){'; ' + self.note if self.note else ''}")


def _decimals(text: str) -> int:
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return decimals - int(exponent or 0)


@dataclass(frozen=True)
class ReplicationReport:
    """Ours against published for every cell of a table, with a verdict.

    Attributes
    ----------
    spec : TableSpec
        The replication file (citation, data, models).
    cells : tuple of Cell
        One per published number that was checked.
    skipped : tuple of (str, str)
        Models or statistics not run, with the reason.
    notes : tuple of str
        What happened to the data (rows dropped, columns shifted, ...).
    model_notes : mapping
        Per model: warnings raised while estimating and source notes.
    results : mapping of str to Result
        Our estimates, by model id.
    elapsed : float
        Seconds taken.
    strict : bool
        Whether skipped models count as failures.
    """

    spec: TableSpec
    cells: tuple[Cell, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    model_notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    results: Mapping[str, Result] = field(default_factory=dict)
    elapsed: float = 0.0
    strict: bool = False

    def with_strict(self, strict: bool = True) -> ReplicationReport:
        """The same report with skipped models counted as failures (or not)."""
        return replace(self, strict=strict)

    # -------------------------------------------------------------- verdict
    @property
    def n_failed(self) -> int:
        """Cells that fail (FAIL, unexpected pass, missing, error)."""
        return sum(c.failed for c in self.cells)

    @property
    def n_known(self) -> int:
        """Cells that differ for a documented reason."""
        return sum(c.status == "known" for c in self.cells)

    @property
    def passed(self) -> bool:
        """True when no cell fails (and, if strict, nothing was skipped)."""
        return self.n_failed == 0 and not (self.strict and self.skipped)

    @property
    def verdict(self) -> str:
        """One line: PASS / FAIL / SKIPPED with the counts."""
        n = len(self.cells)
        extra = []
        if self.n_known:
            extra.append(f"{self.n_known} known difference(s) explained")
        if self.skipped:
            extra.append(f"{len(self.skipped)} model(s)/statistic(s) skipped")
        tail = f" ({'; '.join(extra)})" if extra else ""
        if not n and self.skipped:
            return f"SKIPPED: {self.skipped[0][1]}" if not self.strict else \
                f"FAIL (strict): skipped: {self.skipped[0][1]}"
        if self.n_failed:
            return f"FAIL: {self.n_failed} of {n} cells differ from the published numbers{tail}"
        if self.strict and self.skipped:
            return f"FAIL (strict): {n} cells match but parts were skipped{tail}"
        return f"PASS: {n - self.n_known} of {n} cells match the published numbers{tail}"

    @property
    def diff(self) -> pd.DataFrame:
        """One row per published cell: published, ours, differences, tolerance, status."""
        cols = ["model", "label", "kind", "term", "published", "published_value", "ours",
                "abs_diff", "rel_diff", "tolerance", "basis", "status", "note"]
        return pd.DataFrame([asdict(c) for c in self.cells], columns=cols)

    @property
    def failures(self) -> pd.DataFrame:
        """The rows of :attr:`diff` that fail."""
        d = self.diff
        return d[d["status"].isin(sorted(FAILING))].reset_index(drop=True)

    # --------------------------------------------------------------- render
    def _groups(self) -> list[tuple[str, str, list[Cell]]]:
        groups: dict[str, tuple[str, list[Cell]]] = {}
        for cell in self.cells:
            key = cell.model if cell.kind != "statistic" else "statistics"
            label = cell.label if cell.kind != "statistic" else "Statistics across models"
            groups.setdefault(key, (label, []))[1].append(cell)
        return [(k, lbl, cells) for k, (lbl, cells) in groups.items()]

    def _header_lines(self) -> list[str]:
        s = self.spec
        lines = [s.title, f"Source: {s.citation}", f"Numbers: {s.source}"]
        if s.url:
            lines.append(f"URL: {s.url}")
        lines.append("Tolerance: half a unit in the last printed digit unless stated")
        return lines

    def _model_desc(self, model_id: str) -> str:
        res = self.results.get(model_id)
        if res is None:
            return ""
        return (f"{res.model_name or res.estimator}; {res.cov_info.description}; "
                f"{res.nobs} obs")

    def to_text(self, detail: Literal["all", "failures"] = "all") -> str:
        """Console text: header, one block per model, notes and the verdict.

        ``detail="failures"`` lists only failing and known cells.
        """
        if detail not in ("all", "failures"):
            raise SpecificationError(f"detail must be 'all' or 'failures'; got {detail!r}")
        out = [*self._header_lines(), ""]
        out += [f"  note: {n}" for n in self.notes]
        for key, label, cells in self._groups():
            n_fail = sum(c.failed for c in cells)
            out.append("")
            desc = self._model_desc(key)
            out.append(f"{label}{'  [' + desc + ']' if desc else ''}: "
                       f"{len(cells) - n_fail}/{len(cells)} cells ok")
            out += [f"  note: {n}" for n in self.model_notes.get(key, ())]
            shown = cells if detail == "all" else [c for c in cells if c.status != "pass"]
            if not shown:
                continue
            width = max(4, *(len(c.term) for c in shown))
            out.append(f"  {'term':<{width}}  {'kind':<9} {'published':>12} {'ours':>14} "
                       f"{'|diff|':>9} {'tol':>9}  status")
            for c in shown:
                diff = f"{c.abs_diff:9.2e}" if math.isfinite(c.abs_diff) else f"{'-':>9}"
                tol = f"{c.tolerance:9.1e}" if math.isfinite(c.tolerance) else f"{'-':>9}"
                out.append(f"  {c.term:<{width}}  {c.kind:<9} {c.published:>12} "
                           f"{c.ours_text():>14} {diff} {tol}  {c.status}")
        if self.skipped:
            out.append("")
            out += [f"skipped: {what}: {why}" for what, why in self.skipped]
        problems = [c for c in self.cells if c.status != "pass"]
        if problems:
            out += ["", "Cells that do not match:"]
            out += [f"  {c.explain()}" for c in problems]
        if self.spec.notes:
            out += ["", "Known convention differences:"]
            out += [f"  - {n}" for n in self.spec.notes]
        out += ["", f"VERDICT: {self.verdict}"]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown with one table per model."""
        s = self.spec
        out = [f"# {_md(s.title)}", "", f"**Source:** {_md(s.citation)}  ",
               f"**Numbers:** {_md(s.source)}  "]
        if s.url:
            out.append(f"**URL:** <{s.url}>  ")
        out += [f"**Verdict:** {_md(self.verdict)}", "",
                "Tolerance: half a unit in the last printed digit unless stated.", ""]
        out += [f"- {_md(n)}" for n in self.notes]
        for key, label, cells in self._groups():
            desc = self._model_desc(key)
            out += ["", f"## {_md(label)}", ""]
            if desc:
                out += [f"*{_md(desc)}*", ""]
            out += [f"- {_md(n)}" for n in self.model_notes.get(key, ())]
            if self.model_notes.get(key):
                out.append("")
            out.append("| term | kind | published | ours | abs. diff | rel. diff | tolerance "
                       "| status |")
            out.append("|:---|:---|---:|---:|---:|---:|---:|:---|")
            for c in cells:
                status = f"**{c.status}**" if c.status != "pass" else c.status
                out.append(f"| {_md(c.term)} | {c.kind} | {c.published} | {c.ours_text()} | "
                           f"{_num(c.abs_diff)} | {_pct(c.rel_diff)} | {_num(c.tolerance)} | "
                           f"{status} |")
        if self.skipped:
            out += ["", "## Skipped", ""]
            out += [f"- {_md(what)}: {_md(why)}" for what, why in self.skipped]
        problems = [c for c in self.cells if c.status != "pass"]
        if problems:
            out += ["", "## Cells that do not match", ""]
            out += [f"- {_md(c.explain())}" for c in problems]
        if s.notes:
            out += ["", "## Known convention differences", ""]
            out += [f"- {_md(n)}" for n in s.notes]
        return "\n".join(out) + "\n"

    def to_html(self) -> str:
        """A standalone HTML page; failing cells are highlighted."""
        s = self.spec
        ok = self.passed
        body = [f"<h1>{escape(s.title)}</h1>",
                f"<p><b>Source:</b> {escape(s.citation)}<br><b>Numbers:</b> "
                f"{escape(s.source)}"
                + (f'<br><b>URL:</b> <a href="{escape(s.url)}">{escape(s.url)}</a>'
                   if s.url else "") + "</p>",
                f'<p class="verdict {"pass" if ok else "fail"}">{escape(self.verdict)}</p>',
                "<p>Tolerance: half a unit in the last printed digit unless stated.</p>"]
        if self.notes:
            body.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in self.notes) + "</ul>")
        for key, label, cells in self._groups():
            desc = self._model_desc(key)
            body.append(f"<h2>{escape(label)}</h2>")
            if desc:
                body.append(f"<p><i>{escape(desc)}</i></p>")
            mnotes = self.model_notes.get(key, ())
            if mnotes:
                body.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in mnotes)
                            + "</ul>")
            rows = ["<tr><th>term</th><th>kind</th><th>published</th><th>ours</th>"
                    "<th>abs. diff</th><th>rel. diff</th><th>tolerance</th><th>status</th>"
                    "</tr>"]
            for c in cells:
                cls = "pass" if c.status == "pass" else "known" if c.status == "known" \
                    else "fail"
                title = escape(c.note or c.basis)
                rows.append(
                    f'<tr class="{cls}" title="{title}"><td>{escape(c.term)}</td>'
                    f"<td>{c.kind}</td><td>{escape(c.published)}</td><td>{c.ours_text()}</td>"
                    f"<td>{_num(c.abs_diff)}</td><td>{_pct(c.rel_diff)}</td>"
                    f"<td>{_num(c.tolerance)}</td><td>{escape(c.status)}</td></tr>")
            body.append('<table class="replication">' + "".join(rows) + "</table>")
        if self.skipped:
            body.append("<h2>Skipped</h2><ul>" + "".join(
                f"<li>{escape(w)}: {escape(r)}</li>" for w, r in self.skipped) + "</ul>")
        problems = [c for c in self.cells if c.status != "pass"]
        if problems:
            body.append("<h2>Cells that do not match</h2><ul>" + "".join(
                f"<li>{escape(c.explain())}</li>" for c in problems) + "</ul>")
        if s.notes:
            body.append("<h2>Known convention differences</h2><ul>" + "".join(
                f"<li>{escape(n)}</li>" for n in s.notes) + "</ul>")
        return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
                f"{escape(s.title)}</title><style>{_CSS}</style></head><body>\n"
                + "\n".join(body) + "\n</body></html>\n")

    def _repr_html_(self) -> str:
        return self.to_html()

    def save(self, path: str | Path) -> Path:
        """Write the report; the format follows the extension (.md .html .txt .csv .json)."""
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix == ".md":
            text = self.to_markdown()
        elif suffix in (".html", ".htm"):
            text = self.to_html()
        elif suffix == ".txt":
            text = self.to_text() + "\n"
        elif suffix == ".csv":
            text = self.diff.to_csv(index=False)
        elif suffix == ".json":
            text = self.diff.to_json(orient="records", indent=1)
        else:
            raise SpecificationError(
                f"cannot tell the report format from {target.name!r}; use .md, .html, .txt, "
                ".csv or .json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write ``<id>.md`` and ``<id>.html`` into ``out_dir``; returns the paths.

        The files are written atomically and only directly inside ``out_dir``
        (a symbolic link there is replaced, not followed); an id that is not a
        safe file name is refused before anything is written.
        """
        from migecon.outputs import check_id, write_file

        check_id(self.spec.id, "replication id")
        # The temporary file keeps the extension, which selects the format.
        return [write_file(out_dir, f"{self.spec.id}.{ext}", self.save)
                for ext in ("md", "html")]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def _num(x: float) -> str:
    return f"{x:.2e}" if math.isfinite(x) else "-"


def _pct(x: float) -> str:
    return f"{x:.2e}" if math.isfinite(x) else "-"


_CSS = """
body { font-family: Georgia, serif; max-width: 60em; margin: 2em auto; color: #222; }
table.replication { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 14px; }
table.replication th, table.replication td { padding: 2px 10px; text-align: right; }
table.replication th:first-child, table.replication td:first-child { text-align: left; }
table.replication tr:first-child { border-bottom: 1px solid #000; }
tr.fail td { background: #fde2e1; font-weight: bold; }
tr.known td { background: #fff4d6; }
p.verdict { font-weight: bold; font-size: 1.1em; }
p.verdict.pass { color: #0a6b2d; }
p.verdict.fail { color: #b00020; }
"""
