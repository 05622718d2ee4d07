"""Static panel estimators: pooled, fixed effects, random effects, between, FD, IV, Mundlak.

:func:`fit` parses a panel formula, builds the design on the rows where every
variable is observed (counting what it drops: missing values per variable,
singleton entities), transforms it as the estimator says (within, between,
first differences, GLS quasi-demeaning), checks identification (regressors
absorbed by the effects, perfect collinearity, instruments), estimates by OLS
or 2SLS, computes the covariance with the requested convention
(:mod:`migecon.estimate.linear.covariance`) and returns a
:class:`~migecon.estimate.results.Result`.

Estimates are computed here with numpy rather than by calling linearmodels,
because the Stata-compatible degrees-of-freedom rules, the Wallace-Hussain /
Amemiya / Nerlove variance components and fixed-effects 2SLS are not
available there; the test suite checks every estimator against a direct
linearmodels call (and a dummy-variable OLS) where linearmodels has it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from migecon.errors import SpecificationError
from migecon.estimate.formula import parse_formula
from migecon.estimate.linear.absorb import (
    DEFAULT_MAXITER,
    DEFAULT_TOL,
    absorb_factors,
    absorb_terms,
)
from migecon.estimate.linear.covariance import CovInputs, compute_covariance, parse_cov_options
from migecon.estimate.linear.design import (
    PanelDesign,
    build_design,
    check_identification,
    group_means,
    warn_dropped,
    within,
)
from migecon.estimate.linear.hausman_taylor import fit_hausman_taylor
from migecon.estimate.linear.iv import (
    check_order,
    first_stage_f,
    sargan,
    two_sls,
)
from migecon.estimate.linear.iv_methods import IV_METHODS, gmm_two_step, hansen_j, liml
from migecon.estimate.linear.random_effects import RE_METHODS
from migecon.estimate.linear.stages import (
    _between,
    _first_difference,
    _full,
    _pooled,
    _random_effects,
    _Stage,
    _within,
)
from migecon.estimate.linear.weights import (
    check_weights,
    normalise,
    weighted_r2_centre,
)
from migecon.estimate.results import Result, TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["EFFECTS", "ESTIMATORS", "FitData", "fit"]

ESTIMATORS: tuple[str, ...] = ("pooled", "fe", "re", "between", "fd", "iv", "mundlak")
EFFECTS: tuple[str, ...] = ("entity", "time", "twoway", "none")
#: Effects each estimator accepts. For pooled, RE, Mundlak and FD, "time" /
#: "twoway" add year dummies as regressors (Stata's ``i.year``).
_VALID_EFFECTS = {
    "pooled": ("entity", "none", "time"),
    "fe": ("entity", "time", "twoway"),
    "re": ("entity", "twoway"),
    "mundlak": ("entity", "twoway"),
    "between": ("entity", "none"),
    "fd": ("entity", "twoway"),
}


@dataclass
class FitData:
    """What a fitted model keeps for re-estimation (wild bootstrap)."""

    estimator: str
    effects: str
    y: np.ndarray
    X: np.ndarray
    names: list[str]
    entity: np.ndarray | None
    time: np.ndarray | None
    groups: dict[str, np.ndarray]
    is_iv: bool
    raw_y: np.ndarray | None = None
    raw_X: np.ndarray | None = None
    raw_entity: np.ndarray | None = None
    raw_time: np.ndarray | None = None
    raw_groups: dict[str, np.ndarray] = field(default_factory=dict)
    has_const: bool = True
    # IV only (first-stage diagnostics, migecon.estimate.linear.weakiv): the
    # transformed instruments, the names, and the covariance rule of the model.
    Z: np.ndarray | None = None
    z_names: list[str] = field(default_factory=list)
    endog: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    cov_spec: Any = None
    cov_inputs: dict[str, Any] = field(default_factory=dict)
    # Weighted fits keep their (sqrt-weight scaled) rows for the first-stage
    # diagnostics; the wild bootstrap re-estimates unweighted models only.
    weighted: bool = False
    absorbed: tuple[str, ...] = ()


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
    drop_singletons: bool = True,
    weights: str | None = None,
    weight_type: str = "aweight",
    iv_method: str = "2sls",
    endogenous: Sequence[str] | None = None,
    absorb: str | list[str] | tuple[str, ...] | None = None,
    absorb_tol: float = DEFAULT_TOL,
    absorb_maxiter: int = DEFAULT_MAXITER,
    **cov_options: Any,
) -> Result:
    """Estimate a static panel model.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2 + L(x3, 1) + D(x4)"``; ``L``/``D``/``F`` respect gaps
        and nest (``D(L(n, 1))``); IV as ``"y ~ x1 + [endog ~ z1 + z2]"``.
    panel : Panel
        The data.
    estimator : {"pooled", "fe", "re", "between", "fd", "iv", "mundlak", \
"hausman-taylor", "amemiya-macurdy", "mg", "ccemg", "ccep", "amg"}
        Pooled OLS, fixed effects (within), random effects (GLS), between
        (OLS on entity means), first differences, fixed-effects 2SLS, and the
        correlated random effects of Mundlak (RE with the entity means of the
        time-varying regressors). An IV formula with ``"pooled"``, ``"fd"`` or
        ``"re"`` gives pooled 2SLS, FD-2SLS or EC2SLS. ``"hausman-taylor"`` and
        ``"amemiya-macurdy"`` keep time-invariant regressors (distance,
        language) while ``endogenous=`` names the regressors correlated with
        the entity effect (:mod:`migecon.estimate.linear.hausman_taylor`).
        ``"mg"``, ``"ccemg"``,
        ``"ccep"`` and ``"amg"`` (heterogeneous slopes: mean group, CCE, AMG)
        are estimated by
        :func:`migecon.estimate.heterogeneous.meangroup.fit_heterogeneous`,
        which takes ``trend``, ``cross_demean`` and ``robust``.
    effects : {"entity", "time", "twoway", "none"}
        Effects removed by ``"fe"``/``"iv"``; for pooled, RE, Mundlak and FD,
        ``"time"``/``"twoway"`` add year dummies.
    cov_type : {"unadjusted", "robust", "clustered", "driscoll-kraay", "shift-share"}
        Covariance estimator; ``"clustered"`` clusters by entity unless
        ``cluster=`` names ``"time"``, a variable, or a pair (two-way).
        ``"shift-share"`` gives the shift-share regressor named by
        ``shift_share_var=`` the standard error of Adão, Kolesár and Morales
        (2019) from ``shares=`` (entities x sectors), with the AKM0 interval
        in ``stats``; see :mod:`migecon.estimate.shiftshare`.
    small_sample : {"none", "stata", "reghdfe"}
        ``"stata"`` applies Stata's finite-sample factors and t distributions
        (``regress``, ``xtreg``, ``reghdfe``; IV as ``xtivreg`` and ``ivregress``,
        with z statistics); ``"reghdfe"`` is the same except that IV models
        follow ``ivreghdfe`` / ``ivreg2, small`` (RSS/(N-K), HC1/CR1 factors, t
        statistics), as fixest does. See ``docs/methods.md``.
    re_method : {"swamy-arora", "wallace-hussain", "amemiya", "nerlove", "stata"}
        Variance-component estimator for ``"re"`` and ``"mundlak"``. ``"stata"``
        is ``xtreg, re``: equal to Swamy-Arora on balanced panels, and on
        unbalanced ones the unweighted between regression with the harmonic
        mean of the ``T_i`` (plm's Swamy-Arora uses Baltagi-Chang's weighting).
    drop_absorbed : bool
        Drop regressors absorbed by the effects or perfectly collinear
        (with a warning naming them) instead of raising.
    drop_singletons : bool
        Drop entities observed once before a within estimation (they carry no
        information; counted in ``Result.dropped``). Stata's ``xtreg`` keeps
        them, ``reghdfe`` drops them: it only changes N and G in small-sample
        factors. With ``absorb=``, singletons of every absorbed factor are
        dropped, repeatedly, as reghdfe does.
    weights : str, optional
        A positive weight variable (e.g. ``"pop"``) for pooled, fixed effects
        (one- and two-way) and their IV versions: weighted least squares, with
        weighted group means in the within transformation (= weighted
        least squares on dummies), as Stata's ``regress``/``xtreg, fe``/
        ``ivregress`` with weights.
    weight_type : {"aweight", "pweight"}
        Analytic weights (Stata's ``aweight``, normalised to sum to N) or
        sampling weights (``pweight``: same estimates; robust or clustered
        errors only).
    iv_method : {"2sls", "liml", "gmm"}
        Estimator of an IV model (pooled, FE2SLS, FD): two-stage least squares,
        LIML (``ivregress liml``), or two-step efficient GMM whose weight matrix
        follows ``cov_type`` (robust or clustered; ``ivregress gmm``, ``ivreg2 ...,
        gmm2s``, ``xtivreg2, fe gmm2s``). See :mod:`migecon.estimate.linear.iv_methods`.
    endogenous : sequence of str, optional
        For ``"hausman-taylor"`` / ``"amemiya-macurdy"``: regressors correlated
        with the entity effect, as the design names them.
    absorb : str or list of str, optional
        Further fixed effects removed by the fixed-effects estimators, on top
        of ``effects``: panel variables (``"sector"``) or interactions of
        variables and index levels (``"origin^year"``), any number of them.
        They are removed by iterative demeaning
        (:mod:`migecon.estimate.linear.absorb`) and counted in the degrees of
        freedom as reghdfe counts them (factors nested in the clusters are
        not counted in the small-sample factor).
    absorb_tol, absorb_maxiter : float, int
        Convergence tolerance of the iterative demeaning (a sweep that moves
        no value by more than ``absorb_tol`` times its column's root mean
        square ends it) and the maximum number of sweeps. They also apply to
        ``effects="twoway"``.
    **cov_options
        ``cluster``, ``cluster_entity``, ``cluster_time``, ``kernel``,
        ``bandwidth`` (Driscoll-Kraay), ``cluster_df`` (``"each"`` or
        ``"min"`` for two-way clustering).

    Returns
    -------
    Result

    Raises
    ------
    SpecificationError
        Unknown options, variables or a model that cannot be estimated.
    AbsorbedVariableError, RankDeficiencyError
        Regressors absorbed by the effects or perfectly collinear (the
        message names them).
    DataError
        Text variables, all-missing variables, a constant outcome, too few
        observations.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> res = mg.fit("growth ~ remittances + investment", panel, estimator="fe",
    ...              effects="twoway", cov_type="clustered")
    >>> res.cov_info.cluster_by, res.stats["n_clusters"] == res.n_entities
    ('country', True)
    """
    if cov_type == "shift-share":  # AKM / BHJ inference: migecon.estimate.shiftshare
        from migecon.estimate.shiftshare import SHIFT_SHARE_OPTIONS, shift_share_result

        ss = {k: cov_options.pop(k) for k in SHIFT_SHARE_OPTIONS if k in cov_options}
        robust = fit(formula, panel, estimator=estimator, effects=effects, cov_type="robust",
                     small_sample=small_sample, re_method=re_method,
                     drop_absorbed=drop_absorbed, drop_singletons=drop_singletons,
                     weights=weights, weight_type=weight_type, iv_method=iv_method,
                     endogenous=endogenous, **cov_options)
        return shift_share_result(robust, **ss)
    if estimator in ("hausman-taylor", "amemiya-macurdy"):
        if endogenous is None:
            raise SpecificationError(
                f"estimator={estimator!r} needs endogenous=[...]: the regressors correlated "
                "with the entity effect")
        return fit_hausman_taylor(formula, panel, endogenous=endogenous,
                                  variant="ht" if estimator == "hausman-taylor" else "am",
                                  cov_type=cov_type, small_sample=small_sample,
                                  **cov_options)
    if endogenous is not None:
        raise SpecificationError(
            "endogenous= is for estimator='hausman-taylor' or 'amemiya-macurdy'; for IV "
            "write 'y ~ x + [endog ~ instruments]'")
    if estimator in ("mg", "ccemg", "ccep", "amg"):  # heterogeneous slopes: their own family
        from migecon.estimate.heterogeneous.meangroup import fit_heterogeneous

        return fit_heterogeneous(formula, panel, estimator=estimator, effects=effects,
                                 cov_type=cov_type, **cov_options)
    _check_option("estimator", estimator, ESTIMATORS)
    _check_option("effects", effects, EFFECTS)
    _check_option("re_method", re_method, RE_METHODS)
    _check_option("iv_method", iv_method, IV_METHODS)
    parsed = parse_formula(formula)
    is_iv = parsed.is_iv
    if estimator == "iv" and not is_iv:
        raise SpecificationError(
            "estimator='iv' needs an IV part in the formula: "
            "'y ~ exog + [endogenous ~ instruments]'")
    base = "fe" if estimator == "iv" else estimator
    if is_iv and base == "fe" and effects == "none":
        base = "pooled"
    if is_iv and base in ("between", "mundlak"):
        raise SpecificationError(
            f"instrumental variables are available with estimator 'iv' (FE2SLS), 'pooled', "
            f"'fd' and 're' (EC2SLS); got estimator={estimator!r}")
    if iv_method != "2sls" and (not is_iv or base == "re"):
        raise SpecificationError(
            f"iv_method={iv_method!r} needs an IV formula 'y ~ x + [endog ~ z]' and estimator "
            f"'iv', 'pooled' or 'fd' (EC2SLS is 2SLS only); got estimator={estimator!r}")
    valid = _VALID_EFFECTS[base] + (("none",) if is_iv and base == "pooled" else ())
    if effects not in valid:
        raise SpecificationError(
            f"effects={effects!r} is not available with estimator={estimator!r}; use one of "
            f"{', '.join(repr(v) for v in valid)}")
    spec = parse_cov_options(cov_type, small_sample, entity_name=panel.entity_name,
                             time_name=panel.time_name, **cov_options)
    if weights is not None:
        check_weights(panel, weights, weight_type, base=base, cov_type=spec.cov_type)
    label = _entity_label(panel.entity_name)
    time_label = "year" if panel.time_name in ("year", "time", "t") else panel.time_name
    entity_fx = base == "fe" and effects in ("entity", "twoway")
    time_fx = effects in ("time", "twoway")
    terms = absorb_terms(absorb, panel, base, effects)
    absorb_vars = tuple(dict.fromkeys(
        v for t in terms for v in t
        if v not in (panel.entity_name, panel.time_name) and v not in spec.variables))
    extra = spec.variables + absorb_vars
    if weights and weights not in extra:
        extra = (*extra, weights)
    d = build_design(parsed, panel, extra=extra, entity_label=label,
                     drop_singletons=drop_singletons and entity_fx and not terms)
    factors: list[tuple[str, np.ndarray]] | None = None
    if terms:
        d, factors = absorb_factors(d, terms, panel, entity_fx, time_fx, label, time_label,
                                     drop_singletons)
    warn_dropped(d.dropped)
    w = None if weights is None else normalise(np.asarray(d.groups[weights], dtype=float))
    d.groups["entity"] = np.asarray(d.index.get_level_values(0))
    d.groups["time"] = np.asarray(d.index.get_level_values(1))
    if base == "between" and spec.cov_type == "driscoll-kraay":
        raise SpecificationError("Driscoll-Kraay errors need a time dimension; the between "
                                 "estimator has one row per entity")

    if base == "pooled":
        stage = _pooled(d, time_fx, time_label, w)
    elif base == "fe":
        stage = _within(d, entity_fx, time_fx, label, time_label, w, factors=factors,
                        tol=absorb_tol, maxiter=absorb_maxiter)
    elif base == "between":
        stage = _between(d, spec.clusters, label)
    elif base == "fd":
        stage = _first_difference(d, time_fx, label, time_label)
    else:
        stage = _random_effects(d, time_fx, re_method, time_label, mundlak=base == "mundlak",
                                drop=drop_absorbed)
    weight_note = (f"Weighted by {weights} ({weight_type}, normalised to sum to N)."
                   if weights is not None else "")
    return _estimate(stage, d, spec, panel, formula=formula, estimator=estimator, base=base,
                     effects=effects, is_iv=is_iv, drop=drop_absorbed, label=label,
                     time_label=time_label, re_method=re_method, weights=w,
                     weight_note=weight_note, iv_method=iv_method)


# --------------------------------------------------------------- estimation
def _estimate(stage: _Stage, d: PanelDesign, spec: Any, panel: Panel, *, formula: str,
              estimator: str, base: str, effects: str, is_iv: bool, drop: bool, label: str,
              time_label: str, re_method: str, weights: np.ndarray | None = None,
              weight_note: str = "", iv_method: str = "2sls") -> Result:
    _, names, absorbed, omitted = check_identification(
        stage.check, stage.names, raw=stage.raw, absorbed_by=stage.absorbed_by, drop=drop)
    cols = [stage.names.index(n) for n in names]
    X = stage.X[:, cols]
    test_results: dict[str, TestResult] = {}
    result_stats = dict(stage.stats)
    n_obs = stage.y.shape[0]
    if is_iv and stage.Z is not None and stage.z_check is not None:
        _, z_names, _, _ = check_identification(
            stage.z_check, stage.z_names, raw=stage.z_raw, absorbed_by=stage.absorbed_by,
            drop=drop, kind="instrument")
        Z = stage.Z[:, [stage.z_names.index(n) for n in z_names]]
        endog = [n for n in names if n in d.endog_names]
        excluded = [n for n in z_names if n not in names]
        if base != "re":
            check_order(endog, excluded)
        clusters = (stage.groups.get(spec.clusters[0]) if spec.cov_type == "clustered"
                    and spec.clusters else None)
        if iv_method == "liml":
            fit2, kappa = liml(stage.y, X, Z, exog_cols=[j for j, n in enumerate(names)
                                                         if n in z_names],
                               x_names=names, z_names=z_names)
            result_stats["kappa"] = kappa
        elif iv_method == "gmm":
            fit2, gmm_w = gmm_two_step(stage.y, X, Z, cov_type=spec.cov_type, clusters=clusters,
                                   x_names=names, z_names=z_names)
        else:
            fit2 = two_sls(stage.y, X, Z, x_names=names, z_names=z_names)
        params, resid, bread, regressors = fit2.params, fit2.resid, fit2.bread, fit2.xhat
        if base != "re":
            df_abs = stage.df_entity + stage.df_time + sum(df for *_, df in stage.absorbed)
            fs = first_stage_f(X[:, [names.index(n) for n in endog]], Z, len(excluded), df_abs)
            result_stats.update({f"first_stage_f:{n}": float(f) for n, f in
                                 zip(endog, fs, strict=True)})
            if len(excluded) > len(endog) and iv_method == "gmm":
                test_results["hansen_j"] = hansen_j(Z, resid, gmm_w, spec.cov_type,
                                                    len(excluded) - len(endog))
            elif len(excluded) > len(endog):
                test_results["sargan"] = sargan(resid, Z, len(excluded) - len(endog))
        result_stats["n_instruments"] = float(Z.shape[1])
    else:
        params = np.linalg.lstsq(X, stage.y, rcond=None)[0]
        resid = stage.y - X @ params
        bread = np.linalg.inv(X.T @ X)
        regressors = X
    k = len(names)
    divisor = None
    # "stata" reports IV as xtivreg / ivregress (z statistics); "reghdfe" as ivreghdfe /
    # ivreg2 with `small` (sigma^2 = RSS/(N-K), HC1/CR1, t statistics).
    iv_t = is_iv and spec.small_sample == "reghdfe" and base != "re"
    ivregress = (is_iv and spec.small_sample == "stata"
                 and stage.df_entity + stage.df_time == 0 and base != "re")
    if ivregress:
        # ivregress without `small`: sigma^2 = RSS/N and sandwiches without a
        # finite-sample factor (HC0, CR0), z statistics.
        divisor = float(n_obs)
    inputs = CovInputs(bread=bread, regressors=regressors, resid=resid, k=k,
                       df_entity=stage.df_entity, df_time=stage.df_time,
                       groups=stage.groups, entity=stage.entity, time=stage.time,
                       absorbed=[(codes, df) for _, codes, df in stage.absorbed],
                       sigma2_divisor=divisor,
                       force_normal=(is_iv and not iv_t) or base in ("re", "mundlak"),
                       no_small_factor=ivregress)
    cov, info = compute_covariance(inputs, spec, entity_label=label, time_label=time_label)
    df_resid = inputs.df_resid
    rss = float(resid @ resid)
    result_stats["rmse"] = float(np.sqrt(rss / (divisor or df_resid)))
    if info.n_clusters is not None and info.cov_type == "clustered":
        nc = info.n_clusters
        result_stats["n_clusters"] = float(min(nc) if isinstance(nc, tuple) else nc)
    params_s = pd.Series(params, index=names)
    cov_df = pd.DataFrame(cov, index=names, columns=names)
    negative = [n for n, v in zip(names, np.diag(cov), strict=True) if v < 0]
    extra_notes: tuple[str, ...] = (weight_note,) if weight_note else ()
    if negative:
        extra_notes += (f"The {info.description} covariance is not positive semi-definite: "
                       f"the variance of {negative} is negative, so its standard error is "
                       "undefined (NaN).",)
    slopes = [n for n in names if n != "const"]
    r2 = _rsquared(stage, resid, "const" in names, base, weights)
    r2_panel = _panel_r2(d, params_s, base, time_label)
    f_stat = _f_test(params_s, cov_df, slopes, info)
    if base == "mundlak":
        mundlak = _wald(
            params_s, cov_df, [n for n in names if n.startswith("mean(")],
            "Mundlak (entity means jointly zero)",
            "the entity effects are uncorrelated with the regressors (random effects is "
            "consistent)")
        if mundlak is not None:
            test_results["mundlak"] = mundlak
    dropped = {**d.dropped, **stage.dropped}
    sample = d.index
    if base == "fd":
        prev_rows = pd.MultiIndex.from_arrays(
            [stage.rows.get_level_values(0), stage.rows.get_level_values(1) - 1],
            names=d.index.names)
        sample = d.index[d.index.isin(stage.rows) | d.index.isin(prev_rows)]
    meta = panel.metadata
    fit_data = FitData(
        estimator=base, effects=effects, y=stage.y, X=X, names=names, entity=stage.entity,
        time=stage.time, groups=stage.groups, is_iv=is_iv, raw_y=d.y,
        raw_X=d.X if not is_iv else None, raw_entity=d.entity, raw_time=d.time,
        raw_groups=d.groups, has_const=d.has_const, weighted=weights is not None,
        absorbed=tuple(name for name, *_ in stage.absorbed))
    if base == "fe" and not is_iv:
        fit_data.raw_X = d.X[:, [d.names.index(n) for n in names if n in d.names]]
    if is_iv and base != "re":
        fit_data.Z, fit_data.z_names = Z, z_names
        fit_data.endog, fit_data.excluded = endog, excluded
        fit_data.cov_spec = spec
        fit_data.cov_inputs = {"df_entity": stage.df_entity, "df_time": stage.df_time,
                               "sigma2_divisor": divisor, "no_small_factor": ivregress,
                               "force_normal": not iv_t, "entity_label": label,
                               "time_label": time_label}
    result = Result(
        params=params_s, cov=cov_df, cov_info=info, estimator=estimator,
        dependent=d.dependent, nobs=int(n_obs if base != "between" else d.nobs),
        n_entities=d.n_entities, n_periods=int(pd.Index(stage.rows.get_level_values(-1)
                                                        if base != "between" else
                                                        d.index.get_level_values(1)).nunique()),
        effects=_effects_label(base, effects), formula=formula,
        rsquared=r2, rsquared_within=r2_panel[0], rsquared_between=r2_panel[1],
        rsquared_overall=r2_panel[2], f_stat=f_stat, tests=test_results, stats=result_stats,
        dropped=dropped, absorbed=tuple(absorbed), omitted=tuple(omitted), sample=sample,
        notes=_notes(panel) + extra_notes, simulated=panel.is_simulated,
        truth=dict(meta.get("true_params", {})),
        model_name=_model_name(base, effects, is_iv, re_method, iv_method)
        + "".join(f" + {name}" for name, *_ in stage.absorbed),
        df_resid=df_resid, df_model=float(len(slopes)),
        resid=pd.Series(resid if weights is None else resid / np.sqrt(weights),
                        index=stage.rows, name="resid"),
        fit_data=fit_data)
    if is_iv and base != "re":
        from migecon.estimate.linear.weakiv import attach_first_stage

        result = attach_first_stage(result)
    return result


def _rsquared(stage: _Stage, resid: np.ndarray, has_const: bool, base: str,
              weights: np.ndarray | None = None) -> float:
    y = stage.y
    centre: float | np.ndarray = y.mean() if has_const or base == "fe" else 0.0
    if weights is not None and (has_const or base == "fe"):
        centre = weighted_r2_centre(y, np.sqrt(weights))
    tss = float(np.sum((y - centre) ** 2))
    return float(1 - resid @ resid / tss) if tss > 0 else float("nan")


def _panel_r2(d: PanelDesign, params: pd.Series, base: str,
              time_label: str) -> tuple[float, float, float]:
    """Stata's within, between and overall R²: squared correlations of y and x'b."""
    if base == "fd":
        return (float("nan"), float("nan"), float("nan"))
    X, names, _, _ = _full(d)
    cols = [n for n in params.index if n in names and n != "const"]
    if not cols:
        return (float("nan"), float("nan"), float("nan"))
    xb = X[:, [names.index(n) for n in cols]] @ params[cols].to_numpy()

    def corr2(a: np.ndarray, b: np.ndarray) -> float:
        if np.std(a) == 0 or np.std(b) == 0:
            return float("nan")
        return float(np.corrcoef(a, b)[0, 1] ** 2)

    within_r2 = corr2(within(d.y, d.entity), within(xb, d.entity))
    between_r2 = corr2(group_means(d.y, d.entity)[:, 0], group_means(xb, d.entity)[:, 0])
    return within_r2, between_r2, corr2(d.y, xb)


def _f_test(params: pd.Series, cov: pd.DataFrame, terms: list[str],
            info: Any) -> TestResult | None:
    if not terms:
        return None
    test = _wald(params, cov, terms, "F (all slopes zero)", "all slope coefficients are zero")
    if test is None or info.dist != "t" or not info.df_resid:
        return test
    q = float(len(terms))
    f = test.stat / q
    return TestResult("F (all slopes zero)", f, float(stats.f.sf(f, q, info.df_resid)),
                      df=(q, float(info.df_resid)), distribution="F",
                      null="all slope coefficients are zero")


def _wald(params: pd.Series, cov: pd.DataFrame, terms: list[str], name: str,
          null: str) -> TestResult | None:
    if not terms:
        return None
    b = params[terms].to_numpy()
    V = cov.loc[terms, terms].to_numpy()
    if np.linalg.matrix_rank(V) < len(terms):
        return None  # e.g. more restrictions than clusters: no valid Wald test
    stat = float(b @ np.linalg.solve(V, b))
    q = float(len(terms))
    return TestResult(name, stat, float(stats.chi2.sf(stat, q)), df=q, distribution="chi2",
                      null=null)


# ---------------------------------------------------------------- helpers
def _effects_label(base: str, effects: str) -> str:
    if base == "fe":
        return effects
    if base in ("re", "mundlak", "fd"):
        return "twoway" if effects == "twoway" else "entity"
    if base == "between":
        return "entity"
    return "time" if effects == "time" else "none"


def _model_name(base: str, effects: str, is_iv: bool, re_method: str,
                iv_method: str = "2sls") -> str:
    fe = {"entity": "country", "time": "year", "twoway": "two-way", "none": ""}[effects]
    if is_iv and iv_method != "2sls":
        how = "LIML" if iv_method == "liml" else "two-step GMM"
        return {"fe": f"FE {how} ({fe})", "pooled": f"Pooled {how}",
                "fd": f"FD {how}"}[base]
    if is_iv:
        return {"fe": f"FE2SLS ({fe})", "pooled": "Pooled 2SLS", "fd": "FD-2SLS",
                "re": "EC2SLS (random effects IV)"}[base]
    method = re_method.replace("-", "–").title().replace("–", "-")
    return {"pooled": "Pooled OLS", "fe": f"FE ({fe})", "re": f"Random effects ({method})",
            "between": "Between", "fd": "First differences",
            "mundlak": f"Mundlak CRE ({method})"}[base]


def _entity_label(entity_name: str) -> str:
    return "country" if entity_name in ("iso3", "country", "entity", "iso", "code") \
        else entity_name


def _notes(panel: Panel) -> tuple[str, ...]:
    if panel.is_simulated:
        return (panel.simulated_note(),)
    return ()


def _check_option(name: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise SpecificationError(
            f"{name} must be one of {', '.join(repr(v) for v in valid)}; got {value!r}")
