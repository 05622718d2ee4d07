"""Figures: structure (axes, labels, points, lines) and the numbers they draw.

The partial-regression slope is checked against the fixed-effects estimate
(Frisch-Waugh-Lovell), the marginal-effect band against a hand computation
from fixed numbers. Figures are not compared pixel by pixel: fonts and
matplotlib versions move pixels, structure does not.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from PIL import Image
from report_fixtures import fixed_effects, pooled, system_gmm, three_models

import migecon as mg
from migecon.errors import DroppedDataWarning
from migecon.estimate.results import CovarianceInfo, Result, TestResult
from migecon.panel.core import VariableMeta
from migecon.report import partial_regression_data
from migecon.report.style import PALETTE

#: Frisch-Waugh-Lovell is an identity: only floating-point error separates the slopes.
RTOL_FWL = 1e-8


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def small_panel() -> mg.Panel:
    """An unbalanced panel with country and year effects and labelled variables."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(12):
        for t in range(2000, 2012):
            if (i + t) % 7 == 0:  # holes make the panel unbalanced
                continue
            x = rng.normal() + 0.3 * i
            z = rng.normal()
            rows.append({"iso3": f"C{i:02d}", "year": t, "remit": x, "fin": z,
                         "growth": 0.5 * x - 0.2 * z + 0.1 * i + 0.05 * (t - 2000)
                         + rng.normal()})
    return mg.Panel.from_frame(pd.DataFrame(rows), entity="iso3", time="year", variables={
        "remit": VariableMeta(label="Remittances", unit="% of GDP"),
        "fin": VariableMeta(label="Financial depth", unit="% of GDP"),
        "growth": VariableMeta(label="Growth", unit="annual %")})


# -------------------------------------------------------------- coefplot
def test_coefplot_draws_one_point_per_model_and_term_by_name() -> None:
    models = three_models()
    fig = mg.coefplot(models, groups={"Remittances": ["remittances"],
                                      "Network": ["diaspora"]},
                      terms=["internet", "remittances", "diaspora"])
    ax = fig.axes[0]
    markers = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(markers) == 3
    # The FE model has no diaspora: two points, not three.
    assert [len(m.get_xdata()) for m in markers] == [3, 2, 3]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["internet", "Remittances", "remittances", "Network", "diaspora"]
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["Remittances", "Network"]
    # x positions are the estimates, each at its term's row.
    y_of = dict(zip(labels, ax.get_yticks(), strict=True))
    fe = markers[1]
    by_row = {round(float(y), 6): float(x) for x, y in zip(fe.get_xdata(), fe.get_ydata(),
                                                           strict=True)}
    offset = fe.get_ydata()[0] - y_of["internet"]
    assert by_row[round(y_of["remittances"] + offset, 6)] == 0.0853
    assert [m.get_label() for m in markers] == ["Pooled OLS", "FE (two-way)",
                                                "System GMM (two-step)"]
    assert markers[0].get_color() == PALETTE[0]
    intervals = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert [len(c.get_segments()) for c in intervals] == [3, 2, 3]
    assert ax.get_xlabel() == "Estimate with 95% confidence interval"


def test_coefplot_marks_the_truth_of_simulations(sim_panel: mg.Panel) -> None:
    with pytest.warns(DroppedDataWarning):
        res = mg.fit("growth ~ remittances + investment", sim_panel, estimator="fe")
    fig = mg.coefplot(res, panel=sim_panel)
    truth = [line for line in fig.axes[0].get_lines() if line.get_label() == "true value"]
    assert len(truth) == 1 and list(truth[0].get_xdata()) == [0.10, 0.12]
    assert any("Simulated data" in t.get_text() for t in fig.texts)


# ------------------------------------------------------ coverage, trends
def test_coverage_heatmap_cells_are_the_observed_pattern(small_panel: mg.Panel) -> None:
    fig = mg.coverage_heatmap(small_panel, "remit")
    image = fig.axes[0].get_images()[0].get_array()
    assert image.shape == (12, 12)
    # C00 misses 2002 and 2009 ((0 + t) % 7 == 0): exactly those cells are not observed.
    assert list(np.flatnonzero(np.asarray(image[0]) == 0)) == [2, 9]
    assert fig.axes[0].get_title() == "Data coverage: Remittances"
    assert fig.axes[0].get_xlabel() == "year"


def test_trends_for_countries_and_groups(small_panel: mg.Panel) -> None:
    fig = mg.trends_plot(small_panel, ["remit", "growth"], entities=["C01", "C02"])
    assert len(fig.axes) == 2
    assert [len(ax.get_lines()) for ax in fig.axes] == [2, 2]
    assert [ax.get_ylabel() for ax in fig.axes] == ["% of GDP", "annual %"]
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["Remittances", "Growth"]
    line = fig.axes[0].get_lines()[0]
    expected = small_panel["remit"].xs("C01", level=0)
    drawn = pd.Series(line.get_ydata(), index=line.get_xdata()).dropna()
    pd.testing.assert_series_equal(drawn, expected.rename(None).rename_axis(None),
                                   check_index_type=False)

    fig = mg.trends_plot(small_panel, ["remit"], groups={"North": ["C00", "C01"],
                                                          "South": ["C02"]})
    north = fig.axes[0].get_lines()[0]
    assert north.get_label() == "North (2)"
    # 2003: mean of C00 and C01 in 2003 (both observed).
    data = small_panel["remit"]
    by_hand = (data[("C00", 2003)] + data[("C01", 2003)]) / 2
    assert north.get_ydata()[list(north.get_xdata()).index(2003)] == pytest.approx(by_hand)

    fig = mg.trends_plot(small_panel, ["growth"])
    assert len(fig.axes[0].get_lines()) == 1
    assert any(isinstance(c, PolyCollection) for c in fig.axes[0].collections)


# ------------------------------------------------ partial regression (FWL)
@pytest.mark.parametrize(("estimator", "effects"), [
    ("fe", "entity"), ("fe", "twoway"), ("fe", "time"), ("pooled", "entity")])
def test_partial_regression_slope_equals_the_coefficient(small_panel: mg.Panel,
                                                         estimator: str,
                                                         effects: str) -> None:
    res = mg.fit("growth ~ remit + fin", small_panel, estimator=estimator, effects=effects)
    data = partial_regression_data(res, small_panel, "remit")
    assert len(data) == res.nobs
    slope = float(data.x_resid @ data.y_resid / (data.x_resid @ data.x_resid))
    assert slope == pytest.approx(float(res.params["remit"]), rel=RTOL_FWL)

    fig = mg.partial_regression_plot(res, small_panel, "remit")
    ax = fig.axes[0]
    assert len(ax.collections[0].get_offsets()) == res.nobs
    fit_line = ax.get_lines()[0]
    x, y = fit_line.get_xdata(), fit_line.get_ydata()
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(float(res.params["remit"]),
                                                          rel=RTOL_FWL)
    assert ax.get_xlabel().startswith("Remittances (% of GDP)\nnet of other regressors")


def test_partial_regression_names_what_was_partialled_out(small_panel: mg.Panel) -> None:
    res = mg.fit("growth ~ remit", small_panel, estimator="fe", effects="twoway")
    ax = mg.partial_regression_plot(res, small_panel, "remit").axes[0]
    assert ax.get_xlabel() == "Remittances (% of GDP)\nnet of country and year effects"
    assert ax.get_ylabel() == "Growth\nnet of country and year effects"


# ------------------------------------------------------- marginal effects
def _interaction_result() -> Result:
    names = ["remittances", "findepth", "remittances:findepth"]
    cov = pd.DataFrame([[1.0e-4, 0.0, -2.0e-6],
                        [0.0, 4.0e-4, 0.0],
                        [-2.0e-6, 0.0, 1.0e-6]], index=names, columns=names)
    return Result(params=pd.Series([0.2, 0.01, -0.004], index=names), cov=cov,
                  cov_info=CovarianceInfo("robust", "robust", dist="normal"),
                  estimator="fe", dependent="growth", nobs=500)


def test_marginal_effect_band_matches_a_hand_computation() -> None:
    me = mg.marginal_effects(_interaction_result(), "remittances", "findepth", [0, 25, 50])
    # effect(z) = 0.2 - 0.004 z; var(z) = 1e-4 + z² 1e-6 + 2 z (-2e-6)
    #   z = 0:  0.2,  var 1e-4                          -> se 0.01
    #   z = 25: 0.1,  var 1e-4 + 6.25e-4 - 1e-4 = 6.25e-4 -> se 0.025
    #   z = 50: 0.0,  var 1e-4 + 2.5e-3 - 2e-4 = 2.4e-3   -> se 0.048990
    z975 = 1.959963984540054  # 97.5% normal quantile
    np.testing.assert_allclose(me["effect"], [0.2, 0.1, 0.0], atol=1e-15)
    np.testing.assert_allclose(me["std_error"], [0.01, 0.025, np.sqrt(2.4e-3)], rtol=1e-12)
    np.testing.assert_allclose(me["lower"], [0.2 - z975 * 0.01, 0.1 - z975 * 0.025,
                                             -z975 * np.sqrt(2.4e-3)], rtol=1e-12)
    np.testing.assert_allclose(me["upper"], [0.2 + z975 * 0.01, 0.1 + z975 * 0.025,
                                             z975 * np.sqrt(2.4e-3)], rtol=1e-12)
    # The product term may be written either way round.
    swapped = _interaction_result()
    renamed = swapped.params.rename({"remittances:findepth": "findepth:remittances"})
    flipped = Result(params=renamed, cov=swapped.cov.set_axis(renamed.index).set_axis(
        renamed.index, axis=1), cov_info=swapped.cov_info, estimator="fe",
        dependent="growth", nobs=500)
    pd.testing.assert_frame_equal(
        mg.marginal_effects(flipped, "remittances", "findepth", [0, 25, 50]), me)


def test_marginal_effect_plot_draws_the_band() -> None:
    fig = mg.marginal_effect_plot(_interaction_result(), "remittances", "findepth",
                                  values=[0, 25, 50], labels={"findepth": "Financial depth"})
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [0.2, 0.1, 0.0], atol=1e-15)
    band = next(c for c in ax.collections if isinstance(c, PolyCollection))
    vertices = band.get_paths()[0].vertices
    assert vertices[:, 1].max() == pytest.approx(0.2 + 1.959963984540054 * 0.01, rel=1e-12)
    assert ax.get_xlabel() == "Financial depth"


def test_marginal_effect_plot_uses_the_observed_range(small_panel: mg.Panel) -> None:
    res = mg.fit("growth ~ remit + fin + remit:fin", small_panel, estimator="fe")
    fig = mg.marginal_effect_plot(res, "remit", "fin", panel=small_panel)
    ax = fig.axes[0]
    xs = ax.get_lines()[0].get_xdata()
    fin = small_panel["fin"].dropna()
    assert xs.min() == pytest.approx(fin.min()) and xs.max() == pytest.approx(fin.max())
    assert len(xs) == 100
    rug = [line for line in ax.get_lines() if line.get_label() == "observed values"]
    assert len(rug[0].get_xdata()) == res.nobs
    assert ax.get_xlabel() == "Financial depth (% of GDP)"
    assert ax.get_ylabel() == "Effect of Remittances\non Growth"


# ------------------------------------------------------ GMM, spec curve
def test_gmm_diagnostics_plot_shows_each_test_and_instrument_count() -> None:
    second = system_gmm()
    specs = [system_gmm(), Result(
        params=second.params, cov=second.cov, cov_info=second.cov_info,
        estimator="gmm-difference", dependent="growth", nobs=2300, n_entities=118,
        tests={"ar2": TestResult("AR(2)", 0.3, 0.76), "sargan": TestResult("Sargan", 80, 0.02)},
        stats={"n_instruments": 160.0}, model_name="Difference GMM")]
    fig = mg.gmm_diagnostics_plot(specs)
    left, right = fig.axes
    points = {line.get_label(): list(line.get_xdata()) for line in left.get_lines()
              if line.get_linestyle() == "None"}
    assert points == {"AR(1)": [0.0012], "AR(2)": [0.412, 0.76], "Sargan": [0.02],
                      "Hansen": [0.347]}
    bars = [p.get_width() for p in right.patches]
    assert bars == [48.0, 160.0]
    groups = next(line for line in right.get_lines() if line.get_label() == "groups")
    assert list(groups.get_xdata()) == [118.0, 118.0]
    # The second specification has 160 instruments for 118 groups and a Sargan p of
    # 0.02: its label names the two failing checks of mg.gmm_checklist.
    assert [t.get_text() for t in left.get_yticklabels()] == [
        "(1) System GMM (two-step)", "(2) Difference GMM\n2 checks fail: Instruments, Sargan"]


def test_gmm_diagnostics_plot_accepts_one_result() -> None:
    fig = mg.gmm_diagnostics_plot(system_gmm())
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "(1) System GMM (two-step)"]


def test_specification_curve_sorts_estimates_and_marks_choices() -> None:
    models = [pooled(), fixed_effects(), system_gmm()]
    fig = mg.specification_curve(models, "remittances")
    top, bottom = fig.axes
    drawn = np.concatenate([line.get_ydata() for line in top.get_lines()
                            if line.get_marker() == "o"])
    assert sorted(drawn) == [0.052, 0.071, 0.0853]
    filled = next(line for line in top.get_lines() if line.get_label() == "p < 0.05")
    # p-values: pooled 0.013, FE 0.0003 (significant); GMM 0.099 (not).
    assert list(filled.get_ydata()) == [0.052, 0.0853]
    labels = [t.get_text() for t in bottom.get_yticklabels()]
    assert "diaspora" in labels and "L1.growth" in labels
    assert "Model: FE (two-way)" in labels


# --------------------------------------------------------- files, style
@pytest.mark.parametrize("ext", [".png", ".pdf", ".svg"])
def test_figures_save_at_300_dpi_in_every_format(tmp_path: Path, ext: str) -> None:
    fig = mg.coefplot(three_models())
    path = tmp_path / f"coef{ext}"
    fig.savefig(path)
    head = path.read_bytes()[:6]
    assert head.startswith({".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}[ext])
    if ext == ".png":
        dpi = Image.open(path).info["dpi"]
        assert dpi == pytest.approx((300, 300), abs=0.01)
    assert mg.save_figure(fig, tmp_path / f"again{ext}").exists()


def test_library_never_calls_show(monkeypatch: pytest.MonkeyPatch,
                                  small_panel: mg.Panel) -> None:
    def no_show(*args: object, **kwargs: object) -> None:
        raise AssertionError("plt.show() called by library code")

    monkeypatch.setattr(plt, "show", no_show)
    monkeypatch.setattr(plt.Figure, "show", no_show)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = mg.fit("growth ~ remit + fin + remit:fin", small_panel, estimator="fe")
        mg.coefplot(res)
        mg.coverage_heatmap(small_panel)
        mg.trends_plot(small_panel, ["remit"])
        mg.partial_regression_plot(res, small_panel, "fin")
        mg.marginal_effect_plot(res, "remit", "fin", panel=small_panel)
        mg.gmm_diagnostics_plot([system_gmm()])
        mg.specification_curve([pooled(), fixed_effects()], "remittances")


def test_coefplot_merges_lag_spellings() -> None:
    gmm = system_gmm()
    stata = gmm.params.rename({"L1.growth": "L.growth"})
    as_stata = Result(params=stata, cov=gmm.cov.set_axis(stata.index).set_axis(
        stata.index, axis=1), cov_info=gmm.cov_info, estimator="gmm-system",
        dependent="growth", nobs=10)
    ax = mg.coefplot([gmm, as_stata], terms=["L.growth"]).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["L1.growth"]
    markers = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [list(m.get_xdata()) for m in markers] == [[0.312], [0.312]]
