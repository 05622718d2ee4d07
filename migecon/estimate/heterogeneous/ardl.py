"""Panel ARDL in error-correction form: pooled mean group, mean group, dynamic fixed effects.

For unit ``i`` the ARDL(p, q) model is written (Pesaran, Shin and Smith 1999)

    D.y_it = phi_i (y_i,t-1 - theta_i' x_it)
             + sum_{j=1}^{p-1} lambda_ij D.y_i,t-j + sum_{j=0}^{q-1} delta_ij' D.x_i,t-j
             + mu_i + e_it.

``phi_i`` is the speed of adjustment (negative when the relation is stable),
``theta_i`` the long-run coefficients. The estimators differ in what they
pool:

* ``"pmg"`` (pooled mean group): common ``theta``, unit-specific ``phi_i``,
  short-run coefficients and variances, by maximum likelihood
  (:mod:`migecon.estimate.heterogeneous.ardl_ml`). Stata: ``xtpmg ..., pmg``.
* ``"mg"`` (mean group, Pesaran and Smith 1995): one least-squares regression
  per unit, ``theta_i = -beta_x,i / phi_i``, and the unweighted means.
  Stata: ``xtpmg ..., mg``.
* ``"dfe"`` (dynamic fixed effects): every coefficient common except the
  intercepts, by the within estimator; ``theta = -beta_x / phi`` by the delta
  method. Stata: ``xtpmg ..., dfe``.

The Result's ``params`` list the long-run coefficients under the variable
names, the (mean) adjustment speed as ``"ec"``, then the (mean) short-run
coefficients ``"L1.D.y"``, ``"D.x1"``, ``"L1.D.x1"``, ... and ``"const"``, in
the order ``xtpmg`` prints them. ``Result.fit_data`` is an :class:`ArdlFit`
with the unit-level estimates (``.units``) and the blocks for tables.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from migecon.errors import DataError, DroppedDataWarning, EstimationWarning, SpecificationError
from migecon.estimate.heterogeneous.ardl_ml import (
    ArdlFit,
    UnitData,
    fit_pmg,
    pmg_theta_cov,
    unit_ols,
)
from migecon.estimate.results import CovarianceInfo, Result, TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["ArdlFit", "ardl", "hausman_ardl"]

ESTIMATORS = ("pmg", "mg", "dfe")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class _Data:
    units: list[UnitData]
    labels: list[str]
    xnames: list[str]
    srnames: list[str]
    sample: pd.MultiIndex
    dropped: dict[str, int]
    n_periods: int
    #: per unit, positions of its short-run columns in ``srnames`` (None: all)
    unit_cols: list[list[int]] | None = None
    orders: dict[str, tuple[int, int]] | None = None

    def expand(self, i: int, values: np.ndarray, fill: float) -> np.ndarray:
        """Unit ``i``'s short-run values at their positions in ``srnames``."""
        if self.unit_cols is None:
            return values
        out = np.full(len(self.srnames), fill)
        out[self.unit_cols[i]] = values
        return out


def ardl(formula: str, panel: Panel, *, lags: int | Sequence[int] | str = (1, 1),
         estimator: str = "pmg", constant: bool = True, max_lags: tuple[int, int] = (2, 2),
         period: tuple[int | None, int | None] | None = None,
         cov_type: str = "unadjusted", cross_section_averages: int | None = None,
         maxiter: int = 500, tol: float = 1e-9, check_i2: bool = True) -> Result:
    """Panel ARDL(p, q) in error-correction form by PMG, MG or dynamic fixed effects.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2"`` with plain column names: the long-run relation
        between the levels. Differences and lags are built from ``lags``.
    panel : Panel
        The data; lags follow the calendar (a gap gives a missing lag).
    lags : int, sequence of int, or {"aic", "sbc"}
        ``(p, q)`` or ``(p, q_1, ..., q_k)``: ``p >= 1`` lags of ``y`` (so
        ``p - 1`` lagged differences), ``q >= 0`` lags of each ``x`` (so
        ``D.x`` and ``q - 1`` lagged differences). ``(1, 1)`` is Blackburne
        and Frank's ARDL(1,1,1) (``xtpmg d.y d.x1 d.x2, lr(l.y x1 x2)``).
        ``"aic"`` / ``"sbc"`` choose ``(p_i, q_i)`` per unit (one ``q_i`` for
        all regressors) by the criterion of the unit's unrestricted regression,
        compared on the sample of the longest lags (PSS 1999 chose orders by
        SBC); a term a unit does not include counts as zero in the mean
        short-run coefficients. Not with ``"dfe"``.
    max_lags : (int, int)
        Largest ``(p, q)`` tried when ``lags`` is a criterion.
    estimator : {"pmg", "mg", "dfe"}
        Pooled mean group (maximum likelihood), mean group, dynamic fixed
        effects.
    constant : bool
        Unit-specific intercepts (``xtpmg`` default; ``False`` is its
        ``noconstant``; ``"dfe"`` always has fixed effects).
    period : (start, end), optional
        Calendar range of the estimation sample; lags and differences may
        reach before ``start`` (as Stata's ``if year >= 1962``).
    cov_type : {"unadjusted", "clustered"}
        ``"dfe"`` only: conventional or clustered-by-unit covariance of the
        within regression (``xtpmg ..., dfe cluster(id)``), Stata's
        finite-sample factors.
    cross_section_averages : int, optional
        Add the cross-section averages of ``y`` and each ``x`` at ``t`` and
        this many lags to every unit's regression: the cross-sectionally
        augmented ARDL (CS-ARDL) of Chudik, Mohaddes, Pesaran and Raissi
        (2016) when ``estimator="mg"``.
    maxiter, tol : int, float
        PMG back-substitution limits (Newton steps follow).
    check_i2 : bool
        Warn when a variable's first difference does not look stationary
        (Im-Pesaran-Shin on the differences, p > 0.10): the ARDL allows I(0)
        and I(1) variables, not I(2).

    Returns
    -------
    Result
        ``params``: long-run coefficients (variable names), ``"ec"``, short-run
        means; ``fit_data``: an :class:`ArdlFit` with the unit estimates.

    Raises
    ------
    SpecificationError
        Unknown estimator, bad lag orders, a formula with expressions.
    DataError
        A unit with too few observations for the lag orders.

    Warns
    -----
    DroppedDataWarning
        Rows lost to missing values or gaps (counted by reason).
    EstimationWarning
        PMG likelihood not maximised; units whose adjustment speed is not
        negative (no error correction); a variable that looks I(2).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import migecon as mg
    >>> rng = np.random.default_rng(0)
    >>> rows = []
    >>> for i in range(10):
    ...     x = np.cumsum(rng.normal(size=60)); y = np.zeros(60)
    ...     for t in range(1, 60):     # D.y = -0.4 (y_t-1 - 0.8 x_t) + e
    ...         y[t] = y[t-1] - 0.4 * (y[t-1] - 0.8 * x[t]) + rng.normal(scale=0.3)
    ...     rows += [{"c": f"C{i}", "t": 1960 + t, "y": y[t], "x": x[t]} for t in range(60)]
    >>> panel = mg.Panel.from_frame(pd.DataFrame(rows), entity="c", time="t")
    >>> res = mg.ardl("y ~ x", panel, lags=(1, 1), estimator="pmg")
    >>> list(res.params.index)
    ['x', 'ec', 'D.x', 'const']
    >>> round(float(res.params["x"]), 2), round(float(res.params["ec"]), 2)
    (0.8, -0.43)
    """
    if estimator not in ESTIMATORS:
        raise SpecificationError(
            f"estimator must be one of {ESTIMATORS}; got {estimator!r}")
    if cov_type not in ("unadjusted", "clustered"):
        raise SpecificationError(
            f"cov_type must be 'unadjusted' or 'clustered'; got {cov_type!r}")
    if cov_type != "unadjusted" and estimator != "dfe":
        raise SpecificationError(
            f"cov_type={cov_type!r} applies to estimator='dfe' only (as xtpmg's cluster "
            "option); PMG and MG standard errors come from the likelihood and the "
            "dispersion of the unit estimates")
    dep, xnames = _parse(formula, panel)
    if cross_section_averages is not None and (
            not isinstance(cross_section_averages, int) or cross_section_averages < 0):
        raise SpecificationError(
            "cross_section_averages must be a non-negative integer (lags of the averages); "
            f"got {cross_section_averages!r}")
    if isinstance(lags, str):
        if estimator == "dfe":
            raise SpecificationError(
                "lag selection per unit (lags='aic'/'sbc') does not apply to dynamic fixed "
                "effects, whose slopes are common; give fixed lags=(p, q)")
        data = _select_orders(panel, dep, xnames, lags, max_lags, constant=constant,
                              period=period, csa=cross_section_averages)
        p, qs = max_lags[0], [max_lags[1]] * len(xnames)
    else:
        p, qs = _lag_orders(lags, len(xnames))
        data = _build(panel, dep, xnames, p, qs, constant=constant or estimator == "dfe",
                      period=period, csa=cross_section_averages)
    _check_lengths(data, p, qs)
    if check_i2:
        from migecon.estimate.diagnostics.cointegration import warn_i2

        times = data.sample.get_level_values(1)
        warn_i2(panel, [dep, *xnames], data.labels, np.array([times.min(), times.max()]),
                stacklevel=3)
    if estimator == "mg":
        res = _fit_mg(data, dep, p, qs, formula)
    elif estimator == "pmg":
        res = _fit_pmg(data, dep, p, qs, formula, maxiter=maxiter, tol=tol)
    else:
        from migecon.estimate.heterogeneous.ardl_dfe import fit_dfe

        res = fit_dfe(data.units, data.labels, data.xnames, data.srnames,
                      cov_type=cov_type, base=_base_kwargs(data, dep, p, qs, formula, "dfe"))
    return res


# ---------------------------------------------------------------- parsing
def _parse(formula: str, panel: Panel) -> tuple[str, list[str]]:
    if formula.count("~") != 1:
        raise SpecificationError(f"formula {formula!r} must read 'y ~ x1 + x2'")
    lhs, rhs = (s.strip() for s in formula.split("~"))
    xs = [t.strip() for t in rhs.split("+") if t.strip()]
    for name in [lhs, *xs]:
        if not _NAME.match(name):
            raise SpecificationError(
                f"ARDL formulas take plain column names; {name!r} is an expression. Create "
                "the variable first (panel.transform / with_columns), e.g. log levels")
        if name not in panel.columns:
            raise SpecificationError(
                f"variable {name!r} is not in the panel; available: {', '.join(panel.columns)}")
    if not xs:
        raise SpecificationError("an ARDL needs at least one long-run regressor right of '~'")
    if lhs in xs or len(set(xs)) != len(xs):
        raise SpecificationError(f"formula {formula!r} repeats a variable")
    return lhs, xs


def _lag_orders(lags: int | Sequence[int], k: int) -> tuple[int, list[int]]:
    vals = [lags] if isinstance(lags, (int, np.integer)) else list(lags)
    if not vals or not all(isinstance(v, (int, np.integer)) for v in vals):
        raise SpecificationError(f"lags must be integers (p, q) or (p, q1, ..., qk); got {lags!r}")
    if len(vals) == 1:
        vals = [vals[0], vals[0]]
    p, qs = int(vals[0]), [int(v) for v in vals[1:]]
    if len(qs) == 1:
        qs = qs * k
    if len(qs) != k:
        raise SpecificationError(
            f"lags={tuple(vals)} gives {len(qs)} x lag orders for {k} regressors; pass (p, q) "
            f"or (p, q_1, ..., q_{k})")
    if p < 1 or min(qs) < 0:
        raise SpecificationError(
            f"lag orders must be p >= 1 and q >= 0; got p={p}, q={qs}")
    return p, qs


# ----------------------------------------------------------------- design
def _build(panel: Panel, dep: str, xnames: list[str], p: int, qs: list[int], *,
           constant: bool, period: tuple[int | None, int | None] | None,
           csa: int | None) -> _Data:
    from migecon.panel.transform import lag as panel_lag

    raw = panel.data[[dep, *xnames]].astype(float)
    cols: dict[str, pd.Series] = {"__dy": raw[dep] - panel_lag(raw[dep], 1),
                                  "__ylag": panel_lag(raw[dep], 1)}
    for x in xnames:
        cols[f"__x:{x}"] = raw[x]
    srnames: list[str] = []
    dy = cols["__dy"]
    for j in range(1, p):
        cols[f"L{j}.D.{dep}"] = panel_lag(dy, j)
        srnames.append(f"L{j}.D.{dep}")
    for x, q in zip(xnames, qs, strict=True):
        dx = raw[x] - panel_lag(raw[x], 1)
        for j in range(q):
            name = f"D.{x}" if j == 0 else f"L{j}.D.{x}"
            cols[name] = dx if j == 0 else panel_lag(dx, j)
            srnames.append(name)
    if csa is not None:
        times = raw.index.get_level_values(1)
        for v in (dep, *xnames):
            avg = raw[v].groupby(level=1).mean()
            bar = pd.Series(avg.reindex(times).to_numpy(), index=raw.index)
            for j in range(csa + 1):
                name = f"CSA.{v}" if j == 0 else f"L{j}.CSA.{v}"
                cols[name] = bar if j == 0 else panel_lag(bar, j)
                srnames.append(name)
    frame = pd.DataFrame(cols)
    if period is not None:
        start, end = period
        t = frame.index.get_level_values(1)
        keep = np.ones(len(frame), dtype=bool)
        if start is not None:
            keep &= t >= start
        if end is not None:
            keep &= t <= end
        frame = frame[keep]
        raw = raw[keep]
    dropped = _count_dropped(frame, raw, dep, xnames)
    frame = frame.dropna()
    if frame.empty:
        raise DataError(
            f"no complete observations for the ARDL of {dep} on {', '.join(xnames)} with "
            f"p={p}, q={qs}: every row misses a value, a lag or a difference; check the "
            "variables' coverage and the period")
    units: list[UnitData] = []
    labels: list[str] = []
    names = srnames + (["const"] if constant else [])
    # one conversion to arrays, then a split at the unit boundaries (frame is sorted)
    ents = frame.index.get_level_values(0)
    cols_order = ["__dy", "__ylag", *[f"__x:{x}" for x in xnames], *srnames]
    arr = frame[cols_order].to_numpy(dtype=float)
    starts = np.flatnonzero(np.r_[True, ents[1:] != ents[:-1]])
    k = len(xnames)
    for a, b in zip(starts, [*starts[1:], len(arr)], strict=True):
        block = arr[a:b]
        w = block[:, 2 + k:]
        if constant:
            w = np.column_stack([w, np.ones(b - a)])
        units.append(UnitData(dy=block[:, 0], ylag=block[:, 1], x=block[:, 2:2 + k], w=w))
        labels.append(str(ents[int(a)]))
    return _Data(units=units, labels=labels, xnames=xnames, srnames=names,
                 sample=pd.MultiIndex.from_tuples(list(frame.index), names=frame.index.names),
                 dropped=dropped,
                 n_periods=int(frame.index.get_level_values(1).nunique()))


def _select_orders(panel: Panel, dep: str, xnames: list[str], criterion: str,
                   max_lags: tuple[int, int], *, constant: bool,
                   period: tuple[int | None, int | None] | None, csa: int | None) -> _Data:
    """Choose ARDL(p_i, q_i) per unit by AIC or SBC, then build each unit with its orders."""
    if criterion not in ("aic", "sbc"):
        raise SpecificationError(
            f"lags must be (p, q), (p, q_1, ..., q_k), 'aic' or 'sbc'; got {criterion!r}")
    if (len(max_lags) != 2 or not all(isinstance(v, (int, np.integer)) for v in max_lags)
            or max_lags[0] < 1 or max_lags[1] < 0):
        raise SpecificationError(f"max_lags must be (p_max >= 1, q_max >= 0); got {max_lags!r}")
    pmax, qmax = int(max_lags[0]), int(max_lags[1])
    k = len(xnames)
    full = _build(panel, dep, xnames, pmax, [qmax] * k, constant=constant, period=period,
                  csa=csa)
    names = full.srnames

    def columns(p: int, q: int) -> list[int]:
        keep = [f"L{j}.D.{dep}" for j in range(1, p)]
        keep += [f"D.{x}" if j == 0 else f"L{j}.D.{x}" for x in xnames for j in range(q)]
        return [i for i, n in enumerate(names) if n in keep or "CSA." in n or n == "const"]

    orders: dict[str, tuple[int, int]] = {}
    for lab, u in zip(full.labels, full.units, strict=True):
        best, choice = np.inf, (1, 0)
        for p in range(1, pmax + 1):
            for q in range(qmax + 1):
                x = np.column_stack([u.ylag, u.x, u.w[:, columns(p, q)]])
                if x.shape[1] >= u.nobs:
                    continue
                _, _, rss = unit_ols(u.dy, x)
                pen = 2.0 if criterion == "aic" else float(np.log(u.nobs))
                ic = u.nobs * np.log(rss / u.nobs) + pen * x.shape[1]
                if ic < best - 1e-12:
                    best, choice = ic, (p, q)
        orders[lab] = choice
    units: dict[str, UnitData] = {}
    cols: dict[str, list[int]] = {}
    dropped: dict[str, int] = {}
    samples = []
    for order in sorted(set(orders.values())):
        members = [lab for lab, o in orders.items() if o == order]
        sub = panel.subset(countries=[e for e in panel.entities if str(e) in members])
        part = _build(sub, dep, xnames, order[0], [order[1]] * k, constant=constant,
                      period=period, csa=csa)
        for lab, u in zip(part.labels, part.units, strict=True):
            units[lab] = u
            cols[lab] = [names.index(n) for n in part.srnames]
        for key, v in part.dropped.items():
            dropped[key] = dropped.get(key, 0) + v
        samples.append(part.sample)
    labels = sorted(units)
    sample = samples[0].append(samples[1:]).sort_values() if len(samples) > 1 else samples[0]
    return _Data(units=[units[lab] for lab in labels], labels=labels, xnames=xnames,
                 srnames=names, sample=pd.MultiIndex.from_tuples(list(sample),
                                                                 names=full.sample.names),
                 dropped=dropped, n_periods=full.n_periods,
                 unit_cols=[cols[lab] for lab in labels], orders=orders)


def _count_dropped(frame: pd.DataFrame, raw: pd.DataFrame, dep: str,
                   xnames: list[str]) -> dict[str, int]:
    """Rows lost, by reason; warns unless they are only the first periods of each series."""
    incomplete = frame.isna().any(axis=1)
    dropped: dict[str, int] = {}
    if not incomplete.any():
        return dropped
    remaining = incomplete.copy()
    for v in (dep, *xnames):
        miss = remaining & raw[v].isna()
        if miss.any():
            dropped[f"missing {v}"] = int(miss.sum())
            remaining &= ~miss
    # Remaining losses come from lags/differences: at the start of a unit's
    # run they are expected, after a gap they are not.
    complete_rank = (~incomplete).groupby(level=0).cumsum()
    initial = remaining & (complete_rank == 0)
    gap = remaining & ~initial
    if initial.any():
        dropped["initial periods used for lags and differences"] = int(initial.sum())
    if gap.any():
        dropped["lags or differences missing after a gap or a missing value"] = int(gap.sum())
    worrying = {k: v for k, v in dropped.items() if not k.startswith("initial")}
    if worrying:
        parts = ", ".join(f"{k}: {v}" for k, v in worrying.items())
        warnings.warn(f"{sum(worrying.values())} row(s) dropped from the ARDL sample ({parts})",
                      DroppedDataWarning, stacklevel=4)
    return dropped


def _check_lengths(data: _Data, p: int, qs: list[int]) -> None:
    k = 1 + len(data.xnames) + len(data.srnames)
    short = [(lab, u.nobs) for lab, u in zip(data.labels, data.units, strict=True)
             if u.nobs <= 1 + len(data.xnames) + u.w.shape[1]]
    if short:
        shown = ", ".join(f"{lab} ({n} obs)" for lab, n in short[:10])
        raise DataError(
            f"ARDL({p}, {', '.join(map(str, qs))}) has {k} coefficients per unit, but "
            f"{len(short)} unit(s) have no more usable observations than that after lags and "
            f"differences: {shown}{' ...' if len(short) > 10 else ''}. Shorten lags=, or "
            "drop these units (panel.subset) before estimating")


def _base_kwargs(data: _Data, dep: str, p: int, qs: list[int], formula: str,
                 estimator: str) -> dict[str, object]:
    lag_text = ",".join(str(v) for v in (p, *qs))
    if data.orders is not None:
        lag_text = f"by unit, max {p},{qs[0]}"
    return {
        "estimator": f"ardl-{estimator}", "dependent": f"D.{dep}",
        "nobs": int(sum(u.nobs for u in data.units)), "n_entities": len(data.units),
        "n_periods": data.n_periods, "effects": "entity", "formula": formula,
        "dropped": dict(data.dropped), "sample": data.sample,
        "model_name": f"{estimator.upper()} ARDL({lag_text})",
    }


def _mean_group(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the unit estimates and its covariance ``sum (b_i - b)(b_i - b)' / (N (N-1))``."""
    n = b.shape[0]
    mean = b.mean(axis=0)
    dev = b - mean
    return mean, dev.T @ dev / (n * (n - 1))


def _notes_phi(labels: list[str], phi: np.ndarray) -> list[str]:
    bad = [f"{lab} ({v:.3g})" for lab, v in zip(labels, phi, strict=True) if not v < 0]
    if not bad:
        return []
    msg = (f"{len(bad)} unit(s) have a non-negative adjustment speed (no error correction): "
           f"{', '.join(bad[:10])}")
    warnings.warn(msg, EstimationWarning, stacklevel=4)
    return [msg]


# --------------------------------------------------------------------- MG
def _fit_mg(data: _Data, dep: str, p: int, qs: list[int], formula: str) -> Result:
    k = len(data.xnames)
    rows, ses, sig, rss_total = [], [], [], 0.0
    for i, u in enumerate(data.units):
        x = np.column_stack([u.ylag, u.x, u.w])
        b, v, rss = unit_ols(u.dy, x)
        phi, bx = b[0], b[1:1 + k]
        theta = -bx / phi
        # delta method for theta_j = -b_xj / phi (as xtpmg's nlcom)
        jac = np.zeros((k, x.shape[1]))
        jac[:, 0] = bx / phi ** 2
        jac[:, 1:1 + k] = -np.eye(k) / phi
        v_theta = jac @ v @ jac.T
        rows.append(np.concatenate([theta, [phi], data.expand(i, b[1 + k:], 0.0)]))
        ses.append(np.sqrt(np.concatenate([np.diag(v_theta), [v[0, 0]],
                                           data.expand(i, np.diag(v)[1 + k:], np.nan)])))
        sig.append(rss / (u.nobs - x.shape[1]))
        rss_total += rss
    b_units = np.array(rows)
    names = [*data.xnames, "ec", *data.srnames]
    mean, cov = _mean_group(b_units)
    notes = _notes_phi(data.labels, b_units[:, k])
    units = _units_frame(data, names, b_units, np.array(ses), np.array(sig))
    return Result(
        params=pd.Series(mean, index=names), cov=pd.DataFrame(cov, index=names, columns=names),
        cov_info=CovarianceInfo(
            cov_type="mean-group",
            description=f"mean-group dispersion of the {len(data.units)} unit estimates"),
        stats={"n_units": float(len(data.units)),
               "loglik": _sum_loglik(data.units, full=True),
               "xtpmg_sigma": rss_total / sum(u.nobs for u in data.units)},
        notes=(*notes,), df_model=float(len(names)),
        fit_data=ArdlFit(units=units, long_run=tuple(data.xnames),
                         short_run=tuple(data.srnames), lags=(p, *qs)),
        **_base_kwargs(data, dep, p, qs, formula, "mg"),  # type: ignore[arg-type]
    )


def _sum_loglik(units: list[UnitData], *, full: bool, theta: np.ndarray | None = None) -> float:
    total = 0.0
    for u in units:
        if full:
            x = np.column_stack([u.ylag, u.x, u.w])
        else:
            assert theta is not None
            x = np.column_stack([u.ylag - u.x @ theta, u.w])
        _, _, rss = unit_ols(u.dy, x)
        total += -0.5 * u.nobs * (1 + np.log(2 * np.pi) + np.log(rss / u.nobs))
    return float(total)


def _units_frame(data: _Data, names: list[str], b: np.ndarray, se: np.ndarray,
                 sig: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(b, index=pd.Index(data.labels, name="unit"), columns=names)
    for j, name in enumerate(names):
        out[f"se:{name}"] = se[:, j]
    out["sigma2"] = sig
    out.insert(0, "nobs", [u.nobs for u in data.units])
    if data.orders is not None:
        out.insert(1, "p", [data.orders[lab][0] for lab in data.labels])
        out.insert(2, "q", [data.orders[lab][1] for lab in data.labels])
    return out


# -------------------------------------------------------------------- PMG
def _fit_pmg(data: _Data, dep: str, p: int, qs: list[int], formula: str, *,
             maxiter: int, tol: float) -> Result:
    k = len(data.xnames)
    # Start as xtpmg does: OLS of y_{t-1} on x_t without a constant.
    ylag = np.concatenate([u.ylag for u in data.units])
    xall = np.vstack([u.x for u in data.units])
    theta0, *_ = np.linalg.lstsq(xall, ylag, rcond=None)
    fit = fit_pmg(data.units, theta0, maxiter=maxiter, tol=tol)
    theta = fit.theta
    notes: list[str] = []
    if not fit.converged:
        msg = (f"the PMG likelihood was not maximised: gradient norm {fit.gradient_norm:.3g} "
               f"after {fit.iterations} back-substitution sweeps and Newton steps "
               f"({'; '.join(fit.history[-2:])}); the estimates are not the ML estimates. "
               "Check for units without error correction, or raise maxiter")
        warnings.warn(msg, EstimationWarning, stacklevel=3)
        notes.append(msg)
    rows, ses, sig = [], [], []
    for i, u in enumerate(data.units):
        r = np.column_stack([u.ylag - u.x @ theta, u.w])
        b, _, rss = unit_ols(u.dy, r)
        rows.append(np.concatenate([b[:1], data.expand(i, b[1:], 0.0)]))
        sig.append(rss / u.nobs)
    b_units = np.array(rows)
    s2 = np.array(sig)
    phi = b_units[:, 0]
    notes += _notes_phi(data.labels, phi)
    v_theta = pmg_theta_cov(data.units, theta, phi, s2)
    # Unit blocks of the inverse information matrix (xtpmg's "full" output).
    for i, u in enumerate(data.units):
        r = np.column_stack([u.ylag - u.x @ theta, u.w])
        a_inv = np.linalg.pinv(r.T @ r / s2[i])
        g = -(phi[i] / s2[i]) * (u.x.T @ r)
        v_i = a_inv + a_inv @ g.T @ v_theta @ g @ a_inv
        se_i = np.sqrt(np.diag(v_i))
        ses.append(np.concatenate([se_i[:1], data.expand(i, se_i[1:], np.nan)]))
    sr_mean, sr_cov = _mean_group(b_units)
    names = [*data.xnames, "ec", *data.srnames]
    params = np.concatenate([theta, sr_mean])
    cov = np.zeros((len(names), len(names)))
    cov[:k, :k] = v_theta
    cov[k:, k:] = sr_cov
    unit_names = ["ec", *data.srnames]
    units = _units_frame(data, unit_names, b_units, np.array(ses), s2)
    ll = _sum_loglik(data.units, full=False, theta=theta)
    return Result(
        params=pd.Series(params, index=names), cov=pd.DataFrame(cov, index=names, columns=names),
        cov_info=CovarianceInfo(
            cov_type="pmg",
            description="long run: inverse information matrix of the likelihood; short run: "
                        f"mean-group dispersion of the {len(data.units)} unit estimates"),
        stats={"loglik": ll, "converged": float(fit.converged),
               "iterations": float(fit.iterations), "gradient_norm": fit.gradient_norm,
               "n_units": float(len(data.units)),
               "sigma2": float(np.sum(s2 * [u.nobs for u in data.units])
                               / sum(u.nobs for u in data.units)),
               "xtpmg_sigma": float(np.sum(s2 * [u.nobs for u in data.units])
                                    / sum(u.nobs for u in data.units))},
        notes=tuple(notes), df_model=float(len(names)),
        fit_data=ArdlFit(units=units, long_run=tuple(data.xnames),
                         short_run=tuple(data.srnames), lags=(p, *qs), history=fit.history),
        **_base_kwargs(data, dep, p, qs, formula, "pmg"),  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------- Hausman
_CONSISTENT_FIRST = {("ardl-mg", "ardl-pmg"), ("ardl-mg", "ardl-dfe"), ("ardl-pmg", "ardl-dfe")}


def hausman_ardl(consistent: Result, efficient: Result, *, method: str = "classic") -> TestResult:
    """Hausman test of the long-run coefficients of two ARDL estimators.

    ``H = d' (V_c - V_e)^+ d`` over the long-run coefficients (the first
    equation of ``xtpmg``'s output, which Stata's ``hausman`` compares),
    chi-squared with ``rank(V_c - V_e)`` degrees of freedom. MG is consistent
    under both hypotheses, PMG efficient when the long-run coefficients are
    common; DFE is efficient when all slopes are. ``method="sigmamore"``
    rescales ``V_c`` by ``(s_e / s_c)^2`` with ``s`` = ``xtpmg``'s
    ``e(sigma)`` (``stats["xtpmg_sigma"]``: the mean squared residual for PMG
    and MG, the within root mean squared error for DFE), exactly as
    ``hausman mg pmg, sigmamore`` does after ``xtpmg``.
    """
    pair = (consistent.estimator, efficient.estimator)
    if pair not in _CONSISTENT_FIRST:
        raise SpecificationError(
            f"hausman(consistent, efficient) for ARDL results takes MG then PMG, MG then DFE, "
            f"or PMG then DFE; got {pair[0]!r} then {pair[1]!r}")
    if method not in ("classic", "sigmamore", "sigmaless"):
        raise SpecificationError(
            f"method must be 'classic', 'sigmamore' or 'sigmaless'; got {method!r}")
    fc, fe = consistent.fit_data, efficient.fit_data
    common = [c for c in (fc.long_run if isinstance(fc, ArdlFit) else ())
              if isinstance(fe, ArdlFit) and c in fe.long_run]
    if not common:
        raise SpecificationError("the two ARDL results share no long-run coefficients")
    v_c = consistent.cov.loc[common, common].to_numpy()
    v_e = efficient.cov.loc[common, common].to_numpy()
    notes = []
    if consistent.nobs != efficient.nobs:
        notes.append(f"different samples ({consistent.nobs} and {efficient.nobs} observations)")
    if method != "classic":
        s_c = consistent.stats.get("xtpmg_sigma", np.nan)
        s_e = efficient.stats.get("xtpmg_sigma", np.nan)
        if method == "sigmamore":
            v_c = v_c * (s_e / s_c) ** 2
        else:
            v_e = v_e * (s_c / s_e) ** 2
        notes.append(f"{method} with xtpmg's e(sigma), as Stata's hausman after xtpmg")
    d = (consistent.params[common] - efficient.params[common]).to_numpy()
    v = v_c - v_e
    if np.linalg.eigvalsh((v + v.T) / 2).min() <= 0:
        notes.append("V_c - V_e is not positive definite; a generalised inverse was used")
    stat = float(d @ np.linalg.pinv(v) @ d)
    df = float(np.linalg.matrix_rank(v))
    return TestResult(
        name=f"Hausman ({pair[0][5:].upper()} vs {pair[1][5:].upper()}, long run)",
        stat=stat, pvalue=float(stats.chi2.sf(stat, df)) if stat >= 0 else 1.0, df=df,
        distribution="chi2",
        null=f"the long-run coefficients are common ({pair[1][5:].upper()} is consistent "
             "and efficient)", note="; ".join(notes))
