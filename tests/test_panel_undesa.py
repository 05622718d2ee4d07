"""UN DESA migrant stocks: readers, name harmonisation, diaspora size and shares."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import migecon.panel.sources as sources
from conftest import RESULTS
from migecon.errors import DataError, DroppedDataWarning, SourceError, UnknownCountryError
from migecon.panel.sources.base import Source, SourceData
from migecon.panel.sources.undesa import (
    UNDESA,
    diaspora_share,
    emigrant_stock_from_bilateral,
    read_bilateral,
    read_totals,
)

#: Shares computed two ways from the same float64 numbers: only rounding differs.
RTOL_SAME_ARITHMETIC = 1e-12

#: The UN regions and groups that IMS 2024's bilateral table mixes in among
#: countries (read off the file's Destination/Origin names by hand), including
#: "Sub-Saharan Africa" (also a World Bank aggregate) and "Others" (unknown origin).
IMS2024_AGGREGATES = frozenset({
    "AFRICA", "ASIA", "EUROPE", "LATIN AMERICA AND THE CARIBBEAN", "NORTHERN AMERICA",
    "OCEANIA", "Australia/New Zealand", "Caribbean", "Central America", "Central Asia",
    "Central and Southern Asia", "Eastern Africa", "Eastern Asia", "Eastern Europe",
    "Eastern and South-Eastern Asia", "Europe and Northern America",
    "High-and-upper-middle-income countries", "High-income countries",
    "Land-locked Developing Countries (LLDC)", "Latin America and the Caribbean",
    "Least developed countries", "Less developed regions",
    "Less developed regions, excluding China",
    "Less developed regions, excluding least developed countries",
    "Low-and-Lower-middle-income countries", "Low-and-middle-income countries",
    "Low-income countries", "Lower-middle-income countries", "Melanesia", "Micronesia",
    "Middle Africa", "Middle-income countries", "More developed regions",
    "No income group available", "Northern Africa", "Northern Africa and Western Asia",
    "Northern Europe", "Oceania (excluding Australia and New Zealand)", "Others", "Polynesia*",
    "Small Island Developing States (SIDS)", "South America", "South-Eastern Asia",
    "Southern Africa", "Southern Asia", "Southern Europe", "Sub-Saharan Africa",
    "Upper-middle-income countries", "Western Africa", "Western Asia", "Western Europe",
})


@pytest.fixture(scope="module")
def stock_folder(shared_data: Path) -> Path:
    return shared_data / "migrant_stock"


def _population(shared_data: Path) -> pd.DataFrame:
    frame = pd.read_csv(shared_data / "wdi" / "long" / "sp.pop.totl.csv")
    return frame.rename(columns={"Country Code": "iso3", "Year": "year", "Value": "value"})


# ------------------------------------------------------------------ real data
def test_india_2020_emigrant_stock(stock_folder: Path) -> None:
    reference = json.loads((RESULTS / "undesa_ims2020.json").read_text())
    totals = read_totals(stock_folder / "undesa_ims2020_country_totals.csv")
    india = totals.data.set_index(["iso3", "year"]).loc[("IND", 2020), "emigrant_stock"]
    half_unit = 0.5 * 10.0 ** -reference["decimals"]  # the reference is rounded
    assert india / 1e6 == pytest.approx(reference["india_2020_emigrant_stock_millions"],
                                        abs=half_unit)
    assert totals.revision == "2020"
    assert "International Migrant Stock 2020" in totals.citation


def test_totals_report_matches_the_file(stock_folder: Path) -> None:
    path = stock_folder / "undesa_ims2020_country_totals.csv"
    raw = pd.read_csv(path)
    totals = read_totals(path)
    assert totals.report["rows_read"] == len(raw)
    assert totals.report["rows_kept"] == len(raw)  # every name is a country
    assert totals.report["n_countries"] == raw["country"].nunique()
    assert totals.report["years"] == sorted(raw["year"].unique().tolist())
    assert totals.data["emigrant_stock"].sum() == raw["emigrant_stock_total_outflow"].sum()
    assert totals.data["iso3"].str.fullmatch("[A-Z]{3}").all()


def test_bilateral_2020_long(stock_folder: Path) -> None:
    path = stock_folder / "undesa_ims2020_bilateral_long.csv"
    raw = pd.read_csv(path)
    stocks = read_bilateral(path)
    assert stocks.report["rows_read"] == len(raw)
    assert stocks.report["aggregate_rows_removed"] == 0
    assert stocks.report["rows_kept"] == len(raw)
    by_year = stocks.data.groupby("year")["stock"].sum()
    pd.testing.assert_series_equal(by_year, raw.groupby("year")["stock"].sum().astype(float))
    short_names = raw[(raw["origin"] == "DR Congo") & (raw["destination"] == "Russia")]
    mapped = stocks.data[(stocks.data["origin"] == "COD") & (stocks.data["destination"] == "RUS")]
    assert sorted(mapped["stock"]) == sorted(short_names["stock"].astype(float))


def test_emigrant_totals_are_sums_of_bilateral_stocks(stock_folder: Path) -> None:
    # In IMS 2020 the unknown part of the bilateral table is on the origin side,
    # so the emigrant totals equal the sums over destinations exactly.
    totals = read_totals(stock_folder / "undesa_ims2020_country_totals.csv").data
    summed = emigrant_stock_from_bilateral(
        read_bilateral(stock_folder / "undesa_ims2020_bilateral_long.csv"))
    merged = totals.merge(summed, on=["iso3", "year"], suffixes=("", "_sum"))
    assert len(merged) == len(summed)
    np.testing.assert_array_equal(merged["emigrant_stock"], merged["emigrant_stock_sum"])


def test_bilateral_2024_drops_and_counts_un_aggregates(stock_folder: Path) -> None:
    path = stock_folder / "undesa_ims2024_bilateral_2024.csv"
    raw = pd.read_csv(path, encoding="utf-8-sig")
    stocks = read_bilateral(path)
    is_agg = raw["Origin"].isin(IMS2024_AGGREGATES) | raw["Destination"].isin(IMS2024_AGGREGATES)
    assert set(stocks.report["aggregate_names"]) == IMS2024_AGGREGATES
    assert stocks.report["aggregate_rows_removed"] == int(is_agg.sum())
    assert stocks.report["rows_kept"] == int((~is_agg).sum()) == len(stocks.data)
    assert stocks.report["aggregate_names"]["Others"] == int(
        ((raw["Origin"] == "Others") | (raw["Destination"] == "Others")).sum())
    assert stocks.report["unmatched_rows_removed"] == 0
    assert stocks.data["stock"].sum() == raw.loc[~is_agg, "2024"].sum()
    assert not stocks.data.duplicated(["origin", "destination"]).any()
    us_mexico = raw[(raw["Destination"] == "United States of America*")
                    & (raw["Origin"] == "Mexico")]["2024"].item()
    got = stocks.data.set_index(["origin", "destination"]).loc[("MEX", "USA"), "stock"]
    assert got == us_mexico
    assert stocks.revision == "2024"


def test_diaspora_share_against_pandas(stock_folder: Path, shared_data: Path) -> None:
    population = _population(shared_data)
    source = UNDESA(totals=stock_folder / "undesa_ims2020_country_totals.csv",
                    population=population)
    data = source.fetch(["diaspora_share", "emigration_rate", "emigrant_stock"])
    raw = pd.read_csv(stock_folder / "undesa_ims2020_country_totals.csv")
    iso = {"India": "IND", "Nepal": "NPL", "Mexico": "MEX", "El Salvador": "SLV",
           "Tajikistan": "TJK"}
    direct = raw[raw["country"].isin(iso)].assign(iso3=lambda d: d["country"].map(iso))
    direct = direct.merge(population, on=["iso3", "year"])
    direct["share"] = 100 * direct["emigrant_stock_total_outflow"] / direct["value"]
    direct["rate"] = 100 * direct["emigrant_stock_total_outflow"] / (
        direct["value"] + direct["emigrant_stock_total_outflow"])
    got = data.values.set_index(["code", "iso3", "year"])["value"]
    for row in direct.itertuples():
        assert got[("diaspora_share", row.iso3, row.year)] == pytest.approx(
            row.share, rel=RTOL_SAME_ARITHMETIC)
        assert got[("emigration_rate", row.iso3, row.year)] == pytest.approx(
            row.rate, rel=RTOL_SAME_ARITHMETIC)
    assert data.meta["diaspora_share"].derivation == "100 * emigrant_stock / SP.POP.TOTL"
    assert data.meta["emigrant_stock"].unit == "persons"
    # Territories without a WDI population (Anguilla, ...) are counted, not hidden.
    harmonised = read_totals(stock_folder / "undesa_ims2020_country_totals.csv").data
    joined = harmonised.merge(population, on=["iso3", "year"], how="left")
    assert data.report["missing_population"]["count"] == int(joined["value"].isna().sum())
    assert "AIA 2020" in data.report["missing_population"]["examples"]


def test_2024_emigrant_stock_summed_from_the_bilateral_table(stock_folder: Path) -> None:
    source = UNDESA(totals=stock_folder / "undesa_ims2020_country_totals.csv",
                    bilateral=stock_folder / "undesa_ims2024_bilateral_2024.csv")
    data = source.fetch(["emigrant_stock"])
    raw = pd.read_csv(stock_folder / "undesa_ims2024_bilateral_2024.csv", encoding="utf-8-sig")
    countries_only = raw[~raw["Destination"].isin(IMS2024_AGGREGATES)]
    india_2024 = countries_only.loc[countries_only["Origin"] == "India", "2024"].sum()
    got = data.values.set_index(["iso3", "year"])["value"]
    assert got[("IND", 2024)] == india_2024
    assert got[("IND", 2020)] == 17_869_492  # from the totals file, not re-derived
    assert data.report["emigrant_stock_summed_from_bilateral_years"] == [2024]
    assert data.meta["emigrant_stock"].vintage == "IMS 2020/2024"


def test_build_panel_with_the_undesa_source(stock_folder: Path, shared_data: Path) -> None:
    import migecon as mg

    source = UNDESA(totals=stock_folder / "undesa_ims2020_country_totals.csv",
                    population=_population(shared_data))
    panel = mg.build_panel({"diaspora": "emigrant_stock", "diaspora_share": "diaspora_share"},
                           source, years=(1990, 2020))
    assert panel["diaspora"].loc[("IND", 2020)] == 17_869_492
    report = panel.metadata["build_report"]
    assert report["rows_read"] == len(pd.read_csv(
        stock_folder / "undesa_ims2020_country_totals.csv"))
    assert report["vintages"] == {"diaspora": "IMS 2020", "diaspora_share": "IMS 2020"}
    assert panel.variables["diaspora_share"].derivation == "100 * emigrant_stock / SP.POP.TOTL"


# ------------------------------------------------------------ synthetic input
def _write(tmp_path: Path, text: str, name: str = "ims.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_exported_from_sources() -> None:
    assert sources.UNDESA is UNDESA
    assert isinstance(UNDESA(totals="x.csv"), Source)


def test_unknown_name_is_an_error_with_closest_matches(tmp_path: Path) -> None:
    path = _write(tmp_path, "year,origin,destination,stock\n2020,Nepl,India,5\n")
    with pytest.raises(UnknownCountryError, match=r"'Nepl' \(closest: Nepal \(NPL\)"):
        read_bilateral(path)


def test_unknown_name_dropped_and_counted(tmp_path: Path) -> None:
    path = _write(tmp_path, "year,origin,destination,stock\n2020,Atlantis,India,5\n"
                            "2020,Nepal,India,7\n2020,Atlantis,Qatar,1\n")
    with pytest.warns(DroppedDataWarning, match=r"1 country name\(s\) not recognised"):
        stocks = read_bilateral(path, on_unknown="drop")
    assert stocks.report["unmatched_names"] == {"Atlantis": 2}
    assert stocks.report["unmatched_rows_removed"] == 2
    assert stocks.data.values.tolist() == [[2020, "NPL", "IND", 7.0]]


def test_years_as_strings_and_thousands_separators(tmp_path: Path) -> None:
    path = _write(tmp_path, 'Destination,Origin,2020,2024\nQatar,Nepal,"400,000","500,000"\n')
    stocks = read_bilateral(path)
    assert stocks.data.values.tolist() == [[2020, "NPL", "QAT", 400000.0],
                                           [2024, "NPL", "QAT", 500000.0]]


@pytest.mark.parametrize(("text", "message"), [
    ("", "is empty"),
    ("year,origin,destination,stock\n", "has a header but no rows"),
    ("country,value\nNepal,3\n", "expected a UN DESA bilateral table"),
    ("Destination,Origin,total\nQatar,Nepal,3\n", "no year columns"),
    ("year,origin,destination,stock\n2020,Nepal,India,many\n", "'many'"),
    ("year,origin,destination,stock\n2020,Nepal,India,-3\n", "negative stock"),
    ("year,origin,destination,stock\n2020.5,Nepal,India,3\n", "not whole years"),
    ("year,origin,destination,stock\n2020,Russia,India,3\n2020,Russian Federation,India,4\n",
     r"2 rows share the same \('year', 'origin', 'destination'\)"),
])
def test_bad_bilateral_input(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_bilateral(_write(tmp_path, text))


def test_missing_file_and_bad_totals_layout(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not found"):
        read_bilateral(tmp_path / "absent.csv")
    with pytest.raises(DataError, match="expected the UN DESA totals layout"):
        read_totals(_write(tmp_path, "year,country,stock\n2020,Nepal,3\n"))


def test_on_unknown_is_validated(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"on_unknown must be one of \('error', 'drop'\)"):
        read_bilateral(tmp_path / "x.csv", on_unknown="keep")  # type: ignore[arg-type]


class _Population:
    """A minimal Source delivering SP.POP.TOTL."""

    name = "fake_population"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def fetch(self, codes: Sequence[str], *, years: tuple[int, int] | None = None
              ) -> SourceData:
        self.calls.append(list(codes))
        values = pd.DataFrame({"code": "SP.POP.TOTL", "iso3": ["NPL", "NPL"],
                               "year": [2015, 2020], "value": [80.0, 100.0]})
        return SourceData(values=values)


def test_shares_with_a_population_source(tmp_path: Path) -> None:
    path = _write(tmp_path, "year,country,immigrants,emigrants\n2015,Nepal,5,20\n"
                            "2020,Nepal,6,25\n2020,Bhutan,1,2\n")
    population = _Population()
    data = UNDESA(totals=path, population=population).fetch(["diaspora_share"])
    assert population.calls == [["SP.POP.TOTL"]]
    got = data.values.set_index(["iso3", "year"])["value"]
    assert got[("NPL", 2015)] == 25.0  # 100 * 20 / 80
    assert got[("NPL", 2020)] == 25.0  # 100 * 25 / 100
    assert np.isnan(got[("BTN", 2020)])
    assert data.report["missing_population"] == {"count": 1, "examples": ["BTN 2020"]}
    window = UNDESA(totals=path, population=population).fetch(["emigrant_stock"],
                                                              years=(2016, 2020))
    assert sorted(window.values["year"].unique()) == [2020]


def test_share_helper_kinds() -> None:
    emigrants = pd.DataFrame({"iso3": ["AAA", "BBB"], "year": [2000, 2000],
                              "emigrant_stock": [10.0, 5.0]})
    population = pd.Series([40.0, 0.0], index=pd.MultiIndex.from_tuples(
        [("AAA", 2000), ("BBB", 2000)]))
    share = diaspora_share(emigrants, population)["value"].tolist()
    assert share[0] == 25.0 and np.isnan(share[1])  # zero population -> missing
    assert diaspora_share(emigrants, population, kind="rate")["value"].tolist()[0] == 20.0
    with pytest.raises(DataError, match="kind must be 'share' or 'rate'"):
        diaspora_share(emigrants, population, kind="ratio")  # type: ignore[arg-type]


def test_source_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, "year,country,immigrants,emigrants\n2020,Nepal,6,25\n")
    with pytest.raises(DataError, match="need the home population"):
        UNDESA(totals=path).fetch(["diaspora_share"])
    with pytest.raises(DataError, match="UNDESA delivers"):
        UNDESA(totals=path).fetch(["remittances"])
    with pytest.raises(DataError, match="needs totals="):
        UNDESA()
    bilateral = _write(tmp_path, "year,origin,destination,stock\n2020,Nepal,India,5\n", "b.csv")
    with pytest.raises(DataError, match="immigrant_stock needs the country totals file"):
        UNDESA(bilateral=bilateral).fetch(["immigrant_stock"])
