"""Write a realistic World Bank all-indicator bulk file ``WDICSV.csv`` for benchmarks.

The World Bank's bulk download (databank.worldbank.org, "WDI_CSV.zip") holds
``WDICSV.csv``: one row per economy and indicator (about 1,500 indicators x 266
economies, aggregates included), columns ``Country Name, Country Code,
Indicator Name, Indicator Code, 1960, ..., 2025``, rows ordered by economy and
then indicator, empty cells for missing values; 200-300 MB. This script writes
a file of the same shape and size with random values (realistic sparsity:
many series start in the 1990s or 2000s, some are five-yearly), using real
economy codes and names and, for the first indicators, real WDI codes.

It writes only where it is told (a temporary folder), never into the project.

Usage::

    python benchmarks/make_wdicsv.py /tmp/wdi-bench [--indicators 1500] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from migecon.panel.countries import WB_AGGREGATES, WB_ECONOMIES, country_name

YEARS = list(range(1960, 2026))

#: Real WDI codes used for the first indicators (the ones a benchmark extracts).
REAL_CODES = [
    "BX.TRF.PWKR.CD.DT", "BX.TRF.PWKR.DT.GD.ZS", "NY.GDP.MKTP.CD", "NY.GDP.PCAP.KD",
    "NY.GDP.PCAP.KD.ZG", "SM.POP.TOTL", "SM.POP.TOTL.ZS", "SM.POP.NETM", "IT.NET.USER.ZS",
    "IT.CEL.SETS.P2", "IT.NET.BBND.P2", "TX.VAL.TECH.MF.ZS", "GB.XPD.RSDV.GD.ZS",
    "IP.PAT.RESD", "NE.GDI.TOTL.ZS", "NE.TRD.GNFS.ZS", "NE.EXP.GNFS.ZS", "NE.IMP.GNFS.ZS",
    "FP.CPI.TOTL.ZG", "SP.POP.GROW", "SE.SEC.ENRR", "SE.TER.ENRR", "BX.KLT.DINV.WD.GD.ZS",
    "BX.KLT.DINV.CD.WD", "FS.AST.PRVT.GD.ZS", "SP.POP.TOTL", "DT.ODA.ODAT.GN.ZS",
    "PA.NUS.FCRF",
]
_WORDS = ("access", "adjusted", "agricultural", "balance", "capital", "consumption",
          "current", "domestic", "education", "employment", "expenditure", "exports",
          "external", "female", "government", "gross", "health", "households", "imports",
          "income", "industry", "labor", "manufacturing", "population", "poverty",
          "primary", "private", "rural", "services", "tertiary", "total", "urban")
_UNITS = ("(% of GDP)", "(current US$)", "(annual %)", "(% of total)",
          "(constant 2015 US$)", "(per 100 people)", "(% of population)", "(number)")


def indicator_table(n_indicators: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """(code, name) of ``n_indicators`` indicators: real codes first, then synthetic."""
    out = [(code, f"Indicator {code} (real WDI code)") for code in REAL_CODES[:n_indicators]]
    i = 0
    while len(out) < n_indicators:
        i += 1
        words = rng.choice(_WORDS, size=rng.integers(3, 8), replace=True)
        name = " ".join(words).capitalize() + ", " + str(rng.choice(_WORDS)) + " " + str(
            rng.choice(_UNITS))
        out.append((f"SY.{i // 100:03d}.{i % 100:02d}.ZS", name))
    return sorted(out, key=lambda pair: pair[1])


def write_wdicsv(folder: Path, n_indicators: int = 1500, seed: int = 1) -> Path:
    """Write ``folder/WDICSV.csv`` and return its path."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "WDICSV.csv"
    indicators = indicator_table(n_indicators, rng)
    economies = sorted([*WB_ECONOMIES, *sorted(WB_AGGREGATES)], key=country_name)
    # Each indicator has a start year, a frequency and a precision.
    start = rng.choice([1960, 1970, 1980, 1990, 1995, 2000, 2005, 2010],
                       p=[.2, .15, .1, .2, .1, .1, .1, .05], size=n_indicators)
    five_yearly = rng.random(n_indicators) < 0.05
    decimals = rng.choice([0, 1, 2, 15], p=[.2, .15, .15, .5], size=n_indicators)
    scale = 10.0 ** rng.integers(0, 10, size=n_indicators)
    year_arr = np.array(YEARS)
    schema = pa.schema([("Country Name", pa.string()), ("Country Code", pa.string()),
                        ("Indicator Name", pa.string()), ("Indicator Code", pa.string()),
                        *[(str(y), pa.float64()) for y in YEARS]])
    options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    with pacsv.CSVWriter(str(path), schema, write_options=options) as writer:
        for economy in economies:
            present = rng.random((n_indicators, 1)) < 0.9
            values = scale[:, None] * rng.lognormal(0.0, 1.0, (n_indicators, len(YEARS)))
            observed = (year_arr[None, :] >= start[:, None]) & present
            observed &= rng.random(observed.shape) < 0.88
            observed[five_yearly] &= (year_arr % 5 == 0)[None, :]
            for d in (0, 1, 2):
                rows = decimals == d
                values[rows] = np.round(values[rows], d)
            columns = [
                pa.array([country_name(economy)] * n_indicators),
                pa.array([economy] * n_indicators),
                pa.array([name for _, name in indicators]),
                pa.array([code for code, _ in indicators]),
                *[pa.array(values[:, j], mask=~observed[:, j]) for j in range(len(YEARS))],
            ]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write WDICSV.csv (a temp folder)")
    parser.add_argument("--indicators", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    path = write_wdicsv(args.folder, args.indicators, args.seed)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
