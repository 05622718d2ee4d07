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
from migecon.estimate.bootstrap import BootstrapResult, wild_bootstrap
from migecon.estimate.diagnose import DiagnosticReport, diagnose
from migecon.estimate.diagnostics import (
    bera_sosa_yoon,
    breusch_pagan,
    f_test_effects,
    groupwise_heteroskedasticity,
    hausman_regression,
    honda,
    pesaran_cd,
    wooldridge_serial,
    wooldridge_serial_fe,
)
from migecon.estimate.gmm import gmm, gmm_summary
from migecon.estimate.growth import growth_model
from migecon.estimate.unitroot import im_pesaran_shin, levin_lin_chu, maddala_wu
from migecon.panel import (
    Panel,
    VariableMeta,
    catalog,
    countries,
    list_datasets,
    load_dataset,
    sources,
)
from migecon.panel.build import BuildReport, build_panel
from migecon.panel.network import (
    diaspora_weighted_growth,
    host_weighted,
    migrant_weights,
    remittance_weighted_growth,
    remittance_weights,
)
from migecon.replicate import ReplicationReport, replicate
from migecon.replicate import list_tables as list_replications
from migecon.report import (
    RegressionTable,
    coefplot,
    coverage_heatmap,
    gmm_diagnostics_plot,
    marginal_effect_plot,
    marginal_effects,
    partial_regression_plot,
    regression_table,
    save_figure,
    specification_curve,
    trends_plot,
)
from migecon.simulate import (
    CommonShocksDGP,
    DynamicPanelDGP,
    EndogenousRemittancesDGP,
    FewClustersDGP,
    InstrumentProliferationDGP,
    MonteCarloResult,
    StaticGrowthDGP,
    monte_carlo,
    nickell_bias,
)
from migecon.study import StudyRun, load_study, run_study

try:
    __version__ = version("migecon")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "BootstrapResult",
    "BuildReport",
    "CommonShocksDGP",
    "CovarianceInfo",
    "DiagnosticReport",
    "DynamicPanelDGP",
    "EndogenousRemittancesDGP",
    "FewClustersDGP",
    "InstrumentProliferationDGP",
    "MonteCarloResult",
    "Panel",
    "RegressionTable",
    "ReplicationReport",
    "Result",
    "StaticGrowthDGP",
    "StudyRun",
    "TestResult",
    "VariableMeta",
    "__version__",
    "bera_sosa_yoon",
    "breusch_pagan",
    "build_panel",
    "catalog",
    "coefplot",
    "countries",
    "coverage_heatmap",
    "diagnose",
    "diaspora_weighted_growth",
    "errors",
    "f_test_effects",
    "fit",
    "gmm",
    "gmm_diagnostics_plot",
    "gmm_summary",
    "groupwise_heteroskedasticity",
    "growth_model",
    "hausman",
    "hausman_regression",
    "honda",
    "host_weighted",
    "im_pesaran_shin",
    "levin_lin_chu",
    "list_datasets",
    "list_replications",
    "load_dataset",
    "load_study",
    "maddala_wu",
    "marginal_effect_plot",
    "marginal_effects",
    "migrant_weights",
    "monte_carlo",
    "nickell_bias",
    "partial_regression_plot",
    "pesaran_cd",
    "regression_table",
    "remittance_weighted_growth",
    "remittance_weights",
    "replicate",
    "run_study",
    "save_figure",
    "sources",
    "specification_curve",
    "trends_plot",
    "wild_bootstrap",
    "wooldridge_serial",
    "wooldridge_serial_fe",
]
