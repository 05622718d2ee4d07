"""The WDICSV bulk reader caps a line's length: a file whose line never ends fails fast.

A compressed archive can hold a ``WDICSV.csv`` whose first line runs on for
gigabytes. Reading that line whole would take memory without bound; the reader
stops after :data:`migecon.panel.sources._wdicsv.MAX_LINE` bytes and says the
file is not a World Bank bulk file. Memory is measured with tracemalloc (no
timing).
"""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest
from panel_fixtures import values, wdicsv_text

from migecon.errors import DataError
from migecon.panel.sources import _wdicsv
from migecon.panel.sources.wdi_files import WDIFiles

#: Uncompressed size of the endless line: 64 times the cap.
ENDLESS = 64 << 20
#: Peak Python memory allowed while refusing it: a few read chunks, far below ENDLESS.
PEAK_LIMIT = 24 << 20


def _endless_zip(path: Path, prefix: bytes) -> Path:
    block = b"9" * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("WDICSV.csv", "w") as member:
        member.write(prefix)
        for _ in range(ENDLESS // len(block)):
            member.write(block)
    return path


@pytest.mark.slow
def test_compressed_first_line_that_never_ends_fails_fast_in_bounded_memory(
        tmp_path: Path) -> None:
    archive = _endless_zip(tmp_path / "WDI_CSV.zip",
                           b"Country Name,Country Code,Indicator Name,Indicator Code,1960,")
    assert archive.stat().st_size < ENDLESS // 100  # small on disk, huge when inflated
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=r"not a World Bank bulk file: its first line runs "
                                            r"past 1,048,576 bytes"):
            WDIFiles(archive).fetch(["SP.POP.GROW"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_LIMIT, peak


def test_data_line_that_never_ends_is_refused(tmp_path: Path) -> None:
    text = wdicsv_text(values())
    header, first, *_ = text.splitlines(keepends=True)
    path = tmp_path / "WDICSV.csv"
    path.write_bytes((header + first).encode() + b"7" * (2 * _wdicsv.MAX_LINE))
    with pytest.raises(DataError, match=r"not a World Bank bulk file: its \w+ line runs past"):
        WDIFiles(path).fetch(["SP.POP.GROW"])


def test_ordinary_bulk_file_is_unaffected(tmp_path: Path) -> None:
    path = tmp_path / "WDICSV.csv"
    path.write_text(wdicsv_text(values()))
    data = WDIFiles(path).fetch(["SP.POP.GROW"])
    assert len(data.values) > 0
