"""Wild cluster bootstrap (WCR) for linear panel models with few clusters.

With fewer than about 20-30 clusters (clustering by region, or a handful of
countries) cluster-robust t tests over-reject. The restricted wild cluster
bootstrap of Cameron, Gelbach and Miller (2008), in the fast algebra of
Roodman, MacKinnon, Nielsen and Webb (2019, "Fast and wild", Stata's
``boottest``), gives p-values and, by inverting the test, confidence intervals:

1. estimate the model imposing ``H0: b_j = r``; keep the restricted residuals;
2. for each draw, multiply the residuals of cluster g by a weight ``v_g``
   (Rademacher ±1, or Webb's six-point distribution when clusters are very
   few), rebuild y, re-estimate and compute the cluster-robust t statistic;
3. the p-value is the share of bootstrap |t*| at least as large as |t|.

Everything is linear in ``r``, so the statistics for any null value come from
a few precomputed ``B``-vectors, and the confidence interval is found by
bisection on ``p(r) = 1 - level``. With Rademacher weights and ``2^G ≤ B``
the ``2^G`` sign patterns are enumerated (no Monte Carlo error), as boottest
and fwildclusterboot do.

Fixed effects nested in the bootstrap clusters are partialled out; other
effects enter as explicit dummies (Roodman et al. 2019, sec. 3.5), so the
bootstrap data-generating process respects them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from migecon.errors import SpecificationError
from migecon.estimate.linear.design import time_dummies, within
from migecon.estimate.results import Result, TestResult

__all__ = ["WEIGHTS", "BootstrapResult", "wild_bootstrap"]

WEIGHTS = ("rademacher", "webb", "mammen", "normal")
P_TYPES = ("symmetric", "equal-tailed")
#: Draws per chunk: bounds memory at about CHUNK x G doubles per matrix.
CHUNK = 20_000
#: Relative tolerance for ties |t*| = |t| (the draws v = ±1 reproduce the
#: sample statistic up to rounding); ties count as "at least as large".
TIE_RTOL = 1e-9


@dataclass(frozen=True)
class BootstrapResult:
    """Wild cluster bootstrap test of ``H0: param = null``.

    Attributes
    ----------
    param : str
        The tested coefficient.
    estimate, null : float
        Its estimate and the value under the null.
    stat : float
        Cluster-robust t statistic (CR1: ``G/(G-1) (N-1)/(N-K)``).
    pvalue : float
        Bootstrap p-value.
    conf_int : tuple of float or None
        Confidence interval by test inversion.
    level : float
        Its coverage.
    draws : int
        Bootstrap draws used (``2^G`` under full enumeration).
    weights : str
        Weight distribution.
    full_enumeration : bool
        All ``2^G`` Rademacher sign patterns were used (no Monte Carlo error).
    n_clusters : int
        Number of bootstrap clusters.
    cluster_by : str
        What was clustered on.
    seed : int or None
        Seed of the draws.
    mc_se : float
        Monte Carlo standard error of the p-value, ``sqrt(p(1-p)/B)`` (0
        under full enumeration).
    p_type : str
        ``"symmetric"`` (``|t*| >= |t|``) or ``"equal-tailed"``.
    """

    param: str
    estimate: float
    null: float
    stat: float
    pvalue: float
    conf_int: tuple[float, float] | None
    level: float
    draws: int
    weights: str
    full_enumeration: bool
    n_clusters: int
    cluster_by: str
    seed: int | None
    mc_se: float
    p_type: str = "symmetric"
    t_boot: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False,
                               compare=False)

    def __str__(self) -> str:
        ci = ("" if self.conf_int is None else
              f", {self.level:.0%} CI [{self.conf_int[0]:.4g}, {self.conf_int[1]:.4g}]")
        how = ("all 2^G sign patterns" if self.full_enumeration
               else f"{self.draws} draws, seed {self.seed}, MC s.e. {self.mc_se:.4f}")
        return (f"Wild cluster bootstrap (WCR, {self.weights}; {self.n_clusters} clusters by "
                f"{self.cluster_by}; {how}): H0 {self.param} = {self.null:g}: t = "
                f"{self.stat:.3f}, p = {self.pvalue:.4f}{ci}")

    def to_test(self) -> TestResult:
        """The result as a :class:`TestResult` (for ``Result.tests`` and tables)."""
        return TestResult(
            name=f"Wild bootstrap ({self.param})", stat=self.stat, pvalue=self.pvalue,
            distribution="bootstrap", null=f"{self.param} = {self.null:g}",
            note=str(self))


def wild_bootstrap(result: Result, param: str, *, null: float = 0.0, B: int = 9999,
                   weights: str = "rademacher", cluster: str | None = None,
                   seed: int | None = None, level: float = 0.95, conf_int: bool = True,
                   p_type: str = "symmetric", progress: bool | None = None,
                   parallel: int | str | None = None) -> BootstrapResult:
    """Restricted wild cluster bootstrap test and confidence interval.

    Parameters
    ----------
    result : Result
        A model estimated by :func:`migecon.fit` (pooled, FE, RE, between or
        FD; not IV).
    param : str
        Coefficient to test.
    null : float
        Value under the null hypothesis.
    B : int
        Number of bootstrap draws (``9999`` is customary; full enumeration is
        used instead when Rademacher weights and ``2^G ≤ B``).
    weights : {"rademacher", "webb", "mammen", "normal"}
        Distribution of the cluster weights. Use ``"webb"`` with fewer than
        about 12 clusters (Rademacher has only ``2^G`` distinct draws).
    cluster : str, optional
        ``"entity"``, ``"time"`` (or the panel's names for them), or a cluster
        variable used when fitting (``cluster=`` of :func:`migecon.fit`; it
        is kept with the result). Default: the result's one-way clustering,
        else the entity.
    seed : int, optional
        Seed of the random draws (set it for reproducible results).
    level : float
        Coverage of the confidence interval.
    conf_int : bool
        Compute the confidence interval by test inversion.
    p_type : {"symmetric", "equal-tailed"}
        Symmetric (``|t*| >= |t|``, boottest's default) or equal-tailed p-value.
    progress : bool, optional
        Show a tqdm progress bar; default: when ``B ≥ 10000`` and the
        terminal is interactive.
    parallel : None, int or str
        Where the blocks of 20,000 draws are computed: serial (default), local
        processes, ``"dask"`` or a joblib backend (:mod:`migecon.parallel`). The
        draws come from one seeded stream before they are split, so every choice
        gives the same p-value and interval.

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> res = mg.fit("growth ~ remittances + investment", panel, estimator="fe",
    ...              cov_type="clustered")
    >>> bt = mg.wild_bootstrap(res, "remittances", B=999, seed=1, conf_int=False)
    >>> bt.n_clusters == res.n_entities, bt.draws, 0 <= bt.pvalue <= 1
    (True, 999, True)
    """
    if weights not in WEIGHTS:
        raise SpecificationError(
            f"weights must be one of {', '.join(repr(w) for w in WEIGHTS)}; got {weights!r}")
    if p_type not in P_TYPES:
        raise SpecificationError(
            f"p_type must be one of {', '.join(repr(p) for p in P_TYPES)}; got {p_type!r}")
    if int(B) < 99:
        raise SpecificationError(f"B must be at least 99 draws; got {B}")
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1; got {level}")
    data = result.fit_data
    if data is None:
        raise SpecificationError(
            "this result does not keep its data (it was read from JSON or built by another "
            "estimator); re-estimate it with mg.fit to bootstrap")
    if getattr(data, "weighted", False):
        raise SpecificationError(
            "the wild cluster bootstrap is implemented for unweighted models; refit without "
            "weights= to bootstrap, or use the weighted model's cluster-robust errors")
    if getattr(data, "absorbed", ()):
        raise SpecificationError(
            f"the wild bootstrap does not handle absorb= factors {list(data.absorbed)} yet; "
            "refit without absorb= (as explicit effects or dummies) to bootstrap")
    if data.is_iv:
        raise SpecificationError(
            "the wild bootstrap for IV models (WRE) is not implemented; bootstrap the "
            "reduced form, or use cluster-robust errors with a t(G-1) reference")
    if param not in result.params.index:
        raise SpecificationError(
            f"param {param!r} is not a coefficient of the model; available: "
            f"{', '.join(map(str, result.params.index))}")
    groups, cluster_by = _clusters(result, data, cluster)
    X, y, names, codes, k_model = _bootstrap_design(data, groups, cluster_by)
    if param not in names:
        raise SpecificationError(
            f"{param!r} is absorbed when the effects are partialled out; it cannot be "
            "bootstrapped")
    j = names.index(param)
    engine = _Engine(X, y, codes, j, k_model)
    n_clusters = engine.G
    enumerate_all = weights == "rademacher" and 2**n_clusters <= int(B)
    rng = np.random.default_rng(seed)
    V = _draws(weights, n_clusters, int(B), enumerate_all, rng)
    show = progress if progress is not None else (None if V.shape[0] >= 10_000 else False)
    engine.prepare(V, show, parallel)
    stat = engine.t_stat(null)
    pvalue = engine.pvalue(null, p_type)
    ci = engine.invert(1 - level, p_type) if conf_int else None
    draws = V.shape[0]
    mc_se = 0.0 if enumerate_all else float(np.sqrt(pvalue * (1 - pvalue) / draws))
    return BootstrapResult(
        param=param, estimate=float(engine.b[j]), null=float(null), stat=stat, pvalue=pvalue,
        conf_int=ci, level=level, draws=draws, weights=weights,
        full_enumeration=enumerate_all, n_clusters=n_clusters, cluster_by=cluster_by,
        seed=seed, mc_se=mc_se, p_type=p_type, t_boot=engine.t_boot(null))


# -------------------------------------------------------------- the design
def _clusters(result: Result, data: Any, cluster: str | None) -> tuple[str, str]:
    """The bootstrap clustering: a key of the kept groups, and its label."""
    names = ([str(n) for n in result.sample.names] if result.sample is not None
             else ["", ""])
    if cluster is None:
        ci = result.cov_info
        if not (ci.cov_type == "clustered" and ci.cluster_by and "+" not in ci.cluster_by):
            return "entity", names[0] or "entity"
        cluster = ci.cluster_by
        if cluster in data.raw_groups and cluster not in ("entity", "time"):
            return cluster, cluster
        if cluster in (names[1], "year", "time"):
            return "time", cluster
        return "entity", cluster
    if cluster in ("entity", names[0]):
        return "entity", names[0] or "entity"
    if cluster in ("time", names[1]):
        return "time", names[1] or "time"
    if cluster not in data.raw_groups:
        raise SpecificationError(
            f"cluster variable {cluster!r} was not kept with the result; fit the model with "
            f"cov_type='clustered', cluster={cluster!r} first")
    return cluster, cluster


def _bootstrap_design(data: Any, cluster: str, label: str
                      ) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray, int]:
    """Regressors, outcome, names, cluster codes and the K of the CR1 factor.

    K counts the model's coefficients (with the constant) plus the explicit
    effect dummies, so the reported t equals the model's clustered t under
    ``small_sample="stata"`` (effects nested in the clusters are not counted).
    """
    if data.estimator != "fe":
        codes = _cluster_codes(cluster, data.groups)
        return data.X, data.y, list(data.names), codes, data.X.shape[1]
    # Fixed effects: rebuild from the untransformed rows so that effects not
    # nested in the bootstrap clusters are explicit dummies.
    raw_groups = data.raw_groups
    codes = _cluster_codes(cluster, raw_groups)
    y, X = data.raw_y, data.raw_X
    names = list(data.names)
    ent, tim = data.raw_entity, data.raw_time
    entity_fx = data.effects in ("entity", "twoway")
    time_fx = data.effects in ("time", "twoway")
    slopes = [k for k, n in enumerate(names) if n != "const"]
    Xs, out_names = X[:, slopes], [names[k] for k in slopes]
    blocks = [Xs]
    partial: np.ndarray | None = None
    if entity_fx and _nested(ent, codes):
        partial = ent
    elif time_fx and _nested(tim, codes):
        partial = tim
    if entity_fx and partial is not ent:
        blocks.append(_dummies(ent))
    if time_fx and partial is not tim:
        blocks.append(_dummies(tim))
    Xb = np.column_stack(blocks)
    if partial is None:
        Xb = np.column_stack([Xb, np.ones(len(y))])
        Xb = _drop_redundant(Xb, keep=len(slopes))
        extra = [f"_fe{k}" for k in range(Xb.shape[1] - len(slopes))]
        return Xb, y, out_names + extra, codes, Xb.shape[1]
    Xb = within(Xb, partial)
    yb = within(y, partial)
    Xb = _drop_redundant(Xb, keep=len(slopes))
    extra = [f"_fe{k}" for k in range(Xb.shape[1] - len(slopes))]
    return Xb, yb, out_names + extra, codes, Xb.shape[1] + (1 if data.has_const else 0)


def _cluster_codes(cluster: str, groups: dict[str, np.ndarray]) -> np.ndarray:
    if cluster not in groups:
        raise SpecificationError(
            f"cannot cluster the bootstrap by {cluster!r} for this estimator (available: "
            f"{', '.join(sorted(groups))})")
    return pd.factorize(pd.Series(groups[cluster]), sort=True)[0].astype(np.int64)


def _nested(inner: np.ndarray, outer: np.ndarray) -> bool:
    frame = pd.DataFrame({"i": inner, "o": outer})
    return bool((frame.groupby("i")["o"].nunique() <= 1).all())


def _dummies(codes: np.ndarray) -> np.ndarray:
    return time_dummies(pd.factorize(pd.Series(codes), sort=True)[0], drop_first=True)


def _drop_redundant(X: np.ndarray, keep: int) -> np.ndarray:
    """Drop dummy columns (after the first ``keep``) that add no rank."""
    cols = list(range(keep))
    for j in range(keep, X.shape[1]):
        if not np.any(np.abs(X[:, j]) > 1e-12):
            continue
        trial = [*cols, j]
        if np.linalg.matrix_rank(X[:, trial]) == len(trial):
            cols.append(j)
    return X[:, cols]


def _draws(weights: str, G: int, B: int, enumerate_all: bool,
           rng: np.random.Generator) -> np.ndarray:
    if enumerate_all:
        return np.array(list(itertools.product([-1.0, 1.0], repeat=G)))
    if weights == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(B, G))
    if weights == "webb":
        support = np.sqrt(np.array([1.0, 2.0, 3.0]) / 2)
        return rng.choice(np.r_[-support, support], size=(B, G))
    if weights == "mammen":
        s5 = np.sqrt(5.0)
        values = np.array([-(s5 - 1) / 2, (s5 + 1) / 2])
        probs = np.array([(s5 + 1) / (2 * s5), (s5 - 1) / (2 * s5)])
        return rng.choice(values, size=(B, G), p=probs)
    return rng.standard_normal(size=(B, G))


# -------------------------------------------------------------- the algebra
@dataclass(frozen=True)
class _ChunkAlgebra:
    """Picklable: the five B-vectors of one block of draws (rows of ``V``)."""

    c0: np.ndarray
    c1: np.ndarray
    D0: np.ndarray
    D1: np.ndarray

    def __call__(self, v: np.ndarray) -> tuple[np.ndarray, ...]:
        u0 = v * self.c0 - v @ self.D0.T
        u1 = v * self.c1 - v @ self.D1.T
        return (v @ self.c0, v @ self.c1, np.sum(u0 * u0, axis=1), np.sum(u0 * u1, axis=1),
                np.sum(u1 * u1, axis=1))


class _Engine:
    """Bootstrap t statistics of one coefficient as functions of the null value."""

    def __init__(self, X: np.ndarray, y: np.ndarray, codes: np.ndarray, j: int,
                 k_model: int) -> None:
        self.X, self.y, self.codes, self.j = X, y, codes, j
        N, K = X.shape
        self.G = int(codes.max()) + 1
        if self.G < 2:
            raise SpecificationError("the wild cluster bootstrap needs at least 2 clusters")
        self.A = np.linalg.inv(X.T @ X)
        self.b = self.A @ (X.T @ y)
        self.a = self.A[:, j]
        # CR1 factor: it cancels between t and t*, and makes t match Stata's.
        self.factor = self.G / (self.G - 1) * (N - 1) / (N - k_model)
        e = y - X @ self.b
        scores = self._gsum(X * e[:, None]) @ self.a
        self.se = float(np.sqrt(self.factor * np.sum(scores**2)))
        # Restricted residuals e_r(r) = e0 + r e1 (regress y - r x_j on the rest).
        others = [k for k in range(K) if k != j]
        Xo = X[:, others]
        if Xo.shape[1]:
            proj = Xo @ np.linalg.lstsq(Xo, np.column_stack([y, X[:, j]]), rcond=None)[0]
            self.e0, self.e1 = y - proj[:, 0], -(X[:, j] - proj[:, 1])
        else:
            self.e0, self.e1 = y.copy(), -X[:, j].copy()
        S0 = self._gsum(X * self.e0[:, None])
        S1 = self._gsum(X * self.e1[:, None])
        self.c0, self.c1 = S0 @ self.a, S1 @ self.a
        U = self._gsum(X * (X @ self.a)[:, None])          # H_g a
        self.D0 = U @ (S0 @ self.A).T                      # d_gh = a'H_g A S_h
        self.D1 = U @ (S1 @ self.A).T

    def _gsum(self, M: np.ndarray) -> np.ndarray:
        out = np.zeros((self.G, M.shape[1]))
        np.add.at(out, self.codes, M)
        return out

    def prepare(self, V: np.ndarray, progress: bool | None,
                parallel: int | str | None = None) -> None:
        """Precompute the B-vectors that give t*(r) for any r."""
        from tqdm.auto import tqdm

        from migecon.parallel import map_tasks

        B = V.shape[0]
        starts = list(range(0, B, CHUNK))
        # tqdm: disable=None hides the bar when the output is not a terminal.
        disable = None if progress is None else not progress
        bar = tqdm(total=len(starts), disable=disable, desc="wild bootstrap", unit="chunk")

        def tick(_i: int, _out: tuple[np.ndarray, ...]) -> None:
            bar.update(1)

        try:
            blocks = map_tasks(_ChunkAlgebra(self.c0, self.c1, self.D0, self.D1),
                               [V[s:s + CHUNK] for s in starts], parallel=parallel,
                               on_result=tick)
        finally:
            bar.close()
        self.n0, self.n1, self.q0, self.q1, self.q2 = (
            np.concatenate([b[k] for b in blocks]) for k in range(5))

    def t_stat(self, r: float) -> float:
        return float((self.b[self.j] - r) / self.se)

    def t_boot(self, r: float) -> np.ndarray:
        num = self.n0 + r * self.n1
        var = self.factor * (self.q0 + 2 * r * self.q1 + r * r * self.q2)
        with np.errstate(divide="ignore", invalid="ignore"):
            return num / np.sqrt(var)

    def pvalue(self, r: float, p_type: str) -> float:
        t = self.t_stat(r)
        tb = self.t_boot(r)
        if p_type == "symmetric":
            return float(np.mean(np.abs(tb) >= abs(t) * (1 - TIE_RTOL)))
        lower = float(np.mean(tb <= t + TIE_RTOL * abs(t)))
        upper = float(np.mean(tb >= t - TIE_RTOL * abs(t)))
        return min(1.0, 2.0 * min(lower, upper))

    def invert(self, alpha: float, p_type: str) -> tuple[float, float]:
        """Confidence interval: the null values where p(r) crosses alpha."""
        b, se = float(self.b[self.j]), self.se
        return (self._bound(b, -se, alpha, p_type), self._bound(b, se, alpha, p_type))

    def _bound(self, b: float, step: float, alpha: float, p_type: str) -> float:
        inside, outside = b, b + 2 * step
        for _ in range(60):
            if self.pvalue(outside, p_type) < alpha:
                break
            inside, outside = outside, outside + 2 * (outside - b)
        else:
            return float("inf") if step > 0 else float("-inf")
        # p(r) is a step function; bisection finds the crossing to 1e-8 s.e.
        for _ in range(200):
            mid = (inside + outside) / 2
            if self.pvalue(mid, p_type) >= alpha:
                inside = mid
            else:
                outside = mid
            if abs(outside - inside) <= 1e-8 * abs(step):
                break
        return float((inside + outside) / 2)
