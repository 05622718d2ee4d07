"""Benchmark: a GMM specification grid serially, on 2 local processes and on a LocalCluster.

The grid: system and difference GMM (collapsed, two-step, Windmeijer errors)
of growth on remittances, over every subset of 6 controls (64 sets), 2
estimators, 2 periods and 2 samples = 512 specifications, on the embedded
simulated panel (120 countries x 33 years). The same grid runs three times in
one process, in this order:

1. serial (``parallel=None``),
2. two local worker processes (``parallel=2``, joblib loky; the pool is warmed
   on a tiny grid first so that its start-up is reported separately),
3. a ``dask.distributed.LocalCluster`` with two single-threaded worker
   processes on 127.0.0.1 (``parallel="dask"``; cluster start-up reported
   separately).

Reported: wall time of each, speed-up against serial, and the per-task
overhead, ``(wall x workers - serial) / tasks``: what each task costs beyond
its own computation. Checks: the three tables are identical (exit 1
otherwise). On a machine with 2 cores the ideal speed-up is 2x.

Run::

    python benchmarks/bench_grid.py [--json out.json]

Takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

import pandas as pd

import migecon as mg

CONTROLS = ["investment", "trade", "internet", "inflation", "diaspora", "log_gdppc"]


def _grid(panel: mg.Panel, parallel: object, controls: list[str] = CONTROLS,
          ) -> tuple[float, mg.grid.SpecificationGrid]:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = mg.specification_grid(
            panel, outcome="growth", treatment="remittances", controls=controls,
            estimators=["gmm-system", "gmm-difference"],
            periods=[(1990, 2022), (2000, 2022)],
            samples={"all": None, "first 80": panel.entities[:80]},
            parallel=parallel, progress=False)  # type: ignore[arg-type]
    return time.perf_counter() - start, grid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    panel = mg.load_dataset("remittances_sim")
    load = os.getloadavg()[0]
    t_serial, serial = _grid(panel, None)
    n = len(serial.table)

    start = time.perf_counter()
    _grid(panel, 2, controls=["investment"])        # warm the loky pool
    warm_processes = time.perf_counter() - start
    t_proc, proc = _grid(panel, 2)

    from dask.distributed import Client, LocalCluster

    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    client = Client(cluster)
    start_dask = time.perf_counter() - start
    try:
        t_dask, dask = _grid(panel, "dask")
    finally:
        client.close()
        cluster.close()

    same = all(t.table.equals(serial.table) for t in (proc, dask))
    rows = []
    for name, wall, workers in (("serial", t_serial, 1), ("2 local processes", t_proc, 2),
                                ("LocalCluster, 2 workers", t_dask, 2)):
        overhead = (wall * workers - t_serial) / n
        rows.append({"backend": name, "specifications": n, "wall_s": round(wall, 2),
                     "speedup": round(t_serial / wall, 2),
                     "overhead_ms_per_task": round(1000 * overhead, 1) if workers > 1 else 0.0})
    table = pd.DataFrame(rows)
    print(table.to_markdown(index=False))
    print(f"\nstart-up: loky pool {warm_processes:.1f} s (with a 8-cell grid), LocalCluster "
          f"{start_dask:.1f} s; load average before the run {load:.2f}; "
          f"{os.cpu_count()} cores; tables identical: {same}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"rows": rows, "identical": same, "load": load,
                       "dask_startup_s": start_dask}, fh, indent=2)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
