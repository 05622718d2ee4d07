"""Cross-section dependence in the residuals of a fitted model, and the weighted CD.

:func:`cd_test` takes any :class:`~migecon.estimate.results.Result` that keeps
its residuals (``res.resid`` indexed by entity and time: mean group, CCE, FE,
pooled...) and computes Pesaran's CD, the Breusch-Pagan LM and Pesaran's scaled
LM from the pairwise correlations of the entities' residuals over their common
periods, as plm's ``pcdtest(model)`` does (``tests/test_hetero_cd.py``). That is
the check after a CCE fit: if the cross-section averages have absorbed the
common factors, the CD of the CCE residuals is small.

``test="cdw"`` is the weighted CD of Juodis and Reese (2022): each entity's
residuals are multiplied by an independent random sign before the CD is
computed, which removes the CD test's over-rejection when the residuals come
from a model with (estimated) time effects or cross-section averages. The
signs are drawn from ``seed``; the note says so.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from migecon.errors import DataError, SpecificationError
from migecon.estimate.results import Result, TestResult

__all__ = ["CD_RESIDUAL_TESTS", "cd_test"]

CD_RESIDUAL_TESTS = ("cd", "lm", "scaled-lm", "cdw")


def _pairwise(E: np.ndarray, M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Correlations and common-period counts of every pair of rows (i < j) of E."""
    n_ij = M @ M.T
    s_i = E @ M.T
    ss_i = (E ** 2) @ M.T
    cross = E @ E.T
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = cross - s_i * s_i.T / n_ij
        var_i = ss_i - s_i ** 2 / n_ij
        rho = cov / np.sqrt(var_i * var_i.T)
    upper = np.triu(np.ones_like(n_ij, dtype=bool), k=1)
    valid = upper & (n_ij >= 2) & np.isfinite(rho)
    return rho[valid], n_ij[valid]


def cd_test(result: Result, *, test: str = "cd", seed: int | None = None) -> TestResult:
    """Pesaran's CD (or LM, scaled LM, weighted CD) on the residuals of a fitted model.

    Parameters
    ----------
    result : Result
        A fit whose ``resid`` is indexed by (entity, time).
    test : {"cd", "lm", "scaled-lm", "cdw"}
        ``"cdw"``: Juodis-Reese (2022) weighted CD with Rademacher weights.
    seed : int, optional
        Seed of the weights of ``"cdw"``.

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.HeterogeneousSlopesDGP(n_countries=20, n_years=30).simulate(seed=1)
    >>> mg_fit = mg.fit("growth ~ remittances", panel, estimator="mg")
    >>> cce_fit = mg.fit("growth ~ remittances", panel, estimator="ccemg")
    >>> abs(mg.cd_test(mg_fit).stat) > abs(mg.cd_test(cce_fit).stat)
    True
    """
    if test not in CD_RESIDUAL_TESTS:
        raise SpecificationError(f"test must be one of {', '.join(map(repr, CD_RESIDUAL_TESTS))};"
                                 f" got {test!r}")
    resid = result.resid
    if resid is None or resid.index.nlevels != 2:
        raise SpecificationError(
            f"cd_test needs the residuals of the fit indexed by (entity, time); this "
            f"{result.estimator!r} result has none. Use mg.pesaran_cd(panel, formula) instead")
    entity, ecode = np.unique(np.asarray(resid.index.get_level_values(0)).astype(str),
                              return_inverse=True)
    _, tcode = np.unique(np.asarray(resid.index.get_level_values(1)), return_inverse=True)
    n = len(entity)
    if n < 2:
        raise DataError(f"cd_test needs residuals of at least 2 entities; got {n}")
    E = np.zeros((n, int(tcode.max()) + 1))
    M = np.zeros_like(E)
    E[ecode, tcode] = resid.to_numpy(dtype=float)
    M[ecode, tcode] = 1.0
    note = f"residuals of the {result.model_name or result.estimator} fit; {n} entities"
    if test == "cdw":
        rng = np.random.default_rng(seed)
        E = E * rng.choice([-1.0, 1.0], size=n)[:, None]
        note += f"; Juodis-Reese random sign weights (seed {seed})"
    rho, t_ij = _pairwise(E, M)
    n_pairs = len(rho)
    if n_pairs == 0:
        raise DataError("cd_test: no pair of entities shares two or more periods")
    note += f", {n_pairs} pairs; mean |rho| = {np.mean(np.abs(rho)):.3f}"
    null = "no cross-section dependence in the residuals"
    if test in ("cd", "cdw"):
        stat = float(np.sum(np.sqrt(t_ij) * rho) / np.sqrt(n_pairs))
        name = "Pesaran CD" if test == "cd" else "Weighted CD (Juodis-Reese)"
        return TestResult(name, stat, float(2 * stats.norm.sf(abs(stat))), None, "normal",
                          null, note)
    if test == "lm":
        stat = float(np.sum(t_ij * rho ** 2))
        return TestResult("Breusch-Pagan LM for cross-section dependence", stat,
                          float(stats.chi2.sf(stat, n_pairs)), float(n_pairs), "chi2", null,
                          note)
    stat = float(np.sum(t_ij * rho ** 2 - 1) / np.sqrt(2 * n_pairs))
    return TestResult("Pesaran scaled LM", stat, float(stats.norm.sf(stat)), None, "normal",
                      null, note)
