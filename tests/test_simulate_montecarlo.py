"""Monte Carlo lessons: each shows its textbook result under a fixed seed.

Tolerances come from Monte Carlo error. With ``R`` replications the bias of an
estimator is known up to ``sd / sqrt(R)`` (its MC standard error, computed from
the draws) and a coverage rate near the nominal 95% up to
``sqrt(0.95 * 0.05 / R)``; a check allows ``Z_MC = 4`` such standard errors
(a false alarm about once in 16,000 checks). The default run keeps ``R``
small; the ``slow`` tests repeat the lessons with many replications.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from matplotlib.figure import Figure

from migecon.errors import EstimationWarning, SpecificationError
from migecon.simulate import (
    CommonShocksDGP,
    DynamicPanelDGP,
    EndogenousRemittancesDGP,
    FewClustersDGP,
    InstrumentProliferationDGP,
    MCEstimate,
    StaticGrowthDGP,
    fit_spec,
    gmm_spec,
    monte_carlo,
    nickell_bias,
    nickell_bias_approx,
    wild_bootstrap_spec,
)

#: Monte Carlo standard errors allowed in a check (two-sided false alarm ~6e-5).
Z_MC = 4.0
NOMINAL = 0.95


def nominal_coverage_se(reps: int) -> float:
    """MC standard error of a coverage rate when the true rate is the nominal 95%."""
    return math.sqrt(NOMINAL * (1 - NOMINAL) / reps)


def row(mc, estimator, term=None):
    tab = mc.table
    term = term or mc.dgp.target
    out = tab[(tab["estimator"] == estimator) & (tab["term"] == term)]
    assert len(out) == 1, (estimator, term, tab[["estimator", "term"]])
    return out.iloc[0]


# --------------------------------------------------------------- lesson 1
def test_lesson1_pooled_ols_biased_by_design_fe_and_mundlak_not():
    dgp = StaticGrowthDGP(n_countries=100, n_years=10)
    f = "growth ~ remittances"
    mc = monte_carlo(dgp, {
        "Pooled OLS": fit_spec(f, estimator="pooled", cov_type="clustered"),
        "FE": fit_spec(f, estimator="fe", cov_type="clustered"),
        "RE": fit_spec(f, estimator="re", cov_type="clustered"),
        "Mundlak": fit_spec(f, estimator="mundlak", cov_type="clustered"),
    }, reps=20, seed=101, progress=False)
    plims = dgp.plims()
    pooled, fe, re, mundlak = (row(mc, n) for n in ("Pooled OLS", "FE", "RE", "Mundlak"))
    # Pooled OLS: bias = kappa * var_between / var_total = -0.12 (large-N limit; the
    # finite-N term is O(1/N) of it, about 0.001, far below the MC error).
    assert pooled["bias"] == pytest.approx(plims["pooled"] - dgp.beta,
                                           abs=Z_MC * pooled["mc_se_bias"])
    assert abs(pooled["bias"]) > 5 * pooled["mc_se_bias"]
    assert abs(fe["bias"]) <= Z_MC * fe["mc_se_bias"]
    # Mundlak's coefficient on the time-varying regressor is the within estimator.
    d = mc.draws
    np.testing.assert_allclose(d[d["estimator"] == "Mundlak"]["estimate"].to_numpy(),
                               d[d["estimator"] == "FE"]["estimate"].to_numpy(), atol=1e-10)
    assert mundlak["bias"] == pytest.approx(fe["bias"], abs=1e-10)
    # Random effects lies between pooled OLS and FE.
    assert pooled["mean"] < re["mean"] < fe["mean"]
    assert fe["coverage"] >= NOMINAL - Z_MC * nominal_coverage_se(mc.reps)
    assert pooled["coverage"] < 0.5


# --------------------------------------------------------------- lesson 2
def test_lesson2_nickell_bias_and_system_gmm():
    dgp = DynamicPanelDGP(n_countries=200, n_years=6, rho=0.5)
    mc = monte_carlo(dgp, {
        "FE": fit_spec("y ~ L(y, 1)", estimator="fe"),
        "System GMM": gmm_spec("y L.y, gmm(L.y) twostep robust", rename={"L.y": "L1.y"}),
    }, reps=25, seed=102, progress=False)
    fe, sysgmm = row(mc, "FE"), row(mc, "System GMM")
    # Nickell's large-N bias for T = 5 regression periods: -0.331; its leading
    # term -(1 + rho)/(T - 1) = -0.375 is within 15% of it at this T.
    assert fe["bias"] == pytest.approx(nickell_bias(0.5, 5), abs=Z_MC * fe["mc_se_bias"])
    assert fe["bias"] == pytest.approx(nickell_bias_approx(0.5, 5), rel=0.15)
    assert abs(sysgmm["bias"]) <= Z_MC * sysgmm["mc_se_bias"]
    assert abs(sysgmm["bias"]) < abs(fe["bias"]) / 10
    # Every FE replication reported the rows lost to the lag (not hidden).
    fe_warnings = mc.problems[mc.problems["estimator"] == "FE"]
    assert len(fe_warnings) == mc.reps
    assert fe_warnings["message"].str.contains("missing L1.y").all()


@pytest.mark.slow
@pytest.mark.parametrize("n_years", [4, 6, 11, 21])
def test_lesson2_nickell_bias_across_t_slow(n_years):
    dgp = DynamicPanelDGP(n_countries=300, n_years=n_years, rho=0.5)
    mc = monte_carlo(dgp, {"FE": fit_spec("y ~ L(y, 1)", estimator="fe")},
                     reps=200, seed=202, progress=False)
    fe = row(mc, "FE")
    assert fe["bias"] == pytest.approx(nickell_bias(0.5, n_years - 1),
                                       abs=Z_MC * fe["mc_se_bias"] + 0.005)


# --------------------------------------------------------------- lesson 3
def test_lesson3_iv_with_diaspora_weighted_host_income():
    dgp = EndogenousRemittancesDGP(n_countries=80, n_years=20)
    mc = monte_carlo(dgp, {
        "FE-OLS": fit_spec("growth ~ remittances", estimator="fe", cov_type="clustered"),
        "FE-IV": fit_spec("growth ~ [remittances ~ host_income]", estimator="iv",
                          cov_type="clustered"),
    }, reps=20, seed=103, progress=False)
    ols, iv = row(mc, "FE-OLS"), row(mc, "FE-IV")
    # The OLS limit depends on each panel's realised host shocks: average the
    # limits of the very panels the experiment drew (same seeds).
    seeds = np.random.SeedSequence(103).spawn(mc.reps)
    implied = np.mean([dgp.plims(dgp.simulate(np.random.default_rng(s)))["fe_ols"]
                       for s in seeds])
    assert ols["mean"] == pytest.approx(implied, abs=Z_MC * ols["mc_se_bias"])
    assert ols["bias"] < -5 * ols["mc_se_bias"]
    assert abs(iv["bias"]) <= Z_MC * iv["mc_se_bias"]
    assert iv["coverage"] >= NOMINAL - Z_MC * nominal_coverage_se(mc.reps)


# --------------------------------------------------------------- lesson 4
#: Driscoll-Kraay standard errors with T = 40 years and bandwidth 3 are biased
#: down by O(bandwidth / T) (the slow test measures about 0.91 coverage); the
#: check allows this much shortfall besides Monte Carlo error.
DK_SMALL_T_SHORTFALL = 0.06


def test_lesson4_common_shocks_clustered_vs_driscoll_kraay():
    dgp = CommonShocksDGP(n_countries=30, n_years=40)
    f = "growth ~ remittances"
    mc = monte_carlo(dgp, {
        "FE, clustered by country": fit_spec(f, estimator="fe", cov_type="clustered"),
        "FE, Driscoll-Kraay": fit_spec(f, estimator="fe", cov_type="driscoll-kraay",
                                       small_sample="stata"),
    }, reps=40, seed=104, progress=False)
    cl, dk = row(mc, "FE, clustered by country"), row(mc, "FE, Driscoll-Kraay")
    se = nominal_coverage_se(mc.reps)
    assert abs(cl["bias"]) <= Z_MC * cl["mc_se_bias"]
    assert cl["coverage"] < NOMINAL - Z_MC * se
    assert cl["median_se"] < 0.5 * cl["sd"]
    assert dk["coverage"] >= NOMINAL - DK_SMALL_T_SHORTFALL - Z_MC * se
    assert dk["median_se"] > 0.7 * dk["sd"]


@pytest.mark.slow
def test_lesson4_common_shocks_slow():
    dgp = CommonShocksDGP(n_countries=30, n_years=40)
    f = "growth ~ remittances"
    mc = monte_carlo(dgp, {
        "clustered": fit_spec(f, estimator="fe", cov_type="clustered"),
        "DK": fit_spec(f, estimator="fe", cov_type="driscoll-kraay", small_sample="stata"),
    }, reps=400, seed=204, progress=False)
    se = nominal_coverage_se(mc.reps)
    assert row(mc, "clustered")["coverage"] < 0.5
    assert row(mc, "DK")["coverage"] >= NOMINAL - DK_SMALL_T_SHORTFALL - Z_MC * se


# --------------------------------------------------------------- lesson 5
def _few_clusters_estimators():
    f = "growth ~ remittances"
    opts = {"estimator": "pooled", "cov_type": "clustered", "small_sample": "stata"}
    return {"Cluster-robust (CR1, t(G-1))": fit_spec(f, **opts),
            "Wild cluster bootstrap (Webb)": wild_bootstrap_spec(f, **opts)}


def test_lesson5_few_clusters_wild_bootstrap_close_to_nominal():
    mc = monte_carlo(FewClustersDGP(n_countries=8, n_years=20), _few_clusters_estimators(),
                     reps=60, seed=105, progress=False)
    cl = row(mc, "Cluster-robust (CR1, t(G-1))")
    wb = row(mc, "Wild cluster bootstrap (Webb)")
    se = nominal_coverage_se(mc.reps)
    assert cl["coverage"] < NOMINAL - 3 * se
    assert abs(wb["coverage"] - NOMINAL) <= Z_MC * se
    assert wb["coverage"] > cl["coverage"]


@pytest.mark.slow
def test_lesson5_few_clusters_slow():
    mc = monte_carlo(FewClustersDGP(n_countries=8, n_years=20), _few_clusters_estimators(),
                     reps=500, seed=205, progress=False)
    se = nominal_coverage_se(mc.reps)
    assert row(mc, "Cluster-robust (CR1, t(G-1))")["coverage"] < NOMINAL - 2 * Z_MC * se
    assert abs(row(mc, "Wild cluster bootstrap (Webb)")["coverage"] - NOMINAL) <= Z_MC * se


# --------------------------------------------------------------- lesson 6
def test_lesson6_instrument_proliferation():
    dgp = InstrumentProliferationDGP()
    ren = {"L.y": "L1.y"}
    mc = monte_carlo(dgp, {
        "all lags": gmm_spec("y L.y x, gmm(L.y) gmm(x, lag(2 .)) twostep robust", rename=ren),
        "collapsed": gmm_spec("y L.y x, gmm(L.y, collapse) gmm(x, lag(2 .) collapse) "
                              "twostep robust", rename=ren),
    }, reps=15, seed=106, progress=False)
    full, coll = row(mc, "all lags"), row(mc, "collapsed")
    assert full["n_instruments"] > dgp.n_countries > coll["n_instruments"]
    # With valid instruments the Hansen p-value is uniform: mean 0.5, MC SE
    # sqrt(1/12 / R) = 0.075 at R = 15. Proliferation pushes it to 1.
    p_se = math.sqrt(1 / 12 / mc.reps)
    assert full["mean_p_hansen"] > 0.5 + 5 * p_se
    assert abs(coll["mean_p_hansen"] - 0.5) <= Z_MC * p_se
    assert full["bias"] > Z_MC * full["mc_se_bias"]
    assert abs(coll["bias"]) <= Z_MC * coll["mc_se_bias"]
    # The software says so in every replication (nothing hidden).
    warned = mc.problems[mc.problems["estimator"] == "all lags"]["message"]
    assert warned.str.contains("instruments outnumber groups").sum() == mc.reps


# --------------------------------------------------------------- machinery
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
def test_parallel_run_uses_two_workers_and_matches_serial():
    dgp = StaticGrowthDGP(n_countries=30, n_years=8)
    est = {"Pooled": fit_spec("growth ~ remittances", estimator="pooled"),
           "FE": fit_spec("growth ~ remittances", estimator="fe", cov_type="clustered")}
    serial = monte_carlo(dgp, est, reps=16, seed=7, n_jobs=1, progress=False)
    parallel = monte_carlo(dgp, est, reps=16, seed=7, n_jobs=2, chunk_size=2,
                           progress=False)
    assert serial.n_workers == 1
    assert parallel.n_workers == 2
    cols = [c for c in serial.draws.columns if c != "worker"]
    assert serial.draws[cols].equals(parallel.draws[cols])
    assert serial.table.equals(parallel.table)


def test_progress_bar_and_summary(capsys):
    dgp = StaticGrowthDGP(n_countries=20, n_years=5)
    mc = monte_carlo(dgp, {"FE": fit_spec("growth ~ remittances", estimator="fe")},
                     reps=3, seed=1, progress=True)
    assert "rep" in capsys.readouterr().err  # tqdm writes to stderr
    text = mc.summary()
    assert text.startswith("Monte Carlo: StaticGrowthDGP, 3 replications, seed 1")
    assert "coverage" in text


def test_failures_are_counted_and_warned():
    calls = {"n": 0}

    def flaky(panel):
        calls["n"] += 1
        if calls["n"] % 2 == 0:
            raise SpecificationError("deliberate failure")
        return fit_spec("growth ~ remittances", estimator="fe")(panel)

    dgp = StaticGrowthDGP(n_countries=20, n_years=5)
    with pytest.warns(EstimationWarning, match=r"flaky: 2 of 4; first error: error: "
                      r"SpecificationError: deliberate failure"):
        mc = monte_carlo(dgp, {"flaky": flaky}, reps=4, seed=1, progress=False)
    assert row(mc, "flaky")["n"] == 2
    assert (mc.problems["kind"] == "error").sum() == 2


def test_mcestimate_estimators_are_summarised():
    def fake(panel):
        return MCEstimate(params={"remittances": 0.1}, pvalue_true={"remittances": 0.5},
                          pvalue_zero={"remittances": 0.01})

    mc = monte_carlo(StaticGrowthDGP(n_countries=5, n_years=3), {"fake": fake}, reps=4,
                     seed=0, progress=False)
    r = row(mc, "fake")
    assert (r["bias"], r["coverage"], r["reject_zero"], r["n"]) == (0.0, 1.0, 1.0, 4)


def test_figure():
    mc = monte_carlo(StaticGrowthDGP(n_countries=20, n_years=5),
                     {"Pooled": fit_spec("growth ~ remittances", estimator="pooled"),
                      "FE": fit_spec("growth ~ remittances", estimator="fe")},
                     reps=4, seed=3, progress=False)
    fig = mc.figure()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    with pytest.raises(SpecificationError, match="term 'nope' not among"):
        mc.figure("nope")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"dgp": "static"}, "dgp must be a migecon.simulate DGP"),
    ({"estimators": {}}, "at least one estimator"),
    ({"estimators": {"x": 3}}, "not callable"),
    ({"reps": 0}, "reps must be a positive integer"),
    ({"level": 1.5}, "level must be between 0 and 1"),
    ({"n_jobs": 0}, "n_jobs must be"),
])
def test_bad_arguments(kwargs, message):
    args = {"dgp": StaticGrowthDGP(n_countries=5, n_years=3),
            "estimators": {"FE": fit_spec("growth ~ remittances", estimator="fe")},
            "reps": 2, "progress": False}
    args.update(kwargs)
    with pytest.raises(SpecificationError, match=message):
        monte_carlo(**args)
