"""``migecon demo``: the whole journey on the embedded simulated panel.

Loads ``remittances_sim``, estimates the growth equation by pooled OLS, one-way
fixed effects, two-way fixed effects (country-clustered errors) and random
effects with a Hausman test, and writes a regression table (.tex, .html, .md),
a coefficient plot and a coverage heatmap (.png) into one folder. The console
summary sets each estimate beside its true value. Nothing is written outside
the output folder.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migecon.errors import DroppedDataWarning

__all__ = ["DEMO_FORMULA", "DemoOutput", "register", "run_demo"]

DEMO_FORMULA = ("growth ~ remittances + diaspora + internet + investment + trade"
                " + inflation + pop_growth")
LABELS = {
    "remittances": "Remittances (% GDP)",
    "diaspora": "Diaspora (% population)",
    "internet": "Internet users (%)",
    "investment": "Investment (% GDP)",
    "trade": "Trade (% GDP)",
    "inflation": "Inflation (%)",
    "pop_growth": "Population growth (%)",
    "const": "Constant",
}


@dataclass
class DemoOutput:
    """What the demo produced: the results, the Hausman test and the files."""

    results: dict[str, Any]
    hausman: Any
    files: list[Path]
    console: str


def run_demo(out_dir: str | Path = "migecon-demo", *, quiet: bool = False) -> DemoOutput:
    """Run the demo and write its files into ``out_dir`` (created if needed).

    Examples
    --------
    >>> from migecon.demo import run_demo
    >>> out = run_demo(getfixture("tmp_path"), quiet=True)
    >>> sorted(p.suffix for p in out.files)
    ['.html', '.json', '.md', '.png', '.png', '.tex']
    """
    import matplotlib.pyplot as plt

    import migecon as mg

    start = time.perf_counter()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"--out {out} exists and is not a folder; choose another path")
    out.mkdir(parents=True, exist_ok=True)

    panel = mg.load_dataset("remittances_sim")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DroppedDataWarning)
        models = {
            "pooled": mg.fit(DEMO_FORMULA, panel, estimator="pooled",
                             cov_type="clustered"),
            "fe": mg.fit(DEMO_FORMULA, panel, estimator="fe", effects="entity",
                         cov_type="clustered"),
            "fe2": mg.fit(DEMO_FORMULA, panel, estimator="fe", effects="twoway",
                          cov_type="clustered"),
            "re": mg.fit(DEMO_FORMULA, panel, estimator="re", cov_type="clustered"),
        }
        # The Hausman test compares conventional covariances (RE efficient under H0).
        hausman = mg.hausman(mg.fit(DEMO_FORMULA, panel, estimator="fe"),
                             mg.fit(DEMO_FORMULA, panel, estimator="re"))
    dropped_note = _dropped_note(caught)

    table = mg.regression_table(
        list(models.values()), labels=LABELS,
        title="Remittances, diasporas, technology and growth (simulated panel)",
        notes=[f"Hausman test FE vs RE: chi2({hausman.df:g}) = {hausman.stat:.2f}, "
               f"p = {hausman.pvalue:.3f}.", dropped_note])
    files = [table.save(out / "table.tex"), table.save(out / "table.html"),
             table.save(out / "table.md")]
    fig = mg.coefplot([models["pooled"], models["fe2"], models["re"]],
                      terms=["remittances", "diaspora", "internet", "investment", "trade",
                             "inflation", "pop_growth"],
                      labels=LABELS, title="Estimates and true values (simulated panel)")
    files.append(out / "coefplot.png")
    fig.savefig(files[-1])
    plt.close(fig)
    fig = mg.coverage_heatmap(panel, title="Observed share of variables, simulated panel")
    files.append(out / "coverage.png")
    fig.savefig(files[-1])
    plt.close(fig)
    files.append(out / "results.json")
    files[-1].write_text(json.dumps({k: r.to_dict() for k, r in models.items()}, indent=1),
                         encoding="utf-8")

    console = _console(panel, models, hausman, files, time.perf_counter() - start,
                       dropped_note)
    if not quiet:
        print(console)
    return DemoOutput(results=models, hausman=hausman, files=files, console=console)


def _dropped_note(caught: list[warnings.WarningMessage]) -> str:
    for w in caught:
        if issubclass(w.category, DroppedDataWarning):
            return f"Estimation sample: {w.message}."
    return ""


def _console(panel: Any, models: dict[str, Any], hausman: Any, files: list[Path],
             seconds: float, dropped_note: str) -> str:
    truth = panel.metadata["true_params"]
    names = {"pooled": "Pooled", "fe": "FE", "fe2": "FE 2-way", "re": "RE"}
    lines = [
        "migecon demo: remittances, diasporas, technology and growth",
        f"Data: {panel.metadata['description']}",
        "SIMULATED DATA: estimates are compared with the true values of the simulation.",
        dropped_note,
        "",
        f"{'term':<13}{'true':>8}" + "".join(f"{names[k]:>18}" for k in models),
        "-" * (21 + 18 * len(models)),
    ]
    for term, true in truth.items():
        cells = []
        for res in models.values():
            b, se = res.params[term], res.std_errors[term]
            cells.append(f"{b:>9.3f} ({se:.3f})")
        lines.append(f"{term:<13}{true:>8.3f}" + "".join(f"{c:>18}" for c in cells))
    fe2, pooled = models["fe2"], models["pooled"]
    gap_fe = (fe2.params["remittances"] - truth["remittances"]) / fe2.std_errors["remittances"]
    gap_pool = ((pooled.params["remittances"] - truth["remittances"])
                / pooled.std_errors["remittances"])
    lines += [
        "",
        f"Standard errors in parentheses, {fe2.cov_info.description}.",
        f"Remittances: two-way FE is {gap_fe:+.1f} SE from the truth, pooled OLS "
        f"{gap_pool:+.1f} SE (country effects are correlated with remittances).",
        f"{hausman}",
        "",
        "Wrote:",
        *[f"  {p}" for p in files],
        f"Done in {seconds:.1f} s.",
    ]
    return "\n".join(line for line in lines if line is not None)


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        "demo", help="run the end-to-end demo on the embedded simulated panel",
        description="Estimate pooled OLS, FE, two-way FE and RE (with a Hausman test) on the "
                    "embedded simulated panel and write a table (.tex/.html/.md), a "
                    "coefficient plot and a coverage heatmap (.png).")
    parser.add_argument("--out", default="migecon-demo", metavar="DIR",
                        help="output folder (default: ./migecon-demo/)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    run_demo(args.out)
    return 0
