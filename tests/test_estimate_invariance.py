"""Invariances: every estimator equals a direct linearmodels call and, where it
applies, OLS with dummy variables; estimates do not depend on row order or on
the names of the countries.

The mapping of conventions: migecon's ``small_sample="none"`` sandwich
covariances carry no factor, which is linearmodels' ``debiased=False`` (and
``count_effects=False`` for robust/kernel covariances with effects, because
linearmodels otherwise scales by N/(N - effects)); the homoskedastic covariance
divides by the residual degrees of freedom, which is ``debiased=True``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import migecon as mg

#: Same data, same algebra, different code paths: agreement to rounding error.
RTOL_SAME_ALGEBRA = 1e-9


def _panel(seed: int = 0, *, unbalanced: bool = True) -> mg.Panel:
    rng = np.random.default_rng(seed)
    n, t = 25, 9
    alpha = rng.normal(size=n)
    lam = rng.normal(size=t)
    rows = []
    for i in range(n):
        for s in range(t):
            if unbalanced and rng.random() < 0.12:
                continue
            x1 = rng.normal() + alpha[i]
            x2 = rng.normal() + 0.5 * lam[s]
            e = rng.normal() * (1 + 0.5 * abs(x1))
            rows.append({"c": f"K{i:02d}", "year": 2000 + s, "x1": x1, "x2": x2,
                         "y": 1 + 0.5 * x1 - 0.3 * x2 + alpha[i] + lam[s] + e})
    return mg.Panel.from_frame(pd.DataFrame(rows), entity="c", time="year")


def _lm(panel: mg.Panel) -> tuple[pd.Series, pd.DataFrame]:
    data = panel.data
    data.index = data.index.set_levels(
        [data.index.levels[0], data.index.levels[1].astype(int)])
    exog = data[["x1", "x2"]].assign(const=1.0)[["const", "x1", "x2"]]
    return data["y"], exog


def _same(res: mg.Result, ref: Any, terms: list[str]) -> None:
    np.testing.assert_allclose(res.params[terms].to_numpy(), ref.params[terms].to_numpy(),
                               rtol=RTOL_SAME_ALGEBRA)
    np.testing.assert_allclose(res.std_errors[terms].to_numpy(),
                               ref.std_errors[terms].to_numpy(), rtol=RTOL_SAME_ALGEBRA)


COVS = [
    ({"cov_type": "unadjusted"}, {"cov_type": "unadjusted", "debiased": True}),
    ({"cov_type": "robust"}, {"cov_type": "robust", "debiased": False}),
    ({"cov_type": "clustered"}, {"cov_type": "clustered", "cluster_entity": True,
                                 "debiased": False}),
    ({"cov_type": "clustered", "cluster": "time"},
     {"cov_type": "clustered", "cluster_time": True, "debiased": False}),
    ({"cov_type": "clustered", "cluster": ("entity", "time")},
     {"cov_type": "clustered", "cluster_entity": True, "cluster_time": True,
      "debiased": False}),
    ({"cov_type": "driscoll-kraay"}, {"cov_type": "kernel", "kernel": "bartlett",
                                      "debiased": False}),
    ({"cov_type": "driscoll-kraay", "kernel": "parzen", "bandwidth": 3},
     {"cov_type": "kernel", "kernel": "parzen", "bandwidth": 3, "debiased": False}),
]


@pytest.mark.parametrize(("ours", "theirs"), COVS)
def test_pooled_equals_linearmodels(ours: dict, theirs: dict) -> None:
    from linearmodels.panel import PooledOLS

    panel = _panel()
    y, X = _lm(panel)
    ref = PooledOLS(y, X).fit(**theirs)
    _same(mg.fit("y ~ x1 + x2", panel, estimator="pooled", **ours), ref, ["const", "x1", "x2"])


# linearmodels warns when the two-way clustered variance of the constant is
# negative (V1 + V2 - V12 is not always positive semi-definite).
@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
@pytest.mark.parametrize("effects", ["entity", "time", "twoway"])
@pytest.mark.parametrize(("ours", "theirs"), COVS)
def test_fixed_effects_equal_linearmodels(effects: str, ours: dict, theirs: dict) -> None:
    from linearmodels.panel import PanelOLS

    panel = _panel()
    y, X = _lm(panel)
    model = PanelOLS(y, X, entity_effects=effects in ("entity", "twoway"),
                     time_effects=effects in ("time", "twoway"))
    extra = {} if theirs["cov_type"] in ("unadjusted",) else {"auto_df": False,
                                                            "count_effects": False}
    ref = model.fit(**theirs, **extra)
    res = mg.fit("y ~ x1 + x2", panel, estimator="fe", effects=effects, **ours)
    _same(res, ref, ["x1", "x2"])
    assert res.params["const"] == pytest.approx(ref.params["const"], rel=RTOL_SAME_ALGEBRA)


def test_between_first_difference_random_effects_equal_linearmodels() -> None:
    from linearmodels.panel import BetweenOLS, FirstDifferenceOLS, RandomEffects

    panel = _panel()
    y, X = _lm(panel)
    _same(mg.fit("y ~ x1 + x2", panel, estimator="between"), BetweenOLS(y, X).fit(),
          ["const", "x1", "x2"])
    _same(mg.fit("y ~ x1 + x2 - 1", panel, estimator="fd"),
          FirstDifferenceOLS(y, X[["x1", "x2"]]).fit(), ["x1", "x2"])
    _same(mg.fit("y ~ x1 + x2 - 1", panel, estimator="fd", cov_type="clustered"),
          FirstDifferenceOLS(y, X[["x1", "x2"]]).fit(cov_type="clustered", cluster_entity=True,
                                                     debiased=False),
          ["x1", "x2"])
    balanced = _panel(unbalanced=False)  # linearmodels' SA formula is the balanced one
    yb, Xb = _lm(balanced)
    ref = RandomEffects(yb, Xb).fit()
    res = mg.fit("y ~ x1 + x2", balanced, estimator="re")
    _same(res, ref, ["const", "x1", "x2"])
    assert res.stats["sigma2_u"] == pytest.approx(ref.variance_decomposition["Effects"],
                                                  rel=RTOL_SAME_ALGEBRA)


@pytest.mark.parametrize("effects", ["entity", "twoway"])
def test_within_equals_dummy_variable_ols(effects: str) -> None:
    import statsmodels.formula.api as smf

    panel = _panel()
    df = panel.to_frame()
    dummies = "C(c)" + (" + C(year)" if effects == "twoway" else "")
    lsdv = smf.ols(f"y ~ x1 + x2 + {dummies}", df).fit()
    res = mg.fit("y ~ x1 + x2", panel, estimator="fe", effects=effects)
    np.testing.assert_allclose(res.params[["x1", "x2"]], lsdv.params[["x1", "x2"]],
                               rtol=RTOL_SAME_ALGEBRA)
    np.testing.assert_allclose(res.std_errors[["x1", "x2"]], lsdv.bse[["x1", "x2"]],
                               rtol=RTOL_SAME_ALGEBRA)
    assert res.df_resid == lsdv.df_resid
    # Clustering by year: the country dummies are not nested in the clusters, so
    # under "stata" they count in K, exactly as in a dummy-variable regression.
    stata = mg.fit("y ~ x1 + x2", panel, estimator="fe", effects="entity",
                   cov_type="clustered", cluster="year", small_sample="stata")
    lsdv_cl = smf.ols("y ~ x1 + x2 + C(c)", df).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(df["year"])[0]})
    np.testing.assert_allclose(stata.std_errors[["x1", "x2"]], lsdv_cl.bse[["x1", "x2"]],
                               rtol=RTOL_SAME_ALGEBRA)


def test_mundlak_slopes_equal_within_on_balanced_panel() -> None:
    panel = _panel(unbalanced=False)
    fe = mg.fit("y ~ x1 + x2", panel, estimator="fe")
    cre = mg.fit("y ~ x1 + x2", panel, estimator="mundlak")
    np.testing.assert_allclose(cre.params[["x1", "x2"]], fe.params[["x1", "x2"]],
                               rtol=1e-8)
    assert {"mean(x1)", "mean(x2)"} <= set(cre.params.index)
    assert cre.tests["mundlak"].df == 2.0


@pytest.mark.parametrize("estimator", ["pooled", "fe", "re", "between", "fd", "mundlak"])
def test_row_order_and_country_names_do_not_matter(estimator: str) -> None:
    panel = _panel(3)
    df = panel.to_frame()
    shuffled = df.sample(frac=1.0, random_state=7)
    rename = {c: f"Z{99 - int(c[1:]):02d}" for c in df["c"].unique()}  # reverses the order
    shuffled["c"] = shuffled["c"].map(rename)
    other = mg.Panel.from_frame(shuffled, entity="c", time="year")
    opts: dict[str, Any] = {"cov_type": "clustered"} if estimator != "between" else {}
    a = mg.fit("y ~ x1 + x2", panel, estimator=estimator, **opts)
    b = mg.fit("y ~ x1 + x2", other, estimator=estimator, **opts)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)
    np.testing.assert_allclose(a.cov, b.cov, rtol=1e-9, atol=1e-14)


def test_iv_row_order_does_not_matter() -> None:
    panel = _panel(4)
    df = panel.to_frame().assign(z=lambda d: d["x1"] + np.cos(np.arange(len(d))))
    a = mg.fit("y ~ x2 + [x1 ~ z]", mg.Panel.from_frame(df, entity="c", time="year"),
               estimator="iv", effects="twoway")
    b = mg.fit("y ~ x2 + [x1 ~ z]",
               mg.Panel.from_frame(df.sample(frac=1, random_state=1), entity="c", time="year"),
               estimator="iv", effects="twoway")
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)
