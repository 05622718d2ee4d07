"""Tests of slope homogeneity in panels with large N and T.

Pesaran and Yamagata (2008) standardise Swamy's dispersion statistic: with
``M = I - 1 1'/T`` (the entity intercepts partialled out), entity OLS slopes
``b_i = (X_i'M X_i)^{-1} X_i'M y_i``, the fixed-effects slopes ``b_FE``, the
variances ``s_i^2 = (y_i - X_i b_FE)'M(y_i - X_i b_FE) / (T - 1)``, the
weighted FE slopes ``b_WFE = (sum X_i'MX_i / s_i^2)^{-1} sum X_i'My_i / s_i^2``
and

    S = sum_i (b_i - b_WFE)' X_i'M X_i (b_i - b_WFE) / s_i^2,

the statistics are ``delta = sqrt(N) (S/N - k) / sqrt(2k)`` and the
mean-variance bias adjusted ``delta_adj = sqrt(N) (S/N - k) /
sqrt(2k (T - k - 1) / (T + 1))`` (PY 2008, eqs. 26 and 34), standard normal
under homogeneous slopes. Blomquist and Westerlund (2013) replace
``X_i'MX_i / s_i^2`` by ``T Q_i V_i^{-1} Q_i`` with ``Q_i = X_i'MX_i / T``
and ``V_i`` a Bartlett-kernel HAC estimate of the long-run variance of
``(M x_it) e_it``, robust to heteroskedasticity and serial correlation.
Stata: ``xthst`` (Bersvendsen and Ditzen 2021).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from migecon.errors import DataError, SpecificationError
from migecon.estimate._panelmath import build_design
from migecon.estimate.heterogeneous.unitols import stack, unit_ols
from migecon.estimate.results import TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["SlopeHomogeneityResult", "slope_homogeneity"]


class SlopeHomogeneityResult(TestResult):
    """The adjusted delta as a :class:`TestResult`; every variant in ``tests``.

    ``tests`` maps ``"delta"``, ``"delta_adj"`` (and with ``hac=True``
    ``"delta_hac"``, ``"delta_hac_adj"``) to :class:`TestResult`.
    """

    tests: dict[str, TestResult]


def _bartlett_hac(Z: np.ndarray, bandwidth: int) -> np.ndarray:
    """Long-run variance ``(n, k, k)`` of the rows of ``Z`` ``(n, T, k)``, Bartlett weights."""
    T = Z.shape[1]
    V = np.einsum("ntk,ntl->nkl", Z, Z) / T
    for j in range(1, bandwidth + 1):
        G = np.einsum("ntk,ntl->nkl", Z[:, j:], Z[:, :-j]) / T
        V += (1 - j / (bandwidth + 1)) * (G + np.swapaxes(G, 1, 2))
    return V


def _delta_pair(S: float, N: int, k: int, T: int, label: str) -> dict[str, TestResult]:
    null = "slope coefficients are the same in every entity"
    delta = np.sqrt(N) * (S / N - k) / np.sqrt(2 * k)
    adj = np.sqrt(N) * (S / N - k) / np.sqrt(2 * k * (T - k - 1) / (T + 1))
    note = (f"S = {S:.6g}; N = {N}, T = {T}, k = {k}; two-sided normal p-value (as xthst "
            "reports)")
    key = "delta" if not label else f"delta_{label}"
    name = "Pesaran-Yamagata delta" if not label else "Blomquist-Westerlund delta (HAC)"
    return {
        key: TestResult(name, float(delta), float(2 * stats.norm.sf(abs(delta))), None,
                        "normal", null, note),
        f"{key}_adj": TestResult(name + " (adjusted)", float(adj),
                                 float(2 * stats.norm.sf(abs(adj))), None, "normal", null,
                                 note + "; variance 2k(T-k-1)/(T+1)"),
    }


def slope_homogeneity(panel: Panel, formula: str, *, hac: bool = False,
                      bandwidth: int | None = None) -> SlopeHomogeneityResult:
    """Pesaran-Yamagata (2008) delta test of slope homogeneity (Stata's ``xthst``).

    Parameters
    ----------
    panel : Panel
        Balanced in the model's variables.
    formula : str
        ``"y ~ x1 + x2"``: entity intercepts are always partialled out (the
        intercepts may differ; the test is on the slopes).
    hac : bool
        Also compute Blomquist and Westerlund's (2013) HAC-robust version.
    bandwidth : int, optional
        Bartlett bandwidth for ``hac`` (default ``floor(4 (T/100)^(2/9))``).

    Returns
    -------
    SlopeHomogeneityResult
        The adjusted delta (or, with ``hac=True``, the adjusted HAC delta); all
        variants in ``.tests``.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.HeterogeneousSlopesDGP(n_countries=20, n_years=25).simulate(seed=1)
    >>> r = mg.slope_homogeneity(panel, "growth ~ remittances")
    >>> sorted(r.tests)
    ['delta', 'delta_adj']
    """
    d = build_design(panel, formula, what="slope_homogeneity")
    slopes = d.slopes
    if not slopes:
        raise SpecificationError("slope_homogeneity: the formula has no regressor")
    periods, tcode = np.unique(d.time, return_inverse=True)
    n, T, k = d.n_entities, len(periods), len(slopes)
    counts = d.t_counts
    short = int(np.sum(counts < T))
    if short:
        raise DataError(
            f"slope_homogeneity needs a balanced panel (the adjusted statistic uses one T): "
            f"{short} of {n} entities are not observed in all {T} periods of the estimation "
            f"sample (min {counts.min()}). Restrict the panel to a common span first")
    if T <= k + 2:
        raise DataError(f"slope_homogeneity: T = {T} periods must exceed k + 2 = {k + 2}")
    if n < 2:
        raise DataError(f"slope_homogeneity needs at least 2 entities; the sample has {n}")
    Y = stack(d.y, d.entity, tcode, n, T)
    X = stack(d.X[:, slopes], d.entity, tcode, n, T)
    MY = Y - Y.mean(axis=1, keepdims=True)
    MX = X - X.mean(axis=1, keepdims=True)
    mask = np.ones((n, T), dtype=bool)
    fit = unit_ols(MY, MX, mask)
    if not fit.ok.all():
        bad = [d.entities[i] for i in np.flatnonzero(~fit.ok)]
        raise DataError(
            f"slope_homogeneity: {len(bad)} entities have a regressor constant (or "
            f"collinear regressors) within them, so their slopes cannot be estimated: "
            f"{bad[:5]}. Drop those entities or that regressor")
    XMX = np.einsum("ntk,ntl->nkl", MX, MX)
    XMy = np.einsum("ntk,nt->nk", MX, MY)
    b_fe = np.linalg.solve(XMX.sum(axis=0), XMy.sum(axis=0))
    e_fe = MY - MX @ b_fe
    s2 = np.einsum("nt,nt->n", e_fe, e_fe) / (T - 1)
    W = XMX / s2[:, None, None]
    b_wfe = np.linalg.solve(W.sum(axis=0), (XMy / s2[:, None]).sum(axis=0))
    dev = fit.coef - b_wfe
    S = float(np.einsum("nk,nkl,nl->", dev, W, dev))
    tests = _delta_pair(S, n, k, T, "")
    main = "delta_adj"
    if hac:
        bw = int(np.floor(4 * (T / 100) ** (2 / 9))) if bandwidth is None else int(bandwidth)
        if bw < 0 or bw >= T:
            raise SpecificationError(f"bandwidth must be between 0 and T - 1 = {T - 1}; got {bw}")
        Z = MX * fit.resid[:, :, None]
        V = _bartlett_hac(Z, bw)
        Q = XMX / T
        A = T * Q @ np.linalg.solve(V, Q)
        b_h = np.linalg.solve(A.sum(axis=0), np.einsum("nkl,nl->k", A, fit.coef))
        dev_h = fit.coef - b_h
        S_h = float(np.einsum("nk,nkl,nl->", dev_h, A, dev_h))
        hac_tests = _delta_pair(S_h, n, k, T, "hac")
        for t in hac_tests.values():
            object.__setattr__(t, "note", t.note + f"; Bartlett bandwidth {bw}")
        tests.update(hac_tests)
        main = "delta_hac_adj"
    m = tests[main]
    out = SlopeHomogeneityResult(m.name, m.stat, m.pvalue, m.df, m.distribution, m.null,
                                 m.note + "; " + ", ".join(f"{key} = {t.stat:.4f} "
                                                           f"(p = {t.pvalue:.4g})"
                                                           for key, t in tests.items()))
    object.__setattr__(out, "tests", tests)
    return out
