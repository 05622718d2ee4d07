"""``mg.diagnose(..., sequence="macro")``: the diagnosis of a macro panel (large N and T).

Cross-country growth panels with 20-50 years are "macro panels": slopes may
differ across countries and common shocks (a Gulf or US business cycle hitting
every remittance recipient) link them. The sequence the heterogeneous-panel
literature follows (Salahuddin and Gow 2015; Chand and Singh 2024):

1. Pesaran's CD test on the residuals of country-by-country regressions:
   are the countries linked by common shocks?
2. Unit roots in the variables: CIPS (Pesaran 2007) when CD rejects, IPS
   otherwise (information: levels that are I(1) call for a cointegration
   check, which CCE mean group survives when the factors are I(1) too).
3. Pesaran-Yamagata's slope-homogeneity test: may the slopes be pooled?
4. The estimator the answers point to: heterogeneous slopes and cross-section
   dependence -> CCE mean group; heterogeneous slopes without it -> mean
   group; homogeneous slopes with it -> CCE pooled; neither -> fixed effects
   with clustered errors. It is estimated and kept in the report.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from migecon.errors import DroppedDataWarning, EstimationWarning, MigeconError
from migecon.estimate._panelmath import PanelDesign
from migecon.estimate.diagnostics.cips import cips
from migecon.estimate.diagnostics.dependence import pesaran_cd
from migecon.estimate.diagnostics.slopes import slope_homogeneity
from migecon.estimate.diagnostics.unitroot import im_pesaran_shin
from migecon.estimate.results import TestResult

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["ROW_LABELS", "macro_sequence"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ROW_LABELS = {"cross_section_heterogeneous": "Pesaran CD (country-by-country residuals)",
              "slope_homogeneity": "Pesaran-Yamagata slope homogeneity (adj.)"}


def _run(tests: dict[str, TestResult], skipped: dict[str, str], key: str,
         call: Callable[[], TestResult]) -> TestResult | None:
    try:
        tests[key] = call()
    except (MigeconError, np.linalg.LinAlgError) as exc:
        skipped[key] = str(exc).split(";")[0]
        return None
    return tests[key]


def _bind(test: Callable[..., TestResult], panel: Panel, var: str
          ) -> Callable[[], TestResult]:
    return lambda: test(panel, var, lags=1)


def macro_sequence(panel: Panel, formula: str, d: PanelDesign, *,
                   alpha: float = 0.05) -> dict[str, Any]:
    """Run the macro-panel sequence (CD, CIPS, slope homogeneity) and fit its estimator.

    Called by :func:`migecon.diagnose` with ``sequence="macro"``, which wraps
    the returned pieces (``tests``, ``skipped``, ``estimator``, ``cov_type``,
    ``reasons``, ``result``) in a
    :class:`~migecon.estimate.diagnostics.diagnose.DiagnosticReport`.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.HeterogeneousSlopesDGP(n_countries=30, n_years=30).simulate(seed=1)
    >>> rep = mg.diagnose(panel, "growth ~ remittances", sequence="macro", show=False)
    >>> rep.estimator, rep.cov_type
    ('ccemg', 'mean-group')
    """
    from migecon.estimate.linear.static import fit

    tests: dict[str, TestResult] = {}
    skipped: dict[str, str] = {}
    reasons: list[str] = []

    def rejects(t: TestResult | None) -> bool:
        return t is not None and t.pvalue < alpha

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedDataWarning)
        warnings.simplefilter("ignore", EstimationWarning)
        cd = _run(tests, skipped, "cross_section_heterogeneous",
                  lambda: pesaran_cd(panel, formula, model="heterogeneous"))
        variables = [formula.split("~")[0].strip()] + [
            n for n in (d.names[j] for j in d.slopes) if _NAME.match(n)]
        for var in dict.fromkeys(variables):
            if var not in panel:
                continue
            # Row labels naming the variable, for DiagnosticReport's table.
            ROW_LABELS[f"cips_{var}"] = f"Pesaran CIPS, 1 lag ({var})"
            ROW_LABELS[f"ips_{var}"] = f"Im-Pesaran-Shin, 1 lag ({var})"
            if rejects(cd):
                _run(tests, skipped, f"cips_{var}", _bind(cips, panel, var))
            else:
                _run(tests, skipped, f"ips_{var}", _bind(im_pesaran_shin, panel, var))
        sh = _run(tests, skipped, "slope_homogeneity",
                  lambda: slope_homogeneity(panel, formula))

    dependent = rejects(cd)
    hetero = rejects(sh)
    if cd is None:
        reasons.append("the CD test on country-by-country residuals could not be run; "
                       "cross-section dependence is assumed (the safe side)")
        dependent = True
    elif dependent:
        reasons.append(f"Pesaran's CD test on country-by-country residuals rejects (CD = "
                       f"{cd.stat:.2f}, p = {cd.pvalue:.3g}): common shocks link the "
                       "countries; first-generation unit-root tests and FE/MG standard "
                       "errors are not valid, cross-section averages are needed")
    else:
        reasons.append(f"Pesaran's CD test does not reject (p = {cd.pvalue:.3g}): no sign of "
                       "common shocks in the residuals")
    if sh is None:
        reasons.append("the slope-homogeneity test could not be run; heterogeneous slopes "
                       "are assumed (mean-group estimators are consistent either way)")
        hetero = True
    elif hetero:
        reasons.append(f"Pesaran-Yamagata's adjusted delta rejects equal slopes (delta_adj = "
                       f"{sh.stat:.2f}, p = {sh.pvalue:.3g}): pooled estimators (FE, CCEP) "
                       "average heterogeneous effects with weights that need not estimate "
                       "the mean; use a mean-group estimator")
    else:
        reasons.append(f"Pesaran-Yamagata's adjusted delta does not reject equal slopes "
                       f"(p = {sh.pvalue:.3g}): pooling is efficient")
    if hetero and dependent:
        estimator, cov_type = "ccemg", "mean-group"
        reasons.append("heterogeneous slopes and cross-section dependence: CCE mean group "
                       "(Pesaran 2006), robust to unobserved common factors")
    elif hetero:
        estimator, cov_type = "mg", "mean-group"
        reasons.append("heterogeneous slopes without cross-section dependence: Pesaran-Smith "
                       "mean group")
    elif dependent:
        estimator, cov_type = "ccep", "mean-group"
        reasons.append("homogeneous slopes with cross-section dependence: CCE pooled "
                       "(Pesaran 2006)")
    else:
        estimator, cov_type = "fe", "clustered"
        reasons.append("homogeneous slopes and no cross-section dependence: fixed effects "
                       "with errors clustered by country")
    roots = [k.split("_", 1)[1] for k, t in tests.items()
             if k.startswith(("cips_", "ips_")) and not rejects(t)]
    if roots:
        reasons.append(f"the panel unit-root test does not reject a unit root in {roots}: "
                       "check cointegration before reading the estimates as long-run "
                       "relations (CCE mean group stays consistent with I(1) factors, "
                       "Kapetanios, Pesaran and Yamagata 2011)")
    result = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DroppedDataWarning)
            result = fit(formula, panel, estimator=estimator, cov_type=cov_type)
    except MigeconError as exc:  # the report still stands without the estimates
        reasons.append(f"the recommended model could not be estimated: {exc}")
    return {"tests": tests, "skipped": skipped, "estimator": estimator, "cov_type": cov_type,
            "reasons": tuple(reasons), "result": result}
