"""Pesaran's (2007) CIPS panel unit-root test, robust to a common factor.

Each entity's augmented Dickey-Fuller regression is augmented with the
cross-section averages of the lagged level and of the differences (the CADF
regression),

    D.y_it = a_i + b_i y_i,t-1 + c_i ybar_t-1 + d_i0 D.ybar_t
             + sum_{j=1..p} (d_ij D.ybar_t-j + g_ij D.y_i,t-j) + e_it,

and the CIPS statistic is the average of the entities' t statistics on
``b_i``. Its null is that every series has a unit root; the distribution is
non-standard, so the p-value is read (interpolated) from Pesaran's tables.
Conventions follow plm's ``cipstest`` (model ``"cmg"``), which the tests
check to all printed digits (``tests/results/hetero_plm.json``). The regressions
are batched (:mod:`migecon.estimate.heterogeneous.unitols`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from migecon.errors import DataError, SpecificationError
from migecon.estimate.diagnostics.unitroot import UnitRootResult
from migecon.estimate.heterogeneous.unitols import unit_ols

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["CIPSResult", "cips", "cips_critical_values"]

#: Grid of N (rows) and T (columns) of Pesaran (2007, Table II).
CIPS_GRID = (10, 15, 20, 30, 50, 70, 100, 200)

# Source: M. H. Pesaran (2007), "A simple panel unit root test in the presence of
# cross-section dependence", Journal of Applied Econometrics 22(2), 265-312,
# Table II(b) "Intercept case" and Table II(c) "Intercept and trend case":
# critical values of the average of the individual CADF t statistics (CIPS) at
# 1%, 5% and 10%. Rows N = 10, 15, 20, 30, 50, 70, 100, 200; columns
# T = 10, 15, 20, 30, 50, 70, 100, 200. Typed from the table as reproduced in
# R plm 2.6-2 (critvals.cips); tests/test_hetero_cips.py checks every entry
# against that table as printed by tests/results/hetero_plm.R.
_CV_INTERCEPT = {
    1: ((-2.97, -2.66, -2.60, -2.57, -2.55, -2.54, -2.53, -2.53),
        (-2.76, -2.52, -2.47, -2.45, -2.44, -2.43, -2.42, -2.43),
        (-2.64, -2.45, -2.40, -2.38, -2.36, -2.36, -2.36, -2.36),
        (-2.51, -2.34, -2.32, -2.30, -2.30, -2.30, -2.30, -2.30),
        (-2.41, -2.26, -2.25, -2.23, -2.23, -2.23, -2.23, -2.23),
        (-2.37, -2.23, -2.20, -2.19, -2.20, -2.20, -2.20, -2.21),
        (-2.33, -2.19, -2.18, -2.17, -2.17, -2.17, -2.18, -2.18),
        (-2.28, -2.16, -2.14, -2.14, -2.14, -2.14, -2.15, -2.15)),
    5: ((-2.52, -2.37, -2.34, -2.33, -2.33, -2.33, -2.32, -2.32),
        (-2.40, -2.28, -2.26, -2.25, -2.25, -2.25, -2.25, -2.25),
        (-2.33, -2.22, -2.21, -2.20, -2.20, -2.20, -2.20, -2.20),
        (-2.25, -2.17, -2.15, -2.15, -2.16, -2.15, -2.16, -2.16),
        (-2.19, -2.11, -2.11, -2.11, -2.11, -2.12, -2.12, -2.12),
        (-2.16, -2.09, -2.08, -2.08, -2.10, -2.10, -2.10, -2.10),
        (-2.14, -2.07, -2.07, -2.07, -2.08, -2.08, -2.08, -2.08),
        (-2.10, -2.04, -2.04, -2.05, -2.06, -2.06, -2.07, -2.07)),
    10: ((-2.31, -2.22, -2.21, -2.21, -2.21, -2.21, -2.21, -2.21),
         (-2.22, -2.16, -2.14, -2.14, -2.14, -2.15, -2.15, -2.15),
         (-2.18, -2.11, -2.10, -2.11, -2.11, -2.11, -2.11, -2.11),
         (-2.12, -2.07, -2.07, -2.07, -2.08, -2.08, -2.08, -2.08),
         (-2.07, -2.03, -2.03, -2.04, -2.05, -2.05, -2.05, -2.05),
         (-2.05, -2.01, -2.01, -2.02, -2.03, -2.03, -2.03, -2.04),
         (-2.03, -2.00, -2.00, -2.01, -2.02, -2.02, -2.03, -2.03),
         (-2.01, -1.98, -1.99, -2.00, -2.01, -2.01, -2.02, -2.02))}
_CV_TREND = {
    1: ((-3.88, -3.24, -3.15, -3.10, -3.06, -3.04, -3.03, -3.03),
        (-3.61, -3.09, -3.01, -2.96, -2.93, -2.93, -2.92, -2.91),
        (-3.46, -3.00, -2.92, -2.88, -2.85, -2.85, -2.85, -2.85),
        (-3.30, -2.89, -2.83, -2.81, -2.78, -2.78, -2.77, -2.77),
        (-3.15, -2.81, -2.76, -2.73, -2.72, -2.71, -2.71, -2.71),
        (-3.10, -2.77, -2.72, -2.69, -2.68, -2.68, -2.68, -2.67),
        (-3.05, -2.74, -2.70, -2.66, -2.65, -2.65, -2.65, -2.65),
        (-2.98, -2.71, -2.65, -2.63, -2.62, -2.62, -2.62, -2.62)),
    5: ((-3.27, -2.93, -2.88, -2.86, -2.84, -2.83, -2.83, -2.83),
        (-3.11, -2.83, -2.78, -2.76, -2.76, -2.76, -2.75, -2.75),
        (-3.02, -2.77, -2.73, -2.72, -2.71, -2.70, -2.70, -2.70),
        (-2.94, -2.70, -2.67, -2.66, -2.65, -2.65, -2.65, -2.65),
        (-2.86, -2.64, -2.62, -2.61, -2.60, -2.61, -2.61, -2.61),
        (-2.82, -2.62, -2.59, -2.58, -2.58, -2.58, -2.59, -2.59),
        (-2.79, -2.60, -2.57, -2.56, -2.56, -2.57, -2.56, -2.57),
        (-2.75, -2.57, -2.55, -2.54, -2.54, -2.54, -2.55, -2.55)),
    10: ((-2.98, -2.76, -2.74, -2.73, -2.73, -2.72, -2.72, -2.73),
         (-2.89, -2.69, -2.67, -2.66, -2.66, -2.66, -2.66, -2.66),
         (-2.82, -2.65, -2.63, -2.63, -2.63, -2.62, -2.63, -2.63),
         (-2.76, -2.60, -2.58, -2.58, -2.58, -2.58, -2.59, -2.59),
         (-2.71, -2.56, -2.54, -2.54, -2.55, -2.55, -2.55, -2.55),
         (-2.68, -2.54, -2.53, -2.52, -2.53, -2.53, -2.53, -2.54),
         (-2.66, -2.52, -2.51, -2.51, -2.51, -2.52, -2.52, -2.52),
         (-2.63, -2.50, -2.49, -2.49, -2.50, -2.50, -2.50, -2.51))}
# Same source, the truncated CIPS* statistic: where its critical values differ
# from CIPS (T = 10 in the intercept case; T = 10 and 15 with a trend), by N.
_CV_TRUNC_INTERCEPT = {1: {10: (-2.85, -2.66, -2.56, -2.44, -2.36, -2.32, -2.29, -2.25)},
                       5: {10: (-2.47, -2.35, -2.29, -2.22, -2.16, -2.13, -2.11, -2.08)},
                       10: {10: (-2.28, -2.20, -2.15, -2.10, -2.05, -2.03, -2.01, -1.99)}}
_CV_TRUNC_TREND = {1: {10: (-3.51, -3.31, -3.20, -3.10, -3.00, -2.96, -2.93, -2.88),
                       15: (-3.21, -3.07, -2.98, -2.88, -2.80, -2.76, -2.74, -2.70)},
                   5: {10: (-3.10, -2.97, -2.89, -2.82, -2.75, -2.73, -2.70, -2.67),
                       15: (-2.92, -2.82, -2.76, -2.69, -2.64, -2.62, -2.59, -2.57)},
                   10: {10: (-2.87, -2.78, -2.73, -2.67, -2.63, -2.60, -2.58, -2.56),
                        15: (-2.76, -2.68, -2.64, -2.59, -2.55, -2.53, -2.51, -2.50)}}
# Pesaran (2007), eq. (29)-(30) and Table I: bounds K1, K2 that truncate each
# CADF t statistic in CIPS* (intercept: -6.19, 2.61; intercept and trend:
# -6.42, 1.70).
TRUNCATION = {False: (-6.19, 2.61), True: (-6.42, 1.70)}
MODELS = ("cmg", "mg", "dmg")


class CIPSResult(UnitRootResult):
    """A :class:`UnitRootResult` with Pesaran's critical values in ``critical_values``.

    ``critical_values`` maps the level (0.01, 0.05, 0.10) to the critical
    value interpolated at the sample's N and T; ``by_entity`` has the CADF t
    statistic of each entity (``tstat``) and, for CIPS*, its truncated value.
    """

    critical_values: dict[float, float]


def _table(trend: bool, truncated: bool, level: int) -> np.ndarray:
    base = np.array((_CV_TREND if trend else _CV_INTERCEPT)[level], dtype=float)
    if truncated:
        for T_, col in (_CV_TRUNC_TREND if trend else _CV_TRUNC_INTERCEPT)[level].items():
            base[:, CIPS_GRID.index(T_)] = col
    return base


def cips_critical_values(n: int, t: int, *, trend: bool = False,
                         truncated: bool = False) -> dict[float, float]:
    """Pesaran (2007) critical values of CIPS at N = ``n``, T = ``t``.

    Linear interpolation in N and T between the grid points of Table II
    (10, 15, 20, 30, 50, 70, 100, 200); beyond 200 the last column / row is
    used, below 10 the test is not tabulated (an error).

    Examples
    --------
    >>> cips_critical_values(20, 30)
    {0.01: -2.38, 0.05: -2.2, 0.1: -2.11}
    """
    if n < CIPS_GRID[0] or t < CIPS_GRID[0]:
        raise DataError(
            f"Pesaran's CIPS critical values are tabulated for N >= 10 and T >= 10; the "
            f"sample has N = {n}, T = {t}. Use a longer or wider panel, or im_pesaran_shin")
    grid = np.array(CIPS_GRID, dtype=float)
    out = {}
    for level in (1, 5, 10):
        tab = _table(trend, truncated, level)
        by_n = np.array([np.interp(min(t, 200), grid, row) for row in tab])
        out[level / 100] = round(float(np.interp(min(n, 200), grid, by_n)), 6)
    return out


def _balanced(panel: Panel, variable: str) -> tuple[np.ndarray, list[Any], np.ndarray]:
    if variable not in panel:
        raise SpecificationError(f"cips: variable {variable!r} is not in the panel; available: "
                                 f"{', '.join(panel.columns)}")
    s = panel[variable].astype(float)
    wide = s.unstack(level=1)
    wide = wide.dropna(how="all", axis=0).dropna(how="all", axis=1)
    periods = np.asarray(wide.columns)
    incomplete = wide.isna().any(axis=1)
    if incomplete.any():
        raise DataError(
            f"cips needs a balanced panel (Pesaran's critical values assume one): "
            f"{int(incomplete.sum())} of {len(wide)} entities miss {variable!r} in some of the "
            f"{len(periods)} periods {periods.min()}-{periods.max()}, e.g. "
            f"{list(map(str, wide.index[incomplete][:3]))}. Restrict the panel to a common "
            "span (or drop those entities) first")
    if len(periods) > 1 and np.any(np.diff(periods.astype(int)) != 1):
        raise DataError(f"cips: the periods of {variable!r} are not consecutive "
                        f"({periods.tolist()[:6]}...); ADF regressions need consecutive periods")
    return wide.to_numpy(), list(wide.index), periods


def cips(panel: Panel, variable: str, *, lags: int = 1, trend: bool = False,
         truncated: bool = False, model: str = "cmg") -> CIPSResult:
    """Pesaran's (2007) CIPS test of a unit root, robust to one common factor.

    Parameters
    ----------
    panel : Panel
        Balanced in ``variable`` over consecutive periods.
    variable : str
    lags : int
        Lagged differences ``p`` in each CADF regression (plm's ``lags``).
    trend : bool
        Intercept and trend (plm ``type="trend"``) instead of intercept only
        (``type="drift"``).
    truncated : bool
        CIPS*: truncate each t statistic at Pesaran's bounds ``K1, K2``
        (:data:`TRUNCATION`) before averaging, and use its critical values.
    model : {"cmg", "mg", "dmg"}
        ``"cmg"``: the CADF regression (Pesaran 2007; the default). ``"mg"``:
        plain ADF regressions (no cross-section averages; then the statistic is
        IPS's t-bar, compared here with the CIPS tables as plm does).
        ``"dmg"``: ADF on cross-sectionally demeaned data.

    Returns
    -------
    CIPSResult
        ``pvalue`` is interpolated linearly between the 1%, 5% and 10%
        critical values; outside them it is set to 0.01 or 0.10 and the note
        says ``p < 0.01`` / ``p > 0.10``.

    Notes
    -----
    With ``lags=0`` plm's ``cipstest`` still includes the first lagged
    difference (its formula builder always adds it), so plm's ``lags=0``
    equals ``lags=1`` here; migecon's ``lags=0`` has no lagged difference.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.HeterogeneousSlopesDGP(n_countries=20, n_years=25).simulate(seed=1)
    >>> r = mg.cips(panel, "growth", lags=1)
    >>> r.name, sorted(r.critical_values)
    ('Pesaran CIPS', [0.01, 0.05, 0.1])
    """
    if model not in MODELS:
        raise SpecificationError(f"model must be one of {', '.join(map(repr, MODELS))}; "
                                 f"got {model!r}")
    if not isinstance(lags, (int, np.integer)) or isinstance(lags, bool) or lags < 0:
        raise SpecificationError(f"lags must be a non-negative integer; got {lags!r}")
    Yw, entities, _periods = _balanced(panel, variable)
    n, T = Yw.shape
    p = int(lags)
    rows = np.arange(p + 1, T)  # 0-based periods with D.y_t and p lagged differences
    k_min = 2 + p + (1 if trend else 0) + ((2 + p) if model == "cmg" else 0)
    if len(rows) <= k_min:
        raise DataError(
            f"cips: {T} periods leave {len(rows)} observations per entity after {p} lags, not "
            f"more than the {k_min} coefficients of each CADF regression; use fewer lags or "
            "a longer panel")
    dy = np.diff(Yw, axis=1)                           # dy[:, t-1] = y_t - y_{t-1}
    dep = dy[:, rows - 1]
    cols = [Yw[:, rows - 1]] + [dy[:, rows - 1 - j] for j in range(1, p + 1)]
    if model == "dmg":
        dep = dep - dep.mean(axis=0)
        cols = [c - c.mean(axis=0) for c in cols]
    reg = [np.ones_like(dep), *cols]
    if trend:
        reg.append(np.broadcast_to(rows + 1.0, dep.shape))
    if model == "cmg":
        reg += [np.broadcast_to(dep.mean(axis=0), dep.shape)]
        reg += [np.broadcast_to(c.mean(axis=0), dep.shape) for c in cols]
    X = np.stack(reg, axis=2)
    fit = unit_ols(dep, X, np.ones(dep.shape, dtype=bool))
    if not fit.ok.all():
        bad = [str(entities[i]) for i in np.flatnonzero(~fit.ok)]
        raise DataError(f"cips: the CADF regression of {len(bad)} entities cannot be "
                        f"estimated (collinear regressors, e.g. {variable!r} constant in "
                        f"them): {bad[:5]}")
    t_i = fit.tstats[:, 1]
    used = t_i.copy()
    if truncated:
        lo, hi = TRUNCATION[trend]
        used = np.clip(t_i, lo, hi)
    stat = float(used.mean())
    cv = cips_critical_values(n, T, trend=trend, truncated=truncated)
    levels = sorted(cv)  # 0.01, 0.05, 0.10 ; critical values increase with the level
    crit = [cv[lv] for lv in levels]
    if stat < crit[0]:
        pvalue, p_note = 0.01, "p < 0.01"
    elif stat > crit[-1]:
        pvalue, p_note = 0.10, "p > 0.10"
    else:
        pvalue = float(np.interp(stat, crit, levels))
        p_note = f"p = {pvalue:.3f} (interpolated)"
    by_entity = pd.DataFrame({"tstat": t_i, "used": used, "nobs": len(rows)},
                             index=pd.Index(entities, name=panel.entity_name))
    name = "Pesaran CIPS" + ("*" if truncated else "")
    det = "intercept and trend" if trend else "intercept"
    note = (f"{model.upper()} {'CADF' if model == 'cmg' else 'ADF'} regressions with {p} lagged "
            f"difference(s), {det}; N = {n}, T = {T}; critical values (Pesaran 2007, "
            f"Table II{'c' if trend else 'b'}) 1% {cv[0.01]}, 5% {cv[0.05]}, 10% {cv[0.1]}; "
            f"{p_note}")
    if truncated:
        note += f"; {int(np.sum(used != t_i))} entity t statistics truncated at {TRUNCATION[trend]}"
    out = CIPSResult(name=name, stat=stat, pvalue=pvalue, df=None,
                     distribution=f"CIPS (Pesaran 2007, {det})",
                     null=f"every entity's series of {variable} has a unit root", note=note)
    object.__setattr__(out, "by_entity", by_entity)
    object.__setattr__(out, "critical_values", cv)
    return out
