"""Heterogeneous-slope estimators: mean group, common correlated effects and panel ARDL.

Each unit's regression is estimated separately (batched, not a Python loop of
model calls) and the results are averaged; the family returns the common
:class:`~migecon.estimate.results.Result`. ``unitols`` has the batched
per-unit least squares; ``meangroup`` the MG / CCE-MG / CCEP / AMG estimators
(``mg.fit(..., estimator="mg" | "ccemg" | "ccep" | "amg")``).
"""

from migecon.estimate.heterogeneous.meangroup import (
    HETEROGENEOUS_ESTIMATORS,
    HeterogeneousResult,
    fit_heterogeneous,
)

__all__ = ["HETEROGENEOUS_ESTIMATORS", "HeterogeneousResult", "fit_heterogeneous"]
