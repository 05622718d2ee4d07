"""Numerical faults end in a clear error or a counted warning, never in a silent result.

* Nearly collinear regressors (a near-duplicate of a variable) used to give
  coefficients of +-4e7 with a within estimator and a bare numpy
  ``LinAlgError: Singular matrix`` with pooled OLS; they now raise
  :class:`RankDeficiencyError` by a condition-number rule.
* Values of 1e300 used to be reported as "do not vary within firm" (their
  squares overflow to inf); they now say overflow / rescale.
* A result with a non-finite standard error going into a table raises an
  :class:`EstimationWarning` with the counts.
"""

from __future__ import annotations

import numpy as np
import pytest

import migecon as mg
from migecon.errors import DataError, EstimationWarning, RankDeficiencyError
from migecon.estimate.linear.design import CONDITION_LIMIT


@pytest.fixture
def grunfeld() -> mg.Panel:
    panel = mg.load_dataset("grunfeld")
    rng = np.random.default_rng(0)
    value = panel.data["value"]
    return panel.with_columns({
        "near_copy": value + rng.normal(size=len(value)) * 1e-7,
        "huge": value * 1e300,
        "offset_huge": value + 1e300,
        "value_millions": value / 1e6,
    })


@pytest.mark.parametrize("estimator", ["pooled", "fe", "re", "fd"])
def test_near_duplicate_regressor_is_a_rank_deficiency(grunfeld: mg.Panel,
                                                       estimator: str) -> None:
    with pytest.raises(RankDeficiencyError, match=r"nearly collinear: the condition number "
                                                  r".* above the limit 1e\+07"):
        mg.fit("inv ~ value + near_copy + capital", grunfeld, estimator=estimator)


def test_the_rule_leaves_a_rescaled_variable_alone(grunfeld: mg.Panel) -> None:
    # Units do not matter: columns are scaled before the condition number is taken.
    a = mg.fit("inv ~ value + capital", grunfeld, estimator="pooled")
    b = mg.fit("inv ~ value_millions + capital", grunfeld, estimator="pooled")
    assert b.params["value_millions"] == pytest.approx(a.params["value"] * 1e6, rel=1e-9)
    assert np.isfinite(b.std_errors).all()
    assert CONDITION_LIMIT == 1e7


@pytest.mark.parametrize("formula", ["inv ~ huge + capital", "inv ~ offset_huge + capital",
                                     "huge ~ value"])
@pytest.mark.parametrize("estimator", ["pooled", "fe"])
def test_values_near_the_float_limit_say_overflow_not_no_variation(
        grunfeld: mg.Panel, formula: str, estimator: str) -> None:
    with pytest.raises(DataError, match=r"larger than 1e\+150 .*overflow double precision. "
                                        r"Rescale") as info:
        mg.fit(formula, grunfeld, estimator=estimator)
    assert "vary" not in str(info.value)


def test_non_finite_standard_error_in_a_table_warns_with_counts(grunfeld: mg.Panel) -> None:
    good = mg.fit("inv ~ value + capital", grunfeld, estimator="pooled")
    saved = good.to_dict()
    j = list(saved["params"]).index("value")
    saved["cov"][j][j] = float("nan")  # as a degenerate covariance would give
    broken = mg.Result.from_dict(saved)
    with pytest.warns(EstimationWarning, match=r"not finite .*B: 1 of 3 \(value\)"):
        mg.regression_table([good, broken], column_labels=["A", "B"])
