"""The embedded default panel: deterministic, documented truth, and the design's key property."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import DroppedDataWarning
from migecon.simulate.remittances import TRUE_PARAMS, remittances_sim

GROWTH_FORMULA = ("growth ~ remittances + diaspora + internet + investment + trade"
                  " + inflation + pop_growth")


def test_same_seed_same_panel_other_seed_differs() -> None:
    a = remittances_sim(n_countries=25, seed=7)
    b = remittances_sim(n_countries=25, seed=7)
    c = remittances_sim(n_countries=25, seed=8)
    pd.testing.assert_frame_equal(a.data, b.data)
    assert a.content_hash() == b.content_hash()
    assert a.content_hash() != c.content_hash()
    assert not np.allclose(a.data["growth"].fillna(0), c.data["growth"].fillna(0))


def test_default_panel_shape_and_identifiers(sim_panel: mg.Panel) -> None:
    assert sim_panel.n_entities == 120
    assert sim_panel.times == list(range(1990, 2023))
    assert all(e.startswith("SIM") for e in sim_panel.entities)
    expected = {"growth", "log_gdppc", "remittances", "diaspora", "internet", "investment",
                "trade", "inflation", "pop_growth"}
    assert set(sim_panel.columns) == expected
    assert sim_panel.is_simulated


def test_metadata_holds_true_coefficients(sim_panel: mg.Panel) -> None:
    meta = sim_panel.metadata
    assert meta["true_params"] == TRUE_PARAMS
    assert meta["simulated"] is True
    assert "not real countries" in meta["description"]
    assert sim_panel.label("remittances") == "Personal remittances"
    assert sim_panel.variables["remittances"].unit == "% of GDP"


def test_missing_pattern_follows_real_shares(sim_panel: mg.Panel) -> None:
    from migecon.simulate.calibration import MISSING_SHARE_BY_YEAR

    missing = sim_panel.data.isna().groupby(level=1).mean()
    # Binomial standard error of a share over 120 countries is at most 0.046;
    # the real share in each year must be within 3 such errors.
    for name in ("remittances", "investment", "inflation"):
        for year, share in MISSING_SHARE_BY_YEAR[name].items():
            assert abs(missing.loc[year, name] - share) < 3 * 0.046, (name, year)
    # Remittances are missing more often in 1990 than in 2010, as in the WDI.
    assert missing.loc[1990, "remittances"] > missing.loc[2010, "remittances"]


def test_moments_close_to_calibration(sim_panel: mg.Panel) -> None:
    from migecon.simulate.calibration import DEVELOPING_MOMENTS

    desc = sim_panel.describe()
    for name in ("growth", "remittances", "investment", "pop_growth"):
        target = DEVELOPING_MOMENTS[name]
        # 120 countries: the SD of a country-level mean estimate is about
        # sd_between / sqrt(120) ~ 9% of sd_between; allow 4 of those.
        assert abs(desc.loc[name, "mean"] - target.mean) < 0.36 * target.sd_between + 0.5
        assert desc.loc[name, "sd_between"] == pytest.approx(target.sd_between, rel=0.3)
        assert desc.loc[name, "sd_within"] == pytest.approx(target.sd_within, rel=0.3)


def test_fixed_effects_recover_truth_pooled_misses(sim_panel: mg.Panel) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedDataWarning)
        fe = mg.fit(GROWTH_FORMULA, sim_panel, estimator="fe", effects="twoway",
                    cov_type="clustered")
        pooled = mg.fit(GROWTH_FORMULA, sim_panel, estimator="pooled", cov_type="clustered")
    truth = sim_panel.metadata["true_params"]["remittances"]
    fe_gap = abs(fe.params["remittances"] - truth)
    pooled_gap = abs(pooled.params["remittances"] - truth)
    assert fe_gap < 2 * fe.std_errors["remittances"]
    assert pooled_gap > fe_gap
    # The design hides the effect in the cross-section: pooled OLS is pulled to zero.
    assert pooled.params["remittances"] < truth - pooled.std_errors["remittances"]
    assert fe.truth["remittances"] == truth
