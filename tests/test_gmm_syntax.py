"""The xtabond2 command parser and the keyword form of mg.gmm."""

from __future__ import annotations

import pytest

from migecon.errors import SpecificationError
from migecon.estimate.gmm.syntax import (
    GMMSpec,
    GMMStyle,
    IVStyle,
    VarExpr,
    parse_command,
    parse_varlist,
    spec_to_command,
)

COLUMNS = ["n", "w", "k", "ys", "yr1979", "yr1980", "yr1981", "x1", "x2"]


def labels(text: str) -> list[str]:
    return [v.label for v in parse_varlist(text, COLUMNS)]


@pytest.mark.parametrize(("text", "expected"), [
    ("n L.n L2.n", ["n", "L.n", "L2.n"]),
    ("L(0/2).(k ys)", ["k", "L.k", "L2.k", "ys", "L.ys", "L2.ys"]),
    ("L(1 2).w", ["L.w", "L2.w"]),
    ("D.n LD.n L2D.w", ["D.n", "LD.n", "L2D.w"]),
    ("F.x1 F2.x2 D2.n", ["F.x1", "F2.x2", "D2.n"]),
    ("yr*", ["yr1979", "yr1980", "yr1981"]),
    ("yr1979-yr1980 x?", ["yr1979", "yr1980", "x1", "x2"]),
    ("L.(n w)", ["L.n", "L.w"]),
    ("l.n", ["L.n"]),
])
def test_varlist_expansion(text: str, expected: list[str]) -> None:
    assert labels(text) == expected


def test_operator_semantics() -> None:
    (v,) = parse_varlist("L2D.w", COLUMNS)
    assert (v.name, v.lag, v.diff) == ("w", 2, 1)
    (f,) = parse_varlist("F.n", COLUMNS)
    assert f.lag == -1 and f.lagged(2).label == "L.n"


def test_options_and_abbreviations() -> None:
    spec = parse_command(
        "xtabond2 n L.n w, gmm(L.n, lag(2 .) c eq(diff)) gmmstyle(w, laglimits(1 3)) "
        "ivstyle(w, eq(lev) p mz) two rob nol sm h(2) ar(3) or nod", COLUMNS)
    g1, g2 = spec.gmm
    assert (g1.lag_min, g1.lag_max, g1.collapse, g1.equation) == (2, None, True, "diff")
    assert (g2.lag_min, g2.lag_max) == (1, 3)
    (iv,) = spec.iv
    assert (iv.equation, iv.passthru, iv.mz) == ("level", True, True)
    assert (spec.steps, spec.robust, spec.system, spec.small, spec.h, spec.artests,
            spec.orthogonal, spec.diffsargan) == (2, True, False, True, 2, 3, True, False)
    assert spec.command.startswith("xtabond2 n L.n w")


def test_defaults_are_xtabond2s() -> None:
    spec = parse_command("n L.n, gmm(L.n)", COLUMNS)
    assert (spec.system, spec.steps, spec.robust, spec.h, spec.artests, spec.constant) == \
        (True, 1, False, 3, 2, True)
    assert spec.gmm[0].label == "gmm(L.n, lag(1 .))"


def test_split_makes_two_groups() -> None:
    spec = parse_command("n L.n, gmm(L.n, lag(2 4) split)", COLUMNS)
    diff, lev = spec.gmm
    assert (diff.equation, diff.lag_min, diff.lag_max) == ("diff", 2, 4)
    assert (lev.equation, lev.lag_min, lev.lag_max) == ("level", 1, 1)


def test_labels_match_xtabond2_output() -> None:
    g = GMMStyle((VarExpr("n"),), 2, 4)
    assert g.label == "gmm(n, lag(2 4))"
    assert IVStyle((VarExpr("k"),)).label == "iv(k)"
    assert IVStyle((VarExpr("yr1980"),), equation="level").label == "iv(yr1980, eq(level))"


def test_command_round_trip() -> None:
    spec = parse_command("n L(1/2).n w k, gmm(n, lag(2 4)) gmm(w, lag(1 3) collapse) "
                         "iv(k, eq(diff)) nolevel twostep robust small h(2) artests(3)", COLUMNS)
    again = parse_command(spec_to_command(spec), COLUMNS)
    assert again == spec


@pytest.mark.parametrize(("command", "message"), [
    ("n L.n zz, gmm(L.n)", "variable 'zz' not found in the panel; available: n, w"),
    ("n L.n, gmm(L.n) twostepp", "unknown xtabond2 option 'twostepp'; valid options:"),
    ("n L.n, gmm(L.n) cluster(n)", "cluster\\(\\) is not supported"),
    ("n L.n, gmm(L.n, lag(2))", "laglimits\\(\\) needs two arguments"),
    ("n L.n, gmm(L.n, eq(sideways))", "equation\\(sideways\\) invalid"),
    ("n L.n, gmm(L.n, orthogonal)", "not supported"),
    ("n L.n, gmm(L.n", "unbalanced parentheses"),
    ("n L.n yy*, gmm(L.n)", "matches no variable .*time_dummies=True"),
    ("n L.n if n > 0, gmm(L.n)", "'if' and 'in' qualifiers are not supported"),
    ("n L.n", "no instruments"),
    ("n L.n, gmm(L.n) h(4)", "h\\(\\) must be 1, 2 or 3"),
    ("n S.n, gmm(L.n)", "seasonal differences"),
    ("n L(a/b).n, gmm(L.n)", "invalid numlist"),
])
def test_bad_commands(command: str, message: str) -> None:
    with pytest.raises(SpecificationError, match=message):
        parse_command(command, COLUMNS)


def test_spec_validates_options() -> None:
    with pytest.raises(SpecificationError, match="steps must be 1 or 2"):
        GMMSpec(VarExpr("n"), (VarExpr("n", 1),), steps=3)
    with pytest.raises(SpecificationError, match="no regressors"):
        GMMSpec(VarExpr("n"), (), system=False)


@pytest.mark.parametrize("limits", ["lag(3 2)", "laglimits(4 1)", "lag(2 -1)"])
def test_reversed_lag_range_is_a_specification_error(limits: str) -> None:
    # xtabond2 swaps reversed limits silently; migecon says so instead of guessing.
    with pytest.raises(SpecificationError, match=r"lag range .* is reversed .*write lag\("):
        parse_command(f"xtabond2 n L.n w, gmm(L.n, {limits}) iv(w)", COLUMNS)
