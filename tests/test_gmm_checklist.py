"""mg.gmm_checklist: the referee's checks on a GMM result, printed, structured and warned.

The test statistics the checklist reads (AR, Hansen, difference-in-Hansen) are
checked against xtabond2 in tests/test_gmm_abdata.py; here the question is whether
each check reads them right and speaks up. The failing case is found on public data
(Arellano-Bond's abdata): system GMM with n, w, k and ys all instrumented by their
collapsed lags 2-3 has a difference-in-Hansen p of about 0.02 for the levels
instruments.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

import migecon as mg

FAILING_LEVELS = "n L.n w k ys, gmm(L.n w k ys, lag(2 3) collapse) twostep robust"
PASSING = "n L.n L2.n w L.w k ys, gmm(L.n, collapse) iv(w L.w k ys) twostep robust"


@pytest.fixture(scope="module")
def abdata() -> mg.Panel:
    return mg.load_dataset("abdata")


def test_level_difference_in_hansen_failure_warns(abdata: mg.Panel) -> None:
    res = mg.gmm(FAILING_LEVELS, abdata)
    p = res.tests["diff_hansen:GMM instruments for levels"].pvalue
    assert p < 0.10
    with pytest.warns(mg.errors.EstimationWarning, match="GMM checklist") as rec:
        cl = mg.gmm_checklist(res)
    assert any("Difference-in-Hansen, GMM instruments for levels fails" in str(w.message)
               for w in rec)
    failed = {c.name for c in cl.failed}
    assert "Difference-in-Hansen, GMM instruments for levels" in failed
    assert "Hansen" in failed  # p = 0.005 as well
    assert len(rec) == len(cl.failed)
    frame = cl.to_frame()
    assert frame.loc["Difference-in-Hansen, GMM instruments for levels", "value"] == p
    assert not cl.ok
    # the summary shows the same verdicts, without warning
    text = mg.gmm_summary(res)
    assert "[FAIL] Difference-in-Hansen, GMM instruments for levels: p = 0.019" in text


def test_checklist_items_and_thresholds(abdata: mg.Panel) -> None:
    res = mg.gmm(PASSING, abdata)
    cl = mg.gmm_checklist(res, warn=False)
    names = [c.name for c in cl.checks]
    assert names[:4] == ["Instruments", "AR(1)", "AR(2)", "Hansen"]
    inst = cl.checks[0]
    assert inst.passed is (res.stats["n_instruments"] <= res.stats["n_groups"])
    ar2 = next(c for c in cl.checks if c.name == "AR(2)")
    assert ar2.value == res.tests["ar2"].pvalue and ar2.passed is (ar2.value >= 0.10)
    hansen = next(c for c in cl.checks if c.name == "Hansen")
    assert hansen.passed is (0.10 <= res.tests["hansen"].pvalue < 0.99)
    not_run = [c for c in cl.checks if c.passed is None]
    assert [c.name for c in not_run] == ["Bond bounds", "Collapsing"]
    assert "pass data=" in not_run[0].detail
    assert str(cl).startswith("GMM checklist")


def test_bond_bounds_and_collapsing_with_data(abdata: mg.Panel) -> None:
    res = mg.gmm("n L.n L2.n w L.w L(0/2).(k ys) yr*, gmm(L.n) iv(w L.w L(0/2).(k ys) yr*) "
                 "twostep robust", abdata)
    with pytest.warns(mg.errors.EstimationWarning, match="GMM checklist") as rec:
        cl = mg.gmm_checklist(res, abdata)
    assert len(rec) == len(cl.failed)
    bounds = next(c for c in cl.checks if c.name == "Bond bounds")
    assert cl.bounds is not None
    fe, ols = cl.bounds
    # pooled OLS and FE of the same equation, fitted directly
    rhs = "L(n, 1) + L(n, 2) + w + L(w, 1) + k + L(k, 1) + L(k, 2) + ys + L(ys, 1) + L(ys, 2)"
    rhs += " + " + " + ".join(f"yr{y}" for y in range(1978, 1984))
    with pytest.warns(mg.errors.DroppedDataWarning):
        direct_fe = mg.fit(f"n ~ {rhs}", abdata, estimator="fe")
    with pytest.warns(mg.errors.DroppedDataWarning):
        direct_ols = mg.fit(f"n ~ {rhs}", abdata, estimator="pooled", effects="none")
    assert fe == direct_fe.params["L1.n"] and ols == direct_ols.params["L1.n"]
    b = res.params["L.n"]
    assert bounds.passed == bool(min(fe, ols) <= b <= max(fe, ols))
    collapse = next(c for c in cl.checks if c.name == "Collapsing")
    assert cl.alternative is not None
    assert cl.alternative.stats["n_instruments"] < res.stats["n_instruments"]
    assert collapse.passed is not None


def test_checklist_refuses_other_results_and_plot_takes_one_result(abdata: mg.Panel) -> None:
    with pytest.raises(mg.errors.SpecificationError, match=r"needs a result of mg\.gmm"):
        mg.gmm_checklist(mg.fit("n ~ w + k", abdata))
    fig = mg.gmm_diagnostics_plot(mg.gmm(FAILING_LEVELS, abdata))
    label = fig.axes[0].get_yticklabels()[0].get_text()
    assert "2 checks fail: Hansen, diff-Hansen GMM instruments" in label
    plt.close(fig)


def test_bond_bounds_on_five_year_averages_use_the_period_length() -> None:
    # GMM lags count periods (1990, 1995, ...); mg.fit's lags count years, so the bounds
    # regress on L(log_gdppc, 5), with year effects as the GMM's time dummies.
    # five-year means need 3 of 5 years by default (issue 14): thin cells are counted and warned
    with pytest.warns(mg.errors.DroppedDataWarning, match="too few years"):
        panel = mg.load_dataset("remittances_sim").transform(average=5)
    res = mg.gmm("growth L.log_gdppc remittances investment yr*, gmm(L.log_gdppc, lag(1 2) "
                 "collapse) gmm(remittances investment, lag(2 3) collapse) iv(yr*, eq(level)) "
                 "twostep robust", panel, time_dummies=True)
    assert res.effects == "twoway"
    cl = mg.gmm_checklist(res, panel, warn=False, time_dummies=True)
    rhs = "L(log_gdppc, 5) + remittances + investment"
    with pytest.warns(mg.errors.DroppedDataWarning):
        fe = mg.fit(f"growth ~ {rhs}", panel, estimator="fe", effects="twoway")
    with pytest.warns(mg.errors.DroppedDataWarning):
        ols = mg.fit(f"growth ~ {rhs}", panel, estimator="pooled", effects="time")
    assert cl.bounds == (fe.params["L5.log_gdppc"], ols.params["L5.log_gdppc"])
