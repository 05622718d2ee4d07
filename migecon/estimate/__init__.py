"""Estimator wrappers: static panel models, panel IV, GMM, covariances and diagnostics."""

from migecon.estimate.diagnostics import hausman
from migecon.estimate.results import CovarianceInfo, Result, TestResult
from migecon.estimate.static import fit

__all__ = ["CovarianceInfo", "Result", "TestResult", "fit", "hausman"]
