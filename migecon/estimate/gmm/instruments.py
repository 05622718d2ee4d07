"""GMM-style and IV-style instruments, built the way xtabond2 builds them.

The instrument matrix has one row per (unit, equation row) of the stacked
design. An uncollapsed GMM-style instrument for period ``t`` and lag ``l`` is
non-zero only in the row of period ``t``: at N = 2,000 units and T = 30 periods
a dense matrix would need gigabytes, almost all zeros. :class:`InstrumentMatrix`
therefore stores dense blocks per row position and computes every product the
estimator needs (``Z'X``, ``Σ Z_i'HZ_i``, ``Z_i'e_i``) with BLAS calls on them.

Column order follows xtabond2 (last-specified ``iv()`` group first, the
constant last among IV-style instruments, then the ``gmm()`` groups, last
specified first; within a group lags ascending, then periods, then variables),
because the order decides which of several collinear instruments the
generalized inverse drops. Missing values of GMM-style instruments are zeros
(xtabond2's ``missing=0``); columns that are zero in the whole sample are
removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from migecon.errors import SpecificationError
from migecon.estimate.gmm.data import Design, diff_grid
from migecon.estimate.gmm.syntax import GMMStyle

__all__ = ["DenseBlock", "InstrumentGroup", "InstrumentMatrix", "Instruments", "build_instruments"]


@dataclass(frozen=True)
class InstrumentGroup:
    """A set of instrument columns tested together by difference-in-Hansen."""

    label: str
    kind: str            # "levels", "gmm" or "iv"
    columns: np.ndarray  # column indices into the instrument matrix


@dataclass
class DenseBlock:
    """Columns that can be non-zero in every row of a range of row positions."""

    start: int           # first row position
    cols: np.ndarray     # column numbers
    data: np.ndarray     # (rows, len(cols), N)

    @property
    def stop(self) -> int:
        return self.start + self.data.shape[0]


class InstrumentMatrix:
    """The ``(units x rows) x instruments`` matrix, stored by row position.

    Columns that can be non-zero in many rows (IV-style, collapsed GMM-style,
    the constant) live in dense blocks, one per equation of the system, each
    ``(rows, columns, N)`` with the row position first so that mixing row
    positions, as ``M'Z_i`` does, reads contiguous memory; a column that
    serves both equations appears in both blocks. Every uncollapsed GMM-style
    column is non-zero in one row position only, so row position ``r`` keeps
    its own ``(N, n_r)`` block with the column numbers. All products the
    estimator needs are a few BLAS calls per block and row position.
    """

    def __init__(self, n_units: int, R: int, n_cols: int, blocks: list[DenseBlock],
                 rows: list[tuple[np.ndarray, np.ndarray]]) -> None:
        self.n_units, self.R, self.n_cols = n_units, R, n_cols
        self.blocks = [b for b in blocks if b.cols.size]
        self.rows = rows

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_units * self.R, self.n_cols

    def column_counts(self) -> np.ndarray:
        """Number of non-zero entries of every column."""
        out = np.zeros(self.n_cols, dtype=np.int64)
        for b in self.blocks:
            out[b.cols] += np.count_nonzero(b.data, axis=(0, 2))
        for cols, vals in self.rows:
            if cols.size:
                out[cols] += np.count_nonzero(vals, axis=0)
        return out

    def subset(self, keep: np.ndarray) -> InstrumentMatrix:
        """The matrix restricted to columns ``keep`` (renumbered in that order)."""
        if keep.size == self.n_cols and np.array_equal(keep, np.arange(self.n_cols)):
            return self
        remap = np.full(self.n_cols, -1, dtype=np.int64)
        remap[keep] = np.arange(keep.size)
        blocks = []
        for b in self.blocks:
            m = remap[b.cols] >= 0
            blocks.append(DenseBlock(b.start, remap[b.cols[m]], b.data[:, m, :]))
        rows = []
        for cols, vals in self.rows:
            m = remap[cols] >= 0
            rows.append((remap[cols[m]], vals[:, m]))
        return InstrumentMatrix(self.n_units, self.R, int(keep.size), blocks, rows)

    def cross(self, B: np.ndarray) -> np.ndarray:
        """``Z'B`` for ``B`` of shape ``(N, R)`` or ``(N, R, m)``."""
        vec = B.ndim == 2
        B3 = B[:, :, None] if vec else B
        m = B3.shape[2]
        out = np.zeros((self.n_cols, m))
        for b in self.blocks:
            acc = np.zeros((b.cols.size, m))
            for i, r in enumerate(range(b.start, b.stop)):
                acc += b.data[i] @ B3[:, r, :]
            out[b.cols] += acc
        for r, (cols, vals) in enumerate(self.rows):
            if cols.size:
                out[cols] += vals.T @ B3[:, r, :]
        return out[:, 0] if vec else out

    def unit_cross(self, B: np.ndarray) -> np.ndarray:
        """``Z_i'B_i`` for every unit, as an ``(n_cols, N, m)`` array for ``B`` ``(N, R, m)``."""
        m = B.shape[2]
        out = np.zeros((self.n_cols, self.n_units, m))
        for b in self.blocks:
            out[b.cols] += np.einsum("rdn,nrm->dnm", b.data, B[:, b.start:b.stop, :],
                                     optimize=True)
        for r, (cols, vals) in enumerate(self.rows):
            if cols.size:
                out[cols] += vals.T[:, :, None] * B[None, :, r, :]
        return out

    def group_sums(self, e: np.ndarray) -> np.ndarray:
        """``G[i] = Z_i' e_i`` for every unit: an ``(N, n_cols)`` array."""
        out = np.zeros((self.n_units, self.n_cols))
        for b in self.blocks:
            acc = np.zeros((b.cols.size, self.n_units))
            for i, r in enumerate(range(b.start, b.stop)):
                acc += b.data[i] * e[:, r]
            out[:, b.cols] += acc.T
        for r, (cols, vals) in enumerate(self.rows):
            if cols.size:
                out[:, cols] += vals * e[:, r, None]
        return out

    def times(self, w: np.ndarray) -> np.ndarray:
        """``Z w`` on the ``(N, R)`` grid."""
        out = np.zeros((self.n_units, self.R))
        for b in self.blocks:
            out[:, b.start:b.stop] += np.tensordot(w[b.cols], b.data, axes=([0], [1])).T
        for r, (cols, vals) in enumerate(self.rows):
            if cols.size:
                out[:, r] += vals @ w[cols]
        return out

    def weighted_gram(self, M: np.ndarray) -> np.ndarray:
        """``Σ_i Z_i' M M' Z_i`` (``H = M M'``): the one-step moment matrix."""
        S = np.zeros((self.n_cols, self.n_cols))
        m = M.shape[1]
        dcols = (np.unique(np.concatenate([b.cols for b in self.blocks])) if self.blocks
                 else np.zeros(0, dtype=np.int64))
        nd = dcols.size
        Dm = None
        if nd:
            # every unit's dense columns mixed by M' (sparse): (m, n_dense, N)
            parts = [(np.searchsorted(dcols, b.cols),
                      np.asarray(sp.csr_matrix(M[b.start:b.stop].T)
                                 @ b.data.reshape(b.data.shape[0], -1)
                                 ).reshape(m, b.cols.size, self.n_units))
                     for b in self.blocks]
            if len(parts) == 1 and np.array_equal(parts[0][0], np.arange(nd)):
                Dm = parts[0][1]
            else:
                Dm = np.zeros((m, nd, self.n_units))
                for pos, part in parts:
                    Dm[:, pos, :] += part
            acc = np.zeros((nd, nd))
            for s in range(m):
                acc += Dm[s] @ Dm[s].T
            S[np.ix_(dcols, dcols)] = acc
        for s in range(m):
            rs = [r for r in np.flatnonzero(M[:, s]) if self.rows[r][0].size]
            if not rs:
                continue
            Wsp = np.hstack([self.rows[r][1] * M[r, s] for r in rs])
            idx = np.concatenate([self.rows[r][0] for r in rs])
            S[np.ix_(idx, idx)] += Wsp.T @ Wsp
            if Dm is not None:
                cross = Dm[s] @ Wsp
                S[np.ix_(dcols, idx)] += cross
                S[np.ix_(idx, dcols)] += cross.T
        return S


@dataclass
class Instruments:
    """The instrument matrix with its bookkeeping."""

    Z: InstrumentMatrix
    names: list[str]
    groups: list[InstrumentGroup]   # in xtabond2's reporting order
    listing: list[str]              # xtabond2-style description lines

    @property
    def n_columns(self) -> int:
        return self.Z.n_cols


class _Builder:
    """Collects columns: dense ones (possibly non-zero in every row) and single-row ones.

    Dense columns are recorded as recipes and written once into the final
    ``(R, n_dense, N)`` array, because copying tens of megabytes of planes
    costs more than the estimation itself. Columns that are zero in the whole
    estimation sample keep their number (for names and groups) but are not
    stored.
    """

    def __init__(self, n_units: int, R: int, touse: np.ndarray) -> None:
        self.n_units, self.R = n_units, R
        self.touse = touse
        self._empty = np.zeros((n_units, 0))
        # (column, full (N, R) values) or (column, (T, v, N) base, variable, source, target rows)
        self.dense: list[tuple[int, Any]] = []
        self.single: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(R)]
        self.names: list[str] = []
        self.alive: list[bool] = []

    def _new(self, name: str, alive: bool) -> int:
        self.names.append(name)
        self.alive.append(alive)
        return len(self.names) - 1

    def add_dense(self, values: np.ndarray, name: str) -> int:
        """A column on the ``(N, R)`` grid; ``values`` must be finite."""
        col = self._new(name, True)
        self.dense.append((col, values))
        return col

    def add_shifted(self, base_t: np.ndarray, v: int, source: np.ndarray, target: np.ndarray,
                    name: str) -> int:
        """A column whose rows ``target`` hold ``base_t[source, v]`` (a lagged series)."""
        col = self._new(name, True)
        self.dense.append((col, (base_t, v, source, target)))
        return col

    def add_single(self, row: int, values: np.ndarray, name: str) -> int:
        values = values * self.touse[:, row]
        alive = bool(np.any(values))
        col = self._new(name, alive)
        if alive:
            self.single[row].append((col, values))
        return col

    def matrix(self, ranges: list[tuple[int, int]]) -> tuple[InstrumentMatrix, np.ndarray]:
        """The matrix of the non-zero columns, with dense blocks over the row
        ``ranges`` (one per equation), and the new number of every column (-1 for
        the zero ones)."""
        touse_t = self.touse.T.astype(float)
        # which block(s) each dense column lives in
        members: list[list[tuple[int, Any]]] = [[] for _ in ranges]
        for i, (_, recipe) in enumerate(self.dense):
            if isinstance(recipe, tuple):
                base_t, v, source, target = recipe  # contiguous ranges of periods
                t0, t1, s0 = int(target[0]), int(target[-1]) + 1, int(source[0])
                block = base_t[s0:s0 + t1 - t0, v, :] * touse_t[t0:t1]
                for k, (r0, r1) in enumerate(ranges):
                    if r0 <= t0 < r1 and np.any(block):
                        members[k].append((i, (t0 - r0, block)))
            else:
                for k, (r0, r1) in enumerate(ranges):
                    block = recipe[:, r0:r1].T * touse_t[r0:r1]
                    if np.any(block):
                        members[k].append((i, (0, block)))
        live = np.zeros(len(self.dense), dtype=bool)
        for mem in members:
            live[[i for i, _ in mem]] = True
        dcols_all = np.asarray([c for c, _ in self.dense], dtype=np.int64)
        for c, ok in zip(dcols_all.tolist(), live.tolist(), strict=True):
            self.alive[c] = ok
        alive = np.asarray(self.alive, dtype=bool)
        remap = np.full(alive.size, -1, dtype=np.int64)
        remap[alive] = np.arange(int(alive.sum()))
        blocks = []
        for (r0, r1), mem in zip(ranges, members, strict=True):
            data = np.zeros((r1 - r0, len(mem), self.n_units))
            for j, (_, (off, block)) in enumerate(mem):
                data[off:off + block.shape[0], j, :] = block
            cols = remap[dcols_all[[i for i, _ in mem]]] if mem else np.zeros(0, np.int64)
            blocks.append(DenseBlock(r0, cols, data))
        rows = []
        for entries in self.single:
            if entries:
                rows.append((remap[np.asarray([c for c, _ in entries], dtype=np.int64)],
                             np.column_stack([v for _, v in entries])))
            else:
                rows.append((np.zeros(0, dtype=np.int64), self._empty))
        return InstrumentMatrix(self.n_units, self.R, int(alive.sum()), blocks, rows), remap


def _lag_limits(g: GMMStyle, T: int, full_eq_levels: bool, diffed: bool) -> tuple[int, int]:
    """xtabond2's clamping of lag limits to what a T-period grid can hold."""
    lag_max_possible = T - 1 - int(full_eq_levels and diffed)
    forward_max = T - 2 + int(full_eq_levels)
    lo = max(-forward_max, g.lag_min)
    hi = lag_max_possible if g.lag_max is None else min(lag_max_possible, g.lag_max)
    if lo > hi:
        raise SpecificationError(
            f"{g.label}: the lag limits leave no usable lag with {T} periods "
            f"(possible lags are {-forward_max} to {lag_max_possible})")
    return lo, hi


def _lag_name(lag: int) -> str:
    return "" if lag == 0 else (f"L{lag}." if lag > 0 else f"F{-lag}.")


def _add_gmm_columns(b: _Builder, base: np.ndarray, lags: range, first_period: int,
                     offset: int, T: int, periods: list[str], var_names: list[str],
                     prefix: str, collapse: bool) -> list[int]:
    """GMM-style instruments: ``base[:, tau, v]`` instruments the row of period
    ``tau + lag``; one column per (lag, period, variable), or per (lag, variable)
    when collapsed."""
    out: list[int] = []
    base_t = np.ascontiguousarray(base.transpose(1, 2, 0)) if collapse else base  # (T, v, N)
    for lag in lags:
        taus = np.arange(max(first_period, -lag, 0), min(T, T - lag))
        if taus.size == 0:
            continue
        if collapse:
            for v, vname in enumerate(var_names):
                out.append(b.add_shifted(base_t, v, taus, offset + taus + lag,
                                         f"{prefix}{_lag_name(lag)}{vname}"))
            continue
        for tau in taus.tolist():
            row = offset + tau + lag
            for v, vname in enumerate(var_names):
                out.append(b.add_single(row, base[:, tau, v],
                                        f"{prefix}{_lag_name(lag)}{vname}@{periods[tau + lag]}"))
    return out


def build_instruments(design: Design) -> Instruments:
    """Build the instrument matrix of a design (see the module docstring).

    Raises
    ------
    SpecificationError
        Lag limits outside the panel, or no instrument with a non-zero value.
    """
    spec = design.spec
    N, T, R = design.n_units, design.T, design.R
    periods = [str(p) for p in design.periods]
    touse = design.touse
    b = _Builder(N, R, touse)
    group_cols: dict[int, list[int]] = {}
    iv_groups: list[tuple[str, list[int]]] = []
    for group, v, values in design.iv_values:
        col = b.add_dense(values, f"iv:{v.label}")
        key = id(group)
        if key not in group_cols:
            group_cols[key] = []
            iv_groups.append((group.label, group_cols[key]))
        group_cols[key].append(col)
    if design.has_constant:
        const = np.zeros((N, R))
        const[:, T:] = 1.0
        b.add_dense(const, "iv:_cons")
    gmm_groups: list[tuple[str, list[int]]] = []
    level_gmm: list[int] = []
    pre = "FOD" if spec.orthogonal else "D"
    for g in reversed(spec.gmm):
        if not spec.system and g.equation == "level":
            continue
        names = [v.label for v in g.variables]
        raw = np.stack([design.grid.expr(v)[design.keep_entities] for v in g.variables],
                       axis=2)
        levels_x = np.nan_to_num(raw, nan=0.0)
        # differences of the raw series: a difference with a missing end is missing (0)
        diffs = np.nan_to_num(diff_grid(raw), nan=0.0)
        full_levels = g.equation == "level"
        diffed = full_levels and not g.passthru
        lo, hi = _lag_limits(g, T, full_levels, diffed)
        prefix = ("lev:D." if diffed else "lev:") if full_levels else f"{pre}:"
        cols = _add_gmm_columns(b, diffs if diffed else levels_x, range(lo, hi + 1),
                                int(diffed), T if full_levels else 0, T, periods, names,
                                prefix, g.collapse)
        if full_levels:
            level_gmm.extend(cols)
        if spec.system and g.equation == "both":
            extra = _levels_extra(b, g, diffs, lo, hi, T, touse, periods, names)
            cols += extra
            level_gmm.extend(extra)
        gmm_groups.append((g.label, cols))
    Z, remap = b.matrix([(0, T), (T, R)] if spec.system else [(0, R)])
    if Z.n_cols == 0:
        raise SpecificationError(
            "no valid instruments: every instrument is zero or missing in the estimation "
            f"sample ({len(b.names)} candidate columns with T = {T} periods); widen the lag "
            "limits of gmm() or add iv() instruments")
    final_names = [n for n, a in zip(b.names, b.alive, strict=True) if a]

    def mapped(cs: list[int]) -> np.ndarray:
        m = remap[np.asarray(cs, dtype=np.int64)] if cs else np.zeros(0, np.int64)
        return m[m >= 0]

    groups: list[InstrumentGroup] = []
    if spec.system and level_gmm:
        groups.append(InstrumentGroup("GMM instruments for levels", "levels", mapped(level_gmm)))
    # reporting order: gmm() then iv() groups, each in the order the user gave them
    for label, cs in reversed(gmm_groups):
        groups.append(InstrumentGroup(label, "gmm", mapped(cs)))
    for label, cs in reversed(iv_groups):
        groups.append(InstrumentGroup(label, "iv", mapped(cs)))
    return Instruments(Z=Z, names=final_names, groups=groups, listing=_listing(design))


def _levels_extra(b: _Builder, g: GMMStyle, diffs: np.ndarray, lo: int, hi: int, T: int,
                  touse: np.ndarray, periods: list[str], names: list[str]) -> list[int]:
    """The standard system-GMM instruments for the levels equation: differences lagged
    ``lag_min - 1`` (one per period, or one per variable when collapsed)."""
    if lo > 0:
        lag, stop = lo - 1, hi - 1
    elif hi > 0:
        lag, stop = 0, hi - 1
    else:
        lag, stop = hi - 1, hi - 1  # forward instruments: no search for usable lags
    if not g.collapse:
        return _add_gmm_columns(b, diffs, range(lag, lag + 1), 0, T, T, periods, names,
                                "lev:D.", False)
    # collapsed: if a column is zero in the whole sample xtabond2 tries deeper lags,
    # with one lag counter shared by the variables of the group
    out = []
    n = diffs.shape[0]
    for v, name in enumerate(names):
        while True:
            col = np.zeros((n, 2 * T))
            if lag >= 0:
                col[:, T + lag:] = diffs[:, :T - lag, v]
            else:
                col[:, T:2 * T + lag] = diffs[:, -lag:, v]
            usable = np.any((col != 0) & touse)
            if usable or lag >= stop:
                break
            lag += 1
        out.append(b.add_dense(col, f"lev:{_lag_name(lag)}D.{name}"))
    return out


def _listing(design: Design) -> list[str]:
    """xtabond2's description of the instruments, for summaries."""
    spec = design.spec
    eq_name = "orthogonal deviations" if spec.orthogonal else "first differences"
    op = "FOD." if spec.orthogonal else "D."
    lines = [f"Instruments for {eq_name} equation"]
    std = [v.label if g.passthru else f"{op}{v.label}"
           for g in reversed(spec.iv) if g.equation != "level" for v in g.variables]
    if std:
        lines += ["  Standard", "    " + " ".join(std)]
    gm = []
    for g in spec.gmm:
        if g.equation == "level":
            continue
        hi = "." if g.lag_max is None else str(g.lag_max)
        coll = " collapsed" if g.collapse else ""
        gm.append(f"L({g.lag_min}/{hi}).({' '.join(v.label for v in g.variables)}){coll}")
    if gm:
        lines += ["  GMM-type (missing=0, separate instruments for each period unless collapsed)",
                  *("    " + s for s in gm)]
    if spec.system:
        lines.append("Instruments for levels equation")
        std_l = [v.label for g in reversed(spec.iv) if g.equation != "diff" for v in g.variables]
        if design.has_constant:
            std_l.append("_cons")
        if std_l:
            lines += ["  Standard", "    " + " ".join(std_l)]
        gl = []
        for g in spec.gmm:
            vs = " ".join(v.label for v in g.variables)
            coll = " collapsed" if g.collapse else ""
            if g.equation == "both":
                lag = max(g.lag_min - 1, 0)
                gl.append(f"{'DL' + str(lag) if lag else 'D'}.({vs}){coll}")
            elif g.equation == "level":
                hi = "." if g.lag_max is None else str(g.lag_max)
                d = "" if g.passthru else "D"
                gl.append(f"{d}L({g.lag_min}/{hi}).({vs}){coll}")
        if gl:
            lines += ["  GMM-type (missing=0, separate instruments for each period unless "
                      "collapsed)", *("    " + s for s in gl)]
    return lines
