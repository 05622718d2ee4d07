"""Specification grids: one coefficient under every combination of choices.

Cross-country growth regressions have little power, so a result that holds for
one specification may not hold for its neighbours (Clemens and McKenzie 2018);
referees ask for the whole distribution. :func:`specification_grid` fits the
treatment's coefficient under every combination of control sets, estimators,
covariance types, samples and periods, in a fixed order, on one machine or a
cluster (``parallel=``, see :mod:`migecon.parallel`), and can resume an
interrupted run from an on-disk checkpoint. ``grid.plot()`` draws the
specification curve.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migecon.errors import EstimationWarning, MigeconError, SpecificationError
from migecon.parallel import Parallel, map_tasks, progress_bar, resolve

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from migecon.estimate.results import Result
    from migecon.panel.core import Panel

__all__ = ["SpecificationGrid", "specification_grid"]

#: Shortcuts accepted in ``estimators=``; any other name goes to ``mg.fit``'s
#: ``estimator=`` as is, and a mapping gives the options in full.
ESTIMATOR_SHORTCUTS: dict[str, dict[str, Any]] = {
    "fe-twoway": {"estimator": "fe", "effects": "twoway"},
    "gmm-system": {"method": "gmm", "transformation": "system", "collapse": True},
    "gmm-difference": {"method": "gmm", "transformation": "difference", "collapse": True},
}

_COLUMNS = ["spec", "sample", "period", "estimator", "controls", "n_controls", "cov_type",
            "term", "estimate", "std_error", "statistic", "pvalue", "conf_low", "conf_high",
            "nobs", "n_entities", "error", "warnings"]


@dataclass(frozen=True)
class _Task:
    """One fit (all covariance types of one sample x period x estimator x control set)."""

    key: str
    sample: str
    period: str
    estimator: str
    options: tuple[tuple[str, Any], ...]
    controls: tuple[str, ...]
    cov_types: tuple[str, ...]


@dataclass(frozen=True)
class _Runner:
    """Picklable: fits one task on its subpanel and returns table rows and results."""

    outcome: str
    treatment: str
    fit_options: tuple[tuple[str, Any], ...]
    level: float

    def __call__(self, item: tuple[Panel, _Task]
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any] | None]]:
        panel, task = item
        options = dict(task.options)
        rows: list[dict[str, Any]] = []
        results: list[dict[str, Any] | None] = []
        if options.get("method") == "gmm":
            covs: tuple[str, ...] = ("robust" if options.get("robust", True) else "unadjusted",)
        else:
            covs = task.cov_types
        for cov in covs:
            base = {"sample": task.sample, "period": task.period, "estimator": task.estimator,
                    "controls": " + ".join(task.controls) or "(none)",
                    "n_controls": len(task.controls), "cov_type": cov, "term": self.treatment}
            try:
                # Warnings of each fit (rows dropped, weak instruments...) are kept in
                # the table's "warnings" column rather than repeated once per cell.
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    res = self._fit(panel, options, task.controls, cov)
                notes = dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught)
                rows.append({**base, **_row(res, self.treatment, self.level),
                             "warnings": " | ".join(notes)})
                results.append(replace(res, resid=None, fit_data=None, sample=None).to_dict())
            except (MigeconError, ValueError, ArithmeticError, KeyError,
                    IndexError) as exc:
                rows.append({**base, "error": f"{type(exc).__name__}: {exc}"})
                results.append(None)
        return rows, results

    def _fit(self, panel: Panel, options: dict[str, Any], controls: tuple[str, ...],
             cov: str) -> Result:
        if options.get("method") == "gmm":
            from migecon.estimate.gmm.estimator import gmm

            gmm_options = {k: v for k, v in options.items() if k != "method"}
            endogenous = set(gmm_options.get("endogenous", ())) | set(
                gmm_options.get("predetermined", ()))
            exog = [v for v in (self.treatment, *controls) if v not in endogenous]
            gmm_options.setdefault("gmm", [self.outcome])
            return gmm(panel, dependent=self.outcome, exog=exog, **gmm_options)
        from migecon.estimate.linear.static import fit

        formula = f"{self.outcome} ~ {' + '.join((self.treatment, *controls))}"
        kwargs = {**dict(self.fit_options), **options, "cov_type": cov}
        return fit(formula, panel, **kwargs)


def _row(res: Result, term: str, level: float) -> dict[str, Any]:
    if term not in res.params.index:
        raise SpecificationError(f"{term!r} was not estimated (absorbed or dropped)")
    ci = res.conf_int(level)
    se = float(res.std_errors[term])
    low, high = (float(v) for v in ci.loc[term, ["lower", "upper"]].to_numpy())
    return {"estimate": float(res.params[term]), "std_error": se,
            "statistic": float(res.params[term]) / se if se > 0 else float("nan"),
            "pvalue": float(res.pvalues[term]), "conf_low": low, "conf_high": high,
            "nobs": int(res.nobs), "n_entities": int(res.n_entities), "error": ""}


@dataclass
class SpecificationGrid:
    """The outcome of :func:`specification_grid`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per specification, in the grid's fixed order: the choices
        (``sample``, ``period``, ``estimator``, ``controls``, ``cov_type``), the
        treatment's ``estimate``, ``std_error``, ``statistic``, ``pvalue``,
        confidence bounds, ``nobs``, ``n_entities``, ``error`` (empty when the
        fit succeeded) and ``warnings`` (what the fit warned about: rows dropped,
        weak instruments...).
    results : list of Result or None
        The fitted results (residuals and data not kept), aligned with ``table``.
    treatment : str
        The coefficient of interest.
    backend : str
        Where the fits ran.
    resumed : int
        Specifications read back from the checkpoint instead of fitted.
    """

    table: pd.DataFrame
    results: list[Result | None]
    treatment: str
    backend: str = "serial"
    resumed: int = 0
    dimensions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def valid(self) -> pd.DataFrame:
        """The rows whose fit succeeded."""
        return self.table[self.table["error"] == ""]

    def summary(self) -> str:
        """Share of specifications with a positive, and a significant, estimate."""
        ok = self.valid
        if ok.empty:
            return "no specification could be estimated"
        pos = float((ok["estimate"] > 0).mean())
        sig = float((ok["pvalue"] < 0.05).mean())
        return (f"{len(ok)} of {len(self.table)} specifications estimated; {self.treatment}: "
                f"median {ok['estimate'].median():.4g} (range {ok['estimate'].min():.4g} to "
                f"{ok['estimate'].max():.4g}); positive in {pos:.0%}, p < 0.05 in {sig:.0%}")

    def __str__(self) -> str:
        return self.summary()

    def features(self) -> dict[str, list[bool]]:
        """Rows of the specification curve's lower panel, one flag per valid specification."""
        ok = self.valid
        feats: dict[str, list[bool]] = {}
        for column, title in (("estimator", "Estimator"), ("cov_type", "SE"),
                              ("sample", "Sample"), ("period", "Period")):
            values = self.dimensions.get(column, [])
            if len(values) > 1:
                for value in values:
                    feats[f"{title}: {value}"] = [v == value for v in ok[column]]
        for control in self.dimensions.get("control_names", []):
            feats[control] = [control in c.split(" + ") for c in ok["controls"]]
        return feats

    def plot(self, *, labels: Mapping[str, str] | None = None, title: str = "",
             level: float = 0.95, alpha: float = 0.05) -> Figure:
        """The specification curve of the treatment over every valid specification."""
        from migecon.report.figures_models import specification_curve

        kept = [r for r in self.results if r is not None]
        if len(kept) < 2:
            raise SpecificationError(
                f"a specification curve needs at least two estimated specifications; "
                f"{len(kept)} of {len(self.table)} were estimated")
        return specification_curve(kept, self.treatment, features=self.features(),
                                   labels=labels, level=level, alpha=alpha, title=title)


def specification_grid(
    panel: Panel,
    *,
    outcome: str,
    treatment: str,
    controls: Sequence[str] | Sequence[Sequence[str]] = (),
    estimators: Sequence[str] | Mapping[str, Mapping[str, Any]] = ("fe",),
    cov_types: Sequence[str] = ("clustered",),
    samples: Mapping[str, Any] | None = None,
    periods: Sequence[tuple[int, int]] | None = None,
    fit_options: Mapping[str, Any] | None = None,
    parallel: Parallel = None,
    checkpoint: str | os.PathLike[str] | None = None,
    progress: bool = True,
    level: float = 0.95,
) -> SpecificationGrid:
    """Fit the treatment's coefficient under every combination of choices.

    Parameters
    ----------
    panel : Panel
        The data.
    outcome, treatment : str
        Dependent variable and the regressor of interest (always included).
    controls : sequence of str, or sequence of sequences of str
        Names (every subset is tried, from none to all) or explicit control sets.
    estimators : sequence of str or mapping of str to dict
        ``mg.fit`` estimators (``"pooled"``, ``"fe"``, ``"re"``, ...), the shortcuts
        ``"fe-twoway"``, ``"gmm-system"`` and ``"gmm-difference"`` (collapsed,
        two-step, the outcome's lags as GMM instruments, the treatment and controls
        as exogenous), or a mapping from a label to options: ``mg.fit`` keywords, or
        ``{"method": "gmm", ...}`` with ``mg.gmm`` keywords.
    cov_types : sequence of str
        Covariance types of ``mg.fit`` (GMM specifications use their own).
    samples : mapping of str to None, callable or sequence, optional
        Named samples: ``None`` (all), a function ``Panel -> Panel``, a list of
        entities to keep, or ``{"exclude": [...]}``. Default: the whole panel.
    periods : sequence of (first, last), optional
        Year ranges (inclusive). Default: every year.
    fit_options : mapping, optional
        Options passed to every ``mg.fit`` (``small_sample=``, ``cluster=``...).
    parallel : None, int or str
        Serial, local processes, ``"dask"`` or a joblib backend
        (:mod:`migecon.parallel`); the table is the same whatever the choice.
    checkpoint : path, optional
        A JSON-lines file updated as each fit completes; rerunning the same grid
        with the same file fits only what is missing. A file written for another
        grid or panel is refused.
    progress : bool
        Show a progress bar.
    level : float
        Confidence level of the bounds.

    Returns
    -------
    SpecificationGrid

    Raises
    ------
    SpecificationError
        An empty dimension, an unknown sample type, a checkpoint of another grid,
        or a grid in which no specification could be estimated.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> grid = mg.specification_grid(panel, outcome="growth", treatment="remittances",
    ...                              controls=["investment", "trade"],
    ...                              estimators=["pooled", "fe"], progress=False)
    >>> len(grid.table), list(grid.table["controls"][:4])
    (8, ['(none)', 'investment', 'trade', 'investment + trade'])
    """
    control_sets, control_names = _control_sets(controls)
    est_options = _estimators(estimators)
    if not cov_types:
        raise SpecificationError("cov_types must name at least one covariance type")
    subpanels, sample_names, period_names = _subpanels(panel, samples, periods)
    tasks = [
        _Task(key=json.dumps([s, p, e, list(c)]), sample=s, period=p, estimator=e,
              options=tuple(sorted(est_options[e].items())), controls=tuple(c),
              cov_types=tuple(cov_types))
        for s, p, e, c in itertools.product(sample_names, period_names, est_options,
                                            control_sets)]
    runner = _Runner(outcome, treatment, tuple(sorted((fit_options or {}).items())),
                     level)
    backend = resolve(parallel)
    done: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any] | None]]] = {}
    store: _Checkpoint | None = None
    if checkpoint is not None:
        signature = _signature(panel, outcome, treatment, tasks, runner.fit_options, level)
        store = _Checkpoint(Path(checkpoint), signature)
        done = store.read()
    todo = [t for t in tasks if t.key not in done]
    bar = progress_bar(len(tasks), progress, "specifications", unit="fit",
                       initial=len(tasks) - len(todo))

    def record(i: int, out: tuple[list[dict[str, Any]], list[dict[str, Any] | None]]) -> None:
        done[todo[i].key] = out
        if store is not None:
            store.append(todo[i].key, out)
        bar.update(1)

    try:
        map_tasks(runner, [(subpanels[(t.sample, t.period)], t) for t in todo],
                  backend=backend, on_result=record)
    finally:
        bar.close()
    return _assemble(tasks, done, treatment, backend.describe(), len(tasks) - len(todo),
                     {"estimator": list(est_options), "cov_type": list(cov_types),
                      "sample": sample_names, "period": period_names,
                      "control_names": control_names})


# ---------------------------------------------------------------- the choices
def _control_sets(controls: Sequence[str] | Sequence[Sequence[str]]
                  ) -> tuple[list[tuple[str, ...]], list[str]]:
    items = list(controls)
    if isinstance(controls, str):
        raise SpecificationError(
            f"controls must be a list of names (every subset is tried) or a list of sets; got "
            f"the string {controls!r}")
    if all(isinstance(c, str) for c in items):
        names = list(dict.fromkeys(items))
        if len(names) > 16:
            raise SpecificationError(
                f"{len(names)} controls give {2 ** len(names):,} subsets; give explicit sets "
                "(a list of lists) instead")
        subsets = [tuple(str(v) for v in c) for r in range(len(names) + 1)
                   for c in itertools.combinations(names, r)]
        return subsets, [str(n) for n in names]
    if all(not isinstance(c, str) and isinstance(c, Iterable) for c in items):
        given = [tuple(str(v) for v in c) for c in items]
        return given, list(dict.fromkeys(v for c in given for v in c))
    raise SpecificationError(
        "controls must be all names (every subset is tried) or all sets of names, not a mix")


def _estimators(estimators: Sequence[str] | Mapping[str, Mapping[str, Any]]
                ) -> dict[str, dict[str, Any]]:
    if isinstance(estimators, str):
        estimators = [estimators]
    if isinstance(estimators, Mapping):
        out = {str(k): dict(v) for k, v in estimators.items()}
    else:
        out = {}
        for name in estimators:
            out[name] = dict(ESTIMATOR_SHORTCUTS.get(name, {"estimator": name}))
    if not out:
        raise SpecificationError("estimators must name at least one estimator")
    return out


def _subpanels(panel: Panel, samples: Mapping[str, Any] | None,
               periods: Sequence[tuple[int, int]] | None
               ) -> tuple[dict[tuple[str, str], Panel], list[str], list[str]]:
    chosen = dict(samples) if samples is not None else {"all": None}
    if not chosen:
        raise SpecificationError("samples must name at least one sample (or be None)")
    spans = list(periods) if periods is not None else [None]
    if not spans:
        raise SpecificationError("periods must give at least one (first, last) range")
    for span in spans:
        if span is not None and not (isinstance(span, tuple | list) and len(span) == 2):
            raise SpecificationError(
                f"each period must be a (first, last) pair of years; got {span!r}")
    out: dict[tuple[str, str], Panel] = {}
    period_names = ["all" if s is None else f"{s[0]}-{s[1]}" for s in spans]
    for name, rule in chosen.items():
        base = _sample(panel, str(name), rule)
        for label, span in zip(period_names, spans, strict=True):
            sub = base if span is None else base.subset(years=(span[0], span[1]))
            out[(str(name), label)] = sub
    return out, [str(n) for n in chosen], period_names


def _sample(panel: Panel, name: str, rule: Any) -> Panel:
    if rule is None:
        return panel
    if callable(rule):
        picked = rule(panel)
        if not hasattr(picked, "subset"):
            raise SpecificationError(
                f"sample {name!r}: the function must return a Panel; got {type(picked).__name__}")
        return picked
    if isinstance(rule, Mapping) and set(rule) == {"exclude"}:
        gone = set(map(str, rule["exclude"]))
        return panel.subset(countries=[e for e in panel.entities if e not in gone])
    if isinstance(rule, Iterable) and not isinstance(rule, str | Mapping):
        return panel.subset(countries=list(rule))
    raise SpecificationError(
        f"sample {name!r}: expected None, a function Panel -> Panel, a list of entities or "
        f"{{'exclude': [...]}}; got {rule!r}")


# ---------------------------------------------------------------- checkpoint
def _signature(panel: Panel, outcome: str, treatment: str, tasks: list[_Task],
               fit_options: tuple[tuple[str, Any], ...], level: float) -> str:
    spec = json.dumps({"panel": panel.content_hash(), "outcome": outcome,
                       "treatment": treatment, "tasks": [[t.key, repr(t.options), t.cov_types]
                                                         for t in tasks],
                       "fit_options": repr(fit_options), "level": level}, default=str)
    return hashlib.sha256(spec.encode()).hexdigest()


class _Checkpoint:
    """A JSON-lines file: a header with the grid's signature, then one line per task."""

    def __init__(self, path: Path, signature: str) -> None:
        self.path, self.signature = path, signature

    def read(self) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any] | None]]]:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "w", encoding="utf-8") as fh:
                fh.write(json.dumps({"migecon_grid": 1, "signature": self.signature}) + "\n")
            return {}
        lines = self.path.read_text(encoding="utf-8").splitlines()
        try:
            header = json.loads(lines[0]) if lines else {}
        except json.JSONDecodeError:
            header = {}
        if header.get("signature") != self.signature:
            raise SpecificationError(
                f"checkpoint {str(self.path)!r} was written for another grid or panel; "
                "delete it, or pass another checkpoint path")
        done: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any] | None]]] = {}
        broken = 0
        for line in lines[1:]:
            try:
                entry = json.loads(line)
                done[entry["task"]] = (entry["rows"], entry["results"])
            except (json.JSONDecodeError, KeyError, TypeError):
                broken += 1  # a line cut short when the run was interrupted
        if broken:
            warnings.warn(f"checkpoint {str(self.path)!r}: {broken} incomplete line(s) ignored; "
                          "those specifications are fitted again", EstimationWarning,
                          stacklevel=4)
            self._rewrite(done)
        return done

    def _rewrite(self, done: Mapping[str, Any]) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"migecon_grid": 1, "signature": self.signature}) + "\n")
            for key, (rows, results) in done.items():
                fh.write(json.dumps({"task": key, "rows": rows, "results": results}) + "\n")
        os.replace(tmp, self.path)

    def append(self, key: str, out: tuple[list[dict[str, Any]], list[dict[str, Any] | None]]
               ) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"task": key, "rows": out[0], "results": out[1]}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())


# ---------------------------------------------------------------- assembly
def _assemble(tasks: list[_Task],
              done: Mapping[str, tuple[list[dict[str, Any]], list[dict[str, Any] | None]]],
              treatment: str, backend: str, resumed: int,
              dimensions: dict[str, list[str]]) -> SpecificationGrid:
    import pandas as pd

    from migecon.estimate.results import Result

    rows: list[dict[str, Any]] = []
    results: list[Result | None] = []
    for task in tasks:
        task_rows, task_results = done[task.key]
        rows.extend(task_rows)
        results.extend(None if r is None else Result.from_dict(r) for r in task_results)
    table = pd.DataFrame(rows).reindex(columns=_COLUMNS)
    table["spec"] = range(len(table))
    for column in ("error", "warnings"):
        table[column] = table[column].astype(object).fillna("")
    failed = table[table["error"] != ""]
    if len(failed) == len(table):
        first = failed["error"].iloc[0] if len(failed) else "no specification"
        raise SpecificationError(
            f"no specification of the grid could be estimated ({len(table)} tried); first "
            f"error: {first}")
    if len(failed):
        kinds = Counter(e.split(":")[0] for e in failed["error"])
        counts = ", ".join(f"{k}: {v}" for k, v in kinds.items())
        warnings.warn(
            f"{len(failed)} of {len(table)} specifications could not be estimated and are "
            f"kept in the table with their error ({counts}); first: {failed['error'].iloc[0]}",
            EstimationWarning, stacklevel=3)
    return SpecificationGrid(table=table, results=results, treatment=treatment, backend=backend,
                             resumed=resumed, dimensions=dimensions)
