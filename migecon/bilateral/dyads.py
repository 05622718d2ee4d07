"""Dyad panels: origin x destination x year, for gravity models of migration and remittances.

:func:`build_dyads` turns UN DESA bilateral migrant stocks (one row per
non-zero pair and year) into a rectangular dyad panel, with the zeros that
PPML needs (``fill_zeros=True``: every origin x destination pair of countries
seen in a year), joins the World Bank/KNOMAD remittance matrix where its year
matches a stock year (or the year you choose), and joins origin and
destination covariates (``o_<name>``, ``d_<name>``) from country-year data,
such as World Bank indicators.

The result is a DataFrame ready for :func:`migecon.ppml`; ``attrs`` records
the sources, what was dropped or filled, and which columns are *constructed*
(the remittance matrix, allocated from migrant stocks and incomes), so that
``mg.ppml`` can warn when the matrix is regressed on its own inputs.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
import pandas as pd

from migecon.errors import DataError, DroppedDataWarning
from migecon.panel.sources.remittance_matrix import RemittanceMatrix

__all__ = ["build_dyads"]

_KNOMAD_NOTE = ("the World Bank/KNOMAD bilateral remittance matrix, which allocates each "
                "country's receipts to senders by migrant stocks and host and home incomes")
_INPUT_HINTS = ("gdp", "gni", "income")


def _stocks(stocks: Any) -> tuple[pd.DataFrame, str]:
    from migecon.panel.sources.undesa import read_bilateral

    if isinstance(stocks, str | os.PathLike):
        read = read_bilateral(stocks)
        return read.data, read.citation
    data = getattr(stocks, "data", stocks)
    if not isinstance(data, pd.DataFrame):
        raise DataError("stocks must be a path, MigrantStocks or a DataFrame with year, origin, "
                        f"destination, stock; got {type(stocks).__name__}")
    missing = [c for c in ("year", "origin", "destination", "stock") if c not in data.columns]
    if missing:
        raise DataError(f"stocks lack column(s) {missing}; expected year, origin, destination, "
                        f"stock with ISO3 codes (got {list(data.columns)})")
    citation = getattr(stocks, "citation", "bilateral migrant stocks (user data)")
    return data[["year", "origin", "destination", "stock"]].copy(), str(citation)


def _covariates(covariates: Any) -> pd.DataFrame:
    frame = getattr(covariates, "data", covariates)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name or "value")
    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.MultiIndex) \
            or frame.index.nlevels != 2:
        raise DataError("covariates must be a Panel or a DataFrame indexed (iso3, year); got "
                        f"{type(covariates).__name__}")
    if frame.index.has_duplicates:
        raise DataError("covariates have repeated (iso3, year) keys")
    out = frame.copy()
    out.index = pd.MultiIndex.from_arrays(
        [out.index.get_level_values(0).astype(str),
         out.index.get_level_values(1).astype("int64")], names=["iso3", "year"])
    return out


def build_dyads(
    stocks: Any,
    *,
    remittances: RemittanceMatrix | str | os.PathLike[str] | pd.DataFrame | None = None,
    remittance_year: int | None = None,
    covariates: Any = None,
    years: tuple[int, int] | None = None,
    fill_zeros: bool = True,
) -> pd.DataFrame:
    """Build an origin x destination x year panel.

    Parameters
    ----------
    stocks : path, MigrantStocks or DataFrame
        Bilateral migrant stocks, ``year, origin, destination, stock`` (ISO3),
        e.g. :func:`migecon.panel.sources.undesa.read_bilateral` of the UN DESA
        International Migrant Stock.
    remittances : RemittanceMatrix, path or DataFrame, optional
        The bilateral remittance matrix, joined as ``remit_usd_millions``
        (sender = origin of the migrants, receiver = their home country: the
        flow goes from ``destination`` to ``origin``).
    remittance_year : int, optional
        The stock year to attach the matrix to. Default: the matrix's own
        year, if the stocks have it; otherwise the matrix is not joined and a
        warning says which stock years exist.
    covariates : Panel or DataFrame, optional
        Country-year variables indexed ``(iso3, year)``; each column ``x`` is
        joined twice, as ``o_x`` (origin) and ``d_x`` (destination).
    years : (first, last), optional
        Inclusive range of stock years to keep.
    fill_zeros : bool
        Add the pairs with no migrants (stock 0) among the countries seen in
        each year; PPML needs them.

    Returns
    -------
    DataFrame
        ``origin, destination, year, stock`` (+ ``remit_usd_millions``,
        ``o_*``, ``d_*``), sorted; ``attrs["report"]`` counts rows and
        fills, ``attrs["sources"]`` lists citations, ``attrs["constructed"]``
        and ``attrs["construction_inputs"]`` flag the remittance matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"year": 2015, "origin": ["KAZ", "UZB", "KAZ"],
    ...                   "destination": ["RUS", "RUS", "DEU"], "stock": [2.5, 1.0, 0.8]})
    >>> d = build_dyads(s)
    >>> len(d), int((d["stock"] == 0).sum())
    (12, 9)
    """
    pairs, citation = _stocks(stocks)
    pairs["year"] = pd.to_numeric(pairs["year"], errors="coerce")
    pairs["stock"] = pd.to_numeric(pairs["stock"], errors="coerce")
    bad = pairs["year"].isna() | pairs["stock"].isna()
    if bad.any():
        raise DataError(f"stocks have {int(bad.sum())} row(s) without a numeric year or stock")
    if (pairs["stock"] < 0).any():
        raise DataError(f"stocks have {int((pairs['stock'] < 0).sum())} negative value(s)")
    pairs["year"] = pairs["year"].astype("int64")
    if years is not None:
        pairs = pairs[(pairs["year"] >= years[0]) & (pairs["year"] <= years[1])]
    self_pairs = pairs["origin"] == pairs["destination"]
    pairs = pairs[~self_pairs]
    if pairs.empty:
        raise DataError("no bilateral stocks left (check years=)")
    dup = pairs.duplicated(["year", "origin", "destination"])
    if dup.any():
        raise DataError(f"{int(dup.sum())} repeated (year, origin, destination) rows in stocks")
    observed = len(pairs)
    if fill_zeros:
        frames = []
        for year, group in pairs.groupby("year"):
            countries = sorted(set(group["origin"]) | set(group["destination"]))
            grid = pd.MultiIndex.from_product([countries, countries],
                                              names=["origin", "destination"]).to_frame(
                index=False)
            grid = grid[grid["origin"] != grid["destination"]]
            grid["year"] = year
            frames.append(grid)
        full = pd.concat(frames, ignore_index=True)
        pairs = full.merge(pairs, on=["origin", "destination", "year"], how="left")
        pairs["stock"] = pairs["stock"].fillna(0.0)
    out = pairs[["origin", "destination", "year", "stock"]].sort_values(
        ["year", "origin", "destination"], ignore_index=True)
    stock_years = sorted(int(y) for y in out["year"].unique())
    report: dict[str, Any] = {"stock_rows": observed, "zero_pairs_added": len(out) - observed,
                              "self_pairs_dropped": int(self_pairs.sum()),
                              "years": stock_years, "rows": len(out)}
    sources = [citation]
    constructed: dict[str, str] = {}
    inputs = ["stock"]
    if remittances is not None:
        matrix = (remittances if isinstance(remittances, RemittanceMatrix)
                  else RemittanceMatrix(remittances))
        target_year = matrix.year if remittance_year is None else int(remittance_year)
        if target_year not in stock_years:
            warnings.warn(
                f"the remittance matrix ({matrix.year}) was not joined: no stock year equals "
                f"{target_year} (stock years: {stock_years}); pass remittance_year= one of them "
                "to attach it to that year", DroppedDataWarning, stacklevel=2)
            report["remittance_rows_joined"] = 0
        else:
            flows = matrix.flows.rename(columns={"receiver": "origin", "sender": "destination",
                                                 "usd_millions": "remit_usd_millions"})
            flows = flows[["origin", "destination", "remit_usd_millions"]].assign(
                year=target_year)
            out = out.merge(flows, on=["origin", "destination", "year"], how="left")
            in_year = out["year"] == target_year
            unmatched = len(flows) - int(out.loc[in_year, "remit_usd_millions"].notna().sum())
            out.loc[in_year, "remit_usd_millions"] = out.loc[
                in_year, "remit_usd_millions"].fillna(0.0)
            report["remittance_rows_joined"] = int(len(flows) - unmatched)
            report["remittance_pairs_without_stock_row"] = int(unmatched)
            if unmatched:
                warnings.warn(
                    f"{unmatched} of {len(flows)} remittance pair(s) were not joined: their "
                    f"receiver or sender has no stock data in {target_year}",
                    DroppedDataWarning, stacklevel=2)
            if remittance_year is not None and remittance_year != matrix.year:
                report["remittance_year_note"] = (f"matrix of {matrix.year} attached to stock "
                                                  f"year {target_year}")
            sources.append(matrix.citation)
            constructed["remit_usd_millions"] = _KNOMAD_NOTE
    if covariates is not None:
        cov = _covariates(covariates)
        for side, key in (("o", "origin"), ("d", "destination")):
            renamed = cov.add_prefix(f"{side}_").reset_index().rename(
                columns={"iso3": key})
            out = out.merge(renamed, on=[key, "year"], how="left")
        for column in cov.columns:
            for side in ("o", "d"):
                name = f"{side}_{column}"
                report.setdefault("covariate_missing", {})[name] = int(out[name].isna().sum())
                if any(h in str(column).lower() for h in _INPUT_HINTS):
                    inputs.append(name)
        meta = getattr(covariates, "metadata", {}) or {}
        if meta.get("sources"):
            sources.extend(meta["sources"])
    out.attrs.update({"report": report, "sources": sources, "constructed": constructed,
                      "construction_inputs": inputs})
    if not np.isfinite(out["stock"]).all():  # pragma: no cover - filled above
        raise DataError("internal: missing stocks after filling")
    return out
