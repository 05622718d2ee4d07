"""Output files of study and replication runs, confined to their output folder.

Table, figure and replication ids become file names, so they must be safe
names: letters, digits, ``_``, ``.`` and ``-``, starting with a letter or a
digit, at most 100 characters, no ``..`` (:func:`check_id`). Every file is
written through :func:`write_file`, which refuses a name that would resolve
outside the folder and writes atomically (a temporary file renamed into
place): an existing symbolic link at the target is *replaced* by the new
file, never followed, so neither a dangling link nor ``--force`` can make a
run write somewhere else.

Examples
--------
>>> check_id("main_table-2.v1", "[[table]] id")
'main_table-2.v1'
>>> check_id("../../etc/x", "[[table]] id")
Traceback (most recent call last):
...
migecon.errors.SpecificationError: [[table]] id '../../etc/x' is not a safe file name: \
use letters, digits, '_', '.' and '-' (starting with a letter or digit, at most 100 \
characters, no '..'), e.g. 'main' or 'table-2'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from migecon.errors import SpecificationError
from migecon.panel.cache import atomic_write

__all__ = ["SAFE_ID", "check_id", "inside", "write_file", "write_text"]

#: The pattern every id that becomes a file name must match (and it contains no ``..``).
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def check_id(value: object, where: str) -> str:
    """Return ``value`` if it is a safe file stem, else raise a SpecificationError."""
    text = value if isinstance(value, str) else repr(value)
    if not isinstance(value, str) or not SAFE_ID.fullmatch(value) or ".." in value:
        raise SpecificationError(
            f"{where} {text!r} is not a safe file name: use letters, digits, '_', '.' and "
            "'-' (starting with a letter or digit, at most 100 characters, no '..'), e.g. "
            "'main' or 'table-2'")
    return value


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (links resolved) lies in ``folder`` (links resolved)."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return True


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_file(folder: str | os.PathLike[str], name: str,
               write: Callable[[Path], object]) -> Path:
    """Write ``folder/name`` atomically through ``write(tmp_path)``; returns the path.

    ``name`` must be a plain file name (checked with :func:`check_id`); a
    symbolic link at the target is replaced, not followed.

    Examples
    --------
    >>> folder = getfixture("tmp_path")
    >>> write_text(folder, "a.txt", "hello").read_text()
    'hello'
    """
    base = Path(folder)
    check_id(name, "output file name")
    base.mkdir(parents=True, exist_ok=True)
    target = base / name
    # The folder itself may be a link the user chose; the file must be directly in it.
    if Path(os.path.realpath(target.parent)) != Path(os.path.realpath(base)):
        raise SpecificationError(f"output file {name!r} would be written outside {base}")
    if target.is_dir() and not target.is_symlink():
        raise SpecificationError(f"cannot write {target}: a folder of that name exists; "
                                 "remove it or choose another id")

    def _write(tmp: Path) -> None:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())

    return atomic_write(target, _write, keep_suffix=True)


def write_text(folder: str | os.PathLike[str], name: str, text: str) -> Path:
    """Write text (UTF-8) to ``folder/name`` with :func:`write_file`."""
    return write_file(folder, name, lambda tmp: tmp.write_text(text, encoding="utf-8"))
