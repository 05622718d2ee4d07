"""Panel ARDL (mg.ardl): PMG, MG and DFE against published xtpmg output and independent code.

* Blackburne and Frank (2007) print ``xtpmg`` output on the Pesaran-Shin-Smith
  OECD consumption data (``jasa2.dta``): tests/results/xtpmg_jasa2.json. The data
  (25 kB, as distributed with xtpmg on SSC) are a test fixture in
  ``tests/data/jasa2.dta`` (see tests/data/README.md); the ``MIGECON_JASA2``
  environment variable points elsewhere.
* Everywhere: the PMG long-run coefficients equal the maximiser of the
  concentrated likelihood written out below with statsmodels and maximised by
  scipy; MG equals the average of unit-by-unit statsmodels OLS; DFE equals
  statsmodels OLS with unit dummies.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize

import migecon as mg
from conftest import RESULTS
from migecon.errors import DataError, EstimationWarning, SpecificationError

REF = json.loads((RESULTS / "xtpmg_jasa2.json").read_text())


def _jasa2_path() -> Path:
    env = os.environ.get("MIGECON_JASA2")
    path = Path(env) if env else Path(__file__).parent / "data" / "jasa2.dta"
    if not path.is_file():
        pytest.skip(f"jasa2.dta (Pesaran-Shin-Smith 1999 OECD consumption data) not at {path}; "
                    "get it from http://fmwww.bc.edu/repec/bocode/j/jasa2.dta")
    return path


@pytest.fixture(scope="module")
def jasa2() -> mg.Panel:
    d = pd.read_stata(_jasa2_path())[["id", "year", "c", "pi", "y"]]
    return mg.Panel.from_frame(d, entity="id", time="year")


def _fit(panel: mg.Panel, estimator: str, **kw):
    with warnings.catch_warnings():
        # one OECD country (id 137) has a positive MG adjustment speed; xtpmg is silent
        warnings.simplefilter("ignore", EstimationWarning)
        return mg.ardl("c ~ pi + y", panel, lags=(1, 1), estimator=estimator,
                       period=(1962, None), **kw)


# ------------------------------------------------------------ published output
def test_pmg_reproduces_blackburne_frank(jasa2):
    res = _fit(jasa2, "pmg")
    ref = REF["pmg"]
    assert res.nobs == 767 and res.n_entities == 24
    for name, (b, se) in ref["long_run"].items():
        assert res.params[name] == pytest.approx(b, abs=5e-7)
        assert res.std_errors[name] == pytest.approx(se, abs=5e-7)
    for name, b in ref["short_run"].items():
        assert res.params[name] == pytest.approx(b, abs=5e-7)
    assert res.stats["loglik"] == pytest.approx(ref["loglik"], abs=5e-4)
    assert res.stats["converged"] == 1.0
    assert list(res.params.index) == ["pi", "y", "ec", "D.pi", "D.y", "const"]


def test_dfe_reproduces_blackburne_frank(jasa2):
    res = _fit(jasa2, "dfe", cov_type="clustered")
    ref = REF["dfe_cluster"]
    # The article's Stata (2007) counted the absorbed unit effects in the
    # finite-sample factor of xtreg, fe vce(cluster): (N-1)/(N-n-K); Stata today
    # (and migecon's small_sample="stata") uses (N-1)/(N-K-1). K = 5 slopes.
    n_obs, n_units, k = 767, 24, 5
    old_over_new = (n_obs - k - 1) / (n_obs - n_units - k)
    for name, (b, se) in ref.items():
        assert res.params[name] == pytest.approx(b, abs=5e-7)
        assert res.std_errors[name] * np.sqrt(old_over_new) == pytest.approx(se, abs=5e-7)


def test_hausman_reproduces_blackburne_frank(jasa2):
    mg_res, pmg_res = _fit(jasa2, "mg"), _fit(jasa2, "pmg")
    dfe_res = _fit(jasa2, "dfe", cov_type="clustered")
    h = mg.hausman(mg_res, pmg_res, method="sigmamore")
    ref = REF["hausman_mg_pmg_sigmamore"]
    assert h.df == ref["df"]
    assert round(h.stat, 2) == ref["chi2"] and round(h.pvalue, 4) == ref["p"]
    h2 = mg.hausman(mg_res, dfe_res, method="sigmamore")
    ref2 = REF["hausman_mg_dfe_sigmamore"]
    assert round(h2.stat, 2) == ref2["chi2"] and round(h2.pvalue, 4) == ref2["p"]


def test_pmg_jasa2_equals_independent_maximiser(jasa2):
    res = _fit(jasa2, "pmg")
    frame = jasa2.data.astype(float).sort_index()
    theta = _independent_pmg(frame, "c", ["pi", "y"], start=1962,
                             theta0=np.array([-0.3, 0.9]))
    np.testing.assert_allclose(res.params[["pi", "y"]].to_numpy(), theta, atol=1e-5)


# -------------------------------------------------------- independent routines
def _unit_frames(frame: pd.DataFrame, dep: str, xs: list[str], start: int | None = None
                 ) -> list[pd.DataFrame]:
    out = []
    for _, g in frame.groupby(level=0):
        g = g.droplevel(0)
        u = pd.DataFrame({"dy": g[dep].diff(), "ylag": g[dep].shift(),
                          **{x: g[x] for x in xs}, **{f"d_{x}": g[x].diff() for x in xs}})
        if start is not None:
            u = u[u.index >= start]
        out.append(u.dropna())
    return out


def _independent_pmg(frame, dep, xs, *, start=None, theta0):
    """Concentrated log-likelihood of PSS (1999), eq. (13), written out unit by unit.

    Given theta, each unit's log-likelihood is that of the OLS regression of
    D.y on ec(theta) = y_{t-1} - theta'x_t, D.x and a constant:
    -T/2 (1 + log 2 pi + log(RSS/T)).
    """
    units = [(u["dy"].to_numpy(), u["ylag"].to_numpy(), u[xs].to_numpy(),
              u[[f"d_{x}" for x in xs]].to_numpy()) for u in _unit_frames(frame, dep, xs, start)]

    def negll(theta):
        total = 0.0
        for dy, ylag, lev, dif in units:
            x = np.column_stack([ylag - lev @ theta, dif, np.ones(len(dy))])
            resid = dy - x @ np.linalg.lstsq(x, dy, rcond=None)[0]
            t = len(dy)
            total += -t / 2 * (1 + np.log(2 * np.pi) + np.log(resid @ resid / t))
        return -total

    opt = optimize.minimize(negll, theta0, method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-11, "maxiter": 20000})
    assert opt.success
    return opt.x


def _simulated(n=8, t=45, seed=3, theta=(0.8, -0.5)):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        phi = -rng.uniform(0.2, 0.6)
        x = np.cumsum(rng.normal(size=(t, 2)), axis=0)
        y = np.zeros(t)
        for s in range(1, t):
            y[s] = (y[s - 1] + phi * (y[s - 1] - x[s] @ np.array(theta))
                    + 0.3 * (x[s, 0] - x[s - 1, 0]) + 0.5 + rng.normal(scale=0.4))
        rows += [{"c": f"U{i}", "year": 1970 + s, "y": y[s], "x1": x[s, 0], "x2": x[s, 1]}
                 for s in range(t)]
    return mg.Panel.from_frame(pd.DataFrame(rows), entity="c", time="year")


@pytest.fixture(scope="module")
def sim():
    return _simulated()


def test_pmg_equals_independent_maximiser(sim):
    res = mg.ardl("y ~ x1 + x2", sim, lags=(1, 1), estimator="pmg")
    theta = _independent_pmg(sim.data, "y", ["x1", "x2"], theta0=np.array([0.5, 0.0]))
    np.testing.assert_allclose(res.params[["x1", "x2"]].to_numpy(), theta, atol=1e-5)
    units = _unit_frames(sim.data, "y", ["x1", "x2"])
    # unit-level short run at theta-hat = OLS given ec(theta-hat); means = params
    b = []
    for u in units:
        ec = u["ylag"] - u[["x1", "x2"]].to_numpy() @ res.params[["x1", "x2"]].to_numpy()
        x = np.column_stack([ec, u[["d_x1", "d_x2"]].to_numpy(), np.ones(len(u))])
        b.append(sm.OLS(u["dy"].to_numpy(), x).fit().params)
    b = np.array(b)
    np.testing.assert_allclose(res.fit_data.units[["ec", "D.x1", "D.x2", "const"]].to_numpy(),
                               b, atol=1e-8)
    np.testing.assert_allclose(res.params[["ec", "D.x1", "D.x2", "const"]].to_numpy(),
                               b.mean(axis=0), atol=1e-8)
    dev = b - b.mean(axis=0)
    np.testing.assert_allclose(res.std_errors[["ec", "D.x1", "D.x2", "const"]].to_numpy(),
                               np.sqrt(np.diag(dev.T @ dev) / (len(b) * (len(b) - 1))),
                               rtol=1e-8)


def test_mg_equals_average_of_unit_ols(sim):
    res = mg.ardl("y ~ x1 + x2", sim, lags=(1, 1), estimator="mg")
    rows = []
    for u in _unit_frames(sim.data, "y", ["x1", "x2"]):
        x = np.column_stack([u[["ylag", "x1", "x2", "d_x1", "d_x2"]].to_numpy(), np.ones(len(u))])
        b = sm.OLS(u["dy"].to_numpy(), x).fit().params
        rows.append([-b[1] / b[0], -b[2] / b[0], b[0], b[3], b[4], b[5]])
    rows = np.array(rows)
    names = ["x1", "x2", "ec", "D.x1", "D.x2", "const"]
    np.testing.assert_allclose(res.params[names].to_numpy(), rows.mean(axis=0), atol=1e-9)
    dev = rows - rows.mean(axis=0)
    np.testing.assert_allclose(res.cov.loc[names, names].to_numpy(),
                               dev.T @ dev / (len(rows) * (len(rows) - 1)), atol=1e-12)
    assert res.fit_data.units.shape[0] == 8


def test_dfe_equals_ols_with_unit_dummies(sim):
    res = mg.ardl("y ~ x1 + x2", sim, lags=(1, 1), estimator="dfe")
    frames = _unit_frames(sim.data, "y", ["x1", "x2"])
    x = pd.concat([f[["ylag", "x1", "x2", "d_x1", "d_x2"]] for f in frames]).to_numpy()
    dummies = np.kron(np.eye(len(frames)), np.ones((len(frames[0]), 1)))
    y = pd.concat([f["dy"] for f in frames]).to_numpy()
    b = sm.OLS(y, np.column_stack([x, dummies])).fit().params
    assert res.params["ec"] == pytest.approx(b[0], abs=1e-9)
    assert res.params["x1"] == pytest.approx(-b[1] / b[0], abs=1e-9)
    assert res.params["x2"] == pytest.approx(-b[2] / b[0], abs=1e-9)
    assert res.params["D.x1"] == pytest.approx(b[3], abs=1e-9)


def test_longer_lags_and_cross_section_averages(sim):
    res = mg.ardl("y ~ x1 + x2", sim, lags=(2, 2, 1), estimator="mg",
                  cross_section_averages=1)
    assert list(res.params.index[:5]) == ["x1", "x2", "ec", "L1.D.y", "D.x1"]
    assert {"L1.D.x1", "CSA.y", "L1.CSA.x2", "const"} <= set(res.params.index)
    assert "L1.D.x2" not in res.params.index
    assert res.model_name == "MG ARDL(2,2,1)"
    # rows lost at the start of each series are counted, not warned about
    assert res.dropped["initial periods used for lags and differences"] == 8 * 2


# ------------------------------------------------------------------- bad input
def test_lags_longer_than_a_series(sim):
    short = sim.subset(years=(1970, 1978))
    with pytest.raises(DataError, match="no more usable observations"):
        mg.ardl("y ~ x1 + x2", short, lags=(3, 3), estimator="mg")


def test_pmg_not_converged_is_reported(sim):
    with pytest.warns(EstimationWarning, match="not maximised"):
        res = mg.ardl("y ~ x1 + x2", sim, lags=(1, 1), estimator="pmg", maxiter=1)
    assert res.stats["converged"] == 0.0
    assert any("not maximised" in n for n in res.notes)


def test_unit_without_error_correction_is_named():
    panel = _simulated(n=5)
    data = panel.data
    rng = np.random.default_rng(9)
    # unit U0: y explodes away from x (no error correction)
    y = np.cumprod(np.full(45, 1.08)) + rng.normal(scale=0.01, size=45)
    data.loc["U0", "y"] = y
    bad = mg.Panel(data)
    with pytest.warns(EstimationWarning, match="U0"):
        # (the explosive unit also makes D.y look non-stationary: I(2) check off here)
        res = mg.ardl("y ~ x1 + x2", bad, lags=(1, 1), estimator="mg", check_i2=False)
    assert any("U0" in n for n in res.notes)


def test_gaps_are_counted_and_warned(sim):
    data = sim.data
    data.loc[("U1", 1990), "x1"] = np.nan
    with pytest.warns(mg.errors.DroppedDataWarning, match="missing x1: 1"):
        res = mg.ardl("y ~ x1 + x2", mg.Panel(data), lags=(1, 1), estimator="mg")
    assert res.dropped["missing x1"] == 1
    assert res.dropped["lags or differences missing after a gap or a missing value"] == 1


@pytest.mark.parametrize("kwargs, match", [
    ({"estimator": "ols"}, "estimator must be one of"),
    ({"lags": (0, 1)}, "p >= 1"),
    ({"lags": (1, 1, 1, 1)}, "3 x lag orders for 2 regressors"),
    ({"cov_type": "clustered"}, "applies to estimator='dfe' only"),
    ({"cross_section_averages": -1}, "non-negative integer"),
])
def test_bad_options(sim, kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        mg.ardl("y ~ x1 + x2", sim, **kwargs)


def test_bad_formula(sim):
    with pytest.raises(SpecificationError, match="plain column names"):
        mg.ardl("y ~ np.log(x1)", sim)
    with pytest.raises(SpecificationError, match="not in the panel"):
        mg.ardl("y ~ x9", sim)


def test_hausman_pairs(sim):
    m = mg.ardl("y ~ x1 + x2", sim, estimator="mg")
    p = mg.ardl("y ~ x1 + x2", sim, estimator="pmg")
    h = mg.hausman(m, p)
    assert h.df == 2 and 0 <= h.pvalue <= 1 and "long run" in h.name
    with pytest.raises(SpecificationError, match="MG then PMG"):
        mg.hausman(p, m)


def test_table_blocks(sim):
    rs = [mg.ardl("y ~ x1 + x2", sim, estimator=e) for e in ("pmg", "mg", "dfe")]
    text = mg.regression_table(rs).to_text()
    lines = [line.split()[0] for line in text.splitlines() if line.strip()]
    i_lr, i_ec, i_sr = lines.index("Long"), lines.index("Adjustment"), lines.index("Short")
    assert i_lr < lines.index("x1") < i_ec < lines.index("ec") < i_sr < lines.index("D.x1")


# --------------------------------------------------------------- lag selection
def _ic_choice(u: pd.DataFrame, dep_lags: pd.DataFrame, criterion: str, pmax: int, qmax: int):
    """Information criterion of each ARDL(p, q) by statsmodels, on the common sample."""
    best, choice = np.inf, None
    for p in range(1, pmax + 1):
        for q in range(qmax + 1):
            cols = [f"L{j}.D.y" for j in range(1, p)]
            cols += [f"{'D' if j == 0 else f'L{j}.D'}.{x}" for x in ("x1", "x2") for j in range(q)]
            x = sm.add_constant(pd.concat([u[["ylag", "x1", "x2"]], dep_lags[cols]], axis=1))
            fit = sm.OLS(u["dy"], x).fit()
            n, k = len(u), x.shape[1]
            pen = 2 if criterion == "aic" else np.log(n)
            ic = n * np.log(fit.ssr / n) + pen * k
            if ic < best - 1e-12:
                best, choice = ic, (p, q)
    return choice


@pytest.mark.parametrize("criterion", ["aic", "sbc"])
def test_lag_selection_per_unit(sim, criterion):
    res = mg.ardl("y ~ x1 + x2", sim, lags=criterion, max_lags=(2, 2), estimator="mg")
    units = res.fit_data.units
    for unit, g in sim.data.groupby(level=0):
        g = g.droplevel(0)
        frame = pd.DataFrame({"dy": g["y"].diff(), "ylag": g["y"].shift(), "x1": g["x1"],
                              "x2": g["x2"], "L1.D.y": g["y"].diff().shift(),
                              "D.x1": g["x1"].diff(), "L1.D.x1": g["x1"].diff().shift(),
                              "D.x2": g["x2"].diff(), "L1.D.x2": g["x2"].diff().shift()}).dropna()
        expected = _ic_choice(frame, frame, criterion, 2, 2)
        assert (units.loc[unit, "p"], units.loc[unit, "q"]) == expected
    # terms a unit leaves out count as zero in the means; their unit SEs are NaN
    assert res.params["L1.D.y"] == pytest.approx(units["L1.D.y"].mean())
    left_out = units["p"] == 1
    assert (units.loc[left_out, "L1.D.y"] == 0).all()
    assert units.loc[left_out, "se:L1.D.y"].isna().all()
    pmg_res = mg.ardl("y ~ x1 + x2", sim, lags=criterion, estimator="pmg")
    assert pmg_res.stats["converged"] == 1.0
    with pytest.raises(SpecificationError, match="does not apply to dynamic fixed effects"):
        mg.ardl("y ~ x1 + x2", sim, lags=criterion, estimator="dfe")


def test_i2_regressor_warns():
    rng = np.random.default_rng(0)
    rows = []
    for i in range(8):
        x = np.cumsum(np.cumsum(rng.normal(size=50)))          # I(2)
        y = np.cumsum(rng.normal(size=50)) + 0.01 * x
        rows += [{"c": f"U{i}", "year": 1970 + s, "y": y[s], "x": x[s]} for s in range(50)]
    panel = mg.Panel.from_frame(pd.DataFrame(rows), entity="c", time="year")
    with pytest.warns(EstimationWarning, match="may be I\\(2\\)"):
        mg.ardl("y ~ x", panel, estimator="mg")
