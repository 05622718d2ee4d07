"""Dynamic fixed effects ARDL: one within regression, long run by the delta method.

``xtpmg ..., dfe`` runs ``xtreg D.y L.y x W, fe`` and transforms the
coefficients with ``nlcom``: ``theta = -b_x / b_L.y``, ``ec = b_L.y``, the
short-run coefficients and the constant unchanged. The within regression is
migecon's own fixed-effects estimator with Stata's finite-sample conventions
(``small_sample="stata"``), conventional or clustered by unit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from migecon.estimate.heterogeneous.ardl_ml import ArdlFit, UnitData
from migecon.estimate.results import CovarianceInfo, Result

__all__ = ["fit_dfe"]


def fit_dfe(units: list[UnitData], labels: list[str], xnames: list[str], srnames: list[str],
            *, cov_type: str, base: dict[str, object]) -> Result:
    """Dynamic fixed effects from the units' error-correction data (see module docstring)."""
    from migecon.estimate.linear.static import fit
    from migecon.panel.core import Panel

    k = len(xnames)
    slopes = [n for n in srnames if n != "const"]
    frames = []
    for lab, u in zip(labels, units, strict=True):
        cols = {"dy": u.dy, "ylag": u.ylag}
        for j in range(k):
            cols[f"x{j}"] = u.x[:, j]
        w = u.w[:, [i for i, n in enumerate(srnames) if n != "const"]]
        for j in range(len(slopes)):
            cols[f"w{j}"] = w[:, j]
        f = pd.DataFrame(cols)
        f["unit"] = lab
        f["t"] = 1900 + np.arange(len(f))  # positions; the within fit uses no lags
        frames.append(f)
    stacked = Panel.from_frame(pd.concat(frames, ignore_index=True), entity="unit", time="t")
    rhs = " + ".join(["ylag", *[f"x{j}" for j in range(k)], *[f"w{j}" for j in range(len(slopes))]])
    extra: dict[str, Any] = {"cluster": "entity"} if cov_type == "clustered" else {}
    red = fit(f"dy ~ {rhs}", stacked, estimator="fe", cov_type=cov_type, small_sample="stata",
              drop_singletons=False, **extra)
    order = ["ylag", *[f"x{j}" for j in range(k)], *[f"w{j}" for j in range(len(slopes))], "const"]
    b = red.params[order].to_numpy()
    v = red.cov.loc[order, order].to_numpy()
    phi, bx = b[0], b[1:1 + k]
    g = np.concatenate([-bx / phi, [phi], b[1 + k:]])
    jac = np.zeros((g.size, b.size))
    jac[:k, 0] = bx / phi ** 2
    jac[:k, 1:1 + k] = -np.eye(k) / phi
    jac[k, 0] = 1.0
    jac[k + 1:, 1 + k:] = np.eye(b.size - 1 - k)
    names = [*xnames, "ec", *slopes, "const"]
    cov = jac @ v @ jac.T
    rmse = float(red.stats.get("rmse", np.nan))
    units_frame = pd.DataFrame({"nobs": [u.nobs for u in units]},
                               index=pd.Index(labels, name="unit"))
    return Result(
        params=pd.Series(g, index=names), cov=pd.DataFrame(cov, index=names, columns=names),
        cov_info=CovarianceInfo(
            cov_type=cov_type,
            description=f"{red.cov_info.description}; long run by the delta method (nlcom)",
            n_clusters=red.cov_info.n_clusters, cluster_by=red.cov_info.cluster_by,
            small_sample="stata", dist="normal", adjustment=red.cov_info.adjustment),
        stats={"rmse": rmse, "xtpmg_sigma": rmse, "n_units": float(len(units)),
               "rsquared_within": float(red.rsquared_within)},
        df_model=float(len(names)), rsquared_within=float(red.rsquared_within),
        fit_data=ArdlFit(units=units_frame, long_run=tuple(xnames),
                         short_run=(*slopes, "const"), lags=()),
        **base,  # type: ignore[arg-type]
    )
