"""Lesson 2: dynamic panels. Nickell bias of fixed effects, and what GMM does about it.

A growth regression with the lagged outcome (convergence) and country effects::

    y_it = ρ y_i,t-1 + α_i + ε_it,      ρ = 0.5

The within transformation subtracts each country's mean, which contains the
later shocks, so the demeaned lag is correlated with the demeaned error: fixed
effects are biased downward by about ``-(1 + ρ)/(T - 1)`` (Nickell 1981; the
exact large-N bias is ``mg.nickell_bias(ρ, T)``), severe with few years per
country. Difference GMM (Arellano-Bond) instruments the differenced lag with
earlier levels; system GMM (Blundell-Bond) adds the levels equation and,
under mean stationarity, is close to unbiased even when ρ is high.

The lesson runs the Monte Carlo for several panel lengths T and prints the FE
bias next to Nickell's formula and its approximation.

Run::

    python examples/lesson_2_nickell_bias.py --reps 300 --n-jobs 2 --out lesson2

``MIGECON_EXAMPLE_FAST=1`` (the test suite) runs 8 replications for two T.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pandas as pd

import migecon as mg
from migecon.simulate import DynamicPanelDGP, fit_spec, gmm_spec, nickell_bias_approx

FAST = os.environ.get("MIGECON_EXAMPLE_FAST") == "1"
RHO = 0.5


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=8 if FAST else 300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--periods", type=int, nargs="+", default=[4, 6] if FAST else
                        [4, 6, 11, 21], help="observed years per country (T + 1)")
    parser.add_argument("--out", type=Path, default=None, help="folder for tables and figure")
    return parser.parse_args(argv)


def estimators() -> dict[str, mg.simulate.FitSpec | mg.simulate.GmmSpec]:
    ren = {"L.y": "L1.y"}  # mg.gmm names the lag L.y, mg.fit L1.y
    return {
        "Fixed effects": fit_spec("y ~ L(y, 1)", estimator="fe"),
        "Difference GMM": gmm_spec("y L.y, gmm(L.y) nolevel twostep robust", rename=ren),
        "System GMM": gmm_spec("y L.y, gmm(L.y) twostep robust", rename=ren),
    }


def main(argv: list[str] | None = None) -> pd.DataFrame:
    args = parse(argv)
    rows = []
    last = None
    for n_years in args.periods:
        dgp = DynamicPanelDGP(n_countries=args.countries, n_years=n_years, rho=RHO)
        mc = mg.monte_carlo(dgp, estimators(), reps=args.reps, seed=args.seed,
                            n_jobs=args.n_jobs, progress=not FAST)
        t = n_years - 1
        tab = mc.table.assign(T=t, nickell=dgp.fe_bias(), approx=nickell_bias_approx(RHO, t))
        rows.append(tab)
        last = mc
        print(f"T = {t} periods in the regression:")
        print(mc.summary(), "\n")
    table = pd.concat(rows, ignore_index=True)
    fe = table[table["estimator"] == "Fixed effects"]
    print("Fixed-effects bias against Nickell (1981):")
    print(fe[["T", "bias", "mc_se_bias", "nickell", "approx"]].to_string(
        index=False, float_format=lambda x: f"{x:.4f}"))
    sysgmm = table[table["estimator"] == "System GMM"]
    print("\nSystem GMM bias by T:")
    print(sysgmm[["T", "bias", "mc_se_bias", "coverage"]].to_string(
        index=False, float_format=lambda x: f"{x:.4f}"))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "lesson2.csv", index=False)
        print(f"wrote {args.out / 'lesson2.csv'}")
        if last is not None:
            print(f"wrote {last.save(args.out / 'lesson2.png')}")
    return table


if __name__ == "__main__":
    main()
