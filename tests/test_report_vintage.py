"""mg.vintage_diff / `migecon diff`: two WDI vintages compared cell by cell.

The expected counts are computed here with the csv module from the raw files,
with the countries taken from the World Bank's own country metadata (economies
have a Region; aggregates do not), independently of migecon's country tables.
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.cli import main
from migecon.errors import DataError, SourceError

CODE = "BX.TRF.PWKR.CD.DT"


def _load(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {(r["Country Code"], int(r["Year"])): float(r["Value"])
                for r in csv.DictReader(fh)}


def test_remittance_revisions_2018_to_2026(shared_data, tmp_path) -> None:
    meta = next((shared_data / "wdi" / "bulk").glob("Metadata_Country_*.csv"))
    with open(meta, encoding="utf-8-sig", newline="") as fh:
        countries = {r["Country Code"] for r in csv.DictReader(fh) if r["Region"]}
    old = {k: v for k, v in _load(shared_data / "wdi" / "vintage2018" /
                                  "bx.trf.pwkr.cd.dt.csv").items() if k[0] in countries}
    new = {k: v for k, v in _load(shared_data / "wdi" / "long" /
                                  "bx.trf.pwkr.cd.dt.csv").items() if k[0] in countries}
    both = old.keys() & new.keys()
    moved = sum(1 for k in both if old[k] != 0 and abs(new[k] - old[k]) / abs(old[k]) > 0.01)
    d = mg.vintage_diff(shared_data / "wdi" / "vintage2018", shared_data / "wdi" / "long",
                        codes=[CODE], out=tmp_path)
    row = d.by_indicator.loc[CODE]
    assert (row["compared"], row["moved"]) == (len(both), moved)
    assert (row["added"], row["dropped"]) == (len(new.keys() - old.keys()),
                                              len(old.keys() - new.keys()))
    kaz = d.cells.set_index(["code", "iso3", "year"]).loc[(CODE, "KAZ", 2016)]
    assert (kaz["old"], kaz["new"]) == (old[("KAZ", 2016)], new[("KAZ", 2016)])
    assert kaz["pct_change"] == pytest.approx(
        (new[("KAZ", 2016)] - old[("KAZ", 2016)]) / old[("KAZ", 2016)] * 100, rel=1e-12)
    biggest = max(both, key=lambda k: abs(new[k] - old[k]))
    assert tuple(d.largest.iloc[0][["iso3", "year"]]) == biggest
    assert d.aggregates_excluded > 0 and "aggregates" in d.summary()
    assert d.files["figure"].is_file() and d.files["table"].is_file()
    assert "2026-07-01" in d.labels[1]


def test_diff_command_line(shared_data, tmp_path, capsys) -> None:
    code = main(["diff", str(shared_data / "wdi" / "vintage2018"),
                 str(shared_data / "wdi" / "long"), "--codes", CODE, "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "moved" in out and (tmp_path / "vintage_diff.png").is_file()


def test_small_frames_and_bad_input() -> None:
    old = pd.DataFrame({"code": "X", "iso3": ["KAZ", "KAZ", "NPL", "WLD"],
                        "year": [2016, 2017, 2016, 2016], "value": [0.0, 200.0, 50.0, 9.0]})
    new = pd.DataFrame({"code": "X", "iso3": ["KAZ", "KAZ", "UZB"],
                        "year": [2016, 2017, 2016], "value": [0.0, 201.0, 3.0]})
    d = mg.vintage_diff(old, new)
    assert d.by_indicator.loc["X"].to_dict() == {
        "compared": 2, "moved": 0, "share_moved": 0.0, "median_abs_pct": 0.25, "added": 1,
        "dropped": 1}
    assert d.aggregates_excluded == 1
    strict = mg.vintage_diff(old, new, threshold=0.4, countries_only=False)
    assert strict.by_indicator.loc["X", "moved"] == 1
    assert np.isnan(strict.cells.set_index("iso3").loc["WLD", "new"])
    with pytest.raises(DataError, match="share no indicator"):
        mg.vintage_diff(old, new.assign(code="Y"))
    with pytest.raises(DataError, match="lacks column"):
        mg.vintage_diff(old.drop(columns="value"), new)
    with pytest.raises(DataError, match="repeated"):
        mg.vintage_diff(pd.concat([old, old]), new)
    with pytest.raises(DataError, match="threshold"):
        mg.vintage_diff(old, new, threshold=-1)
    with pytest.raises(SourceError, match="not found"):
        mg.vintage_diff("/nonexistent/old", new)
