"""Absorbed fixed effects at scale: mg.fit against pyfixest and linearmodels.

Run on demand: ``PYTHONPATH=. python benchmarks/bench_fe_scale.py [--sizes 1e5 1e6]
[--effects one two three] [--rounds 3] [--json out.json]``.

Data: a simulated panel of ``units x 20`` years (``units x 10`` at 1e5 rows), about 8% of
rows missing at random (unbalanced), ``y ~ x1 + x2`` with unit, year and (three-way) a
``region^year`` effect, where each unit belongs to one of 200 regions (the origin x year
effect of bilateral panels). Errors clustered by unit with Stata's small-sample factors
(pyfixest: CRV1, its default ssc).

Each cell runs every tool in its own fresh process, interleaved (migecon, pyfixest,
linearmodels, migecon, ...), ``--rounds`` times. A worker reads the data from a
temporary ``.npy`` file, builds its input (``mg.Panel`` / DataFrame), fits once to
warm up (numba compilation for pyfixest), then times one more fit: the "warm fit".
Peak memory is the worker's ``ru_maxrss`` (whole process: data, imports and fits), and
the rise of it during the two fits. Time and memory are medians over the rounds.
linearmodels: ``PanelOLS`` for one- and two-way effects, ``AbsorbingLS`` for three-way.

Targets (exit status 1 when missed): two-way, clustered, 1e6 rows: migecon's warm fit
at most 1.2x pyfixest's; at 5e6 rows, migecon's peak memory at most pyfixest's;
coefficients equal to pyfixest's to 1e-8 (relative) in every cell.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

YEARS = 20
REGIONS = 200
TOOLS = ("migecon", "pyfixest", "linearmodels")
TIMEOUT = 1800


def make_data(rows: int, folder: Path) -> Path:
    """Write the simulated panel as .npy columns; returns the folder."""
    years = 10 if rows <= 100_000 else YEARS
    units = rows // years
    rng = np.random.default_rng(12345)
    unit = np.repeat(np.arange(units, dtype=np.int64), years)
    year = np.tile(np.arange(2000, 2000 + years, dtype=np.int64), units)
    keep = rng.random(unit.size) > 0.08
    unit, year = unit[keep], year[keep]
    region = (np.arange(units) % REGIONS)[unit]
    a = rng.normal(size=units)[unit]
    g = rng.normal(size=years)[year - 2000]
    h = rng.normal(size=REGIONS * years)[region * years + year - 2000]
    x1 = rng.normal(size=unit.size) + a + 0.5 * h
    x2 = rng.normal(size=unit.size) + g
    y = 0.5 * x1 - 0.3 * x2 + a + g + h + rng.normal(size=unit.size)
    for name, col in dict(unit=unit, year=year, region=region, x1=x1, x2=x2, y=y).items():
        np.save(folder / f"{name}.npy", col)
    return folder


# ------------------------------------------------------------------ workers
def _frame(folder: Path):
    import pandas as pd

    return pd.DataFrame({c: np.load(folder / f"{c}.npy")
                         for c in ("unit", "year", "region", "x1", "x2", "y")})


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(tool: str, folder: Path, effects: str) -> dict[str, object]:
    import warnings

    warnings.simplefilter("ignore")
    df = _frame(folder)
    if tool == "migecon":
        import migecon as mg

        start = time.perf_counter()
        panel = mg.Panel.from_frame(df, entity="unit", time="year")
        prep = time.perf_counter() - start
        del df
        kw: dict[str, object] = {"effects": {"one": "entity", "two": "twoway",
                                             "three": "twoway"}[effects]}
        if effects == "three":
            kw["absorb"] = ["region^year"]

        def fit():
            r = mg.fit("y ~ x1 + x2", panel, cov_type="clustered", small_sample="stata", **kw)
            return r.params[["x1", "x2"]].to_numpy(), r.std_errors[["x1", "x2"]].to_numpy()
    elif tool == "pyfixest":
        import pyfixest as pf

        prep = 0.0
        fe = {"one": "unit", "two": "unit + year", "three": "unit + year + region^year"}[effects]

        def fit():
            m = pf.feols(f"y ~ x1 + x2 | {fe}", df, vcov={"CRV1": "unit"})
            return m.coef()[["x1", "x2"]].to_numpy(), m.se()[["x1", "x2"]].to_numpy()
    else:
        import pandas as pd
        from linearmodels import AbsorbingLS, PanelOLS

        start = time.perf_counter()
        if effects == "three":
            absorb = pd.DataFrame({
                "unit": pd.Categorical(df["unit"]), "year": pd.Categorical(df["year"]),
                "ry": pd.Categorical(df["region"] * 10_000 + df["year"])})
            exog = df[["x1", "x2"]]
            prep = time.perf_counter() - start

            def fit():
                r = AbsorbingLS(df["y"], exog, absorb=absorb).fit(
                    cov_type="clustered", clusters=df["unit"])
                return r.params[["x1", "x2"]].to_numpy(), r.std_errors[["x1", "x2"]].to_numpy()
        else:
            data = df.set_index(["unit", "year"])
            prep = time.perf_counter() - start

            def fit():
                r = PanelOLS(data["y"], data[["x1", "x2"]], entity_effects=True,
                             time_effects=effects == "two").fit(
                    cov_type="clustered", cluster_entity=True)
                return r.params[["x1", "x2"]].to_numpy(), r.std_errors[["x1", "x2"]].to_numpy()
    base = _rss_mb()
    start = time.perf_counter()
    fit()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    coef, se = fit()
    warm = time.perf_counter() - start
    peak = _rss_mb()
    return {"tool": tool, "cold": cold, "warm": warm, "prep": prep, "peak_mb": peak,
            "fit_rise_mb": peak - base, "coef": coef.tolist(), "se": se.tolist()}


# ------------------------------------------------------------------ driver
def _run(tool: str, folder: Path, effects: str) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--worker", tool, str(folder), effects]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                             check=False, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    except subprocess.TimeoutExpired:
        return {"tool": tool, "error": f"timeout after {TIMEOUT} s"}
    if out.returncode:
        return {"tool": tool, "error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=["1e5", "1e6"])
    ap.add_argument("--effects", nargs="+", default=["one", "two", "three"])
    ap.add_argument("--tools", nargs="+", default=list(TOOLS))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
          f"{os.cpu_count()} CPUs", flush=True)
    cells = []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            rows = int(float(size))
            folder = Path(tmp) / f"n{rows}"
            folder.mkdir()
            make_data(rows, folder)
            n = int(np.load(folder / "y.npy").shape[0])
            for effects in args.effects:
                runs: dict[str, list[dict[str, object]]] = {t: [] for t in args.tools}
                for _ in range(args.rounds):
                    for tool in args.tools:
                        runs[tool].append(_run(tool, folder, effects))
                cell: dict[str, object] = {"rows": n, "effects": effects}
                for tool, rs in runs.items():
                    good = [r for r in rs if "error" not in r]
                    if not good:
                        cell[tool] = {"error": rs[0]["error"]}
                        continue
                    cell[tool] = {k: statistics.median(float(r[k]) for r in good)  # type: ignore[arg-type]
                                  for k in ("warm", "cold", "prep", "peak_mb", "fit_rise_mb")}
                    cell[tool]["coef"] = good[0]["coef"]  # type: ignore[index]
                    cell[tool]["se"] = good[0]["se"]  # type: ignore[index]
                cells.append(cell)
                ok &= _report(cell)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(json.dumps({"load_start": load, "cells": cells}, indent=1))
    return 0 if ok else 1


def _report(cell: dict) -> bool:  # type: ignore[type-arg]
    mg_, pf_ = cell.get("migecon", {}), cell.get("pyfixest", {})
    parts = [f"{cell['rows']:>9,} rows {cell['effects']:>5}-way:"]
    for tool in TOOLS:
        r = cell.get(tool)
        if r is None:
            continue
        if "error" in r:
            parts.append(f"{tool} ERROR {r['error']}")
            continue
        parts.append(f"{tool} {r['warm']:.3f} s (cold {r['cold']:.2f}, prep {r['prep']:.2f}) "
                     f"peak {r['peak_mb']:.0f} MB (+{r['fit_rise_mb']:.0f})")
    ok = True
    if "warm" in mg_ and "warm" in pf_:
        ratio = mg_["warm"] / pf_["warm"]
        mem = mg_["peak_mb"] / pf_["peak_mb"]
        diff = float(np.max(np.abs(np.subtract(mg_["coef"], pf_["coef"]))
                            / np.abs(pf_["coef"])))
        sed = float(np.max(np.abs(np.subtract(mg_["se"], pf_["se"])) / np.abs(pf_["se"])))
        parts.append(f"time mg/pf {ratio:.2f}x, memory mg/pf {mem:.2f}, coef rel diff "
                     f"{diff:.1e}, SE rel diff {sed:.1e}")
        ok = diff <= 1e-8
        if cell["effects"] == "two" and 900_000 <= cell["rows"] <= 1_100_000:
            ok &= ratio <= 1.2
        if cell["effects"] == "two" and cell["rows"] >= 4_000_000:
            ok &= mem <= 1.0
    print("\n    ".join(parts) + ("" if ok else "\n    TARGET MISSED"), flush=True)
    return ok


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], Path(sys.argv[3]), sys.argv[4])))
        sys.exit(0)
    sys.exit(main())
