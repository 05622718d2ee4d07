"""Westerlund (2007) error-correction tests of no cointegration: Gt, Ga, Pt, Pa.

For each unit ``i`` the error-correction regression

    D.y_t = c_i + d_i t + a_i y_t-1 + l_i' x_t-1 + sum_{j=1}^p a_ij D.y_t-j
            + sum_{j=-q}^{p} g_ij' D.x_t-j + e_t

is estimated by least squares (``p`` lags, ``q`` leads). Under H0 there is no
error correction (``a_i = 0`` for all ``i``).

* ``Gt = mean_i a_i / se(a_i)``, ``Ga = mean_i T_i a_i / a_i(1)`` with
  ``a_i(1) = w_ui / w_yi`` the ratio of the Bartlett long-run standard
  deviations of ``u_t = D.y_t - c - d t - a y_t-1 - l'x_t-1 - sum a_j D.y_t-j``
  and of ``D.y_t``; H1: some units error-correct.
* ``Pt`` and ``Pa``: the pooled ``a`` after partialling the other regressors
  out, weighted by ``1/a_i(1)``, its t ratio and ``T a``; H1: the panel as a
  whole error-corrects.

``T_i`` is the residual degrees of freedom of the unit regression and the
statistics are standardised with the asymptotic moments tabulated in
``xtwest`` (Persyn and Westerlund 2008, Stata Journal 8(2); the program's
default, not its ``westerlund`` option): ``z = sqrt(N) (G - mu) / sqrt(v)``,
``z = (Pt - sqrt(N) mu) / sqrt(v)``, ``z = sqrt(N) (Pa - mu) / sqrt(v)``;
left-tailed normal p-values. The bootstrap (Westerlund 2007, Section 4;
``xtwest, bootstrap()``) refits the short-run dynamics under H0, resamples
whole dates (keeping the cross-section dependence) and rebuilds the series; the
robust p-value is the share of bootstrap statistics at or below the observed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from migecon.errors import DataError, SpecificationError
from migecon.parallel import map_tasks

__all__ = ["WESTERLUND_MEAN", "WESTERLUND_VAR", "select_order", "westerlund",
           "westerlund_stats"]

# Asymptotic moments of Gt, Ga, Pt, Pa by deterministic terms (rows: none,
# constant, constant and trend) and number of regressors (columns: 1..6),
# as typed in xtwest 1.5 (Persyn and Westerlund 2008).
WESTERLUND_MEAN = {
    "Gt": ((-0.9763, -1.3816, -1.7093, -1.9789, -2.1985, -2.4262),
           (-1.7776, -2.0349, -2.2332, -2.4453, -2.6462, -2.8358),
           (-2.3664, -2.5284, -2.7040, -2.8639, -3.0146, -3.1710)),
    "Ga": ((-3.8022, -5.8239, -7.8108, -9.8791, -11.7239, -13.8581),
           (-7.1423, -9.1249, -10.9667, -12.9561, -14.9752, -17.0673),
           (-12.0116, -13.6324, -15.5262, -17.3648, -19.2533, -21.2479)),
    "Pt": ((-0.5105, -0.9370, -1.3169, -1.6167, -1.8815, -2.1256),
           (-1.4476, -1.7131, -1.9206, -2.1484, -2.3730, -2.5765),
           (-2.1124, -2.2876, -2.4633, -2.6275, -2.7858, -2.9537)),
    "Pa": ((-1.0263, -2.4988, -4.2699, -6.1141, -8.0317, -10.0074),
           (-4.2303, -5.8650, -7.4599, -9.3057, -11.3152, -13.3180),
           (-8.9326, -10.4874, -12.1672, -13.8889, -15.6815, -17.6515)),
}
WESTERLUND_VAR = {
    "Gt": ((1.0823, 1.0981, 1.0489, 1.0576, 1.0351, 1.0409),
           (0.8071, 0.8481, 0.8886, 0.9119, 0.9083, 0.9236),
           (0.6603, 0.7070, 0.7586, 0.8228, 0.8477, 0.8599)),
    "Ga": ((20.6868, 29.9016, 39.0109, 50.5741, 58.9595, 69.5967),
           (29.6336, 39.3428, 49.4880, 58.7035, 67.9499, 79.1093),
           (46.2420, 53.7428, 64.5591, 74.7403, 84.7990, 94.0024)),
    "Pt": ((1.3624, 1.7657, 1.7177, 1.6051, 1.4935, 1.4244),
           (0.9885, 1.0663, 1.1168, 1.1735, 1.1684, 1.1589),
           (0.7649, 0.8137, 0.8857, 0.9985, 0.9918, 0.9898)),
    "Pa": ((8.3827, 24.0223, 39.8827, 53.4518, 63.2406, 76.6757),
           (19.7090, 31.2637, 42.9975, 57.4844, 69.4374, 81.0384),
           (37.5948, 45.6890, 57.9985, 74.1258, 81.3934, 91.2392)),
}
_ROW = {"none": 0, "constant": 1, "trend": 2}
_NULL = "no cointegration: no unit error-corrects (a_i = 0 for all i)"


def _lrvar(d: np.ndarray, window: int) -> float:
    """xtwest's ``lrvar``: Bartlett-weighted, not demeaned, divided by the number of terms."""
    out = float(d @ d)
    for lag in range(1, window + 1):
        out += 2 * (1 - lag / (window + 1)) * float(d[lag:] @ d[:-lag])
    return out / d.size


def _design(y: np.ndarray, x: np.ndarray, det: str, p: int, q: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows ``t = p+1 .. T-1-q``: D.y, deterministic, [y_-1, x_-1], short-run block."""
    t_len, k = x.shape
    dy = np.diff(y)                       # dy[t-1] = y_t - y_t-1
    dx = np.diff(x, axis=0)
    rows = np.arange(p + 1, t_len - q)
    detm = []
    if det in ("constant", "trend"):
        detm.append(np.ones(rows.size))
    if det == "trend":
        detm.append(rows.astype(float))
    dmat = np.column_stack(detm) if detm else np.empty((rows.size, 0))
    levels = np.column_stack([y[rows - 1], x[rows - 1]])
    short = [dy[rows - 1 - j] for j in range(1, p + 1)]
    short += [dx[rows - 1 - j, m] for j in range(-q, p + 1) for m in range(k)]
    smat = np.column_stack(short) if short else np.empty((rows.size, 0))
    return dy[rows - 1], dmat, levels, smat


def _resid(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    if x.shape[1] == 0:
        return y.copy()
    return y - x @ np.linalg.lstsq(x, y, rcond=None)[0]


def _unit_fit(yi: np.ndarray, xi: np.ndarray, trend: str, p: int, q: int,
              lrwindow: int) -> dict[str, float]:
    """One unit's error-correction regression: a, se(a), a(1), df, RSS and pooled pieces."""
    k = xi.shape[1]
    dy, dmat, levels, smat = _design(yi, xi, trend, p, q)
    full = np.column_stack([dmat, levels, smat])
    df = dy.size - full.shape[1]
    if df <= 0:
        raise DataError(
            f"{dy.size} usable periods for {full.shape[1]} coefficients with lags={p}, "
            f"leads={q}; use shorter lags or leads")
    b, *_ = np.linalg.lstsq(full, dy, rcond=None)
    e = dy - full @ b
    cov = float(e @ e) / df * np.linalg.pinv(full.T @ full)
    j_a = dmat.shape[1]
    a, se_a = float(b[j_a]), float(np.sqrt(cov[j_a, j_a]))
    dy_all = np.diff(yi)
    if trend == "trend":
        dy_all = dy_all - dy_all.mean()
    # u: D.y minus the deterministic, level and lagged-D.y parts (not the D.x terms)
    keep = j_a + 1 + k + p
    u = dy - full[:, :keep] @ b[:keep]
    a1 = float(np.sqrt(_lrvar(u, lrwindow) / _lrvar(dy_all, lrwindow)))
    # pooled pieces: partial [det, x_-1, short-run] out of D.y and y_-1
    others = np.column_stack([dmat, levels[:, 1:], smat])
    dyr, ylr = _resid(dy, others), _resid(levels[:, 0], others)
    return {"alpha": a, "se_alpha": se_a, "t_alpha": a / se_a, "alpha1": a1,
            "nobs": dy.size, "df": df, "rss": float(e @ e), "lags": p, "leads": q,
            "top": float(ylr @ dyr) / a1, "bottom": float(ylr @ ylr)}


def select_order(yi: np.ndarray, xi: np.ndarray, trend: str, lags: tuple[int, int],
                 leads: tuple[int, int]) -> tuple[int, int]:
    """Lags and leads of one unit by the AIC of its regression (xtwest's ``estat ic`` search).

    Candidates run from the largest orders down, each on its own sample; a
    later candidate must be strictly better, so ties keep the longer orders.
    """
    best, choice = np.inf, (lags[1], leads[1])
    for p in range(lags[1], lags[0] - 1, -1):
        for q in range(leads[1], leads[0] - 1, -1):
            dy, dmat, levels, smat = _design(yi, xi, trend, p, q)
            full = np.column_stack([dmat, levels, smat])
            n, kk = dy.size, full.shape[1]
            if n <= kk:
                continue
            rss = float(np.sum(_resid(dy, full) ** 2))
            aic = n * (1 + np.log(2 * np.pi) + np.log(rss / n)) + 2 * kk
            if aic < best:
                best, choice = aic, (p, q)
    return choice


def westerlund_stats(y: np.ndarray, x: np.ndarray, *, trend: str,
                     lags: int | tuple[int, int], leads: int | tuple[int, int],
                     lrwindow: int) -> tuple[dict[str, float], pd.DataFrame]:
    """The four raw statistics and the unit pieces for balanced ``y`` (N, T), ``x`` (N, T, k).

    ``lags`` and ``leads`` are fixed, or ``(min, max)`` ranges searched per unit by AIC;
    the group statistics use each unit's orders, the pooled ones the integer part of
    the mean orders for every unit (as xtwest).
    """
    n, t_len, k = x.shape
    n_det = {"none": 0, "constant": 1, "trend": 2}[trend]
    lag_r = (lags, lags) if isinstance(lags, (int, np.integer)) else tuple(lags)
    lead_r = (leads, leads) if isinstance(leads, (int, np.integer)) else tuple(leads)
    auto = lag_r[0] != lag_r[1] or lead_r[0] != lead_r[1]
    orders = [select_order(y[i], x[i], trend, lag_r, lead_r) if auto  # type: ignore[arg-type]
              else (int(lag_r[0]), int(lead_r[0])) for i in range(n)]
    fits = []
    for i, (p, q) in enumerate(orders):
        try:
            fits.append(_unit_fit(y[i], x[i], trend, p, q, lrwindow))
        except DataError as err:
            raise DataError(f"unit {i}: {err}") from None
    by = pd.DataFrame(fits)
    mlag = int(np.mean([o[0] for o in orders]))
    mlead = int(np.mean([o[1] for o in orders]))
    pooled_fits = fits if not auto else [_unit_fit(y[i], x[i], trend, mlag, mlead, lrwindow)
                                         for i in range(n)]
    pf = pd.DataFrame(pooled_fits)
    t_norm = t_len - mlag - mlead - 1 - n_det - 1 - k - mlag - k * (mlag + mlead + 1)
    gt = float(by["t_alpha"].mean())
    ga = float(np.mean(by["df"] * by["alpha"] / by["alpha1"]))
    bottom = float(pf["bottom"].sum())
    pooled = float(pf["top"].sum()) / bottom
    s_i = np.sqrt(pf["rss"].to_numpy() / t_norm) / pf["alpha1"].to_numpy()
    se_pooled = np.sqrt(np.mean(s_i ** 2)) / np.sqrt(bottom)
    return {"Gt": gt, "Ga": ga, "Pt": pooled / se_pooled, "Pa": t_norm * pooled}, by


def _standardise(raw: dict[str, float], n: int, k: int, trend: str) -> dict[str, float]:
    out = {}
    for name, val in raw.items():
        mu = WESTERLUND_MEAN[name][_ROW[trend]][k - 1]
        var = WESTERLUND_VAR[name][_ROW[trend]][k - 1]
        if name == "Pt":
            out[name] = (val - np.sqrt(n) * mu) / np.sqrt(var)
        else:
            out[name] = np.sqrt(n) * (val - mu) / np.sqrt(var)
    return out


def _bootstrap(y: np.ndarray, x: np.ndarray, *, trend: str, orders: list[tuple[int, int]],
               lags: int | tuple[int, int], leads: int | tuple[int, int],
               lrwindow: int, reps: int, rng: np.random.Generator,
               parallel: int | str | None = None) -> np.ndarray:
    """Sieve bootstrap under H0 resampling whole dates (Westerlund 2007, Section 4).

    Each unit's short-run dynamics (its own lags and leads) are fitted without
    error correction; the demeaned residuals and the demeaned ``D.x`` of a
    common set of resampled dates rebuild ``D.x*`` and ``D.y*`` (burn-in of the
    longest lags and leads), then ``y*`` and ``x*`` by cumulation.
    """
    n, t_len, k = x.shape
    dx_all = np.diff(x, axis=1)
    dxc = dx_all - dx_all.mean(axis=1, keepdims=True)
    pmax = max(o[0] for o in orders)
    qmax = max(o[1] for o in orders)
    fits = []
    for i, (p, q) in enumerate(orders):
        dy, dmat, _, smat = _design(y[i], x[i], trend, p, q)
        reg = np.column_stack([dmat, smat])
        b = np.linalg.lstsq(reg, dy, rcond=None)[0] if reg.shape[1] else np.empty(0)
        e = dy - reg @ b if reg.shape[1] else dy.copy()
        nd = dmat.shape[1]
        # e-row r of unit i is the date t = p + 1 + r, i.e. D.x index p + r
        fits.append((e - e.mean(), p, b[nd:nd + p], b[nd + p:].reshape(p + q + 1, k), q))
    n_dates = min(f[0].size for f in fits)
    length = t_len - 1 + pmax + qmax
    # every replication's dates come from one seeded stream, in order, before the
    # replications are computed (in blocks, on the parallel= backend)
    plan = [rng.integers(0, n_dates, size=length) for _ in range(reps)]
    size = max(1, -(-reps // 16))
    blocks = [plan[i:i + size] for i in range(0, reps, size)]
    runner = _Replications(fits, dxc, (n, t_len, k), length,
                           {"trend": trend, "lags": lags, "leads": leads, "lrwindow": lrwindow})
    return np.vstack(map_tasks(runner, blocks, parallel=parallel))


class _Replications:
    """Picklable: Gt, Ga, Pt, Pa of a block of resampled date sequences."""

    def __init__(self, fits: list[Any], dxc: np.ndarray, shape: tuple[int, int, int],
                 length: int, options: dict[str, Any]) -> None:
        self.fits, self.dxc, self.shape, self.length = fits, dxc, shape, length
        self.options = options

    def __call__(self, block: list[np.ndarray]) -> np.ndarray:
        n, t_len, k = self.shape
        length, dxc = self.length, self.dxc
        out = np.empty((len(block), 4))
        for r, draw in enumerate(block):
            ys = np.empty((n, t_len))
            xs = np.empty((n, t_len, k))
            for i, (e, p, a_lag, g, q) in enumerate(self.fits):
                ex = dxc[i, draw + p]
                u = e[draw].copy()
                for j in range(-q, p + 1):
                    shifted = np.zeros((length, k))
                    if j >= 0:
                        shifted[j:] = ex[:length - j]
                    else:
                        shifted[:j] = ex[-j:]
                    u += shifted @ g[j + q]
                d = np.zeros(length)
                for t in range(length):
                    d[t] = u[t] + sum(a_lag[j - 1] * d[t - j] for j in range(1, p + 1)
                                      if t >= j)
                ys[i] = np.concatenate([[0.0], np.cumsum(d[-(t_len - 1):])])
                xs[i] = np.vstack([np.zeros((1, k)), np.cumsum(ex[-(t_len - 1):], axis=0)])
            raw, _ = westerlund_stats(ys, xs, **self.options)
            out[r] = [raw["Gt"], raw["Ga"], raw["Pt"], raw["Pa"]]
        return out


def westerlund(y: np.ndarray, x: np.ndarray, labels: list[str], *, trend: str,
               lags: int | tuple[int, int], leads: int | tuple[int, int], lrwindow: int,
               bootstrap: int, seed: int | None, parallel: int | str | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """Westerlund's four tests on balanced arrays; see the module docstring.

    Returns the statistics table, the unit table and the fields of the
    headline :class:`~migecon.estimate.results.TestResult` (Pt).
    """
    n, _, k = x.shape
    if k > 6:
        raise SpecificationError(
            f"the Westerlund moments cover up to 6 regressors; the formula has {k}")
    for name, v in (("lags", lags), ("leads", leads)):
        vals = [v] if isinstance(v, (int, np.integer)) else list(v)
        if (len(vals) not in (1, 2) or not all(isinstance(w, (int, np.integer)) and w >= 0
                                                for w in vals) or vals[0] > vals[-1]):
            raise SpecificationError(
                f"{name} must be a non-negative integer or a range (min, max); got {v!r}")
    for name, v in (("lrwindow", lrwindow), ("bootstrap", bootstrap)):
        if not isinstance(v, (int, np.integer)) or v < 0:
            raise SpecificationError(f"{name} must be a non-negative integer; got {v!r}")
    raw, by = westerlund_stats(y, x, trend=trend, lags=lags, leads=leads, lrwindow=lrwindow)
    by.index = pd.Index(labels, name="unit")
    z = _standardise(raw, n, k, trend)
    table = pd.DataFrame({"stat": raw, "z": z,
                          "pvalue": {s: float(stats.norm.cdf(v)) for s, v in z.items()}})
    note = (f"Westerlund (2007) as xtwest: {k} regressor(s), {trend} deterministic terms, "
            f"lags {lags}, leads {leads}, Bartlett window {lrwindow}")
    if not (isinstance(lags, (int, np.integer)) and isinstance(leads, (int, np.integer))):
        note += (f"; AIC-selected lags {by['lags'].mean():.2f} and leads "
                 f"{by['leads'].mean():.2f} on average")
    if bootstrap:
        orders = list(zip(by["lags"].astype(int), by["leads"].astype(int), strict=True))
        boot = _bootstrap(y, x, trend=trend, orders=orders, lags=lags, leads=leads,
                          lrwindow=lrwindow, reps=bootstrap, rng=np.random.default_rng(seed),
                          parallel=parallel)
        table["boot_pvalue"] = [float(np.mean(boot[:, j] <= raw[s]))
                                for j, s in enumerate(("Gt", "Ga", "Pt", "Pa"))]
        note += f"; bootstrap p-values from {bootstrap} replications resampling whole dates"
    table.index.name = "statistic"
    p_head = (float(np.mean(boot[:, 2] <= raw["Pt"])) if bootstrap
              else float(stats.norm.cdf(z["Pt"])))
    return table, by, {"name": "Westerlund (Pt)", "stat": float(raw["Pt"]), "pvalue": p_head,
                       "distribution": "normal", "null": _NULL, "note": note}
