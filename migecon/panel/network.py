r"""Destination-weighted network measures: what happens where a country's migrants live.

A country's emigrants are spread over host countries in fixed proportions:
the weight of host :math:`d` for home country :math:`o` is

.. math:: w_{od} = \frac{M_{od,b}}{\sum_{d'} M_{od',b}},

the bilateral migrant stock from :math:`o` living in :math:`d` in a base year
:math:`b`, over all of :math:`o`'s emigrants. The diaspora-weighted growth of
host countries,

.. math:: G_{ot} = \sum_d w_{od}\, g_{dt},

is the shift-share ("Bartik") instrument for remittances: remittances rise
when the economies where the diaspora works grow, and the weights, fixed at a
base year before the sample, do not respond to the home country's own shocks.
The same sum with weights from the 2017 World Bank/KNOMAD bilateral remittance
matrix (each sender's share of what a country receives) gives the
remittance-weighted growth of sending countries.

When some hosts have no value in a year, the measure is the weighted mean over
the hosts that do, :math:`\sum_{d \in A_t} w_{od} g_{dt} / \sum_{d \in A_t}
w_{od}`, and it is reported missing when the covered weight
:math:`\sum_{d \in A_t} w_{od}` is below ``min_coverage``. The covered weight
is returned as a second variable, so users can see (and filter on) it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, SourceError
from migecon.panel.core import Panel, VariableMeta

__all__ = [
    "KNOMAD_CITATION",
    "NetworkWeights",
    "diaspora_weighted_growth",
    "host_weighted",
    "migrant_weights",
    "remittance_weighted_growth",
    "remittance_weights",
]

KNOMAD_CITATION = ("World Bank/KNOMAD, Bilateral Remittance Matrix 2017 "
                   "(Global Knowledge Partnership on Migration and Development)")
#: Default minimum share of a home country's weight that must be observed.
DEFAULT_MIN_COVERAGE = 0.9
#: Flow measures of the remittance matrix usable as weights (net flows can be negative).
_FLOW_MEASURES = ("total_mdollars", "total_gdppct")
_NET_MEASURES = ("net_mdollars", "net_gdppct")
_WORLD_NAMES = frozenset({"world"})
_WEIGHT_SUM_TOL = 1e-9  # floating-point slack when checking that weights sum to one


@dataclass(frozen=True)
class NetworkWeights:
    """Weights ``w[home, host]`` that sum to one for every home country.

    Attributes
    ----------
    data : DataFrame
        ``home, host, weight`` (ISO3 codes), one row per pair with a positive weight.
    source : str
        Where the weights come from (for the variables' metadata).
    description : str
        How they were computed, e.g. ``"UN DESA bilateral migrant stocks, 1990"``.
    report : dict
        What was read and dropped.
    """

    data: pd.DataFrame
    source: str
    description: str
    report: dict[str, Any] = field(default_factory=dict)

    def matrix(self) -> pd.DataFrame:
        """The weights as a homes x hosts DataFrame (zeros where there is no pair)."""
        return self.data.pivot(index="home", columns="host", values="weight").fillna(0.0)


# ------------------------------------------------------------------ weights
def migrant_weights(bilateral: Any, *, base_year: int | None = None) -> NetworkWeights:
    """Host-country weights from bilateral migrant stocks in a base year.

    Parameters
    ----------
    bilateral : MigrantStocks or DataFrame
        ``year, origin, destination, stock`` with ISO3 codes, as returned by
        :func:`migecon.panel.sources.undesa.read_bilateral`.
    base_year : int, optional
        The year of the stocks used as weights; default: the earliest year.

    Returns
    -------
    NetworkWeights
        ``w[o, d] = stock[o, d, base] / sum_d' stock[o, d', base]``.

    Examples
    --------
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"year": 1990, "origin": ["MEX", "MEX"],
    ...                       "destination": ["USA", "CAN"], "stock": [30.0, 10.0]})
    >>> migrant_weights(pairs).data["weight"].tolist()
    [0.25, 0.75]
    """
    data = getattr(bilateral, "data", bilateral)
    if not isinstance(data, pd.DataFrame):
        raise DataError("bilateral must be MigrantStocks or a DataFrame with year, origin, "
                        f"destination, stock; got {type(bilateral).__name__}")
    missing = [c for c in ("year", "origin", "destination", "stock") if c not in data.columns]
    if missing:
        raise DataError(f"bilateral stocks lack column(s) {missing}; expected year, origin, "
                        f"destination, stock (got {list(data.columns)})")
    years = sorted(int(y) for y in data["year"].unique())
    if not years:
        raise DataError("bilateral stocks are empty")
    if base_year is None:
        base_year = years[0]
    if base_year not in years:
        raise DataError(f"base_year={base_year} is not in the bilateral stocks; "
                        f"available years: {years}")
    base = data[data["year"] == base_year]
    self_pairs = base["origin"] == base["destination"]
    base = base[~self_pairs & (base["stock"] > 0)]
    weights = _normalise(base.rename(columns={"origin": "home", "destination": "host",
                                              "stock": "flow"}))
    revision = getattr(bilateral, "revision", "")
    source = f"UN DESA International Migrant Stock {revision}".strip()
    report = {
        "base_year": base_year, "pairs": len(weights.data),
        "homes": int(weights.data["home"].nunique()),
        "hosts": int(weights.data["host"].nunique()),
        "self_pairs_dropped": int(self_pairs.sum()),
        **weights.report,
    }
    return NetworkWeights(weights.data, source,
                          f"bilateral migrant stocks in {base_year}", report)


def remittance_weights(
    matrix: str | os.PathLike[str] | pd.DataFrame,
    *,
    measure: Literal["total_mdollars", "total_gdppct"] = "total_mdollars",
    on_unknown: Literal["error", "drop"] = "error",
) -> NetworkWeights:
    """Sender-country weights from the World Bank/KNOMAD bilateral remittance matrix (2017).

    Parameters
    ----------
    matrix : path or DataFrame
        Columns ``target`` (recipient), ``source`` (sender) and the flow
        measures; rows whose source is ``WORLD`` are the recipient's total and
        are used only to report how much of it the bilateral rows cover.
    measure : {"total_mdollars", "total_gdppct"}
        Which flow gives the weights (the shares are the same up to rounding;
        ``total_gdppct`` is printed with 4 decimals, so prefer dollars).
    on_unknown : {"error", "drop"}
        Country names that match nothing.

    Returns
    -------
    NetworkWeights
        ``home`` = recipient, ``host`` = sender, ``weight`` = the sender's share
        of the recipient's bilateral inflows.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"target": ["Nepal"] * 3, "source": ["WORLD", "Qatar", "India"],
    ...                   "total_mdollars": [10.0, 6.0, 4.0]})
    >>> remittance_weights(m).data[["host", "weight"]].values.tolist()
    [['IND', 0.4], ['QAT', 0.6]]
    """
    from migecon.panel.countries import is_aggregate, to_iso3

    if measure in _NET_MEASURES:
        raise DataError(f"measure={measure!r}: net flows are negative for some pairs (e.g. "
                        "Nepal-India) and cannot be weights; use one of "
                        f"{_FLOW_MEASURES}")
    if measure not in _FLOW_MEASURES:
        raise DataError(f"measure must be one of {_FLOW_MEASURES}; got {measure!r}")
    frame = _read_matrix(matrix)
    for column in ("target", "source", measure):
        if column not in frame.columns:
            raise DataError(f"the remittance matrix has no column {column!r}; expected "
                            f"target, source, {measure} (got {list(frame.columns)})")
    flows = pd.to_numeric(frame[measure], errors="coerce")
    bad = frame.loc[flows.isna() & frame[measure].notna(), measure]
    if not bad.empty:
        raise DataError(f"column {measure!r} has {len(bad)} non-numeric cell(s), "
                        f"e.g. {bad.iloc[0]!r}")
    if (flows < 0).any():
        raise DataError(f"column {measure!r} has {int((flows < 0).sum())} negative flow(s); "
                        "gross flows cannot be negative: is this the right column?")
    names = pd.unique(pd.concat([frame["target"], frame["source"]]).astype(str))
    codes = to_iso3(list(names), on_unknown=on_unknown)
    mapping = dict(zip(names, codes.tolist(), strict=True))
    home = frame["target"].astype(str).map(mapping)
    host = frame["source"].astype(str).map(mapping)
    is_world = frame["source"].astype(str).str.strip().str.lower().isin(_WORLD_NAMES) | (
        host == "WLD")
    other_aggregate = ~is_world & host.map(lambda c: isinstance(c, str) and is_aggregate(c))
    unknown = ~is_world & (home.isna() | host.isna())
    self_pair = ~is_world & (home == host)
    usable = ~is_world & ~other_aggregate & ~unknown & ~self_pair
    pairs = pd.DataFrame({"home": home[usable], "host": host[usable], "flow": flows[usable]})
    pairs = pairs[pairs["flow"] > 0]
    weights = _normalise(pairs)
    totals = pd.Series(flows[is_world].to_numpy(), index=home[is_world].to_numpy())
    bilateral_sum = pairs.groupby("home")["flow"].sum()
    covered = (bilateral_sum / totals.reindex(bilateral_sum.index)).dropna()
    report = {
        "measure": measure, "rows_read": len(frame), "world_rows": int(is_world.sum()),
        "pairs": len(weights.data), "homes": int(weights.data["home"].nunique()),
        "hosts": int(weights.data["host"].nunique()),
        "zero_flow_rows": int((flows[usable] == 0).sum()),
        "aggregate_sender_rows_dropped": int(other_aggregate.sum()),
        "unmatched_rows_dropped": int(unknown.sum()),
        "self_pairs_dropped": int(self_pair.sum()),
        "homes_without_world_row": sorted(set(bilateral_sum.index) - set(totals.index)),
        "bilateral_share_of_world_total": {
            "min": float(covered.min()) if len(covered) else np.nan,
            "median": float(covered.median()) if len(covered) else np.nan,
            "below_0.99": sorted(covered.index[covered < 0.99].tolist()),
        },
        **weights.report,
    }
    return NetworkWeights(weights.data, KNOMAD_CITATION,
                          f"bilateral remittance flows in 2017 ({measure})", report)


# ----------------------------------------------------------------- measures
def host_weighted(
    weights: NetworkWeights,
    values: Panel | pd.Series,
    *,
    column: str | None = None,
    name: str = "host_weighted",
    label: str = "",
    unit: str = "",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    years: tuple[int, int] | None = None,
) -> Panel:
    """The weighted mean of host-country values for every home country and year.

    Parameters
    ----------
    weights : NetworkWeights
        From :func:`migrant_weights` or :func:`remittance_weights`.
    values : Panel or Series
        Host-country values indexed ``(iso3, year)`` (a Panel needs ``column``
        unless it has a single variable). Aggregates in it are ignored.
    column : str, optional
        The Panel variable to use.
    name, label, unit : str
        Name of the new variable and its metadata; the coverage variable is
        ``f"{name}_coverage"``.
    min_coverage : float
        Smallest share of a home country's weight whose hosts must have a
        value; below it the measure is missing (1.0 requires every host).
    years : (first, last), optional
        Inclusive range of years.

    Returns
    -------
    Panel
        Indexed ``(iso3, year)`` by home country, with ``name`` and
        ``f"{name}_coverage"``; ``metadata["report"]`` counts what was dropped
        and ``metadata["shares"]`` holds the weights used (homes x hosts), the
        ``shares=`` of ``mg.fit(..., cov_type="shift-share")``.

    Examples
    --------
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"year": 1990, "origin": ["MEX", "MEX"],
    ...                       "destination": ["USA", "CAN"], "stock": [30.0, 10.0]})
    >>> growth = pd.Series([2.0, 4.0], index=pd.MultiIndex.from_tuples(
    ...     [("USA", 2009), ("CAN", 2009)], names=["iso3", "year"]))
    >>> host_weighted(migrant_weights(pairs), growth)["host_weighted"].tolist()
    [2.5]
    """
    if not 0.0 < min_coverage <= 1.0:
        raise DataError(f"min_coverage must be in (0, 1]; got {min_coverage!r}")
    series, values_label, values_unit, values_source = _values(values, column)
    wide = series.unstack(level=1)  # hosts x years
    if years is not None:
        wide = wide[[c for c in wide.columns if years[0] <= int(c) <= years[1]]]
    w = weights.matrix()
    hosts_missing = sorted(set(w.columns) - set(wide.index))
    wide = wide.reindex(w.columns)
    observed = wide.notna().astype(float)
    coverage = w.to_numpy() @ observed.to_numpy()
    weighted = w.to_numpy() @ wide.fillna(0.0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        measure = np.where(coverage >= min_coverage - _WEIGHT_SUM_TOL, weighted / coverage,
                           np.nan)
    index = pd.MultiIndex.from_product([w.index, wide.columns.astype("int64")],
                                       names=["iso3", "year"])
    out = pd.DataFrame({name: measure.reshape(-1), f"{name}_coverage": coverage.reshape(-1)},
                       index=index)
    any_observed = out[f"{name}_coverage"] > 0
    below = any_observed & out[name].isna()
    out = out[any_observed]
    missing_weight = w.reindex(columns=hosts_missing).sum(axis=1) if hosts_missing else None
    report = {
        "weights": weights.description, "weights_report": weights.report,
        "min_coverage": min_coverage, "homes": int(w.shape[0]), "hosts": int(w.shape[1]),
        "hosts_without_any_value": hosts_missing,
        "homes_most_exposed_to_hosts_without_values": (
            {k: round(float(v), 4) for k, v in missing_weight.nlargest(5).items() if v > 0}
            if missing_weight is not None else {}),
        "home_years": len(out), "home_years_below_min_coverage": int(below.sum()),
        "home_years_without_any_host_value": int((~any_observed).sum()),
    }
    derivation = (f"sum_d w[o,d] * x[d,t] / sum_d w[o,d] over hosts d with x[d,t]; w from "
                  f"{weights.description}; x = {values_label or column or 'host values'}; "
                  f"missing when the covered weight < {min_coverage}")
    source = f"{weights.source}; {values_source}" if values_source else weights.source
    meta = {
        name: VariableMeta(label=label or f"Host-weighted {values_label or 'values'}",
                           unit=unit or values_unit, source=source, derivation=derivation),
        f"{name}_coverage": VariableMeta(
            label=f"Share of weight observed ({name})", unit="share (0-1)", source=source,
            derivation=f"sum_d w[o,d] over hosts d with x[d,t]; w from {weights.description}"),
    }
    # The shares used, homes x hosts (rows sum to one): the ``shares=`` of
    # ``mg.fit(..., cov_type="shift-share")`` for shift-share inference.
    return Panel(out, variables=meta, metadata={"report": report, "shares": w})


def diaspora_weighted_growth(
    bilateral: Any,
    growth: Panel | pd.Series,
    *,
    base_year: int | None = None,
    column: str | None = None,
    name: str = "diaspora_host_growth",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    years: tuple[int, int] | None = None,
) -> Panel:
    """Diaspora-weighted GDP growth of host countries (shift-share instrument for remittances).

    ``G[o, t] = sum_d w[o, d, base] * g[d, t]`` with weights from the
    base year's bilateral migrant stocks (:func:`migrant_weights`), computed
    by :func:`host_weighted`.

    Parameters
    ----------
    bilateral : MigrantStocks or DataFrame
        Bilateral stocks (``year, origin, destination, stock``).
    growth : Panel or Series
        Host-country growth indexed ``(iso3, year)``, e.g. WDI
        ``NY.GDP.MKTP.KD.ZG`` or ``NY.GDP.PCAP.KD.ZG``.
    base_year : int, optional
        Year of the weights; default: the earliest in ``bilateral`` (1990 for IMS 2020).

    Examples
    --------
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"year": 1990, "origin": ["NPL", "NPL"],
    ...                       "destination": ["IND", "QAT"], "stock": [3.0, 1.0]})
    >>> g = pd.Series([8.0, 4.0], index=pd.MultiIndex.from_tuples(
    ...     [("IND", 2010), ("QAT", 2010)], names=["iso3", "year"]))
    >>> diaspora_weighted_growth(pairs, g)["diaspora_host_growth"].tolist()
    [7.0]
    """
    weights = migrant_weights(bilateral, base_year=base_year)
    base = weights.report["base_year"]
    return host_weighted(weights, growth, column=column, name=name,
                         label=f"Diaspora-weighted host GDP growth ({base} weights)",
                         min_coverage=min_coverage, years=years)


def remittance_weighted_growth(
    matrix: str | os.PathLike[str] | pd.DataFrame | NetworkWeights,
    growth: Panel | pd.Series,
    *,
    column: str | None = None,
    name: str = "remittance_sender_growth",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    years: tuple[int, int] | None = None,
) -> Panel:
    """GDP growth of remittance-sending countries, weighted by 2017 bilateral remittances.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"target": ["Nepal"] * 2, "source": ["Qatar", "India"],
    ...                   "total_mdollars": [6.0, 4.0]})
    >>> g = pd.Series([5.0, 10.0], index=pd.MultiIndex.from_tuples(
    ...     [("QAT", 2017), ("IND", 2017)], names=["iso3", "year"]))
    >>> remittance_weighted_growth(m, g)["remittance_sender_growth"].tolist()
    [7.0]
    """
    weights = matrix if isinstance(matrix, NetworkWeights) else remittance_weights(matrix)
    return host_weighted(weights, growth, column=column, name=name,
                         label="Remittance-weighted sender GDP growth (2017 weights)",
                         min_coverage=min_coverage, years=years)


# ------------------------------------------------------------------ helpers
def _normalise(pairs: pd.DataFrame) -> NetworkWeights:
    """Turn ``home, host, flow`` into weights that sum to one per home."""
    dup = pairs.duplicated(["home", "host"])
    if dup.any():
        example = pairs.loc[dup, ["home", "host"]].iloc[0].tolist()
        raise DataError(f"{int(dup.sum())} repeated (home, host) pairs, e.g. {example}; two "
                        "names map to the same country")
    total = pairs.groupby("home")["flow"].transform("sum")
    data = pd.DataFrame({"home": pairs["home"].astype(str), "host": pairs["host"].astype(str),
                         "weight": (pairs["flow"] / total).astype(float)})
    data = data.sort_values(["home", "host"], ignore_index=True)
    sums = data.groupby("home")["weight"].sum()
    worst = float((sums - 1.0).abs().max()) if len(sums) else 0.0
    if worst > _WEIGHT_SUM_TOL:  # pragma: no cover - guards the arithmetic above
        raise DataError(f"weights do not sum to one (largest gap {worst:.2e})")
    return NetworkWeights(data, "", "", {"max_weight_sum_error": worst})


def _values(values: Panel | pd.Series, column: str | None
            ) -> tuple[pd.Series, str, str, str]:
    if isinstance(values, Panel):
        if column is None:
            if len(values.columns) != 1:
                raise DataError("values is a Panel with several variables "
                                f"({values.columns}); pass column=...")
            column = values.columns[0]
        meta = values.variables.get(column, VariableMeta())
        series = values[column]
        label, unit, source = meta.label or column, meta.unit, meta.source
    elif isinstance(values, pd.Series):
        series, label, unit, source = values, str(values.name or ""), "", ""
    else:
        raise DataError("values must be a Panel or a Series indexed (iso3, year); got "
                        f"{type(values).__name__}")
    if not isinstance(series.index, pd.MultiIndex) or series.index.nlevels != 2:
        raise DataError("values must be indexed (iso3, year); got an index with "
                        f"{series.index.nlevels} level(s)")
    if series.index.has_duplicates:
        raise DataError("values have repeated (iso3, year) keys; aggregate them first")
    series = pd.to_numeric(series, errors="coerce").astype(float)
    series.index = pd.MultiIndex.from_arrays(
        [series.index.get_level_values(0).astype(str),
         series.index.get_level_values(1).astype("int64")], names=["iso3", "year"])
    return series, label, unit, source


def _read_matrix(matrix: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(matrix, pd.DataFrame):
        return matrix
    path = Path(matrix)
    if not path.is_file():
        raise SourceError(f"remittance matrix {path} not found")
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty; expected the bilateral remittance matrix") from None
    return frame
