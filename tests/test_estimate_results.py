"""The Result: accessors, serialisation, summaries; and the `migecon fit` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import migecon as mg
from migecon.cli import main


def _panel() -> mg.Panel:
    rng = np.random.default_rng(2)
    n, t = 15, 7
    df = pd.DataFrame({"iso3": np.repeat([f"C{i:02d}" for i in range(n)], t),
                       "year": np.tile(np.arange(2010, 2010 + t), n),
                       "x": rng.normal(size=n * t), "w": rng.normal(size=n * t),
                       "region": np.repeat(np.arange(n) % 4, t).astype(float)})
    df["y"] = 0.5 * df["x"] + rng.normal(size=n * t)
    return mg.Panel.from_frame(df, entity="iso3", time="year")


def test_accessors_and_t_intervals_with_cluster_df() -> None:
    res = mg.fit("y ~ x + w", _panel(), estimator="fe", cov_type="clustered",
                 cluster="region", small_sample="stata")
    assert res.cov_info.n_clusters == 4 and res.cov_info.df_resid == 3
    crit = stats.t.ppf(0.975, 3)
    ci = res.conf_int()
    np.testing.assert_allclose(ci["upper"] - res.params, crit * res.std_errors, rtol=1e-12)
    assert res.pvalues["x"] == pytest.approx(2 * stats.t.sf(abs(res.tstats["x"]), 3))
    tidy = res.tidy()
    assert list(tidy.columns) == ["term", "estimate", "std_error", "tstat", "pvalue",
                                  "conf_low", "conf_high"]
    assert res.stats["n_clusters"] == 4
    assert res.df_resid == 105 - 15 - 2 and res.df_model == 2
    assert "clustered by region (4 clusters), Stata small-sample factors" in res.summary
    assert res.resid is not None and len(res.resid) == res.nobs


def test_to_dict_round_trip_keeps_inference_and_sample() -> None:
    res = mg.fit("y ~ x + w", _panel(), estimator="re", re_method="amemiya",
                 cov_type="clustered")
    text = json.dumps(res.to_dict())
    back = mg.Result.from_dict(json.loads(text))
    pd.testing.assert_series_equal(back.params, res.params)
    pd.testing.assert_series_equal(back.std_errors, res.std_errors)
    assert back.cov_info == res.cov_info
    assert back.stats == pytest.approx(dict(res.stats))
    assert back.df_resid == res.df_resid and back.model_name == res.model_name
    assert back.sample is not None and res.sample is not None
    assert list(back.sample) == list(res.sample)
    assert back.resid is None and back.fit_data is None


def test_cli_fit_writes_json_and_refuses_to_overwrite(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    panel_file = tmp_path / "panel.csv"
    _panel().to_frame().to_csv(panel_file, index=False)
    out = tmp_path / "res.json"
    argv = ["fit", "y ~ x + w", "--data", str(panel_file), "--entity", "iso3", "--time",
            "year", "--estimator", "fe", "--effects", "twoway", "--cov-type", "clustered",
            "--cluster", "iso3", "--small-sample", "stata", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "FE (two-way)" in printed and f"Wrote {out}" in printed
    back = mg.Result.from_dict(json.loads(out.read_text()))
    direct = mg.fit("y ~ x + w", _panel(), estimator="fe", effects="twoway",
                    cov_type="clustered", small_sample="stata")
    np.testing.assert_allclose(back.std_errors, direct.std_errors, rtol=1e-12)
    assert main(argv) == 1
    assert "exists; pass --force" in capsys.readouterr().err
    assert main([*argv, "--force", "--quiet"]) == 0


def test_cli_fit_reads_migecon_parquet_and_reports_bad_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.parquet"
    _panel().to_parquet(str(path))
    assert main(["fit", "y ~ x", "--data", str(path), "--out", str(tmp_path / "a.json"),
                 "--quiet"]) == 0
    capsys.readouterr()
    assert main(["fit", "y ~ nope", "--data", str(path), "--out",
                 str(tmp_path / "b.json")]) == 1
    assert "formula names ['nope'] not found" in capsys.readouterr().err
    csv = tmp_path / "plain.csv"
    _panel().to_frame().to_csv(csv, index=False)
    assert main(["fit", "y ~ x", "--data", str(csv), "--out", str(tmp_path / "c.json")]) == 1
    assert "pass --entity COL --time COL" in capsys.readouterr().err
    assert main(["fit", "y ~ x", "--data", str(path), "--cluster", "iso3", "--out",
                 str(tmp_path / "d.json")]) == 1
    assert "--cluster needs --cov-type clustered" in capsys.readouterr().err
