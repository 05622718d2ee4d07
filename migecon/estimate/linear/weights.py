"""Observation weights for the static estimators (Stata's ``aweight`` and ``pweight``).

Weighted least squares is ordinary least squares on rows multiplied by
``sqrt(w_i)``; the fixed-effects transformations use *weighted* group means, so
that weighted FE equals weighted least squares with entity (and time) dummies.
Analytic weights (``aweight``) are normalised to sum to the number of rows, as
Stata does; the normalisation changes no estimate or standard error (it
cancels in every covariance formula) but fixes the scale of the reported
root-MSE. Sampling weights (``pweight``) give the same estimates and need a
robust or clustered covariance.

The helpers here take a ``weights`` argument and nothing else from the
estimators, so the unweighted transformations in
:mod:`migecon.estimate.linear.design` stay untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from migecon.errors import DataError, SpecificationError

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = [
    "WEIGHTED_ESTIMATORS",
    "WEIGHT_KINDS",
    "check_weights",
    "normalise",
    "weighted_group_means",
    "weighted_r2_centre",
    "weighted_within",
]

WEIGHT_KINDS: tuple[str, ...] = ("aweight", "pweight")
#: Estimators (after IV mapping) that accept weights.
WEIGHTED_ESTIMATORS: tuple[str, ...] = ("pooled", "fe")


def check_weights(panel: Panel, name: str, kind: str, *, base: str, cov_type: str) -> None:
    """Raise a clear error for an unusable weight column or combination.

    Parameters
    ----------
    panel : Panel
        The data.
    name : str
        The weight column.
    kind : {"aweight", "pweight"}
        Analytic or sampling weights.
    base : str
        The estimator (``"pooled"``, ``"fe"``, ...).
    cov_type : str
        The covariance asked for.

    Examples
    --------
    >>> import pandas as pd
    >>> import migecon as mg
    >>> df = pd.DataFrame({"c": ["A", "B"], "t": 2000, "pop": [1.0, -2.0]})
    >>> p = mg.Panel.from_frame(df, entity="c", time="t")
    >>> check_weights(p, "pop", "aweight", base="pooled", cov_type="unadjusted")
    Traceback (most recent call last):
    ...
    migecon.errors.DataError: weights='pop': 1 value(s) are negative, e.g. -2.0 at ('B', 2000); ...
    """
    if kind not in WEIGHT_KINDS:
        raise SpecificationError(f"weight_type must be 'aweight' or 'pweight'; got {kind!r}")
    if base not in WEIGHTED_ESTIMATORS:
        raise SpecificationError(
            f"weights are available with estimator 'pooled', 'fe' and 'iv' (and pooled "
            f"2SLS); got a {base!r} model. Drop weights= or choose one of these")
    if kind == "pweight" and cov_type not in ("robust", "clustered"):
        raise SpecificationError(
            f"sampling weights (weight_type='pweight') need cov_type='robust' or "
            f"'clustered' (as Stata's pweights); got cov_type={cov_type!r}")
    if name not in panel:
        raise SpecificationError(
            f"weights={name!r} is not a variable of the panel; available: "
            f"{', '.join(panel.columns)}")
    values = panel[name]
    if not pd.api.types.is_numeric_dtype(values):
        raise DataError(f"weights={name!r} is a text column; weights must be positive numbers")
    for what, bad in (("negative", values < 0), ("zero", values == 0),
                      ("infinite", np.isinf(values.to_numpy(dtype=float)))):
        if bad.any():
            first = values[bad]
            key = first.index[0]
            at = f"({str(key[0])!r}, {key[1]})" if isinstance(key, tuple) else str(key)
            raise DataError(
                f"weights={name!r}: {int(bad.sum())} value(s) are {what}, e.g. "
                f"{float(first.iloc[0])} at {at}; weights must be positive. Drop "
                "those rows first (panel.subset / dropna) or fix the weight variable")


def normalise(weights: np.ndarray) -> np.ndarray:
    """Scale weights to sum to their number (Stata's aweight convention).

    Examples
    --------
    >>> normalise(np.array([1.0, 3.0])).tolist()
    [0.5, 1.5]
    """
    w = np.asarray(weights, dtype=float)
    return w * (w.shape[0] / w.sum())


def weighted_group_means(a: np.ndarray, groups: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean of ``a`` within each group, broadcast back to rows.

    Examples
    --------
    >>> weighted_group_means(np.array([1.0, 3.0, 5.0]), np.array([0, 0, 1]),
    ...                      np.array([1.0, 3.0, 1.0])).tolist()
    [2.5, 2.5, 5.0]
    """
    total = np.bincount(groups, weights=weights)
    if a.ndim == 1:
        return (np.bincount(groups, weights=weights * a) / total)[groups]
    out = np.empty((total.shape[0], a.shape[1]))
    for j in range(a.shape[1]):
        out[:, j] = np.bincount(groups, weights=weights * a[:, j]) / total
    return out[groups]


def weighted_within(a: np.ndarray, groups: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Deviations from weighted group means (the weighted within transformation)."""
    return a - weighted_group_means(a, groups, weights)


def weighted_r2_centre(y_star: np.ndarray, sqrt_w: np.ndarray) -> np.ndarray:
    """``sqrt(w_i) * ybar_w`` for rows already multiplied by ``sqrt(w_i)``.

    The weighted total sum of squares is ``sum((y* - sqrt(w) ybar_w)^2)``.
    """
    ybar = float(np.sum(sqrt_w * y_star) / np.sum(sqrt_w**2))
    return sqrt_w * ybar
