r"""Inference for shift-share (Bartik) regressors and instruments.

A shift-share variable is :math:`X_i = \sum_s w_{is} \mathcal{X}_s`: sector
(here, typically host-country) shocks :math:`\mathcal{X}_s` weighted by each
unit's exposure shares :math:`w_{is}`. Units with similar shares get similar
values of :math:`X_i`, so regression residuals that are correlated across
units with similar exposure make the usual (robust or clustered) standard
errors too small. Adão, Kolesár and Morales (2019, QJE 134(4), "AKM") give

.. math::

   \widehat{se}_{AKM}(\hat\beta) = \frac{\sqrt{\sum_c \big(\sum_{s \in c}
   \hat{\mathcal{X}}_s \hat R_s\big)^2}}{\big|\sum_i \omega_i \ddot X_i Y_{2i}\big|},
   \qquad \hat R_s = \sum_i \omega_i w_{is} \hat\varepsilon_i,

where :math:`\ddot X` is the shift-share variable with the controls
partialled out, :math:`\hat{\mathcal{X}} = (W'\Omega W)^{-1} W'\Omega \ddot X`
the sector shocks recovered from it, :math:`\omega_i` regression weights,
:math:`c` clusters of sectors (each sector its own cluster by default) and
:math:`Y_2 = X` for least squares (the endogenous variable for IV). The AKM0
interval imposes the null in the residuals and inverts the test; it is the
set of :math:`\beta_0` solving a quadratic inequality and can be unbounded.

Borusyak, Hull and Jaravel (2022, REStud 89(1)) instead estimate at the level
of the shocks: with :math:`s_n = \sum_i \omega_i w_{in}`, the exposure-weighted
averages :math:`\bar y^\perp_n = \sum_i \omega_i w_{in} y^\perp_i / s_n` of the
residualised outcome and treatment are regressed on each other, instrumented
by the shocks, weighted by :math:`s_n`, with heteroskedasticity-robust errors
at the shock level. The point estimate equals the unit-level one.

Goldsmith-Pinkham, Sorkin and Swift (2020, AER 110(8)) show that the Bartik
IV estimate is a weighted sum of just-identified estimates that use one
sector's shares as the instrument; :func:`rotemberg_weights` returns those
weights (they sum to one and can be negative).

With 0/1 shares (each unit exposed to one sector) and controls that are
constant within sectors, AKM equals the covariance clustered by sector without
a small-sample factor (CR0); the test suite checks this identity.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, stats

from migecon.errors import DataError, EstimationWarning, SpecificationError

__all__ = [
    "ShiftShareInference",
    "rotemberg_weights",
    "shares_for_rows",
    "shift_share_se",
    "shock_level_regression",
]

#: Row sums of shares may exceed one by this much (rounding in published shares).
SHARE_SUM_TOL = 1e-6


@dataclass(frozen=True)
class ShiftShareInference:
    """AKM and AKM0 inference for one shift-share coefficient.

    Attributes
    ----------
    estimate : float
        The coefficient (OLS or IV).
    se_akm : float
        The AKM standard error.
    ci_akm, ci_akm0 : tuple of float
        Confidence intervals at ``level``; the AKM0 one may be
        ``(-inf, inf)`` or, when the quadratic opens upwards, the complement
        of an interval (then ``akm0_kind == "complement"``: the set is
        ``(-inf, lower] U [upper, inf)``).
    se_akm0 : float
        Length of the AKM0 interval over ``2 z`` (infinite when unbounded).
    pvalue_akm, pvalue_akm0 : float
        Two-sided p-values of ``H0: beta = beta0``.
    """

    estimate: float
    se_akm: float
    ci_akm: tuple[float, float]
    se_akm0: float
    ci_akm0: tuple[float, float]
    pvalue_akm: float
    pvalue_akm0: float
    beta0: float = 0.0
    level: float = 0.95
    akm0_kind: str = "interval"
    n_obs: int = 0
    n_sectors: int = 0
    n_sector_clusters: int = 0
    sectors_dropped: tuple[Any, ...] = ()
    model: str = "ols"
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """The two methods as rows: estimate, std_error, pvalue, conf_low, conf_high."""
        return pd.DataFrame(
            {"estimate": [self.estimate, self.estimate],
             "std_error": [self.se_akm, self.se_akm0],
             "pvalue": [self.pvalue_akm, self.pvalue_akm0],
             "conf_low": [self.ci_akm[0], self.ci_akm0[0]],
             "conf_high": [self.ci_akm[1], self.ci_akm0[1]]},
            index=pd.Index(["AKM", "AKM0"], name="method"))


# ----------------------------------------------------------------- inputs
def _column(values: Any, name: str, n: int | None = None) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise DataError(f"{name} must be one column; got an array of shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise DataError(f"{name} has {arr.shape[0]} rows; expected {n} (one per unit)")
    if not np.all(np.isfinite(arr)):
        raise DataError(f"{name} has {int((~np.isfinite(arr)).sum())} missing or infinite "
                        "value(s); drop those units first (from every input)")
    return arr


def check_shares(shares: Any, n: int | None = None, *, name: str = "shares") -> np.ndarray:
    """Validate a units x sectors share matrix: finite, in [0, 1], rows summing to <= 1.

    Examples
    --------
    >>> check_shares([[0.5, 0.5], [0.2, 0.1]]).sum(axis=1).tolist()
    [1.0, 0.30000000000000004]
    """
    W = np.asarray(shares, dtype=float)
    if W.ndim != 2:
        raise DataError(f"{name} must be a units x sectors table; got shape {W.shape}")
    if n is not None and W.shape[0] != n:
        raise DataError(f"{name} has {W.shape[0]} rows; expected {n} (one per unit, in the "
                        "order of the data)")
    if not np.all(np.isfinite(W)):
        raise DataError(f"{name} have {int((~np.isfinite(W)).sum())} missing value(s); "
                        "write 0 where a unit has no exposure to a sector")
    if (W < 0).any():
        raise DataError(f"{name} have {int((W < 0).sum())} negative value(s) (smallest "
                        f"{W.min():.4g}); shares must lie in [0, 1]")
    sums = W.sum(axis=1)
    over = sums > 1 + SHARE_SUM_TOL
    if over.any():
        raise DataError(
            f"{name} must sum to at most one in every row; {int(over.sum())} row(s) sum to "
            f"more (largest {sums.max():.6g}, row {int(np.argmax(sums))}). Divide each row "
            "by its total (complete shares) or by a common base (incomplete shares)")
    return W


def _drop_collinear(W: np.ndarray, clusters: np.ndarray | None, labels: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, tuple[Any, ...]]:
    """Drop collinear share columns (pivoted QR), as ShiftShareSE does, with a warning."""
    _, R, piv = linalg.qr(W, mode="economic", pivoting=True)
    diag = np.abs(np.diag(R))
    tol = diag.max() * max(W.shape) * np.finfo(float).eps if diag.size else 0.0
    rank = int((diag > tol).sum())
    if rank == W.shape[1]:
        return W, clusters, labels, ()
    keep = np.sort(piv[:rank])
    dropped = tuple(labels[np.setdiff1d(np.arange(W.shape[1]), keep)].tolist())
    warnings.warn(
        f"the share matrix is collinear (rank {rank} of {W.shape[1]} sectors): dropped "
        f"{len(dropped)} sector column(s), e.g. {list(dropped[:5])}; their shocks are "
        "absorbed into those of the remaining sectors (the estimate does not change)",
        EstimationWarning, stacklevel=3)
    return W[:, keep], (None if clusters is None else clusters[keep]), labels[keep], dropped


def _partial(A: np.ndarray, Z: np.ndarray | None, w: np.ndarray) -> np.ndarray:
    """Residuals of a weighted regression of the columns of A on Z."""
    if Z is None or Z.shape[1] == 0:
        return A.copy()
    sw = np.sqrt(w)[:, None]
    coef = np.linalg.lstsq(Z * sw, A * sw, rcond=None)[0]
    return A - Z @ coef


def _quadratic_set(a: np.ndarray, b: np.ndarray, c1: float, c2: float, crit: float
                   ) -> tuple[tuple[float, float], str]:
    r"""The set of beta0 with (c1 - beta0 c2)^2 <= crit^2 sum_c (a_c - beta0 b_c)^2."""
    qa = c2 ** 2 - crit ** 2 * float(b @ b)
    qb = -2.0 * (c1 * c2 - crit ** 2 * float(a @ b))
    qc = c1 ** 2 - crit ** 2 * float(a @ a)
    disc = qb ** 2 - 4 * qa * qc
    if qa > 0:
        if disc < 0:  # pragma: no cover - the estimate itself always satisfies it
            return (float("nan"), float("nan")), "empty"
        root = np.sqrt(disc)
        return ((-qb - root) / (2 * qa), (-qb + root) / (2 * qa)), "interval"
    if qa < 0 and disc > 0:
        root = np.sqrt(disc)
        lo, hi = sorted(((-qb - root) / (2 * qa), (-qb + root) / (2 * qa)))
        return (lo, hi), "complement"
    return (-np.inf, np.inf), "real line"


# ------------------------------------------------------------------- AKM
def shift_share_se(
    y: Any,
    x: Any,
    shares: Any,
    *,
    controls: Any = None,
    endog: Any = None,
    weights: Any = None,
    sector_clusters: Any = None,
    beta0: float = 0.0,
    level: float = 0.95,
) -> ShiftShareInference:
    r"""AKM and AKM0 standard errors and intervals for a shift-share regressor or instrument.

    Parameters
    ----------
    y : array-like
        Outcome, one value per unit.
    x : array-like
        The shift-share variable :math:`X_i = \sum_s w_{is} \mathcal{X}_s`
        (the regressor for least squares, the instrument for IV).
    shares : array-like or DataFrame
        Units x sectors exposure shares :math:`w_{is}` in [0, 1], each row
        summing to at most one (the rest is the unit's exposure to sectors
        outside the data).
    controls : array-like, optional
        Units x controls, *including the constant* when the model has one.
    endog : array-like, optional
        The endogenous regressor: with it the model is IV (``x`` instruments it).
    weights : array-like, optional
        Regression weights (as Stata ``[aw=...]`` / R ``lm(weights=)``).
    sector_clusters : array-like, optional
        A label per sector (e.g. 3-digit industry of 4-digit sectors): shocks
        are allowed to be correlated within those clusters.
    beta0 : float
        The null value for the p-values and AKM0.
    level : float
        Confidence level.

    Returns
    -------
    ShiftShareInference

    Raises
    ------
    DataError
        Shares outside [0, 1] or summing to more than one, missing values, or
        inputs of different lengths.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> W = rng.dirichlet(np.ones(5), size=200) * 0.9
    >>> shocks = rng.normal(size=5)
    >>> x = W @ shocks
    >>> y = 0.5 * x + rng.normal(size=200)
    >>> res = shift_share_se(y, x, W, controls=np.ones((200, 1)))
    >>> round(res.estimate, 2), res.n_sectors
    (0.77, 5)
    """
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1; got {level}")
    yv = _column(y, "y")
    n = yv.shape[0]
    xv = _column(x, "x (the shift-share variable)", n)
    labels = (np.asarray(shares.columns) if isinstance(shares, pd.DataFrame)
              else np.arange(np.asarray(shares).shape[1] if np.ndim(shares) == 2 else 0))
    W = check_shares(shares, n)
    Z = None
    if controls is not None:
        Z = np.asarray(controls, dtype=float)
        Z = Z[:, None] if Z.ndim == 1 else Z
        if Z.shape[0] != n or not np.all(np.isfinite(Z)):
            raise DataError(f"controls must be {n} rows of finite values; got shape {Z.shape}")
    w = np.ones(n) if weights is None else _column(weights, "weights", n)
    if (w <= 0).any():
        raise DataError(f"weights must be positive; {int((w <= 0).sum())} are not")
    y2 = xv if endog is None else _column(endog, "endog", n)
    clusters = None
    if sector_clusters is not None:
        clusters = np.asarray(sector_clusters)
        if clusters.shape[0] != W.shape[1]:
            raise DataError(f"sector_clusters has {clusters.shape[0]} labels; expected one per "
                            f"sector ({W.shape[1]})")
    W, clusters, labels, dropped = _drop_collinear(W, clusters, labels)
    dd = _partial(np.column_stack([xv, yv, y2]), Z, w)
    ddx, ddy, ddy2 = dd[:, 0], dd[:, 1], dd[:, 2]
    sw = np.sqrt(w)[:, None]
    hx = np.linalg.lstsq(W * sw, ddx[:, None] * sw, rcond=None)[0][:, 0]
    c1 = float(np.sum(w * ddx * ddy))
    c2 = float(np.sum(w * ddx * ddy2))
    if abs(c2) <= 1e-12 * np.sqrt(float(np.sum(w * ddx ** 2)) * float(np.sum(w * ddy2 ** 2))):
        raise DataError("the shift-share variable is orthogonal to the regressor of interest "
                        "after partialling out the controls: the model is not identified")
    beta = c1 / c2
    resid = ddy - beta * ddy2

    def by_cluster(v: np.ndarray) -> np.ndarray:
        if clusters is None:
            return v
        return pd.Series(v).groupby(pd.Series(clusters).to_numpy()).sum().to_numpy()

    a = by_cluster(hx * (W.T @ (w * ddy)))
    b = by_cluster(hx * (W.T @ (w * ddy2)))
    r = by_cluster(hx * (W.T @ (w * resid)))
    se = float(np.sqrt(r @ r) / abs(c2))
    crit = float(stats.norm.ppf(1 - (1 - level) / 2))
    r0 = a - beta0 * b
    se0 = float(np.sqrt(r0 @ r0) / abs(c2))
    (lo0, hi0), kind = _quadratic_set(a, b, c1, c2, crit)
    se_akm0 = (hi0 - lo0) / (2 * crit) if kind == "interval" else float("inf")
    return ShiftShareInference(
        estimate=beta, se_akm=se, ci_akm=(beta - crit * se, beta + crit * se),
        se_akm0=float(se_akm0), ci_akm0=(float(lo0), float(hi0)),
        pvalue_akm=float(2 * stats.norm.sf(abs(beta - beta0) / se)) if se > 0 else float("nan"),
        pvalue_akm0=(float(2 * stats.norm.sf(abs(beta - beta0) / se0)) if se0 > 0
                     else float("nan")),
        beta0=beta0, level=level, akm0_kind=kind, n_obs=n, n_sectors=W.shape[1],
        n_sector_clusters=len(r), sectors_dropped=dropped,
        model="ols" if endog is None else "iv",
        extra={"shocks_recovered": pd.Series(hx, index=labels, name="shock_hat"),
               "se_null_imposed": se0})


# -------------------------------------------------------------- rotemberg
def rotemberg_weights(
    y: Any,
    endog: Any,
    shares: Any,
    shocks: Any,
    *,
    controls: Any = None,
    weights: Any = None,
) -> pd.DataFrame:
    r"""Rotemberg weights of a Bartik instrument (Goldsmith-Pinkham, Sorkin and Swift 2020).

    With the instrument :math:`B = \sum_s g_s w_s` (``shares`` columns
    :math:`w_s`, ``shocks`` :math:`g_s`) and :math:`M` the annihilator of the
    controls, sector :math:`s`'s weight is :math:`\alpha_s = g_s w_s' M x /
    B' M x` and its just-identified estimate :math:`\beta_s = w_s' M y / w_s' M
    x`; :math:`\sum_s \alpha_s \beta_s` is the Bartik IV estimate.

    Parameters
    ----------
    y, endog : array-like
        Outcome and endogenous regressor (for least squares on the
        shift-share variable itself, pass that variable as ``endog``).
    shares : array-like or DataFrame
        Units x sectors shares.
    shocks : array-like or Series
        One shock per sector, in the order of the share columns.

    Returns
    -------
    DataFrame
        Indexed by sector: ``shock``, ``alpha`` (weights summing to one),
        ``beta`` (the just-identified estimate; NaN where the sector's share
        has no first stage) and ``alpha_beta``, sorted by ``|alpha|``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> W = pd.DataFrame({"USA": [0.5, 0.1, 0.3, 0.2], "RUS": [0.1, 0.6, 0.2, 0.5]})
    >>> x = W.to_numpy() @ np.array([1.0, 2.0])
    >>> out = rotemberg_weights(2 * x, x, W, [1.0, 2.0], controls=np.ones((4, 1)))
    >>> float(round(out["alpha"].sum(), 10)), float(round(out["alpha_beta"].sum(), 10))
    (1.0, 2.0)
    """
    yv = _column(y, "y")
    n = yv.shape[0]
    xv = _column(endog, "endog", n)
    labels = (np.asarray(shares.columns) if isinstance(shares, pd.DataFrame)
              else np.arange(np.asarray(shares).shape[1]))
    W = check_shares(shares, n)
    g = _column(shocks, "shocks")
    if g.shape[0] != W.shape[1]:
        raise DataError(f"shocks has {g.shape[0]} values; expected one per sector "
                        f"({W.shape[1]})")
    w = np.ones(n) if weights is None else _column(weights, "weights", n)
    Z = None if controls is None else np.asarray(controls, dtype=float).reshape(n, -1)
    mx = _partial(xv[:, None], Z, w)[:, 0]
    my = _partial(yv[:, None], Z, w)[:, 0]
    wx = W.T @ (w * mx)
    wy = W.T @ (w * my)
    denom = float(g @ wx)
    if abs(denom) < 1e-14:
        raise DataError("the Bartik instrument has no first stage (B'Mx = 0)")
    alpha = g * wx / denom
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(np.abs(wx) > 1e-14, wy / wx, np.nan)
    out = pd.DataFrame({"shock": g, "alpha": alpha, "beta": beta,
                        "alpha_beta": alpha * np.nan_to_num(beta)},
                       index=pd.Index(labels, name="sector"))
    order = np.argsort(-np.abs(alpha), kind="stable")
    return out.iloc[order]


# -------------------------------------------------------------------- BHJ
def shock_level_regression(
    y: Any,
    endog: Any,
    shares: Any,
    shocks: Any,
    *,
    controls: Any = None,
    weights: Any = None,
    shock_controls: Any = None,
    level: float = 0.95,
) -> dict[str, Any]:
    r"""The shock-level IV regression of Borusyak, Hull and Jaravel (2022).

    Parameters
    ----------
    y, endog : array-like
        Unit-level outcome and treatment (for the reduced form or least
        squares on the shift-share variable, pass that variable as ``endog``).
    shares : array-like or DataFrame
        Units x sectors shares.
    shocks : array-like
        One shock per sector (the instrument at the shock level).
    controls : array-like, optional
        Unit-level controls partialled out first (include the constant and,
        with incomplete shares, the sum of shares).
    shock_controls : array-like, optional
        Shock-level controls (a constant is always included).

    Returns
    -------
    dict
        ``estimate``, ``std_error`` (heteroskedasticity-robust at the shock
        level, HC0), ``conf_int``, ``n_shocks`` and ``first_stage`` (the
        shock-level first-stage coefficient).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> W = rng.dirichlet(np.ones(30), size=300)
    >>> g = rng.normal(size=30)
    >>> x = W @ g + rng.normal(size=300)
    >>> out = shock_level_regression(2 * x + rng.normal(size=300), x, W, g,
    ...                              controls=np.ones((300, 1)))
    >>> out["n_shocks"]
    30
    """
    yv = _column(y, "y")
    n = yv.shape[0]
    xv = _column(endog, "endog", n)
    W = check_shares(shares, n)
    g = _column(shocks, "shocks")
    if g.shape[0] != W.shape[1]:
        raise DataError(f"shocks has {g.shape[0]} values; expected one per sector "
                        f"({W.shape[1]})")
    w = np.ones(n) if weights is None else _column(weights, "weights", n)
    Z = None if controls is None else np.asarray(controls, dtype=float).reshape(n, -1)
    dd = _partial(np.column_stack([yv, xv]), Z, w)
    s = W.T @ w
    keep = s > 0
    if keep.sum() < 3:
        raise DataError(f"only {int(keep.sum())} sector(s) have positive exposure; the "
                        "shock-level regression needs at least 3")
    ybar = (W.T @ (w * dd[:, 0]))[keep] / s[keep]
    xbar = (W.T @ (w * dd[:, 1]))[keep] / s[keep]
    sk, gk = s[keep], g[keep]
    C = np.ones((int(keep.sum()), 1))
    if shock_controls is not None:
        extra = np.asarray(shock_controls, dtype=float).reshape(W.shape[1], -1)[keep]
        C = np.column_stack([C, extra])
    R = np.column_stack([xbar, C])  # regressors
    Q = np.column_stack([gk, C])  # instruments
    QtR = Q.T @ (sk[:, None] * R)
    coef = np.linalg.solve(QtR, Q.T @ (sk * ybar))
    e = ybar - R @ coef
    inv = np.linalg.inv(QtR)
    meat = (Q * (sk * e)[:, None]).T @ (Q * (sk * e)[:, None])
    cov = inv @ meat @ inv.T
    se = float(np.sqrt(cov[0, 0]))
    crit = float(stats.norm.ppf(1 - (1 - level) / 2))
    fs = np.linalg.lstsq(Q * np.sqrt(sk)[:, None], xbar * np.sqrt(sk), rcond=None)[0]
    return {"estimate": float(coef[0]), "std_error": se,
            "conf_int": (float(coef[0] - crit * se), float(coef[0] + crit * se)),
            "n_shocks": int(keep.sum()), "first_stage": float(fs[0]),
            "sectors_without_exposure": int((~keep).sum())}


# ------------------------------------------------------------ panel rows
def shares_for_rows(shares: pd.DataFrame, rows: pd.MultiIndex, *,
                    by_period: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expand entity (or entity-period) shares to the rows of a panel sample.

    Parameters
    ----------
    shares : DataFrame
        Entities x sectors (index: entity) or rows x sectors (MultiIndex
        ``(entity, time)`` matching the panel).
    rows : MultiIndex
        The ``(entity, time)`` keys of the estimation sample.
    by_period : bool
        With entity-level shares in a panel, give each (sector, period) its own
        column (shocks differ by period) and cluster them by sector. Without
        it, entity effects would make every AKM residual sum zero.

    Returns
    -------
    (W, sector_clusters, labels)
    """
    if not isinstance(shares, pd.DataFrame):
        raise DataError("shares must be a DataFrame of entities (rows) by sectors (columns); "
                        f"got {type(shares).__name__}")
    entity = rows.get_level_values(0)
    if isinstance(shares.index, pd.MultiIndex):
        missing = rows.difference(shares.index)
        if len(missing):
            raise DataError(f"shares lack {len(missing)} row(s) of the estimation sample, "
                            f"e.g. {missing[0]}; give shares for every (entity, time) row")
        W = shares.reindex(rows).to_numpy(dtype=float)
        return W, np.asarray(shares.columns), np.asarray(shares.columns)
    lacking = pd.Index(entity.unique()).difference(shares.index.astype(str))
    if len(lacking):
        raise DataError(f"shares lack {len(lacking)} entit(ies) of the estimation sample, "
                        f"e.g. {list(lacking[:5])}; give a row of shares for every entity")
    base = shares.copy()
    base.index = base.index.astype(str)
    W0 = base.reindex(entity.astype(str)).to_numpy(dtype=float)
    times = rows.get_level_values(1)
    periods = pd.Index(times.unique()).sort_values()
    if not by_period or len(periods) == 1:
        return W0, np.asarray(base.columns), np.asarray(base.columns)
    pos = periods.get_indexer(times)
    S = W0.shape[1]
    W = np.zeros((W0.shape[0], S * len(periods)))
    for k in range(len(periods)):
        sel = pos == k
        W[sel, k * S:(k + 1) * S] = W0[sel]
    clusters = np.tile(np.asarray(base.columns), len(periods))
    labels = np.array([f"{c}:{p}" for p in periods for c in base.columns], dtype=object)
    return W, clusters, labels


# ------------------------------------------------------------ mg.fit hook
#: Keyword options of ``mg.fit(..., cov_type="shift-share")``.
SHIFT_SHARE_OPTIONS = ("shares", "shift_share_var", "sector_clusters", "shift_share_method",
                       "shocks", "beta0", "by_period")
SHIFT_SHARE_METHODS = ("akm", "akm0", "bhj")


def shift_share_result(res: Any, *, shares: pd.DataFrame | None = None,
                       shift_share_var: str | None = None, sector_clusters: Any = None,
                       shift_share_method: str = "akm", shocks: Any = None,
                       beta0: float = 0.0, by_period: bool = True) -> Any:
    """Replace the variance of a shift-share regressor in a fitted Result by AKM's.

    Called by :func:`migecon.fit` with ``cov_type="shift-share"``; the model is
    first fitted with heteroskedasticity-robust errors (kept for the other
    terms), then the shift-share term gets the AKM standard error (or BHJ's,
    ``shift_share_method="bhj"``), the AKM0 interval and test in ``tests`` /
    ``stats``; its covariances with the other terms are not defined (NaN).
    """
    from dataclasses import replace

    from migecon.estimate.results import CovarianceInfo, TestResult

    if shares is None:
        raise SpecificationError("cov_type='shift-share' needs shares=: a DataFrame of "
                                 "entities (rows) by sectors or host countries (columns)")
    if shift_share_method not in SHIFT_SHARE_METHODS:
        raise SpecificationError(f"shift_share_method must be one of {SHIFT_SHARE_METHODS}; "
                                 f"got {shift_share_method!r}")
    fd = res.fit_data
    if fd is None or fd.is_iv:
        raise SpecificationError(
            "cov_type='shift-share' in mg.fit covers a shift-share regressor in a least-squares "
            "model; for a shift-share instrument use migecon.estimate.shiftshare."
            "shift_share_se(y, x, shares, endog=...)")
    names = list(fd.names)
    slopes = [n for n in names if n != "const"]
    if shift_share_var is None:
        if len(slopes) != 1:
            raise SpecificationError(f"the model has several regressors {slopes}; say which is "
                                     "the shift-share one with shift_share_var=")
        shift_share_var = slopes[0]
    if shift_share_var not in names:
        raise SpecificationError(f"shift_share_var={shift_share_var!r} is not a term of the "
                                 f"model; terms: {names}")
    j = names.index(shift_share_var)
    rows = res.resid.index
    if not isinstance(rows, pd.MultiIndex):  # between estimator: one row per entity
        rows = pd.MultiIndex.from_arrays([rows, np.zeros(len(rows), dtype=int)])
    W, cluster_labels, labels = shares_for_rows(shares, rows, by_period=by_period)
    clusters: np.ndarray | None = cluster_labels
    if sector_clusters is not None:
        mapping = pd.Series(sector_clusters)
        base = pd.Series(cluster_labels)
        unmapped = sorted(set(base) - set(mapping.index))
        if unmapped:
            raise DataError(f"sector_clusters has no cluster for {len(unmapped)} sector(s), "
                            f"e.g. {unmapped[:5]}")
        clusters = base.map(mapping).to_numpy()
    elif np.array_equal(cluster_labels, labels):
        clusters = None
    x = fd.X[:, j]
    others = np.delete(fd.X, j, axis=1)
    Wdf = pd.DataFrame(W, columns=labels)
    inference = shift_share_se(fd.y, x, Wdf, controls=others, sector_clusters=clusters,
                               beta0=beta0)
    if not np.isclose(inference.estimate, float(res.params[shift_share_var]), rtol=1e-8,
                      atol=1e-12):  # pragma: no cover - guards the partialling-out
        raise DataError("internal check failed: the AKM estimate differs from the fit")
    se = inference.se_akm
    description = (f"AKM shift-share for {shift_share_var} ({inference.n_sector_clusters} "
                   "sector clusters); other terms heteroskedasticity-robust")
    notes = [f"{shift_share_var}: AKM0 {inference.level:.0%} set "
             f"[{inference.ci_akm0[0]:.4g}, {inference.ci_akm0[1]:.4g}] "
             f"({inference.akm0_kind}); Adão, Kolesár and Morales (2019)."]
    if shift_share_method == "akm0":
        se = inference.se_akm0
        description = description.replace("AKM shift-share", "AKM0 (normalised) shift-share")
    extra_stats: dict[str, float] = {}
    if shift_share_method == "bhj":
        if shocks is None:
            raise SpecificationError("shift_share_method='bhj' needs shocks=: one shock per "
                                     "sector (a Series), or a DataFrame of periods x sectors")
        g = _shocks_for(shocks, labels)
        bhj = shock_level_regression(fd.y, x, Wdf, g, controls=others)
        se = bhj["std_error"]
        description = (f"BHJ shock-level for {shift_share_var} ({bhj['n_shocks']} shocks); "
                       "other terms heteroskedasticity-robust")
        extra_stats = {"bhj_estimate": bhj["estimate"], "bhj_first_stage": bhj["first_stage"]}
        notes.append("Shock-level regression of Borusyak, Hull and Jaravel (2022): the estimate "
                     "is the reduced form of y on the shift-share variable at the shock level.")
    cov = res.cov.copy()
    cov.iloc[j, :] = np.nan
    cov.iloc[:, j] = np.nan
    cov.iloc[j, j] = se ** 2
    z0 = abs(inference.estimate - beta0) / se if se > 0 else float("nan")
    info = CovarianceInfo("shift-share", description, n_clusters=inference.n_sector_clusters,
                          cluster_by="sector", small_sample="none", dist="normal")
    tests = dict(res.tests)
    tests["akm0"] = TestResult(
        "AKM0", stat=float(((inference.estimate - beta0)
                            / inference.extra["se_null_imposed"]) ** 2),
        pvalue=inference.pvalue_akm0, df=1, distribution="chi2",
        null=f"{shift_share_var} = {beta0:g} (null imposed in the residuals)",
        note="AKM0 of Adão, Kolesár and Morales (2019)")
    stats_ = {**dict(res.stats), "akm_se": inference.se_akm, "akm0_ci_lower": inference.ci_akm0[0],
              "akm0_ci_upper": inference.ci_akm0[1], "n_sectors": float(inference.n_sectors),
              "shift_share_z": float(z0), **extra_stats}
    return replace(res, cov=cov, cov_info=info, tests=tests, stats=stats_, f_stat=None,
                   notes=tuple(res.notes) + tuple(notes))


def _shocks_for(shocks: Any, labels: np.ndarray) -> np.ndarray:
    if isinstance(shocks, pd.DataFrame):  # periods x sectors
        stacked = {f"{c}:{p}": float(v) for p, row in shocks.iterrows()
                   for c, v in row.items()}
        series = pd.Series(stacked)
    else:
        series = pd.Series(shocks)
        series.index = series.index.astype(str)
    out = series.reindex([str(lab) for lab in labels])
    if out.isna().any():
        raise DataError(f"shocks lack {int(out.isna().sum())} sector(s) of the shares, e.g. "
                        f"{out.index[out.isna()][:5].tolist()}")
    return out.to_numpy(dtype=float)
