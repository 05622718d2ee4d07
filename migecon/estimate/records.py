"""The small records a :class:`~migecon.estimate.results.Result` holds.

:class:`TestResult` (a test statistic with its reference distribution) and
:class:`CovarianceInfo` (how a covariance was computed) live here, below
``results``, so that the modules ``Result``'s methods delegate to (post-
estimation algebra, IV diagnostics, covariance estimators) can build them
without an import cycle. ``migecon.estimate.results`` re-exports both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CovarianceInfo", "TestResult"]


@dataclass(frozen=True)
class TestResult:
    """A specification test: statistic, degrees of freedom, p-value, null.

    Parameters
    ----------
    name : str
        E.g. ``"Hausman"``.
    stat : float
        The test statistic.
    pvalue : float
        Its p-value.
    df : float or tuple of float or None
        Degrees of freedom (a pair for F tests).
    distribution : str
        ``"chi2"``, ``"F"``, ``"normal"``, ...
    null : str
        The null hypothesis in words.
    note : str
        Anything a reader must know (variant, convention).
    caveat : str
        A problem with the test as it was run (printed with it, and by
        ``mg.diagnose``), e.g. a Hausman test of models on different samples.
    """

    __test__ = False  # not a pytest test class, despite the name

    name: str
    stat: float
    pvalue: float
    df: float | tuple[float, float] | None = None
    distribution: str = "chi2"
    null: str = ""
    note: str = ""
    caveat: str = ""

    def __str__(self) -> str:
        df = "" if self.df is None else f"({_fmt_df(self.df)})"
        text = (f"{self.name}: {self.distribution}{df} = {self.stat:.4g}, "
                f"p = {self.pvalue:.4g}. H0: {self.null}")
        return text + (f"\n  CAVEAT: {self.caveat}" if self.caveat else "")


def _fmt_df(df: float | tuple[float, float]) -> str:
    if isinstance(df, tuple):
        return ", ".join(f"{d:g}" for d in df)
    return f"{df:g}"


@dataclass(frozen=True)
class CovarianceInfo:
    """How the covariance of the estimates was computed.

    Parameters
    ----------
    cov_type : str
        ``"unadjusted"``, ``"robust"``, ``"clustered"``, ``"driscoll-kraay"``,
        ``"windmeijer"``, ...
    description : str
        One line for table notes, e.g. ``"clustered by country (120 clusters)"``.
    n_clusters : int or tuple of int or None
        Number of clusters (two values for two-way clustering).
    cluster_by : str or None
        What was clustered on.
    small_sample : str
        The finite-sample convention (``"none"``, ``"stata"``, ...).
    dist : {"t", "normal"}
        Reference distribution for t statistics and intervals.
    df_resid : float or None
        Degrees of freedom of the t distribution when ``dist == "t"``.
    kernel, bandwidth : str, float or None
        For HAC / Driscoll-Kraay covariances.
    adjustment : str
        The finite-sample factor applied, in words (e.g.
        ``"G/(G-1)·(N-1)/(N-K) = 1.0204"``).
    """

    cov_type: str
    description: str
    n_clusters: int | tuple[int, ...] | None = None
    cluster_by: str | None = None
    small_sample: str = "none"
    dist: Literal["t", "normal"] = "normal"
    df_resid: float | None = None
    kernel: str | None = None
    bandwidth: float | None = None
    adjustment: str = ""

    @property
    def convention(self) -> str:
        """The small-sample convention in force, in words ("" where it makes no difference).

        migecon's default (``small_sample="none"``) applies no finite-sample
        factor to sandwich covariances and uses normal p-values; Stata's
        conventions are ``small_sample="stata"`` (see docs/methods.md).

        Examples
        --------
        >>> info = CovarianceInfo("clustered", "clustered by country (50 clusters)")
        >>> info.convention.split(" (")[0]
        'CR0: no small-sample factor, normal p-values'
        >>> CovarianceInfo("unadjusted", "conventional").convention
        ''
        """
        sandwich = {"robust": "HC0", "clustered": "CR0", "driscoll-kraay": "HAC"}.get(
            self.cov_type)
        if sandwich is None:
            return ""
        p = "t" if self.dist == "t" else "normal"
        if self.small_sample == "none":
            return (f"{sandwich}: no small-sample factor, {p} p-values (small_sample='none'; "
                    "Stata's convention is small_sample='stata')")
        factor = f" {self.adjustment}" if self.adjustment else ""
        return f"small_sample={self.small_sample!r}: Stata's factor{factor}, {p} p-values"
