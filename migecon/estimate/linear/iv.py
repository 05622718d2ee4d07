"""Panel instrumental variables: 2SLS on transformed data, first stages, Sargan.

:func:`migecon.fit` handles ``y ~ exog + [endog ~ instruments]`` formulas by
transforming every variable as its estimator says and running two-stage least
squares on the result:

* ``estimator="iv"`` (or ``"fe"``): FE2SLS, the within (entity, time or
  two-way) transformation of y, the regressors and the instruments (Baltagi
  2013, sec. 7.2; Stata ``xtivreg, fe``; plm ``model="within"``);
* ``estimator="pooled"``: pooled 2SLS (Stata ``ivregress 2sls``);
* ``estimator="fd"``: 2SLS on first differences (Anderson and Hsiao 1981 when
  the instrument is a lagged level);
* ``estimator="re"``: EC2SLS (Baltagi 1981): GLS quasi-demeaning with variance
  components from the within and between 2SLS residuals, instruments
  ``[QZ, PZ]`` (Stata ``xtivreg, ec2sls``; plm ``inst.method="baltagi"``).

The instrument matrix always holds the exogenous regressors plus the excluded
instruments; the order condition (at least as many excluded instruments as
endogenous regressors) is checked with the names in the message.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from migecon.errors import RankDeficiencyError, SpecificationError
from migecon.estimate.linear.design import group_means, within
from migecon.estimate.results import TestResult

__all__ = ["TwoSLS", "ec2sls_components", "first_stage_f", "sargan", "two_sls"]


@dataclass(frozen=True)
class TwoSLS:
    """2SLS estimates: coefficients, fitted regressors and residuals."""

    params: np.ndarray
    xhat: np.ndarray
    resid: np.ndarray
    bread: np.ndarray


def two_sls(y: np.ndarray, X: np.ndarray, Z: np.ndarray, *, x_names: list[str],
            z_names: list[str]) -> TwoSLS:
    """Two-stage least squares of ``y`` on ``X`` with instruments ``Z``.

    Parameters
    ----------
    y : ndarray
        Dependent variable.
    X : ndarray
        Regressors (exogenous and endogenous).
    Z : ndarray
        Instruments (exogenous regressors and excluded instruments).
    x_names, z_names : list of str
        Names, for error messages.

    Returns
    -------
    TwoSLS

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> z = rng.normal(size=500); u = rng.normal(size=500)
    >>> x = z + u; y = 2 * x + u
    >>> res = two_sls(y, x[:, None], z[:, None], x_names=["x"], z_names=["z"])
    >>> bool(abs(res.params[0] - 2) < 0.2)
    True
    """
    if np.linalg.matrix_rank(Z) < Z.shape[1]:
        raise RankDeficiencyError(
            f"the instruments {z_names} are perfectly collinear (after the transformation); "
            "drop redundant instruments")
    first = np.linalg.lstsq(Z, X, rcond=None)[0]
    xhat = Z @ first
    cross = xhat.T @ xhat
    if np.linalg.matrix_rank(cross) < X.shape[1]:
        raise RankDeficiencyError(
            f"the instruments do not identify all of {x_names}: the first-stage fitted "
            "values are collinear; add instruments or drop an endogenous regressor")
    bread = np.linalg.inv(cross)
    params = bread @ (xhat.T @ y)
    return TwoSLS(params=params, xhat=xhat, resid=y - X @ params, bread=bread)


def check_order(endog_names: list[str], excluded: list[str]) -> None:
    """Raise unless there are at least as many excluded instruments as endogenous."""
    if len(excluded) < len(endog_names):
        raise SpecificationError(
            f"the model is underidentified: {len(endog_names)} endogenous regressor(s) "
            f"{endog_names} but {len(excluded)} excluded instrument(s) {excluded}; "
            "add instruments to the right of '~' inside [ ]")


def first_stage_f(X_endog: np.ndarray, Z: np.ndarray, n_excluded: int,
                  df_absorbed: int) -> np.ndarray:
    """Partial F of the excluded instruments (last ``n_excluded`` columns of Z).

    Conventional (homoskedastic) F for each endogenous regressor, with
    ``df = (n_excluded, N - L - df_absorbed)``; the rule of thumb asks for F > 10.
    """
    N, L = Z.shape
    Zr = Z[:, : L - n_excluded]
    out = []
    for j in range(X_endog.shape[1]):
        x = X_endog[:, j]
        ru = x - Z @ np.linalg.lstsq(Z, x, rcond=None)[0]
        rr = x - Zr @ np.linalg.lstsq(Zr, x, rcond=None)[0] if Zr.shape[1] else x
        rss_u, rss_r = float(ru @ ru), float(rr @ rr)
        df2 = N - L - df_absorbed
        out.append(((rss_r - rss_u) / n_excluded) / (rss_u / df2) if rss_u > 0 else np.inf)
    return np.asarray(out)


def sargan(resid: np.ndarray, Z: np.ndarray, n_overid: int) -> TestResult:
    """Sargan's test of the overidentifying restrictions: ``N R²`` of e on Z."""
    fitted = Z @ np.linalg.lstsq(Z, resid, rcond=None)[0]
    r2 = float(fitted @ fitted) / float(resid @ resid)
    stat = resid.shape[0] * r2
    return TestResult(
        "Sargan", stat, float(stats.chi2.sf(stat, n_overid)), df=float(n_overid),
        distribution="chi2", null="the excluded instruments are valid (uncorrelated with "
        "the error)", note="assumes homoskedastic errors")


def ec2sls_components(y: np.ndarray, X: np.ndarray, Z: np.ndarray, entity: np.ndarray,
                      *, x_names: list[str], z_names: list[str],
                      const_col: int | None) -> tuple[float, float]:
    """Variance components for EC2SLS from the within and between 2SLS fits.

    ``σ²_ν`` is the within-2SLS residual variance with ``N - n - K_w`` degrees
    of freedom; ``σ²_1 = T × (between-2SLS RSS) / (n - K)`` and
    ``σ²_μ = (σ²_1 - σ²_ν) / T`` (Swamy-Arora on 2SLS residuals, as in Baltagi
    2013, sec. 7.2, and plm). Balanced panels only.
    """
    Ti = np.bincount(entity)
    if not np.all(Ti == Ti[0]):
        raise SpecificationError(
            "EC2SLS (estimator='re' with instruments) is implemented for balanced panels "
            "only; use estimator='iv' (FE2SLS) or balance the panel (Panel.balanced())")
    T, n, N = float(Ti[0]), int(Ti.shape[0]), y.shape[0]
    keep_x = [j for j in range(X.shape[1]) if j != const_col]
    keep_z = [j for j in range(Z.shape[1]) if j != const_col]
    Xw, Zw, yw = within(X[:, keep_x], entity), within(Z[:, keep_z], entity), within(y, entity)
    xw_ok = _nonzero(Xw)
    zw_ok = _nonzero(Zw)
    fit_w = two_sls(yw, Xw[:, xw_ok], Zw[:, zw_ok],
                    x_names=[x_names[keep_x[j]] for j in np.flatnonzero(xw_ok)],
                    z_names=[z_names[keep_z[j]] for j in np.flatnonzero(zw_ok)])
    k_w = int(xw_ok.sum())
    s2e = float(fit_w.resid @ fit_w.resid) / (N - n - k_w)
    Xb, Zb = group_means(X, entity), group_means(Z, entity)
    yb = group_means(y, entity)[:, 0]
    # Columns equal across entities (year dummies in a balanced panel) are
    # collinear with the constant in the between regression: leave them out.
    xb_ok = [j for j in range(Xb.shape[1]) if j == const_col or np.ptp(Xb[:, j]) > 0]
    zb_ok = [j for j in range(Zb.shape[1]) if j == const_col or np.ptp(Zb[:, j]) > 0]
    fit_b = two_sls(yb, Xb[:, xb_ok], Zb[:, zb_ok], x_names=[x_names[j] for j in xb_ok],
                    z_names=[z_names[j] for j in zb_ok])
    s2_1 = T * float(fit_b.resid @ fit_b.resid) / (n - len(xb_ok))
    return s2e, (s2_1 - s2e) / T


def _nonzero(A: np.ndarray) -> np.ndarray:
    return np.sqrt((A**2).sum(axis=0)) > 1e-9 * max(1.0, float(np.abs(A).max(initial=0.0)))
