"""Linear panel estimators: pooled, FE (one- and two-way), RE, between, FD, Mundlak and
panel IV, with their covariances, small-sample rules and the wild cluster bootstrap.

``static`` dispatches ``mg.fit``; ``design`` builds the estimation sample and the
within transformations; ``covariance`` computes every covariance choice;
``random_effects`` the variance components; ``iv`` FE2SLS/EC2SLS and their tests;
``bootstrap`` the wild cluster bootstrap.
"""

from migecon.estimate.linear.bootstrap import BootstrapResult, wild_bootstrap
from migecon.estimate.linear.static import fit

__all__ = ["BootstrapResult", "fit", "wild_bootstrap"]
