"""Absorbed fixed effects: iterative demeaning without dummy matrices.

:class:`Absorber` removes any number of categorical effects (entity, time,
sector, ``origin^year`` interactions, ...) from the columns of an array by
alternating projections (the method of reghdfe, fixest and pyfixest): one
sweep subtracts the group means of every factor in turn, and sweeps repeat
until nothing moves. Sweeps are accelerated with the Irons-Tuck (1969)
extrapolation that fixest uses. Group sums are ``np.bincount`` calls on
integer codes factorised once, so time and memory are linear in the rows: a
few arrays of the size of the data, never a rows x levels dummy block.

Why not pyfixest's demeaner: it needs numba (a compiler at first call and a
heavy import), and migecon must work without pyfixest; the numpy path here is
as fast for the two- and three-way panels of the benchmark
(``benchmarks/README.md``) and is the only path.

Two factors of which one has few levels (entity and year) are solved
directly instead: the large factor's means are removed and the small one's
effects come from its normal equations (a levels x levels system), which is
exact; a check that every factor's group means are within the tolerance
confirms it (and falls back to sweeps if not).

Convergence (stated, tested): iteration stops when a sweep changes no element
of a column by more than ``tol`` times that column's root mean square
(``tol=1e-12`` by default), and :class:`~migecon.errors.ConvergenceError`
names the tolerance when ``maxiter`` sweeps are not enough. One factor needs
a single exact sweep; a balanced two-way panel converges in two.

Degrees of freedom follow reghdfe: every level of the first factor counts;
the second factor loses one level per connected component of the bipartite
graph linking it to the first (exact for two factors); every further factor
loses one level (conservative: its exact redundancy may be larger).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from migecon.errors import DataError, MigeconError, SpecificationError

if TYPE_CHECKING:
    from migecon.estimate.linear.design import PanelDesign
    from migecon.panel.core import Panel

__all__ = ["DEFAULT_MAXITER", "DEFAULT_TOL", "Absorber", "ConvergenceError", "absorb_factors",
           "absorb_terms", "factor_codes", "interact", "singleton_rows"]

#: A sweep that moves no element by more than this fraction of the column's
#: root mean square ends the iteration.
DEFAULT_TOL = 1e-12
#: Sweeps before :class:`ConvergenceError`.
DEFAULT_MAXITER = 10_000
#: Two factors, one of them with at most this many levels (years, sectors): its effects
#: are solved exactly from their normal equations after the other factor's means are
#: removed, then sweeps check (and if needed refine) the result to the tolerance.
DIRECT_MAX_LEVELS = 1_000
METHODS = ("auto", "iterate")
#: Largest levels x levels table held dense by the direct solve (80 MB); sparse beyond.
DENSE_CELLS = 10_000_000


class ConvergenceError(MigeconError, ArithmeticError):
    """Iterative demeaning did not converge within its iteration limit."""


def factor_codes(values: np.ndarray) -> np.ndarray:
    """Integer codes ``0..G-1`` of ``values`` (sorted order of the levels).

    Examples
    --------
    >>> factor_codes(np.array(["b", "a", "b"])).tolist()
    [1, 0, 1]
    """
    values = np.asarray(values)
    if values.dtype.kind in "iu" and values.size:
        lo = int(values.min())
        span = int(values.max()) - lo + 1
        if span <= 4 * values.size + 1024:  # dense small integers: no sort needed
            present = np.zeros(span, dtype=bool)
            shifted = values - lo
            present[shifted] = True
            lookup = np.cumsum(present) - 1
            return lookup[shifted].astype(np.int64)
    import pandas as pd

    return pd.factorize(pd.Series(values), sort=True)[0].astype(np.int64)


def interact(codes: Sequence[np.ndarray]) -> np.ndarray:
    """Codes of the interaction of several coded factors (``origin^year``).

    Examples
    --------
    >>> interact([np.array([0, 0, 1]), np.array([0, 1, 0])]).tolist()
    [0, 1, 2]
    """
    out = np.asarray(codes[0], dtype=np.int64)
    for c in codes[1:]:
        c = np.asarray(c, dtype=np.int64)
        out = factor_codes(out * (int(c.max()) + 1) + c)
    return factor_codes(out)


def singleton_rows(codes: Sequence[np.ndarray]) -> tuple[np.ndarray, list[int]]:
    """Rows to keep after dropping singleton levels of any factor, iteratively.

    A level observed once is fitted exactly by its own effect; dropping the
    row can make another level a singleton, so the search repeats (reghdfe).

    Returns
    -------
    keep : ndarray of bool
    dropped : list of int
        Rows dropped because of each factor.

    Examples
    --------
    >>> keep, dropped = singleton_rows([np.array([0, 0, 1, 2, 2]),
    ...                                  np.array([0, 1, 0, 0, 1])])
    >>> keep.tolist(), dropped
    ([True, True, False, True, True], [1, 0])
    """
    n = len(codes[0])
    keep = np.ones(n, dtype=bool)
    dropped = [0] * len(codes)
    while True:
        changed = False
        for g, c in enumerate(codes):
            counts = np.bincount(c[keep])
            single = keep.copy()
            single[keep] = counts[c[keep]] == 1
            m = int(single.sum())
            if m:
                keep &= ~single
                dropped[g] += m
                changed = True
        if not changed or not keep.any():
            return keep, dropped


@dataclass
class _Factor:
    name: str
    codes: np.ndarray
    n_levels: int
    inv_weight: np.ndarray  # 1 / (sum of weights) per level


class Absorber:
    """Projection of columns onto the complement of several sets of dummies.

    Parameters
    ----------
    codes : sequence of ndarray
        One integer code array (``0..G-1``, every level present) per factor.
    names : sequence of str
        Factor names for messages.
    weights : ndarray, optional
        Positive row weights (weighted demeaning, as weighted least squares).
    tol : float
        Convergence tolerance (see the module docstring).
    maxiter : int
        Maximum number of sweeps.
    method : {"auto", "iterate"}
        ``"auto"`` solves two factors directly when one has at most
        :data:`DIRECT_MAX_LEVELS` levels (then checks by sweeps); ``"iterate"``
        always uses accelerated alternating projections.

    Examples
    --------
    >>> import numpy as np
    >>> firm = np.array([0, 0, 1, 1, 2, 2])
    >>> year = np.array([0, 1, 0, 1, 0, 1])
    >>> ab = Absorber([firm, year], ["firm", "year"])
    >>> ab.demean(np.array([1.0, 2.0, 3.0, 5.0, 6.0, 7.0])).round(6).tolist()
    [0.166667, -0.166667, -0.333333, 0.333333, 0.166667, -0.166667]
    >>> ab.degrees_of_freedom()
    [3, 1]
    """

    def __init__(self, codes: Sequence[np.ndarray], names: Sequence[str], *,
                 weights: np.ndarray | None = None, tol: float = DEFAULT_TOL,
                 maxiter: int = DEFAULT_MAXITER, method: str = "auto") -> None:
        if method not in METHODS:
            raise SpecificationError(f"method must be one of {METHODS}; got {method!r}")
        self.method = method
        if not codes:
            raise SpecificationError("Absorber needs at least one factor")
        if not (tol > 0 and np.isfinite(tol)):
            raise SpecificationError(f"the demeaning tolerance must be positive; got {tol!r}")
        if int(maxiter) < 1:
            raise SpecificationError(f"maxiter must be at least 1; got {maxiter!r}")
        self.tol, self.maxiter = float(tol), int(maxiter)
        self.weights = None if weights is None else np.asarray(weights, dtype=float)
        if self.weights is not None and not (np.all(np.isfinite(self.weights))
                                             and np.all(self.weights > 0)):
            raise SpecificationError("weights must be positive and finite")
        self.factors: list[_Factor] = []
        for c, name in zip(codes, names, strict=True):
            c = np.asarray(c, dtype=np.intp)
            g = int(c.max()) + 1
            wsum = (np.bincount(c, minlength=g).astype(float) if self.weights is None
                    else np.bincount(c, weights=self.weights, minlength=g))
            if np.any(wsum == 0):
                raise SpecificationError(f"factor {name!r} has unused codes; pass codes 0..G-1")
            self.factors.append(_Factor(str(name), c, g, 1.0 / wsum))
        self.iterations = 0

    @property
    def nobs(self) -> int:
        return int(self.factors[0].codes.shape[0])

    # ------------------------------------------------------------ sweeps
    def _sweep(self, x: np.ndarray) -> np.ndarray:
        """One pass of projections (every factor in turn) on a single column."""
        out = x.copy()
        w = self.weights
        for f in self.factors:
            sums = np.bincount(f.codes, weights=out if w is None else out * w,
                               minlength=f.n_levels)
            out -= (sums * f.inv_weight)[f.codes]
        return out

    def _demean_column(self, x: np.ndarray, name: str, *, started: bool = False) -> np.ndarray:
        """Iterate sweeps from ``x`` (already in ``x + span(dummies)`` when ``started``)."""
        if not started:
            x = self._sweep(x)
        if len(self.factors) == 1:
            return x
        scale = float(np.sqrt(np.mean(x * x)))
        if scale == 0.0:
            return x
        bound = self.tol * scale
        sweeps = 1
        while sweeps < self.maxiter:
            x1 = self._sweep(x)
            sweeps += 1
            if np.max(np.abs(x1 - x)) <= bound:
                self.iterations = max(self.iterations, sweeps)
                return x1
            x2 = self._sweep(x1)
            sweeps += 1
            d1 = x2 - x1
            if np.max(np.abs(d1)) <= bound:
                self.iterations = max(self.iterations, sweeps)
                return x2
            d2 = d1 - (x1 - x)
            denom = float(d2 @ d2)
            # Irons-Tuck: x2 - (d1.d2 / d2.d2) d1, an affine combination of x1
            # and x2, so the result stays in x + span(dummies).
            x = x2 - (float(d1 @ d2) / denom) * d1 if denom > 0 else x2
        raise ConvergenceError(
            f"demeaning {name!r} by the absorbed effects "
            f"({', '.join(f.name for f in self.factors)}) did not converge in "
            f"{self.maxiter} sweeps to the tolerance {self.tol:g} (largest change per sweep "
            "relative to the column's root mean square); the effects are nearly collinear "
            "or weakly connected. Raise absorb_maxiter=, loosen absorb_tol=, or absorb "
            "fewer factors")

    def demean(self, A: np.ndarray, names: Sequence[str] | None = None) -> np.ndarray:
        """Residuals of the columns of ``A`` on all the factors' dummies.

        Parameters
        ----------
        A : ndarray
            ``(n,)`` or ``(n, k)``.
        names : sequence of str, optional
            Column names for the convergence error.

        Returns
        -------
        ndarray of the shape of ``A``
        """
        A = np.asarray(A, dtype=float)
        A2 = A.reshape(A.shape[0], -1)
        direct = self._direct_two_way(A2) if self._use_direct() else None
        out = np.empty(A2.shape, order="F")
        for j in range(A2.shape[1]):
            label = names[j] if names is not None else f"column {j}"
            if direct is not None:  # exact solve, checked; sweeps only if the check fails
                col = direct[:, j]
                out[:, j] = col if self._orthogonal(col) else self._demean_column(
                    col, label, started=True)
            else:
                out[:, j] = self._demean_column(np.ascontiguousarray(A2[:, j]), label)
        return out.reshape(A.shape)

    def _orthogonal(self, x: np.ndarray) -> bool:
        """Every factor's (weighted) group means of ``x`` within the tolerance: a sweep
        would then move no element by more than ``tol`` times the column's RMS."""
        scale = float(np.sqrt(np.mean(x * x)))
        bound = self.tol * scale
        xw = x if self.weights is None else x * self.weights
        return all(float(np.max(np.abs(np.bincount(f.codes, weights=xw, minlength=f.n_levels)
                                       * f.inv_weight))) <= bound for f in self.factors)

    def _use_direct(self) -> bool:
        return (self.method == "auto" and len(self.factors) == 2
                and min(f.n_levels for f in self.factors) <= DIRECT_MAX_LEVELS)

    def _direct_two_way(self, A: np.ndarray) -> np.ndarray:
        """Two factors, one with few levels: partial out the large one by group means and
        solve the small one's normal equations (a levels x levels system) directly."""
        from scipy import sparse

        big, small = sorted(self.factors, key=lambda f: -f.n_levels)
        w = self.weights
        ones = np.ones(big.codes.shape[0]) if w is None else w
        # B[i, t] = weight of big level i in small level t (counts without weights);
        # W = D2'M1D2 = diag(weights of t) - B' diag(1 / weights of i) B.
        if big.n_levels * small.n_levels <= DENSE_CELLS:
            Bd = np.bincount(big.codes * small.n_levels + small.codes, weights=ones,
                             minlength=big.n_levels * small.n_levels
                             ).reshape(big.n_levels, small.n_levels)
            cross = (Bd * big.inv_weight[:, None]).T @ Bd
        else:
            B = sparse.csr_matrix((ones, (big.codes, small.codes)),
                                  shape=(big.n_levels, small.n_levels))
            cross = (B.T @ sparse.diags(big.inv_weight) @ B).toarray()
        W = np.diag(1.0 / small.inv_weight) - cross
        out = np.empty(A.shape, order="F")
        rhs = np.empty((small.n_levels, A.shape[1]))
        for j in range(A.shape[1]):
            x = np.ascontiguousarray(A[:, j])
            xw = x if w is None else x * w
            x = x - (np.bincount(big.codes, weights=xw, minlength=big.n_levels)
                     * big.inv_weight)[big.codes]
            out[:, j] = x
            rhs[:, j] = np.bincount(small.codes, weights=x if w is None else x * w,
                                    minlength=small.n_levels)
        beta = np.linalg.pinv(W, rcond=1e-12, hermitian=True) @ rhs
        for j in range(A.shape[1]):
            fitted = beta[small.codes, j]
            fw = fitted if w is None else fitted * w
            fitted = fitted - (np.bincount(big.codes, weights=fw, minlength=big.n_levels)
                               * big.inv_weight)[big.codes]
            out[:, j] -= fitted
        return out

    # ---------------------------------------------------- degrees of freedom
    def degrees_of_freedom(self) -> list[int]:
        """Absorbed degrees of freedom per factor, as reghdfe counts them.

        The first factor counts all its levels, the second its levels minus
        the connected components it forms with the first (exact), later ones
        their levels minus one (conservative). Subtract one more for a
        reported constant.
        """
        out = []
        for g, f in enumerate(self.factors):
            if g == 0:
                out.append(f.n_levels)
            elif g == 1:
                out.append(f.n_levels - self.components(0, 1))
            else:
                out.append(f.n_levels - 1)
        return out

    def components(self, a: int, b: int) -> int:
        """Connected components of the bipartite graph of factors ``a`` and ``b``."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        fa, fb = self.factors[a], self.factors[b]
        # One edge per row (repeated edges are harmless): O(n), no sort of the pairs.
        size = fa.n_levels + fb.n_levels
        graph = coo_matrix((np.ones(fa.codes.shape[0], dtype=np.int8),
                            (fa.codes, fb.codes + fa.n_levels)), shape=(size, size)).tocsr()
        return int(connected_components(graph, directed=False)[0])


# ------------------------------------------------------- mg.fit(absorb=...)
def absorb_terms(absorb: str | list[str] | tuple[str, ...] | None, panel: Panel, base: str,
                  effects: str) -> list[tuple[str, ...]]:
    """The ``absorb=`` factors as tuples of variable names (``"a^b"`` -> ("a", "b"))."""
    if absorb is None:
        return []
    items = [absorb] if isinstance(absorb, str) else list(absorb)
    if base != "fe":
        raise SpecificationError(
            f"absorb= is available with estimator='fe' or 'iv' (fixed effects); got "
            f"estimator={base!r}")
    known = {panel.entity_name, panel.time_name, *map(str, panel.data.columns)}
    terms: list[tuple[str, ...]] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise SpecificationError(
                f"absorb= takes variable names or interactions such as 'origin^year'; "
                f"got {item!r}")
        parts = tuple(p.strip() for p in item.split("^"))
        unknown = [p for p in parts if p not in known]
        if unknown or len(set(parts)) != len(parts):
            raise SpecificationError(
                f"absorb term {item!r}: {unknown or 'a repeated name'} is not a variable of "
                f"the panel (variables: {', '.join(sorted(map(str, panel.data.columns)))}; "
                f"index: {panel.entity_name}, {panel.time_name})")
        implied = {("entity", (panel.entity_name,)), ("time", (panel.time_name,))}
        if parts in terms or any(parts == t and effects in (e, "twoway") for e, t in implied):
            raise SpecificationError(
                f"absorb term {item!r} is given twice (effects={effects!r} already removes "
                "the entity and/or time effects)")
        terms.append(parts)
    return terms


def absorb_factors(d: PanelDesign, terms: list[tuple[str, ...]], panel: Panel,
                    entity_fx: bool, time_fx: bool, label: str, time_label: str,
                    drop_singletons: bool) -> tuple[PanelDesign, list[tuple[str, np.ndarray]]]:
    """Codes of every absorbed factor (entity, time, then ``absorb``), singletons dropped."""

    def build(dd: PanelDesign) -> list[tuple[str, np.ndarray]]:
        def one(v: str) -> np.ndarray:
            if v == panel.entity_name:
                return dd.entity
            if v == panel.time_name:
                return dd.time
            return factor_codes(dd.groups[v])

        out = [(label, dd.entity)] if entity_fx else []
        out += [(time_label, dd.time)] if time_fx else []
        return out + [("^".join(t), interact([one(v) for v in t])) for t in terms]

    factors = build(d)
    if drop_singletons:
        keep, counts = singleton_rows([c for _, c in factors])
        if not keep.any():
            raise DataError(
                "every row is a singleton of some absorbed factor "
                f"({', '.join(n for n, _ in factors)}); nothing is left to estimate")
        if not keep.all():
            dropped = dict(d.dropped)
            d = d.subset(keep)
            for (name, _), m in zip(factors, counts, strict=True):
                if m:
                    dropped[f"singleton {name} (one observation)"] = m
            d.dropped = dropped
            factors = build(d)
    for name, codes in factors[int(entity_fx) + int(time_fx):]:
        if int(codes.max()) == 0:
            raise SpecificationError(
                f"absorbed factor {name!r} has a single level in the estimation sample "
                f"({d.nobs} rows), so its effect is the constant; remove it from absorb=")
    return d, factors
