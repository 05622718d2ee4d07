"""Transformations of panel variables that respect the panel structure.

Lags, leads and differences look up the *calendar* period: the lag of 2001 is
the value of 2000, never "the previous available row", so gaps stay gaps. On a
Period index they follow its frequency: the lag of 2001Q1 is 2000Q4.
Interpolation fills only *inside* gaps (between two observations of the same
country, never before the first or after the last) and is always flagged.
Every transformation is recorded in the variable's history.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, DroppedDataWarning
from migecon.panel.core import Panel, VariableMeta, register_operation
from migecon.panel.timeindex import is_period, ordinals

__all__ = [
    "apply",
    "average",
    "diff",
    "growth",
    "interpolate",
    "lag",
    "lead",
    "log",
    "per_capita",
    "period_label",
    "ratio",
    "standardize",
    "winsorize",
]


def lag(series: pd.Series, k: int = 1) -> pd.Series:
    """Value of the same entity ``k`` periods earlier (``k < 0``: a lead).

    The series must be indexed ``(entity, time)`` with integer times or
    pandas Periods (then ``k`` counts periods of the index's frequency). A row
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
    lagged = pd.Series(series.to_numpy(), index=shifted_index, name=series.name)
    return lagged.reindex(series.index)


def lead(series: pd.Series, k: int = 1) -> pd.Series:
    """Value of the same entity ``k`` periods later (NaN where that period is absent).

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("A", 2000), ("A", 2001), ("A", 2003)])
    >>> lead(pd.Series([1.0, 2.0, 3.0], index=idx)).tolist()
    [2.0, nan, nan]
    """
    return lag(series, -k)


def diff(series: pd.Series, k: int = 1) -> pd.Series:
    """``x_t - x_{t-k}`` within entity, NaN across gaps.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("A", 2000), ("A", 2001), ("A", 2003)])
    >>> diff(pd.Series([1.0, 4.0, 5.0], index=idx)).tolist()
    [nan, 3.0, nan]
    """
    return series - lag(series, k)


def growth(series: pd.Series, kind: Literal["percent", "log"] = "percent") -> pd.Series:
    """Period-on-period growth: percent ``100 (x_t/x_{t-1} - 1)`` or ``100 Δlog x``.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("A", 2000), ("A", 2001)])
    >>> growth(pd.Series([100.0, 110.0], index=idx)).round(6).tolist()
    [nan, 10.0]
    """
    previous = lag(series, 1)
    if kind == "percent":
        return 100.0 * (series / previous - 1.0)
    if kind == "log":
        return 100.0 * (np.log(series) - np.log(previous))
    raise DataError(f"kind must be 'percent' or 'log'; got {kind!r}")


def log(series: pd.Series, on_nonpositive: Literal["error", "nan"] = "error") -> pd.Series:
    """Natural log; non-positive values raise unless ``on_nonpositive="nan"``.

    Examples
    --------
    >>> import pandas as pd
    >>> log(pd.Series([1.0, 0.0], name="x"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    migecon.errors.DataError: log(x): 1 value(s) are zero or negative, e.g. 0.0 at 1; ...
    """
    if on_nonpositive not in ("error", "nan"):
        raise DataError(f"on_nonpositive must be 'error' or 'nan'; got {on_nonpositive!r}")
    bad = series[series <= 0]
    if not bad.empty:
        if on_nonpositive == "error":
            raise DataError(
                f"log({series.name}): {len(bad)} value(s) are zero or negative, "
                f"e.g. {float(bad.iloc[0])!r} at {_plain(bad.index[0])!r}; pass "
                'on_nonpositive="nan" to set them missing (they will be counted)'
            )
        warnings.warn(
            f"log({series.name}): {len(bad)} non-positive value(s) set to missing",
            DroppedDataWarning,
            stacklevel=3,
        )
    return np.log(series.where(series > 0))


def _plain(key: object) -> object:
    """An index key with numpy scalars turned into Python ones (for messages)."""
    if isinstance(key, tuple):
        return tuple(_plain(k) for k in key)
    return key.item() if isinstance(key, np.generic) else key


def interpolate(series: pd.Series, *, method: Literal["linear", "log"] = "linear",
                max_gap: int | None = None) -> tuple[pd.Series, pd.Series]:
    """Fill missing values *inside* gaps, by calendar year; return (values, flags).

    A missing value is filled only when the same entity is observed both
    before and after it (no extrapolation), and, with ``max_gap``, only when
    those two observations are at most ``max_gap`` years apart. ``"linear"``
    interpolates the level; ``"log"`` interpolates the log (constant growth,
    suited to stocks such as the five-yearly migrant stock) and needs positive
    values. Only rows present in the index are filled.

    Returns
    -------
    values : Series
        The series with the gaps filled.
    flags : Series of bool
        True where a value was filled.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_product([["A"], [1990, 1991, 1992, 1993, 1994, 1995, 1996]])
    >>> s = pd.Series([10.0, None, None, None, None, 20.0, None], index=idx)
    >>> filled, flags = interpolate(s)
    >>> filled.tolist()
    [10.0, 12.0, 14.0, 16.0, 18.0, 20.0, nan]
    >>> int(flags.sum())
    4
    """
    if method not in ("linear", "log"):
        raise DataError(f"method must be 'linear' or 'log'; got {method!r}")
    if max_gap is not None and max_gap < 1:
        raise DataError(f"max_gap must be a positive number of years; got {max_gap}")
    ordered = series.sort_index()
    entity = ordered.index.get_level_values(0)
    time = pd.Series(ordinals(ordered.index.get_level_values(1)).astype(float),
                     index=ordered.index)
    values = ordered.astype(float)
    if method == "log":
        if (values <= 0).any():
            n = int((values <= 0).sum())
            raise DataError(f"interpolate({series.name}, method='log'): {n} value(s) are zero "
                            "or negative; use method='linear'")
        values = pd.Series(np.log(values.to_numpy()), index=values.index)
    observed_time = time.where(values.notna())
    prev_t = observed_time.groupby(entity).ffill()
    next_t = observed_time.groupby(entity).bfill()
    prev_y = values.groupby(entity).ffill()
    next_y = values.groupby(entity).bfill()
    inside = values.isna() & prev_t.notna() & next_t.notna()
    if max_gap is not None:
        inside &= (next_t - prev_t) <= max_gap
    weight = (time - prev_t) / (next_t - prev_t)
    filled = values.where(~inside, prev_y + weight * (next_y - prev_y))
    if method == "log":
        filled = pd.Series(np.exp(filled.to_numpy()), index=filled.index)
    filled = filled.reindex(series.index)
    flags = inside.reindex(series.index)
    filled.name = flags.name = series.name
    return filled, flags


def winsorize(series: pd.Series, lower: float = 0.01, upper: float = 0.99) -> tuple[
        pd.Series, int]:
    """Clip at the ``lower`` and ``upper`` quantiles (pooled); return (values, number clipped).

    Examples
    --------
    >>> import pandas as pd
    >>> values, n = winsorize(pd.Series(range(101), dtype=float), 0.05, 0.95)
    >>> float(values.min()), float(values.max()), n
    (5.0, 95.0, 10)
    """
    if not 0 <= lower < upper <= 1:
        raise DataError(f"winsorize needs 0 <= lower < upper <= 1; got ({lower}, {upper})")
    low, high = series.quantile([lower, upper])
    clipped = series.clip(low, high)
    return clipped, int(((series < low) | (series > high)).sum())


def standardize(series: pd.Series) -> pd.Series:
    """``(x - mean) / sd`` over all non-missing observations (sd with n - 1).

    Examples
    --------
    >>> import pandas as pd
    >>> standardize(pd.Series([1.0, 2.0, 3.0])).tolist()
    [-1.0, 0.0, 1.0]
    """
    sd = series.std()
    if not sd > 0:
        raise DataError(f"standardize({series.name}): the standard deviation is {sd}; the "
                        "variable is constant or empty")
    return (series - series.mean()) / sd


def ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 100.0) -> pd.Series:
    """``scale * numerator / denominator``, NaN where the denominator is zero or missing.

    Examples
    --------
    >>> import pandas as pd
    >>> ratio(pd.Series([1.0, 2.0]), pd.Series([4.0, 0.0])).tolist()
    [25.0, nan]
    """
    safe = denominator.where(denominator != 0)
    return scale * numerator / safe


def per_capita(values: pd.Series, population: pd.Series, scale: float = 1.0) -> pd.Series:
    """``scale * values / population`` (e.g. ``scale=1e6`` for per million people).

    Examples
    --------
    >>> import pandas as pd
    >>> per_capita(pd.Series([5.0e6]), pd.Series([2.0e6])).tolist()
    [2.5]
    """
    return ratio(values, population, scale=scale)


def period_label(start: int, width: int, last: int | None = None) -> str:
    """``"1990-1994"``: the years a period covers (cut at ``last``).

    Examples
    --------
    >>> period_label(1990, 5), period_label(2020, 5, last=2022)
    ('1990-1994', '2020-2022')
    """
    end = start + width - 1 if last is None else min(start + width - 1, last)
    return f"{start}-{end}" if end != start else str(start)


def default_min_obs(width: int) -> int:
    """Default years needed for a period average: a majority of the period (3 of 5).

    A shorter last period (2020-2022 of a 1990-2022 panel) needs a majority of
    its own years, and a series observed less often than yearly (UN DESA stocks,
    every five years: at most one value in a typical period) keeps every value.

    Examples
    --------
    >>> default_min_obs(5), default_min_obs(4), default_min_obs(1)
    (3, 3, 1)
    """
    return width // 2 + 1


def _thresholds(panel_data: pd.DataFrame, counts: pd.DataFrame, spans: pd.Series,
                min_obs: int | None, width: int) -> pd.DataFrame:
    """Years each (cell, variable) needs: ``min_obs``, or the default rule."""
    if min_obs is not None:
        return pd.DataFrame(min_obs, index=counts.index, columns=counts.columns)
    need = pd.DataFrame({c: np.minimum(default_min_obs(width), spans // 2 + 1)
                         for c in counts.columns}, index=counts.index)
    for column in counts.columns:
        observed = counts[column][counts[column] > 0]
        if len(observed) and float(observed.median()) <= 1:
            need[column] = 1  # observed at most once per period by design
    return need


def average(panel_data: pd.DataFrame, width: int = 5, min_obs: int | None = None,
            start: int | None = None) -> pd.DataFrame:
    """Non-overlapping period averages (e.g. five-year averages).

    Periods start at ``start`` (default: the first year of the panel) and are
    labelled by their first year (see :func:`period_label` for the span). A
    period mean needs at least ``min_obs`` non-missing years; otherwise it is
    NaN. The default (``None``) asks for a majority of the period's years
    (:func:`default_min_obs`), except for series observed at most once in a
    typical period, which keep every value.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_product([["A"], range(2000, 2006)], names=["c", "t"])
    >>> average(pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6]}, index=idx), width=5)["x"].tolist()
    [3.0, 6.0]
    """
    means, counts, need, text = _average_counts(panel_data, width, min_obs, start)
    return _with_text(means.where(counts >= need), text, panel_data.columns)


def _average_counts(panel_data: pd.DataFrame, width: int, min_obs: int | None,
                    start: int | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Period means of the numeric columns, their counts, the years each cell needs, and
    the text (category) columns carried over (``None`` without any)."""
    if width < 1:
        raise DataError(f"width must be a positive number of years; got {width}")
    if min_obs is not None and (min_obs < 1 or min_obs > width):
        raise DataError(f"min_obs must be between 1 and the width ({width}); got {min_obs}")
    time = panel_data.index.get_level_values(1)
    period = _period_starts(time, width, start)
    entity = panel_data.index.get_level_values(0)
    text = [c for c in panel_data.columns if not _is_numeric(panel_data[c])]
    numeric = panel_data.drop(columns=text)
    grouped = numeric.groupby([entity, period])
    means = grouped.mean()
    counts = grouped.count()
    last = int(ordinals(time).max())
    starts = ordinals(means.index.get_level_values(1))
    spans = pd.Series(np.minimum(width, last - np.asarray(starts) + 1), index=means.index)
    need = _thresholds(panel_data, counts, spans, min_obs, width)
    carried: pd.DataFrame | None = None
    if text:
        # Text (category) columns are kept when constant within each entity-period.
        labels = panel_data[text].groupby([entity, period], observed=True)
        varying = [c for c in text if (labels[c].nunique() > 1).any()]
        if varying:
            raise DataError(
                f"text column(s) {varying} change within a {width}-period block of some "
                "entity, so they have no period average; drop them first "
                "(panel.select([...])) or make them constant within periods")
        carried = labels.first().reindex(means.index)
        carried.index = carried.index.set_names(panel_data.index.names)
    means.index = means.index.set_names(panel_data.index.names)
    counts.index = means.index
    need.index = means.index
    return means, counts, need, carried


def _with_text(means: pd.DataFrame, text: pd.DataFrame | None,
               columns: pd.Index) -> pd.DataFrame:
    """Put the carried text columns back, in the panel's column order."""
    if text is not None:
        for c in text.columns:
            means[c] = text[c].to_numpy()
    return means[list(columns)]


def _period_starts(time: pd.Index, width: int, start: Any) -> pd.Index:
    """First period of the ``width``-period block each time belongs to."""
    codes = ordinals(time)
    if start is None:
        first = int(codes.min())
    else:
        first = int(ordinals(pd.Index([start]))[0]) if not is_period(time) else int(
            pd.Period(start, freq=pd.PeriodIndex(time).freqstr).ordinal)
    starts = first + ((codes - first) // width) * width
    if is_period(time):
        return pd.PeriodIndex(time) + (starts - codes)
    return pd.Index(starts)


def _is_numeric(series: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def refuse_text(panel: Panel, names: Sequence[str], what: str) -> None:
    """A clear error when a text (category) column is given to a numeric transformation."""
    for name in names:
        if name in panel and not _is_numeric(panel[name]):
            example = panel[name].dropna()
            shown = f" (e.g. {example.iloc[0]!r})" if not example.empty else ""
            raise DataError(
                f"{what}: {name!r} is a text (category) column{shown}, not numbers, so "
                f"{what.split('=')[0]} is undefined for it. Use it as categories instead "
                f"(C({name}) in a formula, cluster={name!r}), or convert it to numbers first "
                "(e.g. a 0/1 dummy) and build the panel again")


@register_operation("transform")
def apply(panel: Panel, *, log: Sequence[str] | None = None,
          lag: Mapping[str, int | Sequence[int]] | None = None,
          growth: Sequence[str] | None = None,
          diff: Sequence[str] | None = None,
          average: int | None = None, min_obs: int | None = None,
          initial: Sequence[str] | None = None,
          on_nonpositive: Literal["error", "nan"] = "error",
          interpolate: Sequence[str] | Mapping[str, int | None] | None = None,
          interpolate_method: Literal["linear", "log"] = "linear",
          winsorize: Sequence[str] | Mapping[str, tuple[float, float]] | None = None,
          standardize: Sequence[str] | None = None,
          **unknown: Any) -> Panel:
    """Apply transformations in a fixed, documented order.

    Order: ``interpolate`` (in place, inside gaps; a flag column
    ``<x>_interpolated`` is added, 1 where filled; a mapping gives each
    variable's ``max_gap``), ``log`` (new column ``log_<x>``), ``growth``
    (``growth_<x>``), ``diff`` (``D_<x>``), ``lag`` (``L<k>_<x>``; negative
    ``k`` gives leads ``F<k>_<x>``), ``winsorize`` (``<x>_w``, at the 1st and
    99th percentiles unless a mapping gives ``(lower, upper)``),
    ``standardize`` (``z_<x>``), then ``average`` (period means of every
    column, for ``average`` years per period, at least ``min_obs`` years each,
    by default a majority of the period: 3 of 5; cells set missing for having
    fewer years are counted in ``metadata["period_cells_below_min_obs"]`` and
    reported with a :class:`~migecon.errors.DroppedDataWarning`; the panel's
    metadata gets the period labels and ``period_step``). With ``average``,
    ``initial=[x, ...]`` adds ``initial_<x>``: the value of ``x`` in the first
    year of each period (missing when that year is missing), the
    start-of-period value growth regressions use for initial income.

    Examples
    --------
    >>> import pandas as pd
    >>> import migecon as mg
    >>> df = pd.DataFrame({"c": "A", "t": [2000, 2001, 2002], "x": [1.0, None, 3.0]})
    >>> p = mg.Panel.from_frame(df, entity="c", time="t").transform(interpolate=["x"])
    >>> p["x"].tolist(), p["x_interpolated"].tolist()
    ([1.0, 2.0, 3.0], [0.0, 1.0, 0.0])
    """
    if unknown:
        raise DataError(
            f"unknown transformation(s) {sorted(unknown)}; use interpolate=, log=, growth=, "
            "diff=, lag=, winsorize=, standardize=, average="
        )
    from migecon.panel import transform as tr

    for what, names in (("interpolate=", list(interpolate or [])), ("log=", log or []),
                        ("growth=", growth or []), ("diff=", diff or []),
                        ("winsorize=", list(winsorize or [])),
                        ("standardize=", standardize or [])):
        refuse_text(panel, names, what)
    current = panel
    counts: dict[str, Any] = dict(current.metadata.get("transform_counts", {}))
    new: dict[str, pd.Series] = {}
    meta: dict[str, VariableMeta] = {}
    gaps = (dict(interpolate) if isinstance(interpolate, Mapping)
            else dict.fromkeys(interpolate or [], None))
    for name, max_gap in gaps.items():
        filled, flags = tr.interpolate(current[name], method=interpolate_method,
                                       max_gap=max_gap)
        n = int(flags.sum())
        counts.setdefault("interpolated", {})[name] = n
        gap_text = f", max_gap={max_gap}" if max_gap is not None else ""
        new[name] = filled
        meta[name] = current.variables[name].with_step(
            f"interpolate({name}, {interpolate_method}, inside gaps{gap_text}): {n} filled")
        new[f"{name}_interpolated"] = flags.astype(float)
        meta[f"{name}_interpolated"] = VariableMeta(
            label=f"1 if {current.label(name)} was interpolated", unit="0/1",
            history=(f"flags of interpolate({name})",))
    current = current.with_columns(new, meta) if new else current
    new, meta = {}, {}
    for name in log or []:
        new_name = f"log_{name}"
        new[new_name] = tr.log(current[name], on_nonpositive=on_nonpositive).rename(new_name)
        meta[new_name] = current.variables[name].with_step(
            f"log({name})", label=f"log {current.label(name)}", unit="log")
    current = current.with_columns(new, meta) if new else current
    new, meta = {}, {}
    for name in growth or []:
        new_name = f"growth_{name}"
        new[new_name] = _not_all_lost(tr.growth(current[name]), current, name,
                                      f"growth=[{name!r}]")
        meta[new_name] = current.variables[name].with_step(
            f"growth({name})", label=f"{current.label(name)} growth", unit="%")
    for name in diff or []:
        new_name = f"D_{name}"
        new[new_name] = _not_all_lost(tr.diff(current[name]), current, name,
                                      f"diff=[{name!r}]")
        meta[new_name] = current.variables[name].with_step(
            f"D({name})", label=f"Δ {current.label(name)}")
    current = current.with_columns(new, meta) if new else current
    new, meta = {}, {}
    for name, ks in (lag or {}).items():
        for k in [ks] if isinstance(ks, int) else ks:
            new_name = f"L{k}_{name}" if k >= 0 else f"F{-k}_{name}"
            when = f"t-{k}" if k >= 0 else f"t+{-k}"
            new[new_name] = _not_all_lost(tr.lag(current[name], k), current, name,
                                          f"lag={{{name!r}: {k}}}")
            meta[new_name] = current.variables[name].with_step(
                f"L({name}, {k})", label=f"{current.label(name)} ({when})")
    current = current.with_columns(new, meta) if new else current
    new, meta = {}, {}
    bounds = (dict(winsorize) if isinstance(winsorize, Mapping)
              else dict.fromkeys(winsorize or [], (0.01, 0.99)))
    for name, (lower, upper) in bounds.items():
        new[f"{name}_w"], n = tr.winsorize(current[name], lower, upper)
        counts.setdefault("winsorized", {})[name] = n
        meta[f"{name}_w"] = current.variables[name].with_step(
            f"winsorize({name}, {lower}, {upper}): {n} clipped",
            label=f"{current.label(name)} (winsorised)")
    for name in standardize or []:
        new[f"z_{name}"] = tr.standardize(current[name])
        meta[f"z_{name}"] = current.variables[name].with_step(
            f"standardize({name})", label=f"{current.label(name)} (standardised)", unit="SD")
    current = current.with_columns(new, meta) if new else current
    if counts:
        current = current.with_metadata(transform_counts=counts)
    if initial and not average:
        raise DataError("initial= gives start-of-period values of period averages; pass it "
                        "together with average= (e.g. average=5, initial=['log_gdppc'])")
    if average:
        current = _average_panel(current, average, min_obs, list(initial or []))
    return current


def _not_all_lost(result: pd.Series, panel: Panel, name: str, what: str) -> pd.Series:
    """Fail when a lag-based transformation leaves no value although the input has some.

    Lags count calendar years, so on a panel of period averages (times 1990,
    1995, ...) a one-year lag finds nothing: say so rather than add an empty
    column that fails much later in a regression.
    """
    if result.notna().any() or not panel[name].notna().any():
        return result
    times = panel.times
    steps = np.diff(ordinals(pd.Index(times))) if len(times) > 1 else np.array([1])
    width = int(np.gcd.reduce(steps)) if steps.size else 1
    hint = ""
    if width > 1:
        hint = (f"; the panel's periods are {width} years apart ({times[0]}, {times[1]}, ...)"
                + (f", so the previous period is lag={{{name!r}: {width}}}"
                   if what.startswith("lag") else
                   ", and growth= and diff= compare consecutive years"))
    raise DataError(
        f"{what}: no value of {name!r} has one the given number of years earlier in the same "
        f"country, so the new column would be empty. Lags count calendar years{hint}; "
        "or transform the annual panel in the same call as average= (which runs last)")


def _average_panel(panel: Panel, width: int, min_obs: int | None,
                   initial: list[str] | None = None) -> Panel:
    data = panel.data
    absent = [c for c in initial or [] if c not in data.columns]
    if absent:
        raise DataError(f"initial={absent}: not in the panel; available: "
                        f"{', '.join(map(str, data.columns))}")
    means, counts, need, text = _average_counts(data, width, min_obs)
    averaged = _with_text(means.where(counts >= need), text, data.columns)
    # Cells with some yearly data but fewer years than needed: counted, warned, not hidden.
    too_few = ((counts > 0) & (counts < need)).sum()
    thin = {str(c): int(v) for c, v in too_few.items() if v}
    shown_min = min_obs if min_obs is not None else default_min_obs(width)
    if thin:
        how = (f"min_obs={min_obs}" if min_obs is not None
               else f"the default: a majority of the period's years, {shown_min} of {width}")
        warnings.warn(
            f"average={width}: {sum(thin.values()):,} period average(s) rest on too few "
            f"years and were set missing ({how}): "
            + ", ".join(f"{c} {n:,}" for c, n in thin.items())
            + ". Pass min_obs=1 to keep every period with any data, or interpolate= first",
            DroppedDataWarning, stacklevel=4)
    time = data.index.get_level_values(1)
    period = _period_starts(time, width, None)
    start_rows = np.asarray(time == period)
    new_initial = {}
    for name in initial or []:
        new_initial[f"initial_{name}"] = data.loc[start_rows, name].reindex(averaged.index)
    starts = sorted(set(averaged.index.get_level_values(1)))
    if is_period(time):
        last_p = time.max()
        labels = {str(p): f"{p}-{min(p + (width - 1), last_p)}" for p in starts}
    else:
        labels = {str(p): period_label(int(p), width, int(time.max())) for p in starts}
    rule = f"min_obs={min_obs}" if min_obs is not None else "min_obs=majority of the period"
    variables = {
        c: m.with_step(f"{width}-year average ({rule})")
        for c, m in panel.variables.items()
    }
    for name, values in new_initial.items():
        source = name.removeprefix("initial_")
        averaged[name] = values.to_numpy()
        variables[name] = panel.variables[source].with_step(
            f"value in the first year of each {width}-year period",
            label=f"{panel.label(source)} (start of period)")
    metadata = {**panel.metadata, "frequency": f"{width}y", "periods": labels,
                "period_step": width, "min_obs": shown_min,
                "initial": {f"initial_{c}": c for c in initial or []},
                "period_cells_below_min_obs": thin}
    return Panel(averaged, variables=variables, metadata=metadata)
