"""Weights (aweight/pweight) and re_method="stata", against Stata, statsmodels and dummies.

Stata reference: tests/results/estimate_stata_simulated_panel.json, Stata 13 output
stored by linearmodels (linearmodels/tests/panel/results/stata-panel-simulated-results.txt)
on its simulated-panel.dta, which ships with the installed linearmodels package
(1000 firms x 3 years; the ``_light``/``_heavy`` variables have 5%/20% missing
values, so the samples are unbalanced). The json is extracted by
tests/results/estimate_stata_simulated_panel.py.
"""

from __future__ import annotations

import importlib.resources
import json

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from conftest import RESULTS
from migecon.errors import DataError, DroppedDataWarning, SpecificationError

REF = json.loads((RESULTS / "estimate_stata_simulated_panel.json").read_text())
#: Independent computations of the same formulas (statsmodels, dummies) agree to rounding.
RTOL_SAME = 1e-9


def _printed_rtol(text: str) -> float:
    """Half a unit of the last digit Stata printed (%13.12g), relative to the value."""
    mantissa = text.split("e")[0].lstrip("-").replace(".", "").lstrip("0")
    value = abs(float(text))
    exponent = int(np.floor(np.log10(value)))
    return 0.5 * 10.0 ** (exponent - len(mantissa) + 1) / value + 1e-12


@pytest.fixture(scope="module")
def simulated() -> mg.Panel:
    try:
        source = importlib.resources.files("linearmodels.tests.panel.results")
        with importlib.resources.as_file(source / "simulated-panel.dta") as path:
            df = pd.read_stata(path)
    except (ModuleNotFoundError, FileNotFoundError):
        pytest.skip("linearmodels' test data (simulated-panel.dta) not installed")
    # Dates (year ends) become annual periods; firm_id in the shipped file is a row id.
    return mg.Panel.from_frame(df.drop(columns=["index", "firm_id", "intercept"]),
                               entity="firm", time="time")


def _formula(suffix: str) -> str:
    return f"y{suffix} ~ " + " + ".join(f"x{i}{suffix}" for i in range(1, 6))


def _fit(suffix: str, panel: mg.Panel, **options: object) -> mg.Result:
    """mg.fit; with missing values (the _light/_heavy samples) the drop is counted."""
    if not suffix:
        return mg.fit(_formula(suffix), panel, **options)  # type: ignore[arg-type]
    with pytest.warns(DroppedDataWarning, match=f"missing y{suffix}"):
        return mg.fit(_formula(suffix), panel, **options)  # type: ignore[arg-type]


def _check_stata(res: mg.Result, ref: dict, stats: tuple[str, ...] = ()) -> None:
    for term, text in ref["coef"].items():
        name = "const" if term == "_cons" else term
        assert res.params[name] == pytest.approx(float(text), rel=_printed_rtol(text)), term
        var = ref["V_diag"][term]
        assert res.std_errors[name] ** 2 == pytest.approx(float(var),
                                                          rel=_printed_rtol(var)), term
    ours = {"sigma_e": np.sqrt(res.stats.get("sigma2_e", np.nan)),
            "sigma_u": np.sqrt(res.stats.get("sigma2_u", np.nan)),
            "rmse": res.stats["rmse"], "r2": res.rsquared, "r2_w": res.rsquared_within,
            "r2_b": res.rsquared_between, "r2_o": res.rsquared_overall,
            "N": float(res.nobs), "N_g": float(res.n_entities)}
    for key in stats:
        text = ref["stats"][key]
        assert ours[key] == pytest.approx(float(text), rel=_printed_rtol(text)), key


# --------------------------------------------------------- re_method="stata"
@pytest.mark.parametrize("suffix", ["_light", "_heavy"])
@pytest.mark.parametrize("vcv", ["conventional", "cluster"])
def test_re_stata_reproduces_xtreg_re_on_unbalanced_panels(simulated: mg.Panel, suffix: str,
                                                           vcv: str) -> None:
    ref = REF[f"random_effect-{vcv}--{suffix}"]
    cov = {"conventional": "unadjusted", "cluster": "clustered"}[vcv]
    res = _fit(suffix, simulated, estimator="re", re_method="stata",
                 cov_type=cov, small_sample="stata")
    _check_stata(res, ref, ("sigma_e", "sigma_u", "rmse", "r2_w", "r2_b", "r2_o", "N", "N_g"))
    # The harmonic mean of T_i is Stata's e(Tbar).
    counts = res.sample.get_level_values(0).value_counts()
    t_bar = len(counts) / float(np.sum(1.0 / counts))
    assert t_bar == pytest.approx(float(ref["stats"]["Tbar"]),
                                  rel=_printed_rtol(ref["stats"]["Tbar"]))


def test_plm_swamy_arora_differs_from_stata_only_when_unbalanced(simulated: mg.Panel) -> None:
    balanced = REF["random_effect-conventional--"]
    res = _fit("", simulated, estimator="re", re_method="swamy-arora")
    _check_stata(res, balanced, ("sigma_e", "sigma_u"))
    heavy = REF["random_effect-conventional--_heavy"]
    plm_rule = _fit("_heavy", simulated, estimator="re")
    assert abs(np.sqrt(plm_rule.stats["sigma2_u"]) / float(heavy["stats"]["sigma_u"]) - 1) > 1e-3


# ---------------------------------------------------------------- weights
@pytest.mark.parametrize(("vcv", "suffix"), [("conventional", ""), ("robust", ""),
                                             ("cluster", ""), ("conventional", "_heavy"),
                                             ("cluster", "_heavy")])
def test_weighted_pooled_matches_stata_regress_aweight(simulated: mg.Panel, vcv: str,
                                                       suffix: str) -> None:
    ref = REF[f"pooled-{vcv}-weighted-{suffix}"]
    cov = {"conventional": "unadjusted", "robust": "robust", "cluster": "clustered"}[vcv]
    res = _fit(suffix, simulated, estimator="pooled", weights="w", cov_type=cov,
                 small_sample="stata")
    _check_stata(res, ref, ("rmse", "r2", "N"))


@pytest.mark.parametrize(("vcv", "suffix"), [("conventional", ""), ("robust", ""),
                                             ("cluster", ""), ("conventional", "_heavy"),
                                             ("cluster", "_heavy")])
def test_weighted_fe_matches_stata_xtreg_fe_aweight(simulated: mg.Panel, vcv: str,
                                                    suffix: str) -> None:
    ref = REF[f"fixed_effect-{vcv}-weighted-{suffix}"]
    # xtreg, fe vce(robust) is clustered by panel; xtreg keeps singletons.
    cov = "unadjusted" if vcv == "conventional" else "clustered"
    res = _fit(suffix, simulated, estimator="fe", weights="w", cov_type=cov,
                 small_sample="stata", drop_singletons=False)
    _check_stata(res, ref, ("r2", "N", "N_g") + (("rmse",) if vcv == "conventional" else ()))


def _small_weighted_panel(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(25):
        a = rng.normal()
        for t in range(2001, 2009):
            if rng.random() < 0.15:
                continue  # unbalanced
            x, z = rng.normal(size=2)
            rows.append((f"C{i:02d}", t, x + 0.5 * z, z, 1 + a + x + rng.normal(),
                         rng.uniform(0.5, 5.0), ["Asia", "Africa", "Europe"][i % 3]))
    return pd.DataFrame(rows, columns=["c", "year", "x", "z", "y", "pop", "region"])


def test_weighted_pooled_equals_statsmodels_wls() -> None:
    import statsmodels.api as sm

    df = _small_weighted_panel()
    panel = mg.Panel.from_frame(df, entity="c", time="year")
    exog = sm.add_constant(df[["x", "z"]])
    wls = sm.WLS(df["y"], exog, weights=df["pop"])
    for cov, sm_fit in (("unadjusted", wls.fit()), ("robust", wls.fit(cov_type="HC1")),
                        ("clustered", wls.fit(cov_type="cluster",
                                              cov_kwds={"groups": pd.factorize(df["c"])[0]}))):
        res = mg.fit("y ~ x + z", panel, estimator="pooled", weights="pop", cov_type=cov,
                     small_sample="stata")
        np.testing.assert_allclose(res.params[["const", "x", "z"]], sm_fit.params,
                                   rtol=RTOL_SAME)
        np.testing.assert_allclose(res.std_errors[["const", "x", "z"]], sm_fit.bse,
                                   rtol=RTOL_SAME)
    assert res.rsquared == pytest.approx(wls.fit().rsquared, rel=RTOL_SAME)


@pytest.mark.parametrize("effects", ["entity", "twoway"])
def test_weighted_fe_equals_weighted_least_squares_on_dummies(effects: str) -> None:
    import statsmodels.api as sm

    df = _small_weighted_panel()
    panel = mg.Panel.from_frame(df, entity="c", time="year")
    dummies = [pd.get_dummies(df["c"], drop_first=True, dtype=float)]
    if effects == "twoway":
        dummies.append(pd.get_dummies(df["year"], prefix="t", drop_first=True, dtype=float))
    exog = sm.add_constant(pd.concat([df[["x", "z"]], *dummies], axis=1))
    lsdv = sm.WLS(df["y"], exog, weights=df["pop"]).fit()
    res = mg.fit("y ~ x + z", panel, estimator="fe", effects=effects, weights="pop",
                 drop_singletons=False)
    n, k = len(df), exog.shape[1]
    assert res.df_resid == n - k
    for term in ("x", "z"):
        assert res.params[term] == pytest.approx(lsdv.params[term], rel=RTOL_SAME)
        assert res.std_errors[term] == pytest.approx(lsdv.bse[term], rel=RTOL_SAME)
    clustered = mg.fit("y ~ x + z", panel, estimator="fe", effects=effects, weights="pop",
                       cov_type="clustered", cluster="region", small_sample="stata",
                       weight_type="pweight", drop_singletons=False)
    assert clustered.params["x"] == pytest.approx(lsdv.params["x"], rel=RTOL_SAME)
    assert clustered.cov_info.n_clusters == 3


def test_weighted_iv_equals_linearmodels_weighted_2sls() -> None:
    from linearmodels.iv import IV2SLS

    df = _small_weighted_panel()
    panel = mg.Panel.from_frame(df, entity="c", time="year")
    exog = pd.concat([pd.Series(1.0, index=df.index, name="const"),
                      pd.get_dummies(df["c"], drop_first=True, dtype=float)], axis=1)
    ref = IV2SLS(df["y"], exog, df[["x"]], df[["z"]], weights=df["pop"]).fit(
        cov_type="unadjusted", debiased=True)
    res = mg.fit("y ~ [x ~ z]", panel, estimator="iv", weights="pop", drop_singletons=False)
    assert res.params["x"] == pytest.approx(ref.params["x"], rel=RTOL_SAME)
    assert res.std_errors["x"] == pytest.approx(ref.std_errors["x"], rel=RTOL_SAME)
    pooled = IV2SLS(df["y"], exog[["const"]], df[["x"]], df[["z"]], weights=df["pop"]).fit(
        cov_type="robust", debiased=False)
    res = mg.fit("y ~ [x ~ z]", panel, estimator="pooled", weights="pop", cov_type="robust")
    assert res.params["x"] == pytest.approx(pooled.params["x"], rel=RTOL_SAME)
    assert res.std_errors["x"] == pytest.approx(pooled.std_errors["x"], rel=RTOL_SAME)


@pytest.mark.parametrize(("value", "message"), [(-1.0, "1 value\\(s\\) are negative"),
                                                (0.0, "1 value\\(s\\) are zero")])
def test_bad_weights_are_clear_errors(value: float, message: str) -> None:
    df = _small_weighted_panel()
    df.loc[3, "pop"] = value
    panel = mg.Panel.from_frame(df, entity="c", time="year")
    with pytest.raises(DataError, match=f"weights='pop': {message}.*must be positive"):
        mg.fit("y ~ x", panel, estimator="pooled", weights="pop")


def test_weight_options_that_do_not_apply_are_refused() -> None:
    panel = mg.Panel.from_frame(_small_weighted_panel(), entity="c", time="year")
    with pytest.raises(SpecificationError, match=r"pweight.*need cov_type='robust'"):
        mg.fit("y ~ x", panel, estimator="pooled", weights="pop", weight_type="pweight")
    with pytest.raises(SpecificationError, match="weights are available with estimator"):
        mg.fit("y ~ x", panel, estimator="re", weights="pop")
    with pytest.raises(DataError, match="weights='region' is a text column"):
        mg.fit("y ~ x", panel, estimator="pooled", weights="region")
    with pytest.raises(SpecificationError, match="weights='popn' is not a variable"):
        mg.fit("y ~ x", panel, estimator="pooled", weights="popn")


@pytest.mark.parametrize("weighted", [False, True])
def test_rsquared_without_constant_is_uncentred_as_statsmodels(weighted: bool) -> None:
    import statsmodels.api as sm

    df = _small_weighted_panel()
    panel = mg.Panel.from_frame(df, entity="c", time="year")
    w = df["pop"] if weighted else np.ones(len(df))
    ref = sm.WLS(df["y"], df[["x", "z"]], weights=w).fit()
    res = mg.fit("y ~ x + z - 1", panel, estimator="pooled",
                 **({"weights": "pop"} if weighted else {}))  # type: ignore[arg-type]
    assert res.rsquared == pytest.approx(ref.rsquared, rel=RTOL_SAME)
    assert ref.rsquared == pytest.approx(1 - ref.ssr / float(np.sum(w * df["y"] ** 2)),
                                         rel=RTOL_SAME)


def test_cli_fit_passes_weights_and_iv_method(tmp_path) -> None:
    from migecon.cli import main

    df = _small_weighted_panel()
    path = tmp_path / "p.csv"
    df.to_csv(path, index=False)
    out = tmp_path / "w.json"
    assert main(["fit", "y ~ [x ~ z]", "--data", str(path), "--entity", "c", "--time", "year",
                 "--estimator", "iv", "--iv-method", "liml", "--weights", "pop",
                 "--out", str(out), "--quiet"]) == 0
    back = mg.Result.from_dict(json.loads(out.read_text()))
    panel = mg.Panel.from_frame(df, entity="c", time="year")
    direct = mg.fit("y ~ [x ~ z]", panel, estimator="iv", iv_method="liml", weights="pop")
    assert back.params["x"] == pytest.approx(direct.params["x"], rel=1e-12)
    assert back.std_errors["x"] == pytest.approx(direct.std_errors["x"], rel=1e-12)


def test_weighted_fit_refuses_the_wild_bootstrap_but_keeps_first_stage_data() -> None:
    panel = mg.Panel.from_frame(_small_weighted_panel(), entity="c", time="year")
    res = mg.fit("y ~ x", panel, estimator="fe", weights="pop", cov_type="clustered")
    assert res.fit_data is not None and res.fit_data.weighted
    with pytest.raises(SpecificationError, match="unweighted models"):
        mg.wild_bootstrap(res, "x", B=199, seed=1)
