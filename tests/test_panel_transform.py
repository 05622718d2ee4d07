"""Transforms: gaps respected, period averages, interpolation flagged, winsorising, ratios."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import migecon as mg
from migecon.errors import DataError, DroppedDataWarning
from migecon.panel import transform as tr

PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def panels(draw: st.DrawFn) -> pd.DataFrame:
    """A small unbalanced panel with gaps: entity, year, x (some NaN)."""
    rows = []
    for entity in draw(st.lists(st.sampled_from(["AAA", "BBB", "CCC", "DDD"]), min_size=1,
                                max_size=4, unique=True)):
        years = draw(st.lists(st.integers(1990, 2010), min_size=1, max_size=12, unique=True))
        for year in years:
            value = draw(st.one_of(st.none(), st.floats(-100, 100, allow_nan=False)))
            rows.append({"c": entity, "t": year,
                         "x": np.nan if value is None else value})
    return pd.DataFrame(rows)


@PROPERTY
@given(frame=panels(), seed=st.integers(0, 10_000))
def test_shuffling_rows_does_not_change_the_panel(frame: pd.DataFrame, seed: int) -> None:
    a = mg.Panel.from_frame(frame, entity="c", time="t")
    b = mg.Panel.from_frame(frame.sample(frac=1, random_state=seed), entity="c", time="t")
    pd.testing.assert_frame_equal(a.data, b.data)
    assert a.content_hash() == b.content_hash()


@PROPERTY
@given(frame=panels(), k=st.integers(1, 3))
def test_lags_and_leads_look_up_the_calendar_year(frame: pd.DataFrame, k: int) -> None:
    panel = mg.Panel.from_frame(frame, entity="c", time="t")
    lookup = {(r.c, r.t): r.x for r in frame.itertuples()}
    lagged = tr.lag(panel["x"], k)
    led = tr.lead(panel["x"], k)
    for (entity, year), value in lagged.items():
        expected = lookup.get((entity, year - k), np.nan)
        assert value == expected or (np.isnan(value) and np.isnan(expected))
    for (entity, year), value in led.items():
        expected = lookup.get((entity, year + k), np.nan)
        assert value == expected or (np.isnan(value) and np.isnan(expected))


@PROPERTY
@given(frame=panels(), width=st.integers(2, 6), min_obs=st.integers(1, 2))
def test_period_averages_equal_a_direct_group_by(frame: pd.DataFrame, width: int,
                                                 min_obs: int) -> None:
    panel = mg.Panel.from_frame(frame, entity="c", time="t")
    with warnings.catch_warnings():  # thin periods are warned about (tested below)
        warnings.simplefilter("ignore", DroppedDataWarning)
        out = panel.transform(average=width, min_obs=min_obs)
    first = int(frame["t"].min())
    direct = frame.assign(period=first + (frame["t"] - first) // width * width)
    grouped = direct.groupby(["c", "period"])["x"]
    expected = grouped.mean().where(grouped.count() >= min_obs)
    got = out["x"]
    assert len(got) == len(expected)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-12)
    assert out.metadata["frequency"] == f"{width}y"


def test_average_labels_periods_and_counts_thin_periods() -> None:
    df = pd.DataFrame({"c": "A", "t": range(1990, 2003), "x": [1.0] * 10 + [np.nan, 2.0, 3.0]})
    with pytest.warns(DroppedDataWarning, match="min_obs=3"):
        out = mg.Panel.from_frame(df, entity="c", time="t").transform(average=5, min_obs=3)
    assert out.metadata["periods"] == {"1990": "1990-1994", "1995": "1995-1999",
                                       "2000": "2000-2002"}
    assert out["x"].tolist() == [1.0, 1.0, np.nan] or np.isnan(out["x"].iloc[2])
    assert out["x"].iloc[:2].tolist() == [1.0, 1.0]
    assert out.metadata["period_cells_below_min_obs"] == {"x": 1}  # 2000-02 has 2 of 3
    assert out.variables["x"].history[-1] == "5-year average (min_obs=3)"
    with pytest.raises(DataError, match="min_obs must be between 1 and the width"):
        mg.Panel.from_frame(df, entity="c", time="t").transform(average=5, min_obs=6)


def test_interpolation_fills_inside_gaps_only_and_flags() -> None:
    # Migrant stocks are five-yearly: 1990, 1995, 2000; nothing after 2000.
    years = list(range(1988, 2003))
    stock = {1990: 100.0, 1995: 200.0, 2000: 400.0}
    df = pd.DataFrame({"c": "A", "t": years, "stock": [stock.get(y, np.nan) for y in years]})
    panel = mg.Panel.from_frame(df, entity="c", time="t")
    out = panel.transform(interpolate=["stock"])
    filled = out["stock"].droplevel(0)
    assert np.isnan(filled[1988]) and np.isnan(filled[1989])  # before the first: no
    assert np.isnan(filled[2001]) and np.isnan(filled[2002])  # after the last: no
    assert filled[1992] == pytest.approx(140.0) and filled[1997] == pytest.approx(280.0)
    flags = out["stock_interpolated"].droplevel(0)
    assert int(flags.sum()) == 8 and flags[1990] == 0 and flags[1991] == 1
    assert out.metadata["transform_counts"]["interpolated"] == {"stock": 8}
    assert "8 filled" in out.variables["stock"].history[-1]
    log_out = panel.transform(interpolate=["stock"], interpolate_method="log")
    assert log_out["stock"].droplevel(0)[1991] == pytest.approx(100.0 * 2 ** 0.2)


def test_interpolation_max_gap_and_time_weights() -> None:
    idx = pd.MultiIndex.from_tuples([("A", 2000), ("A", 2001), ("A", 2004), ("A", 2010),
                                     ("A", 2011), ("A", 2020)])
    s = pd.Series([0.0, np.nan, 8.0, np.nan, np.nan, 20.0], index=idx, name="x")
    filled, flags = tr.interpolate(s, max_gap=5)
    assert filled[("A", 2001)] == pytest.approx(2.0)  # calendar weights, not row positions
    assert np.isnan(filled[("A", 2010)])  # the 2004-2020 gap is longer than 5 years
    assert flags.tolist() == [False, True, False, False, False, False]
    with pytest.raises(DataError, match="method must be 'linear' or 'log'"):
        tr.interpolate(s, method="spline")  # type: ignore[arg-type]


def test_winsorize_standardize_ratio_per_capita() -> None:
    df = pd.DataFrame({"c": "A", "t": range(2000, 2101), "x": np.arange(101.0),
                       "pop": 2.0})
    out = mg.Panel.from_frame(df, entity="c", time="t").transform(
        winsorize={"x": (0.05, 0.95)}, standardize=["x"])
    assert out["x_w"].min() == 5.0 and out["x_w"].max() == 95.0
    assert out.metadata["transform_counts"]["winsorized"] == {"x": 10}
    assert out["z_x"].mean() == pytest.approx(0.0, abs=1e-12)
    assert out["z_x"].std() == pytest.approx(1.0)
    assert tr.ratio(pd.Series([3.0, 1.0]), pd.Series([4.0, 0.0])).tolist()[0] == 75.0
    assert np.isnan(tr.ratio(pd.Series([1.0]), pd.Series([0.0])).iloc[0])
    assert tr.per_capita(pd.Series([5e6]), pd.Series([2e6]), scale=1e3).iloc[0] == 2500.0
    with pytest.raises(DataError, match="the variable is constant"):
        tr.standardize(pd.Series([1.0, 1.0]))
    with pytest.raises(DataError, match="0 <= lower < upper <= 1"):
        tr.winsorize(pd.Series([1.0]), 0.9, 0.1)


def test_growth_percent_and_log_respect_gaps() -> None:
    idx = pd.MultiIndex.from_tuples([("A", 2000), ("A", 2001), ("A", 2003)])
    s = pd.Series([100.0, 110.0, 121.0], index=idx)
    assert tr.growth(s).round(10).tolist()[1] == 10.0
    assert np.isnan(tr.growth(s).iloc[2])  # 2002 is absent
    assert tr.growth(s, kind="log").iloc[1] == pytest.approx(100 * np.log(1.1))


def test_log_counts_non_positive_values() -> None:
    df = pd.DataFrame({"c": "A", "t": [2000, 2001, 2002], "x": [1.0, 0.0, -2.0]})
    panel = mg.Panel.from_frame(df, entity="c", time="t")
    with pytest.raises(DataError, match=r"log\(x\): 2 value\(s\) are zero or negative"):
        panel.transform(log=["x"])
    with pytest.warns(DroppedDataWarning, match=r"2 non-positive value\(s\) set to missing"):
        out = panel.transform(log=["x"], on_nonpositive="nan")
    assert out["log_x"].isna().tolist() == [False, True, True]


def test_existing_transform_names_keep_working(sim_panel: mg.Panel) -> None:
    small = sim_panel.subset(countries=sim_panel.entities[:5])
    out = small.transform(log=["gdppc"] if "gdppc" in small else [],
                          lag={"growth": [1, -1]}, growth=["investment"], diff=["growth"])
    assert {"L1_growth", "F1_growth", "growth_investment", "D_growth"} <= set(out.columns)
    assert out.variables["F1_growth"].label.endswith("(t+1)")
    averaged = small.transform(average=5, min_obs=1)
    assert averaged.metadata["frequency"] == "5y"
    with pytest.raises(DataError, match="unknown transformation"):
        small.transform(logs=["x"])


def test_calendar_lag_on_period_averages_fails_with_the_period_length():
    # Lags count calendar years: on five-year averages a one-year lag finds nothing.
    # An empty column would only fail later, in a regression; say why here instead.
    five = mg.load_dataset("remittances_sim").transform(average=5, min_obs=1)
    with pytest.raises(DataError, match=r"5 years apart .* lag=\{'log_gdppc': 5\}"):
        five.transform(lag={"log_gdppc": 1})
    with pytest.raises(DataError, match="growth= and diff= compare consecutive years"):
        five.transform(growth=["log_gdppc"])
    previous = five.transform(lag={"log_gdppc": 5})["L5_log_gdppc"]
    level = five["log_gdppc"]
    assert previous.loc[("SIM001", 1995)] == level.loc[("SIM001", 1990)]
    # A column that is empty to begin with stays a plain empty lag, not an error.
    empty = five.with_columns({"nothing": level * float("nan")})
    assert empty.transform(lag={"nothing": 1})["L1_nothing"].isna().all()


def test_thin_period_averages_are_set_missing_counted_and_warned() -> None:
    """Issue 14, item 2: a five-year mean needs a majority of its years by default."""
    df = pd.DataFrame({"c": "A", "t": range(1990, 2000),
                       "x": [1.0, np.nan, np.nan, np.nan, np.nan, 2.0, 4.0, 6.0, np.nan, 8.0]})
    panel = mg.Panel.from_frame(df, entity="c", time="t")
    with pytest.warns(DroppedDataWarning, match=r"1 period average\(s\) rest on too few years"):
        out = panel.transform(average=5)
    assert np.isnan(out["x"].iloc[0]) and out["x"].iloc[1] == 5.0  # (2+4+6+8)/4
    assert out.metadata["min_obs"] == 3 and out.metadata["period_step"] == 5
    assert out.metadata["period_cells_below_min_obs"] == {"x": 1}
    kept = panel.transform(average=5, min_obs=1)  # the explicit choice keeps it, no warning
    assert kept["x"].tolist() == [1.0, 5.0]


def test_initial_gives_the_value_in_the_first_year_of_each_period() -> None:
    df = pd.DataFrame({"c": ["A"] * 10 + ["B"] * 10, "t": list(range(1990, 2000)) * 2,
                       "y": [float(v) for v in range(20)]})
    df.loc[15, "y"] = np.nan  # B's 1995 value is missing: its second period has no start value
    out = mg.Panel.from_frame(df, entity="c", time="t").transform(
        average=5, initial=["y"])
    assert out["initial_y"].tolist()[:3] == [0.0, 5.0, 10.0]
    assert np.isnan(out["initial_y"].iloc[3])
    assert out["y"].iloc[0] == 2.0  # the mean of 0..4 is unchanged
    assert out.variables["initial_y"].label.endswith("(start of period)")
    with pytest.raises(DataError, match="together with average="):
        mg.Panel.from_frame(df, entity="c", time="t").transform(initial=["y"])
