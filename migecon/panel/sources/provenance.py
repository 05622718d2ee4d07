"""Provenance checks of a build: UN DESA revisions mixed in one panel, unknown vintages.

UN DESA publishes the International Migrant Stock in revisions (IMS 2015, 2017,
2019, 2020, 2024) that re-estimate *every* year: Kazakhstan's immigrant stock
for 2020 is 3.7 million in IMS 2020 and 2.0 million in IMS 2024. The WDI
migrant stock (``SM.POP.TOTL`` and its share ``SM.POP.TOTL.ZS``) is taken from
the latest revision at the time of the WDI release, so a panel that combines it
with UN DESA files of another revision (the diaspora share from IMS 2020, say)
mixes two estimates of the same stocks. :func:`un_desa_revisions` finds the
revision of each migrant-stock variable and :func:`check_revisions` warns when
they differ.

A source that does not state a vintage gets ``"unknown"``: a file's
modification date on this machine is not the date of the data, so it is only
recorded as such (:func:`vintage_text`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import pandas as pd

from migecon.errors import ProvenanceWarning
from migecon.panel.sources.base import IndicatorMeta

__all__ = ["WDI_IMS_CODES", "check_revisions", "un_desa_revisions", "vintage_text"]

#: WDI series that are UN DESA migrant stocks (the ratio is derived from the stock).
WDI_IMS_CODES = ("SM.POP.TOTL", "SM.POP.TOTL.ZS")
#: IMS revisions and the date the World Bank could first use them in WDI (a WDI
#: release after this date carries that revision; the revisions appeared in
#: December 2015, December 2017, September 2019, January 2021 and January 2025).
_IMS_RELEASES = (("2015", "2015-12-01"), ("2017", "2017-12-01"), ("2019", "2019-09-01"),
                 ("2020", "2021-01-15"), ("2024", "2025-01-15"))


def _wdi_revision(vintage: str, years: pd.Series | None) -> str:
    """The IMS revision of a WDI migrant-stock series: from its data, else its vintage."""
    if years is not None and len(years) and int(years.max()) == 2024:
        return "IMS 2024 (its data reach 2024)"
    date = vintage[:10]
    if len(date) == 10 and date[:4].isdigit():
        found = [rev for rev, released in _IMS_RELEASES if released <= date]
        if found:
            return f"IMS {found[-1]} (inferred from the WDI vintage {date})"
    return ""


def un_desa_revisions(meta: Mapping[str, IndicatorMeta], values: pd.DataFrame,
                      names: Mapping[str, str]) -> dict[str, str]:
    """Variable name -> UN DESA revision, for the migrant-stock variables of a build.

    Parameters
    ----------
    meta : mapping of code to IndicatorMeta
        As delivered by the source(s).
    values : DataFrame
        Long values (``code``, ``iso3``, ``year``, ``value``).
    names : mapping of variable name to code

    Examples
    --------
    >>> from migecon.panel.sources.base import IndicatorMeta
    >>> meta = {"diaspora_share": IndicatorMeta("diaspora_share", vintage="IMS 2020"),
    ...         "SM.POP.TOTL": IndicatorMeta("SM.POP.TOTL", vintage="2026-07-01")}
    >>> un_desa_revisions(meta, pd.DataFrame(columns=["code", "year"]),
    ...                   {"diaspora": "diaspora_share", "stock": "SM.POP.TOTL"})
    {'diaspora': 'IMS 2020', 'stock': 'IMS 2024 (inferred from the WDI vintage 2026-07-01)'}
    """
    out: dict[str, str] = {}
    for name, code in names.items():
        info = meta.get(code)
        if info is not None and info.vintage.startswith("IMS "):
            out[name] = info.vintage
            continue
        stock = "SM.POP.TOTL" if code in WDI_IMS_CODES else None
        if stock is None or stock not in meta:
            continue
        years = values.loc[values["code"] == stock, "year"] if len(values) else None
        revision = _wdi_revision(meta[stock].vintage, years)
        if revision:
            out[name] = revision
    return out


def check_revisions(revisions: Mapping[str, str], *, stacklevel: int = 3) -> str:
    """Warn (:class:`~migecon.errors.ProvenanceWarning`) when revisions differ; the note.

    Examples
    --------
    >>> check_revisions({"diaspora": "IMS 2020"})
    ''
    """
    distinct = {r.split(" (")[0] for r in revisions.values()}
    if len(distinct) < 2:
        return ""
    listed = "; ".join(f"{name}: {rev}" for name, rev in revisions.items())
    note = (f"the panel mixes UN DESA International Migrant Stock revisions ({listed}). "
            "Each revision re-estimates every year (Kazakhstan's 2020 immigrant stock is "
            "3.7 million in IMS 2020 and 2.0 million in IMS 2024), so ratios and comparisons "
            "across these variables mix two estimates; use files of one revision")
    warnings.warn(note, ProvenanceWarning, stacklevel=stacklevel)
    return note


def vintage_text(info: IndicatorMeta) -> str:
    """The vintage to record: the source's own, else "unknown" with the file date labelled.

    Examples
    --------
    >>> vintage_text(IndicatorMeta("X", vintage="2025-12-19"))
    '2025-12-19'
    >>> vintage_text(IndicatorMeta("X", source="WDI (file x.csv)",
    ...                            retrieved="2026-01-03T10:00:00+00:00"))
    'unknown (the source states none; file dated 2026-01-03 on this machine)'
    """
    if info.vintage:
        return info.vintage
    if info.retrieved and "(API)" in info.source:
        return f"unknown (the source states none; retrieved {info.retrieved[:10]})"
    if info.retrieved:  # file sources record the file's modification time
        return (f"unknown (the source states none; file dated {info.retrieved[:10]} on this "
                "machine)")
    return "unknown"
