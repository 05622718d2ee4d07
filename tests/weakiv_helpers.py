"""Fitting IV models whose instruments may be weak, with the weak-IV warning checked.

Since issue 13, ``mg.fit`` warns (``EstimationWarning``, "weak instruments")
when an endogenous regressor's first-stage F under the model's covariance is
below 10 or its effective F is below the Montiel Olea-Pflueger critical value.
Tests that compare IV estimates with other software on data with weak
instruments use :func:`fit_checking_weak`: the warning must appear exactly
when the result's own first-stage statistics say the instruments are weak;
any other migecon warning still fails the test.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import migecon as mg


def is_weak(res: mg.Result) -> bool:
    """The rule of ``migecon.estimate.linear.weakiv.attach_first_stage``, read from stats."""
    st = res.stats
    if st["kp_f"] < 10:
        return True
    for key, eff in st.items():
        if key.startswith("effective_f:"):
            crit = st[f"effective_f_crit:{key.split(':', 1)[1]}"]
            if eff < crit:
                return True
    return False


def fit_checking_weak(*args: Any, **kwargs: Any) -> mg.Result:
    """``mg.fit`` asserting that the weak-instrument warning matches the statistics."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mg.fit(*args, **kwargs)
    weak = [w for w in caught if issubclass(w.category, mg.errors.EstimationWarning)
            and "weak instruments" in str(w.message)]
    others = [w for w in caught if w not in weak
              and issubclass(w.category, mg.errors.MigeconWarning)]
    if others:
        raise others[0].category(str(others[0].message))
    assert bool(weak) == is_weak(res), (
        f"weak-IV warning {'given' if weak else 'missing'} but first-stage stats "
        f"{ {k: v for k, v in res.stats.items() if 'kp_f' in k or 'effective' in k} }")
    assert np.isfinite(res.stats["kp_f"])
    return res
