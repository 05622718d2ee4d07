"""Destination-weighted network measures: shift-share growth and remittance weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import DataError
from migecon.panel.network import (
    NetworkWeights,
    diaspora_weighted_growth,
    host_weighted,
    migrant_weights,
    remittance_weighted_growth,
    remittance_weights,
)
from migecon.panel.sources.undesa import read_bilateral

#: Weighted sums computed two ways (matrix product vs group-by) differ only by
#: floating-point summation order.
RTOL_SUMMATION = 1e-10
#: Weights must sum to one up to floating-point rounding.
ATOL_WEIGHT_SUM = 1e-12


def _growth(rows: dict[tuple[str, int], float]) -> pd.Series:
    return pd.Series(rows, name="growth").rename_axis(["iso3", "year"])


# -------------------------------------------------------------- by hand
def test_shift_share_by_hand() -> None:
    # Nepal's 1990 diaspora: 60 in India, 30 in Qatar, 10 in Malaysia
    #   -> weights 0.6, 0.3, 0.1.
    # 2010 growth: India 8, Qatar 20, Malaysia 7
    #   -> 0.6*8 + 0.3*20 + 0.1*7 = 4.8 + 6.0 + 0.7 = 11.5.
    # 2011 growth: India 5, Qatar 13, Malaysia missing
    #   -> covered weight 0.9; (0.6*5 + 0.3*13) / 0.9 = (3.0 + 3.9) / 0.9 = 7.666...
    # The 2000 stocks (not the base year) must not matter.
    pairs = pd.DataFrame({
        "year": [1990, 1990, 1990, 2000],
        "origin": ["NPL", "NPL", "NPL", "NPL"],
        "destination": ["IND", "QAT", "MYS", "QAT"],
        "stock": [60.0, 30.0, 10.0, 500.0],
    })
    growth = _growth({("IND", 2010): 8.0, ("QAT", 2010): 20.0, ("MYS", 2010): 7.0,
                      ("IND", 2011): 5.0, ("QAT", 2011): 13.0, ("WLD", 2011): 3.0})
    panel = diaspora_weighted_growth(pairs, growth, base_year=1990)
    assert panel.entities == ["NPL"]
    assert panel["diaspora_host_growth"].tolist() == pytest.approx([11.5, 6.9 / 0.9])
    assert panel["diaspora_host_growth_coverage"].tolist() == pytest.approx([1.0, 0.9])
    strict = diaspora_weighted_growth(pairs, growth, base_year=1990, min_coverage=1.0)
    assert np.isnan(strict["diaspora_host_growth"].loc[("NPL", 2011)])
    assert strict.metadata["report"]["home_years_below_min_coverage"] == 1


def test_remittance_weighted_growth_by_hand() -> None:
    # Nepal receives 6 from Qatar, 3 from India, 1 from Malaysia (WORLD row 10):
    # weights 0.6, 0.3, 0.1; growth 10, 20, 30 -> 6 + 6 + 3 = 15.
    matrix = pd.DataFrame({
        "target": ["Nepal"] * 4 + ["Tonga"] * 2,
        "source": ["WORLD", "Qatar", "India", "Malaysia", "WORLD", "New Zealand"],
        "total_mdollars": [10.0, 6.0, 3.0, 1.0, 5.0, 5.0],
    })
    growth = _growth({("QAT", 2017): 10.0, ("IND", 2017): 20.0, ("MYS", 2017): 30.0,
                      ("NZL", 2017): 4.0})
    panel = remittance_weighted_growth(matrix, growth)
    assert panel["remittance_sender_growth"].to_dict() == pytest.approx(
        {("NPL", 2017): 15.0, ("TON", 2017): 4.0})
    report = panel.metadata["report"]["weights_report"]
    assert report["world_rows"] == 2
    assert report["bilateral_share_of_world_total"]["below_0.99"] == []


def test_metadata_and_report() -> None:
    pairs = pd.DataFrame({"year": 1990, "origin": ["SLV", "SLV"],
                          "destination": ["USA", "GIB"], "stock": [95.0, 5.0]})
    growth = mg.Panel.from_frame(
        pd.DataFrame({"iso3": ["USA"], "year": [2009], "gdp_growth": [-2.6]}),
        entity="iso3", time="year",
        variables={"gdp_growth": mg.VariableMeta(label="GDP growth", unit="annual %",
                                                 source="World Bank WDI")})
    panel = diaspora_weighted_growth(pairs, growth)
    meta = panel.variables["diaspora_host_growth"]
    assert meta.label == "Diaspora-weighted host GDP growth (1990 weights)"
    assert meta.unit == "annual %"
    assert meta.source == "UN DESA International Migrant Stock; World Bank WDI"
    assert "bilateral migrant stocks in 1990" in meta.derivation
    report = panel.metadata["report"]
    assert report["hosts_without_any_value"] == ["GIB"]
    assert report["homes_most_exposed_to_hosts_without_values"] == {"SLV": 0.05}
    assert panel["diaspora_host_growth"].tolist() == pytest.approx([-2.6])  # 95% >= 90%


def test_weights_matrix_and_flat_api() -> None:
    pairs = pd.DataFrame({"year": 2000, "origin": ["AAA", "AAA", "BBB"],
                          "destination": ["BBB", "CCC", "AAA"], "stock": [1.0, 3.0, 2.0]})
    weights = mg.migrant_weights(pairs)
    assert isinstance(weights, NetworkWeights)
    matrix = weights.matrix()
    assert matrix.loc["AAA", "CCC"] == 0.75 and matrix.loc["BBB", "AAA"] == 1.0
    assert mg.host_weighted is host_weighted
    assert mg.remittance_weights is remittance_weights


@pytest.mark.parametrize(("call", "message"), [
    (lambda: migrant_weights(pd.DataFrame({"year": [1990]})), "lack column"),
    (lambda: migrant_weights(pd.DataFrame({"year": [1990], "origin": ["A"],
                                           "destination": ["B"], "stock": [1.0]}),
                             base_year=1995), r"base_year=1995 .*available years: \[1990\]"),
    (lambda: remittance_weights(pd.DataFrame({"target": ["Nepal"], "source": ["India"],
                                              "net_mdollars": [-2.0]}), measure="net_mdollars"),
     "net flows are negative"),
    (lambda: remittance_weights(pd.DataFrame({"target": ["Nepal"], "source": ["India"]}),
                                measure="dollars"), "measure must be one of"),
    (lambda: remittance_weights(pd.DataFrame({"target": ["Nepal"], "source": ["India"],
                                              "total_mdollars": [-1.0]})), "negative flow"),
    (lambda: host_weighted(migrant_weights(pd.DataFrame(
        {"year": [1990], "origin": ["A"], "destination": ["B"], "stock": [1.0]})),
        _growth({("B", 2000): 1.0}), min_coverage=0.0), r"min_coverage must be in \(0, 1\]"),
])
def test_bad_input(call: object, message: str) -> None:
    with pytest.raises(DataError, match=message):
        call()  # type: ignore[operator]


def test_panel_with_several_columns_needs_column() -> None:
    pairs = pd.DataFrame({"year": 1990, "origin": ["AAA"], "destination": ["BBB"],
                          "stock": [1.0]})
    panel = mg.Panel.from_frame(pd.DataFrame({"iso3": ["BBB"], "year": [2000], "g": [1.0],
                                              "h": [2.0]}), entity="iso3", time="year")
    with pytest.raises(DataError, match="pass column="):
        diaspora_weighted_growth(pairs, panel)
    assert diaspora_weighted_growth(pairs, panel, column="h")["diaspora_host_growth"].tolist() \
        == [2.0]


# ------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real(shared_data: Path) -> dict[str, object]:
    growth = pd.read_csv(shared_data / "wdi" / "long" / "ny.gdp.mktp.kd.zg.csv")
    growth = growth.rename(columns={"Country Code": "iso3", "Year": "year", "Value": "value"})
    return {
        "bilateral": read_bilateral(shared_data / "migrant_stock"
                                    / "undesa_ims2020_bilateral_long.csv"),
        "growth": growth,
        "matrix": shared_data / "bilateral_remittances" / "remittances_matrix.csv",
    }


def test_migrant_weights_sum_to_one(real: dict[str, object]) -> None:
    weights = migrant_weights(real["bilateral"], base_year=1990)
    sums = weights.data.groupby("home")["weight"].sum()
    np.testing.assert_allclose(sums, 1.0, rtol=0, atol=ATOL_WEIGHT_SUM)
    data = real["bilateral"].data  # type: ignore[attr-defined]
    mex = data[(data["year"] == 1990) & (data["origin"] == "MEX")]
    direct = mex.loc[mex["destination"] == "USA", "stock"].item() / mex["stock"].sum()
    got = weights.data.set_index(["home", "host"]).loc[("MEX", "USA"), "weight"]
    assert got == pytest.approx(direct, rel=RTOL_SUMMATION)


def test_diaspora_weighted_growth_against_pandas(real: dict[str, object]) -> None:
    growth_long = real["growth"]
    assert isinstance(growth_long, pd.DataFrame)
    growth = growth_long.set_index(["iso3", "year"])["value"]
    panel = diaspora_weighted_growth(real["bilateral"], growth, base_year=1990,
                                     years=(1991, 2022))
    # Direct computation: base-year shares, merged with host growth, grouped by home-year.
    data = real["bilateral"].data  # type: ignore[attr-defined]
    base = data[data["year"] == 1990].copy()
    base["w"] = base["stock"] / base.groupby("origin")["stock"].transform("sum")
    merged = base[["origin", "destination", "w"]].merge(
        growth_long[growth_long["year"].between(1991, 2022)],
        left_on="destination", right_on="iso3")
    merged["wg"] = merged["w"] * merged["value"]
    direct = merged.groupby(["origin", "year"]).agg(wg=("wg", "sum"), cov=("w", "sum"))
    direct["measure"] = (direct["wg"] / direct["cov"]).where(direct["cov"] >= 0.9)
    direct.index = direct.index.set_names(["iso3", "year"])
    got = panel.data.reindex(direct.index)
    np.testing.assert_allclose(got["diaspora_host_growth_coverage"], direct["cov"],
                               rtol=RTOL_SUMMATION)
    np.testing.assert_allclose(got["diaspora_host_growth"], direct["measure"],
                               rtol=RTOL_SUMMATION)
    assert panel.nobs == len(direct)
    # Mexico's diaspora lived almost entirely in the United States in 1990.
    assert panel["diaspora_host_growth"].loc[("MEX", 2009)] == pytest.approx(
        growth.loc[("USA", 2009)], abs=0.1)
    report = panel.metadata["report"]
    assert report["home_years_below_min_coverage"] == int(direct["measure"].isna().sum())


def test_remittance_weights_from_the_2017_matrix(real: dict[str, object]) -> None:
    raw = pd.read_csv(real["matrix"])  # type: ignore[arg-type]
    weights = remittance_weights(real["matrix"])  # type: ignore[arg-type]
    sums = weights.data.groupby("home")["weight"].sum()
    np.testing.assert_allclose(sums, 1.0, rtol=0, atol=ATOL_WEIGHT_SUM)
    assert weights.report["world_rows"] == int((raw["source"] == "WORLD").sum())
    nepal = raw[(raw["target"] == "Nepal") & (raw["source"] != "WORLD")]
    direct = nepal.loc[nepal["source"] == "Qatar", "total_mdollars"].item() / nepal[
        "total_mdollars"].sum()
    got = weights.data.set_index(["home", "host"]).loc[("NPL", "QAT"), "weight"]
    assert got == pytest.approx(direct, rel=RTOL_SUMMATION)
    # Coverage of the WORLD totals, computed directly.
    world = raw[raw["source"] == "WORLD"].set_index("target")["total_mdollars"]
    bilateral = raw[raw["source"] != "WORLD"].groupby("target")["total_mdollars"].sum()
    share = (bilateral / world).dropna()
    assert weights.report["bilateral_share_of_world_total"]["min"] == pytest.approx(
        share.min(), rel=RTOL_SUMMATION)
    assert weights.report["bilateral_share_of_world_total"]["below_0.99"] == ["GRD"]
    assert share.idxmin() == "Grenada"
    assert weights.report["zero_flow_rows"] == int(
        ((raw["source"] != "WORLD") & (raw["total_mdollars"] == 0)).sum())
