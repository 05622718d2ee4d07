"""Dynamic-panel DGPs: Nickell bias and instrument proliferation.

:class:`DynamicPanelDGP` draws ``y_it = ρ y_i,t-1 + β x_it + α_i + ε_it`` with
the initial observations drawn from the stationary distribution, which is what
system GMM assumes. :func:`nickell_bias` gives the large-N bias of the
fixed-effects (within) estimator of ρ in the pure AR(1) case (Nickell 1981),
so a Monte Carlo can be checked against theory.

:class:`InstrumentProliferationDGP` is the same process with an endogenous
regressor and a longer panel, where GMM with every available lag as an
instrument has more instruments than countries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from migecon.errors import SpecificationError
from migecon.simulate.dgp import DGP

__all__ = ["DynamicPanelDGP", "InstrumentProliferationDGP", "nickell_bias",
           "nickell_bias_approx"]


def nickell_bias(rho: float, n_periods: int) -> float:
    """Large-N bias of the within estimator of ρ in ``y_it = ρ y_i,t-1 + α_i + ε_it``.

    Nickell (1981, eq. 18), for a covariance-stationary process and
    ``n_periods`` observations per country in the regression (after the lag)::

        h    = 1 - (1 - ρ^T) / (T (1 - ρ))
        bias = -(1 + ρ)/(T - 1) · h / (1 - 2ρ h / ((1 - ρ)(T - 1)))

    Its leading term for large T is ``-(1 + ρ)/(T - 1)``
    (:func:`nickell_bias_approx`).

    Parameters
    ----------
    rho : float
        Autoregressive coefficient, ``|rho| < 1``.
    n_periods : int
        Periods per country used in the regression (``T >= 2``).

    Examples
    --------
    >>> round(nickell_bias(0.5, 5), 4)
    -0.3311
    >>> round(nickell_bias_approx(0.5, 5), 4)
    -0.375
    """
    if not -1 < rho < 1:
        raise SpecificationError(f"rho must be in (-1, 1); got {rho}")
    if n_periods < 2:
        raise SpecificationError(f"n_periods must be at least 2; got {n_periods}")
    t = float(n_periods)
    h = 1 - (1 - rho**t) / (t * (1 - rho))
    return float(-(1 + rho) / (t - 1) * h / (1 - 2 * rho * h / ((1 - rho) * (t - 1))))


def nickell_bias_approx(rho: float, n_periods: int) -> float:
    """The leading term ``-(1 + ρ)/(T - 1)`` of the Nickell bias."""
    if n_periods < 2:
        raise SpecificationError(f"n_periods must be at least 2; got {n_periods}")
    return -(1 + rho) / (n_periods - 1)


@dataclass(frozen=True)
class DynamicPanelDGP(DGP):
    """A dynamic growth panel with country effects: Nickell bias and GMM.

    Equations::

        x_it = δ x_i,t-1 + γ α_i + φ ε_it + v_it        (only when β ≠ 0)
        y_it = ρ y_i,t-1 + β x_it + α_i + ε_it,  α_i ~ N(0, sd_effect²), ε_it ~ N(0, sd_error²)

    The process runs ``burn_in`` periods from its stationary mean before the
    ``n_years`` observed years, so the initial observations are (close to)
    stationary, as system GMM assumes. The within regression of ``y`` on its
    lag uses ``n_years - 1`` periods per country, and in the pure AR(1) case
    (β = 0) its bias is :func:`nickell_bias` ``(ρ, n_years - 1)``.
    With ``φ ≠ 0`` the regressor ``x`` is endogenous (correlated with the
    same year's shock); with ``γ ≠ 0`` it is correlated with the country effect.

    Examples
    --------
    >>> dgp = DynamicPanelDGP(n_countries=50, n_years=6, rho=0.5)
    >>> panel = dgp.simulate(seed=5)
    >>> panel.n_periods, dgp.truth
    (6, {'L1.y': 0.5})
    >>> round(dgp.fe_bias(), 4)
    -0.3311
    """

    n_countries: int = 200
    n_years: int = 6
    rho: float = 0.5
    beta: float = 0.0
    x_rho: float = 0.5
    x_effect: float = 0.0
    x_endogeneity: float = 0.0
    sd_effect: float = 1.0
    sd_error: float = 1.0
    sd_x: float = 1.0
    burn_in: int = 50

    name: ClassVar[str] = "dynamic panel"
    target: ClassVar[str] = "L1.y"
    equations: ClassVar[str] = """
        x_it = δ x_i,t-1 + γ α_i + φ ε_it + v_it     (when β ≠ 0)
        y_it = ρ y_i,t-1 + β x_it + α_i + ε_it       (stationary start after burn_in periods)
    """

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_countries, self.n_years

    @property
    def truth(self) -> dict[str, float]:
        out = {"L1.y": self.rho}
        if self.beta:
            out["x"] = self.beta
        return out

    def fe_bias(self) -> float:
        """Nickell's large-N bias of the within estimator of ρ (pure AR(1) case)."""
        if self.beta:
            raise SpecificationError(
                "the closed-form Nickell bias is for the pure AR(1) model (beta = 0)")
        return nickell_bias(self.rho, self.n_years - 1)

    def _validate(self) -> None:
        super()._validate()
        if not -1 < self.rho < 1 or not -1 < self.x_rho < 1:
            raise SpecificationError(
                f"rho and x_rho must be in (-1, 1) for a stationary panel; got {self.rho} and "
                f"{self.x_rho}")
        if self.burn_in < 0:
            raise SpecificationError(f"burn_in must be >= 0; got {self.burn_in}")

    def _labels(self) -> dict[str, str]:
        return {"y": "Log GDP per capita (simulated)", "x": "Remittances (simulated)"}

    def _draw(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        n, t = self.shape
        total = t + self.burn_in
        alpha = self.sd_effect * rng.standard_normal(n)
        eps = self.sd_error * rng.standard_normal((n, total))
        with_x = self.beta != 0
        x = np.zeros((n, total))
        if with_x:
            v = self.sd_x * rng.standard_normal((n, total))
            x_mean = self.x_effect * alpha / (1 - self.x_rho)
            x_prev = x_mean + v[:, 0] / np.sqrt(1 - self.x_rho**2)
            for j in range(total):
                x[:, j] = (self.x_rho * x_prev + self.x_effect * alpha
                           + self.x_endogeneity * eps[:, j] + v[:, j])
                x_prev = x[:, j]
        # Start at the stationary mean of y given α (and x's mean) plus a stationary
        # draw, so that mean stationarity holds even with burn_in = 0.
        y_mean = (alpha + self.beta * self.x_effect * alpha / (1 - self.x_rho)) / (1 - self.rho)
        y_prev = y_mean + self.sd_error * rng.standard_normal(n) / np.sqrt(1 - self.rho**2)
        y = np.empty((n, total))
        for j in range(total):
            y[:, j] = self.rho * y_prev + self.beta * x[:, j] + alpha + eps[:, j]
            y_prev = y[:, j]
        out = {"y": y[:, self.burn_in:]}
        if with_x:
            out["x"] = x[:, self.burn_in:]
        return out


@dataclass(frozen=True)
class InstrumentProliferationDGP(DynamicPanelDGP):
    """A dynamic panel with an endogenous regressor, long enough for instruments to explode.

    The same equations as :class:`DynamicPanelDGP` with defaults for the
    instrument-proliferation lesson: 40 countries over 12 years, a persistent
    outcome (ρ = 0.8) and an endogenous regressor (φ = 0.3). GMM that uses
    every available lag of ``y`` and ``x`` in every year has about
    ``T²`` instruments, more than the 40 countries: the two-step estimates
    drift towards the biased within/OLS estimates and the Hansen test's
    p-values pile up near 1, so it no longer detects anything (Roodman 2009,
    "A note on the theme of too many instruments"). Collapsing the
    instruments or limiting the lag depth keeps the count small.

    Examples
    --------
    >>> dgp = InstrumentProliferationDGP()
    >>> dgp.truth
    {'L1.y': 0.8, 'x': 1.0}
    """

    n_countries: int = 40
    n_years: int = 12
    rho: float = 0.8
    beta: float = 1.0
    x_rho: float = 0.5
    x_effect: float = 0.5
    x_endogeneity: float = 0.3

    name: ClassVar[str] = "instrument proliferation"
