"""Batched per-unit least squares: one regression per entity, all at once.

Mean-group, CCE, CADF (CIPS), slope-homogeneity and Dumitrescu-Hurlin
statistics all run the same small regression in every entity. Rather than a
Python loop of model calls, the entities are stacked into a 3-D array
``(units, periods, k)`` and solved together with numpy's stacked linear
algebra (a QR factorisation of every unit's ``X`` by ``np.linalg.qr`` on the
stack, then ``np.linalg.solve`` on the stacked triangular factors).

Unbalanced panels are padded: a period an entity does not have is a row of
zeros in both ``y`` and ``X``, which adds nothing to ``X'X``, ``X'y`` or the
residual sum of squares; ``mask`` marks the real rows and ``t_counts`` gives
each entity's number of observations for the degrees of freedom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["UnitFit", "partial_out", "stack", "unit_ols", "unstack"]


def stack(values: np.ndarray, unit: np.ndarray, period: np.ndarray, n_units: int,
          n_periods: int) -> np.ndarray:
    """Place rows into a zero-padded ``(units, periods[, k])`` array.

    Parameters
    ----------
    values : ndarray
        1-D ``(rows,)`` or 2-D ``(rows, k)``.
    unit, period : ndarray of int
        0-based codes of each row's entity and period.
    n_units, n_periods : int
        Sizes of the stacked array.

    Returns
    -------
    ndarray
        ``(n_units, n_periods)`` or ``(n_units, n_periods, k)``.

    Examples
    --------
    >>> import numpy as np
    >>> stack(np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1]), np.array([0, 1, 1]), 2, 2)
    array([[1., 2.],
           [0., 3.]])
    """
    shape = (n_units, n_periods, *values.shape[1:])
    out = np.zeros(shape)
    out[unit, period] = values
    return out


def unstack(stacked: np.ndarray, unit: np.ndarray, period: np.ndarray) -> np.ndarray:
    """Inverse of :func:`stack`: the rows at ``(unit, period)``."""
    return stacked[unit, period]


@dataclass(frozen=True)
class UnitFit:
    """Per-unit OLS results of :func:`unit_ols` (units that could be estimated)."""

    coef: np.ndarray        # (n, k)
    resid: np.ndarray       # (n, T), zero at padded rows
    rss: np.ndarray         # (n,)
    t_counts: np.ndarray    # (n,) observations per unit
    xtx_inv: np.ndarray     # (n, k, k)
    ok: np.ndarray          # (n,) bool: the unit's X has full column rank and T_i > k

    @property
    def sigma2(self) -> np.ndarray:
        """``RSS_i / (T_i - k)`` (NaN for units that could not be estimated)."""
        k = self.coef.shape[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.ok, self.rss / (self.t_counts - k), np.nan)

    @property
    def cov(self) -> np.ndarray:
        """Classical OLS covariance of each unit's coefficients, ``(n, k, k)``."""
        return self.sigma2[:, None, None] * self.xtx_inv

    @property
    def tstats(self) -> np.ndarray:
        """Coefficients over their classical standard errors, ``(n, k)``."""
        se = np.sqrt(np.diagonal(self.cov, axis1=1, axis2=2))
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.coef / se


def unit_ols(Y: np.ndarray, X: np.ndarray, mask: np.ndarray, *, rtol: float = 1e-10) -> UnitFit:
    """OLS of ``Y[i]`` on ``X[i]`` for every unit ``i`` at once.

    Parameters
    ----------
    Y : ndarray, shape (n, T)
        Zero at padded rows.
    X : ndarray, shape (n, T, k)
        Zero at padded rows.
    mask : ndarray of bool, shape (n, T)
        Real rows.
    rtol : float
        A unit whose (column-scaled) R factor has a diagonal element below
        ``rtol`` times its largest one is flagged as not estimable
        (``ok == False``) instead of giving meaningless numbers.

    Returns
    -------
    UnitFit
        Units with ``ok == False`` (too few observations or collinear
        regressors) have NaN coefficients.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([np.ones((3, 20, 1)), rng.normal(size=(3, 20, 1))], axis=2)
    >>> Y = X @ np.array([1.0, 2.0]) + 0.0
    >>> fit = unit_ols(Y, X, np.ones((3, 20), dtype=bool))
    >>> np.round(fit.coef, 6).tolist()
    [[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]
    """
    n, _, k = X.shape
    t_counts = mask.sum(axis=1)
    # Householder QR of every unit's (zero-padded) X at once: as accurate as
    # R's lm.fit, unlike the normal equations when regressors are near-collinear
    # (cross-section averages in CCE).
    scale = np.sqrt(np.maximum(np.einsum("ntk,ntk->nk", X, X), 1e-300))
    Q, R = np.linalg.qr(X / scale[:, None, :])
    diag = np.abs(np.diagonal(R, axis1=1, axis2=2)) if k else np.ones((n, 1))
    ok = (t_counts > k) & (diag.min(axis=1) > rtol * diag.max(axis=1))
    safe_R = np.where(ok[:, None, None], R, np.eye(k)[None])
    qty = np.einsum("ntk,nt->nk", Q, Y)
    coef = np.linalg.solve(safe_R, qty[:, :, None])[:, :, 0] / scale
    r_inv = np.linalg.inv(safe_R) / scale[:, :, None]
    xtx_inv = r_inv @ np.swapaxes(r_inv, 1, 2)
    coef = np.where(ok[:, None], coef, 0.0)
    resid = np.where(mask, Y - np.einsum("ntk,nk->nt", X, coef), 0.0)
    rss = np.einsum("nt,nt->n", resid, resid)
    coef = np.where(ok[:, None], coef, np.nan)
    xtx_inv = np.where(ok[:, None, None], xtx_inv, np.nan)
    return UnitFit(coef=coef, resid=resid, rss=rss, t_counts=t_counts, xtx_inv=xtx_inv, ok=ok)


def partial_out(A: np.ndarray, H: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Residuals of the columns of ``A[i]`` regressed on ``H[i]``, unit by unit.

    ``A`` is ``(n, T)`` or ``(n, T, m)``; ``H`` is ``(n, T, h)``. This is
    ``M_i A_i`` with ``M_i = I - H_i (H_i'H_i)^{-1} H_i'``, computed from the
    QR factorisation of ``H_i`` (``H_i`` must have full column rank).
    """
    squeeze = A.ndim == 2
    A3 = A[:, :, None] if squeeze else A
    Q = np.linalg.qr(H)[0]
    out = A3 - Q @ (np.swapaxes(Q, 1, 2) @ A3)
    out = np.where(mask[:, :, None], out, 0.0)
    return out[:, :, 0] if squeeze else out
