"""migecon: panel econometrics of international labour migration.

Do remittances, migrant networks and technology raise growth in the migrants'
home countries? migecon builds the country-year panels, estimates the
fixed-effects and dynamic-panel models, and writes the tables and figures.

Every public name is imported on first use (PEP 562), so ``import migecon``
and ``migecon --help`` do not pay for scipy, matplotlib or the estimators
until they are needed.

Examples
--------
>>> import migecon as mg
>>> panel = mg.load_dataset("remittances_sim")
>>> res = mg.fit("growth ~ remittances + investment", panel, estimator="fe",
...              effects="twoway", cov_type="clustered")
>>> round(float(res.params["remittances"]), 2) > 0
True
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

#: Public name -> module that defines it. One line per name; ``__getattr__``
#: imports the module on first access and caches the name in this namespace.
_EXPORTS: dict[str, str] = {
    "ardl": "migecon.estimate.heterogeneous.ardl",
    "anderson_rubin": "migecon.estimate.linear.weakiv",
    "ARConfidenceSet": "migecon.estimate.linear.weakiv",
    "first_stage": "migecon.estimate.linear.weakiv",
    "Combination": "migecon.estimate.postestimation",
    "lincom": "migecon.estimate.postestimation",
    "nlcom": "migecon.estimate.postestimation",
    "wald_test": "migecon.estimate.postestimation",
    "long_run": "migecon.estimate.postestimation",
    "gmm_checklist": "migecon.estimate.gmm.checklist",
    "GMMChecklist": "migecon.estimate.gmm.checks",
    "bera_sosa_yoon": "migecon.estimate.diagnostics.specification",
    "BootstrapResult": "migecon.estimate.linear.bootstrap",
    "breusch_pagan": "migecon.estimate.diagnostics.specification",
    "build_dyads": "migecon.bilateral.dyads",
    "cd_test": "migecon.estimate.diagnostics.crossdep",
    "cips": "migecon.estimate.diagnostics.cips",
    "build_panel": "migecon.panel.build",
    "BuildReport": "migecon.panel.build",
    "coefplot": "migecon.report.figures",
    "cointegration": "migecon.estimate.diagnostics.cointegration",
    "CommonShocksDGP": "migecon.simulate.dgp",
    "corridors": "migecon.bilateral.corridors",
    "country_profile": "migecon.report.profile",
    "CountryProfile": "migecon.report.profile",
    "CovarianceInfo": "migecon.estimate.results",
    "coverage_heatmap": "migecon.report.figures",
    "diagnose": "migecon.estimate.diagnostics.diagnose",
    "DiagnosticReport": "migecon.estimate.diagnostics.diagnose",
    "diaspora_weighted_growth": "migecon.panel.network",
    "dumitrescu_hurlin": "migecon.estimate.diagnostics.causality",
    "DynamicPanelDGP": "migecon.simulate.dynamic",
    "EndogenousRemittancesDGP": "migecon.simulate.dgp",
    "f_test_effects": "migecon.estimate.diagnostics.specification",
    "FewClustersDGP": "migecon.simulate.dgp",
    "fit": "migecon.estimate.linear.static",
    "gmm": "migecon.estimate.gmm.estimator",
    "gmm_diagnostics_plot": "migecon.report.figures",
    "gmm_summary": "migecon.estimate.gmm.output",
    "groupwise_heteroskedasticity": "migecon.estimate.diagnostics.dependence",
    "growth_model": "migecon.estimate.growth",
    "HeterogeneousResult": "migecon.estimate.heterogeneous.meangroup",
    "HeterogeneousSlopesDGP": "migecon.simulate.heterogeneous",
    "hausman": "migecon.estimate.diagnostics.specification",
    "hausman_regression": "migecon.estimate.diagnostics.specification",
    "honda": "migecon.estimate.diagnostics.specification",
    "host_weighted": "migecon.panel.network",
    "im_pesaran_shin": "migecon.estimate.diagnostics.unitroot",
    "InstrumentProliferationDGP": "migecon.simulate.dynamic",
    "levin_lin_chu": "migecon.estimate.diagnostics.unitroot",
    "list_datasets": "migecon.panel.datasets",
    "list_replications": "migecon.replicate.runner:list_tables",
    "load_dataset": "migecon.panel.datasets",
    "load_study": "migecon.study",
    "maddala_wu": "migecon.estimate.diagnostics.unitroot",
    "marginal_effect_plot": "migecon.report.figures",
    "marginal_effects": "migecon.report.figures",
    "migrant_weights": "migecon.panel.network",
    "monte_carlo": "migecon.simulate.montecarlo",
    "MonteCarloResult": "migecon.simulate.montecarlo",
    "nickell_bias": "migecon.simulate.dynamic",
    "Panel": "migecon.panel.core",
    "partial_regression_plot": "migecon.report.figures",
    "pesaran_cd": "migecon.estimate.diagnostics.dependence",
    "ppml": "migecon.estimate.gravity.ppml",
    "regression_table": "migecon.report.tables",
    "RegressionTable": "migecon.report.tables",
    "remittance_weighted_growth": "migecon.panel.network",
    "remittance_weights": "migecon.panel.network",
    "replicate": "migecon.replicate.runner",
    "ReplicationReport": "migecon.replicate.report",
    "Result": "migecon.estimate.results",
    "rotemberg_weights": "migecon.estimate.shiftshare",
    "run_study": "migecon.study",
    "save_figure": "migecon.report.style",
    "sender_weights": "migecon.bilateral.corridors",
    "shift_share_se": "migecon.estimate.shiftshare",
    "shock_level_regression": "migecon.estimate.shiftshare",
    "slope_homogeneity": "migecon.estimate.diagnostics.slopes",
    "specification_curve": "migecon.report.figures",
    "specification_grid": "migecon.grid",
    "StaticGrowthDGP": "migecon.simulate.dgp",
    "StudyRun": "migecon.study",
    "TestResult": "migecon.estimate.results",
    "trends_plot": "migecon.report.figures",
    "VariableMeta": "migecon.panel.core",
    "vintage_diff": "migecon.report.vintage",
    "VintageDiff": "migecon.report.vintage",
    "wild_bootstrap": "migecon.estimate.linear.bootstrap",
    "wooldridge_serial": "migecon.estimate.diagnostics.dependence",
    "wooldridge_serial_fe": "migecon.estimate.diagnostics.dependence",
}

#: Public submodules, imported on first access.
_MODULES: dict[str, str] = {
    "catalog": "migecon.panel.catalog",
    "countries": "migecon.panel.countries",
    "errors": "migecon.errors",
    "sources": "migecon.panel.sources",
}

__all__ = [
    "ARConfidenceSet",
    "BootstrapResult",
    "BuildReport",
    "Combination",
    "CommonShocksDGP",
    "CountryProfile",
    "CovarianceInfo",
    "DiagnosticReport",
    "DynamicPanelDGP",
    "EndogenousRemittancesDGP",
    "FewClustersDGP",
    "GMMChecklist",
    "HeterogeneousResult",
    "HeterogeneousSlopesDGP",
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
    "VintageDiff",
    "__version__",
    "anderson_rubin",
    "ardl",
    "bera_sosa_yoon",
    "breusch_pagan",
    "build_dyads",
    "build_panel",
    "catalog",
    "cd_test",
    "cips",
    "coefplot",
    "cointegration",
    "corridors",
    "countries",
    "country_profile",
    "coverage_heatmap",
    "diagnose",
    "diaspora_weighted_growth",
    "dumitrescu_hurlin",
    "errors",
    "f_test_effects",
    "first_stage",
    "fit",
    "gmm",
    "gmm_checklist",
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
    "lincom",
    "list_datasets",
    "list_replications",
    "load_dataset",
    "load_study",
    "long_run",
    "maddala_wu",
    "marginal_effect_plot",
    "marginal_effects",
    "migrant_weights",
    "monte_carlo",
    "nickell_bias",
    "nlcom",
    "partial_regression_plot",
    "pesaran_cd",
    "ppml",
    "regression_table",
    "remittance_weighted_growth",
    "remittance_weights",
    "replicate",
    "rotemberg_weights",
    "run_study",
    "save_figure",
    "sender_weights",
    "shift_share_se",
    "shock_level_regression",
    "slope_homogeneity",
    "sources",
    "specification_curve",
    "specification_grid",
    "trends_plot",
    "vintage_diff",
    "wald_test",
    "wild_bootstrap",
    "wooldridge_serial",
    "wooldridge_serial_fe",
]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("migecon")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif name in _EXPORTS:
        module, _, attr = _EXPORTS[name].partition(":")
        value = getattr(importlib.import_module(module), attr or name)
    else:
        raise AttributeError(f"module 'migecon' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _PublicNamespace(types.ModuleType):
    """The ``migecon`` module, guarding public names that share a subpackage's name.

    ``mg.replicate`` is a function and ``migecon.replicate`` a subpackage. Importing
    the subpackage makes Python bind it as an attribute of ``migecon``; with the
    lazy loader that could happen before ``mg.replicate`` is first used and would
    hide the function. Such bindings are refused here, so the public name wins, as
    it did when the names were imported eagerly.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _PublicNamespace


if TYPE_CHECKING:  # what static checkers and IDEs see; kept equal to _EXPORTS by a test
    from migecon import errors
    from migecon.bilateral.corridors import corridors, sender_weights
    from migecon.bilateral.dyads import build_dyads
    from migecon.estimate.diagnostics.causality import dumitrescu_hurlin
    from migecon.estimate.diagnostics.cips import cips
    from migecon.estimate.diagnostics.cointegration import cointegration
    from migecon.estimate.diagnostics.crossdep import cd_test
    from migecon.estimate.diagnostics.dependence import (
        groupwise_heteroskedasticity,
        pesaran_cd,
        wooldridge_serial,
        wooldridge_serial_fe,
    )
    from migecon.estimate.diagnostics.diagnose import DiagnosticReport, diagnose
    from migecon.estimate.diagnostics.slopes import slope_homogeneity
    from migecon.estimate.diagnostics.specification import (
        bera_sosa_yoon,
        breusch_pagan,
        f_test_effects,
        hausman,
        hausman_regression,
        honda,
    )
    from migecon.estimate.diagnostics.unitroot import im_pesaran_shin, levin_lin_chu, maddala_wu
    from migecon.estimate.gmm.checklist import gmm_checklist
    from migecon.estimate.gmm.checks import GMMChecklist
    from migecon.estimate.gmm.estimator import gmm
    from migecon.estimate.gmm.output import gmm_summary
    from migecon.estimate.gravity.ppml import ppml
    from migecon.estimate.growth import growth_model
    from migecon.estimate.heterogeneous.ardl import ardl
    from migecon.estimate.heterogeneous.meangroup import HeterogeneousResult
    from migecon.estimate.linear.bootstrap import BootstrapResult, wild_bootstrap
    from migecon.estimate.linear.static import fit
    from migecon.estimate.linear.weakiv import ARConfidenceSet, anderson_rubin, first_stage
    from migecon.estimate.postestimation import Combination, lincom, long_run, nlcom, wald_test
    from migecon.estimate.results import CovarianceInfo, Result, TestResult
    from migecon.estimate.shiftshare import (
        rotemberg_weights,
        shift_share_se,
        shock_level_regression,
    )
    from migecon.grid import specification_grid
    from migecon.panel import catalog, countries, sources
    from migecon.panel.build import BuildReport, build_panel
    from migecon.panel.core import Panel, VariableMeta
    from migecon.panel.datasets import list_datasets, load_dataset
    from migecon.panel.network import (
        diaspora_weighted_growth,
        host_weighted,
        migrant_weights,
        remittance_weighted_growth,
        remittance_weights,
    )
    from migecon.replicate.report import ReplicationReport
    from migecon.replicate.runner import list_tables as list_replications
    from migecon.replicate.runner import replicate
    from migecon.report.figures import (
        coefplot,
        coverage_heatmap,
        gmm_diagnostics_plot,
        marginal_effect_plot,
        marginal_effects,
        partial_regression_plot,
        specification_curve,
        trends_plot,
    )
    from migecon.report.profile import CountryProfile, country_profile
    from migecon.report.style import save_figure
    from migecon.report.tables import RegressionTable, regression_table
    from migecon.report.vintage import VintageDiff, vintage_diff
    from migecon.simulate.dgp import (
        CommonShocksDGP,
        EndogenousRemittancesDGP,
        FewClustersDGP,
        StaticGrowthDGP,
    )
    from migecon.simulate.dynamic import DynamicPanelDGP, InstrumentProliferationDGP, nickell_bias
    from migecon.simulate.heterogeneous import HeterogeneousSlopesDGP
    from migecon.simulate.montecarlo import MonteCarloResult, monte_carlo
    from migecon.study import StudyRun, load_study, run_study
