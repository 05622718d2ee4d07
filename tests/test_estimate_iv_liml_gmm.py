"""LIML and two-step efficient GMM (iv_method=) against Stata's ivregress.

Reference: tests/results/estimate_stata_ivregress_liml_gmm.json, Stata 13 output of
``ivregress liml`` / ``ivregress gmm`` on hsng.dta as stored by linearmodels
(linearmodels/tests/iv/results/stata-iv-housing-results.txt; the data ship with the
installed linearmodels as housing.csv). Extracted by the script of the same name.
The panel (within) versions are checked against LIML with entity dummies
(linearmodels' IVLIML), an identity of the k-class estimator.
"""

from __future__ import annotations

import importlib.resources
import json

import numpy as np
import pandas as pd
import pytest
from weakiv_helpers import fit_checking_weak

import migecon as mg
from conftest import RESULTS
from migecon.errors import SpecificationError

REF = json.loads((RESULTS / "estimate_stata_ivregress_liml_gmm.json").read_text())
FORMULA = "rent ~ pcturban + [hsngval ~ faminc + N_Cntrl + South + West]"
#: housing.csv holds Stata's float storage written out; the 2SLS checks of
#: test_estimate_stata_cov.py reproduce Stata to 1e-10 relative on these data.
RTOL_FLOAT = 1e-10
#: Two computations of the same estimator (within vs dummies) agree to rounding.
RTOL_SAME = 1e-9


def _printed_rtol(text: str) -> float:
    """Half a unit of the last digit Stata printed (%13.12g), relative, or RTOL_FLOAT."""
    mantissa = text.split("e")[0].lstrip("-").replace(".", "").lstrip("0")
    value = abs(float(text))
    exponent = int(np.floor(np.log10(value)))
    return max(0.5 * 10.0 ** (exponent - len(mantissa) + 1) / value, RTOL_FLOAT)


@pytest.fixture(scope="module")
def hsng() -> mg.Panel:
    try:
        source = importlib.resources.files("linearmodels.tests.iv.results") / "housing.csv"
        df = pd.read_csv(str(source), index_col=0)
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - packaging
        pytest.skip("linearmodels' test data (housing.csv = Stata's hsng.dta) not installed")
    out = pd.DataFrame({"state": df["state"].astype(str), "year": 1980, "rent": df["rent"],
                        "pcturban": df["pcturban"], "hsngval": df["hsngval"],
                        "faminc": df["faminc"], "division": df["division"].astype(str)})
    for region in ("N Cntrl", "South", "West"):  # i.region with the first level as base
        out[region.replace(" ", "_")] = (df["region"] == region).astype(float).to_numpy()
    return mg.Panel.from_frame(out, entity="state", time="year")


OPTIONS = {"unadjusted": {"cov_type": "unadjusted"}, "robust": {"cov_type": "robust"},
           "cluster": {"cov_type": "clustered", "cluster": "division"}}


@pytest.mark.parametrize("method", ["liml", "gmm"])
@pytest.mark.parametrize("vcv", ["unadjusted", "robust", "cluster"])
def test_matches_stata_ivregress(hsng: mg.Panel, method: str, vcv: str) -> None:
    ref = REF[f"{method}-{vcv}-asymptotic"]
    # four instruments of middling strength: the weak-IV warning must match the statistics
    res = fit_checking_weak(FORMULA, hsng, estimator="pooled", effects="none",
                            small_sample="stata", iv_method=method,
                            **OPTIONS[vcv])  # type: ignore[arg-type]
    for term, text in ref["coef"].items():
        name = "const" if term == "_cons" else term
        assert res.params[name] == pytest.approx(float(text), rel=_printed_rtol(text)), term
        var = ref["V_diag"][term]
        assert res.cov.loc[name, name] == pytest.approx(float(var), rel=_printed_rtol(var)), term
    rmse = ref["stats"]["rmse"]
    assert res.stats["rmse"] == pytest.approx(float(rmse), rel=_printed_rtol(rmse))
    assert res.cov_info.dist == "normal"
    if method == "liml":
        kappa = ref["stats"]["kappa"]
        assert res.stats["kappa"] == pytest.approx(float(kappa), rel=_printed_rtol(kappa))
        assert res.model_name == "Pooled LIML"
    else:
        j = ref["stats"]["J"]
        assert res.tests["hansen_j"].stat == pytest.approx(float(j), rel=_printed_rtol(j))
        assert res.tests["hansen_j"].df == 3.0


def _iv_panel(seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n, t = 40, 6
    alpha = rng.normal(size=n)
    z1, z2, u = (rng.normal(size=(n, t)) for _ in range(3))
    x = 0.7 * z1 + 0.4 * z2 + 0.6 * u + alpha[:, None]
    w = rng.normal(size=(n, t))
    y = 1.2 * x - 0.5 * w + 2 * alpha[:, None] + u * (1 + np.abs(z1))
    return pd.DataFrame({"c": np.repeat([f"C{i:02d}" for i in range(n)], t),
                         "year": np.tile(np.arange(2001, 2001 + t), n), "y": y.ravel(),
                         "x": x.ravel(), "w": w.ravel(), "z1": z1.ravel(), "z2": z2.ravel()})


def test_fe_liml_equals_liml_with_entity_dummies() -> None:
    from linearmodels.iv import IVLIML

    df = _iv_panel()
    panel = mg.Panel.from_frame(df, entity="c", time="year")
    res = mg.fit("y ~ w + [x ~ z1 + z2]", panel, estimator="iv", iv_method="liml")
    exog = pd.concat([pd.Series(1.0, index=df.index, name="const"), df[["w"]],
                      pd.get_dummies(df["c"], drop_first=True, dtype=float)], axis=1)
    ref = IVLIML(df["y"], exog, df[["x"]], df[["z1", "z2"]]).fit(cov_type="unadjusted",
                                                                 debiased=True)
    assert res.stats["kappa"] == pytest.approx(ref.kappa, rel=RTOL_SAME)
    for term in ("w", "x"):
        assert res.params[term] == pytest.approx(ref.params[term], rel=RTOL_SAME)
        assert res.std_errors[term] == pytest.approx(ref.std_errors[term], rel=RTOL_SAME)
    assert res.model_name == "FE LIML (country)"


def test_fe_gmm_clustered_weight_matrix_is_efficient_and_reports_j() -> None:
    df = _iv_panel()
    panel = mg.Panel.from_frame(df, entity="c", time="year")
    gmm = mg.fit("y ~ w + [x ~ z1 + z2]", panel, estimator="iv", iv_method="gmm",
                 cov_type="clustered")
    tsls = mg.fit("y ~ w + [x ~ z1 + z2]", panel, estimator="iv", cov_type="clustered")
    assert "hansen_j" in gmm.tests and "sargan" not in gmm.tests
    assert gmm.params["x"] != pytest.approx(tsls.params["x"], rel=1e-6)
    # Exactly identified: GMM equals 2SLS whatever the weight matrix.
    just = mg.fit("y ~ w + [x ~ z1]", panel, estimator="iv", iv_method="gmm",
                  cov_type="robust")
    just_2sls = mg.fit("y ~ w + [x ~ z1]", panel, estimator="iv", cov_type="robust")
    assert just.params["x"] == pytest.approx(just_2sls.params["x"], rel=RTOL_SAME)
    assert just.std_errors["x"] == pytest.approx(just_2sls.std_errors["x"], rel=RTOL_SAME)


def test_iv_method_needs_an_iv_model() -> None:
    panel = mg.Panel.from_frame(_iv_panel(), entity="c", time="year")
    with pytest.raises(SpecificationError, match="iv_method='liml' needs an IV formula"):
        mg.fit("y ~ x", panel, estimator="fe", iv_method="liml")
    with pytest.raises(SpecificationError, match="EC2SLS is 2SLS only"):
        mg.fit("y ~ w + [x ~ z1]", panel, estimator="re", iv_method="gmm")
    with pytest.raises(SpecificationError, match="iv_method must be one of"):
        mg.fit("y ~ w + [x ~ z1]", panel, estimator="iv", iv_method="3sls")
