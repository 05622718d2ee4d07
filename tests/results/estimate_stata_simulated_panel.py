"""Extract Stata output stored by linearmodels into estimate_stata_simulated_panel.json.

Source: linearmodels (github bashtage/linearmodels), file
linearmodels/tests/panel/results/stata-panel-simulated-results.txt, written by Stata 13
(execute-stata-simulated-data.py beside it: ``xtset firm_id time``, estout cells
b t p with %13.12g, stats, and e(V)) on simulated-panel.dta (1000 firms x 3 years;
``_light``/``_heavy`` variables have 5%/20% of values set missing, so the estimation
samples are unbalanced). Values are kept as the strings Stata printed.

Run: python tests/results/estimate_stata_simulated_panel.py (needs linearmodels installed).
"""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

SECTIONS = [
    "random_effect-conventional--_light", "random_effect-conventional--_heavy",
    "random_effect-cluster--_light", "random_effect-cluster--_heavy",
    "random_effect-conventional--",
    "pooled-conventional-weighted-", "pooled-robust-weighted-", "pooled-cluster-weighted-",
    "pooled-conventional-weighted-_heavy", "pooled-cluster-weighted-_heavy",
    "fixed_effect-conventional-weighted-", "fixed_effect-robust-weighted-",
    "fixed_effect-cluster-weighted-",
    "fixed_effect-conventional-weighted-_heavy", "fixed_effect-cluster-weighted-_heavy",
]
STATS = ("N", "N_g", "Tbar", "sigma_e", "sigma_u", "rho", "rmse", "r2", "r2_w", "r2_b", "r2_o",
         "df_r", "rss", "F")


def parse(text: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for block in text.split("#################!")[1:]:
        name, body = block.split("!####################", 1)
        lines = [ln for ln in body.splitlines() if ln.strip()]
        coef: dict[str, str] = {}
        stats: dict[str, str] = {}
        i = 2  # "." and "b/t/p"
        while i < len(lines) and not lines[i].startswith("rss"):
            term, b = lines[i].split("\t")
            coef[term] = b.strip()
            i += 3
        while i < len(lines) and not lines[i].startswith("*********"):
            key, _, value = lines[i].partition("\t")
            if key in STATS and value.strip():
                stats[key] = value.strip()
            i += 1
        header = lines[i + 2].split("\t")[1:]
        var: dict[str, str] = {}
        for row in lines[i + 3:i + 3 + len(header)]:
            cells = row.split("\t")
            var[cells[0]] = cells[1 + header.index(cells[0])]
        out[name] = {"coef": coef, "stats": stats, "V_diag": var}
    return out


def main() -> None:
    src = importlib.resources.files("linearmodels.tests.panel.results")
    parsed = parse((src / "stata-panel-simulated-results.txt").read_text())
    commands = {
        "random_effect-conventional": "xtreg {vars}, re vce(conventional)",
        "random_effect-cluster": "xtreg {vars}, re vce(cluster firm_id)",
        "pooled-conventional-weighted": "regress {vars} [aweight=w], vce(ols)",
        "pooled-robust-weighted": "regress {vars} [aweight=w], vce(robust)",
        "pooled-cluster-weighted": "regress {vars} [aweight=w], vce(cluster firm_id)",
        "fixed_effect-conventional-weighted": "xtreg {vars} [aweight=w], fe vce(conventional)",
        "fixed_effect-robust-weighted": "xtreg {vars} [aweight=w], fe vce(robust)",
        "fixed_effect-cluster-weighted": "xtreg {vars} [aweight=w], fe vce(cluster firm_id)",
    }
    result: dict[str, object] = {
        "_about": __doc__.split("\n\n")[1].replace("\n", " "),
        "_source": "linearmodels 7.x, linearmodels/tests/panel/results/"
                   "stata-panel-simulated-results.txt (Stata 13 output) and "
                   "simulated-panel.dta; extracted by tests/results/"
                   "estimate_stata_simulated_panel.py",
        "_tolerances": "estout %13.12g prints 12 significant digits (fewer in e-notation)",
    }
    for name in SECTIONS:
        model, vcv, weights, missing = name.split("-")
        variables = " ".join(v + missing for v in ("y", "x1", "x2", "x3", "x4", "x5"))
        key = "-".join(p for p in (model, vcv, weights) if p)
        result[name] = {"command": commands[key].format(vars=variables), **parsed[name]}
    Path(__file__).with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
