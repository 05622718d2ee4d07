"""Report writers: regression tables and figures."""

from migecon.report.figures import coefplot, coverage_heatmap
from migecon.report.tables import RegressionTable, regression_table

__all__ = ["RegressionTable", "coefplot", "coverage_heatmap", "regression_table"]
