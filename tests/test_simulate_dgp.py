"""Data-generating processes: reproducible draws, documented truth, closed forms.

The closed-form limits (pooled OLS under correlated country effects, the
Nickell bias, fixed-effects OLS under endogeneity) are checked against large
simulated samples estimated with plain numpy least squares, written here
independently of migecon's estimators.
"""

from __future__ import annotations

import numpy as np
import pytest

from migecon.errors import SpecificationError
from migecon.simulate import (
    CommonShocksDGP,
    DynamicPanelDGP,
    EndogenousRemittancesDGP,
    FewClustersDGP,
    InstrumentProliferationDGP,
    StaticGrowthDGP,
    nickell_bias,
    nickell_bias_approx,
)

ALL_DGPS = [StaticGrowthDGP(n_countries=20, n_years=6), DynamicPanelDGP(n_countries=20),
            EndogenousRemittancesDGP(n_countries=20, n_years=6),
            CommonShocksDGP(n_countries=10, n_years=12), FewClustersDGP(n_countries=5),
            InstrumentProliferationDGP(n_countries=15, n_years=6)]


@pytest.mark.parametrize("dgp", ALL_DGPS, ids=lambda d: type(d).__name__)
def test_same_seed_same_panel_and_truth_in_metadata(dgp):
    a, b, c = dgp.simulate(7), dgp.simulate(7), dgp.simulate(8)
    assert a.data.equals(b.data)
    assert not a.data.equals(c.data)
    assert a.is_simulated
    assert a.metadata["true_params"] == dgp.truth
    assert dgp.target in dgp.truth
    n, t = dgp.shape
    assert (a.n_entities, a.n_periods, a.nobs) == (n, t, n * t)
    assert not a.data.isna().any().any()
    text = dgp.describe()
    assert type(dgp).__name__ in text and "True coefficients" in text


def test_generator_and_seedsequence_seeds():
    dgp = StaticGrowthDGP(n_countries=5, n_years=3)
    seq = np.random.SeedSequence(3)
    assert dgp.simulate(np.random.default_rng(seq)).data.equals(
        dgp.simulate(np.random.SeedSequence(3)).data)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: StaticGrowthDGP(n_countries=1), "at least 2 countries"),
    (lambda: StaticGrowthDGP(sd_error=-1.0), "sd_error is a standard deviation"),
    (lambda: DynamicPanelDGP(rho=1.0), r"rho and x_rho must be in \(-1, 1\)"),
    (lambda: DynamicPanelDGP(burn_in=-1), "burn_in must be >= 0"),
    (lambda: CommonShocksDGP(factor_rho=1.2), "factor_rho must be in"),
    (lambda: EndogenousRemittancesDGP(n_hosts=0), "n_hosts must be >= 1"),
])
def test_bad_parameters_raise(make, message):
    with pytest.raises(SpecificationError, match=message):
        make().simulate(0)


def test_nickell_bias_special_cases():
    # ρ = 0: the within estimator's bias is exactly -1/T (Nickell 1981).
    for t in (2, 5, 10):
        assert nickell_bias(0.0, t) == pytest.approx(-1 / t)
    # The leading term -(1+ρ)/(T-1) is the large-T approximation.
    assert nickell_bias(0.5, 200) == pytest.approx(nickell_bias_approx(0.5, 200), rel=0.02)
    assert nickell_bias(0.5, 5) == pytest.approx(nickell_bias_approx(0.5, 5), rel=0.15)
    with pytest.raises(SpecificationError, match="rho must be in"):
        nickell_bias(1.0, 5)
    with pytest.raises(SpecificationError, match="n_periods must be at least 2"):
        nickell_bias(0.5, 1)


def _within_slope(y: np.ndarray, x: np.ndarray) -> float:
    yd = y - y.mean(axis=1, keepdims=True)
    xd = x - x.mean(axis=1, keepdims=True)
    return float((xd * yd).sum() / (xd**2).sum())


def _pooled_slope(y: np.ndarray, x: np.ndarray) -> float:
    xd, yd = x - x.mean(), y - y.mean()
    return float((xd * yd).sum() / (xd**2).sum())


# Sampling SD of these slopes at N = 20000 is below 0.005; tolerances are 4 of them.
BIG_N_ATOL = 0.02


def test_static_plims_match_a_large_sample():
    dgp = StaticGrowthDGP(n_countries=20000, n_years=5)
    d = dgp.simulate(11).data
    y = d["growth"].to_numpy().reshape(20000, 5)
    x = d["remittances"].to_numpy().reshape(20000, 5)
    plims = dgp.plims()
    assert _pooled_slope(y, x) == pytest.approx(plims["pooled"], abs=BIG_N_ATOL)
    assert _within_slope(y, x) == pytest.approx(plims["fe"], abs=BIG_N_ATOL)
    assert plims["pooled"] == pytest.approx(0.10 - 0.15 * 9 / (9 + 2.25))


def test_nickell_bias_matches_a_large_sample():
    dgp = DynamicPanelDGP(n_countries=20000, n_years=6, rho=0.5)
    y = dgp.simulate(12).data["y"].to_numpy().reshape(20000, 6)
    rho_fe = _within_slope(y[:, 1:], y[:, :-1])
    assert rho_fe - 0.5 == pytest.approx(nickell_bias(0.5, 5), abs=BIG_N_ATOL)
    assert dgp.fe_bias() == nickell_bias(0.5, 5)
    with pytest.raises(SpecificationError, match="pure AR"):
        DynamicPanelDGP(beta=1.0).fe_bias()


def test_endogeneity_plim_matches_a_large_sample():
    dgp = EndogenousRemittancesDGP(n_countries=20000, n_years=5)
    d = dgp.simulate(13).data
    y = d["growth"].to_numpy().reshape(20000, 5)
    x = d["remittances"].to_numpy().reshape(20000, 5)
    panel = dgp.simulate(13)
    assert _within_slope(y, x) == pytest.approx(dgp.plims(panel)["fe_ols"], abs=BIG_N_ATOL)
    assert dgp.plims(panel)["fe_ols"] == pytest.approx(dgp.plims()["fe_ols"], abs=0.05)
    # E[sum_h w_ih^2] of symmetric Dirichlet shares against many independent draws.
    w = np.random.default_rng(0).dirichlet(np.full(dgp.n_hosts, dgp.concentration), 200_000)
    assert dgp.expected_weight_herfindahl() == pytest.approx((w**2).sum(axis=1).mean(),
                                                            rel=0.01)
