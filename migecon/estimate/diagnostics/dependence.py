"""Tests on the error structure of panel models.

Serial correlation (:func:`wooldridge_serial`, Stata's ``xtserial``;
:func:`wooldridge_serial_fe`, plm's ``pwartest``), cross-section dependence
(:func:`pesaran_cd`, Stata's ``xtcsd, pesaran``, plm's ``pcdtest``) and
groupwise heteroskedasticity (:func:`groupwise_heteroskedasticity`, Stata's
``xttest3``). Each returns a :class:`~migecon.estimate.results.TestResult`;
the formulas and conventions are in ``docs/diagnostics.md``. Lags are taken on
the panel's own calendar: the residual of 2001 is paired with that of 2000 only
when both years are observed, and on five-year averages (periods 1990, 1995,
...) the residual of 1995 is paired with that of 1990 (the step is
``metadata["period_step"]``, written by ``average=``, or else the greatest
common divisor of the gaps between the panel's periods).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from migecon.errors import DataError, DroppedDataWarning, SpecificationError
from migecon.estimate._panelmath import PanelDesign, build_design, cluster_cov, fe_residuals, ols
from migecon.estimate.results import TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["groupwise_heteroskedasticity", "pesaran_cd", "wooldridge_serial",
           "wooldridge_serial_fe"]

CD_MODELS = ("fe", "fe-twoway", "pooled", "heterogeneous")
CD_TESTS = ("cd", "lm", "scaled-lm")


def _check(name: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise SpecificationError(
            f"{name} must be one of {', '.join(repr(v) for v in valid)}; got {value!r}")


def period_step(panel: Panel) -> int:
    """The step between consecutive periods of ``panel`` (5 on five-year averages).

    ``metadata["period_step"]`` when ``average=`` wrote it, otherwise the
    greatest common divisor of the gaps between the panel's distinct (integer)
    periods; 1 when there is nothing to compare.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> period_step(panel), period_step(panel.transform(average=5, min_obs=1))
    (1, 5)
    """
    step = panel.metadata.get("period_step")
    if isinstance(step, int | np.integer) and step >= 1:
        return int(step)
    try:
        times = np.unique(np.asarray(panel.times, dtype=np.int64))
    except (TypeError, ValueError):
        return 1
    gaps = np.diff(times)
    return int(np.gcd.reduce(gaps)) if gaps.size and gaps.min() > 0 else 1


def _previous(entity: np.ndarray, time: np.ndarray, step: int = 1) -> np.ndarray:
    """Row of the same entity's previous period (``step`` earlier), or -1 (rows sorted)."""
    prev = np.full(len(entity), -1)
    same = (entity[1:] == entity[:-1]) & (time[1:] - time[:-1] == step)
    prev[1:][same] = np.arange(len(entity) - 1)[same]
    return prev


def _ar1_wald(resid: np.ndarray, entity: np.ndarray, time: np.ndarray, *, rho0: float,
              constant: bool, small_sample: str, step: int = 1
              ) -> tuple[float, float, int, int]:
    """Regress e_t on e_{t-1} (pooled, clustered by entity); return (rho, F, n_aux, G)."""
    prev = _previous(entity, time, step)
    rows = prev >= 0
    if rows.sum() < 3:
        raise DataError("too few consecutive periods: the serial-correlation test needs "
                        "residuals in at least two consecutive periods for some entities")
    lagged = resid[prev[rows]][:, None]
    X = np.column_stack([np.ones(int(rows.sum())), lagged]) if constant else lagged
    beta, e, bread = ols(resid[rows], X, what="auxiliary AR(1) regression")
    groups = np.unique(entity[rows], return_inverse=True)[1]
    cov = cluster_cov(X, e, groups, bread, small_sample=small_sample)
    j = X.shape[1] - 1
    stat = float((beta[j] - rho0) ** 2 / cov[j, j])
    return float(beta[j]), stat, int(rows.sum()), int(groups.max() + 1)


def wooldridge_serial(panel: Panel, formula: str, *, h0: str = "fe",
                      convention: str = "stata") -> TestResult:
    """Wooldridge's test for first-order serial correlation (Stata's ``xtserial``).

    Estimate the model in first differences, keep the residuals ``e_it`` and
    regress them on their own lag ``e_i,t-1``, clustering by entity. If the
    errors of the model in levels are serially uncorrelated, the differenced
    errors have autocorrelation -0.5, so the test is an F test of ``rho =
    -0.5`` (Wooldridge 2010, sec. 10.6.3; Drukker 2003). It needs few
    assumptions (no normality, heteroskedasticity allowed) and works in short
    panels.

    Parameters
    ----------
    panel : Panel
    formula : str
        The model in levels; time-invariant regressors drop out when differenced.
    h0 : {"fe", "fd"}
        ``"fe"``: no serial correlation in the errors in levels (``rho = -0.5``,
        xtserial). ``"fd"``: no serial correlation in the differenced errors
        (``rho = 0``, the errors in levels are a random walk).
    convention : {"stata", "plm"}
        ``"stata"`` (xtserial): no constant in either regression, clustered
        covariance with ``G/(G-1) (N-1)/(N-K)``, F(1, G-1). ``"plm"``
        (``pwfdtest``): constants in both regressions, plain HC0 clustered
        covariance, F(1, N_aux - 2).

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> t = mg.wooldridge_serial(panel, "growth ~ remittances + investment")
    >>> t.distribution, t.df[0]
    ('F', 1.0)
    """
    _check("h0", h0, ("fe", "fd"))
    _check("convention", convention, ("stata", "plm"))
    d = build_design(panel, formula, what="wooldridge_serial")
    step = period_step(panel)
    prev = _previous(d.entity, d.time, step)
    rows = prev >= 0
    if rows.sum() == 0:
        unit = "years" if step == 1 else f"periods ({step} apart)"
        raise DataError(f"wooldridge_serial needs at least two consecutive {unit} for some "
                        "entity in the estimation sample; every entity has a single period "
                        "or only gaps")
    slopes = d.slopes
    dy = d.y[rows] - d.y[prev[rows]]
    dX = d.X[rows][:, slopes] - d.X[prev[rows]][:, slopes]
    keep = [j for j in range(dX.shape[1]) if np.abs(dX[:, j]).max() > 0]
    dropped = [d.names[slopes[j]] for j in range(dX.shape[1]) if j not in keep]
    dX = dX[:, keep]
    if convention == "plm":
        dX = np.column_stack([np.ones(len(dy)), dX])
    if dX.shape[1] == 0:
        raise SpecificationError("wooldridge_serial: no regressor varies over time")
    _, e, _ = ols(dy, dX, what="first-difference regression")
    rho0 = -0.5 if h0 == "fe" else 0.0
    rho, stat, n_aux, n_groups = _ar1_wald(
        e, d.entity[rows], d.time[rows], rho0=rho0, constant=convention == "plm",
        small_sample="stata" if convention == "stata" else "none", step=step)
    df2 = float(n_groups - 1) if convention == "stata" else float(n_aux - 2)
    note = (f"AR(1) coefficient of the differenced residuals {rho:.4f} (H0 value {rho0}); "
            f"{n_aux} pairs in {n_groups} entities; {convention} convention")
    if dropped:
        note += f"; time-invariant regressors dropped by differencing: {dropped}"
    null = ("no first-order serial correlation in the errors" if h0 == "fe" else
            "no serial correlation in the first-differenced errors")
    return TestResult("Wooldridge test for serial correlation", stat,
                      float(stats.f.sf(stat, 1, df2)), df=(1.0, df2), distribution="F",
                      null=null, note=note)


def wooldridge_serial_fe(panel: Panel, formula: str) -> TestResult:
    """Wooldridge's test for AR(1) errors based on fixed-effects residuals (plm's ``pwartest``).

    Under no serial correlation the within residuals of a panel with ``T``
    periods have autocorrelation ``-1/(T-1)``; regress them on their lag (with
    a constant, pooled) and test ``rho = -1/(T-1)`` with a cluster-robust (HC0)
    F test (Wooldridge 2010, sec. 10.5.4). Suited to short panels.

    Parameters
    ----------
    panel : Panel
    formula : str

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> t = mg.wooldridge_serial_fe(panel, "growth ~ remittances + investment")
    >>> t.distribution
    'F'
    """
    d = build_design(panel, formula, what="wooldridge_serial_fe")
    e, absorbed = fe_residuals(d, "entity")
    n_periods = len(np.unique(d.time))
    if n_periods < 3:
        raise DataError(f"wooldridge_serial_fe needs at least 3 periods; the sample has "
                        f"{n_periods}")
    rho0 = -1.0 / (n_periods - 1)
    rho, stat, n_aux, n_groups = _ar1_wald(e, d.entity, d.time, rho0=rho0, constant=True,
                                           small_sample="none", step=period_step(panel))
    df2 = float(n_aux - 2)
    return TestResult(
        "Wooldridge test for serial correlation (FE residuals)", stat,
        float(stats.f.sf(stat, 1, df2)), df=(1.0, df2), distribution="F",
        null="no serial correlation in the idiosyncratic errors",
        note=f"AR(1) coefficient of the within residuals {rho:.4f} (H0 value -1/(T-1) = "
             f"{rho0:.4f}, T = {n_periods}); {n_aux} pairs in {n_groups} entities; plm "
             "convention (HC0 clustered)" + _absorbed_note(absorbed))


# ------------------------------------------------------ cross-section dependence
def _absorbed_note(absorbed: list[str]) -> str:
    return f"; absorbed by the effects and left out: {absorbed}" if absorbed else ""


def _residuals(d: PanelDesign, model: str) -> tuple[np.ndarray, list[str]]:
    if model == "pooled":
        return ols(d.y, d.X, what="pooled OLS")[1], []
    if model in ("fe", "fe-twoway"):
        return fe_residuals(d, "entity" if model == "fe" else "twoway")
    counts = d.t_counts
    k = d.X.shape[1]
    short = [d.entities[i] for i in np.flatnonzero(counts <= k)]
    if short:
        raise DataError(
            f"model='heterogeneous' runs one regression per entity and needs more than "
            f"{k} periods in each; {len(short)} entities have fewer, e.g. {short[:3]}; "
            "use model='fe'")
    resid = np.empty(d.nobs)
    for i in range(d.n_entities):
        rows = d.entity == i
        coef = np.linalg.lstsq(d.X[rows], d.y[rows], rcond=None)[0]
        resid[rows] = d.y[rows] - d.X[rows] @ coef
    return resid, []


def pesaran_cd(panel: Panel, formula: str, *, model: str = "fe",
               test: str = "cd") -> TestResult:
    """Pesaran's (2004, 2015) test of cross-section dependence.

    From the pairwise correlations ``rho_ij`` of the residuals of entities
    ``i`` and ``j`` over their ``T_ij`` common periods:
    ``CD = sqrt(2 / (n (n - 1))) sum_{i<j} sqrt(T_ij) rho_ij``, standard normal
    under the null of no cross-section dependence (two-sided). Pairs sharing
    fewer than two periods are left out and counted in the note.

    Parameters
    ----------
    panel : Panel
    formula : str
        ``"y ~ x1 + x2"``, or ``"y ~ 1"`` to test a single variable.
    model : {"fe", "fe-twoway", "pooled", "heterogeneous"}
        Whose residuals: the one-way within regression (Stata's ``xtcsd`` after
        ``xtreg, fe``), the two-way within regression, pooled OLS, or one OLS
        regression per entity (Pesaran's original proposal; plm's formula
        default).
    test : {"cd", "lm", "scaled-lm"}
        Pesaran's CD; Breusch-Pagan's LM ``sum T_ij rho_ij^2`` (chi-squared with
        one degree of freedom per pair; for fixed n, large T); Pesaran's scaled
        LM ``sum (T_ij rho_ij^2 - 1) / sqrt(n (n - 1))`` (normal).

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> cd = mg.pesaran_cd(panel, "growth ~ remittances + investment")
    >>> cd.distribution
    'normal'
    """
    _check("model", model, CD_MODELS)
    _check("test", test, CD_TESTS)
    d = build_design(panel, formula, what="pesaran_cd")
    if d.n_entities < 2:
        raise DataError(f"pesaran_cd needs at least 2 entities; the sample has {d.n_entities}")
    resid, absorbed = _residuals(d, model)
    periods, tcode = np.unique(d.time, return_inverse=True)
    E = np.zeros((d.n_entities, len(periods)))
    M = np.zeros_like(E)
    E[d.entity, tcode] = resid
    M[d.entity, tcode] = 1.0
    # Pairwise moments over the common periods, all pairs at once.
    n_ij = M @ M.T
    s_i = E @ M.T                 # sum of e_i over the periods shared with j
    ss_i = (E ** 2) @ M.T
    cross = E @ E.T
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = cross - s_i * s_i.T / n_ij
        var_i = ss_i - s_i ** 2 / n_ij
        rho = cov / np.sqrt(var_i * var_i.T)
    upper = np.triu(np.ones_like(n_ij, dtype=bool), k=1)
    valid = upper & (n_ij >= 2) & np.isfinite(rho)
    n_pairs, n_all = int(valid.sum()), int(upper.sum())
    if n_pairs == 0:
        raise DataError("pesaran_cd: no pair of entities shares two or more periods")
    r, t_ij = rho[valid], n_ij[valid]
    note = (f"{model} residuals; {d.n_entities} entities, {n_pairs} pairs; mean |rho| = "
            f"{np.mean(np.abs(r)):.3f}")
    if n_pairs < n_all:
        note += f"; {n_all - n_pairs} pairs with fewer than 2 common periods left out"
    note += _absorbed_note(absorbed)
    null = "no cross-section dependence (residuals uncorrelated across entities)"
    if test == "cd":
        stat = float(np.sum(np.sqrt(t_ij) * r) / np.sqrt(n_pairs))
        return TestResult("Pesaran CD", stat, float(2 * stats.norm.sf(abs(stat))), df=None,
                          distribution="normal", null=null, note=note)
    if test == "lm":
        stat = float(np.sum(t_ij * r ** 2))
        return TestResult("Breusch-Pagan LM for cross-section dependence", stat,
                          float(stats.chi2.sf(stat, n_pairs)), df=float(n_pairs),
                          distribution="chi2", null=null, note=note)
    stat = float(np.sum(t_ij * r ** 2 - 1) / np.sqrt(2 * n_pairs))
    return TestResult("Pesaran scaled LM", stat, float(stats.norm.sf(stat)), df=None,
                      distribution="normal", null=null, note=note)


# ------------------------------------------------ groupwise heteroskedasticity
def groupwise_heteroskedasticity(panel: Panel, formula: str) -> TestResult:
    """Modified Wald test for groupwise heteroskedasticity (Stata's ``xttest3``).

    From the fixed-effects residuals ``e_it``: ``s_i^2 = sum_t e_it^2 / T_i``,
    ``V_i = sum_t (e_it^2 - s_i^2)^2 / (T_i (T_i - 1))`` and
    ``W = sum_i (s_i^2 - s^2)^2 / V_i`` with ``s^2`` the overall residual
    variance; chi-squared with one degree of freedom per entity (Greene 2000,
    p. 598; Baum 2001). It does not assume normal errors, but has little power
    when T is small.

    Parameters
    ----------
    panel : Panel
    formula : str

    Returns
    -------
    TestResult

    Notes
    -----
    The statistic equals gretl's ``modtest --panel`` ("Distribution free Wald
    test for heteroskedasticity") to about 1e-13 on five public panels
    (``tests/test_diagnostics_xttest3.py``). Compared with the logic of
    ``xttest3.ado`` (version 1.0.7, read from its source; no printed Stata
    output on data available offline was found): the residuals are the same (``predict, e``
    after ``xtreg, fe``, i.e. the within residuals, singletons included with
    ``e = 0``), and so are ``s_i^2``, ``V_i`` and the overall variance
    ``s^2 = r(Var) (N - 1) / N``. Two conventions differ, and only when some
    entities have fewer than 3 periods or a constant squared residual:

    * degrees of freedom: ``xttest3`` reports ``chi2(N_g)``, counting every
      entity of the regression although entities with ``T_i = 1`` (and, in
      exact arithmetic, ``T_i = 2``) add nothing to ``W``; here the degrees of
      freedom count the entities that enter ``W``. The note then gives the
      ``N_g`` that ``xttest3`` would use.
    * entities with ``T_i = 2``: their within residuals are ``+a, -a``, so
      ``V_i = 0`` and their term is undefined. Stata divides by zero (a missing
      term, skipped) or, when rounding leaves ``V_i`` a tiny positive number,
      adds a huge term; they are left out here with a
      :class:`~migecon.errors.DroppedDataWarning`. An entity with ``T_i >= 3``
      and ``V_i = 0`` raises :class:`~migecon.errors.DataError` instead of
      being skipped silently.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> w = mg.groupwise_heteroskedasticity(panel, "growth ~ remittances + investment")
    >>> w.distribution
    'chi2'
    """
    d = build_design(panel, formula, what="groupwise_heteroskedasticity")
    e, absorbed = fe_residuals(d, "entity")
    counts = d.t_counts.astype(float)
    short = np.flatnonzero(counts < 3)
    if len(short) == d.n_entities:
        raise DataError("groupwise_heteroskedasticity needs entities with at least 3 "
                        "periods; none has")
    if len(short):
        warnings.warn(
            f"groupwise_heteroskedasticity: {len(short)} entities with fewer than 3 periods "
            f"left out of the statistic (their variance cannot be estimated), e.g. "
            f"{[d.entities[i] for i in short[:3]]}", DroppedDataWarning, stacklevel=2)
    e2 = e ** 2
    s_i = np.bincount(d.entity, weights=e2) / counts
    dev = np.bincount(d.entity, weights=(e2 - s_i[d.entity]) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        v_i = dev / (counts * (counts - 1))
    s2 = float(np.mean(e2) - np.mean(e) ** 2)
    use = counts >= 3
    if np.any(v_i[use] <= 0):
        bad = [d.entities[i] for i in np.flatnonzero(use & (v_i <= 0))]
        raise DataError(f"groupwise_heteroskedasticity: residual variance is constant within "
                        f"entities {bad[:3]}, so its sampling variance is zero")
    stat = float(np.sum((s_i[use] - s2) ** 2 / v_i[use]))
    df = float(use.sum())
    note = "fixed-effects (within) residuals, Baum (2001) xttest3 convention"
    if len(short):
        # xttest3 keeps e(N_g), all entities, as its degrees of freedom; say so,
        # so that a user comparing with Stata can see why the p-values differ.
        note += (f"; {len(short)} entities with fewer than 3 periods left out of W and of "
                 f"the degrees of freedom (xttest3 would report chi2({d.n_entities}))")
    return TestResult(
        "Modified Wald test for groupwise heteroskedasticity", stat,
        float(stats.chi2.sf(stat, df)), df=df, distribution="chi2",
        null="the error variance is the same in every entity",
        note=note + _absorbed_note(absorbed))
