"""Every World Bank file format and the user's own files, read into identical panels."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from panel_fixtures import (
    AGGREGATES,
    COUNTRIES,
    INDICATORS,
    all_long_text,
    api_text,
    databank_text,
    long_text,
    metadata_text,
    values,
    wdicsv_text,
    write_api,
    zip_files,
)

import migecon as mg
from migecon.errors import SourceError
from migecon.panel.sources import _wdicsv
from migecon.panel.sources.base import Source
from migecon.panel.sources.wdi_files import WDIFiles, read_wdi_file

CODES = list(INDICATORS)
NAMES = {"remit_usd": "BX.TRF.PWKR.CD.DT", "gdp": "NY.GDP.MKTP.CD", "pop_growth": "SP.POP.GROW"}


def _expected_long(frame: pd.DataFrame, codes: list[str] = CODES) -> pd.DataFrame:
    out = frame[frame["code"].isin(codes) & frame["value"].notna()]
    return _sorted(out[["code", "iso3", "year", "value"]])


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.sort_values(["code", "iso3", "year"]).reset_index(drop=True)
    return out.astype({"code": str, "iso3": str, "year": "int64", "value": "float64"})


def _expected_panel(frame: pd.DataFrame) -> pd.DataFrame:
    """The panel built by hand: countries only, full grid, one column per variable."""
    keep = frame[frame["iso3"].isin(COUNTRIES)]
    wide = keep.pivot_table(index=["iso3", "year"], columns="code", values="value",
                            dropna=False)
    grid = pd.MultiIndex.from_product([COUNTRIES, sorted(frame["year"].unique())],
                                      names=["iso3", "year"])
    out = wide.reindex(grid)[[NAMES[n] for n in NAMES]]
    out.columns = list(NAMES)
    return out


@pytest.fixture
def data() -> pd.DataFrame:
    return values(seed=11)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MIGECON_CACHE_DIR", str(folder))
    return folder


# ------------------------------------------------------------ per-indicator files
@pytest.mark.parametrize("preamble", [True, False])
@pytest.mark.parametrize("bom", [True, False])
def test_per_indicator_bulk_csv_with_and_without_preamble_and_bom(
        tmp_path: Path, data: pd.DataFrame, preamble: bool, bom: bool) -> None:
    for code in CODES:
        write_api(tmp_path, data, code, preamble=preamble, bom=bom)
    source = WDIFiles(tmp_path)
    got = source.fetch(CODES)
    pd.testing.assert_frame_equal(_sorted(got.values), _expected_long(data))
    vintage = got.meta["SP.POP.GROW"].vintage
    assert vintage == ("2025-12-19" if preamble else "")
    assert got.meta["SP.POP.GROW"].unit == "annual %"
    assert isinstance(source, Source)


def test_dotdot_marks_missing_values(tmp_path: Path, data: pd.DataFrame) -> None:
    write_api(tmp_path, data, "SP.POP.GROW", missing="..")
    got = WDIFiles(tmp_path).fetch(["SP.POP.GROW"])
    pd.testing.assert_frame_equal(_sorted(got.values), _expected_long(data, ["SP.POP.GROW"]))


def test_real_per_indicator_files(shared_data: Path) -> None:
    bulk = shared_data / "wdi" / "bulk"
    with_preamble = read_wdi_file(bulk / "API_NY.GDP.PCAP.KD_DS2_en_csv_v2_141.csv")
    without = read_wdi_file(bulk / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv")
    raw = pd.read_csv(bulk / "API_NY.GDP.PCAP.KD_DS2_en_csv_v2_141.csv", skiprows=4)
    direct = int(raw.filter(regex=r"^\d{4}$").notna().sum().sum())
    assert len(with_preamble) == direct
    npl = with_preamble.set_index(["iso3", "year"]).loc[("NPL", 2022), "value"]
    assert npl == pytest.approx(raw.set_index("Country Code").loc["NPL", "2022"], rel=1e-12)
    raw = pd.read_csv(bulk / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv", encoding="utf-8-sig")
    assert len(without) == int(raw.filter(regex=r"^\d{4}$").notna().sum().sum())


# ----------------------------------------------------------------- long files
def test_long_files_named_by_code_or_folder(tmp_path: Path, data: pd.DataFrame) -> None:
    (tmp_path / "bx.trf.pwkr.cd.dt.csv").write_text(long_text(data, "BX.TRF.PWKR.CD.DT"))
    (tmp_path / "NY.GDP.MKTP.CD").mkdir()
    (tmp_path / "NY.GDP.MKTP.CD" / "data.csv").write_text(long_text(data, "NY.GDP.MKTP.CD"))
    (tmp_path / "pop.csv").write_text(long_text(data, "SP.POP.GROW", with_code=True))
    (tmp_path / "INDEX.csv").write_text("file,indicator,name,last_commit_date\n"
                                        "bx.trf.pwkr.cd.dt.csv,BX.TRF.PWKR.CD.DT,Remit,2026-07-01\n")
    got = WDIFiles(tmp_path).fetch(CODES)
    pd.testing.assert_frame_equal(_sorted(got.values), _expected_long(data))
    assert got.meta["BX.TRF.PWKR.CD.DT"].vintage == "2026-07-01"
    assert got.meta["NY.GDP.MKTP.CD"].vintage == ""


# ------------------------------------------------------------ all-indicator file
@pytest.mark.parametrize(("quote_all", "trailing_comma", "newline", "name"),
                         [(True, False, "\n", "WDICSV.csv"), (False, True, "\r\n", "WDIData.csv")])
def test_all_indicator_file_reads_only_what_is_asked(
        tmp_path: Path, data: pd.DataFrame, cache: Path, quote_all: bool,
        trailing_comma: bool, newline: str, name: str) -> None:
    path = tmp_path / name
    text = wdicsv_text(data, quote_all=quote_all, trailing_comma=trailing_comma)
    path.write_bytes(text.replace("\n", newline).rstrip().encode())  # no final line break
    got = WDIFiles(path).fetch(["SP.POP.GROW", "NY.GDP.MKTP.CD", "XX.NOT.THERE"])
    pd.testing.assert_frame_equal(_sorted(got.values),
                                  _expected_long(data, ["SP.POP.GROW", "NY.GDP.MKTP.CD"]))
    assert got.report["missing"] == ["XX.NOT.THERE"]
    assert got.report["bulk_method"][str(path)] == "rectangle"
    assert got.report["rows_read"] == len(INDICATORS) * 7  # every line was scanned


def test_shuffled_all_indicator_file_falls_back_to_streaming(tmp_path: Path,
                                                              data: pd.DataFrame) -> None:
    path = tmp_path / "WDICSV.csv"
    path.write_text(wdicsv_text(data, shuffle=True))
    got = WDIFiles(path, cache=False).fetch(CODES)
    assert got.report["bulk_method"][str(path)] == "streaming"
    pd.testing.assert_frame_equal(_sorted(got.values), _expected_long(data))


def test_fast_and_streaming_readers_agree_on_a_generated_file(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from make_wdicsv import write_wdicsv

    path = write_wdicsv(tmp_path, n_indicators=60, seed=3)
    codes = ["SP.POP.TOTL", "NY.GDP.MKTP.CD", "SY.000.30.ZS"]
    fast = _wdicsv.extract(lambda: open(path, "rb"), codes, str(path))
    slow = _wdicsv._extract_streaming(lambda: open(path, "rb"), codes, str(path))
    assert fast.method == "rectangle" and fast.lines == slow.lines == 60 * 266
    assert fast.table.equals(slow.table)


def test_warm_cache_skips_the_csv_and_survives_damage(tmp_path: Path, data: pd.DataFrame,
                                                       cache: Path) -> None:
    path = tmp_path / "WDICSV.csv"
    path.write_text(wdicsv_text(data))
    cold = WDIFiles(path).fetch(CODES)
    assert set(cold.report["cache"].values()) == {"miss"}
    warm = WDIFiles(path).fetch(CODES)
    assert set(warm.report["cache"].values()) == {"hit"} and warm.report["rows_read"] == 0
    pd.testing.assert_frame_equal(_sorted(warm.values), _sorted(cold.values))
    assert warm.meta["SP.POP.GROW"].content_hash == cold.meta["SP.POP.GROW"].content_hash
    files = sorted(cache.rglob("*.parquet"))
    assert [f.name[:7] for f in files] == ["WDICSV-"]  # one columnar copy of the file
    partial = WDIFiles(path).fetch(["SP.POP.GROW", "XX.NOT.THERE"])
    assert partial.report["cache"] == {"SP.POP.GROW": "hit",
                                       "XX.NOT.THERE": "miss (not in file)"}
    assert partial.report["missing"] == ["XX.NOT.THERE"]
    known = WDIFiles(path).fetch(["XX.NOT.THERE"])  # absence is cached too
    assert known.report["cache"] == {"XX.NOT.THERE": "hit (not in file)"}
    files[0].write_bytes(b"not parquet at all")  # a damaged cache file is re-extracted
    again = WDIFiles(path).fetch(CODES)
    assert set(again.report["cache"].values()) == {"miss"}
    pd.testing.assert_frame_equal(_sorted(again.values), _sorted(cold.values))
    assert set(WDIFiles(path).fetch(CODES).report["cache"].values()) == {"hit"}


def test_cache_key_follows_size_and_modification_time(tmp_path: Path, data: pd.DataFrame,
                                                       cache: Path) -> None:
    path = tmp_path / "WDICSV.csv"
    path.write_text(wdicsv_text(data))
    WDIFiles(path).fetch(["SP.POP.GROW"])
    changed = values(seed=12)
    path.write_text(wdicsv_text(changed))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    got = WDIFiles(path).fetch(["SP.POP.GROW"])
    assert got.report["cache"] == {"SP.POP.GROW": "miss"}
    pd.testing.assert_frame_equal(_sorted(got.values), _expected_long(changed, ["SP.POP.GROW"]))


# ---------------------------------------------------------------- zip archives
def test_zip_archives_as_downloaded(tmp_path: Path, data: pd.DataFrame, cache: Path) -> None:
    per_indicator = zip_files(tmp_path / "API_SP.POP.GROW_DS2_en_csv_v2_1234.zip", {
        "API_SP.POP.GROW_DS2_en_csv_v2_1234.csv":
            b"\xef\xbb\xbf" + api_text(data, "SP.POP.GROW").encode(),
        "Metadata_Country_API_SP.POP.GROW_DS2_en_csv_v2_1234.csv": metadata_text(),
        "Metadata_Indicator_API_SP.POP.GROW_DS2_en_csv_v2_1234.csv": "INDICATOR_CODE\n"})
    bulk = zip_files(tmp_path / "WDI_CSV.zip", {"WDICSV.csv": wdicsv_text(data),
                                                "WDICountry.csv": metadata_text()})
    got = WDIFiles(per_indicator).fetch(["SP.POP.GROW"])
    pd.testing.assert_frame_equal(_sorted(got.values), _expected_long(data, ["SP.POP.GROW"]))
    got = WDIFiles(bulk).fetch(CODES)
    pd.testing.assert_frame_equal(_sorted(got.values), _expected_long(data))
    meta = WDIFiles(per_indicator).country_metadata()
    assert meta is not None
    assert meta.loc["NPL", "income_group"] == "LM" and bool(meta.loc["WLD", "is_aggregate"])


# ------------------------------------------------------- identical panels, all formats
def test_identical_panels_from_every_world_bank_format(tmp_path: Path, data: pd.DataFrame,
                                                        cache: Path) -> None:
    folders = {k: tmp_path / k for k in ("api", "long", "one_long", "wdicsv", "zip",
                                          "databank")}
    for folder in folders.values():
        folder.mkdir()
    for code in CODES:
        write_api(folders["api"], data, code)
        (folders["long"] / f"{code.lower()}.csv").write_text(long_text(data, code))
    (folders["one_long"] / "all.csv").write_text(all_long_text(data))
    (folders["wdicsv"] / "WDICSV.csv").write_text(wdicsv_text(data))
    zip_files(folders["zip"] / "WDI_CSV.zip", {"WDICSV.csv": wdicsv_text(data)})
    (folders["databank"] / "export.csv").write_text(databank_text(data))
    expected = _expected_panel(data)
    for kind, folder in folders.items():
        panel = mg.build_panel(NAMES, WDIFiles(folder), years=(2000, 2007))
        pd.testing.assert_frame_equal(panel.data, expected, check_names=False, obj=kind)
        report = panel.metadata["build_report"]
        assert report["aggregates_removed"] == AGGREGATES, kind


def test_conflicting_vintages_error_or_newest(tmp_path: Path, data: pd.DataFrame) -> None:
    old, new = tmp_path / "2018", tmp_path / "2026"
    old.mkdir()
    new.mkdir()
    (old / "sp.pop.grow.csv").write_text(long_text(values(seed=1), "SP.POP.GROW"))
    write_api(new, data, "SP.POP.GROW")
    with pytest.raises(SourceError, match=r"SP.POP.GROW is in 2 files: .*on_conflict='newest'"):
        WDIFiles(tmp_path).fetch(["SP.POP.GROW"])
    got = WDIFiles(tmp_path, on_conflict="newest").fetch(["SP.POP.GROW"])
    assert got.meta["SP.POP.GROW"].vintage == "2025-12-19"
    pd.testing.assert_frame_equal(_sorted(got.values), _expected_long(data, ["SP.POP.GROW"]))


# ------------------------------------------------------------------ user files
def _user_long(data: pd.DataFrame) -> pd.DataFrame:
    wide = _expected_panel(data).reset_index()
    return wide.rename(columns={"iso3": "country"})


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "dta", "parquet"])
def test_user_files_every_format_same_panel(tmp_path: Path, data: pd.DataFrame,
                                            fmt: str) -> None:
    frame = _user_long(data)
    path = tmp_path / f"mydata.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "xlsx":
        frame.to_excel(path, index=False)
    elif fmt == "dta":
        frame.to_stata(path, write_index=False, variable_labels={"gdp": "GDP (current US$)"})
    else:
        frame.to_parquet(path, index=False)
    source = mg.sources.UserFiles(path, entity="country", time="year")
    panel = mg.build_panel(list(NAMES), source)
    pd.testing.assert_frame_equal(panel.data, _expected_panel(data), check_names=False)
    if fmt == "dta":
        assert panel.variables["gdp"].label == "GDP (current US$)"


def test_user_file_wide_by_year_equals_long(tmp_path: Path, data: pd.DataFrame) -> None:
    long = _user_long(data).melt(id_vars=["country", "year"], var_name="variable")
    wide = long.pivot_table(index=["country", "variable"], columns="year", values="value",
                            dropna=False).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide.to_csv(tmp_path / "wide.csv", index=False)
    long.to_csv(tmp_path / "tidy.csv", index=False)
    a = mg.sources.UserFiles(tmp_path / "wide.csv", entity="country", variable="variable")
    b = mg.sources.UserFiles(tmp_path / "tidy.csv", entity="country", time="year",
                             variable="variable", value="value")
    pa_, pb = mg.build_panel(list(NAMES), a), mg.build_panel(list(NAMES), b)
    pd.testing.assert_frame_equal(pa_.data, pb.data)
    pd.testing.assert_frame_equal(pa_.data, _expected_panel(data), check_names=False)


def test_user_file_with_country_names_is_harmonised(tmp_path: Path) -> None:
    pd.DataFrame({"country": ["Nepal", "Viet Nam", "Vietnam"], "year": [2000, 2000, 2001],
                  "x": [1.0, 2.0, 3.0]}).to_csv(tmp_path / "n.csv", index=False)
    panel = mg.build_panel(["x"], mg.sources.UserFiles(tmp_path / "n.csv", entity="country",
                                                       time="year"))
    assert panel.entities == ["NPL", "VNM"]
    assert panel["x"].loc[("VNM", 2001)] == 3.0
    assert np.isnan(panel["x"].loc[("NPL", 2001)])
