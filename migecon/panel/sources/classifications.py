"""World Bank income classifications and the rule that makes a country "developing".

"Developing" in migecon means World Bank low or middle income (groups ``L``,
``LM``, ``UM``). The World Bank sets the groups each 1 July for its fiscal year
(FY), from GNI per capita (Atlas method) of two calendar years earlier: the
FY t+2 group is based on GNI of year t (FY24, in force from 1 July 2023, uses
2022 GNI). Two kinds of file are read:

- the historical file ``OGHIST.xlsx`` (sheet "Country Analytical History",
  FY89 onwards, ``..`` where not classified, footnote markers such as ``LM*``);
- a current snapshot: ``CLASS.xlsx`` ("List of economies"), the WDI country
  metadata (``Metadata_Country_*.csv``, ``WDICountry.csv``).

Four policies turn a classification into a sample (:class:`DevelopingRule`):

``"initial"`` (the default with a historical file)
    each country's group at the start of the sample: the fiscal year based on
    GNI of the first panel year (FY t+2 for a panel starting in t) or, for a
    country not classified then (the former Soviet republics are ".." until
    FY94), the first later fiscal year of the window that classifies it. The
    sample does not depend on growth after the start, so a growth regression
    keeps Chile, Poland or Uruguay (developing in 1990, high income now) and
    keeps Kazakhstan or Tajikistan (not classified in FY92).
``"fixed"``
    one fiscal year for all years: by default the latest one in the file (the
    only choice with a one-year snapshot such as ``CLASS.xlsx``). This is how
    the World Bank computes its own "Low & middle income" aggregate (``LMY``)
    for every past year, but the latest year's groups select countries on the
    growth the study is meant to explain. ``fiscal_year="FY92"`` fixes the
    groups at 1990 GNI, but drops every country not classified in that year.
``"per_year"``
    the classification of each year: year t uses the FY t+2 group (the one
    based on GNI of year t); countries enter and leave the sample. Years before
    the first or after the last data year use the nearest fiscal year.
``"ever"``
    countries low or middle income in any fiscal year based on GNI of a
    panel year.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from migecon.errors import DataError, SourceError

__all__ = [
    "DEFAULT_POLICY",
    "DEVELOPING_GROUPS",
    "DevelopingRule",
    "IncomeClassification",
    "read_country_metadata",
]

DevelopingPolicy = Literal["initial", "fixed", "per_year", "ever"]
_POLICIES = ("initial", "fixed", "per_year", "ever")
#: The default policy for ``countries="developing"`` with a historical classification
#: (see the module docstring); a one-year snapshot allows ``"fixed"`` only.
DEFAULT_POLICY: DevelopingPolicy = "initial"
#: World Bank income groups counted as developing.
DEVELOPING_GROUPS = ("L", "LM", "UM")
GROUP_NAMES = {"L": "Low income", "LM": "Lower middle income", "UM": "Upper middle income",
               "H": "High income"}
_GROUP_CODES = {v.lower(): k for k, v in GROUP_NAMES.items()}
_FY = re.compile(r"^FY\s*(\d{2})$")


def _fy_label(value: str | int) -> str:
    """``"FY24"`` from ``"FY24"``, ``"fy 24"``, ``2024`` or ``24``."""
    if isinstance(value, int):
        return f"FY{value % 100:02d}"
    match = _FY.match(str(value).strip().upper())
    if not match:
        raise DataError(f"fiscal_year must look like 'FY24' or 2024; got {value!r}")
    return f"FY{match.group(1)}"


def _group_code(value: object) -> str | None:
    """``"LM"`` from ``"LM"``, ``"LM*"`` or ``"Lower middle income"``; None if not classified."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().rstrip("*").strip()
    if text.upper() in GROUP_NAMES:
        return text.upper()
    return _GROUP_CODES.get(text.lower())


@dataclass(frozen=True)
class DevelopingRule:
    """Which country-years count as developing, and why (recorded in panel metadata)."""

    policy: DevelopingPolicy
    fiscal_year: str  # the fixed FY, or "" for per_year / ever
    groups: tuple[str, ...]
    source: str
    vintage: str
    #: For "initial": countries the rule decides differently from the latest
    #: fiscal year, and countries classified only after the start (filled by the builder).
    decided: dict[str, list[str]] = field(default_factory=dict)

    def describe(self) -> str:
        """One sentence for reports."""
        what = {"initial": ("each country's classification at the start of the sample (the "
                            "fiscal year based on GNI of the first panel year, or the first "
                            "later one that classifies the country)"),
                "fixed": f"the {self.fiscal_year} classification for every year",
                "per_year": "each year's classification (FY t+2, based on GNI of year t)",
                "ever": "low or middle income in any fiscal year of the panel"}[self.policy]
        return (f"developing = World Bank income groups {'/'.join(self.groups)} using {what} "
                f"(policy {self.policy!r}; {self.source}"
                f"{', vintage ' + self.vintage if self.vintage else ''})")

    def as_dict(self) -> dict[str, Any]:
        """For the panel's metadata."""
        return {"policy": self.policy, "fiscal_year": self.fiscal_year,
                "groups": list(self.groups), "source": self.source, "vintage": self.vintage,
                "description": self.describe(), "decided": dict(self.decided)}


class IncomeClassification:
    """World Bank income groups by economy and fiscal year.

    Parameters
    ----------
    groups : DataFrame
        Index: economy codes; columns: fiscal-year labels (``"FY89"``, ...,
        oldest first) or ``"current"``; values ``"L"``, ``"LM"``, ``"UM"``,
        ``"H"`` or missing (not classified).
    data_years : mapping of str to int
        The GNI year each fiscal-year column is based on (FY t+2 -> t).
    source, vintage : str
        Provenance, recorded with every rule built from this classification.

    Examples
    --------
    >>> import pandas as pd
    >>> groups = pd.DataFrame({"FY92": ["L", "UM"], "FY24": ["LM", "H"]}, index=["NPL", "CHL"])
    >>> ic = IncomeClassification(groups, {"FY92": 1990, "FY24": 2022}, source="example")
    >>> sorted(ic.developing_countries())                   # fixed at the latest FY
    ['NPL']
    >>> sorted(ic.developing_countries(fiscal_year="FY92"))  # fixed at 1990 GNI
    ['CHL', 'NPL']
    """

    def __init__(self, groups: pd.DataFrame, data_years: dict[str, int | None], *,
                 source: str, vintage: str = "") -> None:
        self.groups = groups.map(_group_code)
        self.data_years = dict(data_years)
        self.source = source
        self.vintage = vintage

    def __repr__(self) -> str:
        cols = list(self.groups.columns)
        span = f"{cols[0]}-{cols[-1]}" if len(cols) > 1 else cols[0]
        return f"<IncomeClassification {span}, {len(self.groups)} economies, {self.source}>"

    @property
    def fiscal_years(self) -> list[str]:
        """Fiscal-year labels, oldest first."""
        return [str(c) for c in self.groups.columns]

    @property
    def is_historical(self) -> bool:
        """True when more than one fiscal year is known (the OGHIST file)."""
        return len(self.fiscal_years) > 1

    # ------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | Path) -> IncomeClassification:
        """Read OGHIST.xlsx, CLASS.xlsx or a WDI country-metadata CSV (detected)."""
        path = Path(path)
        if not path.exists():
            raise SourceError(f"classification file not found: {path}")
        if path.suffix.lower() in (".xlsx", ".xls"):
            with pd.ExcelFile(path) as book:  # closed at once: no open file left behind
                sheets = book.sheet_names
            if "Country Analytical History" in sheets:
                return cls.from_oghist(path)
            if "List of economies" in sheets:
                return cls.from_class_file(path)
            raise DataError(f"{path}: neither OGHIST ('Country Analytical History' sheet) nor "
                            f"CLASS ('List of economies' sheet); sheets are {sheets}")
        frame = read_country_metadata(path.read_bytes(), where=str(path))
        return cls._from_frame(frame, source=f"World Bank country metadata ({path.name})",
                               vintage="")

    @classmethod
    def from_oghist(cls, path: str | Path) -> IncomeClassification:
        """The historical classification, ``OGHIST.xlsx`` as published by the World Bank."""
        path = Path(path)
        raw = pd.read_excel(path, sheet_name="Country Analytical History", header=None,
                            dtype=object)
        label_rows = raw.index[raw[1].astype(str).str.contains("fiscal year", case=False)]
        if len(label_rows) == 0:
            raise DataError(f"{path}: no \"Bank's fiscal year:\" row in the 'Country Analytical "
                            "History' sheet; is this the OGHIST file?")
        row = int(label_rows[0])
        fy_cols = [c for c in raw.columns[2:] if _FY.match(str(raw.at[row, c]).strip())]
        labels = [_fy_label(str(raw.at[row, c])) for c in fy_cols]
        years = [int(str(raw.at[row + 1, c]).strip()) for c in fy_cols]
        body = raw.iloc[row + 2:]
        codes = body[0].astype(str).str.strip()
        body = body[codes.str.fullmatch(r"[A-Z]{3}")]
        groups = pd.DataFrame(body[fy_cols].to_numpy(), index=body[0].str.strip(),
                              columns=labels)
        groups = groups[~groups.index.duplicated(keep="first")]
        stamp = re.search(r"(\d{4})[_-](\d{2})[_-](\d{2})", path.name)
        return cls(groups, dict(zip(labels, years, strict=True)),
                   source=f"World Bank historical income classification ({path.name})",
                   vintage="-".join(stamp.groups()) if stamp else "")

    @classmethod
    def from_class_file(cls, path: str | Path) -> IncomeClassification:
        """The current classification, ``CLASS.xlsx`` ("List of economies")."""
        path = Path(path)
        frame = pd.read_excel(path, sheet_name="List of economies", dtype=str)
        if not {"Code", "Income group"} <= set(frame.columns):
            raise DataError(f"{path}: expected columns 'Code' and 'Income group'; got "
                            f"{list(frame.columns)}")
        label = "current"
        try:
            notes = " ".join(pd.read_excel(path, sheet_name="Notes", dtype=str)
                             .fillna("").to_numpy().ravel())
            set_on = re.search(r"set on 1 July (\d{4})", notes)
            if set_on:
                label = _fy_label(int(set_on.group(1)) + 1)
        except ValueError:
            pass
        meta = pd.DataFrame({"income_group": frame["Income group"].to_numpy()},
                            index=frame["Code"].str.strip())
        return cls._from_frame(meta, source=f"World Bank CLASS ({path.name})", vintage="",
                               label=label)

    @classmethod
    def _from_frame(cls, meta: pd.DataFrame, *, source: str, vintage: str,
                    label: str = "current") -> IncomeClassification:
        groups = meta[["income_group"]].rename(columns={"income_group": label})
        data_year = int(label[2:]) + 2000 - 2 if label != "current" else None
        return cls(groups, {label: data_year}, source=source, vintage=vintage)

    @classmethod
    def from_metadata(cls, metadata: pd.DataFrame, *, source: str = "World Bank country "
                      "metadata") -> IncomeClassification:
        """A snapshot from :func:`read_country_metadata` output (column ``income_group``)."""
        return cls._from_frame(metadata, source=source, vintage="")

    # ------------------------------------------------------------- policies
    def rule(self, policy: DevelopingPolicy = DEFAULT_POLICY, fiscal_year: str | int | None = None
             ) -> DevelopingRule:
        """The :class:`DevelopingRule` for a policy (validates the options)."""
        if policy not in _POLICIES:
            raise DataError(f"developing policy must be one of {_POLICIES}; got {policy!r}")
        if policy != "fixed" and fiscal_year is not None:
            raise DataError(f"fiscal_year applies to policy='fixed' only; got policy={policy!r}")
        if policy != "fixed" and not self.is_historical:
            raise DataError(
                f"policy={policy!r} needs the historical classification (OGHIST.xlsx, one "
                f"column per fiscal year); {self.source} has one snapshot only. Pass "
                "classification='path/to/OGHIST.xlsx' or use policy='fixed'")
        label = ""
        if policy == "fixed":
            if fiscal_year is None:
                label = self.fiscal_years[-1]
            elif fiscal_year in self.fiscal_years:
                label = str(fiscal_year)
            else:
                label = _fy_label(fiscal_year)
            if label not in self.fiscal_years:
                raise DataError(f"fiscal year {label} not in {self.source}; available: "
                                f"{self.fiscal_years[0]}..{self.fiscal_years[-1]}")
        return DevelopingRule(policy, label, DEVELOPING_GROUPS, self.source, self.vintage)

    def fiscal_year_of(self, year: int) -> str:
        """The fiscal year whose group is based on GNI of ``year`` (nearest if outside)."""
        known = {y: fy for fy, y in self.data_years.items() if y is not None}
        if not known:
            return self.fiscal_years[-1]
        nearest = min(known, key=lambda y: (abs(y - year), -y))
        return known[nearest]

    def initial_groups(self, countries: Iterable[str], years: Sequence[int]
                       ) -> dict[str, tuple[str, str]]:
        """Each country's (fiscal year, group) at the start of ``years`` (policy "initial").

        The fiscal year based on GNI of the first year, or for a country not
        classified then, the first later fiscal year based on GNI of a year of
        the window that classifies it. Countries never classified in the window
        are left out.

        Examples
        --------
        >>> groups = pd.DataFrame({"FY92": ["LM", None, "H"], "FY94": ["UM", "LM", "H"],
        ...                        "FY24": ["H", "UM", "H"]}, index=["CHL", "KAZ", "USA"])
        >>> ic = IncomeClassification(groups, {"FY92": 1990, "FY94": 1992, "FY24": 2022},
        ...                           source="example")
        >>> ic.initial_groups(["CHL", "KAZ", "USA", "XYZ"], range(1990, 2023))
        {'CHL': ('FY92', 'LM'), 'KAZ': ('FY94', 'LM'), 'USA': ('FY92', 'H')}
        """
        years = list(years)
        first = self.fiscal_year_of(min(years))
        last_year = max(years)
        labels = [fy for fy in self.fiscal_years[self.fiscal_years.index(first):]
                  if fy == first or (self.data_years.get(fy) or 0) <= last_year]
        out: dict[str, tuple[str, str]] = {}
        for country in countries:
            if country not in self.groups.index:
                continue
            row = self.groups.loc[country, labels]
            for label in labels:
                value = row[label]
                if isinstance(value, str):
                    out[country] = (label, value)
                    break
        return out

    def developing_countries(self, *, fiscal_year: str | int | None = None) -> set[str]:
        """Economies low or middle income in one fiscal year (default: the latest)."""
        label = self.rule("fixed", fiscal_year).fiscal_year
        column = self.groups[label]
        return set(column.index[column.isin(DEVELOPING_GROUPS)])

    def membership(self, countries: Iterable[str], years: Sequence[int],
                   rule: DevelopingRule) -> pd.Series:
        """Boolean Series indexed (country, year): developing under ``rule``."""
        countries = list(countries)
        index = pd.MultiIndex.from_product([countries, list(years)], names=["iso3", "year"])
        if rule.policy == "fixed":
            keep = self.developing_countries(fiscal_year=rule.fiscal_year)
            return pd.Series(index.get_level_values(0).isin(keep), index=index)
        if rule.policy == "initial":
            start = self.initial_groups(countries, years)
            keep = {c for c, (_, g) in start.items() if g in DEVELOPING_GROUPS}
            return pd.Series(index.get_level_values(0).isin(keep), index=index)
        if rule.policy == "ever":
            labels = sorted({self.fiscal_year_of(y) for y in years})
            ever = self.groups[labels].isin(DEVELOPING_GROUPS).any(axis=1)
            return pd.Series(index.get_level_values(0).isin(set(ever.index[ever])), index=index)
        developing = self.groups.isin(DEVELOPING_GROUPS)
        values = [bool(developing.at[c, self.fiscal_year_of(y)])
                  if c in developing.index else False for c, y in index]
        return pd.Series(values, index=index)

    def not_classified(self, countries: Iterable[str], rule: DevelopingRule,
                       years: Sequence[int] | None = None) -> list[str]:
        """Countries absent from the classification or never classified under ``rule``."""
        countries = list(countries)
        if rule.policy == "initial" and years:
            start = self.initial_groups(countries, years)
            return [c for c in countries if c not in start]
        out = []
        for country in countries:
            if country not in self.groups.index:
                out.append(country)
            elif rule.policy == "fixed" and not isinstance(
                    self.groups.at[country, rule.fiscal_year], str):
                out.append(country)
        return out


def read_country_metadata(data: bytes, *, where: str) -> pd.DataFrame:
    """Region and income group per economy from a WDI country-metadata CSV.

    Reads ``Metadata_Country_*.csv`` (``Country Code, Region, IncomeGroup``)
    and ``WDICountry.csv`` (``Country Code, Region, Income Group``).
    Aggregates have no region.

    Returns
    -------
    DataFrame
        Indexed by country code, columns ``name``, ``region``, ``income_group``
        (``"L"``, ``"LM"``, ``"UM"``, ``"H"`` or None) and ``is_aggregate``.
    """
    if not data.strip():
        raise DataError(f"{where} is empty: expected World Bank country metadata")
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    frame.columns = [c.strip() for c in frame.columns]
    income = next((c for c in ("IncomeGroup", "Income Group", "Income group")
                   if c in frame.columns), None)
    if "Country Code" not in frame.columns or income is None:
        raise DataError(f"{where}: expected columns 'Country Code' and 'IncomeGroup' (or "
                        f"'Income Group'); got {list(frame.columns)[:8]}")
    name = next((c for c in ("TableName", "Table Name", "Short Name") if c in frame.columns),
                None)
    region = frame["Region"] if "Region" in frame.columns else pd.Series("", index=frame.index)
    return pd.DataFrame({
        "name": frame[name].to_numpy() if name else frame["Country Code"].to_numpy(),
        "region": region.replace("", None).to_numpy(),
        "income_group": [_group_code(v) for v in frame[income]],
        "is_aggregate": (region.str.strip() == "").to_numpy(),
    }, index=pd.Index(frame["Country Code"].str.strip(), name="iso3"))
