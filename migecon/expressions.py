"""The one validator for formulas, transform expressions and term expressions.

Formula terms (``mg.fit``, ``mg.diagnose``, study and replication files, the
command line), ``[[transform]] op = "eval"`` expressions and post-estimation
expressions are *parsed*, never evaluated as Python. Each is read with
:mod:`ast` and checked against an allow-list:

* variable names (no name starting or ending with ``__``), numbers;
* the operators ``+ - * / **``, comparisons (``< <= > >= == !=``) and
  parentheses; in formulas also ``:`` (interaction);
* the panel operators ``L(x, k)``, ``F(x, k)``, ``D(x, k)``; ``C(x)`` (one dummy
  per value; its options may be text) and ``I(...)`` in formulas;
* the functions ``log exp sqrt abs`` (also written ``np.log`` ...), and in
  formulas ``center`` and ``scale``.

Everything else is refused: attribute access other than ``np.<function>``,
subscripts, lambdas, comprehensions, keyword arguments outside ``C()``, text
outside ``C()``, ``@name`` (pandas' reference to a Python variable), formulaic's
``{...}`` and backtick quoting. The error names the refused token and lists
what is allowed. Nothing that fails here reaches formulaic or pandas.

Examples
--------
>>> validate_formula("growth ~ remittances + np.log(gdp) + C(region) + x:z")
>>> validate_formula("y ~ x.__class__")
Traceback (most recent call last):
...
migecon.errors.SpecificationError: formula 'y ~ x.__class__': refused 'x.__class__' (attribute \
access); allowed: variable names, numbers, + - * / ** : and comparisons, parentheses, L() F() \
D() C() I(), and the functions log exp sqrt abs center scale (also as np.log, np.exp, np.sqrt, \
np.abs)
>>> import pandas as pd
>>> evaluate("a * b + 1", pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})).tolist()
[4.0, 9.0]
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, SpecificationError

__all__ = ["FUNCTIONS", "evaluate", "validate_expression", "validate_formula"]

#: Elementwise functions every kind of expression may call (name -> numpy function).
FUNCTIONS: dict[str, Callable[..., object]] = {
    "log": np.log, "exp": np.exp, "sqrt": np.sqrt, "abs": np.abs}
_PANEL_OPS = ("L", "F", "D")
_FORMULA_ONLY = ("C", "I", "center", "scale")
_CONTRASTS = ("Treatment", "Sum", "Helmert", "Diff", "Poly")
_MAX_LENGTH = 20_000
_MAX_EXPONENT = 100
_STATA_OP = re.compile(r"^(?:[LFDS]\d*)+$")

Mode = Literal["formula", "expression", "terms"]


def _allowed(mode: Mode) -> str:
    ops = "+ - * / ** : and comparisons" if mode != "expression" else \
        "+ - * / ** and comparisons"
    calls = "L() F() D() C() I()" if mode == "formula" else "L() F() D()"
    funcs = "log exp sqrt abs center scale" if mode == "formula" else "log exp sqrt abs"
    terms = ", term names such as L.n, L2.n, D.x, x:z" if mode == "terms" else ""
    return (f"allowed: variable names{terms}, numbers, {ops}, parentheses, {calls}, and the "
            f"functions {funcs} (also as np.log, np.exp, np.sqrt, np.abs)")


class _Refused(Exception):
    def __init__(self, node: ast.AST | None, reason: str, token: str = "") -> None:
        super().__init__(reason)
        self.node, self.reason, self.token = node, reason, token


class _Checker:
    """Walks an expression tree; raises :class:`_Refused` at the first disallowed node."""

    def __init__(self, mode: Mode, names: frozenset[str] | None) -> None:
        self.mode, self.names = mode, names

    def check(self, node: ast.AST, *, in_c: bool = False) -> None:
        if isinstance(node, ast.Expression):
            self.check(node.body)
        elif isinstance(node, ast.Name):
            self._name(node)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float, str)):
                raise _Refused(node, "a constant of this type")
            if isinstance(node.value, str) and not in_c:
                raise _Refused(node, "text outside the options of C(...)")
        elif isinstance(node, ast.BinOp):
            self._binop(node, in_c)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise _Refused(node, "an operator that is not allowed")
            self.check(node.operand, in_c=in_c)
        elif isinstance(node, ast.Compare):
            for child in (node.left, *node.comparators):
                self.check(child, in_c=in_c)
        elif isinstance(node, ast.Call):
            self._call(node, in_c)
        elif isinstance(node, ast.Attribute):
            if self.mode == "terms" and self._stata_term(node):
                return
            raise _Refused(node, "attribute access")
        elif isinstance(node, (ast.List, ast.Tuple)) and in_c:
            for child in node.elts:
                self.check(child, in_c=True)
        else:
            raise _Refused(node, _describe(node))

    def _name(self, node: ast.Name) -> None:
        if node.id.startswith("__") or node.id.endswith("__"):
            raise _Refused(node, "a name starting or ending with '__'")
        if node.id == "np":
            raise _Refused(node, "the module np outside np.log, np.exp, np.sqrt, np.abs")
        if self.names is not None and node.id not in self.names:
            shown = ", ".join(sorted(self.names)) or "none"
            raise _Refused(node, f"a name that is not a variable of the panel (available: "
                                 f"{shown})")

    def _binop(self, node: ast.BinOp, in_c: bool) -> None:
        ok: tuple[type, ...] = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
        if self.mode != "expression":
            ok = (*ok, ast.BitAnd)  # ':' (interaction) is read as '&'
        # A long sum (hundreds of dummies) is a deep left spine: walk it in a loop.
        while True:
            if not isinstance(node.op, ok):
                raise _Refused(node, "an operator that is not allowed")
            if isinstance(node.op, ast.Pow) and not _small_exponent(node.right):
                raise _Refused(node.right, f"an exponent that is neither a number up to "
                                           f"{_MAX_EXPONENT} nor an expression in variables")
            self.check(node.right, in_c=in_c)
            if not isinstance(node.left, ast.BinOp):
                self.check(node.left, in_c=in_c)
                return
            node = node.left

    def _stata_term(self, node: ast.Attribute) -> bool:
        """``L.n``, ``L2.n``, ``LD.x`` as term names of a fitted model."""
        if node.attr.startswith("__") or node.attr.endswith("__"):
            return False
        if not (isinstance(node.value, ast.Name) and _STATA_OP.match(node.value.id)):
            return False
        if self.names is not None and f"{node.value.id}.{node.attr}" not in self.names:
            shown = ", ".join(sorted(self.names)) or "none"
            raise _Refused(node, f"a term that is not in the model (available: {shown})")
        return True

    def _call(self, node: ast.Call, in_c: bool) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            if not (isinstance(func.value, ast.Name) and func.value.id == "np"
                    and func.attr in FUNCTIONS):
                raise _Refused(func, "attribute access")
            name = func.attr
        elif isinstance(func, ast.Name):
            name = func.id
            if name.startswith("__") or name.endswith("__"):
                raise _Refused(func, "a name starting or ending with '__'")
        else:
            raise _Refused(func, "a call of something that is not a function name")
        allowed = (*FUNCTIONS, *_PANEL_OPS, *(_FORMULA_ONLY if self.mode == "formula" else ()))
        if in_c and name in _CONTRASTS:
            for arg in (*node.args, *(k.value for k in node.keywords)):
                self.check(arg, in_c=True)
            return
        if name not in allowed:
            raise _Refused(func, "a function that is not allowed")
        if name == "C":
            if not node.args or (node.keywords and any(k.arg is None for k in node.keywords)):
                raise _Refused(node, "C() without a variable")
            self.check(node.args[0])
            for arg in (*node.args[1:], *(k.value for k in node.keywords)):
                self.check(arg, in_c=True)
            return
        if node.keywords:
            raise _Refused(node.keywords[0].value, f"a keyword argument of {name}()")
        if name in _PANEL_OPS:
            self._panel_op(node, name)
            return
        if len(node.args) != 1:
            raise _Refused(node, f"{name}() with {len(node.args)} arguments (it takes one)")
        self.check(node.args[0], in_c=in_c)

    def _panel_op(self, node: ast.Call, name: str) -> None:
        args = node.args
        if not 1 <= len(args) <= 2:
            raise _Refused(node, f"{name}() with {len(args)} arguments; write {name}(x) or "
                                 f"{name}(x, k)")
        inner = args[0]
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) \
                and inner.func.id in _PANEL_OPS:
            self._panel_op(inner, inner.func.id)
        elif isinstance(inner, ast.Name):
            self._name(inner)
        else:
            raise _Refused(inner, f"a first argument of {name}() that is not a variable name")
        if len(args) == 2 and _integer(args[1]) is None:
            raise _Refused(args[1], f"a second argument of {name}() that is not an integer")


def _integer(node: ast.AST) -> int | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _integer(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _small_exponent(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _small_exponent(node.operand)
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and abs(node.value) <= _MAX_EXPONENT
    # An exponent that involves a variable is evaluated in floating point.
    return any(isinstance(n, (ast.Name, ast.Attribute)) for n in ast.walk(node))


def _describe(node: ast.AST) -> str:
    kinds = {ast.Subscript: "a subscript", ast.Lambda: "a lambda", ast.Dict: "a dict literal",
             ast.Set: "a set literal (formulaic's {...} Python block)",
             ast.List: "a list outside C(...)", ast.Tuple: "a tuple outside C(...)",
             ast.BoolOp: "and/or (write a comparison instead)", ast.IfExp: "if/else",
             ast.NamedExpr: "an assignment", ast.Starred: "a starred argument",
             ast.JoinedStr: "an f-string", ast.Await: "await", ast.Yield: "yield"}
    for kind, text in kinds.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return "a comprehension"
    return f"a {type(node).__name__} expression"


def _shown(what: str, text: str) -> str:
    return f"{what} {text!r}" if len(text) <= 200 else f"{what} {text[:200]!r}..."


def _parse(text: str, where: str, mode: Mode, names: Iterable[str] | None) -> ast.Expression:
    if len(text) > _MAX_LENGTH:
        raise SpecificationError(f"{where}: longer than {_MAX_LENGTH} characters; "
                                 "split it into steps")
    for char, why in (("@", "'@' (a reference to a Python variable)"),
                      ("`", "backtick quoting"), (";", "';'"), ("\n", "a line break"),
                      ("\\", "a backslash"), ("#", "'#'")):
        if char in text:
            raise SpecificationError(f"{where}: refused {char!r}: {why}; {_allowed(mode)}")
    source = text.replace(":", "&") if mode != "expression" else text
    if mode != "expression" and "&" in text:
        raise SpecificationError(f"{where}: refused '&'; write x:z for an interaction; "
                                 f"{_allowed(mode)}")
    tree: ast.Expression | None = None
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        tree = None
        if source != text:
            # A ':' of Python's own (lambda, walrus, slice, dict): name what was refused.
            try:
                tree = ast.parse(text.strip(), mode="eval")
            except (SyntaxError, RecursionError, MemoryError, ValueError):
                tree = None
        if tree is None:
            raise SpecificationError(f"{where}: not a valid expression ({exc.msg}{col}); "
                                     f"{_allowed(mode)}") from None
    except (RecursionError, MemoryError, ValueError):
        raise SpecificationError(f"{where}: nested too deeply or not valid; "
                                 f"{_allowed(mode)}") from None
    assert tree is not None
    try:
        _Checker(mode, None if names is None else frozenset(map(str, names))).check(tree)
    except RecursionError:
        raise SpecificationError(f"{where}: nested too deeply; {_allowed(mode)}") from None
    except _Refused as exc:
        token = ""
        if exc.node is not None:
            token = ast.get_source_segment(text.strip(), exc.node) or ""
        shown = f" {token!r}" if token else ""
        raise SpecificationError(f"{where}: refused{shown} ({exc.reason}); "
                                 f"{_allowed(mode)}") from None
    return tree


def validate_expression(text: str, *, names: Iterable[str] | None = None,
                        what: str = "expression", terms: bool = False) -> ast.Expression:
    """Check an expression against the allow-list and return its syntax tree.

    Parameters
    ----------
    text : str
        For example ``"remittances * credit"`` or, with ``terms=True``,
        ``"x + 2*x:z"`` or ``"(w + L.w)/(1 - L.n)"``.
    names : iterable of str, optional
        The names the expression may use (columns, or a model's terms); other
        names are refused. ``None`` accepts any name that is not a dunder.
    what : str
        How the error message calls the text (``"[[transform]] #1 expr"``).
    terms : bool
        Read term names of a fitted model: ``x:z`` (interaction), ``L.n``,
        ``L2.n``, ``D.x``.

    Returns
    -------
    ast.Expression

    Raises
    ------
    SpecificationError
        Naming the refused token and what is allowed.

    Examples
    --------
    >>> _ = validate_expression("(w + L.w)/(1 - L.n)", terms=True)
    >>> validate_expression("x.__class__")
    Traceback (most recent call last):
    ...
    migecon.errors.SpecificationError: expression 'x.__class__': refused 'x.__class__' \
(attribute access); allowed: variable names, numbers, + - * / ** and comparisons, \
parentheses, L() F() D(), and the functions log exp sqrt abs (also as np.log, np.exp, \
np.sqrt, np.abs)
    """
    if not isinstance(text, str):
        raise SpecificationError(f"{what} must be text; got {type(text).__name__}")
    return _parse(text, _shown(what, text), "terms" if terms else "expression", names)


def validate_formula(formula: str, *, what: str = "formula") -> None:
    """Check every part of ``y ~ x + [endog ~ instruments]``; raise on anything not allowed.

    A trailing or doubled ``+`` (``y ~ x +``) is an error rather than being
    dropped, so a term lost in editing does not go unnoticed.

    Raises
    ------
    SpecificationError
        Naming the refused token and what is allowed.

    Examples
    --------
    >>> validate_formula("D(n) ~ L(n, 1) + w + [L(n, 1) ~ L(n, 2)]")
    >>> validate_formula("y ~ x +")
    Traceback (most recent call last):
    ...
    migecon.errors.SpecificationError: formula 'y ~ x +': ends in '+' (a term is missing \
after it); remove the '+' or add the term
    """
    if not isinstance(formula, str):
        raise SpecificationError(f"{what} must be text such as 'y ~ x1 + x2'; got "
                                 f"{type(formula).__name__}")
    shown = _shown(what, formula)
    pieces: list[str] = []
    rest = formula
    bracket = re.search(r"\[([^\]]*)\]", rest)
    if bracket:
        if bracket.group(1).count("~") != 1:
            raise SpecificationError(f"{shown}: IV part [{bracket.group(1)}] must read "
                                     "[endogenous ~ instruments]")
        pieces += bracket.group(1).split("~")
        before, after = rest[: bracket.start()].rstrip(), rest[bracket.end():].lstrip()
        # The '+' that joined the IV part to the other terms goes with it.
        if before.endswith("+") and (not after or after.startswith("+")):
            before = before[:-1]
        elif before.endswith("~") and after.startswith("+"):
            after = after[1:]
        rest = f"{before} {after}"
    if "[" in rest or "]" in rest:
        raise SpecificationError(f"{shown}: only one [endogenous ~ instruments] part is "
                                 "allowed, with matching brackets")
    pieces += rest.split("~")
    for piece in pieces:
        text = piece.strip()
        if not text:
            continue  # parse_formula says which side is missing
        if re.search(r"[+\-*:/]\s*$", text):
            raise SpecificationError(f"{shown}: ends in {text[-1]!r} (a term is missing "
                                     f"after it); remove the {text[-1]!r} or add the term")
        if re.match(r"^\s*[+*:/]", text):
            raise SpecificationError(f"{shown}: starts with {text[0]!r} (a term is missing "
                                     f"before it); remove it or add the term")
        if re.search(r"\+\s*\+", text):
            raise SpecificationError(f"{shown}: has '+ +' (a term is missing between "
                                     "them); remove one '+' or add the term")
        _parse(text, shown, "formula", None)


# ------------------------------------------------------------------ evaluation
def evaluate(text: str, data: pd.DataFrame, *, what: str = "expression") -> pd.Series:
    """Evaluate a validated expression over the columns of ``data`` with numpy.

    No Python ``eval`` and no ``pandas.eval`` are involved: the syntax tree
    is walked here, so only the allow-listed operations can happen.
    ``L(x, k)``, ``F(x, k)`` and ``D(x, k)`` need ``data`` indexed
    ``(entity, time)``.

    Raises
    ------
    SpecificationError
        For anything :func:`validate_expression` refuses.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("A", 2000), ("A", 2001)])
    >>> frame = pd.DataFrame({"x": [1.0, 4.0]}, index=idx)
    >>> evaluate("sqrt(x) - L(x)", frame).tolist()
    [nan, 1.0]
    """
    tree = validate_expression(text, names=[str(c) for c in data.columns], what=what)
    try:
        with np.errstate(all="ignore"):
            value = _eval(tree.body, data)
    except RecursionError:
        raise SpecificationError(f"{what} {text[:200]!r}: nested too deeply; split it into "
                                 "steps") from None
    if np.ndim(value) == 0:
        value = np.full(len(data), float(value))
    return pd.Series(np.asarray(value, dtype=float), index=data.index)


def _eval(node: ast.AST, data: pd.DataFrame) -> Any:
    if isinstance(node, ast.Name):
        column = data[node.id]
        if not pd.api.types.is_numeric_dtype(column):
            raise DataError(f"variable {node.id!r} holds text, not numbers; an expression "
                            "can only compute with numeric variables")
        return column.to_numpy(dtype=float)
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, data)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, data), _eval(node.right, data)
        ops = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
               ast.Div: np.divide, ast.Pow: np.power}
        return ops[type(node.op)](left, right)
    if isinstance(node, ast.Compare):
        compare = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater,
                   ast.GtE: np.greater_equal, ast.Eq: np.equal, ast.NotEq: np.not_equal}
        left = _eval(node.left, data)
        result: Any = True
        for op, comp in zip(node.ops, node.comparators, strict=True):
            if type(op) not in compare:
                raise SpecificationError("only < <= > >= == != comparisons are allowed")
            right = _eval(comp, data)
            result = np.logical_and(result, compare[type(op)](left, right))
            left = right
        return np.asarray(result, dtype=float)
    assert isinstance(node, ast.Call)
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id  # type: ignore[attr-defined]
    if name in FUNCTIONS:
        return FUNCTIONS[name](_eval(node.args[0], data))
    from migecon.panel.transform import lag

    k = _integer(node.args[1]) if len(node.args) == 2 else 1
    assert k is not None
    values = pd.Series(np.asarray(_eval(node.args[0], data), dtype=float), index=data.index)
    if not isinstance(data.index, pd.MultiIndex):
        raise SpecificationError(f"{name}() needs panel data indexed (entity, time)")
    if name == "L":
        return lag(values, k).to_numpy()
    if name == "F":
        return lag(values, -k).to_numpy()
    return (values - lag(values, k)).to_numpy()
