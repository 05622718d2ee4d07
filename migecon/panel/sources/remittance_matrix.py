"""The World Bank/KNOMAD bilateral remittance matrix: who sends money to whom.

The matrix (KNOMAD, 2017 release; also mirrored with columns ``target``,
``source``, ``total_gdppct``, ``net_gdppct``, ``total_mdollars``,
``net_mdollars``) gives, for every recipient (``target``) and sender
(``source``), the estimated remittances in US$ millions; rows whose sender is
``WORLD`` are the recipient's total receipts. :class:`RemittanceMatrix` reads
it, maps both names to ISO3 codes (:func:`migecon.panel.countries.to_iso3`),
drops and *counts* what it cannot use (unknown names, aggregates, self pairs)
and offers both sides: what a country receives, by sender, and what it sends,
by recipient (:func:`migecon.corridors`).

The matrix is *constructed*: the World Bank allocates each country's total
receipts (balance of payments) to senders in proportion to bilateral migrant
stocks adjusted for host and home incomes (Ratha and Shaw 2007). Regressions of
the matrix on migrant stocks or incomes are therefore partly mechanical;
:func:`migecon.ppml` warns when they are attempted.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, DroppedDataWarning, SourceError

__all__ = ["KNOMAD_CITATION", "RemittanceMatrix"]

KNOMAD_CITATION = ("World Bank/KNOMAD, Bilateral Remittance Matrix 2017 "
                   "(Global Knowledge Partnership on Migration and Development)")
_REQUIRED = ("target", "source", "total_mdollars")
_NUMERIC = ("total_mdollars", "net_mdollars", "total_gdppct", "net_gdppct")
_WORLD = frozenset({"world", "wld"})


@dataclass
class RemittanceMatrix:
    """A bilateral remittance matrix with ISO3 codes.

    Parameters
    ----------
    path : path or DataFrame
        The CSV (or a DataFrame) with ``target`` (recipient), ``source``
        (sender) and ``total_mdollars``; ``net_mdollars`` and the ``*_gdppct``
        columns are kept when present.
    year : int
        The year the matrix describes (2017 for the KNOMAD release).
    on_unknown : {"error", "drop"}
        Names that match no country: raise (listing them with the closest
        known names) or drop their rows with a :class:`DroppedDataWarning`
        giving the counts (also in ``report``).

    Attributes
    ----------
    flows : DataFrame
        ``receiver, sender, usd_millions`` (+ ``net_usd_millions``,
        ``share_of_receiver_gdp`` when present), one row per pair.
    totals : Series
        Total receipts (US$ millions) by receiver, from the ``WORLD`` rows.
    report : dict
        Rows read, dropped by reason, unknown names.

    Examples
    --------
    >>> import pandas as pd
    >>> m = RemittanceMatrix(pd.DataFrame({
    ...     "target": ["Nepal", "Nepal", "Nepal", "India"],
    ...     "source": ["WORLD", "Qatar", "India", "Nepal"],
    ...     "total_mdollars": [10.0, 6.0, 4.0, 3.0]}))
    >>> m.flows.values.tolist()
    [['IND', 'NPL', 3.0], ['NPL', 'IND', 4.0], ['NPL', 'QAT', 6.0]]
    >>> float(m.totals["NPL"])
    10.0
    """

    path: str | os.PathLike[str] | pd.DataFrame
    year: int = 2017
    on_unknown: Literal["error", "drop"] = "error"
    flows: pd.DataFrame = field(init=False, repr=False)
    totals: pd.Series = field(init=False, repr=False)
    report: dict[str, Any] = field(init=False, repr=False)
    name: str = field(init=False, default="World Bank/KNOMAD bilateral remittance matrix")

    def __post_init__(self) -> None:
        if self.on_unknown not in ("error", "drop"):
            raise DataError(f"on_unknown must be 'error' or 'drop'; got {self.on_unknown!r}")
        frame = _read(self.path)
        self.flows, self.totals, self.report = _harmonise(frame, self.on_unknown)

    # ------------------------------------------------------------ access
    @property
    def citation(self) -> str:
        """How to cite the data."""
        return f"{KNOMAD_CITATION}; flows of {self.year}"

    @property
    def receivers(self) -> list[str]:
        """ISO3 codes of the countries that receive something."""
        return sorted(self.flows["receiver"].unique())

    @property
    def senders(self) -> list[str]:
        """ISO3 codes of the countries that send something."""
        return sorted(self.flows["sender"].unique())

    def received(self, country: str) -> pd.Series:
        """What ``country`` receives, by sender (US$ millions, largest first)."""
        sel = self.flows[self.flows["receiver"] == country]
        return sel.set_index("sender")["usd_millions"].sort_values(ascending=False)

    def sent(self, country: str) -> pd.Series:
        """What ``country`` sends, by receiver (US$ millions, largest first)."""
        sel = self.flows[self.flows["sender"] == country]
        return sel.set_index("receiver")["usd_millions"].sort_values(ascending=False)

    def wide(self) -> pd.DataFrame:
        """Receivers x senders table of US$ millions (0 where there is no pair)."""
        return self.flows.pivot(index="receiver", columns="sender",
                                values="usd_millions").fillna(0.0)

    def paid_totals(self) -> pd.Series:
        """Total sent by each sender: the column sums of the bilateral rows."""
        return self.flows.groupby("sender")["usd_millions"].sum().sort_values(ascending=False)


# ---------------------------------------------------------------- reading
def _read(path: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(path, pd.DataFrame):
        frame = path.copy()
    else:
        p = Path(path)
        if not p.is_file():
            raise SourceError(f"remittance matrix {p} not found; expected the World Bank/KNOMAD "
                              "bilateral remittance matrix as CSV (target, source, "
                              "total_mdollars, ...)")
        try:
            frame = pd.read_csv(p, encoding="utf-8-sig")
        except pd.errors.EmptyDataError:
            raise DataError(f"{p} is empty; expected the bilateral remittance matrix") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(f"the remittance matrix lacks column(s) {missing}; expected target "
                        f"(recipient), source (sender), total_mdollars; got "
                        f"{list(frame.columns)}")
    for column in _NUMERIC:
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.loc[values.isna() & frame[column].notna(), column]
        if not bad.empty:
            raise DataError(f"column {column!r} has {len(bad)} non-numeric cell(s), e.g. "
                            f"{bad.iloc[0]!r}; expected numbers (US$ millions or fractions)")
        frame[column] = values
    negative = frame["total_mdollars"] < 0
    if negative.any():
        raise DataError(f"total_mdollars has {int(negative.sum())} negative flow(s); gross "
                        "flows cannot be negative (net flows are net_mdollars)")
    return frame


def _harmonise(frame: pd.DataFrame, on_unknown: str
               ) -> tuple[pd.DataFrame, pd.Series, dict[str, Any]]:
    from migecon.panel.countries import is_aggregate, to_iso3

    target = frame["target"].astype(str).str.strip()
    source = frame["source"].astype(str).str.strip()
    is_world = source.str.lower().isin(_WORLD)
    names = pd.unique(pd.concat([target, source[~is_world]]))
    if on_unknown == "error":
        codes = to_iso3(list(names), on_unknown="error")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DroppedDataWarning)
            codes = to_iso3(list(names), on_unknown="drop")
    mapping = dict(zip(names, codes.tolist(), strict=True))
    receiver = target.map(mapping)
    sender = source.map(mapping).where(~is_world, "WLD")
    unknown_names = sorted(n for n, c in mapping.items() if not isinstance(c, str))
    unknown = receiver.isna() | sender.isna()
    aggregate = ~unknown & ~is_world & sender.map(lambda c: isinstance(c, str)
                                                  and is_aggregate(c))
    self_pair = ~unknown & ~is_world & (receiver == sender)
    usable = ~is_world & ~unknown & ~aggregate & ~self_pair
    flows = pd.DataFrame({"receiver": receiver[usable].astype(str),
                          "sender": sender[usable].astype(str),
                          "usd_millions": frame.loc[usable, "total_mdollars"].astype(float)})
    if "net_mdollars" in frame.columns:
        flows["net_usd_millions"] = frame.loc[usable, "net_mdollars"].astype(float)
    if "total_gdppct" in frame.columns:
        flows["share_of_receiver_gdp"] = frame.loc[usable, "total_gdppct"].astype(float)
    dup = flows.duplicated(["receiver", "sender"], keep=False)
    if dup.any():
        example = flows.loc[dup, ["receiver", "sender"]].iloc[0].tolist()
        raise DataError(f"{int(dup.sum())} rows share a (receiver, sender) pair after mapping "
                        f"names to ISO3, e.g. {example}: two names map to one country")
    flows = flows.sort_values(["receiver", "sender"], ignore_index=True)
    world = frame.loc[is_world & receiver.notna()]
    totals = pd.Series(world["total_mdollars"].astype(float).to_numpy(),
                       index=receiver[is_world & receiver.notna()].astype(str).to_numpy(),
                       name="usd_millions")
    report: dict[str, Any] = {
        "rows_read": len(frame), "world_rows": int(is_world.sum()),
        "pairs": len(flows), "receivers": int(flows["receiver"].nunique()),
        "senders": int(flows["sender"].nunique()),
        "unknown_names": unknown_names,
        "unknown_rows_dropped": int(unknown.sum()),
        "aggregate_sender_rows_dropped": int(aggregate.sum()),
        "self_pairs_dropped": int(self_pair.sum()),
        "zero_flow_pairs": int((flows["usd_millions"] == 0).sum()),
    }
    if unknown.any():
        warnings.warn(
            f"remittance matrix: {len(unknown_names)} unknown name(s) "
            f"{unknown_names[:8]}{' ...' if len(unknown_names) > 8 else ''}; dropped "
            f"{int(unknown.sum())} of {len(frame)} row(s) that use them "
            "(RemittanceMatrix.report['unknown_names'] lists them all)",
            DroppedDataWarning, stacklevel=4)
    if aggregate.any() or self_pair.any():
        warnings.warn(
            f"remittance matrix: dropped {int(aggregate.sum())} row(s) with an aggregate "
            f"sender and {int(self_pair.sum())} self pair(s)", DroppedDataWarning,
            stacklevel=4)
    if not np.isfinite(flows["usd_millions"]).all():
        n_missing = int((~np.isfinite(flows["usd_millions"])).sum())
        raise DataError(f"total_mdollars is missing in {n_missing} pair row(s); fill or "
                        "drop them before reading")
    return flows, totals, report
