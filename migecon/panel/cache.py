"""Where migecon keeps caches, and how it writes them without ever leaving half a file.

The cache folder is ``$MIGECON_CACHE_DIR`` when set, otherwise the user cache
folder given by platformdirs (e.g. ``~/.cache/migecon`` on Linux). Files are
written to a temporary name in the same folder and renamed into place, so a
crash never leaves a truncated cache file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "atomic_write_bytes", "cache_dir"]

ENV_VAR = "MIGECON_CACHE_DIR"


def cache_dir(*parts: str, create: bool = True) -> Path:
    """The cache folder (or a subfolder of it).

    Examples
    --------
    >>> cache_dir("wdi", create=False).name
    'wdi'
    """
    root = os.environ.get(ENV_VAR)
    if root:
        base = Path(root).expanduser()
    else:
        from platformdirs import user_cache_dir

        base = Path(user_cache_dir("migecon", appauthor=False))
    path = base.joinpath(*parts)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object], *,
                 keep_suffix: bool = False) -> Path:
    """Call ``write(tmp_path)`` then rename ``tmp_path`` to ``path`` atomically.

    ``write`` receives a temporary path in the target folder and must create
    the file there (e.g. ``lambda p: df.to_parquet(p)``). On any error the
    temporary file is removed and ``path`` is left as it was. If ``path`` is
    a symbolic link, the link itself is replaced by the new file: the file it
    pointed to is never written. ``keep_suffix`` ends the temporary name in
    ``path``'s suffix (for writers that choose the format by extension).

    Examples
    --------
    >>> folder = getfixture("tmp_path")
    >>> (folder / "elsewhere.txt").write_text("keep")
    4
    >>> (folder / "out.txt").symlink_to(folder / "elsewhere.txt")
    >>> _ = atomic_write_bytes(folder / "out.txt", b"new")
    >>> (folder / "out.txt").is_symlink(), (folder / "elsewhere.txt").read_text()
    (False, 'keep')
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = f".tmp{target.suffix}" if keep_suffix else ".tmp"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix,
                                    dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))
