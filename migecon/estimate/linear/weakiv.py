"""Weak-instrument diagnostics for panel IV: first-stage table and Anderson-Rubin set.

Everything is computed on the model's own transformed data (within, first
differences, or pooled) and under the model's own covariance
(:mod:`migecon.estimate.linear.covariance`: robust, clustered, two-way,
Driscoll-Kraay, with its small-sample rule), so the numbers answer the
question "are the instruments strong *for the inference reported*?".

For each endogenous regressor ``x`` with excluded instruments ``Z1`` and
included exogenous regressors ``W`` (first stage ``x = Z1 pi + W g + v``):

* partial R-squared of ``Z1`` (after ``W``) and Shea's (1997) partial
  R-squared ``[(X'X)^-1]_jj / [(Xhat'Xhat)^-1]_jj`` (equal to the partial R² with
  one endogenous regressor);
* the conventional F of ``pi = 0`` (homoskedastic);
* the Kleibergen-Paap (2006) rk Wald F: with one endogenous regressor the
  Wald statistic of ``pi = 0`` under the model's covariance divided by the
  number of excluded instruments ``L1`` (with one instrument, the squared
  robust t statistic of the instrument);
* the Montiel Olea-Pflueger (2013) effective F,
  ``pi' Q pi / tr(V_pi Q)`` with ``Q = Z1~'Z1~`` (``Z1~`` = ``Z1`` after ``W``),
  and its critical value by their simplified procedure (Patnaik
  approximation, TSLS, 5 % test of a 10 % Nagar-bias threshold):
  ``c = ncx2.ppf(0.95, K_eff, K_eff/tau) / K_eff`` with
  ``K_eff = tr(S)^2 (1 + 2/tau) / (tr(S'S) + (2/tau) tr(S) maxeig(S))``,
  ``S = Q^1/2 V_pi Q^1/2`` (Pflueger and Wang's ``weakivtest``); with one
  instrument ``c = 23.109``;
* the Kleibergen-Paap rk LM test of under-identification (with one
  endogenous regressor, the robust score test of ``pi = 0``: the covariance
  built from the first-stage residual under the null, ``x`` after ``W``, no
  small-sample factor), chi2(L1);
* the Stock-Yogo (2005) critical values for the 10/15/20/25 % maximal size of
  a nominal 5 % Wald test (homoskedastic errors only; shown for reference).

The Anderson-Rubin (1949) confidence set for one endogenous regressor inverts
the test of ``delta = 0`` in ``y - b0 x = Z1 delta + W h + e`` under the
model's covariance: the set of ``b0`` whose Wald statistic is below its
critical value. It is valid however weak the instruments; it may be a bounded
interval, the union of two half-lines, or the whole line.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from migecon.errors import EstimationWarning, SpecificationError
from migecon.estimate.linear.covariance import CovInputs, compute_covariance
from migecon.estimate.records import TestResult

if TYPE_CHECKING:
    from migecon.estimate.results import Result

__all__ = [
    "STOCK_YOGO_SIZE",
    "ARConfidenceSet",
    "anderson_rubin",
    "attach_first_stage",
    "effective_f_critical_value",
    "first_stage",
]

#: Stock and Yogo (2005), Table 5.2: critical values of the Cragg-Donald F for
#: a 5 % TSLS Wald test whose actual size is at most 10/15/20/25 %, one
#: endogenous regressor (K1 = 1), L1 = 1..4 excluded instruments. Typed from
#: the table (the same values ivreg2 prints as "Stock-Yogo weak ID test
#: critical values ... maximal IV size").
STOCK_YOGO_SIZE: dict[int, dict[int, float]] = {
    1: {10: 16.38, 15: 8.96, 20: 6.66, 25: 5.53},
    2: {10: 19.93, 15: 11.59, 20: 8.75, 25: 7.25},
    3: {10: 22.30, 15: 12.83, 20: 9.54, 25: 7.80},
    4: {10: 24.58, 15: 13.96, 20: 10.26, 25: 8.31},
}
RULE_OF_THUMB = 10.0  # Staiger and Stock (1997)


@dataclass
class _IV:
    """The model's transformed first-stage data and covariance rule."""

    X: np.ndarray
    names: list[str]
    Z: np.ndarray
    z_names: list[str]
    y: np.ndarray
    endog: list[str]
    excluded: list[str]
    included: list[str]
    res: Any

    def cov(self, A: np.ndarray, R: np.ndarray, e: np.ndarray, *, large: bool = False,
            ) -> tuple[np.ndarray, Any]:
        fd, ci = self.res.fit_data, self.res.fit_data.cov_inputs
        inputs = CovInputs(
            bread=A, regressors=R, resid=e, k=R.shape[1], df_entity=ci["df_entity"],
            df_time=ci["df_time"], groups=fd.groups, entity=fd.entity, time=fd.time,
            sigma2_divisor=ci["sigma2_divisor"], force_normal=ci["force_normal"],
            no_small_factor=ci["no_small_factor"] or large)
        spec = fd.cov_spec if not large else replace(fd.cov_spec, small_sample="none")
        return compute_covariance(inputs, spec, entity_label=ci["entity_label"],
                                  time_label=ci["time_label"])


def _iv_data(res: Result) -> _IV:
    fd = res.fit_data
    if fd is None or getattr(fd, "Z", None) is None:
        raise SpecificationError(
            f"first-stage diagnostics need an IV model fitted by mg.fit with "
            f"'y ~ exog + [endog ~ instruments]' and estimator 'iv', 'fe', 'pooled' or 'fd'; "
            f"got a {res.estimator!r} result{' read from a file' if fd is None else ''} "
            "(EC2SLS and GMM have no first-stage table)")
    included = [n for n in fd.z_names if n not in fd.excluded]
    return _IV(X=fd.X, names=list(fd.names), Z=fd.Z, z_names=list(fd.z_names), y=fd.y,
               endog=list(fd.endog), excluded=list(fd.excluded), included=included, res=res)


def _partial(A: np.ndarray, W: np.ndarray) -> np.ndarray:
    if W.shape[1] == 0:
        return A
    return A - W @ np.linalg.lstsq(W, A, rcond=None)[0]


def effective_f_critical_value(S: np.ndarray, tau: float = 0.10, alpha: float = 0.05,
                               ) -> tuple[float, float]:
    """Montiel Olea-Pflueger simplified critical value for the effective F (TSLS).

    Parameters
    ----------
    S : ndarray
        ``Q^1/2 V_pi Q^1/2``, the first-stage covariance in the metric of the
        (partialled) instruments; only its shape matters (scale-free).
    tau : float
        Worst-case Nagar bias relative to the OLS benchmark (0.10 = 10 %).
    alpha : float
        Size of the test.

    Returns
    -------
    critical value, effective degrees of freedom K_eff

    Examples
    --------
    >>> import numpy as np
    >>> round(effective_f_critical_value(np.eye(1))[0], 3)   # MOP (2013): 23.109
    23.109
    """
    S = (S + S.T) / 2
    x = 1.0 / tau
    eig = np.linalg.eigvalsh(S)
    tr = float(eig.sum())
    k_eff = tr**2 * (1 + 2 * x) / (float((eig**2).sum()) + 2 * x * tr * float(eig.max()))
    crit = float(stats.ncx2.ppf(1 - alpha, k_eff, k_eff * x)) / k_eff
    return crit, float(k_eff)


def first_stage(res: Result) -> pd.DataFrame:
    """First-stage diagnostics of an IV model, one row per endogenous regressor.

    Parameters
    ----------
    res : Result
        An IV model from :func:`migecon.fit` (FE2SLS, pooled 2SLS, FD-2SLS).

    Returns
    -------
    DataFrame
        Columns ``instruments``, ``n_instruments``, ``partial_r2``, ``shea_r2``,
        ``f_conventional``, ``f_conventional_p``, ``robust_f`` (Wald F of the
        regressor's own excluded-instrument coefficients under the model's
        covariance), ``kp_f`` (the model's Kleibergen-Paap rk Wald F, equal to
        ``robust_f`` with one endogenous regressor), ``effective_f``,
        ``effective_f_crit`` (MOP, 5 % test of 10 % bias), ``kp_lm``,
        ``kp_lm_df``, ``kp_lm_p``, ``stock_yogo_10`` (10 % maximal size),
        ``covariance``. The effective F, its critical value, the LM test and
        Stock-Yogo are for one endogenous regressor (NaN otherwise).

    Examples
    --------
    >>> import migecon as mg
    >>> from migecon.simulate import EndogenousRemittancesDGP
    >>> p = EndogenousRemittancesDGP().simulate(3)
    >>> res = mg.fit("growth ~ [remittances ~ host_income]", p, estimator="iv",
    ...              cov_type="clustered")
    >>> fs = res.first_stage
    >>> bool(abs(fs.loc["remittances", "kp_f"] - fs.loc["remittances", "effective_f"]) < 1e-8)
    True
    """
    iv = _iv_data(res)
    Z, X = iv.Z, iv.X
    inc = [iv.z_names.index(n) for n in iv.included]
    exc = [iv.z_names.index(n) for n in iv.excluded]
    W, Z1 = Z[:, inc], Z[:, exc]
    L1, n = len(exc), Z.shape[0]
    Z1t = _partial(Z1, W)
    Q = Z1t.T @ Z1t
    A = np.linalg.inv(Z.T @ Z)
    xhat = Z @ np.linalg.lstsq(Z, X, rcond=None)[0]
    inv_xx, inv_hh = np.linalg.inv(X.T @ X), np.linalg.inv(xhat.T @ xhat)
    ci = iv.res.fit_data.cov_inputs
    df_f = n - Z.shape[1] - ci["df_entity"] - ci["df_time"]
    rows = {}
    description = ""
    coefs = A @ (Z.T @ X[:, [iv.names.index(e) for e in iv.endog]])
    resids = X[:, [iv.names.index(e) for e in iv.endog]] - Z @ coefs
    for k, name in enumerate(iv.endog):
        j = iv.names.index(name)
        x = X[:, j]
        coef, v = coefs[:, k], resids[:, k]
        xt = _partial(x[:, None], W)[:, 0]
        rss_u, rss_r = float(v @ v), float(xt @ xt)
        partial_r2 = 1 - rss_u / rss_r if rss_r > 0 else float("nan")
        f_conv = ((rss_r - rss_u) / L1) / (rss_u / df_f) if rss_u > 0 else float("inf")
        cov, info = iv.cov(A, Z, v)
        description = info.description
        pi = coef[exc]
        V = cov[np.ix_(exc, exc)]
        wald = float(pi @ np.linalg.solve(V, pi))
        row: dict[str, Any] = {
            "instruments": ", ".join(iv.excluded), "n_instruments": L1,
            "partial_r2": partial_r2, "shea_r2": float(inv_xx[j, j] / inv_hh[j, j]),
            "f_conventional": f_conv,
            "f_conventional_p": float(stats.f.sf(f_conv, L1, df_f)),
            "robust_f": wald / L1, "kp_f": np.nan, "effective_f": np.nan,
            "effective_f_crit": np.nan, "kp_lm": np.nan, "kp_lm_df": float(L1),
            "kp_lm_p": np.nan,
            "stock_yogo_10": STOCK_YOGO_SIZE.get(L1, {}).get(10, np.nan)
            if len(iv.endog) == 1 else np.nan}
        if len(iv.endog) == 1:
            row["kp_f"] = wald / L1
            row["effective_f"] = float(pi @ Q @ pi) / float(np.trace(V @ Q))
            evals, evecs = np.linalg.eigh(Q)
            root = evecs @ np.diag(np.sqrt(np.maximum(evals, 0))) @ evecs.T
            row["effective_f_crit"] = effective_f_critical_value(root @ V @ root)[0]
            Aq = np.linalg.inv(Q)
            cov0, _ = iv.cov(Aq, Z1t, xt, large=True)
            pit = Aq @ (Z1t.T @ xt)
            lm = float(pit @ np.linalg.solve(cov0, pit))
            row["kp_lm"], row["kp_lm_p"] = lm, float(stats.chi2.sf(lm, L1))
        row["covariance"] = description
        rows[name] = row
    if len(iv.endog) > 1:
        kp = _kp_rank_wald(iv, A, Z, exc, coefs[exc], resids, Q) / L1
        for row in rows.values():
            row["kp_f"] = kp
    return pd.DataFrame.from_dict(rows, orient="index")


def _kp_rank_wald(iv: _IV, A: np.ndarray, Z: np.ndarray, exc: list[int], Pi: np.ndarray,
                  resids: np.ndarray, Q: np.ndarray) -> float:
    """Kleibergen-Paap (2006) rk Wald statistic of ``rank(Pi) = K1 - 1``.

    ``Theta = G Pi F'`` with ``G = (Z1~'Z1~/N)^1/2`` and ``F = (V'V/N)^-1/2`` (``V`` the
    first-stage residuals); SVD ``Theta = U S W'``; with ``q = K1 - 1``,
    ``A = U[:, q:] U22^-1 (U22 U22')^1/2``, ``B = (W22 W22')^1/2 W22'^-1 W[:, q:]'``,
    ``lambda = A' Theta B'`` and ``rk = lambda' ((B kron A') Omega (B kron A')')^-1 lambda``
    with ``Omega = (F kron G) cov(vec Pi) (F kron G)'``. ``cov(vec Pi)`` is the model's
    covariance rule applied to every pair of first-stage equations (by polarisation:
    the sandwich is bilinear in the residuals). With the conventional covariance it is
    the Cragg-Donald statistic.
    """
    L1, K1 = Pi.shape
    n = Z.shape[0]
    sub = np.ix_(exc, exc)
    Wv = np.zeros((L1 * K1, L1 * K1))
    for a in range(K1):
        for b in range(a, K1):
            if a == b:
                block = iv.cov(A, Z, resids[:, a])[0][sub]
            else:
                plus = iv.cov(A, Z, resids[:, a] + resids[:, b])[0][sub]
                minus = iv.cov(A, Z, resids[:, a] - resids[:, b])[0][sub]
                block = (plus - minus) / 4
            Wv[a * L1:(a + 1) * L1, b * L1:(b + 1) * L1] = block
            Wv[b * L1:(b + 1) * L1, a * L1:(a + 1) * L1] = block.T
    G = _sqrtm(Q / n)
    F = np.linalg.inv(_sqrtm(resids.T @ resids / n))
    theta = G @ Pi @ F.T
    U, _, Wt = np.linalg.svd(theta)
    Wm = Wt.T
    q = K1 - 1
    u22, w22 = U[q:, q:], Wm[q:, q:]
    a_perp = U[:, q:] @ np.linalg.inv(u22) @ _sqrtm(u22 @ u22.T)
    b_perp = _sqrtm(w22 @ w22.T) @ np.linalg.inv(w22.T) @ Wm[:, q:].T
    lam = (a_perp.T @ theta @ b_perp.T).ravel(order="F")
    omega = np.kron(F, G) @ Wv @ np.kron(F, G).T
    kron = np.kron(b_perp, a_perp.T)
    return float(lam @ np.linalg.solve(kron @ omega @ kron.T, lam))


def _sqrtm(M: np.ndarray) -> np.ndarray:
    evals, evecs = np.linalg.eigh((M + M.T) / 2)
    return np.asarray(evecs @ np.diag(np.sqrt(np.maximum(evals, 0))) @ evecs.T)


def attach_first_stage(res: Result) -> Result:
    """Record the first-stage strength in ``res.stats`` and warn when it is weak.

    Adds the model's ``kp_f`` (Kleibergen-Paap rk Wald F) and, per endogenous
    regressor, ``robust_f:<x>``, ``effective_f:<x>``, ``effective_f_crit:<x>``
    and ``kp_lm_p:<x>``, and raises an :class:`~migecon.errors.EstimationWarning`
    naming the instruments when the Kleibergen-Paap F is below 10 or the
    effective F is below its critical value.
    """
    fs = first_stage(res)
    new = dict(res.stats)
    for name, row in fs.iterrows():
        for key in ("robust_f", "effective_f", "effective_f_crit", "kp_lm_p"):
            if np.isfinite(row[key]):
                new[f"{key}:{name}"] = float(row[key])
    kp = float(fs["kp_f"].iloc[0])
    new["kp_f"] = kp
    new["n_excluded_instruments"] = float(fs["n_instruments"].iloc[0])
    row = fs.iloc[0]
    weak_rule = kp < RULE_OF_THUMB
    weak_mop = bool(np.isfinite(row["effective_f"])
                    and row["effective_f"] < row["effective_f_crit"])
    if weak_rule or weak_mop:
        names = ", ".join(str(n) for n in fs.index)
        eff = ("" if not np.isfinite(row["effective_f"]) else
               f", effective F = {row['effective_f']:.3g} against the Montiel Olea-"
               f"Pflueger critical value {row['effective_f_crit']:.3g}")
        warnings.warn(
            f"weak instruments: {row['instruments']} for {names}: Kleibergen-Paap rk Wald F "
            f"= {kp:.3g} ({row['covariance']}){eff}; below "
            f"{'the rule of thumb of 10' if weak_rule else 'the critical value'}. The "
            f"{res.model_name or 'IV'} estimates, standard errors and p-values of {names} "
            "are unreliable; report the weak-instrument-robust Anderson-Rubin confidence set "
            "(mg.anderson_rubin(res)) and the first-stage table (res.first_stage)",
            EstimationWarning, stacklevel=4)
    return replace(res, stats=new)


@dataclass(frozen=True)
class ARConfidenceSet:
    """The Anderson-Rubin confidence set for one endogenous regressor.

    Attributes
    ----------
    variable : str
        The endogenous regressor.
    level : float
        Confidence level.
    intervals : list of (float, float)
        Disjoint intervals whose union is the set; ``-inf`` / ``inf`` mark
        unbounded ends; empty when every value is rejected.
    critical_value : float
        Of the Wald statistic (chi-squared units).
    distribution : str
        ``"chi2"`` or ``"F"`` (the model's convention).
    """

    variable: str
    level: float
    intervals: list[tuple[float, float]]
    critical_value: float
    distribution: str
    _gamma: tuple[np.ndarray, np.ndarray]
    _cov: tuple[np.ndarray, np.ndarray, np.ndarray]
    _df: tuple[float, float | None]

    @property
    def bounded(self) -> bool:
        """True when the set is a finite union of finite intervals."""
        return all(np.isfinite(lo) and np.isfinite(hi) for lo, hi in self.intervals)

    def wald(self, beta0: float) -> float:
        """Wald statistic (chi-squared units) of ``delta = 0`` at ``b = beta0``."""
        gy, pi = self._gamma
        vyy, vyx, vxx = self._cov
        g = gy - beta0 * pi
        V = vyy - 2 * beta0 * vyx + beta0**2 * vxx
        return float(g @ np.linalg.solve(V, g))

    def test(self, beta0: float) -> TestResult:
        """The Anderson-Rubin test of ``H0: coefficient = beta0`` (robust to weak IV)."""
        w = self.wald(beta0)
        q, df = self._df
        if self.distribution == "F" and df is not None:
            return TestResult("Anderson-Rubin", w / q, float(stats.f.sf(w / q, q, df)),
                              df=(q, df), distribution="F",
                              null=f"{self.variable} = {beta0:g}",
                              note="robust to weak instruments; model's covariance")
        return TestResult("Anderson-Rubin", w, float(stats.chi2.sf(w, q)), df=q,
                          distribution="chi2", null=f"{self.variable} = {beta0:g}",
                          note="robust to weak instruments; model's covariance")

    def __str__(self) -> str:
        parts = [f"[{lo:.6g}, {hi:.6g}]" for lo, hi in self.intervals] or ["empty"]
        return (f"Anderson-Rubin {self.level:.0%} confidence set for {self.variable}: "
                + " U ".join(parts))


def anderson_rubin(res: Result, level: float = 0.95, variable: str | None = None,
                   ) -> ARConfidenceSet:
    """Weak-instrument-robust Anderson-Rubin confidence set of an IV coefficient.

    Parameters
    ----------
    res : Result
        An IV model from :func:`migecon.fit` with one endogenous regressor.
    level : float
        Confidence level.
    variable : str, optional
        The endogenous regressor (default: the only one).

    Returns
    -------
    ARConfidenceSet
        ``.intervals`` (possibly unbounded or disjoint) and ``.test(beta0)``.

    Examples
    --------
    >>> import migecon as mg
    >>> from migecon.simulate import EndogenousRemittancesDGP
    >>> p = EndogenousRemittancesDGP().simulate(3)
    >>> res = mg.fit("growth ~ [remittances ~ host_income]", p, estimator="iv",
    ...              cov_type="clustered")
    >>> ar = mg.anderson_rubin(res)
    >>> lo, hi = ar.intervals[0]
    >>> bool(abs(ar.wald(hi) - ar.critical_value) < 1e-6)
    True
    """
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1; got {level}")
    iv = _iv_data(res)
    if len(iv.endog) != 1 and variable is None:
        raise SpecificationError(
            f"the Anderson-Rubin set is computed for one endogenous regressor; the model has "
            f"{iv.endog}: refit with one, or pass variable= (the others are then treated as "
            "known, which is not a joint set)")
    name = variable or iv.endog[0]
    if name not in iv.endog:
        raise SpecificationError(f"variable must be one of the endogenous regressors "
                                 f"{iv.endog}; got {name!r}")
    if len(iv.endog) != 1:
        raise SpecificationError("the Anderson-Rubin set needs exactly one endogenous "
                                 f"regressor; the model has {iv.endog}")
    Z = iv.Z
    exc = [iv.z_names.index(n) for n in iv.excluded]
    A = np.linalg.inv(Z.T @ Z)
    x = iv.X[:, iv.names.index(name)]
    cy, cx = A @ (Z.T @ iv.y), A @ (Z.T @ x)
    vy, vx = iv.y - Z @ cy, x - Z @ cx
    c0, info = iv.cov(A, Z, vy)
    cp, _ = iv.cov(A, Z, vy - vx)
    cm, _ = iv.cov(A, Z, vy + vx)
    sub = np.ix_(exc, exc)
    vyy = c0[sub]
    vxx = (cp[sub] + cm[sub]) / 2 - vyy
    vyx = (cm[sub] - cp[sub]) / 4
    q = float(len(exc))
    df = float(info.df_resid) if info.dist == "t" and info.df_resid else None
    if df is not None:
        crit, dist = q * float(stats.f.ppf(level, q, df)), "F"
    else:
        crit, dist = float(stats.chi2.ppf(level, q)), "chi2"
    gy, pi = cy[exc], cx[exc]
    out = ARConfidenceSet(name, level, [], crit, dist, (gy, pi), (vyy, vyx, vxx), (q, df))
    return replace(out, intervals=_invert(out, res.params[name],
                                          float(res.std_errors[name])))


def _invert(ar: ARConfidenceSet, centre: float, scale: float) -> list[tuple[float, float]]:
    """The set {b : wald(b) <= crit} as sorted intervals."""
    gy, pi = ar._gamma
    vyy, vyx, vxx = ar._cov
    c = ar.critical_value
    if gy.shape[0] == 1:
        # (gy - b pi)^2 <= c (vyy - 2 b vyx + b^2 vxx): a quadratic a b^2 + 2 h b + k <= 0
        a = float(pi[0] ** 2 - c * vxx[0, 0])
        h = float(-(gy[0] * pi[0] - c * vyx[0, 0]))
        k = float(gy[0] ** 2 - c * vyy[0, 0])
        disc = h * h - a * k
        if abs(a) < 1e-300:
            root = -k / (2 * h)
            return [(-np.inf, root)] if h > 0 else [(root, np.inf)]
        if disc < 0:
            return [] if a > 0 else [(-np.inf, np.inf)]
        r1, r2 = sorted(((-h - np.sqrt(disc)) / a, (-h + np.sqrt(disc)) / a))
        return [(r1, r2)] if a > 0 else [(-np.inf, r1), (r2, np.inf)]
    # Several instruments: scan a wide grid around the estimate and refine the
    # crossings; the ends are unbounded when the limit (the first-stage Wald of
    # pi) is below the critical value.
    scale = scale if np.isfinite(scale) and scale > 0 else max(abs(centre), 1.0)
    u = np.sinh(np.linspace(-np.arcsinh(1e4), np.arcsinh(1e4), 4001))
    grid = centre + scale * u
    f = np.array([ar.wald(b) - c for b in grid])
    crossings = [float(optimize.brentq(lambda b: ar.wald(b) - c, grid[i], grid[i + 1]))
                 for i in range(len(grid) - 1) if np.sign(f[i]) != np.sign(f[i + 1])]
    inside_left = f[0] <= 0
    edges = [-np.inf, *crossings, np.inf]
    out, inside = [], inside_left
    for lo, hi in itertools.pairwise(edges):
        if inside:
            out.append((lo, hi))
        inside = not inside
    return out
