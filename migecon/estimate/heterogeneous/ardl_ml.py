"""Pooled mean group: the concentrated likelihood of Pesaran, Shin and Smith (1999).

For unit ``i`` with ``T_i`` observations the error-correction equation is

    D.y_it = phi_i (y_i,t-1 - theta' x_it) + W_it g_i + e_it,   e_it ~ N(0, s2_i),

with common long-run coefficients ``theta``. Given ``theta`` the unit
parameters ``(phi_i, g_i, s2_i)`` are ordinary least squares, so the
log-likelihood concentrates to

    l(theta) = -sum_i T_i / 2 * (1 + log(2 pi) + log(RSS_i(theta) / T_i)),

``RSS_i(theta)`` being the residual sum of squares of the regression of
``D.y`` on ``ec(theta) = y_t-1 - theta' x_t`` and ``W`` (``xtpmg_ml``). It is
maximised by back-substitution (PSS 1999, Section 3: update ``phi_i``,
``s2_i`` given ``theta``, then ``theta`` by weighted least squares given
them) followed by Newton steps on ``l(theta)`` with its analytic gradient.

Everything is batched across units: the data of every unit are reduced once
to the cross-product matrix of ``[D.y, y_t-1, x_t]`` after partialling ``W``
out, a ``(N, k+2, k+2)`` array, and ``l(theta)`` needs nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["ArdlFit", "PMGFit", "UnitData", "concentrated_loglik", "fit_pmg", "unit_ols"]

_LOG2PI = float(np.log(2 * np.pi))


@dataclass(frozen=True)
class ArdlFit:
    """What an ARDL Result carries besides its mean coefficients.

    Attributes
    ----------
    units : DataFrame
        One row per unit: ``nobs``, the unit's coefficients (long run for MG,
        ``ec`` and short run), their standard errors (columns ``se:<name>``)
        and ``sigma2`` (the ML error variance ``RSS/T`` for PMG, ``RSS/(T-K)``
        otherwise).
    long_run, short_run : tuple of str
        Names of the long-run and short-run terms of ``params`` (``"ec"`` is
        the adjustment block between them).
    lags : tuple of int
        ``(p, q_1, ..., q_k)``.
    history : list of str
        How the PMG likelihood was maximised.
    """

    units: pd.DataFrame
    long_run: tuple[str, ...]
    short_run: tuple[str, ...]
    lags: tuple[int, ...]
    history: list[str] = field(default_factory=list)

    @property
    def blocks(self) -> dict[str, tuple[str, ...]]:
        """Term names by block: ``{"Long run": ..., "Adjustment": ("ec",), "Short run": ...}``."""
        return {"Long run": self.long_run, "Adjustment": ("ec",), "Short run": self.short_run}


@dataclass(frozen=True)
class UnitData:
    """One unit's error-correction data.

    Attributes
    ----------
    dy : ndarray (T,)
        ``D.y``.
    ylag : ndarray (T,)
        ``L.y``.
    x : ndarray (T, k)
        Long-run regressors in levels (``x_t``).
    w : ndarray (T, m)
        Short-run regressors (lagged ``D.y``, ``D.x`` and their lags, the
        constant, cross-section averages).
    """

    dy: np.ndarray
    ylag: np.ndarray
    x: np.ndarray
    w: np.ndarray

    @property
    def nobs(self) -> int:
        return int(self.dy.shape[0])


def unit_ols(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Least squares of one unit: coefficients, conventional covariance, RSS.

    The covariance uses ``s2 = RSS / (T - K)`` (Stata's ``regress``).

    Examples
    --------
    >>> import numpy as np
    >>> b, v, rss = unit_ols(np.array([1.0, 2.0, 4.0]), np.array([[1.0, 0], [1, 1], [1, 2]]))
    >>> np.round(b, 4).tolist(), round(rss, 4)
    ([0.8333, 1.5], 0.1667)
    """
    xtx = x.T @ x
    try:
        xtx_inv = np.linalg.inv(xtx)
    except np.linalg.LinAlgError:      # singular: the minimum-norm solution
        xtx_inv = np.linalg.pinv(xtx)
    b = xtx_inv @ (x.T @ y)
    e = y - x @ b
    rss = float(e @ e)
    dof = max(x.shape[0] - x.shape[1], 1)
    return b, xtx_inv * (rss / dof), rss


def _partial(units: list[UnitData]) -> tuple[np.ndarray, np.ndarray]:
    """Cross products of ``[dy, ylag, x]`` with ``W`` partialled out, and ``T_i``."""
    k = units[0].x.shape[1]
    s = np.empty((len(units), k + 2, k + 2))
    t = np.empty(len(units))
    for i, u in enumerate(units):
        z = np.column_stack([u.dy, u.ylag, u.x])
        if u.w.shape[1]:
            coef, *_ = np.linalg.lstsq(u.w, z, rcond=None)
            z = z - u.w @ coef
        s[i] = z.T @ z
        t[i] = u.nobs
    return s, t


def _pieces(s: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``e'e``, ``dy'e`` and ``RSS`` per unit at ``theta`` (``e = ylag - x theta``)."""
    c = np.concatenate([[1.0], -theta])           # e = Z[:, 1:] @ c
    szz = s[:, 1:, 1:]
    ee = np.einsum("i,nij,j->n", c, szz, c)
    de = s[:, 0, 1:] @ c
    rss = s[:, 0, 0] - de ** 2 / ee
    return ee, de, rss


def concentrated_loglik(s: np.ndarray, t: np.ndarray, theta: np.ndarray) -> float:
    """The concentrated log-likelihood ``l(theta)`` from the partialled cross products.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=(1, 30, 3))
    >>> s = np.einsum("nti,ntj->nij", z, z)
    >>> round(concentrated_loglik(s, np.array([30.0]), np.array([0.0])), 3) < 0
    True
    """
    _, _, rss = _pieces(s, theta)
    return float(-0.5 * np.sum(t * (1 + _LOG2PI + np.log(rss / t))))


def _gradient(s: np.ndarray, t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    ee, de, rss = _pieces(s, theta)
    c = np.concatenate([[1.0], -theta])
    # d e / d theta = -x, so d(dy'e)/dtheta = -S_dx, d(e'e)/dtheta = -2 S_xe
    s_dx = s[:, 0, 2:]
    s_xe = np.einsum("nij,j->ni", s[:, 2:, 1:], c)
    phi = de / ee
    drss = 2 * phi[:, None] * s_dx - 2 * (phi ** 2)[:, None] * s_xe
    return -0.5 * np.sum((t / rss)[:, None] * drss, axis=0)


def _hessian(s: np.ndarray, t: np.ndarray, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    k = theta.size
    out = np.empty((k, k))
    for j in range(k):
        step = np.zeros(k)
        step[j] = h * max(1.0, abs(theta[j]))
        out[:, j] = (_gradient(s, t, theta + step) - _gradient(s, t, theta - step)) / (2 * step[j])
    return (out + out.T) / 2


@dataclass
class PMGFit:
    """The maximiser of the concentrated likelihood and how it was reached."""

    theta: np.ndarray
    loglik: float
    iterations: int
    converged: bool
    gradient_norm: float
    history: list[str] = field(default_factory=list)


def fit_pmg(units: list[UnitData], theta0: np.ndarray, *, maxiter: int = 500,
            tol: float = 1e-9) -> PMGFit:
    """Maximise the concentrated likelihood over the common long-run ``theta``.

    Back-substitution (stopping when the largest change in ``theta`` is
    below ``tol``), then Newton steps with step halving until the gradient
    norm is below ``1e-8`` times the total number of observations; at most
    ``maxiter`` sweeps and steps in all. ``converged`` is true when the
    gradient norm ends below ``1e-6`` times the number of observations.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> units = []
    >>> for _ in range(5):
    ...     x = np.cumsum(rng.normal(size=(41, 1)), axis=0)
    ...     y = 2 * x[:, 0] + rng.normal(size=41)
    ...     units.append(UnitData(dy=np.diff(y), ylag=y[:-1], x=x[1:], w=np.ones((40, 1))))
    >>> fit = fit_pmg(units, np.array([1.0]))
    >>> fit.converged, round(float(fit.theta[0]), 1)
    (True, 2.0)
    """
    s, t = _partial(units)
    theta = np.asarray(theta0, dtype=float).copy()
    history: list[str] = []
    sxx = s[:, 2:, 2:]
    sxd = s[:, 2:, 0]
    sxy = s[:, 2:, 1]
    it = 0
    change = np.inf
    for sweep in range(1, max(maxiter, 0) + 1):
        it = sweep
        ee, de, rss = _pieces(s, theta)
        phi = de / ee
        s2 = rss / t
        a = np.einsum("n,nij->ij", phi ** 2 / s2, sxx)
        b = np.einsum("n,ni->i", phi / s2, sxd - phi[:, None] * sxy)
        new = -np.linalg.solve(a, b)
        change = float(np.max(np.abs(new - theta)))
        theta = new
        if not np.all(np.isfinite(theta)):
            break
        if change < tol:
            break
    history.append(f"back-substitution: {it} sweep(s), last change {change:.3g}")
    n_total = float(t.sum())
    grad = _gradient(s, t, theta)
    ll = concentrated_loglik(s, t, theta)
    for step_no in range(max(0, min(50, maxiter - it))):
        if np.linalg.norm(grad) < 1e-8 * n_total or not np.isfinite(ll):
            break
        hess = _hessian(s, t, theta)
        try:
            direction = -np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            break
        lam = 1.0
        for _ in range(30):
            cand = theta + lam * direction
            ll_c = concentrated_loglik(s, t, cand)
            if np.isfinite(ll_c) and ll_c >= ll - 1e-12 * abs(ll):
                break
            lam /= 2
        else:
            break
        theta, ll = cand, ll_c
        grad = _gradient(s, t, theta)
        history.append(f"Newton step {step_no + 1}: log-likelihood {ll:.6f}")
    gnorm = float(np.linalg.norm(grad))
    converged = bool(np.isfinite(ll) and gnorm < 1e-6 * max(n_total, 1.0))
    return PMGFit(theta=theta, loglik=ll, iterations=it, converged=converged,
                  gradient_norm=gnorm, history=history)


def pmg_theta_cov(units: list[UnitData], theta: np.ndarray, phi: np.ndarray,
                  s2: np.ndarray) -> np.ndarray:
    """Covariance of ``theta``: the long-run block of the inverse information matrix.

    ``xtpmg`` inverts the information matrix of the whole system (``theta``
    and each unit's ``[phi_i, g_i]``); its ``theta`` block equals, by the
    partitioned inverse, ``(sum_i phi_i^2 / s2_i x_i' M_i x_i)^{-1}`` with
    ``M_i`` the annihilator of ``[ec_i(theta), W_i]``.
    """
    k = theta.size
    info = np.zeros((k, k))
    for i, u in enumerate(units):
        ec = u.ylag - u.x @ theta
        r = np.column_stack([ec, u.w])
        coef, *_ = np.linalg.lstsq(r, u.x, rcond=None)
        xm = u.x - r @ coef
        info += phi[i] ** 2 / s2[i] * (xm.T @ xm)
    return np.linalg.pinv(info)
