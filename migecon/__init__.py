"""migecon: panel econometrics of international labour migration.

Do remittances, migrant networks and technology raise growth in the migrants'
home countries? migecon builds the country-year panels, estimates the
fixed-effects and dynamic-panel models, and writes the tables and figures.

Examples
--------
>>> import migecon as mg
>>> panel = mg.load_dataset("remittances_sim")
>>> res = mg.fit("growth ~ remittances + investment", panel, estimator="fe",
...              effects="twoway", cov_type="clustered")
>>> round(float(res.params["remittances"]), 2) > 0
True
"""

from importlib.metadata import PackageNotFoundError, version

from migecon import errors
from migecon.estimate import CovarianceInfo, Result, TestResult, fit, hausman
from migecon.panel import Panel, VariableMeta, list_datasets, load_dataset
from migecon.report import RegressionTable, coefplot, coverage_heatmap, regression_table

try:
    __version__ = version("migecon")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "CovarianceInfo",
    "Panel",
    "RegressionTable",
    "Result",
    "TestResult",
    "VariableMeta",
    "__version__",
    "coefplot",
    "coverage_heatmap",
    "errors",
    "fit",
    "hausman",
    "list_datasets",
    "load_dataset",
    "regression_table",
]
