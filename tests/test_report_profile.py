"""The country profile (mg.country_profile, `migecon profile`) written from ../shared/data.

Expected figures come from the raw files read with the csv module: Kazakhstan in
the 2017 KNOMAD matrix received US$355.00 million (WORLD row) and paid
US$2,892.14 million (sum of its sender column); UN DESA IMS 2020 counts
4,203,899 Kazakh emigrants and 3,732,073 immigrants in 2020.
"""

from __future__ import annotations

import csv

import pytest

import migecon as mg
from migecon.cli import main
from migecon.errors import SourceError


def _raw_matrix(path):
    paid = 0.0
    received = None
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["source"] == "Kazakhstan":
                paid += float(row["total_mdollars"])
            if row["target"] == "Kazakhstan" and row["source"] == "WORLD":
                received = float(row["total_mdollars"])
    return paid, received


@pytest.mark.slow
def test_kazakhstan_profile_from_shared_data(shared_data, tmp_path) -> None:
    paid, received = _raw_matrix(shared_data / "bilateral_remittances" /
                                 "remittances_matrix.csv")
    p = mg.country_profile("KAZ", data=shared_data, out=tmp_path)
    assert p.matrix_position["paid_usd"] == pytest.approx(paid * 1e6, rel=1e-12)
    assert p.matrix_position["received_usd"] == pytest.approx(received * 1e6, rel=1e-12)
    assert "net sender" in p.headline()
    assert "2,892" in p.headline() and "355" in p.headline()
    assert p.corridors_sent["usd_millions"].iloc[0] == 1713.13
    assert p.corridors_received["partner"].iloc[0] == "RUS"
    assert p.stocks.loc[2020, "emigrants"] == 4203899
    assert p.stocks.loc[2020, "immigrants"] == 3732073
    assert p.top_destinations["partner"].tolist()[:2] == ["RUS", "DEU"]
    # WDI: received in 2024 (raw long file), and % of GDP from the two WDI series
    with open(shared_data / "wdi" / "long" / "bx.trf.pwkr.cd.dt.csv", encoding="utf-8-sig") as fh:
        raw = {int(r["Year"]): float(r["Value"]) for r in csv.DictReader(fh)
               if r["Country Code"] == "KAZ"}
    assert p.remittances.loc[2024, "received_usd"] == raw[2024]
    for key in ("remittances", "corridors", "migrants", "growth", "markdown", "html"):
        assert p.files[key].is_file() and p.files[key].stat().st_size > 1000, key
    md = p.files["markdown"].read_text(encoding="utf-8")
    assert "vintage 2026-07-01" in md and "KNOMAD" in md and "International Migrant Stock" in md
    assert "kaz_corridors.png" in md
    html = p.files["html"].read_text(encoding="utf-8")
    assert "<table>" in html and "kaz_migrants.png" in html


@pytest.mark.slow
def test_profile_command_line(shared_data, tmp_path, capsys) -> None:
    code = main(["profile", "Kazakhstan", "--data", str(shared_data), "--out",
                 str(tmp_path / "kaz"), "--format", "svg"])
    assert code == 0
    out = capsys.readouterr().out
    assert "net sender" in out and (tmp_path / "kaz" / "kaz_corridors.svg").is_file()


def test_profile_bad_input(tmp_path, capsys) -> None:
    with pytest.raises(SourceError, match="not found"):
        mg.country_profile("KAZ", data=tmp_path / "nowhere")
    with pytest.raises(SourceError, match="no WDI files"):
        mg.country_profile("KAZ", data=tmp_path)
    assert main(["profile", "KAZ", "--data", str(tmp_path / "nowhere"), "--out",
                 str(tmp_path / "o")]) == 1
    assert "not found" in capsys.readouterr().err
