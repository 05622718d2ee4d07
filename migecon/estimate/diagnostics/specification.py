"""Panel specification tests: which estimator the data support.

Each test returns a :class:`~migecon.estimate.results.TestResult` holding the
statistic, degrees of freedom, p-value, the null hypothesis in words and a
note on the convention used. This module holds the tests that choose between
pooled OLS, fixed effects and random effects:

* :func:`hausman` (classic, Stata's ``sigmamore`` / ``sigmaless``) and
  :func:`hausman_regression` (the robust, regression-based version: Stata's
  ``xtoverid``, plm's ``phtest(method = "aux")``, equivalent to Mundlak's test);
* :func:`f_test_effects` (poolability of the country or year intercepts);
* :func:`breusch_pagan` and :func:`honda` LM tests for random effects, and the
  locally robust :func:`bera_sosa_yoon` tests.

Tests on the error structure (serial correlation, cross-section dependence,
groupwise heteroskedasticity) live in :mod:`migecon.estimate.diagnostics.dependence` and
are re-exported here. The maths, degrees of freedom and Stata/R equivalents
are in ``docs/diagnostics.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import stats

from migecon.errors import DataError, SpecificationError
from migecon.estimate._panelmath import (
    PanelDesign,
    build_design,
    cluster_cov,
    fe_residuals,
    group_means,
    ols,
    wald,
    within,
)
from migecon.estimate.diagnostics.dependence import (
    groupwise_heteroskedasticity,
    period_step,
    pesaran_cd,
    wooldridge_serial,
    wooldridge_serial_fe,
)
from migecon.estimate.results import Result, TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = [
    "bera_sosa_yoon",
    "breusch_pagan",
    "f_test_effects",
    "groupwise_heteroskedasticity",
    "hausman",
    "hausman_regression",
    "honda",
    "pesaran_cd",
    "wooldridge_serial",
    "wooldridge_serial_fe",
]

HausmanMethod = Literal["classic", "sigmamore", "sigmaless"]
_HAUSMAN_METHODS = ("classic", "sigmamore", "sigmaless")
_EFFECTS = ("entity", "time", "twoway")
_NULL_RE = "random effects are consistent (country effects uncorrelated with regressors)"


def _check(name: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise SpecificationError(
            f"{name} must be one of {', '.join(repr(v) for v in valid)}; got {value!r}")


# ------------------------------------------------------------------ Hausman
def hausman(fe: Result, re: Result, *, method: str = "classic",
            include_constant: bool = False) -> TestResult:
    """Hausman test of fixed against random effects.

    ``H = (b_FE - b_RE)' [V_FE - V_RE]^{-1} (b_FE - b_RE)``, chi-squared with as
    many degrees of freedom as the rank of ``V_FE - V_RE``. The test assumes
    random effects are efficient under H0, so both models should use
    conventional (non-robust) covariances; with clustered or robust errors use
    :func:`hausman_regression` instead.

    Panel ARDL results are compared too (``hausman(mg, pmg)``, ``hausman(mg,
    dfe)``, ``hausman(pmg, dfe)``: the consistent estimator first), on their
    long-run coefficients as Stata's ``hausman`` after ``xtpmg``; see
    :func:`migecon.estimate.heterogeneous.ardl.hausman_ardl`.

    Parameters
    ----------
    fe, re : Result
        A fixed-effects and a random-effects result on the same sample (or a
        consistent and an efficient ARDL result).
    method : {"classic", "sigmamore", "sigmaless"}
        ``"classic"`` uses each model's own covariance (Stata ``hausman fe
        re``, plm ``phtest``). ``"sigmamore"`` rescales the FE covariance by
        ``(s_RE / s_FE)^2``, where ``s_RE`` is the root mean squared error of
        the GLS regression and ``s_FE`` the within ``sigma_e``, so both use the
        efficient estimator's error variance (Stata ``hausman fe re,
        sigmamore``); it makes ``V_FE - V_RE`` positive semi-definite far more
        often. ``"sigmaless"`` rescales the RE covariance by ``(s_FE / s_RE)^2``.
    include_constant : bool
        Also compare the constants (Stata's ``constant`` option).

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> f = "growth ~ remittances + investment"
    >>> h = mg.hausman(mg.fit(f, panel, estimator="fe"), mg.fit(f, panel, estimator="re"))
    >>> h.df
    2.0
    """
    _check("method", method, _HAUSMAN_METHODS)
    if fe.estimator.startswith("ardl-"):
        from migecon.estimate.heterogeneous.ardl import hausman_ardl

        return hausman_ardl(fe, re, method=method)
    if fe.estimator != "fe" or re.estimator != "re":
        raise SpecificationError(
            f"hausman(fe, re) expects a fixed-effects then a random-effects result; got "
            f"{fe.estimator!r} and {re.estimator!r}")
    notes = []
    caveat = _sample_caveat(fe, re)
    if caveat:
        notes.append(caveat)
    common = [c for c in fe.params.index if c in re.params.index
              and (include_constant or c != "const")]
    if not common:
        raise SpecificationError("the two models share no slope coefficients to compare")
    v_fe = fe.cov.loc[common, common].to_numpy()
    v_re = re.cov.loc[common, common].to_numpy()
    if fe.cov_info.cov_type != "unadjusted" or re.cov_info.cov_type != "unadjusted":
        notes.append("a model uses a robust covariance, which the classic test does not "
                     "allow; use hausman_regression for a robust test")
    if method != "classic":
        s_fe, s_re = fe.stats.get("rmse", np.nan), re.stats.get("rmse", np.nan)
        if not (np.isfinite(s_fe) and np.isfinite(s_re)):
            raise SpecificationError(
                f"method={method!r} needs the error standard deviation of both models "
                "(Result.stats['rmse']); refit them with migecon.fit")
        if method == "sigmamore":
            v_fe = v_fe * (s_re / s_fe) ** 2
        else:
            v_re = v_re * (s_fe / s_re) ** 2
        notes.append(f"{method}: both covariances use the "
                     f"{'RE (efficient)' if method == 'sigmamore' else 'FE (consistent)'} "
                     "error variance, as Stata's hausman option")
    diff = (fe.params[common] - re.params[common]).to_numpy()
    v = v_fe - v_re
    eig = np.linalg.eigvalsh((v + v.T) / 2)
    if eig.min() <= 0:
        notes.append("V_FE - V_RE is not positive definite; a generalised inverse was used "
                     "(consider hausman_regression)")
    stat = wald(diff, v)
    df = float(np.linalg.matrix_rank(v))
    name = "Hausman (FE vs RE)" if method == "classic" else f"Hausman (FE vs RE, {method})"
    return TestResult(
        name=name, stat=stat, pvalue=float(stats.chi2.sf(stat, df)) if stat >= 0 else 1.0,
        df=df, distribution="chi2", null=_NULL_RE, note="; ".join(notes), caveat=caveat)


def _sample_caveat(fe: Result, re: Result) -> str:
    """What differs between the FE and RE samples ("" when they are the same)."""
    if fe.nobs == re.nobs and (fe.sample is None or re.sample is None
                               or fe.sample.equals(re.sample)):
        return ""
    # FE drops singleton entities, RE keeps them; Stata's hausman checks neither.
    text = (f"the models use different samples (FE {fe.nobs}, RE {re.nobs} observations); "
            "the test assumes the same sample")
    if fe.sample is not None and re.sample is not None:
        only_re = sorted(set(re.sample.get_level_values(0)) - set(fe.sample.get_level_values(0)))
        if only_re:
            shown = ", ".join(map(str, only_re[:8])) + (" ..." if len(only_re) > 8 else "")
            text += (f": {len(only_re)} entit{'y' if len(only_re) == 1 else 'ies'} in RE only "
                     f"(singletons FE drops: {shown}); refit RE on the FE sample, e.g. "
                     "panel.subset(countries=sorted(set(fe.sample.get_level_values(0))))")
    return text


def _re_theta(d: PanelDesign) -> np.ndarray:
    """Swamy-Arora quasi-demeaning weight per row, from linearmodels' random effects."""
    from linearmodels.panel import RandomEffects

    y = pd.Series(d.y, index=d.index)
    X = pd.DataFrame(d.X, index=d.index, columns=list(d.names))
    theta = RandomEffects(y, X).fit().theta
    values = np.asarray(theta, dtype=float).ravel()
    if len(values) == d.nobs:  # pragma: no cover - depends on the linearmodels version
        return values
    by_entity = pd.Series(values, index=theta.index.astype(str))
    return by_entity.reindex(list(d.entities)).to_numpy()[d.entity]


def hausman_regression(panel: Panel, formula: str, *, cov_type: str = "clustered",
                       small_sample: str = "stata") -> TestResult:
    """Regression-based (robust) Hausman test of fixed against random effects.

    The auxiliary regression of Arellano (1993) and Wooldridge (2010, sec.
    10.7.3): regress the random-effects quasi-demeaned ``y`` on the quasi-demeaned
    regressors and the within-transformed regressors ``x_it - xbar_i``, and test
    that the coefficients on the latter are zero with a Wald test. With a
    cluster-robust covariance it stays valid under heteroskedasticity and serial
    correlation, where the classic test does not. It is numerically the same as
    Mundlak's (1978) test that the entity means ``xbar_i`` do not enter.

    Parameters
    ----------
    panel : Panel
    formula : str
        ``"y ~ x1 + x2"``; time-invariant regressors are allowed (they are
        left out of the within part).
    cov_type : {"clustered", "unadjusted"}
        Covariance of the Wald test: clustered by entity, or conventional
        (``s^2 (X'X)^{-1}``, which reproduces the classic FE-vs-between test).
    small_sample : {"stata", "none"}
        ``"stata"`` multiplies the clustered covariance by ``G/(G-1) (N-1)/(N-K)``
        as Stata's ``xtoverid`` (through ``ivreg2``); ``"none"`` is plm's
        ``phtest(..., method = "aux", vcov = vcovHC)``.

    Returns
    -------
    TestResult
        Chi-squared with one degree of freedom per time-varying regressor.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> h = mg.hausman_regression(panel, "growth ~ remittances + investment")
    >>> h.df
    2.0
    """
    _check("cov_type", cov_type, ("clustered", "unadjusted"))
    _check("small_sample", small_sample, ("stata", "none"))
    d = build_design(panel, formula, what="hausman_regression")
    _need_entities(d, 2, "hausman_regression")
    theta = _re_theta(d)
    y_q = d.y - theta * group_means(d.y, d.entity)
    X_q = d.X - theta[:, None] * group_means(d.X, d.entity)
    slopes = d.slopes
    W = within(d.X[:, slopes], d.entity)
    varying = [j for j in range(W.shape[1]) if np.abs(W[:, j]).max() > 1e-10 *
               max(1.0, np.abs(d.X[:, slopes[j]]).max())]
    if not varying:
        raise SpecificationError(
            "hausman_regression: no regressor varies within entities, so fixed and random "
            "effects cannot be compared")
    Z = np.column_stack([X_q, W[:, varying]])
    beta, resid, bread = ols(y_q, Z, what="hausman_regression")
    k = X_q.shape[1]
    if cov_type == "clustered":
        cov = cluster_cov(Z, resid, d.entity, bread, small_sample=small_sample)
        how = (f"cluster-robust by entity ({d.n_entities} clusters"
               f"{', Stata small-sample factor' if small_sample == 'stata' else ', HC0'})")
    else:
        cov = bread * float(resid @ resid) / (d.nobs - Z.shape[1])
        how = "conventional covariance"
    gamma = beta[k:]
    stat = wald(gamma, cov[k:, k:])
    df = float(len(gamma))
    names = [d.names[slopes[j]] for j in varying]
    return TestResult(
        name="Hausman (regression-based)", stat=stat, pvalue=float(stats.chi2.sf(stat, df)),
        df=df, distribution="chi2", null=_NULL_RE,
        note=f"Wald test that the within-transformed {names} do not enter the "
             f"quasi-demeaned RE regression; {how}")


# ------------------------------------------------------- F test for effects
def f_test_effects(panel: Panel, formula: str, *, effects: str = "entity") -> TestResult:
    """F test that the entity (and/or time) intercepts are all equal.

    ``F = [(SSR_pooled - SSR_FE) / df1] / [SSR_FE / df2]`` compares pooled OLS
    with the fixed-effects regression; ``df1`` is the number of extra intercepts
    (``n - 1``, ``T - 1`` or ``n + T - 2``) and ``df2`` the FE residual degrees
    of freedom. It is Stata's "F test that all u_i=0" after ``xtreg, fe`` and
    plm's ``pFtest``. Rejection means pooled OLS is inadequate.

    Parameters
    ----------
    panel : Panel
    formula : str
    effects : {"entity", "time", "twoway"}

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> t = mg.f_test_effects(panel, "growth ~ remittances + investment")
    >>> t.name, t.distribution
    ('F test for country effects', 'F')
    """
    _check("effects", effects, _EFFECTS)
    d = build_design(panel, formula, what="f_test_effects")
    _need_entities(d, 2, "f_test_effects")
    _, e_pool, _ = ols(d.y, d.X, what="pooled OLS")
    e_fe, absorbed = fe_residuals(d, effects, what="fixed-effects regression")
    k = len(d.slopes) - len(absorbed)
    n, T = d.n_entities, len(np.unique(d.time))
    extra = {"entity": n - 1, "time": T - 1, "twoway": n + T - 2}[effects]
    # Regressors absorbed by the effects are part of the effects in the FE model.
    df1 = extra - len(absorbed)
    df2 = d.nobs - k - {"entity": n, "time": T, "twoway": n + T - 1}[effects]
    if df2 <= 0:
        raise DataError(f"f_test_effects: no residual degrees of freedom left ({d.nobs} "
                        f"observations, {df1 + 1 + k} parameters)")
    ssr_pool, ssr_fe = float(e_pool @ e_pool), float(e_fe @ e_fe)
    stat = ((ssr_pool - ssr_fe) / df1) / (ssr_fe / df2)
    label = {"entity": "country", "time": "year", "twoway": "country and year"}[effects]
    return TestResult(
        name=f"F test for {label} effects", stat=stat,
        pvalue=float(stats.f.sf(stat, df1, df2)), df=(float(df1), float(df2)),
        distribution="F", null=f"all {label} intercepts are equal (pooled OLS is adequate)",
        note="pooled OLS against the fixed-effects (within) regression"
             + (f"; absorbed by the effects: {absorbed}" if absorbed else ""))


# ---------------------------------------------------------- LM for effects
def _lm_parts(d: PanelDesign, resid: np.ndarray, by: np.ndarray) -> tuple[float, float]:
    """Return (A, c) with A = sum_g (sum e)^2 / sum e^2 - 1 and c = N^2 / (2 (sum T_g^2 - N))."""
    sums = np.bincount(by, weights=resid)
    counts = np.bincount(by).astype(float)
    nobs = float(len(resid))
    denom = float(np.sum(counts ** 2) - nobs)
    if denom <= 0:
        raise DataError("the LM test needs at least one group with two or more observations")
    return float(np.sum(sums ** 2) / (resid @ resid) - 1.0), nobs ** 2 / (2.0 * denom)


def _honda_parts(d: PanelDesign) -> tuple[float, float, float, float]:
    """Honda statistics and weights (entity, time) from pooled OLS residuals."""
    _, e, _ = ols(d.y, d.X, what="pooled OLS")
    _, tcode = np.unique(d.time, return_inverse=True)
    a_mu, c_mu = _lm_parts(d, e, d.entity)
    a_la, c_la = _lm_parts(d, e, tcode)
    return np.sqrt(c_mu) * a_mu, np.sqrt(c_la) * a_la, 1 / (2 * c_mu), 1 / (2 * c_la)


def breusch_pagan(panel: Panel, formula: str, *, effects: str = "entity",
                  kind: str = "bp") -> TestResult:
    """Breusch-Pagan (1980) LM test for random effects.

    From pooled OLS residuals ``e``: ``LM = N^2 / (2 (sum_i T_i^2 - N)) [sum_i
    (sum_t e_it)^2 / sum e^2 - 1]^2``, which is ``nT / (2(T-1)) [...]^2`` in a
    balanced panel and the Baltagi-Li (1990) statistic otherwise;
    chi-squared(1) for entity or time effects, chi-squared(2) (the sum) for
    two-way effects. Stata's ``xttest0`` (Baltagi 2013 reports 798.16 for
    Grunfeld from it) and plm's ``plmtest(type = "bp")``.

    Parameters
    ----------
    panel : Panel
    formula : str
    effects : {"entity", "time", "twoway"}
    kind : {"bp", "ghm"}
        ``"ghm"``: Gourieroux, Holly and Monfort's one-sided two-way version,
        a mixture 1/4 chi2(0) + 1/2 chi2(1) + 1/4 chi2(2) (``effects="twoway"``).

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> lm = mg.breusch_pagan(panel, "growth ~ remittances + investment")
    >>> lm.df
    1.0
    """
    _check("effects", effects, _EFFECTS)
    _check("kind", kind, ("bp", "ghm"))
    if kind == "ghm" and effects != "twoway":
        raise SpecificationError("kind='ghm' is a two-way test; pass effects='twoway'")
    d = build_design(panel, formula, what="breusch_pagan")
    _need_entities(d, 2, "breusch_pagan")
    h_mu, h_la, _, _ = _honda_parts(d)
    null = {"entity": "no country random effects (Var(u_i) = 0)",
            "time": "no year random effects (Var(l_t) = 0)",
            "twoway": "no country or year random effects"}[effects]
    if kind == "ghm":
        stat = (h_mu ** 2 if h_mu > 0 else 0.0) + (h_la ** 2 if h_la > 0 else 0.0)
        p = 0.5 * stats.chi2.sf(stat, 1) + 0.25 * stats.chi2.sf(stat, 2) if stat > 0 else 1.0
        return TestResult("Gourieroux-Holly-Monfort LM (two-way)", float(stat), float(p),
                          df=None, distribution="chibar2", null=null,
                          note="mixture 1/4 chi2(0) + 1/2 chi2(1) + 1/4 chi2(2)")
    stat = {"entity": h_mu ** 2, "time": h_la ** 2, "twoway": h_mu ** 2 + h_la ** 2}[effects]
    df = 2.0 if effects == "twoway" else 1.0
    balance = "balanced" if d.is_balanced else "unbalanced (Baltagi-Li 1990 formula)"
    return TestResult(
        "Breusch-Pagan LM for random effects", float(stat), float(stats.chi2.sf(stat, df)),
        df=df, distribution="chi2", null=null,
        note=f"pooled OLS residuals, {balance} panel; Stata's xttest0 reports the one-sided "
             "chibar2(01) p-value, half of this one")


def honda(panel: Panel, formula: str, *, effects: str = "entity",
          variant: str = "honda") -> TestResult:
    """Honda (1985) one-sided LM test for random effects (and King-Wu).

    The signed square root of the Breusch-Pagan statistic,
    ``sqrt(N^2 / (2 (sum T_i^2 - N))) [sum_i (sum_t e_it)^2 / sum e^2 - 1]``,
    standard normal, rejecting for large positive values (a negative value
    points against effects). For two-way effects Honda is ``(HO_mu +
    HO_lambda) / sqrt(2)`` and King-Wu weights the two parts by their
    degrees of freedom. plm's ``plmtest(type = "honda" / "kw")``.

    Parameters
    ----------
    panel : Panel
    formula : str
    effects : {"entity", "time", "twoway"}
    variant : {"honda", "king-wu"}
        King-Wu differs from Honda only for two-way effects.

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> z = mg.honda(panel, "growth ~ remittances + investment")
    >>> z.distribution
    'normal'
    """
    _check("effects", effects, _EFFECTS)
    _check("variant", variant, ("honda", "king-wu"))
    d = build_design(panel, formula, what="honda")
    _need_entities(d, 2, "honda")
    h_mu, h_la, w_mu, w_la = _honda_parts(d)
    if effects == "entity":
        stat = h_mu
    elif effects == "time":
        stat = h_la
    elif variant == "honda":
        stat = (h_mu + h_la) / np.sqrt(2.0)
    else:
        # w = sum T_i^2 - N (and its time analogue) / N^2: the King-Wu weights
        stat = (np.sqrt(w_mu) * h_mu + np.sqrt(w_la) * h_la) / np.sqrt(w_mu + w_la)
    name = "King-Wu" if variant == "king-wu" and effects == "twoway" else "Honda"
    return TestResult(
        f"{name} LM for random effects", float(stat), float(stats.norm.sf(stat)), df=None,
        distribution="normal",
        null={"entity": "no country random effects", "time": "no year random effects",
              "twoway": "no country or year random effects"}[effects],
        note="one-sided: large positive values reject; pooled OLS residuals")


def bera_sosa_yoon(panel: Panel, formula: str, *, test: str = "ar") -> TestResult:
    """Locally robust LM tests of Bera, Sosa-Escudero and Yoon (2001).

    From pooled OLS residuals, with ``A = 1 - sum_i (sum_t e_it)^2 / sum e^2``
    and ``B = sum_t>1 e_it e_i,t-1 / sum_t>1 e_it^2`` (Baltagi 2013, sec. 5.2.4;
    Sosa-Escudero and Bera 2008 for unbalanced panels):

    * ``test="ar"``: serial correlation, robust to random effects (LM*_rho), chi2(1);
    * ``test="re"``: random effects, robust to serial correlation (LM*_mu), chi2(1);
    * ``test="re-one-sided"``: its one-sided normal version;
    * ``test="joint"``: Baltagi-Li (1991) joint test of no serial correlation
      and no random effects (LM1), chi2(2).

    plm's ``pbsytest``; Stata's ``xttest1``.

    Parameters
    ----------
    panel : Panel
    formula : str
    test : {"ar", "re", "re-one-sided", "joint"}

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> mg.bera_sosa_yoon(panel, "growth ~ remittances + investment", test="joint").df
    2.0
    """
    _check("test", test, ("ar", "re", "re-one-sided", "joint"))
    d = build_design(panel, formula, what="bera_sosa_yoon")
    _need_entities(d, 2, "bera_sosa_yoon")
    _, e, _ = ols(d.y, d.X, what="pooled OLS")
    nobs, n = float(d.nobs), float(d.n_entities)
    a_sum = float(np.sum(d.t_counts.astype(float) ** 2))
    A = 1.0 - float(np.sum(np.bincount(d.entity, weights=e) ** 2) / (e @ e))
    prev = _previous_period(d, period_step(panel))
    has_prev = prev >= 0
    # Denominator over the periods that have a lag, as Sosa-Escudero and Bera (2008) and
    # plm; Baltagi's (2013) printed values for Grunfeld follow this definition.
    B = float(e[has_prev] @ e[prev[has_prev]] / (e[has_prev] @ e[has_prev]))
    core = a_sum - 3 * nobs + 2 * n
    if core <= 0 or nobs - n <= 0:
        raise DataError("bera_sosa_yoon needs entities with at least two periods")
    res: tuple[str, float, float, float | None, str, str]
    if test == "ar":
        stat = (B + (nobs - n) / (a_sum - nobs) * A) ** 2 * \
            ((a_sum - nobs) * nobs ** 2) / ((nobs - n) * core)
        res = ("Bera-Sosa-Escudero-Yoon LM*_rho", stat, stats.chi2.sf(stat, 1), 1.0, "chi2",
               "no first-order serial correlation (allowing for random effects)")
    elif test == "re":
        stat = nobs ** 2 * (A + 2 * B) ** 2 / (2 * core)
        res = ("Bera-Sosa-Escudero-Yoon LM*_mu", stat, stats.chi2.sf(stat, 1), 1.0, "chi2",
               "no random effects (allowing for serial correlation)")
    elif test == "re-one-sided":
        stat = -np.sqrt(nobs ** 2 / (2 * core)) * (A + 2 * B)
        res = ("Bera-Sosa-Escudero-Yoon LM*_mu (one-sided)", stat, stats.norm.sf(stat), None,
               "normal", "no random effects (allowing for serial correlation)")
    else:
        stat = nobs ** 2 * ((A + 2 * B) ** 2 / (2 * core) + B ** 2 / (nobs - n))
        res = ("Baltagi-Li joint LM", stat, stats.chi2.sf(stat, 2), 2.0, "chi2",
               "no serial correlation and no random effects")
    name, s, p, df, dist, null = res
    return TestResult(name, float(s), float(p), df=df, distribution=dist, null=null,
                      note="pooled OLS residuals; first-order lags by calendar year")


def _previous_period(d: PanelDesign, step: int = 1) -> np.ndarray:
    """Row of the same entity's previous period (``step`` earlier), or -1 when not observed."""
    prev = np.full(d.nobs, -1)
    same = (d.entity[1:] == d.entity[:-1]) & (d.time[1:] - d.time[:-1] == step)
    prev[1:][same] = np.arange(d.nobs - 1)[same]
    return prev


def _need_entities(d: PanelDesign, minimum: int, what: str) -> None:
    if d.n_entities < minimum:
        raise DataError(f"{what} needs at least {minimum} entities; the sample has "
                        f"{d.n_entities} ({', '.join(d.entities[:3])})")
