"""Simulated data with known truth: the embedded default panel, teaching DGPs, Monte Carlo.

* :func:`~migecon.simulate.remittances.remittances_sim`: the embedded default
  panel calibrated to World Bank / UN moments (``mg.load_dataset("remittances_sim")``).
* Data-generating processes for the lessons (:mod:`migecon.simulate.dgp`,
  :mod:`migecon.simulate.dynamic`): :class:`StaticGrowthDGP` (country effects
  correlated with remittances), :class:`DynamicPanelDGP` (Nickell bias),
  :class:`EndogenousRemittancesDGP` (a diaspora-weighted instrument),
  :class:`CommonShocksDGP` (cross-sectional dependence),
  :class:`FewClustersDGP` (few clusters), :class:`InstrumentProliferationDGP`,
  :class:`HeterogeneousSlopesDGP` (heterogeneous slopes and a common factor).
* :func:`monte_carlo`: bias, RMSE, coverage and rejection rates of estimators,
  in parallel, reproducible from one seed.
"""

from migecon.simulate.dgp import (
    DGP,
    CommonShocksDGP,
    EndogenousRemittancesDGP,
    FewClustersDGP,
    StaticGrowthDGP,
)
from migecon.simulate.dynamic import (
    DynamicPanelDGP,
    InstrumentProliferationDGP,
    nickell_bias,
    nickell_bias_approx,
)
from migecon.simulate.heterogeneous import HeterogeneousSlopesDGP
from migecon.simulate.montecarlo import (
    MCEstimate,
    MonteCarloResult,
    WildBootstrapSpec,
    fit_spec,
    gmm_spec,
    monte_carlo,
    wild_bootstrap_spec,
)

__all__ = [
    "DGP",
    "CommonShocksDGP",
    "DynamicPanelDGP",
    "EndogenousRemittancesDGP",
    "FewClustersDGP",
    "HeterogeneousSlopesDGP",
    "InstrumentProliferationDGP",
    "MCEstimate",
    "MonteCarloResult",
    "StaticGrowthDGP",
    "WildBootstrapSpec",
    "fit_spec",
    "gmm_spec",
    "monte_carlo",
    "nickell_bias",
    "nickell_bias_approx",
    "wild_bootstrap_spec",
]
