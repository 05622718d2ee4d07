"""Linear algebra for GMM: Stata's ``invsym`` generalized inverse, kept as a Cholesky factor.

xtabond2 inverts every symmetric matrix with Stata's ``invsym``, which sweeps
the columns in order and zeroes the rows and columns of those that are linear
combinations of earlier ones. Which columns are dropped matters when a
weighting matrix is singular (the result depends on the generalized inverse),
so :class:`GInverse` reproduces that rule: it keeps a column when its variance
unexplained by the columns kept before it is above a relative tolerance, and
stores the Cholesky factor of the kept block so that products ``A^- B`` are
triangular solves rather than explicit inverses.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import linalg

__all__ = ["GINV_METHODS", "GInverse"]

#: Relative pivot below which a column counts as a linear combination of earlier ones.
#: Exact collinearity (a full set of time dummies, instruments that coincide in the
#: sample) leaves pivots of order 1e-15; real variables are many orders above.
DEFAULT_TOL = 1e-10
#: Singular values below this fraction of the largest are zero in the Moore-Penrose inverse.
PINV_RCOND = 1e-12
GINV_METHODS = ("invsym", "pinv")


class GInverse:
    """Generalized inverse of a symmetric p.s.d. matrix, dropping dependent columns in order.

    Parameters
    ----------
    A : ndarray
        Symmetric positive semi-definite ``(n, n)`` matrix.
    tol : float
        Relative pivot tolerance (see :data:`DEFAULT_TOL`).
    method : {"invsym", "pinv"}
        ``"invsym"`` (Stata's rule, xtabond2) or ``"pinv"``: the Moore-Penrose
        inverse (what pydynpd and numpy users get); ``kept`` and ``rank`` still
        follow the sweep, so instrument counts do not change.

    Attributes
    ----------
    kept : ndarray of int
        Columns kept (the others get zero rows and columns in the inverse).
    rank : int

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[2.0, 2.0, 0.0], [2.0, 2.0, 0.0], [0.0, 0.0, 4.0]])
    >>> g = GInverse(A)
    >>> g.kept.tolist(), g.inverse().round(3).tolist()
    ([0, 2], [[0.5, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.25]])
    """

    def __init__(self, A: np.ndarray, tol: float = DEFAULT_TOL, method: str = "invsym") -> None:
        if method not in GINV_METHODS:
            raise ValueError(f"method must be one of {GINV_METHODS}; got {method!r}")
        A = np.asarray(A, dtype=float)
        self.n = A.shape[0]
        diag = np.diag(A).copy()
        ok = np.isfinite(diag) & (diag > 0)
        idx = np.flatnonzero(ok)
        scale = np.sqrt(diag[idx])
        C = A[np.ix_(idx, idx)] / np.outer(scale, scale)
        L = None
        if idx.size:
            try:
                L = linalg.cholesky(C, lower=True, check_finite=False)
                if np.min(np.diag(L)) ** 2 <= tol:
                    L = None
            except linalg.LinAlgError:
                L = None
        if L is not None or idx.size == 0:
            keep_local = np.arange(idx.size)
        else:
            keep_local, L = _sequential(C, tol)
        self.kept = idx[keep_local]
        self._scale = scale[keep_local]
        self._L = L if L is not None else np.zeros((0, 0))
        self._pinv: np.ndarray | None = None
        if method == "pinv" and self.singular:
            self._pinv = np.linalg.pinv(A, rcond=PINV_RCOND, hermitian=True)

    @property
    def rank(self) -> int:
        return int(self.kept.size)

    @property
    def singular(self) -> bool:
        """True when some column had to be dropped (or was zero)."""
        return self.rank < self.n

    def solve(self, B: np.ndarray) -> np.ndarray:
        """``A^- B`` (rows of dropped columns are zero)."""
        B = np.asarray(B, dtype=float)
        if self._pinv is not None:
            return np.asarray(self._pinv @ B)
        out = np.zeros_like(B, dtype=float)
        if self.rank == 0:
            return out
        s = self._scale if B.ndim == 1 else self._scale[:, None]
        sub = B[self.kept] / s
        sol = linalg.cho_solve((self._L, True), sub, check_finite=False)
        out[self.kept] = sol / s
        return out

    def inverse(self) -> np.ndarray:
        """The full ``(n, n)`` generalized inverse."""
        return self.solve(np.eye(self.n))

    def quad(self, v: np.ndarray) -> float:
        """``v' A^- v``."""
        return float(v @ self.solve(v))


#: Columns per block of :func:`_sequential` (BLAS-3 panel solves and trailing updates;
#: the per-column rule runs on block-sized matrices only).
BLOCK = 256


def _sequential(C: np.ndarray, tol: float, block: int = BLOCK) -> tuple[np.ndarray, np.ndarray]:
    """Keep columns in order while each adds variance above ``tol`` (a sweep), blocked.

    Column ``c`` is kept when its variance unexplained by the columns kept before it
    (the diagonal of the Schur complement given those columns) exceeds ``tol``: Stata's
    ``invsym`` rule. A right-looking blocked Cholesky factorisation: each block of
    columns applies the rule to its Schur complement, then one triangular solve with
    many right-hand sides gives the block's column panel of the factor and one matrix
    product updates the trailing Schur complement.
    """
    n = C.shape[0]
    A = np.array(C, dtype=float, order="C")
    kept: list[int] = []
    Lfull = np.zeros((n, n))
    m = 0
    for start in range(0, n, block):
        end = min(start + block, n)
        local, Lb = _sequential_small(A[start:end, start:end], tol)
        j = len(local)
        if not j:
            continue
        idx = start + np.asarray(local)
        Lfull[idx, m:m + j] = Lb
        if end < n:
            P = linalg.solve_triangular(Lb, A[idx, end:], lower=True, check_finite=False).T
            Lfull[end:, m:m + j] = P
            A[end:, end:] -= P @ P.T
        kept.extend(int(i) for i in idx)
        m += j
    rows = np.asarray(kept, dtype=np.int64)
    return rows, Lfull[np.ix_(rows, np.arange(m))]


def _sequential_small(S: np.ndarray, tol: float) -> tuple[list[int], np.ndarray]:
    """The sweep rule on one block: a right-looking Cholesky that skips dependent columns."""
    S = S.copy()
    b = S.shape[0]
    kept: list[int] = []
    L = np.zeros((b, b))
    for c in range(b):
        resid = S[c, c]
        if resid > tol:
            col = S[c:, c] / math.sqrt(resid)
            L[c:, len(kept)] = col
            S[c + 1:, c + 1:] -= np.outer(col[1:], col[1:])
            kept.append(c)
    order = np.asarray(kept, dtype=np.intp)
    return kept, L[np.ix_(order, np.arange(order.size))]
