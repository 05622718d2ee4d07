"""Stata ``.dta`` export of a Panel: valid names, labels of at most 80 characters.

Stata variable names have 1 to 32 characters, letters, digits and ``_``, do
not start with a digit and are not reserved words; variable labels and the
dataset label have at most 80 characters. pandas would rename invalid columns
itself with a warning; migecon does it first so that the renaming is
predictable (``L1.gdppc`` -> ``L1_gdppc``) and is returned to the caller.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from migecon.errors import DataError
from migecon.panel.core import Panel, register_operation

__all__ = ["stata_name", "stata_names", "write_stata"]

MAX_NAME = 32
MAX_LABEL = 80
# Stata's reserved words (help reswords) may not be variable names.
RESERVED = frozenset({
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long",
    "_n", "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with",
    *(f"str{i}" for i in range(1, 2046)),
})


def stata_name(name: str) -> str:
    """A valid Stata variable name close to ``name``.

    Examples
    --------
    >>> stata_name("L1.gdppc"), stata_name("2nd var"), stata_name("in")
    ('L1_gdppc', '_2nd_var', 'in_')
    """
    clean = re.sub(r"[^A-Za-z0-9_]", "_", name.strip()) or "_var"
    if clean[0].isdigit():
        clean = "_" + clean
    clean = clean[:MAX_NAME]
    if clean in RESERVED:
        clean = (clean + "_")[:MAX_NAME]
    return clean


def stata_names(names: list[str]) -> dict[str, str]:
    """Valid, distinct Stata names for ``names`` (duplicates after cleaning get ``_2``, ...).

    Examples
    --------
    >>> stata_names(["a.b", "a_b"])
    {'a.b': 'a_b_2', 'a_b': 'a_b'}
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    # Names that are already valid keep their spelling; the others adapt around them.
    for name in sorted(names, key=lambda n: stata_name(n) != n):
        candidate = stata_name(name)
        i = 2
        while candidate.lower() in taken:
            suffix = f"_{i}"
            candidate = stata_name(name)[:MAX_NAME - len(suffix)] + suffix
            i += 1
        taken.add(candidate.lower())
        out[name] = candidate
    return {n: out[n] for n in names}


def _short(label: str) -> str:
    if len(label) <= MAX_LABEL and len(label.encode("utf-8")) <= MAX_LABEL:
        return label
    text = label
    while len(text.encode("utf-8")) > MAX_LABEL - 3:
        text = text[:-1]
    return text.rstrip() + "..."


@register_operation("to_stata")
def write_stata(panel: Panel, path: str, *, version: int = 118) -> dict[str, Any]:
    """Write ``panel`` to ``path`` (see :meth:`Panel.to_stata`)."""
    if version not in (117, 118, 119):
        raise DataError(f"version must be 117, 118 or 119; got {version}")
    frame = panel.to_frame()
    names = stata_names([str(c) for c in frame.columns])
    renamed = {old: new for old, new in names.items() if old != new}
    frame.columns = [names[str(c)] for c in frame.columns]
    labels: dict[str, str] = {}
    shortened: list[str] = []
    for column, meta in panel.variables.items():
        label = meta.label or column
        if meta.unit and meta.unit not in label:
            label = f"{label} ({meta.unit})"
        short = _short(label)
        if short != label:
            shortened.append(column)
        labels[names[column]] = short
    labels[names[panel.entity_name]] = "country (ISO3)" if panel.entity_name in (
        "iso3", "country") else panel.entity_name
    labels[names[panel.time_name]] = "year" if panel.time_name == "year" else panel.time_name
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].astype(object)
        elif pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = frame[column].astype(np.int8)
    # A Period index is written as a Stata date of its frequency (%ty, %tq, %tm, ...).
    convert: dict[str, str] = {}
    time_col = names[panel.time_name]
    if isinstance(frame[time_col].dtype, pd.PeriodDtype):
        code = pd.PeriodIndex(frame[time_col]).freqstr.split("-")[0].lstrip("0123456789")
        stata_fmt = {"Y": "ty", "A": "ty", "Q": "tq", "M": "tm", "W": "tw"}.get(code[:1], "td")
        frame[time_col] = pd.PeriodIndex(frame[time_col]).to_timestamp()
        convert[time_col] = stata_fmt
    source = panel.metadata.get("source") or panel.metadata.get("name") or "migecon panel"
    frame.to_stata(path, write_index=False, version=version,  # type: ignore[arg-type]
                   variable_labels=labels, convert_dates=convert,  # type: ignore[arg-type]
                   data_label=_short(f"migecon: {source}"))
    return {"path": str(path), "renamed": renamed, "labels_shortened": shortened}
