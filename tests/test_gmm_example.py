"""examples/remittances_system_gmm.py runs, on the real data and on the embedded panel."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "remittances_system_gmm.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("remittances_system_gmm", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(res: object, out: str) -> None:
    from migecon import Result

    assert isinstance(res, Result) and res.estimator == "gmm-system"
    assert res.cov_info.cov_type == "windmeijer"
    assert {"ar1", "ar2", "sargan", "hansen"} <= set(res.tests)
    assert res.stats["n_instruments"] <= res.n_entities  # Roodman's rule holds
    assert np.isfinite(res.params[["remittances", "diaspora"]]).all()
    for text in ("Referee checklist", "Bond (2002) bounds", "Difference-in-Hansen",
                 "Dynamic panel-data estimation, two-step system GMM"):
        assert text in out


def test_example_on_the_embedded_panel(capsys: pytest.CaptureFixture[str]) -> None:
    res = _load().main(["--simulated"])
    out = capsys.readouterr().out
    _check(res, out)
    assert "simulated panel" in out


def test_example_on_real_wdi_data(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res = _load().main(["--data", str(shared_data)])
    out = capsys.readouterr().out
    _check(res, out)
    assert "WDI and UN DESA files" in out
    assert res.n_entities > 80  # developing countries with five-year averages, 1990-2019


def test_example_without_data_says_how_to_get_it(tmp_path: Path) -> None:
    """Issue 14, item 8: no silent switch to simulated data."""
    with pytest.raises(SystemExit, match=r"not found\. Pass --data DIR.*--simulated"):
        _load().main(["--data", str(tmp_path / "absent")])
