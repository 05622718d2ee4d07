"""The estimation sample of a panel model and the transformations of it.

:func:`build_design` turns a formula and a :class:`~migecon.panel.core.Panel`
into numeric arrays on the rows where every variable is observed, counting
what it drops (missing values per variable, singleton entities), and keeps the
entity and time codes that the transformations (within, between, quasi-
demeaning, first differences) and the covariance estimators need.
:func:`check_identification` raises, naming the variables, when regressors are
absorbed by the effects or perfectly collinear.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from migecon.errors import (
    AbsorbedVariableError,
    DataError,
    DroppedDataWarning,
    RankDeficiencyError,
    SpecificationError,
)
from migecon.estimate.formula import ParsedFormula, design

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["PanelDesign", "build_design", "check_identification", "group_means",
           "project_out", "time_dummies", "within"]

#: Relative size below which a transformed column counts as zero: the effects
#: absorb it. Columns are compared with their own scale, so units do not matter;
#: 1e-9 is far above rounding error of demeaning (~1e-15) and far below any
#: real within variation.
ABSORBED_RTOL = 1e-9
#: Largest condition number of the regressors (each column scaled to unit
#: length) that is estimated. Above it X'X (condition number squared, > 1e14)
#: has lost all but a couple of its ~16 digits: coefficients of the
#: collinear regressors are huge and offsetting and their standard errors
#: meaningless or not finite. Exactly collinear designs are caught before.
CONDITION_LIMIT = 1e7
#: Largest magnitude a variable may have: sums of squares of values beyond it
#: overflow double precision (1.8e308) in a sample of up to ~10^8 rows.
MAGNITUDE_LIMIT = 1e150


@dataclass
class PanelDesign:
    """Numeric arrays of a panel model on its estimation sample."""

    y: np.ndarray
    X: np.ndarray
    names: list[str]
    index: pd.MultiIndex
    entity: np.ndarray
    time: np.ndarray
    dependent: str
    dropped: dict[str, int] = field(default_factory=dict)
    endog: np.ndarray | None = None
    endog_names: list[str] = field(default_factory=list)
    instruments: np.ndarray | None = None
    instrument_names: list[str] = field(default_factory=list)
    groups: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def nobs(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_entities(self) -> int:
        return int(self.entity.max()) + 1 if self.nobs else 0

    @property
    def n_periods(self) -> int:
        return int(self.time.max()) + 1 if self.nobs else 0

    @property
    def has_const(self) -> bool:
        return "const" in self.names

    def subset(self, keep: np.ndarray) -> PanelDesign:
        """Rows where ``keep`` is True (codes are re-numbered)."""
        index = self.index[keep]
        return replace(
            self, y=self.y[keep], X=self.X[keep], index=index,
            entity=_codes(index.get_level_values(0)), time=_codes(index.get_level_values(1)),
            endog=None if self.endog is None else self.endog[keep],
            instruments=None if self.instruments is None else self.instruments[keep],
            groups={k: v[keep] for k, v in self.groups.items()}, dropped=dict(self.dropped))


def build_design(formula: ParsedFormula, panel: Panel, *, constant: bool = True,
                 extra: tuple[str, ...] = (), drop_singletons: bool = False,
                 entity_label: str = "country") -> PanelDesign:
    """Arrays of ``formula`` on the complete rows of ``panel``.

    Parameters
    ----------
    formula : ParsedFormula
        The parsed model.
    panel : Panel
        The data.
    constant : bool
        Keep the intercept implied by the formula.
    extra : tuple of str
        Panel variables that must be observed too (cluster variables); they
        are returned in ``groups``.
    drop_singletons : bool
        Drop entities observed once (they carry no within variation; reghdfe
        drops them too, xtreg keeps them).
    entity_label : str
        Word for entities in messages.

    Returns
    -------
    PanelDesign
    """
    data = panel.data
    y, X, endog, instr, dropped = design(formula, data, constant=constant, extra=extra)
    for frame in (y.to_frame(), X, endog, instr):
        if frame is not None:
            _check_finite(frame)
    out = PanelDesign(
        y=y.to_numpy(dtype=float), X=X.to_numpy(dtype=float), names=[str(c) for c in X.columns],
        index=pd.MultiIndex.from_arrays([y.index.get_level_values(0),
                                         y.index.get_level_values(1)],
                                        names=[panel.entity_name, panel.time_name]),
        entity=_codes(y.index.get_level_values(0)), time=_codes(y.index.get_level_values(1)),
        dependent=str(y.name), dropped=dict(dropped),
        endog=None if endog is None else endog.to_numpy(dtype=float),
        endog_names=[] if endog is None else [str(c) for c in endog.columns],
        instruments=None if instr is None else instr.to_numpy(dtype=float),
        instrument_names=[] if instr is None else [str(c) for c in instr.columns],
        groups={c: data.loc[y.index, c].to_numpy() for c in extra})
    _check_outcome(out, panel)
    if drop_singletons:
        counts = np.bincount(out.entity)
        single = counts[out.entity] == 1
        n_single = int(single.sum())
        if n_single == out.nobs:
            raise DataError(
                f"every {entity_label} has a single complete observation "
                f"({out.nobs} rows); the within (fixed-effects) estimator needs at least "
                f"two per {entity_label}. Use estimator='pooled' or 'between'")
        if n_single:
            out = out.subset(~single)
            out.dropped[f"singleton {entity_label} (one observation)"] = n_single
    return out


def warn_dropped(dropped: dict[str, int], stacklevel: int = 3) -> None:
    """One DroppedDataWarning with the counts per reason."""
    if dropped:
        warnings.warn(
            f"{sum(dropped.values())} row(s) dropped ("
            + ", ".join(f"{k}: {v}" for k, v in dropped.items()) + ")",
            DroppedDataWarning, stacklevel=stacklevel)


def _check_finite(frame: pd.DataFrame) -> None:
    values = frame.to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        cols = [str(c) for c, b in zip(frame.columns, bad.any(axis=0), strict=True) if b]
        raise DataError(
            f"term(s) {cols} have {int(bad.sum())} infinite value(s) (e.g. log of zero); "
            "fix the transformation or set those values to missing")
    huge = np.abs(values) > MAGNITUDE_LIMIT
    if huge.any():
        cols = [str(c) for c, b in zip(frame.columns, huge.any(axis=0), strict=True) if b]
        raise DataError(
            f"term(s) {cols} have {int(huge.sum())} value(s) larger than "
            f"{MAGNITUDE_LIMIT:.0e} in absolute value (largest {np.abs(values).max():.3g}): "
            "their squares and cross-products overflow double precision. Rescale them "
            "(e.g. divide by 1e6, or take logs) before estimating")


def _check_outcome(d: PanelDesign, panel: Panel) -> None:
    spread = float(np.ptp(d.y)) if d.nobs else 0.0
    if spread == 0.0:
        raise DataError(
            f"the dependent variable {d.dependent!r} is constant ({d.y[0]:g} in all "
            f"{d.nobs} rows of the estimation sample); there is nothing to explain")


def _codes(values: pd.Index | np.ndarray) -> np.ndarray:
    return pd.factorize(pd.Index(values), sort=True)[0].astype(np.int64)


# ---------------------------------------------------------------- algebra
def group_means(A: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Group means of the columns of ``A`` (rows = groups, in code order)."""
    A2 = A.reshape(A.shape[0], -1)
    counts = np.bincount(codes).astype(float)
    sums = np.zeros((counts.shape[0], A2.shape[1]))
    for j in range(A2.shape[1]):
        sums[:, j] = np.bincount(codes, weights=A2[:, j], minlength=counts.shape[0])
    return sums / counts[:, None]


def within(A: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``A`` minus its group means (the within transformation)."""
    A2 = A.reshape(A.shape[0], -1)
    out = A2 - group_means(A2, codes)[codes]
    return out.reshape(A.shape)


def time_dummies(time: np.ndarray, *, drop_first: bool) -> np.ndarray:
    """One dummy per period (without the first when ``drop_first``)."""
    n_t = int(time.max()) + 1
    D = np.zeros((time.shape[0], n_t))
    D[np.arange(time.shape[0]), time] = 1.0
    return D[:, 1:] if drop_first else D


def project_out(basis: np.ndarray, A: np.ndarray) -> tuple[np.ndarray, int]:
    """Residuals of ``A`` on the column space of ``basis``, and that space's rank.

    The rank is found with an SVD, so redundant dummies (a disconnected
    two-way panel) are counted correctly.
    """
    if basis.shape[1] == 0:
        return A, 0
    U, s, _ = np.linalg.svd(basis, full_matrices=False)
    tol = s.max() * max(basis.shape) * np.finfo(float).eps if s.size else 0.0
    Q = U[:, s > tol]
    A2 = A.reshape(A.shape[0], -1)
    out = A2 - Q @ (Q.T @ A2)
    return out.reshape(A.shape), int(Q.shape[1])


# --------------------------------------------------------- identification
def check_identification(X: np.ndarray, names: list[str], *, raw: np.ndarray | None = None,
                         absorbed_by: str = "", drop: bool = False,
                         protect: tuple[str, ...] = ("const",), kind: str = "regressor"
                         ) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """Find regressors absorbed by the effects and perfectly collinear ones.

    Parameters
    ----------
    X : ndarray
        The transformed regressors (within, differenced, ...).
    names : list of str
        Their names.
    raw : ndarray, optional
        The untransformed regressors: a column whose transformed norm is tiny
        relative to its raw norm is absorbed by the transformation.
    absorbed_by : str
        Words for the error ("do not vary within country").
    drop : bool
        Drop absorbed and collinear columns (with a warning) instead of raising.
    protect : tuple of str
        Columns never reported as absorbed (the constant).
    kind : str
        ``"regressor"`` or ``"instrument"``, for messages.

    Returns
    -------
    X, names, absorbed, omitted
    """
    absorbed: list[str] = []
    if raw is not None and absorbed_by:
        raw_norm = np.sqrt((raw**2).sum(axis=0))
        new_norm = np.sqrt((X**2).sum(axis=0))
        for j, name in enumerate(names):
            if name in protect:
                continue
            if new_norm[j] <= ABSORBED_RTOL * max(raw_norm[j], 1e-300):
                absorbed.append(name)
    if absorbed:
        if not drop:
            raise AbsorbedVariableError(
                f"{kind}(s) {absorbed} {absorbed_by} and are absorbed by the effects, so "
                "their coefficients are not identified; remove them, use estimator='re' "
                "or 'mundlak', or pass drop_absorbed=True to drop them")
        warnings.warn(f"{len(absorbed)} {kind}(s) absorbed by the effects and dropped: "
                      f"{absorbed}", DroppedDataWarning, stacklevel=3)
        keep = [j for j, n in enumerate(names) if n not in absorbed]
        X, names = X[:, keep], [names[j] for j in keep]
    omitted = _collinear(X, names)
    if omitted:
        detail = "; ".join(f"{name!r} = {combo}" for name, combo in omitted)
        if not drop:
            raise RankDeficiencyError(
                f"{kind}s are perfectly collinear: {detail}. Drop one of them, or pass "
                "drop_absorbed=True to drop the later one(s) in formula order")
        dropped_names = [n for n, _ in omitted]
        warnings.warn(f"{len(dropped_names)} collinear {kind}(s) dropped: {detail}",
                      DroppedDataWarning, stacklevel=3)
        keep = [j for j, n in enumerate(names) if n not in dropped_names]
        X, names = X[:, keep], [names[j] for j in keep]
        return X, names, absorbed, dropped_names
    if not names:
        raise SpecificationError("no regressor is left to estimate")
    _check_condition(X, names, kind)
    return X, names, absorbed, []


def _check_condition(X: np.ndarray, names: list[str], kind: str) -> None:
    """Raise when the regressors are nearly (numerically) collinear."""
    if X.shape[1] < 2 or X.shape[0] < X.shape[1]:
        return
    scale = np.sqrt((X**2).sum(axis=0))
    if not np.all(np.isfinite(scale)) or np.any(scale == 0):
        return
    Z = X / scale
    singular = np.linalg.svd(Z, compute_uv=False)
    cond = float(singular[0] / singular[-1]) if singular[-1] > 0 else float("inf")
    if cond <= CONDITION_LIMIT:
        return
    # Name the most collinear column: the one best explained by the others.
    worst, left = 0, np.inf
    for j in range(Z.shape[1]):
        others = np.delete(Z, j, axis=1)
        coef = np.linalg.lstsq(others, Z[:, j], rcond=None)[0]
        rest = float(np.sqrt(((Z[:, j] - others @ coef) ** 2).sum()))
        if rest < left:
            worst, left = j, rest
    raise RankDeficiencyError(
        f"{kind}s are nearly collinear: the condition number of the (unit-scaled) "
        f"{kind}s is {cond:.3g}, above the limit {CONDITION_LIMIT:.0e}; {names[worst]!r} is "
        f"almost a linear combination of the others (what is left of it is {left:.2g} of "
        "its length). Their coefficients would be huge and offsetting and their standard "
        "errors not meaningful; drop or combine the near-duplicate variables")


def _collinear(X: np.ndarray, names: list[str]) -> list[tuple[str, str]]:
    """Columns that are linear combinations of earlier ones, with the combination."""
    if X.shape[1] == 0:
        return []
    scale = np.sqrt((X**2).sum(axis=0))
    scale[scale == 0] = 1.0
    Z = X / scale
    if np.linalg.matrix_rank(Z) == Z.shape[1]:
        return []
    kept: list[int] = []
    out: list[tuple[str, str]] = []
    for j in range(Z.shape[1]):
        if not np.any(Z[:, j]):
            out.append((names[j], "0 (no variation left)"))
            continue
        trial = [*kept, j]
        if np.linalg.matrix_rank(Z[:, trial]) < len(trial):
            coef = np.linalg.lstsq(X[:, kept], X[:, j], rcond=None)[0]
            terms = [f"{c:+.4g}·{names[i]!r}" for c, i in zip(coef, kept, strict=True)
                     if abs(c) > 1e-8 * max(1.0, float(np.abs(coef).max()))]
            out.append((names[j], " ".join(terms) if terms else "0"))
        else:
            kept.append(j)
    return out
