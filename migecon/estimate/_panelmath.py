"""Small linear-algebra helpers shared by the panel diagnostics.

The specification tests need residuals and transformed data that the common
:class:`~migecon.estimate.results.Result` does not keep (it stores estimates,
not data), so they rebuild the design from the panel and the formula with
:func:`migecon.estimate.formula.design` and work on plain arrays here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from migecon.errors import DataError, DroppedDataWarning, RankDeficiencyError, SpecificationError
from migecon.estimate.formula import design, parse_formula
from migecon.panel.timeindex import ordinals

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["PanelDesign", "build_design", "cluster_cov", "drop_absorbed", "fe_residuals",
           "group_means", "ols", "within"]


@dataclass(frozen=True)
class PanelDesign:
    """y, X and the panel structure of the estimation sample (sorted by entity, time)."""

    y: np.ndarray
    X: np.ndarray          # includes a "const" column first when there is one
    names: tuple[str, ...]
    entity: np.ndarray     # integer codes 0..n-1
    time: np.ndarray       # calendar years (int)
    entities: tuple[str, ...]
    index: pd.MultiIndex
    dropped: dict[str, int]

    @property
    def nobs(self) -> int:
        return len(self.y)

    @property
    def n_entities(self) -> int:
        return len(self.entities)

    @property
    def slopes(self) -> list[int]:
        """Column positions of the regressors other than the constant."""
        return [j for j, n in enumerate(self.names) if n != "const"]

    @property
    def t_counts(self) -> np.ndarray:
        """Observations per entity."""
        return np.bincount(self.entity, minlength=self.n_entities)

    @property
    def is_balanced(self) -> bool:
        counts = self.t_counts
        return bool(counts.min() == counts.max() == len(np.unique(self.time)))


def build_design(panel: Panel, formula: str, *, constant: bool = True,
                 what: str = "this test") -> PanelDesign:
    """Parse ``formula`` and build the design on the complete-case sample.

    Rows lost to missing values are reported with a :class:`DroppedDataWarning`
    (counts per variable), as :func:`migecon.fit` does.
    """
    parsed = parse_formula(formula)
    if parsed.is_iv:
        raise SpecificationError(
            f"{what} is defined for a model without instruments; remove the IV part "
            f"[{parsed.endog} ~ {parsed.instruments}] from the formula")
    y, X, _, _, dropped = design(parsed, panel.data, constant=constant)
    if dropped:
        warnings.warn(
            f"{what}: {sum(dropped.values())} row(s) dropped for missing values ("
            + ", ".join(f"{k}: {v}" for k, v in dropped.items()) + ")",
            DroppedDataWarning, stacklevel=3)
    index = y.index
    if not isinstance(index, pd.MultiIndex):  # pragma: no cover - design keeps the panel index
        raise DataError("the design lost its (entity, time) index")
    codes, uniques = pd.factorize(index.get_level_values(0), sort=True)
    if X.shape[1] and np.linalg.matrix_rank(X.to_numpy(dtype=float)) < X.shape[1]:
        raise RankDeficiencyError(
            f"{what}: the regressors {list(X.columns)} are perfectly collinear; drop one")
    return PanelDesign(
        y=y.to_numpy(dtype=float), X=X.to_numpy(dtype=float), names=tuple(map(str, X.columns)),
        entity=np.asarray(codes), time=ordinals(index.get_level_values(1)),
        entities=tuple(map(str, uniques)), index=index, dropped=dict(dropped))


def group_means(a: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Mean of ``a`` (1-D or 2-D by rows) within each group, broadcast back to rows."""
    counts = np.bincount(groups).astype(float)
    if a.ndim == 1:
        return (np.bincount(groups, weights=a) / counts)[groups]
    out = np.empty_like(a, dtype=float)
    for j in range(a.shape[1]):
        out[:, j] = (np.bincount(groups, weights=a[:, j]) / counts)[groups]
    return out


def within(a: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Deviations from group means (the within transformation)."""
    return a - group_means(a, groups)


def drop_absorbed(raw: np.ndarray, transformed: np.ndarray, names: list[str]
                  ) -> tuple[np.ndarray, list[str]]:
    """Drop transformed columns with no variation left (absorbed by the effects).

    Returns the kept columns and the names of those dropped, which the tests
    report in their note, as Stata's ``xtreg, fe`` omits them with a message.
    """
    if transformed.shape[1] == 0:
        return transformed, []
    scale = np.maximum(np.abs(raw).max(axis=0), 1.0)
    keep = np.abs(transformed).max(axis=0) > 1e-9 * scale
    return transformed[:, keep], [n for n, k in zip(names, keep, strict=True) if not k]


def ols(y: np.ndarray, X: np.ndarray, *, what: str = "regression"
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OLS coefficients, residuals and ``(X'X)^{-1}``; raises on a singular design."""
    xtx = X.T @ X
    if X.shape[1] and np.linalg.matrix_rank(xtx) < X.shape[1]:
        raise RankDeficiencyError(
            f"{what}: the regressors are collinear after the transformation this test needs "
            "(a regressor may not vary within entities or over time); drop it")
    bread = np.linalg.inv(xtx) if X.shape[1] else np.zeros((0, 0))
    beta = bread @ (X.T @ y) if X.shape[1] else np.zeros(0)
    return beta, y - X @ beta, bread


def cluster_cov(X: np.ndarray, resid: np.ndarray, groups: np.ndarray, bread: np.ndarray,
                *, small_sample: str = "none") -> np.ndarray:
    """Cluster-robust sandwich covariance.

    ``small_sample="stata"`` multiplies by ``G/(G-1) (N-1)/(N-K)`` as Stata's
    ``regress, vce(cluster)`` does; ``"none"`` is the plain HC0 sandwich (plm's
    ``vcovHC(method = "arellano")``).
    """
    scores = X * resid[:, None]
    sums = np.zeros((int(groups.max()) + 1, X.shape[1]))
    np.add.at(sums, groups, scores)
    meat = sums.T @ sums
    cov = bread @ meat @ bread
    if small_sample == "stata":
        n, k = X.shape
        g = len(np.unique(groups))
        cov = cov * (g / (g - 1)) * ((n - 1) / (n - k))
    return cov


def wald(beta: np.ndarray, cov: np.ndarray) -> float:
    """Quadratic form ``b' V^{-1} b`` (generalised inverse when V is singular)."""
    return float(beta @ np.linalg.pinv(cov) @ beta)


def fe_residuals(d: PanelDesign, effects: str = "entity", *, what: str = "within regression"
                 ) -> tuple[np.ndarray, list[str]]:
    """Residuals of the one-way (entity or time) or two-way within regression.

    Regressors the effects absorb are left out and their names returned. The
    two-way residuals partial the entity-demeaned year dummies out of the
    entity-demeaned data (Frisch-Waugh-Lovell), which is exact in unbalanced
    panels too.
    """
    X = d.X[:, d.slopes]
    names = [d.names[j] for j in d.slopes]
    periods, tcode = np.unique(d.time, return_inverse=True)
    if effects == "entity":
        X_t, y_t = within(X, d.entity), within(d.y, d.entity)
    elif effects == "time":
        X_t, y_t = within(X, tcode), within(d.y, tcode)
    else:
        dummies = within(np.eye(len(periods))[tcode][:, 1:], d.entity)
        X_t, y_t = within(X, d.entity), within(d.y, d.entity)
        if dummies.shape[1]:
            coef = np.linalg.lstsq(dummies, np.column_stack([y_t, X_t]), rcond=None)[0]
            both = np.column_stack([y_t, X_t]) - dummies @ coef
            y_t, X_t = both[:, 0], both[:, 1:]
    X_t, dropped = drop_absorbed(X, X_t, names)
    return ols(y_t, X_t, what=what)[1], dropped
