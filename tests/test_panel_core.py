"""Panel: validation, coverage, balanced, subset, xtsum-style describe, parquet and Stata I/O."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import DataError, DuplicateKeyError
from migecon.panel.core import VariableMeta
from migecon.panel.stata import stata_names


def _panel() -> mg.Panel:
    df = pd.DataFrame({"iso3": ["NPL", "NPL", "NPL", "SLV", "SLV", "TJK"],
                       "year": [2000, 2001, 2002, 2000, 2002, 2001],
                       "remit": [1.0, 2.0, 3.0, 4.0, 6.0, np.nan],
                       "growth": [0.5, np.nan, 1.5, 2.0, 2.0, 3.0]})
    meta = {"remit": VariableMeta("Personal remittances, received", "% of GDP",
                                  "World Bank WDI", "BX.TRF.PWKR.DT.GD.ZS", "2026-07-01")}
    return mg.Panel.from_frame(df, entity="iso3", time="year", variables=meta,
                               metadata={"source": "test"})


@pytest.mark.parametrize(("how", "expected"), [("first", 1.0), ("last", 3.0), ("mean", 2.0)])
def test_duplicates_resolved_on_request_and_recorded(how: str, expected: float) -> None:
    df = pd.DataFrame({"c": ["A", "A", "B"], "t": [2000, 2000, 2000], "x": [1.0, 3.0, 5.0]})
    panel = mg.Panel.from_frame(df, entity="c", time="t", on_duplicate=how)  # type: ignore
    assert panel["x"].loc[("A", 2000)] == expected
    assert panel.metadata["conversions"] == [
        f"1 duplicate (c, t) row(s) combined with on_duplicate={how!r}"]


def test_duplicate_error_shows_examples_counts_and_options() -> None:
    df = pd.DataFrame({"c": ["A", "A", "A", "B", "B"], "t": [2000] * 3 + [2001] * 2,
                       "x": 1.0})
    with pytest.raises(DuplicateKeyError,
                       match=r"2 duplicate \(c, t\) key\(s\), e.g. \('A', 2000\) appears 3 "
                             r"times, \('B', 2001\) appears 2 times.*on_duplicate"):
        mg.Panel.from_frame(df, entity="c", time="t")


@pytest.mark.parametrize(("years", "message"), [
    ([2000.5, 2001], "have fractions"),
    ([pd.Period("2000Q1", freq="Q"), pd.Period("2000-02", freq="M")],
     r"Periods of mixed frequencies: Q-DEC \(1 rows\), M \(1 rows\)"),
    ([True, False], "True/False values"),
    (["2000", "FY01"], r"1 value\(s\) are not numbers, e.g. 'FY01'"),
])
def test_bad_years_are_reported(years: list[object], message: str) -> None:
    df = pd.DataFrame({"c": ["A", "A"], "t": years, "x": [1.0, 2.0]})
    with pytest.raises(DataError, match=message):
        mg.Panel.from_frame(df, entity="c", time="t")


def test_text_years_numbers_and_mixed_entities_are_converted_and_recorded() -> None:
    df = pd.DataFrame({"c": ["A", 7], "t": ["2000", " 2001"], "x": ["1.5", 2.0]})
    panel = mg.Panel.from_frame(df, entity="c", time="t")
    assert panel.times == [2000, 2001] and panel.entities == ["7", "A"]
    assert panel["x"].tolist() == [2.0, 1.5]
    assert panel.metadata["conversions"] == [
        "t: 2 year(s) given as text converted to integers",
        "c: mixed types (int, str) converted to text",
        "x: 1 number(s) given as text converted"]


def test_infinite_values_and_missing_keys_are_errors() -> None:
    df = pd.DataFrame({"c": ["A", "B"], "t": [2000, 2000], "x": [np.inf, 1.0]})
    with pytest.raises(DataError, match=r"'x' has 1 infinite value"):
        mg.Panel.from_frame(df, entity="c", time="t")
    with pytest.raises(DataError, match=r"column\(s\) \['year'\] not found"):
        mg.Panel.from_frame(df, entity="c", time="year")
    df = pd.DataFrame({"c": ["A", None], "t": [2000, 2000], "x": [1.0, 1.0]})
    with pytest.raises(DataError, match=r"1 row\(s\) have a missing entity"):
        mg.Panel.from_frame(df, entity="c", time="t")


def test_coverage_by_variable_year_and_by_country() -> None:
    panel = _panel()
    by_year = panel.coverage("year")
    # remit: 2000 observed for NPL and SLV out of 3 countries; 2001 NPL only (TJK NaN)
    assert by_year.loc["remit", 2000] == pytest.approx(2 / 3)
    assert by_year.loc["remit", 2001] == pytest.approx(1 / 3)
    by_country = panel.coverage("country")
    assert by_country.loc["SLV", "remit"] == pytest.approx(2 / 3)  # 2 of 3 years
    assert by_country.loc["TJK", "growth"] == pytest.approx(1 / 3)
    with pytest.raises(DataError, match="by must be 'year' or 'country'"):
        panel.coverage("variable")  # type: ignore[arg-type]


def test_balanced_subset_and_to_frame() -> None:
    panel = _panel()
    balanced = panel.balanced(["remit"])
    assert balanced.entities == ["NPL"]
    assert balanced.metadata["balanced"]["entities_dropped"] == ["SLV", "TJK"]
    assert balanced.metadata["balanced"]["rows_dropped"] == 3
    sub = panel.subset(countries=["NPL", "TJK"], years=(2001, 2002))
    assert sub.to_frame()[["iso3", "year"]].values.tolist() == [
        ["NPL", 2001], ["NPL", 2002], ["TJK", 2001]]
    assert panel.subset(years=[2000]).nobs == 2
    assert sub.variables["remit"].code == "BX.TRF.PWKR.DT.GD.ZS"


def test_describe_matches_stata_xtsum_definitions() -> None:
    panel = _panel()
    row = panel.describe(["remit"]).loc["remit"]
    x = {"NPL": [1.0, 2.0, 3.0], "SLV": [4.0, 6.0]}
    values = [v for vs in x.values() for v in vs]
    mean = sum(values) / 5  # 3.2
    overall = math.sqrt(sum((v - mean) ** 2 for v in values) / 4)
    means = [2.0, 5.0]
    between = math.sqrt(sum((m - 3.5) ** 2 for m in means) / 1)
    within_values = [v - m + mean for vs, m in zip(x.values(), means, strict=True) for v in vs]
    within = math.sqrt(sum((w - mean) ** 2 for w in within_values) / 4)
    assert row["mean"] == pytest.approx(mean)
    assert row["sd_overall"] == pytest.approx(overall)
    assert row["sd_between"] == pytest.approx(between)
    assert row["sd_within"] == pytest.approx(within)
    assert (row["N"], row["n"], row["T_bar"]) == (5, 2, 2.5)
    assert (row["min"], row["max"]) == (1.0, 6.0)


def test_parquet_round_trip_keeps_metadata(tmp_path: Path) -> None:
    panel = _panel().transform(interpolate=["growth"])  # NPL 2001 lies inside a gap
    path = tmp_path / "p.parquet"
    panel.to_parquet(str(path))
    back = mg.Panel.read_parquet(str(path))
    pd.testing.assert_frame_equal(back.data, panel.data)
    assert back.variables == panel.variables
    assert back.metadata["transform_counts"] == {"interpolated": {"growth": 1}}
    assert back.variables["growth"].history[-1].startswith("interpolate(growth, linear")


def test_to_stata_writes_labels_and_valid_names(tmp_path: Path) -> None:
    long_label = "A label that is much longer than Stata's limit of eighty characters " * 2
    panel = _panel().with_columns(
        {"L1.remit": _panel()["remit"], "in": _panel()["growth"]},
        {"L1.remit": VariableMeta(long_label), "in": VariableMeta("growth again")})
    path = tmp_path / "p.dta"
    out = panel.to_stata(str(path))
    assert out["renamed"] == {"L1.remit": "L1_remit", "in": "in_"}
    assert out["labels_shortened"] == ["L1.remit"]
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
        frame = reader.read()  # type: ignore[attr-defined]
    assert labels["remit"] == "Personal remittances, received (% of GDP)"
    assert len(labels["L1_remit"]) <= 80 and labels["L1_remit"].endswith("...")
    assert list(frame.columns) == ["iso3", "year", "remit", "growth", "L1_remit", "in_"]
    np.testing.assert_allclose(frame["remit"], panel["remit"].to_numpy(), equal_nan=True)


def test_stata_names_are_distinct_and_short() -> None:
    names = stata_names(["x" * 40, "x" * 41, "2x", "a b"])
    assert all(len(v) <= 32 for v in names.values())
    assert len(set(names.values())) == 4
    assert names["2x"] == "_2x" and names["a b"] == "a_b"
