"""``mg.diagnose``: run the usual panel specification tests and recommend a model.

The sequence is the one referees ask for: an F test for country effects
(pooled OLS or effects?), the Breusch-Pagan LM test (pooled OLS or random
effects?), the Hausman test (random or fixed effects? the regression-based,
robust version when the errors are heteroskedastic or serially correlated),
then Wooldridge's serial-correlation test, the modified Wald test for groupwise
heteroskedasticity and Pesaran's CD test, which decide the standard errors.
The result is a :class:`DiagnosticReport` that prints as a table with the
recommendation and the reasons behind it.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from migecon.errors import DroppedDataWarning, EstimationWarning, MigeconError, SpecificationError
from migecon.estimate._panelmath import build_design
from migecon.estimate.diagnostics.dependence import (
    groupwise_heteroskedasticity,
    pesaran_cd,
    wooldridge_serial,
)
from migecon.estimate.diagnostics.specification import (
    breusch_pagan,
    f_test_effects,
    hausman,
    hausman_regression,
)
from migecon.estimate.results import TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["DiagnosticReport", "diagnose"]

#: Fewer clusters than this and cluster-robust inference is unreliable (Cameron,
#: Gelbach and Miller 2008); the report then points to the wild cluster bootstrap.
FEW_CLUSTERS = 20
#: Driscoll-Kraay errors rely on large-T asymptotics; below this many periods the
#: report prefers clustering to them when the CD test rejects.
MIN_PERIODS_DRISCOLL_KRAAY = 10

_LABELS = {"pooled": "pooled OLS", "fe": "fixed effects", "re": "random effects",
           "mg": "mean group (Pesaran-Smith)", "ccemg": "CCE mean group (Pesaran 2006)",
           "ccep": "CCE pooled (Pesaran 2006)"}
_COV_LABELS = {"mean-group": "nonparametric mean-group standard errors",
               "unadjusted": "conventional standard errors",
               "clustered": "standard errors clustered by country",
               "driscoll-kraay": "Driscoll-Kraay standard errors"}
_ROW_LABELS = {
    "f_effects": "F test for country effects",
    "breusch_pagan": "Breusch-Pagan LM for random effects",
    "hausman": "Hausman FE vs RE (classic)",
    "hausman_robust": "Hausman FE vs RE (robust, regression)",
    "serial": "Wooldridge serial correlation",
    "heteroskedasticity": "Groupwise heteroskedasticity (mod. Wald)",
    "cross_section": "Pesaran CD cross-section dependence",
    "unit_root": "Im-Pesaran-Shin unit root (dependent)",
}


@dataclass(frozen=True)
class DiagnosticReport:
    """The tests run by :func:`diagnose`, the recommendation and its reasons.

    Attributes
    ----------
    formula : str
    tests : dict of str to TestResult
        Keys ``"f_effects"``, ``"breusch_pagan"``, ``"hausman"``,
        ``"hausman_robust"``, ``"serial"``, ``"heteroskedasticity"``,
        ``"cross_section"``, ``"unit_root"`` (those that could be run).
    estimator : {"pooled", "fe", "re", "mg", "ccemg", "ccep"}
    cov_type : {"unadjusted", "clustered", "driscoll-kraay", "mean-group"}
    reasons : tuple of str
        Why, one sentence per decision.
    skipped : dict of str to str
        Tests that could not be run, with the reason.
    alpha : float
        Significance level of the decisions.
    nobs, n_entities, n_periods : int
    sequence : {"micro", "macro"}
    result : Result or None
        The recommended model, estimated (``sequence="macro"``).
    """

    formula: str
    tests: dict[str, TestResult]
    estimator: str
    cov_type: str
    reasons: tuple[str, ...]
    skipped: dict[str, str] = field(default_factory=dict)
    alpha: float = 0.05
    nobs: int = 0
    n_entities: int = 0
    n_periods: int = 0
    sequence: str = "micro"
    result: Any = field(default=None, compare=False, repr=False)

    @property
    def recommendation(self) -> str:
        """One line: estimator and standard errors."""
        return f"{_LABELS[self.estimator]} with {_COV_LABELS[self.cov_type]}"

    @property
    def fit_options(self) -> dict[str, str]:
        """Keyword arguments for :func:`migecon.fit` that follow the recommendation."""
        return {"estimator": self.estimator, "cov_type": self.cov_type}

    def __str__(self) -> str:
        lines = [f"Panel diagnostics: {self.formula}",
                 f"{self.n_entities} entities, {self.n_periods} periods, {self.nobs} "
                 f"observations; decisions at the {self.alpha:.0%} level", ""]
        header = f"  {'Test':<42}{'Statistic':>11}{'df':>14}{'p-value':>10}  Verdict"
        lines += [header, "  " + "-" * (len(header) + 4)]
        for key, test in self.tests.items():
            df = "" if test.df is None else (
                f"({test.df[0]:g}, {test.df[1]:g})" if isinstance(test.df, tuple)
                else f"{test.df:g}")
            verdict = "reject H0" if test.pvalue < self.alpha else "do not reject"
            lines.append(f"  {_ROW_LABELS.get(key, test.name)[:41]:<42}{test.stat:>11.4g}"
                         f"{df:>14}{test.pvalue:>10.4f}  {verdict}")
        for key, test in self.tests.items():
            if test.caveat:
                lines += textwrap.wrap(f"{_ROW_LABELS.get(key, test.name)}: CAVEAT "
                                       f"{test.caveat}", width=96, initial_indent="  ",
                                       subsequent_indent="    ")
        for key, why in self.skipped.items():
            lines += textwrap.wrap(f"{_ROW_LABELS.get(key, key)}: NOT RUN ({why})",
                                   width=96, initial_indent="  ", subsequent_indent="    ")
        lines += ["", f"Recommendation: {self.recommendation}",
                  f"  mg.fit({self.formula!r}, panel, estimator={self.estimator!r}, "
                  f"cov_type={self.cov_type!r})", "Because:"]
        for reason in self.reasons:
            lines += textwrap.wrap(reason, width=96, initial_indent="  - ",
                                   subsequent_indent="    ")
        if self.result is not None:
            lines += ["", "Estimates of the recommended model:"] + [
                f"  {k:<20}{v:>10.4f}  (se {se:.4f})" for k, v, se in
                zip(self.result.params.index, self.result.params, self.result.std_errors,
                    strict=True)]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        def num(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None

        return {
            "formula": self.formula, "estimator": self.estimator, "cov_type": self.cov_type,
            "recommendation": self.recommendation, "reasons": list(self.reasons),
            "alpha": self.alpha, "nobs": self.nobs, "n_entities": self.n_entities,
            "n_periods": self.n_periods, "skipped": dict(self.skipped),
            "tests": {k: {"name": t.name, "stat": num(t.stat), "pvalue": num(t.pvalue),
                          "df": list(t.df) if isinstance(t.df, tuple) else t.df,
                          "distribution": t.distribution, "null": t.null, "note": t.note}
                      for k, t in self.tests.items()},
        }


def _run(tests: dict[str, TestResult], skipped: dict[str, str], key: str,
         call: Callable[[], TestResult]) -> TestResult | None:
    try:
        tests[key] = call()
    except (MigeconError, np.linalg.LinAlgError) as exc:
        skipped[key] = str(exc).split(";")[0]
        return None
    return tests[key]


def diagnose(panel: Panel, formula: str, *, alpha: float = 0.05,
             show: bool = True, sequence: str = "micro") -> DiagnosticReport:
    """Run the standard panel specification tests and recommend an estimator and errors.

    1. F test for country effects: are the intercepts equal (pooled OLS)?
    2. Breusch-Pagan LM: is there a random country effect?
    3. Hausman: are the effects uncorrelated with the regressors (random
       effects consistent)? The classic test and the regression-based robust
       one are both run; the robust one decides when test 4 or 5 rejects.
    4. Wooldridge's serial-correlation test (``xtserial``).
    5. Modified Wald test for groupwise heteroskedasticity (``xttest3``).
    6. Pesaran's CD test of cross-section dependence on the FE residuals.
    7. Im-Pesaran-Shin unit-root test on the dependent variable, when it is a
       column of the panel with at least 10 periods (information only).

    Standard errors: Driscoll-Kraay when the CD test rejects and there are at
    least 10 periods; clustered by country when errors are serially correlated,
    heteroskedastic or cross-correlated in a short panel; conventional otherwise.

    Parameters
    ----------
    panel : Panel
    formula : str
    alpha : float
        Significance level of every decision.
    show : bool
        Print the report.
    sequence : {"micro", "macro"}
        ``"micro"``: the sequence above (short panels, common slopes).
        ``"macro"``: for panels with many years: Pesaran's CD on
        country-by-country residuals, CIPS (or IPS) unit-root tests, the
        Pesaran-Yamagata slope-homogeneity test, then the estimator they point
        to (CCE mean group, mean group, CCE pooled or FE), estimated and kept
        in ``report.result``; see :mod:`migecon.estimate.diagnostics.macro`.

    Returns
    -------
    DiagnosticReport

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> report = mg.diagnose(panel, "growth ~ remittances + investment", show=False)
    >>> report.estimator in ("pooled", "fe", "re")
    True
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1; got {alpha}")
    if sequence not in ("micro", "macro"):
        raise SpecificationError(f"sequence must be 'micro' or 'macro'; got {sequence!r}")
    d = build_design(panel, formula, what="diagnose")   # warns once about dropped rows
    n_periods = len(np.unique(d.time))
    if sequence == "macro":
        from migecon.estimate.diagnostics.macro import ROW_LABELS, macro_sequence

        macro = macro_sequence(panel, formula, d, alpha=alpha)
        _ROW_LABELS.update(ROW_LABELS)
        report = DiagnosticReport(formula=formula, alpha=alpha, nobs=d.nobs,
                                  n_entities=d.n_entities, n_periods=n_periods,
                                  sequence="macro", **macro)
        if show:
            print(report)
        return report
    tests: dict[str, TestResult] = {}
    skipped: dict[str, str] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedDataWarning)
        f_eff = _run(tests, skipped, "f_effects", lambda: f_test_effects(panel, formula))
        bp = _run(tests, skipped, "breusch_pagan", lambda: breusch_pagan(panel, formula))

        def classic() -> TestResult:
            from migecon.estimate.linear.static import fit

            fe = fit(formula, panel, estimator="fe")
            re = fit(formula, panel, estimator="re")
            if fe.sample is not None and re.sample is not None and not fe.sample.equals(
                    re.sample):
                # FE dropped singletons: compare RE on the same countries (same sample).
                kept = sorted(set(fe.sample.get_level_values(0)))
                left = len(set(re.sample.get_level_values(0))) - len(kept)
                re = fit(formula, panel.subset(countries=kept), estimator="re")
                hausman_sample.append(
                    f"the classic Hausman test compares FE with RE refitted on the FE sample "
                    f"({fe.nobs} observations): the {left} singleton entit"
                    f"{'y' if left == 1 else 'ies'} FE drops are left out of both")
            return hausman(fe, re)

        hausman_sample: list[str] = []

        h_classic = _run(tests, skipped, "hausman", classic)
        h_robust = _run(tests, skipped, "hausman_robust",
                        lambda: hausman_regression(panel, formula))
        serial = _run(tests, skipped, "serial", lambda: wooldridge_serial(panel, formula))
        hetero = _run(tests, skipped, "heteroskedasticity",
                      lambda: groupwise_heteroskedasticity(panel, formula))
        cd = _run(tests, skipped, "cross_section", lambda: pesaran_cd(panel, formula))
        dep = formula.split("~")[0].strip()
        if dep in panel and n_periods >= 10:
            from migecon.estimate.diagnostics.unitroot import im_pesaran_shin

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EstimationWarning)
                _run(tests, skipped, "unit_root", lambda: im_pesaran_shin(panel, dep))

    def rejects(t: TestResult | None) -> bool:
        return t is not None and t.pvalue < alpha

    reasons: list[str] = []
    non_spherical = rejects(serial) or rejects(hetero)
    if non_spherical:
        hausman_used = h_robust or h_classic
    else:
        hausman_used = h_classic or h_robust
    effects = rejects(f_eff) or rejects(bp)
    if f_eff is None and bp is None:
        estimator = "fe"
        reasons.append("NOT CHECKED: neither the F test nor the Breusch-Pagan LM test could "
                       "be run, so whether there are country effects is unknown; fixed "
                       "effects are consistent either way")
    elif not effects:
        estimator = "pooled"
        reasons.append("neither the F test nor the Breusch-Pagan LM test finds country "
                       "effects, so pooled OLS is adequate")
    elif hausman_used is None:
        estimator = "fe"
        reasons.append("country effects are present and the Hausman test could not be run; "
                       "fixed effects are consistent either way")
    elif rejects(hausman_used):
        estimator = "fe"
        reasons.append(f"country effects are present and the {hausman_used.name} test rejects "
                       f"(p = {hausman_used.pvalue:.3g}): the effects are correlated with the "
                       "regressors, so random effects are inconsistent")
    elif not rejects(bp):
        estimator = "fe"
        reasons.append("the F test finds country effects but the LM test finds no random "
                       "effect; fixed effects are the safe choice")
    else:
        estimator = "re"
        reasons.append(f"country effects are present and the {hausman_used.name} test does "
                       f"not reject (p = {hausman_used.pvalue:.3g}): random effects are "
                       "consistent and more efficient")
    reasons += hausman_sample
    if non_spherical and hausman_used is h_robust and h_robust is not None:
        reasons.append("the errors are heteroskedastic or serially correlated, so the "
                       "regression-based (robust) Hausman test was used")

    not_run = [name for key, name in (("serial", "serial correlation"),
                                      ("heteroskedasticity", "groupwise heteroskedasticity"),
                                      ("cross_section", "cross-section dependence"))
               if key in skipped]
    if rejects(cd) and n_periods >= MIN_PERIODS_DRISCOLL_KRAAY:
        cov_type = "driscoll-kraay"
        reasons.append(f"Pesaran's CD test finds cross-section dependence and T = "
                       f"{n_periods}: Driscoll-Kraay errors are robust to it (and to serial "
                       "correlation); consider year effects too")
    elif rejects(cd) or non_spherical:
        cov_type = "clustered"
        found = [name for name, t in (("serial correlation", serial),
                                      ("groupwise heteroskedasticity", hetero),
                                      ("cross-section dependence", cd)) if rejects(t)]
        reasons.append(f"the tests find {', '.join(found)}: cluster by country")
        if found == ["groupwise heteroskedasticity"]:
            reasons.append("the modified Wald test over-rejects when T is small, but "
                           "clustered errors cost little when it is wrong")
        if rejects(cd):
            reasons.append(f"with only {n_periods} periods Driscoll-Kraay errors are "
                           "unreliable; add year effects or cluster by country and year")
    elif not_run:
        cov_type = "clustered"
        reasons.append(f"NOT CHECKED: the test(s) for {', '.join(not_run)} did not run "
                       "(see above), so the errors were not shown to be spherical; "
                       "cluster by country, which is robust whatever those tests "
                       "would have found")
    else:
        cov_type = "unadjusted"
        reasons.append("no serial correlation, heteroskedasticity or cross-section "
                       "dependence detected; clustered errors remain a safe alternative")
    if not_run and not any(r.startswith("NOT CHECKED: the test(s)") for r in reasons):
        reasons.append(f"NOT CHECKED: the test(s) for {', '.join(not_run)} did not run (see "
                       "above); the choice of standard errors rests on the other tests only")
    if cov_type == "clustered" and d.n_entities < FEW_CLUSTERS:
        reasons.append(f"only {d.n_entities} clusters: use the wild cluster bootstrap for "
                       "p-values and confidence intervals")
    unit = tests.get("unit_root")
    if unit is not None and not rejects(unit):
        reasons.append(f"the IPS test does not reject a unit root in {dep!r} (p = "
                       f"{unit.pvalue:.3g}): check that the regression is not spurious")
    report = DiagnosticReport(
        formula=formula, tests=tests, estimator=estimator, cov_type=cov_type,
        reasons=tuple(reasons), skipped=skipped, alpha=alpha, nobs=d.nobs,
        n_entities=d.n_entities, n_periods=n_periods)
    if show:
        print(report)
    return report
