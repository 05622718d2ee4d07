"""Benchmark: mg.gmm against pydynpd 0.2.2 on simulated dynamic panels.

Cells: two-step difference and system GMM, GMM-style instruments uncollapsed
(all lags) and collapsed, on N = 2,000 units x T = 30 periods (micro panel)
and N = 200 x T = 60 (macro panel)::

    y_it = 0.5 y_i,t-1 + 0.3 x_it + u_i + e_it,   x strictly exogenous

    migecon:  y L.y x, gmm(L.y[, collapse]) iv(x) [nolevel] twostep robust
    pydynpd:  y L1.y x | gmm(y, 2:.) iv(x) | [nolevel] [collapse]

Both libraries get the same DataFrame (a CSV written once) and run in fresh
processes (pydynpd in its own virtual environment, ``--pydynpd-python``, since
it needs numpy < 2.3), alternately, so that machine load hits both alike; the
time of a cell is the fastest of its repetitions, measured around the
estimation call only (imports and CSV reading excluded, data preparation
included). Peak memory is the rise of the worker's resident set during the
fits (``ru_maxrss`` minus the resident size before).

Checks: migecon at least 10x faster in every cell; difference-GMM coefficients
equal to pydynpd's to 1e-6. When instruments outnumber units the two-step
weighting matrix is singular and the estimates depend on the generalized
inverse: pydynpd uses the Moore-Penrose inverse, xtabond2 (and mg.gmm by
default) Stata's ``invsym``; the check therefore uses an (untimed) run of
``mg.gmm(..., ginv="pinv")`` and the table also shows the distance with the
default. System GMM is reported, not checked (pydynpd cannot express
xtabond2's ``eq(level)`` instruments or other ``h()`` choices; on these
specifications its first step coincides with ``h(3)``).

Run::

    python benchmarks/bench_gmm.py --pydynpd-python /work/bench-venv/bin/python

(create that environment with ``python -m venv /work/bench-venv &&
/work/bench-venv/bin/pip install pydynpd==0.2.2 "numpy<2.3"``). Exit status 1
when a target is missed. Takes several minutes: pydynpd needs about half a
minute per uncollapsed fit at N = 2,000.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SPEEDUP_TARGET = 10.0
#: pydynpd prints agreement with xtabond2 to 7 digits; both solve the same linear system
ATOL_DIFF_COEF = 1e-6
CELLS = {
    "difference, uncollapsed": ("y L.y x, gmm(L.y) iv(x) nolevel twostep robust",
                                "y L1.y x | gmm(y, 2:.) iv(x) | nolevel"),
    "difference, collapsed": ("y L.y x, gmm(L.y, collapse) iv(x) nolevel twostep robust",
                              "y L1.y x | gmm(y, 2:.) iv(x) | nolevel collapse"),
    "system, uncollapsed": ("y L.y x, gmm(L.y) iv(x) twostep robust",
                            "y L1.y x | gmm(y, 2:.) iv(x)"),
    "system, collapsed": ("y L.y x, gmm(L.y, collapse) iv(x) twostep robust",
                          "y L1.y x | gmm(y, 2:.) iv(x) | collapse"),
}
NAMES = {"L1.y": "L.y", "x": "x", "_con": "const"}


def simulate(n: int, t: int, seed: int = 2026) -> pd.DataFrame:
    """A stationary dynamic panel (50 burn-in periods dropped)."""
    rng = np.random.default_rng(seed)
    burn = 50
    u = rng.normal(size=n)
    y = np.zeros((n, t + burn))
    x = np.zeros((n, t + burn))
    for s in range(1, t + burn):
        x[:, s] = 0.5 * x[:, s - 1] + 0.3 * u + rng.normal(size=n)
        y[:, s] = 0.5 * y[:, s - 1] + 0.3 * x[:, s] + u + rng.normal(size=n)
    return pd.DataFrame({"id": np.repeat(np.arange(1, n + 1), t),
                         "year": np.tile(np.arange(1990, 1990 + t), n),
                         "y": y[:, burn:].ravel(), "x": x[:, burn:].ravel()})


def _rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def worker(kind: str, csv: str, command: str, reps: int, ginv: str = "invsym"
           ) -> dict[str, object]:
    """Run one cell ``reps`` times in this process; print timings as JSON."""
    df = pd.read_csv(csv)
    if kind == "migecon":
        import warnings

        import migecon as mg

        def fit() -> tuple[dict[str, float], dict[str, float]]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. instruments outnumber groups
                res = mg.gmm(command, df, entity="id", time="year", ginv=ginv)
            return res.params.to_dict(), res.std_errors.to_dict()
    else:
        if not hasattr(np, "in1d"):  # pydynpd 0.2.2 calls it; numpy 2.4 removed it
            setattr(np, "in1d", np.isin)  # noqa: B010
        from pydynpd import regression

        def fit() -> tuple[dict[str, float], dict[str, float]]:
            import contextlib
            import io

            with contextlib.redirect_stdout(io.StringIO()):  # pydynpd prints its table
                model = regression.abond(command, df, ["id", "year"]).models[0]
            table = model.regression_table
            coef = {NAMES.get(v, v): float(c) for v, c in zip(table["variable"],
                                                                table["coefficient"], strict=True)}
            se = {NAMES.get(v, v): float(c) for v, c in zip(table["variable"], table["std_err"],
                                                                strict=True)}
            return coef, se
    before = _rss_kb()
    times = []
    coef: dict[str, float] = {}
    se: dict[str, float] = {}
    for _ in range(reps):
        t0 = time.perf_counter()
        coef, se = fit()
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"times": times, "coef": coef, "se": se, "peak_rise_mb": (peak - before) / 1024}


def _call(python: str, kind: str, csv: Path, command: str, reps: int,
          ginv: str = "invsym") -> dict:
    out = subprocess.run([python, __file__, "--worker", kind, "--csv", str(csv),
                          "--command", command, "--reps", str(reps), "--ginv", ginv],
                         check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_panel(label: str, n: int, t: int, args: argparse.Namespace, folder: Path) -> list[dict]:
    csv = folder / f"panel_{n}x{t}.csv"
    simulate(n, t).to_csv(csv, index=False)
    rows = []
    for cell, (mg_cmd, pd_cmd) in CELLS.items():
        if args.cells and cell not in args.cells:
            continue
        mg_runs, pd_runs = [], []
        slow = "uncollapsed" in cell and n * t >= 20_000
        for _ in range(args.rounds):  # alternate, so that machine load hits both alike
            mg_runs.append(_call(sys.executable, "migecon", csv, mg_cmd, args.reps))
            pd_runs.append(_call(args.pydynpd_python, "pydynpd", csv, pd_cmd,
                                 1 if slow else args.reps))
        t_mg = min(min(r["times"]) for r in mg_runs)
        t_pd = min(min(r["times"]) for r in pd_runs)
        c_mg, c_pd = mg_runs[-1]["coef"], pd_runs[-1]["coef"]
        # pydynpd inverts singular weighting matrices with the Moore-Penrose inverse;
        # xtabond2 (and mg.gmm by default) with invsym: compare like with like too
        c_pinv = _call(sys.executable, "migecon", csv, mg_cmd, 1, "pinv")["coef"]
        diff = max(abs(c_pinv[k] - c_pd[k]) for k in c_pinv)
        diff_invsym = max(abs(c_mg[k] - c_pd[k]) for k in c_mg)
        rows.append({"panel": label, "cell": cell, "migecon_s": t_mg, "pydynpd_s": t_pd,
                     "ratio": t_pd / t_mg, "max_coef_diff": diff,
                     "max_coef_diff_invsym": diff_invsym,
                     "migecon_mb": max(r["peak_rise_mb"] for r in mg_runs),
                     "pydynpd_mb": max(r["peak_rise_mb"] for r in pd_runs),
                     "coef_migecon": c_mg, "coef_pydynpd": c_pd})
        r = rows[-1]
        print(f"{label:<14}{cell:<26}{t_mg:>9.3f}s{t_pd:>10.2f}s{r['ratio']:>8.1f}x"
              f"{diff:>11.1e}{diff_invsym:>11.1e}{r['migecon_mb']:>8.0f}MB"
              f"{r['pydynpd_mb']:>8.0f}MB", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pydynpd-python", default="/work/bench-venv/bin/python",
                        help="python of a virtual environment with pydynpd 0.2.2")
    parser.add_argument("--reps", type=int, default=5, help="repetitions per worker")
    parser.add_argument("--rounds", type=int, default=3, help="alternating worker rounds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--panels", nargs="+", choices=["2000x30", "200x60"],
                        default=["2000x30", "200x60"], help="panels to run (N x T)")
    parser.add_argument("--cells", nargs="+", choices=list(CELLS), help="cells to run (all)")
    parser.add_argument("--worker", choices=["migecon", "pydynpd"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--command", help=argparse.SUPPRESS)
    parser.add_argument("--ginv", default="invsym", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.csv, args.command, args.reps, args.ginv)))
        return 0
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'default')}, "
          f"{os.cpu_count()} cores, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"{'panel':<14}{'cell':<26}{'migecon':>10}{'pydynpd':>11}{'ratio':>9}"
          f"{'|db| pinv':>11}{'|db| invsym':>11}{'mg mem':>10}{'pd mem':>10}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if "2000x30" in args.panels:
            rows += run_panel("N=2000,T=30", 2000, 30, args, Path(tmp))
        if "200x60" in args.panels:
            rows += run_panel("N=200,T=60", 200, 60, args, Path(tmp))
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    failed = [r for r in rows if r["ratio"] < SPEEDUP_TARGET]
    failed += [r for r in rows if r["cell"].startswith("difference")
               and r["max_coef_diff"] > ATOL_DIFF_COEF]
    for r in rows:
        if r["cell"].startswith("system"):
            print(f"system GMM, {r['panel']}, {r['cell']}: max |migecon - pydynpd| = "
                  f"{r['max_coef_diff']:.1e} with the same generalized inverse, "
                  f"{r['max_coef_diff_invsym']:.1e} with xtabond2's invsym")
    print("targets met" if not failed else f"{len(failed)} target(s) missed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
