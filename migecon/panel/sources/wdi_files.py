"""World Development Indicators from files on disk: every format the World Bank hands out.

:class:`WDIFiles` reads, from files, folders or ``.zip`` archives as downloaded:

- the per-indicator bulk CSV ``API_<code>_DS2_<lang>_csv_v2_<n>.csv``, with
  its four-line preamble (``"Data Source"``, ``"Last Updated Date"``) or
  without it, with or without a byte-order mark, with the trailing empty column;
- the all-indicator bulk file ``WDICSV.csv`` (older name ``WDIData.csv``),
  reading only the requested indicators without loading the whole file (see
  :mod:`migecon.panel.sources._wdicsv`), with a columnar (parquet) copy of
  the extracted indicators kept in the cache folder, keyed by the file's
  path, size and modification time, so the next extraction skips the CSV
  (see :mod:`migecon.panel.sources._bulk_cache`);
- long CSVs ``Country Name, Country Code, Year, Value`` (one indicator per
  file, the code taken from an ``Indicator Code`` column or from the file
  name, e.g. ``bx.trf.pwkr.cd.dt.csv`` or ``<code>/data.csv``), with an
  optional ``INDEX.csv`` beside them giving each file's vintage;
- DataBank exports (``Series Code`` and ``2000 [YR2000]`` columns);
- the country metadata files (``Metadata_Country_*.csv``, ``WDICountry.csv``).

``..`` and empty cells are missing values; any other non-numeric cell is an
error that names the file, the economy and the year.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, SourceError
from migecon.panel.sources import _wdicsv
from migecon.panel.sources.base import IndicatorMeta, SourceData

__all__ = ["WDIFiles", "read_wdi_file"]

Kind = Literal["wide", "long", "bulk", "country-metadata", "index"]
OnConflict = Literal["error", "newest"]
_ON_CONFLICT = ("error", "newest")
Info = dict[str, Any]

_API_NAME = re.compile(r"^API_(?P<code>.+?)_DS2_", re.IGNORECASE)
_CODE_NAME = re.compile(r"^[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+$")
_YEAR_COLUMN = re.compile(r"^(?P<year>\d{4})(?:\s*\[YR\d{4}\])?$")
_UNIT = re.compile(r"\(([^()]*)\)\s*$")
_SKIPPED_WDI = re.compile(r"^(WDISeries|WDIfootnote|WDICountry-Series|WDISeries-Time|"
                          r"Metadata_Indicator)", re.IGNORECASE)
SOURCE_NAME = "World Bank, World Development Indicators"


@dataclass(frozen=True)
class FileEntry:
    """One data file found on disk (possibly a member of a zip archive)."""

    path: Path
    member: str | None
    kind: Kind
    code: str | None  # the indicator of a one-indicator file, else None
    size: int
    mtime_ns: int

    @property
    def where(self) -> str:
        """How messages name the file."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def name(self) -> str:
        """The file's own name."""
        return Path(self.member).name if self.member else self.path.name

    def open(self) -> IO[bytes]:
        """A fresh binary stream of the file's bytes."""
        if self.member is None:
            return open(self.path, "rb")
        return _ZipStream(self.path, self.member)  # type: ignore[return-value]

    def read_bytes(self) -> bytes:
        """The file's bytes."""
        with self.open() as stream:
            return stream.read()


class _ZipStream(io.RawIOBase):
    """A zip member as a stream that closes its archive when closed."""

    def __init__(self, path: Path, member: str) -> None:
        self._zip = zipfile.ZipFile(path)
        self._member = self._zip.open(member)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._member.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        return self._member.read(size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._member.readline(-1 if size is None else size)

    def close(self) -> None:
        if not self.closed:
            self._member.close()
            self._zip.close()
        super().close()


class WDIFiles:
    """World Development Indicators read from World Bank files on disk.

    Parameters
    ----------
    *paths : str or os.PathLike
        Files, folders (searched recursively) or ``.zip`` archives.
    on_conflict : {"error", "newest"}
        What to do when two one-indicator files hold the same indicator (for
        example two vintages): raise an error naming both (default) or take the
        one with the newest vintage (then modification time). Files holding
        one indicator always take precedence over all-indicator files.
    cache : bool
        Keep a parquet copy of the indicators extracted from an all-indicator
        file in the cache folder (``MIGECON_CACHE_DIR`` or the user cache).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import migecon as mg
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "sp.pop.grow.csv").write_text(
    ...     "Country Name,Country Code,Year,Value\\nNepal,NPL,2021,0.9\\nWorld,WLD,2021,0.9\\n")
    >>> data = mg.sources.WDIFiles(folder).fetch(["SP.POP.GROW"])
    >>> data.values[["code", "iso3", "year", "value"]].values.tolist()
    [['SP.POP.GROW', 'NPL', 2021, 0.9], ['SP.POP.GROW', 'WLD', 2021, 0.9]]
    """

    name = "World Bank WDI files"

    def __init__(self, *paths: str | Path, on_conflict: OnConflict = "error",
                 cache: bool = True) -> None:
        if not paths:
            raise SourceError("WDIFiles needs at least one file or folder")
        if len(paths) == 1 and isinstance(paths[0], list | tuple):
            paths = tuple(paths[0])
        if on_conflict not in _ON_CONFLICT:
            raise SourceError(f"on_conflict must be one of {_ON_CONFLICT}; got {on_conflict!r}")
        self.paths = [Path(p).expanduser() for p in paths]
        missing = [str(p) for p in self.paths if not p.exists()]
        if missing:
            raise SourceError(f"WDIFiles: not found: {', '.join(missing)}")
        self.on_conflict = on_conflict
        self.cache = cache
        self._entries: list[FileEntry] | None = None
        self._skipped: list[tuple[str, str]] = []
        self._index: tuple[dict[tuple[Path, str], str], dict[str, str]] | None = None

    def __repr__(self) -> str:
        return f"WDIFiles({', '.join(repr(str(p)) for p in self.paths)})"

    # ------------------------------------------------------------ scanning
    @property
    def entries(self) -> list[FileEntry]:
        """Every data file found (scanned once)."""
        if self._entries is None:
            self._entries, self._skipped = _scan(self.paths)
        return list(self._entries)

    @property
    def skipped(self) -> list[tuple[str, str]]:
        """Files that were not recognised, with the reason."""
        _ = self.entries
        return list(self._skipped)

    def indicators(self) -> pd.DataFrame:
        """The indicators of the one-indicator files found: code, file, kind, vintage."""
        rows = [{"code": e.code, "file": e.where, "kind": e.kind,
                 "vintage": self._vintage(e)}
                for e in self.entries if e.code is not None]
        return pd.DataFrame(rows, columns=["code", "file", "kind", "vintage"])

    def has(self, code: str) -> bool | None:
        """True if a one-indicator file holds ``code``; None if only a bulk file might."""
        key = code.upper()
        if any(e.code == key for e in self.entries):
            return True
        return None if any(e.kind == "bulk" for e in self.entries) else False

    def country_metadata(self) -> pd.DataFrame | None:
        """Region and income group per economy from the country metadata files, if any."""
        from migecon.panel.sources.classifications import read_country_metadata

        files = [e for e in self.entries if e.kind == "country-metadata"]
        if not files:
            return None
        newest = max(files, key=lambda e: e.mtime_ns)
        return read_country_metadata(newest.read_bytes(), where=newest.where)

    # ------------------------------------------------------------ fetching
    def fetch(self, codes: Sequence[str], *, years: tuple[int, int] | None = None
              ) -> SourceData:
        """Values of ``codes`` (long: code, iso3, year, value) with provenance.

        Codes found in no file are listed in ``report["missing"]`` (not an
        error here: :func:`migecon.build_panel` may derive them from others).
        """
        if isinstance(codes, str):
            codes = [codes]
        frames: list[pd.DataFrame] = []
        meta: dict[str, IndicatorMeta] = {}
        report: dict[str, Any] = {"source": self.name, "files": {}, "rows_read": 0,
                                  "missing": [], "cache": {}}
        single, rest = self._resolve(codes)
        for code, entry in single.items():
            frame, info = _read_one_indicator(entry, code)
            frames.append(frame)
            report["files"][code] = entry.where
            report["rows_read"] += info["rows"]
            meta[code] = self._meta(code, entry, info, frame)
        if rest:
            found_frames, found = self._fetch_from_multi(rest, report)
            frames += found_frames
            for code, (entry, info) in found.items():
                meta[code] = self._meta(code, entry, info, None)
        report["missing"] = [c for c in codes if c not in meta]
        values = (pd.concat(frames, ignore_index=True) if frames
                  else pd.DataFrame({"code": [], "iso3": [], "year": [], "value": []}))
        values = values.astype({"code": str, "iso3": str, "year": "int64", "value": "float64"})
        if years is not None:
            values = values[values["year"].between(years[0], years[1])]
        return SourceData(values=values.reset_index(drop=True), meta=meta, report=report)

    def _resolve(self, codes: Sequence[str]) -> tuple[dict[str, FileEntry], list[str]]:
        single: dict[str, FileEntry] = {}
        rest: list[str] = []
        for code in codes:
            hits = [e for e in self.entries if e.code == code.upper()]
            if not hits:
                rest.append(code)
            elif len(hits) == 1:
                single[code] = hits[0]
            elif self.on_conflict == "newest":
                single[code] = max(hits, key=lambda e: (self._vintage(e), e.mtime_ns))
            else:
                listed = "; ".join(f"{e.where} (vintage {self._vintage(e) or 'unknown'})"
                                   for e in hits)
                raise SourceError(
                    f"indicator {code} is in {len(hits)} files: {listed}. Pass only one of "
                    "the folders, or take the newest: WDIFiles(..., on_conflict='newest') "
                    "in Python, --on-conflict newest on the command line (migecon build)")
        return single, rest

    def _fetch_from_multi(self, codes: list[str], report: dict[str, Any]
                          ) -> tuple[list[pd.DataFrame], dict[str, tuple[FileEntry, Info]]]:
        frames: list[pd.DataFrame] = []
        found: dict[str, tuple[FileEntry, Info]] = {}
        for entry in [e for e in self.entries if e.kind in ("bulk", "long") and e.code is None]:
            wanted = [c for c in codes if c not in found]
            if not wanted:
                break
            if entry.kind == "long":  # a long file with an Indicator Code column
                frame, info = _read_one_indicator(entry, None)
                report["rows_read"] += info["rows"]
                for code in wanted:
                    part = frame[frame["code"].str.upper() == code.upper()].assign(code=code)
                    if len(part):
                        frames.append(part)
                        found[code] = (entry, {**info, "rows": len(part),
                                               "content_hash": _content_hash(part)})
                        report["files"][code] = entry.where
                continue
            frame, infos = self._bulk(entry, wanted, report)
            frames.append(frame)
            for code, info in infos.items():
                found[code] = (entry, info)
                report["files"][code] = entry.where
        return frames, found

    # ----------------------------------------------------- bulk with a cache
    def _bulk(self, entry: FileEntry, codes: list[str], report: dict[str, Any]
              ) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
        """Long values of ``codes`` from an all-indicator file, through the cache."""
        import pyarrow as pa

        from migecon.panel.sources._bulk_cache import BulkCache

        cache = (BulkCache(entry.path, entry.member, entry.size, entry.mtime_ns)
                 if self.cache else None)
        hits, absent = cache.read(codes) if cache else ({}, set())
        tables: list[tuple[str, pa.Table]] = []
        infos: dict[str, dict[str, Any]] = {}
        to_read: list[str] = []
        for code in codes:
            if code.upper() in absent:
                report["cache"][code] = "hit (not in file)"
            elif code in hits:
                tables.append((code, hits[code][0]))
                infos[code] = hits[code][1]
                report["cache"][code] = "hit"
            else:
                to_read.append(code)
        if to_read:
            result = _wdicsv.extract(entry.open, to_read, entry.where)
            report["rows_read"] += result.lines
            report.setdefault("bulk_method", {})[entry.where] = result.method
            blocks = _bulk_blocks(result.table, to_read)
            new_absent = {c.upper() for c in to_read if c not in blocks}
            for code in to_read:
                if code in blocks:
                    tables.append((code, blocks[code][0]))
                    infos[code] = blocks[code][1]
                    report["cache"][code] = "miss" if cache else "off"
                else:
                    report["cache"][code] = "miss (not in file)" if cache else "off"
            if cache:
                cache.add({c: blocks[c] for c in to_read if c in blocks}, new_absent)
        if not tables:
            return pd.DataFrame({"code": [], "iso3": [], "year": [], "value": []}), infos
        return _with_codes(tables).to_pandas(), infos

    # ------------------------------------------------------------ metadata
    def _index_tables(self) -> tuple[dict[tuple[Path, str], str], dict[str, str]]:
        if self._index is None:
            table = _index_table(self.entries)
            self._index = (_index_vintages(table), _index_names(table))
        return self._index

    def _vintage(self, entry: FileEntry) -> str:
        if entry.kind == "wide":
            return _preamble_vintage(entry)
        if entry.kind == "long":
            folder = entry.path.parent if entry.member is None else entry.path
            return self._index_tables()[0].get((folder, entry.name), "")
        return ""

    def _meta(self, code: str, entry: FileEntry, info: dict[str, Any],
              frame: pd.DataFrame | None) -> IndicatorMeta:
        name = info.get("indicator_name") or self._index_tables()[1].get(code.upper(), "")
        unit = _UNIT.search(name)
        retrieved = datetime.fromtimestamp(entry.mtime_ns / 1e9, tz=UTC).isoformat(
            timespec="seconds")
        return IndicatorMeta(
            code=code, name=name, unit=unit.group(1) if unit else "",
            source=f"{SOURCE_NAME} (file {entry.name})",
            vintage=info.get("vintage") or self._vintage(entry),
            retrieved=retrieved,
            content_hash=info.get("content_hash")
            or (_content_hash(frame) if frame is not None else ""))


# ---------------------------------------------------------------- scanning
def _scan(paths: Iterable[Path]) -> tuple[list[FileEntry], list[tuple[str, str]]]:
    entries: list[FileEntry] = []
    skipped: list[tuple[str, str]] = []
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if path.name.startswith("."):
                continue
            stat = path.stat()
            if path.suffix.lower() == ".zip":
                try:
                    with zipfile.ZipFile(path) as archive:
                        members = [m for m in archive.infolist() if not m.is_dir()]
                        for info in members:
                            with archive.open(info) as stream:
                                head = stream.read(4096)
                            _classify(entries, skipped, path, info.filename, head,
                                      info.file_size, stat.st_mtime_ns)
                except zipfile.BadZipFile:
                    skipped.append((str(path), "not a valid zip archive"))
                continue
            if path.suffix.lower() not in (".csv", ".txt"):
                if root == path:
                    raise SourceError(
                        f"{path}: WDIFiles reads .csv files and .zip archives of them; for "
                        "xlsx, dta or parquet use mg.sources.UserFiles")
                continue
            with open(path, "rb") as stream:
                head = stream.read(4096)
            _classify(entries, skipped, path, None, head, stat.st_size, stat.st_mtime_ns)
    return entries, skipped


def _classify(entries: list[FileEntry], skipped: list[tuple[str, str]], path: Path,
              member: str | None, head: bytes, size: int, mtime_ns: int) -> None:
    name = Path(member).name if member else path.name
    where = f"{path}!{member}" if member else str(path)

    def add(kind: Kind, code: str | None = None) -> None:
        entries.append(FileEntry(path, member, kind, code, size, mtime_ns))

    if not name.lower().endswith((".csv", ".txt")):
        skipped.append((where, "not a CSV file"))
        return
    api = _API_NAME.match(name)
    if name.lower().startswith("metadata_country") or name.lower() == "wdicountry.csv":
        add("country-metadata")
    elif _SKIPPED_WDI.match(name):
        skipped.append((where, "World Bank metadata file not used for values"))
    elif name.lower() == "index.csv":
        add("index")
    elif api:
        add("wide", api.group("code").upper())
    elif re.match(r"^(WDICSV|WDIData)\.csv$", name, re.IGNORECASE):
        add("bulk")
    elif not head.strip():
        skipped.append((where, "empty file"))
    else:
        header = _header_of(head)
        if {"Country Code", "Year", "Value"} <= set(header):
            if "Indicator Code" in header or "Series Code" in header:
                add("long")
            else:
                code = _code_from_name(path, member)
                if code:
                    add("long", code)
                else:
                    skipped.append((where, "long file without an Indicator Code column "
                                           "and without an indicator code in its name"))
        elif "Country Code" in header and any(c in header for c in _wdicsv.CODE_COLUMNS):
            add("bulk")
        else:
            skipped.append((where, f"not a World Bank file (columns {header[:5]})"))


def _header_of(head: bytes) -> list[str]:
    text = head.decode("utf-8-sig", errors="replace")
    for line in text.splitlines()[:8]:
        if "Country Code" in line:
            return [c.strip() for c in next(csv.reader([line]))]
    first = text.splitlines()[0] if text.splitlines() else ""
    return [c.strip() for c in next(csv.reader([first]))] if first else []


def _code_from_name(path: Path, member: str | None) -> str | None:
    file = Path(member) if member else path
    stem = file.stem
    if stem.lower() == "data":
        stem = file.parent.name
    return stem.upper() if _CODE_NAME.match(stem) else None


# ----------------------------------------------------------------- reading
def read_wdi_file(path: str | Path, code: str | None = None) -> pd.DataFrame:
    """Read one World Bank per-indicator or long file into long form (code, iso3, year, value).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "API_SP.POP.GROW_DS2_en_csv_v2_1.csv"
    >>> _ = p.write_text('"Country Name","Country Code","Indicator Name","Indicator Code",'
    ...                  '"2000","2001",\\n"Nepal","NPL","Population growth (annual %)",'
    ...                  '"SP.POP.GROW","1.9","..",\\n')
    >>> read_wdi_file(p).values.tolist()
    [['SP.POP.GROW', 'NPL', 2000, 1.9]]
    """
    entries, skipped = _scan([Path(path)])
    if not entries:
        reason = skipped[0][1] if skipped else "not recognised"
        raise DataError(f"{path}: {reason}")
    frame, _ = _read_one_indicator(entries[0], code)
    return frame


def _decode(data: bytes, where: str) -> str:
    if not data.strip():
        raise DataError(f"{where} is empty ({len(data)} bytes): expected World Bank CSV data")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # old DataBank exports are Windows-1252


def _split_preamble(text: str, where: str) -> tuple[dict[str, str], str]:
    """The ``"Data Source"`` / ``"Last Updated Date"`` lines and the table below them."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines[:10]):
        if "Country Code" in line or "Country Name" in line:
            info = {}
            for pre in lines[:i]:
                fields = next(csv.reader([pre.strip()]), [])
                if len(fields) >= 2 and fields[0]:
                    info[fields[0].strip()] = fields[1].strip()
            return info, "".join(lines[i:])
    raise DataError(
        f"{where}: no header line with 'Country Code' in the first 10 lines; the file starts "
        f"with {lines[0][:100]!r}. Expected a World Bank CSV (wide: Country Name, Country "
        "Code, Indicator Name, Indicator Code, 1960, ...; or long: Country Name, Country Code,"
        " Year, Value)"
    )


def _read_one_indicator(entry: FileEntry, code: str | None) -> tuple[pd.DataFrame, dict[str, Any]]:
    text = _decode(entry.read_bytes(), entry.where)
    info, table = _split_preamble(text, entry.where)
    text_columns = {c: str for c in ("Country Name", "Country Code", "Indicator Name",
                                     "Indicator Code", "Series Name", "Series Code")}
    # Numbers are parsed by the C parser; only a column holding a stray
    # non-numeric cell stays text, and _numbers then names the cell.
    frame = pd.read_csv(io.StringIO(table), dtype=text_columns, keep_default_na=False,
                        na_values=_wdicsv.MISSING_MARKERS, skipinitialspace=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.loc[:, [c for c in frame.columns if c and not c.startswith("Unnamed")]]
    if "Country Code" not in frame.columns:
        raise DataError(f"{entry.where}: no 'Country Code' column; columns are "
                        f"{list(frame.columns)[:8]}")
    meta = {"vintage": info.get("Last Updated Date", ""), "rows": len(frame),
            "indicator_name": ""}
    if "Year" in frame.columns and "Value" in frame.columns:
        long = _long_table(frame, entry, code)
    else:
        long = _wide_table(frame, entry, code)
    code_name = next((c for c in ("Indicator Name", "Series Name") if c in frame.columns), None)
    if code_name and len(frame):
        meta["indicator_name"] = str(frame[code_name].iloc[0])
    return long, meta


def _long_table(frame: pd.DataFrame, entry: FileEntry, code: str | None) -> pd.DataFrame:
    code_col = next((c for c in ("Indicator Code", "Series Code") if c in frame.columns), None)
    codes = frame[code_col] if code_col else pd.Series(code or entry.code, index=frame.index)
    if pd.api.types.is_integer_dtype(frame["Year"]):
        numeric_years = frame["Year"]
    else:
        years = frame["Year"].astype(str).str.strip().str.removeprefix("YR")
        numeric_years = pd.to_numeric(years, errors="coerce")
    bad = frame.loc[numeric_years.isna() | (numeric_years % 1 != 0), "Year"]
    if len(bad):
        raise DataError(
            f"{entry.where}: {len(bad)} 'Year' value(s) are not years, e.g. {bad.iloc[0]!r} "
            f"(row {bad.index[0] + 2}); expected four-digit years such as 2001")
    values = (frame["Value"].astype("float64") if pd.api.types.is_float_dtype(frame["Value"])
              else _numbers(frame["Value"], entry.where,
                            lambda i: f"{frame['Country Code'].iloc[i]} {frame['Year'].iloc[i]}"))
    out = pd.DataFrame({"code": codes.astype(str).to_numpy(),
                        "iso3": frame["Country Code"].str.strip().to_numpy(),
                        "year": numeric_years.astype("int64").to_numpy(),
                        "value": values.to_numpy()})
    if entry.code is not None:
        if code_col:
            _check_single_code(frame[code_col], entry)
        out["code"] = code or entry.code
    return out.dropna(subset=["value"]).reset_index(drop=True)


def _wide_table(frame: pd.DataFrame, entry: FileEntry, code: str | None) -> pd.DataFrame:
    year_cols = {c: int(m.group("year")) for c in frame.columns
                 if (m := _YEAR_COLUMN.match(c))}
    if not year_cols:
        raise DataError(f"{entry.where}: no year columns (1960, 1961, ... or '2000 [YR2000]'); "
                        f"columns are {list(frame.columns)[:8]}")
    code_col = next((c for c in ("Indicator Code", "Series Code") if c in frame.columns), None)
    if code_col is None and code is None and entry.code is None:
        raise DataError(f"{entry.where}: no 'Indicator Code' column")
    codes = (frame[code_col].astype(str) if code_col
             else pd.Series(code or entry.code, index=frame.index))
    frame = frame.loc[frame["Country Code"].str.strip() != ""]
    codes = codes.loc[frame.index]
    cells = frame[list(year_cols)]
    numbers = np.column_stack([
        _numbers(cells[c], entry.where, lambda i, c=c: f"{frame['Country Code'].iloc[i]} {c}")
        .to_numpy() if not pd.api.types.is_float_dtype(cells[c])
        else cells[c].to_numpy(dtype="float64") for c in year_cols]
    ) if len(frame) else np.zeros((0, len(year_cols)))
    n_rows, n_years = numbers.shape
    out = pd.DataFrame({
        "code": np.repeat(codes.to_numpy(), n_years),
        "iso3": np.repeat(frame["Country Code"].str.strip().to_numpy(), n_years),
        "year": np.tile(np.array(list(year_cols.values()), dtype="int64"), n_rows),
        "value": numbers.reshape(-1)})
    if entry.code is not None:
        _check_single_code(codes, entry)
        out["code"] = code or entry.code
    elif code is not None:
        out = out[out["code"].str.upper() == code.upper()].assign(code=code)
    return out.dropna(subset=["value"]).reset_index(drop=True)


def _check_single_code(codes: pd.Series, entry: FileEntry) -> None:
    """A one-indicator file must hold the indicator its name promises."""
    found = sorted(set(codes.str.strip().str.upper()) - {""})
    if found and found != [entry.code]:
        raise DataError(
            f"{entry.where}: the file name says indicator {entry.code} but its Indicator Code "
            f"column holds {found[:3]}; rename the file or fix the column")


def _numbers(cells: pd.Series, where: str, locate: Any) -> pd.Series:
    """Cells as floats: ``..`` and empty are missing, anything else non-numeric is an error."""
    text = cells.astype(str).str.strip()
    missing = text.isin(_wdicsv.MISSING_MARKERS)
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = np.flatnonzero((numbers.isna() & ~missing).to_numpy())
    if len(bad):
        examples = ", ".join(f"{locate(int(i))}: {text.iloc[int(i)]!r}" for i in bad[:3])
        raise DataError(
            f"{where}: {len(bad)} non-numeric value(s) where numbers were expected, e.g. "
            f"{examples}. The World Bank marks missing values with '..' or an empty cell; "
            "fix or remove these cells")
    return numbers.astype("float64")


def _bulk_blocks(table: Any, codes: Sequence[str]) -> dict[str, tuple[Any, Info]]:
    """Per indicator, its values in long form (a pyarrow Table: iso3, year, value) and info.

    Built with numpy and pyarrow rather than pandas: turning 150,000 Python
    strings into pandas' string dtype would cost more than the extraction.
    """
    import pyarrow as pa

    columns = list(table.column_names)
    code_col = next(c for c in _wdicsv.CODE_COLUMNS if c in columns)
    name_col = next((c for c in ("Indicator Name", "Series Name") if c in columns), None)
    year_cols = {c: int(m.group("year")) for c in columns if (m := _YEAR_COLUMN.match(c))}
    years = np.array(list(year_cols.values()), dtype="int64")
    row_codes = np.asarray(table.column(code_col).to_pylist(), dtype=object)
    iso3 = np.asarray(table.column("Country Code").to_pylist(), dtype=object)
    names = table.column(name_col).to_pylist() if name_col else [""] * table.num_rows
    numbers = (np.column_stack([table.column(c).to_numpy(zero_copy_only=False)
                                for c in year_cols]).astype("float64") if table.num_rows
               else np.zeros((0, len(year_cols))))
    out: dict[str, tuple[Any, Info]] = {}
    for code in codes:
        rows = np.flatnonzero(row_codes == code)
        if len(rows) == 0:
            continue
        block = numbers[rows]
        observed = ~np.isnan(block)
        row_at, year_at = np.nonzero(observed)
        long = pa.table({"iso3": pa.array(iso3[rows][row_at], type=pa.large_string()),
                         "year": pa.array(years[year_at], type=pa.int64()),
                         "value": pa.array(block[observed], type=pa.float64())})
        out[code] = (long, {"rows": len(rows), "indicator_name": str(names[int(rows[0])]),
                            "vintage": "", "content_hash": _content_hash(long)})
    return out


def _with_codes(tables: list[tuple[str, Any]]) -> Any:
    """One Table of (code, iso3, year, value) from per-indicator Tables."""
    import pyarrow as pa

    combined = pa.concat_tables([t for _, t in tables]).combine_chunks()
    # The code column is assembled from its buffers, as large strings (what pandas' string
    # dtype holds), so that neither pyarrow nor pandas has to copy 150,000 strings.
    counts = [t.num_rows for _, t in tables]
    encoded = [c.encode() for c, _ in tables]
    lengths = np.repeat(np.array([len(e) for e in encoded], dtype=np.int64), counts)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    data = b"".join(e * n for e, n in zip(encoded, counts, strict=True))
    codes = pa.LargeStringArray.from_buffers(int(sum(counts)), pa.py_buffer(offsets.tobytes()),
                                             pa.py_buffer(data))
    iso3 = combined.column("iso3").cast(pa.large_string())
    combined = combined.set_column(0, "iso3", iso3)
    return combined.add_column(0, "code", codes)


# -------------------------------------------------------------- provenance
def _preamble_vintage(entry: FileEntry) -> str:
    with entry.open() as stream:
        head = stream.read(512).decode("utf-8-sig", errors="replace")
    match = re.search(r'"?Last Updated Date"?\s*,\s*"?([0-9-]+)', head)
    return match.group(1) if match else ""


def _index_table(entries: Sequence[FileEntry]) -> pd.DataFrame:
    frames = []
    for entry in entries:
        if entry.kind != "index":
            continue
        frame = pd.read_csv(io.BytesIO(entry.read_bytes()), dtype=str, keep_default_na=False)
        frame.columns = [c.strip().lower() for c in frame.columns]
        frame["_folder"] = str(entry.path.parent if entry.member is None else entry.path)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _index_vintages(table: pd.DataFrame) -> dict[tuple[Path, str], str]:
    date_col = next((c for c in ("last_updated", "vintage", "last_commit_date")
                     if c in table.columns), None)
    if table.empty or "file" not in table.columns or date_col is None:
        return {}
    return {(Path(folder), file): date for folder, file, date
            in zip(table["_folder"], table["file"], table[date_col], strict=True)}


def _index_names(table: pd.DataFrame) -> dict[str, str]:
    if table.empty or not {"indicator", "name"} <= set(table.columns):
        return {}
    return dict(zip(table["indicator"].str.upper(), table["name"], strict=True))


def _content_hash(values: Any) -> str:
    """SHA-256 of (iso3, year, value) in a canonical order, whatever the file layout.

    ``values`` is a DataFrame or a pyarrow Table with those columns.
    """
    import pyarrow as pa

    table = values if isinstance(values, pa.Table) else pa.Table.from_pandas(
        values[["iso3", "year", "value"]], preserve_index=False)
    table = table.select(["iso3", "year", "value"]).sort_by(
        [("iso3", "ascending"), ("year", "ascending")])
    digest = hashlib.sha256()
    digest.update("\x1f".join(str(c) for c in table.column("iso3").to_pylist()).encode())
    digest.update(table.column("year").cast(pa.int64()).to_numpy().tobytes())
    digest.update(table.column("value").cast(pa.float64()).to_numpy().tobytes())
    return digest.hexdigest()
