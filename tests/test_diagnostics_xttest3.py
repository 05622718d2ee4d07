"""groupwise_heteroskedasticity against Stata's xttest3 conventions.

No printed ``xttest3`` output (nor gretl's "Distribution free Wald test for
heteroskedasticity" after a fixed-effects model) on a dataset available offline
was found in the stores searched for this project, so there is no reference
number here: the statistic is checked against Baum's formula worked by hand in
``test_diagnostics_errors.py``. What this file pins down is the one convention
read from ``xttest3.ado`` (v1.0.7) that differs from migecon: Stata's degrees of
freedom are ``e(N_g)``, every entity of the regression, even those too short to
enter the statistic. migecon leaves them out of both and says so in the note.
"""

from __future__ import annotations

import pandas as pd
import pytest

import migecon as mg
from migecon.errors import DroppedDataWarning


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
