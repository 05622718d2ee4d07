"""Residual-based panel cointegration tests (Pedroni, Kao) and the entry point ``mg.cointegration``.

All tests share the null hypothesis of *no* cointegration between ``y`` and the
``x`` variables (every unit's residual has a unit root). They need a balanced
panel of contiguous series.

* **Kao (1999)**: pooled least-squares dummy-variable regression
  ``y_it = a_i + b'x_it + e_it`` with a common slope, then Dickey-Fuller and
  augmented Dickey-Fuller regressions of the pooled residuals. Kao's five
  statistics (:data:`KAO_STATS`): ``DF_rho*`` and ``DF_t*`` (corrected for
  serial correlation and endogeneity with the long-run covariances),
  ``DF_rho`` and ``DF_t`` (valid only under strict exogeneity) and ``ADF``;
  all standard normal, rejecting for large negative values.
* **Pedroni (1999, 2004)**: one regression per unit (own intercept, optional
  trend, own slopes), then seven statistics: four pooled "panel" (within
  dimension: v, rho, t, ADF) and three "group mean" (between dimension: rho, t,
  ADF), standardised with the moments of Pedroni (1999, Table 2)
  (:data:`PEDRONI_MEAN`, :data:`PEDRONI_VAR`). Panel v rejects for large
  positive values, the others for large negative values. ``time_demean=True``
  subtracts the cross-section mean of every variable at each date first (the
  usual guard against common time effects; ``xtpedroni``'s default).
* **Westerlund (2007)**: see :mod:`migecon.estimate.diagnostics.westerlund`.

Long-run variances use the Bartlett kernel (Newey-West) with
``round(4 (T/100)^(2/9))`` lags unless ``kernel_lags`` is given.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from migecon.errors import DataError, DroppedDataWarning, EstimationWarning, SpecificationError
from migecon.estimate.results import TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["KAO_STATS", "PEDRONI_MEAN", "PEDRONI_STATS", "PEDRONI_VAR",
           "CointegrationResult", "cointegration", "warn_i2"]

TESTS = ("pedroni", "kao", "westerlund")
PEDRONI_STATS = ("panel v", "panel rho", "panel t", "panel ADF",
                 "group rho", "group t", "group ADF")
KAO_STATS = ("DF_rho*", "DF_t*", "DF_rho", "DF_t", "ADF")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NULL = "no cointegration (every unit's residual has a unit root)"

# Pedroni (1999), Oxford Bulletin of Economics and Statistics 61(S1), Table 2:
# asymptotic mean and variance of the five basic statistics (panel v, panel rho,
# panel t, group rho, group t; the ADF statistics use the t moments) by the
# number of regressors m = 1..7, for heterogeneous intercepts ("constant") and
# heterogeneous intercepts and trends ("trend"). The m = 1 rows carry two
# decimals, as printed. Typed from xtpedroni (Neal 2014, Stata Journal 14(3)),
# which reproduces the table.
PEDRONI_MEAN = {
    "constant": ((8.62, -6.02, -1.73, -9.05, -2.03),
                 (11.754, -9.495, -2.177, -12.938, -2.453),
                 (15.197, -13.256, -2.576, -16.888, -2.827),
                 (18.910, -17.163, -2.930, -20.841, -3.157),
                 (22.715, -21.013, -3.241, -24.775, -3.452),
                 (26.603, -24.944, -3.531, -28.720, -3.726),
                 (30.457, -28.795, -3.795, -32.538, -3.976)),
    "trend": ((17.86, -10.54, -2.29, -13.65, -2.53),
              (21.162, -14.011, -2.648, -17.359, -2.872),
              (24.556, -17.600, -2.967, -21.116, -3.179),
              (28.046, -21.287, -3.262, -24.930, -3.464),
              (31.738, -25.130, -3.545, -28.849, -3.737),
              (35.537, -28.981, -3.806, -32.716, -3.986),
              (39.231, -32.756, -4.047, -36.494, -4.217)),
}
PEDRONI_VAR = {
    "constant": ((60.75, 31.27, 0.93, 35.98, 0.66),
                 (104.546, 57.610, 0.964, 51.49, 0.618),
                 (151.094, 81.772, 0.923, 67.123, 0.585),
                 (190.661, 99.331, 0.843, 81.835, 0.560),
                 (231.864, 119.546, 0.800, 98.278, 0.553),
                 (270.451, 134.341, 0.750, 113.131, 0.542),
                 (293.431, 144.615, 0.685, 126.059, 0.525)),
    "trend": ((101.68, 39.52, 0.66, 50.91, 0.56),
              (160.249, 64.219, 0.690, 66.387, 0.555),
              (198.167, 83.815, 0.686, 81.832, 0.548),
              (239.425, 103.905, 0.688, 97.362, 0.543),
              (276.997, 124.613, 0.686, 113.145, 0.538),
              (310.982, 138.227, 0.654, 127.989, 0.530),
              (348.217, 154.378, 0.638, 140.756, 0.518)),
}
#: Column of the moment tables used by each Pedroni statistic.
_PEDRONI_COLUMN = {"panel v": 0, "panel rho": 1, "panel t": 2, "panel ADF": 2,
                   "group rho": 3, "group t": 4, "group ADF": 4}


class CointegrationResult(TestResult):
    """A :class:`TestResult` (the headline statistic) with every statistic in ``table``.

    ``table`` is a DataFrame indexed by statistic with columns ``stat`` (as
    computed), ``z`` (standardised; equal to ``stat`` when it is already
    standard normal), ``pvalue`` and, for Westerlund with a bootstrap,
    ``boot_pvalue``. ``by_entity`` holds the unit-level pieces.
    """

    table: pd.DataFrame
    by_entity: pd.DataFrame

    @classmethod
    def build(cls, table: pd.DataFrame, by_entity: pd.DataFrame,
              **fields: Any) -> CointegrationResult:
        out = cls(**fields)
        object.__setattr__(out, "table", table)
        object.__setattr__(out, "by_entity", by_entity)
        return out

    def __str__(self) -> str:
        return f"{super().__str__()}\n{self.table.round(4).to_string()}"


def cointegration(panel: Panel, formula: str, *, test: str = "pedroni",
                  trend: str = "constant", lags: int | str | tuple[int, int] = 1,
                  max_lags: int | None = None, time_demean: bool = False,
                  kernel_lags: int | None = None, leads: int | tuple[int, int] = 0,
                  lrwindow: int = 2, bootstrap: int = 0,
                  seed: int | None = None, check_i2: bool = True,
                  parallel: int | str | None = None) -> CointegrationResult:
    """Panel cointegration tests of Pedroni, Kao or Westerlund.

    Parameters
    ----------
    panel : Panel
        A balanced panel of contiguous series.
    formula : str
        ``"y ~ x1 + x2"`` with plain column names (levels).
    test : {"pedroni", "kao", "westerlund"}
        Which test (see the module docstring and
        :mod:`migecon.estimate.diagnostics.westerlund`).
    trend : {"constant", "trend", "none"}
        Deterministic terms: unit intercepts, intercepts and trends (Pedroni,
        Westerlund), or none (Westerlund only). Kao always has intercepts.
    lags : int, {"aic", "bic"} or (min, max)
        Lagged differences in the ADF regressions (Pedroni, Kao) or in the
        error-correction regressions (Westerlund). Pedroni, Kao: ``"aic"`` /
        ``"bic"`` choose per unit up to ``max_lags``. Westerlund: a range
        ``(min, max)`` is searched per unit by AIC (xtwest's ``lags(1 3)``);
        ``leads`` likewise.
    max_lags : int, optional
        Largest lag tried; default ``int(12 (T/100)^(1/4))``.
    time_demean : bool
        Subtract the cross-section mean at each date from every variable
        before the test (Pedroni, Kao).
    kernel_lags : int, optional
        Bartlett-kernel lags of the long-run variances (Pedroni, Kao);
        default ``round(4 (T/100)^(2/9))``.
    leads, lrwindow, bootstrap, seed
        Westerlund: leads of ``D.x``, Bartlett window of the long-run
        variances, bootstrap replications (0 for none) and random seed.
    check_i2 : bool
        Warn when a variable's first difference does not look stationary
        (Im-Pesaran-Shin on the differences does not reject at 10%): the
        tests assume I(1) variables, not I(2).
    parallel : None, int or str
        Where Westerlund's bootstrap replications run (:mod:`migecon.parallel`);
        the p-values are the same whatever the backend.

    Returns
    -------
    CointegrationResult
        The headline statistic (Pedroni: group ADF; Kao: ADF;
        Westerlund: Pt) and ``table`` with all of them.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import migecon as mg
    >>> rng = np.random.default_rng(0)
    >>> rows = []
    >>> for i in range(10):
    ...     x = np.cumsum(rng.normal(size=60))
    ...     y = 1.0 + 0.5 * x + rng.normal(scale=0.5, size=60)
    ...     rows += [{"c": i, "t": 1960 + t, "y": y[t], "x": x[t]} for t in range(60)]
    >>> panel = mg.Panel.from_frame(pd.DataFrame(rows), entity="c", time="t")
    >>> res = mg.cointegration(panel, "y ~ x", test="kao")
    >>> res.pvalue < 0.01
    True
    >>> list(res.table.index)
    ['DF_rho*', 'DF_t*', 'DF_rho', 'DF_t', 'ADF']
    """
    if test not in TESTS:
        raise SpecificationError(f"test must be one of {TESTS}; got {test!r}")
    if trend not in ("constant", "trend", "none"):
        raise SpecificationError(f"trend must be 'constant', 'trend' or 'none'; got {trend!r}")
    if trend == "none" and test != "westerlund":
        raise SpecificationError(
            f"trend='none' is available for test='westerlund' only; the {test} moments "
            "assume unit intercepts (trend='constant' or 'trend')")
    if test == "kao" and trend == "trend":
        raise SpecificationError("Kao's test has unit intercepts only; use trend='constant'")
    dep, xnames = _parse(formula, panel)
    y, x, labels, times = balanced_arrays(panel, dep, xnames)
    if check_i2:
        warn_i2(panel, [dep, *xnames], labels, times)
    if test == "westerlund":
        from migecon.estimate.diagnostics.westerlund import westerlund

        if isinstance(lags, str):
            raise SpecificationError(
                "test='westerlund' takes a number of lags or a range (min, max) searched by "
                f"AIC per unit, as xtwest's lags(1 3); got lags={lags!r}")
        table, by, fields = westerlund(y, x, labels, trend=trend, lags=lags, leads=leads,
                                       lrwindow=lrwindow, bootstrap=bootstrap, seed=seed,
                                       parallel=parallel)
        return CointegrationResult.build(table, by, **fields)
    if time_demean:
        y = y - y.mean(axis=0, keepdims=True)
        x = x - x.mean(axis=0, keepdims=True)
    t_len = y.shape[1]
    k_lags = kernel_lags if kernel_lags is not None else round(4 * (t_len / 100) ** (2 / 9))
    maxl = max_lags if max_lags is not None else int(12 * (t_len / 100) ** 0.25)
    if isinstance(lags, tuple):
        raise SpecificationError(
            f"a lag range applies to test='westerlund'; for {test} give an integer or "
            "'aic'/'bic' with max_lags")
    _check_lags(lags, maxl, t_len)
    if test == "kao":
        return _kao(y, x, labels, lags=lags, max_lags=maxl, k_lags=k_lags,
                    time_demean=time_demean)
    return _pedroni(y, x, labels, trend=trend, lags=lags, max_lags=maxl, k_lags=k_lags,
                    time_demean=time_demean)


# ------------------------------------------------------------------ data
def _parse(formula: str, panel: Panel) -> tuple[str, list[str]]:
    if formula.count("~") != 1:
        raise SpecificationError(f"formula {formula!r} must read 'y ~ x1 + x2'")
    lhs, rhs = (s.strip() for s in formula.split("~"))
    xs = [t.strip() for t in rhs.split("+") if t.strip()]
    if not xs:
        raise SpecificationError("a cointegration test needs at least one regressor")
    for name in [lhs, *xs]:
        if not _NAME.match(name):
            raise SpecificationError(
                f"cointegration formulas take plain column names; {name!r} is an expression. "
                "Create the variable first (e.g. log levels)")
        if name not in panel.columns:
            raise SpecificationError(
                f"variable {name!r} is not in the panel; available: {', '.join(panel.columns)}")
    return lhs, xs


def balanced_arrays(panel: Panel, dep: str, xnames: list[str]
                    ) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """``y`` (N, T), ``x`` (N, T, k), unit labels and dates of a balanced panel.

    Rows with a missing value are dropped with a :class:`DroppedDataWarning`;
    what remains must be balanced and contiguous, otherwise a DataError says
    which units differ.
    """
    data = panel.data[[dep, *xnames]].astype(float)
    missing = data.isna().any(axis=1)
    if missing.any():
        counts = {v: int(data[v].isna().sum()) for v in (dep, *xnames) if data[v].isna().any()}
        warnings.warn(f"{int(missing.sum())} row(s) with missing values dropped before the "
                      f"cointegration test ({', '.join(f'{k}: {v}' for k, v in counts.items())})",
                      DroppedDataWarning, stacklevel=3)
        data = data[~missing]
    if data.empty:
        raise DataError(f"no complete observations of {dep}, {', '.join(xnames)}")
    ents = data.index.get_level_values(0)
    tim = data.index.get_level_values(1)
    times = np.sort(pd.unique(tim))
    per_unit = pd.Series(tim, index=ents).groupby(level=0).agg(["min", "max", "count"])
    span = per_unit["max"] - per_unit["min"] + 1
    gappy = per_unit.index[span != per_unit["count"]].tolist()
    if gappy:
        raise DataError(
            f"cointegration tests need contiguous series; {len(gappy)} unit(s) have gaps: "
            f"{', '.join(map(str, gappy[:10]))}. Fill or drop them, or restrict the years")
    if per_unit["count"].nunique() != 1 or per_unit["min"].nunique() != 1:
        short = per_unit[per_unit["count"] < per_unit["count"].max()]
        raise DataError(
            f"cointegration tests here need a balanced panel; {len(short)} unit(s) cover fewer "
            f"periods than the longest ({int(per_unit['count'].max())}): "
            f"{', '.join(f'{u} ({int(n)})' for u, n in short['count'].head(10).items())}. "
            "Use panel.balanced([...]) or panel.subset(years=...) first")
    labels = [str(u) for u in per_unit.index]
    n, t_len = len(labels), len(times)
    if n < 2:
        raise DataError(f"a panel cointegration test needs at least 2 units; got {n}")
    y = data[dep].to_numpy().reshape(n, t_len)
    x = data[xnames].to_numpy().reshape(n, t_len, len(xnames))
    return y, x, labels, times


def _check_lags(lags: int | str, max_lags: int, t_len: int) -> None:
    if isinstance(lags, str):
        if lags not in ("aic", "bic"):
            raise SpecificationError(f"lags must be an integer, 'aic' or 'bic'; got {lags!r}")
        return
    if not isinstance(lags, (int, np.integer)) or lags < 0:
        raise SpecificationError(f"lags must be a non-negative integer; got {lags!r}")
    if lags >= t_len // 2:
        raise DataError(f"lags={lags} is too long for series of {t_len} periods; use fewer")


def warn_i2(panel: Panel, variables: list[str], labels: list[str], times: np.ndarray, *,
            stacklevel: int = 3) -> None:
    """Warn when a variable's first difference still looks like a unit-root process.

    Im-Pesaran-Shin (intercept, one lag) on ``D.v`` for each variable over the
    given units and years; p > 0.10 flags ``v`` as possibly I(2).
    """
    from migecon.estimate.diagnostics.unitroot import im_pesaran_shin
    from migecon.panel.transform import diff

    sub = panel.subset(countries=labels, years=(int(times[0]), int(times[-1])))
    data = sub.data
    flagged = []
    for v in variables:
        d = diff(data[v].astype(float))
        test_panel = type(panel)(pd.DataFrame({"d": d}).dropna())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = im_pesaran_shin(test_panel, "d", trend="intercept", lags=1)
        except (DataError, SpecificationError, ValueError, np.linalg.LinAlgError):
            continue
        if np.isfinite(res.pvalue) and res.pvalue > 0.10:
            flagged.append(f"{v} (IPS on D.{v}: p = {res.pvalue:.3f})")
    if flagged:
        warnings.warn(
            "the first differences of " + ", ".join(flagged) + " do not look stationary: the "
            "variables may be I(2), while panel cointegration tests and ARDL models assume I(1) "
            "(or I(0)) variables. "
            "Test the differences (mg.im_pesaran_shin) and consider differencing",
            EstimationWarning, stacklevel=stacklevel)


# ------------------------------------------------------------- helpers
def bartlett_lrv(u: np.ndarray, lags: int, divisor: float | None = None) -> float:
    """Newey-West long-run variance ``g0 + 2 sum_l (1 - l/(L+1)) g_l``, ``g_l = sum u_t u_t-l / n``.

    Examples
    --------
    >>> import numpy as np
    >>> round(bartlett_lrv(np.array([1.0, -1.0, 1.0, -1.0]), 1), 3)
    0.25
    """
    n = divisor if divisor is not None else u.size
    out = float(u @ u) / n
    for lag in range(1, lags + 1):
        out += 2 * (1 - lag / (lags + 1)) * float(u[lag:] @ u[:-lag]) / n
    return out


def _ols_resid(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    if x.shape[1] == 0:
        return y.copy()
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    return y - x @ coef


def _adf_pieces(e: np.ndarray, lags: int | str, max_lags: int
                ) -> tuple[float, float, float, int]:
    """ADF regression of ``D.e`` on ``e_-1`` and lagged ``D.e`` (no constant).

    Returns the partialled cross products ``sum e*_-1 D.e*`` and ``sum e*_-1^2``,
    the residual variance ``RSS/n`` and the lag order used.
    """
    de = np.diff(e)
    if isinstance(lags, str):
        best, p_best = np.inf, 0
        n_common = de.size - max_lags
        for p in range(max_lags + 1):
            dep, lag_e, z = _adf_design(e, de, p, start=max_lags)
            resid = _ols_resid(dep, np.column_stack([lag_e, z]))
            k = 1 + p
            ic = np.log(resid @ resid / n_common) + (2 if lags == "aic" else np.log(n_common)) \
                * k / n_common
            if ic < best:
                best, p_best = ic, p
        p_used = p_best
    else:
        p_used = int(lags)
    dep, lag_e, z = _adf_design(e, de, p_used, start=p_used)
    d_star = _ols_resid(dep, z)
    e_star = _ols_resid(lag_e, z)
    num, den = float(e_star @ d_star), float(e_star @ e_star)
    resid = d_star - (num / den) * e_star
    return num, den, float(resid @ resid) / dep.size, p_used


def _adf_design(e: np.ndarray, de: np.ndarray, p: int, start: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = np.arange(start, de.size)
    z = np.column_stack([de[rows - j] for j in range(1, p + 1)]) if p else np.empty((rows.size, 0))
    return de[rows], e[rows], z


def _normal_row(stat: float, z: float, left: bool = True) -> dict[str, float]:
    return {"stat": stat, "z": z,
            "pvalue": float(stats.norm.cdf(z) if left else stats.norm.sf(z))}


# ---------------------------------------------------------------- Kao
def _kao(y: np.ndarray, x: np.ndarray, labels: list[str], *, lags: int | str, max_lags: int,
         k_lags: int, time_demean: bool) -> CointegrationResult:
    n, t_len, k = x.shape
    yd = y - y.mean(axis=1, keepdims=True)
    xd = x - x.mean(axis=1, keepdims=True)
    beta, *_ = np.linalg.lstsq(xd.reshape(-1, k), yd.reshape(-1), rcond=None)
    e = yd - np.einsum("ntk,k->nt", xd, beta)
    # pooled DF regression e_t = rho e_t-1 + v_t
    lag_e, cur_e = e[:, :-1].reshape(-1), e[:, 1:].reshape(-1)
    rho = float(lag_e @ cur_e / (lag_e @ lag_e))
    v = cur_e - rho * lag_e
    s2 = float(v @ v) / v.size
    t_rho = (rho - 1) / np.sqrt(s2 / float(lag_e @ lag_e))
    # pooled ADF with a common lag order
    p_adf = _kao_lag(e, lags, max_lags)
    num = den = rss = 0.0
    n_adf = 0
    for i in range(n):
        de = np.diff(e[i])
        dep, le, z = _adf_design(e[i], de, p_adf, start=p_adf)
        num_i = _ols_resid(dep, z) if z.shape[1] else dep
        den_i = _ols_resid(le, z) if z.shape[1] else le
        num += float(den_i @ num_i)
        den += float(den_i @ den_i)
        n_adf += dep.size
        rss += float(num_i @ num_i)
    rho_adf = num / den
    s2_adf = (rss - rho_adf ** 2 * den) / n_adf
    t_adf = rho_adf / np.sqrt(s2_adf / den)     # rho_adf is the coefficient rho - 1
    # long-run covariance of w = (u, eps): u the innovation of the residual
    # (e_t - rho e_t-1, the DF regression residual), eps = D.x (Kao 1999, Section 3)
    u = e[:, 1:] - rho * e[:, :-1]
    eps = np.diff(x, axis=1)
    w = np.concatenate([u[..., None], eps], axis=2)            # (n, T-1, 1+k)
    sigma = np.einsum("nti,ntj->ij", w, w) / (n * (t_len - 1))
    omega = np.zeros_like(sigma)
    for i in range(n):
        wi = w[i]
        om = wi.T @ wi / wi.shape[0]
        for lag in range(1, k_lags + 1):
            g = wi[lag:].T @ wi[:-lag] / wi.shape[0]
            om += (1 - lag / (k_lags + 1)) * (g + g.T)
        omega += om / n
    s_v2 = float(sigma[0, 0] - sigma[0, 1:] @ np.linalg.solve(sigma[1:, 1:], sigma[1:, 0]))
    s_0v2 = float(omega[0, 0] - omega[0, 1:] @ np.linalg.solve(omega[1:, 1:], omega[1:, 0]))
    sq_n = np.sqrt(n)
    t_factor = np.sqrt(s_0v2 / (2 * s_v2) + 3 * s_v2 / (10 * s_0v2))
    shift = np.sqrt(6 * n) * np.sqrt(s_v2) / (2 * np.sqrt(s_0v2))
    df_rho_star = (sq_n * t_len * (rho - 1) + 3 * sq_n * s_v2 / s_0v2) / np.sqrt(
        3 + 36 * s_v2 ** 2 / (5 * s_0v2 ** 2))
    df_t_star = (t_rho + shift) / t_factor
    adf = (t_adf + shift) / t_factor
    df_rho = (sq_n * t_len * (rho - 1) + 3 * sq_n) / np.sqrt(10.2)
    df_t = np.sqrt(1.25) * t_rho + np.sqrt(1.875 * n)
    table = pd.DataFrame.from_dict({
        "DF_rho*": _normal_row(df_rho_star, df_rho_star),
        "DF_t*": _normal_row(df_t_star, df_t_star),
        "DF_rho": _normal_row(df_rho, df_rho),
        "DF_t": _normal_row(df_t, df_t),
        "ADF": _normal_row(adf, adf),
    }, orient="index")
    table.index.name = "statistic"
    by = pd.DataFrame({"nobs": [t_len] * n}, index=pd.Index(labels, name="unit"))
    note = (f"Kao (1999); common slope {np.round(beta, 4).tolist()}, rho = {rho:.4f}, "
            f"ADF lags = {p_adf}, kernel lags = {k_lags}, sigma_v^2 = {s_v2:.4g}, "
            f"sigma_0v^2 = {s_0v2:.4g}" + ("; time-demeaned" if time_demean else "")
            + "; DF_rho and DF_t assume strictly exogenous regressors")
    return CointegrationResult.build(
        table, by, name="Kao (ADF)", stat=float(adf),
        pvalue=float(stats.norm.cdf(adf)),
        distribution="normal", null=_NULL, note=note)


def _kao_lag(e: np.ndarray, lags: int | str, max_lags: int) -> int:
    if not isinstance(lags, str):
        return int(lags)
    chosen = [_adf_pieces(e[i], lags, max_lags)[3] for i in range(e.shape[0])]
    return round(float(np.mean(chosen)))


# ------------------------------------------------------------ Pedroni
def _pedroni(y: np.ndarray, x: np.ndarray, labels: list[str], *, trend: str,
             lags: int | str, max_lags: int, k_lags: int,
             time_demean: bool) -> CointegrationResult:
    n, t_len, k = x.shape
    if k > 7:
        raise SpecificationError(
            f"Pedroni's moment tables cover up to 7 regressors; the formula has {k}")
    det = [np.ones(t_len)] + ([np.arange(1, t_len + 1, dtype=float)] if trend == "trend" else [])
    rows = []
    for i in range(n):
        z = np.column_stack([*det, x[i]])
        e = _ols_resid(y[i], z)
        le, de = e[:-1], np.diff(e)
        s_sum, q_sum = float(le @ de), float(le @ le)
        u = e[1:] - (float(le @ e[1:]) / q_sum) * le      # AR(1) residuals of e
        g0 = float(u @ u) / u.size
        sig2 = bartlett_lrv(u, k_lags)
        lam = (sig2 - g0) / 2
        eta = _ols_resid(np.diff(y[i]), np.diff(x[i], axis=0))
        l2 = bartlett_lrv(eta, k_lags)
        num_a, den_a, s2_star, p_used = _adf_pieces(e, lags, max_lags)
        rows.append({"S": s_sum, "Q": q_sum, "lambda": lam, "sigma2": sig2, "L2": l2,
                     "adf_num": num_a, "adf_den": den_a, "s2_star": s2_star,
                     "adf_lags": p_used, "nobs": t_len})
    by = pd.DataFrame(rows, index=pd.Index(labels, name="unit"))
    s_a, q, lam_a, sig2_a, l2_a = (by[c].to_numpy(dtype=float)
                                   for c in ("S", "Q", "lambda", "sigma2", "L2"))
    an, ad, s2s = by["adf_num"].to_numpy(), by["adf_den"].to_numpy(), by["s2_star"].to_numpy()
    corr = s_a - (t_len - 1) * lam_a
    sig_tilde = float(np.mean(sig2_a / l2_a))
    s_star_tilde = float(np.mean(s2s / l2_a))
    raw = {
        "panel v": t_len ** 2 * n ** 1.5 / float(np.sum(q / l2_a)),
        "panel rho": t_len * np.sqrt(n) * float(np.sum(corr / l2_a)) / float(np.sum(q / l2_a)),
        "panel t": float(np.sum(corr / l2_a)) / np.sqrt(sig_tilde * float(np.sum(q / l2_a))),
        "panel ADF": float(np.sum(an / l2_a)) / np.sqrt(s_star_tilde * float(np.sum(ad / l2_a))),
        "group rho": t_len / np.sqrt(n) * float(np.sum(corr / q)),
        "group t": float(np.sum(corr / np.sqrt(sig2_a * q))) / np.sqrt(n),
        "group ADF": float(np.sum(an / np.sqrt(s2s * ad))) / np.sqrt(n),
    }
    mean, var = PEDRONI_MEAN[trend][k - 1], PEDRONI_VAR[trend][k - 1]
    table_rows: dict[str, dict[str, float]] = {}
    for name in PEDRONI_STATS:
        col = _PEDRONI_COLUMN[name]
        z = (raw[name] - mean[col] * np.sqrt(n)) / np.sqrt(var[col])
        table_rows[name] = _normal_row(float(raw[name]), float(z), left=name != "panel v")
    table = pd.DataFrame.from_dict(table_rows, orient="index")
    table.index.name = "statistic"
    note = (f"Pedroni (1999, 2004), {k} regressor(s), "
            f"{'intercepts and trends' if trend == 'trend' else 'intercepts'}"
            f"{', time-demeaned' if time_demean else ''}; kernel lags {k_lags}; ADF lags "
            f"{'chosen by ' + lags if isinstance(lags, str) else lags}; z = (stat - mu sqrt(N))"
            " / sqrt(v) with Pedroni (1999, Table 2) moments; panel v rejects for large "
            "positive values, the others for large negative values")
    return CointegrationResult.build(
        table, by, name="Pedroni (group ADF)", stat=table_rows["group ADF"]["z"],
        pvalue=table_rows["group ADF"]["pvalue"], distribution="normal", null=_NULL,
        note=note)
