"""Data-generating processes with known parameters, for teaching and Monte Carlo.

Each DGP is a frozen dataclass: its fields are the parameters, :meth:`DGP.simulate`
draws one panel (a :class:`~migecon.panel.core.Panel` marked as simulated,
with the true coefficients in ``panel.metadata["true_params"]``), and
:meth:`DGP.describe` prints the equations with the parameter values. Where the
econometrics gives a closed form for what an estimator converges to, the DGP
states it (:meth:`StaticGrowthDGP.plims`, :meth:`EndogenousRemittancesDGP.plims`,
:func:`migecon.simulate.dynamic.nickell_bias`), so a simulation can be checked
against theory, not only against itself.

Countries are called ``C001``, ``C002``, ...; years start in 2000. All
draws come from one :class:`numpy.random.Generator`, so a seed fixes the panel.

The dynamic-panel DGPs (Nickell bias, instrument proliferation) are in
:mod:`migecon.simulate.dynamic`.
"""

from __future__ import annotations

import textwrap
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from migecon.errors import SpecificationError
from migecon.panel.core import Panel, VariableMeta

__all__ = [
    "DGP",
    "CommonShocksDGP",
    "EndogenousRemittancesDGP",
    "FewClustersDGP",
    "StaticGrowthDGP",
    "as_generator",
]

FIRST_YEAR = 2000

SeedLike = int | np.random.Generator | np.random.SeedSequence | None


def as_generator(seed: SeedLike) -> np.random.Generator:
    """A numpy Generator from an int, a SeedSequence, a Generator or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


class DGP(ABC):
    """A data-generating process: parameters, equations, truth, and a simulator."""

    #: Short name used in tables and figures.
    name: ClassVar[str] = "dgp"
    #: The coefficient a lesson is about (a key of :attr:`truth`).
    target: ClassVar[str] = ""
    #: The model in equations (parameters are filled in by :meth:`describe`).
    equations: ClassVar[str] = ""

    @property
    @abstractmethod
    def truth(self) -> dict[str, float]:
        """True coefficients, keyed by the term names migecon's estimators report."""

    @abstractmethod
    def _draw(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Draw the variables as (countries x years) arrays."""

    @property
    @abstractmethod
    def shape(self) -> tuple[int, int]:
        """(number of countries, number of years)."""

    def simulate(self, seed: SeedLike = None) -> Panel:
        """Draw one panel.

        Parameters
        ----------
        seed : int, SeedSequence, Generator or None
            Fixes the draw; the same seed gives the same panel.

        Returns
        -------
        Panel
            Simulated; ``metadata["true_params"]`` holds :attr:`truth`.
        """
        self._validate()
        arrays = self._draw(as_generator(seed))
        n, t = self.shape
        countries = [f"C{i + 1:03d}" for i in range(n)]
        years = np.arange(FIRST_YEAR, FIRST_YEAR + t)
        index = pd.MultiIndex.from_product([countries, years], names=["country", "year"])
        data = pd.DataFrame({k: np.asarray(v, dtype=float).ravel() for k, v in arrays.items()},
                            index=index)
        variables = {k: VariableMeta(label=self._labels().get(k, k), source="simulated")
                     for k in arrays}
        metadata = {"name": self.name, "simulated": True, "true_params": self.truth,
                    "dgp": type(self).__name__, "dgp_params": self.params(),
                    "description": f"Simulated panel from {type(self).__name__} "
                                   "(migecon.simulate): not real countries"}
        return Panel(data, variables=variables, metadata=metadata)

    def params(self) -> dict[str, Any]:
        """The parameter values (the dataclass fields)."""
        return asdict(self)  # type: ignore[call-overload]

    def describe(self) -> str:
        """The equations and the parameter values, as text."""
        params = ", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
                           for k, v in self.params().items())
        return (f"{type(self).__name__}\n{textwrap.dedent(self.equations).strip()}\n\n"
                f"Parameters: {params}\nTrue coefficients: {self.truth}")

    def _labels(self) -> dict[str, str]:
        return {}

    def _validate(self) -> None:
        n, t = self.shape
        if n < 2 or t < 2:
            raise SpecificationError(
                f"{type(self).__name__} needs at least 2 countries and 2 years; got "
                f"{n} countries and {t} years")
        for key, value in self.params().items():
            if key.startswith("sd_") and value < 0:
                raise SpecificationError(f"{key} is a standard deviation and must be >= 0; "
                                         f"got {value}")


# ----------------------------------------------------------------- (a)
@dataclass(frozen=True)
class StaticGrowthDGP(DGP):
    """Static growth panel whose country effects are correlated with remittances.

    Equations::

        remittances_it = μ + a_i + u_it,      a_i ~ N(0, sd_between²),  u_it ~ N(0, sd_within²)
        α_i            = κ a_i + v_i,          v_i ~ N(0, sd_effect²)
        growth_it      = α_i + β remittances_it + e_it,                e_it ~ N(0, sd_error²)

    Countries that receive more remittances on average have lower (κ < 0)
    growth for other reasons, so comparisons *between* countries are
    confounded while changes *within* a country are not. Pooled OLS converges
    to ``β + κ sd_between² / (sd_between² + sd_within²)``; fixed effects,
    first differences and the Mundlak (correlated random effects) coefficient
    to ``β``; random effects lies in between (:meth:`plims`).

    The design is Gaussian so that these limits have closed forms; a few
    simulated remittance shares fall below zero, which real ones cannot.

    Examples
    --------
    >>> dgp = StaticGrowthDGP(n_countries=40, n_years=10)
    >>> panel = dgp.simulate(seed=1)
    >>> panel.n_entities, panel.metadata["true_params"]
    (40, {'remittances': 0.1})
    >>> round(dgp.plims()["pooled"], 3)
    -0.02
    """

    n_countries: int = 100
    n_years: int = 20
    beta: float = 0.10
    kappa: float = -0.15
    remit_mean: float = 5.0
    sd_between: float = 3.0
    sd_within: float = 1.5
    sd_effect: float = 1.5
    sd_error: float = 3.0

    name: ClassVar[str] = "static growth"
    target: ClassVar[str] = "remittances"
    equations: ClassVar[str] = """
        remittances_it = μ + a_i + u_it,   a_i ~ N(0, sd_between²), u_it ~ N(0, sd_within²)
        α_i            = κ a_i + v_i,       v_i ~ N(0, sd_effect²)
        growth_it      = α_i + β remittances_it + e_it,   e_it ~ N(0, sd_error²)
    """

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_countries, self.n_years

    @property
    def truth(self) -> dict[str, float]:
        return {"remittances": self.beta}

    def plims(self) -> dict[str, float]:
        """What each estimator converges to as the number of countries grows (T fixed).

        ``pooled`` and ``between`` are exact large-N limits; ``re`` uses the
        true variance components in θ (feasible GLS estimates them, which
        changes the limit a little); ``fe``, ``fd`` and ``mundlak`` are ``β``.
        """
        b2, w2, t = self.sd_between**2, self.sd_within**2, self.n_years
        sigma_alpha2 = self.kappa**2 * b2 + self.sd_effect**2
        theta = 1 - np.sqrt(self.sd_error**2 / (self.sd_error**2 + t * sigma_alpha2))
        re_num = (1 - theta) ** 2 * self.kappa * b2
        re_den = (1 - theta) ** 2 * b2 + w2 * (1 - theta * (2 - theta) / t)
        return {
            "pooled": self.beta + self.kappa * b2 / (b2 + w2),
            "between": self.beta + self.kappa * b2 / (b2 + w2 / t),
            "re": self.beta + re_num / re_den,
            "fe": self.beta, "fd": self.beta, "mundlak": self.beta,
        }

    def _labels(self) -> dict[str, str]:
        return {"growth": "GDP per capita growth (%)", "remittances": "Remittances (% of GDP)"}

    def _draw(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        n, t = self.shape
        a = self.sd_between * rng.standard_normal(n)
        remittances = self.remit_mean + a[:, None] + self.sd_within * rng.standard_normal((n, t))
        alpha = self.kappa * a + self.sd_effect * rng.standard_normal(n)
        growth = (alpha[:, None] + self.beta * remittances
                  + self.sd_error * rng.standard_normal((n, t)))
        return {"growth": growth, "remittances": remittances}


# ----------------------------------------------------------------- (c)
@dataclass(frozen=True)
class EndogenousRemittancesDGP(DGP):
    """Endogenous remittances and a diaspora-weighted host-income instrument.

    Migrants send more money home when the home economy does badly
    (remittances are counter-cyclical, ψ < 0), so remittances are correlated
    with the growth shock and OLS is biased downward even with country fixed
    effects. Income growth in the countries where the diaspora lives moves
    remittances but not home growth directly: a shift-share instrument.

    Equations::

        g_ht        ~ N(0, sd_host²)                  host-country income growth
        w_i         ~ Dirichlet(concentration)        diaspora shares of i across H hosts (fixed)
        z_it        = Σ_h w_ih g_ht                   diaspora-weighted host income growth
        growth_it   = α_i + β remittances_it + u_it,  u_it ~ N(0, sd_error²)
        remittances_it = μ_i + π z_it + ψ u_it + ν_it, ν_it ~ N(0, sd_first²)

    with μ_i and α_i correlated country effects. Fixed-effects OLS converges to
    ``β + ψ sd_error² / (π² sd_host² E[Σ_h w_ih²] + ψ² sd_error² + sd_first²)``;
    fixed-effects IV with ``z`` to ``β`` (:meth:`plims`; the host shocks are
    common to all countries, so for one panel the limit uses their realised
    within variance).

    Examples
    --------
    >>> dgp = EndogenousRemittancesDGP(n_countries=30, n_years=10)
    >>> sorted(dgp.simulate(seed=2).columns)
    ['growth', 'host_income', 'remittances']
    >>> dgp.plims()["fe_ols"] < dgp.beta
    True
    """

    n_countries: int = 80
    n_years: int = 20
    n_hosts: int = 20
    beta: float = 0.10
    pi: float = 3.0
    psi: float = -0.02
    concentration: float = 0.5
    sd_host: float = 1.0
    sd_first: float = 0.5
    sd_error: float = 3.0
    sd_effect: float = 1.0
    remit_mean: float = 5.0
    sd_remit_level: float = 3.0

    name: ClassVar[str] = "endogenous remittances"
    target: ClassVar[str] = "remittances"
    equations: ClassVar[str] = """
        z_it           = Σ_h w_ih g_ht        (w_i ~ Dirichlet, g_ht ~ N(0, sd_host²))
        growth_it      = α_i + β remittances_it + u_it,          u_it ~ N(0, sd_error²)
        remittances_it = μ_i + π z_it + ψ u_it + ν_it,           ν_it ~ N(0, sd_first²)
    """

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_countries, self.n_years

    @property
    def truth(self) -> dict[str, float]:
        return {"remittances": self.beta}

    def expected_weight_herfindahl(self) -> float:
        """E[Σ_h w_ih²] for symmetric Dirichlet shares (how concentrated diasporas are)."""
        a, h = self.concentration, self.n_hosts
        return float((a + 1) / (h * a + 1))

    def plims(self, panel: Panel | None = None) -> dict[str, float]:
        """Large-N limits of fixed-effects OLS and fixed-effects IV (T fixed).

        Host-income shocks are common to all countries, so a panel's OLS
        limit depends on the realised shocks: given ``panel`` (drawn from this
        DGP), the within variance of ``host_income`` in it is used; without
        it, its expectation ``sd_host² E[Σ_h w_ih²] (1 - 1/T)``.
        """
        shrink = 1 - 1 / self.n_years
        if panel is None:
            var_z = self.sd_host**2 * self.expected_weight_herfindahl() * shrink
        else:
            z = panel["host_income"]
            var_z = float(((z - z.groupby(level=0).transform("mean")) ** 2).mean())
        var_v = (self.psi**2 * self.sd_error**2 + self.sd_first**2) * shrink
        cov_vu = self.psi * self.sd_error**2 * shrink
        return {"fe_ols": self.beta + cov_vu / (self.pi**2 * var_z + var_v),
                "fe_iv": self.beta}

    def _labels(self) -> dict[str, str]:
        return {"growth": "GDP per capita growth (%)", "remittances": "Remittances (% of GDP)",
                "host_income": "Diaspora-weighted host income growth"}

    def _validate(self) -> None:
        super()._validate()
        if self.n_hosts < 1 or self.concentration <= 0:
            raise SpecificationError(
                f"n_hosts must be >= 1 and concentration > 0; got {self.n_hosts} and "
                f"{self.concentration}")

    def _draw(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        n, t = self.shape
        host_growth = self.sd_host * rng.standard_normal((self.n_hosts, t))
        weights = rng.dirichlet(np.full(self.n_hosts, self.concentration), size=n)
        z = weights @ host_growth
        level = self.sd_remit_level * rng.standard_normal(n)
        alpha = 0.5 * level / max(self.sd_remit_level, 1e-12) + \
            self.sd_effect * rng.standard_normal(n)
        u = self.sd_error * rng.standard_normal((n, t))
        remittances = (self.remit_mean + level[:, None] + self.pi * z + self.psi * u
                       + self.sd_first * rng.standard_normal((n, t)))
        growth = alpha[:, None] + self.beta * remittances + u
        return {"growth": growth, "remittances": remittances, "host_income": z}


# ----------------------------------------------------------------- (d)
@dataclass(frozen=True)
class CommonShocksDGP(DGP):
    """Cross-sectional dependence from common shocks with country-specific loadings.

    A global remittance cycle ``f_t`` moves every country's remittances and a
    world demand shock ``h_t`` moves every country's growth, each with its own
    loading. The two shocks are independent, so fixed effects are unbiased,
    but the errors of different countries in the same year are correlated:
    standard errors clustered by country treat the countries as independent
    and are too small; Driscoll-Kraay standard errors allow for it.

    Equations::

        f_t = ρ_f f_{t-1} + ε^f_t,   h_t = ρ_f h_{t-1} + ε^h_t     (unit variance)
        remittances_it = μ_i + λ^x_i f_t + ξ_it
        growth_it      = α_i + β remittances_it + λ_i h_t + ε_it
        λ^x_i, λ_i ~ N(loading_mean, loading_sd²)

    Examples
    --------
    >>> CommonShocksDGP(n_countries=20, n_years=30).simulate(seed=3).n_periods
    30
    """

    n_countries: int = 30
    n_years: int = 40
    beta: float = 0.10
    factor_rho: float = 0.3
    loading_mean: float = 1.0
    loading_sd: float = 0.5
    sd_factor: float = 1.5
    sd_idiosyncratic: float = 1.0
    sd_error: float = 1.0
    sd_effect: float = 1.0

    name: ClassVar[str] = "common shocks"
    target: ClassVar[str] = "remittances"
    equations: ClassVar[str] = """
        f_t, h_t independent AR(1) common shocks (coefficient factor_rho, SD sd_factor)
        remittances_it = μ_i + λ^x_i f_t + ξ_it,                 ξ_it ~ N(0, sd_idiosyncratic²)
        growth_it      = α_i + β remittances_it + λ_i h_t + ε_it, ε_it ~ N(0, sd_error²)
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

    def _labels(self) -> dict[str, str]:
        return {"growth": "GDP per capita growth (%)", "remittances": "Remittances (% of GDP)"}

    def _factor(self, rng: np.random.Generator, t: int) -> np.ndarray:
        out = np.empty(t)
        out[0] = rng.standard_normal()
        scale = np.sqrt(1 - self.factor_rho**2)
        for j in range(1, t):
            out[j] = self.factor_rho * out[j - 1] + scale * rng.standard_normal()
        return self.sd_factor * out

    def _draw(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        n, t = self.shape
        f, h = self._factor(rng, t), self._factor(rng, t)
        lam_x = self.loading_mean + self.loading_sd * rng.standard_normal(n)
        lam_y = self.loading_mean + self.loading_sd * rng.standard_normal(n)
        mu = 5.0 + 2.0 * rng.standard_normal(n)
        alpha = 0.3 * (mu - 5.0) + self.sd_effect * rng.standard_normal(n)
        remittances = (mu[:, None] + lam_x[:, None] * f[None, :]
                       + self.sd_idiosyncratic * rng.standard_normal((n, t)))
        growth = (alpha[:, None] + self.beta * remittances + lam_y[:, None] * h[None, :]
                  + self.sd_error * rng.standard_normal((n, t)))
        return {"growth": growth, "remittances": remittances}


# ----------------------------------------------------------------- (e)
@dataclass(frozen=True)
class FewClustersDGP(DGP):
    """A small number of countries (clusters) with correlated regressors and errors.

    Remittances and the growth error both have a persistent country component,
    so observations of one country are not independent. With many countries,
    standard errors clustered by country fix this; with a handful, the
    cluster-robust variance is itself noisy and biased downward and tests
    over-reject even with Stata's G/(G-1) factor and t(G-1) critical values.
    The wild cluster bootstrap (restricted, Webb weights) keeps its size.

    Equations::

        remittances_it = μ + ζ_g + ξ_it,      ζ_g ~ skewed (centred log-normal, SD sd_between)
        growth_it      = c_g + β remittances_it + e_it,
        c_g ~ N(0, sd_cluster²) · (1 + |ζ_g|),  e_it ~ N(0, sd_error²)

    where ``g`` is the country (cluster). The cluster error grows with the
    regressor's cluster component (heteroskedastic clusters) and the skewed
    regressor puts leverage on one or two countries: the situation where
    cluster-robust inference with few clusters fails worst.

    Examples
    --------
    >>> FewClustersDGP(n_countries=6).simulate(seed=4).n_entities
    6
    """

    n_countries: int = 8
    n_years: int = 20
    beta: float = 0.10
    remit_mean: float = 5.0
    sd_between: float = 2.0
    sd_within: float = 1.0
    sd_cluster: float = 1.0
    sd_error: float = 1.0

    name: ClassVar[str] = "few clusters"
    target: ClassVar[str] = "remittances"
    equations: ClassVar[str] = """
        remittances_it = μ + ζ_g + ξ_it,   ζ_g skewed (centred log-normal), ξ_it ~ N(0, sd_within²)
        growth_it      = c_g + β remittances_it + e_it,  c_g ~ N(0, sd_cluster²)(1 + |ζ_g|)
    """

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_countries, self.n_years

    @property
    def truth(self) -> dict[str, float]:
        return {"remittances": self.beta}

    def _labels(self) -> dict[str, str]:
        return {"growth": "GDP per capita growth (%)", "remittances": "Remittances (% of GDP)"}

    def _draw(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        n, t = self.shape
        # A centred log-normal with SD sd_between: skewed, mean zero.
        s = 1.0
        raw = np.exp(s * rng.standard_normal(n))
        zeta = self.sd_between * (raw - np.exp(s**2 / 2)) / np.sqrt(
            (np.exp(s**2) - 1) * np.exp(s**2))
        remittances = (self.remit_mean + zeta[:, None]
                       + self.sd_within * rng.standard_normal((n, t)))
        c = self.sd_cluster * rng.standard_normal(n) * (1 + np.abs(zeta))
        growth = (c[:, None] + self.beta * remittances
                  + self.sd_error * rng.standard_normal((n, t)))
        return {"growth": growth, "remittances": remittances}
