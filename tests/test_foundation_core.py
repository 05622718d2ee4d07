"""Foundation-level checks of Panel, fit, Result and tables on small, known inputs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import DuplicateKeyError, SpecificationError


def _small_panel() -> mg.Panel:
    rng = np.random.default_rng(0)
    rows = []
    for i, c in enumerate(["AAA", "BBB", "CCC", "DDD"]):
        for t in range(2000, 2010):
            x = rng.normal() + i
            rows.append({"iso3": c, "year": t, "x": x, "y": 2.0 * x + i + rng.normal()})
    return mg.Panel.from_frame(pd.DataFrame(rows), entity="iso3", time="year")


def test_fe_equals_dummy_variable_regression() -> None:
    panel = _small_panel()
    fe = mg.fit("y ~ x", panel, estimator="fe")
    df = panel.to_frame()
    dummies = pd.get_dummies(df["iso3"], dtype=float)
    X = np.column_stack([df["x"], dummies])
    beta = np.linalg.lstsq(X, df["y"], rcond=None)[0]
    assert fe.params["x"] == pytest.approx(beta[0], rel=1e-10)


def test_shuffled_rows_give_the_same_estimates() -> None:
    panel = _small_panel()
    shuffled = mg.Panel.from_frame(panel.to_frame().sample(frac=1, random_state=3),
                                   entity="iso3", time="year")
    a = mg.fit("y ~ x", panel, estimator="fe", cov_type="clustered")
    b = mg.fit("y ~ x", shuffled, estimator="fe", cov_type="clustered")
    pd.testing.assert_series_equal(a.params, b.params)
    pd.testing.assert_series_equal(a.std_errors, b.std_errors)


def test_duplicate_keys_error_names_examples() -> None:
    df = pd.DataFrame({"iso3": ["MEX", "MEX", "NPL"], "year": [2004, 2004, 2004],
                       "x": [1.0, 2.0, 3.0]})
    with pytest.raises(DuplicateKeyError, match=r"\('MEX', 2004\) appears 2 times"):
        mg.Panel.from_frame(df, entity="iso3", time="year")


def test_lag_formula_respects_gaps() -> None:
    df = pd.DataFrame({"c": ["A"] * 4 + ["B"] * 4, "t": [2000, 2001, 2003, 2004] * 2,
                       "y": [1.0, 2, 3, 4, 2, 3, 5, 8], "x": [0.5, 1, 2, 3, 1, 2, 2, 4]})
    panel = mg.Panel.from_frame(df, entity="c", time="t")
    with pytest.warns(mg.errors.DroppedDataWarning, match="missing L1.x: 4"):
        out = mg.fit("y ~ L(x, 1)", panel, estimator="pooled")
    # usable rows: 2001 and 2004 of each country (2003's lag, 2002, is absent)
    assert out.nobs == 4
    assert "L1.x" in out.params.index


def test_unknown_option_lists_valid_values() -> None:
    with pytest.raises(SpecificationError, match="cov_type must be one of"):
        mg.fit("y ~ x", _small_panel(), cov_type="cluster")


def test_result_round_trips_through_json() -> None:
    res = mg.fit("y ~ x", _small_panel(), estimator="fe", cov_type="clustered")
    back = mg.Result.from_dict(json.loads(json.dumps(res.to_dict())))
    pd.testing.assert_series_equal(back.params, res.params, check_names=False)
    pd.testing.assert_series_equal(back.std_errors, res.std_errors, check_names=False)
    assert back.cov_info == res.cov_info


def test_table_aligns_terms_by_name_not_position() -> None:
    panel = _small_panel().with_columns(
        {"z": _small_panel()["x"] ** 2})
    r1 = mg.fit("y ~ z + x", panel, estimator="pooled")
    r2 = mg.fit("y ~ x", panel, estimator="pooled")
    rows = mg.regression_table([r1, r2], digits=4).model.body_rows()
    x_row = next(r for r in rows if r[0] == "x")
    z_row = next(r for r in rows if r[0] == "z")
    assert x_row[1].rstrip("*") == f"{r1.params['x']:.4f}"
    assert x_row[2].rstrip("*") == f"{r2.params['x']:.4f}"
    assert z_row[2] == ""
