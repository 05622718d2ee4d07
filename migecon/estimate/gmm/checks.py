"""Checks of a GMM result that need nothing but the result (see :mod:`.checklist`).

Kept apart from :mod:`migecon.estimate.gmm.checklist`, which refits models,
so that :func:`migecon.gmm_summary` can show them without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from migecon.estimate.results import Result

__all__ = ["Check", "GMMChecklist", "static_checks"]

HANSEN_LOW, HANSEN_HIGH, AR2_LEVEL = 0.10, 0.99, 0.10


@dataclass(frozen=True)
class Check:
    """One item of the checklist.

    ``passed`` is ``None`` when the check could not be run (the reason is in
    ``detail``).
    """

    name: str
    passed: bool | None
    value: float
    detail: str


@dataclass(frozen=True)
class GMMChecklist:
    """The checks of :func:`gmm_checklist`, printable and structured.

    Attributes
    ----------
    checks : list of Check
        In order: instruments, AR(1), AR(2), Hansen, each difference-in-Hansen
        group, Bond bounds, collapsing.
    bounds : tuple of float or None
        ``(fe, ols)`` estimates of the bounded coefficient.
    alternative : Result or None
        The refit with collapsing toggled.
    """

    checks: list[Check]
    bounds: tuple[float, float] | None = None
    alternative: Any = field(default=None, repr=False)

    @property
    def failed(self) -> list[Check]:
        """The checks that failed."""
        return [c for c in self.checks if c.passed is False]

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.failed

    def to_frame(self) -> pd.DataFrame:
        """One row per check: ``passed``, ``value``, ``detail``."""
        return pd.DataFrame([{"check": c.name, "passed": c.passed, "value": c.value,
                              "detail": c.detail} for c in self.checks]).set_index("check")

    def lines(self) -> list[str]:
        """The checklist as text lines."""
        mark = {True: "ok  ", False: "FAIL", None: " -- "}
        return [f"[{mark[c.passed]}] {c.name}: {c.detail}" for c in self.checks]

    def __str__(self) -> str:
        return "GMM checklist (Roodman 2009; Bond 2002)\n" + "\n".join(self.lines())


def _ar_checks(res: Result) -> list[Check]:
    out = []
    ar1, ar2 = res.tests.get("ar1"), res.tests.get("ar2")
    if ar1 is not None:
        ok = bool(ar1.pvalue < 0.10)
        out.append(Check("AR(1)", ok or None, ar1.pvalue,
                         f"p = {ar1.pvalue:.3f} ("
                         + ("rejects, as expected in first differences)" if ok else
                            "does not reject: unusual for differenced errors; check the "
                            "dynamics)")))
    if ar2 is not None:
        ok = bool(ar2.pvalue >= AR2_LEVEL)
        out.append(Check("AR(2)", ok, ar2.pvalue,
                         f"p = {ar2.pvalue:.3f} (" + ("no second-order autocorrelation: lag "
                         "2 instruments are valid)" if ok else "rejects: the errors are "
                         "serially correlated and lag 2 is not a valid instrument; start "
                         "the GMM lags at 3)")))
    return out


def _hansen_checks(res: Result) -> list[Check]:
    out = []
    key = "hansen" if "hansen" in res.tests else "sargan"
    j = res.tests.get(key)
    if j is not None:
        p = j.pvalue
        ok = bool(HANSEN_LOW <= p < HANSEN_HIGH)
        why = ("the instruments are rejected" if p < HANSEN_LOW else
               "implausibly good: a sign of too many instruments (the test has no power)"
               if p >= HANSEN_HIGH else "does not reject")
        out.append(Check(key.title(), ok, p, f"chi2({j.df}) = {j.stat:.2f}, p = {p:.3f}: "
                                             f"{why}"))
    for k, t in res.tests.items():
        if k.startswith("diff_hansen:"):
            label = k.split(":", 1)[1]
            ok = bool(t.pvalue >= HANSEN_LOW)
            out.append(Check(f"Difference-in-Hansen, {label}", ok, t.pvalue,
                             f"p = {t.pvalue:.3f}: " + ("exogeneity not rejected" if ok else
                                                        "these instruments are rejected")))
    return out


def static_checks(res: Result) -> list[Check]:
    """The checks that need only the result: instruments, AR, Hansen, difference-in-Hansen."""
    n_inst = res.stats.get("n_instruments", float("nan"))
    groups = res.stats.get("n_groups", float(res.n_entities))
    checks = [Check("Instruments", bool(n_inst <= groups), float(n_inst),
                    f"{int(n_inst)} instruments for {int(groups)} groups" +
                    (" (at most one per group: fine)" if n_inst <= groups else
                     " (more instruments than groups: collapse or cut the lag depth)"))]
    return checks + _ar_checks(res) + _hansen_checks(res)
