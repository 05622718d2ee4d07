"""The user's own data files: csv, xlsx, dta, parquet; long or wide by year.

:class:`UserFiles` reads one file in either layout:

``long``
    one row per entity and year, one column per variable
    (``iso3, year, remittances, growth``); or, with ``variable=`` and
    ``value=``, one row per entity, year and variable.
``wide``
    one row per entity (and variable), one column per year
    (``iso3, 1990, 1991, ...``; World Bank DataBank's ``1990 [YR1990]`` too).

The entity and time columns are named explicitly. ``..`` (the World Bank's
marker), empty cells and the usual NA spellings are missing; any other
non-numeric cell is an error naming the file, column and row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, SourceError
from migecon.panel.sources.base import IndicatorMeta, SourceData

__all__ = ["UserFiles", "read_table"]

Layout = Literal["auto", "long", "wide"]
_LAYOUTS = ("auto", "long", "wide")
_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xls": "excel",
            ".dta": "stata", ".parquet": "parquet", ".pq": "parquet"}
_YEAR_COLUMN = re.compile(r"^(?:YR)?(?P<year>\d{4})(?:\s*\[YR\d{4}\])?$")
MISSING = ["", "..", "NA", "N/A", "NaN", "nan", "null", "NULL", "-"]


def read_table(path: str | Path, *, sheet: str | int | None = None, sep: str | None = None
               ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read a csv, xlsx, dta or parquet file; return (frame, variable labels if stored).

    Cells are kept as read (csv: text), so that errors can name the raw value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("iso3,year,x\\nNPL,2000,..\\n")
    >>> read_table(p)[0].to_dict("records")
    [{'iso3': 'NPL', 'year': '2000', 'x': ''}]
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(f"file not found: {path}")
    kind = _FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(f"{path}: unsupported file type {path.suffix!r}; migecon reads "
                          f"{', '.join(sorted(_FORMATS))}")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes)")
    labels: dict[str, str] = {}
    try:
        if kind == "csv":
            delimiter = sep or ("\t" if path.suffix.lower() == ".tsv" else ",")
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=delimiter,
                                encoding="utf-8-sig")
            frame = frame.replace("..", "")
        elif kind == "excel":
            frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object)
        elif kind == "stata":
            with pd.io.stata.StataReader(path) as reader:
                frame = reader.read(convert_categoricals=False)  # type: ignore[attr-defined]
                labels = {k: v for k, v in reader.variable_labels().items() if v}
        else:
            frame, labels = _read_parquet(path)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty: no header line") from None
    except (ValueError, OSError) as exc:
        if isinstance(exc, DataError):
            raise
        raise SourceError(f"{path}: cannot be read as {kind}: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.loc[:, [c for c in frame.columns if c and not c.startswith("Unnamed")]]
    if frame.empty:
        raise DataError(f"{path} has a header but no rows (columns {list(frame.columns)})")
    return frame, labels


def _read_parquet(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    import json

    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = table.schema.metadata or {}
    labels: dict[str, str] = {}
    if b"migecon.variables" in meta:  # written by Panel.to_parquet
        labels = {k: v.get("label", "") for k, v in
                  json.loads(meta[b"migecon.variables"]).items() if v.get("label")}
    return table.to_pandas(), labels


class UserFiles:
    """A data source reading the user's own file (csv, xlsx, dta or parquet).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    entity : str
        The column holding countries (names or codes).
    time : str, optional
        The year column (long layout). Not used for the wide layout.
    layout : {"auto", "long", "wide"}
        ``"auto"`` (default) picks ``"wide"`` when two or more columns are
        years, else ``"long"``.
    variable, value : str, optional
        For a long file with one row per entity, year and variable: the
        columns holding the variable name and the value. For a wide file with
        several variables: the column naming the variable (``value`` unused).
    name : str, optional
        The variable's name for a wide file holding one variable (default:
        the file's stem).
    sheet : str or int, optional
        Excel sheet.
    source, vintage : str
        Provenance recorded for every variable (default: the file name).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import migecon as mg
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "remit.csv"
    >>> _ = p.write_text("country,2021,2022\\nNepal,22.3,22.9\\n")
    >>> src = mg.sources.UserFiles(p, entity="country")
    >>> src.fetch(["remit"]).values.to_dict("records")[-1]
    {'code': 'remit', 'iso3': 'Nepal', 'year': 2022, 'value': 22.9}
    """

    def __init__(self, path: str | Path, *, entity: str, time: str | None = None,
                 layout: Layout = "auto", variable: str | None = None,
                 value: str | None = None, name: str | None = None,
                 sheet: str | int | None = None, sep: str | None = None,
                 source: str = "", vintage: str = "") -> None:
        if layout not in _LAYOUTS:
            raise SourceError(f"layout must be one of {_LAYOUTS}; got {layout!r}")
        self.path = Path(path).expanduser()
        self.entity, self.time, self.layout = entity, time, layout
        self.variable, self.value, self.sheet, self.sep = variable, value, sheet, sep
        self.variable_name = name or self.path.stem
        self.source = source or f"user file {self.path.name}"
        self.vintage = vintage
        self.name = self.source
        self._long: pd.DataFrame | None = None
        self._labels: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"UserFiles({str(self.path)!r}, entity={self.entity!r}, time={self.time!r})"

    def read(self) -> pd.DataFrame:
        """The file as long values: code, iso3 (the entity as written), year, value."""
        if self._long is None:
            frame, self._labels = read_table(self.path, sheet=self.sheet, sep=self.sep)
            self._long = self._to_long(frame)
        return self._long.copy()

    def codes(self) -> list[str]:
        """The variables in the file."""
        return list(dict.fromkeys(self.read()["code"]))

    def fetch(self, codes: Sequence[str] | None = None, *,
              years: tuple[int, int] | None = None) -> SourceData:
        """Values of ``codes`` (all variables when None) as :class:`SourceData`."""
        long = self.read()
        available = list(dict.fromkeys(long["code"]))
        wanted = available if codes is None else [str(c) for c in codes]
        missing = [c for c in wanted if c not in available]
        values = long[long["code"].isin(wanted)]
        if years is not None:
            values = values[values["year"].between(years[0], years[1])]
        retrieved = datetime.fromtimestamp(self.path.stat().st_mtime, tz=UTC).isoformat(
            timespec="seconds")
        meta = {}
        for code in wanted:
            if code in missing:
                continue
            part = long[long["code"] == code]
            digest = hashlib.sha256(pd.util.hash_pandas_object(
                part[["iso3", "year", "value"]], index=False).to_numpy().tobytes())
            meta[code] = IndicatorMeta(code=code, name=self._labels.get(code, code),
                                       source=self.source, vintage=self.vintage,
                                       retrieved=retrieved, content_hash=digest.hexdigest())
        report = {"source": self.source, "files": dict.fromkeys(meta, str(self.path)),
                  "rows_read": len(long), "missing": missing}
        return SourceData(values=values.reset_index(drop=True), meta=meta, report=report)

    # ------------------------------------------------------------- layouts
    def _to_long(self, frame: pd.DataFrame) -> pd.DataFrame:
        where = str(self.path)
        if self.entity not in frame.columns:
            raise DataError(f"{where}: no entity column {self.entity!r}; the columns are "
                            f"{list(frame.columns)[:12]}. Pass entity='<column>'")
        year_cols = {c: int(m.group("year")) for c in frame.columns
                     if (m := _YEAR_COLUMN.match(c))}
        layout = self.layout
        if layout == "auto":
            layout = "wide" if len(year_cols) >= 2 else "long"
        if frame[self.entity].isna().any() or (frame[self.entity].astype(str).str.strip()
                                               == "").any():
            n = int((frame[self.entity].isna() | (frame[self.entity].astype(str).str.strip()
                                                  == "")).sum())
            raise DataError(f"{where}: {n} row(s) have an empty {self.entity!r}; fill or "
                            "remove them")
        if layout == "wide":
            return self._wide(frame, year_cols, where)
        return self._long_layout(frame, where)

    def _wide(self, frame: pd.DataFrame, year_cols: dict[str, int], where: str
              ) -> pd.DataFrame:
        if not year_cols:
            raise DataError(f"{where}: layout='wide' but no column is a year (1990, "
                            f"'1990 [YR1990]'); the columns are {list(frame.columns)[:12]}")
        if self.variable is not None and self.variable not in frame.columns:
            raise DataError(f"{where}: no variable column {self.variable!r}; columns are "
                            f"{list(frame.columns)[:12]}")
        codes = (frame[self.variable].astype(str) if self.variable
                 else pd.Series(self.variable_name, index=frame.index))
        parts = []
        for column, year in year_cols.items():
            parts.append(pd.DataFrame({
                "code": codes.to_numpy(), "iso3": frame[self.entity].astype(str).str.strip(),
                "year": year,
                "value": _numbers(frame[column], where, column, frame[self.entity])}))
        return _finish(pd.concat(parts, ignore_index=True))

    def _long_layout(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        if self.time is None:
            raise DataError(f"{where}: a long file needs the year column: pass time='<column>' "
                            f"(columns are {list(frame.columns)[:12]})")
        if self.time not in frame.columns:
            raise DataError(f"{where}: no time column {self.time!r}; the columns are "
                            f"{list(frame.columns)[:12]}")
        years = _years(frame[self.time], where, self.time)
        entity = frame[self.entity].astype(str).str.strip()
        if self.variable is not None or self.value is not None:
            if (self.variable is None or self.value is None
                    or self.variable not in frame.columns or self.value not in frame.columns):
                raise DataError(f"{where}: variable={self.variable!r} and value={self.value!r} "
                                f"must both be columns; the columns are {list(frame.columns)}")
            long = pd.DataFrame({"code": frame[self.variable].astype(str).str.strip(),
                                 "iso3": entity, "year": years,
                                 "value": _numbers(frame[self.value], where, self.value,
                                                   frame[self.entity])})
            return _finish(long)
        value_cols = [c for c in frame.columns if c not in (self.entity, self.time)]
        if not value_cols:
            raise DataError(f"{where}: no variable columns besides {self.entity!r} and "
                            f"{self.time!r}")
        parts = [pd.DataFrame({"code": c, "iso3": entity, "year": years,
                               "value": _numbers(frame[c], where, c, frame[self.entity])})
                 for c in value_cols]
        return _finish(pd.concat(parts, ignore_index=True))


def _finish(long: pd.DataFrame) -> pd.DataFrame:
    long = long.astype({"code": str, "iso3": str, "year": "int64", "value": "float64"})
    return long.dropna(subset=["value"]).reset_index(drop=True)


def _years(values: pd.Series, where: str, column: str) -> np.ndarray:
    text = values.astype(str).str.strip().str.removeprefix("YR")
    text = text.str.replace(r"\.0$", "", regex=True)
    numeric = pd.to_numeric(text, errors="coerce")
    bad = values[numeric.isna() | (numeric != numeric.round())]
    if len(bad):
        raise DataError(
            f"{where}: {len(bad)} value(s) of the time column {column!r} are not years, e.g. "
            f"{bad.iloc[0]!r} (row {bad.index[0] + 2}); expected four-digit years such as "
            "2001 (text such as '2001' or 'YR2001' is fine)")
    return numeric.astype("int64").to_numpy()


def _numbers(cells: pd.Series, where: str, column: str, entity: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
        values = cells.astype("float64").to_numpy()
    else:
        text = cells.map(lambda v: "" if v is None or (isinstance(v, float) and v != v)
                         else str(v).strip())
        missing = text.isin(MISSING)
        numeric = pd.to_numeric(text.where(~missing), errors="coerce")
        bad = cells[numeric.isna() & ~missing]
        if len(bad):
            first = bad.index[0]
            raise DataError(
                f"{where}: column {column!r} has {len(bad)} non-numeric cell(s), e.g. "
                f"{bad.iloc[0]!r} for {entity.loc[first]!r} (row {first + 2}). Missing values "
                "may be empty, '..' or 'NA'; fix or remove the others")
        values = numeric.astype("float64").to_numpy()
    if np.isinf(values).any():
        raise DataError(f"{where}: column {column!r} has {int(np.isinf(values).sum())} "
                        "infinite value(s)")
    return values
