"""Covariance estimators and their finite-sample conventions.

Every estimator in :mod:`migecon.estimate` ends with a bread matrix ``A``
(``(X'X)^{-1}``, or ``(X̂'X̂)^{-1}`` for 2SLS), the regressors that enter the
scores and the residuals. :func:`compute_covariance` turns these into the
covariance matrix of the estimates and a :class:`CovarianceInfo` whose
description goes into summaries and table notes, so the standard-error type,
the number of clusters and the small-sample rule are never left implicit.

Two finite-sample conventions are offered (see ``docs/methods.md`` for the
table of factors):

``small_sample="none"``
    Sandwich covariances without any factor (HC0, CR0, Driscoll-Kraay as in
    Driscoll and Kraay 1998) and normal reference distribution; the
    homoskedastic covariance divides the residual sum of squares by the
    residual degrees of freedom ``N - K - (absorbed effects)`` and uses the
    t distribution, as every textbook and plm do.
``small_sample="stata"``
    Stata's rules: ``regress`` (``N/(N-K)`` for robust, ``G/(G-1) (N-1)/(N-K)``
    for clusters), ``xtreg, fe`` / ``reghdfe`` (fixed effects nested in the
    clusters are not counted in ``K``), t with ``G - 1`` degrees of freedom
    for clustered errors, ``xtscc``'s ``T/(T-1) (N-1)/(N-K)`` and t(T - 1)
    for Driscoll-Kraay, and ``ivregress`` without ``small`` for 2SLS without
    absorbed effects (``RSS/N``, sandwiches without a factor, z statistics).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import SpecificationError
from migecon.estimate.records import CovarianceInfo

__all__ = ["CLUSTER_DF", "COV_TYPES", "KERNELS", "SMALL_SAMPLE", "CovInputs", "CovSpec",
           "compute_covariance", "kernel_weights", "linearmodels_cov_options",
           "parse_cov_options", "stata_factors"]

COV_TYPES = ("unadjusted", "robust", "clustered", "driscoll-kraay")
SMALL_SAMPLE = ("none", "stata", "reghdfe")


def stata_factors(small_sample: str) -> bool:
    """True for the conventions that apply Stata's finite-sample factors.

    ``"reghdfe"`` is ``"stata"`` except for instrumental variables, whose
    inference it reports like ``ivreghdfe`` / ``ivreg2, small`` (t statistics)
    rather than like ``xtivreg`` and ``ivregress`` (z statistics).

    Examples
    --------
    >>> [stata_factors(s) for s in SMALL_SAMPLE]
    [False, True, True]
    """
    return small_sample in ("stata", "reghdfe")
KERNELS = ("bartlett", "parzen", "quadratic-spectral")
CLUSTER_DF = ("each", "min")
_KERNEL_ALIASES = {"bartlett": "bartlett", "newey-west": "bartlett", "parzen": "parzen",
                   "gallant": "parzen", "quadratic-spectral": "quadratic-spectral",
                   "qs": "quadratic-spectral", "andrews": "quadratic-spectral"}
#: Keyword options of ``fit`` that configure the covariance.
COV_OPTIONS = ("cluster", "cluster_entity", "cluster_time", "bandwidth", "kernel", "cluster_df")


@dataclass(frozen=True)
class CovSpec:
    """A validated covariance request.

    ``clusters`` holds ``"entity"``, ``"time"`` or names of panel variables
    (at most two: two-way clustering).
    """

    cov_type: str
    small_sample: str = "none"
    clusters: tuple[str, ...] = ()
    kernel: str = "bartlett"
    bandwidth: float | None = None
    cluster_df: str = "each"

    @property
    def variables(self) -> tuple[str, ...]:
        """Panel variables (not entity/time) the clustering needs."""
        return tuple(c for c in self.clusters if c not in ("entity", "time"))


def parse_cov_options(cov_type: str, small_sample: str, *, entity_name: str = "entity",
                      time_name: str = "time", **options: Any) -> CovSpec:
    """Validate ``cov_type``, ``small_sample`` and the covariance keyword options.

    Parameters
    ----------
    cov_type : {"unadjusted", "robust", "clustered", "driscoll-kraay"}
        The covariance estimator.
    small_sample : {"none", "stata", "reghdfe"}
        Finite-sample convention (``"reghdfe"``: as ``"stata"``, with IV
        inference as ``ivreghdfe``).
    entity_name, time_name : str
        Names of the panel's index levels (accepted as cluster names).
    **options
        ``cluster`` (``"entity"``, ``"time"``, a variable name, or a pair of
        them), ``cluster_entity`` / ``cluster_time`` (booleans, the
        linearmodels spelling), ``kernel``, ``bandwidth`` (Driscoll-Kraay) and
        ``cluster_df`` (``"each"``: every two-way component gets its own
        ``G/(G-1)``, as Cameron-Gelbach-Miller and Petersen; ``"min"``: all
        get ``Gmin/(Gmin-1)``, as reghdfe/ivreg2).

    Examples
    --------
    >>> parse_cov_options("clustered", "stata", cluster=("firm", "year"),
    ...                   entity_name="firm", time_name="year").clusters
    ('entity', 'time')
    """
    if cov_type not in COV_TYPES:
        raise SpecificationError(
            f"cov_type must be one of {', '.join(repr(c) for c in COV_TYPES)}; "
            f"got {cov_type!r}")
    if small_sample not in SMALL_SAMPLE:
        raise SpecificationError(
            f"small_sample must be one of {', '.join(repr(c) for c in SMALL_SAMPLE)}; "
            f"got {small_sample!r}")
    unknown = sorted(set(options) - set(COV_OPTIONS))
    if unknown:
        raise SpecificationError(
            f"unknown option(s) {unknown}; covariance options are "
            f"{', '.join(COV_OPTIONS)}")
    kernel = str(options.get("kernel") or "bartlett").lower()
    if kernel not in _KERNEL_ALIASES:
        raise SpecificationError(
            f"kernel must be one of {', '.join(repr(k) for k in KERNELS)}; got {kernel!r}")
    cluster_df = str(options.get("cluster_df") or "each")
    if cluster_df not in CLUSTER_DF:
        raise SpecificationError(
            f"cluster_df must be one of {', '.join(repr(k) for k in CLUSTER_DF)}; "
            f"got {cluster_df!r}")
    bandwidth = options.get("bandwidth")
    if bandwidth is not None and (not np.isfinite(float(bandwidth)) or float(bandwidth) < 0):
        raise SpecificationError(f"bandwidth must be a non-negative number; got {bandwidth!r}")
    clusters: tuple[str, ...] = ()
    given = {k for k in ("cluster", "cluster_entity", "cluster_time")
             if options.get(k) not in (None, False)}
    if cov_type != "clustered" and given:
        raise SpecificationError(
            f"cluster options ({', '.join(sorted(given))}) need cov_type='clustered'; "
            f"got cov_type={cov_type!r}")
    if cov_type == "clustered":
        clusters = _resolve_clusters(options, entity_name, time_name)
    return CovSpec(cov_type=cov_type, small_sample=small_sample, clusters=clusters,
                   kernel=_KERNEL_ALIASES[kernel],
                   bandwidth=None if bandwidth is None else float(bandwidth),
                   cluster_df=cluster_df)


def _resolve_clusters(options: Mapping[str, Any], entity_name: str,
                      time_name: str) -> tuple[str, ...]:
    cluster = options.get("cluster")
    if cluster is None:
        by_entity = options.get("cluster_entity")
        by_time = bool(options.get("cluster_time", False))
        if by_entity is None:
            by_entity = not by_time
        out = (("entity",) if by_entity else ()) + (("time",) if by_time else ())
        if not out:
            raise SpecificationError(
                "clustered covariance needs cluster_entity=True and/or cluster_time=True, "
                "or cluster='<variable>'")
        return out
    names = [cluster] if isinstance(cluster, str) else list(cluster)
    if not 1 <= len(names) <= 2 or not all(isinstance(c, str) for c in names):
        raise SpecificationError(
            "cluster must be a variable name or a pair of names (two-way clustering); "
            f"got {cluster!r}")
    resolved = []
    for name in names:
        if name in ("entity", entity_name):
            resolved.append("entity")
        elif name in ("time", time_name):
            resolved.append("time")
        else:
            resolved.append(name)
    if len(set(resolved)) != len(resolved):
        raise SpecificationError(f"cluster names repeat: {names}")
    return tuple(resolved)


@dataclass
class CovInputs:
    """What a covariance estimator needs from a fitted linear model.

    Attributes
    ----------
    bread : ndarray
        ``(X'X)^{-1}`` (OLS) or ``(X̂'X̂)^{-1}`` (2SLS), K x K.
    regressors : ndarray
        The N x K matrix entering the scores (``X`` or ``X̂``), transformed.
    resid : ndarray
        Residuals of the estimated (transformed) equation.
    k : int
        Number of estimated coefficients.
    df_entity, df_time : int
        Degrees of freedom absorbed by entity and by time effects.
    groups : mapping of str to ndarray
        Cluster identifiers per row, keyed like :attr:`CovSpec.clusters`
        (``"entity"``, ``"time"``, variable names).
    entity, time : ndarray or None
        Entity and time codes per row (nesting checks, Driscoll-Kraay).
    sigma2_divisor : float or None
        Divisor of the residual sum of squares for the homoskedastic
        covariance; default ``N - K - df_entity - df_time``.
    force_normal : bool
        Use normal critical values whatever the convention (GLS, ivregress).
    no_small_factor : bool
        Apply no finite-sample factor to sandwich covariances even under
        ``small_sample="stata"``: ``ivregress 2sls`` without ``small`` reports
        HC0 / CR0 (2SLS without absorbed effects).
    absorbed : sequence of (ndarray, int)
        Further absorbed factors (``absorb=``): codes per row and degrees of
        freedom; like the entity and time effects, those nested in a
        clustering dimension are not counted in the small-sample factor.
    """

    bread: np.ndarray
    regressors: np.ndarray
    resid: np.ndarray
    k: int
    df_entity: int = 0
    df_time: int = 0
    groups: Mapping[str, np.ndarray] | None = None
    entity: np.ndarray | None = None
    time: np.ndarray | None = None
    sigma2_divisor: float | None = None
    force_normal: bool = False
    no_small_factor: bool = False
    absorbed: Sequence[tuple[np.ndarray, int]] = ()

    @property
    def nobs(self) -> int:
        return int(self.resid.shape[0])

    @property
    def df_resid(self) -> float:
        return float(self.nobs - self.k - self.df_entity - self.df_time
                     - sum(df for _, df in self.absorbed))


def compute_covariance(inputs: CovInputs, spec: CovSpec, *, entity_label: str = "country",
                       time_label: str = "year") -> tuple[np.ndarray, CovarianceInfo]:
    """Covariance matrix and its description.

    Parameters
    ----------
    inputs : CovInputs
        Bread, score regressors, residuals and degrees of freedom.
    spec : CovSpec
        The covariance request (from :func:`parse_cov_options`).
    entity_label, time_label : str
        Words used in descriptions ("clustered by country (120 clusters)").

    Returns
    -------
    cov : ndarray
    info : CovarianceInfo

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(4), [1.0, 2.0, 3.0, 5.0]])
    >>> e = np.array([0.1, -0.2, 0.15, -0.05])
    >>> cov, info = compute_covariance(
    ...     CovInputs(np.linalg.inv(X.T @ X), X, e, k=2), CovSpec("robust", "stata"))
    >>> info.description
    'heteroskedasticity-robust (HC1, Stata)'
    """
    stata = stata_factors(spec.small_sample)
    n, k = inputs.nobs, inputs.k
    df_resid = inputs.df_resid
    if df_resid <= 0:
        raise SpecificationError(
            f"no residual degrees of freedom: {n} observations, {k} coefficients and "
            f"{inputs.df_entity + inputs.df_time} absorbed effects")
    A, X, e = inputs.bread, inputs.regressors, inputs.resid
    normal = inputs.force_normal
    if spec.cov_type == "unadjusted":
        divisor = inputs.sigma2_divisor if inputs.sigma2_divisor else df_resid
        s2 = float(e @ e) / divisor
        desc = "conventional (homoskedastic)"
        adjustment = f"s² = RSS/{divisor:g}"
        dist = _dist(not normal)
        return _sym(s2 * A), CovarianceInfo(
            "unadjusted", desc, small_sample=spec.small_sample, dist=dist,
            df_resid=None if dist == "normal" else df_resid, adjustment=adjustment)
    scores = X * e[:, None]
    if spec.cov_type == "robust":
        meat = scores.T @ scores
        hc1 = stata and not inputs.no_small_factor
        factor = n / df_resid if hc1 else 1.0
        desc = ("heteroskedasticity-robust (HC1, Stata)" if hc1
                else "heteroskedasticity-robust (White, HC0)")
        dist = _dist(stata and not normal)
        return _sym(factor * A @ meat @ A), CovarianceInfo(
            "robust", desc, small_sample=spec.small_sample, dist=dist,
            df_resid=df_resid if dist == "t" else None,
            adjustment=f"N/(N-K) = {factor:.6g}" if hc1 else "none")
    if spec.cov_type == "clustered":
        return _clustered(inputs, spec, scores, entity_label, time_label)
    return _driscoll_kraay(inputs, spec, scores)


def _clustered(inputs: CovInputs, spec: CovSpec, scores: np.ndarray, entity_label: str,
               time_label: str) -> tuple[np.ndarray, CovarianceInfo]:
    # ivregress without `small` (no_small_factor) reports CR0 with z statistics.
    stata = stata_factors(spec.small_sample) and not inputs.no_small_factor
    groups = inputs.groups or {}
    missing = [c for c in spec.clusters if c not in groups]
    if missing:
        raise SpecificationError(f"cluster identifiers for {missing} are not available")
    n, A = inputs.nobs, inputs.bread
    # Entity and time come as codes already: no re-factorising of the labels.
    codes = [inputs.entity if c == "entity" and inputs.entity is not None
             and len(inputs.entity) == n else
             inputs.time if c == "time" and inputs.time is not None
             and len(inputs.time) == n else _codes(groups[c]) for c in spec.clusters]
    codes = [np.asarray(c, dtype=np.int64) for c in codes]
    counts = [int(c.max()) + 1 for c in codes]
    if min(counts) < 2:
        raise SpecificationError(
            f"clustering needs at least 2 clusters; {spec.clusters} give {counts}")
    # Effects nested in a clustering dimension cost no degrees of freedom in
    # the (N-1)/(N-K) factor (xtreg, fe and reghdfe; areg counts them all).
    k_adj = inputs.k
    for dim, df in (("entity", inputs.df_entity), ("time", inputs.df_time)):
        ids = inputs.entity if dim == "entity" else inputs.time
        if df and not (ids is not None and any(_nested(ids, c) for c in codes)):
            k_adj += df
    for ids, df in inputs.absorbed:
        if df and not any(_nested(ids, c) for c in codes):
            k_adj += df
    small = (n - 1) / (n - k_adj) if stata else 1.0

    def meat(c: np.ndarray) -> np.ndarray:
        sums = _group_sums(scores, c)
        return sums.T @ sums

    g_min = min(counts)
    if len(codes) == 1:
        g = counts[0]
        factor = small * g / (g - 1) if stata else 1.0
        total = factor * meat(codes[0])
        adj = f"G/(G-1)·(N-1)/(N-K) = {factor:.6g}" if stata else "none"
    else:
        inter = _codes(codes[0].astype(np.int64) * (counts[1] + 1) + codes[1])
        g12 = int(inter.max()) + 1
        if stata and spec.cluster_df == "min":
            f1 = f2 = f12 = small * g_min / (g_min - 1)
        elif stata:
            f1, f2 = (small * g / (g - 1) for g in counts)
            f12 = small * g12 / (g12 - 1) if g12 > 1 else small
        else:
            f1 = f2 = f12 = 1.0
        total = f1 * meat(codes[0]) + f2 * meat(codes[1]) - f12 * meat(inter)
        adj = (("each dimension G_d/(G_d-1)·(N-1)/(N-K) (Cameron-Gelbach-Miller)"
                if spec.cluster_df == "each" else "Gmin/(Gmin-1)·(N-1)/(N-K) (reghdfe)")
               if stata else "none")
    cov = _sym(A @ total @ A)
    labels = [entity_label if c == "entity" else time_label if c == "time" else c
              for c in spec.clusters]
    if len(codes) == 1:
        desc = f"clustered by {labels[0]} ({counts[0]} clusters)"
        n_clusters: int | tuple[int, ...] = counts[0]
    else:
        desc = (f"two-way clustered by {labels[0]} ({counts[0]}) and {labels[1]} "
                f"({counts[1]})")
        n_clusters = tuple(counts)
    if stata:
        desc += ", Stata small-sample factors"
    dist = _dist(stata_factors(spec.small_sample) and not inputs.force_normal)
    return cov, CovarianceInfo(
        "clustered", desc, n_clusters=n_clusters, cluster_by="+".join(labels),
        small_sample=spec.small_sample, dist=dist,
        df_resid=float(g_min - 1) if dist == "t" else None, adjustment=adj)


def _driscoll_kraay(inputs: CovInputs, spec: CovSpec,
                    scores: np.ndarray) -> tuple[np.ndarray, CovarianceInfo]:
    if inputs.time is None:
        raise SpecificationError("Driscoll-Kraay errors need the time index of every row")
    stata = stata_factors(spec.small_sample) and not inputs.no_small_factor
    times = _codes(inputs.time)
    n_periods = int(times.max()) + 1
    sums = _group_sums(scores, times)
    rule = spec.bandwidth is None
    bw = (float(np.floor(4 * (n_periods / 100) ** (2 / 9))) if spec.bandwidth is None
          else float(spec.bandwidth))
    if bw >= n_periods:
        raise SpecificationError(
            f"Driscoll-Kraay bandwidth {bw:g} must be below the number of periods "
            f"({n_periods}); pass a smaller bandwidth=")
    w = kernel_weights(spec.kernel, bw, n_periods - 1)
    s = w[0] * sums.T @ sums
    for lag in range(1, len(w)):
        if w[lag] == 0:
            continue
        gamma = sums[lag:].T @ sums[:-lag]
        s += w[lag] * (gamma + gamma.T)
    # xtscc (1.3+) and ivreg2's dkraay(), small: T/(T-1) (N-1)/(N-K), where K
    # counts the regressors and year dummies but not the entity effects
    # removed by the within transformation (`xtscc y x i.year, fe`).
    n = inputs.nobs
    k_adj = inputs.k + inputs.df_time + sum(df for _, df in inputs.absorbed)
    factor = (n_periods / (n_periods - 1)) * (n - 1) / (n - k_adj) if stata else 1.0
    cov = _sym(factor * inputs.bread @ s @ inputs.bread)
    how = (f"= floor(4 (T/100)^(2/9)) with T = {n_periods}" if rule else "(chosen)")
    desc = f"Driscoll-Kraay ({spec.kernel} kernel, bandwidth {bw:g} {how})"
    dist = _dist(stata_factors(spec.small_sample) and not inputs.force_normal)
    return cov, CovarianceInfo(
        "driscoll-kraay", desc, small_sample=spec.small_sample, dist=dist,
        df_resid=float(n_periods - 1) if dist == "t" else None, kernel=spec.kernel,
        bandwidth=bw, n_clusters=n_periods, cluster_by="time",
        adjustment=(f"T/(T-1)·(N-1)/(N-K) = {factor:.6g}, t(T-1)" if stata
                    else "none"))


def kernel_weights(kernel: str, bandwidth: float, max_lag: int) -> np.ndarray:
    """Weights of lags ``0..L`` of a HAC kernel.

    Bartlett: ``1 - l/(m+1)``; Parzen: ``1 - 6z² + 6z³`` (z ≤ 1/2) else
    ``2(1-z)³`` with ``z = l/(m+1)`` (both truncated at lag ``m``);
    quadratic spectral: ``3 (sin x / x - cos x) / x²`` with ``x = 6π(l/m)/5``
    for every available lag (the definitions of linearmodels and Andrews 1991).

    Examples
    --------
    >>> kernel_weights("bartlett", 2, 10).round(3).tolist()
    [1.0, 0.667, 0.333]
    """
    kernel = _KERNEL_ALIASES.get(kernel, kernel)
    if kernel == "bartlett":
        m = int(bandwidth)
        return 1 - np.arange(m + 1) / (m + 1)
    if kernel == "parzen":
        m = int(bandwidth)
        z = np.arange(m + 1) / (m + 1)
        w = 1 - 6 * z**2 + 6 * z**3
        w[z > 0.5] = 2 * (1 - z[z > 0.5]) ** 3
        return w
    if kernel == "quadratic-spectral":
        if bandwidth == 0:
            return np.ones(1)
        lags = np.arange(1, max_lag + 1)
        x = 6 * np.pi * (lags / bandwidth) / 5
        return np.r_[1.0, 3 * (np.sin(x) / x - np.cos(x)) / x**2]
    raise SpecificationError(
        f"kernel must be one of {', '.join(repr(k) for k in KERNELS)}; got {kernel!r}")


def _codes(values: np.ndarray | Sequence[Any]) -> np.ndarray:
    return pd.factorize(pd.Series(np.asarray(values)), sort=True)[0].astype(np.int64)


def _nested(inner: np.ndarray, outer_codes: np.ndarray) -> bool:
    """True when every ``inner`` group lies inside one ``outer`` cluster."""
    inner = np.asarray(inner)
    if inner.dtype.kind not in "iu" or (inner.size and inner.min() < 0):
        inner = _codes(inner)
    if not inner.size:
        return True
    # Write each row's cluster at its group's slot (the last write wins): the
    # groups are nested iff every row then reads back its own cluster.
    slot = np.empty(int(inner.max()) + 1, dtype=np.int64)
    slot[inner] = outer_codes
    return bool(np.array_equal(slot[inner], outer_codes))


def _group_sums(A: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Column sums of ``A`` within the groups ``codes`` (``np.bincount`` per column)."""
    g = int(codes.max()) + 1
    return np.column_stack([np.bincount(codes, weights=A[:, j], minlength=g)
                            for j in range(A.shape[1])]) if A.shape[1] else np.zeros((g, 0))


def _dist(use_t: bool) -> Literal["t", "normal"]:
    return "t" if use_t else "normal"


def _sym(m: np.ndarray) -> np.ndarray:
    return (m + m.T) / 2


def linearmodels_cov_options(
    cov_type: str,
    *,
    small_sample: str,
    n_obs: int,
    index: pd.MultiIndex,
    entity_name: str = "country",
    cluster_entity: bool | None = None,
    cluster_time: bool = False,
    bandwidth: float | None = None,
    kernel: str = "bartlett",
) -> tuple[str, dict[str, Any], CovarianceInfo]:
    """Map a migecon covariance choice to linearmodels' ``fit`` arguments.

    Kept for code that calls linearmodels directly (the invariance tests use
    it); :func:`compute_covariance` is what :func:`migecon.fit` uses.
    Returns ``(cov_type, options, info)`` for linearmodels' panel models.
    """
    spec = parse_cov_options(cov_type, small_sample, cluster_entity=cluster_entity,
                             cluster_time=cluster_time or None, bandwidth=bandwidth,
                             kernel=kernel)
    stata = stata_factors(small_sample)
    info = CovarianceInfo(cov_type, cov_type, small_sample=small_sample)
    if spec.cov_type == "unadjusted":
        return "unadjusted", {"debiased": True}, info
    if spec.cov_type == "robust":
        return "robust", {"debiased": stata}, info
    if spec.cov_type == "clustered":
        return "clustered", {"cluster_entity": "entity" in spec.clusters,
                             "cluster_time": "time" in spec.clusters,
                             "debiased": stata, "group_debias": stata}, info
    n_time = int(index.get_level_values(1).nunique())
    bw = bandwidth if bandwidth is not None else float(int(4 * (n_time / 100) ** (2 / 9)))
    return "kernel", {"kernel": spec.kernel, "bandwidth": bw, "debiased": stata}, info
