"""The canonical growth model: initial income with gap-respecting lags, interactions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.estimate.growth import growth_formula, period_length


def _growth_panel(*, step: int = 1, gap: bool = False) -> mg.Panel:
    rng = np.random.default_rng(0)
    n, t = 30, 12
    rows = []
    for i in range(n):
        log_y = 7 + rng.normal()
        for s in range(t):
            year = 1990 + step * s
            if gap and i == 0 and s == 5:
                continue  # one missing year: the next year's lag must be missing
            remit = abs(rng.normal(5, 2))
            fin = abs(rng.normal(30, 10))
            growth = 2 + 0.1 * remit + 0.01 * remit * fin - 0.5 * log_y + rng.normal()
            rows.append({"iso3": f"C{i:02d}", "year": year, "growth": growth,
                         "remit": remit, "findepth": fin, "log_gdppc": log_y,
                         "internet": rng.uniform(0, 80), "diaspora": rng.uniform(0, 20)})
            log_y += growth / 100
    return mg.Panel.from_frame(pd.DataFrame(rows), entity="iso3", time="year")


def test_formula_has_roles_lag_and_both_main_effects() -> None:
    panel = _growth_panel()
    formula, notes = growth_formula(
        panel, remittances="remit", network="diaspora", technology="internet",
        initial_income="log_gdppc", interactions=[("remittances", "findepth")])
    assert formula == ("growth ~ remit + diaspora + internet + findepth + remit:findepth + "
                       "L(log_gdppc, 1)")
    assert any("main effect findepth added" in n for n in notes)


def test_interaction_and_lag_enter_the_estimates() -> None:
    panel = _growth_panel()
    with pytest.warns(mg.errors.DroppedDataWarning, match="missing L1.log_gdppc: 30"):
        res = mg.growth_model(panel, remittances="remit", controls=["findepth"],
                              initial_income="log_gdppc", interactions=["remit:findepth"],
                              effects="entity", cov_type="clustered")
    assert {"remit", "findepth", "remit:findepth", "L1.log_gdppc"} <= set(res.params.index)
    # the product is formed from the same rows: equals a hand-made column
    df = panel.data
    manual = panel.with_columns({"remit_x_fin": df["remit"] * df["findepth"]})
    with pytest.warns(mg.errors.DroppedDataWarning, match="missing L1.log_gdppc: 30"):
        ref = mg.fit("growth ~ remit + findepth + remit_x_fin + L(log_gdppc, 1)", manual,
                     estimator="fe", cov_type="clustered")
    assert res.params["remit:findepth"] == pytest.approx(ref.params["remit_x_fin"], rel=1e-12)
    assert res.model_name.startswith("Growth model, FE")


def test_initial_income_lag_respects_gaps() -> None:
    panel = _growth_panel(gap=True)
    with pytest.warns(mg.errors.DroppedDataWarning, match="missing L1.log_gdppc: 31"):
        res = mg.growth_model(panel, remittances="remit", initial_income="log_gdppc",
                              effects="entity")
    # 30 first years + the year after the gap of country C00
    assert res.dropped["missing L1.log_gdppc"] == 31
    assert ("C00", 1996) not in res.sample


def test_period_averages_use_the_period_as_lag() -> None:
    panel = _growth_panel(step=5)
    assert period_length(panel) == 5
    formula, _ = growth_formula(panel, remittances="remit", initial_income="log_gdppc")
    assert formula == "growth ~ remit + L(log_gdppc, 5)"
    with pytest.warns(mg.errors.DroppedDataWarning, match="missing L5.log_gdppc: 30"):
        res = mg.growth_model(panel, remittances="remit", initial_income="log_gdppc")
    assert "L5.log_gdppc" in res.params


def test_growth_model_bad_input() -> None:
    panel = _growth_panel()
    with pytest.raises(mg.errors.SpecificationError, match="at least one regressor"):
        mg.growth_model(panel)
    with pytest.raises(mg.errors.SpecificationError, match=r"\['remittances_gdp'\] not in"):
        mg.growth_model(panel, remittances="remittances_gdp")
    with pytest.raises(mg.errors.SpecificationError, match="exactly one variable"):
        mg.growth_model(panel, technology=["internet", "diaspora"],
                        interactions=[("technology", "remit")])
    with pytest.raises(mg.errors.SpecificationError, match="two variables"):
        mg.growth_model(panel, remittances="remit", interactions=["remit"])
    with pytest.raises(mg.errors.SpecificationError, match=r"use mg\.gmm"):
        mg.growth_model(panel, remittances="remit", estimator="gmm-system")


def test_growth_model_with_instrumented_remittances() -> None:
    panel = _growth_panel()
    df = panel.data
    panel = panel.with_columns({"host_gdp": df["remit"] + np.sin(np.arange(len(df)))})
    res = mg.growth_model(panel, remittances="remit", controls=["internet"],
                          endogenous=["remit"], instruments=["host_gdp"], effects="entity")
    assert res.estimator == "iv" and "remit" in res.params
    assert "first_stage_f:remit" in res.stats


def test_start_of_period_income_from_average_initial() -> None:
    """Issue 14, item 2: on period averages built with initial=[...], the growth model uses
    income in the first year of each period, not the previous period's average."""
    annual = _growth_panel()
    five = annual.transform(average=5, initial=["log_gdppc"], min_obs=1)  # 2000-01: 2 years
    formula, notes = growth_formula(five, remittances="remit", initial_income="log_gdppc")
    assert formula == "growth ~ remit + initial_log_gdppc"
    assert "first year of each period" in notes[0]
    # The column is the annual value in 1990, 1995, 2000, read from the annual panel.
    for (country, start), value in five["initial_log_gdppc"].items():
        assert value == annual["log_gdppc"].loc[(country, start)]
    res = mg.growth_model(five, remittances="remit", initial_income="log_gdppc")
    assert "initial_log_gdppc" in res.params.index
    assert res.nobs == 30 * 3  # no period lost to the lag, unlike L(log_gdppc, 5)
    with pytest.warns(mg.errors.DroppedDataWarning, match="missing L5.log_gdppc: 30"):
        lagged = mg.growth_model(five, remittances="remit", initial_income="log_gdppc",
                                 initial_lag=5)
    assert "L5.log_gdppc" in lagged.params.index and lagged.nobs == 30 * 2
