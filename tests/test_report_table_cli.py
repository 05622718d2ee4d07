"""``migecon table``: tables from saved results, any format, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_fixtures import fixed_effects, pooled, system_gmm

from migecon.cli import main


@pytest.fixture
def saved(tmp_path: Path) -> list[str]:
    """Two files: one result, and a name -> result mapping as ``migecon demo`` writes."""
    one = tmp_path / "pooled.json"
    pooled().to_json(str(one))
    many = tmp_path / "dynamic.json"
    many.write_text(json.dumps({"fe": fixed_effects().to_dict(),
                                "gmm": system_gmm().to_dict()}), encoding="utf-8")
    return [str(one), str(many)]


@pytest.mark.parametrize("ext", ["tex", "html", "md", "txt", "csv", "xlsx", "docx"])
def test_writes_every_format(saved: list[str], tmp_path: Path, ext: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"table.{ext}"
    assert main(["table", *saved, "--out", str(out), "--title", "Saved results"]) == 0
    assert out.stat().st_size > 0
    assert capsys.readouterr().out.strip() == f"Wrote {out} (3 models)"


def test_table_from_json_matches_the_results(saved: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", *saved, "--format", "md", "--label", "remittances=Remittances",
                 "--drop", "const", "--note", "From saved JSON."]) == 0
    out = capsys.readouterr().out
    assert "| Remittances | 0.052\\*\\* | 0.085\\*\\*\\* | 0.071\\* |" in out
    assert "| Hansen test (p) |  |  | 0.347 |" in out
    assert "Constant" not in out
    assert "From saved JSON." in out


def test_format_option_overrides_the_extension(saved: list[str], tmp_path: Path) -> None:
    out = tmp_path / "table.txt"
    assert main(["table", *saved, "--out", str(out), "--format", "tex"]) == 0
    assert out.read_text().startswith("% migecon regression table")


def test_options_reach_the_table(saved: list[str], capsys: pytest.CaptureFixture[str],
                                 tmp_path: Path) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"diaspora": "Diaspora"}))
    assert main(["table", saved[0], "--se", "tstats", "--digits", "2", "--stars", "none",
                 "--order", "investment", "--labels-file", str(labels),
                 "--column-labels", "OLS"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "OLS" in out and "Diaspora" in out and "*" not in out.split("===")[1]
    first_row = next(line for line in lines if line.startswith("investment"))
    assert first_row.split() == ["investment", "0.13"]


@pytest.mark.parametrize(("args", "message"), [
    (["missing.json"], "results file missing.json not found"),
    (["{bad}"], "is not valid JSON"),
    (["{list}"], "is not a saved migecon result"),
    (["{ok}", "--format", "xlsx"], "--format xlsx is a binary file format"),
    (["{ok}", "--out", "{existing}"], "exists; pass --force"),
    (["{ok}", "--out", "{tmp}/table.pdf"], "cannot tell the table format"),
    (["{ok}", "--stars", "high"], "--stars takes levels"),
    (["{ok}", "--label", "remittances"], "--label needs TERM=LABEL"),
    (["{ok}", "--order", "nothing"], "which no model estimates"),
])
def test_bad_input_gives_one_line_errors(tmp_path: Path, args: list[str], message: str,
                                         capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "list.json").write_text(json.dumps([{"params": {}}]))
    (tmp_path / "existing.tex").write_text("keep me")
    pooled().to_json(str(tmp_path / "ok.json"))
    names = {"{bad}": "bad.json", "{list}": "list.json", "{ok}": "ok.json",
             "{existing}": "existing.tex"}
    argv = [names.get(a, a).replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["table", *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith("migecon table: error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert (tmp_path / "existing.tex").read_text() == "keep me"
