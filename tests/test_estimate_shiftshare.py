"""Shift-share inference: AKM / AKM0 (Adao, Kolesar and Morales 2019), Rotemberg weights, BHJ.

References:
- AKM Table V on the ADH data, from the authors' replication package as recorded
  in the ShiftShareSE R package's tests (tests/results/shiftshare_akm_adh.json).
  The ADH data ship with ShiftShareSE (data/ADH.rda), not with migecon: export
  them with tests/results/shiftshare_adh_export.R and point MIGECON_ADH_DIR at the
  folder (or put it at ../shared/data/shiftshare_adh/); the test skips otherwise.
- The identity of AKM and sector-clustered (CR0) errors with 0/1 shares, checked
  against statsmodels' cluster covariance.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import migecon as mg
from migecon.errors import DataError, SpecificationError
from migecon.estimate.shiftshare import (
    rotemberg_weights,
    shift_share_se,
    shock_level_regression,
)

RESULTS = Path(__file__).resolve().parent / "results"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _adh_dir() -> Path:
    candidates = [os.environ.get("MIGECON_ADH_DIR", ""), str(SHARED / "shiftshare_adh")]
    for c in candidates:
        if c and (Path(c) / "adh_W.csv").is_file():
            return Path(c)
    pytest.skip("ADH data (ShiftShareSE's ADH.rda exported by tests/results/"
                "shiftshare_adh_export.R) not found: set MIGECON_ADH_DIR")


@pytest.mark.slow
def test_akm_reproduces_akm_table5() -> None:
    folder = _adh_dir()
    ref = json.loads((RESULTS / "shiftshare_akm_adh.json").read_text())
    reg = pd.read_csv(folder / "adh_reg.csv")
    W = pd.read_csv(folder / "adh_W.csv").to_numpy()
    sic3 = np.floor(pd.read_csv(folder / "adh_sic.csv")["sic"].to_numpy() / 10)
    ctrl = ["l_shind_manuf_cbp", "l_sh_popedu_c", "l_sh_popfborn", "l_sh_empl_f",
            "l_sh_routine33", "l_task_outsource"]
    Z = np.column_stack([np.ones(len(reg)), reg["t2"].astype(float), reg[ctrl].to_numpy(),
                         pd.get_dummies(reg["division"], drop_first=True, dtype=float)])
    for name, m in ref["models"].items():
        res = shift_share_se(reg[m["y"]], reg["IV"], W, controls=Z,
                             endog=None if m["endog"] is None else reg[m["endog"]],
                             weights=reg["weights"],
                             sector_clusters=sic3 if m["clusters"] else None)
        if "estimate" in m:
            assert res.estimate == pytest.approx(m["estimate"], rel=1e-10), name
        assert res.ci_akm == pytest.approx(m["akm"], rel=1e-9), name
        assert res.ci_akm0 == pytest.approx(m["akm0"], rel=1e-9), name
        assert res.akm0_kind == "interval"
        if "pvalue_akm" in m:
            assert res.pvalue_akm == pytest.approx(m["pvalue_akm"], rel=1e-7), name
        assert res.pvalue_akm0 == pytest.approx(m["pvalue_akm0"], rel=1e-7), name


def _one_sector_data(seed: int = 3, n: int = 150, s: int = 15):
    rng = np.random.default_rng(seed)
    sector = rng.integers(0, s, n)
    shock = rng.normal(size=s)
    x = shock[sector]
    y = 1 + 0.7 * x + rng.normal(size=s)[sector] + rng.normal(size=n)
    units = [f"u{i:03d}" for i in range(n)]
    onehot = np.zeros((n, s))
    onehot[np.arange(n), sector] = 1.0
    shares = pd.DataFrame(onehot, index=units, columns=[f"s{k:02d}" for k in range(s)])
    return x, y, sector, shares, units


def test_akm_equals_sector_clustered_errors_with_one_sector_per_unit() -> None:
    x, y, sector, shares, units = _one_sector_data()
    cr0 = sm.OLS(y, sm.add_constant(x)).fit(
        cov_type="cluster", cov_kwds={"groups": sector, "use_correction": False,
                                      "df_correction": False})
    direct = shift_share_se(y, x, shares, controls=np.ones((len(y), 1)))
    assert direct.estimate == pytest.approx(cr0.params[1], rel=1e-12)
    assert direct.se_akm == pytest.approx(cr0.bse[1], rel=1e-10)
    # through mg.fit, with a sector-level control (constant within sectors)
    idx = pd.MultiIndex.from_arrays([units, np.full(len(y), 2000)], names=["unit", "year"])
    zs = np.random.default_rng(9).normal(size=shares.shape[1])[sector]
    panel = mg.Panel(pd.DataFrame({"y": y, "x": x, "z": zs, "sector": sector}, index=idx))
    res = mg.fit("y ~ x + z", panel, estimator="pooled", effects="none",
                 cov_type="shift-share", shares=shares, shift_share_var="x")
    clus = mg.fit("y ~ x + z", panel, estimator="pooled", effects="none",
                  cov_type="clustered", cluster="sector")
    sm_cr0 = sm.OLS(y, sm.add_constant(np.column_stack([x, zs]))).fit(
        cov_type="cluster", cov_kwds={"groups": sector, "use_correction": False,
                                      "df_correction": False})
    assert res.std_errors["x"] == pytest.approx(sm_cr0.bse[1], rel=1e-10)
    assert res.std_errors["x"] == pytest.approx(clus.std_errors["x"], rel=1e-10)
    assert res.params["x"] == pytest.approx(clus.params["x"], rel=1e-12)
    assert res.cov_info.cov_type == "shift-share"
    assert np.isnan(res.cov.loc["x", "z"])
    assert res.stats["akm0_ci_lower"] < res.params["x"] < res.stats["akm0_ci_upper"]
    table = mg.regression_table([res])
    assert "x" in table.to_text()


def test_akm0_set_contains_estimate_and_akm_p_value_is_normal() -> None:
    rng = np.random.default_rng(11)
    W = rng.dirichlet(np.ones(40), size=400) * 0.8
    g = rng.normal(size=40)
    x = W @ g
    y = 0.3 * x + rng.normal(size=400)
    res = shift_share_se(y, x, W, controls=np.ones((400, 1)), beta0=0.1)
    lo, hi = res.ci_akm0
    assert lo < res.estimate < hi
    z = abs(res.estimate - 0.1) / res.se_akm
    from scipy import stats
    assert res.pvalue_akm == pytest.approx(2 * stats.norm.sf(z), rel=1e-12)
    assert set(res.table().index) == {"AKM", "AKM0"}


def test_rotemberg_weights_sum_to_one_and_recover_bartik_iv() -> None:
    rng = np.random.default_rng(5)
    n, s = 300, 25
    W = rng.dirichlet(np.ones(s), size=n)
    g = rng.normal(size=s)
    B = W @ g
    x = B + rng.normal(size=n)
    y = 1.5 * x + rng.normal(size=n)
    Z = np.ones((n, 1))
    out = rotemberg_weights(y, x, pd.DataFrame(W), g, controls=Z)
    assert out["alpha"].sum() == pytest.approx(1.0, abs=1e-12)
    # the Bartik IV estimate, computed directly: cov(B, y) / cov(B, x)
    bc = B - B.mean()
    iv = float(bc @ (y - y.mean()) / (bc @ (x - x.mean())))
    assert out["alpha_beta"].sum() == pytest.approx(iv, rel=1e-10)


def test_bhj_shock_level_estimate_equals_unit_level_iv() -> None:
    rng = np.random.default_rng(8)
    n, s = 500, 60
    W = rng.dirichlet(np.ones(s) * 0.3, size=n)
    g = rng.normal(size=s)
    B = W @ g
    x = B + rng.normal(size=n)
    y = 0.8 * x + rng.normal(size=n)
    out = shock_level_regression(y, x, W, g, controls=np.ones((n, 1)))
    bc = B - B.mean()
    iv = float(bc @ (y - y.mean()) / (bc @ (x - x.mean())))
    assert out["estimate"] == pytest.approx(iv, rel=1e-9)
    assert out["n_shocks"] == s and out["std_error"] > 0


def test_bhj_option_of_fit() -> None:
    x, y, sector, shares, units = _one_sector_data(seed=4)
    idx = pd.MultiIndex.from_arrays([units, np.full(len(y), 2000)], names=["unit", "year"])
    panel = mg.Panel(pd.DataFrame({"y": y, "x": x}, index=idx))
    shocks = pd.Series(x, index=shares.columns[sector]).groupby(level=0).first()
    res = mg.fit("y ~ x", panel, estimator="pooled", effects="none", cov_type="shift-share",
                 shares=shares, shift_share_method="bhj", shocks=shocks)
    assert res.stats["bhj_estimate"] == pytest.approx(res.params["x"], rel=1e-9)
    assert "BHJ" in res.cov_info.description


def test_panel_shares_by_period_with_entity_effects() -> None:
    rng = np.random.default_rng(2)
    homes, hosts, years = 60, 8, [2000, 2001, 2002, 2003]
    shares = pd.DataFrame(rng.dirichlet(np.ones(hosts), size=homes) * 0.9,
                          index=[f"h{i:02d}" for i in range(homes)],
                          columns=[f"d{k}" for k in range(hosts)])
    growth = pd.DataFrame(rng.normal(size=(len(years), hosts)), index=years,
                          columns=shares.columns)
    rows = pd.MultiIndex.from_product([shares.index, years], names=["country", "year"])
    x = np.array([shares.loc[h].to_numpy() @ growth.loc[t].to_numpy() for h, t in rows])
    y = 0.5 * x + rng.normal(size=len(rows))
    panel = mg.Panel(pd.DataFrame({"y": y, "x": x}, index=rows))
    res = mg.fit("y ~ x", panel, estimator="fe", cov_type="shift-share", shares=shares)
    robust = mg.fit("y ~ x", panel, estimator="fe", cov_type="robust")
    assert res.params["x"] == pytest.approx(robust.params["x"], rel=1e-12)
    assert res.stats["n_sectors"] <= hosts * len(years)
    assert res.cov_info.n_clusters == hosts
    assert np.isfinite(res.std_errors["x"]) and res.std_errors["x"] > 0


def test_bad_shares_are_refused_with_reasons() -> None:
    with pytest.raises(DataError, match="at most one"):
        shift_share_se([1.0, 2.0, 3.0], [0.1, 0.2, 0.3], [[0.9, 0.3], [0.1, 0.1], [0.2, 0.2]])
    with pytest.raises(DataError, match="negative"):
        shift_share_se([1.0, 2.0], [0.1, 0.2], [[-0.1, 0.3], [0.1, 0.1]])
    with pytest.raises(DataError, match="expected 2"):
        shift_share_se([1.0, 2.0], [0.1, 0.2], [[0.1, 0.3]])
    with pytest.raises(DataError, match="missing"):
        shift_share_se([1.0, 2.0], [0.1, 0.2], [[np.nan, 0.3], [0.1, 0.1]])
    x, y, _, shares, units = _one_sector_data()
    idx = pd.MultiIndex.from_arrays([units, np.full(len(y), 2000)], names=["unit", "year"])
    panel = mg.Panel(pd.DataFrame({"y": y, "x": x}, index=idx))
    with pytest.raises(SpecificationError, match="needs shares"):
        mg.fit("y ~ x", panel, estimator="pooled", effects="none", cov_type="shift-share")
    with pytest.raises(DataError, match="lack"):
        mg.fit("y ~ x", panel, estimator="pooled", effects="none", cov_type="shift-share",
               shares=shares.iloc[:10])
    with pytest.raises(DataError, match="at most one"):
        mg.fit("y ~ x", panel, estimator="pooled", effects="none", cov_type="shift-share",
               shares=shares * 1.5)


def test_diaspora_weighted_growth_returns_its_shares_for_akm() -> None:
    rng = np.random.default_rng(12)
    homes = [f"H{i:02d}" for i in range(40)]
    hosts = ["USA", "DEU", "RUS", "GBR", "FRA", "SAU"]
    pairs = pd.DataFrame([(1990, h, d, float(rng.integers(1, 100))) for h in homes
                          for d in hosts], columns=["year", "origin", "destination", "stock"])
    years = [2000, 2001, 2002]
    g = pd.Series(rng.normal(size=len(hosts) * len(years)), index=pd.MultiIndex.from_product(
        [hosts, years], names=["iso3", "year"]))
    dwg = mg.diaspora_weighted_growth(pairs, g)
    shares = dwg.metadata["shares"]
    assert list(shares.columns) == sorted(hosts)
    assert np.allclose(shares.sum(axis=1), 1.0)
    base = pairs.pivot(index="origin", columns="destination", values="stock")
    assert np.allclose(shares.loc["H03", "USA"], base.loc["H03", "USA"] / base.loc["H03"].sum())
    x = dwg["diaspora_host_growth"]
    data = pd.DataFrame({"x": x, "y": 0.4 * x + rng.normal(size=len(x))})
    res = mg.fit("y ~ x", mg.Panel(data), estimator="fe", effects="entity",
                 cov_type="shift-share", shares=shares)
    assert res.cov_info.n_clusters == len(hosts)
    assert np.isfinite(res.std_errors["x"])


def test_sector_clusters_in_fit_equal_clustering_by_sector_group() -> None:
    x, y, sector, shares, units = _one_sector_data(seed=6, n=240, s=24)
    group = {f"s{k:02d}": f"g{k // 4}" for k in range(24)}  # 6 groups of 4 sectors
    idx = pd.MultiIndex.from_arrays([units, np.full(len(y), 2000)], names=["unit", "year"])
    panel = mg.Panel(pd.DataFrame({"y": y, "x": x}, index=idx))
    res = mg.fit("y ~ x", panel, estimator="pooled", effects="none", cov_type="shift-share",
                 shares=shares, sector_clusters=group)
    cr0 = sm.OLS(y, sm.add_constant(x)).fit(
        cov_type="cluster", cov_kwds={"groups": sector // 4, "use_correction": False,
                                      "df_correction": False})
    assert res.std_errors["x"] == pytest.approx(cr0.bse[1], rel=1e-10)
    assert res.cov_info.n_clusters == 6
    akm0 = mg.fit("y ~ x", panel, estimator="pooled", effects="none", cov_type="shift-share",
                  shares=shares, shift_share_method="akm0")
    width = akm0.stats["akm0_ci_upper"] - akm0.stats["akm0_ci_lower"]
    from scipy import stats
    assert akm0.std_errors["x"] == pytest.approx(width / (2 * stats.norm.ppf(0.975)), rel=1e-12)
    with pytest.raises(DataError, match="no cluster"):
        mg.fit("y ~ x", panel, estimator="pooled", effects="none", cov_type="shift-share",
               shares=shares, sector_clusters={"s00": "g0"})
    with pytest.raises(SpecificationError, match="shift_share_method"):
        mg.fit("y ~ x", panel, estimator="pooled", effects="none", cov_type="shift-share",
               shares=shares, shift_share_method="exact")
