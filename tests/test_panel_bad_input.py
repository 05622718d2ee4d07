"""Bad input to the panel builders: each gets a clear message or a counted, reported decision."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from panel_fixtures import api_text, long_text, values, wdicsv_text, write_api

import migecon as mg
from migecon.errors import (
    DataError,
    DroppedDataWarning,
    DuplicateKeyError,
    SourceError,
    UnknownCountryError,
)
from migecon.panel.sources.wdi_files import WDIFiles


def _user_csv(path: Path, rows: list[tuple[object, ...]], header: str = "country,year,x"
              ) -> Path:
    lines = [header] + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def _build(path: Path, **kwargs: object) -> mg.Panel:
    source = mg.sources.UserFiles(path, entity="country", time="year")
    return mg.build_panel(["x"], source, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------- duplicate country-years
def test_duplicate_country_years_from_two_spellings(tmp_path: Path) -> None:
    path = _user_csv(tmp_path / "d.csv", [("Viet Nam", 2000, 1.0), ("Vietnam", 2000, 3.0),
                                          ("Nepal", 2000, 2.0)])
    with pytest.raises(DuplicateKeyError,
                       match=r"1 duplicate \(indicator, iso3, year\) key\(s\), e.g. x \('VNM', "
                             r"2000\) appears 2 times; two names of one country"):
        _build(path)
    assert _build(path, on_duplicate="mean")["x"].loc[("VNM", 2000)] == 2.0


def test_duplicate_rows_in_a_world_bank_long_file(tmp_path: Path) -> None:
    text = long_text(values(), "SP.POP.GROW")
    first_row = text.splitlines()[1]
    (tmp_path / "sp.pop.grow.csv").write_text(text + first_row + "\n")
    with pytest.raises(DuplicateKeyError, match=r"SP.POP.GROW \('NPL', 2000\) appears 2"):
        mg.build_panel({"g": "SP.POP.GROW"}, WDIFiles(tmp_path))


# ------------------------------------------------------------ unknown countries
def test_unknown_countries_error_lists_close_matches(tmp_path: Path) -> None:
    path = _user_csv(tmp_path / "u.csv", [("Nepall", 2000, 1.0), ("Atlantis", 2000, 2.0),
                                          ("Bangladish", 2000, 3.0)])
    with pytest.raises(UnknownCountryError,
                       match=r"2 country name\(s\) not recognised: 'Atlantis'.*'Bangladish' "
                             r"\(closest: Bangladesh \(BGD\)"):
        _build(path)


def test_unknown_countries_dropped_are_counted(tmp_path: Path) -> None:
    path = _user_csv(tmp_path / "u.csv", [("Nepal", 2000, 1.0), ("Atlantis", 2000, 2.0),
                                          ("Atlantis", 2001, 2.0)])
    with pytest.warns(DroppedDataWarning, match=r"1 country name\(s\) not recognised: 2 values"):
        panel = _build(path, on_unknown="drop")
    assert panel.entities == ["NPL"]
    assert panel.metadata["build_report"]["countries_dropped"] == {
        "unknown name or UN region": ["Atlantis"]}


# ------------------------------------------------------------------- ".." cells
def test_dotdot_cells_are_missing_and_counted(tmp_path: Path) -> None:
    path = _user_csv(tmp_path / "m.csv", [("Nepal", 2000, ".."), ("Nepal", 2001, 2.0),
                                          ("Nepal", 2002, "")])
    panel = _build(path, years=(2000, 2002))
    assert panel["x"].isna().tolist() == [True, False, True]
    assert panel.metadata["build_report"]["missing_cells"] == {"x": 2}
    write_api(tmp_path, values(), "SP.POP.GROW", missing="..")
    assert WDIFiles(tmp_path / "API_SP.POP.GROW_DS2_en_csv_v2_1234.csv").fetch(
        ["SP.POP.GROW"]).values["value"].notna().all()


# ------------------------------------------------------------------ empty files
def test_empty_world_bank_files(tmp_path: Path) -> None:
    api = tmp_path / "API_SP.POP.GROW_DS2_en_csv_v2_1.csv"
    api.write_bytes(b"")
    with pytest.raises(DataError, match=r"API_SP.POP.GROW_DS2_en_csv_v2_1.csv is empty \(0 "):
        WDIFiles(api).fetch(["SP.POP.GROW"])
    bulk = tmp_path / "WDICSV.csv"
    bulk.write_bytes(b"")
    with pytest.raises(DataError, match=r"WDICSV.csv is empty"):
        WDIFiles(bulk).fetch(["SP.POP.GROW"])
    other = tmp_path / "sub"
    other.mkdir()
    (other / "notes.csv").write_bytes(b"")
    assert WDIFiles(other).skipped == [(str(other / "notes.csv"), "empty file")]


def test_empty_user_files(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(DataError, match=r"e.csv is empty \(0 bytes\)"):
        _build(tmp_path / "e.csv")
    (tmp_path / "h.csv").write_text("country,year,x\n")
    with pytest.raises(DataError, match=r"h.csv has a header but no rows"):
        _build(tmp_path / "h.csv")


# ----------------------------------------------------------------- wrong headers
def test_wrong_headers(tmp_path: Path) -> None:
    api = tmp_path / "API_SP.POP.GROW_DS2_en_csv_v2_1.csv"
    api.write_text('"Land","Code","1990"\n"Nepal","NPL","1.0"\n')
    with pytest.raises(DataError, match=r"no header line with 'Country Code' in the first 10 "
                                        r"lines; the file starts with '\"Land\",\"Code\""):
        WDIFiles(api).fetch(["SP.POP.GROW"])
    bulk = tmp_path / "WDIData.csv"
    bulk.write_text("Country,Code,Indicator,1990\nNepal,NPL,X,1\n")
    with pytest.raises(DataError, match=r"expected a World Bank bulk header with 'Country Code'"):
        WDIFiles(bulk).fetch(["X"])
    user = _user_csv(tmp_path / "u.csv", [("Nepal", 2000, 1.0)], header="nation,year,x")
    with pytest.raises(DataError, match=r"no entity column 'country'; the columns are "
                                        r"\['nation', 'year', 'x'\]"):
        _build(user)


def test_wrong_file_name_code(tmp_path: Path) -> None:
    text = api_text(values(), "SP.POP.GROW")
    (tmp_path / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv").write_text(text)
    with pytest.raises(DataError, match=r"file name says indicator NY.GDP.MKTP.CD but its "
                                        r"Indicator Code column holds \['SP.POP.GROW'\]"):
        WDIFiles(tmp_path).fetch(["NY.GDP.MKTP.CD"])


# ------------------------------------------------------------ non-numeric cells
def test_non_numeric_cells_are_located(tmp_path: Path) -> None:
    text = api_text(values(missing=0.0), "SP.POP.GROW").replace('"Nepal","NPL",', "@", 1)
    head, row = text.split("@", 1)
    cells = row.split(",")
    cells[3] = '"abc"'  # Indicator Name, Indicator Code, 2000, 2001: Nepal's 2001 cell
    (tmp_path / "API_SP.POP.GROW_DS2_en_csv_v2_1.csv").write_text(
        head + '"Nepal","NPL",' + ",".join(cells))
    with pytest.raises(DataError, match=r"1 non-numeric value\(s\) where numbers were "
                                        r"expected, e.g. NPL 2001: 'abc'"):
        WDIFiles(tmp_path).fetch(["SP.POP.GROW"])
    bulk = tmp_path / "b" / "WDICSV.csv"
    bulk.parent.mkdir()
    bulk.write_text(wdicsv_text(values(missing=0.0)).replace(
        '"Nepal","NPL","Population growth (annual %)","SP.POP.GROW","',
        '"Nepal","NPL","Population growth (annual %)","SP.POP.GROW","n.a.', 1))
    with pytest.raises(DataError, match=r"WDICSV.csv: non-numeric value\(s\) .*"
                                        r"NPL SP.POP.GROW 2000: 'n.a.\d"):
        WDIFiles(bulk, cache=False).fetch(["SP.POP.GROW"])
    user = _user_csv(tmp_path / "u.csv", [("Nepal", 2000, 1.0), ("Nepal", 2001, "1,5")])
    user.write_text('country,year,x\nNepal,2000,1.0\nNepal,2001,"1,5"\n')
    with pytest.raises(DataError, match=r"column 'x' has 1 non-numeric cell\(s\), e.g. '1,5' "
                                        r"for 'Nepal' \(row 3\)"):
        _build(user)


# ------------------------------------------------------------- years as strings
def test_years_as_strings(tmp_path: Path) -> None:
    ok = _user_csv(tmp_path / "y.csv", [("Nepal", "YR2000", 1.0), ("Nepal", " 2001", 2.0)])
    assert _build(ok).times == [2000, 2001]
    bad = _user_csv(tmp_path / "b.csv", [("Nepal", "FY2000", 1.0)])
    with pytest.raises(DataError, match=r"time column 'year' are not years, e.g. 'FY2000' "
                                        r"\(row 2\)"):
        _build(bad)
    text = long_text(values(), "SP.POP.GROW").replace(",2003,", ",2003a,", 1)
    (tmp_path / "sp.pop.grow.csv").write_text(text)
    with pytest.raises(DataError, match=r"'Year' value\(s\) are not years, e.g. '2003a'"):
        WDIFiles(tmp_path / "sp.pop.grow.csv").fetch(["SP.POP.GROW"])
    frame = pd.DataFrame({"c": ["A", "A"], "t": ["2000", "2001"], "x": [1.0, 2.0]})
    panel = mg.Panel.from_frame(frame, entity="c", time="t")
    assert panel.metadata["conversions"] == ["t: 2 year(s) given as text converted to integers"]


# --------------------------------------------------------- non-positive to log
def test_non_positive_values_to_log(tmp_path: Path) -> None:
    path = _user_csv(tmp_path / "l.csv", [("Nepal", 2000, 1.0), ("Nepal", 2001, 0.0),
                                          ("Nepal", 2002, -1.0)])
    panel = _build(path)
    with pytest.raises(DataError, match=r"log\(x\): 2 value\(s\) are zero or negative, e.g. "
                                        r"0.0 at \('NPL', 2001\); pass on_nonpositive=\"nan\""):
        panel.transform(log=["x"])
    with pytest.warns(DroppedDataWarning, match=r"log\(x\): 2 non-positive value\(s\)"):
        out = panel.transform(log=["x"], on_nonpositive="nan")
    assert int(out["log_x"].isna().sum()) == 2


# ------------------------------------------------------------------ bad options
@pytest.mark.parametrize(("kwargs", "message"), [
    ({"frequency": "monthly"}, "frequency must be 'annual' or 'Ny'"),
    ({"years": (2022, 1990)}, r"years must be \(first, last\)"),
    ({"countries": "poor"}, "countries must be 'developing', 'all', None or a list"),
    ({"derive": "always"}, "derive must be 'auto' or 'never'"),
])
def test_bad_options_list_the_valid_ones(tmp_path: Path, kwargs: dict[str, object],
                                         message: str) -> None:
    path = _user_csv(tmp_path / "o.csv", [("Nepal", 2000, 1.0)])
    with pytest.raises(DataError, match=message):
        _build(path, **kwargs)


def test_missing_source_and_missing_indicators(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="build_panel needs a source"):
        mg.build_panel(["x"])
    (tmp_path / "sp.pop.grow.csv").write_text(long_text(values(), "SP.POP.GROW"))
    with pytest.raises(SourceError, match=r"1 indicator\(s\) not found .*internet "
                                          r"\(IT.NET.USER.ZS\)"):
        mg.build_panel({"g": "SP.POP.GROW", "internet": "IT.NET.USER.ZS"}, WDIFiles(tmp_path))
    with pytest.raises(SourceError, match=r"not found: .*nowhere"):
        WDIFiles(tmp_path / "nowhere")
    with pytest.raises(DataError, match="unknown indicator set 'remitances'"):
        mg.build_panel("remitances", WDIFiles(tmp_path))
    assert np.isfinite(mg.build_panel({"g": "SP.POP.GROW"}, WDIFiles(tmp_path))["g"]).any()
