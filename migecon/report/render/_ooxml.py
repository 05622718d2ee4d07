"""Reproducible Office files: honour ``SOURCE_DATE_EPOCH``.

Excel and Word files are zip archives that carry the time they were written
twice: in their document properties and in every zip entry. Two runs of the
same analysis therefore give files with different bytes, which defeats
comparing a study's output hashes. When the environment variable
``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention)
is set, both times are taken from it and the files become byte-identical
across runs; otherwise the current time is written, as Office does.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import zipfile

from migecon.errors import SpecificationError

__all__ = ["fixed_write_time", "normalise_zip"]

_ZIP_EPOCH = _dt.datetime(1980, 1, 1)  # the earliest time a zip entry can hold


def fixed_write_time() -> _dt.datetime | None:
    """The time set by ``SOURCE_DATE_EPOCH`` (naive UTC), or None when unset.

    Examples
    --------
    >>> mp = getfixture("monkeypatch")
    >>> mp.setenv("SOURCE_DATE_EPOCH", "946684800")
    >>> fixed_write_time()
    datetime.datetime(2000, 1, 1, 0, 0)
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        seconds = int(raw)
    except ValueError as exc:
        raise SpecificationError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01; got "
            f"{raw!r}") from exc
    return _dt.datetime.fromtimestamp(seconds, _dt.UTC).replace(tzinfo=None)


#: The created/modified elements of an Office file's core properties.
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


def normalise_zip(data: bytes, when: _dt.datetime) -> bytes:
    """Rewrite a zip archive with every entry dated ``when``, in the same order.

    The core properties' created and modified times are set to ``when`` too
    (openpyxl stamps "modified" with the clock while saving, whatever was set).
    """
    stamp = max(when, _ZIP_EPOCH).timetuple()[:6]
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(rb"\g<1>" + iso + rb"\g<2>", content)
            dst.writestr(entry, content)
    return out.getvalue()
