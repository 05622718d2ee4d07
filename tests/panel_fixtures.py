"""Small synthetic World Bank files in every format, for the panel-builder tests.

The values are random but fixed (seeded); every writer lays out the same
numbers in a different World Bank format, so that panels built from them must
be identical. Numbers are written with ``repr`` so they survive the round trip
exactly.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

YEARS = list(range(2000, 2008))
ECONOMIES = [("Nepal", "NPL"), ("El Salvador", "SLV"), ("Tajikistan", "TJK"),
             ("Korea, Rep.", "KOR"), ("World", "WLD"), ("Low & middle income", "LMY"),
             ("Sub-Saharan Africa", "SSF")]
COUNTRIES = ["KOR", "NPL", "SLV", "TJK"]
AGGREGATES = ["LMY", "SSF", "WLD"]
INDICATORS = {
    "BX.TRF.PWKR.CD.DT": "Personal remittances, received (current US$)",
    "NY.GDP.MKTP.CD": "GDP (current US$)",
    "SP.POP.GROW": "Population growth (annual %)",
}
SCALE = {"BX.TRF.PWKR.CD.DT": 1e9, "NY.GDP.MKTP.CD": 1e11, "SP.POP.GROW": 1.0}


def values(seed: int = 0, missing: float = 0.2) -> pd.DataFrame:
    """Long values: code, name, iso3, year, value (NaN where missing)."""
    rng = np.random.default_rng(seed)
    rows = []
    for code in INDICATORS:
        for name, iso3 in ECONOMIES:
            for year in YEARS:
                value = float(np.round(SCALE[code] * rng.lognormal(0, 0.5), 4))
                if rng.random() < missing:
                    value = float("nan")
                rows.append({"code": code, "name": name, "iso3": iso3, "year": year,
                             "value": value})
    return pd.DataFrame(rows)


def _cell(value: float, missing: str) -> str:
    return missing if value != value else repr(value)


def _wide_rows(frame: pd.DataFrame, missing: str) -> list[list[str]]:
    rows = []
    for (code, name, iso3), part in frame.groupby(["code", "name", "iso3"], sort=False):
        by_year = dict(zip(part["year"], part["value"], strict=True))
        rows.append([name, iso3, INDICATORS[str(code)], str(code),
                     *[_cell(by_year.get(y, float("nan")), missing) for y in YEARS]])
    return rows


def api_text(frame: pd.DataFrame, code: str, *, preamble: bool = True, missing: str = "",
             trailing_comma: bool = True) -> str:
    """The per-indicator bulk CSV ``API_<code>_DS2_...csv`` as the World Bank writes it."""
    out = io.StringIO()
    end = "," if trailing_comma else ""
    if preamble:
        out.write('"Data Source","World Development Indicators",\n\n'
                  '"Last Updated Date","2025-12-19",\n\n')
    header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code",
              *[str(y) for y in YEARS]]
    out.write(",".join(f'"{h}"' for h in header) + end + "\n")
    for row in _wide_rows(frame[frame["code"] == code], missing):
        out.write(",".join(f'"{c}"' for c in row) + end + "\n")
    return out.getvalue()


def write_api(folder: Path, frame: pd.DataFrame, code: str, *, bom: bool = True,
              **kwargs: object) -> Path:
    path = folder / f"API_{code}_DS2_en_csv_v2_1234.csv"
    text = api_text(frame, code, **kwargs)  # type: ignore[arg-type]
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def wdicsv_text(frame: pd.DataFrame, *, quote_all: bool = True, trailing_comma: bool = False,
                shuffle: bool = False) -> str:
    """The all-indicator ``WDICSV.csv`` (economy-major rectangle, empty = missing)."""
    ordered = frame.assign(indicator=frame["code"].map(INDICATORS)).sort_values(
        ["name", "indicator", "year"], kind="stable")
    rows = _wide_rows(ordered, "")
    if shuffle:
        rng = np.random.default_rng(5)
        rows = [rows[i] for i in rng.permutation(len(rows))]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                        lineterminator="\n")
    end = [""] if trailing_comma else []
    writer.writerow(["Country Name", "Country Code", "Indicator Name", "Indicator Code",
                     *[str(y) for y in YEARS], *end])
    for row in rows:
        writer.writerow([*row, *end])
    return out.getvalue()


def long_text(frame: pd.DataFrame, code: str, *, with_code: bool = False) -> str:
    """Long ``Country Name, Country Code, Year, Value`` (non-missing rows only)."""
    part = frame[(frame["code"] == code) & frame["value"].notna()]
    out = pd.DataFrame({"Country Name": part["name"], "Country Code": part["iso3"],
                        "Year": part["year"], "Value": part["value"].map(repr)})
    if with_code:
        out.insert(2, "Indicator Code", code)
    return out.to_csv(index=False)


def all_long_text(frame: pd.DataFrame) -> str:
    """One long file holding every indicator, with an Indicator Code column."""
    texts = [long_text(frame, code, with_code=True) for code in INDICATORS]
    return texts[0] + "".join(text.split("\n", 1)[1] for text in texts[1:])


def databank_text(frame: pd.DataFrame) -> str:
    """A DataBank export: Series Code, '2000 [YR2000]' columns, '..' for missing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Country Name", "Country Code", "Series Name", "Series Code",
                     *[f"{y} [YR{y}]" for y in YEARS]])
    for row in _wide_rows(frame, ".."):
        name, iso3, label, code, *cells = row
        writer.writerow([name, iso3, label, code, *cells])
    return out.getvalue()


def metadata_text() -> str:
    """``Metadata_Country_*.csv``: aggregates have an empty Region."""
    groups = {"NPL": "Lower middle income", "SLV": "Upper middle income",
              "TJK": "Lower middle income", "KOR": "High income"}
    lines = ["Country Code,Region,IncomeGroup,SpecialNotes,TableName"]
    for name, iso3 in ECONOMIES:
        region = "" if iso3 in AGGREGATES else "Somewhere"
        lines.append(f'{iso3},{region},{groups.get(iso3, "")},,"{name}"')
    return "\n".join(lines) + "\n"


def zip_files(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path
