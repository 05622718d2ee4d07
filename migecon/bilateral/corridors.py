"""Remittance corridors: a country's partners on the sending or the receiving side.

:func:`corridors` lists the largest partners of one country in the bilateral
remittance matrix (:class:`~migecon.panel.sources.remittance_matrix.RemittanceMatrix`):
with ``side="received"`` the countries its remittances come from, with
``side="sent"`` the countries its migrants' remittances go to. Amounts are the
matrix's cells (US$ millions) and shares are of the sum over all partners on
that side, so the figures add up to the raw matrix.

:func:`sender_weights` turns the matrix into weights on the *sending* side,
``w[sender, receiver]`` = the receiver's share of what the sender pays abroad,
next to the recipient-side :func:`migecon.remittance_weights`.
"""

from __future__ import annotations

import os
from typing import Literal

import pandas as pd

from migecon.errors import DataError
from migecon.panel.network import NetworkWeights, _normalise
from migecon.panel.sources.remittance_matrix import KNOMAD_CITATION, RemittanceMatrix

__all__ = ["corridors", "sender_weights"]

Side = Literal["sent", "received"]


def _matrix(matrix: RemittanceMatrix | str | os.PathLike[str] | pd.DataFrame
            ) -> RemittanceMatrix:
    return matrix if isinstance(matrix, RemittanceMatrix) else RemittanceMatrix(matrix)


def _code(country: str) -> str:
    from migecon.panel.countries import to_iso3

    return str(to_iso3([country], on_unknown="error").iloc[0])


def corridors(
    matrix: RemittanceMatrix | str | os.PathLike[str] | pd.DataFrame,
    country: str,
    *,
    side: Side = "sent",
    top: int | None = 10,
) -> pd.DataFrame:
    """The largest remittance corridors of one country.

    Parameters
    ----------
    matrix : RemittanceMatrix, path or DataFrame
        The bilateral remittance matrix.
    country : str
        ISO3 code or name (``"KAZ"``, ``"Kazakhstan"``).
    side : {"sent", "received"}
        ``"sent"``: where the country's outflows go; ``"received"``: where its
        inflows come from.
    top : int or None
        How many partners (``None``: all).

    Returns
    -------
    DataFrame
        ``partner`` (ISO3), ``partner_name``, ``usd_millions``, ``share`` (of
        the sum over all partners on that side) and ``cumulative_share``,
        largest first; ``attrs`` holds ``total_usd_millions``, ``n_partners``,
        ``side``, ``country`` and the citation.

    Raises
    ------
    DataError
        The country has no corridor on that side (the message says whether it
        has any on the other side).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"target": ["Tajikistan", "Kyrgyz Republic", "Russian Federation"],
    ...                   "source": ["Kazakhstan", "Kazakhstan", "Kazakhstan"],
    ...                   "total_mdollars": [141.0, 20.0, 39.0]})
    >>> corridors(m, "KAZ", side="sent")[["partner", "usd_millions", "share"]].values.tolist()
    [['TJK', 141.0, 0.705], ['RUS', 39.0, 0.195], ['KGZ', 20.0, 0.1]]
    """
    from migecon.panel.countries import country_name

    if side not in ("sent", "received"):
        raise DataError(f"side must be 'sent' or 'received'; got {side!r}")
    if top is not None and (not isinstance(top, int) or top < 1):
        raise DataError(f"top must be a positive integer or None; got {top!r}")
    m = _matrix(matrix)
    code = _code(country)
    flows = m.sent(code) if side == "sent" else m.received(code)
    flows = flows[flows > 0]
    if flows.empty:
        other = m.received(code) if side == "sent" else m.sent(code)
        hint = (f"it has {int((other > 0).sum())} corridor(s) on the "
                f"{'received' if side == 'sent' else 'sent'} side" if (other > 0).any()
                else "it appears on neither side of the matrix")
        raise DataError(f"{code} ({country_name(code)}) has no {side} corridors in the "
                        f"remittance matrix; {hint}")
    total = float(flows.sum())
    out = pd.DataFrame({"partner": flows.index.astype(str),
                        "partner_name": [country_name(c) for c in flows.index],
                        "usd_millions": flows.to_numpy(),
                        "share": (flows / total).to_numpy()})
    out["cumulative_share"] = out["share"].cumsum()
    if top is not None:
        out = out.head(top)
    out = out.reset_index(drop=True)
    out.attrs.update({"country": code, "side": side, "total_usd_millions": total,
                      "n_partners": len(flows), "year": m.year, "citation": m.citation})
    return out


def sender_weights(
    matrix: RemittanceMatrix | str | os.PathLike[str] | pd.DataFrame,
) -> NetworkWeights:
    """Receiver weights for every *sending* country (its outflows by destination).

    Returns
    -------
    NetworkWeights
        ``home`` = sender, ``host`` = receiver, ``weight`` = the receiver's
        share of the sender's bilateral outflows (summing to one per sender).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"target": ["Tajikistan", "Kyrgyz Republic"],
    ...                   "source": ["Kazakhstan", "Kazakhstan"],
    ...                   "total_mdollars": [30.0, 10.0]})
    >>> sender_weights(m).data.values.tolist()
    [['KAZ', 'KGZ', 0.25], ['KAZ', 'TJK', 0.75]]
    """
    m = _matrix(matrix)
    pairs = m.flows.rename(columns={"sender": "home", "receiver": "host",
                                    "usd_millions": "flow"})[["home", "host", "flow"]]
    pairs = pairs[pairs["flow"] > 0]
    weights = _normalise(pairs)
    report = {"pairs": len(weights.data), "senders": int(weights.data["home"].nunique()),
              "receivers": int(weights.data["host"].nunique()), "matrix": m.report,
              **weights.report}
    return NetworkWeights(weights.data, KNOMAD_CITATION,
                          f"bilateral remittance outflows in {m.year} (sender side)", report)
