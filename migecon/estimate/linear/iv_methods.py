"""LIML and two-step efficient GMM for (panel) instrumental-variable models.

Both work on the transformed estimating equation (pooled rows, or the
within / first-difference transformation of every variable), like 2SLS in
:mod:`migecon.estimate.linear.iv`, and return the same
:class:`~migecon.estimate.linear.iv.TwoSLS` record, so that every covariance
of :mod:`migecon.estimate.linear.covariance` applies:

* **LIML** (Stata ``ivregress liml``, ``ivreg2 ..., liml``): the k-class
  estimator ``b = [X'(I - k M_Z)X]^-1 X'(I - k M_Z)y`` with ``k`` the smallest
  eigenvalue of ``(Y'M_Z Y)^-1 Y'M_{Z1} Y``, ``Y = [y, endogenous]`` and ``Z1``
  the included exogenous regressors. The covariance is the sandwich with
  bread ``[X'(I - k M_Z)X]^-1`` and regressors ``P_Z X`` (the first-stage
  fitted values), which is what ``ivregress liml, vce(robust|cluster)`` reports.
* **Two-step GMM** (Stata ``ivregress gmm``, ``ivreg2 ..., gmm2s``): the first
  step is 2SLS; its residuals give the weight matrix ``S^-1``, with
  ``S = sum e_i^2 z_i z_i'`` (heteroskedasticity-robust) or the sum over
  clusters of ``(Z_g'e_g)(Z_g'e_g)'`` (clustered), following ``cov_type``; the
  second step is ``b = (X'Z W Z'X)^-1 X'Z W Z'y``. With ``cov_type=
  "unadjusted"`` the weight matrix is ``(Z'Z)^-1`` and GMM equals 2SLS (as
  ``wmatrix(unadjusted)``). Hansen's J is ``(Z'e)' W (Z'e)`` with the
  second-step residuals ``e`` and the weight matrix of the second step (as
  ``ivregress gmm`` reports it). The covariance is the sandwich with bread
  ``(X'Z W Z'X)^-1`` and regressors ``Z W Z'X``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.linalg import eigh

from migecon.errors import RankDeficiencyError
from migecon.estimate.linear.iv import TwoSLS, two_sls
from migecon.estimate.results import TestResult

__all__ = ["IV_METHODS", "gmm_two_step", "hansen_j", "liml"]

IV_METHODS: tuple[str, ...] = ("2sls", "liml", "gmm")


def liml(y: np.ndarray, X: np.ndarray, Z: np.ndarray, *, exog_cols: list[int],
         x_names: list[str], z_names: list[str]) -> tuple[TwoSLS, float]:
    """Limited-information maximum likelihood; returns the estimates and ``kappa``.

    Parameters
    ----------
    y, X, Z : ndarray
        Dependent variable, regressors (exogenous and endogenous) and
        instruments (exogenous regressors and excluded instruments).
    exog_cols : list of int
        Columns of ``X`` that are exogenous (they are also in ``Z``).
    x_names, z_names : list of str
        Names, for error messages.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(2)
    >>> z = rng.normal(size=(400, 2)); u = rng.normal(size=400)
    >>> x = z @ [1.0, 0.5] + u; y = 1.5 * x + u
    >>> res, kappa = liml(y, x[:, None], z, exog_cols=[], x_names=["x"], z_names=["z1", "z2"])
    >>> bool(abs(res.params[0] - 1.5) < 0.2), bool(kappa >= 1)
    (True, True)
    """
    two_sls(y, X, Z, x_names=x_names, z_names=z_names)  # identification checks
    endog_cols = [j for j in range(X.shape[1]) if j not in exog_cols]
    Y = np.column_stack([y, X[:, endog_cols]])

    def resid(A: np.ndarray, B: np.ndarray) -> np.ndarray:
        if B.shape[1] == 0:
            return A
        return A - B @ np.linalg.lstsq(B, A, rcond=None)[0]

    Y_z = resid(Y, Z)
    Y_1 = resid(Y, X[:, exog_cols])
    # Smallest root of |Y'M_1 Y - k Y'M_Z Y| = 0 (a symmetric-definite problem).
    kappa = float(eigh(Y_1.T @ Y_1, Y_z.T @ Y_z, eigvals_only=True)[0])
    X_z = resid(X, Z)
    X_tilde = X - kappa * X_z
    cross = X_tilde.T @ X
    if np.linalg.matrix_rank(cross) < X.shape[1]:
        raise RankDeficiencyError(
            f"LIML cannot identify all of {x_names}; add instruments or drop a regressor")
    bread = np.linalg.inv(cross)
    params = bread @ (X_tilde.T @ y)
    return TwoSLS(params=params, xhat=X - X_z, resid=y - X @ params, bread=bread), kappa


def weight_matrix(Z: np.ndarray, resid: np.ndarray, cov_type: str,
                  clusters: np.ndarray | None) -> np.ndarray:
    """``S = sum of z e e' z'`` (robust, or by cluster) or ``Z'Z`` (unadjusted)."""
    if cov_type == "unadjusted":
        return Z.T @ Z
    scores = Z * resid[:, None]
    if cov_type == "clustered" and clusters is not None:
        codes = np.unique(clusters, return_inverse=True)[1]
        sums = np.zeros((int(codes.max()) + 1, Z.shape[1]))
        np.add.at(sums, codes, scores)
        return sums.T @ sums
    return scores.T @ scores


def gmm_two_step(y: np.ndarray, X: np.ndarray, Z: np.ndarray, *, cov_type: str,
                 clusters: np.ndarray | None, x_names: list[str],
                 z_names: list[str]) -> tuple[TwoSLS, np.ndarray]:
    """Two-step efficient GMM; returns the estimates and the weight matrix ``W``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> z = rng.normal(size=(500, 2)); u = rng.normal(size=500) * (1 + z[:, 0] ** 2)
    >>> x = z @ [1.0, 0.5] + u; y = 2.0 * x + u
    >>> res, W = gmm_two_step(y, x[:, None], z, cov_type="robust", clusters=None,
    ...                       x_names=["x"], z_names=["z1", "z2"])
    >>> bool(abs(res.params[0] - 2.0) < 0.3)
    True
    """
    first = two_sls(y, X, Z, x_names=x_names, z_names=z_names)
    S = weight_matrix(Z, first.resid, cov_type, clusters)
    W = np.linalg.pinv(S)
    ZX = Z.T @ X
    cross = ZX.T @ W @ ZX
    if np.linalg.matrix_rank(cross) < X.shape[1]:
        raise RankDeficiencyError(
            f"GMM cannot identify all of {x_names}; add instruments or drop a regressor")
    bread = np.linalg.inv(cross)
    params = bread @ (ZX.T @ W @ (Z.T @ y))
    regressors = Z @ (W @ ZX)
    return TwoSLS(params=params, xhat=regressors, resid=y - X @ params, bread=bread), W


def hansen_j(Z: np.ndarray, resid: np.ndarray, W: np.ndarray, cov_type: str,
             n_overid: int) -> TestResult:
    """Hansen's J: ``(Z'e)' W (Z'e)`` with the second-step residuals and weight matrix.

    With ``cov_type="unadjusted"`` (``W = (Z'Z)^-1``) it is divided by
    ``e'e / N``: Sargan's statistic.
    """
    g = Z.T @ resid
    stat = float(g @ W @ g)
    if cov_type == "unadjusted":
        stat /= float(resid @ resid) / resid.shape[0]
    return TestResult(
        "Hansen J", stat, float(stats.chi2.sf(stat, n_overid)), df=float(n_overid),
        distribution="chi2", null="the excluded instruments are valid (uncorrelated with "
        "the error)")
