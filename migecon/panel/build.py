"""``build_panel``: indicators from a source into a clean country-year Panel, with a report.

The steps, each counted in the :class:`BuildReport` kept in
``panel.metadata["build_report"]``:

1. fetch the indicators from the source (World Bank files, the API, user
   files); ratios the source lacks are derived from their parts by the World
   Bank's definitions (:data:`migecon.catalog.DERIVATIONS`) and marked derived;
2. harmonise country codes (:func:`migecon.countries.to_iso3`) and remove the
   World Bank aggregates (``WLD``, ``LMY``, ``SSF``, ...), listing them;
3. keep the requested countries (``"developing"``: World Bank low and middle
   income under a documented rule, see
   :mod:`migecon.panel.sources.classifications`), saying which were dropped and
   why;
4. lay the values on the full country x year grid, so that every missing cell
   is visible and counted per variable;
5. optionally interpolate inside gaps (flagged) and average over five-year
   periods.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import (
    CacheError,
    DataError,
    DroppedDataWarning,
    DuplicateKeyError,
    SampleSelectionWarning,
    SourceError,
)
from migecon.panel.catalog import DERIVATIONS, Indicator, IndicatorSet, as_indicator_set
from migecon.panel.core import OnDuplicate, Panel, VariableMeta
from migecon.panel.countries import is_aggregate, to_iso3
from migecon.panel.sources.base import IndicatorMeta, Source, SourceData
from migecon.panel.sources.classifications import (
    DEFAULT_POLICY,
    DevelopingPolicy,
    IncomeClassification,
)
from migecon.panel.sources.provenance import check_revisions, un_desa_revisions, vintage_text

__all__ = ["BuildReport", "build_panel"]

Frequency = Literal["annual", "5y"]
_FREQUENCY = re.compile(r"^(annual|\d+y)$")


@dataclass
class BuildReport:
    """What :func:`build_panel` read, removed, derived and left missing."""

    source: str = ""
    indicators: dict[str, str] = field(default_factory=dict)  # name -> code
    years: tuple[int, int] | None = None
    frequency: str = "annual"
    rows_read: int = 0  # lines or rows of the source files (or API records)
    values_received: int = 0  # non-missing (indicator, economy, year) values in the window
    aggregates_removed: list[str] = field(default_factory=list)
    aggregate_values_removed: int = 0
    countries_dropped: dict[str, list[str]] = field(default_factory=dict)  # reason -> codes
    country_years_dropped: int = 0  # per-year developing rule
    derived: dict[str, str] = field(default_factory=dict)  # name -> formula
    cells: int = 0  # rows of the annual grid (countries x years)
    missing_cells: dict[str, int] = field(default_factory=dict)  # per variable, annual grid
    interpolated: dict[str, int] = field(default_factory=dict)
    missing_periods: dict[str, int] = field(default_factory=dict)  # per variable, after averaging
    min_obs: int = 0  # years needed for a period average
    period_cells_below_min_obs: dict[str, int] = field(default_factory=dict)
    vintages: dict[str, str] = field(default_factory=dict)  # name -> vintage
    un_desa_revisions: dict[str, str] = field(default_factory=dict)  # name -> IMS revision
    developing_rule: dict[str, Any] | None = None
    n_countries: int = 0
    n_periods: int = 0
    nobs: int = 0
    notes: list[str] = field(default_factory=list)
    indicators_missing: dict[str, str] = field(default_factory=dict)  # name -> code, dropped

    def as_dict(self) -> dict[str, Any]:
        """Plain data (JSON-serialisable) for the panel metadata."""
        out = asdict(self)
        out["years"] = list(self.years) if self.years else None
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BuildReport:
        """Rebuild a report from :meth:`as_dict` output (e.g. after a parquet round trip)."""
        values = dict(data)
        if values.get("years"):
            values["years"] = tuple(values["years"])
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})

    def __str__(self) -> str:
        lines = ["migecon build report", f"  source      {self.source}"]
        derived = (f"; derived: {', '.join(f'{k} = {v}' for k, v in self.derived.items())}"
                   if self.derived else "")
        lines.append(f"  indicators  {len(self.indicators)}{derived}")
        if self.indicators_missing:
            lines.append(f"              {len(self.indicators_missing)} not in the source, left "
                         f"out: {_preview(list(self.indicators_missing))}")
        window = f" ({self.years[0]}-{self.years[1]})" if self.years else ""
        lines.append(f"  read        {self.rows_read:,} rows; {self.values_received:,} values "
                     f"in the window{window}")
        if self.aggregates_removed:
            lines.append(f"  aggregates  {len(self.aggregates_removed)} removed "
                         f"({self.aggregate_values_removed:,} values): "
                         f"{_preview(self.aggregates_removed)}")
        else:
            lines.append("  aggregates  none found")
        lines.append(f"  countries   {self.n_countries} kept")
        for reason, codes in self.countries_dropped.items():
            lines.append(f"              {len(codes)} dropped, {reason}: {_preview(codes)}")
        if self.country_years_dropped:
            lines.append(f"              {self.country_years_dropped:,} country-years dropped "
                         "(not developing that year)")
        if self.developing_rule:
            lines.append(f"  rule        {self.developing_rule['description']}")
            for what, codes in (self.developing_rule.get("decided") or {}).items():
                lines.append(f"              {len(codes)} {what}: {_preview(codes)}")
        lines.append(f"  panel       {self.n_countries} countries x {self.n_periods} periods "
                     f"= {self.nobs:,} rows ({self.frequency})")
        if self.missing_cells:
            lines.append(f"  missing cells per variable (of {self.cells:,} country-years):")
            width = max(len(k) for k in self.missing_cells)
            for name, n in self.missing_cells.items():
                share = n / self.cells if self.cells else 0.0
                lines.append(f"    {name:<{width}}  {n:>6,} ({share:.1%})")
        if self.period_cells_below_min_obs:
            lines.append(f"  thin periods {sum(self.period_cells_below_min_obs.values()):,} "
                         f"period averages with fewer than {self.min_obs} years set missing: "
                         + ", ".join(f"{k} {v:,}"
                                     for k, v in self.period_cells_below_min_obs.items()))
        if self.missing_periods:
            lines.append(f"  missing period averages per variable (of {self.nobs:,}): " + ", ".join(
                f"{k} {v:,}" for k, v in self.missing_periods.items()))
        for name, n in self.interpolated.items():
            lines.append(f"  interpolated {name}: {n:,} values inside gaps "
                         f"(flag column {name}_interpolated)")
        if self.vintages:
            shown = "; ".join(f"{k} {v or 'unknown'}" for k, v in self.vintages.items())
            lines.append(f"  vintages    {shown}")
        lines += [f"  note        {note}" for note in self.notes]
        return "\n".join(lines)


def _preview(items: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def build_panel(
    indicators: IndicatorSet | Mapping[str, str] | Sequence[str] | str | None = None,
    source: Source | None = None,
    *,
    countries: str | Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
    frequency: Frequency | str = "annual",
    classification: IncomeClassification | str | Path | None = None,
    policy: DevelopingPolicy | None = None,
    fiscal_year: str | int | None = None,
    interpolate: Sequence[str] | Mapping[str, int | None] | None = None,
    interpolate_method: Literal["linear", "log"] = "linear",
    min_obs: int | None = None,
    initial: Sequence[str] = (),
    derive: Literal["auto", "never"] = "auto",
    harmonise: bool = True,
    on_unknown: Literal["error", "drop"] = "error",
    on_duplicate: OnDuplicate = "error",
    on_missing: Literal["error", "drop"] = "error",
) -> Panel:
    """Build a country-year Panel from a source, with a build report.

    Parameters
    ----------
    indicators : IndicatorSet, {name: code}, list of codes or set name
        What to fetch; default :data:`migecon.catalog.GROWTH_MIGRATION`.
    source : Source
        E.g. ``mg.sources.WDIFiles("data/wdi")``, ``mg.sources.WDIApi()`` or
        ``mg.sources.UserFiles(...)``.
    countries : "developing", "all", list of names/codes, or None (all)
        ``"developing"`` keeps World Bank low and middle income economies
        under ``policy`` (see below); aggregates are always removed.
    years : (first, last), optional
        Inclusive window; default: every year the source has.
    frequency : {"annual", "5y"}
        ``"5y"`` returns non-overlapping five-year averages (periods from the
        first year, labelled in ``metadata["periods"]``; at least ``min_obs``
        years each).
    classification : IncomeClassification or path, optional
        For ``countries="developing"``: ``OGHIST.xlsx``, ``CLASS.xlsx`` or a
        WDI country-metadata file. Default: the country metadata found by the
        source (``WDIFiles``), else an error.
    policy : {"initial", "fixed", "per_year", "ever"}, optional
        The developing-country rule. Default: ``"initial"`` with a historical
        classification (each country's group at the start of the sample, so
        the sample does not depend on later growth); ``"fixed"`` at
        ``fiscal_year`` when ``fiscal_year`` is given; with a one-year
        snapshot, ``"fixed"`` at that year with a
        :class:`~migecon.errors.SampleSelectionWarning`. Recorded in
        ``metadata["developing_rule"]``, with the countries the rule decides.
    interpolate : list of names or {name: max_gap}, optional
        Variables to interpolate inside gaps (annual grid, before averaging),
        flagged in ``<name>_interpolated`` and counted.
    min_obs : int, optional
        Minimum non-missing years for a period average; default a majority
        of the period (3 of 5). Cells with fewer are set missing, counted in
        the report (``period_cells_below_min_obs``) and warned about.
    initial : list of str
        With ``frequency="5y"``: add ``initial_<name>``, the value in the first
        year of each period (start-of-period income for growth regressions).
    derive : {"auto", "never"}
        Derive ratios the source lacks from their parts (default) or fail.
    harmonise : bool
        Map the source's country identifiers to ISO3 (needed for countries and
        aggregates; turn off for non-country entities).
    on_unknown : {"error", "drop"}
        Unrecognised country names: error (listing close matches) or drop
        with a warning and a count in the report.
    on_duplicate : {"error", "first", "last", "mean"}
        Repeated (indicator, country, year) values.
    on_missing : {"error", "drop"}
        Indicators the source does not hold (nor their parts, for derived
        ratios): error (default) or leave them out of the panel with a
        :class:`~migecon.errors.DroppedDataWarning`, listed in the report's
        ``indicators_missing``. Useful with a named set and a partial download.

    Returns
    -------
    Panel
        Indexed (iso3, year); ``metadata["build_report"]`` holds the
        :class:`BuildReport` as a dictionary (``BuildReport.from_dict`` turns it
        back), and every variable has a :class:`~migecon.VariableMeta`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import migecon as mg
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "sp.pop.grow.csv").write_text(
    ...     "Country Name,Country Code,Year,Value\\n"
    ...     "Nepal,NPL,2021,0.9\\nNepal,NPL,2022,1.0\\nWorld,WLD,2022,0.9\\n")
    >>> panel = mg.build_panel({"pop_growth": "SP.POP.GROW"}, mg.sources.WDIFiles(folder))
    >>> panel["pop_growth"].tolist()
    [0.9, 1.0]
    >>> panel.metadata["build_report"]["aggregates_removed"]
    ['WLD']
    """
    from migecon.panel.catalog import GROWTH_MIGRATION

    if source is None:
        raise SourceError("build_panel needs a source, e.g. source=mg.sources.WDIFiles('data/') "
                          "or source=mg.sources.WDIApi()")
    inds = as_indicator_set(GROWTH_MIGRATION if indicators is None else indicators)
    width = _check_options(frequency, years, derive, on_unknown)
    if on_missing not in ("error", "drop"):
        raise DataError(f"on_missing must be 'error' or 'drop'; got {on_missing!r}")
    report = BuildReport(source=getattr(source, "name", type(source).__name__),
                         indicators=inds.codes(), years=years, frequency=str(frequency))
    values, meta = _fetch(inds, source, years, derive, report, on_missing)
    if report.indicators_missing:
        inds = IndicatorSet(inds.name, [i for n, i in inds.items()
                                        if n not in report.indicators_missing],
                            inds.description)
        report.indicators = inds.codes()
        if not len(inds):
            raise SourceError(f"none of the indicators is in {report.source}: "
                              f"{report.indicators_missing}")
        warnings.warn(
            f"build_panel: {len(report.indicators_missing)} indicator(s) not in "
            f"{report.source} left out (on_missing='drop'): "
            + ", ".join(f"{n} ({c})" for n, c in report.indicators_missing.items()),
            DroppedDataWarning, stacklevel=2)
    report.un_desa_revisions = un_desa_revisions(meta, values, inds.codes())
    note = check_revisions(report.un_desa_revisions, stacklevel=3)
    if note:
        report.notes.append(note)
    values = _harmonise(values, harmonise, on_unknown, report)
    wide = _pivot(values, on_duplicate, meta)
    wide = _derive(wide, inds, report)
    keep, rule = _select_countries(wide, countries, classification, policy, fiscal_year,
                                   source, report)
    grid = _grid(wide, inds, keep, years, report)
    variables = _variable_meta(inds, meta, report)
    panel = Panel(grid, variables=variables, metadata={
        "source": report.source, "frequency": "annual",
        "indicators": inds.codes(), "developing_rule": rule,
        "built": datetime.now(UTC).isoformat(timespec="seconds")})
    if interpolate:
        panel = panel.transform(interpolate=interpolate, interpolate_method=interpolate_method)
        report.interpolated = dict(panel.metadata["transform_counts"]["interpolated"])
    report.missing_cells = {name: int(panel[name].isna().sum()) for name in inds}
    if width:
        panel = panel.transform(average=width, min_obs=min_obs, initial=list(initial))
        report.period_cells_below_min_obs = dict(panel.metadata["period_cells_below_min_obs"])
        report.min_obs = int(panel.metadata["min_obs"])
        report.missing_periods = {name: int(panel[name].isna().sum()) for name in inds}
    report.n_countries, report.n_periods, report.nobs = (
        panel.n_entities, panel.n_periods, panel.nobs)
    return panel.with_metadata(build_report=report.as_dict())


def _check_options(frequency: str, years: tuple[int, int] | None, derive: str,
                   on_unknown: str) -> int | None:
    if not isinstance(frequency, str) or not _FREQUENCY.match(frequency):
        raise DataError(f"frequency must be 'annual' or 'Ny' such as '5y'; got {frequency!r}")
    if derive not in ("auto", "never"):
        raise DataError(f"derive must be 'auto' or 'never'; got {derive!r}")
    if on_unknown not in ("error", "drop"):
        raise DataError(f"on_unknown must be 'error' or 'drop'; got {on_unknown!r}")
    if years is not None:
        if (not isinstance(years, tuple | list) or len(years) != 2
                or not all(isinstance(y, int) for y in years) or years[0] > years[1]):
            raise DataError(f"years must be (first, last) with integer years, first <= last; "
                            f"got {years!r}")
    return None if frequency == "annual" else int(frequency[:-1])


def _fetch(inds: IndicatorSet, source: Source, years: tuple[int, int] | None, derive: str,
           report: BuildReport, on_missing: str = "error"
           ) -> tuple[pd.DataFrame, dict[str, IndicatorMeta]]:
    """Values of every indicator (or of the parts of the ones to derive)."""
    has = getattr(source, "has", None)
    direct: list[str] = []
    for ind in inds.values():
        own = ind.code in DERIVATIONS and ind.code.islower()  # migecon's code, never a source's
        lacks = own or (derive == "auto" and ind.code in DERIVATIONS and has is not None
                        and has(ind.code) is False)
        direct += list(DERIVATIONS[ind.code].inputs) if lacks else [ind.code]
    direct = list(dict.fromkeys(direct))
    # A source that cannot say in advance whether it has a ratio (an API) is asked for
    # each ratio on its own, so that "no such indicator" leads to deriving it.
    tentative = [c for c in direct if derive == "auto" and c in DERIVATIONS and has is None]
    data = source.fetch([c for c in direct if c not in tentative], years=years)
    frames, meta = [data.values], dict(data.meta)
    report.rows_read += int(data.report.get("rows_read", 0))
    missing = _missing(data, [c for c in direct if c not in tentative])
    for code in tentative:
        try:
            one = source.fetch([code], years=years)
        except CacheError:
            raise
        except SourceError as exc:
            report.notes.append(f"{code} not delivered by the source ({str(exc)[:120]}); "
                                "derived from its parts")
            missing.append(code)
            continue
        frames.append(one.values)
        meta.update(one.meta)
        report.rows_read += int(one.report.get("rows_read", 0))
        missing += _missing(one, [code])
    parts = [c for c in missing if c in DERIVATIONS and derive == "auto"]
    if parts:
        inputs = [i for c in parts for i in DERIVATIONS[c].inputs if i not in meta]
        more = source.fetch(list(dict.fromkeys(inputs)), years=years)
        frames.append(more.values)
        meta.update(more.meta)
        report.rows_read += int(more.report.get("rows_read", 0))
        missing = [c for c in missing if c not in parts] + _missing(more, inputs)
    if missing and on_missing == "drop":
        # An indicator is missing when its code is, or (derived) when one of its parts is.
        for name, ind in inds.items():
            needs = {ind.code, *(DERIVATIONS[ind.code].inputs if ind.code in DERIVATIONS
                                 else ())}
            if ind.code in missing or (ind.code not in meta and needs & set(missing)):
                report.indicators_missing[name] = ind.code
        missing = []
    if missing:
        names = {i.code: n for n, i in inds.items()}
        listed = ", ".join(f"{names.get(c, 'input')} ({c})" for c in missing)
        hint = (" (derive='never' was set)" if derive == "never" and
                any(c in DERIVATIONS for c in missing) else "")
        raise SourceError(f"{len(missing)} indicator(s) not found in {report.source}: "
                          f"{listed}{hint}. Check the codes, or add the files that hold them")
    values = pd.concat(frames, ignore_index=True)
    values = values[values["value"].notna()]
    if years is not None:
        values = values[values["year"].between(years[0], years[1])]
    report.values_received = len(values)
    return values, meta


def _missing(data: SourceData, codes: Sequence[str]) -> list[str]:
    listed = set(data.report.get("missing", []))
    present = set(pd.unique(data.values["code"])) if len(data.values) else set()
    return [c for c in codes if c in listed or (c not in present and c not in data.meta)]


def _harmonise(values: pd.DataFrame, harmonise: bool, on_unknown: str,
               report: BuildReport) -> pd.DataFrame:
    values = values.copy()
    if harmonise:
        names = pd.unique(values["iso3"])
        if on_unknown == "drop":
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                mapping = to_iso3(list(names), on_unknown="drop")
        else:
            mapping = to_iso3(list(names), on_unknown="error")
        mapping = mapping[~mapping.index.duplicated()]
        unknown = [str(n) for n, code in mapping.items() if pd.isna(code)]
        values["iso3"] = _map_unique(values["iso3"], dict(mapping.items()))
        if unknown:
            lost = int(values["iso3"].isna().sum())
            report.countries_dropped["unknown name or UN region"] = sorted(unknown)
            warnings.warn(f"{len(unknown)} country name(s) not recognised: {lost} values "
                          f"dropped ({_preview(sorted(unknown), 5)})", DroppedDataWarning,
                          stacklevel=3)
            values = values[values["iso3"].notna()]
    uniques = pd.unique(values["iso3"])
    aggregate = _map_unique(values["iso3"], {c: is_aggregate(c) for c in uniques}).astype(bool)
    report.aggregates_removed = sorted(set(values.loc[aggregate, "iso3"]))
    report.aggregate_values_removed = int(aggregate.sum())
    return values[~aggregate]


def _map_unique(series: pd.Series, mapping: Mapping[Any, Any]) -> pd.Series:
    """``series.map(mapping)`` through the unique values (fast on long string columns)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = pd.array([mapping.get(u) for u in uniques], dtype=object)
    return pd.Series(np.asarray(mapped, dtype=object)[codes], index=series.index)


def _pivot(values: pd.DataFrame, on_duplicate: OnDuplicate,
           meta: Mapping[str, IndicatorMeta]) -> pd.DataFrame:
    keys = ["code", "iso3", "year"]
    duplicated = values.duplicated(keys, keep=False)
    if duplicated.any():
        dup = values[duplicated].groupby(keys).size()
        if on_duplicate == "error":
            examples = ", ".join(f"{k[0]} ({k[1]!r}, {k[2]}) appears {n} times"  # type: ignore[index]
                                 for k, n in dup.head(3).items())
            raise DuplicateKeyError(
                f"{len(dup)} duplicate (indicator, iso3, year) key(s), e.g. {examples}; two "
                "names of one country, or one file read twice? Fix the input or pass "
                'on_duplicate="first" | "last" | "mean"')
        values = getattr(values.groupby(keys, sort=False)["value"], on_duplicate)().reset_index()
    wide = values.set_index(keys)["value"].unstack("code")
    wide.index = wide.index.set_names(["iso3", "year"])
    wide.columns = [str(c) for c in wide.columns]
    return wide


def _derive(wide: pd.DataFrame, inds: IndicatorSet, report: BuildReport) -> pd.DataFrame:
    for name, ind in inds.items():
        if ind.code in wide.columns:
            continue
        derivation = DERIVATIONS[ind.code]  # present: _fetch raised otherwise
        parts = {c: wide[c] if c in wide.columns else pd.Series(float("nan"), index=wide.index)
                 for c in derivation.inputs}
        wide[ind.code] = derivation.compute(parts)
        report.derived[name] = derivation.formula
    return wide


def _select_countries(wide: pd.DataFrame, countries: str | Iterable[str] | None,
                      classification: IncomeClassification | str | Path | None,
                      policy: DevelopingPolicy | None, fiscal_year: str | int | None,
                      source: Source,
                      report: BuildReport) -> tuple[pd.Series | list[str], dict[str, Any] | None]:
    present = sorted(set(wide.index.get_level_values(0)))
    if countries is None or (isinstance(countries, str) and countries == "all"):
        return present, None
    if isinstance(countries, str) and countries != "developing":
        raise DataError(f"countries must be 'developing', 'all', None or a list of countries; "
                        f"got {countries!r}")
    if isinstance(countries, str):
        ic = _classification(classification, source)
        years = sorted(set(wide.index.get_level_values(1)))
        rule = ic.rule(_default_policy(policy, fiscal_year, ic), fiscal_year)
        unclassified = ic.not_classified(present, rule, years)
        classified = [c for c in present if c not in unclassified]
        member = ic.membership(classified, years, rule)
        ever = member.groupby(level=0).any()
        if rule.policy == "initial":
            rule = replace(rule, decided=_decided(ic, classified, years, sorted(ever.index[ever])))
        report.developing_rule = rule.as_dict()
        never = sorted(ever.index[~ever])
        if never:
            what = {"fixed": f"not low or middle income in {rule.fiscal_year}",
                    "initial": "not low or middle income at the start of the sample"}.get(
                rule.policy, "never low or middle income in the window")
            report.countries_dropped[what] = never
        if unclassified:
            report.countries_dropped["not classified by the World Bank"
                                     f" ({rule.fiscal_year or 'any year'})"] = unclassified
        if rule.policy == "per_year":
            kept = member[member.index.get_level_values(0).isin(ever.index[ever])]
            return kept, rule.as_dict()
        return sorted(ever.index[ever]), rule.as_dict()
    wanted = to_iso3(list(countries), on_unknown="error")
    wanted_codes = sorted(set(wanted.dropna()))
    absent = [c for c in wanted_codes if c not in present]
    if absent:
        report.notes.append(f"{len(absent)} requested countr(y/ies) have no data: "
                            f"{_preview(absent)}")
    others = [c for c in present if c not in set(wanted_codes)]
    if others:
        report.countries_dropped["not in the countries requested"] = others
    return [c for c in wanted_codes if c in present], None


def _default_policy(policy: DevelopingPolicy | None, fiscal_year: str | int | None,
                    ic: IncomeClassification) -> DevelopingPolicy:
    """``"initial"`` unless a fiscal year is fixed or only a snapshot is available."""
    if policy is not None:
        return policy
    if fiscal_year is not None:
        return "fixed"
    if ic.is_historical:
        return DEFAULT_POLICY
    warnings.warn(
        f"countries='developing' with a one-year classification ({ic.source}, "
        f"{ic.fiscal_years[-1]}): countries that grew into high income before then are left "
        "out, which selects the sample on later growth. Pass the historical file "
        "(classification='OGHIST.xlsx', the World Bank's 'Historical classification by "
        "income') to keep each country's group at the start of the sample (policy='initial'), "
        "or pass policy='fixed' to accept the snapshot",
        SampleSelectionWarning, stacklevel=4)
    return "fixed"


def _decided(ic: IncomeClassification, classified: list[str], years: list[int],
             kept: list[str]) -> dict[str, list[str]]:
    """The countries the "initial" rule decides: where it differs from the latest year."""
    start = ic.initial_groups(classified, years)
    first = ic.fiscal_year_of(min(years))
    latest = ic.developing_countries()
    later = [f"{c} ({fy} {g})" for c, (fy, g) in start.items() if fy != first]
    out = {f"classified after {first}, so by their first classification": later,
           f"kept, not low or middle income in {ic.fiscal_years[-1]}":
               sorted(set(kept) - latest),
           f"left out, low or middle income in {ic.fiscal_years[-1]}":
               sorted((latest & set(classified)) - set(kept))}
    return {k: v for k, v in out.items() if v}


def _classification(classification: IncomeClassification | str | Path | None,
                    source: Source) -> IncomeClassification:
    if isinstance(classification, IncomeClassification):
        return classification
    if classification is not None:
        return IncomeClassification.load(classification)
    metadata = getattr(source, "country_metadata", None)
    frame = metadata() if callable(metadata) else None
    if frame is None:
        raise DataError(
            'countries="developing" needs an income classification: pass '
            "classification='path/to/OGHIST.xlsx' (historical), 'CLASS.xlsx' or a WDI "
            "Metadata_Country file")
    return IncomeClassification.from_metadata(frame, source=f"country metadata of {source}")


def _grid(wide: pd.DataFrame, inds: IndicatorSet, keep: pd.Series | list[str],
          years: tuple[int, int] | None, report: BuildReport) -> pd.DataFrame:
    data_years = wide.index.get_level_values(1)
    first, last = years if years is not None else (int(data_years.min()), int(data_years.max()))
    span = range(first, last + 1)
    if isinstance(keep, pd.Series):  # per-year rule: developing country-years only
        full = keep.reindex(pd.MultiIndex.from_product([sorted(set(
            keep.index.get_level_values(0))), span]), fill_value=False)
        report.country_years_dropped = int((~full).sum())
        index = full.index[full.to_numpy()]
    else:
        index = pd.MultiIndex.from_product([keep, span])
    index = index.set_names(["iso3", "year"])
    codes = [ind.code for ind in inds.values()]
    grid = wide.reindex(index)[codes]
    grid.columns = list(inds)
    empty = grid.isna().all(axis=1).groupby(level=0).all()
    no_data = sorted(empty.index[empty])
    if no_data:
        window = f"{first}-{last}"
        report.countries_dropped[f"no data for any variable in {window}"] = no_data
        grid = grid[~grid.index.get_level_values(0).isin(no_data)]
    report.cells = len(grid)
    return grid


def _variable_meta(inds: IndicatorSet, meta: Mapping[str, IndicatorMeta],
                   report: BuildReport) -> dict[str, VariableMeta]:
    out = {}
    for name, ind in inds.items():
        out[name] = _one_meta(name, ind, meta, report)
    return out


def _one_meta(name: str, ind: Indicator, meta: Mapping[str, IndicatorMeta],
              report: BuildReport) -> VariableMeta:
    label = ind.label if ind.label and ind.label != ind.code else ""
    if ind.code in meta:
        source_meta = meta[ind.code]
        vintage = vintage_text(source_meta)
        report.vintages[name] = vintage_text(source_meta)
        return VariableMeta(label=label or source_meta.name or name,
                            unit=ind.unit or source_meta.unit, source=source_meta.source,
                            code=ind.code, vintage=vintage,
                            derivation=source_meta.derivation)
    derivation = DERIVATIONS[ind.code]
    inputs = [meta[c] for c in derivation.inputs if c in meta]
    vintages = sorted({m.vintage for m in inputs if m.vintage})
    report.vintages[name] = " / ".join(vintages)
    return VariableMeta(
        label=label or name, unit=ind.unit, source=inputs[0].source if inputs else "",
        code=ind.code, vintage=" / ".join(vintages),
        derivation=f"derived by migecon: {derivation.formula} ({derivation.definition})")
