"""Heterogeneous-slope estimators: mean group, common correlated effects and panel ARDL.

Each unit's regression is estimated separately (batched, not a Python loop of
model calls) and the results are averaged; the family returns the common
:class:`~migecon.estimate.results.Result`.
"""

__all__: list[str] = []
