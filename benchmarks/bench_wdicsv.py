"""Benchmark: 20 indicators out of a realistic all-indicator ``WDICSV.csv``.

Compares, on the same file and in the same run:

- the plain pandas baseline: ``pd.read_csv`` of the whole file, keep the 20
  indicators, drop the World Bank aggregates, melt to long form;
- ``mg.sources.WDIFiles(path).fetch(codes)`` plus dropping the aggregates,
  first with an empty cache ("cold"), then again with the parquet copies the
  first run left in the cache ("warm").

Each measurement runs in its own process (``subprocess``), so that memory is
not shared between them and imports are not timed: the child imports pandas,
pyarrow and migecon, then starts the clock. Peak memory is the child's
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (the high-water mark of its
resident set, Linux kilobytes); "raise" is that peak minus the same figure
taken after the imports, i.e. how much memory the extraction itself added.
Times are the median of ``--repeat`` runs.

Targets (issue 3): cold >= 1.5x faster than pandas with a memory raise at
most a third of pandas'; warm >= 20x faster than pandas.

Usage::

    python benchmarks/bench_wdicsv.py                 # generate in a temp folder
    python benchmarks/bench_wdicsv.py --folder /tmp/wdi-bench --keep
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CODES = [
    "BX.TRF.PWKR.CD.DT", "NY.GDP.MKTP.CD", "NY.GDP.PCAP.KD", "NY.GDP.PCAP.KD.ZG",
    "SM.POP.TOTL", "SP.POP.TOTL", "IT.NET.USER.ZS", "IT.CEL.SETS.P2", "IT.NET.BBND.P2",
    "TX.VAL.TECH.MF.ZS", "GB.XPD.RSDV.GD.ZS", "IP.PAT.RESD", "NE.GDI.TOTL.ZS",
    "NE.EXP.GNFS.ZS", "NE.IMP.GNFS.ZS", "FP.CPI.TOTL.ZG", "SP.POP.GROW", "SE.SEC.ENRR",
    "BX.KLT.DINV.CD.WD", "FS.AST.PRVT.GD.ZS",
]
COLD_SPEEDUP, COLD_MEMORY_SHARE, WARM_SPEEDUP = 1.5, 1 / 3, 20.0


def child(mode: str, path: str) -> None:
    """Run one measurement and print it as JSON (called in a fresh process)."""
    import resource
    import time

    # Everything either side needs is imported before the clock starts (and
    # before the memory baseline), so that neither side pays for imports.
    import pandas as pd
    import pyarrow.csv
    import pyarrow.parquet  # noqa: F401

    import migecon as mg
    import migecon.panel.sources.wdi_files
    from migecon.panel.countries import WB_AGGREGATES

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if mode == "pandas":
        wide = pd.read_csv(path)
        wide = wide[wide["Indicator Code"].isin(CODES)]
        wide = wide[~wide["Country Code"].isin(WB_AGGREGATES)]
        long = wide.melt(id_vars=["Country Name", "Country Code", "Indicator Name",
                                  "Indicator Code"], var_name="year", value_name="value")
        long = long.dropna(subset=["value"])
        values = long["value"]
    else:
        data = mg.sources.WDIFiles(path).fetch(CODES)
        long = data.values[~data.values["iso3"].isin(WB_AGGREGATES)]
        values = long["value"]
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"mode": mode, "seconds": seconds, "peak_mb": peak / 1024,
                      "raise_mb": (peak - before) / 1024, "rows": len(values),
                      "sum": float(values.sum())}))


def _run(mode: str, path: Path, cache: Path) -> dict[str, float]:
    env = {**os.environ, "MIGECON_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], env=env,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, help="where WDICSV.csv is or goes (temp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    sys.path.insert(0, str(Path(__file__).parent))
    from make_wdicsv import write_wdicsv

    folder = args.folder or Path(tempfile.mkdtemp(prefix="migecon-bench-"))
    path = folder / "WDICSV.csv"
    if not path.exists():
        print(f"writing {path} ...", flush=True)
        write_wdicsv(folder)
    size_mb = path.stat().st_size / 1e6
    results: dict[str, list[dict[str, float]]] = {"pandas": [], "cold": [], "warm": []}
    try:
        for _ in range(args.repeat):
            cache = Path(tempfile.mkdtemp(prefix="migecon-bench-cache-"))
            results["pandas"].append(_run("pandas", path, cache))
            results["cold"].append(_run("migecon", path, cache))
            results["warm"].append(_run("migecon", path, cache))
            shutil.rmtree(cache, ignore_errors=True)
    finally:
        if args.folder is None and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    summary = {k: {"seconds": statistics.median(r["seconds"] for r in v),
                   "raise_mb": max(r["raise_mb"] for r in v),
                   "peak_mb": max(r["peak_mb"] for r in v),
                   "rows": v[0]["rows"], "sum": v[0]["sum"]} for k, v in results.items()}
    base = summary["pandas"]
    print(f"\nWDICSV.csv: {size_mb:.0f} MB; extracting {len(CODES)} indicators, aggregates "
          f"dropped; median of {args.repeat} runs, each in its own process")
    print(f"{'':8}{'seconds':>9}{'speed-up':>10}{'mem raise MB':>14}{'peak MB':>9}{'rows':>9}")
    for name, row in summary.items():
        print(f"{name:8}{row['seconds']:>9.3f}{base['seconds'] / row['seconds']:>9.1f}x"
              f"{row['raise_mb']:>14.0f}{row['peak_mb']:>9.0f}{row['rows']:>9,}")
    for name, runs in results.items():
        print(f"  {name} runs (s): " + ", ".join(f"{r['seconds']:.3f}" for r in runs))
    same = all(r["rows"] == base["rows"] and abs(r["sum"] - base["sum"]) <= 1e-9 * abs(
        base["sum"]) for r in summary.values())
    checks = {
        f"same values as pandas (rows {base['rows']:,})": same,
        f"cold >= {COLD_SPEEDUP}x faster": base["seconds"] / summary["cold"]["seconds"]
        >= COLD_SPEEDUP,
        "cold memory raise <= 1/3 of pandas'": summary["cold"]["raise_mb"]
        <= COLD_MEMORY_SHARE * base["raise_mb"],
        f"warm >= {WARM_SPEEDUP:.0f}x faster": base["seconds"] / summary["warm"]["seconds"]
        >= WARM_SPEEDUP,
    }
    for label, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
