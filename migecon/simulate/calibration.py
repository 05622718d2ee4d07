"""Real-data moments that calibrate the simulated developing-country panel.

The simulator in :mod:`migecon.simulate` draws a country-year panel whose
levels, dispersion (between and within countries), persistence and missingness
should look like real data.  This module stores those targets as constants and
provides :func:`compute_moments`, which recomputes them from the read-only data
folder (``../shared/data``, see its ``PROVENANCE.md``) so a test can check
that the constants still match the data.

Sample
------
* Countries: the 131 economies whose ``IncomeGroup`` (FY25) in
  ``wdi/bulk/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv`` is
  "Low income", "Lower middle income" or "Upper middle income" (aggregates have
  no income group; Venezuela is unclassified and therefore excluded).
* Years: 1990-2022, i.e. a 131 x 33 grid of country-year cells.

Variables
---------
growth      NY.GDP.PCAP.KD.ZG, GDP per capita growth (annual %), wdi/long.
log_gdppc   ln NY.GDP.PCAP.KD (constant 2015 US$), wdi/bulk (2025-12-19).
remittances BX.TRF.PWKR.CD.DT / NY.GDP.MKTP.CD * 100, wdi/long.
diaspora    UN DESA IMS 2020 emigrant stock / SP.POP.TOTL * 100; only the
            years 1990, 1995, ..., 2020 exist, so its autocorrelation is the
            5-year (wave to wave) one and its missing share is at least 26/33.
internet    IT.NET.USER.ZS (% of population), wdi/bulk (vintage about Nov 2024).
investment  NE.GDI.TOTL.ZS, gross capital formation (% of GDP), wdi/long.
trade       NE.EXP.GNFS.ZS + NE.IMP.GNFS.ZS (% of GDP), wdi/long.
inflation   FP.CPI.TOTL.ZG, CPI inflation (annual %), wdi/long; very skewed,
            so ``inflation_w`` repeats it winsorised at the pooled 1st/99th
            percentiles of the sample.
pop_growth  SP.POP.GROW (annual %), wdi/long.

wdi/long is github.com/datasets/world-development-indicators at commit
4ebec5a2 (2026-07-01; NY.GDP.PCAP.KD.ZG last changed 2026-05-01).

Definitions (as Stata's ``xtsum``): ``sd_overall`` is the SD of all
observations; ``sd_between`` the SD of the country means; ``sd_within`` the SD
of ``x_it - xbar_i + xbar``.  ``autocorr_within`` is the pooled correlation of
``x_it - xbar_i`` with ``x_i,t-1 - xbar_i`` (``t-5`` for diaspora).
``missing_share`` is the share of missing cells in the 131 x 33 grid.  All SDs
use ddof=1; percentiles use linear interpolation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

YEARS = range(1990, 2023)
DEVELOPING_GROUPS = ("Low income", "Lower middle income", "Upper middle income")
REPORT_YEARS = (1990, 1995, 2000, 2005, 2010, 2015, 2020, 2022)
_IDX = ["country", "year"]
_IT_FILE = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
# UN DESA short names that differ from WDI country names; the 17 other names
# without a WDI code (Anguilla, Reunion, Tokelau, ...) are not WB economies.
UN_ALIASES = {
    "Antigua & Barbuda": "ATG", "Bahamas": "BHS", "Bosnia & Herzegovina": "BIH",
    "Brunei": "BRN", "Cape Verde": "CPV", "Congo": "COG", "DR Congo": "COD",
    "Egypt": "EGY", "FS Micronesia": "FSM", "Gambia": "GMB", "Hong Kong SAR": "HKG",
    "Iran": "IRN", "Kyrgyzstan": "KGZ", "Laos": "LAO", "Macao SAR": "MAC",
    "North Korea": "PRK", "Palestine": "PSE", "Puerto Rico": "PRI", "Russia": "RUS",
    "Sao Tome & Principe": "STP", "Sint Maarten": "SXM", "Slovakia": "SVK",
    "Somalia": "SOM", "South Korea": "KOR", "St. Kitts & Nevis": "KNA",
    "St. Vincent & Grenadines": "VCT", "Syria": "SYR", "Trinidad & Tobago": "TTO",
    "Turkey": "TUR", "Turks & Caicos Islands": "TCA", "U.S. Virgin Islands": "VIR",
    "Venezuela": "VEN", "Vietnam": "VNM", "Yemen": "YEM",
}  # fmt: skip


def _by_year(*shares: float) -> dict[int, float]:
    """Pair missing shares with REPORT_YEARS (used by MISSING_SHARE_BY_YEAR)."""
    return dict(zip(REPORT_YEARS, shares, strict=True))


@dataclass(frozen=True)
class Moment:
    """Panel moments of one variable on the developing-country sample."""

    mean: float
    sd_overall: float
    sd_between: float
    sd_within: float
    median: float
    p05: float
    p95: float
    missing_share: float
    autocorr_within: float
    n_countries: int


# Output of compute_moments() on ../shared/data (data vintages below and in the
# module docstring), rounded to 4 significant digits.
DEVELOPING_MOMENTS: dict[str, Moment] = {
    "growth": Moment(
        mean=1.964, sd_overall=7.212, sd_between=2.074, sd_within=6.95,
        median=2.268, p05=-7.266, p95=9.473, missing_share=0.03678,
        autocorr_within=0.1823, n_countries=130,
    ),
    "log_gdppc": Moment(
        mean=7.634, sd_overall=0.9596, sd_between=0.909, sd_within=0.3039,
        median=7.698, p05=6.037, p95=9.098, missing_share=0.03285,
        autocorr_within=0.9723, n_countries=130,
    ),
    "remittances": Moment(
        mean=5.774, sd_overall=9.304, sd_between=7.461, sd_within=5.374,
        median=2.662, p05=0.07783, p95=21.03, missing_share=0.2008,
        autocorr_within=0.9403, n_countries=128,
    ),
    "diaspora": Moment(
        mean=11.3, sd_overall=15.57, sd_between=15.01, sd_within=4.3, median=5.478,
        p05=0.6641, p95=44.16, missing_share=0.7895, autocorr_within=0.5592,
        n_countries=130,
    ),
    "internet": Moment(
        mean=16.58, sd_overall=23.22, sd_between=12.28, sd_within=20.78,
        median=4.162, p05=0.0, p95=71.02, missing_share=0.05367,
        autocorr_within=0.9911, n_countries=131,
    ),
    "investment": Moment(
        mean=23.5, sd_overall=9.646, sd_between=7.103, sd_within=6.968,
        median=22.27, p05=9.794, p95=40.91, missing_share=0.2177,
        autocorr_within=0.7069, n_countries=118,
    ),
    "trade": Moment(
        mean=72.42, sd_overall=34.77, sd_between=34.6, sd_within=16.84,
        median=67.56, p05=29.28, p95=133.4, missing_share=0.1876,
        autocorr_within=0.7782, n_countries=120,
    ),
    "inflation": Moment(
        mean=33.21, sd_overall=451.6, sd_between=124.3, sd_within=435.2,
        median=5.566, p05=-0.2907, p95=41.57, missing_share=0.1545,
        autocorr_within=0.1052, n_countries=125,
    ),
    "pop_growth": Moment(
        mean=1.686, sd_overall=1.598, sd_between=1.121, sd_within=1.142,
        median=1.759, p05=-0.5562, p95=3.657, missing_share=0.0002313,
        autocorr_within=0.5579, n_countries=131,
    ),
    "inflation_w": Moment(
        mean=14.28, sd_overall=42.34, sd_between=20.33, sd_within=37.53,
        median=5.566, p05=-0.2907, p95=41.57, missing_share=0.1545,
        autocorr_within=0.7392, n_countries=125,
    ),
}

# Share of the 131 developing countries with a missing value in each year of
# REPORT_YEARS (same data; diaspora exists only in 5-year waves up to 2020).
MISSING_SHARE_BY_YEAR: dict[str, dict[int, float]] = {
    "growth": _by_year(
        0.1374, 0.05344, 0.03817, 0.03053, 0.01527, 0.01527, 0.03053, 0.03053,
    ),
    "log_gdppc": _by_year(
        0.0687, 0.0458, 0.03053, 0.03053, 0.01527, 0.01527, 0.03053, 0.03053,
    ),
    "remittances": _by_year(
        0.4122, 0.313, 0.2443, 0.1756, 0.09924, 0.1069, 0.1298, 0.1527,
    ),
    "diaspora": _by_year(
        0.007634, 0.007634, 0.007634, 0.007634, 0.007634, 0.007634, 0.007634,
        1.0,
    ),
    "internet": _by_year(
        0.03053, 0.03053, 0.0687, 0.0458, 0.03817, 0.03053, 0.0229, 0.09924,
    ),
    "investment": _by_year(
        0.3435, 0.2672, 0.2366, 0.2214, 0.1756, 0.1527, 0.1603, 0.1603,
    ),
    "trade": _by_year(0.3206, 0.2214, 0.1985, 0.1832, 0.1603, 0.1298, 0.1374, 0.1374),
    "inflation": _by_year(
        0.374, 0.2519, 0.1985, 0.1221, 0.0687, 0.0687, 0.09924, 0.09924,
    ),
    "pop_growth": _by_year(0.007634, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
}

# Data for all constants: wdi/long at datasets/world-development-indicators
# 4ebec5a2 (2026-07-01), wdi/bulk GDP pc of 2025-12-19, IT.NET.USER.ZS of about
# 2024-11, UN DESA IMS 2020; see ../shared/data/PROVENANCE.md.

# Pearson correlation, across the countries observed in both, of the country
# means of remittances (% GDP) and of growth (each mean over all available
# years 1990-2022, as for sd_between).
CORR_BETWEEN_REMIT_GROWTH = 0.01158
# The same between-country correlation for remittances and log GDP per capita.
CORR_BETWEEN_REMIT_LOG_GDPPC = -0.04016
# Pooled correlation of remittances and growth after removing country means,
# on the country-years where both are observed (means taken on those years).
CORR_WITHIN_REMIT_GROWTH = 0.02183


def _long(data_dir: Path, code: str) -> pd.Series:
    """Read one wdi/long indicator as a Series indexed by (country, year)."""
    df = pd.read_csv(data_dir / "wdi" / "long" / f"{code}.csv")
    return df.set_index(["Country Code", "Year"])["Value"].rename_axis(_IDX)


def _bulk(data_dir: Path, name: str, skiprows: int) -> pd.Series:
    """Read a wide World Bank bulk CSV as a Series indexed by (country, year)."""
    path = data_dir / "wdi" / "bulk" / name
    wide = pd.read_csv(path, skiprows=skiprows, encoding="utf-8-sig")
    years = [c for c in wide.columns if c.isdigit()]
    df = wide.melt(id_vars="Country Code", value_vars=years, var_name="Year")
    df["Year"] = df["Year"].astype(int)
    return df.set_index(["Country Code", "Year"])["value"].rename_axis(_IDX)


def _diaspora(data_dir: Path, population: pd.Series) -> pd.Series:
    """Emigrant stock (UN DESA IMS 2020) as % of home population."""
    un = pd.read_csv(data_dir / "migrant_stock" / "undesa_ims2020_country_totals.csv")
    wdi = pd.read_csv(data_dir / "wdi" / "long" / "sp.pop.totl.csv")
    codes = dict(zip(wdi["Country Name"], wdi["Country Code"], strict=False))
    un["code"] = un["country"].map(lambda n: UN_ALIASES.get(n, codes.get(n)))
    stock = un.dropna(subset=["code"]).set_index(["code", "year"]).rename_axis(_IDX)
    return stock["emigrant_stock_total_outflow"] / population * 100


def load_panel(data_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """Build the balanced developing-country panel, 1990-2022.

    Parameters
    ----------
    data_dir : str or os.PathLike
        The shared data folder (the one holding ``PROVENANCE.md``).

    Returns
    -------
    pandas.DataFrame
        Indexed by (country code, year) over the full grid, one column per
        variable, NaN where missing.
    """
    d = Path(data_dir)
    meta = pd.read_csv(d / "wdi" / "bulk" / f"Metadata_Country_{_IT_FILE}",
                       encoding="utf-8-sig")
    countries = sorted(meta.loc[meta["IncomeGroup"].isin(DEVELOPING_GROUPS),
                                "Country Code"])
    gdppc = _bulk(d, "API_NY.GDP.PCAP.KD_DS2_en_csv_v2_141.csv", skiprows=4)
    cols = {
        "growth": _long(d, "ny.gdp.pcap.kd.zg"),
        "log_gdppc": np.log(gdppc.where(gdppc > 0)),
        "remittances": _long(d, "bx.trf.pwkr.cd.dt") / _long(d, "ny.gdp.mktp.cd") * 100,
        "diaspora": _diaspora(d, _long(d, "sp.pop.totl")),
        "internet": _bulk(d, _IT_FILE, skiprows=0),
        "investment": _long(d, "ne.gdi.totl.zs"),
        "trade": _long(d, "ne.exp.gnfs.zs") + _long(d, "ne.imp.gnfs.zs"),
        "inflation": _long(d, "fp.cpi.totl.zg"),
        "pop_growth": _long(d, "sp.pop.grow"),
    }
    grid = pd.MultiIndex.from_product([countries, YEARS], names=_IDX)
    panel = pd.DataFrame({k: v.reindex(grid) for k, v in cols.items()})
    lo, hi = panel["inflation"].quantile([0.01, 0.99])
    panel["inflation_w"] = panel["inflation"].clip(lo, hi)
    return panel


def _within(x: pd.Series) -> pd.Series:
    """Deviation of ``x`` from its country mean."""
    return x - x.groupby(level="country").transform("mean")


def _moment(x: pd.Series, lag: int) -> Moment:
    """Compute the xtsum-style moments of one panel column."""
    obs = x.dropna()
    dev = _within(x)
    lagged = dev.groupby(level="country").shift(lag)
    return Moment(
        mean=float(obs.mean()),
        sd_overall=float(obs.std()),
        sd_between=float(obs.groupby(level="country").mean().std()),
        sd_within=float((dev.dropna() + obs.mean()).std()),
        median=float(obs.median()),
        p05=float(obs.quantile(0.05)),
        p95=float(obs.quantile(0.95)),
        missing_share=float(x.isna().mean()),
        autocorr_within=float(dev.corr(lagged)),
        n_countries=int(obs.index.get_level_values("country").nunique()),
    )


def compute_moments(data_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Recompute every calibration constant of this module from the data.

    Parameters
    ----------
    data_dir : str or os.PathLike
        The shared data folder (the one holding ``PROVENANCE.md``).

    Returns
    -------
    dict
        Keys are the names of the module constants (``DEVELOPING_MOMENTS``,
        ``MISSING_SHARE_BY_YEAR``, ``CORR_BETWEEN_REMIT_GROWTH``,
        ``CORR_BETWEEN_REMIT_LOG_GDPPC``, ``CORR_WITHIN_REMIT_GROWTH``) and
        values are unrounded and of the same types.
    """
    panel = load_panel(data_dir)
    lags = {"diaspora": 5}
    by_year = panel.isna().groupby(level="year").mean()
    means = panel.groupby(level="country").mean()
    both = panel[["remittances", "growth"]].dropna()
    within = both.apply(_within)
    return {
        "DEVELOPING_MOMENTS": {
            v: _moment(panel[v], lags.get(v, 1)) for v in panel.columns
        },
        "MISSING_SHARE_BY_YEAR": {
            v: _by_year(*by_year.loc[list(REPORT_YEARS), v].tolist())
            for v in panel.columns if v != "inflation_w"
        },
        "CORR_BETWEEN_REMIT_GROWTH": float(means["remittances"].corr(means["growth"])),
        "CORR_BETWEEN_REMIT_LOG_GDPPC": float(
            means["remittances"].corr(means["log_gdppc"])
        ),
        "CORR_WITHIN_REMIT_GROWTH": float(within["remittances"].corr(within["growth"])),
    }
