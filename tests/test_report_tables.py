"""Regression tables: LaTeX compiles, Excel and Word hold the results' numbers, labels.

The Excel and Word files are written to disk, opened again with openpyxl and
python-docx, and read cell by cell. Expected texts (digits and stars) are
written out by hand from the fixed numbers in ``report_fixtures``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from report_fixtures import LABELS, fixed_effects, pooled, system_gmm, three_models

import migecon as mg
from migecon.errors import SpecificationError
from migecon.panel.core import VariableMeta
from migecon.report.render.latex import escape_latex

#: What a reader sees for each (row label, model column), digits and stars by hand.
EXPECTED_TEXT = {
    ("Remittances (% of GDP)", 1): "0.052**", ("Remittances (% of GDP)", 2): "0.085***",
    ("Remittances (% of GDP)", 3): "0.071*",
    ("Diaspora (% of population)", 1): "-0.031***", ("Diaspora (% of population)", 2): "",
    ("Diaspora (% of population)", 3): "-0.018",
    ("Internet users (%)", 1): "0.018*", ("Internet users (%)", 2): "0.024*",
    ("Internet users (%)", 3): "0.012",
    ("Investment (% of GDP)", 1): "0.134***", ("Investment (% of GDP)", 2): "0.153***",
    ("Investment (% of GDP)", 3): "0.141***",
    ("Growth (t-1)", 1): "", ("Growth (t-1)", 2): "", ("Growth (t-1)", 3): "0.312***",
    ("Constant", 1): "-1.500*", ("Constant", 2): "", ("Constant", 3): "0.900",
}
#: Standard errors under each coefficient, by hand.
EXPECTED_SE = {
    "Remittances (% of GDP)": ["(0.021)", "(0.024)", "(0.043)"],
    "Diaspora (% of population)": ["(0.012)", "", "(0.019)"],
    "Investment (% of GDP)": ["(0.019)", "(0.025)", "(0.052)"],
}
TERM_OF = {label: term for term, label in LABELS.items()} | {"Constant": "const"}


def _table() -> mg.RegressionTable:
    return mg.regression_table(three_models(), labels=LABELS, title="Remittances & growth",
                               notes="Sources: WDI_2024; 5% trimmed.")


# ------------------------------------------------------------------ LaTeX
PDFLATEX = shutil.which("pdflatex")


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex not installed (Debian: "
                    "texlive-latex-base texlive-latex-recommended, see .ci/apt-packages.txt)")
@pytest.mark.parametrize("standalone", [True, False])
def test_latex_compiles_with_pdflatex(tmp_path: Path, standalone: bool) -> None:
    table = mg.regression_table(
        three_models(), labels=LABELS, groups={"Remittances": ["remittances"]},
        column_groups=[("Static", 2), ("Dynamic", 1)],
        title="Growth & remittances: 100% of #1 {special} characters_ ~ ^ \\",
        notes=["Data: WDI_2024 & UN DESA, $ in 2015 prices; R² × Δ ≤ 5%."])
    if standalone:
        source = table.to_latex(standalone=True)
    else:
        # The float needs nothing but booktabs.
        source = "\n".join([r"\documentclass{article}", r"\usepackage{booktabs}",
                            r"\begin{document}", table.to_latex(label="tab:main"),
                            r"\end{document}"])
    (tmp_path / "table.tex").write_text(source, encoding="utf-8")
    env = {**os.environ, "TEXMFVAR": str(tmp_path / "texmf-var")}  # no writes to $HOME
    done = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error",
                           "-no-shell-escape", "table.tex"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    log = (tmp_path / "table.log").read_text(errors="replace")
    assert done.returncode == 0, done.stdout[-3000:]
    assert (tmp_path / "table.pdf").stat().st_size > 1000
    assert "Overfull" not in log or standalone is False
    assert "Missing character" not in log


def test_latex_escapes_specials_and_typesets_minus_and_stars() -> None:
    tex = _table().to_latex()
    assert r"\caption{Remittances \& growth}" in tex
    assert r"Sources: WDI\_2024; 5\% trimmed." in tex
    assert r"Remittances (\% of GDP) & 0.052$^{**}$ & 0.085$^{***}$ & 0.071$^{*}$ \\" in tex
    assert r"Diaspora (\% of population) & $-$0.031$^{***}$ &  & $-$0.018 \\" in tex
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert r"\multicolumn{3}{c}{GDP per capita growth (\%)}" in tex
    assert "|" not in tex.split(r"\begin{tabular}")[1].split("}")[0]  # no vertical rules
    assert escape_latex("a_b & 50% #1 $x ~ ^ {}") == \
        r"a\_b \& 50\% \#1 \$x \textasciitilde{} \textasciicircum{} \{\}"


# ------------------------------------------------------------------ Excel
def test_excel_cells_hold_the_results_numbers(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    models = three_models()
    path = _table().save(tmp_path / "table.xlsx")
    ws = openpyxl.load_workbook(path).active
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    checked = 0
    for (label, col), text in EXPECTED_TEXT.items():
        cell = ws.cell(rows[label], col + 1)
        se_cell = ws.cell(rows[label] + 1, col + 1)
        result, term = models[col - 1], TERM_OF[label]
        if not text:
            assert cell.value is None and se_cell.value is None, (label, col)
            continue
        # The unrounded estimate itself, shown with 3 digits and the stars.
        assert cell.value == float(result.params[term]), (label, col)
        stars = len(text) - len(text.rstrip("*"))
        assert cell.number_format == "0.000" + (f'"{"*" * stars}"' if stars else "")
        assert se_cell.value == pytest.approx(float(result.std_errors[term]), rel=1e-12)
        assert se_cell.number_format == '"("0.000")"'
        checked += 1
    assert checked == 14
    stats = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in (2, 3, 4)]
             for r in rows.values()}
    assert stats["Observations"] == [2728, 2726, 2480]
    assert stats["Countries"] == [118, 116, 118]
    assert stats["Hansen test (p)"] == [None, None, 0.347]
    assert stats["AR(2) test (p)"] == [None, None, 0.412]
    assert stats["Instruments"] == [None, None, 48]
    assert stats["Country effects"] == ["No", "Yes", "Yes"]
    assert ws.cell(rows["Observations"], 2).number_format == "#,##0"


def test_excel_is_journal_style(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(_table().save(tmp_path / "t.xlsx")).active
    sides = [(c.border.left, c.border.right) for row in ws.iter_rows() for c in row]
    assert all(getattr(s, "style", None) is None for pair in sides for s in pair)
    header_top = ws.cell(3, 2).border.top.style
    last = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Instruments")
    assert header_top == "medium" and ws.cell(last, 2).border.bottom.style == "medium"
    assert ws.cell(1, 1).value == "Remittances & growth" and ws.cell(1, 1).font.bold
    assert "B3:D3" in {str(r) for r in ws.merged_cells.ranges}  # dependent spans columns


# ------------------------------------------------------------------- Word
def test_word_table_cells_hold_the_results_numbers(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    path = _table().save(tmp_path / "table.docx")
    doc = docx.Document(str(path))
    assert len(doc.tables) == 1  # a real Word table, not tabs or a picture
    table = doc.tables[0]
    rows = {row.cells[0].text: i for i, row in enumerate(table.rows) if row.cells[0].text}
    for (label, col), text in EXPECTED_TEXT.items():
        assert table.cell(rows[label], col).text == text, (label, col)
    for label, ses in EXPECTED_SE.items():
        assert [table.cell(rows[label] + 1, c).text for c in (1, 2, 3)] == ses
    assert [table.cell(rows["Observations"], c).text for c in (1, 2, 3)] == \
        ["2,728", "2,726", "2,480"]
    assert [table.cell(rows["Hansen test (p)"], c).text for c in (1, 2, 3)] == \
        ["", "", "0.347"]
    # Stars are superscript runs.
    runs = table.cell(rows["Remittances (% of GDP)"], 1).paragraphs[0].runs
    assert [(r.text, bool(r.font.superscript)) for r in runs] == [("0.052", False),
                                                                   ("**", True)]
    assert doc.paragraphs[0].text == "Remittances & growth"
    assert doc.paragraphs[-1].text == "Sources: WDI_2024; 5% trimmed."


def test_word_table_has_rules_but_no_vertical_lines(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(_table().to_docx()))
    table = doc.tables[0]
    edges: dict[str, set[int]] = {}
    for i, row in enumerate(table.rows):
        for tc in row._tr.tc_lst:
            borders = tc.tcPr.find(qn("w:tcBorders")) if tc.tcPr is not None else None
            for edge in [] if borders is None else list(borders):
                edges.setdefault(edge.tag.split("}")[1], set()).add(i)
    assert set(edges) <= {"top", "bottom"}
    last = len(table.rows) - 1
    assert 0 in edges["top"] and last in edges["bottom"]
    first_stat = next(i for i, r in enumerate(table.rows) if r.cells[0].text == "Country effects")
    assert first_stat in edges["top"]
    tbl_borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert tbl_borders is None  # no table-wide grid


# ---------------------------------------------------------- labels, rows
def _panel_with_labels() -> mg.Panel:
    df = pd.DataFrame({"iso3": ["A", "A", "B", "B"], "year": [2001, 2002, 2001, 2002],
                       "growth": [1.0, 2.0, 3.0, 1.0], "remittances": [1.0, 3.0, 2.0, 5.0]})
    return mg.Panel.from_frame(df, entity="iso3", time="year", variables={
        "growth": VariableMeta(label="GDP growth"),
        "remittances": VariableMeta(label="Remittances")})


def test_labels_default_to_the_panels_and_extend_to_lags_and_interactions() -> None:
    gmm = system_gmm()
    params = gmm.params.rename({"L1.growth": "L1.growth", "internet": "remittances:internet"})
    res = mg.Result(params=params, cov=gmm.cov.set_axis(params.index).set_axis(
        params.index, axis=1), cov_info=gmm.cov_info, estimator="gmm-system",
        dependent="growth", nobs=10)
    table = mg.regression_table(res, panel=_panel_with_labels(),
                                labels={"internet": "Internet"})
    labels = [r[0] for r in table.model.body_rows() if r[0]]
    assert labels[:6] == ["GDP growth (t-1)", "Remittances", "diaspora",
                          "Remittances × Internet", "investment", "Constant"]
    assert table.model.header_rows()[0][1] == "GDP growth"


def test_gmm_rows_and_standard_error_note() -> None:
    table = mg.regression_table([pooled(), system_gmm()])
    stats = {r.label: [c.display for c in r.cells] for r in table.model.stats}
    assert stats["AR(2) test (p)"] == ["", "0.412"]
    assert stats["Hansen test (p)"] == ["", "0.347"]
    assert stats["Instruments"] == ["", "48"]
    assert stats["Std. errors"] == ["Clustered (country)", "Windmeijer"]
    assert table.model.notes[0] == ("Standard errors in parentheses: (1) clustered by country "
                                    "(118 clusters); (2) Windmeijer-corrected two-step. "
                                    "Convention: (1) CR0: no small-sample factor, normal "
                                    "p-values (small_sample='none'; Stata's convention is "
                                    "small_sample='stata').")
    only_static = mg.regression_table([pooled(), fixed_effects()])
    assert not any("Hansen" in r.label for r in only_static.model.stats)


def test_every_table_states_the_small_sample_convention() -> None:
    """Issue 14, item 10: the default is CR0 with normal p-values (not Stata's); every table
    note and summary says which convention is in force."""
    from dataclasses import replace

    default = pooled()
    note = mg.regression_table([default]).model.notes[0]
    assert note.endswith("Convention: CR0: no small-sample factor, normal p-values "
                         "(small_sample='none'; Stata's convention is small_sample='stata').")
    assert "Convention: CR0: no small-sample factor" in default.summary
    stata = replace(default, cov_info=replace(default.cov_info, small_sample="stata", dist="t",
                                              adjustment="G/(G-1)·(N-1)/(N-K) = 1.0123"))
    both = mg.regression_table([default, stata]).model.notes[0]
    assert both.endswith("(2) small_sample='stata': Stata's factor G/(G-1)·(N-1)/(N-K) = "
                         "1.0123, t p-values.")


def test_stats_choice_labels_and_generic_keys() -> None:
    table = mg.regression_table(
        [system_gmm()], stats=["nobs", "test:ar1", "ar2", "stat:n_instruments"],
        stat_labels={"nobs": "N", "test:ar1": "AR(1) p"})
    assert [(r.label, r.cells[0].display) for r in table.model.stats] == [
        ("N", "2,480"), ("AR(1) p", "0.001"), ("AR(2) test (p)", "0.412"),
        ("n_instruments", "48.000")]


def test_uncertainty_kinds() -> None:
    res = pooled()
    rows = {kind: mg.regression_table(res, se=kind, stars=False).model.body_rows()[1][1]
            for kind in ("std_errors", "tstats", "pvalues", "conf_int")}
    # remittances: b = 0.052, se = 0.021, t = 2.476, p = 2 (1 - Φ(2.476)) = 0.0133,
    # 95% interval 0.052 ± 1.959964 × 0.021 = [0.011, 0.093].
    assert rows == {"std_errors": "(0.021)", "tstats": "(2.476)", "pvalues": "(0.013)",
                    "conf_int": "[0.011, 0.093]"}
    note = mg.regression_table(res, se="tstats").model.notes[0]
    assert note.startswith("t statistics in parentheses; standard errors clustered")


def test_star_levels_are_configurable() -> None:
    rows = mg.regression_table(pooled(), stars=(0.05, 0.01)).model.body_rows()
    coefs = [r[1] for r in rows[:10:2]]
    assert coefs == ["0.052*", "-0.031**", "0.018", "0.134**", "-1.500"]
    assert mg.regression_table(pooled(), stars=(0.05, 0.01)).model.notes[1] == \
        "* p<0.05, ** p<0.01."


def test_save_picks_the_format_from_the_extension(tmp_path: Path) -> None:
    table = _table()
    for ext, start in ((".tex", b"% migecon"), (".html", b"<!DOCTYPE html>"),
                       (".htm", b"<!DOCTYPE html>"), (".md", b"**Remittances"),
                       (".txt", b"Remittances & growth"), (".csv", b"Remittances & growth"),
                       (".xlsx", b"PK"), (".docx", b"PK")):
        assert table.save(tmp_path / f"t{ext}").read_bytes().startswith(start), ext
    assert table.save(tmp_path / "t.out", format="md").read_text().startswith("**")
    assert table.to_html(standalone=False).startswith('<table class="migecon">')
    assert isinstance(table.to_xlsx(), bytes) and isinstance(table.to_docx(), bytes)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        table.save(tmp_path / "t.md", overwrite=False)


def test_stata_and_migecon_lag_spellings_share_a_row() -> None:
    gmm = system_gmm()  # writes the lag as L1.growth
    stata = gmm.params.rename({"L1.growth": "L.growth", "const": "_cons"})
    as_stata = mg.Result(params=stata, cov=gmm.cov.set_axis(stata.index).set_axis(
        stata.index, axis=1), cov_info=gmm.cov_info, estimator="gmm-system",
        dependent="growth", nobs=10)
    rows = [r for r in mg.regression_table([gmm, as_stata]).model.body_rows() if r[0]]
    assert rows[0] == ["L1.growth", "0.312***", "0.312***"]
    coef_rows = [r for r in rows if r[0] not in {s.label for s in
                                                 mg.regression_table(gmm).model.stats}]
    assert coef_rows[-1] == ["Constant", "0.900", "0.900"]


def test_rename_and_patterns() -> None:
    pooled_res, fe = pooled(), fixed_effects()
    table = mg.regression_table([pooled_res, fe], rename={"internet": "technology"},
                                drop=["inv*", "const"])
    with pytest.raises(SpecificationError, match="would share the row 'diaspora'"):
        mg.regression_table(pooled_res, rename={"internet": "diaspora"})
    rows = {r[0]: r[1:] for r in table.model.body_rows() if r[0]}
    assert "investment" not in rows and "Constant" not in rows
    assert rows["technology"] == ["0.018*", "0.024*"]
    keep = mg.regression_table([pooled_res, fe], keep=["remit*", "dias*"])
    assert [r[0] for r in keep.model.body_rows()[:4:2]] == ["remittances", "diaspora"]
