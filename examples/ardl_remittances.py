"""The long-run effect of remittances on output per capita: PMG, MG and DFE.

The macro strand of the remittances literature estimates a long-run relation
between (log) output per capita and (log) remittances in heterogeneous panels
of remittance-dependent economies, defends it with unit-root and cointegration
tests, and reports the pooled mean group (PMG) estimates when a Hausman test
does not reject common long-run coefficients::

    D.log_gdppc_it = phi_i (log_gdppc_i,t-1 - theta_1 log_remit_pc_it
                            - theta_2 log_invest_it)
                     + delta_i' D.(log_remit_pc, log_invest)_it + mu_i + e_it

Data: the real World Bank WDI files in ``../shared/data``: GDP per capita in
constant 2015 US$ (NY.GDP.PCAP.KD), personal remittances received per head
(BX.TRF.PWKR.CD.DT / SP.POP.TOTL, current US$) and gross capital formation in %
of GDP (NE.GDI.TOTL.ZS); developing countries with complete annual data
1995-2019 whose remittances average at least 5% of GDP: a balanced panel of
16 countries and 25 years.

Steps: Im-Pesaran-Shin unit-root tests on levels and differences (CIPS, which
allows for cross-section dependence, is the better choice where available);
Pedroni, Kao and Westerlund (bootstrap) cointegration tests; ARDL(1,1) by PMG,
MG and DFE; Hausman tests MG vs PMG and MG vs DFE; one table with the long-run,
adjustment and short-run blocks.

Run::

    python examples/ardl_remittances.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

import numpy as np

import migecon as mg

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FAST = os.environ.get("MIGECON_EXAMPLE_FAST") == "1"
YEARS = (1995, 2019)


def real_panel(data: Path) -> mg.Panel:
    """Balanced annual panel of remittance-dependent developing countries."""
    wdi = mg.sources.WDIFiles(data / "wdi" / "long",
                              data / "wdi" / "bulk" / "API_NY.GDP.PCAP.KD_DS2_en_csv_v2_141.csv")
    panel = mg.build_panel({"gdppc": "NY.GDP.PCAP.KD", "remittances": "BX.TRF.PWKR.DT.GD.ZS",
                            "remit_usd": "BX.TRF.PWKR.CD.DT", "population": "SP.POP.TOTL",
                            "invest": "NE.GDI.TOTL.ZS"},
                           wdi, countries="developing",
                           classification=data / "classifications" / "OGHIST_2025_10_07.xlsx",
                           years=YEARS)
    d = panel.data
    n_years = YEARS[1] - YEARS[0] + 1
    complete = d.notna().all(axis=1).groupby(level=0).sum() == n_years
    positive = ((d["remit_usd"] > 0) & (d["invest"] > 0)).groupby(level=0).all()
    dependent = d["remittances"].groupby(level=0).mean() >= 5
    keep = complete.index[complete & positive & dependent].tolist()
    print(f"Sample: {len(keep)} of {panel.n_entities} developing countries have complete "
          f"data {YEARS[0]}-{YEARS[1]} and remittances >= 5% of GDP on average: "
          f"{', '.join(keep)}")
    sub = panel.subset(countries=keep)
    return sub.with_columns({"log_gdppc": np.log(sub["gdppc"]),
                             "log_remit_pc": np.log(sub["remit_usd"] / sub["population"]),
                             "log_invest": np.log(sub["invest"])})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder with wdi/ and classifications/ (../shared/data)")
    args = parser.parse_args(argv)
    if not (args.data / "wdi" / "long").is_dir():
        print(f"The real WDI files are not in {args.data}; pass --data <folder>.")
        return
    panel = real_panel(args.data)

    print("\n1. Unit roots (Im-Pesaran-Shin, intercept, lags by BIC): H0 unit root")
    for v in ("log_gdppc", "log_remit_pc", "log_invest"):
        level = mg.im_pesaran_shin(panel, v, trend="trend", lags="bic", max_lags=2)
        diffs = panel.with_columns({f"D_{v}": panel[v] - panel[v].groupby(level=0).shift()})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mg.errors.DroppedDataWarning)
            first = mg.im_pesaran_shin(diffs.dropna([f"D_{v}"]), f"D_{v}", lags="bic",
                                       max_lags=2)
        print(f"   {v:12s} level (with trend): p = {level.pvalue:.3f};   "
              f"first difference: p = {first.pvalue:.3f}")

    print("\n2. Cointegration of log_gdppc, log_remit_pc, log_invest: H0 no cointegration")
    formula = "log_gdppc ~ log_remit_pc + log_invest"
    pedroni = mg.cointegration(panel, formula, test="pedroni", time_demean=True)
    print(pedroni.table.round(3).to_string())
    kao = mg.cointegration(panel, formula, test="kao", check_i2=False)
    print(kao.table.round(3).to_string())
    reps = 19 if FAST else 199
    west = mg.cointegration(panel, formula, test="westerlund", lags=1, bootstrap=reps, seed=1,
                            check_i2=False)
    print(f"Westerlund, bootstrap p-values from {reps} replications (robust to "
          "cross-section dependence):")
    print(west.table.round(3).to_string())
    smallest = min(float(pedroni.table["pvalue"].min()), float(kao.table["pvalue"].min()),
                   float(west.table["boot_pvalue"].min()))
    if smallest > 0.10:
        print(f"   No statistic rejects 'no cointegration' at 10% (smallest p = {smallest:.3f}): "
              "the long-run coefficients below are not supported as a cointegrating "
              "relation in this sample.")

    print("\n3. ARDL(1,1) in error-correction form")
    results = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", mg.errors.EstimationWarning)
        for est in ("pmg", "mg", "dfe"):
            results[est] = mg.ardl(formula, panel, lags=(1, 1), estimator=est)
    # Each warning names the units concerned; none is hidden.
    for w in caught:
        print(f"   note: {w.message}")
    h_pmg = mg.hausman(results["mg"], results["pmg"], method="sigmamore")
    h_dfe = mg.hausman(results["mg"], results["dfe"], method="sigmamore")
    print(f"   {h_pmg}\n   {h_dfe}")
    if h_pmg.stat < 0:
        print("   Hausman MG vs PMG: the statistic is negative (V_MG - V_PMG is not positive "
              "definite), so the test cannot choose; with few countries the MG estimates "
              "are imprecise")
    else:
        choice = "PMG" if h_pmg.pvalue > 0.05 else "MG"
        print(f"   Hausman choice: {choice} (common long-run coefficients "
              f"{'not rejected' if choice == 'PMG' else 'rejected'} at 5%)")
    table = mg.regression_table(list(results.values()),
                                labels={"log_remit_pc": "Log remittances per head",
                                        "log_invest": "Log investment (% GDP)",
                                        "D.log_remit_pc": "D. log remittances per head",
                                        "D.log_invest": "D. log investment"},
                                title="Long-run effect of remittances on log GDP per capita")
    print(table.to_text())
    pmg = results["pmg"]
    print(f"PMG long-run elasticity of output per capita to remittances per head: "
          f"{pmg.params['log_remit_pc']:.3f} (s.e. {pmg.std_errors['log_remit_pc']:.3f}); "
          f"mean adjustment speed {pmg.params['ec']:.3f}; likelihood "
          f"{'maximised' if pmg.stats['converged'] else 'NOT maximised'}")


if __name__ == "__main__":
    main(sys.argv[1:])
