"""Estimator wrappers, one subpackage per family.

* :mod:`migecon.estimate.linear`: pooled, fixed effects, random effects, between,
  first differences, Mundlak, panel IV; covariances, small-sample rules and the
  wild cluster bootstrap.
* :mod:`migecon.estimate.gmm`: difference and system GMM (xtabond2 syntax).
* :mod:`migecon.estimate.heterogeneous`: mean-group and common-correlated-effects
  estimators.
* :mod:`migecon.estimate.diagnostics`: specification tests, cross-section
  dependence, serial correlation, panel unit roots and :func:`diagnose`.

Shared by every family: :mod:`migecon.estimate.results` (the one ``Result``
type), :mod:`migecon.estimate.formula` (panel-aware formulas) and
:mod:`migecon.estimate._panelmath` (small numpy helpers of the diagnostics).
"""

from migecon.estimate.diagnostics.specification import hausman
from migecon.estimate.linear.static import fit
from migecon.estimate.results import CovarianceInfo, Result, TestResult

__all__ = ["CovarianceInfo", "Result", "TestResult", "fit", "hausman"]
