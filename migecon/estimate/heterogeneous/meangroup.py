"""Mean-group and common-correlated-effects estimators of heterogeneous-slope panels.

Each entity ``i`` has its own coefficients, ``y_it = a_i + b_i' x_it + u_it``,
and the target is the mean slope ``b = E(b_i)``:

* ``"mg"``: Pesaran and Smith (1995) mean group, OLS per entity and the
  average of the ``b_i`` (plm ``pmg(model="mg")``, Stata ``xtmg``);
  ``cross_demean=True`` first removes the period means (plm ``model="dmg"``).
* ``"ccemg"``: Pesaran (2006) common correlated effects mean group, each
  entity's regression augmented with the cross-section averages
  ``ybar_t, xbar_t`` (plm ``pmg(model="cmg")`` / ``pcce(model="mg")``,
  Stata ``xtmg, cce`` / ``xtdcce2``).
* ``"ccep"``: Pesaran (2006) CCE pooled, the slopes pooled after projecting
  each entity's data off ``(1, ybar_t, xbar_t)`` (plm ``pcce(model="p")``).
* ``"amg"``: Eberhardt and Teal (2010) augmented mean group, the common
  dynamic process estimated from the year effects of a pooled
  first-difference regression and added to each entity's regression (Stata
  ``xtmg, aug``).

The covariance is the nonparametric mean-group one,
``V = sum_i (b_i - b)(b_i - b)' / (N (N - 1))`` (for CCEP Pesaran's 2006
eq. 67 sandwich, as plm). Entity regressions that cannot be estimated (too
few periods, a regressor constant within the entity) are dropped, counted
and reported with a :class:`~migecon.errors.DroppedDataWarning`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from migecon.errors import DataError, DroppedDataWarning, SpecificationError
from migecon.estimate._panelmath import PanelDesign, build_design
from migecon.estimate.heterogeneous.unitols import partial_out, stack, unit_ols
from migecon.estimate.results import CovarianceInfo, Result

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["HETEROGENEOUS_ESTIMATORS", "HeterogeneousResult", "fit_heterogeneous",
           "robust_mean"]

HETEROGENEOUS_ESTIMATORS: tuple[str, ...] = ("mg", "ccemg", "ccep", "amg")
_NAMES = {"mg": "Mean group (Pesaran-Smith)", "ccemg": "CCE mean group (Pesaran 2006)",
          "ccep": "CCE pooled (Pesaran 2006)", "amg": "Augmented mean group (Eberhardt-Teal)"}


class HeterogeneousResult(Result):
    """A :class:`~migecon.estimate.results.Result` with the entity-level regressions.

    ``unit_params`` and ``unit_se`` are DataFrames indexed by entity (the
    entities that were estimated) with one column per coefficient of the
    entity regressions, including the cross-section averages of CCE and the
    common dynamic process of AMG; ``unit_nobs`` is a Series of observations
    per entity. They are kept outside the dataclass fields, so
    :meth:`~migecon.estimate.results.Result.to_dict` is unchanged.
    """

    unit_params: pd.DataFrame
    unit_se: pd.DataFrame
    unit_nobs: pd.Series

    @classmethod
    def build(cls, unit_params: pd.DataFrame, unit_se: pd.DataFrame, unit_nobs: pd.Series,
              **fields: Any) -> HeterogeneousResult:
        out = cls(**fields)
        object.__setattr__(out, "unit_params", unit_params)
        object.__setattr__(out, "unit_se", unit_se)
        object.__setattr__(out, "unit_nobs", unit_nobs)
        return out


# ------------------------------------------------------------------ helpers
class _Stacked:
    """The estimation sample as zero-padded (entity, period) arrays."""

    def __init__(self, d: PanelDesign) -> None:
        self.d = d
        self.periods, self.tcode = np.unique(d.time, return_inverse=True)
        self.n, self.T = d.n_entities, len(self.periods)
        self.mask = stack(np.ones(d.nobs), d.entity, self.tcode, self.n, self.T) > 0
        self.Y = stack(d.y, d.entity, self.tcode, self.n, self.T)
        self.X = stack(d.X, d.entity, self.tcode, self.n, self.T)

    def period_mean(self, A: np.ndarray) -> np.ndarray:
        """Cross-section average at each period over the entities observed then, broadcast."""
        m = self.mask if A.ndim == 2 else self.mask[:, :, None]
        count = self.mask.sum(axis=0)
        mean = A.sum(axis=0) / (count if A.ndim == 2 else count[:, None])
        return np.where(m, np.broadcast_to(mean, A.shape), 0.0)

    def trend(self) -> np.ndarray:
        """1, 2, ..., T_i over each entity's observed periods (plm's ``seq_len``)."""
        return np.where(self.mask, np.cumsum(self.mask, axis=1), 0).astype(float)


def _warn_units(names: list[str], reason: str, what: str) -> None:
    warnings.warn(
        f"{what}: {len(names)} entit{'y' if len(names) == 1 else 'ies'} dropped ({reason}), "
        f"e.g. {names[:5]}; their regressions cannot be estimated", DroppedDataWarning,
        stacklevel=4)


def _unit_reasons(s: _Stacked, Xu: np.ndarray, ok: np.ndarray, k: int,
                  names: list[str]) -> dict[str, list[str]]:
    """Why each unit failed: too few periods or a regressor constant / collinear within it."""
    counts = s.mask.sum(axis=1)
    out: dict[str, list[str]] = {"too few periods": [], "collinear": []}
    for i in np.flatnonzero(~ok):
        ent = s.d.entities[i]
        if counts[i] <= k:
            out["too few periods"].append(f"{ent} (T={counts[i]}, needs > {k})")
            continue
        rows = s.mask[i]
        const = [names[j] for j in range(Xu.shape[2]) if names[j] not in ("const",)
                 and np.ptp(Xu[i, rows, j]) == 0]
        out["collinear"].append(f"{ent} (constant within it: {const})" if const else ent)
    return out


def robust_mean(B: np.ndarray, *, huber_c: float = 1.345, biweight_c: float = 4.685,
                max_iter: int = 100, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Outlier-robust mean of each column of ``B`` and its weights.

    Iteratively reweighted location as in Stata's ``rreg`` (used by
    ``xtmg, robust``): Huber weights until convergence, then Tukey biweights,
    the scale being the median absolute deviation / 0.6745 at each step.

    Parameters
    ----------
    B : ndarray, shape (N, k)
        Entity coefficients.

    Returns
    -------
    (mean, weights) : ndarray (k,), ndarray (N, k)

    Examples
    --------
    >>> import numpy as np
    >>> m, w = robust_mean(np.array([[1.0], [1.1], [0.9], [1.05], [50.0]]))
    >>> bool(abs(m[0] - 1.0) < 0.1), float(w[-1, 0])
    (True, 0.0)
    """
    N, k = B.shape
    mean = np.median(B, axis=0)
    weights = np.ones((N, k))
    for kind, c in (("huber", huber_c), ("biweight", biweight_c)):
        for _ in range(max_iter):
            r = B - mean
            scale = np.median(np.abs(r - np.median(r, axis=0)), axis=0) / 0.6745
            scale = np.where(scale > 0, scale, 1.0)
            u = np.abs(r / scale)
            if kind == "huber":
                w = np.where(u <= c, 1.0, c / np.maximum(u, 1e-300))
            else:
                w = np.where(u < c, (1 - (u / c) ** 2) ** 2, 0.0)
            new = (w * B).sum(axis=0) / w.sum(axis=0)
            done = np.max(np.abs(new - mean)) < tol
            mean, weights = new, w
            if done:
                break
    return mean, weights


def _mg_cov(B: np.ndarray, mean: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """``sum_i a_i a_i' / (N (N - 1))`` of ``a_i = w_i (b_i - b)``, ``w`` normalised to mean 1."""
    N = B.shape[0]
    dev = B - mean
    if weights is not None:
        dev = dev * weights / weights.mean(axis=0)
    return dev.T @ dev / (N * (N - 1))


# ---------------------------------------------------------------- estimator
def fit_heterogeneous(formula: str, panel: Panel, *, estimator: str = "mg",
                      trend: bool = False, cross_demean: bool = False,
                      robust: bool = False, effects: str = "entity",
                      cov_type: str = "mean-group") -> HeterogeneousResult:
    """Estimate a panel with heterogeneous slopes (mean group, CCE, AMG).

    Called by :func:`migecon.fit` for ``estimator="mg" | "ccemg" | "ccep" |
    "amg"``.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2"``; lags and differences as in :func:`migecon.fit`.
    panel : Panel
    estimator : {"mg", "ccemg", "ccep", "amg"}
    trend : bool
        Add an entity-specific linear trend ``1..T_i`` (plm's ``trend=TRUE``).
    cross_demean : bool
        Remove the period means from y and x before the entity regressions
        (plm's ``model="dmg"``); only with ``"mg"``.
    robust : bool
        Average the entity coefficients with outlier weights
        (:func:`robust_mean`, Stata's ``xtmg, robust``) instead of the plain
        mean; not with ``"ccep"``.
    effects : {"entity"}
        Entity intercepts are always in the entity regressions; accepted so
        that :func:`migecon.fit`'s default passes through.
    cov_type : {"mean-group", "unadjusted"}
        Only the nonparametric mean-group covariance is available
        (``"unadjusted"`` is :func:`migecon.fit`'s default and means the same
        here).

    Returns
    -------
    HeterogeneousResult
        ``params`` are the mean (or pooled, for CCEP) coefficients of the
        regressors; ``unit_params`` all entity-level coefficients.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.HeterogeneousSlopesDGP(n_countries=30, n_years=30).simulate(seed=2)
    >>> res = mg.fit("growth ~ remittances", panel, estimator="ccemg")
    >>> res.cov_info.cov_type, res.unit_params.shape[0] == res.n_entities
    ('mean-group', True)
    >>> bool(abs(res.params["remittances"] - 0.5) < 0.15)  # true mean slope 0.5
    True
    """
    if estimator not in HETEROGENEOUS_ESTIMATORS:
        raise SpecificationError(
            f"estimator must be one of {', '.join(map(repr, HETEROGENEOUS_ESTIMATORS))}; "
            f"got {estimator!r}")
    if effects != "entity":
        raise SpecificationError(
            f"estimator={estimator!r} has entity intercepts in every entity regression and "
            f"handles common shocks through cross-section averages; effects={effects!r} is "
            "not available (leave effects at its default)")
    if cov_type not in ("mean-group", "unadjusted"):
        raise SpecificationError(
            f"estimator={estimator!r} reports the nonparametric mean-group covariance "
            f"(robust to heteroskedasticity and serial correlation within entities); "
            f"cov_type={cov_type!r} is not available for it")
    if cross_demean and estimator != "mg":
        raise SpecificationError("cross_demean=True is the demeaned mean group (plm 'dmg'); "
                                 f"use it with estimator='mg', not {estimator!r}")
    if robust and estimator == "ccep":
        raise SpecificationError("robust=True weights the entity coefficients of a mean-group "
                                 "estimator; CCEP pools them, so use estimator='ccemg'")
    what = f"estimator={estimator!r}"
    d = build_design(panel, formula, what=what)
    if "const" not in d.names:
        raise SpecificationError(f"{what} needs an intercept in every entity's regression; "
                                 "remove '- 1' / '+ 0' from the formula")
    if d.n_entities < 2:
        raise DataError(f"{what} averages entity regressions and needs at least 2 entities; "
                        f"the sample has {d.n_entities}")
    s = _Stacked(d)
    slope_names = [n for n in d.names if n != "const"]
    slopes = d.slopes
    if not slopes:
        raise SpecificationError(f"{what}: the formula has no regressor")
    Y, X = s.Y, s.X
    extra: list[str] = []
    blocks: list[np.ndarray] = []
    if estimator == "mg" and cross_demean:
        Y = np.where(s.mask, Y - s.period_mean(Y), 0.0)
        Xd = np.where(s.mask[:, :, None], X - s.period_mean(X), 0.0)
        Xd[:, :, d.names.index("const")] = s.mask
        X = Xd
    if estimator in ("ccemg", "ccep"):
        blocks = [s.period_mean(s.Y)[:, :, None], s.period_mean(s.X[:, :, slopes])]
        extra = ["y_bar"] + [f"{n}_bar" for n in slope_names]
    if estimator == "amg":
        blocks = [_common_dynamic_process(d, s)[:, :, None]]
        extra = ["cdp"]
    if trend:
        blocks.append(s.trend()[:, :, None])
        extra.append("trend")
    if estimator == "ccep":
        return _ccep(d, s, panel, formula, slope_names, slopes, blocks, extra, trend)
    Xu = np.concatenate([X, *blocks], axis=2)
    names = list(d.names) + extra
    fit = unit_ols(Y, Xu, s.mask)
    kept = _check_units(s, Xu, fit.ok, names, what)
    B = fit.coef[kept]
    if robust:
        mean, weights = robust_mean(B)
        cov = _mg_cov(B, mean, weights)
    else:
        mean, weights = B.mean(axis=0), None
        cov = _mg_cov(B, mean)
    report = [j for j, n in enumerate(names) if n not in extra or n == "trend"]
    resid = fit.resid[kept][s.mask[kept]]
    y_kept = s.Y[kept][s.mask[kept]]
    k_all = len(names)
    t_bal = s.T
    r2 = 1 - np.var(resid, ddof=1) / np.var(y_kept, ddof=1) * (t_bal - 1) / (t_bal - k_all - 1)
    notes = []
    if estimator == "amg":
        notes.append("common dynamic process: year effects of a pooled first-difference "
                     "regression with differenced year dummies (Eberhardt-Teal 2010), "
                     "entered as a regressor with an entity-specific coefficient")
    if robust:
        notes.append("robust mean group: entity coefficients averaged with Huber then "
                     "biweight outlier weights (as Stata's xtmg, robust)")
    label = _NAMES[estimator] + (" (cross-sectionally demeaned)" if cross_demean else "")
    return _result(d, s, panel, formula, estimator, names, report, mean, cov, fit.coef,
                   np.sqrt(np.diagonal(fit.cov, axis1=1, axis2=2)), kept, resid, r2, label,
                   notes, robust=robust)


def _check_units(s: _Stacked, Xu: np.ndarray, ok: np.ndarray, names: list[str],
                 what: str, k: int | None = None) -> np.ndarray:
    k = Xu.shape[2] if k is None else k
    if not ok.all():
        reasons = _unit_reasons(s, Xu, ok, k, names)
        if reasons["too few periods"]:
            _warn_units(reasons["too few periods"], f"{k} coefficients need more than {k} "
                        "periods", what)
        if reasons["collinear"]:
            _warn_units(reasons["collinear"], "regressors collinear within the entity, e.g. "
                        "a variable constant within it", what)
    kept = np.flatnonzero(ok)
    if len(kept) < 2:
        raise DataError(
            f"{what}: {len(kept)} of {s.n} entities can be estimated (each needs more periods "
            f"than its {k} coefficients and regressors that vary within it); a mean group "
            "needs at least 2. Use a longer panel or fewer regressors")
    return kept


def _common_dynamic_process(d: PanelDesign, s: _Stacked) -> np.ndarray:
    """Eberhardt-Teal stage 1: year effects of the pooled FD regression, as (n, T)."""
    slopes = d.slopes
    prev = np.zeros_like(s.mask)
    prev[:, 1:] = s.mask[:, 1:] & s.mask[:, :-1]
    # Consecutive calendar periods only.
    gap = np.diff(s.periods) != 1
    prev[:, 1:] &= ~gap[None, :]
    dY = (s.Y[:, 1:] - s.Y[:, :-1])[prev[:, 1:]]
    dX = (s.X[:, 1:, :] - s.X[:, :-1, :])[prev[:, 1:]][:, slopes]
    tt = np.broadcast_to(np.arange(1, s.T), (s.n, s.T - 1))[prev[:, 1:]]
    # Differenced year dummies D_t - D_{t-1} for t = 2..T: coefficient = level mu_t (mu_1 = 0).
    D = np.zeros((len(tt), s.T - 1))
    D[np.arange(len(tt)), tt - 1] = 1.0
    has_prev = tt >= 2
    D[np.flatnonzero(has_prev), tt[has_prev] - 2] = -1.0
    A = np.column_stack([dX, D])
    if len(dY) <= A.shape[1] or np.linalg.matrix_rank(A) < A.shape[1]:
        raise DataError("estimator='amg': the pooled first-difference regression with year "
                        "dummies cannot be estimated (too few consecutive periods)")
    coef = np.linalg.lstsq(A, dY, rcond=None)[0]
    mu = np.concatenate([[0.0], coef[len(slopes):]])
    return np.where(s.mask, mu[None, :], 0.0)


def _ccep(d: PanelDesign, s: _Stacked, panel: Panel, formula: str, slope_names: list[str],
          slopes: list[int], blocks: list[np.ndarray], extra: list[str],
          trend: bool) -> HeterogeneousResult:
    """CCE pooled as plm's pcce(model = "p"), with the MG dispersion sandwich."""
    what = "estimator='ccep'"
    H = np.concatenate([*blocks[:2], s.mask[:, :, None].astype(float), *blocks[2:]], axis=2)
    X = s.X[:, :, slopes]
    MX = partial_out(X, H, s.mask)
    MY = partial_out(s.Y, H, s.mask)
    k = len(slopes)
    fit = unit_ols(MY, MX, s.mask)
    # Too few periods: the entity needs more rows than H and X columns together.
    counts = s.mask.sum(axis=1)
    ok = fit.ok & (counts > k + H.shape[2])
    kept = _check_units(s, s.X, ok, list(d.names), what, k=k + H.shape[2])
    XMX = np.einsum("ntk,ntl->nkl", MX[kept], MX[kept])
    XMy = np.einsum("ntk,nt->nk", MX[kept], MY[kept])
    coef = np.linalg.solve(XMX.sum(axis=0), XMy.sum(axis=0))
    B = fit.coef[kept]
    dem = B - B.mean(axis=0)
    n = len(kept)
    t_min = int(counts[kept].min())
    N = int(counts[kept].sum())
    R = np.einsum("nkl,nl,nm,nmj->kj", XMX, dem, dem, XMX) / (n - 1) / t_min ** 2
    psi_inv = np.linalg.inv(XMX.sum(axis=0) / N)
    cov = psi_inv @ R @ psi_inv / n
    resid_u = np.where(s.mask[kept], MY[kept] - np.einsum("ntk,k->nt", MX[kept], coef), 0.0)
    resid = resid_u[s.mask[kept]]
    T_ = s.T
    sigma2 = float((resid ** 2).sum() / (n * (T_ - k - 2) - k))
    yk = np.where(s.mask[kept], s.Y[kept], np.nan)
    sigma2y = float(np.nanmean(np.nanvar(yk, axis=1, ddof=1)))
    r2 = 1 - sigma2 / sigma2y
    unit_se = np.sqrt(np.diagonal(fit.cov, axis1=1, axis2=2))
    return _result(d, s, panel, formula, "ccep", slope_names, list(range(k)), coef, cov,
                   fit.coef, unit_se, kept, resid, r2, _NAMES["ccep"],
                   ["entity coefficients in unit_params are the CCE mean-group ones "
                    "(slopes after projecting off 1, y_bar, x_bar" + (", trend" if trend
                                                                        else "") + ")"],
                   cov_label="Pesaran (2006) nonparametric CCEP covariance")


def _result(d: PanelDesign, s: _Stacked, panel: Panel, formula: str, estimator: str,
            names: list[str], report: list[int], mean: np.ndarray, cov: np.ndarray,
            unit_coef: np.ndarray, unit_se: np.ndarray, kept: np.ndarray, resid: np.ndarray,
            r2: float, label: str, notes: list[str], *, robust: bool = False,
            cov_label: str = "") -> HeterogeneousResult:
    sel = report if estimator != "ccep" else list(range(len(names)))
    pnames = [names[j] for j in sel]
    if estimator == "ccep":
        params = pd.Series(mean, index=pnames, dtype=float)
        cov_df = pd.DataFrame(cov, index=pnames, columns=pnames)
    else:
        params = pd.Series(mean[sel], index=pnames, dtype=float)
        cov_df = pd.DataFrame(cov[np.ix_(sel, sel)], index=pnames, columns=pnames)
    entities = [d.entities[i] for i in kept]
    n_dropped_units = s.n - len(kept)
    rows_dropped = int(s.mask.sum() - s.mask[kept].sum())
    dropped = dict(d.dropped)
    if n_dropped_units:
        dropped["entities that cannot be estimated (rows)"] = rows_dropped
    description = cov_label or (
        f"nonparametric mean-group covariance ({'outlier-weighted, ' if robust else ''}"
        f"{len(kept)} entities)")
    info = CovarianceInfo(cov_type="mean-group", description=description, dist="normal")
    # d is sorted by (entity, time), as the stacked residuals are.
    sample = d.index if len(kept) == s.n else d.index[np.isin(d.entity, kept)]
    resid_s = pd.Series(resid, index=sample, name="resid")
    unit_cols = names
    up = pd.DataFrame(unit_coef[kept], index=pd.Index(entities, name=d.index.names[0]),
                      columns=unit_cols)
    use = pd.DataFrame(unit_se[kept], index=up.index, columns=unit_cols)
    nobs_u = pd.Series(s.mask[kept].sum(axis=1), index=up.index, name="nobs")
    meta = panel.metadata
    notes_all = ((panel.simulated_note(),) if panel.is_simulated else ()) + tuple(notes)
    if n_dropped_units:
        notes_all += (f"{n_dropped_units} entities dropped: their regressions cannot be "
                      "estimated",)
    stats = {"n_entities_dropped": float(n_dropped_units), "ssr": float(resid @ resid),
             "min_periods": float(nobs_u.min()), "max_periods": float(nobs_u.max())}
    slope_terms = [n for n in pnames if n not in ("const", "trend")]
    return HeterogeneousResult.build(
        up, use, nobs_u,
        params=params, cov=cov_df, cov_info=info, estimator=estimator,
        dependent=_dependent(formula), nobs=len(resid),
        n_entities=len(kept), n_periods=int(s.T), effects="entity", formula=formula,
        rsquared=float(r2), stats=stats, dropped=dropped, sample=sample,
        notes=notes_all, simulated=panel.is_simulated,
        truth=dict(meta.get("true_params", {})), model_name=label,
        df_resid=float("nan"), df_model=float(len(slope_terms)), resid=resid_s)


def _dependent(formula: str) -> str:
    return formula.split("~", 1)[0].strip()
