"""Benchmark: heterogeneous-slope estimators and tests, migecon against R plm.

One simulated panel (HeterogeneousSlopesDGP plus two extra regressors) is
written to a CSV; R plm (``Rscript``) and migecon read the same file in the same
run. Each cell is timed as the fastest of ``--repeat`` calls after the data are
loaded (R: ``system.time``; Python: ``time.perf_counter``), and the estimates
are compared. Target: migecon faster than plm in every cell.

    python benchmarks/bench_hetero.py [--n 200] [--t 40] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import migecon as mg  # noqa: E402

R_SCRIPT = r"""
suppressPackageStartupMessages(library(plm))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); reps <- as.integer(args[2])
pd <- pdata.frame(d, index = c("country", "year"))
fm <- growth ~ remittances + x2 + x3
best <- function(expr) {
  e <- substitute(expr); t <- Inf; v <- NULL
  for (i in seq_len(reps)) {
    s <- system.time(v <- eval(e, parent.frame()))[["elapsed"]]
    t <- min(t, s)
  }
  list(time = t, value = v)
}
cell <- function(r, j) list(time = r$time, coef = unname(coef(r$value)[j]))
out <- list()
out$mg <- cell(best(pmg(fm, data = pd, model = "mg")), 2)
out$ccemg <- cell(best(pmg(fm, data = pd, model = "cmg")), 2)
out$ccep <- cell(best(pcce(fm, data = pd, model = "p")), 1)
r <- best(suppressWarnings(cipstest(pd$growth, lags = 1, type = "drift", model = "cmg")))
out$cips <- list(time = r$time, coef = unname(r$value$statistic))
r <- best(pgrangertest(growth ~ remittances, data = pd, order = 1L, test = "Ztilde"))
out$dumitrescu_hurlin <- list(time = r$time, coef = unname(r$value$statistic))
cat(paste(sprintf('"%s": {"time": %.6f, "value": %.17g}', names(out),
                  sapply(out, `[[`, "time"), sapply(out, `[[`, "coef")), collapse = ",\n"))
"""


def _best(call, reps: int) -> tuple[float, float]:
    best, value = np.inf, np.nan
    for _ in range(reps):
        t0 = time.perf_counter()
        value = call()
        best = min(best, time.perf_counter() - t0)
    return best, value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)  # plm cipstest fails for N > 200
    ap.add_argument("--t", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    panel = mg.HeterogeneousSlopesDGP(n_countries=args.n, n_years=args.t).simulate(seed=16)
    df = panel.data.reset_index()
    rng = np.random.default_rng(1)
    df["x2"] = rng.standard_normal(len(df))
    df["x3"] = rng.standard_normal(len(df)) + 0.5 * df["remittances"]
    df["growth"] += 0.2 * df["x2"] - 0.1 * df["x3"]
    panel = mg.Panel.from_frame(df, entity="country", time="year")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "panel.csv"
        df.to_csv(csv, index=False)
        rfile = Path(tmp) / "bench.R"
        rfile.write_text(R_SCRIPT)
        proc = subprocess.run(["Rscript", str(rfile), str(csv), str(args.repeat)],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return 2
    r = json.loads("{" + proc.stdout + "}")
    f = "growth ~ remittances + x2 + x3"
    cells = {
        "mg": lambda: mg.fit(f, panel, estimator="mg").params["remittances"],
        "ccemg": lambda: mg.fit(f, panel, estimator="ccemg").params["remittances"],
        "ccep": lambda: mg.fit(f, panel, estimator="ccep").params["remittances"],
        "cips": lambda: mg.cips(panel, "growth", lags=1).stat,
        "dumitrescu_hurlin": lambda: mg.dumitrescu_hurlin(panel, "growth ~ remittances").stat,
    }
    for call in cells.values():  # one-time lazy imports (R loaded plm before its timings)
        call()
    rows, ok = [], True
    print(f"panel N = {args.n}, T = {args.t}; fastest of {args.repeat}")
    print(f"{'cell':<20}{'migecon':>10}{'plm':>10}{'ratio':>9}{'|diff|':>11}")
    for name, call in cells.items():
        t_mg, v_mg = _best(call, args.repeat)
        t_r, v_r = r[name]["time"], r[name]["value"]
        ratio = t_r / t_mg
        ok &= ratio > 1
        rows.append({"cell": name, "migecon_s": t_mg, "plm_s": t_r, "ratio": ratio,
                     "abs_diff": abs(float(v_mg) - v_r)})
        print(f"{name:<20}{t_mg:>9.4f}s{t_r:>9.3f}s{ratio:>8.1f}x{abs(float(v_mg) - v_r):>11.2e}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
