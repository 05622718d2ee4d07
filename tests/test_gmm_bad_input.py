"""Bad input to mg.gmm gets clear errors; questionable estimates get warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import DataError, DuplicateKeyError, EstimationWarning, SpecificationError


def dynamic_frame(n: int = 60, t: int = 8, seed: int = 3) -> pd.DataFrame:
    """y_it = 0.5 y_i,t-1 + 0.3 x_it + u_i + e_it with x strictly exogenous."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n)
    y = np.zeros((n, t + 10))
    x = rng.normal(size=(n, t + 10)) + 0.5 * u[:, None]
    for s in range(1, t + 10):
        y[:, s] = 0.5 * y[:, s - 1] + 0.3 * x[:, s] + u + rng.normal(size=n)
    return pd.DataFrame({"id": np.repeat(np.arange(n), t),
                         "year": np.tile(np.arange(2000, 2000 + t), n),
                         "y": y[:, 10:].ravel(), "x": x[:, 10:].ravel()})


@pytest.fixture
def panel() -> mg.Panel:
    return mg.Panel.from_frame(dynamic_frame(), entity="id", time="year")


def test_too_few_periods() -> None:
    df = dynamic_frame(t=2)
    with pytest.raises(DataError, match="too few periods: the panel spans 2 period"):
        mg.gmm("y L.y x, gmm(L.y) iv(x)", df, entity="id", time="year")


def test_no_observation_survives_the_lags() -> None:
    df = dynamic_frame(t=4)
    with pytest.raises(DataError, match="no observations left after differencing"):
        mg.gmm("y L.y L2.y L3.y x, gmm(L.y) iv(x) nolevel", df, entity="id", time="year")


def test_no_valid_instruments(panel: mg.Panel) -> None:
    empty = panel.with_columns({"z": pd.Series(np.nan, index=panel.data.index)})
    with pytest.raises(SpecificationError, match="no valid instruments: every instrument is zero"):
        mg.gmm("y L.y, gmm(z) nolevel", empty)


def test_lag_limits_outside_the_panel(panel: mg.Panel) -> None:
    with pytest.raises(SpecificationError, match=r"gmm\(y, lag\(20 25\)\): the lag limits leave"):
        mg.gmm("y L.y x, gmm(y, lag(20 25)) iv(x) nolevel", panel)


def test_more_regressors_than_instruments(panel: mg.Panel) -> None:
    with pytest.raises(SpecificationError, match="equation not identified: 1 independent "
                                                 "instruments for 2 regressors"):
        mg.gmm("y L.y x, gmm(L.y, lag(1 1) collapse) nolevel", panel)


def test_singular_weighting_matrix_warns_and_uses_generalized_inverse() -> None:
    df = dynamic_frame(n=12, t=10)
    with pytest.warns(EstimationWarning) as record:
        res = mg.gmm("y L.y x, gmm(L.y) iv(x) nolevel twostep robust", df,
                     entity="id", time="year")
    messages = " | ".join(str(w.message) for w in record)
    assert "covariance matrix of moments is singular" in messages
    assert "instruments outnumber groups" in messages
    assert np.isfinite(res.params).all()
    assert any("generalized inverse" in n for n in res.notes)


def test_duplicate_keys() -> None:
    df = dynamic_frame()
    df = pd.concat([df, df.iloc[[5]]])
    with pytest.raises(DuplicateKeyError, match=r"1 duplicate \(id, year\) key\(s\), e.g. "
                                                r"\('0', 2005\) appears 2 times"):
        mg.gmm("y L.y x, gmm(L.y) iv(x)", df, entity="id", time="year")


def test_missing_or_fractional_periods() -> None:
    df = dynamic_frame()
    df["year"] = df["year"].astype(float)
    df.loc[3, "year"] = 2003.5
    with pytest.raises(DataError, match="non-integer period"):
        mg.gmm("y L.y x, gmm(L.y) iv(x)", df, entity="id", time="year")


def test_gaps_are_calendar_gaps(panel: mg.Panel) -> None:
    """A missing year breaks lags and differences (as xtabond2's calendar lags do):
    removing a row is the same as keeping it with missing values."""
    data = panel.data
    gap_row = ("5", 2004)
    removed = mg.Panel(data.drop(index=gap_row))
    blanked = data.copy()
    blanked.loc[gap_row, ["y", "x"]] = np.nan
    cmd = "y L.y x, gmm(L.y) iv(x) twostep robust"
    a, b = mg.gmm(cmd, removed), mg.gmm(cmd, mg.Panel(blanked))
    full = mg.gmm(cmd, panel)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-12)
    assert a.nobs == b.nobs
    # unit 5 loses the levels rows of 2004 (missing) and 2005 (its lag is missing)
    assert full.nobs - a.nobs == 2


def test_wrong_inputs() -> None:
    df = dynamic_frame()
    with pytest.raises(SpecificationError, match="a DataFrame needs entity= and time="):
        mg.gmm("y L.y x, gmm(L.y) iv(x)", df)
    with pytest.raises(SpecificationError, match="data must be a migecon Panel or a pandas"):
        mg.gmm("y L.y x, gmm(L.y) iv(x)", [1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="the data are missing"):
        mg.gmm("y L.y x, gmm(L.y) iv(x)")
    with pytest.raises(SpecificationError, match="options \\['exog'\\] are for the keyword form"):
        mg.gmm("y L.y x, gmm(L.y) iv(x)", df, entity="id", time="year", exog=["x"])
    with pytest.raises(DataError, match="column\\(s\\) \\['firm'\\] not found"):
        mg.gmm("y L.y, gmm(L.y)", df, entity="firm", time="year")


def test_keyword_errors(panel: mg.Panel) -> None:
    with pytest.raises(SpecificationError, match="transformation must be one of 'difference', "
                                                 "'system', 'fod'; got 'levels'"):
        mg.gmm(panel, dependent="y", exog=["x"], transformation="levels")
    with pytest.raises(SpecificationError, match="dependent= is required"):
        mg.gmm(panel, exog=["x"])
    with pytest.raises(SpecificationError, match="exog must be a list of names"):
        mg.gmm(panel, dependent="y", exog="x")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="steps must be 1 or 2; got 3"):
        mg.gmm(panel, dependent="y", exog=["x"], steps=3)


def test_text_column_is_rejected(panel: mg.Panel) -> None:
    df = dynamic_frame()
    df["label"] = "a"
    with pytest.raises(DataError, match="variable 'label' is not numeric"):
        mg.gmm("y L.y label, gmm(L.y)", df, entity="id", time="year")


def test_collinear_regressor_warns(panel: mg.Panel) -> None:
    twice = panel.with_columns({"x2": 2 * panel["x"]})
    with pytest.warns(EstimationWarning, match="1 regressor\\(s\\) dropped for collinearity: x2"):
        res = mg.gmm("y L.y x x2, gmm(L.y) iv(x x2)", twice)
    assert res.omitted == ("x2",) and "x2" not in res.params.index


def test_collinear_time_dummies_are_dropped_quietly(panel: mg.Panel) -> None:
    res = mg.gmm("y L.y x yr*, gmm(L.y) iv(x yr*) nolevel", panel, time_dummies=True)
    assert res.omitted and all(name.startswith("yr") for name in res.omitted)
    assert res.effects == "twoway"
