"""Difference and system GMM for dynamic panels (Arellano-Bond, Blundell-Bond), as xtabond2.

:func:`gmm` estimates ``y_it = a1 y_i,t-1 + ... + x_it'b + u_i + e_it`` by the
generalized method of moments, instrumenting with lags of the variables
(GMM-style) and with exogenous variables (IV-style), in first differences or
forward orthogonal deviations (difference GMM) and also in levels (system GMM).
It reproduces David Roodman's Stata command ``xtabond2`` (version 3.7):
coefficients, one-step and two-step covariances (cluster-robust, Windmeijer),
Sargan, Hansen, difference-in-Hansen and Arellano-Bond tests, instrument
counts and the small-sample options. ``docs/gmm.md`` gives the maths, the
options and the mapping to xtabond2 and pydynpd.

Two ways to specify a model:

* paste an xtabond2 command: ``mg.gmm("n L.n w k, gmm(L.n) iv(w k) twostep robust", panel)``;
* keywords: ``mg.gmm(panel, dependent="n", lags=1, exog=["w", "k"], steps=2)``.

Both return the common :class:`~migecon.estimate.results.Result`; the GMM
statistics are in ``result.tests`` (``"sargan"``, ``"hansen"``, ``"ar1"``,
``"ar2"``, ``"diff_hansen:<group>"``...) and ``result.stats``
(``"n_instruments"``, ``"n_groups"``, ``"sigma2_e"``...).
:func:`gmm_summary` prints the result laid out like xtabond2's output.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from migecon.errors import EstimationWarning, SpecificationError
from migecon.estimate.gmm.data import Design, GMMData, build_design
from migecon.estimate.gmm.engine import EngineResult, estimate
from migecon.estimate.gmm.instruments import Instruments, build_instruments
from migecon.estimate.gmm.output import gmm_summary, to_result
from migecon.estimate.gmm.syntax import (
    GMMSpec,
    GMMStyle,
    IVStyle,
    VarExpr,
    check_lag_range,
    parse_command,
    parse_varlist,
    spec_to_command,
)
from migecon.estimate.results import Result

if TYPE_CHECKING:
    from migecon.panel.core import Panel

__all__ = ["GMMSpec", "GMMStyle", "IVStyle", "gmm", "gmm_summary"]

TRANSFORMATIONS = ("difference", "system", "fod")


def gmm(
    model: str | Panel | pd.DataFrame,
    data: Panel | pd.DataFrame | None = None,
    /,
    *,
    dependent: str | None = None,
    lags: int = 1,
    exog: Sequence[str] = (),
    predetermined: Sequence[str] = (),
    endogenous: Sequence[str] = (),
    gmm: Sequence[str | tuple[str, int, int | None] | GMMStyle] = (),
    iv: Sequence[str | IVStyle] = (),
    transformation: str = "system",
    steps: int = 2,
    robust: bool = True,
    collapse: bool = False,
    max_lag: int | None = None,
    small: bool = False,
    h: int = 3,
    artests: int = 2,
    constant: bool = True,
    orthogonal: bool = False,
    diffsargan: bool = True,
    time_dummies: bool = False,
    ginv: str = "invsym",
    entity: str | None = None,
    time: str | None = None,
) -> Result:
    """Estimate a dynamic panel model by difference or system GMM (xtabond2).

    Parameters
    ----------
    model : str or Panel or DataFrame
        Either an xtabond2 command (``"y L.y x, gmm(L.y) iv(x) twostep robust"``;
        a leading ``xtabond2`` is allowed), followed by the data; or the data,
        with the model given by keywords.
    data : Panel or DataFrame, optional
        The data when ``model`` is a command. A DataFrame needs ``entity=`` and
        ``time=`` (duplicate keys raise :class:`~migecon.errors.DuplicateKeyError`).
    dependent : str
        Keyword form: the dependent variable.
    lags : int
        Keyword form: lags of the dependent variable among the regressors; they
        are instrumented GMM-style with the dependent variable's lags 2 and
        deeper (``gmm(L.y)`` in xtabond2).
    exog : sequence of str
        Strictly exogenous regressors, instruments for themselves (``iv()``).
        Stata operators are allowed (``"L.w"``, ``"L(0/1).k"``).
    predetermined : sequence of str
        Regressors instrumented GMM-style from lag 1 (``gmm(x, lag(1 .))``).
    endogenous : sequence of str
        Regressors instrumented GMM-style from lag 2 (``gmm(x, lag(2 .))``).
    gmm : sequence
        Further GMM-style instruments: a variable name (lags 2 and deeper), a
        tuple ``(name, lag_min, lag_max)`` or a :class:`GMMStyle`.
    iv : sequence
        Further IV-style instruments: names or :class:`IVStyle` objects.
    transformation : {"system", "difference", "fod"}
        System GMM, difference GMM in first differences, or difference GMM in
        forward orthogonal deviations (``orthogonal=True`` gives system GMM with
        orthogonal deviations).
    steps : {1, 2}
        One-step or two-step (efficient) GMM.
    robust : bool
        Cluster-robust one-step, or Windmeijer-corrected two-step, standard
        errors (xtabond2's ``robust``). Default True in the keyword form.
    collapse : bool
        Collapse the GMM-style instruments built from the keyword arguments.
    max_lag : int, optional
        Deepest lag used by those GMM-style instruments (all lags when None).
    small : bool
        t and F statistics with xtabond2's small-sample corrections.
    h : {1, 2, 3}
        First-step weighting matrix (xtabond2's ``h()``; 3 is its default, 2
        reproduces DPD for Ox and Stata's xtdpdsys).
    artests : int
        Arellano-Bond tests for AR(1) to AR(artests).
    constant : bool
        Constant term in the levels equation (system GMM).
    orthogonal : bool
        Forward orthogonal deviations (with ``transformation="system"``).
    diffsargan : bool
        Difference-in-Hansen tests for every instrument group.
    time_dummies : bool
        Add ``yr<period>`` dummies to the data. In the keyword form they also
        become regressors and IV-style instruments; in a command, refer to them
        as ``yr*``.
    ginv : {"invsym", "pinv"}
        Generalized inverse for singular weighting matrices (more instruments
        than groups): ``"invsym"`` drops dependent columns in order, as Stata
        and xtabond2 do; ``"pinv"`` is the Moore-Penrose inverse, as in
        pydynpd. Both forms; the results differ only when a matrix is singular.
    entity, time : str, optional
        Key columns when the data are a DataFrame.

    Returns
    -------
    Result
        ``estimator`` is ``"gmm-difference"`` or ``"gmm-system"``; tests,
        statistics and notes as described in the module docstring.

    Raises
    ------
    SpecificationError
        Bad syntax, unknown variables or options, no valid instruments, more
        regressors than instruments.
    DataError
        Too few periods or no usable observations.

    Warns
    -----
    EstimationWarning
        Instruments outnumber groups; singular two-step weighting matrix
        (a generalized inverse is used); collinear regressors dropped.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("abdata")
    >>> res = mg.gmm("n L.n L2.n w L.w L(0/2).(k ys), gmm(L.n) "
    ...              "iv(w L.w L(0/2).(k ys)) nolevel robust", panel)
    >>> round(float(res.params["L.n"]), 4), int(res.stats["n_instruments"])
    (0.7201, 35)
    >>> res2 = mg.gmm(panel, dependent="n", lags=1, exog=["w", "k"],
    ...               transformation="difference", steps=2, collapse=True)
    >>> res2.estimator, res2.cov_info.cov_type
    ('gmm-difference', 'windmeijer')
    """
    if isinstance(model, str):
        if data is None:
            raise SpecificationError(
                "gmm(command, data): the data are missing; pass the panel after the command")
        keyword_opts = {"dependent": dependent, "exog": exog, "predetermined": predetermined,
                        "endogenous": endogenous, "gmm": gmm, "iv": iv}
        given = [k for k, v in keyword_opts.items() if v]
        if given:
            raise SpecificationError(
                f"options {given} are for the keyword form; with an xtabond2 command put "
                "everything in the command string")
        source = _as_data(data, entity, time)
        if time_dummies:
            source = source.with_time_dummies()
        spec = replace(parse_command(model, source.columns), ginv=ginv)
    else:
        if data is not None:
            raise SpecificationError(
                "gmm(panel, ...): the model goes in keywords (dependent=..., exog=...) or "
                "use gmm('xtabond2 command', panel)")
        source = _as_data(model, entity, time)
        dummies: list[str] = []
        if time_dummies:
            source = source.with_time_dummies()
            dummies = [c for c in source.columns if re.fullmatch(r"yr-?\d+(?:[qm]\d+)?", c)]
        spec = _keyword_spec(source, dependent, lags, exog, predetermined, endogenous, gmm, iv,
                             transformation, steps, robust, collapse, max_lag, small, h,
                             artests, constant, orthogonal, diffsargan, dummies, ginv)
    return fit_spec(spec, source)


def fit_spec(spec: GMMSpec, data: Panel | GMMData) -> Result:
    """Estimate a :class:`GMMSpec` (the engine behind :func:`gmm`)."""
    source = data if isinstance(data, GMMData) else GMMData.from_panel(data)
    with _blas_threads(0):
        design: Design = build_design(source, spec)
        inst: Instruments = build_instruments(design)
    with _blas_threads(inst.n_columns):
        res: EngineResult = estimate(design, inst)
    messages = list(res.warnings)
    flagged = [n for n in design.omitted if not _is_dummy(source, n)]
    if flagged:
        messages.append(
            f"{len(flagged)} regressor(s) dropped for collinearity: {', '.join(flagged)}")
    for msg in messages:
        warnings.warn(msg, EstimationWarning, stacklevel=3)
    command = spec.command or spec_to_command(spec)
    return to_result(spec, design, inst, res, source, command)


#: Up to this many instruments BLAS runs on one thread: GMM is many small and medium
#: products, for which OpenBLAS's threads cost more than they save (on 2 cores, the
#: N = 2,000 x T = 30 benchmark runs about twice as fast single-threaded).
BLAS_SINGLE_THREAD_MAX = 2000
_CONTROLLER: Any = None


def _blas_threads(n_instruments: int) -> AbstractContextManager[Any]:
    """Limit BLAS to one thread for moderate problems (needs threadpoolctl, else no-op)."""
    global _CONTROLLER
    if n_instruments > BLAS_SINGLE_THREAD_MAX:
        return nullcontext()
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - optional dependency
        return nullcontext()
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


def _is_dummy(data: GMMData, label: str) -> bool:
    """A 0/1 variable without operators (time dummies are expected to lose one)."""
    if label == "_cons" or label not in data.columns:
        return label == "_cons"
    values = data.column(label)
    values = values[~np.isnan(values)]
    return bool(np.isin(values, [0.0, 1.0]).all())


def _as_data(data: Any, entity: str | None, time: str | None) -> GMMData:
    from migecon.panel.core import Panel

    if isinstance(data, Panel):
        return GMMData.from_panel(data)
    if isinstance(data, pd.DataFrame):
        if entity is None or time is None:
            raise SpecificationError(
                "a DataFrame needs entity= and time= naming its key columns "
                "(or build a Panel with mg.Panel.from_frame)")
        return GMMData.from_frame(data, entity, time)
    raise SpecificationError(
        f"data must be a migecon Panel or a pandas DataFrame; got {type(data).__name__}")


def _exprs(items: Sequence[str], panel: GMMData, what: str) -> list[VarExpr]:
    if isinstance(items, str):
        raise SpecificationError(f"{what} must be a list of names, e.g. {what}=['{items}']")
    out: list[VarExpr] = []
    for item in items:
        out.extend(parse_varlist(item, panel.columns))
    return out


def _keyword_spec(panel: GMMData, dependent: str | None, lags: int, exog: Sequence[str],
                  predetermined: Sequence[str], endogenous: Sequence[str],
                  gmm_extra: Sequence[Any], iv_extra: Sequence[Any], transformation: str,
                  steps: int, robust: bool, collapse: bool, max_lag: int | None, small: bool,
                  h: int, artests: int, constant: bool, orthogonal: bool, diffsargan: bool,
                  dummies: list[str], ginv: str) -> GMMSpec:
    if dependent is None:
        raise SpecificationError("dependent= is required in the keyword form, e.g. "
                                 "gmm(panel, dependent='growth', ...)")
    if transformation not in TRANSFORMATIONS:
        raise SpecificationError(
            f"transformation must be one of {', '.join(map(repr, TRANSFORMATIONS))}; "
            f"got {transformation!r}")
    if lags < 0:
        raise SpecificationError(f"lags must be 0 or more; got {lags}")
    dep = parse_varlist(dependent, panel.columns)
    if len(dep) != 1:
        raise SpecificationError(f"dependent= must name one variable; got {dependent!r}")
    y = dep[0]
    ex = _exprs(exog, panel, "exog")
    pre = _exprs(predetermined, panel, "predetermined")
    end = _exprs(endogenous, panel, "endogenous")
    regs = [y.lagged(k) for k in range(1, lags + 1)] + end + pre + ex
    regs += [VarExpr(d) for d in dummies]
    gm: list[GMMStyle] = []
    if lags:
        gm.append(GMMStyle((y.lagged(1),), 1, None if max_lag is None else max_lag - 1,
                           collapse))
    if end:
        gm.append(GMMStyle(tuple(end), 2, max_lag, collapse))
    if pre:
        gm.append(GMMStyle(tuple(pre), 1, max_lag, collapse))
    for item in gmm_extra:
        if isinstance(item, GMMStyle):
            gm.append(item)
        elif isinstance(item, tuple):
            name, lo, hi = item
            check_lag_range(lo, hi, f"gmm=({name!r}, {lo}, {hi})")
            gm.append(GMMStyle(tuple(parse_varlist(name, panel.columns)), lo, hi, collapse))
        else:
            gm.append(GMMStyle(tuple(parse_varlist(item, panel.columns)), 2, max_lag, collapse))
    ivs: list[IVStyle] = []
    if ex:
        ivs.append(IVStyle(tuple(ex)))
    for item in iv_extra:
        ivs.append(item if isinstance(item, IVStyle)
                   else IVStyle(tuple(parse_varlist(item, panel.columns))))
    if dummies:
        ivs.append(IVStyle(tuple(VarExpr(d) for d in dummies)))
    if not gm and not ivs:
        raise SpecificationError("no instruments: give lags >= 1, endogenous=, predetermined=, "
                                 "exog=, gmm= or iv=")
    return GMMSpec(dependent=y, regressors=tuple(regs), gmm=tuple(gm), iv=tuple(ivs),
                   system=transformation == "system",
                   orthogonal=orthogonal or transformation == "fod", constant=constant,
                   steps=steps, robust=robust, small=small, h=h, artests=artests,
                   diffsargan=diffsargan, ginv=ginv)
