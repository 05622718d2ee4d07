"""One result type for every migecon estimator.

:class:`Result` is an immutable record of an estimation: the coefficients and
their covariance, how that covariance was computed (:class:`CovarianceInfo`),
the sample (observations, entities, periods, rows dropped by reason, variables
absorbed), fit statistics and specification tests (:class:`TestResult`).
Static panel models, panel IV and GMM all return it, so tables and figures
work the same for all of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

# Defined in records (so modules the Result methods call can use them without an
# import cycle); re-exported here, where they have always been imported from.
from migecon.estimate.records import CovarianceInfo, TestResult

__all__ = ["CovarianceInfo", "Result", "TestResult"]


@dataclass(frozen=True)
class Result:
    """Estimates of one model, with inference, sample and diagnostics.

    Attributes
    ----------
    params : Series
        Coefficients indexed by term name.
    cov : DataFrame
        Covariance matrix of ``params``.
    cov_info : CovarianceInfo
        How ``cov`` was computed.
    estimator : str
        ``"pooled"``, ``"fe"``, ``"re"``, ``"between"``, ``"fd"``, ``"iv"``,
        ``"mundlak"``, ``"gmm-difference"``, ``"gmm-system"``...
    dependent : str
        Name of the dependent variable.
    nobs, n_entities, n_periods : int
        Sample size.
    effects : str
        Fixed/random effects: ``"none"``, ``"entity"``, ``"time"``, ``"twoway"``.
    formula : str
        The model as written by the user.
    rsquared, rsquared_within, rsquared_between, rsquared_overall : float
        NaN where not defined.
    f_stat : TestResult or None
        Joint significance of the slopes.
    tests : mapping of str to TestResult
        Specification tests (Hansen, AR(2), Hausman, ...).
    stats : mapping of str to float
        Other scalars (``n_instruments``, ``sigma2_u``, ``theta``, ``rmse``...).
    dropped : mapping of str to int
        Rows dropped, by reason.
    absorbed : tuple of str
        Variables removed because the effects absorb them.
    sample : Index or None
        The (entity, time) keys of the estimation sample.
    notes : tuple of str
        Messages a reader of the result should see.
    simulated : bool
        The data were simulated (outputs say so).
    truth : mapping of str to float
        True parameter values when the data are simulated.
    model_name : str
        Human-readable model name (``"FE (two-way)"``).
    df_resid : float
        Residual degrees of freedom ``N - K - absorbed effects`` (NaN if not
        defined).
    df_model : float
        Number of slope coefficients (excluding the constant).
    omitted : tuple of str
        Regressors dropped for perfect collinearity (``drop_absorbed=True``).
    resid : Series or None
        Residuals of the estimated (transformed) equation, indexed like the
        rows it used: ``(entity, time)`` for most estimators, entities for
        ``"between"``. Not serialised.
    fit_data : object or None
        Internal: what :func:`migecon.wild_bootstrap` needs to redo the
        estimation (design matrices, effects). Not serialised.
    """

    params: pd.Series
    cov: pd.DataFrame
    cov_info: CovarianceInfo
    estimator: str
    dependent: str
    nobs: int
    n_entities: int = 0
    n_periods: int = 0
    effects: str = "none"
    formula: str = ""
    rsquared: float = float("nan")
    rsquared_within: float = float("nan")
    rsquared_between: float = float("nan")
    rsquared_overall: float = float("nan")
    f_stat: TestResult | None = None
    tests: Mapping[str, TestResult] = field(default_factory=dict)
    stats: Mapping[str, float] = field(default_factory=dict)
    dropped: Mapping[str, int] = field(default_factory=dict)
    absorbed: tuple[str, ...] = ()
    sample: pd.Index | None = None
    notes: tuple[str, ...] = ()
    simulated: bool = False
    truth: Mapping[str, float] = field(default_factory=dict)
    model_name: str = ""
    df_resid: float = float("nan")
    df_model: float = float("nan")
    omitted: tuple[str, ...] = ()
    resid: pd.Series | None = field(default=None, repr=False, compare=False)
    fit_data: Any = field(default=None, repr=False, compare=False)

    # ---------------------------------------------------------- inference
    @property
    def std_errors(self) -> pd.Series:
        """Standard errors (square roots of the covariance diagonal)."""
        diag = np.diag(self.cov.to_numpy()).copy()
        # A two-way clustered covariance (V1 + V2 - V12) can have a negative
        # variance; its standard error is undefined (NaN), not an error.
        diag[diag < 0] = np.nan
        return pd.Series(np.sqrt(diag), index=self.params.index, name="std_error")

    @property
    def tstats(self) -> pd.Series:
        """Coefficients divided by their standard errors."""
        return (self.params / self.std_errors).rename("tstat")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from the t or normal distribution (see ``cov_info``)."""
        t = np.abs(self.tstats.to_numpy())
        if self.cov_info.dist == "t" and self.cov_info.df_resid:
            p = 2 * stats.t.sf(t, self.cov_info.df_resid)
        else:
            p = 2 * stats.norm.sf(t)
        return pd.Series(p, index=self.params.index, name="pvalue")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals with columns ``lower`` and ``upper``."""
        if not 0 < level < 1:
            raise ValueError(f"level must be between 0 and 1; got {level}")
        q = 1 - (1 - level) / 2
        if self.cov_info.dist == "t" and self.cov_info.df_resid:
            crit = float(stats.t.ppf(q, self.cov_info.df_resid))
        else:
            crit = float(stats.norm.ppf(q))
        se = self.std_errors
        return pd.DataFrame({"lower": self.params - crit * se, "upper": self.params + crit * se})

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """One row per term: estimate, std_error, tstat, pvalue, conf_low, conf_high."""
        ci = self.conf_int(level)
        out = pd.DataFrame({
            "term": self.params.index,
            "estimate": self.params.to_numpy(),
            "std_error": self.std_errors.to_numpy(),
            "tstat": self.tstats.to_numpy(),
            "pvalue": self.pvalues.to_numpy(),
            "conf_low": ci["lower"].to_numpy(),
            "conf_high": ci["upper"].to_numpy(),
        })
        if self.truth:
            out["true_value"] = [self.truth.get(t, np.nan) for t in self.params.index]
        return out

    # ------------------------------------------------------ post-estimation
    # Thin wrappers: the algebra lives in migecon.estimate.postestimation.
    def wald_test(self, restrictions: str | list[str]) -> TestResult:
        """Joint Wald test, e.g. ``"x1 = 0, x2 = x3"`` (see :func:`migecon.wald_test`)."""
        from migecon.estimate.postestimation import wald_test

        return wald_test(self, restrictions)

    def lincom(self, expression: str, level: float = 0.95) -> Any:
        """Linear combination with its standard error (see :func:`migecon.lincom`)."""
        from migecon.estimate.postestimation import lincom

        return lincom(self, expression, level)

    def nlcom(self, expression: str, level: float = 0.95) -> Any:
        """Delta-method inference on ``g(b)`` (see :func:`migecon.nlcom`)."""
        from migecon.estimate.postestimation import nlcom

        return nlcom(self, expression, level)

    def long_run(self, level: float = 0.95, terms: list[str] | None = None) -> pd.DataFrame:
        """Long-run effects of a dynamic model (see :func:`migecon.long_run`)."""
        from migecon.estimate.postestimation import long_run

        return long_run(self, level, terms)

    @property
    def first_stage(self) -> pd.DataFrame:
        """First-stage diagnostics of an IV model (see :func:`migecon.first_stage`)."""
        from migecon.estimate.linear.weakiv import first_stage

        return first_stage(self)

    # -------------------------------------------------------------- display
    @property
    def summary(self) -> str:
        """A plain-text summary: header, coefficient table, tests and notes."""
        from migecon.report.render.text import render_result_summary

        return render_result_summary(self)

    def __str__(self) -> str:
        return self.summary

    def __repr__(self) -> str:
        return (f"<migecon.Result {self.estimator} ({self.effects} effects) of "
                f"{self.dependent}: {len(self.params)} terms, {self.nobs} obs, "
                f"{self.cov_info.description}>")

    # --------------------------------------------------------- serialising
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary; :meth:`from_dict` reads it back."""
        return {
            "migecon_result": 1,
            "params": {str(k): float(v) for k, v in self.params.items()},
            "cov": [[float(x) for x in row] for row in self.cov.to_numpy()],
            "cov_info": asdict(self.cov_info),
            "estimator": self.estimator,
            "dependent": self.dependent,
            "nobs": int(self.nobs),
            "n_entities": int(self.n_entities),
            "n_periods": int(self.n_periods),
            "effects": self.effects,
            "formula": self.formula,
            "rsquared": _num(self.rsquared),
            "rsquared_within": _num(self.rsquared_within),
            "rsquared_between": _num(self.rsquared_between),
            "rsquared_overall": _num(self.rsquared_overall),
            "f_stat": None if self.f_stat is None else _test_dict(self.f_stat),
            "tests": {k: _test_dict(v) for k, v in self.tests.items()},
            "stats": {k: _num(v) for k, v in self.stats.items()},
            "dropped": {k: int(v) for k, v in self.dropped.items()},
            "absorbed": list(self.absorbed),
            "notes": list(self.notes),
            "simulated": self.simulated,
            "truth": {k: float(v) for k, v in self.truth.items()},
            "model_name": self.model_name,
            "df_resid": _num(self.df_resid),
            "df_model": _num(self.df_model),
            "omitted": list(self.omitted),
            "sample": None if self.sample is None else _sample_list(self.sample),
        }

    def to_json(self, path: str | None = None) -> str:
        """Serialise with :meth:`to_dict`; also write to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=1)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Result:
        """Rebuild a Result written by :meth:`to_dict` (residuals are not kept)."""
        if d.get("migecon_result") != 1:
            raise ValueError(
                "not a migecon result: expected a dictionary written by Result.to_dict() "
                "(key 'migecon_result' missing)")
        names = list(d["params"])
        ci = dict(d["cov_info"])
        if isinstance(ci.get("n_clusters"), list):
            ci["n_clusters"] = tuple(ci["n_clusters"])
        return cls(
            params=pd.Series(d["params"], dtype=float),
            cov=pd.DataFrame(d["cov"], index=names, columns=names, dtype=float),
            cov_info=CovarianceInfo(**ci),
            estimator=d["estimator"], dependent=d["dependent"], nobs=d["nobs"],
            n_entities=d.get("n_entities", 0), n_periods=d.get("n_periods", 0),
            effects=d.get("effects", "none"), formula=d.get("formula", ""),
            rsquared=_float(d.get("rsquared")),
            rsquared_within=_float(d.get("rsquared_within")),
            rsquared_between=_float(d.get("rsquared_between")),
            rsquared_overall=_float(d.get("rsquared_overall")),
            f_stat=None if d.get("f_stat") is None else _test_from(d["f_stat"]),
            tests={k: _test_from(v) for k, v in d.get("tests", {}).items()},
            stats={k: _float(v) for k, v in d.get("stats", {}).items()},
            dropped=dict(d.get("dropped", {})), absorbed=tuple(d.get("absorbed", ())),
            notes=tuple(d.get("notes", ())), simulated=bool(d.get("simulated", False)),
            truth=dict(d.get("truth", {})), model_name=d.get("model_name", ""),
            df_resid=_float(d.get("df_resid")), df_model=_float(d.get("df_model")),
            omitted=tuple(d.get("omitted", ())), sample=_sample_from(d.get("sample")),
        )


def _sample_list(index: pd.Index) -> list[Any]:
    out: list[Any] = []
    for key in index:
        if isinstance(key, tuple):
            out.append([_plain(k) for k in key])
        else:
            out.append(_plain(key))
    return out


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def _sample_from(rows: Any) -> pd.Index | None:
    if not rows:
        return None
    if isinstance(rows[0], list):
        return pd.MultiIndex.from_tuples([tuple(r) for r in rows])
    return pd.Index(rows)


def _num(x: float | None) -> float | None:
    if x is None or not np.isfinite(x):
        return None
    return float(x)


def _float(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _test_dict(t: TestResult) -> dict[str, Any]:
    d = asdict(t)
    d["stat"] = _num(t.stat)
    d["pvalue"] = _num(t.pvalue)
    return d


def _test_from(d: Mapping[str, Any]) -> TestResult:
    df = d.get("df")
    if isinstance(df, list):
        df = (float(df[0]), float(df[1]))
    return TestResult(name=d["name"], stat=_float(d.get("stat")), pvalue=_float(d.get("pvalue")),
                      df=df, distribution=d.get("distribution", "chi2"),
                      null=d.get("null", ""), note=d.get("note", ""))
