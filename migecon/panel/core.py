"""The :class:`Panel`: a country-year DataFrame with metadata and provenance.

A Panel wraps a :class:`pandas.DataFrame` indexed by ``(entity, time)`` with one
column per variable, and carries, for each variable, a :class:`VariableMeta`
(label, unit, source, indicator code, vintage, derivation, transformation
history) and, for the whole panel, a metadata dictionary (sources, build
report, whether the data are simulated, true parameters of a simulation).

Panels are treated as immutable: every method returns a new Panel.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, DuplicateKeyError
from migecon.panel.timeindex import as_time, time_labels, warn_if_row_numbers

__all__ = ["Panel", "VariableMeta"]

OnDuplicate = Literal["error", "first", "last", "mean"]
_ON_DUPLICATE = ("error", "first", "last", "mean")


@dataclass(frozen=True)
class VariableMeta:
    """What is known about one variable of a panel.

    Parameters
    ----------
    label : str
        Human-readable label used in tables and figures.
    unit : str
        Unit of measurement, e.g. ``"% of GDP"``.
    source : str
        Where the numbers come from, e.g. ``"World Bank WDI"``.
    code : str
        The source's indicator code, e.g. ``"BX.TRF.PWKR.DT.GD.ZS"``.
    vintage : str
        Last-updated date of the source, or retrieval date.
    derivation : str
        How a derived series was computed from others (empty if none).
    history : tuple of str
        Transformations applied, oldest first.
    """

    label: str = ""
    unit: str = ""
    source: str = ""
    code: str = ""
    vintage: str = ""
    derivation: str = ""
    history: tuple[str, ...] = ()

    def with_step(self, step: str, **changes: Any) -> VariableMeta:
        """Return a copy with ``step`` appended to the history."""
        return replace(self, history=(*self.history, step), **changes)


#: Panel methods whose work lives in a module that depends on this one
#: (``transform`` -> :mod:`migecon.panel.transform`, ``to_stata`` ->
#: :mod:`migecon.panel.stata`). Those modules register their function here when
#: imported, and ``migecon/panel/__init__.py`` imports them, so the dependency runs
#: one way: they import ``core``; ``core`` never imports them.
_OPERATIONS: dict[str, Callable[..., Any]] = {}


def register_operation(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Attach a function of another module as the work behind ``Panel.<name>``."""
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        _OPERATIONS[name] = func
        return func
    return decorate


def _operation(name: str) -> Callable[..., Any]:
    try:
        return _OPERATIONS[name]
    except KeyError:  # pragma: no cover - migecon.panel imports every registering module
        raise RuntimeError(f"Panel.{name} is not registered; import migecon.panel") from None


@dataclass
class _Frozen:
    data: pd.DataFrame
    variables: dict[str, VariableMeta] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


class Panel:
    """A country-year panel: data indexed ``(entity, time)`` plus metadata.

    Build one with :meth:`Panel.from_frame`, :func:`migecon.build_panel` or
    :func:`migecon.load_dataset` rather than with the constructor.

    Parameters
    ----------
    data : DataFrame
        Indexed by a two-level MultiIndex ``(entity, time)``, sorted, unique.
    variables : mapping of str to VariableMeta, optional
        Metadata per column; missing entries get an empty VariableMeta.
    metadata : mapping, optional
        Panel-level metadata (sources, build report, simulation truth, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> import migecon as mg
    >>> df = pd.DataFrame({"iso3": ["NPL", "NPL", "SLV"], "year": [2021, 2022, 2022],
    ...                    "remit": [24.8, 22.9, 24.6]})
    >>> panel = mg.Panel.from_frame(df, entity="iso3", time="year")
    >>> panel.n_entities, panel.n_periods, panel.nobs
    (2, 2, 3)
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        variables: Mapping[str, VariableMeta] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        if not isinstance(data.index, pd.MultiIndex) or data.index.nlevels != 2:
            raise DataError(
                "Panel data must be indexed by a two-level (entity, time) MultiIndex; "
                f"got an index of type {type(data.index).__name__}. "
                "Use Panel.from_frame(df, entity=..., time=...) to build one from columns."
            )
        if data.index.has_duplicates:
            raise DuplicateKeyError(_duplicate_message(
                data.index, str(data.index.names[0]), str(data.index.names[1])))
        if not data.index.is_monotonic_increasing:
            data = data.sort_index()
        variables = dict(variables or {})
        self._state = _Frozen(
            data=data,
            variables={c: variables.get(c, VariableMeta(label=str(c))) for c in data.columns},
            metadata=copy.deepcopy(dict(metadata or {})),
        )

    # ------------------------------------------------------------------ build
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        entity: str,
        time: str,
        on_duplicate: OnDuplicate = "error",
        variables: Mapping[str, VariableMeta] | None = None,
        metadata: Mapping[str, Any] | None = None,
        freq: str | None = None,
    ) -> Panel:
        """Build a Panel from a long DataFrame with entity and time columns.

        Parameters
        ----------
        df : DataFrame
            One row per entity-period; other columns become variables.
        entity, time : str
            Names of the entity (country) and time columns. Times may be
            integers (calendar years, two-digit years, periods 1..T), pandas
            Periods of one frequency, or dates (converted to Periods, see
            ``freq``); lags and differences follow the index's own frequency.
        on_duplicate : {"error", "first", "last", "mean"}
            What to do with repeated (entity, time) keys; the default raises
            an error that shows how many there are and examples.
        variables, metadata : mapping, optional
            Variable and panel metadata.
        freq : str, optional
            Period frequency (``"Y"``, ``"Q"``, ``"M"``, ...) for dates or period
            text such as ``"2001Q1"``; for dates it is inferred when omitted (the
            coarsest frequency with one date per entity and period).

        Returns
        -------
        Panel

        Raises
        ------
        DataError
            Missing key columns, missing or fractional periods, Periods of
            mixed frequencies, numeric columns with some text cells, or
            infinite values.
        DuplicateKeyError
            Repeated keys when ``on_duplicate="error"``.

        Notes
        -----
        Decisions that change the input without losing information are
        listed in ``metadata["conversions"]``: years or numbers given as text
        (``"2001"``), dates converted to Periods, text columns kept as
        categories, entities of mixed types, duplicates combined. Text
        columns (strings, categoricals) are kept as categories: usable as
        ``C(region)`` in formulas and as cluster variables.

        Examples
        --------
        >>> import pandas as pd
        >>> import migecon as mg
        >>> df = pd.DataFrame({"c": ["A", "A"], "t": [2000, 2000], "x": [1.0, 3.0]})
        >>> mg.Panel.from_frame(df, entity="c", time="t", on_duplicate="mean")["x"].tolist()
        [2.0]
        """
        if on_duplicate not in _ON_DUPLICATE:
            raise DataError(
                f"on_duplicate must be one of {_ON_DUPLICATE}; got {on_duplicate!r}"
            )
        missing = [c for c in (entity, time) if c not in df.columns]
        if missing:
            raise DataError(
                f"column(s) {missing} not found; the frame has columns {list(df.columns)}. "
                "Pass the names of the entity and time columns as entity=..., time=..."
            )
        if len(df) == 0:
            raise DataError(f"the frame has no rows (columns {list(df.columns)}); is the file "
                            "empty, or did a filter remove everything?")
        work = df.copy()
        conversions: list[str] = []
        if work[entity].isna().any():
            n = int(work[entity].isna().sum())
            raise DataError(f"{n} row(s) have a missing entity ({entity!r}); drop or fill them")
        work[time] = as_time(work[time], time, conversions, entity=work[entity], freq=freq)
        warn_if_row_numbers(work[time], work[entity], time)
        kinds = {type(v).__name__ for v in work[entity].head(100_000)}
        if len(kinds) > 1:
            conversions.append(f"{entity}: mixed types ({', '.join(sorted(kinds))}) "
                               "converted to text")
        work[entity] = work[entity].astype(str)
        value_cols = [c for c in work.columns if c not in (entity, time)]
        _check_numeric(work, value_cols, conversions)
        keys = pd.MultiIndex.from_frame(work[[entity, time]])
        metadata = dict(metadata or {})
        if keys.has_duplicates:
            if on_duplicate == "error":
                raise DuplicateKeyError(_duplicate_message(keys, entity, time))
            n_dup = int(keys.duplicated().sum())
            grouped = work.groupby([entity, time], sort=True)[value_cols]
            work = getattr(grouped, on_duplicate)().reset_index()
            conversions.append(f"{n_dup} duplicate ({entity}, {time}) row(s) combined with "
                               f"on_duplicate={on_duplicate!r}")
        if conversions:
            metadata["conversions"] = [*metadata.get("conversions", []), *conversions]
        data = work.set_index([entity, time]).sort_index()
        return cls(data, variables=variables, metadata=metadata)

    # ------------------------------------------------------------ properties
    @property
    def data(self) -> pd.DataFrame:
        """A copy of the data (entity, time) x variables."""
        return self._state.data.copy()

    @property
    def entity_name(self) -> str:
        """Name of the entity index level."""
        return str(self._state.data.index.names[0])

    @property
    def time_name(self) -> str:
        """Name of the time index level."""
        return str(self._state.data.index.names[1])

    @property
    def columns(self) -> list[str]:
        """Variable names."""
        return [str(c) for c in self._state.data.columns]

    @property
    def entities(self) -> list[str]:
        """Sorted entity identifiers."""
        return sorted(self._state.data.index.get_level_values(0).unique())

    @property
    def times(self) -> list[Any]:
        """Sorted time periods (integers, or pandas Periods for a Period index)."""
        return time_labels(self._state.data.index.get_level_values(1))

    @property
    def n_entities(self) -> int:
        """Number of entities."""
        return len(self.entities)

    @property
    def n_periods(self) -> int:
        """Number of distinct time periods."""
        return len(self.times)

    @property
    def nobs(self) -> int:
        """Number of entity-period rows."""
        return len(self._state.data)

    @property
    def variables(self) -> dict[str, VariableMeta]:
        """Metadata of every variable."""
        return dict(self._state.variables)

    @property
    def metadata(self) -> dict[str, Any]:
        """Panel-level metadata (a deep copy: edit it through :meth:`with_metadata`)."""
        return copy.deepcopy(self._state.metadata)

    @property
    def is_simulated(self) -> bool:
        """True when the numbers come from a simulation, not from real data."""
        return bool(self._state.metadata.get("simulated", False))

    def simulated_note(self) -> str:
        """The note every output made from a simulated panel carries ('' for real data)."""
        if not self.is_simulated:
            return ""
        name = self._state.metadata.get("name", "simulation")
        return f"Simulated data (migecon {name}): not real countries."

    def label(self, name: str) -> str:
        """Label of a variable, falling back to its name."""
        meta = self._state.variables.get(name)
        return meta.label if meta is not None and meta.label else name

    def labels(self) -> dict[str, str]:
        """Labels of all variables."""
        return {c: self.label(c) for c in self.columns}

    def __getitem__(self, name: str) -> pd.Series:
        if name not in self._state.data.columns:
            raise KeyError(
                f"variable {name!r} not in panel; available: {', '.join(self.columns)}"
            )
        return self._state.data[name].copy()

    def __contains__(self, name: object) -> bool:
        return name in self._state.data.columns

    def __len__(self) -> int:
        return self.nobs

    def __repr__(self) -> str:
        kind = "simulated " if self.is_simulated else ""
        years = f"{self.times[0]}-{self.times[-1]}" if self.nobs else "empty"
        return (
            f"<migecon.Panel: {kind}{self.n_entities} {self.entity_name} x "
            f"{self.n_periods} {self.time_name} ({years}), {self.nobs} rows, "
            f"{len(self.columns)} variables: {', '.join(self.columns[:8])}"
            f"{', ...' if len(self.columns) > 8 else ''}>"
        )

    # ------------------------------------------------------------ derivation
    def with_columns(
        self,
        columns: Mapping[str, pd.Series],
        meta: Mapping[str, VariableMeta] | None = None,
    ) -> Panel:
        """Return a new Panel with columns added or replaced.

        Series are aligned on the (entity, time) index.
        """
        data = self._state.data.copy()
        variables = dict(self._state.variables)
        for name, values in columns.items():
            data[name] = values
            variables[name] = (meta or {}).get(name, variables.get(name, VariableMeta(name)))
        return Panel(data, variables=variables, metadata=self._state.metadata)

    def with_metadata(self, **updates: Any) -> Panel:
        """Return a new Panel whose metadata has ``updates`` merged in."""
        metadata = {**self._state.metadata, **updates}
        return Panel(self._state.data, variables=self._state.variables, metadata=metadata)

    def select(self, columns: Sequence[str]) -> Panel:
        """Keep only the named variables."""
        unknown = [c for c in columns if c not in self]
        if unknown:
            raise KeyError(f"unknown variable(s) {unknown}; available: {self.columns}")
        variables = {c: self._state.variables[c] for c in columns}
        return Panel(self._state.data[list(columns)], variables=variables,
                     metadata=self._state.metadata)

    def subset(
        self,
        *,
        countries: Iterable[str] | None = None,
        years: tuple[int, int] | Iterable[int] | None = None,
    ) -> Panel:
        """Keep some countries and/or years.

        Parameters
        ----------
        countries : iterable of str, optional
            Entity identifiers to keep.
        years : (first, last) or iterable of int, optional
            An inclusive range given as a 2-tuple, or explicit years.
        """
        data = self._state.data
        mask = np.ones(len(data), dtype=bool)
        if countries is not None:
            wanted = set(countries)
            mask &= data.index.get_level_values(0).isin(wanted)
        if years is not None:
            t = data.index.get_level_values(1)
            if isinstance(years, tuple) and len(years) == 2:
                mask &= (t >= years[0]) & (t <= years[1])
            else:
                mask &= t.isin(list(years))
        return Panel(data[mask], variables=self._state.variables, metadata=self._state.metadata)

    def dropna(self, subset: Sequence[str] | None = None) -> Panel:
        """Drop rows with a missing value in ``subset`` (default: any variable)."""
        data = self._state.data.dropna(subset=subset)
        return Panel(data, variables=self._state.variables, metadata=self._state.metadata)

    def balanced(self, columns: Sequence[str] | None = None) -> Panel:
        """Keep only entities observed (non-missing ``columns``) in every period of the panel.

        The entities dropped are counted in ``metadata["balanced"]``.

        Examples
        --------
        >>> import pandas as pd
        >>> import migecon as mg
        >>> df = pd.DataFrame({"c": ["A", "A", "B"], "t": [2000, 2001, 2000], "x": 1.0})
        >>> p = mg.Panel.from_frame(df, entity="c", time="t").balanced()
        >>> p.entities, p.metadata["balanced"]["entities_dropped"]
        (['A'], ['B'])
        """
        periods = self.n_periods
        data = self._state.data.dropna(subset=columns)
        counts = data.groupby(level=0).size()
        keep = counts.index[counts == periods]
        data = data[data.index.get_level_values(0).isin(keep)]
        dropped = sorted(set(self.entities) - set(keep))
        metadata = {**self._state.metadata, "balanced": {
            "columns": list(columns) if columns is not None else self.columns,
            "entities_dropped": dropped, "rows_dropped": self.nobs - len(data)}}
        return Panel(data, variables=self._state.variables, metadata=metadata)

    def transform(self, **steps: Any) -> Panel:
        """Apply transformations; see :func:`migecon.panel.transform.apply`.

        Examples
        --------
        >>> import migecon as mg
        >>> p = mg.load_dataset("remittances_sim")
        >>> p.transform(lag={"log_gdppc": 1}).columns[-1]
        'L1_log_gdppc'
        """
        result: Panel = _operation("transform")(self, **steps)
        return result

    # ------------------------------------------------------------- summaries
    def coverage(self, by: Literal["year", "country"] = "year") -> pd.DataFrame:
        """Share of non-missing observations.

        Parameters
        ----------
        by : {"year", "country"}
            ``"year"`` gives variables x years; ``"country"`` gives countries x
            variables. Shares are out of all entities (or all periods) in the
            panel, so absent rows count as missing.
        """
        data = self._state.data
        if by == "year":
            counts = data.notna().groupby(level=1).sum().T
            return counts / max(self.n_entities, 1)
        if by == "country":
            counts = data.notna().groupby(level=0).sum()
            return counts / max(self.n_periods, 1)
        raise DataError(f"by must be 'year' or 'country'; got {by!r}")

    def describe(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Summary statistics with overall, between and within SD (Stata's ``xtsum``).

        The between SD is the SD of entity means; the within SD is the SD of
        ``x_it - mean_i + overall mean`` over all observations. ``T-bar`` is the
        mean number of observations per entity. Text (category) columns get
        counts only: ``N``, ``n``, ``T_bar`` and ``levels`` (distinct values).
        """
        data = self._state.data[list(columns) if columns is not None else self.columns]
        rows = {}
        for name in data.columns:
            x = data[name].dropna()
            if not pd.api.types.is_numeric_dtype(x):
                # A category: counts only (its number of values in "levels").
                rows[name] = {"N": float(len(x)), "n": float(x.index.get_level_values(0)
                                                             .nunique()),
                              "levels": float(x.nunique()),
                              "T_bar": len(x) / max(x.index.get_level_values(0).nunique(), 1)}
                continue
            if x.empty:
                rows[name] = dict.fromkeys(
                    ["mean", "sd_overall", "sd_between", "sd_within", "min", "max",
                     "N", "n", "T_bar"], np.nan)
                continue
            means = x.groupby(level=0).mean()
            within = x - x.groupby(level=0).transform("mean") + x.mean()
            rows[name] = {
                "mean": x.mean(),
                "sd_overall": x.std(),
                "sd_between": means.std(),
                "sd_within": within.std(),
                "min": x.min(),
                "max": x.max(),
                "N": float(len(x)),
                "n": float(len(means)),
                "T_bar": len(x) / len(means),
            }
        out = pd.DataFrame(rows).T
        order = ["mean", "sd_overall", "sd_between", "sd_within", "min", "max", "N", "n",
                 "T_bar", "levels"]
        return out[[c for c in order if c in out.columns]]

    def to_frame(self) -> pd.DataFrame:
        """The data as a flat DataFrame with entity and time columns.

        Examples
        --------
        >>> import migecon as mg
        >>> mg.load_dataset("remittances_sim").to_frame().columns[:2].tolist()
        ['country', 'year']
        """
        return self._state.data.reset_index()

    def to_stata(self, path: str, *, version: int = 118) -> dict[str, Any]:
        """Write a Stata ``.dta`` file with variable labels; return what was changed.

        Stata names have at most 32 characters (letters, digits and ``_``, not
        starting with a digit, not a reserved word) and labels at most 80:
        names are sanitised and labels shortened, and the returned dictionary
        says which (``renamed``: {name: stata name}, ``labels_shortened``).

        Examples
        --------
        >>> import tempfile, os
        >>> import migecon as mg
        >>> p = mg.load_dataset("remittances_sim").select(["growth"])
        >>> out = p.to_stata(os.path.join(tempfile.mkdtemp(), "panel.dta"))
        >>> out["renamed"]
        {}
        """
        written: dict[str, Any] = _operation("to_stata")(self, path, version=version)
        return written

    def content_hash(self) -> str:
        """SHA-256 of the data (values and index), for provenance records."""
        hashed = pd.util.hash_pandas_object(self._state.data, index=True).to_numpy()
        digest = hashlib.sha256(hashed.tobytes())
        digest.update(json.dumps(self.columns).encode())
        return digest.hexdigest()

    # ------------------------------------------------------------------ I/O
    def to_parquet(self, path: str) -> None:
        """Write to parquet, keeping variable and panel metadata."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(self.to_frame(), preserve_index=False)
        extra = {
            b"migecon.variables": json.dumps(
                {k: asdict(v) for k, v in self._state.variables.items()}).encode(),
            b"migecon.metadata": json.dumps(self._state.metadata, default=str).encode(),
            b"migecon.index": json.dumps([self.entity_name, self.time_name]).encode(),
        }
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **extra})
        pq.write_table(table, path)

    @classmethod
    def read_parquet(cls, path: str) -> Panel:
        """Read a parquet file written by :meth:`to_parquet`."""
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        if b"migecon.index" not in meta:
            raise DataError(
                f"{path} was not written by Panel.to_parquet (no migecon metadata); "
                "read it with pandas and use Panel.from_frame(df, entity=..., time=...)"
            )
        entity, time = json.loads(meta[b"migecon.index"])
        variables = {
            k: VariableMeta(**{**v, "history": tuple(v.get("history", ()))})
            for k, v in json.loads(meta[b"migecon.variables"]).items()
        }
        metadata = json.loads(meta[b"migecon.metadata"])
        return cls.from_frame(table.to_pandas(), entity=entity, time=time,
                              variables=variables, metadata=metadata)


def _check_numeric(df: pd.DataFrame, columns: Sequence[str], conversions: list[str]) -> None:
    """Numbers stay numbers (text numbers converted); text columns become categories.

    A column where most cells are numbers but some are text (``".."``,
    ``"n/a"``) is a dirty numeric column and raises; a column of labels
    (``"Asia"``, ``"yes"``) is kept as a pandas categorical.
    """
    for col in columns:
        series = df[col]
        if pd.api.types.is_bool_dtype(series):
            df[col] = series.astype(float)
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            continue
        if not pd.api.types.is_numeric_dtype(series):
            converted = pd.to_numeric(series, errors="coerce")
            bad = series[converted.isna() & series.notna()]
            if not bad.empty:
                n_cells = int(series.notna().sum())
                if len(bad) * 2 <= n_cells:
                    raise DataError(
                        f"column {col!r} must be numeric; {len(bad)} of its {n_cells} cell(s) "
                        f"are not numbers, e.g. {bad.iloc[0]!r} at row {bad.index[0]!r}. "
                        "Clean the column (e.g. pd.to_numeric(df[col], errors='coerce') to "
                        "turn such codes into missing values) or drop it before building the "
                        "panel.")
                df[col] = series.map(lambda v: v if pd.isna(v) else str(v)).astype("category")
                n_levels = len(df[col].cat.categories)
                conversions.append(f"{col}: text kept as a category ({n_levels} value(s))")
                continue
            n_text = int(series.map(lambda v: isinstance(v, str)).sum())
            if n_text:
                conversions.append(f"{col}: {n_text} number(s) given as text converted")
            df[col] = converted
        values = df[col].to_numpy(dtype=float)
        n_inf = int(np.isinf(values).sum())
        if n_inf:
            raise DataError(
                f"column {col!r} has {n_inf} infinite value(s); replace them with NaN "
                "(e.g. df[col].replace([np.inf, -np.inf], np.nan)) or fix the computation"
            )


def _duplicate_message(keys: pd.MultiIndex, entity: str, time: str) -> str:
    dup = pd.Series(1, index=keys).groupby(level=[0, 1]).size()
    dup = dup[dup > 1]
    examples = ", ".join(f"({key[0]!r}, {key[1]}) appears {n} times"  # type: ignore[index]
                         for key, n in dup.head(3).items())
    return (
        f"{len(dup)} duplicate ({entity}, {time}) key(s), e.g. {examples}; "
        'aggregate first or pass on_duplicate="first" | "last" | "mean"'
    )
