"""The time index of a panel: calendar years, other integers, or pandas Periods.

A panel's time level is one of two kinds, so that "the previous period" is
always well defined:

* **integers** (calendar years, two-digit years such as plm's ``Crime`` 81-87,
  periods 1..T): the previous period of ``t`` is ``t - 1``; a lag of ``k``
  looks up ``t - k``. This is the fast common case.
* **pandas Periods of one frequency** (annual, quarterly, monthly, ...): the
  previous period is one step of that frequency (the quarter before), as
  pandas' ``Period - 1``. Dates are converted to Periods of a declared
  frequency (``freq="Q"``) or of the coarsest frequency under which every
  entity has one date per period (dates at quarter ends become quarters).

Functions here normalise a time column (:func:`as_time`), give integer
positions for arithmetic (:func:`ordinals`) and describe a time level in
messages (:func:`describe_time`).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from migecon.errors import DataError, MigeconWarning

__all__ = ["FREQUENCIES", "as_time", "is_period", "ordinals", "time_labels"]

#: Frequencies tried, coarsest first, when dates are converted to Periods.
FREQUENCIES: tuple[str, ...] = ("Y", "Q", "M", "W", "D")
_FREQ_WORDS = {"Y": "annual", "A": "annual", "Q": "quarterly", "M": "monthly", "W": "weekly",
               "D": "daily", "B": "business-daily", "h": "hourly", "H": "hourly"}


def is_period(values: Any) -> bool:
    """True when ``values`` (an Index, Series or array) hold pandas Periods."""
    return isinstance(getattr(values, "dtype", None), pd.PeriodDtype)


def ordinals(values: Any) -> np.ndarray:
    """Integer positions of time values: the integers themselves, or Period ordinals.

    Consecutive periods differ by one in both cases (2001 and 2002; 2001Q4
    and 2002Q1), so differences of ordinals count periods.

    Examples
    --------
    >>> import pandas as pd
    >>> ordinals(pd.Index([1990, 1991])).tolist()
    [1990, 1991]
    >>> q = ordinals(pd.PeriodIndex(["2001Q4", "2002Q1"], freq="Q"))
    >>> int(q[1] - q[0])
    1
    """
    if is_period(values):
        return np.asarray(pd.PeriodIndex(values).asi8, dtype=np.int64)
    return np.asarray(values).astype(np.int64)


def time_labels(values: Any) -> list[Any]:
    """Sorted distinct time values as Python objects (ints, or Periods)."""
    uniq = pd.Index(values).unique().sort_values()
    if is_period(uniq):
        return list(uniq)
    return [int(t) for t in uniq]


def frequency_word(values: Any) -> str:
    """``"annual"``, ``"quarterly"``, ... for Periods; ``"integer"`` otherwise."""
    if not is_period(values):
        return "integer"
    code = str(pd.PeriodIndex(values).freqstr).split("-")[0]
    code = code.lstrip("0123456789")
    return _FREQ_WORDS.get(code[:1].upper() if code[:1] in "AYQMWD" else code, code)


def as_time(values: pd.Series, name: str, conversions: list[str], *,
            entity: pd.Series | None = None, freq: str | None = None) -> pd.Series:
    """Normalise a time column to integers or Periods of one frequency.

    Parameters
    ----------
    values : Series
        The time column as given.
    name : str
        Its name (for messages).
    conversions : list of str
        Notes of conversions made are appended here.
    entity : Series, optional
        The entity column (to infer the frequency of dates: the coarsest one
        under which no entity has two dates in one period).
    freq : str, optional
        Frequency of the Periods (``"Y"``, ``"Q"``, ``"M"``, ...) to convert
        dates or period text to; inferred when omitted.

    Returns
    -------
    Series
        ``int64`` values, or ``period[...]`` values.

    Raises
    ------
    DataError
        Missing values, fractions, text that is neither a number nor a
        period, Periods of mixed frequencies.

    Examples
    --------
    >>> import pandas as pd
    >>> notes = []
    >>> as_time(pd.Series(["81", "82"]), "year", notes).tolist()
    [81, 82]
    >>> dates = pd.Series(pd.to_datetime(["2001-03-31", "2001-06-30"]))
    >>> as_time(dates, "date", notes).astype(str).tolist()
    ['2001Q1', '2001Q2']
    """
    if values.isna().any():
        raise DataError(f"{int(values.isna().sum())} row(s) have a missing {name!r}; drop "
                        "or fill them")
    if freq is not None:
        _check_freq(freq)
    if is_period(values):
        return _as_freq(values, name, freq, conversions)
    if values.dtype == object and values.map(lambda v: isinstance(v, pd.Period)).any():
        return _object_periods(values, name, freq, conversions)
    if pd.api.types.is_datetime64_any_dtype(values) or (
            values.dtype == object
            and values.map(lambda v: isinstance(v, pd.Timestamp)).all()):
        return _dates(pd.Series(pd.to_datetime(values), index=values.index), name,
                      entity, freq, conversions)
    if freq is not None and not pd.api.types.is_numeric_dtype(values):
        return _period_text(values, name, freq, conversions)
    return _integers(values, name, conversions)


def _check_freq(freq: str) -> None:
    try:
        pd.Period("2000-01-01", freq=freq)
    except (ValueError, TypeError) as err:
        raise DataError(f"freq={freq!r} is not a pandas period frequency; use 'Y' (annual), "
                        "'Q' (quarterly), 'M' (monthly), 'W' or 'D'") from err


def _as_freq(values: pd.Series, name: str, freq: str | None,
             conversions: list[str]) -> pd.Series:
    if freq is None:
        return values
    target = pd.Period("2000-01-01", freq=freq).freqstr
    current = pd.PeriodIndex(values).freqstr
    if current == target:
        return values
    conversions.append(f"{name}: periods of frequency {current} converted to {target}")
    return pd.Series(pd.PeriodIndex(values).asfreq(freq), index=values.index)


def _object_periods(values: pd.Series, name: str, freq: str | None,
                    conversions: list[str]) -> pd.Series:
    not_period = values[~values.map(lambda v: isinstance(v, pd.Period))]
    if not not_period.empty:
        raise DataError(
            f"time column {name!r} mixes Periods and other values ({len(not_period)} value(s), "
            f"e.g. {not_period.iloc[0]!r}); convert every value to a Period of one frequency")
    freqs = values.map(lambda v: v.freqstr).value_counts()
    if len(freqs) > 1:
        shown = ", ".join(f"{f} ({n} rows)" for f, n in freqs.items())
        raise DataError(
            f"time column {name!r} holds Periods of mixed frequencies: {shown}. A panel has "
            "one frequency; convert them first, e.g. s.map(lambda p: p.asfreq('Q')), or "
            "aggregate the finer series to the coarser frequency")
    out = pd.Series(pd.PeriodIndex(values.tolist()), index=values.index)
    return _as_freq(out, name, freq, conversions)


def _dates(values: pd.Series, name: str, entity: pd.Series | None, freq: str | None,
           conversions: list[str]) -> pd.Series:
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    if freq is None:
        keys = entity.astype(str) if entity is not None else pd.Series("", index=values.index)
        freq = FREQUENCIES[-1]
        for candidate in FREQUENCIES:
            periods = values.dt.to_period(candidate)
            if not pd.MultiIndex.from_arrays([keys, periods]).has_duplicates:
                freq = candidate
                break
        how = "inferred: the coarsest frequency with one date per entity and period"
    else:
        how = "declared"
    out = values.dt.to_period(freq)
    word = frequency_word(pd.PeriodIndex(out))
    conversions.append(f"{name}: dates converted to {word} periods ({how}; pass freq= to "
                       "choose another)")
    return out


def _period_text(values: pd.Series, name: str, freq: str,
                 conversions: list[str]) -> pd.Series:
    text = values.astype(str).str.strip()
    try:
        out = pd.Series(pd.PeriodIndex(text.tolist(), freq=freq), index=values.index)
    except (ValueError, TypeError) as err:
        raise DataError(f"time column {name!r}: text such as {text.iloc[0]!r} could not be "
                        f"read as periods of frequency {freq!r} ({err})") from err
    conversions.append(f"{name}: text converted to periods of frequency "
                       f"{pd.PeriodIndex(out).freqstr}")
    return out


def _integers(values: pd.Series, name: str, conversions: list[str]) -> pd.Series:
    if not pd.api.types.is_numeric_dtype(values):
        text = values.map(lambda v: isinstance(v, str))
        if text.any():
            conversions.append(f"{name}: {int(text.sum())} year(s) given as text converted "
                               "to integers")
        values = values.map(lambda v: v.strip() if isinstance(v, str) else v)
    if pd.api.types.is_bool_dtype(values):
        raise DataError(f"time column {name!r} holds True/False values, not periods")
    numeric = pd.to_numeric(values, errors="coerce")
    bad = values[numeric.isna()]
    if not bad.empty:
        raise DataError(
            f"time column {name!r} must hold integer periods (years, 1..T), pandas Periods "
            f"or dates; {len(bad)} value(s) are not numbers, e.g. {bad.iloc[0]!r}. Convert "
            "them first (e.g. df[col].str[:4].astype(int)), or pass freq='Q' (or 'M', ...) "
            "if they are period text such as '2001Q1'.")
    if not np.allclose(numeric, np.round(numeric)):
        frac = numeric[numeric != np.round(numeric)]
        raise DataError(
            f"time column {name!r} must hold integer periods; {len(frac)} value(s) have "
            f"fractions, e.g. {frac.iloc[0]!r}. For quarters or months use pandas Periods "
            "(pd.PeriodIndex) or dates")
    return numeric.round().astype("int64")


def warn_if_row_numbers(times: pd.Series, entity: pd.Series, name: str) -> None:
    """Warn when an integer time column looks like row numbers (never refuse it).

    The sign: several entities, yet no two rows share a period, and the
    periods run 0..N-1 or 1..N over the N rows.
    """
    if is_period(times) or entity.nunique() < 2:
        return
    values = np.sort(times.to_numpy())
    n = len(values)
    if n > 2 and (np.array_equal(values, np.arange(n)) or
                  np.array_equal(values, np.arange(1, n + 1))):
        warnings.warn(
            f"time column {name!r} runs {values[0]}..{values[-1]} over the {n} rows with no "
            "period shared by two entities: is it a row number rather than the period? The "
            "panel was built as given", MigeconWarning, stacklevel=4)
