"""Data for dynamic-panel GMM: the period grid, transformations and the estimation sample.

Every panel unit is laid on the full grid of periods ``tmin, tmin + delta, ...,
tmax`` (``delta`` is the spacing of the time index: 1 for annual data, 5 for
five-year averages), so that lags and differences look up calendar periods and
gaps stay gaps, exactly as xtabond2 does after ``xtset``.

The transformed equation uses first differences or forward orthogonal
deviations. Like xtabond2, the deviation of period ``t`` from the mean of the
later *complete* observations is stored at ``t + 1``, so that an instrument
lag means the same thing under both transformations. System GMM stacks, per
unit, the ``T`` transformed rows and then the ``T`` levels rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from migecon.errors import DataError, DuplicateKeyError, SpecificationError
from migecon.estimate.gmm.linalg import GInverse
from migecon.estimate.gmm.syntax import GMMSpec, IVStyle, VarExpr
from migecon.panel.timeindex import ordinals

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["Design", "GMMData", "PanelGrid", "build_design", "diff_grid", "fod_grid", "lag_grid"]

#: Pivot tolerance for declaring a regressor collinear with earlier ones, relative to
#: its own sum of squares (exact collinearity such as a full set of time dummies
#: leaves pivots of order 1e-15; genuine regressors are many orders above).
COLLINEAR_TOL = 1e-10


def lag_grid(a: np.ndarray, k: int) -> np.ndarray:
    """Value ``k`` periods earlier along axis 1 (NaN where the grid has none); ``k<0`` leads."""
    if k == 0:
        return a.copy()
    out = np.full_like(a, np.nan, dtype=float)
    if abs(k) >= a.shape[1]:
        return out
    if k > 0:
        out[:, k:] = a[:, :-k]
    else:
        out[:, :k] = a[:, -k:]
    return out


def diff_grid(a: np.ndarray) -> np.ndarray:
    """First difference along the period axis; NaN where either period is missing."""
    return a - lag_grid(a, 1)


def fod_grid(a: np.ndarray, complete: np.ndarray) -> np.ndarray:
    """Forward orthogonal deviations, stored one period late (xtabond2's convention).

    ``out[:, t + 1] = sqrt(n / (n + 1)) * (a[:, t] - mean of a over the n complete
    periods after t)``; NaN when ``n == 0`` or ``a[:, t]`` is missing. Works on
    ``(N, T)`` and ``(N, T, k)`` arrays.
    """
    w = complete if a.ndim == 2 else complete[..., None]
    vals = np.where(w, a, 0.0)
    # sums and counts over s > t: reverse cumulative sums shifted by one period
    rev_sum = np.flip(np.cumsum(np.flip(vals, axis=1), axis=1), axis=1)
    rev_cnt = np.flip(np.cumsum(np.flip(complete, axis=1), axis=1), axis=1).astype(float)
    later_sum = np.zeros_like(rev_sum)
    later_sum[:, :-1] = rev_sum[:, 1:]
    later_cnt = np.zeros_like(rev_cnt)
    later_cnt[:, :-1] = rev_cnt[:, 1:]
    if a.ndim == 3:
        later_cnt = later_cnt[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        dev = np.sqrt(later_cnt / (later_cnt + 1.0)) * (a - later_sum / later_cnt)
    dev = np.where(later_cnt > 0, dev, np.nan)
    out = np.full_like(dev, np.nan)
    out[:, 1:] = dev[:, :-1]
    return out


class GMMData:
    """The data of a GMM estimation: value columns with integer (unit, period) codes.

    Built from a :class:`~migecon.panel.core.Panel` or, without the cost of a
    Panel, from a long DataFrame (with the same checks on keys).
    """

    def __init__(self, frame: pd.DataFrame, unit_codes: np.ndarray, units: np.ndarray,
                 times: np.ndarray, entity_name: str, time_name: str,
                 metadata: dict[str, Any] | None = None) -> None:
        self.frame = frame
        self.unit_codes = unit_codes
        self.units = units
        self.times = times
        #: Frequency of a Period index (``times`` are then Period ordinals), for labels.
        self.time_freq: str | None = None
        self.entity_name, self.time_name = entity_name, time_name
        self.metadata = metadata or {}
        self.columns = [str(c) for c in frame.columns]

    @property
    def nobs(self) -> int:
        return len(self.frame)

    @property
    def is_simulated(self) -> bool:
        return bool(self.metadata.get("simulated", False))

    @classmethod
    def from_panel(cls, panel: Panel) -> GMMData:
        """Take the data of a Panel (its index is already coded)."""
        data = panel.data
        idx = data.index
        assert isinstance(idx, pd.MultiIndex)
        times = ordinals(idx.levels[1])[idx.codes[1]]
        units = np.asarray(idx.levels[0], dtype=object)
        out = cls(data.reset_index(drop=True), np.asarray(idx.codes[0], dtype=np.int64), units,
                  times, panel.entity_name, panel.time_name, panel.metadata)
        if isinstance(idx.levels[1], pd.PeriodIndex):
            out.time_freq = idx.levels[1].freqstr
        return out

    @classmethod
    def from_frame(cls, df: pd.DataFrame, entity: str, time: str) -> GMMData:
        """Take a long DataFrame with entity and time columns.

        Raises
        ------
        DataError
            Missing key columns, missing or non-integer periods, missing entities.
        DuplicateKeyError
            Repeated (entity, time) keys.
        """
        missing = [c for c in (entity, time) if c not in df.columns]
        if missing:
            raise DataError(
                f"column(s) {missing} not found; the frame has columns {list(df.columns)}. "
                "Pass the names of the entity and time columns as entity=..., time=...")
        ent = df[entity]
        if ent.isna().any():
            raise DataError(f"{int(ent.isna().sum())} row(s) have a missing entity ({entity!r}); "
                            "drop or fill them")
        t = pd.to_numeric(df[time], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(t) | (t != np.round(t))
        if bad.any():
            raise DataError(
                f"{int(bad.sum())} row(s) have a missing or non-integer period in {time!r}, "
                f"e.g. {df[time].iloc[int(np.flatnonzero(bad)[0])]!r}; periods must be integers "
                "such as years")
        codes, uniq = pd.factorize(ent, sort=True)
        units = pd.Index(uniq).astype(str)
        if units.has_duplicates:  # e.g. 1 and "1": code the text instead
            codes, units = pd.factorize(ent.astype(str), sort=True)
        times = t.astype(np.int64)
        key = codes.astype(np.int64) * (times.max() - times.min() + 1) + (times - times.min())
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
        if (counts > 1).any():
            n_dup = int((counts - 1).sum())
            at = int(first[np.argmax(counts > 1)])
            raise DuplicateKeyError(
                f"{n_dup} duplicate ({entity}, {time}) key(s), e.g. "
                f"({str(ent.iloc[at])!r}, {int(times[at])}) appears {int(counts.max())} times; "
                "aggregate first or build the panel with "
                "mg.Panel.from_frame(..., on_duplicate='mean')")
        frame = df.reset_index(drop=True) if not isinstance(df.index, pd.RangeIndex) else df
        out = cls(frame, codes.astype(np.int64), np.asarray(units, dtype=object), times,
                  entity, time)
        out.columns = [str(c) for c in df.columns if c not in (entity, time)]
        return out

    def column(self, name: str) -> np.ndarray:
        """Values of a column as floats (a clear error for text columns)."""
        col = self.frame[name]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            raise DataError(f"variable {name!r} is not numeric (dtype {col.dtype}); convert it "
                            "or leave it out of the model")
        return col.to_numpy(dtype=float, na_value=np.nan)

    def time_label(self, t: int) -> str:
        """A period as a name part, as Stata writes dates: ``2001``, ``2001q3``, ``2001m7``.

        Other frequencies (weekly, daily) give the ordinal.
        """
        if self.time_freq is None:
            return str(int(t))
        period = pd.Period(ordinal=int(t), freq=self.time_freq)
        code = self.time_freq.split("-")[0].lstrip("0123456789")[:1]
        if code in ("Y", "A"):
            return str(period.year)
        if code == "Q":
            return f"{period.year}q{period.quarter}"
        if code == "M":
            return f"{period.year}m{period.month}"
        return str(int(t))

    def with_time_dummies(self) -> GMMData:
        """Add ``yr<period>`` dummies for every period (existing columns are kept)."""
        new = {f"yr{self.time_label(t)}": (self.times == t).astype(float)
               for t in np.unique(self.times)
               if f"yr{self.time_label(t)}" not in self.columns}
        if not new:
            return self
        frame = pd.concat([self.frame, pd.DataFrame(new, index=self.frame.index)], axis=1)
        out = GMMData(frame, self.unit_codes, self.units, self.times, self.entity_name,
                      self.time_name, self.metadata)
        out.time_freq = self.time_freq
        out.columns = [*self.columns, *new]
        return out


@dataclass
class PanelGrid:
    """The data on the full (unit x period) grid."""

    entities: np.ndarray
    periods: np.ndarray
    delta: int
    data: GMMData
    rows: tuple[np.ndarray, np.ndarray]
    cache: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: GMMData, columns: set[str]) -> PanelGrid:
        """Lay the data on the grid of periods ``tmin, tmin + delta, ...``."""
        missing = sorted(c for c in columns if c not in data.columns)
        if missing:
            raise SpecificationError(
                f"variable(s) {missing} not in the panel; available: {', '.join(data.columns)}")
        if data.nobs == 0:
            raise DataError("the panel has no rows")
        uniq = np.unique(data.times)
        steps = np.diff(uniq)
        delta = int(reduce(math.gcd, steps.tolist())) if steps.size else 1
        periods = np.arange(uniq[0], uniq[-1] + delta, delta)
        t_codes = ((data.times - uniq[0]) // delta).astype(np.int64)
        return cls(data.units, periods, delta, data, (data.unit_codes, t_codes))

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.entities), len(self.periods)

    def base(self, name: str) -> np.ndarray:
        """An ``(N, T)`` array of a column, NaN where the panel has no value."""
        if name not in self.cache:
            out = np.full(self.shape, np.nan)
            out[self.rows[0], self.rows[1]] = self.data.column(name)
            self.cache[name] = out
        return self.cache[name]

    def expr(self, v: VarExpr) -> np.ndarray:
        """Evaluate an operator expression on the grid."""
        a = self.base(v.name)
        for _ in range(v.diff):
            a = diff_grid(a)
        return lag_grid(a, v.lag)


@dataclass
class Design:
    """Everything the estimator needs, on the unit-major stacked grid.

    Arrays with a row axis of length ``R`` hold, per unit, the ``T`` transformed
    rows and (system GMM) the ``T`` levels rows. ``y`` and ``X`` are zero
    outside the estimation sample, like xtabond2's matrices.
    """

    spec: GMMSpec
    entities: np.ndarray
    periods: np.ndarray
    delta: int
    y: np.ndarray            # (N, R)
    X: np.ndarray            # (N, R, k)
    names: list[str]         # regressor names (after collinear ones are removed)
    omitted: list[str]       # regressors dropped for collinearity
    touse: np.ndarray        # (N, R) bool
    y0: np.ndarray           # (N, T) levels of the dependent variable
    X0: np.ndarray           # (N, T, k) levels of the kept regressors
    complete: np.ndarray     # (N, T) rows with y, X and (non-mz) IV instruments observed
    iv_values: list[tuple[IVStyle, VarExpr, np.ndarray]]  # (group, var, (N, R) values)
    has_constant: bool
    grid: PanelGrid
    keep_entities: np.ndarray  # indices of the units used in the full grid

    @property
    def n_units(self) -> int:
        return self.y.shape[0]

    @property
    def T(self) -> int:
        return len(self.periods)

    @property
    def R(self) -> int:
        return self.y.shape[1]

    @property
    def transformed(self) -> slice:
        """Row slice of the transformed equation within a unit."""
        return slice(0, self.T)

    @property
    def levels(self) -> slice:
        """Row slice of the levels equation within a unit (system GMM)."""
        return slice(self.T, 2 * self.T)


def _xform(a: np.ndarray, complete: np.ndarray, orthogonal: bool) -> np.ndarray:
    return fod_grid(a, complete) if orthogonal else diff_grid(a)


def build_design(data: GMMData, spec: GMMSpec) -> Design:
    """Build the stacked regression data and sample of a GMM specification.

    Raises
    ------
    DataError
        Too few periods, or no observation survives the lags and differences.
    """
    grid = PanelGrid.from_data(data, spec.variables)
    n_all, T = grid.shape
    if T < 3:
        raise DataError(
            f"too few periods: the panel spans {T} period(s) ({', '.join(map(str, grid.periods))}) "
            "but dynamic-panel GMM needs at least 3 (one lost to differencing, one to the lagged "
            "dependent variable, one for its instrument)")
    y0 = grid.expr(spec.dependent)
    names = [r.label for r in spec.regressors]
    X0 = (np.stack([grid.expr(r) for r in spec.regressors], axis=2) if spec.regressors
          else np.empty((n_all, T, 0)))
    has_constant = spec.system and spec.constant
    if has_constant:
        X0 = np.concatenate([X0, np.ones((n_all, T, 1))], axis=2)
        names.append("_cons")
    touse0 = ~np.isnan(y0) & ~np.isnan(X0).any(axis=2)
    complete = touse0.copy()
    iv_bases: list[tuple[IVStyle, VarExpr, np.ndarray]] = []
    # xtabond2 places the iv() groups last-specified first, the constant last
    for group in reversed(spec.iv):
        if not spec.system and group.equation == "level":
            continue  # levels-only instruments have no equation in difference GMM
        for v in group.variables:
            base = grid.expr(v)
            iv_bases.append((group, v, base))
            if not group.mz:
                complete &= ~np.isnan(base)
    units = np.flatnonzero(touse0.any(axis=1))
    if units.size == 0:
        raise DataError(
            f"no observations: no period has {spec.dependent.label} and all regressors "
            f"({', '.join(names) or 'none'}) observed; check the variables and their lags")
    y0, X0, touse0, complete = y0[units], X0[units], touse0[units], complete[units]
    orth = spec.orthogonal
    yT = _xform(y0, complete, orth)
    XT = _xform(X0, complete, orth)
    sample_T = (lag_grid(touse0.astype(float), 1) == 1) if orth else touse0.copy()
    sample_T &= ~np.isnan(yT) & ~np.isnan(XT).any(axis=2)
    sample_L = touse0.copy()
    iv_values: list[tuple[IVStyle, VarExpr, np.ndarray]] = []
    for group, v, base in iv_bases:
        base = base[units]
        trans = np.zeros_like(base)
        if group.equation != "level":
            trans = base if group.passthru else _xform(base, complete, orth)
            if group.mz:
                trans = np.nan_to_num(trans, nan=0.0)
            else:
                sample_T &= ~np.isnan(trans)
        parts = [trans]
        if spec.system:
            lev = np.zeros_like(base)
            if group.equation != "diff":
                lev = np.nan_to_num(base, nan=0.0) if group.mz else base
                if not group.mz:
                    sample_L &= ~np.isnan(lev)
            parts.append(lev)
        iv_values.append((group, v, np.concatenate(parts, axis=1)))
    if spec.system:
        y = np.concatenate([yT, y0], axis=1)
        X = np.concatenate([XT, X0], axis=1)
        touse = np.concatenate([sample_T, sample_L], axis=1)
    else:
        y, X, touse = yT, XT, sample_T
    if not touse.any():
        raise DataError(
            "no observations left after differencing: every unit needs "
            f"{2 + max([r.lag for r in spec.regressors] + [0])} or more consecutive periods with "
            f"{spec.dependent.label} and the regressors observed (the panel spans {T} periods)")
    y = np.where(touse, np.nan_to_num(y, nan=0.0), 0.0)
    X = np.where(touse[..., None], np.nan_to_num(X, nan=0.0), 0.0)
    iv_values = [(g, v, np.where(touse, np.nan_to_num(z, nan=0.0), 0.0))
                 for g, v, z in iv_values]
    keep = _independent_columns(X, has_constant)
    omitted = [n for i, n in enumerate(names) if i not in keep]
    X = X[:, :, keep]
    X0 = X0[:, :, keep]
    names = [names[i] for i in keep]
    return Design(spec=spec, entities=grid.entities[units], periods=grid.periods,
                  delta=grid.delta, y=y, X=X, names=names, omitted=omitted, touse=touse,
                  y0=y0, X0=X0, complete=complete, iv_values=iv_values,
                  has_constant=has_constant, grid=grid, keep_entities=units)


def _independent_columns(X: np.ndarray, has_constant: bool) -> list[int]:
    """Indices of regressors kept when collinear ones are dropped in order (xtabond2's
    ``_rmcoll``: the constant is partialled out first so it is never the one dropped)."""
    k = X.shape[2]
    flat = X.reshape(-1, k)
    if has_constant:
        const = flat[:, -1]
        others = flat[:, :-1]
        tt = const @ const
        if tt > 0:
            others = others - np.outer(const, (const @ others) / tt)
    else:
        others = flat
    keep = GInverse(others.T @ others, COLLINEAR_TOL).kept.tolist()
    if has_constant:
        keep.append(k - 1)
    return keep
