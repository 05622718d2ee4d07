"""A DGP with heterogeneous slopes and a common factor (the CCE lesson).

Every country has its own remittances effect ``β_i`` and its own exposure to
an unobserved global cycle ``f_t`` (think of the Gulf or US business cycle
hitting every recipient of remittances at once), and remittances load on the
same cycle::

    f_t              = ρ f_{t-1} + ε^f_t                       (unit variance, then × sd_factor)
    remittances_it   = μ_i + λ_i f_t + ξ_it
    growth_it        = α_i + β_i remittances_it + γ_i f_t + ε_it
    β_i ~ N(β, sd_slope²),  (λ_i, γ_i) ~ N(loading_mean, loading_sd²), corr(λ_i, γ_i) = loading_corr

Two-way fixed effects remove ``f_t`` only with equal loadings; with
heterogeneous, correlated loadings the part ``(γ_i - γ̄) f_t`` left in the
error moves with ``(λ_i - λ̄) f_t`` in remittances, so FE is biased. The
CCE mean group (Pesaran 2006) adds the cross-section averages of growth and
remittances to each country's regression, which span ``f_t``, and recovers
the mean slope ``β``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from migecon.errors import SpecificationError
from migecon.simulate.dgp import DGP

__all__ = ["HeterogeneousSlopesDGP"]


@dataclass(frozen=True)
class HeterogeneousSlopesDGP(DGP):
    """Heterogeneous remittances effects plus a common factor with correlated loadings.

    Examples
    --------
    >>> dgp = HeterogeneousSlopesDGP(n_countries=30, n_years=25)
    >>> panel = dgp.simulate(seed=1)
    >>> panel.n_entities, panel.n_periods, dgp.truth
    (30, 25, {'remittances': 0.5})
    """

    n_countries: int = 40
    n_years: int = 30
    beta: float = 0.5
    sd_slope: float = 0.3
    factor_rho: float = 0.5
    sd_factor: float = 2.0
    loading_mean: float = 1.0
    loading_sd: float = 1.0
    loading_corr: float = 0.8
    sd_idiosyncratic: float = 1.0
    sd_error: float = 1.0

    name: ClassVar[str] = "heterogeneous slopes and a common factor"
    target: ClassVar[str] = "remittances"
    equations: ClassVar[str] = """
        f_t = ρ f_{t-1} + ε^f_t (AR(1), SD sd_factor)
        remittances_it = μ_i + λ_i f_t + ξ_it,                  ξ_it ~ N(0, sd_idiosyncratic²)
        growth_it      = α_i + β_i remittances_it + γ_i f_t + ε_it, ε_it ~ N(0, sd_error²)
        β_i ~ N(β, sd_slope²); λ_i, γ_i ~ N(loading_mean, loading_sd²), corr loading_corr
    """

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_countries, self.n_years

    @property
    def truth(self) -> dict[str, float]:
        return {"remittances": self.beta}

    def _validate(self) -> None:
        super()._validate()
        if not -1 < self.factor_rho < 1:
            raise SpecificationError(f"factor_rho must be in (-1, 1); got {self.factor_rho}")
        if not -1 <= self.loading_corr <= 1:
            raise SpecificationError(
                f"loading_corr must be in [-1, 1]; got {self.loading_corr}")

    def _labels(self) -> dict[str, str]:
        return {"growth": "GDP per capita growth (%)", "remittances": "Remittances (% of GDP)"}

    def _draw(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        n, t = self.shape
        f = np.empty(t)
        f[0] = rng.standard_normal()
        scale = np.sqrt(1 - self.factor_rho ** 2)
        for j in range(1, t):
            f[j] = self.factor_rho * f[j - 1] + scale * rng.standard_normal()
        f *= self.sd_factor
        z1, z2 = rng.standard_normal(n), rng.standard_normal(n)
        r = self.loading_corr
        lam = self.loading_mean + self.loading_sd * z1
        gam = self.loading_mean + self.loading_sd * (r * z1 + np.sqrt(1 - r ** 2) * z2)
        beta_i = self.beta + self.sd_slope * rng.standard_normal(n)
        mu = 5.0 + 2.0 * rng.standard_normal(n)
        alpha = 2.0 + rng.standard_normal(n)
        remittances = (mu[:, None] + lam[:, None] * f[None, :]
                       + self.sd_idiosyncratic * rng.standard_normal((n, t)))
        growth = (alpha[:, None] + beta_i[:, None] * remittances + gam[:, None] * f[None, :]
                  + self.sd_error * rng.standard_normal((n, t)))
        return {"growth": growth, "remittances": remittances}
