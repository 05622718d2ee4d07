"""Dyad panels from UN DESA bilateral stocks, the KNOMAD matrix and country covariates."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import DataError, DroppedDataWarning


def test_small_dyad_panel_fills_zeros_and_joins_both_sides() -> None:
    stocks = pd.DataFrame({"year": [2015, 2015, 2015, 2020],
                           "origin": ["KAZ", "UZB", "KAZ", "KAZ"],
                           "destination": ["RUS", "RUS", "DEU", "RUS"],
                           "stock": [2.5, 1.0, 0.8, 2.6]})
    cov = pd.DataFrame({"gdp": [1.0, 2.0, 3.0, 4.0, 5.0]},
                       index=pd.MultiIndex.from_tuples(
                           [("KAZ", 2015), ("RUS", 2015), ("UZB", 2015), ("DEU", 2015),
                            ("KAZ", 2020)], names=["iso3", "year"]))
    matrix = pd.DataFrame({"target": ["Kazakhstan", "Uzbekistan"],
                           "source": ["Russian Federation", "Russian Federation"],
                           "total_mdollars": [225.59, 100.0]})
    d = mg.build_dyads(stocks, remittances=matrix, remittance_year=2015, covariates=cov)
    assert len(d) == 4 * 3 + 2  # 2015: 4 countries, 12 ordered pairs; 2020: 2 countries
    assert d.attrs["report"]["zero_pairs_added"] == len(d) - 4
    row = d[(d.origin == "KAZ") & (d.destination == "RUS") & (d.year == 2015)].iloc[0]
    assert row["stock"] == 2.5 and row["remit_usd_millions"] == 225.59
    assert row["o_gdp"] == 1.0 and row["d_gdp"] == 2.0
    assert d.loc[(d.origin == "RUS") & (d.destination == "KAZ"), "stock"].tolist() == [0.0, 0.0]
    assert d.attrs["constructed"] == {"remit_usd_millions": pytest.approx(
        d.attrs["constructed"]["remit_usd_millions"])}
    assert "o_gdp" in d.attrs["construction_inputs"]
    with pytest.warns(DroppedDataWarning, match="not joined"):
        mg.build_dyads(stocks, remittances=matrix)  # 2017 is no stock year


def test_bad_stocks() -> None:
    with pytest.raises(DataError, match="lack column"):
        mg.build_dyads(pd.DataFrame({"year": [2015], "origin": ["KAZ"]}))
    with pytest.raises(DataError, match="negative"):
        mg.build_dyads(pd.DataFrame({"year": [2015], "origin": ["KAZ"],
                                     "destination": ["RUS"], "stock": [-1.0]}))


@pytest.mark.slow
def test_real_dyads_match_the_raw_un_desa_file(shared_data) -> None:
    path = shared_data / "migrant_stock" / "undesa_ims2020_bilateral_long.csv"
    raw = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["origin"] == "Kazakhstan" and row["destination"] == "Russia":
                raw[int(row["year"])] = float(row["stock"])
    matrix = shared_data / "bilateral_remittances" / "remittances_matrix.csv"
    with pytest.warns(DroppedDataWarning, match="remittance pair"):
        d = mg.build_dyads(path, remittances=matrix, remittance_year=2020)
    kaz = d[(d.origin == "KAZ") & (d.destination == "RUS")].set_index("year")["stock"]
    assert kaz.to_dict() == raw
    assert d.attrs["report"]["stock_rows"] == 75600
    in2020 = d[d.year == 2020]
    # what Kazakhstan receives from Russia in the KNOMAD matrix (2017, attached to 2020)
    assert in2020.loc[(in2020.origin == "KAZ") & (in2020.destination == "RUS"),
                      "remit_usd_millions"].item() == 225.59
    assert np.isnan(d.loc[d.year == 2015, "remit_usd_millions"]).all()
