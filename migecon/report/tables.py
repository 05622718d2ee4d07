"""Regression tables: extract -> format -> render.

:func:`regression_table` extracts the numbers of several results into a
:class:`~migecon.report.model.TableModel` (terms aligned by *name*, never by
position), formats them (stars, brackets, digits), and every renderer (text,
Markdown, LaTeX, HTML, CSV, Excel, Word) draws that same model, so the formats
cannot disagree.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from migecon.errors import EstimationWarning, SpecificationError
from migecon.estimate.results import Result
from migecon.report.model import Cell, HeaderRow, Row, Section, Span, TableModel

if TYPE_CHECKING:
    import pandas as pd

    from migecon.panel.core import Panel

__all__ = ["DEFAULT_STATS", "FORMATS", "STAT_KEYS", "RegressionTable", "TableModel",
           "regression_table"]

SeKind = Literal["std_errors", "tstats", "conf_int", "pvalues"]
_SE_KINDS = ("std_errors", "tstats", "conf_int", "pvalues")
CONSTANT_NAMES = ("const", "Intercept", "_cons")

#: Bottom rows :func:`regression_table` can show, with their default labels.
STAT_KEYS: dict[str, str] = {
    "entity_effects": "Country effects",
    "time_effects": "Year effects",
    "nobs": "Observations",
    "n_entities": "Countries",
    "r2_within": "R² (within)",
    "r2": "R²",
    "r2_overall": "R² (overall)",
    "se_type": "Std. errors",
    "n_clusters": "Clusters",
    "ar1": "AR(1) test (p)",
    "ar2": "AR(2) test (p)",
    "sargan": "Sargan test (p)",
    "hansen": "Hansen test (p)",
    "n_instruments": "Instruments",
    "iv_instruments": "Excluded instruments (IV)",
    "first_stage_f": "First-stage F (KP, model's SEs)",
}
#: Rows shown by default; a row appears only when at least one model fills it.
DEFAULT_STATS: tuple[str, ...] = (
    "entity_effects", "time_effects", "nobs", "n_entities", "r2_within", "r2", "se_type",
    "n_clusters", "ar2", "hansen", "n_instruments", "iv_instruments", "first_stage_f")
#: File formats :meth:`RegressionTable.save` writes, by name.
FORMATS = ("txt", "md", "tex", "html", "csv", "xlsx", "docx")
_EXTENSIONS = {".txt": "txt", ".md": "md", ".markdown": "md", ".tex": "tex", ".html": "html",
               ".htm": "html", ".csv": "csv", ".xlsx": "xlsx", ".docx": "docx"}


def _warn_non_finite(results: Sequence[Result], labels: Sequence[str] | None) -> None:
    """An EstimationWarning, with counts, for every result with non-finite standard errors."""
    problems = []
    for i, r in enumerate(results):
        se = np.asarray(r.std_errors, dtype=float)
        bad = [str(t) for t, ok in zip(r.std_errors.index, np.isfinite(se), strict=True)
               if not ok]
        if bad:
            name = labels[i] if labels is not None and i < len(labels) else f"model {i + 1}"
            problems.append(f"{name}: {len(bad)} of {len(se)} ({', '.join(bad[:5])}"
                            f"{', ...' if len(bad) > 5 else ''})")
    if problems:
        warnings.warn("standard errors that are not finite (NaN or infinite) go into this "
                      "table: " + "; ".join(problems) + ". Those cells cannot be read as "
                      "precision; check the model (collinearity, too few clusters)",
                      EstimationWarning, stacklevel=3)


def regression_table(
    results: Sequence[Result] | Result,
    *,
    labels: Mapping[str, str] | None = None,
    panel: Panel | None = None,
    order: Sequence[str] | None = None,
    keep: Sequence[str] | None = None,
    drop: Sequence[str] = (),
    rename: Mapping[str, str] | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    stars: bool | Sequence[float] | None = (0.10, 0.05, 0.01),
    se: SeKind = "std_errors",
    level: float = 0.95,
    stats: Sequence[str] = DEFAULT_STATS,
    stat_labels: Mapping[str, str] | None = None,
    add_rows: Mapping[str, Sequence[str]] | None = None,
    notes: Sequence[str] | str | None = None,
    title: str = "",
    column_labels: Sequence[str] | None = None,
    column_groups: Sequence[tuple[str, int]] | None = None,
    digits: int = 3,
) -> RegressionTable:
    """Put several results side by side, one model per column.

    Rows are matched by term name, never by position: a model that does not
    estimate a term gets an empty cell in that row.

    Parameters
    ----------
    results : Result or sequence of Result
        The models, in column order (static, IV and GMM results alike).
    labels : mapping, optional
        Display labels of terms and dependent variables
        (``{"remittances": "Remittances (% GDP)"}``); they take precedence over
        the panel's labels.
    panel : Panel, optional
        Labels default to the panel's variable labels (``panel.labels()``);
        lags, differences and interactions of labelled variables are labelled
        too (``L1.n`` reads "log employment (t-1)"). A Result does not keep its
        panel, so pass it here (or pass ``labels=panel.labels()``).
    order : sequence of str, optional
        Terms to show first, in this order; the others follow in the order
        the models first list them, the constant last.
    keep, drop : sequence of str, optional
        Show only ``keep`` / never show ``drop``; names or shell-style patterns
        (``drop=["yr*"]`` hides year dummies).
    rename : mapping, optional
        Put differently named terms in one row (``{"remit_lag": "L1.remit"}``).
        Spellings of the same term are merged without asking: ``L.x`` (Stata,
        GMM) and ``L1.x`` (:func:`migecon.fit`), ``_cons`` and ``const``.
    groups : mapping of str to sequence of str, optional
        Grouped rows: ``{"Remittances": ["remittances"], "Network":
        ["diaspora"], "Technology": ["internet"], "Controls": [...]}``. Each
        group gets a label row and lists its terms in the given order; terms
        in no group come first (e.g. the lagged dependent variable), the
        constant last. Panel ARDL results (:func:`migecon.ardl`) are grouped
        by default into "Long run", "Adjustment" (``ec``) and "Short run".
    stars : sequence of float, bool or None
        Significance levels, largest first: ``(0.10, 0.05, 0.01)`` gives one
        star for p < 0.10, two for p < 0.05, three for p < 0.01. ``True``
        means that default, ``False``/``None``/``()`` no stars.
    se : {"std_errors", "tstats", "conf_int", "pvalues"}
        What goes under each coefficient.
    level : float
        Confidence level when ``se="conf_int"``.
    stats : sequence of str
        Bottom rows, in order: keys of :data:`STAT_KEYS`, or ``"test:<name>"``
        (p-value of ``result.tests[name]``), ``"stat:<name>"``
        (``result.stats[name]``) or ``"long_run:<regressor>"`` (the long-run
        effect of a dynamic model with its delta-method standard error,
        :meth:`Result.long_run`). A row appears only when a model fills it.
        IV columns show no R² (meaningless for 2SLS), their excluded
        instruments and the Kleibergen-Paap first-stage F under the model's
        own standard errors; "Instruments" counts GMM instruments.
    stat_labels : mapping, optional
        Labels of bottom rows, e.g. ``{"n_entities": "Firms",
        "entity_effects": "Firm effects"}``.
    add_rows : mapping of str to sequence of str, optional
        Extra rows above the statistics, one string per model
        (``{"Controls": ["No", "Yes", "Yes"]}``).
    notes : str or sequence of str, optional
        Notes added under the automatic ones (uncertainty and covariance
        type, stars, simulated data).
    title : str
        Caption.
    column_labels : sequence of str, optional
        Model titles; default each result's ``model_name``.
    column_groups : sequence of (str, int), optional
        An extra header line of spans over the columns, e.g.
        ``[("Static", 3), ("Dynamic", 1)]``; the sizes must add up to the
        number of models.
    digits : int
        Decimal places of coefficients, uncertainty and R².

    Returns
    -------
    RegressionTable
        Render with ``to_text()``, ``to_markdown()``, ``to_latex()``,
        ``to_html()``, ``to_csv()``, ``to_xlsx()``, ``to_docx()``, or
        ``save(path)``.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> r1 = mg.fit("growth ~ remittances", panel, estimator="pooled")
    >>> r2 = mg.fit("growth ~ investment + remittances", panel, estimator="fe")
    >>> table = mg.regression_table([r1, r2], panel=panel)
    >>> print(table.to_markdown().splitlines()[0])
    |  | GDP per capita growth |  |
    >>> [row[0] for row in table.model.body_rows()[:5:2]]
    ['Personal remittances', 'Investment', 'Constant']
    """
    res_list = [results] if isinstance(results, Result) else list(results)
    if not res_list:
        raise SpecificationError("regression_table needs at least one result; got none")
    for i, r in enumerate(res_list):
        if not isinstance(r, Result):
            raise SpecificationError(
                f"result {i + 1} is a {type(r).__name__}, not a migecon Result; saved "
                "results are read back with mg.Result.from_dict(json.load(file))")
    if se not in _SE_KINDS:
        raise SpecificationError(
            f"se must be one of {', '.join(map(repr, _SE_KINDS))}; got {se!r}")
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1; got {level!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 10:
        raise SpecificationError(f"digits must be an integer from 0 to 10; got {digits!r}")
    _warn_non_finite(res_list, column_labels)
    levels = _star_levels(stars)
    n = len(res_list)
    res_list = _harmonise(res_list, dict(rename or {}))
    all_labels = {canonical_term(k): v for k, v in
                  {**(panel.labels() if panel is not None else {}),
                   **dict(labels or {})}.items()}
    if groups is None:
        groups = _ardl_blocks(res_list)
    if groups:
        groups = {name: [canonical_term(t) for t in members] if not isinstance(members, str)
                  else members for name, members in groups.items()}

    terms = _term_sequence(res_list, order, keep, drop)
    sections = []
    for section_label, section_terms in _sections(terms, groups, res_list):
        rows: list[Row] = []
        for term in section_terms:
            coef, unc = _coef_cells(term, res_list, levels, se, level, digits)
            rows.append(Row(_label(term, all_labels), coef, "coef", term))
            rows.append(Row("", unc, "uncertainty", term))
        sections.append(Section(section_label, tuple(rows)))

    stat_rows = [Row(name, tuple(Cell(text=str(v)) for v in _check_len(values, n, name)),
                     "extra") for name, values in (add_rows or {}).items()]
    stat_rows += _stat_rows(res_list, stats, dict(stat_labels or {}), digits)

    all_notes = [_uncertainty_note(res_list, se, level)]
    if levels:
        all_notes.append(", ".join(f"{'*' * (i + 1)} p<{lvl:g}"
                                   for i, lvl in enumerate(levels)) + ".")
    if any(r.simulated for r in res_list):
        sim_notes = [n for r in res_list for n in r.notes if n.startswith("Simulated data")]
        for note in dict.fromkeys(sim_notes or ["Simulated data: not real countries."]):
            all_notes.append(note)
    all_notes += [notes] if isinstance(notes, str) else list(notes or [])

    header = _header(res_list, all_labels, column_labels, column_groups)
    return RegressionTable(TableModel(
        n_models=n, header=header, sections=tuple(sections), stats=tuple(stat_rows),
        notes=tuple(note for note in all_notes if note), title=title))


# ------------------------------------------------------------------ rows
def _ardl_blocks(results: list[Result]) -> dict[str, list[str]] | None:
    """Long-run, adjustment and short-run blocks when every model is a panel ARDL."""
    blocks = [getattr(r.fit_data, "blocks", None) for r in results]
    out: dict[str, list[str]] = {}
    for b in blocks:
        if not isinstance(b, Mapping):
            return None
        for name, terms in b.items():
            out.setdefault(name, [])
            out[name] += [t for t in terms if t not in out[name]]
    return out


def _star_levels(stars: bool | Sequence[float] | None) -> tuple[float, ...]:
    if stars is True:
        return (0.10, 0.05, 0.01)
    if stars is False or stars is None:
        return ()
    levels = tuple(float(s) for s in stars)
    if any(not 0 < s < 1 for s in levels) or list(levels) != sorted(levels, reverse=True) \
            or len(set(levels)) != len(levels):
        raise SpecificationError(
            "stars must be distinct significance levels between 0 and 1, largest first, "
            f"e.g. (0.10, 0.05, 0.01); got {tuple(stars)!r}")
    return levels


_SPELLINGS = ((re.compile(r"^L\.(.+)$"), r"L1.\1"), (re.compile(r"^F\.(.+)$"), r"F1.\1"),
              (re.compile(r"^D1\.(.+)$"), r"D.\1"))


def canonical_term(term: str) -> str:
    """One spelling per term: ``L.x`` (Stata) = ``L1.x`` (migecon), ``D1.x`` = ``D.x``,
    ``_cons`` = ``Intercept`` = ``const``; interactions part by part.

    Examples
    --------
    >>> canonical_term("L.n"), canonical_term("_cons"), canonical_term("L.w:k")
    ('L1.n', 'const', 'L1.w:k')
    """
    if term in CONSTANT_NAMES:
        return "const"
    if ":" in term:
        return ":".join(canonical_term(part) for part in term.split(":"))
    for pattern, replacement in _SPELLINGS:
        term = pattern.sub(replacement, term)
    return term


def _harmonise(results: list[Result], rename: Mapping[str, str]) -> list[Result]:
    """Rename terms (explicit ``rename`` first, then one spelling per term)."""
    out = []
    for i, r in enumerate(results):
        names = [str(t) for t in r.params.index]
        new = [canonical_term(rename.get(t, t)) for t in names]
        if len(set(new)) < len(new):
            dup = next(n for n in new if new.count(n) > 1)
            clash = [t for t, n in zip(names, new, strict=True) if n == dup]
            raise SpecificationError(
                f"model ({i + 1}) has terms {clash} that would share the row {dup!r}; "
                "change rename=")
        if new != names:
            mapping = dict(zip(names, new, strict=True))
            r = replace(r, params=r.params.rename(mapping),
                        cov=r.cov.rename(index=mapping, columns=mapping))
        out.append(r)
    return out


def _expand(option: str, patterns: Sequence[str], estimated: list[str]) -> list[str]:
    """Names or shell-style patterns (``"yr*"``) -> matching terms; unmatched raise."""
    found: list[str] = []
    for pattern in patterns:
        key = canonical_term(pattern)
        hits = [t for t in estimated if fnmatchcase(t, key)]
        if not hits:
            raise SpecificationError(
                f"{option} names {[pattern]}, which no model estimates; the models' terms "
                f"are {estimated}")
        found += [t for t in hits if t not in found]
    return found


def _term_sequence(results: list[Result], order: Sequence[str] | None,
                   keep: Sequence[str] | None, drop: Sequence[str]) -> list[str]:
    estimated: list[str] = []
    for r in results:
        estimated += [str(t) for t in r.params.index if t not in estimated]
    first = _expand("order", order or [], estimated)
    kept = _expand("keep", keep, estimated) if keep is not None else estimated
    dropped = _expand("drop", drop, estimated)
    rest = [t for t in estimated if t not in first]
    seq = first + [t for t in rest if t not in CONSTANT_NAMES] + \
        [t for t in rest if t in CONSTANT_NAMES]
    return [t for t in seq if t in kept and t not in dropped]


def _sections(terms: list[str], groups: Mapping[str, Sequence[str]] | None,
              results: list[Result]) -> list[tuple[str, list[str]]]:
    if not groups:
        return [("", terms)]
    seen: dict[str, str] = {}
    for name, members in groups.items():
        if isinstance(members, str):
            raise SpecificationError(
                f"group {name!r} must list terms, e.g. [{members!r}]; got the string "
                f"{members!r}")
        for term in members:
            if term in seen:
                raise SpecificationError(
                    f"term {term!r} is in two groups, {seen[term]!r} and {name!r}")
            seen[term] = name
        if not any(t in r.params.index for t in members for r in results):
            raise SpecificationError(
                f"group {name!r} lists {list(members)}, none of which any model estimates")
    out = [("", [t for t in terms if t not in seen and t not in CONSTANT_NAMES])]
    out += [(name, [t for t in members if t in terms]) for name, members in groups.items()]
    out.append(("", [t for t in terms if t not in seen and t in CONSTANT_NAMES]))
    return [(name, ts) for name, ts in out if ts]


_LAG = re.compile(r"^L(\d*)\.(.+)$")
_DIFF = re.compile(r"^D(\d*)\.(.+)$")


def _label(term: str, labels: Mapping[str, str]) -> str:
    """Label a term; lags, differences and interactions of labelled names are labelled."""
    if term in labels:
        return labels[term]
    if term in CONSTANT_NAMES:
        return "Constant"
    if ":" in term:
        parts = term.split(":")
        if any(p in labels for p in parts):
            return " × ".join(_label(p, labels) for p in parts)
        return term
    for pattern, kind in ((_LAG, "L"), (_DIFF, "D")):
        match = pattern.match(term)
        if match and match.group(2) in labels:
            k = int(match.group(1) or 1)
            base = _label(match.group(2), labels)
            if kind == "L":
                return f"{base} (t-{k})"
            return f"Δ {base}" if k == 1 else f"{base}, {k}-period change"
    return term


def value_of(series: pd.Series, key: str) -> float:
    """One number of a Series by label (typed for mypy: pandas-stubs types ``.at`` loosely)."""
    return float(series.to_numpy(dtype=float)[list(series.index).index(key)])


def _num(x: float, digits: int) -> str:
    return f"{x:.{digits}f}" if np.isfinite(x) else "n/a"


def _number_format(digits: int) -> str:
    return "0." + "0" * digits if digits else "0"


def _coef_cells(term: str, results: list[Result], levels: tuple[float, ...], se: str,
                level: float, digits: int) -> tuple[tuple[Cell, ...], tuple[Cell, ...]]:
    coefs, uncs = [], []
    fmt = _number_format(digits)
    for r in results:
        if term not in r.params.index:
            coefs.append(Cell())
            uncs.append(Cell())
            continue
        b = value_of(r.params, term)
        p = value_of(r.pvalues, term)
        stars = sum(p < lvl for lvl in levels) if np.isfinite(p) else 0
        coefs.append(Cell(_num(b, digits), b, stars, "", fmt))
        if se == "conf_int":
            ci = r.conf_int(level)
            lo, hi = value_of(ci["lower"], term), value_of(ci["upper"], term)
            uncs.append(Cell(f"{_num(lo, digits)}, {_num(hi, digits)}", None, 0, "[]"))
        elif se == "pvalues":
            uncs.append(Cell(_num(p, 3), p, 0, "()", "0.000"))
        else:
            value = value_of(getattr(r, se), term)
            uncs.append(Cell(_num(value, digits), value, 0, "()", fmt))
    return tuple(coefs), tuple(uncs)


def _check_len(values: Sequence[str], n: int, name: str) -> Sequence[str]:
    if isinstance(values, str) or len(values) != n:
        raise SpecificationError(
            f"add_rows[{name!r}] needs one entry per model ({n}); got {values!r}")
    return values


# ------------------------------------------------------------ statistics
def _entity_effects(r: Result) -> str:
    if r.estimator == "re":
        return "Random"
    # FE-2SLS (estimator "iv" with entity effects) removes them as FE does.
    removes = (r.estimator in ("fe", "fd", "mundlak", "iv", "mg", "ccemg", "ccep", "amg")
               or r.estimator.startswith(("gmm", "ardl-")))
    return "Yes" if removes and r.effects in ("entity", "twoway") else "No"


def _short_cov(r: Result) -> str:
    ci = r.cov_info
    if ci.cov_type == "clustered":
        return f"Clustered ({ci.cluster_by})" if ci.cluster_by else "Clustered"
    return {"unadjusted": "Conventional", "robust": "Robust", "driscoll-kraay": "Driscoll-Kraay",
            "windmeijer": "Windmeijer", "pmg": "ML / mean group",
            "mean-group": "Mean group"}.get(ci.cov_type, ci.cov_type)


def _clusters(r: Result) -> Cell:
    k = r.cov_info.n_clusters
    if k is None and "n_clusters" in r.stats and np.isfinite(r.stats["n_clusters"]):
        k = int(r.stats["n_clusters"])
    if k is None:
        return Cell()
    if isinstance(k, tuple):
        return Cell(" × ".join(f"{v:,}" for v in k))
    return Cell(f"{k:,}", float(k), number_format="#,##0")


def _count(value: float | int | None) -> Cell:
    if value is None or not np.isfinite(value) or value <= 0:
        return Cell()
    return Cell(f"{int(value):,}", float(int(value)), number_format="#,##0")


def _float_cell(value: float, digits: int) -> Cell:
    if not np.isfinite(value):
        return Cell()
    return Cell(_num(value, digits), float(value), number_format=_number_format(digits))


def _test_p(r: Result, key: str) -> Cell:
    test = r.tests.get(key)
    return Cell() if test is None else _float_cell(test.pvalue, 3)


_STATIC_R2 = ("fe", "re")


def _stat_getters(digits: int) -> dict[str, Callable[[Result], Cell]]:
    return {
        "entity_effects": lambda r: Cell(_entity_effects(r)),
        "time_effects": lambda r: Cell("Yes" if r.effects in ("time", "twoway") else "No"),
        "nobs": lambda r: _count(r.nobs),
        "n_entities": lambda r: _count(r.n_entities or r.stats.get("n_groups")),
        # No R² for IV: the 2SLS residuals are not orthogonal to the regressors, so
        # 1 - RSS/TSS can be any negative number and measures nothing.
        "r2_within": lambda r: _float_cell(r.rsquared_within, digits)
        if r.estimator in _STATIC_R2 and not _is_iv(r) else Cell(),
        "r2": lambda r: _float_cell(r.rsquared, digits)
        if r.estimator not in _STATIC_R2 and not _is_iv(r) else Cell(),
        "r2_overall": lambda r: _float_cell(r.rsquared_overall, digits),
        "se_type": lambda r: Cell(_short_cov(r)),
        "n_clusters": _clusters,
        "ar1": lambda r: _test_p(r, "ar1"),
        "ar2": lambda r: _test_p(r, "ar2"),
        "sargan": lambda r: _test_p(r, "sargan"),
        "hansen": lambda r: _test_p(r, "hansen"),
        # Instrument counts per kind of model: GMM counts every column of its
        # instrument matrix, IV the excluded instruments.
        "n_instruments": lambda r: _count(r.stats.get("n_instruments"))
        if r.estimator.startswith("gmm") else Cell(),
        "iv_instruments": lambda r: _count(r.stats.get("n_excluded_instruments"))
        if _is_iv(r) else Cell(),
        "first_stage_f": lambda r: _float_cell(r.stats.get("kp_f", np.nan), 2),
    }


def _is_iv(r: Result) -> bool:
    """An instrumental-variables model of :func:`migecon.fit` (not GMM)."""
    return ("kp_f" in r.stats or any(k.startswith("first_stage_f:") for k in r.stats)
            or "2SLS" in r.model_name)


def _long_run_cell(r: Result, term: str, digits: int) -> Cell:
    """``estimate (se)`` of the long-run effect of ``term``, empty if not dynamic."""
    from migecon.errors import SpecificationError as _Spec

    try:
        lr = r.long_run(terms=[term])
    except _Spec:
        return Cell()
    est, se = (float(v) for v in lr.loc[[term], ["estimate", "std_error"]].to_numpy()[0])
    return Cell(f"{_num(est, digits)} ({_num(se, digits)})", est,
                number_format=_number_format(digits))


def _stat_rows(results: list[Result], keys: Sequence[str], labels: dict[str, str],
               digits: int) -> list[Row]:
    if isinstance(keys, str):
        keys = [keys]
    getters = _stat_getters(digits)
    unknown = [k for k in labels if k not in STAT_KEYS
               and not k.startswith(("test:", "stat:", "long_run:"))]
    if unknown:
        raise SpecificationError(
            f"stat_labels names unknown rows {unknown}; valid: {', '.join(STAT_KEYS)}, "
            "'test:<name>', 'stat:<name>'")
    rows = []
    for key in keys:
        if key in getters:
            cells = tuple(getters[key](r) for r in results)
            label = labels.get(key, STAT_KEYS[key])
        elif key.startswith("test:"):
            name = key[5:]
            cells = tuple(_test_p(r, name) for r in results)
            found = next((r.tests[name].name for r in results if name in r.tests), name)
            label = labels.get(key, f"{found} (p)")
        elif key.startswith("long_run:"):
            name = key[9:]
            cells = tuple(_long_run_cell(r, name, digits) for r in results)
            label = labels.get(key, f"Long-run effect of {name} (se)")
        elif key.startswith("stat:"):
            name = key[5:]
            cells = tuple(_float_cell(float(r.stats.get(name, np.nan)), digits)
                          for r in results)
            label = labels.get(key, name)
        else:
            raise SpecificationError(
                f"unknown statistic {key!r} in stats; valid: {', '.join(STAT_KEYS)}, "
                "or 'test:<name>' (a key of Result.tests), 'stat:<name>' (of Result.stats), "
                "'long_run:<regressor>' (Result.long_run)")
        if any(c.text for c in cells):
            rows.append(Row(label, cells, "stat", key))
    return rows


# -------------------------------------------------------- header, notes
def _header(results: list[Result], labels: Mapping[str, str],
            column_labels: Sequence[str] | None,
            column_groups: Sequence[tuple[str, int]] | None) -> tuple[HeaderRow, ...]:
    n = len(results)
    rows = []
    if column_groups:
        spans, start = [], 0
        for text, size in column_groups:
            spans.append(Span(str(text), start, int(size)))
            start += int(size)
        if start != n or any(s.size < 1 for s in spans):
            raise SpecificationError(
                f"column_groups sizes must be positive and add up to the {n} models; got "
                f"{[size for _, size in column_groups]}")
        rows.append(HeaderRow(tuple(spans), "groups", rule=True))
    deps = [_label(r.dependent, labels) for r in results]
    spans, start = [], 0
    for i in range(1, n + 1):
        if i == n or deps[i] != deps[start]:
            spans.append(Span(deps[start], start, i - start))
            start = i
    rows.append(HeaderRow(tuple(spans), "dependent", rule=True))
    if column_labels is not None:
        if isinstance(column_labels, str) or len(column_labels) != n:
            raise SpecificationError(
                f"column_labels needs one label per model ({n}); got {column_labels!r}")
        names = [str(c) for c in column_labels]
    else:
        names = [r.model_name or r.estimator for r in results]
    rows.append(HeaderRow(tuple(Span(t, i) for i, t in enumerate(names)), "models"))
    rows.append(HeaderRow(tuple(Span(f"({i + 1})", i) for i in range(n)), "numbers"))
    return tuple(rows)


_UNCERTAINTY = {"std_errors": "Standard errors in parentheses",
                "tstats": "t statistics in parentheses",
                "pvalues": "p-values in parentheses"}


def _uncertainty_note(results: list[Result], se: str, level: float) -> str:
    what = (f"{level:.0%} confidence intervals in brackets" if se == "conf_int"
            else _UNCERTAINTY[se])
    lead = ", " if se == "std_errors" else "; standard errors "
    by_desc: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        by_desc.setdefault(r.cov_info.description, []).append(i + 1)
    if len(by_desc) == 1:
        return f"{what}{lead}{next(iter(by_desc))}." + _convention_note(results)
    parts = [f"{_column_list(cols)} {desc}" for desc, cols in by_desc.items()]
    return f"{what}{': ' if se == 'std_errors' else '; standard errors: '}" + \
        "; ".join(parts) + "." + _convention_note(results)


def _convention_note(results: list[Result]) -> str:
    """The small-sample convention of the columns whose covariance it affects."""
    by_rule: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        rule = getattr(r.cov_info, "convention", "")
        if rule:
            by_rule.setdefault(rule, []).append(i + 1)
    if not by_rule:
        return ""
    if len(by_rule) == 1 and len(next(iter(by_rule.values()))) == len(results):
        return f" Convention: {next(iter(by_rule))}."
    return " Convention: " + "; ".join(f"{_column_list(c)} {rule}"
                                        for rule, c in by_rule.items()) + "."


def _column_list(cols: list[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``"(1)-(3), (5)"``."""
    runs: list[list[int]] = []
    for c in cols:
        if runs and c == runs[-1][-1] + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return ", ".join(f"({r[0]})" if len(r) == 1 else f"({r[0]})-({r[-1]})" for r in runs)


# ------------------------------------------------------------- renderers
class RegressionTable:
    """A formatted regression table that renders to many formats.

    Build one with :func:`regression_table`. The ``to_*`` methods return
    strings (or bytes for Excel and Word); :meth:`save` picks the format from
    the file extension.

    Attributes
    ----------
    model : TableModel
        The format-independent content every renderer draws.
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

    def to_latex(self, *, standalone: bool = False, label: str = "") -> str:
        """A booktabs ``table`` float; ``standalone=True`` wraps it in a document.

        Needs only the ``booktabs`` package (``\\usepackage{booktabs}``).
        ``label`` adds ``\\label{...}`` for cross-references.
        """
        from migecon.report.render.latex import render_latex

        return render_latex(self.model, standalone=standalone, label=label)

    def to_html(self, standalone: bool = True) -> str:
        """An HTML page (``standalone=True``) or a ``<table>`` fragment."""
        from migecon.report.render.html import render_html

        return render_html(self.model, standalone=standalone)

    def to_csv(self) -> str:
        """CSV with the same lines as the other formats, notes at the end."""
        from migecon.report.render.markdown import render_csv

        return render_csv(self.model)

    def to_xlsx(self) -> bytes:
        """An Excel workbook (needs ``pip install 'migecon[excel]'``).

        Coefficients and statistics are stored as numbers (unrounded), with a
        number format that shows the digits, stars and brackets.
        """
        from migecon.report.render.xlsx import render_xlsx

        return render_xlsx(self.model)

    def to_docx(self) -> bytes:
        """A Word document holding the table (needs ``pip install 'migecon[word]'``)."""
        from migecon.report.render.docx import render_docx

        return render_docx(self.model)

    def render(self, fmt: str) -> str | bytes:
        """Render in a format named as in :data:`FORMATS` (``"tex"``, ``"xlsx"``...)."""
        renderers: dict[str, Callable[[], str | bytes]] = {
            "txt": self.to_text, "md": self.to_markdown, "tex": self.to_latex,
            "html": self.to_html, "csv": self.to_csv, "xlsx": self.to_xlsx,
            "docx": self.to_docx}
        if fmt not in renderers:
            raise SpecificationError(
                f"table format must be one of {', '.join(FORMATS)}; got {fmt!r}")
        return renderers[fmt]()

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (f"<migecon.RegressionTable: {self.model.n_models} models, "
                f"{sum(len(s.rows) // 2 for s in self.model.sections)} terms>")

    def _repr_html_(self) -> str:
        return self.to_html(standalone=False)

    def save(self, path: str | os.PathLike[str], *, format: str | None = None,
             overwrite: bool = True) -> Path:
        """Write the table; the format follows the extension unless ``format`` is given.

        Extensions: ``.txt .md .tex .html .csv .xlsx .docx`` (also ``.htm``,
        ``.markdown``). Returns the path written.

        Examples
        --------
        >>> import migecon as mg
        >>> panel = mg.load_dataset("remittances_sim")
        >>> table = mg.regression_table(mg.fit("growth ~ remittances", panel))
        >>> table.save(getfixture("tmp_path") / "table.tex").suffix
        '.tex'
        """
        target = Path(path)
        fmt = format if format is not None else _EXTENSIONS.get(target.suffix.lower())
        if fmt is None:
            raise SpecificationError(
                f"cannot tell the table format from {target.name!r}; use one of the "
                f"extensions {', '.join(_EXTENSIONS)} or pass format= (one of "
                f"{', '.join(FORMATS)})")
        if target.exists() and not overwrite:
            raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
        content = self.render(fmt)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content + "\n", encoding="utf-8")
        return target
