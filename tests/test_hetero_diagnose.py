"""mg.diagnose(..., sequence="macro"): CD, CIPS, slope homogeneity, then the estimator."""

from __future__ import annotations

import pytest

import migecon as mg
from migecon.errors import SpecificationError


def test_heterogeneous_slopes_with_common_factor_points_to_ccemg():
    panel = mg.HeterogeneousSlopesDGP(n_countries=30, n_years=30).simulate(seed=1)
    rep = mg.diagnose(panel, "growth ~ remittances", sequence="macro", show=False)
    assert rep.estimator == "ccemg" and rep.cov_type == "mean-group"
    assert {"cross_section_heterogeneous", "cips_growth", "cips_remittances",
            "slope_homogeneity"} <= set(rep.tests)
    assert rep.result is not None and rep.result.estimator == "ccemg"
    assert abs(rep.result.params["remittances"] - 0.5) < 0.2
    text = str(rep)
    assert "CCE mean group" in text and "Pesaran CIPS, 1 lag (growth)" in text
    assert rep.to_dict()["estimator"] == "ccemg"


def test_homogeneous_slopes_without_factor_points_to_fe():
    panel = mg.HeterogeneousSlopesDGP(n_countries=30, n_years=30, sd_slope=0.0, sd_factor=0.0,
                                      loading_sd=0.0).simulate(seed=2)
    rep = mg.diagnose(panel, "growth ~ remittances", sequence="macro", show=False)
    assert rep.estimator == "fe" and rep.cov_type == "clustered"
    assert "ips_growth" in rep.tests  # first-generation unit-root test when CD does not reject


def test_heterogeneous_slopes_without_factor_points_to_mg():
    panel = mg.HeterogeneousSlopesDGP(n_countries=30, n_years=30, sd_slope=0.5, sd_factor=0.0,
                                      loading_sd=0.0).simulate(seed=3)
    rep = mg.diagnose(panel, "growth ~ remittances", sequence="macro", show=False)
    assert rep.estimator == "mg"


def test_homogeneous_slopes_with_factor_points_to_ccep():
    panel = mg.HeterogeneousSlopesDGP(n_countries=30, n_years=30, sd_slope=0.0,
                                      loading_sd=0.0, loading_mean=1.0).simulate(seed=4)
    rep = mg.diagnose(panel, "growth ~ remittances", sequence="macro", show=False)
    assert rep.tests["cross_section_heterogeneous"].pvalue < 0.05
    assert rep.estimator == "ccep"


def test_unknown_sequence():
    panel = mg.HeterogeneousSlopesDGP(n_countries=10, n_years=12).simulate(seed=1)
    with pytest.raises(SpecificationError, match="'micro' or 'macro'"):
        mg.diagnose(panel, "growth ~ remittances", sequence="meso", show=False)
