"""Hostile input: formulas, transform expressions, ids, output paths and links.

A study or replication file is something researchers send each other, so it
must not be able to run code or write outside its output folder. Every string
of the corpus below is refused with a message naming the refused token, and
each test proves there was no side effect: the marker file the payload would
create does not appear, and no file appears outside the temporary output
folder (usually not even inside it).

The first formula is the case that ran a shell command before migecon parsed
formulas itself (``np.f2py`` passed the old name filter because names starting
with ``np`` were not checked, and names after a dot never were).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import migecon as mg
from migecon.cli import main
from migecon.errors import SpecificationError
from migecon.expressions import evaluate, validate_expression, validate_formula


def _cmd(marker: Path) -> str:
    """A shell command that creates ``marker``, hex-encoded so no word appears in it."""
    return f"np.bytes_.fromhex('{('touch ' + str(marker)).encode().hex()}')"


def _formulas(marker: Path) -> list[tuple[str, str]]:
    """(formula, fragment of the expected message) pairs: each must be refused."""
    run = _cmd(marker)
    return [
        (f"inv ~ value + I(np.f2py.os.system({run}))", "attribute access"),
        (f"inv ~ value + np.f2py.os.system({run})", "attribute access"),
        ("inv ~ value + I(value.__class__)", "attribute access"),
        ("inv ~ value + __import__('os').system('true')", "attribute access"),
        ("inv ~ value + __import__('os')", "'__'"),
        ("inv ~ value + __builtins__", "'__'"),
        ("inv ~ value + eval('1')", "function that is not allowed"),
        ("inv ~ value + exec('1')", "function that is not allowed"),
        ("inv ~ value + getattr(value, 'real')", "function that is not allowed"),
        ("inv ~ value + {__import__('os')}", "set literal"),
        ("inv ~ value + `os`", "backtick"),
        ("inv ~ value + I((lambda: 0)())", "call of something"),
        ("inv ~ value + I(value[0])", "IV part"),
        ("inv ~ value + I({v for v in value})", "comprehension"),
        ("inv ~ value + I('text')", "text outside"),
        ("inv ~ value + I(value if value else 0)", "if/else"),
        ("inv ~ value + I(value and capital)", "and/or"),
        ("inv ~ value + I(10 ** 10 ** 10)", "exponent"),
        ("inv ~ value; import os", "';'"),
        ("inv ~ value + @value", "'@'"),
        ("inv ~ value + L(np.f2py, 1)", "first argument of L()"),
        ("inv ~ value + L(value, 'x')", "second argument of L()"),
        ("inv ~ value + log(x=value)", "keyword argument"),
        ("inv ~ value + C(firm, __import__('os'))", "'__'"),
        ("inv ~ value + [capital ~ np.f2py.os]", "attribute access"),
        (f"np.f2py.os.system({run}) ~ value", "attribute access"),
        ("inv ~ value + f'{value}'", "f-string"),
        ("inv ~ value + (v := 1)", "assignment"),
        ("inv ~ value + np", "module np"),
        ("inv ~ value + I(value & capital)", "'&'"),
        ("inv ~ value +", "ends in '+'"),
        ("inv ~ value + + capital", "'+ +'"),
    ]


def _expressions(marker: Path) -> list[tuple[str, str]]:
    """``[[transform]] op = "eval"`` expressions that must be refused."""
    run = _cmd(marker)
    return [
        (f"@np.f2py.os.system({run})", "'@'"),
        ("@importlib.import_module('os')", "'@'"),
        ("value.__class__", "attribute access"),
        ("value.to_csv('x.csv')", "attribute access"),
        ("__import__('os').system('true')", "attribute access"),
        ("value[0]", "subscript"),
        ("C(firm)", "function that is not allowed"),
        ("value & capital", "operator that is not allowed"),
        ("value:capital", "not a valid expression"),
        ("value * 'x'", "text outside"),
    ]


#: Ids that would become file names and must be refused before anything is written.
BAD_IDS = ["../../escape", "..", "/tmp/absolute", "a/b", "a\\b", ".hidden", "-dash",
           "x" * 101, "with space", "tab\tid", "a..b", "~home", "", "name\nnewline"]


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.fixture
def grunfeld() -> mg.Panel:
    return mg.load_dataset("grunfeld")


def test_the_corpus_is_large_enough(tmp_path: Path) -> None:
    n = len(_formulas(tmp_path)) + len(_expressions(tmp_path)) + len(BAD_IDS)
    assert n >= 30, n


@pytest.mark.parametrize("index", range(len(_formulas(Path("m")))))
def test_formula_refused_by_fit_and_diagnose(index: int, tmp_path: Path,
                                             grunfeld: mg.Panel) -> None:
    marker = tmp_path / "MARKER"
    formula, fragment = _formulas(marker)[index]
    before = _files(tmp_path)
    for call in (lambda: mg.fit(formula, grunfeld),
                 lambda: mg.diagnose(grunfeld, formula, show=False),
                 lambda: validate_formula(formula)):
        with pytest.raises(SpecificationError, match=r"allowed|'\+'|IV part") as info:
            call()
        assert fragment in str(info.value), str(info.value)
    assert not marker.exists()
    assert _files(tmp_path) == before


def _study(folder: Path, body: str) -> Path:
    path = folder / "study.toml"
    path.write_text('[study]\ntitle = "hostile"\noutput = "out"\n[dataset]\nname = "grunfeld"\n'
                    + body, encoding="utf-8")
    return path


def _toml_str(text: str) -> str:
    return "'''" + text + "'''" if "'''" not in text and "\n" not in text else repr(text)


@pytest.mark.parametrize("index", range(len(_formulas(Path("m")))))
def test_formula_refused_by_study_replication_and_cli(index: int, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    marker = tmp_path / "MARKER"
    formula, fragment = _formulas(marker)[index]
    quoted = _toml_str(formula)
    model = _study(tmp_path, f"[[model]]\nid = \"m\"\nformula = {quoted}\n"
                             "[[table]]\nid = \"t\"\nformats = [\"md\"]\n")
    with pytest.raises(SpecificationError, match="formula") as info:
        mg.run_study(model, quiet=True)
    assert fragment in str(info.value)
    diag = _study(tmp_path, f"[diagnose]\nformula = {quoted}\n")
    with pytest.raises(SpecificationError, match="diagnose") as info:
        mg.run_study(diag, quiet=True)
    assert fragment in str(info.value)
    replication = tmp_path / "mine.toml"
    replication.write_text(
        '[table]\ntitle = "t"\ncitation = "c"\nsource = "s"\n[dataset]\nname = "grunfeld"\n'
        f'[[model]]\nid = "m"\nformula = {quoted}\n[model.coef]\nvalue = "0.1"\n',
        encoding="utf-8")
    with pytest.raises(SpecificationError, match="formula") as info:
        mg.replicate(replication)
    assert fragment in str(info.value)
    before = _files(tmp_path)
    capsys.readouterr()
    assert main(["replicate", str(replication), "--out", str(tmp_path / "rep")]) == 1
    assert fragment in capsys.readouterr().err
    assert main(["fit", formula, "--dataset", "grunfeld", "--out",
                 str(tmp_path / "fit.json"), "--quiet"]) == 1
    assert fragment in capsys.readouterr().err
    assert not marker.exists()
    assert _files(tmp_path) == before  # no output folder, no fit.json


@pytest.mark.parametrize("index", range(len(_expressions(Path("m")))))
def test_transform_expression_refused(index: int, tmp_path: Path, grunfeld: mg.Panel) -> None:
    marker = tmp_path / "MARKER"
    expr, fragment = _expressions(marker)[index]
    study = _study(tmp_path, f"[[transform]]\nop = \"eval\"\nname = \"z\"\n"
                             f"expr = {_toml_str(expr)}\n"
                             "[[model]]\nid = \"m\"\nformula = \"inv ~ value\"\n")
    before = _files(tmp_path)
    with pytest.raises(SpecificationError, match="expr") as info:
        mg.run_study(study, quiet=True)
    assert fragment in str(info.value), str(info.value)
    with pytest.raises(SpecificationError, match="allowed"):
        evaluate(expr, grunfeld.data)
    assert not marker.exists()
    assert _files(tmp_path) == before


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("what", ["table", "figure"])
def test_unsafe_study_ids_refused_before_anything_is_written(bad: str, what: str,
                                                              tmp_path: Path) -> None:
    kind = "\nkind = \"coverage\"" if what == "figure" else ""
    study = _study(tmp_path, "[[model]]\nid = \"m\"\nformula = \"inv ~ value\"\n"
                             f"[[{what}]]\nid = {_toml_str(bad)}{kind}\n")
    before = _files(tmp_path)
    with pytest.raises(SpecificationError, match="not a safe file name"):
        mg.run_study(study, quiet=True)
    assert _files(tmp_path) == before
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("bad", BAD_IDS)
def test_unsafe_replication_id_refused(bad: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    replication = tmp_path / "mine.toml"
    replication.write_text(
        f'[table]\nid = {_toml_str(bad)}\ntitle = "t"\ncitation = "c"\nsource = "s"\n'
        '[dataset]\nname = "grunfeld"\n'
        '[[model]]\nid = "m"\nformula = "inv ~ value"\n[model.coef]\nvalue = "0.1"\n',
        encoding="utf-8")
    before = _files(tmp_path)
    assert main(["replicate", str(replication), "--out", str(tmp_path / "rep")]) == 1
    assert "not a safe file name" in capsys.readouterr().err
    with pytest.raises(SpecificationError, match="not a safe file name"):
        mg.replicate(replication)
    assert _files(tmp_path) == before


def test_replication_file_name_that_is_no_safe_id_asks_for_an_id(tmp_path: Path) -> None:
    replication = tmp_path / "my table.toml"
    replication.write_text(
        '[table]\ntitle = "t"\ncitation = "c"\nsource = "s"\n[dataset]\nname = "grunfeld"\n'
        '[[model]]\nid = "m"\nformula = "inv ~ value"\n[model.coef]\nvalue = "0.1"\n',
        encoding="utf-8")
    with pytest.raises(SpecificationError, match=r"set \[table\] id"):
        mg.replicate(replication)


@pytest.mark.parametrize("output", ["../outside", "{abs}", "sub/../../outside", "link"])
def test_study_output_outside_its_folder_needs_the_flag(output: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    home = tmp_path / "study"
    home.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (home / "link").symlink_to(elsewhere)
    text = output.replace("{abs}", str(elsewhere / "abs"))
    study = home / "study.toml"
    study.write_text(f'[study]\ntitle = "t"\noutput = {_toml_str(text)}\n'
                     '[dataset]\nname = "grunfeld"\n'
                     '[[model]]\nid = "m"\nformula = "inv ~ value"\n'
                     '[[table]]\nid = "t"\nformats = ["md"]\n', encoding="utf-8")
    before = _files(tmp_path)
    with pytest.raises(SpecificationError, match="allow-outside-output"):
        mg.run_study(study, quiet=True)
    assert main(["run", str(study), "--quiet"]) == 1
    assert "allow-outside-output" in capsys.readouterr().err
    assert _files(tmp_path) == before
    # With the explicit flag the study runs and writes where it was told to.
    run = mg.run_study(study, quiet=True, allow_outside_output=True)
    assert all(os.path.realpath(p).startswith(str(tmp_path)) for p in run.files)
    assert main(["run", str(study), "--quiet", "--force", "--allow-outside-output"]) == 0


def _link_study(tmp_path: Path) -> tuple[Path, Path]:
    study = _study(tmp_path, "[[model]]\nid = \"m\"\nformula = \"inv ~ value\"\n"
                             "[[table]]\nid = \"t\"\nformats = [\"md\"]\n")
    (tmp_path / "out").mkdir()
    return study, tmp_path / "out" / "t.md"


def test_dangling_link_in_the_output_folder_is_not_written_through(tmp_path: Path) -> None:
    study, table = _link_study(tmp_path)
    victim = tmp_path / "elsewhere" / "created.md"
    (tmp_path / "elsewhere").mkdir()
    table.symlink_to(victim)
    with pytest.raises(FileExistsError, match="exist already"):
        mg.run_study(study, quiet=True)
    assert not victim.exists()
    run = mg.run_study(study, quiet=True, force=True)
    assert not victim.exists()  # the link was replaced, its target never created
    assert not table.is_symlink() and table.read_text().startswith("|")
    assert table in run.files


def test_force_replaces_a_link_and_leaves_the_file_it_points_to(tmp_path: Path) -> None:
    study, table = _link_study(tmp_path)
    victim = tmp_path / "precious.txt"
    victim.write_text("do not overwrite", encoding="utf-8")
    (tmp_path / "out" / "manifest.json").symlink_to(victim)
    table.symlink_to(victim)
    mg.run_study(study, quiet=True, force=True)
    assert victim.read_text(encoding="utf-8") == "do not overwrite"
    assert not table.is_symlink()
    assert not (tmp_path / "out" / "manifest.json").is_symlink()


def test_replication_report_replaces_links(tmp_path: Path) -> None:
    replication = tmp_path / "mine.toml"
    replication.write_text(
        '[table]\nid = "mine"\ntitle = "t"\ncitation = "c"\nsource = "s"\n'
        '[dataset]\nname = "grunfeld"\n'
        '[[model]]\nid = "m"\nformula = "inv ~ value"\n'
        'options = {estimator = "pooled"}\n[model.coef]\nvalue = "9.9"\n',
        encoding="utf-8")
    out = tmp_path / "rep"
    out.mkdir()
    victim = tmp_path / "precious.txt"
    victim.write_text("keep", encoding="utf-8")
    (out / "mine.md").symlink_to(victim)
    (out / "mine.html").symlink_to(tmp_path / "dangling.html")
    assert main(["replicate", str(replication), "--out", str(out)]) == 1  # 9.9 differs
    assert victim.read_text(encoding="utf-8") == "keep"
    assert not (tmp_path / "dangling.html").exists()
    for name in ("mine.md", "mine.html"):
        assert not (out / name).is_symlink()
        assert "9.9" in (out / name).read_text(encoding="utf-8")


def test_term_expressions_for_post_estimation_pass() -> None:
    # The forms lincom / nlcom / wald_test will use.
    for text in ("x + 2*x:z", "(w + L.w)/(1 - L.n)", "L2.n - D.x", "_cons + const",
                 "x1 - x2"):
        validate_expression(text, terms=True)
    with pytest.raises(SpecificationError, match="not in the model"):
        validate_expression("L.q", names=["L.n"], terms=True)
    with pytest.raises(SpecificationError, match="attribute access"):
        validate_expression("L.__class__", terms=True)


def test_eval_transform_still_computes(tmp_path: Path, grunfeld: mg.Panel) -> None:
    study = _study(tmp_path, "[[transform]]\nop = \"eval\"\nname = \"vk\"\n"
                             "expr = \"value * capital / 1000 + log(inv)\"\n"
                             "[[model]]\nid = \"m\"\nformula = \"inv ~ vk\"\n")
    run = mg.run_study(study, quiet=True)
    data = grunfeld.data
    expected = data["value"] * data["capital"] / 1000 + np.log(data["inv"])
    assert (run.panel.data["vk"] - expected).abs().max() < 1e-9


def test_long_formulas_pass_and_deep_nesting_is_a_clear_error() -> None:
    validate_formula("y ~ " + " + ".join(f"d{i}" for i in range(1000)))  # many dummies
    for deep in ("y ~ " + "(" * 3000 + "x" + ")" * 3000, "y ~ " + "-" * 5000 + "x",
                 "y ~ " + " + ".join(["x"] * 6000)):
        with pytest.raises(SpecificationError, match=r"nested|longer than"):
            validate_formula(deep)
