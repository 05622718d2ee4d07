"""Golden-file (snapshot) tests of every table format.

Each table is saved into ``tmp_path`` through ``RegressionTable.save`` and
compared with ``tests/golden/<name>.<ext>``. Excel and Word files are zip
archives with timestamps, so their golden files hold the extracted content
(cell values, number formats, merges, borders) as JSON.

To accept intended changes, regenerate the golden files and review the diff:

    MIGECON_UPDATE_GOLDENS=1 pytest tests/test_report_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from report_fixtures import GROUPS, LABELS, fixed_effects, pooled, three_models

import migecon as mg

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("MIGECON_UPDATE_GOLDENS") == "1"
TEXT_FORMATS = ("txt", "md", "tex", "html", "csv")


def grouped_table() -> mg.RegressionTable:
    """Groups, a spanning column header, added rows, GMM rows and special characters."""
    return mg.regression_table(
        three_models(), labels=LABELS, groups=GROUPS,
        column_groups=[("Static", 2), ("Dynamic", 1)],
        add_rows={"Sample": ["All", "All", "1991-2022"]},
        title="Remittances & growth: 100% of the_special {characters}",
        notes="Data: WDI_2024 & UN DESA; cost ~ $10 #1 {x} ^ \\ <b>.")


def plain_table() -> mg.RegressionTable:
    """Confidence intervals, no stars, a term moved first, the constant dropped."""
    return mg.regression_table(
        [fixed_effects(), pooled()], se="conf_int", stars=None, order=["investment"],
        drop=["const"], digits=2, column_labels=["Within", "Pooled"])


TABLES = {"grouped": grouped_table, "plain": plain_table}


def _compare(actual: str, golden: Path) -> None:
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    if not golden.exists():
        pytest.fail(f"golden file {golden} missing; create it with MIGECON_UPDATE_GOLDENS=1")
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{golden.name} changed; if intended, rerun with MIGECON_UPDATE_GOLDENS=1 and "
        "review git diff tests/golden/")


@pytest.mark.parametrize("name", sorted(TABLES))
@pytest.mark.parametrize("ext", TEXT_FORMATS)
def test_text_formats_match_golden(name: str, ext: str, tmp_path: Path) -> None:
    path = TABLES[name]().save(tmp_path / f"{name}.{ext}")
    _compare(path.read_text(encoding="utf-8"), GOLDEN / f"{name}.{ext}")


def xlsx_content(data: bytes) -> dict[str, Any]:
    """Everything a reader sees in the first sheet: values, formats, merges, rules."""
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                cells.append([cell.coordinate, cell.value, cell.number_format,
                              bool(cell.font.italic), bool(cell.font.bold)])
    borders = sorted([cell.coordinate, side, getattr(cell.border, side).style]
                     for row in ws.iter_rows() for cell in row
                     for side in ("top", "bottom", "left", "right")
                     if getattr(getattr(cell.border, side), "style", None))
    return {"cells": cells, "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "borders": borders}


def docx_content(data: bytes) -> dict[str, Any]:
    """The Word document's paragraphs, table cell texts and cell borders."""
    docx = pytest.importorskip("docx")
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(data))
    table = doc.tables[0]
    borders = []
    for i, row in enumerate(table.rows):
        for j, tc in enumerate(row._tr.tc_lst):
            tc_pr = tc.tcPr
            found = None if tc_pr is None else tc_pr.find(qn("w:tcBorders"))
            for edge in [] if found is None else list(found):
                borders.append([i, j, edge.tag.split("}")[1], edge.get(qn("w:sz"))])
    return {"paragraphs": [p.text for p in doc.paragraphs],
            "cells": [[c.text for c in row.cells] for row in table.rows],
            "borders": borders}


@pytest.mark.parametrize("name", sorted(TABLES))
@pytest.mark.parametrize("ext", ["xlsx", "docx"])
def test_binary_formats_match_golden(name: str, ext: str, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl" if ext == "xlsx" else "docx")
    path = TABLES[name]().save(tmp_path / f"{name}.{ext}")
    content = (xlsx_content if ext == "xlsx" else docx_content)(path.read_bytes())
    _compare(_dump(content), GOLDEN / f"{name}.{ext}.json")


def _dump(content: dict[str, Any]) -> str:
    """JSON with one table row (or cell, or border) per line, for readable diffs."""
    parts = []
    for key, items in content.items():
        lines = ",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in items)
        parts.append(f' "{key}": [\n{lines}\n ]')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def test_formats_agree_on_every_number() -> None:
    """Text, Markdown and CSV print the same cells (one model, many renderers)."""
    table = grouped_table()
    text, markdown, csv_text = table.to_text(), table.to_markdown(), table.to_csv()
    for row in table.model.body_rows():
        for cell in row[1:]:
            if cell:
                assert cell in text
                assert cell in csv_text
                assert cell.replace("*", "\\*") in markdown


def test_rows_follow_names_not_positions() -> None:
    """The FE model lists internet, investment, remittances: each lands in its own row."""
    rows = {r[0]: r for r in grouped_table().model.body_rows() if r[0]}
    assert rows["Remittances (% of GDP)"][1:] == ["0.052**", "0.085***", "0.071*"]
    assert rows["Internet users (%)"][1:] == ["0.018*", "0.024*", "0.012"]
    assert rows["Diaspora (% of population)"][1:] == ["-0.031***", "", "-0.018"]
    assert rows["Investment (% of GDP)"][1:] == ["0.134***", "0.153***", "0.141***"]
    assert rows["Growth (t-1)"][1:] == ["", "", "0.312***"]


def test_plain_table_puts_ordered_term_first_and_drops_the_constant() -> None:
    rows = [r for r in plain_table().model.body_rows() if r[0]]
    assert [r[0] for r in rows[:4]] == ["investment", "internet", "remittances", "diaspora"]
    assert all(r[0] != "Constant" for r in rows)
    # 95% interval of investment in the FE model: 0.153 ± 1.959964 × 0.0245.
    assert plain_table().model.body_rows()[1][1] == "[0.10, 0.20]"


def test_pooled_alone_keeps_its_own_order() -> None:
    rows = [r[0] for r in mg.regression_table(pooled()).model.body_rows()[:10:2]]
    assert rows == ["remittances", "diaspora", "internet", "investment", "Constant"]
