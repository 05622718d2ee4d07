"""Difference and system GMM (Arellano-Bond, Blundell-Bond), as xtabond2 computes them.

``syntax`` parses xtabond2 command strings; ``data`` lays the panel out on a
balanced grid; ``instruments`` builds GMM- and IV-style instrument blocks;
``linalg`` holds the generalized inverse; ``engine`` computes one- and two-step
estimates, Windmeijer errors and the specification tests; ``output`` turns them
into a :class:`~migecon.estimate.results.Result` and prints xtabond2's layout;
``estimator`` is the public entry point :func:`gmm`.
"""

from migecon.estimate.gmm.estimator import GMMSpec, GMMStyle, IVStyle, gmm
from migecon.estimate.gmm.output import gmm_summary

__all__ = ["GMMSpec", "GMMStyle", "IVStyle", "gmm", "gmm_summary"]
