"""Panel-aware model formulas.

``y ~ x1 + L(x2, 1) + D(x3) + [endog ~ instr]`` is parsed into a dependent
variable, exogenous terms, and (for IV) endogenous regressors and excluded
instruments. ``L(x, k)`` and ``D(x)``/``D(x, k)`` are computed on the panel's
calendar (the lag of 2001 is 2000), then the rest of the formula is handed to
formulaic, so ``np.log(x)``, ``C(region)`` and interactions ``x:z`` work.
Term names of lags read ``L1.x`` and of differences ``D1.x``, as in Stata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from migecon.errors import SpecificationError
from migecon.panel.transform import lag as panel_lag

__all__ = ["ParsedFormula", "design", "parse_formula"]

_OP = re.compile(r"\b([LDF])\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:,\s*(-?\d+)\s*)?\)")


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
    return ParsedFormula(dependent=lhs, exog=rhs or "1", endog=endog, instruments=instruments)


def _safe(name: str) -> str:
    return re.sub(r"\W", "_", name)


def expand_operators(text: str, data: pd.DataFrame) -> tuple[str, pd.DataFrame, dict[str, str]]:
    """Replace ``L(x,k)``, ``D(x,k)``, ``F(x,k)`` by computed columns.

    Returns the rewritten formula text, the data with the new columns, and a
    map from the safe column names to display names (``L1.x``).
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
        if op == "L":
            values, label = panel_lag(data[var], k), f"L{k}.{var}"
        elif op == "F":
            values, label = panel_lag(data[var], -k), f"F{k}.{var}"
        else:
            values, label = data[var] - panel_lag(data[var], k), f"D{k}.{var}" if k != 1 \
                else f"D.{var}"
        safe = f"{op}{k}_{_safe(var)}"
        data[safe] = values
        display[safe] = label
        return safe

    return _OP.sub(replace, text), data, display


def design(formula: ParsedFormula, data: pd.DataFrame, *, constant: bool
           ) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None,
                      dict[str, int]]:
    """Build y, X (and endogenous, instruments) on the rows where all are observed.

    Returns ``(y, exog, endog, instruments, dropped)`` where ``dropped`` counts
    the rows lost to missing values per variable (a row missing in several
    variables is counted once, under the first in formula order).
    """
    from formulaic import model_matrix

    pieces = [formula.dependent, formula.exog, formula.endog, formula.instruments]
    expanded = []
    work = data
    display: dict[str, str] = {}
    for piece in pieces:
        text, work, disp = expand_operators(piece, work)
        expanded.append(text)
        display.update(disp)
    dep, exog, endog, instr = expanded
    _check_names(" + ".join(p for p in expanded if p), work)

    if dep not in work.columns:
        raise SpecificationError(
            f"dependent variable {formula.dependent!r} not in the panel; available: "
            f"{', '.join(map(str, data.columns))}")
    rhs = exog if constant else f"{exog} - 1" if exog != "1" else "1"
    if not constant and exog == "1":
        raise SpecificationError("model has no regressors")
    used = [c for c in work.columns if re.search(rf"\b{re.escape(str(c))}\b",
                                                 " ".join(expanded))]
    dropped: dict[str, int] = {}
    remaining = work.index
    for col in used:
        missing = work.loc[remaining, col].isna()
        if missing.any():
            dropped[f"missing {display.get(col, col)}"] = int(missing.sum())
            remaining = remaining[~missing.to_numpy()]
    frame = work.loc[remaining]
    if frame.empty:
        raise SpecificationError(
            "no complete observations: every row has a missing value in "
            f"{', '.join(display.get(c, c) for c in used)} ({dropped})")
    y = frame[dep].astype(float)
    X = _matrix(model_matrix(rhs, frame, na_action="raise"), display)
    if not constant:
        X = X.drop(columns=[c for c in X.columns if c == "Intercept"], errors="ignore")
    endog_m = instr_m = None
    if endog:
        endog_m = _matrix(model_matrix(f"{endog} - 1", frame, na_action="raise"), display)
        instr_m = _matrix(model_matrix(f"{instr} - 1", frame, na_action="raise"), display)
    y.name = display.get(dep, formula.dependent)
    return y, X, endog_m, instr_m, dropped


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
