"""Specification tests and diagnostics of panel models.

``specification`` (Hausman, F and LM tests for effects, Bera-Sosa-Yoon),
``dependence`` (Pesaran CD, serial correlation, groupwise heteroskedasticity),
``unitroot`` (IPS, LLC, Fisher) and ``diagnose`` (the guided sequence).
"""

from migecon.estimate.diagnostics.dependence import (
    groupwise_heteroskedasticity,
    pesaran_cd,
    wooldridge_serial,
    wooldridge_serial_fe,
)
from migecon.estimate.diagnostics.diagnose import DiagnosticReport, diagnose
from migecon.estimate.diagnostics.specification import (
    bera_sosa_yoon,
    breusch_pagan,
    f_test_effects,
    hausman,
    hausman_regression,
    honda,
)
from migecon.estimate.diagnostics.unitroot import (
    UnitRootResult,
    im_pesaran_shin,
    levin_lin_chu,
    maddala_wu,
)

__all__ = [
    "DiagnosticReport",
    "UnitRootResult",
    "bera_sosa_yoon",
    "breusch_pagan",
    "diagnose",
    "f_test_effects",
    "groupwise_heteroskedasticity",
    "hausman",
    "hausman_regression",
    "honda",
    "im_pesaran_shin",
    "levin_lin_chu",
    "maddala_wu",
    "pesaran_cd",
    "wooldridge_serial",
    "wooldridge_serial_fe",
]
