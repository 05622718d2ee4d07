"""Remittance corridors from the World Bank/KNOMAD bilateral matrix.

The expected figures are sums of the raw CSV cells, read with the csv module
(not with the code under test). Kazakhstan, 2017: paid US$2,892.14 million
(sum of its sender column), received US$355.00 million (its WORLD row).
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pandas as pd
import pytest

import migecon as mg
from migecon.errors import DataError, DroppedDataWarning, UnknownCountryError


@pytest.fixture(scope="module")
def matrix_path(shared_data):
    path = shared_data / "bilateral_remittances" / "remittances_matrix.csv"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return path


def _raw(path):
    sent, received = defaultdict(float), defaultdict(float)
    world = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            v = float(row["total_mdollars"])
            if row["source"] == "WORLD":
                world[row["target"]] = v
            else:
                sent[(row["source"], row["target"])] += v
                received[(row["target"], row["source"])] += v
    return sent, received, world


def test_kazakhstan_corridors_equal_sums_of_the_raw_matrix(matrix_path) -> None:
    sent, received, world = _raw(matrix_path)
    raw_paid = sum(v for (s, _), v in sent.items() if s == "Kazakhstan")
    raw_received = sum(v for (t, _), v in received.items() if t == "Kazakhstan")
    assert raw_paid == pytest.approx(2892.14, abs=1e-6)
    assert world["Kazakhstan"] == 355.00
    m = mg.sources.RemittanceMatrix(matrix_path)
    out = mg.corridors(m, "KAZ", side="sent", top=None)
    assert out["usd_millions"].sum() == pytest.approx(raw_paid, rel=1e-12)
    assert out.attrs["total_usd_millions"] == pytest.approx(raw_paid, rel=1e-12)
    top = mg.corridors(m, "Kazakhstan", side="sent", top=3)
    assert top["partner"].tolist() == ["RUS", "DEU", "UKR"]
    assert top["usd_millions"].tolist() == [sent[("Kazakhstan", "Russian Federation")],
                                            sent[("Kazakhstan", "Germany")],
                                            sent[("Kazakhstan", "Ukraine")]]
    assert top["share"].iloc[0] == pytest.approx(1713.13 / raw_paid, rel=1e-12)
    inflows = mg.corridors(m, "KAZ", side="received", top=None)
    assert inflows["usd_millions"].sum() == pytest.approx(raw_received, rel=1e-12)
    assert inflows.iloc[0]["partner_name"] == "Russian Federation"
    assert float(m.totals["KAZ"]) == 355.00
    assert out["share"].sum() == pytest.approx(1.0, abs=1e-12)


def test_every_sender_total_equals_its_raw_column_sum(matrix_path) -> None:
    sent, _, _ = _raw(matrix_path)
    by_sender = defaultdict(float)
    for (s, _), v in sent.items():
        by_sender[s] += v
    m = mg.sources.RemittanceMatrix(matrix_path)
    paid = m.paid_totals()
    assert m.report["unknown_rows_dropped"] == 0
    assert set(paid.index) >= {"KAZ", "USA", "RUS"}
    assert paid.sum() == pytest.approx(sum(by_sender.values()), rel=1e-12)
    assert float(paid["USA"]) == pytest.approx(by_sender["United States"], rel=1e-12)


def test_sender_weights_sum_to_one(matrix_path) -> None:
    w = mg.sender_weights(matrix_path)
    sums = w.data.groupby("home")["weight"].sum()
    assert (sums - 1).abs().max() < 1e-12
    kaz = w.data[w.data["home"] == "KAZ"].set_index("host")["weight"]
    assert kaz["RUS"] == pytest.approx(1713.13 / 2892.14, rel=1e-9)


def test_unknown_names_are_counted_and_dropped() -> None:
    frame = pd.DataFrame({
        "target": ["Nepal", "Nepal", "Nepal", "Atlantis", "Nepal"],
        "source": ["WORLD", "Qatar", "India", "Qatar", "Lemuria"],
        "total_mdollars": [20.0, 6.0, 4.0, 2.0, 1.0]})
    with pytest.raises(UnknownCountryError, match="Atlantis"):
        mg.sources.RemittanceMatrix(frame)
    with pytest.warns(DroppedDataWarning, match=r"2 unknown name\(s\).*dropped 2 of 5"):
        m = mg.sources.RemittanceMatrix(frame, on_unknown="drop")
    assert m.report["unknown_names"] == ["Atlantis", "Lemuria"]
    assert m.report["unknown_rows_dropped"] == 2
    assert m.flows["usd_millions"].sum() == 10.0


def test_country_without_corridors_and_bad_options() -> None:
    frame = pd.DataFrame({"target": ["Nepal", "Nepal"], "source": ["Qatar", "India"],
                          "total_mdollars": [6.0, 4.0]})
    with pytest.raises(DataError, match=r"QAT .*no received corridors.*1 corridor"):
        mg.corridors(frame, "Qatar", side="received")
    with pytest.raises(DataError, match="neither side"):
        mg.corridors(frame, "KAZ", side="sent")
    with pytest.raises(DataError, match="side must be"):
        mg.corridors(frame, "NPL", side="paid")
    with pytest.raises(DataError, match="top must be"):
        mg.corridors(frame, "NPL", side="received", top=0)
    with pytest.raises(DataError, match="negative"):
        mg.sources.RemittanceMatrix(frame.assign(total_mdollars=[-1.0, 4.0]))
    with pytest.raises(DataError, match="lacks column"):
        mg.sources.RemittanceMatrix(frame.drop(columns="source"))
