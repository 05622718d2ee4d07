"""The command line: help, version, datasets, and one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

import migecon
from migecon.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"migecon {migecon.__version__}"


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "demo" in out and "datasets" in out


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: migecon" in capsys.readouterr().out


def test_datasets_lists_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets"]) == 0
    assert "remittances_sim" in capsys.readouterr().out


def test_console_script_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "migecon.cli", "--version"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith("migecon ")


def test_output_piped_into_a_reader_that_stops_early_is_not_a_traceback() -> None:
    # `migecon replicate --list | head -0`: the reader is gone before migecon writes.
    reader = subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE)
    reader.wait()
    done = subprocess.run([sys.executable, "-m", "migecon.cli", "replicate", "--list"],
                          stdout=reader.stdin, stderr=subprocess.PIPE, text=True, check=False)
    reader.stdin.close()
    assert done.returncode == 141, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_gmm_subcommand_reproduces_arellano_bond(tmp_path, capsys) -> None:
    """Issue 14, item 8: `migecon gmm "<xtabond2 command>"`; AB (1991) Table 4 (a1), the
    reference in tests/results/gmm_abdata_difference.json (Stata xtabond manual, 7 dp)."""
    import json
    from pathlib import Path

    import migecon as mg
    from migecon.cli import main

    ref = json.loads((Path(__file__).parent / "results" /
                      "gmm_abdata_difference.json").read_text())["ab1991_a1_onestep"]
    out = tmp_path / "ab.json"
    assert main(["gmm", ref["command"], "--dataset", "abdata", "--time-dummies",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Dynamic panel-data estimation" in printed and f"Wrote {out}" in printed
    res = mg.Result.from_dict(json.loads(out.read_text()))
    for name in ("L.n", "w", "k"):
        assert res.params[name] == pytest.approx(ref["coef"][name], abs=1e-5)  # 7 dp, float data
    assert main(["gmm", "n L.n, gmm(L.n) bogus(", "--dataset", "abdata", "--out",
                 str(tmp_path / "x.json")]) == 1
    assert "migecon gmm: error:" in capsys.readouterr().err


def test_build_with_a_set_and_extra_indicators_builds_both(tmp_path, capsys) -> None:
    """Issue 14, item 8: --indicators SET --indicator NAME=CODE builds the set and the extra."""
    from migecon.cli import main

    lines = {"bx.trf.pwkr.cd.dt": "1.0e9", "ny.gdp.mktp.cd": "2.0e10", "sp.pop.grow": "1.5"}
    for code, value in lines.items():
        (tmp_path / f"{code}.csv").write_text(
            f"Country Name,Country Code,Year,Value\nNepal,NPL,2020,{value}\n")
    out = tmp_path / "p.csv"
    assert main(["build", "--data", str(tmp_path), "--indicators", "remittances",
                 "--indicator", "pop=SP.POP.GROW", "--out", str(out)]) == 0
    import pandas as pd

    assert list(pd.read_csv(out).columns) == ["iso3", "year", "remittances",
                                              "remittances_usd", "pop"]
    capsys.readouterr()


def test_conflict_error_names_the_command_line_flag(tmp_path, capsys) -> None:
    from migecon.cli import main

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "sp.pop.grow.csv").write_text(
            "Country Name,Country Code,Year,Value\nNepal,NPL,2020,1.5\n")
    args = ["build", "--data", str(tmp_path / "a"), "--data", str(tmp_path / "b"),
            "--indicator", "pop=SP.POP.GROW", "--out", str(tmp_path / "p.csv")]
    assert main(args) == 1
    assert "--on-conflict newest" in capsys.readouterr().err
    assert main([*args, "--on-conflict", "newest"]) == 0


def test_help_imports_no_subcommand_and_nothing_heavy() -> None:
    """Issue 14, item 9: `migecon --help` lists every subcommand without importing them,
    nor pandas, numpy, scipy or matplotlib (times are in benchmarks/, not here)."""
    code = ("import sys\nfrom migecon.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit:\n    pass\n"
            "heavy = sorted(m for m in ('pandas', 'numpy', 'scipy', 'matplotlib', "
            "'migecon.panel', 'migecon.estimate', 'migecon.report', 'migecon.study') "
            "if m in sys.modules)\nprint('HEAVY', heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert "HEAVY []" in done.stdout
    for name in ("demo", "datasets", "build", "fit", "gmm", "replicate", "table", "run"):
        assert f"    {name}" in done.stdout


def test_command_table_matches_the_modules() -> None:
    from migecon.cli import COMMANDS, SUBCOMMANDS, build_parser

    full = build_parser()
    sub = next(a for a in full._actions if a.__class__.__name__ == "_SubParsersAction")
    registered = {a.dest: a.help for a in sub._choices_actions}
    assert registered == {name: help_text for name, (_, help_text) in COMMANDS.items()}
    assert set(SUBCOMMANDS) == {module for module, _ in COMMANDS.values()}
    for name, (module, _) in COMMANDS.items():  # each module registers its own command
        one = build_parser(only=name)
        assert name in one._subparsers._group_actions[0].choices  # type: ignore[union-attr]
        assert module in sys.modules
