"""Panel-aware model formulas.

``y ~ x1 + L(x2, 1) + D(x3) + [endog ~ instr]`` is parsed into a dependent
variable, exogenous terms, and (for IV) endogenous regressors and excluded
instruments. ``L(x, k)``, ``F(x, k)`` and ``D(x)``/``D(x, k)`` are computed on
the panel's calendar (the lag of 2001 is 2000, so gaps stay gaps) and may be
nested (``D(L(n, 1))``); the rest of the formula is handed to formulaic, so
``np.log(x)``, ``C(region)`` and interactions ``x:z`` / ``x*z`` work.
Term names read as in Stata: ``L1.x`` (lag), ``F1.x`` (lead), ``D.x`` (first
difference) and ``S2.x`` for ``D(x, 2)`` = x(t) - x(t-2) (Stata's seasonal
difference; Stata's ``D2.x`` is the second difference, which is ``D(D(x))``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd

from migecon.errors import DataError, SpecificationError
from migecon.expressions import FUNCTIONS, validate_formula
from migecon.panel.transform import lag as panel_lag

__all__ = ["ParsedFormula", "design", "parse_formula"]

_OP = re.compile(r"\b([LDF])\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:,\s*(-?\d+)\s*)?\)")


#: What formulaic may see besides the data and its own transforms (C, I, center, scale).
_CONTEXT = {**FUNCTIONS, "np": SimpleNamespace(**FUNCTIONS)}


@dataclass(frozen=True)
class ParsedFormula:
    """The pieces of a panel formula."""

    dependent: str
    exog: str
    endog: str = ""
    instruments: str = ""

    @property
    def is_iv(self) -> bool:
        return bool(self.endog)


def parse_formula(formula: str) -> ParsedFormula:
    """Split ``y ~ exog + [endog ~ instruments]`` into its parts.

    Examples
    --------
    >>> parse_formula("g ~ x + [r ~ z1 + z2]")
    ParsedFormula(dependent='g', exog='x', endog='r', instruments='z1 + z2')
    """
    if not isinstance(formula, str):
        raise SpecificationError(f"formula must be text such as 'y ~ x1 + x2'; got "
                                 f"{type(formula).__name__}")
    original = formula
    if formula.count("~") == 0:
        raise SpecificationError(
            f"formula {formula!r} has no '~'; write it as 'y ~ x1 + x2'")
    bracket = re.search(r"\[([^\]]*)\]", formula)
    endog = instruments = ""
    if bracket:
        inner = bracket.group(1)
        if inner.count("~") != 1:
            raise SpecificationError(
                f"IV part [{inner}] must read [endogenous ~ instruments]")
        endog, instruments = (s.strip() for s in inner.split("~"))
        if not endog or not instruments:
            raise SpecificationError(
                f"IV part [{inner}] needs both endogenous regressors and instruments")
        formula = formula[: bracket.start()] + formula[bracket.end():]
    if formula.count("~") != 1:
        raise SpecificationError(f"formula {formula!r} must have exactly one '~'")
    lhs, rhs = (s.strip() for s in formula.split("~"))
    rhs = re.sub(r"\+\s*\+", "+", rhs).strip().strip("+").strip()
    if not lhs:
        raise SpecificationError("formula has no dependent variable left of '~'")
    # Terms are parsed against an allow-list, never evaluated as Python.
    validate_formula(original)
    return ParsedFormula(dependent=lhs, exog=rhs or "1", endog=endog, instruments=instruments)


def _safe(name: str) -> str:
    return re.sub(r"\W", "_", name)


def expand_operators(text: str, data: pd.DataFrame) -> tuple[str, pd.DataFrame, dict[str, str]]:
    """Replace ``L(x,k)``, ``D(x,k)``, ``F(x,k)`` by computed columns.

    Operators may be nested (``D(L(x, 1))``): the innermost are expanded
    first. Returns the rewritten formula text, the data with the new columns,
    and a map from the safe column names to display names (``L1.x``).
    """
    data = data.copy()
    display: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        op, var, k_text = match.group(1), match.group(2), match.group(3)
        k = int(k_text) if k_text is not None else 1
        if var not in data.columns:
            raise SpecificationError(
                f"{match.group(0)} refers to {var!r}, which is not in the panel; "
                f"available: {', '.join(map(str, data.columns))}")
        shown = display.get(var, var)
        if op == "L":
            values, label = panel_lag(data[var], k), f"L{k}.{shown}"
        elif op == "F":
            values, label = panel_lag(data[var], -k), f"F{k}.{shown}"
        else:
            values = data[var] - panel_lag(data[var], k)
            label = f"D.{shown}" if k == 1 else f"S{k}.{shown}"
        safe = f"{op}{k}_{_safe(var)}"
        data[safe] = values
        display[safe] = label
        return safe

    # Each pass expands the innermost operators; nesting deeper than a few
    # levels is not meaningful, the bound only guards against a bad pattern.
    for _ in range(10):
        new_text = _OP.sub(replace, text)
        if new_text == text:
            break
        text = new_text
    return text, data, display


def design(formula: ParsedFormula, data: pd.DataFrame, *, constant: bool,
           extra: tuple[str, ...] = ()
           ) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None,
                      dict[str, int]]:
    """Build y, X (and endogenous, instruments) on the rows where all are observed.

    Parameters
    ----------
    formula : ParsedFormula
        The parsed model.
    data : DataFrame
        Panel data indexed ``(entity, time)``.
    constant : bool
        Keep the intercept the formula implies (``False`` removes it).
    extra : tuple of str
        Further columns that must be observed (e.g. a cluster variable).

    Returns
    -------
    tuple
        ``(y, exog, endog, instruments, dropped)`` where ``dropped`` counts
        the rows lost to missing values per variable (a row missing in several
        variables is counted once, under the first in formula order).

    Raises
    ------
    SpecificationError
        Unknown variables, or no complete observation.
    DataError
        A variable that is missing in every row, or a text (string) variable
        used as a number.
    """

    pieces = [formula.dependent, formula.exog, formula.endog, formula.instruments]
    expanded = []
    work = data
    # The index levels (country, year) can be used in formulas: C(year) for
    # year dummies, year for a trend.
    for level, name in enumerate(data.index.names):
        if name is not None and name not in data.columns:
            work = work.assign(**{str(name): data.index.get_level_values(level)})
    display: dict[str, str] = {}
    for piece in pieces:
        text, work, disp = expand_operators(piece, work)
        expanded.append(text)
        display.update(disp)
    dep, exog, endog, instr = expanded
    _check_names(" + ".join(p for p in expanded if p), work)
    missing_extra = [c for c in extra if c not in work.columns]
    if missing_extra:
        raise SpecificationError(
            f"variable(s) {missing_extra} (asked for clustering) not in the panel; "
            f"available: {', '.join(map(str, data.columns))}")

    if not constant and exog == "1":
        raise SpecificationError("model has no regressors")
    rhs = exog if constant else f"{exog} - 1"
    text_all = " ".join(expanded)
    used = [c for c in work.columns if re.search(rf"(?<![\w.]){re.escape(str(c))}(?!\w)",
                                                 text_all)]
    _check_text_columns(used, work, text_all)
    _check_all_missing(used, work, data, display)
    dropped: dict[str, int] = {}
    remaining = work.index
    for col in [*used, *[c for c in extra if c not in used]]:
        missing = work.loc[remaining, col].isna()
        if missing.any():
            dropped[f"missing {display.get(col, col)}"] = int(missing.sum())
            remaining = remaining[~missing.to_numpy()]
    frame = work.loc[remaining]
    if frame.empty:
        raise SpecificationError(
            "no complete observations: every row has a missing value in "
            f"{', '.join(display.get(c, c) for c in used)} ({dropped})")
    if dep in frame.columns:
        y = frame[dep].astype(float)
    else:  # an expression such as np.log(gdp)
        lhs = _model_matrix(f"{dep} - 1", frame)
        if lhs.shape[1] != 1:
            raise SpecificationError(
                f"the left-hand side {formula.dependent!r} must be one variable or one "
                f"expression; it expands to {lhs.shape[1]} columns")
        y = pd.Series(np.asarray(lhs, dtype=float)[:, 0], index=frame.index)
    X = _matrix(_model_matrix(rhs, frame), display)
    if not constant:
        X = X.drop(columns=[c for c in X.columns if c == "const"], errors="ignore")
    endog_m = instr_m = None
    if endog:
        endog_m = _matrix(_model_matrix(f"{endog} - 1", frame), display)
        instr_m = _matrix(_model_matrix(f"{instr} - 1", frame), display)
    y.name = display.get(dep, formula.dependent)
    return y, X, endog_m, instr_m, dropped


def _model_matrix(spec: str, frame: pd.DataFrame) -> pd.DataFrame:
    """formulaic's model matrix; terms that create missing values raise a DataError.

    The inputs are complete at this point, so a missing value comes from the
    transformation itself (the log of a negative number, 0/0).
    """
    from formulaic import model_matrix

    # An explicit context: formulaic otherwise looks names up in the caller's frame.
    with np.errstate(divide="ignore", invalid="ignore"):
        mm = model_matrix(spec, frame, na_action="ignore", context=_CONTEXT)
    values = np.asarray(mm, dtype=float)
    bad = np.isnan(values)
    if bad.any():
        cols = [str(c) for c, b in zip(mm.columns, bad.any(axis=0), strict=True) if b]
        raise DataError(
            f"term(s) {cols} are undefined in {int(bad.any(axis=1).sum())} row(s) (e.g. the "
            "log of a zero or negative number); transform the variable in the panel first "
            "(values set to missing are counted) or fix the data")
    return mm


def _check_text_columns(used: list[str], data: pd.DataFrame, text: str) -> None:
    """Text columns are only allowed inside ``C(...)`` (explicit dummies)."""
    for col in used:
        series = data[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if re.search(rf"\bC\(\s*{re.escape(str(col))}\b", text):
            continue
        example = series.dropna().iloc[0] if series.notna().any() else None
        raise DataError(
            f"variable {col!r} holds text (e.g. {example!r}), not numbers; write C({col}) "
            f"in the formula to use it as categories (one dummy per value), or convert it "
            f"to numbers first (e.g. pd.to_numeric)")


def _check_all_missing(used: list[str], work: pd.DataFrame, data: pd.DataFrame,
                       display: dict[str, str]) -> None:
    for col in used:
        if work[col].isna().all():
            shown = display.get(col, col)
            why = ""
            if col not in data.columns:
                why = (" (a lag, lead or difference: check that consecutive years exist, "
                       "e.g. after period averaging use the period length as the lag)")
            raise DataError(
                f"variable {shown!r} is missing in all {len(work)} rows{why}; drop it from "
                "the formula or fill it")


def _matrix(mm: pd.DataFrame, display: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(np.asarray(mm, dtype=float), index=mm.index, columns=list(mm.columns))
    renamed = {}
    for col in out.columns:
        name = str(col)
        for safe, disp in display.items():
            name = re.sub(rf"\b{re.escape(safe)}\b", disp, name)
        renamed[col] = "const" if name == "Intercept" else name
    return out.rename(columns=renamed)


def _check_names(text: str, data: pd.DataFrame) -> None:
    """Raise a clear error for bare names that are neither columns nor functions."""
    known = {str(c) for c in data.columns}
    tokens = set(re.findall(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)(?!\s*\()", text))
    ignore = {"C", "I", "np", "log", "exp", "center", "scale", "Intercept"}
    unknown = sorted(t for t in tokens - known - ignore if not t.startswith("np"))
    # Attribute names after "np." are functions (np.log), not variables.
    unknown = [t for t in unknown if not re.search(rf"\.\s*{t}\b", text)]
    if unknown:
        raise SpecificationError(
            f"formula names {unknown} not found in the panel; available variables: "
            f"{', '.join(sorted(known))}")
