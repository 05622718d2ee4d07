"""``migecon demo`` writes every file it promises, only inside its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from migecon.cli import main

PROMISED = {"table.tex", "table.html", "table.md", "coefplot.png", "coverage.png",
            "results.json"}


def test_demo_writes_every_promised_file(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo-out"
    assert main(["demo", "--out", str(out)]) == 0
    written = {p.name for p in out.iterdir()}
    assert written == PROMISED
    # nothing outside the output folder
    assert {p.name for p in tmp_path.iterdir()} == {"demo-out"}
    for name in PROMISED:
        assert (out / name).stat().st_size > 0
    assert (out / "coefplot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    console = capsys.readouterr().out
    assert "SIMULATED DATA" in console
    assert "true" in console
    for name in PROMISED:
        assert str(out / name) in console
    table = (out / "table.md").read_text()
    assert "Simulated data" in table
    assert "Hausman" in table
    tex = (out / "table.tex").read_text()
    assert r"\toprule" in tex and r"\bottomrule" in tex


def test_demo_console_sets_estimates_beside_truth(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from migecon.demo import run_demo
    from migecon.simulate.remittances import TRUE_PARAMS

    result = run_demo(tmp_path, quiet=True)
    assert capsys.readouterr().out == ""
    for term, true in TRUE_PARAMS.items():
        line = next(li for li in result.console.splitlines() if li.startswith(term))
        assert f"{true:.3f}" in line
        fe2 = result.results["fe2"].params[term]
        assert f"{fe2:.3f}" in line


def test_demo_refuses_a_file_as_output_folder(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me")
    assert main(["demo", "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert "not a folder" in err
    assert target.read_text() == "keep me"
