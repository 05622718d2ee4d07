"""Bad input to the estimators: each case raises (or warns) naming what is wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import (
    AbsorbedVariableError,
    DataError,
    DroppedDataWarning,
    RankDeficiencyError,
    SpecificationError,
)


def _frame(seed: int = 0, n: int = 12, t: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"iso3": np.repeat([f"C{i:02d}" for i in range(n)], t),
                       "year": np.tile(np.arange(2000, 2000 + t), n),
                       "x": rng.normal(size=n * t), "z": rng.normal(size=n * t)})
    df["y"] = df["x"] + rng.normal(size=n * t)
    df["latitude"] = np.repeat(rng.normal(size=n), t)  # time-invariant
    return df


def _panel(df: pd.DataFrame | None = None) -> mg.Panel:
    return mg.Panel.from_frame(_frame() if df is None else df, entity="iso3", time="year")


def test_formula_naming_a_missing_column() -> None:
    with pytest.raises(SpecificationError, match=r"formula names \['remit'\] not found.*"
                                                 r"available variables: .*x"):
        mg.fit("y ~ x + remit", _panel())
    with pytest.raises(SpecificationError, match="L\\(gdp, 1\\) refers to 'gdp'"):
        mg.fit("y ~ L(gdp, 1)", _panel())


def test_all_missing_regressor() -> None:
    df = _frame().assign(diaspora=np.nan)
    with pytest.raises(DataError, match="'diaspora' is missing in all 72 rows"):
        mg.fit("y ~ x + diaspora", _panel(df))


def test_lag_that_is_always_missing_explains_why() -> None:
    df = _frame()
    df["year"] = 2000 + 5 * (df["year"] - 2000)  # five-year periods
    with pytest.raises(DataError, match=r"'L1.x' is missing in all .*period length as the lag"):
        mg.fit("y ~ L(x, 1)", _panel(df))


def test_time_invariant_regressor_under_country_effects() -> None:
    panel = _panel()
    with pytest.raises(AbsorbedVariableError,
                       match=r"\['latitude'\] do not vary within country.*drop_absorbed=True"):
        mg.fit("y ~ x + latitude", panel, estimator="fe")
    with pytest.warns(DroppedDataWarning, match=r"absorbed by the effects and dropped: "
                                                r"\['latitude'\]"):
        res = mg.fit("y ~ x + latitude", panel, estimator="fe", drop_absorbed=True)
    assert res.absorbed == ("latitude",) and "latitude" not in res.params
    # Random effects and Mundlak keep it.
    assert "latitude" in mg.fit("y ~ x + latitude", panel, estimator="re").params


def test_regressor_common_to_all_countries_under_year_effects() -> None:
    df = _frame().assign(oil_price=lambda d: d["year"] * 0.5)
    with pytest.raises(AbsorbedVariableError, match=r"\['oil_price'\] are absorbed by the "
                                                    "country and year effects"):
        mg.fit("y ~ x + oil_price", _panel(df), estimator="fe", effects="twoway")


def test_perfect_collinearity_names_the_combination() -> None:
    df = _frame().assign(total=lambda d: d["x"] + 2 * d["z"])
    with pytest.raises(RankDeficiencyError,
                       match=r"'total' = \+1·'x' \+2·'z'"):
        mg.fit("y ~ x + z + total", _panel(df), estimator="pooled")
    with pytest.warns(DroppedDataWarning, match="collinear regressor"):
        res = mg.fit("y ~ x + z + total", _panel(df), estimator="pooled", drop_absorbed=True)
    assert res.omitted == ("total",)


def test_entities_with_one_observation_are_dropped_and_counted() -> None:
    df = _frame()
    df.loc[(df["iso3"] == "C03") & (df["year"] > 2000), "x"] = np.nan
    with pytest.warns(DroppedDataWarning, match="singleton country \\(one observation\\): 1"):
        res = mg.fit("y ~ x", _panel(df), estimator="fe")
    assert res.dropped == {"missing x": 5, "singleton country (one observation)": 1}
    assert res.n_entities == 11
    single = _frame(n=5, t=1)
    with pytest.raises(DataError, match="every country has a single complete observation"):
        mg.fit("y ~ x", _panel(single), estimator="fe")


def test_constant_outcome() -> None:
    with pytest.raises(DataError, match="'y' is constant \\(3 in all 72 rows"):
        mg.fit("y ~ x", _panel(_frame().assign(y=3.0)), estimator="pooled")
    with pytest.raises(DataError, match="does not vary within country"):
        mg.fit("latitude ~ x", _panel(), estimator="fe")


def test_string_columns() -> None:
    df = _frame().assign(region=lambda d: np.where(d["x"] > 0, "Asia", "Africa"))
    built = mg.Panel.from_frame(df, entity="iso3", time="year")
    assert isinstance(built["region"].dtype, pd.CategoricalDtype)
    data = df.set_index(["iso3", "year"])
    for panel in (built, mg.Panel(data)):  # category, or object text (constructor)
        with pytest.raises(DataError, match=r"'region' holds text.*write C\(region\)"):
            mg.fit("y ~ x + region", panel, estimator="pooled")
        res = mg.fit("y ~ x + C(region)", panel, estimator="pooled")
        assert "C(region)[T.Asia]" in res.params
    dirty = _frame().assign(gdp=["..", *["1.5"] * (len(df) - 1)])
    with pytest.raises(DataError, match=r"column 'gdp' must be numeric; 1 of its 72 cell"):
        mg.Panel.from_frame(dirty, entity="iso3", time="year")


def test_infinite_values_from_a_transformation() -> None:
    df = _frame().assign(remit=lambda d: np.abs(d["x"]))
    df.loc[0, "remit"] = 0.0
    with pytest.raises(DataError, match="infinite value"):
        mg.fit("y ~ np.log(remit)", _panel(df))
    df.loc[0, "remit"] = -1.0
    with pytest.raises(DataError, match=r"\['np.log\(remit\)'\] are undefined in 1 row"):
        mg.fit("y ~ np.log(remit)", _panel(df))


@pytest.mark.parametrize(("options", "message"), [
    ({"estimator": "gls"}, "estimator must be one of 'pooled', 'fe'"),
    ({"effects": "country"}, "effects must be one of 'entity', 'time', 'twoway', 'none'"),
    ({"cov_type": "cluster"}, "cov_type must be one of 'unadjusted', 'robust', 'clustered'"),
    ({"small_sample": "stata14"}, "small_sample must be one of 'none', 'stata'"),
    ({"re_method": "sa"}, "re_method must be one of 'swamy-arora', 'wallace-hussain'"),
    ({"cov_type": "driscoll-kraay", "kernel": "gauss"}, "kernel must be one of 'bartlett'"),
    ({"cov_type": "clustered", "cluster_df": "max"}, "cluster_df must be one of 'each'"),
    ({"cov_type": "robust", "cluster": "iso3"}, "cluster options .* need cov_type='clustered'"),
    ({"cov_type": "clustered", "clustre": "iso3"}, "unknown option\\(s\\) \\['clustre'\\]"),
    ({"cov_type": "clustered", "cluster": "region"}, "\\['region'\\] .* not in the panel"),
    ({"cov_type": "clustered", "cluster": ("a", "b", "c")}, "a pair of names"),
    ({"estimator": "re", "effects": "time"}, "effects='time' is not available with "
                                             "estimator='re'"),
    ({"estimator": "between", "cov_type": "driscoll-kraay"}, "need a time dimension"),
    ({"cov_type": "driscoll-kraay", "bandwidth": 10}, "bandwidth 10 must be below"),
])
def test_option_values_are_validated(options: dict, message: str) -> None:
    with pytest.raises(SpecificationError, match=message):
        mg.fit("y ~ x", _panel(), **options)


def test_malformed_formulas() -> None:
    with pytest.raises(SpecificationError, match="has no '~'"):
        mg.fit("y x", _panel())
    with pytest.raises(SpecificationError, match="must read \\[endogenous ~ instruments\\]"):
        mg.fit("y ~ [x z]", _panel(), estimator="iv")
    with pytest.raises(SpecificationError, match="instrumental variables are available"):
        mg.fit("y ~ [x ~ z]", _panel(), estimator="between")
