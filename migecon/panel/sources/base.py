"""What every data source returns, so :func:`migecon.build_panel` can use any of them.

A source is any object with a ``name`` and a ``fetch(codes, years=...)``
method returning :class:`SourceData`: long values (one row per indicator,
economy and year) plus metadata per indicator and a report of what was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pandas as pd

__all__ = ["VALUE_COLUMNS", "IndicatorMeta", "Source", "SourceData"]

#: Columns of :attr:`SourceData.values`: ``code`` (indicator code as asked),
#: ``iso3`` (the source's 3-letter economy code, aggregates included),
#: ``year`` (int) and ``value`` (float, NaN for the World Bank's "..").
VALUE_COLUMNS = ("code", "iso3", "year", "value")


@dataclass(frozen=True)
class IndicatorMeta:
    """Provenance of one indicator as a source delivered it."""

    code: str
    name: str = ""
    unit: str = ""
    source: str = ""
    vintage: str = ""  # the source's last-updated date
    retrieved: str = ""  # when migecon read or downloaded it (ISO 8601)
    content_hash: str = ""  # SHA-256 of the values as delivered
    derivation: str = ""  # for derived series: the formula


@dataclass
class SourceData:
    """Values and provenance delivered by a source."""

    values: pd.DataFrame
    meta: dict[str, IndicatorMeta] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Source(Protocol):
    """The interface of a data source (WDI files, WDI API, user files, ...)."""

    name: str

    def fetch(self, codes: Sequence[str], *, years: tuple[int, int] | None = None
              ) -> SourceData:
        """Return the values of ``codes`` (all years when ``years`` is None)."""
        ...
