"""The specification of a dynamic-panel GMM model and the xtabond2 command parser.

A :class:`GMMSpec` says everything :func:`migecon.gmm` needs: the dependent
variable, the regressors, the GMM-style and IV-style instrument groups and the
estimation options. It is built either from keyword arguments or by
:func:`parse_command` from a Stata ``xtabond2`` command line, so that Stata
users can paste what they ran::

    n L.n L2.n w L.w L(0/2).(k ys) yr*, gmm(L.n) iv(w L.w L(0/2).(k ys) yr*) nolevel robust

Varlists accept Stata's time-series operators (``L.``, ``L2.``, ``L(0/2).``,
``D.``, ``F.``, combinations such as ``LD.``), parenthesised groups
(``L(0/1).(w k)``), wildcards (``yr*``, ``x?``) and ranges of adjacent columns
(``yr1980-yr1984``). Options may be abbreviated as Stata allows
(``two`` for ``twostep``, ``gmm`` for ``gmmstyle``, ``eq(lev)``, ...).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from migecon.errors import SpecificationError

__all__ = ["GMMSpec", "GMMStyle", "IVStyle", "VarExpr", "parse_command", "parse_varlist",
           "spec_to_command"]

Equation = Literal["diff", "level", "both"]
EQUATIONS: tuple[str, ...] = ("diff", "level", "both")


@dataclass(frozen=True)
class VarExpr:
    """A panel variable with Stata time-series operators applied.

    The value at period ``t`` is the ``diff``-th difference of ``name``
    evaluated at ``t - lag`` (``lag < 0`` is a lead). Lags look up the
    calendar period, so gaps stay gaps.

    Parameters
    ----------
    name : str
        A column of the panel.
    lag : int
        Net lag (``L`` adds one, ``F`` subtracts one).
    diff : int
        Number of ``D`` operators.
    """

    name: str
    lag: int = 0
    diff: int = 0

    @property
    def label(self) -> str:
        """Stata's name for the expression: ``n``, ``L.n``, ``L2.n``, ``LD.w``, ``F.x``."""
        ops = ""
        if self.lag > 0:
            ops += "L" if self.lag == 1 else f"L{self.lag}"
        elif self.lag < 0:
            ops += "F" if self.lag == -1 else f"F{-self.lag}"
        if self.diff:
            ops += "D" if self.diff == 1 else f"D{self.diff}"
        return f"{ops}.{self.name}" if ops else self.name

    def lagged(self, k: int) -> VarExpr:
        """The same expression lagged ``k`` more periods."""
        return replace(self, lag=self.lag + k)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class GMMStyle:
    """One ``gmmstyle()`` instrument group.

    Parameters
    ----------
    variables : tuple of VarExpr
        Base variables whose lags are instruments.
    lag_min, lag_max : int, int or None
        Lag limits; ``lag_max=None`` means every available lag (``lag(a .)``).
        xtabond2's default is ``lag(1 .)``.
    collapse : bool
        One instrument per lag instead of one per lag and period.
    equation : {"both", "diff", "level"}
        The equations the group instruments. ``"both"`` in system GMM also
        builds the standard levels-equation instruments (differences lagged
        ``lag_min - 1``).
    passthru : bool
        For ``equation="level"``: use levels rather than differences.
    """

    variables: tuple[VarExpr, ...]
    lag_min: int = 1
    lag_max: int | None = None
    collapse: bool = False
    equation: Equation = "both"
    passthru: bool = False

    @property
    def label(self) -> str:
        """xtabond2's label for the group, e.g. ``gmm(n, lag(2 4))``."""
        opts = []
        if self.collapse:
            opts.append("collapse")
        if self.passthru:
            opts.append("passthru")
        if self.equation != "both":
            opts.append(f"eq({self.equation})")
        hi = "." if self.lag_max is None else str(self.lag_max)
        opts.append(f"lag({self.lag_min} {hi})")
        return f"gmm({' '.join(v.label for v in self.variables)}, {' '.join(opts)})"


@dataclass(frozen=True)
class IVStyle:
    """One ``ivstyle()`` instrument group.

    Parameters
    ----------
    variables : tuple of VarExpr
        Instruments; each is transformed like the equation it serves.
    equation : {"both", "diff", "level"}
        Equations instrumented.
    passthru : bool
        Do not transform the instruments for the transformed equation.
    mz : bool
        Missing values become zero instead of dropping the observation.
    """

    variables: tuple[VarExpr, ...]
    equation: Equation = "both"
    passthru: bool = False
    mz: bool = False

    @property
    def label(self) -> str:
        """xtabond2's label for the group, e.g. ``iv(k)`` or ``iv(yr1980, eq(level))``."""
        opts = []
        if self.passthru:
            opts.append("passthru")
        if self.mz:
            opts.append("mz")
        if self.equation != "both":
            opts.append(f"eq({self.equation})")
        names = " ".join(v.label for v in self.variables)
        return f"iv({names}, {' '.join(opts)})" if opts else f"iv({names})"


@dataclass(frozen=True)
class GMMSpec:
    """A complete dynamic-panel GMM specification (xtabond2's options).

    Attributes
    ----------
    dependent : VarExpr
    regressors : tuple of VarExpr
    gmm : tuple of GMMStyle
    iv : tuple of IVStyle
    system : bool
        System GMM (levels equation added); ``False`` is xtabond2's ``noleveleq``.
    orthogonal : bool
        Forward orthogonal deviations instead of first differences.
    constant : bool
        Constant term (system GMM only, as in xtabond2).
    steps : {1, 2}
    robust : bool
        Cluster-robust one-step / Windmeijer-corrected two-step covariance.
    small : bool
        t and F statistics with xtabond2's small-sample factors.
    h : {1, 2, 3}
        First-step weighting matrix (xtabond2's ``h()``).
    artests : int
        Highest order of the Arellano-Bond autocorrelation tests.
    diffsargan : bool
        Compute difference-in-Sargan/Hansen tests per instrument group.
    ginv : {"invsym", "pinv"}
        Generalized inverse of singular weighting matrices: Stata's ``invsym``
        (xtabond2) or Moore-Penrose (pydynpd). Not an xtabond2 option.
    command : str
        The command the specification was parsed from (empty for keywords).
    """

    dependent: VarExpr
    regressors: tuple[VarExpr, ...]
    gmm: tuple[GMMStyle, ...] = ()
    iv: tuple[IVStyle, ...] = ()
    system: bool = True
    orthogonal: bool = False
    constant: bool = True
    steps: int = 1
    robust: bool = False
    small: bool = False
    h: int = 3
    artests: int = 2
    diffsargan: bool = True
    ginv: str = "invsym"
    command: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.steps not in (1, 2):
            raise SpecificationError(f"steps must be 1 or 2; got {self.steps!r}")
        if self.h not in (1, 2, 3):
            raise SpecificationError(
                f"h() must be 1, 2 or 3 (xtabond2's first-step weighting matrix); got {self.h!r}")
        if self.ginv not in ("invsym", "pinv"):
            raise SpecificationError(f"ginv must be 'invsym' or 'pinv'; got {self.ginv!r}")
        if self.artests < 0:
            raise SpecificationError(f"artests must be 0 or more; got {self.artests}")
        if not self.regressors and not (self.system and self.constant):
            raise SpecificationError(
                "no regressors: give at least one regressor (difference GMM has no constant)")

    @property
    def variables(self) -> set[str]:
        """Every panel column the specification reads."""
        names = {self.dependent.name, *(r.name for r in self.regressors)}
        for g in self.gmm:
            names |= {v.name for v in g.variables}
        for iv in self.iv:
            names |= {v.name for v in iv.variables}
        return names


# ----------------------------------------------------------------- tokenising
def _split_top(text: str, sep: str = " ") -> list[str]:
    """Split on ``sep`` outside parentheses; drop empty pieces."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise SpecificationError(f"unbalanced parentheses in {text!r}")
        if depth == 0 and (ch == sep or (sep == " " and ch.isspace())):
            piece = "".join(cur).strip()
            if piece:
                out.append(piece)
            cur = []
        else:
            cur.append(ch)
    if depth != 0:
        raise SpecificationError(f"unbalanced parentheses in {text!r}")
    piece = "".join(cur).strip()
    if piece:
        out.append(piece)
    return out


def _numlist(text: str) -> list[int]:
    """Stata numlist: ``1/3``, ``0 1 2``, ``1,2``, ``-1/1``."""
    out: list[int] = []
    for part in re.split(r"[\s,]+", text.strip()):
        if not part:
            continue
        m = re.fullmatch(r"(-?\d+)/(-?\d+)", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            step = 1 if b >= a else -1
            out.extend(range(a, b + step, step))
        elif re.fullmatch(r"-?\d+", part):
            out.append(int(part))
        else:
            raise SpecificationError(f"invalid numlist {text!r} in a time-series operator")
    return out


_OP = re.compile(r"([LFDS])(\((?:[^()]*)\)|\d*)", re.IGNORECASE)


def _parse_ops(prefix: str) -> list[tuple[int, int]]:
    """Operator prefix (``L2D``, ``L(0/2)``) -> list of (lag, diff) combinations."""
    combos: list[tuple[int, int]] = [(0, 0)]
    pos = 0
    while pos < len(prefix):
        m = _OP.match(prefix, pos)
        if not m:
            raise SpecificationError(
                f"invalid time-series operator {prefix!r}: expected L, F or D with an optional "
                "number or (numlist), e.g. L2., L(0/2)., D., LD.")
        letter, arg = m.group(1).upper(), m.group(2)
        if letter == "S":
            raise SpecificationError("seasonal differences (S.) are not supported; use D.")
        if arg.startswith("("):
            ks = _numlist(arg[1:-1])
        else:
            ks = [int(arg) if arg else 1]
        new = []
        for lag, dif in combos:
            for k in ks:
                if letter == "L":
                    new.append((lag + k, dif))
                elif letter == "F":
                    new.append((lag - k, dif))
                else:
                    if k < 0:
                        raise SpecificationError(f"D{k}. is not a valid difference operator")
                    new.append((lag, dif + k))
        combos = new
        pos = m.end()
    return combos


def _match_names(token: str, columns: Sequence[str]) -> list[str]:
    """Expand a name, wildcard or ``a-b`` range against the panel's columns."""
    if token in columns:
        return [token]
    if any(ch in token for ch in "*?"):
        hits = [c for c in columns if fnmatch.fnmatchcase(c, token)]
        if not hits:
            raise SpecificationError(
                f"wildcard {token!r} matches no variable of the panel (columns: "
                f"{', '.join(columns)}); for year dummies pass time_dummies=True, which adds "
                "yr<year> columns")
        return hits
    if "-" in token:
        a, b = token.split("-", 1)
        if a in columns and b in columns:
            i, j = columns.index(a), columns.index(b)
            if i > j:
                raise SpecificationError(f"range {token!r}: {a} comes after {b} in the panel")
            return list(columns[i:j + 1])
    raise SpecificationError(
        f"variable {token!r} not found in the panel; available: {', '.join(columns)}")


def parse_varlist(text: str, columns: Sequence[str]) -> list[VarExpr]:
    """Expand a Stata varlist with time-series operators into expressions.

    Parameters
    ----------
    text : str
        E.g. ``"L(0/2).(k ys) yr*"``.
    columns : sequence of str
        The panel's columns, in order (used for wildcards and ranges).

    Returns
    -------
    list of VarExpr

    Examples
    --------
    >>> [v.label for v in parse_varlist("L(0/1).(w k) D.n", ["n", "w", "k"])]
    ['w', 'L.w', 'k', 'L.k', 'D.n']
    """
    cols = list(columns)
    out: list[VarExpr] = []
    for token in _split_top(text):
        m = re.fullmatch(r"([A-Za-z0-9()/ ,\-]*?)\.(.+)", token)
        if m and m.group(1) and re.fullmatch(r"(?:[LlFfDdSs](?:\([^()]*\)|\d*))+", m.group(1)):
            combos = _parse_ops(m.group(1))
            target = m.group(2)
            if target.startswith("(") and target.endswith(")"):
                inner = parse_varlist(target[1:-1], cols)
            else:
                inner = [VarExpr(n) for n in _match_names(target, cols)]
            # Stata expands L(0/1).(w k) variable by variable: w L.w k L.k
            for base in inner:
                for lag, dif in combos:
                    out.append(VarExpr(base.name, base.lag + lag, base.diff + dif))
        else:
            if token.startswith("("):
                raise SpecificationError(f"unexpected parenthesis in varlist: {token!r}")
            out.extend(VarExpr(n) for n in _match_names(token, cols))
    return out


# ------------------------------------------------------------------- options
# (full name, minimal abbreviation length), as in xtabond2's syntax statement
_MAIN_OPTIONS = {
    "robust": 1, "twostep": 3, "noconstant": 3, "noleveleq": 3, "orthogonal": 2,
    "artests": 2, "small": 2, "h": 1, "nodiffsargan": 3, "gmmstyle": 3, "ivstyle": 2,
    "level": 1, "cluster": 2, "arlevels": 4, "pca": 3, "components": 4, "svmat": 3,
    "svvar": 3, "nomata": 3,
}
_UNSUPPORTED = {"cluster", "arlevels", "pca", "components", "svmat", "svvar"}
_GMM_SUBOPTIONS = {"laglimits": 3, "collapse": 1, "orthogonal": 1, "equation": 1,
                   "passthru": 1, "split": 2}
_IV_SUBOPTIONS = {"equation": 1, "passthru": 1, "mz": 2}


def _resolve(word: str, table: dict[str, int], where: str) -> str:
    w = word.lower()
    # "gmm" must resolve to gmmstyle and "iv" to ivstyle; "lag" to laglimits
    for name, minlen in table.items():
        if len(w) >= minlen and name.startswith(w):
            return name
    valid = ", ".join(sorted(table))
    raise SpecificationError(f"unknown {where} option {word!r}; valid options: {valid}")


def _option_parts(text: str) -> list[tuple[str, str | None]]:
    """``gmm(L.n, lag(2 .)) twostep h(2)`` -> [("gmm", "L.n, lag(2 .)"), ("twostep", None), ...]."""
    out: list[tuple[str, str | None]] = []
    for piece in _split_top(text):
        m = re.fullmatch(r"([A-Za-z_]+)\s*(?:\((.*)\))?", piece, flags=re.DOTALL)
        if not m:
            raise SpecificationError(f"cannot read option {piece!r}")
        out.append((m.group(1), m.group(2)))
    return out


def _equation(arg: str | None, where: str) -> Equation:
    if arg is None or not arg.strip():
        raise SpecificationError(f"{where}: equation() needs diff, level or both")
    word = arg.strip().lower()
    for name in EQUATIONS:
        if name.startswith(word):
            return name  # type: ignore[return-value]
    raise SpecificationError(
        f"{where}: equation({arg}) invalid; use equation(diff), equation(level) or equation(both)")


def _split_args(arg: str) -> tuple[str, str]:
    idx = _first_top_comma(arg)
    return (arg, "") if idx < 0 else (arg[:idx], arg[idx + 1:])


def _parse_gmm(arg: str, columns: Sequence[str]) -> list[GMMStyle]:
    varpart, optpart = _split_args(arg)
    variables = tuple(parse_varlist(varpart, columns))
    if not variables:
        raise SpecificationError(f"gmmstyle({arg}) names no variables")
    lag_min, lag_max = 1, None
    collapse = passthru = split = False
    equation: Equation = "both"
    for name, sub in _option_parts(optpart):
        opt = _resolve(name, _GMM_SUBOPTIONS, "gmmstyle()")
        if opt == "laglimits":
            parts = (sub or "").split()
            if len(parts) != 2:
                raise SpecificationError(
                    f"gmmstyle({arg}): laglimits() needs two arguments, e.g. lag(2 .); got {sub!r}")
            lo = None if parts[0] == "." else _int(parts[0], arg)
            hi = None if parts[1] == "." else _int(parts[1], arg)
            lag_min = 1 if lo is None else lo
            lag_max = hi
            check_lag_range(lag_min, lag_max, f"gmmstyle({arg})")
        elif opt == "collapse":
            collapse = True
        elif opt == "passthru":
            passthru = True
        elif opt == "split":
            split = True
        elif opt == "equation":
            equation = _equation(sub, f"gmmstyle({arg})")
        else:
            raise SpecificationError(
                "gmmstyle(..., orthogonal) (backward orthogonal deviations of instruments) is "
                "not supported; use first-difference-style instruments")
    if split and equation == "both":
        # split: the levels instruments become a group of their own, so that
        # difference-in-Hansen tests them separately (xtabond2's definition)
        return [GMMStyle(variables, lag_min, lag_max, collapse, "diff", passthru),
                GMMStyle(variables, lag_min - 1, lag_min - 1, collapse, "level", False)]
    return [GMMStyle(variables, lag_min, lag_max, collapse, equation, passthru)]


def check_lag_range(lag_min: int, lag_max: int | None, where: str) -> None:
    """A reversed range such as ``lag(3 2)`` is an error (xtabond2 silently swaps it).

    Examples
    --------
    >>> check_lag_range(2, 3, "gmmstyle(w, lag(2 3))")  # fine
    >>> check_lag_range(3, 2, "gmmstyle(w, lag(3 2))")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    migecon.errors.SpecificationError: gmmstyle(w, lag(3 2)): the lag range 3 to 2 is ...
    """
    if lag_max is not None and lag_min > lag_max:
        raise SpecificationError(
            f"{where}: the lag range {lag_min} to {lag_max} is reversed (the first limit must "
            f"not exceed the second); write lag({lag_max} {lag_min}) if you mean lags "
            f"{lag_max} to {lag_min} (xtabond2 would swap them silently)")


def _int(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SpecificationError(f"gmmstyle({where}): lag limit {text!r} is not an integer or "
                                 "'.'") from None


def _parse_iv(arg: str, columns: Sequence[str]) -> IVStyle:
    varpart, optpart = _split_args(arg)
    variables = tuple(parse_varlist(varpart, columns))
    if not variables:
        raise SpecificationError(f"ivstyle({arg}) names no variables")
    equation: Equation = "both"
    passthru = mz = False
    for name, sub in _option_parts(optpart):
        opt = _resolve(name, _IV_SUBOPTIONS, "ivstyle()")
        if opt == "equation":
            equation = _equation(sub, f"ivstyle({arg})")
        elif opt == "passthru":
            passthru = True
        else:
            mz = True
    return IVStyle(variables, equation, passthru, mz)


def parse_command(command: str, columns: Sequence[str]) -> GMMSpec:
    """Parse an ``xtabond2`` command line into a :class:`GMMSpec`.

    Parameters
    ----------
    command : str
        ``depvar indepvars, options`` with or without a leading ``xtabond2``.
    columns : sequence of str
        The panel's columns (for wildcards and ranges).

    Returns
    -------
    GMMSpec

    Raises
    ------
    SpecificationError
        Unknown variables or options, unsupported options, bad lag limits.

    Examples
    --------
    >>> spec = parse_command("n L.n w, gmm(L.n, lag(1 3)) iv(w) nolevel twostep robust",
    ...                      ["n", "w"])
    >>> spec.system, spec.steps, spec.robust, spec.gmm[0].label
    (False, 2, True, 'gmm(L.n, lag(1 3))')
    """
    text = command.strip()
    text = re.sub(r"^xtabond2\s+", "", text)
    varpart, optpart = _split_args(text)
    if re.search(r"\b(if|in)\b", varpart):
        raise SpecificationError(
            "'if' and 'in' qualifiers are not supported; subset the panel first "
            "(panel.subset(years=...))")
    variables = parse_varlist(varpart, columns)
    if not variables:
        raise SpecificationError("the command names no dependent variable")
    dependent, regressors = variables[0], tuple(variables[1:])
    gmm: list[GMMStyle] = []
    iv: list[IVStyle] = []
    opts: dict[str, object] = {"system": True, "orthogonal": False, "constant": True,
                               "steps": 1, "robust": False, "small": False, "h": 3,
                               "artests": 2, "diffsargan": True}
    for name, arg in _option_parts(optpart):
        opt = _resolve(name, _MAIN_OPTIONS, "xtabond2")
        if opt in _UNSUPPORTED:
            raise SpecificationError(
                f"xtabond2 option {opt}() is not supported by migecon.gmm; remove it "
                "(robust already clusters by panel unit)")
        if opt == "gmmstyle":
            gmm.extend(_parse_gmm(arg or "", columns))
        elif opt == "ivstyle":
            iv.append(_parse_iv(arg or "", columns))
        elif opt == "robust":
            opts["robust"] = True
        elif opt == "twostep":
            opts["steps"] = 2
        elif opt == "noconstant":
            opts["constant"] = False
        elif opt == "noleveleq":
            opts["system"] = False
        elif opt == "orthogonal":
            opts["orthogonal"] = True
        elif opt == "small":
            opts["small"] = True
        elif opt == "nodiffsargan":
            opts["diffsargan"] = False
        elif opt in ("h", "artests"):
            if arg is None or not arg.strip().lstrip("-").isdigit():
                raise SpecificationError(f"{opt}() needs an integer, e.g. {opt}(2); got {arg!r}")
            opts[opt] = int(arg)
        # level() (confidence level) and nomata change nothing here
    if not gmm and not iv:
        raise SpecificationError(
            "no instruments: give at least one gmm() or iv() option, e.g. gmm(L.y)")
    return GMMSpec(dependent=dependent, regressors=regressors, gmm=tuple(gmm), iv=tuple(iv),
                   command=command.strip(), **opts)  # type: ignore[arg-type]


def _first_top_comma(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            return i
    return -1


def spec_to_command(spec: GMMSpec) -> str:
    """The xtabond2 command equivalent to a specification.

    Examples
    --------
    >>> spec = GMMSpec(VarExpr("y"), (VarExpr("y", 1), VarExpr("x")),
    ...                gmm=(GMMStyle((VarExpr("y", 1),), collapse=True),),
    ...                iv=(IVStyle((VarExpr("x"),)),), steps=2, robust=True)
    >>> spec_to_command(spec)
    'xtabond2 y L.y x, gmm(L.y, collapse lag(1 .)) iv(x) twostep robust'
    """
    parts = [spec.dependent.label, *(r.label for r in spec.regressors)]
    opts = [g.label for g in spec.gmm] + [i.label for i in spec.iv]
    if not spec.system:
        opts.append("noleveleq")
    if spec.orthogonal:
        opts.append("orthogonal")
    if not spec.constant and spec.system:
        opts.append("noconstant")
    if spec.steps == 2:
        opts.append("twostep")
    if spec.robust:
        opts.append("robust")
    if spec.small:
        opts.append("small")
    if spec.h != 3:
        opts.append(f"h({spec.h})")
    if spec.artests != 2:
        opts.append(f"artests({spec.artests})")
    if not spec.diffsargan:
        opts.append("nodiffsargan")
    return f"xtabond2 {' '.join(parts)}, {' '.join(opts)}"
