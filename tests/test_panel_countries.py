"""Country harmonisation: names and codes to ISO3, World Bank aggregates, unknown names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from migecon.errors import DataError, DroppedDataWarning, UnknownCountryError
from migecon.panel import countries
from migecon.panel.countries import (
    WB_AGGREGATES,
    WB_ECONOMIES,
    is_aggregate,
    is_un_aggregate,
    to_iso3,
)

METADATA = "wdi/bulk/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"


@pytest.mark.parametrize(("name", "iso3"), [
    ("Nepal", "NPL"), ("El Salvador", "SLV"), ("Egypt, Arab Rep.", "EGY"),
    ("Korea, Dem. People’s Rep.", "PRK"), ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"),
    ("Turkiye", "TUR"), ("Türkiye*", "TUR"), ("DR Congo", "COD"), ("Congo, Rep.", "COG"),
    ("Congo", "COG"), ("Russia", "RUS"), ("Viet Nam", "VNM"), ("Vietnam", "VNM"),
    ("Bolivia (Plurinational State of)", "BOL"), ("United States of America*", "USA"),
    ("St. Vincent & Grenadines", "VCT"), ("Saint Vincent and the Grenadines", "VCT"),
    ("Swaziland", "SWZ"), ("Macedonia, FYR", "MKD"), ("Czech Republic", "CZE"),
])
def test_names_from_world_bank_un_and_common_usage(name: str, iso3: str) -> None:
    assert to_iso3([name]).iloc[0] == iso3


@pytest.mark.parametrize(("code", "iso3"), [
    ("NPL", "NPL"), ("npl", "NPL"), ("NP", "NPL"), ("NA", "NAM"), ("524", "NPL"), (524, "NPL"),
    ("XKX", "XKX"), ("XK", "XKX"), ("Kosovo", "XKX"), ("CHI", "CHI"), ("JG", "CHI"),
    ("Channel Islands", "CHI"), ("ROM", "ROU"), ("ZAR", "COD"), ("KSV", "XKX"),
])
def test_codes_iso2_numeric_legacy_and_world_bank_specials(code: object, iso3: str) -> None:
    assert to_iso3([code]).iloc[0] == iso3


def test_result_is_indexed_by_the_input_and_keeps_missing_values() -> None:
    out = to_iso3(["Nepal", None, "NPL", float("nan")])
    assert list(out.index[[0, 2]]) == ["Nepal", "NPL"]
    assert out.iloc[0] == out.iloc[2] == "NPL"
    assert out.isna().tolist() == [False, True, False, True]


def test_world_bank_aggregates_are_listed_and_detected() -> None:
    named_in_issue = {"WLD", "LMY", "SSF", "EAS", "ARB", "EUU", "IDA", "HIC"}
    assert named_in_issue <= WB_AGGREGATES
    assert len(WB_AGGREGATES) == 49  # 48 with an empty Region in the WDI metadata + INX
    assert not WB_AGGREGATES & set(WB_ECONOMIES)
    assert all(is_aggregate(code) for code in named_in_issue)
    assert is_aggregate("1W") and is_aggregate("wld")
    assert not any(is_aggregate(c) for c in ("NPL", "XKX", "CHI", None, 3))
    # Aggregate names map to their code so that they can be counted, not lost.
    assert to_iso3(["World", "Low & middle income", "Sub-Saharan Africa"]).tolist() == [
        "WLD", "LMY", "SSF"]


def test_un_regions_are_not_countries_and_not_unknown() -> None:
    names = ["Southern Africa", "Less developed regions, excluding China", "Eastern Africa",
             "Micronesia", "Polynesia*", "Others"]
    assert all(is_un_aggregate(n) for n in names)
    assert to_iso3(names).isna().all()  # no error: they are known, and not countries
    assert not is_un_aggregate("South Africa")
    assert to_iso3(["South Africa"]).iloc[0] == "ZAF"


def test_unknown_names_raise_with_closest_matches() -> None:
    with pytest.raises(UnknownCountryError, match=r"2 country name\(s\) not recognised") as err:
        to_iso3(["Nepal", "Cote dIvoir", "Atlantis", "Cote dIvoir"])
    message = str(err.value)
    assert "'Cote dIvoir' (closest: Côte d'Ivoire (CIV)" in message
    assert "'Atlantis'" in message and 'on_unknown="drop"' in message
    assert isinstance(err.value, DataError)


def test_unknown_names_dropped_with_a_counted_warning() -> None:
    with pytest.warns(DroppedDataWarning, match=r"2 country name\(s\) not recognised"):
        out = to_iso3(["Nepal", "Atlantis", "Ruritania"], on_unknown="drop")
    assert out.tolist()[0] == "NPL" and out.iloc[1:].isna().all()


def test_on_unknown_keep_and_bad_option() -> None:
    assert to_iso3(["firm 7"], on_unknown="keep").tolist() == ["firm 7"]
    with pytest.raises(DataError, match="on_unknown must be one of"):
        to_iso3(["Nepal"], on_unknown="ignore")  # type: ignore[arg-type]


def test_country_converter_table_is_used_despite_its_pandas3_bug() -> None:
    # country_converter 1.3.2's own class fails under pandas 3 (empty ISO2 of
    # the Channel Islands read as NaN); migecon reads its data file itself.
    assert "country_converter" in countries.table_source()
    assert to_iso3(["Aland Islands"]).iloc[0] == "ALA"  # only in country_converter's table


def test_builtin_table_when_country_converter_is_missing(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import builtins

    real_import = builtins.__import__

    def no_coco(name: str, *args: object, **kwargs: object) -> object:
        if name == "country_converter":
            raise ImportError("not installed")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_coco)
    table = countries._Table()
    assert "built-in" in table.source
    assert table.resolve("Egypt, Arab Rep.") == "EGY"
    assert table.resolve("DR Congo") == "COD"
    assert table.resolve("LMY") == "LMY"


def test_every_code_and_name_of_the_real_wdi_files_resolves(shared_data: Path) -> None:
    meta = pd.read_csv(shared_data / METADATA, encoding="utf-8-sig", keep_default_na=False)
    codes = to_iso3(meta["Country Code"])
    assert (codes.to_numpy() == meta["Country Code"].to_numpy()).all()
    names = to_iso3(meta["TableName"])
    assert (names.to_numpy() == meta["Country Code"].to_numpy()).all()
    # The aggregates are exactly the rows without a region, plus "Not classified".
    no_region = set(meta.loc[meta["Region"] == "", "Country Code"])
    assert no_region == WB_AGGREGATES - {"INX"}
    long = pd.read_csv(shared_data / "wdi/long/ny.gdp.mktp.cd.csv", keep_default_na=False)
    assert to_iso3(long["Country Name"].unique()).notna().all()


def test_every_un_desa_country_name_resolves(shared_data: Path) -> None:
    totals = pd.read_csv(shared_data / "migrant_stock/undesa_ims2020_country_totals.csv")
    out = to_iso3(totals["country"].unique())
    assert out.notna().all()
    assert out["DR Congo"] == "COD" and out["Channel Islands"] == "CHI"
    assert out.nunique() == len(out)  # no two UN names on one code
