"""Absorbed fixed effects (``mg.fit(..., absorb=[...])``) and the iterative demeaning.

References, none computed by the code under test:

* a dummy-variable regression (LSDV) built here with explicit dummies and solved by
  ``np.linalg.lstsq`` (coefficients, residual degrees of freedom = N - rank, the clustered
  covariance with reghdfe's K: absorbed effects nested in the clusters not counted);
* pyfixest 0.60 (``feols``, alternating projections to 1e-14), a test dependency.

Tolerance: both sides are double-precision least squares on a 400-row panel whose
conditioning is of order 10, so they agree to ~1e-12; 1e-8 is the brief's bar, and a
degree of freedom miscounted by one moves a standard error by about 1/(2N) ~ 1e-3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import AbsorbedVariableError, DroppedDataWarning, SpecificationError
from migecon.estimate.linear.absorb import Absorber, ConvergenceError, singleton_rows

RTOL = 1e-8


def _frame(seed: int = 7) -> pd.DataFrame:
    """Unbalanced firm x year panel with a row-level region and a firm-level sector."""
    rng = np.random.default_rng(seed)
    firms, years = 60, 8
    df = pd.DataFrame({"firm": np.repeat(np.arange(firms), years),
                       "year": np.tile(np.arange(2000, 2000 + years), firms)})
    df = df[rng.random(len(df)) > 0.15].reset_index(drop=True)
    n = len(df)
    df["region"] = rng.integers(0, 12, n)
    df["sector"] = df["firm"] % 5
    fe = rng.normal(size=firms)[df["firm"]]
    df["x1"] = rng.normal(size=n) + fe
    df["x2"] = rng.normal(size=n) + 0.1 * (df["year"] - 2000)
    df["y"] = 0.5 * df.x1 - 0.3 * df.x2 + fe + 0.2 * df.region + rng.normal(size=n)
    return df


def _panel(df: pd.DataFrame) -> mg.Panel:
    return mg.Panel.from_frame(df, entity="firm", time="year")


def _lsdv(df: pd.DataFrame, factors: list[str], cluster: str | None = None,
          nested: tuple[str, ...] = ()) -> dict[str, object]:
    """Slopes, residual df and (unadjusted or CR1) SEs from explicit dummies."""
    D = np.column_stack([pd.get_dummies(df[f].astype(str)).to_numpy(float) for f in factors])
    X = df[["x1", "x2"]].to_numpy(float)
    y = df["y"].to_numpy(float)
    full = np.column_stack([X, D])
    coef = np.linalg.lstsq(full, y, rcond=None)[0]
    resid = y - full @ coef
    rank = int(np.linalg.matrix_rank(full))
    n = len(y)
    # Frisch-Waugh: slopes' covariance from the regressors residualised on the dummies.
    Xt = X - D @ np.linalg.lstsq(D, X, rcond=None)[0]
    bread = np.linalg.inv(Xt.T @ Xt)
    if cluster is None:
        cov = bread * (resid @ resid) / (n - rank)
    else:
        codes = pd.factorize(df[cluster])[0]
        g = codes.max() + 1
        sums = np.zeros((g, 2))
        np.add.at(sums, codes, Xt * resid[:, None])
        # reghdfe: K = rank of [X, dummies] less the levels of factors nested in the
        # clusters (one of them stands for the constant, which is kept).
        k = rank - sum(df[f].nunique() - 1 for f in nested)
        cov = (g / (g - 1)) * ((n - 1) / (n - k)) * bread @ (sums.T @ sums) @ bread
    return {"coef": coef[:2], "df_resid": n - rank, "se": np.sqrt(np.diag(cov))}


def test_three_way_equals_dummy_regression() -> None:
    df = _frame()
    ref = _lsdv(df, ["firm", "year", "region"])
    res = mg.fit("y ~ x1 + x2", _panel(df), effects="twoway", absorb=["region"])
    np.testing.assert_allclose(res.params[["x1", "x2"]], ref["coef"], rtol=RTOL)
    assert res.df_resid == ref["df_resid"]
    np.testing.assert_allclose(res.std_errors[["x1", "x2"]], ref["se"], rtol=RTOL)
    assert res.model_name == "FE (two-way) + region"


def test_three_way_clustered_uses_reghdfe_k() -> None:
    df = _frame()
    ref = _lsdv(df, ["firm", "year", "region"], cluster="firm", nested=("firm",))
    res = mg.fit("y ~ x1 + x2", _panel(df), effects="twoway", absorb=["region"],
                 cov_type="clustered", small_sample="stata")
    np.testing.assert_allclose(res.std_errors[["x1", "x2"]], ref["se"], rtol=RTOL)
    # Clustered by region: the region effects are nested in the clusters, the firm ones not.
    ref = _lsdv(df, ["firm", "year", "region"], cluster="region", nested=("region",))
    res = mg.fit("y ~ x1 + x2", _panel(df), effects="twoway", absorb=["region"],
                 cov_type="clustered", cluster="region", small_sample="stata")
    np.testing.assert_allclose(res.std_errors[["x1", "x2"]], ref["se"], rtol=RTOL)


def test_two_way_unbalanced_equals_dummy_regression() -> None:
    df = _frame(3)
    ref = _lsdv(df, ["firm", "year"])
    res = mg.fit("y ~ x1 + x2", _panel(df), effects="twoway")
    np.testing.assert_allclose(res.params[["x1", "x2"]], ref["coef"], rtol=RTOL)
    assert res.df_resid == ref["df_resid"]
    np.testing.assert_allclose(res.std_errors[["x1", "x2"]], ref["se"], rtol=RTOL)


def test_interaction_and_three_way_equal_pyfixest() -> None:
    pf = pytest.importorskip("pyfixest")
    df = _frame()
    panel = _panel(df)
    res = mg.fit("y ~ x1 + x2", panel, effects="twoway", absorb=["region"],
                 cov_type="clustered", small_sample="stata")
    with pytest.warns(DeprecationWarning):  # fixef_tol: pyfixest 0.60 prefers demeaner=
        ref = pf.feols("y ~ x1 + x2 | firm + year + region", df, vcov={"CRV1": "firm"},
                       fixef_tol=1e-14)
    np.testing.assert_allclose(res.params[["x1", "x2"]], ref.coef()[["x1", "x2"]], rtol=RTOL)
    np.testing.assert_allclose(res.std_errors[["x1", "x2"]], ref.se()[["x1", "x2"]],
                               rtol=RTOL)
    # Four factors with an interaction of a variable and the time index.
    res = mg.fit("y ~ x1 + x2", panel, effects="twoway", absorb=["sector^year", "region"])
    with pytest.warns(DeprecationWarning):
        ref = pf.feols("y ~ x1 + x2 | firm + year + sector^year + region", df, fixef_tol=1e-14)
    np.testing.assert_allclose(res.params[["x1", "x2"]], ref.coef()[["x1", "x2"]], rtol=RTOL)
    lsdv = _lsdv(df.assign(sy=df.sector * 10_000 + df.year), ["firm", "year", "sy", "region"])
    np.testing.assert_allclose(res.params[["x1", "x2"]], lsdv["coef"], rtol=RTOL)
    # reghdfe's count is conservative beyond two factors: sector^year loses one level here,
    # while its exact redundancy given firm and year effects is 5 + 8 - 1 = 12 levels.
    assert res.df_resid == lsdv["df_resid"] - 11


def test_degrees_of_freedom_count_components() -> None:
    # Two disconnected blocks of firms and years: the second factor loses two levels.
    firm = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    year = np.array([0, 1, 0, 1, 2, 3, 2, 3])
    ab = Absorber([firm, year], ["firm", "year"])
    assert ab.degrees_of_freedom() == [4, 2]
    D = np.column_stack([np.eye(4)[firm], np.eye(4)[year]])
    assert sum(ab.degrees_of_freedom()) == np.linalg.matrix_rank(D)


def test_tolerance_is_met_and_stated() -> None:
    df = _frame()
    codes = [pd.factorize(df[c])[0] for c in ("firm", "year", "region")]
    x = df["x1"].to_numpy()
    ab = Absorber(codes, ["firm", "year", "region"], tol=1e-12)
    out = ab.demean(x)
    assert ab.iterations > 2  # unbalanced three-way: really iterative
    scale = np.sqrt(np.mean(out**2))
    for c in codes:  # orthogonal to every factor's dummies
        means = np.bincount(c, weights=out) / np.bincount(c)
        assert np.max(np.abs(means)) < 1e-10 * scale
    with pytest.raises(ConvergenceError, match=r"tolerance 1e-12.*absorb_maxiter"):
        Absorber(codes, ["firm", "year", "region"], tol=1e-12, maxiter=3).demean(x, ["x1"])
    with pytest.raises(ConvergenceError, match="did not converge in 3 sweeps"):
        mg.fit("y ~ x1 + x2", _panel(df), effects="twoway", absorb=["region"],
               absorb_maxiter=3)


def test_weighted_demeaning_equals_weighted_dummy_regression() -> None:
    df = _frame()
    codes = [pd.factorize(df[c])[0] for c in ("firm", "region")]
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(df))
    x = df["x1"].to_numpy()
    out = Absorber(codes, ["firm", "region"], weights=w).demean(x)
    D = np.column_stack([np.eye(c.max() + 1)[c] for c in codes])
    sw = np.sqrt(w)
    ref = x - D @ np.linalg.lstsq(D * sw[:, None], x * sw, rcond=None)[0]
    np.testing.assert_allclose(out, ref, atol=1e-9 * np.sqrt(np.mean(x**2)))


def test_singletons_dropped_iteratively_and_counted() -> None:
    keep, counts = singleton_rows([np.array([0, 0, 1, 1, 2, 2, 3]),
                                   np.array([0, 1, 0, 1, 0, 2, 0])])
    # Row 6 (firm 3 alone), row 5 (year 2 alone), then firm 2 is alone in row 4.
    assert keep.tolist() == [True] * 4 + [False] * 3
    assert counts == [2, 1]
    df = _frame()
    df.loc[0, "region"] = 99  # a region seen once
    with pytest.warns(DroppedDataWarning, match="singleton region"):
        res = mg.fit("y ~ x1 + x2", _panel(df), effects="twoway", absorb="region")
    assert res.dropped == {"singleton region (one observation)": 1}
    assert res.nobs == len(df) - 1


def test_regressor_collinear_with_absorbed_factor_is_named() -> None:
    df = _frame()
    df["regional_price"] = df["region"] * 1.5 + 2.0
    with pytest.raises(AbsorbedVariableError, match=r"\['regional_price'\].*'region'"):
        mg.fit("y ~ x1 + regional_price", _panel(df), effects="twoway", absorb=["region"])


def test_bad_absorb_input() -> None:
    df = _frame().assign(one=1)
    panel = _panel(df)
    with pytest.raises(SpecificationError, match="'one' has a single level"):
        mg.fit("y ~ x1 + x2", panel, effects="twoway", absorb=["one"])
    with pytest.raises(SpecificationError, match="not a variable of the panel"):
        mg.fit("y ~ x1 + x2", panel, effects="twoway", absorb=["regoin"])
    with pytest.raises(SpecificationError, match="given twice"):
        mg.fit("y ~ x1 + x2", panel, effects="twoway", absorb=["year"])
    with pytest.raises(SpecificationError, match="estimator='fe' or 'iv'"):
        mg.fit("y ~ x1 + x2", panel, estimator="re", absorb=["region"])
    res = mg.fit("y ~ x1 + x2", panel, effects="twoway", absorb=["region"])
    with pytest.raises(SpecificationError, match="absorb= factors"):
        mg.wild_bootstrap(res, "x1", B=99, seed=1, progress=False)


def test_direct_two_way_solve_equals_iterated_projections() -> None:
    df = _frame(5)
    codes = [pd.factorize(df[c])[0] for c in ("firm", "year")]
    X = df[["y", "x1", "x2"]].to_numpy()
    w = np.random.default_rng(2).uniform(0.5, 2.0, len(df))
    for weights in (None, w):
        direct = Absorber(codes, ["firm", "year"], weights=weights)
        assert direct._use_direct()
        slow = Absorber(codes, ["firm", "year"], weights=weights, method="iterate")
        np.testing.assert_allclose(direct.demean(X), slow.demean(X), atol=1e-10)
