"""build_panel: the growth-migration panel from ../shared/data, the report, policies, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from panel_fixtures import AGGREGATES, COUNTRIES, long_text, metadata_text, values, write_api

import migecon as mg
from conftest import RESULTS
from migecon.cli import main
from migecon.errors import DataError, DroppedDataWarning, SampleSelectionWarning, SourceError
from migecon.panel.sources.classifications import IncomeClassification

YEARS = (1990, 2022)
OGHIST = "classifications/OGHIST_2025_10_07.xlsx"
METADATA = "wdi/bulk/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
#: The issue quotes the WDI to one decimal: half a unit of the last digit.
TOL_ONE_DECIMAL = 0.05


# ------------------------------------------------------------------ real data
@pytest.fixture(scope="session")
def source(shared_data: Path) -> mg.sources.WDIFiles:
    return mg.sources.WDIFiles(shared_data / "wdi" / "long", shared_data / "wdi" / "bulk")


@pytest.fixture(scope="session")
def annual(shared_data: Path, source: mg.sources.WDIFiles) -> mg.Panel:
    return mg.build_panel(mg.catalog.GROWTH_MIGRATION, source, countries="developing",
                          classification=shared_data / OGHIST, years=YEARS, policy="fixed")


@pytest.fixture(scope="session")
def five_year(shared_data: Path, source: mg.sources.WDIFiles) -> mg.Panel:
    return mg.build_panel(mg.catalog.GROWTH_MIGRATION, source, countries="developing",
                          classification=shared_data / OGHIST, years=YEARS, frequency="5y",
                          policy="fixed", min_obs=1)


def _developing_fy26(shared_data: Path) -> set[str]:
    """Low and middle income in FY26, read straight from the OGHIST sheet."""
    raw = pd.read_excel(shared_data / OGHIST, sheet_name="Country Analytical History",
                        header=None, dtype=str)
    header = raw.index[raw[1].fillna("").str.startswith("Bank's fiscal year")][0]
    column = next(c for c in raw.columns if raw.at[header, c] == "FY26")
    groups = raw.loc[header + 1:, [0, column]].dropna()
    groups = groups[groups[0].str.fullmatch(r"[A-Z]{3}")]
    return set(groups.loc[groups[column].str.rstrip("*").isin(["L", "LM", "UM"]), 0])


def _long(shared_data: Path, code: str) -> pd.DataFrame:
    return pd.read_csv(shared_data / "wdi" / "long" / f"{code.lower()}.csv",
                       keep_default_na=False, na_values=[""])


def test_remittances_match_the_published_wdi_ratio(annual: mg.Panel) -> None:
    reference = json.loads((RESULTS / "wdi_remittances_gdp_2022.json").read_text())
    for iso3, published in reference["values"].items():
        assert annual["remittances"].loc[(iso3, 2022)] == pytest.approx(
            published, abs=TOL_ONE_DECIMAL), iso3
    meta = annual.variables["remittances"]
    assert meta.code == "BX.TRF.PWKR.DT.GD.ZS" and meta.unit == "% of GDP"
    assert meta.derivation.startswith("derived by migecon: BX.TRF.PWKR.CD.DT / NY.GDP.MKTP.CD")
    assert meta.vintage == "2026-07-01"


def test_no_aggregates_and_the_developing_countries(annual: mg.Panel, five_year: mg.Panel,
                                                     shared_data: Path) -> None:
    meta = pd.read_csv(shared_data / METADATA, encoding="utf-8-sig", keep_default_na=False)
    aggregates = set(meta.loc[meta["Region"] == "", "Country Code"])
    for panel in (annual, five_year):
        assert not set(panel.entities) & aggregates
        assert not any(mg.countries.is_aggregate(c) for c in panel.entities)
    developing = _developing_fy26(shared_data)
    in_data = set(_long(shared_data, "SP.POP.TOTL")["Country Code"])  # every economy
    assert set(annual.entities) == developing & in_data
    assert annual.n_entities == 130 and annual.times == list(range(1990, 2023))
    rule = annual.metadata["developing_rule"]
    assert (rule["policy"], rule["fiscal_year"]) == ("fixed", "FY26")
    assert rule["source"].endswith("(OGHIST_2025_10_07.xlsx)")


def test_build_report_counts_equal_a_direct_pandas_computation(annual: mg.Panel,
                                                                shared_data: Path) -> None:
    report = annual.metadata["build_report"]
    inds = mg.catalog.GROWTH_MIGRATION
    codes = []
    for ind in inds.values():
        derivation = mg.catalog.DERIVATIONS.get(ind.code)
        codes += list(derivation.inputs) if derivation else [ind.code]
    codes = list(dict.fromkeys(codes))
    frames, rows_read = [], 0
    bulk = shared_data / "wdi" / "bulk"
    for code in codes:
        if code == "NY.GDP.PCAP.KD":
            wide = pd.read_csv(bulk / "API_NY.GDP.PCAP.KD_DS2_en_csv_v2_141.csv", skiprows=4)
        elif code == "IT.NET.USER.ZS":
            wide = pd.read_csv(bulk / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv",
                               encoding="utf-8-sig")
        else:
            frame = _long(shared_data, code)
            rows_read += len(frame)
            frames.append(frame[["Country Code", "Year", "Value"]])
            continue
        rows_read += len(wide)
        long = wide.melt(id_vars=["Country Code"], value_vars=[
            c for c in wide.columns if c.isdigit()], var_name="Year", value_name="Value")
        frames.append(long.astype({"Year": int}).dropna(subset=["Value"]))
    direct = pd.concat(frames)
    direct = direct[direct["Year"].between(*YEARS)]
    meta = pd.read_csv(shared_data / METADATA, encoding="utf-8-sig", keep_default_na=False)
    aggregates = set(meta.loc[meta["Region"] == "", "Country Code"])
    assert report["rows_read"] == rows_read
    assert report["values_received"] == len(direct)
    assert report["aggregates_removed"] == sorted(set(direct["Country Code"]) & aggregates)
    assert report["aggregate_values_removed"] == int(direct["Country Code"].isin(
        aggregates).sum())
    # Missing cells on the developing-country grid, variable by variable.
    grid = pd.MultiIndex.from_product([annual.entities, range(YEARS[0], YEARS[1] + 1)])
    growth = _long(shared_data, "NY.GDP.PCAP.KD.ZG").set_index(["Country Code", "Year"])
    remit = _long(shared_data, "BX.TRF.PWKR.CD.DT").set_index(["Country Code", "Year"])
    gdp = _long(shared_data, "NY.GDP.MKTP.CD").set_index(["Country Code", "Year"])
    ratio = (remit["Value"] / gdp["Value"] * 100).reindex(grid)
    assert report["cells"] == len(grid) == 130 * 33
    assert report["missing_cells"]["growth"] == int(growth["Value"].reindex(grid).isna().sum())
    assert report["missing_cells"]["remittances"] == int(ratio.isna().sum())
    np.testing.assert_allclose(annual["remittances"].to_numpy(), ratio.to_numpy(), rtol=1e-12)
    dropped = report["countries_dropped"]
    assert dropped["not classified by the World Bank (FY26)"] == ["VEN"]
    assert len(dropped["not low or middle income in FY26"]) == len(
        set(direct["Country Code"]) - aggregates - _developing_fy26(shared_data) - {"VEN"})
    assert set(report["derived"]) == {"remittances", "migrant_share", "trade", "fdi"}
    assert report["vintages"]["gdppc"] == "2025-12-19"


def test_five_year_panel_equals_direct_period_means(five_year: mg.Panel, annual: mg.Panel,
                                                    shared_data: Path) -> None:
    assert five_year.times == [1990, 1995, 2000, 2005, 2010, 2015, 2020]
    assert five_year.metadata["periods"]["2020"] == "2020-2022"
    remit = _long(shared_data, "BX.TRF.PWKR.CD.DT").set_index(["Country Code", "Year"])
    gdp = _long(shared_data, "NY.GDP.MKTP.CD").set_index(["Country Code", "Year"])
    ratio = (remit["Value"] / gdp["Value"] * 100).rename("r").reset_index()
    ratio = ratio[ratio["Country Code"].isin(annual.entities) & ratio["Year"].between(*YEARS)]
    ratio["period"] = 1990 + (ratio["Year"] - 1990) // 5 * 5
    direct = ratio.dropna().groupby(["Country Code", "period"])["r"].mean()
    got = five_year["remittances"].dropna()
    assert len(got) == len(direct)
    np.testing.assert_allclose(got.to_numpy(), direct.to_numpy(), rtol=1e-12)
    assert five_year.metadata["build_report"]["frequency"] == "5y"


def test_thin_five_year_cells_are_counted_from_the_raw_file(shared_data: Path,
                                                           source: mg.sources.WDIFiles) -> None:
    """Issue 14, item 2: by default a five-year mean needs 3 of its 5 years; the cells that
    rested on one or two years are set missing, counted and warned about."""
    with pytest.warns(DroppedDataWarning, match="rest on too few years"):
        panel = mg.build_panel({"schooling": "SE.SEC.ENRR"}, source, countries="developing",
                               classification=shared_data / OGHIST, years=(1990, 2019),
                               frequency="5y", initial=["schooling"])
    raw = _long(shared_data, "SE.SEC.ENRR")
    raw = raw[raw["Country Code"].isin(panel.entities) & raw["Year"].between(1990, 2019)]
    years = raw.groupby(["Country Code", 1990 + (raw["Year"] - 1990) // 5 * 5])["Value"].count()
    thin = int(years.between(1, 2).sum())
    assert thin > 100  # the issue counted 182 of 722 such cells in its sample
    report = panel.metadata["build_report"]
    assert report["period_cells_below_min_obs"] == {"schooling": thin}
    assert report["min_obs"] == 3
    assert int(panel["schooling"].notna().sum()) == int((years >= 3).sum())
    start = raw.set_index(["Country Code", "Year"])["Value"]
    first = panel["initial_schooling"].dropna()
    assert len(first) == int(start.index.get_level_values(1).isin(range(1990, 2020, 5)).sum())
    for (country, period), value in first.items():
        assert value == start.loc[(country, period)]
    assert "thin periods" in str(mg.BuildReport.from_dict(report))


def test_report_reads_well(annual: mg.Panel) -> None:
    text = str(mg.BuildReport.from_dict(annual.metadata["build_report"]))
    assert "aggregates  48 removed" in text
    assert "130 kept" in text and "VEN" in text
    assert "remittances = BX.TRF.PWKR.CD.DT / NY.GDP.MKTP.CD * 100" in text
    assert "missing cells per variable (of 4,290 country-years)" in text


# -------------------------------------------------------------- synthetic data
def _folder(tmp_path: Path, seed: int = 3) -> tuple[Path, pd.DataFrame]:
    data = values(seed=seed)
    for code in ("BX.TRF.PWKR.CD.DT", "NY.GDP.MKTP.CD"):
        (tmp_path / f"{code.lower()}.csv").write_text(long_text(data, code))
    write_api(tmp_path, data, "SP.POP.GROW")
    (tmp_path / "Metadata_Country_API_SP.POP.GROW_DS2_en_csv_v2_1234.csv").write_text(
        metadata_text())
    return tmp_path, data


def _oghist(path: Path) -> Path:
    """A small OGHIST.xlsx in the World Bank's layout (FY01..FY03 <- GNI 1999..2001)."""
    rows = [[None, "World Bank Analytical Classifications", None, None, None]] + [
        [None] * 5] * 3 + [
        [None, "Bank's fiscal year:", "FY01", "FY02", "FY03"],
        [None, "Data for calendar year :", 1999, 2000, 2001],
        ["NPL", "Nepal", "L", "L", "L"],
        ["SLV", "El Salvador", "LM", "UM", "H"],
        ["TJK", "Tajikistan", "..", "L", "LM*"],
        ["KOR", "Korea, Rep.", "H", "H", "H"]]
    pd.DataFrame(rows).to_excel(path, sheet_name="Country Analytical History", header=False,
                                index=False)
    return path


def test_derived_only_when_missing_and_countries_list(tmp_path: Path) -> None:
    folder, data = _folder(tmp_path)
    panel = mg.build_panel(mg.catalog.REMITTANCES, mg.sources.WDIFiles(folder),
                           countries=["Nepal", "SLV"])
    assert panel.entities == ["NPL", "SLV"]
    assert panel.metadata["build_report"]["derived"] == {
        "remittances": "BX.TRF.PWKR.CD.DT / NY.GDP.MKTP.CD * 100"}
    assert panel.metadata["build_report"]["countries_dropped"] == {
        "not in the countries requested": ["KOR", "TJK"]}
    d = data.set_index(["code", "iso3", "year"])["value"]
    expected = d["BX.TRF.PWKR.CD.DT"]["NPL"] / d["NY.GDP.MKTP.CD"]["NPL"] * 100
    np.testing.assert_allclose(panel["remittances"].loc["NPL"].to_numpy(),
                               expected.to_numpy(), rtol=1e-12)
    with pytest.raises(SourceError, match=r"not found .*remittances \(BX.TRF.PWKR.DT.GD.ZS\)"):
        mg.build_panel(mg.catalog.REMITTANCES, mg.sources.WDIFiles(folder), derive="never")


def test_on_missing_drop_leaves_out_what_the_source_lacks(tmp_path: Path, capsys) -> None:
    folder, _ = _folder(tmp_path)
    wanted = {"pop_growth": "SP.POP.GROW", "internet": "IT.NET.USER.ZS",
              "remittances": "BX.TRF.PWKR.DT.GD.ZS", "fdi": "BX.KLT.DINV.WD.GD.ZS"}
    # The default still fails, naming every indicator the folder lacks.
    with pytest.raises(SourceError, match=r"not found .*internet \(IT.NET.USER.ZS\)"):
        mg.build_panel(wanted, mg.sources.WDIFiles(folder))
    with pytest.warns(DroppedDataWarning, match=r"2 indicator\(s\) .* left out .*"
                                                r"internet \(IT.NET.USER.ZS\), fdi"):
        panel = mg.build_panel(wanted, mg.sources.WDIFiles(folder), on_missing="drop")
    # remittances is derived from its parts, which the folder holds; fdi's part
    # (FDI inflows in US$) is absent, so fdi goes too.
    assert panel.columns == ["pop_growth", "remittances"]
    report = mg.BuildReport.from_dict(panel.metadata["build_report"])
    assert report.indicators_missing == {"internet": "IT.NET.USER.ZS",
                                         "fdi": "BX.KLT.DINV.WD.GD.ZS"}
    assert report.indicators == {"pop_growth": "SP.POP.GROW",
                                 "remittances": "BX.TRF.PWKR.DT.GD.ZS"}
    assert "2 not in the source, left out: internet, fdi" in str(report)
    with pytest.raises(DataError, match="on_missing must be 'error' or 'drop'"):
        mg.build_panel(wanted, mg.sources.WDIFiles(folder), on_missing="skip")
    with pytest.raises(SourceError, match="none of the indicators"):
        mg.build_panel({"internet": "IT.NET.USER.ZS"}, mg.sources.WDIFiles(folder),
                       on_missing="drop")
    # The command line: --skip-missing.
    args = ["build", "--data", str(folder), "--indicator", "pop_growth=SP.POP.GROW",
            "--indicator", "internet=IT.NET.USER.ZS", "--out", str(tmp_path / "p.csv")]
    assert main(args) == 1
    assert "internet (IT.NET.USER.ZS)" in capsys.readouterr().err
    with pytest.warns(DroppedDataWarning):
        assert main([*args, "--skip-missing"]) == 0
    assert "1 not in the source, left out: internet" in capsys.readouterr().out
    assert list(pd.read_csv(tmp_path / "p.csv").columns) == ["iso3", "year", "pop_growth"]


@pytest.mark.parametrize(("policy", "fiscal_year", "kept", "country_years_dropped"), [
    ("fixed", None, ["NPL", "TJK"], 0),          # FY03, the latest: SLV is high income
    ("fixed", "FY02", ["NPL", "SLV", "TJK"], 0),  # SLV upper middle income in FY02
    ("ever", None, ["NPL", "SLV", "TJK"], 0),
    # per_year: 2000 -> FY02 (GNI 2000), 2001 -> FY03, 2002-2007 -> FY03 (nearest data
    # year): SLV is developing in 2000 only, so its 7 other years go.
    ("per_year", None, ["NPL", "SLV", "TJK"], 7),
    # initial: the window starts in 2000 -> FY02 (GNI 2000), where SLV is upper middle income
    ("initial", None, ["NPL", "SLV", "TJK"], 0),
])
def test_developing_policies(tmp_path: Path, policy: str, fiscal_year: str | None,
                             kept: list[str], country_years_dropped: int) -> None:
    folder, _ = _folder(tmp_path)
    oghist = _oghist(tmp_path / "OGHIST.xlsx")
    panel = mg.build_panel({"pop_growth": "SP.POP.GROW"}, mg.sources.WDIFiles(folder),
                           countries="developing", classification=oghist,
                           policy=policy, fiscal_year=fiscal_year)  # type: ignore[arg-type]
    assert panel.entities == kept
    report = panel.metadata["build_report"]
    assert report["country_years_dropped"] == country_years_dropped
    assert panel.metadata["developing_rule"]["policy"] == policy
    assert report["developing_rule"] == panel.metadata["developing_rule"]
    if policy == "per_year":
        assert panel["pop_growth"].loc["SLV"].index.tolist() == [2000]
    dropped = [c for codes in report["countries_dropped"].values() for c in codes]
    assert "KOR" in dropped


def test_current_metadata_is_the_default_classification(tmp_path: Path) -> None:
    folder, _ = _folder(tmp_path)
    # A one-year snapshot can only fix the groups at its year, which selects on later
    # income: the builder says so (issue 14, item 1).
    with pytest.warns(SampleSelectionWarning, match="selects the sample on later growth"):
        panel = mg.build_panel({"pop_growth": "SP.POP.GROW"}, mg.sources.WDIFiles(folder),
                               countries="developing")
    assert panel.entities == ["NPL", "SLV", "TJK"]
    assert panel.metadata["developing_rule"]["policy"] == "fixed"
    with pytest.raises(DataError, match="needs the historical classification"):
        mg.build_panel({"pop_growth": "SP.POP.GROW"}, mg.sources.WDIFiles(folder),
                       countries="developing", policy="per_year")


def test_interpolation_in_build_is_flagged_and_reported(tmp_path: Path) -> None:
    folder, data = _folder(tmp_path)
    panel = mg.build_panel({"pop_growth": "SP.POP.GROW"}, mg.sources.WDIFiles(folder),
                           interpolate=["pop_growth"])
    report = panel.metadata["build_report"]
    flags = panel["pop_growth_interpolated"]
    assert report["interpolated"] == {"pop_growth": int(flags.sum())} and flags.sum() > 0
    raw = data[(data["code"] == "SP.POP.GROW") & data["iso3"].isin(COUNTRIES)]
    assert report["missing_cells"]["pop_growth"] == int(panel["pop_growth"].isna().sum())
    assert int(flags.sum()) + report["missing_cells"]["pop_growth"] == int(
        raw["value"].isna().sum())
    assert report["aggregates_removed"] == AGGREGATES


def test_default_developing_rule_does_not_select_on_later_growth(
        shared_data: Path, source: mg.sources.WDIFiles) -> None:
    """Issue 14, item 1: Chile, Poland and Uruguay (high income by FY26) and the transition
    economies (".." in FY92) stay in a 1990-2019 growth sample; the report names them."""
    panel = mg.build_panel({"growth": "NY.GDP.PCAP.KD.ZG"}, source, countries="developing",
                           classification=shared_data / OGHIST, years=(1990, 2019))
    rule = panel.metadata["developing_rule"]
    assert rule["policy"] == "initial"
    kept = set(panel.entities)
    assert {"CHL", "POL", "URY", "KAZ", "KGZ", "TJK", "UZB"} <= kept
    assert not {"USA", "JPN", "DEU"} & kept
    # Read straight from the OGHIST sheet: FY92 is ".." for the four Central Asian
    # republics and their first group is FY93 lower middle income.
    raw = pd.read_excel(shared_data / OGHIST, sheet_name="Country Analytical History",
                        header=None, dtype=str)
    header = raw.index[raw[1].fillna("").str.startswith("Bank's fiscal year")][0]
    col = {raw.at[header, c]: c for c in raw.columns}
    rows = raw.set_index(0)
    for code in ("KAZ", "KGZ", "TJK", "UZB"):
        assert rows.at[code, col["FY92"]] == ".."
        assert f"{code} (FY93 {rows.at[code, col['FY93']]})" in rule["decided"][
            "classified after FY92, so by their first classification"]
    assert {"CHL", "POL", "URY"} <= set(rule["decided"]["kept, not low or middle income in FY26"])
    text = str(mg.panel.build.BuildReport.from_dict(panel.metadata["build_report"]))
    assert "policy 'initial'" in text
    assert "kept, not low or middle income in FY26: ASM, ATG, BGR, BHR, BRB, CHL" in text
    # A fixed fiscal year still works as before and is chosen by giving fiscal_year.
    fy92 = mg.build_panel({"growth": "NY.GDP.PCAP.KD.ZG"}, source, countries="developing",
                          classification=shared_data / OGHIST, years=(1990, 2019),
                          fiscal_year="FY92")
    assert fy92.metadata["developing_rule"]["policy"] == "fixed"
    assert "KAZ" not in fy92.entities and "CHL" in fy92.entities


def test_classification_files(shared_data: Path) -> None:
    oghist = IncomeClassification.load(shared_data / OGHIST)
    assert oghist.fiscal_years[0] == "FY89" and oghist.fiscal_years[-1] == "FY26"
    assert oghist.data_years["FY26"] == 2024 and oghist.fiscal_year_of(2022) == "FY24"
    assert oghist.groups.at["YEM", "FY89"] == "LM"  # "LM*" footnote marker removed
    current = IncomeClassification.load(shared_data / "classifications/class-country.xlsx")
    assert current.fiscal_years == ["FY23"]  # "set on 1 July 2022"
    # The FY23 CLASS.xlsx lists Venezuela as lower middle income, while OGHIST leaves
    # it unclassified from FY22 on (the CLASS notes say "temporarily unclassified").
    assert current.developing_countries() ^ oghist.developing_countries(
        fiscal_year="FY23") == {"VEN"}


# ------------------------------------------------------------------------ CLI
@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".dta"])
def test_cli_build_writes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      suffix: str) -> None:
    (tmp_path / "data").mkdir()
    folder, _ = _folder(tmp_path / "data")
    out = tmp_path / f"panel{suffix}"
    code = main(["build", "--data", str(folder), "--indicators", "remittances",
                 "--countries", "developing", "--policy", "fixed", "--min-obs", "1",
                 "--years", "2000-2007",
                 "--frequency", "5y", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and out.exists()
    assert "migecon build report" in printed and f"wrote {out}" in printed
    assert "aggregates  3 removed" in printed
    if suffix == ".parquet":
        back = mg.Panel.read_parquet(str(out))
        assert back.entities == ["NPL", "SLV", "TJK"] and back.times == [2000, 2005]
    if suffix == ".csv":
        assert (tmp_path / "panel.metadata.json").exists()
    assert main(["build", "--data", str(folder), "--out", str(out)]) == 1
    assert "exists; pass --force" in capsys.readouterr().err


def test_cli_build_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    assert main(["build", "--out", str(tmp_path / "x.parquet")]) == 1
    assert "give exactly one source" in capsys.readouterr().err
    assert main(["build", "--data", str(tmp_path), "--years", "1990",
                 "--out", str(tmp_path / "x.parquet")]) == 1
    assert "--years must look like 1990-2022" in capsys.readouterr().err


# ------------------------------------------------------------- with the API source
@pytest.mark.network
def test_build_from_the_api_source_derives_a_ratio_it_lacks(tmp_path: Path) -> None:
    try:  # the local World Bank API look-alike of the API source's own tests
        from test_panel_wdi_api import FakeWorldBankAPI
    except ImportError:  # pragma: no cover - depends on the other test module
        pytest.skip("tests/test_panel_wdi_api.py (FakeWorldBankAPI) not available")
    data = values(seed=4)
    server = FakeWorldBankAPI()
    for code in ("BX.TRF.PWKR.CD.DT", "NY.GDP.MKTP.CD"):
        part = data[data["code"] == code].rename(columns={"name": "country"})
        server.add(code, part[["iso3", "country", "year", "value"]])
    server.start()
    try:
        source = mg.sources.WDIApi(tmp_path / "cache", endpoint=server.endpoint,
                                   progress=False, backoff=0.001)
        panel = mg.build_panel(mg.catalog.REMITTANCES, source)
    finally:
        server.stop()
    report = panel.metadata["build_report"]
    assert report["derived"] == {"remittances": "BX.TRF.PWKR.CD.DT / NY.GDP.MKTP.CD * 100"}
    assert report["aggregates_removed"] == AGGREGATES
    assert panel.entities == sorted(COUNTRIES)
    d = data.set_index(["code", "iso3", "year"])["value"]
    expected = d["BX.TRF.PWKR.CD.DT"]["TJK"] / d["NY.GDP.MKTP.CD"]["TJK"] * 100
    np.testing.assert_allclose(panel["remittances"].loc["TJK"].to_numpy(),
                               expected.to_numpy(), rtol=1e-12)


def test_remittances_paid_and_net(tmp_path: Path) -> None:
    """Issue 14, item 7: paid (BM.TRF.PWKR.CD.DT), its share of GDP, and net flows.
    Kazakhstan pays more than it receives: its net remittances are negative."""
    rows = {  # current US$, typed by hand (not WDI values): received, paid, GDP
        ("KAZ", 2020): (270e6, 1_900e6, 171e9), ("KAZ", 2021): (300e6, 2_000e6, 197e9),
        ("NPL", 2020): (8_100e6, 310e6, 33e9), ("NPL", 2021): (8_300e6, 330e6, 36e9)}
    names = {"KAZ": "Kazakhstan", "NPL": "Nepal"}
    for i, code in enumerate(("BX.TRF.PWKR.CD.DT", "BM.TRF.PWKR.CD.DT", "NY.GDP.MKTP.CD")):
        lines = ["Country Name,Country Code,Year,Value"] + [
            f"{names[c]},{c},{y},{v[i]!r}" for (c, y), v in rows.items()]
        (tmp_path / f"{code.lower()}.csv").write_text("\n".join(lines) + "\n")
    panel = mg.build_panel(mg.catalog.REMITTANCE_FLOWS, mg.sources.WDIFiles(tmp_path))
    for (country, year), (received, paid, gdp) in rows.items():
        assert panel["remittances_paid_usd"].loc[(country, year)] == paid
        assert panel["remittances_paid"].loc[(country, year)] == pytest.approx(
            paid / gdp * 100, rel=1e-15)
        assert panel["remittances_net_usd"].loc[(country, year)] == received - paid
        assert panel["remittances_net"].loc[(country, year)] == pytest.approx(
            (received - paid) / gdp * 100, rel=1e-15)
    assert (panel["remittances_net"].loc["KAZ"] < 0).all()
    meta = panel.variables["remittances_net"]
    assert meta.derivation.startswith("derived by migecon: (BX.TRF.PWKR.CD.DT - "
                                      "BM.TRF.PWKR.CD.DT) / NY.GDP.MKTP.CD * 100")
    assert "migecon's definition" in meta.derivation
    assert "World Bank definition" in panel.variables["remittances"].derivation
