"""Specification tests and diagnostics of panel models.

``specification`` (Hausman, F and LM tests for effects, Bera-Sosa-Yoon),
``dependence`` (Pesaran CD, serial correlation, groupwise heteroskedasticity),
``unitroot`` (IPS, LLC, Fisher) and ``diagnose`` (the guided sequence); for
heterogeneous macro panels ``cips`` (Pesaran 2007), ``slopes`` (slope
homogeneity), ``causality`` (Dumitrescu-Hurlin), ``crossdep`` (CD on a fit's
residuals, weighted CD) and ``macro`` (``diagnose(..., sequence="macro")``).
The function ``cips`` is not re-exported here, where it would hide the submodule
of the same name: use ``mg.cips``.
"""

from migecon.estimate.diagnostics.causality import dumitrescu_hurlin
from migecon.estimate.diagnostics.cips import CIPSResult
from migecon.estimate.diagnostics.crossdep import cd_test
from migecon.estimate.diagnostics.dependence import (
    groupwise_heteroskedasticity,
    pesaran_cd,
    wooldridge_serial,
    wooldridge_serial_fe,
)
from migecon.estimate.diagnostics.diagnose import DiagnosticReport, diagnose
from migecon.estimate.diagnostics.slopes import SlopeHomogeneityResult, slope_homogeneity
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
    "CIPSResult",
    "DiagnosticReport",
    "SlopeHomogeneityResult",
    "UnitRootResult",
    "bera_sosa_yoon",
    "breusch_pagan",
    "cd_test",
    "diagnose",
    "dumitrescu_hurlin",
    "f_test_effects",
    "groupwise_heteroskedasticity",
    "hausman",
    "hausman_regression",
    "honda",
    "im_pesaran_shin",
    "levin_lin_chu",
    "maddala_wu",
    "pesaran_cd",
    "slope_homogeneity",
    "wooldridge_serial",
    "wooldridge_serial_fe",
]
