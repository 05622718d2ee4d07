"""Figures drawn from fitted models.

- :func:`partial_regression_plot`: the Frisch-Waugh-Lovell scatter of one
  regressor against the dependent variable after both are purged of the other
  regressors and the fixed effects; the slope of its fit line *is* the
  model's coefficient.
- :func:`marginal_effect_plot` (numbers from :func:`marginal_effects`): the
  effect of ``x`` as a function of a moderator in a model with ``x``,
  ``z`` and ``x:z``, with a pointwise confidence band from the result's
  covariance matrix.
- :func:`gmm_diagnostics_plot`: Hansen / Sargan / AR(m) p-values and the
  instrument count across GMM specifications.
- :func:`specification_curve`: one coefficient across many models, sorted,
  with the specification choices beneath it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats as sps

from migecon.errors import SpecificationError
from migecon.estimate.results import Result
from migecon.report.style import GREY, PALETTE, _styled, new_figure, simulated_caption
from migecon.report.tables import (
    CONSTANT_NAMES,
    _harmonise,
    _label,
    canonical_term,
    value_of,
)

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["gmm_diagnostics_plot", "marginal_effect_plot", "marginal_effects",
           "partial_regression_data", "partial_regression_plot", "specification_curve"]


def _critical(result: Result, level: float) -> float:
    """The two-sided critical value Result.conf_int uses (t or normal)."""
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1; got {level!r}")
    q = 1 - (1 - level) / 2
    info = result.cov_info
    if info.dist == "t" and info.df_resid:
        return float(sps.t.ppf(q, info.df_resid))
    return float(sps.norm.ppf(q))


def _labels(panel: Panel | None, labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**(panel.labels() if panel is not None else {}), **dict(labels or {})}


# ------------------------------------------------------- partial regression
def partial_regression_data(result: Result, panel: Panel, term: str) -> pd.DataFrame:
    """Frisch-Waugh-Lovell residuals of ``term`` and of the dependent variable.

    Both are regressed on the model's other regressors and on its fixed
    effects (country effects by within-transformation, year effects by
    dummies); by the Frisch-Waugh-Lovell theorem the least-squares slope of
    ``y_resid`` on ``x_resid`` equals the model's coefficient on ``term``.
    Works for pooled OLS and fixed-effects results.

    Parameters
    ----------
    result : Result
        A pooled (``"pooled"``) or fixed-effects (``"fe"``) result from
        :func:`migecon.fit`.
    panel : Panel
        The panel the result was estimated on.
    term : str
        The regressor to isolate.

    Returns
    -------
    DataFrame
        Indexed like the estimation sample, columns ``x_resid`` and ``y_resid``.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> res = mg.fit("growth ~ remittances + investment", panel, estimator="fe")
    >>> d = partial_regression_data(res, panel, "remittances")
    >>> slope = (d.x_resid @ d.y_resid) / (d.x_resid @ d.x_resid)
    >>> bool(abs(slope - res.params["remittances"]) < 1e-10)
    True
    """
    from migecon.estimate.formula import design, parse_formula

    if result.estimator not in ("fe", "pooled"):
        raise SpecificationError(
            f"a partial-regression plot needs a pooled or fixed-effects result; got "
            f"estimator {result.estimator!r} (its coefficient is not a least-squares slope "
            "on within-transformed data)")
    if term not in result.params.index or term in CONSTANT_NAMES:
        raise SpecificationError(
            f"term {term!r} is not a slope of this model; its terms are "
            f"{[t for t in result.params.index if t not in CONSTANT_NAMES]}")
    if not result.formula:
        raise SpecificationError("the result has no formula, so its design cannot be rebuilt; "
                                 "use a result from migecon.fit")
    y, X, _, _, _ = design(parse_formula(result.formula), panel.data, constant=True)
    if result.sample is not None:
        common = y.index.intersection(result.sample)
        y, X = y.loc[common], X.loc[common]
    if len(y) != result.nobs:
        raise SpecificationError(
            f"the panel gives {len(y)} complete observations for this formula, the result "
            f"was estimated on {result.nobs}; pass the panel the result was estimated on")
    fe = result.estimator == "fe"
    entity_fx = fe and result.effects in ("entity", "twoway")
    time_fx = fe and result.effects in ("time", "twoway")
    others = [c for c in result.params.index if c != term and not (fe and c in CONSTANT_NAMES)]
    Z = X[others].copy()
    x = X[term].astype(float)
    if time_fx and entity_fx:
        # Year dummies (one left out), then the within-country transformation below.
        years = pd.get_dummies(y.index.get_level_values(1), drop_first=True, dtype=float)
        years.index = y.index
        Z = pd.concat([Z, years.add_prefix("_year_")], axis=1)
    level = 0 if entity_fx else 1 if time_fx else None
    frame = pd.concat([y.rename("_y"), x.rename("_x"), Z], axis=1)
    if level is not None:
        frame = frame - frame.groupby(level=level).transform("mean")
    Zm = frame.drop(columns=["_y", "_x"]).to_numpy()
    ym, xm = frame["_y"].to_numpy(), frame["_x"].to_numpy()
    if Zm.shape[1]:
        ym = ym - Zm @ np.linalg.lstsq(Zm, ym, rcond=None)[0]
        xm = xm - Zm @ np.linalg.lstsq(Zm, xm, rcond=None)[0]
    return pd.DataFrame({"x_resid": xm, "y_resid": ym}, index=y.index)


def partial_regression_plot(result: Result, panel: Panel, term: str, *,
                            labels: Mapping[str, str] | None = None,
                            title: str = "") -> Figure:
    """Scatter of ``term`` against the dependent variable, both net of everything else.

    The fit line through the residuals has the model's coefficient as its
    slope (Frisch-Waugh-Lovell); the title reports it with the model's
    standard error. See :func:`partial_regression_data` for the numbers.

    Parameters
    ----------
    result : Result
        A pooled or fixed-effects result.
    panel : Panel
        The panel it was estimated on (for the data and the axis labels).
    term : str
        The regressor to show.
    labels : mapping, optional
        Axis labels over the panel's variable labels.
    title : str
        Figure title (default names the coefficient).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> res = mg.fit("growth ~ remittances + investment", panel, estimator="fe")
    >>> fig = mg.partial_regression_plot(res, panel, "remittances")
    >>> fig.axes[0].get_xlabel()
    'Personal remittances (% of GDP)\\nnet of other regressors and country effects'
    """
    data = partial_regression_data(result, panel, term)
    all_labels = _labels(panel, labels)
    absorbed = {"entity": "country effects", "time": "year effects",
                "twoway": "country and year effects"}.get(result.effects, "") \
        if result.estimator == "fe" else ""
    others = [t for t in result.params.index if t != term and t not in CONSTANT_NAMES]
    net = " and ".join(p for p in ("other regressors" if others else "", absorbed) if p)
    slope = float(result.params[term])
    with _styled():
        fig, ax = new_figure(figsize=(6.0, 4.4))
        ax.scatter(data["x_resid"], data["y_resid"], s=6, alpha=0.35, color=PALETTE[0],
                   linewidths=0, label=f"{len(data):,} observations")
        grid = np.linspace(data["x_resid"].min(), data["x_resid"].max(), 2)
        ax.plot(grid, slope * grid, color=PALETTE[1], linewidth=2,
                label=f"slope = {slope:.3f} (s.e. {float(result.std_errors[term]):.3f})")
        ax.axhline(0, color=GREY, linewidth=0.6)
        ax.axvline(0, color=GREY, linewidth=0.6)
        unit = _unit(panel, term)
        x_text = _label(term, all_labels) + (f" ({unit})" if unit else "")
        ax.set_xlabel(f"{x_text}\nnet of {net}" if net else x_text)
        y_text = _label(result.dependent, all_labels)
        ax.set_ylabel(f"{y_text}\nnet of {net}" if net else y_text)
        ax.set_title(title or f"Partial regression: {result.model_name or result.estimator}")
        ax.legend(loc="upper left")
        if result.simulated or panel.is_simulated:
            simulated_caption(fig)
        fig.tight_layout()
    return fig


def _unit(panel: Panel, name: str) -> str:
    meta = panel.variables.get(name)
    return meta.unit if meta is not None and meta.unit and len(meta.unit) <= 24 else ""


# ------------------------------------------------------- marginal effects
def _interaction(result: Result, x: str, moderator: str, interaction: str | None) -> str:
    for name in (x, moderator):
        if name not in result.params.index:
            raise SpecificationError(f"{name!r} is not a term of the model; its terms are "
                                     f"{list(result.params.index)}")
    candidates = [interaction] if interaction else [f"{x}:{moderator}", f"{moderator}:{x}"]
    found = [c for c in candidates if c in result.params.index]
    if not found:
        raise SpecificationError(
            f"no interaction term {' or '.join(map(repr, candidates))} in the model; fit it "
            f"with '... + {x} + {moderator} + {x}:{moderator}' or pass interaction=")
    return found[0]


def marginal_effects(result: Result, x: str, moderator: str, values: Sequence[float], *,
                     interaction: str | None = None, level: float = 0.95) -> pd.DataFrame:
    """The effect of ``x`` on the outcome at given values of a moderator.

    In ``y = ... + b_x x + b_z z + b_xz x z``, the marginal effect of ``x`` is
    ``b_x + b_xz z`` with variance ``V_xx + z² V_{xz,xz} + 2 z V_{x,xz}`` from
    the result's covariance matrix; the band uses the result's own reference
    distribution (t or normal), as :meth:`Result.conf_int` does.

    Parameters
    ----------
    result : Result
        A model with ``x``, the moderator and their product.
    x, moderator : str
        Term names (e.g. ``"remittances"``, ``"findepth"``).
    values : sequence of float
        Moderator values at which to evaluate the effect.
    interaction : str, optional
        Name of the product term (default ``"x:moderator"`` or ``"moderator:x"``).
    level : float
        Confidence level of the band.

    Returns
    -------
    DataFrame
        Columns ``moderator``, ``effect``, ``std_error``, ``lower``, ``upper``.

    Examples
    --------
    >>> import pandas as pd
    >>> import migecon as mg
    >>> names = ["remittances", "findepth", "remittances:findepth"]
    >>> res = mg.Result(params=pd.Series([0.2, 0.01, -0.004], index=names),
    ...                 cov=pd.DataFrame([[1e-4, 0, 0], [0, 1e-4, 0], [0, 0, 1e-6]],
    ...                                  index=names, columns=names),
    ...                 cov_info=mg.CovarianceInfo("robust", "robust"),
    ...                 estimator="fe", dependent="growth", nobs=100)
    >>> marginal_effects(res, "remittances", "findepth", [0, 50])["effect"].round(3).tolist()
    [0.2, 0.0]
    """
    inter = _interaction(result, x, moderator, interaction)
    z = np.asarray(values, dtype=float)
    if z.ndim != 1 or not len(z) or not np.isfinite(z).all():
        raise SpecificationError(f"values must be a non-empty list of finite numbers; got "
                                 f"{values!r}")
    names = list(result.params.index)
    b = result.params.to_numpy(dtype=float)
    V = result.cov.to_numpy(dtype=float)
    i, k = names.index(x), names.index(inter)
    effect = b[i] + b[k] * z
    var = V[i, i] + z ** 2 * V[k, k] + 2 * z * V[i, k]
    se = np.sqrt(np.maximum(var, 0.0))
    crit = _critical(result, level)
    return pd.DataFrame({"moderator": z, "effect": effect, "std_error": se,
                         "lower": effect - crit * se, "upper": effect + crit * se})


def marginal_effect_plot(result: Result, x: str, moderator: str, *,
                         values: Sequence[float] | None = None, panel: Panel | None = None,
                         interaction: str | None = None, level: float = 0.95,
                         labels: Mapping[str, str] | None = None,
                         title: str = "") -> Figure:
    """The marginal effect of ``x`` across a moderator, with a confidence band.

    Parameters
    ----------
    result : Result
        A model with ``x``, ``moderator`` and ``x:moderator``.
    x, moderator : str
        Term names (e.g. remittances and financial depth).
    values : sequence of float, optional
        Moderator values (default: 100 points over its range in the
        estimation sample, which needs ``panel``).
    panel : Panel, optional
        For axis labels and a rug of the moderator's observed values (the
        band means little where there are no data).
    interaction : str, optional
        Name of the product term.
    level : float
        Confidence level of the band.
    labels : mapping, optional
        Axis labels over the panel's.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> res = mg.fit("growth ~ remittances + internet + remittances:internet", panel)
    >>> fig = mg.marginal_effect_plot(res, "remittances", "internet", panel=panel)
    >>> fig.axes[0].get_ylabel()
    'Effect of Personal remittances\\non GDP per capita growth'
    """
    observed = None
    if panel is not None and moderator in panel:
        series = panel[moderator]
        if result.sample is not None:
            series = series.reindex(result.sample)
        observed = series.dropna().to_numpy(dtype=float)
    if values is None:
        if observed is None or not len(observed):
            raise SpecificationError(
                "pass values= (moderator values), or panel= holding the moderator so that "
                "its observed range can be used")
        values = np.linspace(observed.min(), observed.max(), 100).tolist()
    me = marginal_effects(result, x, moderator, values, interaction=interaction, level=level)
    all_labels = _labels(panel, labels)
    with _styled():
        fig, ax = new_figure(figsize=(6.0, 4.0))
        ax.fill_between(me["moderator"], me["lower"], me["upper"], color=PALETTE[0],
                        alpha=0.2, linewidth=0, label=f"{level:.0%} confidence band")
        ax.plot(me["moderator"], me["effect"], color=PALETTE[0], label="marginal effect")
        ax.axhline(0, color=GREY, linewidth=0.8)
        if observed is not None and len(observed):
            low, high = ax.get_ylim()
            ax.plot(observed, np.full(len(observed), low), "|", color="0.2", alpha=0.25,
                    markersize=8, label="observed values")
            ax.set_ylim(low, high)
        unit = _unit(panel, moderator) if panel is not None else ""
        ax.set_xlabel(_label(moderator, all_labels) + (f" ({unit})" if unit else ""))
        ax.set_ylabel(f"Effect of {_label(x, all_labels)}\non "
                      f"{_label(result.dependent, all_labels)}")
        # Above the axes: inside, the legend would cover the band.
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=3, borderaxespad=0)
        if title:
            ax.set_title(title, pad=24)
        if result.simulated:
            simulated_caption(fig)
        fig.tight_layout()
    return fig


# ---------------------------------------------------------- GMM diagnostics
_GMM_TESTS = (("ar1", "AR(1)"), ("ar2", "AR(2)"), ("sargan", "Sargan"), ("hansen", "Hansen"))


def gmm_diagnostics_plot(results: Result | Sequence[Result], *,
                         model_labels: Sequence[str] | None = None,
                         title: str = "") -> Figure:
    """Specification tests and instrument counts across GMM specifications.

    Left: p-values of the AR(1), AR(2), Sargan and Hansen tests for each
    specification, with the 0.05 and 0.10 levels and Roodman's (2009) 0.25
    warning line (a Hansen p-value near 1 signals too many instruments, not a
    good model), and of every difference-in-Hansen group. Right: the number
    of instruments beside the number of groups (Roodman's rule of thumb:
    instruments should not exceed groups). Each label counts the checks of
    :func:`migecon.gmm_checklist` that fail (without the data-based ones).

    Parameters
    ----------
    results : Result or sequence of Result
        One GMM result or several (``Result.tests`` keys ``"ar1"``, ``"ar2"``, ``"sargan"``,
        ``"hansen"``; ``Result.stats["n_instruments"]``).
    model_labels : sequence of str, optional
        Specification names (default: the models' names).
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("abdata")
    >>> base = "n L.n L2.n w L.w k ys, iv(w L.w k ys) nolevel twostep robust"
    >>> specs = [mg.gmm(base.replace(", iv", f", {g} iv"), panel)
    ...          for g in ("gmm(L.n)", "gmm(L.n, collapse)")]
    >>> fig = mg.gmm_diagnostics_plot(specs, model_labels=["all lags", "collapsed"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]   # failing checks named
    ['all lags\\n1 check fail: diff-Hansen iv(w L.w k ys)', 'collapsed']
    """
    res_list = [results] if isinstance(results, Result) else list(results)
    if not res_list:
        raise SpecificationError("gmm_diagnostics_plot needs at least one result")
    if not any(k in r.tests for r in res_list for k, _ in _GMM_TESTS) and \
            not any("n_instruments" in r.stats for r in res_list):
        raise SpecificationError(
            "none of the results carries GMM diagnostics (tests 'ar1', 'ar2', 'sargan', "
            "'hansen' or stats['n_instruments']); pass results of mg.gmm")
    if model_labels is not None and len(model_labels) != len(res_list):
        raise SpecificationError(f"model_labels needs {len(res_list)} entries; got "
                                 f"{len(model_labels)}")
    names = list(model_labels) if model_labels else [
        f"({i + 1}) {r.model_name or r.estimator}" for i, r in enumerate(res_list)]
    names = [f"{n}\n{_failing(r)}" if _failing(r) else n
             for n, r in zip(names, res_list, strict=True)]
    y = np.arange(len(res_list))[::-1].astype(float)
    markers = ("o", "s", "^", "D")
    with _styled():
        fig, (left, right) = new_figure(1, 2, figsize=(8.0, 0.5 * len(res_list) + 1.9),
                                        sharey=True, gridspec_kw={"width_ratios": [3, 2]})
        for j, (key, name) in enumerate(_GMM_TESTS):
            pts = [(r.tests[key].pvalue, y[i]) for i, r in enumerate(res_list)
                   if key in r.tests and np.isfinite(r.tests[key].pvalue)]
            if pts:
                left.plot([p for p, _ in pts], [v + (j - 1.5) * 0.12 for _, v in pts],
                          markers[j], color=PALETTE[j], label=name, markersize=6,
                          linestyle="none")
        diff = [(t.pvalue, y[i]) for i, r in enumerate(res_list) for k, t in r.tests.items()
                if k.startswith("diff_hansen:") and np.isfinite(t.pvalue)]
        if diff:
            left.plot([p for p, _ in diff], [v + 0.3 for _, v in diff], "x",
                      color=PALETTE[4], label="Diff-in-Hansen", markersize=6,
                      linestyle="none")
        for level, style in ((0.05, ":"), (0.10, "--"), (0.25, "-.")):
            left.axvline(level, color=GREY, linestyle=style, linewidth=0.8)
        left.set_xlim(-0.02, 1.02)
        left.set_xlabel("p-value of the specification tests\n"
                        "(lines at 0.05, 0.10 and 0.25)")
        left.set_yticks(y)
        left.set_yticklabels(names)
        left.grid(axis="y", visible=False)
        # Legends above the axes: inside they would hide points anywhere in [0, 1].
        left.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=5, borderaxespad=0,
                    handletextpad=0.2, columnspacing=0.9)
        inst = [float(r.stats.get("n_instruments", np.nan)) for r in res_list]
        groups = [float(r.n_entities or r.stats.get("n_groups", np.nan)) for r in res_list]
        right.barh(y, inst, height=0.5, color=PALETTE[5], label="instruments")
        right.plot(groups, y, "|", color="black", markersize=14, markeredgewidth=2,
                   label="groups")
        right.set_xlabel("number of instruments and groups")
        right.grid(axis="y", visible=False)
        right.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=2, borderaxespad=0,
                     handletextpad=0.2, columnspacing=0.9)
        if title:
            fig.suptitle(title, fontweight="bold")
        if any(r.simulated for r in res_list):
            simulated_caption(fig)
        fig.tight_layout()
    return fig


def _failing(res: Result) -> str:
    """``"2 checks fail: AR(2), Hansen"`` from the checklist, or ``""``."""
    if not str(res.estimator).startswith("gmm"):
        return ""
    from migecon.estimate.gmm.checklist import gmm_checklist

    failed = gmm_checklist(res, warn=False).failed
    if not failed:
        return ""
    return (f"{len(failed)} check{'s' if len(failed) > 1 else ''} fail: "
            + ", ".join(c.name.replace("Difference-in-Hansen, ", "diff-Hansen ")[:30]
                        for c in failed))


# ------------------------------------------------------ specification curve
def _default_features(results: list[Result], term: str,
                      model_labels: Sequence[str] | None = None) -> dict[str, list[bool]]:
    features: dict[str, list[bool]] = {}
    kinds = list(model_labels) if model_labels is not None else [
        r.model_name or r.estimator for r in results]
    models = list(dict.fromkeys(kinds))
    if len(models) > 1:
        for m in models:
            features[f"Model: {m}"] = [k == m for k in kinds]
    controls: list[str] = []
    for r in results:
        controls += [t for t in r.params.index
                     if t != term and t not in CONSTANT_NAMES and t not in controls]
    for c in controls:
        flags = [c in r.params.index for r in results]
        if not all(flags):
            features[c] = flags
    covs = list(dict.fromkeys(r.cov_info.cov_type for r in results))
    if len(covs) > 1:
        for c in covs:
            features[f"SE: {c}"] = [r.cov_info.cov_type == c for r in results]
    return features


def _feature_label(name: str, labels: Mapping[str, str]) -> str:
    """A row of the choices panel: ``"Model: fe"`` labels its value as well as its name."""
    if name in labels:
        return labels[name]
    head, sep, value = name.partition(": ")
    if sep and head in ("Model", "SE"):
        return f"{head}: {labels.get(value, value)}"
    return _label(name, labels)


def specification_curve(results: Sequence[Result], term: str, *,
                        features: Mapping[str, Sequence[bool]] | None = None,
                        labels: Mapping[str, str] | None = None, panel: Panel | None = None,
                        level: float = 0.95, alpha: float = 0.05,
                        title: str = "", model_labels: Sequence[str] | None = None) -> Figure:
    """One coefficient across many specifications, sorted, with the choices beneath.

    Top: the estimate of ``term`` in each model, sorted, with its confidence
    interval, filled when significant at ``alpha``. Bottom: which choices
    (estimator, controls included, covariance) each specification made.

    Parameters
    ----------
    results : sequence of Result
        The specifications; each must estimate ``term``.
    term : str
        The coefficient of interest.
    features : mapping of str to sequence of bool, optional
        Rows of the bottom panel (one flag per result). Default: the model
        type, each control not in every model, and the covariance type,
        whenever they vary across results.
    labels, panel
        Labels of terms (over the panel's): the coefficient's axis, the
        control rows, and the names in the "Model: ..." and "SE: ..." rows.
    model_labels : sequence of str, optional
        One name per result for the "Model: ..." rows (default: each
        result's model name); results with the same name share a row.
    level : float
        Confidence level of the intervals.
    alpha : float
        Significance level that decides filled vs open markers.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> specs = [mg.fit(f, panel, estimator=e) for f in
    ...          ("growth ~ remittances", "growth ~ remittances + investment")
    ...          for e in ("pooled", "fe")]
    >>> fig = mg.specification_curve(specs, "remittances")
    >>> [t.get_text() for t in fig.axes[1].get_yticklabels()]
    ['investment', 'Model: FE (country)', 'Model: Pooled OLS']
    """
    res_list = list(results)
    if len(res_list) < 2:
        raise SpecificationError("a specification curve needs at least two results")
    res_list = _harmonise(res_list, {})
    term = canonical_term(term)
    lacking = [i + 1 for i, r in enumerate(res_list) if term not in r.params.index]
    if lacking:
        raise SpecificationError(f"results {lacking} do not estimate {term!r}")
    if model_labels is not None and len(model_labels) != len(res_list):
        raise SpecificationError(f"model_labels needs {len(res_list)} entries; got "
                                 f"{len(model_labels)}")
    feats = (dict(features) if features is not None
             else _default_features(res_list, term, model_labels))
    for name, flags in feats.items():
        if len(flags) != len(res_list):
            raise SpecificationError(f"feature {name!r} needs {len(res_list)} flags; got "
                                     f"{len(flags)}")
    all_labels = _labels(panel, labels)
    est = np.array([float(r.params[term]) for r in res_list])
    cis = [r.conf_int(level) for r in res_list]
    lo = np.array([value_of(c["lower"], term) for c in cis])
    hi = np.array([value_of(c["upper"], term) for c in cis])
    sig = np.array([float(r.pvalues[term]) < alpha for r in res_list])
    order = np.argsort(est, kind="stable")
    x = np.arange(len(res_list))
    with _styled():
        ratios = [3, max(1.0, 0.28 * len(feats))] if feats else [1]
        fig, axes = new_figure(len(ratios), 1, figsize=(7.0, 3.2 + 0.22 * len(feats)),
                               sharex=True, squeeze=False, gridspec_kw={"height_ratios": ratios})
        top = axes[0, 0]
        top.vlines(x, lo[order], hi[order], color=PALETTE[0], alpha=0.6, linewidth=1.2)
        s, ns = sig[order], ~sig[order]
        top.plot(x[s], est[order][s], "o", color=PALETTE[0], markersize=5,
                 label=f"p < {alpha:g}")
        top.plot(x[ns], est[order][ns], "o", markerfacecolor="white", color=PALETTE[0],
                 markersize=5, label=f"p ≥ {alpha:g}")
        top.axhline(0, color=GREY, linewidth=0.8)
        truth = next((r.truth[term] for r in res_list if term in r.truth), None)
        if truth is not None:
            top.axhline(truth, color=PALETTE[1], linestyle="--", linewidth=1,
                        label="true value")
        top.set_ylabel(f"{_label(term, all_labels)}\n({level:.0%} CI)")
        top.legend(loc="upper left")
        top.grid(axis="x", visible=False)
        if title:
            top.set_title(title)
        if feats:
            bottom = axes[1, 0]
            names = list(feats)
            for k, name in enumerate(names):
                mask = np.asarray(feats[name], dtype=bool)[order]
                yk = len(names) - 1 - k
                bottom.plot(x[mask], np.full(int(mask.sum()), yk), "s", color="0.15",
                            markersize=4)
                bottom.plot(x[~mask], np.full(int((~mask).sum()), yk), "s", color="0.85",
                            markersize=4)
            bottom.set_yticks(range(len(names)))
            bottom.set_yticklabels([_feature_label(n, all_labels) for n in names[::-1]],
                                   fontsize=8)
            bottom.set_ylim(-0.6, len(names) - 0.4)
            bottom.grid(False)
            bottom.set_xlabel(f"Specification (sorted by estimate), {len(res_list)} in all")
        else:
            top.set_xlabel(f"Specification (sorted by estimate), {len(res_list)} in all")
        if any(r.simulated for r in res_list):
            simulated_caption(fig)
        fig.tight_layout()
    return fig
