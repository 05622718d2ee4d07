"""Invariances and internal consistency of mg.gmm (no published numbers needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_gmm_bad_input import dynamic_frame

import migecon as mg
from migecon.errors import EstimationWarning, SpecificationError
from migecon.estimate.gmm import engine as gmm_engine
from migecon.estimate.gmm.data import fod_grid
from migecon.estimate.gmm.engine import H_matrix, transform_matrix, weight_factor
from migecon.estimate.gmm.linalg import GInverse

#: Same arithmetic in a different order (row order, column subsets): agreement to
#: rounding error of the linear algebra.
RTOL_REORDER = 1e-9

SYSTEM_2STEP = "y L.y x, gmm(L.y) iv(x) twostep robust"


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return dynamic_frame(n=80, t=9, seed=11)


@pytest.fixture(scope="module")
def panel(frame: pd.DataFrame) -> mg.Panel:
    return mg.Panel.from_frame(frame, entity="id", time="year")


@pytest.mark.parametrize("h", [1, 2, 3])
@pytest.mark.parametrize("system", [False, True])
@pytest.mark.parametrize("orthogonal", [False, True])
def test_weight_factor_reproduces_H(h: int, system: bool, orthogonal: bool) -> None:
    M = weight_factor(h, orthogonal, system, 7)
    np.testing.assert_allclose(M @ M.T, H_matrix(h, orthogonal, orthogonal, system, 7),
                               atol=1e-12)


def test_first_difference_H_is_the_band_matrix() -> None:
    H = H_matrix(3, False, False, False, 5)
    expected = 2 * np.eye(5) - np.eye(5, k=1) - np.eye(5, k=-1)
    expected[0, :] = expected[:, 0] = 0  # no differenced row for the first period
    np.testing.assert_array_equal(H, expected)


def test_forward_orthogonal_deviations_formula() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 6))
    out = fod_grid(x, np.ones_like(x, dtype=bool))
    t = 2  # stored one period late, at t + 1
    n = 6 - t - 1
    expected = np.sqrt(n / (n + 1)) * (x[:, t] - x[:, t + 1:].mean(axis=1))
    np.testing.assert_allclose(out[:, t + 1], expected)
    np.testing.assert_allclose(out, (transform_matrix(True, 6) @ x.T).T * np.where(
        np.arange(6) > 0, 1.0, np.nan), equal_nan=True)


def test_fod_skips_incomplete_later_periods() -> None:
    x = np.array([[1.0, 2.0, 4.0, 8.0]])
    complete = np.array([[True, True, False, True]])
    out = fod_grid(x, complete)
    # deviation of period 0 from the mean of periods 1 and 3 (period 2 is incomplete)
    assert out[0, 1] == pytest.approx(np.sqrt(2 / 3) * (1.0 - 5.0))


def test_ginverse_drops_later_collinear_columns() -> None:
    rng = np.random.default_rng(1)
    A = rng.normal(size=(20, 3))
    X = np.column_stack([A, A[:, 0] + A[:, 2], rng.normal(size=20)])
    S = X.T @ X
    g = GInverse(S)
    assert g.kept.tolist() == [0, 1, 2, 4]
    G = g.inverse()
    np.testing.assert_allclose(S @ G @ S, S, rtol=1e-8, atol=1e-8)
    full = GInverse(S[np.ix_([0, 1, 2, 4], [0, 1, 2, 4])])
    np.testing.assert_allclose(full.inverse(), np.linalg.inv(S[np.ix_([0, 1, 2, 4],
                                                                       [0, 1, 2, 4])]))


def test_row_order_and_entity_names_do_not_matter(frame: pd.DataFrame) -> None:
    base = mg.gmm(SYSTEM_2STEP, frame, entity="id", time="year")
    shuffled = frame.sample(frac=1.0, random_state=5)
    renamed = frame.assign(id="country_" + frame["id"].astype(str).str.zfill(3))
    for df in (shuffled, renamed):
        res = mg.gmm(SYSTEM_2STEP, df, entity="id", time="year")
        np.testing.assert_allclose(res.params.to_numpy(), base.params.to_numpy(),
                                   rtol=RTOL_REORDER)
        np.testing.assert_allclose(res.std_errors.to_numpy(), base.std_errors.to_numpy(),
                                   rtol=RTOL_REORDER)
        assert res.tests["hansen"].stat == pytest.approx(base.tests["hansen"].stat,
                                                         rel=RTOL_REORDER)


def test_panel_and_frame_give_the_same_result(frame: pd.DataFrame, panel: mg.Panel) -> None:
    a = mg.gmm(SYSTEM_2STEP, frame, entity="id", time="year")
    b = mg.gmm(SYSTEM_2STEP, panel)
    pd.testing.assert_series_equal(a.params, b.params)
    assert a.tests.keys() == b.tests.keys()


def test_keyword_form_equals_its_xtabond2_command(panel: mg.Panel) -> None:
    kw = mg.gmm(panel, dependent="y", lags=1, exog=["x"], transformation="system", steps=2,
                collapse=True)
    assert kw.formula == "xtabond2 y L.y x, gmm(L.y, collapse lag(1 .)) iv(x) twostep robust"
    cmd = mg.gmm(kw.formula, panel)
    pd.testing.assert_series_equal(kw.params, cmd.params)


def test_streaming_and_per_unit_products_agree(panel: mg.Panel,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fast = mg.gmm(SYSTEM_2STEP, panel)
    monkeypatch.setattr(gmm_engine, "MAX_UNIT_CROSS", 0)
    slow = mg.gmm(SYSTEM_2STEP, panel)
    np.testing.assert_allclose(slow.params, fast.params, rtol=RTOL_REORDER)
    np.testing.assert_allclose(slow.std_errors, fast.std_errors, rtol=RTOL_REORDER)
    for key in fast.tests:
        assert slow.tests[key].stat == pytest.approx(fast.tests[key].stat, rel=1e-7), key


def test_robust_onestep_reports_the_twostep_hansen(panel: mg.Panel) -> None:
    one = mg.gmm("y L.y x, gmm(L.y) iv(x) robust", panel)
    two = mg.gmm("y L.y x, gmm(L.y) iv(x) twostep", panel)
    assert one.tests["hansen"].stat == pytest.approx(two.tests["hansen"].stat, rel=1e-10)
    assert one.tests["sargan"].stat == pytest.approx(two.tests["sargan"].stat, rel=1e-10)


def test_difference_in_hansen_adds_up(panel: mg.Panel) -> None:
    res = mg.gmm("y L.y x, gmm(L.y, lag(1 4)) iv(x) twostep robust", panel)
    for key, test in res.tests.items():
        if key.startswith("diff_hansen:"):
            excl = res.tests["hansen_excl:" + key.split(":", 1)[1]]
            assert test.stat + excl.stat == pytest.approx(res.tests["hansen"].stat)
            assert test.df + excl.df == res.tests["hansen"].df


def test_collapse_has_one_instrument_per_lag(panel: mg.Panel) -> None:
    res = mg.gmm("y L.y x, gmm(L.y, lag(1 3) collapse) iv(x) nolevel", panel)
    assert res.stats["n_instruments"] == 3 + 1


def test_two_step_without_robust_is_conventional(panel: mg.Panel) -> None:
    conv = mg.gmm("y L.y x, gmm(L.y) iv(x) twostep", panel)
    corr = mg.gmm(SYSTEM_2STEP, panel)
    pd.testing.assert_series_equal(conv.params, corr.params)
    assert (corr.std_errors > conv.std_errors).all()  # Windmeijer's correction widens them
    assert conv.cov_info.cov_type == "unadjusted"


def test_orthogonal_deviations_run_and_use_differenced_ar_tests(panel: mg.Panel) -> None:
    res = mg.gmm("y L.y x, gmm(L.y) iv(x) orthogonal nolevel twostep robust", panel)
    assert res.model_name == "Difference GMM (two-step, orthogonal deviations)"
    assert np.isfinite(res.tests["ar1"].stat) and res.tests["ar1"].stat < 0
    kw = mg.gmm(panel, dependent="y", exog=["x"], transformation="fod")
    assert kw.formula.endswith("noleveleq orthogonal twostep robust")


def test_recovers_the_true_dynamics() -> None:
    # difference GMM: x is correlated with the unit effect, so it is no levels instrument
    df = dynamic_frame(n=600, t=7, seed=21)
    res = mg.gmm("y L.y x, gmm(L.y) iv(x) nolevel twostep robust", df, entity="id",
                 time="year")
    assert res.params["L.y"] == pytest.approx(0.5, abs=4 * res.std_errors["L.y"])
    assert res.params["x"] == pytest.approx(0.3, abs=4 * res.std_errors["x"])
    assert res.tests["ar2"].pvalue > 0.01


def test_result_works_with_tables_and_serialisation(panel: mg.Panel) -> None:
    res = mg.gmm(SYSTEM_2STEP, panel)
    again = mg.Result.from_dict(res.to_dict())
    pd.testing.assert_series_equal(again.params, res.params, check_names=False)
    assert again.tests["hansen"].stat == res.tests["hansen"].stat
    text = mg.regression_table([res]).to_text()
    assert "Hansen test (p)" in text and "Instruments" in text
    assert res.resid is not None and len(res.resid) > 0


def test_ginv_choice_matters_only_for_singular_weights(panel: mg.Panel) -> None:
    a = mg.gmm(SYSTEM_2STEP, panel)
    b = mg.gmm(SYSTEM_2STEP, panel, ginv="pinv")
    np.testing.assert_allclose(a.params, b.params, rtol=RTOL_REORDER)
    small = dynamic_frame(n=12, t=10)
    cmd = "y L.y x, gmm(L.y) iv(x) nolevel twostep robust"
    with pytest.warns(EstimationWarning) as rec_inv:
        inv = mg.gmm(cmd, small, entity="id", time="year")
    with pytest.warns(EstimationWarning) as rec_pin:
        pin = mg.gmm(cmd, small, entity="id", time="year", ginv="pinv")
    assert any("generalized inverse (invsym)" in str(w.message) for w in rec_inv)
    assert any("generalized inverse (pinv)" in str(w.message) for w in rec_pin)
    assert not np.allclose(inv.params, pin.params)
    assert any("inverted with pinv" in n for n in pin.notes)
    with pytest.raises(SpecificationError, match="ginv must be 'invsym' or 'pinv'"):
        mg.gmm(cmd, small, entity="id", time="year", ginv="lstsq")


def test_blocked_ginverse_keeps_the_sweep_columns_across_blocks() -> None:
    # 600 columns (three blocks of 256) of rank 400: column j > 0 is dependent when it is
    # one of the planted combinations of earlier columns; the reference rule is the
    # definition (rank rises when a column is appended), checked with numpy's SVD rank.
    rng = np.random.default_rng(3)
    base = rng.normal(size=(900, 400))
    cols, planted = [], set()
    k = 0
    for j in range(600):
        if j >= 10 and (j % 3 == 0 or k >= 400):
            picks = rng.choice(len(cols), size=3, replace=False)
            cols.append(sum(cols[p] * rng.normal() for p in picks))
            planted.add(j)
        else:
            cols.append(base[:, k])
            k += 1
    X = np.column_stack(cols)
    S = X.T @ X
    g = GInverse(S)
    assert g.kept.tolist() == [j for j in range(600) if j not in planted]
    assert np.linalg.matrix_rank(X[:, g.kept]) == g.rank == 400
    sub = S[np.ix_(g.kept, g.kept)]
    np.testing.assert_allclose(g.inverse()[np.ix_(g.kept, g.kept)] @ sub, np.eye(400),
                               atol=1e-8)
