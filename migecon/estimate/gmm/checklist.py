"""The referee's checklist for a difference or system GMM estimate.

:func:`gmm_checklist` runs the checks Roodman (2009, "How to do xtabond2",
sec. 4 and 7) and Bond (2002) ask of every dynamic-panel GMM result:

1. instruments against groups (Roodman's rule of thumb: no more instruments
   than groups; many instruments overfit the endogenous variables and weaken
   the Hansen test);
2. Arellano-Bond AR(1) (expected to reject in first differences) and AR(2)
   (must not reject at 10 %: otherwise lag 2 is not a valid instrument);
3. Hansen's J: a p-value below 0.10 rejects the instruments; one of 0.99 or
   more is the "implausibly good" sign of too many instruments;
4. each difference-in-Hansen group (p < 0.10 rejects that subset, e.g. the
   levels instruments of system GMM);
5. Bond's bounds: the coefficient of the lagged dependent variable (or of
   ``bounds_term``) should lie between fixed effects (biased down, Nickell)
   and pooled OLS (biased up); both are fitted here on the same equation;
6. collapsing: the model is refitted with the instruments collapsed (or not,
   if they were) and the conclusion (sign and 5 % significance of every slope,
   the Hansen and AR(2) verdicts) compared.

Checks 5 and 6 need the data (``data=``). Each failing check raises an
:class:`~migecon.errors.EstimationWarning` (``warn=False`` to only collect
them); the returned :class:`GMMChecklist` prints as a list and has the
structured fields.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from migecon.errors import EstimationWarning, MigeconError, MigeconWarning
from migecon.estimate.gmm.checks import Check, GMMChecklist, static_checks

if TYPE_CHECKING:
    from migecon.estimate.results import Result

__all__ = ["Check", "GMMChecklist", "gmm_checklist"]

_OP = re.compile(r"^([LDF])(\d*)\.(.+)$")


def _fit_term(name: str, step: int = 1) -> str:
    """``L2.n`` -> ``L(n, 2)``; ``D.x`` -> ``D(x)`` (mg.fit's spelling).

    ``step`` is the spacing of the time index (5 for five-year averages labelled
    1990, 1995, ...): GMM lags count periods, mg.fit's count time units.
    """
    m = _OP.match(name)
    if not m:
        return name
    op, k, var = m.group(1), int(m.group(2) or 1) * step, _fit_term(m.group(3), step)
    return f"{op}({var}, {k})" if op != "D" or k != 1 else f"D({var})"


def _time_step(data: Any) -> int:
    try:
        times = np.unique(np.asarray(data.data.index.get_level_values(1), dtype=float))
    except (AttributeError, TypeError, ValueError):
        return 1
    gaps = np.diff(times)
    gaps = gaps[gaps > 0]
    return int(gaps.min()) if gaps.size and float(gaps.min()).is_integer() else 1


def _bounds(res: Result, data: Any, term: str) -> tuple[Check, tuple[float, float] | None]:
    from migecon.estimate.linear.static import fit

    slopes = [n for n in res.params.index if n not in ("const", "_cons")]
    cols = set(getattr(data, "columns", []))
    kept = [n for n in slopes if _OP.sub(r"\3", n) in cols or n in cols]
    dep = res.dependent
    step = _time_step(data)
    formula = f"{_fit_term(dep, step)} ~ " + " + ".join(_fit_term(n, step) for n in kept)
    with warnings.catch_warnings():
        # the benchmarks drop rows the GMM sample also lacks; that is expected here
        warnings.simplefilter("ignore", MigeconWarning)
        # period effects in the GMM equation that are not columns of the data
        # (time_dummies=True) become the benchmarks' year effects
        dummies = [n for n in slopes if n not in kept]
        timed = res.effects == "twoway" and bool(dummies)
        ols = fit(formula, data, estimator="pooled", effects="time" if timed else "none")
        fe = fit(formula, data, estimator="fe", effects="twoway" if timed else "entity")
    from migecon.estimate.postestimation import _aliases

    key = next(n for n in fe.params.index if _fit_term(term, step) in _aliases(str(n)))
    lo, hi = float(fe.params[key]), float(ols.params[key])
    b = float(res.params[term])
    inside = bool(min(lo, hi) <= b <= max(lo, hi))
    return Check("Bond bounds", inside, b,
                 f"{term}: FE {lo:.4g}, GMM {b:.4g}, pooled OLS {hi:.4g}: " +
                 ("GMM lies between them" if inside else "GMM lies outside the bounds "
                  "(weak or invalid instruments)")), (lo, hi)


def _toggle_collapse(command: str) -> str:
    out, i, collapsed = [], 0, " collapse" in command or "(collapse" in command
    while i < len(command):
        m = re.compile(r"gmm(style)?\(").search(command, i)
        if not m:
            out.append(command[i:])
            break
        out.append(command[i:m.end()])
        depth, j = 1, m.end()
        while j < len(command) and depth:
            depth += {"(": 1, ")": -1}.get(command[j], 0)
            j += 1
        inner = command[m.end():j - 1]
        if collapsed:
            inner = re.sub(r"\s*\bcollapse\b", "", inner)
        else:
            inner = inner + (" collapse" if "," in inner else ", collapse")
        out.append(inner + ")")
        i = j
    return "".join(out)


def _verdicts(r: Result) -> dict[str, Any]:
    slopes = [n for n in r.params.index if n not in ("const", "_cons")
              and not re.match(r"^yr\d", n)]
    p = r.pvalues
    out: dict[str, Any] = {n: (np.sign(r.params[n]), bool(p[n] < 0.05)) for n in slopes}
    for k in ("hansen", "ar2"):
        if k in r.tests:
            out[k] = bool(r.tests[k].pvalue < 0.10)
    return out


def _collapse_check(res: Result, data: Any, options: dict[str, Any],
                    ) -> tuple[Check, Any]:
    from migecon.estimate.gmm.estimator import gmm

    command = _toggle_collapse(res.formula)
    now = "collapsed" if "collapse" in res.formula else "uncollapsed"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MigeconWarning)
            alt = gmm(command, data, **options)
    except MigeconError as exc:
        return Check("Collapsing", None, float("nan"), f"refit failed: {exc}"), None
    a, b = _verdicts(res), _verdicts(alt)
    changed = [k for k in a if k in b and a[k] != b[k]]
    other = "uncollapsed" if now == "collapsed" else "collapsed"
    detail = (f"{other} refit ({int(alt.stats['n_instruments'])} instruments vs "
              f"{int(res.stats['n_instruments'])}): " +
              ("same conclusions" if not changed else
               f"conclusions change for {', '.join(changed)} (sign, 5 % significance, or "
               "the Hansen/AR(2) verdict)"))
    return Check("Collapsing", not changed, float(len(changed)), detail), alt


def gmm_checklist(res: Result, data: Any = None, *, bounds_term: str | None = None,
                  warn: bool = True, **gmm_options: Any) -> GMMChecklist:
    """Run the referee's checklist on a GMM result.

    Parameters
    ----------
    res : Result
        From :func:`migecon.gmm`.
    data : Panel, optional
        The data the model was fitted on; needed for the Bond bounds (pooled
        OLS and FE of the same equation) and the collapsing refit.
    bounds_term : str, optional
        The coefficient to bound (default: the first lag of the dependent
        variable, else the first lagged regressor, e.g. initial income).
    warn : bool
        Raise an :class:`~migecon.errors.EstimationWarning` per failing check.
    **gmm_options
        Passed to :func:`migecon.gmm` for the collapsing refit (e.g.
        ``time_dummies=True`` if the model was fitted with it).

    Returns
    -------
    GMMChecklist

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("abdata")
    >>> res = mg.gmm("n L.n w k, gmm(L.n, collapse) iv(w k) twostep robust", panel)
    >>> cl = mg.gmm_checklist(res, warn=False)
    >>> [c.name for c in cl.checks][:4]
    ['Instruments', 'AR(1)', 'AR(2)', 'Hansen']
    """
    if not str(res.estimator).startswith("gmm"):
        from migecon.errors import SpecificationError

        raise SpecificationError(f"gmm_checklist needs a result of mg.gmm; got estimator "
                                 f"{res.estimator!r}")
    checks = static_checks(res)
    bounds, alt = None, None
    names = [str(n) for n in res.params.index]
    term = bounds_term
    if term is None:
        lags = [n for n in names if _OP.match(n) and _OP.match(n).group(3) == res.dependent]  # type: ignore[union-attr]
        term = lags[0] if lags else next((n for n in names if n.startswith("L")), None)
    if data is None:
        checks.append(Check("Bond bounds", None, float("nan"),
                            "not run: pass data= to fit pooled OLS and FE of the equation"))
        checks.append(Check("Collapsing", None, float("nan"),
                            "not run: pass data= to refit with collapsing toggled"))
    else:
        if term is not None and term in names:
            try:
                check, bounds = _bounds(res, data, term)
            except MigeconError as exc:
                check = Check("Bond bounds", None, float("nan"), f"not run: {exc}")
            checks.append(check)
        else:
            checks.append(Check("Bond bounds", None, float("nan"),
                                "not run: no lagged dependent variable; pass bounds_term="))
        check, alt = _collapse_check(res, data, gmm_options)
        checks.append(check)
    out = GMMChecklist(checks, bounds, alt)
    if warn:
        for c in out.failed:
            warnings.warn(f"GMM checklist: {c.name} fails: {c.detail}", EstimationWarning,
                          stacklevel=2)
    return out
