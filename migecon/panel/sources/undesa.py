"""UN DESA International Migrant Stock: bilateral stocks, country totals, diaspora shares.

UN DESA's Population Division estimates, for mid-1990, 1995, ..., 2020 and
2024, how many people born in (or citizens of) each country live in every
other country. migecon reads three layouts of these estimates:

* the **bilateral long** table of IMS 2020: ``year, origin, destination, stock``,
  one row per non-zero pair, short names such as ``"DR Congo"``;
* the **country totals** of IMS 2020: ``year, country, immigrant stock,
  emigrant stock`` (the emigrant stock is the diaspora: India 2020 = 17.87
  million);
* the **bilateral wide** table of IMS 2024: ``Destination, Origin, 2024``
  (more year columns are accepted), with UN names (``"Türkiye"``,
  ``"United States of America*"``) *and* UN regions and groups
  (``"Eastern Africa"``, ``"Least developed countries"``, ``"Others"``) mixed
  in among the countries.

Names become ISO3 codes through :func:`migecon.panel.countries.to_iso3`. UN
regions and groups (:func:`~migecon.panel.countries.is_un_aggregate`) and World
Bank aggregates (``"Sub-Saharan Africa"``, ``"WORLD"``) are removed and counted,
row by row and name by name, in the report; names that match nothing raise an
:class:`~migecon.errors.UnknownCountryError` (or, with ``on_unknown="drop"``,
are dropped with a warning and counted).

:class:`UNDESA` is a data source (see :mod:`migecon.panel.sources.base`) with
four series per country and year: ``emigrant_stock`` (diaspora size),
``immigrant_stock``, ``diaspora_share`` (emigrants in % of the home country's
resident population, World Bank ``SP.POP.TOTL``) and ``emigration_rate``
(emigrants in % of residents plus emigrants).

Cite as: United Nations, Department of Economic and Social Affairs, Population
Division, *International Migrant Stock 2020* (or *2024*).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, SourceError
from migecon.panel.sources.base import VALUE_COLUMNS, IndicatorMeta, Source, SourceData

__all__ = [
    "CITATION",
    "UNDESA",
    "UNDESA_SERIES",
    "MigrantStocks",
    "diaspora_share",
    "emigrant_stock_from_bilateral",
    "read_bilateral",
    "read_totals",
]

CITATION = ("United Nations, Department of Economic and Social Affairs, Population Division, "
            "International Migrant Stock {revision}")
POPULATION_CODE = "SP.POP.TOTL"
OnUnknown = Literal["error", "drop"]
_ON_UNKNOWN = ("error", "drop")
PathLike = str | os.PathLike[str]

#: The series :class:`UNDESA` delivers: code -> (label, unit).
UNDESA_SERIES: dict[str, tuple[str, str]] = {
    "emigrant_stock": ("Emigrant stock (diaspora abroad)", "persons"),
    "immigrant_stock": ("Immigrant stock", "persons"),
    "diaspora_share": ("Diaspora, % of home population", "% of resident population"),
    "emigration_rate": ("Emigration rate", "% of residents plus emigrants"),
}
_NEEDS_POPULATION = ("diaspora_share", "emigration_rate")


@dataclass(frozen=True)
class MigrantStocks:
    """A harmonised UN DESA table and the report of how it was read.

    Attributes
    ----------
    data : DataFrame
        Bilateral: ``year, origin, destination, stock`` (ISO3 codes).
        Totals: ``iso3, year, immigrant_stock, emigrant_stock``.
    report : dict
        Rows read and kept, aggregates removed (rows per name), unmatched
        names (rows per name), years, numbers of countries.
    revision : str
        The IMS revision, e.g. ``"2020"`` (the last year in the file unless given).
    """

    data: pd.DataFrame
    report: dict[str, Any] = field(default_factory=dict)
    revision: str = ""

    @property
    def citation(self) -> str:
        """How to cite the table."""
        return CITATION.format(revision=self.revision).strip()


# ------------------------------------------------------------------ readers
def read_bilateral(path: PathLike, *, on_unknown: OnUnknown = "error",
                   revision: str | None = None) -> MigrantStocks:
    """Read a UN DESA bilateral migrant-stock table into ISO3 origin-destination pairs.

    Parameters
    ----------
    path : str or Path
        A CSV with either ``year, origin, destination, stock`` (long) or
        ``Destination, Origin, <year>, <year>...`` (wide, as IMS 2024).
    on_unknown : {"error", "drop"}
        Names that are neither countries nor UN/World Bank aggregates:
        raise (default) or drop with a warning; counted in the report either way.
    revision : str, optional
        The IMS revision for citations; default: the last year in the file.

    Returns
    -------
    MigrantStocks
        ``data`` with columns ``year, origin, destination, stock`` (int years,
        float stocks), sorted; ``report`` with the counts of what was removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ims.csv").write_text(
    ...     "Destination,Origin,2024\\nUnited States of America*,Mexico,10800000\\n"
    ...     "United States of America*,Central America,12000000\\n"
    ...     "Türkiye,Syrian Arab Republic,3000000\\n")
    >>> stocks = read_bilateral(folder / "ims.csv")
    >>> stocks.data.values.tolist()
    [[2024, 'MEX', 'USA', 10800000.0], [2024, 'SYR', 'TUR', 3000000.0]]
    >>> stocks.report["aggregate_names"]
    {'Central America': 1}
    """
    _check_on_unknown(on_unknown)
    frame = _read_csv(path)
    columns = {_key(c): c for c in frame.columns}
    if {"year", "origin", "destination", "stock"} <= set(columns):
        layout = "long (year, origin, destination, stock)"
        long = pd.DataFrame({
            "year": frame[columns["year"]], "origin": frame[columns["origin"]],
            "destination": frame[columns["destination"]], "stock": frame[columns["stock"]],
        })
    elif {"origin", "destination"} <= set(columns):
        year_cols = [c for c in frame.columns if str(c).strip().isdigit()]
        if not year_cols:
            raise DataError(_layout_message(path, frame, "no year columns such as '2024'"))
        layout = f"wide (Destination, Origin, {', '.join(str(c) for c in year_cols)})"
        long = frame.melt(id_vars=[columns["destination"], columns["origin"]],
                          value_vars=year_cols, var_name="year", value_name="stock")
        long = long.rename(columns={columns["destination"]: "destination",
                                    columns["origin"]: "origin"})
        long = long[["year", "origin", "destination", "stock"]]
    else:
        raise DataError(_layout_message(path, frame, "no origin/destination columns"))
    long["year"] = _years(long["year"], path)
    long["stock"] = _stocks(long["stock"], "stock", path)
    long = long.dropna(subset=["stock"])
    names = pd.unique(pd.concat([long["origin"], long["destination"]]).astype(str))
    mapping, aggregates, unknown = _harmonise(names, on_unknown)
    origin = long["origin"].astype(str).map(mapping)
    destination = long["destination"].astype(str).map(mapping)
    is_agg = long["origin"].isin(aggregates) | long["destination"].isin(aggregates)
    is_unknown = ~is_agg & (origin.isna() | destination.isna())
    out = pd.DataFrame({"year": long["year"], "origin": origin, "destination": destination,
                        "stock": long["stock"]})[~is_agg & ~is_unknown]
    out = out.astype({"origin": "str", "destination": "str"})
    _no_duplicates(out, ["year", "origin", "destination"], path)
    out = out.sort_values(["year", "origin", "destination"], ignore_index=True)
    years = sorted(int(y) for y in out["year"].unique())
    report = {
        "file": str(path), "layout": layout, "rows_read": len(long),
        "rows_kept": len(out),
        "aggregate_rows_removed": int(is_agg.sum()),
        "aggregate_names": _row_counts(long, is_agg, aggregates),
        "unmatched_rows_removed": int(is_unknown.sum()),
        "unmatched_names": _row_counts(long, is_unknown, unknown),
        "years": years, "n_origins": int(out["origin"].nunique()),
        "n_destinations": int(out["destination"].nunique()),
    }
    return MigrantStocks(out, report, revision or (str(years[-1]) if years else ""))


def read_totals(path: PathLike, *, on_unknown: OnUnknown = "error",
                revision: str | None = None) -> MigrantStocks:
    """Read UN DESA country totals: immigrant and emigrant stock per country and year.

    Parameters
    ----------
    path : str or Path
        A CSV with columns ``year``, ``country`` and two stock columns whose
        names contain ``immigrant`` and ``emigrant`` (as in IMS 2020's
        ``immigrant_stock_total_inflow, emigrant_stock_total_outflow``).
    on_unknown : {"error", "drop"}
        What to do with names that match no country (see :func:`read_bilateral`).
    revision : str, optional
        The IMS revision; default: the last year in the file.

    Returns
    -------
    MigrantStocks
        ``data`` with columns ``iso3, year, immigrant_stock, emigrant_stock``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "totals.csv"
    >>> _ = path.write_text("year,country,immigrant_stock_total_inflow,"
    ...                     "emigrant_stock_total_outflow\\n2020,India,4878704,17869492\\n")
    >>> read_totals(path).data.loc[0, "emigrant_stock"]
    np.float64(17869492.0)
    """
    _check_on_unknown(on_unknown)
    frame = _read_csv(path)
    columns = {_key(c): c for c in frame.columns}
    immigrant = [c for c in frame.columns if "immigrant" in _key(c)]
    emigrant = [c for c in frame.columns if "emigrant" in _key(c)]
    if "year" not in columns or "country" not in columns or len(immigrant) != 1 \
            or len(emigrant) != 1:
        raise DataError(
            f"{path}: expected the UN DESA totals layout: year, country, and one immigrant "
            f"and one emigrant stock column (e.g. immigrant_stock_total_inflow, "
            f"emigrant_stock_total_outflow); the columns are {list(frame.columns)}"
        )
    years = _years(frame[columns["year"]], path)
    names = frame[columns["country"]].astype(str)
    mapping, aggregates, unknown = _harmonise(pd.unique(names), on_unknown)
    iso3 = names.map(mapping)
    is_agg = names.isin(aggregates)
    is_unknown = ~is_agg & iso3.isna()
    keep = ~is_agg & ~is_unknown
    out = pd.DataFrame({
        "iso3": iso3[keep].astype("str"), "year": years[keep],
        "immigrant_stock": _stocks(frame[immigrant[0]], immigrant[0], path)[keep],
        "emigrant_stock": _stocks(frame[emigrant[0]], emigrant[0], path)[keep],
    })
    _no_duplicates(out, ["iso3", "year"], path)
    out = out.sort_values(["iso3", "year"], ignore_index=True)
    listed = frame.assign(origin=names, destination=names)
    all_years = sorted(int(y) for y in out["year"].unique())
    report = {
        "file": str(path), "rows_read": len(frame), "rows_kept": len(out),
        "aggregate_rows_removed": int(is_agg.sum()),
        "aggregate_names": _row_counts(listed, is_agg, aggregates),
        "unmatched_rows_removed": int(is_unknown.sum()),
        "unmatched_names": _row_counts(listed, is_unknown, unknown),
        "years": all_years, "n_countries": int(out["iso3"].nunique()),
    }
    return MigrantStocks(out, report, revision or (str(all_years[-1]) if all_years else ""))


def emigrant_stock_from_bilateral(bilateral: MigrantStocks | pd.DataFrame) -> pd.DataFrame:
    """Emigrant stock of each origin: the sum of its bilateral stocks over destinations.

    In IMS 2020 this reproduces the published emigrant totals exactly (the
    unknown part of the bilateral tables is on the origin side, so immigrant
    totals are *not* the sum over origins).

    Returns
    -------
    DataFrame
        ``iso3, year, emigrant_stock``.

    Examples
    --------
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"year": [2020, 2020], "origin": ["NPL", "NPL"],
    ...                       "destination": ["IND", "QAT"], "stock": [5.0, 2.0]})
    >>> emigrant_stock_from_bilateral(pairs).values.tolist()
    [['NPL', 2020, 7.0]]
    """
    data = bilateral.data if isinstance(bilateral, MigrantStocks) else bilateral
    _require_columns(data, ["year", "origin", "destination", "stock"], "bilateral stocks")
    out = data.groupby(["origin", "year"])["stock"].sum().reset_index()
    return out.rename(columns={"origin": "iso3", "stock": "emigrant_stock"})


def diaspora_share(emigrants: pd.DataFrame, population: pd.Series, *,
                   kind: Literal["share", "rate"] = "share") -> pd.DataFrame:
    """Emigrants relative to the home population, in percent.

    ``kind="share"``: ``100 * emigrants / population`` (the diaspora as a share
    of the residents at home); ``kind="rate"``: ``100 * emigrants /
    (population + emigrants)`` (the emigration rate: the share of all people
    born in the country who live abroad).

    Parameters
    ----------
    emigrants : DataFrame
        ``iso3, year, emigrant_stock``.
    population : Series
        Resident population indexed ``(iso3, year)`` (World Bank SP.POP.TOTL).

    Returns
    -------
    DataFrame
        ``iso3, year, value``; NaN where the population is missing or not positive.

    Examples
    --------
    >>> import pandas as pd
    >>> emi = pd.DataFrame({"iso3": ["NPL"], "year": [2020], "emigrant_stock": [25.0]})
    >>> pop = pd.Series([100.0], index=pd.MultiIndex.from_tuples([("NPL", 2020)]))
    >>> diaspora_share(emi, pop)["value"].tolist(), diaspora_share(emi, pop, kind="rate")[
    ...     "value"].tolist()
    ([25.0], [20.0])
    """
    if kind not in ("share", "rate"):
        raise DataError(f"kind must be 'share' or 'rate'; got {kind!r}")
    _require_columns(emigrants, ["iso3", "year", "emigrant_stock"], "emigrants")
    keys = pd.MultiIndex.from_frame(emigrants[["iso3", "year"]])
    pop = pd.Series(population.reindex(keys).to_numpy(dtype=float))
    pop = pop.where(pop > 0)
    emi = emigrants["emigrant_stock"].to_numpy(dtype=float)
    denominator = pop if kind == "share" else pop + emi
    return pd.DataFrame({"iso3": emigrants["iso3"].to_numpy(),
                         "year": emigrants["year"].to_numpy(),
                         "value": 100.0 * emi / denominator.to_numpy()})


# ------------------------------------------------------------------- source
class UNDESA:
    """UN DESA migrant stocks as a data source: diaspora size and shares by country-year.

    Parameters
    ----------
    totals : str or Path, optional
        The country-totals CSV (see :func:`read_totals`).
    bilateral : str, Path or sequence of them, optional
        Bilateral CSVs (see :func:`read_bilateral`). Emigrant stocks for years
        the totals do not cover (e.g. 2024) are sums over destinations.
    population : Source, Series or DataFrame, optional
        Resident population for the shares: a source that delivers
        ``SP.POP.TOTL`` (e.g. ``mg.sources.WDIFiles(...)``,
        ``mg.sources.WDIApi()``), a Series indexed ``(iso3, year)``, or a
        DataFrame with columns ``iso3, year, value``.
    on_unknown : {"error", "drop"}
        Passed to the readers.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> import migecon as mg
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "totals.csv"
    >>> _ = path.write_text("year,country,immigrant_stock,emigrant_stock\\n"
    ...                     "2020,Nepal,488000,2400000\\n")
    >>> pop = pd.Series([29.3e6], index=pd.MultiIndex.from_tuples([("NPL", 2020)]))
    >>> data = mg.sources.UNDESA(totals=path, population=pop).fetch(["diaspora_share"])
    >>> round(float(data.values.loc[0, "value"]), 2)
    8.19
    """

    name = "undesa"

    def __init__(
        self,
        totals: PathLike | None = None,
        bilateral: PathLike | Sequence[PathLike] | None = None,
        *,
        population: Source | pd.Series | pd.DataFrame | None = None,
        on_unknown: OnUnknown = "error",
    ) -> None:
        _check_on_unknown(on_unknown)
        if totals is None and not bilateral:
            raise DataError("UNDESA needs totals=<country totals CSV> and/or "
                            "bilateral=<bilateral CSV(s)>")
        if bilateral is None:
            bilateral = []
        elif isinstance(bilateral, str | os.PathLike):
            bilateral = [bilateral]
        self.totals = Path(totals) if totals is not None else None
        self.bilateral = [Path(p) for p in bilateral]
        self.population = population
        self.on_unknown: OnUnknown = on_unknown

    def has(self, code: str) -> bool:
        """True for the series UN DESA delivers (keys of :data:`UNDESA_SERIES`)."""
        return code in UNDESA_SERIES

    def fetch(self, codes: Sequence[str], *, years: tuple[int, int] | None = None
              ) -> SourceData:
        """Values of ``codes`` (keys of :data:`UNDESA_SERIES`) by ISO3 and year.

        Returns
        -------
        SourceData
            Long values; ``report`` has the readers' reports, the years whose
            emigrant stock was summed from bilateral tables, and the
            country-years without population.
        """
        wanted = [codes] if isinstance(codes, str) else list(dict.fromkeys(codes))
        unknown = [c for c in wanted if c not in UNDESA_SERIES]
        if unknown or not wanted:
            raise DataError(f"UNDESA delivers {list(UNDESA_SERIES)}; got {unknown or wanted}")
        if any(c in _NEEDS_POPULATION for c in wanted) and self.population is None:
            raise DataError(
                f"{', '.join(c for c in wanted if c in _NEEDS_POPULATION)} need the home "
                "population: pass population=mg.sources.WDIFiles(...) (or WDIApi(), or a "
                "Series indexed (iso3, year)) to UNDESA"
            )
        stocks, report, revisions = self._stocks()
        if "immigrant_stock" in wanted and stocks["immigrant_stock"].isna().all():
            raise DataError("immigrant_stock needs the country totals file (totals=...): "
                            "bilateral tables miss migrants of unknown origin")
        frames: dict[str, pd.DataFrame] = {}
        for code in ("emigrant_stock", "immigrant_stock"):
            if code in wanted:
                part = stocks[["iso3", "year", code]].dropna(subset=[code])
                frames[code] = part.rename(columns={code: "value"})
        if any(c in _NEEDS_POPULATION for c in wanted):
            population = self._population()
            emigrants = stocks[["iso3", "year", "emigrant_stock"]].dropna()
            if "diaspora_share" in wanted:
                frames["diaspora_share"] = diaspora_share(emigrants, population, kind="share")
            if "emigration_rate" in wanted:
                frames["emigration_rate"] = diaspora_share(emigrants, population, kind="rate")
            shares = frames[next(c for c in wanted if c in _NEEDS_POPULATION)]
            gaps = shares[shares["value"].isna()]
            report["missing_population"] = {
                "count": len(gaps),
                "examples": [f"{r.iso3} {r.year}" for r in gaps.head(10).itertuples()],
            }
        values = pd.concat([f.assign(code=c) for c, f in frames.items()], ignore_index=True)
        values = values[list(VALUE_COLUMNS)]
        if years is not None:
            values = values[values["year"].between(int(years[0]), int(years[1]))]
        revision = "/".join(revisions)
        meta = {c: _meta(c, revision) for c in wanted}
        return SourceData(values=values.reset_index(drop=True), meta=meta, report=report)

    def _stocks(self) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
        report: dict[str, Any] = {"source": self.name, "files": {}}
        revisions: list[str] = []
        parts: list[pd.DataFrame] = []
        covered: set[int] = set()
        if self.totals is not None:
            totals = read_totals(self.totals, on_unknown=self.on_unknown)
            report["files"][str(self.totals)] = totals.report
            revisions.append(totals.revision)
            parts.append(totals.data)
            covered = set(totals.data["year"].unique().tolist())
        derived: list[int] = []
        for path in self.bilateral:
            pairs = read_bilateral(path, on_unknown=self.on_unknown)
            report["files"][str(path)] = pairs.report
            if pairs.revision not in revisions:
                revisions.append(pairs.revision)
            emigrants = emigrant_stock_from_bilateral(pairs)
            emigrants = emigrants[~emigrants["year"].isin(covered)]
            new_years = sorted(int(y) for y in emigrants["year"].unique())
            derived.extend(new_years)
            covered |= set(new_years)
            parts.append(emigrants.assign(immigrant_stock=np.nan))
        report["emigrant_stock_summed_from_bilateral_years"] = derived
        report["rows_read"] = sum(int(r["rows_read"]) for r in report["files"].values())
        stocks = pd.concat(parts, ignore_index=True)
        stocks = stocks[["iso3", "year", "immigrant_stock", "emigrant_stock"]]
        return stocks.sort_values(["iso3", "year"], ignore_index=True), report, revisions

    def _population(self) -> pd.Series:
        pop = self.population
        if isinstance(pop, pd.Series):
            return pop.astype(float)
        if isinstance(pop, pd.DataFrame):
            _require_columns(pop, ["iso3", "year", "value"], "population")
            return pop.set_index(["iso3", "year"])["value"].astype(float)
        if pop is not None and hasattr(pop, "fetch"):
            data = pop.fetch([POPULATION_CODE]).values
            data = data[data["code"] == POPULATION_CODE]
            if data.empty:
                raise SourceError(f"the population source {getattr(pop, 'name', pop)!r} "
                                  f"returned no {POPULATION_CODE} values")
            return data.set_index(["iso3", "year"])["value"].astype(float)
        raise DataError("population must be a Source, a Series indexed (iso3, year) or a "
                        f"DataFrame with iso3, year, value; got {type(pop).__name__}")


def _meta(code: str, revision: str) -> IndicatorMeta:
    label, unit = UNDESA_SERIES[code]
    derivation = {
        "diaspora_share": f"100 * emigrant_stock / {POPULATION_CODE}",
        "emigration_rate": f"100 * emigrant_stock / ({POPULATION_CODE} + emigrant_stock)",
    }.get(code, "")
    return IndicatorMeta(code=code, name=label, unit=unit,
                         source=CITATION.format(revision=revision),
                         vintage=f"IMS {revision}", derivation=derivation)


# ------------------------------------------------------------------ helpers
def _harmonise(names: Iterable[object], on_unknown: OnUnknown
               ) -> tuple[dict[str, str], set[str], set[str]]:
    """Map names to ISO3; return (mapping of country names, aggregate names, unknown names)."""
    from migecon.panel.countries import is_aggregate, is_un_aggregate, to_iso3

    texts = [str(n) for n in names]
    aggregates = {n for n in texts if is_un_aggregate(n)}
    candidates = [n for n in texts if n not in aggregates]
    codes = to_iso3(candidates, on_unknown=on_unknown) if candidates else pd.Series(dtype=object)
    mapping: dict[str, str] = {}
    unknown: set[str] = set()
    for name, code in zip(candidates, codes.tolist(), strict=True):
        if not isinstance(code, str):
            unknown.add(name)
        elif is_aggregate(code):  # World Bank aggregates: "Sub-Saharan Africa", "WORLD"
            aggregates.add(name)
        else:
            mapping[name] = code
    return mapping, aggregates, unknown


def _row_counts(frame: pd.DataFrame, mask: pd.Series, names: set[str]) -> dict[str, int]:
    """Rows removed per name (a row with two removed names counts for both)."""
    if not mask.any():
        return {}
    origin = frame.loc[mask, "origin"].astype(str)
    destination = frame.loc[mask, "destination"].astype(str)
    result = {}
    for name in sorted(names):
        rows = int(((origin == name) | (destination == name)).sum())
        if rows:
            result[name] = rows
    return result


def _read_csv(path: PathLike) -> pd.DataFrame:
    file = Path(path)
    if not file.is_file():
        raise SourceError(f"UN DESA file {file} not found")
    try:
        frame = pd.read_csv(file, encoding="utf-8-sig", thousands=",")
    except pd.errors.EmptyDataError:
        raise DataError(f"{file} is empty; expected a UN DESA migrant-stock CSV") from None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"{file} cannot be read as a CSV ({exc})") from None
    if frame.empty:
        raise DataError(f"{file} has a header but no rows")
    return frame


def _key(column: object) -> str:
    return str(column).strip().lower()


def _layout_message(path: PathLike, frame: pd.DataFrame, problem: str) -> str:
    return (
        f"{path}: {problem}; expected a UN DESA bilateral table with columns "
        "'year, origin, destination, stock' or 'Destination, Origin, 2024, ...'; "
        f"the columns are {list(frame.columns)}"
    )


def _years(values: pd.Series, path: PathLike) -> pd.Series:
    numeric = pd.to_numeric(values.astype(str).str.strip(), errors="coerce")
    bad = values[numeric.isna() | (numeric != numeric.round())]
    if not bad.empty:
        raise DataError(f"{path}: {len(bad)} year value(s) are not whole years, "
                        f"e.g. {bad.iloc[0]!r}")
    return numeric.astype("int64")


def _stocks(values: pd.Series, column: str, path: PathLike) -> pd.Series:
    numeric = pd.to_numeric(values, errors="coerce")
    bad = values[numeric.isna() & values.notna()]
    if not bad.empty:
        raise DataError(f"{path}: column {column!r} must hold numbers of people; {len(bad)} "
                        f"cell(s) are not numbers, e.g. {bad.iloc[0]!r} (row {bad.index[0]})")
    negative = numeric[numeric < 0]
    if not negative.empty:
        raise DataError(f"{path}: column {column!r} has {len(negative)} negative stock(s), "
                        f"e.g. {negative.iloc[0]} (row {negative.index[0]})")
    return numeric.astype("float64")


def _no_duplicates(frame: pd.DataFrame, keys: list[str], path: PathLike) -> None:
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        example = frame.loc[dup, keys].iloc[0].tolist()
        raise DataError(
            f"{path}: {int(dup.sum())} rows share the same {tuple(keys)} after name "
            f"harmonisation, e.g. {example}; two names in the file map to the same country"
        )


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{what} must have columns {list(columns)}; missing {missing} "
                        f"(got {list(frame.columns)})")


def _check_on_unknown(value: object) -> None:
    if value not in _ON_UNKNOWN:
        raise DataError(f"on_unknown must be one of {_ON_UNKNOWN}; got {value!r}")

