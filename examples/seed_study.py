"""The seed study: do remittances, diasporas and technology raise growth at home?

The research design of migecon's seed study on a real panel of developing
countries: GDP per capita growth on personal remittances (% of GDP), the
diaspora (emigrants in % of the home population), internet use and the usual
controls, in five-year averages (the diaspora is observed every five years),
estimated by pooled OLS, one-way and two-way fixed effects with standard
errors clustered by country, and random effects, with a Hausman test.

Data:

* with the real-data folder (``--data``, default ``../shared/data`` beside the
  checkout; see its PROVENANCE.md): World Bank WDI files for 1990-2022
  (``mg.build_panel`` with ``mg.sources.WDIFiles``; developing = World Bank
  low and middle income) and UN DESA International Migrant Stock 2020 for the
  diaspora (``mg.sources.UNDESA``);
* with ``--simulated``: the embedded simulated panel ``remittances_sim``
  (clearly marked as simulated, with its true coefficients). Without the data
  folder and without ``--simulated`` the script stops and says how to get the
  files; it never switches to simulated data by itself.

Run::

    python examples/seed_study.py --out seed-study             # real data
    python examples/seed_study.py --simulated --out x          # the embedded panel
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import matplotlib.pyplot as plt

import migecon as mg
from migecon.errors import MigeconWarning

FORMULA = ("growth ~ remittances + diaspora + internet + investment + trade + inflation"
           " + pop_growth")
TERMS = ["remittances", "diaspora", "internet", "investment", "trade", "inflation",
         "pop_growth"]
LABELS = {"remittances": "Remittances (% GDP)", "diaspora": "Diaspora (% population)",
          "internet": "Internet users (%)", "investment": "Investment (% GDP)",
          "trade": "Trade (% GDP)", "inflation": "Inflation (%)",
          "pop_growth": "Population growth (%)", "const": "Constant"}
WDI_CODES = {"growth": "NY.GDP.PCAP.KD.ZG", "remittances": "BX.TRF.PWKR.DT.GD.ZS",
             "internet": "IT.NET.USER.ZS", "investment": "NE.GDI.TOTL.ZS",
             "trade": "NE.TRD.GNFS.ZS", "inflation": "FP.CPI.TOTL.ZG",
             "pop_growth": "SP.POP.GROW"}
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
HOW_TO_GET_DATA = """{data} not found. This study needs, inside one folder (pass it as --data DIR):
  wdi/long, wdi/bulk   World Bank WDI indicator files (CSV; https://data.worldbank.org,
                       an indicator's page -> Download -> CSV; or build them with
                       `migecon build --api ...`), for NY.GDP.PCAP.KD.ZG, BX.TRF.PWKR.CD.DT,
                       NY.GDP.MKTP.CD, IT.NET.USER.ZS, NE.GDI.TOTL.ZS, NE.EXP.GNFS.ZS,
                       NE.IMP.GNFS.ZS, FP.CPI.TOTL.ZG, SP.POP.GROW, SP.POP.TOTL
  migrant_stock/undesa_ims2020_country_totals.csv
                       UN DESA International Migrant Stock 2020, country totals
                       (https://www.un.org/development/desa/pd/content/international-migrant-stock)
Or run on the embedded simulated panel with --simulated."""


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="real-data folder with wdi/ and migrant_stock/ "
                             f"(default {DEFAULT_DATA})")
    parser.add_argument("--simulated", action="store_true",
                        help="use the embedded simulated panel instead of real data")
    parser.add_argument("--years", type=int, nargs=2, default=(1990, 2019),
                        help="first and last year (six five-year periods by default)")
    parser.add_argument("--out", type=Path, default=None, help="folder for table and figure")
    return parser.parse_args(argv)


def real_panel(data: Path, years: tuple[int, int]) -> mg.Panel:
    """WDI indicators and the UN DESA diaspora share for developing countries."""
    wdi = mg.sources.WDIFiles([data / "wdi" / "long", data / "wdi" / "bulk"])
    panel = mg.build_panel(WDI_CODES, wdi, countries="developing", years=years)
    print(mg.panel.build.BuildReport.from_dict(panel.metadata["build_report"]))
    undesa = mg.sources.UNDESA(
        totals=data / "migrant_stock" / "undesa_ims2020_country_totals.csv",
        population=wdi, on_unknown="drop")
    diaspora = mg.build_panel({"diaspora": "diaspora_share"}, undesa, countries=panel.entities,
                              years=years)
    return panel.with_columns({"diaspora": diaspora["diaspora"]},
                              {"diaspora": diaspora.variables["diaspora"]})


def main(argv: list[str] | None = None) -> dict[str, mg.Result]:
    args = parse(argv)
    years = (int(args.years[0]), int(args.years[1]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MigeconWarning)
        if args.simulated:
            print("Simulated data: the embedded panel remittances_sim (--simulated)")
            annual = mg.load_dataset("remittances_sim").subset(years=years)
        elif args.data.is_dir():
            print(f"Real data from {args.data}")
            annual = real_panel(args.data, years)
        else:
            raise SystemExit(HOW_TO_GET_DATA.format(data=args.data))
        panel = annual.transform(average=5)
        models = {
            "Pooled OLS": mg.fit(FORMULA, panel, estimator="pooled", cov_type="clustered"),
            "FE": mg.fit(FORMULA, panel, estimator="fe", cov_type="clustered"),
            "FE two-way": mg.fit(FORMULA, panel, estimator="fe", effects="twoway",
                                 cov_type="clustered"),
            "RE": mg.fit(FORMULA, panel, estimator="re", cov_type="clustered"),
        }
        # The classic Hausman test needs conventional covariances (RE efficient under H0).
        hausman = mg.hausman(mg.fit(FORMULA, panel, estimator="fe"),
                             mg.fit(FORMULA, panel, estimator="re"))
    print(f"\n{panel!r}")
    print("Data decisions reported while estimating (nothing is dropped silently):")
    for message in dict.fromkeys(f"  {w.category.__name__}: {w.message}" for w in caught):
        print(message)
    kind = "simulated" if panel.is_simulated else "World Bank WDI and UN DESA"
    table = mg.regression_table(
        list(models.values()), labels=LABELS, column_labels=list(models),
        title=f"Remittances, diasporas, technology and growth: five-year averages ({kind})",
        notes=[f"Hausman test FE vs RE: chi2({hausman.df:g}) = {hausman.stat:.2f}, "
               f"p = {hausman.pvalue:.3f}."])
    print()
    print(table.to_text())
    fe2 = models["FE two-way"]
    b, se = fe2.params["remittances"], fe2.std_errors["remittances"]
    print(f"\nRemittances, two-way FE: {b:.3f} (s.e. {se:.3f}, {fe2.cov_info.description})")
    if panel.is_simulated:
        print(f"True value in the simulation: {panel.metadata['true_params']['remittances']}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for suffix in ("md", "html", "tex"):
            print(f"wrote {table.save(args.out / f'seed_study.{suffix}')}")
        fig = mg.coefplot([models["Pooled OLS"], fe2, models["RE"]], terms=TERMS,
                          labels=LABELS, title=f"Seed study ({kind})")
        fig.savefig(args.out / "seed_study.png")
        plt.close(fig)
        print(f"wrote {args.out / 'seed_study.png'}")
    return models


if __name__ == "__main__":
    main()
