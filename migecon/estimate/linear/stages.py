"""The estimating equation of each static estimator (the "stage" mg.fit estimates).

Each function turns a :class:`~migecon.estimate.linear.design.PanelDesign` into a
:class:`_Stage`: the transformed outcome, regressors and instruments (pooled rows,
within deviations with any absorbed factors, entity means, first differences, or the
random-effects quasi-demeaning), with the degrees of freedom the effects use and what
they absorb. :mod:`migecon.estimate.linear.static` dispatches to them and estimates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from migecon.errors import DataError, SpecificationError
from migecon.estimate.linear.absorb import (
    DEFAULT_MAXITER,
    DEFAULT_TOL,
    Absorber,
)
from migecon.estimate.linear.design import (
    PanelDesign,
    check_identification,
    group_means,
    time_dummies,
    within,
)
from migecon.estimate.linear.iv import (
    ec2sls_components,
)
from migecon.estimate.linear.random_effects import variance_components
from migecon.estimate.linear.weights import (
    weighted_within,
)

if TYPE_CHECKING:
    pass


@dataclass
class _Stage:
    """The transformed estimating equation."""

    y: np.ndarray
    X: np.ndarray
    check: np.ndarray
    names: list[str]
    rows: pd.Index
    entity: np.ndarray | None
    time: np.ndarray | None
    groups: dict[str, np.ndarray]
    absorbed_by: str = ""
    raw: np.ndarray | None = None
    df_entity: int = 0
    df_time: int = 0
    Z: np.ndarray | None = None
    z_check: np.ndarray | None = None
    z_raw: np.ndarray | None = None
    z_names: list[str] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    theta: np.ndarray | None = None
    #: Further absorbed factors (beyond entity and time): name, codes, df.
    absorbed: list[tuple[str, np.ndarray, int]] = field(default_factory=list)


# ------------------------------------------------------------------ stages
def _full(d: PanelDesign) -> tuple[np.ndarray, list[str], np.ndarray | None, list[str]]:
    """Regressors [exog, endog] and instruments [exog, excluded] of the design."""
    X, names = d.X, list(d.names)
    Z: np.ndarray | None = None
    z_names: list[str] = []
    if d.endog is not None and d.instruments is not None:
        Z = np.column_stack([X, d.instruments])
        z_names = names + d.instrument_names
        X = np.column_stack([X, d.endog])
        names = names + d.endog_names
    return X, names, Z, z_names


def _with_dummies(A: np.ndarray, names: list[str], time: np.ndarray, times: np.ndarray,
                  has_const: bool, time_label: str) -> tuple[np.ndarray, list[str]]:
    D = time_dummies(time, drop_first=has_const)
    labels = np.unique(times)[1:] if has_const else np.unique(times)
    return np.column_stack([A, D]), names + [f"{t}.{time_label}" for t in labels]


def _pooled(d: PanelDesign, time_fx: bool, time_label: str,
            w: np.ndarray | None = None) -> _Stage:
    X, names, Z, z_names = _full(d)
    if time_fx:
        times = d.groups["time"]
        X, names = _with_dummies(X, names, d.time, times, d.has_const, time_label)
        if Z is not None:
            Z, z_names = _with_dummies(Z, z_names, d.time, times, d.has_const, time_label)
    y = d.y
    if w is not None:  # weighted least squares: rows times sqrt(w)
        r = np.sqrt(w)
        y, X = y * r, X * r[:, None]
        Z = None if Z is None else Z * r[:, None]
    return _Stage(y=y, X=X, check=X, names=names, rows=d.index, entity=d.entity, time=d.time,
                  groups=d.groups, Z=Z, z_check=Z, z_names=z_names)


def _within(d: PanelDesign, entity_fx: bool, time_fx: bool, label: str,
            time_label: str, w: np.ndarray | None = None, *,
            factors: list[tuple[str, np.ndarray]] | None = None,
            tol: float = DEFAULT_TOL, maxiter: int = DEFAULT_MAXITER) -> _Stage:
    X, names, Z, z_names = _full(d)
    const = d.has_const
    keep = [j for j, n in enumerate(names) if n != "const"]
    zkeep = [j for j, n in enumerate(z_names) if n != "const"]
    parts = [d.y[:, None], X[:, keep]] + ([Z[:, zkeep]] if Z is not None else [])
    stacked = np.column_stack(parts)
    df_entity = df_time = 0
    # Weighted: weighted group means, then rows times sqrt(w) (= WLS on dummies).
    r = np.ones(d.nobs) if w is None else np.sqrt(w)

    def demean(a: np.ndarray, groups: np.ndarray) -> np.ndarray:
        return within(a, groups) if w is None else weighted_within(a, groups, w) * (
            r[:, None] if a.ndim == 2 else r)

    extra: list[tuple[str, np.ndarray, int]] = []
    if factors is None and entity_fx and time_fx:
        factors = [(label, d.entity), (time_label, d.time)]
    if factors:
        ab = Absorber([c for _, c in factors], [n for n, _ in factors], weights=w, tol=tol,
                      maxiter=maxiter)
        demeaned = ab.demean(stacked, [d.dependent] + [names[j] for j in keep]
                             + [z_names[j] for j in zkeep])
        if w is not None:
            demeaned = demeaned * r[:, None]
        dfs = ab.degrees_of_freedom()
        if const:
            dfs[0] -= 1
        pos = 0
        if entity_fx:
            df_entity, pos = dfs[0], 1
        if time_fx:
            df_time, pos = dfs[pos], pos + 1
        extra = [(name, codes, df) for (name, codes), df in
                 zip(factors[pos:], dfs[pos:], strict=True)]
    elif entity_fx:
        demeaned = demean(stacked, d.entity)
        df_entity = d.n_entities - (1 if const else 0)
    else:
        demeaned = demean(stacked, d.time)
        df_time = d.n_periods - (1 if const else 0)
    y_t = demeaned[:, 0]
    if not np.any(np.abs(y_t) > 1e-12 * max(1.0, float(np.abs(d.y).max()))):
        raise DataError(
            f"the dependent variable {d.dependent!r} does not vary within "
            f"{label if entity_fx else time_label}; the fixed-effects estimator has nothing "
            "to explain")
    k = len(keep)
    check = demeaned[:, 1:1 + k]
    z_check = demeaned[:, 1 + k:] if Z is not None else None
    if const:
        # Stata's and linearmodels' convention: add back the grand means so the
        # constant is the mean fixed effect, ybar - xbar'b.
        means = np.average(stacked, axis=0, weights=w)
        final = demeaned + r[:, None] * means
        y_out = final[:, 0]
        X_out = np.column_stack([r, final[:, 1:1 + k]])
        Z_out = (np.column_stack([r, final[:, 1 + k:]]) if Z is not None
                 else None)
        # A ones column (not zeros) stands for the constant in the checks: the
        # demeaned columns are orthogonal to it, so it creates no false collinearity.
        check = np.column_stack([np.ones(d.nobs), check])
        if Z is not None and z_check is not None:
            z_check = np.column_stack([np.ones(d.nobs), z_check])
        out_names = ["const"] + [names[j] for j in keep]
        out_z = ["const"] + [z_names[j] for j in zkeep]
    else:
        y_out, X_out, Z_out = y_t, check, z_check
        out_names, out_z = [names[j] for j in keep], [z_names[j] for j in zkeep]
    raw_x = np.column_stack([np.ones(d.nobs), X[:, keep]]) if const else X[:, keep]
    raw_z = None
    if Z is not None:
        raw_z = np.column_stack([np.ones(d.nobs), Z[:, zkeep]]) if const else Z[:, zkeep]
    what = {(True, False): f"do not vary within {label}",
            (False, True): f"do not vary within {time_label} (they are common to all "
                           f"{label} units)",
            (True, True): f"are absorbed by the {label} and {time_label} effects (they vary "
                          f"only across {label} units or only over time)"}[(entity_fx, time_fx)]
    if extra:
        what = ("are absorbed by the fixed effects of "
                + ", ".join(repr(n) for n, _ in (factors or [])) + " (they are, or are "
                "collinear with, combinations of those effects)")
    return _Stage(y=y_out, X=X_out, check=check, names=out_names, rows=d.index,
                  entity=d.entity, time=d.time, groups=d.groups, absorbed_by=what, raw=raw_x,
                  df_entity=df_entity, df_time=df_time, Z=Z_out, z_check=z_check, z_raw=raw_z,
                  z_names=out_z, absorbed=extra)


def _between(d: PanelDesign, clusters: tuple[str, ...], label: str) -> _Stage:
    yb = group_means(d.y, d.entity)[:, 0]
    Xb = group_means(d.X, d.entity)
    groups: dict[str, np.ndarray] = {}
    first = np.unique(d.entity, return_index=True)[1]
    for name, values in d.groups.items():
        if name == "time":
            continue
        codes = pd.factorize(pd.Series(values))[0]
        if name in clusters and np.any(group_means(codes.astype(float), d.entity)[:, 0]
                                       != codes[first]):
            raise SpecificationError(
                f"cluster variable {name!r} varies within {label}; the between estimator "
                f"has one row per {label}, so clusters must contain whole {label} units")
        groups[name] = values[first]
    rows = pd.Index(d.index.get_level_values(0)[first])
    return _Stage(y=yb, X=Xb, check=Xb, names=list(d.names), rows=rows,
                  entity=np.arange(yb.shape[0]), time=None, groups=groups)


def _first_difference(d: PanelDesign, time_fx: bool, label: str, time_label: str) -> _Stage:
    X, names, Z, z_names = _full(d)
    ent = d.index.get_level_values(0)
    prev = d.index.get_indexer(pd.MultiIndex.from_arrays([ent, d.index.get_level_values(1) - 1]))
    valid = prev >= 0
    if not valid.any():
        raise DataError(
            f"no two consecutive years of the same {label} are complete, so there is no "
            "first difference to estimate")
    cur, before = np.flatnonzero(valid), prev[valid]

    def diff(A: np.ndarray, names_: list[str]) -> np.ndarray:
        out = A[cur] - A[before]
        for j, n in enumerate(names_):
            if n == "const":
                out[:, j] = 1.0  # an intercept in differences is a trend in levels
        return out

    Xd = diff(X, names)
    Zd = diff(Z, z_names) if Z is not None else None
    rows = d.index[cur]
    time_codes = pd.factorize(pd.Index(rows.get_level_values(1)), sort=True)[0]
    times = np.asarray(rows.get_level_values(1))
    if time_fx:
        Xd, names = _with_dummies(Xd, names, time_codes, times, d.has_const, time_label)
        if Zd is not None:
            Zd, z_names = _with_dummies(Zd, z_names, time_codes, times, d.has_const,
                                        time_label)
    raw = np.column_stack([X[cur], np.ones((len(cur), Xd.shape[1] - X.shape[1]))])
    z_raw = (np.column_stack([Z[cur], np.ones((len(cur), Zd.shape[1] - Z.shape[1]))])
             if Z is not None and Zd is not None else None)
    lost = int((~valid).sum())
    return _Stage(y=d.y[cur] - d.y[before], X=Xd, check=Xd, names=names, rows=rows,
                  entity=pd.factorize(pd.Index(rows.get_level_values(0)), sort=True)[0],
                  time=time_codes, groups={k: v[cur] for k, v in d.groups.items()},
                  absorbed_by=f"do not vary over time within {label}", raw=raw, Z=Zd,
                  z_check=Zd, z_raw=z_raw, z_names=z_names,
                  dropped={f"first year of a {label} or after a gap (no first difference)":
                           lost})


def _random_effects(d: PanelDesign, time_fx: bool, method: str, time_label: str, *,
                    mundlak: bool, drop: bool) -> _Stage:
    X, names, Z, z_names = _full(d)
    if time_fx:
        times = d.groups["time"]
        X, names = _with_dummies(X, names, d.time, times, d.has_const, time_label)
        if Z is not None:
            Z, z_names = _with_dummies(Z, z_names, d.time, times, d.has_const, time_label)
    X, names, _, _ = check_identification(X, names, drop=drop)
    stats_: dict[str, float] = {}
    if Z is not None:
        const_col = names.index("const") if "const" in names else None
        s2e, s2u = ec2sls_components(d.y, X, Z, d.entity, x_names=names, z_names=z_names,
                                     const_col=const_col)
        s2u = max(s2u, 0.0)
        Ti = np.bincount(d.entity).astype(float)
        theta = 1 - np.sqrt(s2e / (Ti[d.entity] * s2u + s2e))
        Zw = within(Z, d.entity)
        nonzero = np.sqrt((Zw**2).sum(axis=0)) > 1e-9 * np.maximum(
            np.sqrt((Z**2).sum(axis=0)), 1e-300)
        Zb = group_means(Z, d.entity)
        # Instruments [QZ, PZ] (Baltagi 1981); means equal across entities
        # (year dummies) duplicate the constant and are left out of PZ.
        varies = [j for j in range(Zb.shape[1]) if z_names[j] == "const" or np.ptp(Zb[:, j]) > 0]
        Z_out = np.column_stack([Zw[:, nonzero], Zb[d.entity][:, varies]])
        z_names = [f"within({n})" for n, ok in zip(z_names, nonzero, strict=True) if ok] + \
                  [f"between({z_names[j]})" for j in varies]
    else:
        vc = variance_components(d.y, X, d.entity, method=method, has_const=d.has_const)
        s2e, s2u, theta = vc.sigma2_e, vc.sigma2_u, vc.theta
        Z_out = None
    stats_.update(sigma2_u=s2u, sigma2_e=s2e, theta=float(theta.mean()))
    if np.ptp(theta) > 0:
        stats_.update(theta_min=float(theta.min()), theta_max=float(theta.max()))
    if mundlak:
        Xw = within(X, d.entity)
        varying = [j for j, n in enumerate(names) if n != "const"
                   and not n.endswith(f".{time_label}")
                   and np.sqrt((Xw[:, j] ** 2).sum()) > 1e-9 * np.sqrt((X[:, j] ** 2).sum())]
        means = group_means(X[:, varying], d.entity)[d.entity]
        X = np.column_stack([X, means])
        names = names + [f"mean({names[j]})" for j in varying]

    def quasi(A: np.ndarray) -> np.ndarray:
        return A - theta[:, None] * group_means(A, d.entity)[d.entity]

    y_star = d.y - theta * group_means(d.y, d.entity)[d.entity, 0]
    X_star = quasi(X)
    return _Stage(y=y_star, X=X_star, check=X_star, names=names, rows=d.index,
                  entity=d.entity, time=d.time, groups=d.groups, Z=Z_out, z_check=Z_out,
                  z_names=z_names, stats=stats_, theta=theta)
