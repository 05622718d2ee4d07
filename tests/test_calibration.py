"""Check the calibration constants against the real data in ../shared/data."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from migecon.simulate import calibration

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
REL = 1e-3  # the constants are rounded to 4 significant digits


@pytest.fixture(scope="module")
def computed() -> dict[str, Any]:
    """Recompute the moments once, or skip when the data folder is absent."""
    if not DATA_DIR.is_dir():
        pytest.skip(f"../shared/data not present: {DATA_DIR} is missing")
    return calibration.compute_moments(DATA_DIR)


def test_developing_moments(computed: dict[str, Any]) -> None:
    expected = calibration.DEVELOPING_MOMENTS
    assert computed["DEVELOPING_MOMENTS"].keys() == expected.keys()
    for name, moment in expected.items():
        got = dataclasses.asdict(computed["DEVELOPING_MOMENTS"][name])
        assert got == pytest.approx(dataclasses.asdict(moment), rel=REL), name


def test_missing_share_by_year(computed: dict[str, Any]) -> None:
    expected = calibration.MISSING_SHARE_BY_YEAR
    assert computed["MISSING_SHARE_BY_YEAR"].keys() == expected.keys()
    for name, shares in expected.items():
        got = computed["MISSING_SHARE_BY_YEAR"][name]
        assert got == pytest.approx(shares, rel=REL), name


@pytest.mark.parametrize(
    "name",
    [
        "CORR_BETWEEN_REMIT_GROWTH",
        "CORR_BETWEEN_REMIT_LOG_GDPPC",
        "CORR_WITHIN_REMIT_GROWTH",
    ],
)
def test_correlations(computed: dict[str, Any], name: str) -> None:
    assert computed[name] == pytest.approx(getattr(calibration, name), rel=REL)
