"""Static panel estimators: pooled OLS, fixed effects, random effects, between, FD.

:func:`fit` parses a panel formula, builds the design on the rows where every
variable is observed (counting what it drops), checks identification (rank,
regressors absorbed by the effects), hands estimation to linearmodels and
returns a :class:`~migecon.estimate.results.Result`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import pandas as pd

from migecon.errors import (
    AbsorbedVariableError,
    DroppedDataWarning,
    RankDeficiencyError,
    SpecificationError,
)
from migecon.estimate.covariance import linearmodels_cov_options
from migecon.estimate.formula import design, parse_formula
from migecon.estimate.results import CovarianceInfo, Result, TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["ESTIMATORS", "fit"]

Estimator = Literal["pooled", "fe", "re", "between", "fd"]
Effects = Literal["entity", "time", "twoway", "none"]
ESTIMATORS: tuple[str, ...] = get_args(Estimator)
EFFECTS: tuple[str, ...] = get_args(Effects)
RE_METHODS = ("swamy-arora",)


def fit(
    formula: str,
    panel: Panel,
    *,
    estimator: str = "fe",
    effects: str = "entity",
    cov_type: str = "unadjusted",
    small_sample: str = "none",
    re_method: str = "swamy-arora",
    drop_absorbed: bool = False,
    **cov_options: Any,
) -> Result:
    """Estimate a static panel model.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2 + L(x3, 1) + D(x4)"``; ``L``/``D`` respect gaps.
    panel : Panel
        The data.
    estimator : {"pooled", "fe", "re", "between", "fd"}
        Pooled OLS, fixed effects (within), random effects (GLS), between
        (OLS on entity means), first differences.
    effects : {"entity", "time", "twoway"}
        Which fixed effects ``"fe"`` removes (ignored by other estimators).
    cov_type : {"unadjusted", "robust", "clustered", "driscoll-kraay"}
        Covariance estimator. ``"clustered"`` clusters by entity unless
        ``cluster_time=True`` is also given.
    small_sample : {"none", "stata"}
        ``"stata"`` applies Stata's finite-sample factors (see docs/methods.md).
    re_method : str
        Variance-component estimator for ``"re"``.
    drop_absorbed : bool
        Drop regressors absorbed by the fixed effects instead of raising.
    **cov_options
        Passed to the covariance estimator (``cluster_time``, ``bandwidth``, ...).

    Returns
    -------
    Result

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> res = mg.fit("growth ~ remittances + investment", panel, estimator="fe",
    ...              effects="twoway", cov_type="clustered")
    >>> res.cov_info.description
    'clustered by country (120 clusters)'
    """
    _check_option("estimator", estimator, ESTIMATORS)
    _check_option("effects", effects, EFFECTS)
    _check_option("re_method", re_method, RE_METHODS)
    _check_option("small_sample", small_sample, ("none", "stata"))
    parsed = parse_formula(formula)
    if parsed.is_iv:
        raise SpecificationError(
            "this formula has an IV part [endog ~ instruments]; panel IV arrives with "
            "estimator='iv' (not yet available in this version)")
    constant = estimator not in ("fd",)
    y, X, _, _, dropped = design(parsed, panel.data, constant=constant)
    if dropped:
        warnings.warn(
            f"{sum(dropped.values())} row(s) dropped for missing values ("
            + ", ".join(f"{k}: {v}" for k, v in dropped.items()) + ")",
            DroppedDataWarning, stacklevel=2)
    entity_fx = estimator == "fe" and effects in ("entity", "twoway")
    time_fx = estimator == "fe" and effects in ("time", "twoway")
    X, absorbed = _check_identification(X, entity_fx, time_fx, drop_absorbed)

    from linearmodels.panel import BetweenOLS, FirstDifferenceOLS, PanelOLS, PooledOLS
    from linearmodels.panel import RandomEffects as LMRandomEffects

    lm_cov, lm_opts, info = linearmodels_cov_options(
        cov_type, small_sample=small_sample, n_obs=len(y), index=y.index,
        entity_name=panel.entity_name, **cov_options)
    if estimator == "pooled":
        res = PooledOLS(y, X).fit(cov_type=lm_cov, **lm_opts)
    elif estimator == "fe":
        model = PanelOLS(y, X, entity_effects=entity_fx, time_effects=time_fx)
        res = model.fit(cov_type=lm_cov, **lm_opts)
    elif estimator == "re":
        res = LMRandomEffects(y, X).fit(cov_type=lm_cov, **lm_opts)
    elif estimator == "between":
        res = BetweenOLS(y, X).fit(cov_type="robust" if cov_type == "robust" else
                                   "unadjusted")
    else:
        res = FirstDifferenceOLS(y, X).fit(cov_type=lm_cov, **lm_opts)

    info = _finish_cov_info(info, res)
    meta = panel.metadata
    stats: dict[str, float] = {"rmse": float(np.sqrt(res.s2)) if hasattr(res, "s2") else
                               float("nan")}
    if estimator == "re":
        vc = res.variance_decomposition
        stats.update(sigma2_u=float(vc["Effects"]), sigma2_e=float(vc["Residual"]),
                     theta=float(np.asarray(res.theta).mean()))
    f_stat = None
    if getattr(res, "f_statistic", None) is not None and np.isfinite(res.f_statistic.stat):
        fs = res.f_statistic
        f_stat = TestResult("F (all slopes zero)", float(fs.stat), float(fs.pval),
                            df=_df_pair(fs), distribution=str(fs.dist_name),
                            null="all slope coefficients are zero")
    return Result(
        params=res.params.rename_axis(None),
        cov=res.cov.rename_axis(None).rename_axis(None, axis=1),
        cov_info=info,
        estimator=estimator,
        dependent=str(y.name),
        nobs=int(res.nobs),
        n_entities=int(y.index.get_level_values(0).nunique()),
        n_periods=int(y.index.get_level_values(1).nunique()),
        effects=effects if estimator == "fe" else
        ("entity" if estimator in ("re", "between", "fd") else "none"),
        formula=formula,
        rsquared=float(res.rsquared),
        rsquared_within=float(getattr(res, "rsquared_within", np.nan)),
        rsquared_between=float(getattr(res, "rsquared_between", np.nan)),
        rsquared_overall=float(getattr(res, "rsquared_overall", np.nan)),
        f_stat=f_stat,
        stats=stats,
        dropped=dropped,
        absorbed=tuple(absorbed),
        sample=y.index,
        notes=_notes(panel),
        simulated=panel.is_simulated,
        truth=dict(meta.get("true_params", {})),
        model_name={"pooled": "Pooled OLS", "fe": _fe_name(effects), "re": "Random effects",
                    "between": "Between", "fd": "First differences"}[estimator],
    )


def _fe_name(effects: str) -> str:
    return {"entity": "FE (country)", "time": "FE (year)", "twoway": "FE (two-way)",
            "none": "FE"}[effects]


def _notes(panel: Panel) -> tuple[str, ...]:
    if panel.is_simulated:
        return ("Simulated data (migecon remittances_sim): not real countries.",)
    return ()


def _df_pair(fs: Any) -> float | tuple[float, float]:
    df = fs.df
    df_denom = getattr(fs, "df_denom", None)
    if df_denom is not None:
        return (float(df), float(df_denom))
    return float(df)


def _finish_cov_info(info: CovarianceInfo, res: Any) -> CovarianceInfo:
    from dataclasses import replace

    df_resid = float(res.df_resid) if getattr(res, "df_resid", None) is not None else None
    return replace(info, df_resid=df_resid)


def _check_option(name: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise SpecificationError(
            f"{name} must be one of {', '.join(repr(v) for v in valid)}; got {value!r}")


def _check_identification(X: pd.DataFrame, entity_fx: bool, time_fx: bool,
                          drop_absorbed: bool) -> tuple[pd.DataFrame, list[str]]:
    """Raise (or drop, if asked) for regressors absorbed by effects; raise on collinearity."""
    absorbed: list[str] = []
    slopes = [c for c in X.columns if c != "const"]
    for level, active in ((0, entity_fx), (1, time_fx)):
        if not active:
            continue
        spread = X[slopes].groupby(level=level).transform(lambda s: s.max() - s.min())
        scale = X[slopes].abs().max().replace(0, 1)
        flat = (spread.abs().max() <= 1e-10 * scale)
        absorbed += [c for c in slopes if flat[c] and c not in absorbed]
    if absorbed:
        kind = "country" if entity_fx else "year"
        if not drop_absorbed:
            raise AbsorbedVariableError(
                f"regressor(s) {absorbed} do not vary within {kind} and are absorbed by the "
                "fixed effects, so their coefficients are not identified; remove them, use "
                "estimator='re' or 'mundlak', or pass drop_absorbed=True to drop them")
        warnings.warn(f"{len(absorbed)} regressor(s) absorbed by the fixed effects and "
                      f"dropped: {absorbed}", DroppedDataWarning, stacklevel=3)
        X = X.drop(columns=absorbed)
    check = X.drop(columns=["const"]) if (entity_fx or time_fx) and "const" in X else X
    if check.shape[1] and np.linalg.matrix_rank(check.to_numpy()) < check.shape[1]:
        raise RankDeficiencyError(
            f"regressors are perfectly collinear: {_collinear_names(check)}; drop one of them")
    return X, absorbed


def _collinear_names(X: pd.DataFrame) -> str:
    kept: list[str] = []
    for col in X.columns:
        trial = [*kept, col]
        if np.linalg.matrix_rank(X[trial].to_numpy()) < len(trial):
            return f"{col!r} is a linear combination of {kept}"
        kept.append(col)
    return "(could not isolate the collinear set)"
