"""examples/ardl_remittances.py runs on the real WDI data (skips without ../shared/data)."""

from __future__ import annotations

import runpy
import sys

import pytest

from conftest import ROOT

SCRIPT = ROOT / "examples" / "ardl_remittances.py"


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    monkeypatch.setenv("MIGECON_EXAMPLE_FAST", "1")


def test_ardl_example_on_real_wdi_panel(shared_data, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [str(SCRIPT), "--data", str(shared_data)])
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    assert "Sample: 16 of" in out
    for piece in ("panel ADF", "DF_t*", "boot_pvalue", "Hausman (MG vs PMG, long run)",
                  "Long run", "Adjustment", "Short run", "Log remittances per head"):
        assert piece in out
    # the units without error correction are named, not hidden
    assert "non-negative adjustment speed" in out


def test_ardl_example_without_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [str(SCRIPT), "--data", str(tmp_path)])
    runpy.run_path(str(SCRIPT), run_name="__main__")
    assert "The real WDI files are not in" in capsys.readouterr().out
