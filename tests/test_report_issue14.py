"""Issue 14, item 4: tables and figures a growth study relies on."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pytest

import migecon as mg
from migecon.errors import DroppedDataWarning


@pytest.fixture(scope="module")
def panel() -> mg.Panel:
    return mg.load_dataset("remittances_sim")


def test_fe2sls_columns_say_country_effects_yes(panel: mg.Panel) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedDataWarning)
        # diaspora is a weak instrument for remittances here; the table is what is tested
        warnings.filterwarnings("ignore", "weak instruments", mg.errors.EstimationWarning)
        fe2sls = mg.fit("growth ~ investment + [remittances ~ diaspora]", panel,
                        estimator="iv", effects="twoway", cov_type="clustered")
        pooled2sls = mg.fit("growth ~ investment + [remittances ~ diaspora]", panel,
                            estimator="iv", effects="none", cov_type="clustered")
    table = mg.regression_table([fe2sls, pooled2sls])
    text = table.to_text()
    line = next(line for line in text.splitlines() if line.startswith("Country effects"))
    assert line.split()[2:] == ["Yes", "No"], line


def test_coefplot_legend_is_beside_the_data(panel: mg.Panel) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedDataWarning)
        results = [mg.fit("growth ~ remittances + investment", panel, estimator=e)
                   for e in ("pooled", "fe", "re")]
    fig = mg.coefplot(results)
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    box = ax.get_window_extent()
    assert legend.x0 >= box.x1  # right of the axes, not on the estimates
    plt.close(fig)


def test_coverage_heatmap_names_countries_and_has_a_two_colour_legend() -> None:
    import numpy as np
    import pandas as pd

    codes = list(mg.countries.WB_ECONOMIES)[:130]
    rows = [{"iso3": c, "year": y, "x": np.nan if (i + y) % 7 == 0 else 1.0}
            for i, c in enumerate(codes) for y in range(1990, 2000)]
    panel = mg.Panel.from_frame(pd.DataFrame(rows), entity="iso3", time="year")
    fig = mg.coverage_heatmap(panel, "x")
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == 130 and names[0] == "Aruba (ABW)"
    assert len(fig.axes) == 1  # no continuous colour bar for a yes/no quantity
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["observed", "missing"]
    plt.close(fig)
    share = mg.coverage_heatmap(panel)  # the share of variables observed keeps its bar
    assert len(share.axes) == 2
    plt.close(share)


def test_specification_curve_uses_labels_and_model_labels(panel: mg.Panel) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedDataWarning)
        specs = [mg.fit(f, panel, estimator=e) for f in
                 ("growth ~ remittances", "growth ~ remittances + investment")
                 for e in ("pooled", "fe")]
    fig = mg.specification_curve(
        specs, "remittances", labels={"remittances": "Remittances (% GDP)",
                                      "investment": "Investment (% GDP)",
                                      "Pooled OLS": "OLS"},
        model_labels=["Pooled OLS", "Within", "Pooled OLS", "Within"])
    rows = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert rows == ["Investment (% GDP)", "Model: Within", "Model: OLS"]
    assert fig.axes[0].get_ylabel().startswith("Remittances (% GDP)")
    plt.close(fig)
