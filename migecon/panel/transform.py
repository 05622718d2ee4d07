"""Transformations of panel variables that respect the panel structure.

Lags, leads and differences look up the *calendar* period: the lag of 2001 is
the value of 2000, never "the previous available row", so gaps stay gaps.
Every transformation is recorded in the variable's history.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, DroppedDataWarning

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["apply", "average", "diff", "growth", "lag", "log"]


def lag(series: pd.Series, k: int = 1) -> pd.Series:
    """Value of the same entity ``k`` periods earlier (``k < 0``: a lead).

    The series must be indexed ``(entity, time)`` with integer times. A row
    whose period ``t - k`` is absent gets NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("A", 2000), ("A", 2001), ("A", 2003)])
    >>> lag(pd.Series([1.0, 2.0, 3.0], index=idx)).tolist()
    [nan, 1.0, nan]
    """
    entity = series.index.get_level_values(0)
    time = series.index.get_level_values(1)
    shifted_index = pd.MultiIndex.from_arrays([entity, time + k], names=series.index.names)
    lagged = pd.Series(series.to_numpy(), index=shifted_index)
    return lagged.reindex(series.index).rename(series.name)


def diff(series: pd.Series, k: int = 1) -> pd.Series:
    """``x_t - x_{t-k}`` within entity, NaN across gaps."""
    return series - lag(series, k)


def growth(series: pd.Series, kind: Literal["percent", "log"] = "percent") -> pd.Series:
    """Period-on-period growth: percent ``100 (x_t/x_{t-1} - 1)`` or ``100 Δlog x``."""
    previous = lag(series, 1)
    if kind == "percent":
        return 100.0 * (series / previous - 1.0)
    if kind == "log":
        return 100.0 * (np.log(series) - np.log(previous))
    raise DataError(f"kind must be 'percent' or 'log'; got {kind!r}")


def log(series: pd.Series, on_nonpositive: Literal["error", "nan"] = "error") -> pd.Series:
    """Natural log; non-positive values raise unless ``on_nonpositive="nan"``."""
    bad = series[series <= 0]
    if not bad.empty:
        if on_nonpositive == "error":
            raise DataError(
                f"log({series.name}): {len(bad)} value(s) are zero or negative, "
                f"e.g. {bad.iloc[0]!r} at {bad.index[0]!r}; pass "
                'on_nonpositive="nan" to set them missing (they will be counted)'
            )
        warnings.warn(
            f"log({series.name}): {len(bad)} non-positive value(s) set to missing",
            DroppedDataWarning,
            stacklevel=3,
        )
    return np.log(series.where(series > 0))


def average(panel_data: pd.DataFrame, width: int = 5, min_obs: int = 1,
            start: int | None = None) -> pd.DataFrame:
    """Non-overlapping period averages (e.g. five-year averages).

    Periods start at ``start`` (default: the first year of the panel) and are
    labelled by their first year. A period mean needs at least ``min_obs``
    non-missing years; otherwise it is NaN.
    """
    if width < 1:
        raise DataError(f"width must be a positive number of years; got {width}")
    time = panel_data.index.get_level_values(1)
    first = int(time.min()) if start is None else start
    period = first + ((time - first) // width) * width
    entity = panel_data.index.get_level_values(0)
    grouped = panel_data.groupby([entity, period])
    means = grouped.mean()
    counts = grouped.count()
    means = means.where(counts >= min_obs)
    means.index = means.index.set_names(panel_data.index.names)
    return means


def apply(panel: Panel, *, log: Sequence[str] | None = None,
          lag: Mapping[str, int | Sequence[int]] | None = None,
          growth: Sequence[str] | None = None,
          diff: Sequence[str] | None = None,
          average: int | None = None, min_obs: int = 1,
          on_nonpositive: Literal["error", "nan"] = "error", **unknown: Any) -> Panel:
    """Apply transformations in a fixed, documented order.

    Order: ``log`` (new column ``log_<x>``), ``growth`` (``growth_<x>``),
    ``diff`` (``D_<x>``), ``lag`` (``L<k>_<x>``), then ``average`` (period
    means of every column, for ``average`` years per period).
    """
    if unknown:
        raise DataError(
            f"unknown transformation(s) {sorted(unknown)}; use log=, growth=, diff=, lag=, "
            "average="
        )
    from migecon.panel import transform as tr

    new: dict[str, pd.Series] = {}
    meta = {}
    current = panel
    for name in log or []:
        new_name = f"log_{name}"
        new[new_name] = tr.log(current[name], on_nonpositive=on_nonpositive).rename(new_name)
        meta[new_name] = current.variables[name].with_step(
            f"log({name})", label=f"log {current.label(name)}", unit="log")
    current = current.with_columns(new, meta) if new else current
    new, meta = {}, {}
    for name in growth or []:
        new_name = f"growth_{name}"
        new[new_name] = tr.growth(current[name])
        meta[new_name] = current.variables[name].with_step(
            f"growth({name})", label=f"{current.label(name)} growth", unit="%")
    for name in diff or []:
        new_name = f"D_{name}"
        new[new_name] = tr.diff(current[name])
        meta[new_name] = current.variables[name].with_step(
            f"D({name})", label=f"Δ {current.label(name)}")
    current = current.with_columns(new, meta) if new else current
    new, meta = {}, {}
    for name, ks in (lag or {}).items():
        for k in [ks] if isinstance(ks, int) else ks:
            new_name = f"L{k}_{name}" if k >= 0 else f"F{-k}_{name}"
            new[new_name] = tr.lag(current[name], k)
            meta[new_name] = current.variables[name].with_step(
                f"L({name}, {k})", label=f"{current.label(name)} (t-{k})")
    current = current.with_columns(new, meta) if new else current
    if average:
        from migecon.panel.core import Panel

        averaged = tr.average(current.data, width=average, min_obs=min_obs)
        variables = {
            c: m.with_step(f"{average}-year average (min_obs={min_obs})")
            for c, m in current.variables.items()
        }
        current = Panel(averaged, variables=variables,
                        metadata={**current.metadata, "frequency": f"{average}y"})
    return current
