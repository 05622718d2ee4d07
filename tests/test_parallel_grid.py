"""Specification grids and the one `parallel=` option (serial, processes, Dask).

The Dask tests start a real LocalCluster with two worker processes on 127.0.0.1
and require the results to equal the serial ones exactly.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import EstimationWarning, MissingDependencyError, SpecificationError
from migecon.parallel import map_tasks, resolve
from migecon.simulate import StaticGrowthDGP, fit_spec

CONTROLS = ["investment", "trade"]


@pytest.fixture(scope="module")
def panel() -> mg.Panel:
    return mg.load_dataset("remittances_sim")


def _grid(panel: mg.Panel, **kwargs):
    options = {"outcome": "growth", "treatment": "remittances", "controls": CONTROLS,
               "estimators": ["pooled", "fe"], "cov_types": ["robust", "clustered"],
               "progress": False, **kwargs}
    return mg.specification_grid(panel, **options)


# ------------------------------------------------------------------- backends
def test_resolve_values():
    assert resolve(None).kind == "serial"
    assert resolve(1).kind == "serial"
    assert resolve("sequential").kind == "serial"
    assert (resolve(3).kind, resolve(3).n_jobs) == ("processes", 3)
    assert (resolve("threading").kind, resolve("threading").joblib_backend) == (
        "joblib", "threading")
    assert resolve(None, n_jobs=2).n_jobs == 2  # the older alias


@pytest.mark.parametrize("value, message", [
    (0, "positive number of workers"),
    (-3, "positive number of workers"),
    (True, "parallel must be None"),
    ("spark", "not a known backend"),
    (2.5, "parallel must be None"),
])
def test_resolve_refuses(value, message):
    with pytest.raises(SpecificationError, match=message):
        resolve(value)


def test_resolve_refuses_both_names():
    with pytest.raises(SpecificationError, match="not both"):
        resolve(2, n_jobs=3)


def test_dask_without_a_client_says_how_to_start_one():
    pytest.importorskip("distributed")
    with pytest.raises(SpecificationError, match=r"no active dask\.distributed Client.*"
                                                 r"LocalCluster"):
        resolve("dask")


def test_dask_missing_package_is_named(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    with pytest.raises(MissingDependencyError, match=r"migecon\[dask\]"):
        resolve("dask")


def test_map_tasks_keeps_task_order_on_processes():
    seen: list[int] = []
    out = map_tasks(np.negative, list(range(12)), parallel=2,
                    on_result=lambda i, _value: seen.append(i))
    assert out == [-i for i in range(12)]
    assert seen == list(range(12))


# ------------------------------------------------------------------- the grid
def test_grid_enumerates_every_combination_in_a_fixed_order(panel):
    grid = _grid(panel)
    table = grid.table
    # 2 estimators x 4 control subsets x 2 covariance types
    assert len(table) == 16
    assert list(table["spec"]) == list(range(16))
    assert list(table["controls"][:8:2]) == ["(none)", "investment", "trade",
                                            "investment + trade"]
    assert list(table["estimator"].unique()) == ["pooled", "fe"]
    assert list(table["cov_type"][:2]) == ["robust", "clustered"]
    assert (table["error"] == "").all()
    assert len(grid.results) == 16


def test_grid_cells_equal_the_fits_they_describe(panel):
    grid = _grid(panel)
    row = grid.table.iloc[13]  # fe, investment + trade? find it by its choices instead
    formula = "growth ~ remittances"
    if row["controls"] != "(none)":
        formula += " + " + row["controls"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mg.errors.DroppedDataWarning)
        direct = mg.fit(formula, panel, estimator=row["estimator"], cov_type=row["cov_type"])
    assert row["estimate"] == direct.params["remittances"]
    assert row["std_error"] == direct.std_errors["remittances"]
    assert row["pvalue"] == direct.pvalues["remittances"]
    assert row["nobs"] == direct.nobs
    assert "DroppedDataWarning" in row["warnings"]  # the fit's warnings are kept per cell


def test_grid_given_sets_samples_periods_and_options(panel):
    first = panel.entities[:60]
    grid = mg.specification_grid(
        panel, outcome="growth", treatment="remittances",
        controls=[["investment"], ["investment", "trade", "internet"]],
        estimators={"FE small": {"estimator": "fe", "small_sample": "stata"}},
        cov_types=["clustered"],
        samples={"all": None, "first half": first, "no SIM001": {"exclude": ["SIM001"]},
                 "balanced": lambda p: p.subset(years=(2000, 2010))},
        periods=[(1990, 2022), (2005, 2022)], progress=False)
    table = grid.table
    assert len(table) == 2 * 4 * 2
    assert set(table["sample"]) == {"all", "first half", "no SIM001", "balanced"}
    assert set(table["period"]) == {"1990-2022", "2005-2022"}
    half = table[(table["sample"] == "first half") & (table["period"] == "1990-2022")]
    assert (half["n_entities"] <= 60).all()
    late = table[(table["sample"] == "all") & (table["period"] == "2005-2022")]
    full = table[(table["sample"] == "all") & (table["period"] == "1990-2022")]
    assert (late["nobs"].to_numpy() < full["nobs"].to_numpy()).all()
    assert all("small-sample" in r.cov_info.description or r.cov_info.small_sample
               for r in grid.results if r is not None)


def test_grid_gmm_shortcut(panel):
    grid = mg.specification_grid(panel, outcome="growth", treatment="remittances",
                                 controls=[["investment"]], estimators=["gmm-system"],
                                 cov_types=["robust", "clustered"], progress=False)
    # GMM has its own covariance: one cell, not one per cov_type
    assert len(grid.table) == 1
    assert grid.results[0].estimator == "gmm-system"


def test_grid_keeps_failed_cells_and_warns(panel):
    with pytest.warns(EstimationWarning, match="1 of 2 specifications could not be estimated"):
        grid = mg.specification_grid(
            panel, outcome="growth", treatment="remittances", controls=[[], ["no_such"]],
            estimators=["pooled"], cov_types=["robust"], progress=False)
    assert grid.table["error"].iloc[1].startswith(("SpecificationError", "DataError"))
    assert "no_such" in grid.table["error"].iloc[1]
    assert grid.results[1] is None


def test_grid_with_no_valid_specification_is_an_error(panel):
    with pytest.raises(SpecificationError, match="no specification of the grid could be "
                                                 r"estimated \(2 tried\)"):
        mg.specification_grid(panel, outcome="growth", treatment="not_a_column",
                              controls=["investment"], estimators=["fe"],
                              cov_types=["robust"], progress=False)


@pytest.mark.parametrize("kwargs, message", [
    ({"controls": "investment"}, "list of names"),
    ({"controls": ["investment", ["trade"]]}, "not a mix"),
    ({"estimators": []}, "at least one estimator"),
    ({"cov_types": []}, "at least one covariance"),
    ({"samples": {}}, "at least one sample"),
    ({"samples": {"x": 3}}, "sample 'x': expected None"),
    ({"periods": [(1990,)]}, r"\(first, last\) pair"),
    ({"controls": [f"c{i}" for i in range(17)]}, "131,072 subsets"),
])
def test_grid_bad_input(panel, kwargs, message):
    with pytest.raises(SpecificationError, match=message):
        _grid(panel, **kwargs)


def test_grid_curve_uses_the_grid_choices(panel):
    fig = _grid(panel).plot(labels={"investment": "Investment (% GDP)"})
    ticks = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert "Estimator: pooled" in ticks and "SE: clustered" in ticks
    assert "Investment (% GDP)" in ticks


# ------------------------------------------------------------------- checkpoints
def test_checkpoint_resumes_an_interrupted_grid(panel, tmp_path):
    path = tmp_path / "grid.jsonl"
    full = _grid(panel, checkpoint=path)
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["migecon_grid"] == 1
    assert len(lines) == 1 + 8  # header + one line per fit (2 cov types per line)
    # interrupt: keep three finished fits and half of the fourth line
    path.write_text("\n".join(lines[:4]) + "\n" + lines[4][: len(lines[4]) // 2])
    with pytest.warns(EstimationWarning, match="1 incomplete line"):
        resumed = _grid(panel, checkpoint=path)
    assert resumed.resumed == 3
    pd.testing.assert_frame_equal(resumed.table, full.table)
    # a complete checkpoint: nothing is fitted again
    again = _grid(panel, checkpoint=path)
    assert again.resumed == 8
    pd.testing.assert_frame_equal(again.table, full.table)


def test_checkpoint_of_another_grid_is_refused(panel, tmp_path):
    path = tmp_path / "grid.jsonl"
    _grid(panel, checkpoint=path)
    with pytest.raises(SpecificationError, match="written for another grid or panel"):
        _grid(panel, checkpoint=path, cov_types=["robust"])


def test_grid_on_local_processes_equals_serial(panel):
    serial = _grid(panel)
    local = _grid(panel, parallel=2)
    pd.testing.assert_frame_equal(local.table, serial.table)


# ------------------------------------------------------------------- Dask
@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_grid_on_a_dask_cluster_equals_serial(panel, dask_client):
    serial = _grid(panel)
    on_dask = _grid(panel, parallel="dask")
    pd.testing.assert_frame_equal(on_dask.table, serial.table)
    assert on_dask.backend.startswith("Dask cluster at tcp://127.0.0.1")


def test_monte_carlo_on_a_dask_cluster_equals_serial(dask_client):
    dgp = StaticGrowthDGP(n_countries=25, n_years=8)
    specs = {"FE": fit_spec("growth ~ remittances", estimator="fe", cov_type="clustered")}
    serial = mg.monte_carlo(dgp, specs, reps=12, seed=7, progress=False)
    on_dask = mg.monte_carlo(dgp, specs, reps=12, seed=7, progress=False, parallel="dask")
    cols = [c for c in serial.draws.columns if c != "worker"]
    pd.testing.assert_frame_equal(on_dask.draws[cols], serial.draws[cols])
    pd.testing.assert_frame_equal(on_dask.table, serial.table)
    assert on_dask.n_workers == 2  # both worker processes took replications


def test_wild_bootstrap_on_a_dask_cluster_equals_serial(panel, dask_client):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mg.errors.DroppedDataWarning)
        res = mg.fit("growth ~ remittances + investment", panel, estimator="fe",
                     cov_type="clustered")
    # 45,000 draws: three blocks of 20,000 rows, computed on different workers
    serial = mg.wild_bootstrap(res, "remittances", B=45_000, seed=3, weights="webb",
                               progress=False)
    on_dask = mg.wild_bootstrap(res, "remittances", B=45_000, seed=3, weights="webb",
                                progress=False, parallel="dask")
    assert on_dask.pvalue == serial.pvalue
    assert on_dask.conf_int == serial.conf_int
    np.testing.assert_array_equal(on_dask.t_boot, serial.t_boot)


def _cointegrated_panel(n: int = 6, t: int = 40, seed: int = 0) -> mg.Panel:
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(size=(n, t)), axis=1)
    y = 1.0 + x + rng.normal(scale=0.5, size=(n, t))
    frame = pd.DataFrame({"unit": np.repeat([f"U{i}" for i in range(n)], t),
                          "year": np.tile(np.arange(2000, 2000 + t), n),
                          "y": y.ravel(), "x1": x.ravel()})
    return mg.Panel.from_frame(frame, entity="unit", time="year")


@pytest.mark.parametrize("parallel", [2, "dask"])
def test_panel_test_bootstraps_equal_serial_on_any_backend(parallel, request):
    if parallel == "dask":
        request.getfixturevalue("dask_client")
    panel = mg.HeterogeneousSlopesDGP(n_countries=12, n_years=20).simulate(seed=5)
    serial = mg.dumitrescu_hurlin(panel, "growth ~ remittances", lags=1, bootstrap=60, seed=1)
    other = mg.dumitrescu_hurlin(panel, "growth ~ remittances", lags=1, bootstrap=60, seed=1,
                                 parallel=parallel)
    assert other.pvalue == serial.pvalue and other.note == serial.note
    coint = _cointegrated_panel()
    a = mg.cointegration(coint, "y ~ x1", test="westerlund", bootstrap=20, seed=5,
                         check_i2=False)
    b = mg.cointegration(coint, "y ~ x1", test="westerlund", bootstrap=20, seed=5,
                         check_i2=False, parallel=parallel)
    pd.testing.assert_frame_equal(a.table, b.table)
