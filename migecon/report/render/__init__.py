"""Renderers: each turns a :class:`~migecon.report.model.TableModel` into one format.

The optional writers (Excel through openpyxl, Word through python-docx) import
their library only when called, through :func:`require`, which names the pip
extra to install when the library is missing.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from migecon.errors import MissingDependencyError

__all__ = ["MissingDependencyError", "require"]


def require(module: str, extra: str, what: str, package: str = "") -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the pip extra.

    Examples
    --------
    >>> require("json", "none", "JSON").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{what} needs the optional package {package or module!r}, which is not "
            f"installed; install it with: pip install 'migecon[{extra}]'") from exc
