"""Monte Carlo experiments: bias, RMSE, coverage and rejection rates of estimators.

:func:`monte_carlo` draws ``reps`` panels from a DGP, applies every estimator
to each, and summarises, for every true coefficient, the bias, the RMSE, the
coverage of the nominal 95% intervals and the rejection rates of the true
value (size) and of zero (power), each with its Monte Carlo standard error so
that a reader knows which differences are noise.

Replication ``r`` uses its own random stream, ``SeedSequence(seed).spawn(reps)[r]``,
so results do not depend on how the work is split: ``parallel=2`` (two worker
processes through joblib), ``parallel="dask"`` (a Dask cluster) and the serial
default give exactly the same numbers (:mod:`migecon.parallel`).

Estimators are callables ``panel -> Result``; :func:`fit_spec` and
:func:`gmm_spec` build picklable ones from migecon's ``fit`` and ``gmm``. A
callable may instead return a :class:`MCEstimate` (for procedures whose
p-values are not t tests, e.g. the wild bootstrap); it can read the true
values from ``panel.metadata["true_params"]`` to test them.
"""

from __future__ import annotations

import math
import os
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from migecon.errors import EstimationWarning, MigeconError, SpecificationError
from migecon.estimate.results import Result
from migecon.simulate.dgp import DGP

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from migecon.panel.core import Panel

__all__ = ["FitSpec", "GmmSpec", "MCEstimate", "MonteCarloResult", "WildBootstrapSpec",
           "fit_spec", "gmm_spec", "monte_carlo", "wild_bootstrap_spec"]


# ------------------------------------------------------------- estimators
@dataclass(frozen=True)
class MCEstimate:
    """What an estimator returns when its inference is not a t test on a Result.

    Attributes
    ----------
    params : mapping of str to float
        Point estimates by term.
    pvalue_true : mapping of str to float
        p-value of the test of H0: coefficient = its true value.
    pvalue_zero : mapping of str to float
        p-value of the test of H0: coefficient = 0 (optional).
    std_errors : mapping of str to float
        Standard errors, if the procedure has them (optional).
    extras : mapping of str to float
        Anything else to average over replications.
    """

    params: Mapping[str, float]
    pvalue_true: Mapping[str, float]
    pvalue_zero: Mapping[str, float] = field(default_factory=dict)
    std_errors: Mapping[str, float] = field(default_factory=dict)
    extras: Mapping[str, float] = field(default_factory=dict)


Estimator = Callable[["Panel"], "Result | MCEstimate"]


@dataclass(frozen=True)
class FitSpec:
    """A picklable ``panel -> mg.fit(formula, panel, **options)``.

    ``rename`` maps the result's term names to the DGP's (e.g. ``{"L.y": "L1.y"}``).
    """

    formula: str
    options: Mapping[str, Any] = field(default_factory=dict)
    rename: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, panel: Panel) -> Result:
        from migecon.estimate.linear.static import fit

        return fit(self.formula, panel, **self.options)


@dataclass(frozen=True)
class GmmSpec:
    """A picklable ``panel -> mg.gmm(command, panel, **options)`` (or keyword form)."""

    command: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    rename: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, panel: Panel) -> Result:
        import migecon

        gmm = getattr(migecon, "gmm", None)
        if gmm is None:
            raise SpecificationError("mg.gmm is not available in this version of migecon")
        result: Result = gmm(self.command, panel, **self.options) if self.command else \
            gmm(panel, **self.options)
        return result


@dataclass(frozen=True)
class WildBootstrapSpec:
    """A picklable estimator: ``mg.fit`` then the wild cluster bootstrap of each true value.

    The bootstrap tests ``H0: coefficient = true value`` (for coverage) and
    ``H0: coefficient = 0`` (for power) for every term of
    ``panel.metadata["true_params"]``. Its draws are seeded from the panel's
    content hash, so a replication gives the same p-values in any worker.
    """

    formula: str
    options: Mapping[str, Any] = field(default_factory=dict)
    B: int = 999
    weights: str = "webb"
    rename: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, panel: Panel) -> MCEstimate:
        from migecon.estimate.linear.bootstrap import wild_bootstrap
        from migecon.estimate.linear.static import fit

        result = fit(self.formula, panel, **self.options)
        seed = int(panel.content_hash()[:8], 16)
        truth = panel.metadata.get("true_params", {})
        params, p_true, p_zero, ses = {}, {}, {}, {}
        for term, true in truth.items():
            raw = next((k for k, v in self.rename.items() if v == term), term)
            if raw not in result.params.index:
                continue
            p_true[term] = wild_bootstrap(result, raw, null=float(true), B=self.B,
                                          weights=self.weights, seed=seed,
                                          conf_int=False).pvalue
            p_zero[term] = wild_bootstrap(result, raw, null=0.0, B=self.B,
                                          weights=self.weights, seed=seed,
                                          conf_int=False).pvalue
            params[term] = float(result.params[raw])
            ses[term] = float(result.std_errors[raw])
        return MCEstimate(params=params, pvalue_true=p_true, pvalue_zero=p_zero,
                          std_errors=ses)


def wild_bootstrap_spec(formula: str, *, B: int = 999, weights: str = "webb",
                        rename: Mapping[str, str] | None = None,
                        **options: Any) -> WildBootstrapSpec:
    """An estimator for :func:`monte_carlo`: ``mg.fit`` then ``mg.wild_bootstrap`` tests.

    Coverage is the share of replications in which the bootstrap test does
    not reject the true value (the coverage of the test-inversion interval).

    Examples
    --------
    >>> wb = wild_bootstrap_spec("growth ~ remittances", estimator="pooled",
    ...                          cov_type="clustered", small_sample="stata")
    >>> wb.weights, wb.B
    ('webb', 999)
    """
    return WildBootstrapSpec(formula, dict(options), B, weights, dict(rename or {}))


def fit_spec(formula: str, *, rename: Mapping[str, str] | None = None,
             **options: Any) -> FitSpec:
    """An estimator for :func:`monte_carlo` that runs :func:`migecon.fit`.

    Examples
    --------
    >>> fe = fit_spec("growth ~ remittances", estimator="fe", cov_type="clustered")
    >>> fe.options["estimator"]
    'fe'
    """
    return FitSpec(formula, dict(options), dict(rename or {}))


def gmm_spec(command: str = "", *, rename: Mapping[str, str] | None = None,
             **options: Any) -> GmmSpec:
    """An estimator for :func:`monte_carlo` that runs ``mg.gmm`` (xtabond2 syntax or keywords)."""
    return GmmSpec(command, dict(options), dict(rename or {}))


# ---------------------------------------------------------- one replication
def _t_pvalue(result: Result, term: str, value: float) -> float:
    se = float(result.std_errors[term])
    if not np.isfinite(se) or se <= 0:
        return math.nan
    t = abs(float(result.params[term]) - value) / se
    if result.cov_info.dist == "t" and result.cov_info.df_resid:
        return float(2 * stats.t.sf(t, result.cov_info.df_resid))
    return float(2 * stats.norm.sf(t))


def _extras(result: Result) -> dict[str, float]:
    """p-values of the model-level tests (Hansen, Sargan, AR(m), Hausman...) and counts.

    Tests of instrument subsets (``diff_hansen:<group>``...) are left out:
    their names change with the specification.
    """
    out: dict[str, float] = {}
    for key, test in result.tests.items():
        if ":" in key:
            continue
        out[f"pvalue:{key}"] = float(test.pvalue)
    for key in ("n_instruments",):
        if key in result.stats:
            out[key] = float(result.stats[key])
    return out


def _records(name: str, outcome: Result | MCEstimate, truth: Mapping[str, float],
             rename: Mapping[str, str], rep: int, level: float) -> list[dict[str, Any]]:
    rows = []
    if isinstance(outcome, Result):
        params = outcome.params.rename(lambda k: rename.get(str(k), str(k)))
        inverse = {rename.get(str(k), str(k)): str(k) for k in outcome.params.index}
        ci = outcome.conf_int(level)
        position = {str(k): i for i, k in enumerate(ci.index)}
        extras = _extras(outcome)
        for term, true in truth.items():
            if term not in params.index:
                continue
            raw = inverse[term]
            rows.append({
                "rep": rep, "estimator": name, "term": term, "truth": true,
                "estimate": float(params[term]),
                "std_error": float(outcome.std_errors[raw]),
                "ci_low": float(ci["lower"].to_numpy(dtype=float)[position[raw]]),
                "ci_high": float(ci["upper"].to_numpy(dtype=float)[position[raw]]),
                "pvalue_true": _t_pvalue(outcome, raw, true),
                "pvalue_zero": _t_pvalue(outcome, raw, 0.0), **extras})
    else:
        for term, true in truth.items():
            if term not in outcome.params:
                continue
            rows.append({
                "rep": rep, "estimator": name, "term": term, "truth": true,
                "estimate": float(outcome.params[term]),
                "std_error": float(outcome.std_errors.get(term, math.nan)),
                "ci_low": math.nan, "ci_high": math.nan,
                "pvalue_true": float(outcome.pvalue_true.get(term, math.nan)),
                "pvalue_zero": float(outcome.pvalue_zero.get(term, math.nan)),
                **{k: float(v) for k, v in outcome.extras.items()}})
    return rows


def _run_chunk(dgp: DGP, estimators: Mapping[str, Estimator],
               seeds: Sequence[tuple[int, np.random.SeedSequence]], level: float,
               ) -> tuple[list[dict[str, Any]], list[tuple[int, str, str]]]:
    """Replications ``seeds`` in one worker; returns rows and (rep, estimator, problem)."""
    rows: list[dict[str, Any]] = []
    problems: list[tuple[int, str, str]] = []
    pid = os.getpid()
    truth = dgp.truth
    for rep, seed in seeds:
        panel = dgp.simulate(np.random.default_rng(seed))
        for name, estimator in estimators.items():
            rename = getattr(estimator, "rename", {}) or {}
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    outcome = estimator(panel)
                except (MigeconError, ValueError, np.linalg.LinAlgError) as exc:
                    problems.append((rep, name, f"error: {type(exc).__name__}: {exc}"))
                    continue
            for w in caught:
                problems.append((rep, name, f"warning: {w.category.__name__}: "
                                 f"{str(w.message)[:120]}"))
            new = _records(name, outcome, truth, rename, rep, level)
            for row in new:
                row["worker"] = pid
            rows += new
    return rows, problems


# ----------------------------------------------------------------- result
@dataclass(frozen=True)
class MonteCarloResult:
    """Draws and summary of a Monte Carlo experiment.

    Attributes
    ----------
    dgp : DGP
        The data-generating process.
    draws : DataFrame
        One row per replication, estimator and term: estimate, std_error,
        ci_low, ci_high, pvalue_true, pvalue_zero, worker (process id), and
        extras such as ``pvalue:hansen`` or ``n_instruments``.
    reps, seed, n_jobs, level : int, int, int, float
        How it was run (``n_jobs``: the workers the backend offered).
    problems : DataFrame
        Estimation errors and warnings by replication (nothing is dropped silently).
    elapsed : float
        Wall-clock seconds.
    """

    dgp: DGP
    draws: pd.DataFrame
    reps: int
    seed: int
    n_jobs: int
    level: float
    problems: pd.DataFrame
    elapsed: float
    estimator_names: tuple[str, ...] = ()

    @property
    def n_workers(self) -> int:
        """Number of distinct processes that ran replications."""
        return int(self.draws["worker"].nunique()) if len(self.draws) else 0

    @property
    def table(self) -> pd.DataFrame:
        """Bias, RMSE, coverage and rejection rates per estimator and term.

        Columns: ``truth``, ``mean``, ``bias``, ``mc_se_bias`` (Monte Carlo SE
        of the bias), ``sd``, ``rmse``, ``mean_se`` (average reported standard
        error; ``median_se`` is robust to a few exploding ones), ``coverage``
        (share of replications whose test does not reject
        the true value at 1 - level: the coverage of the level intervals),
        ``mc_se_coverage``, ``size`` (1 - coverage), ``reject_zero`` (power
        against 0), ``n`` (replications with an estimate) and the means of
        any extras.
        """
        if self.draws.empty:
            return pd.DataFrame()
        alpha = 1 - self.level
        rows = []
        order = {name: i for i, name in enumerate(self.estimator_names)}
        base = {"rep", "estimator", "term", "truth", "estimate", "std_error", "ci_low",
                "ci_high", "pvalue_true", "pvalue_zero", "worker"}
        extra_cols = [c for c in self.draws.columns if c not in base]
        for (est, term), g in self.draws.groupby(["estimator", "term"], sort=False):
            n = len(g)
            truth = float(g["truth"].iloc[0])
            err = g["estimate"] - truth
            p = g["pvalue_true"].dropna()
            cover = float((p >= alpha).mean()) if len(p) else math.nan
            p0 = g["pvalue_zero"].dropna()
            row = {
                "estimator": est, "term": term, "truth": truth,
                "mean": float(g["estimate"].mean()), "bias": float(err.mean()),
                "mc_se_bias": float(err.std(ddof=1) / np.sqrt(n)) if n > 1 else math.nan,
                "sd": float(g["estimate"].std(ddof=1)) if n > 1 else math.nan,
                "rmse": float(np.sqrt((err**2).mean())),
                "mean_se": float(g["std_error"].mean()),
                "median_se": float(g["std_error"].median()),
                "coverage": cover,
                "mc_se_coverage": float(np.sqrt(cover * (1 - cover) / len(p))) if len(p)
                else math.nan,
                "size": 1 - cover if np.isfinite(cover) else math.nan,
                "reject_zero": float((p0 < alpha).mean()) if len(p0) else math.nan,
                "n": n,
            }
            for col in extra_cols:
                values = g[col].dropna()
                if len(values):
                    key = col.replace("pvalue:", "mean_p_")
                    row[key] = float(values.mean())
                    if col.startswith("pvalue:"):
                        row[col.replace("pvalue:", "reject_")] = float((values < alpha).mean())
            rows.append(row)
        out = pd.DataFrame(rows)
        out["_order"] = out["estimator"].map(order).fillna(len(order))
        return out.sort_values(["term", "_order"], kind="stable").drop(columns="_order") \
            .reset_index(drop=True)

    def summary(self) -> str:
        """A text table for the console, with the DGP and Monte Carlo settings."""
        tab = self.table
        cols = ["estimator", "term", "truth", "mean", "bias", "mc_se_bias", "rmse", "sd",
                "median_se", "coverage", "mc_se_coverage", "reject_zero"]
        cols += [c for c in tab.columns if c in ("mean_p_hansen", "reject_hansen",
                                                  "mean_p_ar2", "n_instruments")]
        head = (f"Monte Carlo: {type(self.dgp).__name__}, {self.reps} replications, seed "
                f"{self.seed}, {self.n_workers} worker process(es), {self.elapsed:.1f} s; "
                f"coverage of {self.level:.0%} intervals")
        body = tab[cols].to_string(index=False, float_format=lambda x: f"{x:.4f}") \
            if len(tab) else "(no estimates)"
        notes = []
        if len(self.problems):
            counts = self.problems.groupby(["estimator", "kind"]).size().rename("n") \
                .reset_index()
            notes = [f"{r['estimator']}: {r['n']} replication(s) with {r['kind']}"
                     for _, r in counts.iterrows()]
        return "\n".join([head, body, *notes])

    def __str__(self) -> str:
        return self.summary()

    def to_markdown(self, digits: int = 4) -> str:
        """The summary table as GitHub Markdown, with the settings in a note below."""
        tab = self.table
        cols = [c for c in ("estimator", "term", "truth", "mean", "bias", "mc_se_bias", "rmse",
                            "sd", "median_se", "coverage", "mc_se_coverage", "reject_zero",
                            "mean_p_hansen", "n_instruments", "n") if c in tab.columns]
        lines = ["| " + " | ".join(cols) + " |",
                 "|" + "|".join(":---" if c in ("estimator", "term") else "---:"
                                for c in cols) + "|"]
        for _, r in tab[cols].iterrows():
            cells = [str(r[c]) if c in ("estimator", "term", "n") else
                     ("" if not np.isfinite(r[c]) else f"{r[c]:.{digits}f}") for c in cols]
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", f"{type(self.dgp).__name__}, {self.reps} replications, seed {self.seed}; "
                  f"coverage of {self.level:.0%} intervals; mc_se_*: Monte Carlo standard "
                  "errors."]
        return "\n".join(lines) + "\n"

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the table (``.md``, ``.csv``) or the figure (``.png``, ``.pdf``, ``.svg``)."""
        target = Path(path)
        suffix = target.suffix.lower()
        target.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".md":
            target.write_text(self.to_markdown(), encoding="utf-8")
        elif suffix == ".csv":
            self.table.to_csv(target, index=False)
        elif suffix in (".png", ".pdf", ".svg"):
            import matplotlib.pyplot as plt

            fig = self.figure()
            fig.savefig(target)
            plt.close(fig)
        else:
            raise SpecificationError(
                f"cannot tell the format from {target.name!r}; use .md, .csv, .png, .pdf or "
                ".svg")
        return target

    def figure(self, term: str | None = None) -> Figure:
        """Sampling distributions (left) and coverage with MC error bars (right)."""
        return _figure(self, term)


# ---------------------------------------------------------------- runner
def monte_carlo(
    dgp: DGP,
    estimators: Mapping[str, Estimator],
    *,
    reps: int = 200,
    seed: int = 0,
    n_jobs: int | None = None,
    level: float = 0.95,
    progress: bool = True,
    chunk_size: int | None = None,
    parallel: int | str | None = None,
) -> MonteCarloResult:
    """Run a Monte Carlo experiment: draw ``reps`` panels, apply every estimator.

    Parameters
    ----------
    dgp : DGP
        A data-generating process from :mod:`migecon.simulate` (or your own
        subclass of :class:`~migecon.simulate.dgp.DGP`).
    estimators : mapping of str to callable
        Name -> ``panel -> Result`` (see :func:`fit_spec`, :func:`gmm_spec`)
        or ``panel -> MCEstimate``.
    reps : int
        Number of replications.
    seed : int
        Root seed; replication ``r`` uses ``SeedSequence(seed).spawn(reps)[r]``.
    n_jobs : int, optional
        Older name of ``parallel`` (a number of worker processes); kept as an alias.
    level : float
        Confidence level of the intervals whose coverage is reported.
    progress : bool
        Show a tqdm progress bar.
    chunk_size : int, optional
        Replications per task (default: about four tasks per worker).
    parallel : None, int or str
        Where the replications run: ``None`` (serial), a number of local worker
        processes (``-1``: every core), ``"dask"`` (the active dask.distributed
        Client) or a joblib backend name; see :mod:`migecon.parallel`. The results
        are identical whatever the choice, for the same seed.

    Returns
    -------
    MonteCarloResult
        ``.table`` (bias, RMSE, coverage, rejection rates), ``.figure()``,
        ``.draws``, ``.problems``.

    Examples
    --------
    >>> import migecon as mg
    >>> from migecon.simulate import StaticGrowthDGP, fit_spec
    >>> dgp = StaticGrowthDGP(n_countries=30, n_years=8)
    >>> mc = mg.monte_carlo(dgp, {"FE": fit_spec("growth ~ remittances", estimator="fe")},
    ...                     reps=5, seed=1, progress=False)
    >>> row = mc.table.iloc[0]
    >>> row["estimator"], row["term"], int(row["n"])
    ('FE', 'remittances', 5)
    """
    if not isinstance(dgp, DGP):
        raise SpecificationError(
            f"dgp must be a migecon.simulate DGP (e.g. StaticGrowthDGP()); got "
            f"{type(dgp).__name__}")
    if not estimators:
        raise SpecificationError("estimators must name at least one estimator")
    bad = [k for k, v in estimators.items() if not callable(v)]
    if bad:
        raise SpecificationError(
            f"estimators {bad} are not callable; use fit_spec(formula, ...) or a function "
            "panel -> Result")
    if reps < 1:
        raise SpecificationError(f"reps must be a positive integer; got {reps}")
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1; got {level}")
    from migecon.parallel import map_tasks, progress_bar, resolve

    backend = resolve(parallel, n_jobs=n_jobs)
    start = time.perf_counter()
    children = np.random.SeedSequence(seed).spawn(reps)
    indexed = list(enumerate(children))
    workers = backend.workers
    size = chunk_size or max(1, math.ceil(reps / (4 * max(workers, 1))))
    chunks = [indexed[i:i + size] for i in range(0, reps, size)]
    bar = progress_bar(reps, progress, f"{type(dgp).__name__}", unit="rep")
    try:
        results = map_tasks(_ChunkRunner(dgp, dict(estimators), level), chunks,
                            backend=backend,
                            on_result=lambda i, _out: bar.update(len(chunks[i])))
    finally:
        bar.close()
    rows = [r for chunk_rows, _ in results for r in chunk_rows]
    problems = [p for _, chunk_problems in results for p in chunk_problems]
    draws = pd.DataFrame(rows)
    if len(draws):
        draws = draws.sort_values(["rep"], kind="stable").reset_index(drop=True)
    prob = pd.DataFrame(problems, columns=["rep", "estimator", "message"])
    prob["kind"] = prob["message"].str.split(":").str[0]
    _warn_problems(prob, reps)
    return MonteCarloResult(dgp=dgp, draws=draws, reps=reps, seed=seed,
                            n_jobs=workers, level=level, problems=prob,
                            elapsed=time.perf_counter() - start,
                            estimator_names=tuple(estimators))


@dataclass(frozen=True)
class _ChunkRunner:
    """Picklable: runs a chunk of replications (each with its own seed)."""

    dgp: DGP
    estimators: Mapping[str, Estimator]
    level: float

    def __call__(self, chunk: list[tuple[int, np.random.SeedSequence]]
                 ) -> tuple[list[dict[str, Any]], list[tuple[int, str, str]]]:
        return _run_chunk(self.dgp, self.estimators, chunk, self.level)


def _warn_problems(prob: pd.DataFrame, reps: int) -> None:
    errors = prob[prob["kind"] == "error"]
    if errors.empty:
        return
    counts = Counter(errors["estimator"])
    first = errors.iloc[0]["message"]
    warnings.warn(
        "estimation failed in some replications (left out of the summary): "
        + ", ".join(f"{k}: {v} of {reps}" for k, v in counts.items())
        + f"; first error: {first}", EstimationWarning, stacklevel=3)


# ---------------------------------------------------------------- figure
def _figure(mc: MonteCarloResult, term: str | None) -> Figure:
    import matplotlib.pyplot as plt

    from migecon.report.figures import PALETTE

    draws = mc.draws
    if draws.empty:
        raise SpecificationError("no estimates to plot: every replication failed")
    term = term or mc.dgp.target or str(draws["term"].iloc[0])
    if term not in set(draws["term"]):
        raise SpecificationError(
            f"term {term!r} not among the estimated terms {sorted(set(draws['term']))}")
    tab = mc.table
    tab = tab[tab["term"] == term]
    names = [n for n in mc.estimator_names if n in set(tab["estimator"])]
    truth = float(tab["truth"].iloc[0])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 0.6 * len(names) + 2.5),
                                   gridspec_kw={"width_ratios": [3, 2]})
    jitter = np.random.default_rng(0)  # fixed: the figure of a run is reproducible
    for i, name in enumerate(names):
        est = draws[(draws["estimator"] == name) & (draws["term"] == term)]["estimate"]
        color = PALETTE[i % len(PALETTE)]
        values = est.to_numpy(dtype=float)
        ax1.scatter(values, i + jitter.uniform(-0.25, 0.25, len(values)), s=8, alpha=0.35,
                    color=color, linewidths=0)
        q1, q3 = np.nanpercentile(values, [25, 75]) if len(values) else (np.nan, np.nan)
        ax1.plot([q1, q3], [i, i], color=color, lw=3)
        ax1.plot([np.nanmean(values)], [i], "D", color="black", ms=5)
    ax1.axvline(truth, color="black", lw=1, ls="--", label=f"true value {truth:g}")
    ax1.set_yticks(range(len(names)), names)
    ax1.invert_yaxis()
    ax1.set_xlabel(f"estimate of {term}")
    ax1.set_title("Estimates by replication (bar: IQR, diamond: mean)")
    ax1.legend(loc="best")
    rows = tab.set_index("estimator").loc[names]
    cover = rows["coverage"].to_numpy(dtype=float)
    err = 1.96 * rows["mc_se_coverage"].to_numpy(dtype=float)
    ax2.errorbar(cover, range(len(names)), xerr=err, fmt="o", color=PALETTE[0], capsize=3)
    ax2.axvline(mc.level, color="black", lw=1, ls="--", label=f"nominal {mc.level:.0%}")
    ax2.set_yticks(range(len(names)), [])
    ax2.invert_yaxis()
    ax2.set_xlim(max(0.0, float(np.nanmin(cover - err)) - 0.05) if len(cover) else 0, 1.0)
    ax2.set_xlabel("coverage of the intervals (±1.96 MC s.e.)")
    ax2.set_title("Coverage")
    ax2.legend(loc="lower left")
    fig.suptitle(f"{type(mc.dgp).__name__}: {mc.reps} replications (seed {mc.seed})",
                 fontsize=11)
    fig.tight_layout()
    return fig
