"""Named indicator sets: which World Bank series measure remittances, networks, technology.

Each :class:`Indicator` pairs the variable name used in the panel (``remittances``)
with its World Development Indicators code, a label and a unit. Some ratios
are not delivered by every source (the bulk mirrors in ``../shared/data`` hold
remittances in US$ but not as % of GDP); for those, :data:`DERIVATIONS` gives
the World Bank's own definition, and :func:`migecon.build_panel` computes the
ratio from its parts when the source lacks it, marking the variable as
derived in its metadata.

Examples
--------
>>> from migecon import catalog
>>> catalog.REMITTANCES["remittances"].code
'BX.TRF.PWKR.DT.GD.ZS'
>>> list(catalog.CONTROLS)[:3]
['investment', 'trade', 'inflation']
>>> catalog.DERIVATIONS["NE.TRD.GNFS.ZS"].formula
'NE.EXP.GNFS.ZS + NE.IMP.GNFS.ZS'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from migecon.errors import DataError

__all__ = [
    "CONTROLS",
    "DERIVATIONS",
    "GROWTH",
    "GROWTH_MIGRATION",
    "NETWORK",
    "REMITTANCES",
    "REMITTANCE_FLOWS",
    "SETS",
    "TECHNOLOGY",
    "Derivation",
    "Indicator",
    "IndicatorSet",
    "as_indicator_set",
]

WDI = "World Bank, World Development Indicators"


@dataclass(frozen=True)
class Derivation:
    """A series defined by the World Bank as a function of other series."""

    formula: str
    inputs: tuple[str, ...]
    compute: Callable[[Mapping[str, pd.Series]], pd.Series] = field(compare=False, repr=False)
    #: Whose definition: the World Bank's (a WDI code the source lacks) or migecon's own
    #: (a series the WDI does not publish, e.g. net remittances).
    definition: str = "World Bank definition; the source does not deliver the ratio"


_MIGECON = "migecon's definition; the WDI publishes no such series"


def _ratio(numerator: str, denominator: str, definition: str = "") -> Derivation:
    out = Derivation(f"{numerator} / {denominator} * 100", (numerator, denominator),
                     lambda s: s[numerator] / s[denominator] * 100.0)
    return replace(out, definition=definition) if definition else out


def _sum(first: str, second: str) -> Derivation:
    return Derivation(f"{first} + {second}", (first, second), lambda s: s[first] + s[second])


def _difference(first: str, second: str) -> Derivation:
    return Derivation(f"{first} - {second}", (first, second), lambda s: s[first] - s[second],
                      _MIGECON)


def _net_ratio(received: str, paid: str, gdp: str) -> Derivation:
    return Derivation(f"({received} - {paid}) / {gdp} * 100", (received, paid, gdp),
                      lambda s: (s[received] - s[paid]) / s[gdp] * 100.0, _MIGECON)


#: World Bank definitions of ratios computed when a source lacks them
#: (see the WDI metadata of each code and ../shared/data/PROVENANCE.md).
DERIVATIONS: dict[str, Derivation] = {
    "BX.TRF.PWKR.DT.GD.ZS": _ratio("BX.TRF.PWKR.CD.DT", "NY.GDP.MKTP.CD"),
    "NE.TRD.GNFS.ZS": _sum("NE.EXP.GNFS.ZS", "NE.IMP.GNFS.ZS"),
    "BX.KLT.DINV.WD.GD.ZS": _ratio("BX.KLT.DINV.CD.WD", "NY.GDP.MKTP.CD"),
    "SM.POP.TOTL.ZS": _ratio("SM.POP.TOTL", "SP.POP.TOTL"),
    # Remittances paid and net (issue 14): the WDI publishes paid in US$ only; migecon
    # names the ratios and the net flows with its own codes (lower case, not WDI codes).
    "remittances_paid_gdp": _ratio("BM.TRF.PWKR.CD.DT", "NY.GDP.MKTP.CD", _MIGECON),
    "remittances_net_usd": _difference("BX.TRF.PWKR.CD.DT", "BM.TRF.PWKR.CD.DT"),
    "remittances_net_gdp": _net_ratio("BX.TRF.PWKR.CD.DT", "BM.TRF.PWKR.CD.DT",
                                      "NY.GDP.MKTP.CD"),
}


@dataclass(frozen=True)
class Indicator:
    """One variable of a panel: its name, source code, label and unit."""

    name: str
    code: str
    label: str
    unit: str
    source: str = WDI
    note: str = ""

    @property
    def derivation(self) -> Derivation | None:
        """The World Bank definition used when a source lacks the series."""
        return DERIVATIONS.get(self.code)


class IndicatorSet(Mapping[str, Indicator]):
    """An ordered, named collection of :class:`Indicator` (a mapping name -> Indicator).

    Sets combine with ``+``; ``dict(s.codes())`` gives ``{name: code}``.
    """

    def __init__(self, name: str, indicators: list[Indicator], description: str = "") -> None:
        names = [i.name for i in indicators]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise DataError(f"indicator set {name!r}: variable name(s) {duplicated} used twice")
        self.name = name
        self.description = description
        self._items = {i.name: i for i in indicators}

    def __getitem__(self, key: str) -> Indicator:
        try:
            return self._items[key]
        except KeyError:
            raise KeyError(f"{key!r} not in indicator set {self.name!r}; available: "
                           f"{', '.join(self._items)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __add__(self, other: IndicatorSet) -> IndicatorSet:
        merged = {**self._items, **{k: v for k, v in other._items.items()
                                    if k not in self._items}}
        return IndicatorSet(f"{self.name}+{other.name}", list(merged.values()))

    def __repr__(self) -> str:
        return f"<IndicatorSet {self.name}: {', '.join(self._items)}>"

    def codes(self) -> dict[str, str]:
        """``{variable name: indicator code}``."""
        return {k: v.code for k, v in self._items.items()}

    def table(self) -> pd.DataFrame:
        """One row per indicator: name, code, label, unit, derivation."""
        return pd.DataFrame([{
            "name": i.name, "code": i.code, "label": i.label, "unit": i.unit,
            "derivation": i.derivation.formula if i.derivation else ""}
            for i in self._items.values()])


GROWTH = IndicatorSet("growth", [
    Indicator("growth", "NY.GDP.PCAP.KD.ZG", "GDP per capita growth", "annual %"),
    Indicator("gdppc", "NY.GDP.PCAP.KD", "GDP per capita", "constant 2015 US$"),
], "Outcome: growth and level of GDP per capita")

REMITTANCES = IndicatorSet("remittances", [
    Indicator("remittances", "BX.TRF.PWKR.DT.GD.ZS", "Personal remittances, received",
              "% of GDP"),
    Indicator("remittances_usd", "BX.TRF.PWKR.CD.DT", "Personal remittances, received",
              "current US$"),
], "Remittances received")

REMITTANCE_FLOWS = IndicatorSet("remittance_flows", [
    *REMITTANCES.values(),
    Indicator("remittances_paid_usd", "BM.TRF.PWKR.CD.DT", "Personal remittances, paid",
              "current US$", note="sent abroad by residents (Kazakhstan, Russia, the Gulf)"),
    Indicator("remittances_paid", "remittances_paid_gdp", "Personal remittances, paid",
              "% of GDP", source="migecon, from WDI BM.TRF.PWKR.CD.DT and NY.GDP.MKTP.CD"),
    Indicator("remittances_net_usd", "remittances_net_usd", "Personal remittances, net "
              "(received - paid)", "current US$",
              source="migecon, from WDI BX.TRF.PWKR.CD.DT and BM.TRF.PWKR.CD.DT",
              note="negative for net senders"),
    Indicator("remittances_net", "remittances_net_gdp", "Personal remittances, net "
              "(received - paid)", "% of GDP",
              source="migecon, from WDI BX.TRF.PWKR.CD.DT, BM.TRF.PWKR.CD.DT and "
                     "NY.GDP.MKTP.CD", note="negative for net senders"),
], "Remittances received, paid and net (personal remittances: personal transfers plus "
   "compensation of employees); paid and net need BM.TRF.PWKR.CD.DT")

NETWORK = IndicatorSet("network", [
    Indicator("migrant_stock", "SM.POP.TOTL", "International migrant stock", "people",
              note="immigrants living in the country; five-yearly (1990, 1995, ...)"),
    Indicator("migrant_share", "SM.POP.TOTL.ZS", "International migrant stock",
              "% of population", note="five-yearly"),
    Indicator("net_migration", "SM.POP.NETM", "Net migration", "people"),
], "Migration and migrant networks available in the WDI (the diaspora abroad comes from "
   "UN DESA)")

TECHNOLOGY = IndicatorSet("technology", [
    Indicator("internet", "IT.NET.USER.ZS", "Individuals using the Internet",
              "% of population"),
    Indicator("mobile", "IT.CEL.SETS.P2", "Mobile cellular subscriptions", "per 100 people",
              note="explicit zeros before adoption"),
    Indicator("broadband", "IT.NET.BBND.P2", "Fixed broadband subscriptions",
              "per 100 people"),
    Indicator("hightech_exports", "TX.VAL.TECH.MF.ZS", "High-technology exports",
              "% of manufactured exports", note="current series starts in 2007"),
    Indicator("rd_expenditure", "GB.XPD.RSDV.GD.ZS", "Research and development expenditure",
              "% of GDP"),
    Indicator("patents", "IP.PAT.RESD", "Patent applications, residents", "number"),
], "Access to and production of technology")

CONTROLS = IndicatorSet("controls", [
    Indicator("investment", "NE.GDI.TOTL.ZS", "Gross capital formation", "% of GDP"),
    Indicator("trade", "NE.TRD.GNFS.ZS", "Trade (exports plus imports)", "% of GDP"),
    Indicator("inflation", "FP.CPI.TOTL.ZG", "Inflation, consumer prices", "annual %"),
    Indicator("pop_growth", "SP.POP.GROW", "Population growth", "annual %"),
    Indicator("schooling", "SE.SEC.ENRR", "School enrollment, secondary", "% gross"),
    Indicator("fdi", "BX.KLT.DINV.WD.GD.ZS", "Foreign direct investment, net inflows",
              "% of GDP"),
    Indicator("private_credit", "FS.AST.PRVT.GD.ZS", "Domestic credit to private sector",
              "% of GDP"),
], "Standard growth-regression controls")

GROWTH_MIGRATION = IndicatorSet(
    "growth_migration",
    [*GROWTH.values(), REMITTANCES["remittances"], *NETWORK.values(),
     *TECHNOLOGY.values(), *CONTROLS.values()],
    "The full growth-migration set: growth, remittances, networks, technology, controls")

#: Every named set, by name.
SETS: dict[str, IndicatorSet] = {s.name: s for s in (
    GROWTH, REMITTANCES, REMITTANCE_FLOWS, NETWORK, TECHNOLOGY, CONTROLS, GROWTH_MIGRATION)}


def as_indicator_set(indicators: object) -> IndicatorSet:
    """An :class:`IndicatorSet` from a set, a set name, ``{name: code}`` or a list of codes.

    Examples
    --------
    >>> as_indicator_set({"remit": "BX.TRF.PWKR.DT.GD.ZS"})["remit"].unit
    '% of GDP'
    >>> list(as_indicator_set(["SP.POP.GROW"]))
    ['SP.POP.GROW']
    """
    if isinstance(indicators, IndicatorSet):
        return indicators
    if isinstance(indicators, str):
        if indicators in SETS:
            return SETS[indicators]
        raise DataError(f"unknown indicator set {indicators!r}; named sets are "
                        f"{', '.join(SETS)} (or pass {{name: code}} or a list of codes)")
    known = {i.code: i for s in SETS.values() for i in s.values()}
    if isinstance(indicators, Mapping):
        items = []
        for name, value in indicators.items():
            if isinstance(value, Indicator):
                items.append(Indicator(str(name), value.code, value.label, value.unit,
                                       value.source, value.note))
                continue
            code = str(value)
            base = known.get(code)
            items.append(Indicator(str(name), code, base.label if base else code,
                                   base.unit if base else "", WDI, base.note if base else ""))
        return IndicatorSet("custom", items)
    if isinstance(indicators, list | tuple):
        return as_indicator_set({str(code): str(code) for code in indicators})
    raise DataError("indicators must be an IndicatorSet, a set name, a {name: code} mapping "
                    f"or a list of codes; got {type(indicators).__name__}")
