"""Monte Carlo size of CIPS and Dumitrescu-Hurlin under their nulls (slow).

Rejection rates at the nominal 5% level are compared with a band of about
+/- 2.5 Monte Carlo standard errors around 0.05 (sqrt(0.05 * 0.95 / R)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import migecon as mg

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _only_with_m_slow(request):
    """pyproject says slow tests are excluded by default; nothing else enforces it yet."""
    if "slow" not in (request.config.getoption("-m") or ""):
        pytest.skip("slow Monte Carlo check (minutes): run with -m slow")


def _panel(arrays: dict[str, np.ndarray]) -> mg.Panel:
    n, T = next(iter(arrays.values())).shape
    idx = pd.MultiIndex.from_product([[f"U{i:02d}" for i in range(n)], range(1990, 1990 + T)],
                                     names=["unit", "year"])
    df = pd.DataFrame({k: v.ravel() for k, v in arrays.items()}, index=idx).reset_index()
    return mg.Panel.from_frame(df, entity="unit", time="year")


def _band(reps: int) -> tuple[float, float]:
    se = np.sqrt(0.05 * 0.95 / reps)
    return 0.05 - 2.5 * se, 0.05 + 2.5 * se


@pytest.mark.parametrize("trend", [False, True])
def test_cips_size_with_a_common_factor(trend):
    """Unit roots driven by a common factor with random loadings (after Pesaran 2007's DGP)."""
    rng = np.random.default_rng(2007)
    reps, n, T = 300, 20, 30
    rejections = 0
    for _ in range(reps):
        f = rng.standard_normal(T)
        gamma = rng.uniform(0, 2, n)
        u = gamma[:, None] * f[None, :] + rng.standard_normal((n, T))
        y = np.cumsum(u, axis=1) + rng.standard_normal(n)[:, None]
        res = mg.cips(_panel({"y": y}), "y", lags=0, trend=trend)
        rejections += res.stat < res.critical_values[0.05]
    lo, hi = _band(reps)
    assert lo <= rejections / reps <= hi, rejections / reps


def test_dumitrescu_hurlin_size():
    """x does not cause y in any unit; heterogeneous AR(1) dynamics, T = 20 (Ztilde)."""
    rng = np.random.default_rng(2012)
    reps, n, T = 400, 20, 20
    rej = {"ztilde": 0, "zbar": 0}
    for _ in range(reps):
        rho_y, rho_x = rng.uniform(0, 0.6, n), rng.uniform(0, 0.6, n)
        y, x = np.zeros((n, T + 50)), np.zeros((n, T + 50))
        for t in range(1, T + 50):
            y[:, t] = rho_y * y[:, t - 1] + rng.standard_normal(n)
            x[:, t] = rho_x * x[:, t - 1] + rng.standard_normal(n)
        panel = _panel({"y": y[:, 50:], "x": x[:, 50:]})
        for test in rej:
            rej[test] += mg.dumitrescu_hurlin(panel, "y ~ x", lags=1, test=test).pvalue < 0.05
    lo, hi = _band(reps)
    assert lo <= rej["ztilde"] / reps <= hi, rej
    # Zbar is the large-T statistic: with T = 20 it over-rejects (DH 2012, Table 2).
    assert rej["zbar"] / reps > rej["ztilde"] / reps


def test_ccemg_recovers_mean_slope_where_fe_is_biased():
    """The lesson's claim over 100 draws of HeterogeneousSlopesDGP (true mean slope 0.5)."""
    fe, cce = [], []
    for seed in range(100):
        panel = mg.HeterogeneousSlopesDGP().simulate(seed=seed)
        fe.append(mg.fit("growth ~ remittances", panel, estimator="fe",
                         effects="twoway").params["remittances"])
        cce.append(mg.fit("growth ~ remittances", panel,
                          estimator="ccemg").params["remittances"])
    fe_bias, cce_bias = np.mean(fe) - 0.5, np.mean(cce) - 0.5
    assert fe_bias > 0.4
    assert abs(cce_bias) < 3 * np.std(cce) / np.sqrt(100) + 0.02


def test_dumitrescu_hurlin_bootstrap_size_under_cross_section_dependence():
    """Common AR(1) factors in y and in x (no causality): the asymptotic Ztilde over-rejects,
    the period-resampling bootstrap (Lopez-Weber 2017) stays near 5%."""
    rng = np.random.default_rng(7)
    reps, n, T = 150, 20, 20
    asymptotic = bootstrap = 0
    for r in range(reps):
        fy, fx = np.zeros(T + 50), np.zeros(T + 50)
        for s in range(1, T + 50):
            fy[s] = 0.5 * fy[s - 1] + rng.standard_normal()
            fx[s] = 0.5 * fx[s - 1] + rng.standard_normal()
        gy, gx = rng.uniform(0.5, 1.5, n), rng.uniform(0.5, 1.5, n)
        y, x = np.zeros((n, T + 50)), np.zeros((n, T + 50))
        for s in range(1, T + 50):
            y[:, s] = 0.3 * y[:, s - 1] + gy * fy[s] + rng.standard_normal(n)
            x[:, s] = 0.3 * x[:, s - 1] + gx * fx[s] + rng.standard_normal(n)
        panel = _panel({"y": y[:, 50:], "x": x[:, 50:]})
        asymptotic += mg.dumitrescu_hurlin(panel, "y ~ x", lags=1).pvalue < 0.05
        bootstrap += mg.dumitrescu_hurlin(panel, "y ~ x", lags=1, bootstrap=99,
                                          seed=r).pvalue < 0.05
    lo, hi = _band(reps)
    assert asymptotic / reps > hi  # 0.187 in this run
    assert lo <= bootstrap / reps <= hi, bootstrap / reps  # 0.067 in this run


def test_slope_homogeneity_size():
    """Equal slopes, heteroskedastic errors across entities, AR(1) regressor (N = 20, T = 30)."""
    rng = np.random.default_rng(2008)
    reps, n, T = 300, 20, 30
    rejections, stats = 0, []
    for _ in range(reps):
        x = np.zeros((n, T + 50))
        for s in range(1, T + 50):
            x[:, s] = 0.6 * x[:, s - 1] + rng.standard_normal(n)
        x = x[:, 50:] + rng.standard_normal(n)[:, None]
        sigma = rng.uniform(0.5, 1.5, n)[:, None]
        y = rng.standard_normal(n)[:, None] + 1.0 * x + sigma * rng.standard_normal((n, T))
        res = mg.slope_homogeneity(_panel({"y": y, "x": x}), "y ~ x")
        rejections += res.tests["delta_adj"].pvalue < 0.05
        stats.append(res.tests["delta_adj"].stat)
    lo, hi = _band(reps)
    assert lo <= rejections / reps <= hi, rejections / reps  # 0.030 in this run
    assert abs(np.mean(stats)) < 0.3 and 0.8 < np.std(stats) < 1.2  # -0.18, 0.98
