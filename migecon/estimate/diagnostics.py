"""Panel specification tests.

Each test returns a :class:`~migecon.estimate.results.TestResult` holding the
statistic, degrees of freedom, p-value and the null hypothesis in words.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from migecon.errors import SpecificationError
from migecon.estimate.results import Result, TestResult

__all__ = ["hausman"]


def hausman(fe: Result, re: Result) -> TestResult:
    """Classic Hausman test of fixed against random effects.

    ``H = (b_FE - b_RE)' [V_FE - V_RE]^{-1} (b_FE - b_RE)`` over the slope
    coefficients both models estimate, chi-squared with as many degrees of
    freedom as coefficients compared. Both models should use conventional
    (non-robust) covariances, as the test assumes RE is efficient under H0.

    Parameters
    ----------
    fe, re : Result
        A fixed-effects and a random-effects result on the same sample.

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> f = "growth ~ remittances + investment"
    >>> h = mg.hausman(mg.fit(f, panel, estimator="fe"), mg.fit(f, panel, estimator="re"))
    >>> h.df
    2.0
    """
    if fe.estimator != "fe" or re.estimator != "re":
        raise SpecificationError(
            f"hausman(fe, re) expects a fixed-effects then a random-effects result; got "
            f"{fe.estimator!r} and {re.estimator!r}")
    common = [c for c in fe.params.index if c in re.params.index and c != "const"]
    if not common:
        raise SpecificationError("the two models share no slope coefficients to compare")
    diff = (fe.params[common] - re.params[common]).to_numpy()
    v = fe.cov.loc[common, common].to_numpy() - re.cov.loc[common, common].to_numpy()
    note = ""
    eig = np.linalg.eigvalsh((v + v.T) / 2)
    if eig.min() <= 0:
        note = ("V_FE - V_RE is not positive definite; a generalised inverse was used "
                "(consider the regression-based robust version)")
    stat = float(diff @ np.linalg.pinv(v) @ diff)
    df = float(len(common))
    return TestResult(
        name="Hausman (FE vs RE)", stat=stat, pvalue=float(stats.chi2.sf(stat, df)), df=df,
        distribution="chi2",
        null="random effects are consistent (country effects uncorrelated with regressors)",
        note=note)
