"""GMM results: the common :class:`Result` and a summary laid out like xtabond2's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from migecon.estimate.gmm.data import Design, GMMData
from migecon.estimate.gmm.engine import EngineResult
from migecon.estimate.gmm.instruments import Instruments
from migecon.estimate.gmm.syntax import GMMSpec
from migecon.estimate.results import CovarianceInfo, Result, TestResult

__all__ = ["gmm_summary", "to_result"]

INSTRUMENT_NOTE = "Instruments: "
_RULE = "-" * 78


def _param_name(label: str) -> str:
    return "const" if label == "_cons" else label


def _cov_info(spec: GMMSpec, res: EngineResult, entity: str) -> CovarianceInfo:
    g = res.n_groups
    if spec.steps == 2 and spec.robust:
        cov_type = "windmeijer"
        desc = f"two-step, Windmeijer-corrected, clustered by {entity} ({g} clusters)"
    elif spec.robust:
        cov_type = "clustered"
        desc = f"one-step, robust (clustered by {entity}, {g} clusters)"
    elif spec.steps == 2:
        cov_type = "unadjusted"
        desc = "two-step, conventional (downward biased in small samples; robust gives Windmeijer)"
    else:
        cov_type = "unadjusted"
        desc = "one-step, homoskedastic errors"
    adjustment = ""
    if spec.small:
        adjustment = ("N/(N-K) on sigma^2" if not spec.robust and spec.steps == 1
                      else "(N-1)/(N-K)·G/(G-1)")
        desc += f"; small-sample {adjustment}, t({res.df_resid})"
    return CovarianceInfo(
        cov_type=cov_type, description=desc,
        n_clusters=g if spec.robust else None, cluster_by=entity if spec.robust else None,
        small_sample="xtabond2" if spec.small else "none",
        dist="t" if spec.small else "normal",
        df_resid=float(res.df_resid) if res.df_resid is not None else None,
        adjustment=adjustment)


def _is_time_dummy(data: GMMData, label: str) -> bool:
    if label not in data.columns:
        return False
    values = data.column(label)
    ok = ~np.isnan(values)
    values, times = values[ok], data.times[ok]
    if values.size == 0 or not np.isin(values, [0.0, 1.0]).all() or values.sum() == 0:
        return False
    # a time dummy takes one value per period
    pairs = np.unique(np.stack([times, values.astype(np.int64)]), axis=1)
    return bool(np.unique(pairs[0]).size == pairs.shape[1])


def to_result(spec: GMMSpec, design: Design, inst: Instruments, res: EngineResult,
              panel: GMMData, command: str) -> Result:
    """Package an estimation as a :class:`Result` (tests and statistics per conventions)."""
    names = [_param_name(n) for n in design.names]
    params = pd.Series(res.b, index=names, name="coef")
    cov = pd.DataFrame(res.V, index=names, columns=names)
    entity, timevar = panel.entity_name, panel.time_name
    T = design.T
    last = design.touse[:, T:] if spec.system else design.touse
    levels = [pd.Index(design.entities), pd.Index(design.periods)]
    ii, tt = np.nonzero(last)
    codes: Any = [ii, tt]  # integer arrays: no re-factorisation of the keys
    sample = pd.MultiIndex(levels=levels, codes=codes, names=[entity, timevar])
    ri, rt = np.nonzero(design.touse[:, :T])
    rcodes: Any = [ri, rt]
    resid = pd.Series(res.resid[:, :T][ri, rt], name="residual",
                      index=pd.MultiIndex(levels=levels, codes=rcodes, names=[entity, timevar]))
    tests: dict[str, TestResult] = {}
    s_stat, s_df, s_p = res.sargan
    tests["sargan"] = TestResult(
        "Sargan test of overid. restrictions", s_stat, s_p, float(s_df), "chi2",
        "the overidentifying restrictions are valid (all instruments exogenous)",
        "not robust, but not weakened by many instruments (one-step residuals)")
    if res.hansen is not None:
        h_stat, h_df, h_p = res.hansen
        tests["hansen"] = TestResult(
            "Hansen test of overid. restrictions", h_stat, h_p, float(h_df), "chi2",
            "the overidentifying restrictions are valid (all instruments exogenous)",
            "robust, but weakened by many instruments")
    for m, z, p in res.ar:
        tests[f"ar{m}"] = TestResult(
            f"Arellano-Bond test for AR({m}) in first differences", z, p, None, "normal",
            f"no autocorrelation of order {m} in the first-differenced errors")
    kind = "Hansen" if res.hansen is not None else "Sargan"
    for label, excl, df_excl, p_excl, diff, df_g, p_diff in res.diff_tests:
        tests[f"hansen_excl:{label}"] = TestResult(
            f"{kind} test excluding group", excl, p_excl, float(df_excl), "chi2",
            f"the instruments other than {label} are valid")
        tests[f"diff_hansen:{label}"] = TestResult(
            f"Difference-in-{kind}", diff, p_diff, float(df_g), "chi2",
            f"the instruments of {label} are exogenous",
            f"{kind} test excluding group: chi2({df_excl}) = {excl:.2f} (p = {p_excl:.3f})")
    wstat, df1, df2, wp = res.wald
    if df2 is None:
        f_stat = TestResult("Wald", wstat, wp, float(df1), "chi2",
                            "all coefficients except the constant are zero")
    else:
        f_stat = TestResult("F", wstat, wp, (float(df1), float(df2)), "F",
                            "all coefficients except the constant are zero")
    lo, avg, hi = res.obs_per_group
    stat_values: dict[str, float] = {
        "n_instruments": float(res.n_instruments),
        "n_groups": float(res.n_groups),
        "sigma2_e": float(res.sig2),
        "rmse": float(np.sqrt(res.sig2)),
        "obs_per_group_min": float(lo),
        "obs_per_group_avg": float(avg),
        "obs_per_group_max": float(hi),
        "steps": float(spec.steps),
        "h": float(spec.h),
    }
    if spec.robust:
        stat_values["n_clusters"] = float(res.n_groups)
    notes = [f"xtabond2 equivalent: {command}",
             f"{INSTRUMENT_NOTE}{res.n_instruments} for {res.n_groups} groups"]
    notes += inst.listing
    if spec.ginv != "invsym":
        notes.append(f"Singular weighting matrices inverted with {spec.ginv} (xtabond2: invsym)")
    if design.omitted:
        notes.append("Dropped due to collinearity: " + ", ".join(design.omitted))
    notes += [f"Warning: {w}" for w in res.warnings]
    if panel.is_simulated:
        name = panel.metadata.get("name", "simulation")
        notes.append(f"Simulated data (migecon {name}): not real countries.")
    twoway = any(_is_time_dummy(panel, r.label) for r in spec.regressors)
    periods = int(np.unique(tt).size)
    dropped = {"rows outside the estimation sample (lags, differences, missing values)":
               int(panel.nobs - res.nobs)}
    model_name = (f"{'System' if spec.system else 'Difference'} GMM "
                  f"({'two-step' if spec.steps == 2 else 'one-step'}"
                  f"{', orthogonal deviations' if spec.orthogonal else ''})")
    meta = panel.metadata
    return Result(
        params=params, cov=cov, cov_info=_cov_info(spec, res, entity),
        estimator="gmm-system" if spec.system else "gmm-difference",
        dependent=spec.dependent.label, nobs=res.nobs, n_entities=res.n_groups,
        n_periods=periods, effects="twoway" if twoway else "entity", formula=command,
        f_stat=f_stat, tests=tests, stats=stat_values, dropped=dropped,
        absorbed=(), sample=sample, notes=tuple(notes), simulated=panel.is_simulated,
        truth=dict(meta.get("true_params", {})) if panel.is_simulated else {},
        model_name=model_name,
        df_resid=float(res.df_resid) if res.df_resid is not None else float("nan"),
        df_model=float(df1), omitted=tuple(design.omitted), resid=resid)


# ------------------------------------------------------------------ summary
def _g(x: float) -> str:
    """Stata's %9.0g-like number: ``.1700616``, ``-1.201404``."""
    if not np.isfinite(x):
        return "."
    ax = abs(x)
    if ax >= 1e7 or (0 < ax < 1e-4):
        return f"{x:.3e}"
    digits = len(str(int(ax))) if ax >= 1 else 0
    text = f"{x:.{max(7 - digits, 0)}f}"
    if ax < 1:
        text = text.replace("0.", ".", 1)
    return text


def gmm_summary(result: Result) -> str:
    """The result of :func:`migecon.gmm` laid out like xtabond2's output.

    Parameters
    ----------
    result : Result
        A GMM result (``estimator`` ``"gmm-difference"`` or ``"gmm-system"``).

    Returns
    -------
    str

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("abdata")
    >>> res = mg.gmm("n L.n w k, gmm(L.n, collapse) iv(w k) nolevel robust", panel)
    >>> print(mg.gmm_summary(res).splitlines()[0])
    Dynamic panel-data estimation, one-step difference GMM
    """
    if not result.estimator.startswith("gmm"):
        raise ValueError(f"gmm_summary needs a GMM result; got estimator {result.estimator!r}")
    system = result.estimator == "gmm-system"
    two = result.stats.get("steps", 1) == 2
    entity, timevar = ("group", "time")
    if result.sample is not None:
        entity, timevar = (str(n) for n in result.sample.names)
    st = result.stats
    lines = [f"Dynamic panel-data estimation, {'two' if two else 'one'}-step "
             f"{'system' if system else 'difference'} GMM", _RULE]
    f = result.f_stat
    if f is not None and f.distribution == "F" and isinstance(f.df, tuple):
        ftxt = [f"F({f.df[0]:g}, {f.df[1]:g})".ljust(14) + f"= {f.stat:9.2f}",
                "Prob > F".ljust(14) + f"= {f.pvalue:9.3f}"]
    elif f is not None:
        ftxt = [f"Wald chi2({f.df:g})".ljust(14) + f"= {f.stat:9.2f}",
                "Prob > chi2".ljust(14) + f"= {f.pvalue:9.3f}"]
    else:
        ftxt = ["", ""]
    left = [f"Group variable: {entity}", f"Time variable : {timevar}",
            f"Number of instruments = {int(st.get('n_instruments', 0))}", *ftxt]
    right = [f"Number of obs      = {result.nobs:9d}",
             f"Number of groups   = {int(st.get('n_groups', 0)):9d}",
             f"Obs per group: min = {int(st.get('obs_per_group_min', 0)):9d}",
             f"               avg = {st.get('obs_per_group_avg', float('nan')):9.2f}",
             f"               max = {int(st.get('obs_per_group_max', 0)):9d}"]
    for a, b in zip(left, right, strict=True):
        lines.append(f"{a:<48}{b}")
    lines.append(_RULE)
    vtype = {"windmeijer": "Corrected", "clustered": "Robust"}.get(result.cov_info.cov_type, "")
    tname = "t" if result.cov_info.dist == "t" else "z"
    lines.append(f"{'':13}|{vtype:>20}")
    lines.append(f"{result.dependent[:12]:>12} |      Coef.   Std. Err.{tname:>7}    "
                 f"P>|{tname}|     [95% Conf. Interval]")
    lines.append("-" * 13 + "+" + "-" * 64)
    tidy = result.tidy()
    for i, term in enumerate(tidy["term"].astype(str)):
        v = {c: float(tidy[c].iloc[i]) for c in ("estimate", "std_error", "tstat", "pvalue",
                                                 "conf_low", "conf_high")}
        term = "_cons" if term == "const" else term
        lines.append(f"{term[:12]:>12} | {_g(v['estimate']):>10} {_g(v['std_error']):>10} "
                     f"{v['tstat']:8.2f}   {v['pvalue']:6.3f}    {_g(v['conf_low']):>10}   "
                     f"{_g(v['conf_high']):>10}")
    lines.append(_RULE)
    listing = [n for n in result.notes
               if n.startswith(("Instruments for", "  ", "    "))]
    lines += listing
    lines.append(_RULE)
    for key in sorted((k for k in result.tests if k.startswith("ar")),
                      key=lambda k: int(k[2:]) if k[2:].isdigit() else 0):
        t = result.tests[key]
        lines.append(f"Arellano-Bond test for AR({key[2:]}) in first differences: "
                     f"z = {t.stat:6.2f}  Pr > z = {t.pvalue:6.3f}")
    lines.append(_RULE)
    for key, caveat in (("sargan", "(Not robust, but not weakened by many instruments.)"),
                        ("hansen", "(Robust, but weakened by many instruments.)")):
        if key in result.tests:
            t = result.tests[key]
            lines.append(f"{t.name}: {_chi2(t)}")
            lines.append(f"  {caveat}")
    diffs = [k for k in result.tests if k.startswith("diff_hansen:")]
    if diffs:
        kind = "Hansen" if "hansen" in result.tests else "Sargan"
        lines += ["", f"Difference-in-{kind} tests of exogeneity of instrument subsets:"]
        for key in diffs:
            label = key.split(":", 1)[1]
            excl = result.tests.get(f"hansen_excl:{label}")
            lines.append(f"  {label}")
            if excl is not None:
                lines.append(f"    {kind} test excluding group:".ljust(37) + _chi2(excl))
            lines.append("    Difference (null H = exogenous):".ljust(37)
                         + _chi2(result.tests[key]))
    other = [n for n in result.notes if n.startswith(("Warning", "Dropped", "Simulated"))]
    if other:
        lines += ["", *other]
    from migecon.estimate.gmm.checks import GMMChecklist, static_checks

    checklist = GMMChecklist(static_checks(result))
    lines += [_RULE, "Checklist (mg.gmm_checklist(res, data) adds Bond bounds and collapsing):",
              *(f"  {line}" for line in checklist.lines())]
    return "\n".join(lines)


def _chi2(t: TestResult) -> str:
    df = f"chi2({t.df:g})" if isinstance(t.df, float | int) else "chi2"
    p = t.pvalue if np.isfinite(t.pvalue) else float("nan")
    return f"{df:<11}= {t.stat:6.2f}  Prob > chi2 = {p:6.3f}"
