"""Dumitrescu and Hurlin (2012) panel Granger non-causality test.

For each entity, ``y_it = a_i + sum_{k=1..p} g_ik y_i,t-k + sum_{k=1..p}
b_ik x_i,t-k + e_it`` is estimated by OLS and ``W_i`` is the Wald statistic of
``b_i1 = ... = b_ip = 0`` (``(RSS_r - RSS_u) / (RSS_u / (T_i - 3p - 1))``, as
``lmtest::grangertest`` with ``test = "Chisq"``). Under the null that x
Granger-causes y in no entity,

* ``Wbar = mean(W_i)``;
* ``Zbar = sqrt(N / (2p)) (Wbar - p)``, N(0, 1) as T then N grow;
* ``Ztilde``, the finite-T standardisation (DH 2012, eq. 29; for unbalanced
  panels or entity-specific T the general form with ``T_i``), N(0, 1) as N
  grows with fixed T > 5 + 3p.

p-values are two-sided normal as in plm's ``pgrangertest`` (checked to all
printed digits in ``tests/test_hetero_causality.py``). The bootstrap of Lopez
and Weber (2017, Stata's ``xtgcause``) resamples whole periods of the
restricted-model residuals, which keeps cross-section dependence; the lag
order can be chosen by AIC, BIC or HQIC averaged over entities.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from migecon.errors import DataError, SpecificationError
from migecon.estimate.heterogeneous.unitols import unit_ols
from migecon.estimate.results import TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["DH_TESTS", "dumitrescu_hurlin"]

DH_TESTS = ("ztilde", "zbar", "wbar")
_IC = ("aic", "bic", "hqic")


def _wide(panel: Panel, formula: str) -> tuple[np.ndarray, np.ndarray, list[str], str, str]:
    m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*~\s*([A-Za-z_][A-Za-z0-9_]*)\s*", formula)
    if not m:
        raise SpecificationError(
            f"dumitrescu_hurlin takes one outcome and one cause, 'y ~ x'; got {formula!r}")
    yname, xname = m.groups()
    for v in (yname, xname):
        if v not in panel:
            raise SpecificationError(f"dumitrescu_hurlin: variable {v!r} is not in the panel")
    data = panel.data[[yname, xname]].astype(float).dropna()
    Yw = data[yname].unstack(level=1)
    Xw = data[xname].unstack(level=1).reindex_like(Yw)
    periods = np.asarray(Yw.columns).astype(int)
    if np.any(np.diff(periods) != 1):
        full = np.arange(periods.min(), periods.max() + 1)
        Yw, Xw = Yw.reindex(columns=full), Xw.reindex(columns=full)
    Y, X = Yw.to_numpy(), Xw.to_numpy()
    obs = ~np.isnan(Y)
    first = obs.argmax(axis=1)
    last = obs.shape[1] - 1 - obs[:, ::-1].argmax(axis=1)
    span = last - first + 1
    gaps = np.flatnonzero(obs.sum(axis=1) != span)
    if len(gaps):
        raise DataError(
            f"dumitrescu_hurlin: {len(gaps)} entities have missing periods inside their "
            f"series of {yname!r}/{xname!r}, e.g. {list(map(str, Yw.index[gaps][:3]))}; lags "
            "need consecutive periods. Fill or drop those periods first")
    return Y, X, list(map(str, Yw.index)), yname, xname


def _lagged(Y: np.ndarray, X: np.ndarray, p: int, start: int | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dependent, restricted and unrestricted regressors ``(n, R, .)`` and the row mask."""
    _n, T = Y.shape
    s = p if start is None else start
    rows = np.arange(s, T)
    dep = Y[:, rows]
    ylags = np.stack([Y[:, rows - k] for k in range(1, p + 1)], axis=2)
    xlags = np.stack([X[:, rows - k] for k in range(1, p + 1)], axis=2)
    const = np.ones((*dep.shape, 1))
    Xr = np.concatenate([const, ylags], axis=2)
    Xu = np.concatenate([Xr, xlags], axis=2)
    mask = ~(np.isnan(dep) | np.isnan(Xu).any(axis=2))
    dep = np.where(mask, dep, 0.0)
    Xr = np.where(mask[:, :, None], Xr, 0.0)
    Xu = np.where(mask[:, :, None], Xu, 0.0)
    return dep, Xr, Xu, mask


def _wald(Y: np.ndarray, X: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-entity Wald statistics W_i and effective observations."""
    dep, Xr, Xu, mask = _lagged(Y, X, p)
    fu = unit_ols(dep, Xu, mask)
    fr = unit_ols(dep, Xr, mask)
    n_eff = mask.sum(axis=1)
    if not fu.ok.all():
        raise DataError(
            f"dumitrescu_hurlin: the regression of {int((~fu.ok).sum())} entities cannot be "
            "estimated (too few periods, or a variable constant within the entity)")
    W = (fr.rss - fu.rss) / (fu.rss / (n_eff - 2 * p - 1))
    return W, n_eff


def _statistics(W: np.ndarray, t_i: np.ndarray, p: int, balanced: bool
                ) -> dict[str, float]:
    N = len(W)
    wbar = float(W.mean())
    zbar = float(np.sqrt(N / (2 * p)) * (wbar - p))
    if balanced:
        T = float(t_i[0])
        ztilde = float(np.sqrt(N / (2 * p) * (T - 3 * p - 5) / (T - 2 * p - 3))
                       * ((T - 3 * p - 3) / (T - 3 * p - 1) * wbar - p))
    else:
        mean_w = np.mean(p * (t_i - 3 * p - 1) / (t_i - 3 * p - 3))
        var_w = np.mean(2 * p * (t_i - 3 * p - 1) ** 2 * (t_i - 2 * p - 3)
                        / ((t_i - 3 * p - 3) ** 2 * (t_i - 3 * p - 5)))
        ztilde = float(np.sqrt(N) * (wbar - mean_w) / np.sqrt(var_w))
    return {"wbar": wbar, "zbar": zbar, "ztilde": ztilde}


def _select_lags(Y: np.ndarray, X: np.ndarray, rule: str, max_lags: int) -> tuple[int, str]:
    """Lag order minimising the entities' mean information criterion on a common sample."""
    values = []
    for p in range(1, max_lags + 1):
        dep, _, Xu, mask = _lagged(Y, X, p, start=max_lags)
        fit = unit_ols(dep, Xu, mask)
        n_eff = mask.sum(axis=1).astype(float)
        k = 2 * p + 1
        ll = n_eff * np.log(fit.rss / n_eff)
        pen = {"aic": 2 * k, "bic": k * np.log(n_eff), "hqic": 2 * k * np.log(np.log(n_eff))}
        values.append(float(np.mean(ll + pen[rule])))
    best = int(np.argmin(values)) + 1
    return best, ", ".join(f"{p}: {v:.3f}" for p, v in enumerate(values, start=1))


def _bootstrap(Y: np.ndarray, X: np.ndarray, p: int, test: str, reps: int,
               seed: int | None, parallel: int | str | None = None) -> np.ndarray:
    """Statistics under H0 from period-resampled restricted residuals (Lopez-Weber 2017).

    Every replication's draws come from one seeded stream, in order, before the
    replications are computed (in blocks, on the ``parallel=`` backend), so the
    statistics do not depend on the backend.
    """
    from migecon.parallel import map_tasks

    rng = np.random.default_rng(seed)
    T = Y.shape[1]
    dep, Xr, _, mask = _lagged(Y, X, p)
    fr = unit_ols(dep, Xr, mask)
    resid = fr.resid - fr.resid.mean(axis=1, keepdims=True)  # (n, T - p)
    plan = []
    for _ in range(reps):
        draw = rng.integers(0, T - p, size=T - p)          # same periods for every entity
        start = int(rng.integers(0, T - p + 1))            # random block of initial values
        plan.append((draw, start))
    size = max(1, -(-reps // 16))
    blocks = [plan[i:i + size] for i in range(0, reps, size)]
    runner = _Replications(Y, X, p, test, fr.coef[:, 0], fr.coef[:, 1:], resid)
    return np.concatenate(map_tasks(runner, blocks, parallel=parallel))


class _Replications:
    """Picklable: bootstrap statistics for a block of (draw, start) pairs."""

    def __init__(self, Y: np.ndarray, X: np.ndarray, p: int, test: str, a: np.ndarray,
                 g: np.ndarray, resid: np.ndarray) -> None:
        self.Y, self.X, self.p, self.test = Y, X, p, test
        self.a, self.g, self.resid = a, g, resid

    def __call__(self, block: list[tuple[np.ndarray, int]]) -> np.ndarray:
        Y, p = self.Y, self.p
        n, T = Y.shape
        t_i = np.full(n, float(T))
        out = np.empty(len(block))
        for b, (draw, start) in enumerate(block):
            ys = np.empty((n, T))
            ys[:, :p] = Y[:, start:start + p]
            e = self.resid[:, draw]
            for t in range(p, T):
                ys[:, t] = self.a + np.einsum("nk,nk->n", self.g,
                                              ys[:, t - p:t][:, ::-1]) + e[:, t - p]
            W, _ = _wald(ys, self.X, p)
            out[b] = _statistics(W, t_i, p, True)[self.test]
        return out


def dumitrescu_hurlin(panel: Panel, formula: str, *, lags: int | str = 1,
                      test: str = "ztilde", max_lags: int | None = None,
                      bootstrap: int = 0, seed: int | None = None,
                      parallel: int | str | None = None) -> TestResult:
    """Dumitrescu-Hurlin (2012) test of Granger non-causality from x to y.

    Parameters
    ----------
    panel : Panel
    formula : str
        ``"y ~ x"``: does x Granger-cause y?
    lags : int or {"aic", "bic", "hqic"}
        Lag order ``p`` (the same for y and x), or the criterion that chooses
        it from 1..``max_lags`` (mean criterion over entities, estimated on the
        common sample without the first ``max_lags`` periods; ``xtgcause``'s
        rule).
    test : {"ztilde", "zbar", "wbar"}
        The standardised statistic reported (plm's ``Ztilde``, ``Zbar``,
        ``Wbar``); all three are in the note.
    max_lags : int, optional
        Largest order tried by ``lags="aic" | "bic" | "hqic"`` (default 3).
    bootstrap : int
        Replications of the cross-section-dependence-robust bootstrap p-value
        (0: asymptotic normal p-value only). Needs a balanced panel.
    seed : int, optional
        Seed of the bootstrap.
    parallel : None, int or str
        Where the bootstrap replications run (:mod:`migecon.parallel`); the
        p-value is the same whatever the backend.

    Returns
    -------
    TestResult
        ``pvalue``: two-sided normal (plm), or the bootstrap share of
        statistics at least as large as the observed one (``xtgcause``). For
        ``"wbar"`` (no distribution) the p-value is NaN unless bootstrapped.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.HeterogeneousSlopesDGP(n_countries=20, n_years=25).simulate(seed=1)
    >>> r = mg.dumitrescu_hurlin(panel, "growth ~ remittances", lags=1)
    >>> r.name
    'Dumitrescu-Hurlin Ztilde'
    """
    if test not in DH_TESTS:
        raise SpecificationError(f"test must be one of {', '.join(map(repr, DH_TESTS))}; "
                                 f"got {test!r}")
    Y, X, entities, yname, xname = _wide(panel, formula)
    t_i = (~np.isnan(Y)).sum(axis=1).astype(float)
    balanced = bool(np.all(~np.isnan(Y)))
    lag_note = ""
    if isinstance(lags, str):
        if lags not in _IC:
            raise SpecificationError(f"lags must be a positive integer or one of "
                                     f"{', '.join(map(repr, _IC))}; got {lags!r}")
        pmax = 3 if max_lags is None else int(max_lags)
        if not balanced:
            raise DataError("dumitrescu_hurlin: lag selection by information criterion uses a "
                            "common sample and needs a balanced panel")
        p, values = _select_lags(Y, X, lags, pmax)
        lag_note = f"; lag order {p} chosen by mean {lags.upper()} (by order: {values})"
    elif isinstance(lags, (int, np.integer)) and not isinstance(lags, bool) and lags >= 1:
        p = int(lags)
    else:
        raise SpecificationError(f"lags must be a positive integer; got {lags!r}")
    need = 5 + 3 * p
    short = np.flatnonzero(t_i <= need)
    if test == "ztilde" and len(short):
        raise DataError(
            f"dumitrescu_hurlin: Ztilde needs more than 5 + 3p = {need} periods per entity; "
            f"{len(short)} of {len(t_i)} entities have fewer, e.g. "
            f"{[entities[i] for i in short[:3]]}. Use test='zbar' (large T), fewer lags or "
            "drop them")
    if not balanced and test == "zbar":
        n_unb = int(np.sum(t_i < Y.shape[1]))
        raise DataError(f"dumitrescu_hurlin: test='zbar' assumes a balanced panel; {n_unb} of "
                        f"{len(t_i)} entities miss periods. Use test='ztilde' (which allows "
                        "entity-specific T)")
    W, _ = _wald(Y, X, p)
    allstats = _statistics(W, t_i, p, balanced)
    stat = allstats[test]
    pvalue = float(2 * stats.norm.sf(abs(stat))) if test != "wbar" else float("nan")
    note = (f"{len(W)} entities, lag order {p}; Wbar = {allstats['wbar']:.4f}, Zbar = "
            f"{allstats['zbar']:.4f}, Ztilde = {allstats['ztilde']:.4f}" + lag_note)
    dist = "normal" if test != "wbar" else "none (mean of chi2(p) statistics)"
    if bootstrap:
        if not balanced:
            raise DataError("dumitrescu_hurlin: the bootstrap resamples whole periods and "
                            "needs a balanced panel")
        draws = _bootstrap(Y, X, p, test, int(bootstrap), seed, parallel)
        pvalue = float(np.mean(draws >= stat))
        crit = np.quantile(draws, [0.90, 0.95, 0.99])
        note += (f"; bootstrap p-value from {bootstrap} replications resampling periods "
                 f"(Lopez-Weber 2017); bootstrap critical values 10% {crit[0]:.3f}, 5% "
                 f"{crit[1]:.3f}, 1% {crit[2]:.3f}")
        dist = "bootstrap"
    label = {"ztilde": "Ztilde", "zbar": "Zbar", "wbar": "Wbar"}[test]
    return TestResult(f"Dumitrescu-Hurlin {label}", float(stat), pvalue, df=float(p),
                      distribution=dist,
                      null=f"{xname} does not Granger-cause {yname} in any entity",
                      note=note)
