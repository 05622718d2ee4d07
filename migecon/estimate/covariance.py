"""Covariance choices and their translation to linearmodels options.

Every covariance choice produces a :class:`CovarianceInfo` whose description
goes into summaries and table notes, so the standard-error type and the number
of clusters are never left implicit.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from migecon.errors import SpecificationError
from migecon.estimate.results import CovarianceInfo

__all__ = ["COV_TYPES", "linearmodels_cov_options"]

COV_TYPES = ("unadjusted", "robust", "clustered", "driscoll-kraay")


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

    Returns ``(cov_type, options, info)`` for linearmodels' panel models.
    """
    if cov_type not in COV_TYPES:
        raise SpecificationError(
            f"cov_type must be one of {', '.join(repr(c) for c in COV_TYPES)}; "
            f"got {cov_type!r}")
    stata = small_sample == "stata"
    dist = "t" if stata or cov_type == "unadjusted" else "normal"
    if cov_type == "unadjusted":
        return "unadjusted", {"debiased": True}, CovarianceInfo(
            "unadjusted", "conventional (homoskedastic)", small_sample=small_sample, dist="t")
    if cov_type == "robust":
        return "robust", {"debiased": stata}, CovarianceInfo(
            "robust", "heteroskedasticity-robust (White)", small_sample=small_sample,
            dist=dist)
    if cov_type == "clustered":
        by_entity = True if cluster_entity is None else cluster_entity
        if not (by_entity or cluster_time):
            raise SpecificationError(
                "clustered covariance needs cluster_entity=True and/or cluster_time=True")
        n_ent = int(index.get_level_values(0).nunique())
        n_time = int(index.get_level_values(1).nunique())
        label = "country" if entity_name in ("iso3", "country", "entity") else entity_name
        if by_entity and cluster_time:
            desc = f"two-way clustered by {label} ({n_ent}) and year ({n_time})"
            n_clusters: int | tuple[int, ...] = (n_ent, n_time)
            by = f"{label}+year"
        elif by_entity:
            desc, n_clusters, by = f"clustered by {label} ({n_ent} clusters)", n_ent, label
        else:
            desc, n_clusters, by = f"clustered by year ({n_time} clusters)", n_time, "year"
        opts = {"cluster_entity": by_entity, "cluster_time": cluster_time,
                "debiased": stata, "group_debias": stata}
        return "clustered", opts, CovarianceInfo(
            "clustered", desc, n_clusters=n_clusters, cluster_by=by,
            small_sample=small_sample, dist=dist)
    n_time = int(index.get_level_values(1).nunique())
    bw = bandwidth if bandwidth is not None else float(int(4 * (n_time / 100) ** (2 / 9)))
    return "kernel", {"kernel": kernel, "bandwidth": bw, "debiased": stata}, CovarianceInfo(
        "driscoll-kraay",
        f"Driscoll-Kraay ({kernel} kernel, bandwidth {bw:g}"
        f"{'' if bandwidth is not None else ' = floor(4 (T/100)^(2/9))'})",
        small_sample=small_sample, dist=dist, kernel=kernel, bandwidth=bw)
