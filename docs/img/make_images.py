"""Regenerate the pictures in docs/reporting.md.

    python docs/img/make_images.py

Figures come straight from migecon (saved at 80 dpi to keep the repository
small; the library's default is 300). Pictures of the LaTeX, Word and Excel
tables need pdflatex, LibreOffice (``soffice``) and pdftoppm (poppler-utils);
those are skipped with a message when the tools are missing.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from PIL import Image

import migecon as mg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "examples"))
from paper_table import employment_table, growth_table  # noqa: E402 (after sys.path)

DPI = 80
GROUPS = {"Remittances": ["remittances"], "Migrant network": ["diaspora"],
          "Technology": ["internet"],
          "Controls": ["investment", "trade", "inflation", "pop_growth"]}
FORMULA = ("growth ~ remittances + diaspora + internet + investment + trade + inflation"
           " + pop_growth")


def shrink(path: Path) -> None:
    """Palette PNG: a fraction of the size, no visible loss for line art."""
    image = Image.open(path).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def save(fig: plt.Figure, name: str) -> None:
    path = HERE / name
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    shrink(path)
    print(f"{path.name}: {path.stat().st_size // 1024} KB")


def figures() -> None:
    panel = mg.load_dataset("remittances_sim")
    models = [mg.fit(FORMULA, panel, estimator="pooled", cov_type="clustered"),
              mg.fit(FORMULA, panel, estimator="fe", effects="twoway", cov_type="clustered"),
              mg.fit(FORMULA, panel, estimator="re", cov_type="clustered")]
    save(mg.coefplot(models, panel=panel, groups=GROUPS,
                     title="Growth equation, three estimators"), "coefplot.png")
    save(mg.coverage_heatmap(panel, "remittances"), "coverage.png")
    countries = panel.entities
    regions = {"Countries 1-40": countries[:40], "Countries 41-80": countries[40:80],
               "Countries 81-120": countries[80:]}
    save(mg.trends_plot(panel, ["remittances", "growth"], groups=regions,
                        title="Remittances and growth by group of countries"), "trends.png")
    save(mg.partial_regression_plot(models[1], panel, "remittances"), "partial.png")
    interaction = mg.fit("growth ~ remittances + internet + remittances:internet + investment",
                         panel, estimator="fe", effects="twoway", cov_type="clustered")
    save(mg.marginal_effect_plot(interaction, "remittances", "internet", panel=panel),
         "marginal.png")
    abdata = mg.load_dataset("abdata")
    base = "n L.n L2.n w L.w L(0/2).(k ys) yr*, iv(w L.w L(0/2).(k ys) yr*) twostep robust"
    specs = {"Difference, all lags": "gmm(L.n) nolevel",
             "Difference, collapsed": "gmm(L.n, collapse) nolevel",
             "Difference, lags 2-3": "gmm(L.n, lag(1 2)) nolevel",
             "System, all lags": "gmm(L.n)",
             "System, collapsed": "gmm(L.n, collapse)"}
    gmms = [mg.gmm(base.replace(", iv(", f", {opts} iv("), abdata, time_dummies=True)
            for opts in specs.values()]
    save(mg.gmm_diagnostics_plot(gmms, model_labels=list(specs),
                                 title="Arellano-Bond data: GMM specifications"),
         "gmm_diagnostics.png")
    controls = ["diaspora", "internet", "investment", "trade"]
    curve = []
    for k in range(len(controls) + 1):
        for combo in itertools.combinations(controls, k):
            for estimator in ("pooled", "fe"):
                formula = "growth ~ remittances" + "".join(f" + {c}" for c in combo)
                curve.append(mg.fit(formula, panel, estimator=estimator,
                                    effects="twoway" if estimator == "fe" else "none",
                                    cov_type="clustered"))
    save(mg.specification_curve(curve, "remittances", panel=panel,
                                title="32 specifications of the growth equation"),
         "spec_curve.png")


def tables() -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm missing: table pictures skipped")
        return
    table1, table2 = employment_table([]), growth_table([])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pdfs = {}
        if shutil.which("pdflatex"):
            (tmp / "table.tex").write_text(table1.to_latex(standalone=True))
            subprocess.run(["pdflatex", "-interaction=nonstopmode", "table.tex"], cwd=tmp,
                           capture_output=True, check=True)
            pdfs["table_latex.png"] = tmp / "table.pdf"
        soffice = shutil.which("soffice")
        if soffice:
            table2.save(tmp / "word.docx")
            table2.save(tmp / "excel.xlsx")
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp),
                            str(tmp / "word.docx"), str(tmp / "excel.xlsx")],
                           capture_output=True, check=True, env={"HOME": str(tmp)})
            pdfs["table_word.png"] = tmp / "word.pdf"
            pdfs["table_excel.png"] = tmp / "excel.pdf"
        for name, pdf in pdfs.items():
            subprocess.run([pdftoppm, "-png", "-r", "100", "-singlefile", str(pdf),
                            str(tmp / "page")], check=True)
            page = Image.open(tmp / "page.png").convert("L")
            # Crop to the ink: white margins carry no information.
            box = Image.eval(page, lambda v: 255 - v).getbbox()
            assert box is not None
            left, top, right, bottom = box
            page.crop((left - 12, top - 12, right + 12, bottom + 12)).save(HERE / name)
            shrink(HERE / name)
            print(f"{name}: {(HERE / name).stat().st_size // 1024} KB")


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dropped-row counts are in the tables' samples
        figures()
        tables()
