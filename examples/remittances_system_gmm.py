"""Remittances, diasporas and growth: a dynamic growth equation by system GMM.

The workhorse of the remittances-and-growth literature is a growth regression
on five-year averages with initial income on the right (conditional
convergence), estimated by system GMM because income is dynamic, remittances
respond to growth at home (compensatory or opportunistic transfers) and the
diaspora grows when the economy does badly::

    growth_it = b1 log GDPpc_i,t-1 + b2 remittances_it + b3 diaspora_it
                + controls_it + period effects + country effect + e_it

Data: the real World Bank WDI files and the UN DESA migrant stocks in the
folder ``--data`` (default ``../shared/data``; developing countries, 1990-2019,
five-year averages; diaspora = emigrants in % of residents at the start of the
period), or with ``--simulated`` migecon's embedded simulated panel, averaged
the same way. Without the data and without ``--simulated`` the script stops
and says which files to get.

Specification (xtabond2 syntax, pasted into ``mg.gmm``): lagged income is
predetermined (instrumented with its own lags 1-2, collapsed); remittances,
diaspora and investment are endogenous (lags 2-3, collapsed); trade, inflation
and population growth are exogenous; period dummies instrument the levels
equation only; two-step with Windmeijer-corrected standard errors and t tests.

The script then prints the diagnostics a referee asks for: the instrument
count against the number of countries, AR(1)/AR(2), Hansen and Sargan,
difference-in-Hansen for the levels instruments and the endogenous variables,
Bond's (2002) bounds on the income coefficient (pooled OLS above, fixed
effects below), and robustness to the lag depth and to difference GMM.

Run::

    python examples/remittances_system_gmm.py [--data ../shared/data] [--simulated]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import migecon as mg

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
WDI_CODES = {
    "growth": "NY.GDP.PCAP.KD.ZG",       # GDP per capita growth, annual %
    "gdppc": "NY.GDP.PCAP.CD",           # GDP per capita, current US$
    "remittances": "BX.TRF.PWKR.DT.GD.ZS",  # personal remittances received, % of GDP
    "investment": "NE.GDI.TOTL.ZS",      # gross capital formation, % of GDP
    "trade": "NE.TRD.GNFS.ZS",           # exports + imports, % of GDP
    "inflation": "FP.CPI.TOTL.ZG",       # consumer prices, annual %
    "pop_growth": "SP.POP.GROW",         # population growth, annual %
}
CONTROLS = "investment trade inflation pop_growth"
MAIN = ("growth L.log_gdppc remittances diaspora {controls} yr*, "
        "gmm(L.log_gdppc, lag({a} {b}) collapse) "
        "gmm(remittances diaspora investment, lag({c} {d}) collapse) "
        "iv(trade inflation pop_growth) iv(yr*, eq(level)) twostep robust small")


def real_panel(data: Path) -> mg.Panel:
    """Five-year WDI panel of developing countries with the UN DESA diaspora share.

    One build from two sources: each indicator comes from the first that holds it. The
    UN DESA stocks are five-yearly, so a period's average is its start-of-period stock.
    """
    wdi = mg.sources.WDIFiles(data / "wdi" / "long")
    undesa = mg.sources.UNDESA(totals=data / "migrant_stock" / "undesa_ims2020_country_totals.csv",
                               population=wdi, on_unknown="drop")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        panel = mg.build_panel({**WDI_CODES, "diaspora": "diaspora_share"},
                               mg.sources.Combined(wdi, undesa), countries="developing",
                               classification=data / "classifications" / "OGHIST_2025_10_07.xlsx",
                               years=(1990, 2019), frequency="5y")
    for w in caught:
        print(f"Data: {w.message}")
    return panel.with_columns({"log_gdppc": np.log(panel["gdppc"])})


def simulated_panel() -> mg.Panel:
    """The embedded simulated panel, as five-year averages (thin periods reported)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", mg.errors.DroppedDataWarning)
        panel = mg.load_dataset("remittances_sim").transform(average=5)
    for w in caught:
        print(f"Data: {w.message}")
    return panel


def previous_period(panel: mg.Panel, name: str) -> pd.Series:
    """The value of the previous five-year period (calendar lookup, gaps stay gaps)."""
    s = panel[name]
    idx = s.index
    lagged = pd.MultiIndex.from_arrays([idx.get_level_values(0), idx.get_level_values(1) + 5])
    return pd.Series(s.to_numpy(), index=lagged).reindex(idx).rename(f"L5_{name}")


def referee_checklist(res: mg.Result, ols: mg.Result, fe: mg.Result) -> list[str]:
    """The checks a referee runs on a system-GMM growth regression."""
    t = res.tests
    rho = res.params["L.log_gdppc"]
    lines = [
        f"Instruments {int(res.stats['n_instruments'])} for {res.n_entities} countries "
        f"({'fine' if res.stats['n_instruments'] <= res.n_entities else 'TOO MANY'}: "
        "Roodman's rule, instruments <= groups)",
        f"AR(1) in differences p = {t['ar1'].pvalue:.3f} (expected small), "
        f"AR(2) p = {t['ar2'].pvalue:.3f} (should not reject: lags 2+ valid)",
        f"Hansen J p = {t['hansen'].pvalue:.3f} (reject below 0.10; above 0.25 and near 1 "
        f"signals weak power), Sargan p = {t['sargan'].pvalue:.3f} (not robust)",
    ]
    for key, test in t.items():
        if key.startswith("diff_hansen:"):
            lines.append(f"Difference-in-Hansen, {key.split(':', 1)[1]}: p = {test.pvalue:.3f}")
    lo, hi = fe.params["L5_log_gdppc"], ols.params["L5_log_gdppc"]
    inside = min(lo, hi) <= rho <= max(lo, hi)
    lines.append(f"Bond (2002) bounds on lagged income: FE {lo:.3f} <= GMM {rho:.3f} <= OLS "
                 f"{hi:.3f}: {'inside' if inside else 'OUTSIDE (check instruments)'}")
    return lines


def main(argv: list[str] | None = None) -> mg.Result:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder with wdi/long, migrant_stock and classifications")
    parser.add_argument("--simulated", action="store_true", help="use the embedded panel")
    args = parser.parse_args(argv)
    if args.simulated:
        panel, origin = simulated_panel(), "simulated panel (remittances_sim), 5-year averages"
    elif (args.data / "wdi" / "long").is_dir():
        panel, origin = real_panel(args.data), f"WDI and UN DESA files in {args.data}"
    else:
        raise SystemExit(
            f"{args.data / 'wdi' / 'long'} not found. Pass --data DIR, a folder holding "
            "wdi/long (World Bank WDI indicator CSV files: https://data.worldbank.org, an "
            "indicator's page -> Download -> CSV, for " + ", ".join(WDI_CODES.values())
            + ", NY.GDP.MKTP.CD, SP.POP.TOTL), migrant_stock/undesa_ims2020_country_totals.csv "
            "(UN DESA International Migrant Stock 2020, country totals) and "
            "classifications/OGHIST_2025_10_07.xlsx (the World Bank's historical income "
            "classification, OGHIST.xlsx); or run on the embedded panel with --simulated")
    panel = panel.with_columns({
        # hyperinflations (Angola 1995: 1,477 %) would dominate a linear term
        "inflation": np.log1p(panel["inflation"].clip(lower=-99) / 100),
        "L5_log_gdppc": previous_period(panel, "log_gdppc")})
    print(f"Data: {origin}\n{panel}\n")

    main_cmd = MAIN.format(controls=CONTROLS, a=1, b=2, c=2, d=3)
    res = mg.gmm(main_cmd, panel, time_dummies=True)
    print(mg.gmm_summary(res), "\n")

    rhs = "L5_log_gdppc + remittances + diaspora + investment + trade + inflation + pop_growth"
    with warnings.catch_warnings(record=True) as caught:
        # mg.fit reports the rows it drops for missing values; print them once
        warnings.simplefilter("always", mg.errors.DroppedDataWarning)
        ols = mg.fit(f"growth ~ {rhs}", panel, estimator="pooled", effects="time",
                     cov_type="clustered")
        fe = mg.fit(f"growth ~ {rhs}", panel, estimator="fe", effects="twoway",
                    cov_type="clustered")
    for w in caught:
        print(f"Benchmarks (OLS, FE): {w.message}")
    print("Referee checklist")
    for line in referee_checklist(res, ols, fe):
        print(f"  - {line}")
    # The same checks as a library call, plus the refit with collapsing toggled; each
    # failing check is an EstimationWarning (printed here rather than raised).
    with warnings.catch_warnings(record=True) as flagged:
        warnings.simplefilter("always", mg.errors.EstimationWarning)
        checklist = mg.gmm_checklist(res, panel, bounds_term="L.log_gdppc", time_dummies=True)
    print(checklist)
    print(f"({len(flagged)} warning(s) raised)\n")

    deeper = mg.gmm(MAIN.format(controls=CONTROLS, a=1, b=3, c=2, d=4), panel,
                    time_dummies=True)
    diff = mg.gmm(main_cmd.replace(" iv(yr*, eq(level))", " iv(yr*)") + " nolevel", panel,
                  time_dummies=True)
    table = mg.regression_table(
        [ols, fe, diff, res, deeper],
        column_labels=["Pooled OLS", "FE", "Difference GMM", "System GMM", "System, lags+1"],
        rename={"L5_log_gdppc": "L.log_gdppc"},
        keep=["L.log_gdppc", "remittances", "diaspora", "investment", "trade", "inflation",
              "pop_growth"],
        title="Growth, remittances and diaspora (five-year averages)")
    print()
    print(table.to_text())
    return res


if __name__ == "__main__":
    main()
