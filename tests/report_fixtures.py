"""Hand-built results with fixed numbers for the report-writer tests.

Regressors are deliberately not in alphabetical order, each model lists them
in a different order, and the fixed-effects model lacks ``diaspora``: a table
writer that aligned rows by position would put numbers in the wrong rows.

The standard errors are chosen so that every coefficient sits clearly inside
one significance band (normal reference distribution); the expected stars in
the tests are written out by hand from the t ratios noted beside each number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from migecon.estimate.results import CovarianceInfo, Result, TestResult


def _result(params: dict[str, tuple[float, float]], **kwargs: object) -> Result:
    names = list(params)
    coefs = pd.Series([b for b, _ in params.values()], index=names, dtype=float)
    cov = pd.DataFrame(np.diag([se ** 2 for _, se in params.values()]), index=names,
                       columns=names)
    return Result(params=coefs, cov=cov, **kwargs)  # type: ignore[arg-type]


def pooled() -> Result:
    """Pooled OLS, clustered errors."""
    return _result(
        {"remittances": (0.052, 0.021),      # t = 2.48, p = 0.013  -> **
         "diaspora": (-0.031, 0.012),        # t = -2.58, p = 0.0098 -> ***
         "internet": (0.0184, 0.0101),       # t = 1.82, p = 0.068  -> *
         "investment": (0.1337, 0.0192),     # t = 6.96             -> ***
         "const": (-1.5, 0.9)},              # t = -1.67, p = 0.096 -> *
        cov_info=CovarianceInfo("clustered", "clustered by country (118 clusters)",
                                n_clusters=118, cluster_by="country", dist="normal"),
        estimator="pooled", dependent="growth", nobs=2728, n_entities=118, n_periods=33,
        effects="none", rsquared=0.0481, model_name="Pooled OLS")


def fixed_effects() -> Result:
    """Two-way fixed effects without diaspora; terms in yet another order."""
    return _result(
        {"internet": (0.0241, 0.0125),       # t = 1.93, p = 0.054  -> *
         "investment": (0.153, 0.0245),      # t = 6.24             -> ***
         "remittances": (0.0853, 0.0238)},   # t = 3.58, p = 0.0003 -> ***
        cov_info=CovarianceInfo("clustered", "clustered by country (116 clusters)",
                                n_clusters=116, cluster_by="country", dist="normal"),
        estimator="fe", dependent="growth", nobs=2726, n_entities=116, n_periods=33,
        effects="twoway", rsquared=0.0241, rsquared_within=0.0241,
        model_name="FE (two-way)")


def system_gmm() -> Result:
    """System GMM with the diagnostics the table reports."""
    return _result(
        {"L1.growth": (0.312, 0.061),        # t = 5.11             -> ***
         "remittances": (0.071, 0.043),      # t = 1.65, p = 0.099  -> *
         "diaspora": (-0.018, 0.019),        # t = -0.95            -> none
         "internet": (0.012, 0.008),         # t = 1.50, p = 0.134  -> none
         "investment": (0.141, 0.052),       # t = 2.71, p = 0.0067 -> ***
         "const": (0.9, 1.1)},               # t = 0.82             -> none
        cov_info=CovarianceInfo("windmeijer", "Windmeijer-corrected two-step",
                                dist="normal"),
        estimator="gmm-system", dependent="growth", nobs=2480, n_entities=118,
        n_periods=32, effects="entity",
        tests={"hansen": TestResult("Hansen", 41.2, 0.347, df=40),
               "ar1": TestResult("AR(1)", -3.24, 0.0012, distribution="normal"),
               "ar2": TestResult("AR(2)", 0.82, 0.412, distribution="normal")},
        stats={"n_instruments": 48.0}, model_name="System GMM (two-step)")


def three_models() -> list[Result]:
    """Pooled, two-way FE (lacking diaspora) and system GMM."""
    return [pooled(), fixed_effects(), system_gmm()]


LABELS = {"growth": "GDP per capita growth (%)", "remittances": "Remittances (% of GDP)",
          "diaspora": "Diaspora (% of population)", "internet": "Internet users (%)",
          "investment": "Investment (% of GDP)", "L1.growth": "Growth (t-1)"}
GROUPS = {"Remittances": ["remittances"], "Network": ["diaspora"],
          "Technology": ["internet"], "Controls": ["investment"]}
