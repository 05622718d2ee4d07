"""Several sources as one: each indicator comes from the first source that holds it.

The research question of migecon needs World Bank indicators (growth,
remittances, internet use) *and* UN DESA migrant stocks (the diaspora) in one
panel. :class:`Combined` lets :func:`migecon.build_panel` build it in one call,
so that the build report covers every variable: aggregates removed, countries
dropped and missing cells are counted once, on the same grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from migecon.errors import DataError
from migecon.panel.sources.base import IndicatorMeta, Source, SourceData

__all__ = ["Combined"]


class Combined:
    """Ask several sources in turn; an indicator comes from the first that holds it.

    A source is asked only for the codes it may hold: sources with a
    ``has(code)`` method (World Bank files, UN DESA) are skipped for codes they
    do not have; others (the World Bank API) are asked for every code still
    missing that no source claims, and report what they lack.

    Parameters
    ----------
    *sources : Source
        In order of preference.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> import migecon as mg
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "sp.pop.totl.csv").write_text(
    ...     "Country Name,Country Code,Year,Value\\nNepal,NPL,2020,29300000\\n")
    >>> _ = (folder / "totals.csv").write_text(
    ...     "year,country,immigrant_stock,emigrant_stock\\n2020,Nepal,488000,2400000\\n")
    >>> wdi = mg.sources.WDIFiles(folder / "sp.pop.totl.csv")
    >>> both = mg.sources.Combined(wdi, mg.sources.UNDESA(folder / "totals.csv",
    ...                                                    population=wdi))
    >>> panel = mg.build_panel({"pop": "SP.POP.TOTL", "diaspora": "diaspora_share"}, both)
    >>> round(float(panel["diaspora"].iloc[0]), 2), panel.metadata["source"]
    (8.19, 'World Bank WDI files + undesa')
    """

    def __init__(self, *sources: Source) -> None:
        if not sources:
            raise DataError("Combined needs at least one source, e.g. "
                            "Combined(mg.sources.WDIFiles(...), mg.sources.UNDESA(...))")
        bad = [type(s).__name__ for s in sources if not hasattr(s, "fetch")]
        if bad:
            raise DataError(f"Combined takes sources (objects with a fetch method); got {bad}")
        self.sources = tuple(sources)
        self.name = " + ".join(str(getattr(s, "name", type(s).__name__)) for s in sources)

    def has(self, code: str) -> bool | None:
        """True if a source holds ``code``, False if none can, None if unknown."""
        answers = [_has(s, code) for s in self.sources]
        if any(a is True for a in answers):
            return True
        return False if all(a is False for a in answers) else None

    def fetch(self, codes: Sequence[str], *, years: tuple[int, int] | None = None
              ) -> SourceData:
        """Values of ``codes``, each from the first source that delivers it.

        ``report["parts"]`` holds every source's own report and
        ``report["from"]`` which source delivered each code; codes no source
        delivers are listed in ``report["missing"]``.
        """
        remaining = [codes] if isinstance(codes, str) else list(dict.fromkeys(codes))
        frames: list[pd.DataFrame] = []
        meta: dict[str, IndicatorMeta] = {}
        report: dict[str, Any] = {"source": self.name, "parts": [], "from": {},
                                  "rows_read": 0}
        # A source that cannot tell what it holds (the API) is not asked for codes another
        # source says it holds: the API would reject a UN DESA series name.
        claimed = {c for c in remaining if any(_has(s, c) is True for s in self.sources)}
        for source in self.sources:
            ask = [c for c in remaining
                   if (h := _has(source, c)) is True or (h is None and c not in claimed)]
            if not ask:
                continue
            data = source.fetch(ask, years=years)
            present = set(pd.unique(data.values["code"])) if len(data.values) else set()
            got = [c for c in ask if c in data.meta or c in present]
            frames.append(data.values[data.values["code"].isin(got)])
            meta.update({c: m for c, m in data.meta.items() if c in got})
            name = str(getattr(source, "name", type(source).__name__))
            report["parts"].append({"source": name, **data.report})
            report["from"].update(dict.fromkeys(got, name))
            report["rows_read"] += int(data.report.get("rows_read", 0))
            remaining = [c for c in remaining if c not in got]
            if not remaining:
                break
        report["missing"] = remaining
        values = (pd.concat(frames, ignore_index=True) if frames
                  else pd.DataFrame({"code": [], "iso3": [], "year": [], "value": []}))
        return SourceData(values=values.reset_index(drop=True), meta=meta, report=report)


def _has(source: Source, code: str) -> bool | None:
    has = getattr(source, "has", None)
    return has(code) if callable(has) else None
