"""Bad input for the heterogeneous-slope family: clear errors, counted drops."""

from __future__ import annotations

import numpy as np
import pytest

import migecon as mg
from migecon.errors import DataError, DroppedDataWarning, SpecificationError


@pytest.fixture()
def frame():
    return mg.HeterogeneousSlopesDGP(n_countries=12, n_years=20).simulate(seed=2).data \
        .reset_index()


def _panel(df):
    return mg.Panel.from_frame(df, entity="country", time="year")


def test_units_with_too_few_periods_are_dropped_and_counted(frame):
    df = frame[~((frame["country"].isin(["C001", "C002"])) & (frame["year"] > 2001))]
    with pytest.warns(DroppedDataWarning, match=r"2 entities dropped .*too few|more than"):
        res = mg.fit("growth ~ remittances", _panel(df), estimator="mg")
    assert res.n_entities == 10 and res.stats["n_entities_dropped"] == 2
    assert res.dropped["entities that cannot be estimated (rows)"] == 4
    assert "C001" not in res.unit_params.index


def test_variable_constant_within_a_unit_drops_it(frame):
    frame.loc[frame["country"] == "C003", "remittances"] = 4.0
    with pytest.warns(DroppedDataWarning, match=r"C003 \(constant within it: \['remittances'\]"):
        res = mg.fit("growth ~ remittances", _panel(frame), estimator="ccemg")
    assert res.n_entities == 11


def test_no_estimable_unit_is_an_error(frame):
    df = frame[frame["year"] < 2002]
    with pytest.raises(DataError, match="0 of 12 entities can be estimated"), \
            pytest.warns(DroppedDataWarning):
        mg.fit("growth ~ remittances", _panel(df), estimator="mg")


def test_options_that_do_not_apply(frame):
    panel = _panel(frame)
    with pytest.raises(SpecificationError, match="effects='twoway' is not available"):
        mg.fit("growth ~ remittances", panel, estimator="ccemg", effects="twoway")
    with pytest.raises(SpecificationError, match="cov_type='clustered' is not available"):
        mg.fit("growth ~ remittances", panel, estimator="mg", cov_type="clustered")
    with pytest.raises(SpecificationError, match="cross_demean"):
        mg.fit("growth ~ remittances", panel, estimator="ccemg", cross_demean=True)
    with pytest.raises(SpecificationError, match="CCEP pools"):
        mg.fit("growth ~ remittances", panel, estimator="ccep", robust=True)
    with pytest.raises(TypeError):
        mg.fit("growth ~ remittances", panel, estimator="mg", bogus=1)


def test_cips_needs_balance_and_says_how_many(frame):
    df = frame.copy()
    df.loc[(df["country"] == "C004") & (df["year"] == 2010), "growth"] = np.nan
    with pytest.raises(DataError, match="1 of 12 entities miss 'growth'"):
        mg.cips(_panel(df), "growth")


def test_cips_short_panel_and_constant_series(frame):
    with pytest.raises(DataError, match="tabulated for N >= 10 and T >= 10"):
        mg.cips(_panel(frame[frame["year"] < 2009]), "growth", lags=0)
    frame.loc[frame["country"] == "C005", "growth"] = 1.0
    with pytest.raises(DataError, match="C005"):
        mg.cips(_panel(frame), "growth")
    with pytest.raises(SpecificationError, match="lags"):
        mg.cips(_panel(frame), "growth", lags=-1)


def test_dh_errors(frame):
    panel = _panel(frame)
    with pytest.raises(DataError, match=r"more than 5 \+ 3p = 20 periods"):
        mg.dumitrescu_hurlin(panel, "growth ~ remittances", lags=5)
    with pytest.raises(SpecificationError, match="'y ~ x'"):
        mg.dumitrescu_hurlin(panel, "growth ~ remittances + x2")
    df = frame[~((frame["country"] == "C006") & (frame["year"] == 2000))]
    with pytest.raises(DataError, match="1 of 12 entities miss periods"):
        mg.dumitrescu_hurlin(_panel(df), "growth ~ remittances", test="zbar")
    # Ztilde allows entity-specific T (the unbalanced formula).
    res = mg.dumitrescu_hurlin(_panel(df), "growth ~ remittances", test="ztilde")
    assert np.isfinite(res.stat)
    gap = frame[~((frame["country"] == "C007") & (frame["year"] == 2010))]
    with pytest.raises(DataError, match="missing periods inside"):
        mg.dumitrescu_hurlin(_panel(gap), "growth ~ remittances")
