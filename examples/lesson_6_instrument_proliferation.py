"""Lesson 6: instrument proliferation in GMM.

Difference and system GMM use lags of the variables as instruments, one set
per year: their number grows with the square of T. With 40 countries and 12
years, instrumenting a lagged outcome and an endogenous regressor with all
available lags gives 131 instruments, more than the number of countries.
The consequences (Roodman 2009, "A note on the theme of too many
instruments"):

* the instruments overfit the endogenous variables, pulling the estimates
  towards the biased OLS/FE estimates;
* the two-step weighting matrix is singular and the Windmeijer standard
  errors break down;
* the Hansen test's p-value is pushed towards 1.000, so it no longer detects
  anything - a "perfect" Hansen p-value is a warning sign, not a comfort.

Collapsing the instruments (one per lag instead of one per lag and year)
and limiting the lag depth keep the count small and restore the estimator.

Run::

    python examples/lesson_6_instrument_proliferation.py --reps 300 --n-jobs 2 --out lesson6

``MIGECON_EXAMPLE_FAST=1`` (the test suite) runs 6 replications.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import migecon as mg
from migecon.simulate import InstrumentProliferationDGP, fit_spec, gmm_spec

FAST = os.environ.get("MIGECON_EXAMPLE_FAST") == "1"
REN = {"L.y": "L1.y"}  # mg.gmm names the lag L.y, mg.fit L1.y
ALL_LAGS = "y L.y x, gmm(L.y) gmm(x, lag(2 .)) twostep robust"
COLLAPSED = "y L.y x, gmm(L.y, collapse) gmm(x, lag(2 .) collapse) twostep robust"
LIMITED = "y L.y x, gmm(L.y, lag(1 2) collapse) gmm(x, lag(2 3) collapse) twostep robust"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=6 if FAST else 300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="folder for table and figure")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> mg.MonteCarloResult:
    args = parse(argv)
    dgp = InstrumentProliferationDGP()
    print(dgp.describe(), "\n")
    mc = mg.monte_carlo(dgp, {
        "Fixed effects": fit_spec("y ~ L(y, 1) + x", estimator="fe"),
        "System GMM, all lags": gmm_spec(ALL_LAGS, rename=REN),
        "System GMM, collapsed": gmm_spec(COLLAPSED, rename=REN),
        "System GMM, collapsed, 2 lags": gmm_spec(LIMITED, rename=REN),
    }, reps=args.reps, seed=args.seed, n_jobs=args.n_jobs, progress=not FAST)
    print(mc.summary())
    tab = mc.table[mc.table["term"] == "L1.y"].set_index("estimator")
    print("\nInstruments, Hansen p-value (mean) and bias of ρ:")
    for name in tab.index:
        r = tab.loc[name]
        hansen = "" if "mean_p_hansen" not in r or r.isna()["mean_p_hansen"] else \
            f"Hansen p {r['mean_p_hansen']:.3f}, "
        count = "" if "n_instruments" not in r or r.isna()["n_instruments"] else \
            f"{r['n_instruments']:.0f} instruments, "
        print(f"  {name:32s} {count}{hansen}bias {r['bias']:+.3f} (MC s.e. "
              f"{r['mc_se_bias']:.3f})")
    warned = mc.problems[mc.problems["message"].str.contains("outnumber")]
    print(f"\nmigecon warned about too many instruments in {len(warned)} of "
          f"{mc.reps} all-lags replications.")
    if args.out:
        for suffix in ("md", "csv", "png"):
            print(f"wrote {mc.save(args.out / f'lesson6.{suffix}')}")
    return mc


if __name__ == "__main__":
    main()
