"""The numerical core of difference and system GMM, computed as xtabond2 computes it.

Notation (per unit ``i``): ``Z_i`` instruments, ``X_i`` regressors, ``y_i``
the dependent variable, all on the stacked rows of the transformed (and, in
system GMM, levels) equation; ``H`` the first-step weighting matrix.

* One step: ``A1 = (Σ Z_i'H Z_i)^-1``, ``b1 = (X'Z A1 Z'X)^-1 X'Z A1 Z'y``,
  ``V1 = σ² (X'Z A1 Z'X)^-1`` with ``σ²`` from the transformed residuals.
* Two step: ``A2 = (Σ Z_i'e1_i e1_i'Z_i)^-1``, ``b2`` likewise, conventional
  ``V2 = (X'Z A2 Z'X)^-1`` or the Windmeijer (2005) correction.
* Sargan (always from the one-step residuals), Hansen J (two-step residuals
  and weights, reported after robust one-step too), difference-in-Hansen per
  instrument group (re-estimation with the group's rows and columns removed
  from the same weighting matrix), Arellano-Bond AR(m) tests.

Every sum over units is a sparse or blocked matrix product: nothing of size
(units x units) or (rows x instruments) is ever made dense.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, special

from migecon.errors import RankDeficiencyError, SpecificationError
from migecon.estimate.gmm.data import Design
from migecon.estimate.gmm.instruments import InstrumentMatrix, Instruments
from migecon.estimate.gmm.linalg import GInverse

__all__ = ["EngineResult", "H_matrix", "estimate", "transform_matrix", "weight_factor"]

#: Relative pivot below which an instrument (a column of the moment covariance) is
#: taken as a linear combination of earlier ones (see linalg.DEFAULT_TOL).
INSTRUMENT_TOL = 1e-10


def transform_matrix(orthogonal: bool, T: int) -> np.ndarray:
    """The ``T x T`` matrix mapping levels to the transformed equation's rows.

    First differences: row ``t`` is ``x_t - x_{t-1}``. Forward orthogonal
    deviations: row ``t`` is the deviation of ``x_{t-1}`` from the mean of the
    later periods, scaled (xtabond2 stores it one period late). Row 0 is zero.
    """
    A = np.zeros((T, T))
    for c in range(1, T):
        if orthogonal:
            n = T - c
            s = math.sqrt(n / (n + 1.0))
            A[c, c - 1] = s
            A[c, c:] = -s / n
        else:
            A[c, c] = 1.0
            A[c, c - 1] = -1.0
    return A


def H_matrix(h: int, left_orth: bool, right_orth: bool, system: bool, T: int) -> np.ndarray:
    """xtabond2's first-step weighting matrix ``H`` (its ``_H()``).

    ``h=1``: identity. ``h=2``: the covariance of the transformed errors under
    i.i.d. errors, identity for the levels rows, no cross terms. ``h=3``
    (default): the full covariance of the stacked (transformed, levels) errors
    under i.i.d. errors ignoring the fixed effect.
    """
    eye = np.eye(T)
    Al = eye if h == 1 else transform_matrix(left_orth, T)
    Ar = eye if h == 1 else transform_matrix(right_orth, T)
    if h == 3 or not system:
        if system:
            Al = np.hstack([Al.T, eye]).T
            Ar = np.hstack([Ar.T, eye]).T
        H = Al @ Ar.T
    else:
        H = linalg.block_diag(Al @ Ar.T, eye)
    H[np.abs(H) < 1e-12] = 0.0  # FOD rows are orthonormal up to rounding
    return H


def weight_factor(h: int, orthogonal: bool, system: bool, T: int) -> np.ndarray:
    """A matrix ``M`` with ``M M' = H`` for the estimation's ``H`` (same transform on
    both sides), so that ``Σ Z_i'HZ_i = Σ (M'Z_i)'(M'Z_i)``."""
    if h == 1:
        return np.eye(2 * T if system else T)
    A = transform_matrix(orthogonal, T)
    if not system:
        return A
    if h == 3:
        return np.vstack([A, np.eye(T)])
    return linalg.block_diag(A, np.eye(T))


@dataclass
class EngineResult:
    """Numbers of one GMM estimation (see :func:`estimate`)."""

    b: np.ndarray
    V: np.ndarray                 # reported covariance (small-sample factor applied)
    sig2: float                   # reported sigma^2 of the transformed errors
    nobs: int
    n_groups: int
    obs_per_group: tuple[int, float, int]
    n_instruments: int
    sargan: tuple[float, int, float]
    hansen: tuple[float, int, float] | None
    diff_tests: list[tuple[str, float, int, float, float, int, float]]
    ar: list[tuple[int, float, float]]
    wald: tuple[float, int, int | None, float]
    df_resid: int | None
    resid: np.ndarray             # (N, R) residuals of the reported step
    warnings: list[str] = field(default_factory=list)
    singular_weights: bool = False


def _inv_regressors(M: np.ndarray, what: str, names: list[str]) -> np.ndarray:
    g = GInverse(M, 1e-13)
    if g.singular:
        lost = [names[i] for i in range(M.shape[0]) if i not in set(g.kept.tolist())]
        raise RankDeficiencyError(
            f"{what}: the instruments do not identify the coefficient(s) of "
            f"{', '.join(lost)}; add instruments for them or drop them from the model")
    return g.inverse()


def _sigma2(e: np.ndarray, design: Design, wttot: int) -> float:
    spec = design.spec
    T = design.T
    if spec.system:
        part = e[:, T:] if spec.h == 1 else e[:, :T]
    else:
        part = e
    divisor = 1.0 if (spec.orthogonal or spec.h == 1) else 2.0
    return float((part * part).sum() / divisor / wttot)


def _chi2_sf(stat: float, df: float) -> float:
    if df <= 0 or not np.isfinite(stat):
        return float("nan")
    return float(special.chdtrc(df, stat))  # chi2 survival function, without scipy.stats' overhead


#: Per-unit cross products ``Z_i'[X_i y_i]`` are kept when they need at most this many
#: numbers (160 MB); they turn every later sum over units into one BLAS call.
MAX_UNIT_CROSS = 20_000_000


class _Moments:
    """Products of the instruments with the data, kept per unit when memory allows."""

    def __init__(self, Z: InstrumentMatrix, X: np.ndarray, y: np.ndarray) -> None:
        N, _, k = X.shape
        self.Z, self.X, self.k = Z, X, k
        XY = np.concatenate([X, y[:, :, None]], axis=2)
        self.U: np.ndarray | None = None  # (instruments, units, k + 1)
        if N * Z.n_cols * (k + 1) <= MAX_UNIT_CROSS:
            self.U = Z.unit_cross(XY)
            ZXY = self.U.sum(axis=1)
        else:
            ZXY = Z.cross(XY)
        self.ZX = ZXY[:, :k]
        self.Zy = ZXY[:, k]

    def Ze(self, b: np.ndarray) -> np.ndarray:
        """``Z'e`` for ``e = y - X b``."""
        return self.Zy - self.ZX @ b

    def unit_moments(self, b: np.ndarray, e: np.ndarray) -> np.ndarray:
        """``G[i] = Z_i'e_i`` (units x instruments)."""
        if self.U is not None:
            return np.ascontiguousarray((self.U[:, :, self.k] - self.U[:, :, :self.k] @ b).T)
        return self.Z.group_sums(e)

    def weighted_ZX(self, c: np.ndarray) -> np.ndarray:
        """``Σ_i c_i Z_i'X_i``."""
        if self.U is not None:
            return np.einsum("n,jnk->jk", c, self.U[:, :, :self.k])
        return self.Z.cross(c[:, None, None] * self.X)

    def XZw(self, w: np.ndarray) -> np.ndarray:
        """``X_i'Z_i w`` for every unit (units x regressors)."""
        if self.U is not None:
            return np.einsum("jnk,j->nk", self.U[:, :, :self.k], w)
        return np.einsum("nr,nrk->nk", self.Z.times(w), self.X)


def estimate(design: Design, inst: Instruments) -> EngineResult:
    """Run one- or two-step difference/system GMM and its specification tests."""
    spec = design.spec
    T = design.T
    X, y = design.X, design.y
    k = X.shape[2]
    names = design.names
    warnings_out: list[str] = []
    Z = inst.Z
    S1 = Z.weighted_gram(weight_factor(spec.h, spec.orthogonal, spec.system, T))
    g1 = GInverse(S1, INSTRUMENT_TOL, spec.ginv)
    j0 = g1.rank
    if j0 < k:
        raise SpecificationError(
            f"equation not identified: {j0} independent instruments for {k} regressors "
            f"({', '.join(names)}); add instruments (gmm()/iv()) or remove regressors")
    mom = _Moments(Z, X, y)
    ZX, Zy = mom.ZX, mom.Zy
    XZA1 = g1.solve(ZX).T
    V1u = _inv_regressors(XZA1 @ ZX, "one-step GMM", names)
    b1 = V1u @ (XZA1 @ Zy)
    e1 = y - X @ b1
    last = design.touse[:, T:] if spec.system else design.touse
    per_group = last.sum(axis=1)
    nobs = int(per_group.sum())
    n_groups = int((per_group > 0).sum())
    n_trans = int(design.touse[:, :T].sum())
    wttot = n_trans if (spec.system and spec.h > 1) else nobs
    sig2 = sig2_one = _sigma2(e1, design, wttot)
    V1 = sig2 * V1u
    Ze1 = mom.Ze(b1)
    sargan_stat = g1.quad(Ze1) / sig2
    df_over = j0 - k
    sargan = (sargan_stat, df_over, _chi2_sf(sargan_stat, df_over))
    if j0 > n_groups:
        warnings_out.append(
            f"{j0} instruments for {n_groups} groups: instruments outnumber groups, which "
            "weakens the Hansen test and biases the estimates towards OLS/within; "
            "consider collapse or lag limits")
    onestep_nonrobust = spec.steps == 1 and not spec.robust
    hansen = None
    singular = False
    V1r = V2u = V2r = None
    G1 = S2 = None
    b2 = e2 = XZA2 = None
    if not onestep_nonrobust:
        G1 = mom.unit_moments(b1, e1)
        S2 = G1.T @ G1
        VXZA1 = V1u @ XZA1
        V1r = VXZA1 @ S2 @ VXZA1.T
        g2 = GInverse(S2, INSTRUMENT_TOL, spec.ginv)
        if g2.rank < j0:
            singular = True
            warnings_out.append(
                f"two-step estimated covariance matrix of moments is singular (rank "
                f"{g2.rank} < {j0} instruments): a generalized inverse ({spec.ginv}) is used "
                "for the optimal weighting matrix; difference-in-Hansen statistics may be "
                "negative")
        XZA2 = g2.solve(ZX).T
        V2u = _inv_regressors(XZA2 @ ZX, "two-step GMM", names)
        b2 = V2u @ (XZA2 @ Zy)
        e2 = y - X @ b2
        if spec.steps == 2:
            sig2 = _sigma2(e2, design, wttot)
        Ze2 = mom.Ze(b2)
        w = g2.solve(Ze2)
        hstat = float(Ze2 @ w)
        hansen = (hstat, df_over, _chi2_sf(hstat, df_over))
        if spec.steps == 2 and spec.robust:
            # Windmeijer (2005): column j of Dsum is Σ_i Z_i'(x_ij e1_i' + e1_i x_ij')Z_i A2 Z'e2
            D = V2u @ XZA2 @ (mom.weighted_ZX(G1 @ w) + G1.T @ mom.XZw(w))
            V2r = V2u + D @ V1r @ D.T + D @ V2u + V2u @ D.T
    # m2VZXA: -2 (X'ZAZ'X)^-1 X'ZA of the reported step, for the AR tests
    if spec.steps == 1:
        b, e = b1, e1
        pV = V1r if spec.robust else V1
        m2VZXA = -2.0 * V1u @ XZA1
    else:
        assert b2 is not None and e2 is not None and V2u is not None and XZA2 is not None
        b, e = b2, e2
        pV = V2r if spec.robust else V2u
        m2VZXA = -2.0 * V2u @ XZA2
    assert pV is not None
    V = (pV + pV.T) / 2.0
    df_resid = None
    sig2_rep = sig2
    if spec.small:
        f = wttot / (wttot - k)
        if onestep_nonrobust:
            V = V * f
        else:
            V = V * (nobs - 1) / (nobs - k) * n_groups / (n_groups - 1)
        sig2_rep = sig2 * f
    # joint test of every coefficient but the constant; degrees of freedom from the rank
    # of the regressors in the levels (system) or transformed (difference) equation
    X_fit = X[:, T:, :] if spec.system else X
    df_m = int(np.linalg.matrix_rank(X_fit.reshape(-1, k))) - int(design.has_constant)
    slopes = slice(0, k - 1) if design.has_constant else slice(0, k)
    wald_stat = GInverse(V[slopes, slopes], 1e-13).quad(b[slopes])
    if spec.small:
        df_resid = (nobs - df_m if onestep_nonrobust else n_groups) - int(design.has_constant)
        fstat = wald_stat / df_m if df_m > 0 else float("nan")
        wald: tuple[float, int, int | None, float] = (fstat, df_m, df_resid,
                float(special.fdtrc(df_m, df_resid, fstat)) if df_m > 0 else float("nan"))
    else:
        wald = (wald_stat, df_m, None, _chi2_sf(wald_stat, df_m))
    diff_tests = []
    if spec.diffsargan:
        # the weighting of the Sargan (one-step non-robust) or Hansen statistic
        S_base = S1 * sig2_one if S2 is None else S2
        diff_tests = _difference_tests(inst, g1, S_base, ZX, Zy, k,
                                       hansen[0] if hansen else sargan_stat, df_over, j0,
                                       spec.ginv)
    G_step = None
    if not onestep_nonrobust:
        G_step = G1 if spec.steps == 1 else mom.unit_moments(b, e)
    ar = _ar_tests(design, Z, e, b, pV, m2VZXA, G_step, sig2_rep, onestep_nonrobust)
    return EngineResult(
        b=b, V=V, sig2=sig2_rep, nobs=nobs, n_groups=n_groups,
        obs_per_group=(int(per_group.min()), nobs / max(n_groups, 1), int(per_group.max())),
        n_instruments=j0, sargan=sargan, hansen=hansen,
        diff_tests=diff_tests, ar=ar, wald=wald, df_resid=df_resid,
        resid=e, warnings=warnings_out, singular_weights=singular)


def _difference_tests(inst: Instruments, g1: GInverse, S: np.ndarray, ZX: np.ndarray,
                      Zy: np.ndarray, k: int, full_stat: float, df_over: int, j0: int,
                      ginv: str = "invsym"
                      ) -> list[tuple[str, float, int, float, float, int, float]]:
    """Difference-in-Sargan/Hansen for each instrument group (Hayashi's C statistic).

    The model is re-estimated without the group's instruments, weighting with
    the corresponding block of the full moment covariance (so the difference
    is non-negative when that covariance is non-singular); the excluding-group
    statistic and its difference from the full one are reported, with
    xtabond2's degrees of freedom (instruments counted after collinear ones
    are dropped).
    """
    independent = np.zeros(S.shape[0], dtype=bool)
    independent[g1.kept] = True
    out = []
    for g in inst.groups:
        mask = np.ones(S.shape[0], dtype=bool)
        mask[g.columns] = False
        p = np.flatnonzero(mask)
        n_other = int(independent[p].sum())
        if not (k <= n_other < j0):
            continue
        gp = GInverse(S[np.ix_(p, p)], INSTRUMENT_TOL, ginv)
        XZA = gp.solve(ZX[p]).T
        try:
            Vr = _inv_regressors(XZA @ ZX[p], "difference-in-Hansen",
                                 [str(i) for i in range(k)])
        except RankDeficiencyError:
            continue  # removing the group leaves a coefficient unidentified: no test
        br = Vr @ (XZA @ Zy[p])
        Zer = Zy[p] - ZX[p] @ br
        excl = gp.quad(Zer)
        df_g = j0 - n_other
        df_excl = df_over - df_g
        diff = full_stat - excl
        out.append((g.label, excl, df_excl, _chi2_sf(excl, df_excl), diff, df_g,
                    _chi2_sf(diff, df_g)))
    return out


def _lag_units(a: np.ndarray, m: int) -> np.ndarray:
    out = np.zeros_like(a)
    if m < a.shape[1]:
        out[:, m:] = a[:, :-m]
    return out


def _ar_tests(design: Design, Z: InstrumentMatrix, e: np.ndarray, b: np.ndarray,
              pV: np.ndarray, m2VZXA: np.ndarray, G: np.ndarray | None, sig2: float,
              onestep_nonrobust: bool) -> list[tuple[int, float, float]]:
    """Arellano-Bond tests for AR(1)..AR(m) in the first-differenced residuals.

    ``z = Σ_i w_i'e_i / sqrt(Σ_i (w_i'e_i)² - 2 w'X (X'ZAZ'X)^-1 X'ZA Σ_i Z_i'e_i e_i'w_i
    + w'X V X'w)`` with ``w`` the residuals lagged ``m`` periods (Arellano and Bond
    1991, eq. 8); after one-step non-robust estimation ``e_i e_i'`` is replaced by
    ``σ² H``, as in xtabond2.
    """
    spec = design.spec
    N, T = design.n_units, design.T
    k = design.X.shape[2]
    if spec.orthogonal:
        # residuals in first differences, from the levels data (xtabond2's choice)
        resid_lev = design.y0 - np.einsum("ntk,k->nt", design.X0, b)
        w = np.nan_to_num(resid_lev - np.concatenate(
            [np.full((N, 1), np.nan), resid_lev[:, :-1]], axis=1), nan=0.0)
        dX = design.X0 - np.concatenate([np.full((N, 1, k), np.nan), design.X0[:, :-1]], axis=1)
        pX = np.nan_to_num(dX, nan=0.0)
    else:
        w = e[:, :T]
        pX = design.X[:, :T, :]
    touse2 = design.touse[:, :T]
    out = []
    if onestep_nonrobust:
        H_ar = H_matrix(spec.h, False, False, False, T) * sig2
        psit = H_matrix(spec.h, False, spec.orthogonal, False, T) * sig2
        if spec.system:
            psit = np.hstack([psit, np.zeros((T, T))])
    for m in range(1, spec.artests + 1):
        wl = _lag_units(w, m)
        s = (w * wl).sum(axis=1)
        if not np.any(s):
            out.append((m, float("nan"), float("nan")))
            continue
        if onestep_nonrobust:
            wli = wl * touse2
            wHw = float(((wli @ H_ar) * wli).sum())
            ZHw = Z.cross(wli @ psit)  # H-weighted lagged residuals on every row of a unit
        else:
            assert G is not None
            wHw = float(s @ s)
            ZHw = G.T @ s
        tmp = np.einsum("ntk,nt->k", pX, wl)
        var = wHw + tmp @ (m2VZXA @ ZHw + pV @ tmp)
        z = float(s.sum() / math.sqrt(var)) if var > 0 else float("nan")
        out.append((m, z, float(2 * special.ndtr(-abs(z))) if np.isfinite(z) else float("nan")))
    return out
