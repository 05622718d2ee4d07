"""The canonical growth regression of the remittances-diaspora-technology design.

``growth_it = a_i + l_t + b1 remittances_it + b2 network_it + b3 technology_it
+ c'controls_it + d log(income)_i,t-k + interactions + e_it``

:func:`growth_model` writes the formula from named roles so the two usual
mistakes cannot happen: the initial-income term is the value ``k`` *calendar*
periods earlier (gaps stay missing, and on five-year averages ``k`` is the
period length, found from the panel), and an interaction such as remittances x
financial depth always comes with both main effects (otherwise the
"interaction" coefficient also picks up the omitted main effect).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import reduce
from typing import TYPE_CHECKING, Any

import pandas as pd

from migecon.errors import SpecificationError
from migecon.estimate.linear.static import fit
from migecon.estimate.results import Result
from migecon.panel.timeindex import ordinals

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["growth_formula", "growth_model", "period_length"]

Roles = str | Sequence[str] | None


def growth_model(
    panel: Panel,
    *,
    remittances: Roles = None,
    network: Roles = None,
    technology: Roles = None,
    controls: Sequence[str] = (),
    initial_income: str | None = None,
    initial_lag: int | None = None,
    interactions: Sequence[str | tuple[str, str]] = (),
    dependent: str = "growth",
    endogenous: Sequence[str] = (),
    instruments: Sequence[str] = (),
    effects: str = "twoway",
    estimator: str = "fe",
    **fit_options: Any,
) -> Result:
    """Estimate the growth equation of the research design.

    Parameters
    ----------
    panel : Panel
        Country-year (or period-average) panel.
    remittances, network, technology : str or list of str, optional
        Variables playing each role (e.g. ``"remittances"``, ``"diaspora"``,
        ``["internet", "mobile"]``).
    controls : list of str
        Further regressors (investment, trade, inflation, ...).
    initial_income : str, optional
        Log income per head. On period averages built with
        ``transform(average=5, initial=[initial_income])`` (or
        ``build_panel(..., initial=[...])``) it enters as the start-of-period
        value ``initial_<initial_income>`` (income in the first year of the
        period, as growth regressions use); otherwise as
        ``L(initial_income, k)``.
    initial_lag : int, optional
        ``k``; default: the panel's period length (1 for annual data, 5 for
        five-year averages labelled by their first year). Giving it uses the
        lag even when a start-of-period column exists.
    interactions : list of "a:b" or (a, b)
        Products to add; a role name (``"remittances"``) stands for its
        variable. Both main effects are always included.
    dependent : str
        Growth variable.
    endogenous, instruments : list of str
        Regressors to instrument and the excluded instruments (FE2SLS with
        ``estimator="fe"``/``"iv"``).
    effects, estimator : str
        Passed to :func:`migecon.fit` (default two-way fixed effects).
    **fit_options
        Other :func:`migecon.fit` options (``cov_type``, ``small_sample``, ...).

    Returns
    -------
    Result

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> res = mg.growth_model(panel, remittances="remittances", network="diaspora",
    ...                       technology="internet", controls=["investment", "trade"],
    ...                       initial_income="log_gdppc",
    ...                       interactions=[("remittances", "trade")],
    ...                       cov_type="clustered")
    >>> [t for t in res.params.index if "log_gdppc" in t or ":" in t]
    ['L1.log_gdppc', 'remittances:trade']
    """
    formula, notes = growth_formula(
        panel, remittances=remittances, network=network, technology=technology,
        controls=controls, initial_income=initial_income, initial_lag=initial_lag,
        interactions=interactions, dependent=dependent, endogenous=endogenous,
        instruments=instruments)
    if estimator.startswith("gmm"):
        raise SpecificationError(
            "growth_model estimates static models; for difference/system GMM use mg.gmm "
            f"with the same terms: {formula}")
    if endogenous and estimator == "fe":
        estimator = "iv"
    res = fit(formula, panel, estimator=estimator, effects=effects, **fit_options)
    from dataclasses import replace

    return replace(res, notes=(*res.notes, *notes),
                   model_name=f"Growth model, {res.model_name}")


def growth_formula(
    panel: Panel,
    *,
    remittances: Roles = None,
    network: Roles = None,
    technology: Roles = None,
    controls: Sequence[str] = (),
    initial_income: str | None = None,
    initial_lag: int | None = None,
    interactions: Sequence[str | tuple[str, str]] = (),
    dependent: str = "growth",
    endogenous: Sequence[str] = (),
    instruments: Sequence[str] = (),
) -> tuple[str, tuple[str, ...]]:
    """The formula :func:`growth_model` estimates, and notes describing it.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> growth_formula(panel, remittances="remittances", initial_income="log_gdppc")[0]
    'growth ~ remittances + L(log_gdppc, 1)'
    """
    roles = {"remittances": _as_list(remittances), "network": _as_list(network),
             "technology": _as_list(technology)}
    terms: list[str] = []
    for values in roles.values():
        terms += values
    terms += list(controls)
    if not terms and initial_income is None:
        raise SpecificationError(
            "growth_model needs at least one regressor: remittances=, network=, "
            "technology=, controls= or initial_income=")
    notes: list[str] = []
    for a, b in (_pair(i) for i in interactions):
        a, b = _role(a, roles), _role(b, roles)
        for main in (a, b):
            if main not in terms:
                terms.append(main)
                notes.append(f"main effect {main} added for the interaction {a}:{b}")
        terms.append(f"{a}:{b}")
    start_column = f"initial_{initial_income}"
    if (initial_income is not None and initial_lag is None
            and start_column in panel.metadata.get("initial", {})
            and start_column in panel.columns):
        terms.append(start_column)
        notes.append(f"initial income: {initial_income} in the first year of each period "
                     f"({start_column}, from average=..., initial=[{initial_income!r}])")
    elif initial_income is not None:
        k = initial_lag if initial_lag is not None else period_length(panel)
        if k < 1:
            raise SpecificationError(f"initial_lag must be a positive number of years; got {k}")
        terms.append(f"L({initial_income}, {k})")
        notes.append(f"initial income: {initial_income} {k} year(s) earlier (L{k}."
                     f"{initial_income}; missing where that year is absent)")
    missing = sorted({v for t in terms for v in _names(t)} | set(endogenous) |
                     set(instruments) | {dependent} - set(panel.columns))
    missing = [m for m in missing if m not in panel.columns]
    if missing:
        raise SpecificationError(
            f"variable(s) {missing} not in the panel; available: {', '.join(panel.columns)}")
    endog = list(endogenous)
    if endog and not instruments:
        raise SpecificationError("endogenous= needs instruments= (excluded instruments)")
    exog = [t for t in _unique(terms) if t not in endog]
    formula = f"{dependent} ~ {' + '.join(exog) if exog else '1'}"
    if endog:
        formula += f" + [{' + '.join(endog)} ~ {' + '.join(instruments)}]"
    return formula, tuple(notes)


def period_length(panel: Panel) -> int:
    """Spacing of the panel's periods: the gcd of gaps between distinct years.

    Examples
    --------
    >>> import migecon as mg
    >>> period_length(mg.load_dataset("remittances_sim").transform(average=5))
    5
    """
    times = ordinals(pd.Index(panel.times))  # Periods count in their own frequency
    gaps = [int(b - a) for a, b in itertools.pairwise(times)]
    return int(reduce(math.gcd, gaps)) if gaps else 1


def _as_list(value: Roles) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _pair(item: str | tuple[str, str]) -> tuple[str, str]:
    if isinstance(item, str):
        parts = [p.strip() for p in item.replace("*", ":").split(":")]
    else:
        parts = [str(p).strip() for p in item]
    if len(parts) != 2 or not all(parts):
        raise SpecificationError(
            f"an interaction is two variables, 'a:b' or ('a', 'b'); got {item!r}")
    return parts[0], parts[1]


def _role(name: str, roles: dict[str, list[str]]) -> str:
    if name in roles:
        values = roles[name]
        if len(values) != 1:
            raise SpecificationError(
                f"interaction role {name!r} must stand for exactly one variable; it has "
                f"{values or 'none'}; name the variable instead")
        return values[0]
    return name


def _names(term: str) -> list[str]:
    inner = term
    if term.startswith("L(") and term.endswith(")"):
        inner = term[2:-1].split(",")[0]
    return [p.strip() for p in inner.split(":")]


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in items if not (i in seen or seen.add(i))]  # type: ignore[func-returns-value]
