"""Variance components of the one-way random-effects model.

linearmodels' ``RandomEffects`` implements Swamy-Arora only; this module adds
Wallace-Hussain, Amemiya and Nerlove, with plm's conventions (Croissant and
Millo 2008; ``plm::ercomp``), which reproduce Baltagi's Table 2.1 on the
Grunfeld data:

================  ===================================  =====================================
method            σ²_ν (idiosyncratic)                 σ²_μ (individual)
================  ===================================  =====================================
swamy-arora       within RSS / (N - n - K)             between RSS / (n - K - 1) - σ²_ν / T
wallace-hussain   e'Qe / (N - n), e = OLS residuals    (e'Pe / n - σ²_ν) / T
amemiya           e'Qe / (N - n), e = within residuals (e'Pe / n - σ²_ν) / T
nerlove           within RSS / N                       variance of the fixed effects (n - 1)
stata             within RSS / (N - n - K)             between RSS / (n - K - 1) - σ²_ν / T̄
================  ===================================  =====================================

(``Q`` within, ``P`` between projections over all N rows; ``K`` slopes.) On
unbalanced panels the quadratic forms are the same and the divisors are the
unbiased ones of plm (Baltagi and Chang 1994 for Swamy-Arora; traces of the
projected regressor matrices). ``"stata"`` is Stata's ``xtreg, re`` (its
default ``sa``): on balanced panels it equals Swamy-Arora; on unbalanced ones the
between regression is the unweighted one on entity means and ``T̄`` is the
harmonic mean of the ``T_i`` (Stata's ``e(Tbar)``), as in StataCorp, *Stata
Longitudinal-Data/Panel-Data Reference Manual*, ``xtreg``, Methods and
formulas. A negative σ²_μ is set to zero, with a warning,
as in plm and Stata. The GLS transformation subtracts ``θ_i`` times the entity
mean, ``θ_i = 1 - sqrt(σ²_ν / (T_i σ²_μ + σ²_ν))``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from migecon.errors import EstimationWarning, SpecificationError
from migecon.estimate.linear.design import group_means, within

__all__ = ["RE_METHODS", "VarianceComponents", "variance_components"]

RE_METHODS = ("swamy-arora", "wallace-hussain", "amemiya", "nerlove", "stata")


@dataclass(frozen=True)
class VarianceComponents:
    """Estimated ``σ²_ν``, ``σ²_μ`` and the per-row GLS weights ``θ_i``."""

    sigma2_e: float
    sigma2_u: float
    theta: np.ndarray
    method: str

    @property
    def theta_mean(self) -> float:
        return float(self.theta.mean())


def variance_components(y: np.ndarray, X: np.ndarray, entity: np.ndarray, *,
                        method: str = "swamy-arora", has_const: bool = True
                        ) -> VarianceComponents:
    """Estimate the variance components of ``y = Xb + μ_i + ν_it``.

    Parameters
    ----------
    y : ndarray
        Dependent variable (N rows).
    X : ndarray
        Regressors, including the constant column when ``has_const``.
    entity : ndarray
        Entity codes ``0..n-1`` per row.
    method : {"swamy-arora", "wallace-hussain", "amemiya", "nerlove", "stata"}
        Variance-component estimator (``"stata"``: ``xtreg, re`` on unbalanced
        panels, harmonic-mean ``T̄``).
    has_const : bool
        Whether ``X`` holds a constant column (it is the first all-ones column).

    Returns
    -------
    VarianceComponents

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> entity = np.repeat(np.arange(30), 5)
    >>> x = rng.normal(size=150)
    >>> y = 1 + x + rng.normal(size=30)[entity] + rng.normal(size=150)
    >>> vc = variance_components(y, np.column_stack([np.ones(150), x]), entity)
    >>> bool(0 < vc.theta_mean < 1)
    True
    """
    if method not in RE_METHODS:
        raise SpecificationError(
            f"re_method must be one of {', '.join(repr(m) for m in RE_METHODS)}; got {method!r}")
    N = y.shape[0]
    n = int(entity.max()) + 1
    Ti = np.bincount(entity).astype(float)
    balanced = bool(np.all(Ti == Ti[0]))
    if n < 2:
        raise SpecificationError("random effects need at least two entities")
    const_col = _const_index(X) if has_const else None
    slopes = [j for j in range(X.shape[1]) if j != const_col]
    Xs = X[:, slopes]
    Xw = within(Xs, entity)
    yw = within(y, entity)
    # Regressors without within variation (time-invariant) are dropped from
    # the within regressions, as plm does; they stay in the GLS step.
    keep_w = np.sqrt((Xw**2).sum(axis=0)) > 1e-9 * np.maximum(np.sqrt((Xs**2).sum(axis=0)),
                                                                1e-300)
    Xw = Xw[:, keep_w]
    b_w = _lstsq(Xw, yw)
    e_w = yw - Xw @ b_w
    rss_w = float(e_w @ e_w)
    k_w = _rank(Xw)
    if method == "swamy-arora":
        s2e, s2u = _swamy_arora(y, X, entity, Ti, balanced, rss_w, N, n, k_w)
    elif method == "stata":
        s2e, s2u = _swamy_arora(y, X, entity, Ti, True, rss_w, N, n, k_w,
                                t_bar=n / float(np.sum(1.0 / Ti)))
    elif method == "wallace-hussain":
        s2e, s2u = _wallace_hussain(y, X, entity, Ti, balanced, N, n)
    elif method == "amemiya":
        s2e, s2u = _amemiya(y, Xs[:, keep_w], entity, Ti, balanced, b_w, rss_w, N, n, k_w)
    else:
        s2e = rss_w / N
        alpha = group_means(y, entity)[:, 0] - group_means(Xs[:, keep_w], entity) @ b_w
        # Variance of the fixed effects around their observation-weighted mean;
        # on unbalanced panels each effect is weighted by T_i / mean(T_i), which
        # reproduces plm (and reduces to Σ(α_i - ᾱ)²/(n - 1) when balanced).
        dev = alpha - np.average(alpha, weights=Ti)
        s2u = float(np.sum(Ti * dev**2) / (Ti.mean() * (n - 1)))
    if s2u < 0:
        warnings.warn(
            f"the {method} estimate of the variance of the entity effect is negative "
            f"({s2u:.4g}); it is set to 0, so random effects equal pooled OLS",
            EstimationWarning, stacklevel=3)
        s2u = 0.0
    if s2e <= 0:
        raise SpecificationError(
            "the idiosyncratic variance estimate is zero: the regressors fit the data "
            "exactly within entities")
    theta = 1 - np.sqrt(s2e / (Ti[entity] * s2u + s2e))
    return VarianceComponents(float(s2e), float(s2u), theta, method)


def _swamy_arora(y: np.ndarray, X: np.ndarray, entity: np.ndarray, Ti: np.ndarray,
                 balanced: bool, rss_w: float, N: int, n: int, k_w: int,
                 t_bar: float | None = None) -> tuple[float, float]:
    """Swamy-Arora; ``t_bar`` given: Stata's unweighted between regression with that T̄."""
    s2e = rss_w / (N - n - k_w)
    Xb = group_means(X, entity)
    yb = group_means(y, entity)[:, 0]
    if balanced:
        e_b = yb - Xb @ _lstsq(Xb, yb)
        k_b = _rank(Xb)
        T = Ti[0] if t_bar is None else t_bar
        s2_1 = T * float(e_b @ e_b) / (n - k_b)
        return s2e, (s2_1 - s2e) / T
    # Unbalanced (Baltagi and Chang 1994, plm): the between regression is
    # weighted by T_i and its expected residual sum of squares is
    # (n - K - 1) σ²_ν + (N - tr[(Z̄'Z̄)^-1 Z_S'Z]) σ²_μ.
    w = np.sqrt(Ti)
    e_b = yb - Xb @ _lstsq(Xb * w[:, None], yb * w)
    quad = float(np.sum(Ti * e_b**2))
    ZB = Xb * w[:, None]
    cross_b = ZB.T @ ZB                       # Σ T_i z̄ z̄'
    cross_s = (Xb * (Ti**2)[:, None]).T @ Xb  # Σ T_i² z̄ z̄'
    k_b = _rank(Xb)
    m_eta = N - np.trace(np.linalg.pinv(cross_b) @ cross_s)
    return s2e, (quad - (n - k_b) * s2e) / m_eta


def _wallace_hussain(y: np.ndarray, X: np.ndarray, entity: np.ndarray, Ti: np.ndarray,
                     balanced: bool, N: int, n: int) -> tuple[float, float]:
    e = y - X @ _lstsq(X, y)
    eb = group_means(e, entity)[:, 0]
    q_w = float(np.sum((e - eb[entity]) ** 2))
    q_b = float(np.sum(Ti * eb**2))
    if balanced:
        s2e = q_w / (N - n)
        return s2e, (q_b / n - s2e) / Ti[0]
    # Unbiased divisors for OLS residuals (plm's dfcor = 3).
    zz_inv = np.linalg.pinv(X.T @ X)
    Xw = within(X, entity)
    Xbar = group_means(X, entity)
    cp_w = Xw.T @ Xw
    cp_b = (Xbar * Ti[:, None]).T @ Xbar          # Z_B'Z_B with means repeated
    cp_s = (Xbar * (Ti**2)[:, None]).T @ Xbar     # Z_S'Z
    m = np.array([
        [N - n - np.trace(zz_inv @ cp_w), np.trace(zz_inv @ cp_w @ zz_inv @ cp_s)],
        [n - np.trace(zz_inv @ cp_b),
         N - 2 * np.trace(zz_inv @ cp_s) + np.trace(zz_inv @ cp_b @ zz_inv @ cp_s)],
    ])
    s2e, s2u = np.linalg.solve(m, np.array([q_w, q_b]))
    return float(s2e), float(s2u)


def _amemiya(y: np.ndarray, Xs: np.ndarray, entity: np.ndarray, Ti: np.ndarray,
             balanced: bool, b_w: np.ndarray, rss_w: float, N: int, n: int,
             k_w: int) -> tuple[float, float]:
    # Residuals of the within fit with the overall intercept added back.
    intercept = y.mean() - Xs.mean(axis=0) @ b_w
    e = y - intercept - Xs @ b_w
    eb = group_means(e, entity)[:, 0]
    q_b = float(np.sum(Ti * eb**2))
    if balanced:
        s2e = rss_w / (N - n)
        return s2e, (q_b / n - s2e) / Ti[0]
    s2e = rss_w / (N - n - k_w)
    Xw = within(Xs, entity)
    Xbar = group_means(Xs, entity)
    centred = Xbar - (Xbar * Ti[:, None]).sum(axis=0) / N
    cp_b = (centred * Ti[:, None]).T @ centred
    m_nu = n - 1 + np.trace(np.linalg.pinv(Xw.T @ Xw) @ cp_b)
    m_eta = N - float(np.sum(Ti**2)) / N
    return s2e, (q_b - m_nu * s2e) / m_eta


def _const_index(X: np.ndarray) -> int | None:
    for j in range(X.shape[1]):
        if np.all(X[:, j] == 1.0):
            return j
    return None


def _lstsq(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    if X.shape[1] == 0:
        return np.zeros(0)
    return np.linalg.lstsq(X, y, rcond=None)[0]


def _rank(X: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(X)) if X.shape[1] else 0
