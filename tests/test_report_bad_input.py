"""Bad input to the report writers: clear errors naming what was expected."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from report_fixtures import fixed_effects, pooled, system_gmm

import migecon as mg
from migecon.errors import MigeconError, SpecificationError
from migecon.report.render import MissingDependencyError


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"se": "stderr"}, "se must be one of 'std_errors', 'tstats', 'conf_int', 'pvalues'"),
    ({"stars": (0.01, 0.05)}, "largest first"),
    ({"stars": (0.1, 1.5)}, "between 0 and 1"),
    ({"order": ["remitances"]}, r"order names \['remitances'\], which no model estimates"),
    ({"drop": ["nothing"]}, "drop names"),
    ({"keep": ["x"]}, "keep names"),
    ({"groups": {"A": ["remittances"], "B": ["remittances"]}}, "is in two groups"),
    ({"groups": {"Tech": ["broadband"]}}, "none of which any model estimates"),
    ({"groups": {"Tech": "internet"}}, "must list terms"),
    ({"column_labels": ["only one"]}, r"one label per model \(2\)"),
    ({"column_groups": [("A", 1)]}, "add up to the 2 models"),
    ({"stats": ["nobs", "bic"]}, "unknown statistic 'bic'"),
    ({"stat_labels": {"obs": "N"}}, "stat_labels names unknown rows"),
    ({"add_rows": {"Controls": ["Yes"]}}, r"one entry per model \(2\)"),
    ({"digits": -1}, "digits must be an integer"),
    ({"level": 95}, "level must be between 0 and 1"),
])
def test_table_options_are_validated(kwargs: dict, message: str) -> None:
    with pytest.raises(SpecificationError, match=message):
        mg.regression_table([pooled(), fixed_effects()], **kwargs)


def test_table_needs_results() -> None:
    with pytest.raises(SpecificationError, match="at least one result"):
        mg.regression_table([])
    with pytest.raises(SpecificationError, match=r"result 2 is a dict.*Result.from_dict"):
        mg.regression_table([pooled(), pooled().to_dict()])  # type: ignore[list-item]


def test_unknown_extension_lists_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(SpecificationError, match=r"cannot tell the table format.*\.tex"):
        mg.regression_table(pooled()).save(tmp_path / "table.pdf")
    with pytest.raises(SpecificationError, match="table format must be one of"):
        mg.regression_table(pooled()).save(tmp_path / "table.tex", format="pdf")


@pytest.mark.parametrize(("module", "method", "extra"), [
    ("openpyxl", "to_xlsx", "excel"), ("docx", "to_docx", "word")])
def test_missing_optional_dependency_names_the_extra(monkeypatch: pytest.MonkeyPatch,
                                                     module: str, method: str,
                                                     extra: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes "import module" fail
    with pytest.raises(MissingDependencyError, match=rf"pip install 'migecon\[{extra}\]'"):
        getattr(mg.regression_table(pooled()), method)()
    assert issubclass(MissingDependencyError, MigeconError)
    assert issubclass(MissingDependencyError, ImportError)


def test_figure_inputs_are_validated(sim_panel: mg.Panel) -> None:
    with pytest.raises(SpecificationError, match="not estimated by any model"):
        mg.coefplot(pooled(), terms=["broadband"])
    with pytest.raises(SpecificationError, match="model_labels needs 1 entries"):
        mg.coefplot(pooled(), model_labels=["a", "b"])
    with pytest.raises(SpecificationError, match=r"variables \['gdp'\] not in the panel"):
        mg.trends_plot(sim_panel, ["gdp"])
    with pytest.raises(SpecificationError, match=r"not in the panel, e\.g\."):
        mg.trends_plot(sim_panel, ["growth"], entities=["MEX"])
    with pytest.raises(SpecificationError, match="statistic must be"):
        mg.trends_plot(sim_panel, ["growth"], statistic="max")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="pooled or fixed-effects result"):
        mg.partial_regression_plot(system_gmm(), sim_panel, "remittances")
    with pytest.raises(SpecificationError, match="not a slope of this model"):
        mg.partial_regression_plot(fixed_effects(), sim_panel, "diaspora")
    with pytest.raises(SpecificationError, match="no interaction term"):
        mg.marginal_effects(pooled(), "remittances", "internet", [1.0])
    with pytest.raises(SpecificationError, match="not a term of the model"):
        mg.marginal_effects(pooled(), "remittances", "findepth", [1.0])
    with pytest.raises(SpecificationError, match="carries GMM diagnostics"):
        mg.gmm_diagnostics_plot([pooled()])
    with pytest.raises(SpecificationError, match=r"results \[2\] do not estimate 'diaspora'"):
        mg.specification_curve([pooled(), fixed_effects()], "diaspora")
    with pytest.raises(SpecificationError, match="at least two results"):
        mg.specification_curve([pooled()], "remittances")


def test_figure_format_from_extension(tmp_path: Path) -> None:
    fig = mg.coefplot(pooled())
    with pytest.raises(SpecificationError, match=r"\.png, \.pdf, \.svg"):
        mg.save_figure(fig, tmp_path / "coef.jpg")
