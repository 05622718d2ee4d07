"""Post-estimation algebra: Wald tests, linear and nonlinear combinations, long-run effects.

Every :class:`~migecon.estimate.results.Result` offers

* ``res.wald_test("x1 = 0, x2 = x3")``: joint test of restrictions
  ``r(b) = 0``, ``W = r' (G V G')^{-1} r`` with ``G = dr/db'``; reported as
  ``chi2(q)`` or, when the result uses t statistics (its
  :class:`~migecon.estimate.results.CovarianceInfo` has ``dist == "t"``), as
  ``F(q, df) = W / q`` (Stata's ``test`` / ``testnl``);
* ``res.lincom("x + 2.5*x:z")``: a linear combination ``a'b`` with standard
  error ``sqrt(a' V a)`` (Stata's ``lincom``);
* ``res.nlcom("(w + L.w) / (1 - L.n)")``: a smooth function ``g(b)`` with the
  delta-method standard error ``sqrt(G V G')`` (Stata's ``nlcom``);
* ``res.long_run()``: for a dynamic model ``y = sum_k rho_k L^k y + sum_k
  b_k L^k x + ...``, the long-run effect of every regressor,
  ``sum_k b_k / (1 - sum_k rho_k)``, by :meth:`nlcom`.

The variance is always the full covariance matrix of the result (clustered,
Driscoll-Kraay, Windmeijer...), and t or z follows the result's own
convention. Gradients are exact (forward-mode differentiation of the parsed
expression), not finite differences.

Expressions are parsed with :func:`migecon.expressions.validate_expression`
(an :mod:`ast` allow-list) and walked here; nothing is ever evaluated as
Python. Term names are those of ``res.params``: ``L1.n`` may also be written
``L.n`` or ``L(n, 1)``, ``x:z`` names an interaction.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from migecon.errors import SpecificationError
from migecon.estimate.records import TestResult

if TYPE_CHECKING:
    from migecon.estimate.results import Result

__all__ = ["Combination", "lincom", "long_run", "nlcom", "wald_test"]

_FUNCS = ("log", "exp", "sqrt", "abs")
_LAG_DOT = re.compile(r"^L(\d*)\.(.+)$")
_LAG_CALL = re.compile(r"^L\(\s*([^,()]+?)\s*(?:,\s*(\d+)\s*)?\)$")


@dataclass(frozen=True)
class Combination:
    """An estimated function of the coefficients with its delta-method inference.

    Attributes
    ----------
    expression : str
        As written by the user.
    estimate, std_error, statistic, pvalue, conf_low, conf_high : float
        Estimate, standard error, ``estimate / std_error`` (t or z), two-sided
        p-value and confidence bounds at ``level``.
    level : float
        Confidence level.
    distribution : {"t", "normal"}
        Reference distribution (the result's own convention).
    df : float or None
        Degrees of freedom of the t distribution.
    gradient : Series
        ``dg/db`` at the estimates (one entry per coefficient).
    """

    expression: str
    estimate: float
    std_error: float
    statistic: float
    pvalue: float
    conf_low: float
    conf_high: float
    level: float
    distribution: str
    df: float | None
    gradient: pd.Series

    def __str__(self) -> str:
        stat = "t" if self.distribution == "t" else "z"
        return (f"{self.expression} = {self.estimate:.6g} (se {self.std_error:.4g}, "
                f"{stat} = {self.statistic:.3f}, p = {self.pvalue:.4g}, "
                f"{self.level:.0%} CI [{self.conf_low:.6g}, {self.conf_high:.6g}])")

    def to_series(self) -> pd.Series:
        """``estimate, std_error, statistic, pvalue, conf_low, conf_high`` as a Series."""
        return pd.Series({"estimate": self.estimate, "std_error": self.std_error,
                          "statistic": self.statistic, "pvalue": self.pvalue,
                          "conf_low": self.conf_low, "conf_high": self.conf_high},
                         name=self.expression)


# ------------------------------------------------------------------ parsing
def _aliases(name: str) -> list[str]:
    """Ways a user may write the term ``name`` (``L1.n`` = ``L.n`` = ``L(n, 1)``)."""
    out = [name]
    m = _LAG_DOT.match(name)
    var, k = (m.group(2), int(m.group(1) or 1)) if m and not name[0].isdigit() else (None, 0)
    m2 = _LAG_CALL.match(name)
    if m2:
        var, k = m2.group(1), int(m2.group(2) or 1)
    if var is not None:
        out += [f"L{k}.{var}", f"L({var}, {k})", f"L({var},{k})"]
        if k == 1:
            out += [f"L.{var}", f"L({var})"]
    return list(dict.fromkeys(out))


def _parse(expression: str, names: list[str]) -> tuple[ast.AST, dict[str, int]]:
    """Validate ``expression`` and map its term names to coefficient positions.

    The one place where post-estimation expressions are read: term names are
    replaced by placeholders (so ``x:z``, ``L.n`` and ``2001.year`` are single
    names), then the text goes through migecon's expression allow-list.
    """
    from migecon.expressions import validate_expression

    if not isinstance(expression, str) or not expression.strip():
        raise SpecificationError(
            f"expected an expression in the model's terms such as 'x1 + 2*x2'; got "
            f"{expression!r}")
    lookup: dict[str, int] = {}
    for j, name in enumerate(names):
        for alias in _aliases(name):
            lookup.setdefault(alias, j)
    pattern = re.compile(
        r"(?<![\w.:])(" + "|".join(re.escape(a) for a in sorted(lookup, key=len, reverse=True))
        + r")(?![\w.:(])")
    holders: dict[str, int] = {}

    def swap(m: re.Match[str]) -> str:
        j = lookup[m.group(1)]
        holder = f"_mgb{j}_"
        holders[holder] = j
        return holder

    text = pattern.sub(swap, expression.strip())
    try:
        tree = validate_expression(text, names=None, what="expression")
    except SpecificationError as exc:  # show the user's term names, not the placeholders
        message = re.sub(r"_mgb(\d+)_", lambda m: names[int(m.group(1))], str(exc))
        raise SpecificationError(message) from None
    left = [t for t in re.findall(r"(?<![\w.])[A-Za-z_][\w.:]*", text)
            if t not in holders and t not in _FUNCS and not t.startswith("np.")]
    if left:
        raise SpecificationError(
            f"expression {expression!r}: {left[0]!r} is not a coefficient of the model; "
            f"its terms are {', '.join(names)} (lags may be written L.n, L1.n or L(n, 1))")
    _check_nodes(tree.body, expression)
    return tree.body, holders


def _check_nodes(node: ast.AST, expression: str) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Compare):
            raise SpecificationError(
                f"expression {expression!r}: a comparison is not a function of the "
                "coefficients; write restrictions 'a = b' in wald_test()")
        if isinstance(sub, ast.Call):
            fname = sub.func.attr if isinstance(sub.func, ast.Attribute) else \
                getattr(sub.func, "id", "")
            if fname not in _FUNCS:
                raise SpecificationError(
                    f"expression {expression!r}: {fname}() is not available here; use the "
                    f"lagged term's name (L.n, L2.n) or one of {', '.join(_FUNCS)}")


# ----------------------------------------------------- forward differentiation
class _Dual:
    """A value with its gradient with respect to the coefficients."""

    __slots__ = ("d", "v")

    def __init__(self, v: float, d: np.ndarray) -> None:
        self.v, self.d = v, d


def _evaluate(node: ast.AST, holders: dict[str, int], b: np.ndarray) -> _Dual:
    k = b.shape[0]
    if isinstance(node, ast.Name):
        j = holders[node.id]
        d = np.zeros(k)
        d[j] = 1.0
        return _Dual(float(b[j]), d)
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, (int, float))  # the validator allows only numbers
        return _Dual(float(node.value), np.zeros(k))
    if isinstance(node, ast.UnaryOp):
        x = _evaluate(node.operand, holders, b)
        return _Dual(-x.v, -x.d) if isinstance(node.op, ast.USub) else x
    if isinstance(node, ast.BinOp):
        a, c = _evaluate(node.left, holders, b), _evaluate(node.right, holders, b)
        if isinstance(node.op, ast.Add):
            return _Dual(a.v + c.v, a.d + c.d)
        if isinstance(node.op, ast.Sub):
            return _Dual(a.v - c.v, a.d - c.d)
        if isinstance(node.op, ast.Mult):
            return _Dual(a.v * c.v, a.d * c.v + c.d * a.v)
        if isinstance(node.op, ast.Div):
            with np.errstate(all="ignore"):
                return _Dual(a.v / c.v if c.v != 0 else np.nan,
                             (a.d * c.v - c.d * a.v) / c.v**2 if c.v != 0
                             else np.full(k, np.nan))
        # power: d(a^c) = c a^(c-1) da + a^c log(a) dc
        with np.errstate(all="ignore"):
            value = float(np.power(a.v, c.v))
            grad = c.v * np.power(a.v, c.v - 1) * a.d
            if np.any(c.d != 0):
                grad = grad + value * np.log(a.v) * c.d
        return _Dual(value, grad)
    assert isinstance(node, ast.Call)
    fname = node.func.attr if isinstance(node.func, ast.Attribute) else \
        node.func.id  # type: ignore[attr-defined]
    x = _evaluate(node.args[0], holders, b)
    funcs: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
        "log": (np.log, lambda v: 1 / v), "exp": (np.exp, np.exp),
        "sqrt": (np.sqrt, lambda v: 0.5 / np.sqrt(v)), "abs": (np.abs, np.sign)}
    f, df = funcs[fname]
    with np.errstate(all="ignore"):
        return _Dual(float(f(x.v)), float(df(x.v)) * x.d)


def _function(res: Result, expression: str) -> tuple[float, np.ndarray, Callable[
        [np.ndarray], np.ndarray]]:
    names = [str(n) for n in res.params.index]
    node, holders = _parse(expression, names)
    b = res.params.to_numpy(dtype=float)
    value = _evaluate(node, holders, b)
    return value.v, value.d, lambda x: _evaluate(node, holders, x).d


def _reference(res: Result) -> tuple[str, float | None]:
    info = res.cov_info
    if info.dist == "t" and info.df_resid:
        return "t", float(info.df_resid)
    return "normal", None


def _combination(res: Result, expression: str, value: float, grad: np.ndarray,
                 level: float) -> Combination:
    if not 0 < level < 1:
        raise SpecificationError(f"level must be between 0 and 1; got {level}")
    V = res.cov.to_numpy(dtype=float)
    var = float(grad @ V @ grad)
    se = float(np.sqrt(var)) if var >= 0 else float("nan")
    stat = value / se if se > 0 else float("nan")
    dist, df = _reference(res)
    q = 1 - (1 - level) / 2
    if dist == "t" and df is not None:
        p, crit = 2 * stats.t.sf(abs(stat), df), float(stats.t.ppf(q, df))
    else:
        p, crit = 2 * stats.norm.sf(abs(stat)), float(stats.norm.ppf(q))
    return Combination(expression, float(value), se, float(stat), float(p),
                       float(value - crit * se), float(value + crit * se), level, dist, df,
                       pd.Series(grad, index=res.params.index, name="gradient"))


# ------------------------------------------------------------------ public
def lincom(res: Result, expression: str, level: float = 0.95) -> Combination:
    """A linear combination of coefficients with its standard error (Stata's ``lincom``).

    Parameters
    ----------
    res : Result
        A fitted model.
    expression : str
        Linear in the coefficients, e.g. ``"remittances + 2.5*remittances:fin_depth"``
        (the effect of remittances where ``fin_depth = 2.5``) or ``"x1 - x2"``.
    level : float
        Confidence level.

    Returns
    -------
    Combination

    Raises
    ------
    SpecificationError
        An unknown term, a refused token, or an expression that is not linear
        (use :func:`nlcom`).

    Examples
    --------
    >>> import migecon as mg
    >>> res = mg.fit("growth ~ remittances + investment", mg.load_dataset("remittances_sim"))
    >>> c = mg.lincom(res, "remittances - investment")
    >>> bool(abs(c.estimate - (res.params["remittances"] - res.params["investment"])) < 1e-12)
    True
    """
    value, grad, grad_at = _function(res, expression)
    b = res.params.to_numpy(dtype=float)
    shift = b + (1.0 + np.abs(b)) * 0.37
    other = grad_at(shift)
    if not np.allclose(grad, other, rtol=1e-9, atol=1e-12):
        raise SpecificationError(
            f"expression {expression!r} is not linear in the coefficients; use nlcom() for "
            "the delta method")
    return _combination(res, expression, value, grad, level)


def nlcom(res: Result, expression: str, level: float = 0.95) -> Combination:
    """A smooth function of coefficients with its delta-method standard error.

    ``se = sqrt(G V G')`` where ``G`` is the exact gradient of the expression
    at the estimates and ``V`` the full covariance of the result (Stata's
    ``nlcom``; Greene 2018, sec. 4.6).

    Parameters
    ----------
    res : Result
        A fitted model.
    expression : str
        ``+ - * / **``, parentheses, numbers, the model's term names and
        ``log exp sqrt abs``; e.g. ``"(w + L.w) / (1 - L.n - L2.n)"``.
    level : float
        Confidence level.

    Returns
    -------
    Combination

    Examples
    --------
    >>> import migecon as mg
    >>> res = mg.fit("growth ~ remittances + investment", mg.load_dataset("remittances_sim"))
    >>> c = mg.nlcom(res, "remittances / investment")
    >>> round(float(c.estimate / (res.params["remittances"] / res.params["investment"])), 12)
    1.0
    """
    value, grad, _ = _function(res, expression)
    return _combination(res, expression, value, grad, level)


def _split_restrictions(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def wald_test(res: Result, restrictions: str | list[str]) -> TestResult:
    """Joint Wald test of restrictions on the coefficients (Stata's ``test`` / ``testnl``).

    Parameters
    ----------
    res : Result
        A fitted model.
    restrictions : str or list of str
        Comma-separated restrictions ``"x1 = 0, x2 = x3"``; a term alone
        means ``= 0``. Nonlinear restrictions (``"x1*x2 = 1"``) are tested by
        the delta method.

    Returns
    -------
    TestResult
        ``chi2(q)`` with ``W = r' (G V G')^{-1} r``, or ``F(q, df) = W/q`` when
        the result reports t statistics.

    Raises
    ------
    SpecificationError
        Unknown terms, refused tokens, or restrictions that are redundant
        (their covariance is singular).

    Examples
    --------
    >>> import migecon as mg
    >>> res = mg.fit("growth ~ remittances + investment", mg.load_dataset("remittances_sim"))
    >>> t = mg.wald_test(res, "remittances = 0")
    >>> bool(abs(t.stat - res.tstats["remittances"] ** 2) < 1e-8)
    True
    """
    items = _split_restrictions(restrictions) if isinstance(restrictions, str) \
        else [str(r).strip() for r in restrictions]
    if not items or any(not r for r in items):
        raise SpecificationError(
            f"expected restrictions such as 'x1 = 0, x2 = x3'; got {restrictions!r} (an "
            "empty restriction; check the commas)")
    values, grads, linear = [], [], True
    b = res.params.to_numpy(dtype=float)
    for item in items:
        sides = re.split(r"(?<![<>=!])==?(?!=)", item)
        if len(sides) > 2:
            raise SpecificationError(f"restriction {item!r} has more than one '='")
        expr = sides[0] if len(sides) == 1 else f"({sides[0]}) - ({sides[1]})"
        value, grad, grad_at = _function(res, expr)
        linear = linear and np.allclose(grad, grad_at(b + (1.0 + np.abs(b)) * 0.37),
                                        rtol=1e-9, atol=1e-12)
        values.append(value)
        grads.append(grad)
    r, G = np.asarray(values), np.vstack(grads)
    V = G @ res.cov.to_numpy(dtype=float) @ G.T
    q = len(items)
    if np.linalg.matrix_rank(V) < q:
        raise SpecificationError(
            f"the restrictions {items} are linearly dependent (or more than the covariance "
            "can test, e.g. more than the number of clusters); drop the redundant ones")
    W = float(r @ np.linalg.solve(V, r))
    null = "; ".join(i if "=" in i else f"{i} = 0" for i in items)
    note = "" if linear else "nonlinear restrictions: delta method (testnl)"
    dist, df = _reference(res)
    if dist == "t" and df is not None:
        f = W / q
        return TestResult("Wald", f, float(stats.f.sf(f, q, df)), df=(float(q), df),
                          distribution="F", null=null, note=note)
    return TestResult("Wald", W, float(stats.chi2.sf(W, q)), df=float(q),
                      distribution="chi2", null=null, note=note)


def _lag_of(name: str) -> tuple[str, int]:
    """``("n", 2)`` for ``L2.n`` / ``L(n, 2)``; ``(name, 0)`` for a current term."""
    m2 = _LAG_CALL.match(name)
    if m2:
        return m2.group(1), int(m2.group(2) or 1)
    m = _LAG_DOT.match(name)
    if m and not name[0].isdigit():
        return m.group(2), int(m.group(1) or 1)
    return name, 0


def long_run(res: Result, level: float = 0.95, terms: list[str] | None = None,
             ) -> pd.DataFrame:
    """Long-run effects ``sum_k b_k / (1 - sum_k rho_k)`` of a dynamic model.

    Finds the lags of the dependent variable among the coefficients
    (``L1.n``, ``L.n``, ``L(n, 2)``...) and, for every other regressor, its
    current value and lags; one row per regressor with the delta-method
    standard error on the full covariance.

    Parameters
    ----------
    res : Result
        A model with at least one lag of its dependent variable on the right.
    level : float
        Confidence level.
    terms : list of str, optional
        Regressors to report (default: all except the constant, the lags of
        the dependent variable and time dummies).

    Returns
    -------
    DataFrame
        Indexed by regressor: ``expression, estimate, std_error, statistic,
        pvalue, conf_low, conf_high``.

    Raises
    ------
    SpecificationError
        No lag of the dependent variable, or an unknown regressor in ``terms``.

    Examples
    --------
    >>> import migecon as mg
    >>> panel = mg.load_dataset("remittances_sim")
    >>> res = mg.fit("growth ~ L(growth, 1) + remittances + L(remittances, 1)", panel)
    >>> lr = mg.long_run(res)
    >>> lr.loc["remittances", "expression"]
    '(remittances + L1.remittances) / (1 - L1.growth)'
    """
    names = [str(n) for n in res.params.index]
    dep = res.dependent
    dep_lags = [n for n in names if _lag_of(n)[0] == dep and _lag_of(n)[1] > 0]
    if not dep_lags:
        raise SpecificationError(
            f"long_run() needs lags of the dependent variable {dep!r} among the regressors "
            f"(L.{dep}, L2.{dep} or L({dep}, 1)); the terms are {', '.join(names)}")
    groups: dict[str, list[str]] = {}
    for n in names:
        if n in dep_lags or n in ("const", "_cons", "Intercept"):
            continue
        base = _lag_of(n)[0]
        if terms is None and (n[:1].isdigit() or re.match(r"^(yr|_I)", base)):
            continue  # time dummies
        groups.setdefault(base, []).append(n)
    if terms is not None:
        unknown = [t for t in terms if t not in groups]
        if unknown:
            raise SpecificationError(
                f"long_run(terms=...): {unknown} are not regressors of the model; choose "
                f"among {', '.join(groups)}")
        groups = {t: groups[t] for t in terms}
    denom = "1 - " + " - ".join(dep_lags)
    rows = {}
    for base, members in groups.items():
        expr = f"({' + '.join(members)}) / ({denom})"
        c = nlcom(res, expr, level=level)
        rows[base] = {"expression": expr, **c.to_series().to_dict()}
    return pd.DataFrame.from_dict(rows, orient="index")
