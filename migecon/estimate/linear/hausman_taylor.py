"""Hausman-Taylor and Amemiya-MaCurdy: time-invariant regressors with FE-like robustness.

The model ``y_it = X1 b1 + X2 b2 + Z1 g1 + Z2 g2 + mu_i + nu_it`` has
time-varying regressors ``X1`` (exogenous) and ``X2`` (correlated with
``mu_i``), and time-invariant ones ``Z1`` (exogenous, e.g. distance,
landlockedness) and ``Z2`` (correlated, e.g. education). Regressors are sorted
into the four groups automatically (time-invariant = no within variation);
``endogenous=`` names those correlated with the effect. Hausman and Taylor
(1981), as in Baltagi (2013, sec. 7.4) and plm (``random.method="ht"``):

1. within regression on ``X1, X2``: ``sigma2_nu = RSS_within / (N - n)``;
2. the entity effects (deviations from their mean) regressed on ``Z1, Z2`` by
   2SLS with instruments ``[1, X1, Z1]`` over all rows; ``sigma2_1 = RSS / n``
   and ``sigma2_mu = (sigma2_1 - sigma2_nu) / T``;
3. ``theta_i = 1 - (1 + T_i sigma2_mu / sigma2_nu)^(-1/2)``; every variable is
   quasi-demeaned and the model is estimated by 2SLS with instruments
   ``[Q X1, Q X2, P X1, Z1]`` (``Q`` within, ``P`` entity means). The
   Amemiya-MaCurdy variant (``variant="am"``) replaces ``P X1`` by the values of
   ``X1`` in every period (``X1*``, balanced panels only).

On unbalanced panels ``T`` in step 2 is the mean ``N / n`` and ``theta_i`` uses each
``T_i`` (plm uses the number of periods); only the balanced case is checked against
reference output (Baltagi's Table 7.4 via plm).

Identification needs at least as many time-varying exogenous regressors as
time-invariant endogenous ones. The conventional covariance is
``sigma2 (X*' P_A X*)^-1`` with ``sigma2 = e*'e* / (N - K)`` from the
transformed residuals, as plm reports; robust and clustered sandwiches are
available.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from migecon.errors import DataError, SpecificationError
from migecon.estimate.formula import parse_formula
from migecon.estimate.linear.covariance import CovInputs, compute_covariance, parse_cov_options
from migecon.estimate.linear.design import build_design, group_means, warn_dropped, within
from migecon.estimate.linear.iv import two_sls
from migecon.estimate.results import Result

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["HT_VARIANTS", "fit_hausman_taylor"]

HT_VARIANTS: tuple[str, ...] = ("ht", "am")
_RTOL = 1e-9


def fit_hausman_taylor(formula: str, panel: Panel, *, endogenous: Sequence[str],
                       variant: str = "ht", cov_type: str = "unadjusted",
                       small_sample: str = "none", **cov_options: Any) -> Result:
    """Estimate the Hausman-Taylor (or Amemiya-MaCurdy) model.

    Called by :func:`migecon.fit` with ``estimator="hausman-taylor"`` (or
    ``"amemiya-macurdy"``); see the module description for the method.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2 + z1 + z2"`` (no IV part: the instruments are implied).
    panel : Panel
        The data.
    endogenous : sequence of str
        Regressors correlated with the entity effect, as the design names them
        (``"ed"``, ``"C(union)[T.yes]"``, ``"I(exp ** 2)"``).
    variant : {"ht", "am"}
        Hausman-Taylor or Amemiya-MaCurdy instruments.
    cov_type, small_sample, **cov_options
        As in :func:`migecon.fit`.

    Returns
    -------
    Result
    """
    if variant not in HT_VARIANTS:
        raise SpecificationError(f"variant must be 'ht' or 'am'; got {variant!r}")
    parsed = parse_formula(formula)
    if parsed.is_iv:
        raise SpecificationError(
            "the Hausman-Taylor estimator builds its own instruments; write the formula "
            "without an IV part and name the correlated regressors in endogenous=[...]")
    spec = parse_cov_options(cov_type, small_sample, entity_name=panel.entity_name,
                             time_name=panel.time_name, **cov_options)
    d = build_design(parsed, panel, extra=spec.variables)
    warn_dropped(d.dropped)
    d.groups["entity"] = np.asarray(d.index.get_level_values(0))
    d.groups["time"] = np.asarray(d.index.get_level_values(1))
    names = list(d.names)
    unknown = [e for e in endogenous if e not in names]
    if unknown:
        raise SpecificationError(
            f"endogenous={unknown} are not regressors of the model; its regressors are "
            f"{[n for n in names if n != 'const']}")
    if "const" not in names:
        raise SpecificationError("the Hausman-Taylor estimator needs a constant")
    X, y, ent = d.X, d.y, d.entity
    Xw = within(X, ent)
    varying = np.sqrt((Xw**2).sum(axis=0)) > _RTOL * np.maximum(
        np.sqrt((X**2).sum(axis=0)), 1e-300)
    endo = np.array([n in endogenous for n in names])
    x1, x2 = varying & ~endo, varying & endo
    z1, z2 = ~varying & ~endo, ~varying & endo
    if x1.sum() < z2.sum():
        raise SpecificationError(
            f"not identified: {int(z2.sum())} time-invariant endogenous regressor(s) "
            f"{[n for n, b in zip(names, z2, strict=True) if b]} need at least as many "
            f"time-varying exogenous ones; there are {int(x1.sum())}")
    if not varying.any():
        raise DataError("no regressor varies over time within entities")
    Ti = np.bincount(ent).astype(float)
    n, N = len(Ti), d.nobs
    # 1. within regression
    yw = within(y, ent)
    b_w = np.linalg.lstsq(Xw[:, varying], yw, rcond=None)[0]
    e_w = yw - Xw[:, varying] @ b_w
    s2nu = float(e_w @ e_w) / (N - n)
    # 2. effects (deviations from their mean) on the time-invariant regressors by 2SLS
    alpha = group_means(y - X[:, varying] @ b_w, ent)[:, 0]
    effects = alpha[ent] - float(np.mean(y - X[:, varying] @ b_w))
    inst = X[:, x1 | z1]
    stage2 = two_sls(effects, X[:, z1 | z2], inst,
                     x_names=[n for n, b in zip(names, z1 | z2, strict=True) if b],
                     z_names=[n for n, b in zip(names, x1 | z1, strict=True) if b])
    s21 = float(stage2.resid @ stage2.resid) / n
    t_bar = float(N) / n
    s2mu = (s21 - s2nu) / t_bar
    if s2mu <= 0:
        raise DataError(
            f"the estimated variance of the entity effect is not positive ({s2mu:.4g}); "
            "the Hausman-Taylor transformation is undefined. Use estimator='fe'")
    theta = 1 - (1 + Ti[ent] * s2mu / s2nu) ** -0.5
    # 3. GLS-IV
    Xbar = group_means(X, ent)[ent]
    X_star = X - theta[:, None] * Xbar
    y_star = y - theta * group_means(y, ent)[ent, 0]
    between_part = Xbar[:, x1] if variant == "ht" else _all_periods(X[:, x1], d, ent)
    A = np.column_stack([Xw[:, x1], Xw[:, x2], between_part, X[:, z1]])
    a_names = [f"A{j}" for j in range(A.shape[1])]
    fit2 = two_sls(y_star, X_star, A, x_names=names, z_names=a_names)
    sigma2_divisor = float(N - len(names))
    inputs = CovInputs(bread=fit2.bread, regressors=fit2.xhat, resid=fit2.resid,
                       k=len(names), groups=d.groups, entity=ent, time=d.time,
                       sigma2_divisor=sigma2_divisor, force_normal=True)
    cov, info = compute_covariance(inputs, spec, entity_label="entity")
    params = pd.Series(fit2.params, index=names)
    stats_ = {"sigma2_e": s2nu, "sigma2_u": s2mu, "theta": float(theta.mean()),
              "rmse": float(np.sqrt(fit2.resid @ fit2.resid / sigma2_divisor)),
              "n_instruments": float(A.shape[1])}
    groups = {"time-varying exogenous": x1, "time-varying endogenous": x2,
              "time-invariant exogenous": z1, "time-invariant endogenous": z2}
    notes = tuple(f"{k}: {', '.join(n for n, b in zip(names, v, strict=True) if b) or '-'}"
                  for k, v in groups.items())
    name = "Hausman-Taylor" if variant == "ht" else "Amemiya-MaCurdy"
    return Result(
        params=params, cov=pd.DataFrame(cov, index=names, columns=names), cov_info=info,
        estimator="hausman-taylor" if variant == "ht" else "amemiya-macurdy",
        dependent=d.dependent, nobs=N, n_entities=n,
        n_periods=int(pd.Index(d.index.get_level_values(1)).nunique()), effects="entity",
        formula=formula, rsquared=float("nan"), stats=stats_, dropped=dict(d.dropped),
        sample=d.index, notes=notes + ((panel.simulated_note(),) if panel.is_simulated
                                       else ()),
        simulated=panel.is_simulated, model_name=name, df_resid=inputs.df_resid,
        df_model=float(len(names) - 1),
        resid=pd.Series(fit2.resid, index=d.index, name="resid"))


def _all_periods(X1: np.ndarray, d: Any, ent: np.ndarray) -> np.ndarray:
    """Amemiya-MaCurdy's X1*: each entity's value of every X1 column in every period."""
    periods = np.asarray(d.time)
    n_t = int(periods.max()) + 1
    counts = np.bincount(ent)
    if np.any(counts != n_t):
        raise DataError(
            "the Amemiya-MaCurdy instruments need every entity in every period (a "
            f"balanced sample); {int(np.sum(counts != n_t))} entities have gaps. Use "
            "estimator='hausman-taylor'")
    wide = np.zeros((counts.shape[0], n_t, X1.shape[1]))
    wide[ent, periods] = X1
    return wide.reshape(counts.shape[0], -1)[ent]
