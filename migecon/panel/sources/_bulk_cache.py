"""The columnar copy of indicators extracted from an all-indicator World Bank file.

One parquet file per source file, named after it and keyed by its path, size
and modification time (a changed file gets a new key, so a stale copy is never
used). Each extracted indicator is one row group (``iso3, year, value``); the
file's metadata map indicator codes to row groups and keep what the CSV said
about each (rows, name, content hash) and which codes the CSV does not hold.
A warm read opens one file and reads only the row groups asked for.

Files are replaced atomically (:func:`migecon.panel.cache.atomic_write`). A
cache file that cannot be read is deleted and its indicators are extracted
again from the CSV: a damaged cache is never an error. If two processes add
indicators at the same time, the last writer wins and the other's indicators
are simply extracted again next time.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from migecon.errors import CacheError
from migecon.panel.cache import atomic_write, cache_dir

__all__ = ["SCHEMA", "BulkCache"]

SCHEMA = pa.schema([("iso3", pa.large_string()), ("year", pa.int64()), ("value", pa.float64())])
_KEY = b"migecon.bulk_cache"
Info = dict[str, Any]


class BulkCache:
    """The cache file of one source file."""

    def __init__(self, source_path: Path, member: str | None, size: int, mtime_ns: int) -> None:
        raw = f"{source_path.resolve()}|{member}|{size}|{mtime_ns}"
        key = hashlib.sha256(raw.encode()).hexdigest()[:24]
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(member or source_path.name).stem)
        self.path = cache_dir("wdi_files") / f"{stem}-{key}.parquet"

    def _load(self) -> tuple[pq.ParquetFile | None, dict[str, Info], set[str]]:
        if not self.path.exists():
            return None, {}, set()
        try:
            parquet = pq.ParquetFile(self.path)
            index = json.loads((parquet.schema_arrow.metadata or {})[_KEY])
            if not parquet.schema_arrow.remove_metadata().equals(SCHEMA):
                raise ValueError("unexpected cache layout")
            return parquet, dict(index["codes"]), set(index["absent"])
        except (OSError, pa.ArrowException, ValueError, KeyError, TypeError):
            self.path.unlink(missing_ok=True)  # damaged: extract again from the CSV
            return None, {}, set()

    def read(self, codes: list[str]) -> tuple[dict[str, tuple[pa.Table, Info]], set[str]]:
        """Cached tables and info of ``codes`` (those present), and the codes known absent."""
        parquet, index, absent = self._load()
        hits = [c for c in codes if c.upper() in index]
        if parquet is None or not hits:
            return {}, absent
        groups = [index[c.upper()]["row_group"] for c in hits]
        try:
            table = parquet.read_row_groups([g for g in groups if g is not None],
                                            use_threads=False).replace_schema_metadata(None)
        except (OSError, pa.ArrowException):
            self.path.unlink(missing_ok=True)
            return {}, absent
        out: dict[str, tuple[pa.Table, Info]] = {}
        offset = 0
        for code in hits:
            info = dict(index[code.upper()])
            rows = int(info["n_values"])
            out[code] = (table.slice(offset, rows), info)  # zero-copy slices
            offset += rows
        return out, absent

    def add(self, new: dict[str, tuple[pa.Table, Info]], absent: set[str]) -> None:
        """Rewrite the file with the indicators already cached plus ``new``."""
        parquet, index, known_absent = self._load()
        tables: dict[str, pa.Table] = {}
        if parquet is not None:
            try:
                everything = parquet.read(use_threads=False)
            except (OSError, pa.ArrowException):
                everything, index = None, {}
            offset = 0
            order = sorted(index.items(), key=lambda kv: (kv[1]["row_group"] is None,
                                                          kv[1]["row_group"] or 0))
            for code, info in order:
                if everything is not None and info["row_group"] is not None:
                    tables[code] = everything.slice(offset, int(info["n_values"]))
                    offset += int(info["n_values"])
                elif info["row_group"] is None:
                    tables[code] = SCHEMA.empty_table()
        infos = {code: info for code, info in index.items() if code in tables}
        for code, (table, info) in new.items():
            tables[code.upper()] = table.cast(SCHEMA)
            infos[code.upper()] = info
        layout: dict[str, Info] = {}
        group = 0
        for code, table in tables.items():
            layout[code] = {**infos[code], "n_values": table.num_rows,
                            "row_group": group if table.num_rows else None}
            group += 1 if table.num_rows else 0
        metadata = {_KEY: json.dumps({"codes": layout,
                                      "absent": sorted(known_absent | absent)}).encode()}

        def write(tmp: Path) -> None:
            with pq.ParquetWriter(tmp, SCHEMA.with_metadata(metadata)) as writer:
                for table in tables.values():
                    if table.num_rows:  # one row group per indicator
                        writer.write_table(table, row_group_size=table.num_rows)

        try:
            atomic_write(self.path, write)
        except OSError as exc:
            raise CacheError(f"cannot write the cache file {self.path}: {exc}; set "
                             "MIGECON_CACHE_DIR to a writable folder or pass cache=False") from exc
