"""Panel unit-root tests: Im-Pesaran-Shin, Maddala-Wu (Fisher-ADF), Levin-Lin-Chu.

All three start from one augmented Dickey-Fuller regression per entity,

    D.y_t = rho y_{t-1} + sum_{j=1..p} g_j D.y_{t-j} + deterministic terms + e_t,

and combine the entity results: the mean t statistic (IPS), the sum of log
p-values (Maddala-Wu) or a pooled, normalised regression (LLC). Their null is
that every entity's series has a unit root. Conventions follow plm's
``purtest`` (the reference implementation the tests are checked against); see
``docs/diagnostics.md`` for the formulas and the Stata ``xtunitroot``
equivalents.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from migecon.errors import DataError, EstimationWarning, SpecificationError
from migecon.estimate.results import TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["UnitRootResult", "im_pesaran_shin", "levin_lin_chu", "maddala_wu"]

TRENDS = ("none", "intercept", "trend")
LAG_RULES = ("aic", "bic", "hall")
_NULL = "every entity's series has a unit root"

# MacKinnon (1994, Tables 3 and 4) response surfaces for the asymptotic
# p-value of the Dickey-Fuller tau statistic (one regressor): normal cdf of a
# quadratic below tau_star, of a cubic above it.
_MK_SMALL = {"none": (0.6344, 1.2378, 3.2496e-2), "intercept": (2.1659, 1.4412, 3.8269e-2),
             "trend": (3.2512, 1.6047, 4.9588e-2)}
_MK_LARGE = {"none": (0.4797, 0.93557, -0.06999, 3.3066e-2),
             "intercept": (1.7339, 0.93202, -0.12745, -1.0368e-2),
             "trend": (2.5261, 0.61654, -0.37956, -6.0285e-2)}
_MK_STAR = {"none": -1.04, "intercept": -1.61, "trend": -2.89}

# Im, Pesaran and Shin (2003), Table 3: mean and variance of the ADF t statistic
# by lag order p (rows 0..8) and T (columns), for the W[t-bar] statistic.
_IPS_T = (10, 15, 20, 25, 30, 40, 50, 60, 70, 100)
_NA = float("nan")
_IPS_MEAN = {
    "intercept": (
        (-1.504, -1.514, -1.522, -1.520, -1.526, -1.523, -1.527, -1.519, -1.524, -1.532),
        (-1.488, -1.503, -1.516, -1.514, -1.519, -1.520, -1.524, -1.519, -1.522, -1.530),
        (-1.319, -1.387, -1.428, -1.443, -1.460, -1.476, -1.493, -1.490, -1.498, -1.514),
        (-1.306, -1.366, -1.413, -1.433, -1.453, -1.471, -1.489, -1.486, -1.495, -1.512),
        (-1.171, -1.260, -1.329, -1.363, -1.394, -1.428, -1.454, -1.458, -1.470, -1.495),
        (_NA, _NA, -1.313, -1.351, -1.384, -1.421, -1.451, -1.454, -1.467, -1.494),
        (_NA, _NA, _NA, -1.289, -1.331, -1.380, -1.418, -1.427, -1.444, -1.476),
        (_NA, _NA, _NA, -1.273, -1.319, -1.371, -1.411, -1.423, -1.441, -1.474),
        (_NA, _NA, _NA, -1.212, -1.266, -1.329, -1.377, -1.393, -1.415, -1.456)),
    "trend": (
        (-2.166, -2.167, -2.168, -2.167, -2.172, -2.173, -2.176, -2.174, -2.174, -2.177),
        (-2.173, -2.169, -2.172, -2.172, -2.173, -2.177, -2.180, -2.178, -2.176, -2.179),
        (-1.914, -1.999, -2.047, -2.074, -2.095, -2.120, -2.137, -2.143, -2.146, -2.158),
        (-1.922, -1.977, -2.032, -2.065, -2.091, -2.117, -2.137, -2.142, -2.146, -2.158),
        (-1.750, -1.823, -1.911, -1.968, -2.009, -2.057, -2.091, -2.103, -2.114, -2.135),
        (_NA, _NA, -1.888, -1.955, -1.998, -2.051, -2.087, -2.101, -2.111, -2.135),
        (_NA, _NA, _NA, -1.868, -1.923, -1.995, -2.042, -2.065, -2.081, -2.113),
        (_NA, _NA, _NA, -1.851, -1.912, -1.986, -2.036, -2.063, -2.079, -2.112),
        (_NA, _NA, _NA, -1.761, -1.835, -1.925, -1.987, -2.024, -2.046, -2.088))}
_IPS_VAR = {
    "intercept": (
        (1.069, 0.923, 0.851, 0.809, 0.789, 0.770, 0.760, 0.749, 0.736, 0.735),
        (1.255, 1.011, 0.915, 0.861, 0.831, 0.803, 0.781, 0.770, 0.753, 0.745),
        (1.421, 1.078, 0.969, 0.905, 0.865, 0.830, 0.798, 0.789, 0.766, 0.754),
        (1.759, 1.181, 1.037, 0.952, 0.907, 0.858, 0.819, 0.802, 0.782, 0.761),
        (2.080, 1.279, 1.097, 1.005, 0.946, 0.886, 0.842, 0.819, 0.801, 0.771),
        (_NA, _NA, 1.171, 1.055, 0.980, 0.912, 0.863, 0.839, 0.814, 0.781),
        (_NA, _NA, _NA, 1.114, 1.023, 0.942, 0.886, 0.858, 0.834, 0.795),
        (_NA, _NA, _NA, 1.164, 1.062, 0.968, 0.910, 0.875, 0.851, 0.806),
        (_NA, _NA, _NA, 1.217, 1.105, 0.996, 0.929, 0.896, 0.871, 0.818)),
    "trend": (
        (1.132, 0.869, 0.763, 0.713, 0.690, 0.655, 0.633, 0.621, 0.610, 0.597),
        (1.453, 0.975, 0.845, 0.769, 0.734, 0.687, 0.654, 0.641, 0.627, 0.605),
        (1.627, 1.036, 0.882, 0.796, 0.756, 0.702, 0.661, 0.653, 0.634, 0.613),
        (2.482, 1.214, 0.983, 0.861, 0.808, 0.735, 0.688, 0.674, 0.650, 0.625),
        (3.947, 1.332, 1.052, 0.913, 0.845, 0.759, 0.705, 0.685, 0.662, 0.629),
        (_NA, _NA, 1.165, 0.991, 0.899, 0.792, 0.730, 0.705, 0.673, 0.638),
        (_NA, _NA, _NA, 1.055, 0.945, 0.828, 0.753, 0.725, 0.689, 0.650),
        (_NA, _NA, _NA, 1.145, 1.009, 0.872, 0.786, 0.747, 0.713, 0.661),
        (_NA, _NA, _NA, 1.208, 1.063, 0.902, 0.808, 0.766, 0.728, 0.670))}
# IPS (2003), Table 1 (right panel): moments of the Dickey-Fuller t (no lags,
# intercept) for the Z[t-bar] statistic.
_IPS_Z_T = (6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 100, 500, 1000, 2000)
_IPS_Z_MEAN = (-1.520, -1.514, -1.501, -1.501, -1.504, -1.514, -1.522, -1.520, -1.526, -1.523,
               -1.527, -1.532, -1.531, -1.529, -1.533)
_IPS_Z_VAR = (1.745, 1.414, 1.228, 1.132, 1.069, 0.923, 0.851, 0.809, 0.789, 0.770, 0.760,
              0.735, 0.715, 0.707, 0.706)
# Levin, Lin and Chu (2002), Table 2: mean and standard deviation adjustments
# (mu*, sigma*) by T.
_LLC_T = (25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 250, 500)
_LLC = {
    "none": ((0.004, 0.003, 0.002, 0.002, 0.001, 0.001, 0.001, 0.000, 0.000, 0.000, 0.000,
              0.000, 0.000),
             (1.049, 1.035, 1.027, 1.021, 1.017, 1.014, 1.011, 1.008, 1.007, 1.006, 1.005,
              1.001, 1.000)),
    "intercept": ((-0.554, -0.546, -0.541, -0.537, -0.533, -0.531, -0.527, -0.524, -0.521,
                   -0.520, -0.518, -0.509, -0.500),
                  (0.919, 0.889, 0.867, 0.850, 0.837, 0.826, 0.810, 0.798, 0.789, 0.782,
                   0.776, 0.742, 0.707)),
    "trend": ((-0.703, -0.674, -0.653, -0.637, -0.624, -0.614, -0.598, -0.587, -0.578,
               -0.571, -0.566, -0.533, -0.500),
              (1.003, 0.949, 0.906, 0.871, 0.842, 0.818, 0.780, 0.751, 0.728, 0.710, 0.695,
               0.603, 0.500))}


class UnitRootResult(TestResult):
    """A :class:`TestResult` with the entity-by-entity ADF regressions in ``by_entity``.

    ``by_entity`` is a DataFrame indexed by entity with columns ``lags``,
    ``nobs``, ``rho``, ``tstat`` and ``pvalue`` (MacKinnon 1994 asymptotic).
    """

    by_entity: pd.DataFrame

    @classmethod
    def build(cls, by_entity: pd.DataFrame, **fields: Any) -> UnitRootResult:
        out = cls(**fields)
        # Kept outside the dataclass fields so to_dict / asdict stay JSON-ready.
        object.__setattr__(out, "by_entity", by_entity)
        return out


def mackinnon_pvalue(tstat: np.ndarray | float, trend: str) -> np.ndarray:
    """Asymptotic p-value of a Dickey-Fuller t statistic (MacKinnon 1994).

    Examples
    --------
    >>> round(float(mackinnon_pvalue(-2.86, "intercept")), 3)
    0.05
    """
    _check("trend", trend, TRENDS)
    t = np.asarray(tstat, dtype=float)
    a, b, c = _MK_SMALL[trend]
    d0, d1, d2, d3 = _MK_LARGE[trend]
    small = a + b * t + c * t ** 2
    large = d0 + d1 * t + d2 * t ** 2 + d3 * t ** 3
    return np.asarray(stats.norm.cdf(np.where(t <= _MK_STAR[trend], small, large)))


def _check(name: str, value: object, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise SpecificationError(
            f"{name} must be one of {', '.join(repr(v) for v in valid)}; got {value!r}")


def _series(panel: Panel, variable: str, what: str) -> dict[str, np.ndarray]:
    """Each entity's consecutive series, leading and trailing missing years removed."""
    if variable not in panel:
        raise SpecificationError(
            f"{what}: variable {variable!r} is not in the panel; available: "
            f"{', '.join(panel.columns)}")
    col = panel[variable].astype(float)
    out: dict[str, np.ndarray] = {}
    gaps: list[str] = []
    for entity, s in col.groupby(level=0, sort=True):
        s = s.droplevel(0).sort_index()
        s = s.loc[s.first_valid_index():s.last_valid_index()] if s.notna().any() else s[:0]
        years = s.index.to_numpy(dtype=int)
        if len(s) and (s.isna().any() or np.any(np.diff(years) != 1)):
            gaps.append(str(entity))
            continue
        if len(s):
            out[str(entity)] = s.to_numpy()
    if gaps:
        raise DataError(
            f"{what}: {len(gaps)} entities have missing years inside their series of "
            f"{variable!r}, e.g. {gaps[:3]}; ADF regressions need consecutive years. Fill or "
            "drop those years (or those entities) first")
    if len(out) < 2:
        raise DataError(f"{what}: needs at least 2 entities with data on {variable!r}; "
                        f"found {len(out)}")
    return out


def _adf_design(y: np.ndarray, p: int, trend: str, start: int) -> tuple[np.ndarray, np.ndarray]:
    """ADF regression rows t = start..T-1 (0-based): D.y_t on y_{t-1}, p lagged D.y, trend."""
    dy = np.diff(y)                      # dy[t-1] = y_t - y_{t-1}
    rows = np.arange(start, len(y))
    cols = [y[rows - 1]] + [dy[rows - 1 - j] for j in range(1, p + 1)]
    if trend in ("intercept", "trend"):
        cols.append(np.ones(len(rows)))
    if trend == "trend":
        cols.append(rows + 1.0)          # 1..T as in plm
    return dy[rows - 1], np.column_stack(cols)


def _fit(dep: np.ndarray, X: np.ndarray, df_correction: bool
         ) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    beta, *_ = np.linalg.lstsq(X, dep, rcond=None)
    resid = dep - X @ beta
    n, k = X.shape
    ssr = float(resid @ resid)
    sigma2 = ssr / (n - k) if df_correction else ssr / n
    se = np.sqrt(sigma2 * np.diag(np.linalg.inv(X.T @ X)))
    return beta, se, ssr, resid


def _n_det(trend: str) -> int:
    return {"none": 0, "intercept": 1, "trend": 2}[trend]


def _default_max_lags(t_min: int) -> int:
    """Schwert's rule, capped at the largest lag the IPS tables cover for this length."""
    schwert = int(12 * (t_min / 100) ** 0.25)
    for p in range(min(schwert, 8), -1, -1):
        length = t_min - p - 1
        if length >= (10 if p <= 4 else 20 if p == 5 else 25):
            return p
    return 0


def _select_lags(y: np.ndarray, rule: str, max_lags: int, trend: str, df_correction: bool,
                 fixed_sample: bool) -> int:
    """AIC / BIC (SIC) or Hall's general-to-specific choice of the ADF lag order."""
    best, best_ic = max_lags, np.inf
    for p in range(max_lags, -1, -1):
        start = max_lags + 1 if fixed_sample else p + 1
        dep, X = _adf_design(y, p, trend, start)
        beta, se, ssr, _ = _fit(dep, X, df_correction)
        n, k = X.shape
        if rule == "hall":
            if p == 0 or abs(beta[p] / se[p]) >= 1.96:
                return p
            continue
        penalty = 2 * k / n if rule == "aic" else k * np.log(n) / n
        ic = np.log(ssr / n) + penalty
        if ic < best_ic:
            best, best_ic = p, ic
    return best


def _lag_orders(series: dict[str, np.ndarray], lags: int | str | Mapping[str, int],
                max_lags: int | None, trend: str, df_correction: bool, fixed_sample: bool,
                what: str) -> dict[str, int]:
    t_min = min(len(v) for v in series.values())
    if isinstance(lags, str):
        _check("lags", lags.lower(), LAG_RULES)
        pmax = _default_max_lags(t_min) if max_lags is None else int(max_lags)
        if pmax < 0:
            raise SpecificationError(f"max_lags must be 0 or more; got {max_lags}")
        _enough(series, pmax, trend, what)
        return {e: _select_lags(y, lags.lower(), pmax, trend, df_correction, fixed_sample)
                for e, y in series.items()}
    if isinstance(lags, Mapping):
        missing = sorted(set(series) - set(map(str, lags)))
        if missing:
            raise SpecificationError(f"{what}: lags has no entry for entities {missing[:5]}")
        orders = {e: int(lags[e]) for e in series}
    else:
        orders = dict.fromkeys(series, int(lags))
    if min(orders.values()) < 0:
        raise SpecificationError("lags must be 0 or more")
    for e, p in orders.items():
        _enough({e: series[e]}, p, trend, what)
    return orders


def _enough(series: dict[str, np.ndarray], p: int, trend: str, what: str) -> None:
    """Raise if some entity has too few periods for an ADF regression with p lags."""
    need = 2 * p + _n_det(trend) + 3    # T - p - 1 observations > p + 1 + deterministic
    short = {e: len(y) for e, y in series.items() if len(y) < need}
    if short:
        first = next(iter(short.items()))
        raise DataError(
            f"{what} needs at least {need} consecutive periods per entity for {p} lag(s) "
            f"with trend={trend!r}; {len(short)} entities have fewer, e.g. {first[0]!r} with "
            f"{first[1]}. Use fewer lags or drop short series")


def _adf_all(series: dict[str, np.ndarray], orders: dict[str, int], trend: str,
             df_correction: bool) -> pd.DataFrame:
    rows = []
    for e, y in series.items():
        p = orders[e]
        dep, X = _adf_design(y, p, trend, p + 1)
        beta, se, ssr, _ = _fit(dep, X, df_correction)
        rows.append({"entity": e, "lags": p, "nobs": len(dep), "periods": len(y),
                     "rho": beta[0], "tstat": beta[0] / se[0],
                     "sigma": np.sqrt(ssr / (len(dep) - X.shape[1]) if df_correction
                                      else ssr / len(dep))})
    out = pd.DataFrame(rows).set_index("entity")
    out["pvalue"] = mackinnon_pvalue(out["tstat"].to_numpy(), trend)
    return out


def _interp(x: float, grid: tuple[int, ...], values: np.ndarray) -> float:
    return float(np.interp(x, grid, values))


def _prepare(panel: Panel, variable: str, trend: str, lags: int | str | Mapping[str, int],
             max_lags: int | None, df_correction: bool, fixed_sample: bool, what: str
             ) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    _check("trend", trend, TRENDS)
    series = _series(panel, variable, what)
    orders = _lag_orders(series, lags, max_lags, trend, df_correction, fixed_sample, what)
    return series, _adf_all(series, orders, trend, df_correction)


def _lag_note(res: pd.DataFrame, lags: object) -> str:
    lo, hi = int(res["lags"].min()), int(res["lags"].max())
    span = f"{lo}" if lo == hi else f"{lo}-{hi}"
    how = f"chosen by {lags}" if isinstance(lags, str) else "given"
    return f"{len(res)} entities, ADF lags {span} ({how})"


def im_pesaran_shin(panel: Panel, variable: str, *, trend: str = "intercept",
                    lags: int | str | Mapping[str, int] = "bic", max_lags: int | None = None,
                    statistic: str = "wtbar", df_correction: bool = False,
                    fixed_sample: bool = True) -> UnitRootResult:
    """Im, Pesaran and Shin (2003) test: the standardised mean of the entity ADF t statistics.

    ``W[t-bar] = sqrt(n) (t-bar - mean E_i) / sqrt(mean V_i)`` with ``E_i`` and
    ``V_i`` the moments of the ADF t statistic for the entity's number of
    observations and lags (IPS 2003, Table 3); standard normal, rejecting for
    large negative values. H0: all series have a unit root; H1: some are
    stationary. Unbalanced panels are allowed.

    Parameters
    ----------
    panel : Panel
    variable : str
        The series to test.
    trend : {"intercept", "trend"}
        Deterministic terms in each ADF regression.
    lags : int, mapping of entity to int, or {"bic", "aic", "hall"}
        ADF lag order: fixed, per entity, or chosen per entity by the Schwarz
        or Akaike criterion or Hall's general-to-specific rule (last lag
        significant at 5%).
    max_lags : int, optional
        Largest lag tried; by default Schwert's ``12 (T/100)^(1/4)`` capped at
        what the IPS tables cover for the shortest series.
    statistic : {"wtbar", "ztbar"}
        ``"ztbar"`` uses the Dickey-Fuller moments of IPS Table 1 (intended for
        ``lags=0``, intercept only).
    df_correction : bool
        Estimate the ADF error variance with ``n - k`` instead of ``n`` degrees
        of freedom (plm's ``dfcor``; gretl and EViews use ``True``).
    fixed_sample : bool
        Compare lag orders on a common sample (plm's ``fixedT``).

    Returns
    -------
    UnitRootResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import migecon as mg
    >>> walks = np.random.default_rng(0).normal(size=(8, 30)).cumsum(axis=1)
    >>> df = pd.DataFrame({"c": np.repeat(list("ABCDEFGH"), 30),
    ...                    "year": np.tile(np.arange(1990, 2020), 8), "y": walks.ravel()})
    >>> panel = mg.Panel.from_frame(df, entity="c", time="year")
    >>> ips = mg.im_pesaran_shin(panel, "y", lags=1)
    >>> ips.distribution, len(ips.by_entity), bool(ips.pvalue > 0.05)
    ('normal', 8, True)
    """
    what = "im_pesaran_shin"
    _check("statistic", statistic, ("wtbar", "ztbar"))
    if trend == "none":
        raise SpecificationError("im_pesaran_shin needs trend='intercept' or 'trend' (the IPS "
                                 "tables have no case without deterministic terms)")
    if statistic == "ztbar" and trend != "intercept":
        raise SpecificationError("statistic='ztbar' is tabulated for trend='intercept' only")
    _, res = _prepare(panel, variable, trend, lags, max_lags, df_correction, fixed_sample, what)
    length = res["periods"] - res["lags"] - 1
    if statistic == "wtbar":
        if (res["lags"] > 8).any():
            raise SpecificationError("the IPS W[t-bar] tables stop at 8 lags; use max_lags <= 8")
        short = length < _IPS_T[0]
        if short.any():
            raise DataError(
                f"{what}: the IPS tables start at T - p - 1 = 10 observations per ADF "
                f"regression; {int(short.sum())} entities have fewer (e.g. "
                f"{res.index[short][0]!r}: {int(length[short].iloc[0])}). Use fewer lags, "
                "statistic='ztbar' with lags=0, or longer series")
        means = np.array([_interp(L, _IPS_T, np.array(_IPS_MEAN[trend][p]))
                          for L, p in zip(length, res["lags"], strict=True)])
        variances = np.array([_interp(L, _IPS_T, np.array(_IPS_VAR[trend][p]))
                              for L, p in zip(length, res["lags"], strict=True)])
        if not np.all(np.isfinite(means)):
            raise DataError(
                f"{what}: IPS Table 3 has no moments for {int(res['lags'].max())} lags with "
                f"{int(length.min())} observations (5 lags need 20, 6-8 need 25); lower "
                "max_lags or lags")
    else:
        if (length < _IPS_Z_T[0]).any():
            raise DataError(f"{what}: Z[t-bar] needs at least 6 observations per regression")
        means = np.asarray(np.interp(length, _IPS_Z_T, _IPS_Z_MEAN))
        variances = np.asarray(np.interp(length, _IPS_Z_T, _IPS_Z_VAR))
    n = len(res)
    tbar = float(res["tstat"].mean())
    stat = float(np.sqrt(n) * (tbar - means.mean()) / np.sqrt(variances.mean()))
    res = res.assign(mean_t=means, var_t=variances)
    label = "W[t-bar]" if statistic == "wtbar" else "Z[t-bar]"
    return UnitRootResult.build(
        res.drop(columns="sigma"), name=f"Im-Pesaran-Shin {label}", stat=stat,
        pvalue=float(stats.norm.cdf(stat)), df=None, distribution="normal", null=_NULL,
        note=f"t-bar = {tbar:.4f}; {_lag_note(res, lags)}; trend={trend!r}; "
             f"H1: some entities are stationary")


def maddala_wu(panel: Panel, variable: str, *, trend: str = "intercept",
               lags: int | str | Mapping[str, int] = "bic", max_lags: int | None = None,
               df_correction: bool = False, fixed_sample: bool = True) -> UnitRootResult:
    """Maddala and Wu (1999) Fisher-type test combining the entity ADF p-values.

    ``P = -2 sum_i ln p_i``, chi-squared with ``2n`` degrees of freedom under
    H0 (all series have a unit root); ``p_i`` are MacKinnon's (1994) asymptotic
    p-values of the entity ADF t statistics. Unbalanced panels are allowed.
    Stata's ``xtunitroot fisher, dfuller`` reports the same ``P`` (its
    p-values come from the finite-sample distribution, so they differ slightly).

    Parameters
    ----------
    panel, variable, trend, lags, max_lags, df_correction, fixed_sample
        As in :func:`im_pesaran_shin`; ``trend`` may also be ``"none"``.

    Returns
    -------
    UnitRootResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import migecon as mg
    >>> walks = np.random.default_rng(0).normal(size=(8, 30)).cumsum(axis=1)
    >>> df = pd.DataFrame({"c": np.repeat(list("ABCDEFGH"), 30),
    ...                    "year": np.tile(np.arange(1990, 2020), 8), "y": walks.ravel()})
    >>> panel = mg.Panel.from_frame(df, entity="c", time="year")
    >>> mw = mg.maddala_wu(panel, "y", lags="aic", max_lags=2)
    >>> mw.df
    16.0
    """
    _, res = _prepare(panel, variable, trend, lags, max_lags, df_correction, fixed_sample,
                      "maddala_wu")
    pvals = res["pvalue"].clip(lower=1e-300)
    stat = float(-2 * np.log(pvals).sum())
    df = 2.0 * len(res)
    return UnitRootResult.build(
        res.drop(columns="sigma"), name="Maddala-Wu (Fisher ADF) P", stat=stat,
        pvalue=float(stats.chi2.sf(stat, df)), df=df, distribution="chi2", null=_NULL,
        note=f"{_lag_note(res, lags)}; trend={trend!r}; MacKinnon (1994) p-values")


def _long_run_variance(y: np.ndarray, trend: str, bandwidth: int | None) -> float:
    """Bartlett long-run variance of D.y (demeaned / detrended), LLC (2002) eq. 5."""
    T = len(y)
    q = round(3.21 * T ** (1 / 3)) if bandwidth is None else int(bandwidth)
    dy = np.diff(y)
    if trend == "intercept":
        dy = dy - dy.mean()
    elif trend == "trend":
        t = np.arange(1.0, len(dy) + 1)
        Z = np.column_stack([np.ones_like(t), t])
        dy = dy - Z @ np.linalg.lstsq(Z, dy, rcond=None)[0]
    m = T - 1
    lrv = float(dy @ dy) / m
    for lag in range(1, min(q, m - 1) + 1):
        lrv += 2 * (1 - lag / (q + 1)) * float(dy[lag:] @ dy[:-lag]) / m
    return lrv


def levin_lin_chu(panel: Panel, variable: str, *, trend: str = "intercept",
                  lags: int | str | Mapping[str, int] = "bic", max_lags: int | None = None,
                  df_correction: bool = False, fixed_sample: bool = True,
                  bandwidth: int | None = None) -> UnitRootResult:
    """Levin, Lin and Chu (2002) test with a common autoregressive parameter.

    Each entity's ``D.y`` and ``y_{t-1}`` are purged of the lagged
    differences and deterministic terms and divided by the ADF standard error;
    the pooled regression of one on the other gives ``t_delta``, adjusted to
    ``t* = (t_delta - n T~ S_n s^-2 se(delta) mu*) / sigma*`` (LLC eq. 12),
    standard normal, rejecting for large negative values. ``S_n`` averages
    the ratios of long-run (Bartlett kernel, ``3.21 T^(1/3)`` lags) to
    short-run standard deviations; ``mu*, sigma*`` come from LLC Table 2 at
    ``T~ = T - mean(p) - 1``. H1: all series are stationary with a common
    ``rho``. Needs a balanced panel.

    Parameters
    ----------
    panel, variable, trend, lags, max_lags, df_correction, fixed_sample
        As in :func:`maddala_wu`.
    bandwidth : int, optional
        Bartlett lag truncation for the long-run variances.

    Returns
    -------
    UnitRootResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import migecon as mg
    >>> walks = np.random.default_rng(0).normal(size=(8, 30)).cumsum(axis=1)
    >>> df = pd.DataFrame({"c": np.repeat(list("ABCDEFGH"), 30),
    ...                    "year": np.tile(np.arange(1990, 2020), 8), "y": walks.ravel()})
    >>> panel = mg.Panel.from_frame(df, entity="c", time="year")
    >>> llc = mg.levin_lin_chu(panel, "y", lags=1)
    >>> llc.distribution
    'normal'
    """
    what = "levin_lin_chu"
    series, res = _prepare(panel, variable, trend, lags, max_lags, df_correction, fixed_sample,
                           what)
    lengths = {len(y) for y in series.values()}
    if len(lengths) > 1:
        short = [e for e, y in series.items() if len(y) < max(lengths)]
        raise DataError(
            f"{what} needs a balanced panel (the same years for every entity); "
            f"{len(short)} of {len(series)} entities have fewer than {max(lengths)} years of "
            f"{variable!r}, e.g. {short[:3]}. Use im_pesaran_shin or maddala_wu, which allow "
            "unbalanced panels, or restrict the sample to common years")
    T = lengths.pop()
    dif, lev = [], []
    lag_of, sigma_of = res["lags"].to_dict(), res["sigma"].to_dict()
    for e, y in series.items():
        p, sigma = int(lag_of[e]), float(sigma_of[e])
        dep, X = _adf_design(y, p, trend, p + 1)
        level = X[:, 0]
        Z = X[:, 1:]
        if Z.shape[1]:
            dep = dep - Z @ np.linalg.lstsq(Z, dep, rcond=None)[0]
            level = level - Z @ np.linalg.lstsq(Z, level, rcond=None)[0]
        dif.append(dep / sigma)
        lev.append(level / sigma)
    e_dif, e_lev = np.concatenate(dif), np.concatenate(lev)
    delta = float(e_lev @ e_dif / (e_lev @ e_lev))
    resid = e_dif - delta * e_lev
    ssr = float(resid @ resid)
    sigma2 = ssr / (len(resid) - 1) if df_correction else ssr / len(resid)
    se = float(np.sqrt(sigma2 / (e_lev @ e_lev)))
    n = len(series)
    t_tilde = T - float(res["lags"].mean()) - 1
    s_n = float(np.mean([np.sqrt(_long_run_variance(series[e], trend, bandwidth)) /
                         sigma_of[e] for e in series]))
    s2_eps = ssr / (n * t_tilde)
    if t_tilde < _LLC_T[0]:
        warnings.warn(
            f"{what}: T~ = {t_tilde:g} is below the shortest length (25) in the LLC "
            "adjustment table; the T = 25 values are used, so the test is approximate",
            EstimationWarning, stacklevel=2)
    mu_star = _interp(t_tilde, _LLC_T, np.array(_LLC[trend][0]))
    sigma_star = _interp(t_tilde, _LLC_T, np.array(_LLC[trend][1]))
    t_delta = delta / se
    stat = (t_delta - n * t_tilde * s_n / s2_eps * se * mu_star) / sigma_star
    return UnitRootResult.build(
        res, name="Levin-Lin-Chu t*", stat=float(stat), pvalue=float(stats.norm.cdf(stat)),
        df=None, distribution="normal", null=_NULL,
        note=f"pooled delta = {delta:.4f} (t = {t_delta:.3f}), S_n = {s_n:.4f}; "
             f"{_lag_note(res, lags)}; trend={trend!r}; H1: all entities stationary")
