r"""Poisson pseudo-maximum likelihood (PPML) for gravity models, on pyfixest's ``fepois``.

Gravity equations of migration and remittances (Santos Silva and Tenreyro
2006; Beine, Bertoli and Fernández-Huertas Moraga 2016) explain a bilateral
flow or stock :math:`y_{odt} \ge 0` by
:math:`E[y_{odt} \mid x] = \exp(x_{odt}'\beta + \alpha_{ot} + \gamma_{dt} + \eta_{od})`:
origin-year effects absorb everything about the origin in a year (its
"multilateral resistance"), destination-year effects the same for the
destination, pair effects the time-invariant bilateral costs. PPML keeps the
zeros, is consistent under heteroskedasticity when only the mean is right,
and is estimated here by pyfixest's ``fepois`` (iteratively reweighted least
squares with the fixed effects absorbed). migecon adds:

* the formula as ``"y ~ x1 + x2 | o^year + d^year + o^d"`` (pyfixest's own);
* standard errors clustered by pair by default (``cluster="pair"`` builds
  the pair from the ``origin`` and ``destination`` columns);
* separation (Correia, Guimarães and Zylkin 2021): observations whose
  outcome is zero in every cell of some fixed effect, or perfectly predicted
  by the regressors, make some estimates go to infinity; they are detected
  (``separation=("fe", "ir")``), dropped, counted in ``Result.dropped`` and
  reported with a :class:`~migecon.errors.DroppedDataWarning`;
* a :class:`~migecon.estimate.results.Result`, so :func:`migecon.regression_table`
  and the figures work as for the other estimators;
* a warning when the World Bank/KNOMAD remittance matrix is regressed on the
  migrant stocks or incomes it was constructed from.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from migecon.errors import (
    DataError,
    DroppedDataWarning,
    EstimationWarning,
    MissingDependencyError,
    SpecificationError,
)
from migecon.estimate.results import CovarianceInfo, Result, TestResult

__all__ = ["KNOMAD_INPUT_HINTS", "ppml"]

#: Words in a regressor's name that suggest one of the matrix's construction inputs.
KNOMAD_INPUT_HINTS = ("stock", "migrant", "diaspora", "gdp", "income", "gni")
_SEPARATION = ("fe", "ir")
_SMALL = ("fixest", "none")


def _pyfixest() -> Any:
    try:
        import pyfixest
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("mg.ppml needs pyfixest (pip install 'pyfixest>=0.30')"
                                     ) from exc
    return pyfixest


def _split(formula: str) -> tuple[str, list[str], list[str]]:
    if "~" not in formula:
        raise SpecificationError(f"formula must read 'y ~ x1 + x2 | fe1 + fe2'; got {formula!r}")
    lhs, rhs = formula.split("~", 1)
    parts = rhs.split("|")
    if len(parts) > 2:
        raise SpecificationError("formula has more than one '|'; PPML takes "
                                 "'y ~ regressors | fixed effects' (no IV part)")
    regs = [t.strip() for t in parts[0].split("+") if t.strip() and t.strip() not in ("1", "0")]
    fes = [t.strip() for t in parts[1].split("+") if t.strip()] if len(parts) == 2 else []
    return lhs.strip(), regs, fes


def _variables(term: str) -> list[str]:
    return re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", term)


def ppml(
    formula: str,
    data: pd.DataFrame,
    *,
    cluster: str | None = "pair",
    pair: tuple[str, str] = ("origin", "destination"),
    vcov: str | None = None,
    small_sample: str = "fixest",
    separation: Sequence[str] = _SEPARATION,
    tol: float = 1e-8,
    maxiter: int = 100,
) -> Result:
    """Poisson pseudo-maximum likelihood with absorbed fixed effects (gravity models).

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2 | o^year + d^year + o^d"``: regressors, then the
        fixed effects in pyfixest's syntax (``a^b`` is the interaction).
    data : DataFrame
        One row per observation (e.g. a dyad panel from
        :func:`migecon.build_dyads`); the outcome must be non-negative.
    cluster : str or None
        ``"pair"`` (default) clusters by the pair built from ``pair``; any
        other column name clusters by it; ``None`` uses ``vcov``.
    pair : (str, str)
        Origin and destination columns defining a pair.
    vcov : {"iid", "hetero"}, optional
        Without clustering: the inverse-Hessian (``"iid"``, Stata's
        ``poisson`` default) or the sandwich (``"hetero"``).
    small_sample : {"fixest", "none"}
        ``"fixest"``: pyfixest's default factors (as fixest / ppmlhdfe);
        ``"none"``: no finite-sample factor (as statsmodels' GLM with
        ``use_correction=False``).
    separation : sequence of {"fe", "ir"}
        Separation checks (ppmlhdfe's): ``"fe"`` (zeros in every cell of a
        fixed effect) and ``"ir"`` (the iterative rectifier).

    Returns
    -------
    Result
        ``estimator="ppml"``; ``n_entities`` is the number of pairs and
        ``n_periods`` of years (when the data have ``pair`` and ``year``
        columns); ``dropped`` counts separated and other rows
        (missing values, singletons); ``stats`` holds ``deviance``,
        ``pseudo_r2``, ``loglik`` and ``n_separated``.

    Raises
    ------
    DataError
        Negative outcomes, missing columns.
    SpecificationError
        A bad formula or option.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"origin": np.repeat(list("ABCDEF"), 6),
    ...                   "destination": np.tile(list("UVWXYZ"), 6)})
    >>> d["dist"] = rng.uniform(1, 3, len(d))
    >>> d["flow"] = rng.poisson(np.exp(2 - 0.8 * d["dist"]))
    >>> res = ppml("flow ~ dist | origin + destination", d, cluster=None, vcov="hetero")
    >>> res.estimator, res.nobs
    ('ppml', 36)
    """
    pf = _pyfixest()
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a DataFrame; got {type(data).__name__}")
    if small_sample not in _SMALL:
        raise SpecificationError(f"small_sample must be one of {_SMALL}; got {small_sample!r}")
    bad_sep = [s for s in separation if s not in _SEPARATION]
    if bad_sep:
        raise SpecificationError(f"separation checks must be among {_SEPARATION}; got {bad_sep}")
    dep, regs, fes = _split(formula)
    needed = sorted({v for t in [dep, *regs, *fes] for v in _variables(t)} - {"C", "I", "np"})
    missing = [v for v in needed if v not in data.columns]
    if missing:
        raise DataError(f"data lack column(s) {missing} used in the formula; columns: "
                        f"{list(data.columns)[:20]}")
    y = pd.to_numeric(data[dep], errors="coerce")
    if (y < 0).any():
        raise DataError(f"the outcome {dep!r} has {int((y < 0).sum())} negative value(s); PPML "
                        "needs counts, flows or stocks >= 0 (net flows cannot be used)")
    _warn_constructed(data, dep, regs)
    frame = data.copy()
    if cluster == "pair":
        for column in pair:
            if column not in frame.columns:
                raise DataError(f"cluster='pair' needs columns {list(pair)}; {column!r} is "
                                "missing. Pass pair=(origin, destination) or cluster=<column>")
        frame["_pair"] = frame[pair[0]].astype(str) + "->" + frame[pair[1]].astype(str)
        vcov_arg: Any = {"CRV1": "_pair"}
        cluster_by = "pair"
    elif cluster is not None:
        if cluster not in frame.columns:
            raise DataError(f"cluster column {cluster!r} is not in the data")
        vcov_arg = {"CRV1": cluster}
        cluster_by = cluster
    else:
        if vcov not in ("iid", "hetero"):
            raise SpecificationError("without clustering, vcov must be 'iid' or 'hetero'; got "
                                     f"{vcov!r}")
        vcov_arg, cluster_by = vcov, ""
    ssc = (pf.ssc(k_adj=False, G_adj=False) if small_sample == "none" else pf.ssc())
    n_in = len(frame)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pf.fepois(formula, data=frame, vcov=vcov_arg, ssc=ssc,
                        separation_check=list(separation), iwls_tol=tol, iwls_maxiter=maxiter)
    notes: list[str] = []
    numerical: dict[str, int] = {}
    reported: set[str] = set()
    for w in caught:
        text = str(w.message)
        if "separation" in text.lower():
            continue  # counted below
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning,
                                   FutureWarning)) or "deprecat" in text.lower():
            continue  # pyfixest's use of pandas, not about the model
        if "singleton" in text.lower():
            notes.append(f"pyfixest: {text}")  # the rows are counted in `dropped`
            continue
        if issubclass(w.category, RuntimeWarning):
            numerical[text] = numerical.get(text, 0) + 1  # IRLS / rectifier internals
            continue
        if text not in reported:
            reported.add(text)
            warnings.warn(f"pyfixest: {text}", EstimationWarning, stacklevel=2)
            notes.append(f"pyfixest: {text}")
    if numerical:
        notes.append("numerical warnings inside pyfixest (not raised): " + "; ".join(
            f"{k} ({v}x)" for k, v in numerical.items()))
    n_sep = int(getattr(fit, "n_separation_na", 0) or 0)
    n_used = int(fit._N)
    other = n_in - n_used - n_sep
    dropped: dict[str, int] = {}
    if n_sep:
        dropped["separated"] = n_sep
    if other:
        dropped["missing values or singleton fixed effects"] = other
    if dropped:
        warnings.warn(
            f"PPML dropped {n_in - n_used} of {n_in} row(s): " + ", ".join(
                f"{k}: {v}" for k, v in dropped.items())
            + (" (separated observations have a zero outcome that the fixed effects or "
               "regressors predict perfectly; their estimates would be infinite)" if n_sep
               else ""), DroppedDataWarning, stacklevel=2)
    names = list(fit._coefnames)
    params = pd.Series(np.asarray(fit.coef(), dtype=float), index=names)
    cov = pd.DataFrame(np.asarray(fit._vcov, dtype=float), index=names, columns=names)
    if cluster_by:
        n_clusters = int(np.asarray(fit._G).ravel()[0])
        description = f"clustered by {cluster_by} ({n_clusters} clusters)"
        info = CovarianceInfo("clustered", description, n_clusters=n_clusters,
                              cluster_by=cluster_by, small_sample=small_sample, dist="normal")
    else:
        description = {"iid": "inverse Hessian (model-based)",
                       "hetero": "heteroskedasticity-robust"}[str(vcov)]
        info = CovarianceInfo("unadjusted" if vcov == "iid" else "robust", description,
                              small_sample=small_sample, dist="normal")
    stats_ = {"deviance": float(np.asarray(fit.deviance).ravel()[0]),
              "loglik": float(np.asarray(fit._loglik).ravel()[0]),
              "pseudo_r2": float(np.asarray(fit._pseudo_r2).ravel()[0]),
              "n_separated": float(n_sep)}
    if cluster_by:
        stats_["n_clusters"] = float(n_clusters)
    wald = _wald(params, cov)
    used = getattr(fit, "_data", None)
    n_pairs = n_years = 0
    if isinstance(used, pd.DataFrame) and len(used) == n_used:
        if all(c in used.columns for c in pair):
            n_pairs = int(used[list(pair)].drop_duplicates().shape[0])
        if "year" in used.columns:
            n_years = int(used["year"].nunique())
    return Result(
        params=params, cov=cov, cov_info=info, estimator="ppml", dependent=dep,
        nobs=n_used, n_entities=n_pairs, n_periods=n_years,
        effects=" + ".join(fes) if fes else "none", formula=formula,
        f_stat=wald, stats=stats_, dropped=dropped, notes=tuple(notes),
        model_name="PPML" + (f" ({', '.join(fes)})" if fes else ""),
        df_model=float(len(names)), df_resid=float("nan"),
        resid=pd.Series(np.asarray(fit._u_hat_response).ravel(), name="resid"),
        fit_data=fit)


def _wald(params: pd.Series, cov: pd.DataFrame) -> TestResult | None:
    from scipy import stats

    slopes = [n for n in params.index if n != "Intercept"]
    if not slopes:
        return None
    b = params[slopes].to_numpy()
    V = cov.loc[slopes, slopes].to_numpy()
    try:
        stat = float(b @ np.linalg.solve(V, b))
    except np.linalg.LinAlgError:
        return None
    return TestResult("Wald (all slopes zero)", stat, float(stats.chi2.sf(stat, len(slopes))),
                      df=float(len(slopes)), distribution="chi2",
                      null="all slope coefficients are zero")


def _warn_constructed(data: pd.DataFrame, dep: str, regs: list[str]) -> None:
    """Warn when the KNOMAD matrix is explained by what it was built from."""
    constructed = data.attrs.get("constructed", {}) if hasattr(data, "attrs") else {}
    inputs = set(data.attrs.get("construction_inputs", ())) if hasattr(data, "attrs") else set()
    if dep not in constructed:
        return
    used = {v for t in regs for v in _variables(t)}
    flagged = sorted(used & inputs) or sorted(
        v for v in used if any(h in v.lower() for h in KNOMAD_INPUT_HINTS))
    if flagged:
        warnings.warn(
            f"{dep!r} is {constructed[dep]}; regressing it on {flagged} partly recovers the "
            "allocation rule rather than a behavioural relation (Ratha and Shaw 2007). Use "
            "observed bilateral flows where they exist, or read the estimates as a check of "
            "the construction", EstimationWarning, stacklevel=3)
