"""Panel cointegration tests (mg.cointegration): Kao, Pedroni, Westerlund.

No public data set with printed Kao/Pedroni/Westerlund output is available
offline (xtwest's xtwestdata.dta and Stata's xtcoint.dta are not public mirrors
here; R has no panel cointegration package installed), so the statistics are
checked against step-by-step computations written out below from the papers
(statsmodels regressions, explicit kernel sums), plus Monte Carlo size and
power (slow).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import migecon as mg
from migecon.errors import DataError, EstimationWarning, SpecificationError


def _panel(y: np.ndarray, x: np.ndarray) -> mg.Panel:
    n, t = y.shape
    rows = [{"c": f"U{i:02d}", "year": 1960 + s, "y": y[i, s],
             **{f"x{j + 1}": x[i, s, j] for j in range(x.shape[2])}}
            for i in range(n) for s in range(t)]
    return mg.Panel.from_frame(pd.DataFrame(rows), entity="c", time="year")


def _draw(n=8, t=50, k=1, coint=True, seed=0):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(size=(n, t, k)), axis=1)
    if coint:
        e = np.zeros((n, t))
        for s in range(1, t):
            e[:, s] = 0.5 * e[:, s - 1] + rng.normal(scale=0.5, size=n)
        y = 1.0 + x @ np.full(k, 0.7) + e
    else:
        y = np.cumsum(rng.normal(size=(n, t)), axis=1)
    return y, x


@pytest.fixture(scope="module")
def data():
    return _draw(coint=True, seed=4)


def _nw(u, lags, divisor=None):
    """Newey-West long-run variance written out term by term."""
    n = len(u) if divisor is None else divisor
    total = sum(u[t] * u[t] for t in range(len(u))) / n
    for j in range(1, lags + 1):
        gamma = sum(u[t] * u[t - j] for t in range(j, len(u))) / n
        total += 2 * (1 - j / (lags + 1)) * gamma
    return total


# ------------------------------------------------------------------ Pedroni
def test_pedroni_group_and_panel_statistics_step_by_step(data):
    y, x = data
    res = mg.cointegration(_panel(y, x), "y ~ x1", test="pedroni", lags=1, kernel_lags=2,
                           check_i2=False)
    n, t = y.shape
    grp_t = grp_rho = grp_adf = 0.0
    num_pt = den_pt = sig_l = 0.0
    for i in range(n):
        e = sm.OLS(y[i], sm.add_constant(x[i])).fit().resid
        ar = sm.OLS(e[1:], e[:-1]).fit()
        u = ar.resid
        sigma2 = _nw(u, 2)
        lam = (sigma2 - np.mean(u ** 2)) / 2
        s = float(np.sum(e[:-1] * np.diff(e)))
        q = float(np.sum(e[:-1] ** 2))
        eta = sm.OLS(np.diff(y[i]), np.diff(x[i], axis=0)).fit().resid
        l2 = _nw(eta, 2)
        grp_t += (s - (t - 1) * lam) / np.sqrt(sigma2 * q)
        grp_rho += t * (s - (t - 1) * lam) / q
        num_pt += (s - (t - 1) * lam) / l2
        den_pt += q / l2
        sig_l += sigma2 / l2 / n
        de = np.diff(e)
        adf = sm.OLS(de[1:], np.column_stack([e[1:-1], de[:-1]])).fit()
        grp_adf += adf.params[0] / np.sqrt(np.mean(adf.resid ** 2)
                                           * np.linalg.inv(adf.model.exog.T @ adf.model.exog)[0, 0])
    tab = res.table
    assert tab.loc["group t", "stat"] == pytest.approx(grp_t / np.sqrt(n), rel=1e-9)
    assert tab.loc["group rho", "stat"] == pytest.approx(grp_rho / np.sqrt(n), rel=1e-9)
    assert tab.loc["group ADF", "stat"] == pytest.approx(grp_adf / np.sqrt(n), rel=1e-9)
    assert tab.loc["panel t", "stat"] == pytest.approx(num_pt / np.sqrt(sig_l * den_pt), rel=1e-9)
    assert tab.loc["panel v", "stat"] == pytest.approx(t ** 2 * n ** 1.5 / den_pt, rel=1e-9)
    # standardisation with Pedroni (1999, Table 2), m = 1, intercepts: group t (-2.03, 0.66)
    assert tab.loc["group t", "z"] == pytest.approx(
        (grp_t / np.sqrt(n) + 2.03 * np.sqrt(n)) / np.sqrt(0.66), rel=1e-9)
    assert tab.loc["panel v", "pvalue"] == pytest.approx(stats.norm.sf(tab.loc["panel v", "z"]))
    assert res.pvalue < 0.01          # cointegrated by construction


def test_pedroni_time_demeaning_changes_the_data(data):
    y, x = data
    p = _panel(y, x)
    a = mg.cointegration(p, "y ~ x1", check_i2=False)
    b = mg.cointegration(p, "y ~ x1", time_demean=True, check_i2=False)
    assert a.table.loc["panel v", "stat"] != b.table.loc["panel v", "stat"]
    assert "time-demeaned" in b.note


# ---------------------------------------------------------------------- Kao
def test_kao_step_by_step(data):
    y, x = data
    res = mg.cointegration(_panel(y, x), "y ~ x1", test="kao", lags=1, kernel_lags=2,
                           check_i2=False)
    n, t = y.shape
    yd = y - y.mean(axis=1, keepdims=True)
    xd = (x - x.mean(axis=1, keepdims=True))[:, :, 0]
    beta = sm.OLS(yd.ravel(), xd.ravel()).fit().params[0]
    e = yd - beta * xd
    df = sm.OLS(e[:, 1:].ravel(), e[:, :-1].ravel()).fit()
    rho = df.params[0]
    s_e = np.sqrt(np.mean(df.resid ** 2))
    t_rho = (rho - 1) * np.sqrt(np.sum(e[:, :-1] ** 2)) / s_e
    u = e[:, 1:] - rho * e[:, :-1]
    eps = np.diff(x[:, :, 0], axis=1)
    s_uu, s_ue, s_ee = np.mean(u * u), np.mean(u * eps), np.mean(eps * eps)
    om = np.zeros((2, 2))
    for i in range(n):
        w = np.column_stack([u[i], eps[i]])
        g0 = w.T @ w / len(w)
        om_i = g0.copy()
        for j in (1, 2):
            g = w[j:].T @ w[:-j] / len(w)
            om_i += (1 - j / 3) * (g + g.T)
        om += om_i / n
    sv2 = s_uu - s_ue ** 2 / s_ee
    s0v2 = om[0, 0] - om[0, 1] ** 2 / om[1, 1]
    df_t_star = (t_rho + np.sqrt(6 * n) * np.sqrt(sv2) / (2 * np.sqrt(s0v2))) / np.sqrt(
        s0v2 / (2 * sv2) + 3 * sv2 / (10 * s0v2))
    df_rho = (np.sqrt(n) * t * (rho - 1) + 3 * np.sqrt(n)) / np.sqrt(10.2)
    df_t = np.sqrt(1.25) * t_rho + np.sqrt(1.875 * n)
    assert res.table.loc["DF_t*", "stat"] == pytest.approx(df_t_star, rel=1e-8)
    assert res.table.loc["DF_rho", "stat"] == pytest.approx(df_rho, rel=1e-8)
    assert res.table.loc["DF_t", "stat"] == pytest.approx(df_t, rel=1e-8)
    assert res.table.loc["ADF", "pvalue"] < 0.01


# --------------------------------------------------------------- Westerlund
def test_westerlund_group_statistics_step_by_step(data):
    y, x = data
    res = mg.cointegration(_panel(y, x), "y ~ x1", test="westerlund", lags=1, leads=0,
                           lrwindow=2, check_i2=False)
    n, t = y.shape
    gt = ga = 0.0
    for i in range(n):
        dy = np.diff(y[i])
        dx = np.diff(x[i, :, 0])
        rows = np.arange(2, t)            # t = 2..T-1 (one lag of D.y and D.x)
        reg = np.column_stack([np.ones(rows.size), y[i, rows - 1], x[i, rows - 1, 0],
                               dy[rows - 2], dx[rows - 1], dx[rows - 2]])
        fit = sm.OLS(dy[rows - 1], reg).fit()
        gt += fit.params[1] / fit.bse[1]
        u = dy[rows - 1] - reg[:, :4] @ fit.params[:4]
        a1 = np.sqrt(_nw(u, 2) / _nw(dy, 2))
        ga += fit.df_resid * fit.params[1] / a1
    assert res.table.loc["Gt", "stat"] == pytest.approx(gt / n, rel=1e-9)
    assert res.table.loc["Ga", "stat"] == pytest.approx(ga / n, rel=1e-9)
    # xtwest's moments, constant, one regressor: Gt (-1.7776, 0.8071)
    assert res.table.loc["Gt", "z"] == pytest.approx(
        np.sqrt(n) * (gt / n + 1.7776) / np.sqrt(0.8071), rel=1e-9)


def test_westerlund_aic_lag_and_lead_search(data):
    y, x = data
    res = mg.cointegration(_panel(y, x), "y ~ x1", test="westerlund", lags=(0, 2),
                           leads=(0, 1), lrwindow=2, check_i2=False)
    n, t = y.shape
    chosen = []
    for i in range(n):
        dy, dx = np.diff(y[i]), np.diff(x[i, :, 0])
        best = (np.inf, None)
        for p in (2, 1, 0):                  # from the longest orders down, as xtwest
            for q in (1, 0):
                rows = np.arange(p + 1, t - q)
                cols = [np.ones(rows.size), y[i, rows - 1], x[i, rows - 1, 0]]
                cols += [dy[rows - 1 - j] for j in range(1, p + 1)]
                cols += [dx[rows - 1 - j] for j in range(-q, p + 1)]
                fit = sm.OLS(dy[rows - 1], np.column_stack(cols)).fit()
                aic = -2 * fit.llf + 2 * len(cols)      # Stata's estat ic
                if aic < best[0]:
                    best = (aic, (p, q))
        chosen.append(best[1])
    assert list(zip(res.by_entity["lags"], res.by_entity["leads"], strict=True)) == chosen
    assert "AIC-selected" in res.note
    assert len({c for c in chosen}) > 1      # the orders do differ across units here
    boot = mg.cointegration(_panel(y, x), "y ~ x1", test="westerlund", lags=(0, 2),
                            leads=(0, 1), bootstrap=10, seed=2, check_i2=False)
    assert boot.table["boot_pvalue"].between(0, 1).all()
    assert boot.table["stat"].equals(res.table["stat"])


def test_westerlund_bootstrap_is_reproducible(data):
    y, x = data
    p = _panel(y, x)
    a = mg.cointegration(p, "y ~ x1", test="westerlund", bootstrap=30, seed=5, check_i2=False)
    b = mg.cointegration(p, "y ~ x1", test="westerlund", bootstrap=30, seed=5, check_i2=False)
    assert a.table["boot_pvalue"].equals(b.table["boot_pvalue"])
    assert (a.table["boot_pvalue"] <= 0.1).all()      # cointegrated by construction
    assert a.pvalue == a.table.loc["Pt", "boot_pvalue"]


# ----------------------------------------------------------------- bad input
def test_i2_data_warn():
    rng = np.random.default_rng(0)
    n, t = 8, 50
    x = np.cumsum(np.cumsum(rng.normal(size=(n, t, 1)), axis=1), axis=1)   # I(2)
    y = 0.5 * x[:, :, 0] + np.cumsum(rng.normal(size=(n, t)), axis=1)
    with pytest.warns(EstimationWarning, match="may be I\\(2\\)"):
        mg.cointegration(_panel(y, x), "y ~ x1", test="kao")


def test_unbalanced_and_gaps_are_refused(data):
    y, x = data
    frame = _panel(y, x).data
    with pytest.raises(DataError, match="balanced panel"):
        mg.cointegration(mg.Panel(frame.drop(index=("U03", 2009))), "y ~ x1", check_i2=False)
    with pytest.raises(DataError, match="contiguous series"):
        mg.cointegration(mg.Panel(frame.drop(index=("U03", 1980))), "y ~ x1", check_i2=False)


def test_missing_values_are_counted(data):
    y, x = data
    frame = _panel(y, x).data
    frame.loc[("U01", 2009), "y"] = np.nan
    with pytest.warns(mg.errors.DroppedDataWarning, match="y: 1"), \
            pytest.raises(DataError, match="balanced"):
        mg.cointegration(mg.Panel(frame), "y ~ x1", check_i2=False)


@pytest.mark.parametrize("kwargs, match", [
    ({"test": "johansen"}, "test must be one of"),
    ({"trend": "none"}, "for test='westerlund' only"),
    ({"test": "kao", "trend": "trend"}, "intercepts only"),
    ({"lags": "hqic"}, "'aic' or 'bic'"),
    ({"test": "westerlund", "lags": "aic"}, "range \\(min, max\\) searched by AIC"),
    ({"test": "westerlund", "lags": (3, 1)}, "a range \\(min, max\\)"),
    ({"lags": (1, 3)}, "applies to test='westerlund'"),
])
def test_bad_options(data, kwargs, match):
    y, x = data
    with pytest.raises(SpecificationError, match=match):
        mg.cointegration(_panel(y, x), "y ~ x1", check_i2=False, **kwargs)


def test_lags_too_long(data):
    y, x = data
    with pytest.raises(DataError, match="too long"):
        mg.cointegration(_panel(y, x), "y ~ x1", lags=30, check_i2=False)


# --------------------------------------------------------------- Monte Carlo
@pytest.mark.slow
def test_monte_carlo_size_and_power():
    """Rejection rates at 5% over 200 panels (N = 15, T = 80).

    Under H0 (independent random walks) the Westerlund statistics and
    Pedroni's group rho must be within Monte Carlo error of 5%
    (+-3 standard errors = 0.05 +- 0.046); under H1 (stationary residuals with
    AR coefficient 0.5) every headline statistic rejects in at least 90% of
    the panels.
    """
    from migecon.estimate.diagnostics.cointegration import _kao, _pedroni
    from migecon.estimate.diagnostics.westerlund import westerlund

    reps, n, t = 200, 15, 80
    labels = [str(i) for i in range(n)]
    size: dict[str, list[bool]] = {}
    power: dict[str, list[bool]] = {}
    for r in range(reps):
        for coint, store in ((False, size), (True, power)):
            y, x = _draw(n=n, t=t, coint=coint, seed=1000 + r)
            results = {
                "kao": _kao(y, x, labels, lags=1, max_lags=4, k_lags=3, time_demean=False),
                "pedroni": _pedroni(y, x, labels, trend="constant", lags=1, max_lags=4,
                                    k_lags=3, time_demean=False),
                "westerlund": westerlund(y, x, labels, trend="constant", lags=1, leads=0,
                                         lrwindow=2, bootstrap=0, seed=None)[0],
            }
            for name, res in results.items():
                table = res if isinstance(res, pd.DataFrame) else res.table
                for stat, p in table["pvalue"].items():
                    store.setdefault(f"{name}:{stat}", []).append(bool(p < 0.05))
    rate = {k: float(np.mean(v)) for k, v in size.items()}
    band = 3 * np.sqrt(0.05 * 0.95 / reps)
    for key in ("westerlund:Gt", "westerlund:Ga", "westerlund:Pt", "westerlund:Pa",
                "pedroni:group rho"):
        assert abs(rate[key] - 0.05) < band, (key, rate[key])
    for key in ("kao:ADF", "pedroni:group ADF", "pedroni:panel ADF", "westerlund:Pt",
                "westerlund:Gt"):
        assert np.mean(power[key]) >= 0.9, (key, np.mean(power[key]))
