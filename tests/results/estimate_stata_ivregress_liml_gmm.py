"""Extract Stata's ivregress liml / gmm output on hsng.dta, as stored by linearmodels.

Source: linearmodels (github bashtage/linearmodels), linearmodels/tests/iv/results/
stata-iv-housing-results.txt, written by execute-stata.py beside it (Stata 13):
``ivregress {liml|gmm} rent pcturban (hsngval = faminc i.region)`` with
``vce(unadjusted|robust|cluster division)`` (for gmm: ``wmatrix(...)``), without
``small`` ("asymptotic" sections); estout cells b and t with %13.12g, stats
(rss, rmse, kappa or J, chi2) and e(V). Values are kept as printed.

Run: python tests/results/estimate_stata_ivregress_liml_gmm.py (needs linearmodels).
"""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

KEYS = [f"{m}-{v}-asymptotic" for m in ("liml", "gmm") for v in ("unadjusted", "robust",
                                                                  "cluster")]


def parse(text: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for block in text.split("########## !")[1:]:
        name, body = block.split("! ##########", 1)
        lines = [ln for ln in body.splitlines() if ln.strip()]
        coef: dict[str, str] = {}
        i = 2
        while not lines[i].startswith("r2\t"):
            term, b = lines[i].split("\t")
            coef[term] = b.strip()
            i += 2
        stats: dict[str, str] = {}
        while not lines[i].startswith("*********"):
            key, _, value = lines[i].partition("\t")
            stats.setdefault(key, value.strip())
            i += 1
        header = lines[i + 2].split("\t")[1:]
        var = {}
        for row in lines[i + 3:i + 3 + len(header)]:
            cells = row.split("\t")
            var[cells[0]] = cells[1 + header.index(cells[0])]
        out[name] = {"coef": coef, "stats": stats, "V_diag": var}
    return out


def main() -> None:
    src = importlib.resources.files("linearmodels.tests.iv.results")
    parsed = parse((src / "stata-iv-housing-results.txt").read_text())
    option = {"unadjusted": "unadjusted", "robust": "robust", "cluster": "cluster division"}
    result: dict[str, object] = {
        "_about": __doc__.split("\n\n")[1].replace("\n", " "),
        "_source": "linearmodels 7.x, linearmodels/tests/iv/results/"
                   "stata-iv-housing-results.txt (Stata 13 output); data: housing.csv "
                   "beside it (Stata's hsng.dta); extracted by tests/results/"
                   "estimate_stata_ivregress_liml_gmm.py",
    }
    for key in KEYS:
        method, vcv, _ = key.split("-")
        opt = ("wmatrix" if method == "gmm" else "vce") + f"({option[vcv]})"
        result[key] = {"command": f"ivregress {method} rent pcturban (hsngval = faminc "
                                  f"i.region), {opt}", **parsed[key]}
    Path(__file__).with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
