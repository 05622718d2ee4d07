"""Report writers: regression tables (every format) and figures (one house style)."""

from migecon.report.figures import (
    coefplot,
    coverage_heatmap,
    gmm_diagnostics_plot,
    marginal_effect_plot,
    marginal_effects,
    partial_regression_data,
    partial_regression_plot,
    specification_curve,
    trends_plot,
)
from migecon.report.style import house_style, save_figure
from migecon.report.tables import RegressionTable, regression_table

__all__ = [
    "RegressionTable",
    "coefplot",
    "coverage_heatmap",
    "gmm_diagnostics_plot",
    "house_style",
    "marginal_effect_plot",
    "marginal_effects",
    "partial_regression_data",
    "partial_regression_plot",
    "regression_table",
    "save_figure",
    "specification_curve",
    "trends_plot",
]
