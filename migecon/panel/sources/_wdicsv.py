"""Extract a few indicators from the World Bank's all-indicator bulk file without loading it.

``WDICSV.csv`` (older name ``WDIData.csv``) is 200-300 MB: one row per economy
and indicator, ``Country Name, Country Code, Indicator Name, Indicator Code,
1960, ..., 2025``. Reading it whole with pandas costs about 0.7 GB of memory
to keep a few dozen rows.

The fast path uses the file's shape: the World Bank writes a full rectangle,
every economy with the same list of indicators in the same order. After
parsing the first economy's block (about 1,500 lines) to learn where each
requested indicator sits in a block, the rest of the file is only scanned for
line breaks (numpy, in chunks) and the requested lines are cut out by number;
only those lines are parsed. Every cut-out line is then checked (its indicator
code, its economy, the first and last line of every block), and if anything
does not fit the rectangle (a filtered or re-sorted file) the reader falls
back to a streaming parse of the whole file with pyarrow, which is slower but
makes no assumption. Either way, memory stays at a few chunks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from migecon.errors import DataError

__all__ = ["CODE_COLUMNS", "ExtractResult", "extract", "parse_header"]

CHUNK = 4 << 20  # bytes per read: small chunks keep peak memory low and cost no speed
#: Names of the indicator-code column (bulk files, DataBank exports).
CODE_COLUMNS = ("Indicator Code", "Series Code")
MISSING_MARKERS = ["", ".."]  # ".." is the World Bank's missing-value marker
#: Longest line accepted (bytes). A bulk file's lines are about 1 KB; a line
#: that runs on past this is not a World Bank file, and reading it whole
#: (e.g. a compressed member that never breaks its first line) would take
#: unbounded memory.
MAX_LINE = 1 << 20


def _too_long(where: str, which: str) -> DataError:
    return DataError(
        f"{where}: not a World Bank bulk file: its {which} line runs past {MAX_LINE:,} bytes "
        "without a line break (bulk files have lines of about 1 KB). Is this the "
        "WDICSV.csv / WDIData.csv file as downloaded?")


def read_header(stream: IO[bytes], where: str) -> bytes:
    """The first line of ``stream``, read with a length cap."""
    header = stream.readline(MAX_LINE + 1)
    if len(header) > MAX_LINE and not header.endswith(b"\n"):
        raise _too_long(where, "first")
    return header


class _NotRectangular(Exception):
    """The file is not the full economy x indicator rectangle: use the slow path."""


class ExtractResult:
    """Rows of the requested indicators (a pyarrow Table) and how they were found."""

    def __init__(self, table: pa.Table, method: str, lines: int) -> None:
        self.table = table
        self.method = method
        self.lines = lines


def parse_header(line: bytes, where: str) -> list[str]:
    """Column names of a bulk file's header line, checked for the required columns.

    An empty name (``WDIData.csv`` ends every line with a comma) becomes
    ``"_empty<i>"`` and is dropped later.
    """
    text = line.decode("utf-8-sig").strip("\r\n")
    columns = [c.strip() or f"_empty{i}" for i, c in enumerate(next(csv.reader([text])))]
    code_col = next((c for c in CODE_COLUMNS if c in columns), None)
    if "Country Code" not in columns or code_col is None:
        raise DataError(
            f"{where}: expected a World Bank bulk header with 'Country Code' and "
            f"'Indicator Code' columns; the first line is {text[:120]!r}. Is this the "
            "WDICSV.csv / WDIData.csv file as downloaded?"
        )
    return columns


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while True:
        block = stream.read(CHUNK)
        if not block:
            return
        yield block


def extract(open_stream: Callable[[], IO[bytes]], codes: Sequence[str], where: str
            ) -> ExtractResult:
    """Rows of ``codes`` from an all-indicator bulk file.

    Parameters
    ----------
    open_stream : callable
        Returns a fresh binary stream of the file (called once or twice).
    codes : sequence of str
        Indicator codes wanted.
    where : str
        The file's name for messages.
    """
    try:
        return _extract_rectangle(open_stream, codes, where)
    except _NotRectangular:
        return _extract_streaming(open_stream, codes, where)


def _year_columns(columns: Sequence[str]) -> list[str]:
    return [c for c in columns if c[:4].isdigit()]


def _convert_options(columns: Sequence[str]) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(
        column_types={c: pa.float64() for c in _year_columns(columns)}
        | {c: pa.string() for c in columns if not c[:4].isdigit()},
        null_values=MISSING_MARKERS, strings_can_be_null=False,
        include_columns=[c for c in columns if not c.startswith("_empty")])


def _read_options(columns: Sequence[str], **kwargs: Any) -> pacsv.ReadOptions:
    # The header is replaced by cleaned names (BOM, empty trailing column).
    return pacsv.ReadOptions(column_names=list(columns), skip_rows=1, **kwargs)


def _parse_lines(header: bytes, lines: list[bytes], columns: list[str], where: str
                 ) -> pa.Table:
    data = header + b"".join(lines)
    try:
        return pacsv.read_csv(io.BytesIO(data), read_options=_read_options(columns),
                              convert_options=_convert_options(columns))
    except pa.ArrowInvalid as exc:
        raise _bad_cell_error(data, where, exc) from None


def _bad_cell_error(data: bytes, where: str, exc: Exception) -> DataError:
    """Name the first non-numeric cells of a failed parse (economy, indicator, year)."""
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    code_col = next(c for c in CODE_COLUMNS if c in frame.columns)
    examples = []
    for col in _year_columns(list(frame.columns)):
        cells = frame[col].str.strip()
        numeric = pd.to_numeric(cells.where(~cells.isin(MISSING_MARKERS)), errors="coerce")
        bad = frame.loc[numeric.isna() & ~cells.isin(MISSING_MARKERS)]
        examples += [f"{row['Country Code']} {row[code_col]} {col[:4]}: {row[col]!r}"
                     for _, row in bad.head(3).iterrows()]
    shown = "; ".join(examples[:3]) if examples else str(exc)
    return DataError(
        f"{where}: non-numeric value(s) where numbers were expected, e.g. {shown}. "
        "The World Bank marks missing values with '..' or an empty cell; fix or remove "
        "the cell(s)."
    )


def _split_first_block(buffer: bytearray, stream_chunks: Iterator[bytes], country_col: int,
                       code_col: int, where: str = "the file") -> list[str]:
    """Indicator codes of the first economy's block (reads more chunks into ``buffer``)."""
    codes: list[str] = []
    first_country: str | None = None
    start = 0
    while True:
        end = buffer.find(b"\n", start)
        if end == -1:
            if len(buffer) - start > MAX_LINE:
                raise _too_long(where, "second" if not codes else f"{len(codes) + 2}th")
            more = next(stream_chunks, None)
            if more is None:  # the file ends inside the first block
                if buffer[start:].strip():
                    buffer.extend(b"\n")
                    continue
                return codes
            buffer.extend(more)
            continue
        line = bytes(buffer[start:end]).decode("utf-8", errors="replace").strip("\r")
        start = end + 1
        if not line:
            continue
        fields = next(csv.reader([line]))
        if len(fields) <= max(country_col, code_col) or line.count('"') % 2:
            raise _NotRectangular  # a quoted line break or a short line: no fast path
        if first_country is None:
            first_country = fields[country_col]
        if fields[country_col] != first_country:
            return codes
        codes.append(fields[code_col])


def _extract_rectangle(open_stream: Callable[[], IO[bytes]], codes: Sequence[str], where: str
                       ) -> ExtractResult:
    with open_stream() as stream:
        header = read_header(stream, where)
        if not header.strip():
            raise DataError(f"{where} is empty: no header line")
        columns = parse_header(header, where)
        country_col = columns.index("Country Code")
        code_col = columns.index(next(c for c in CODE_COLUMNS if c in columns))
        stream_chunks = _chunks(stream)
        buffer = bytearray()
        block_codes = _split_first_block(buffer, stream_chunks, country_col, code_col,
                                         where)
        n = len(block_codes)
        if n == 0 or len(set(block_codes)) != n:
            raise _NotRectangular
        position = {c: i for i, c in enumerate(block_codes)}
        wanted = sorted({position[c] for c in codes if c in position})
        keep = np.zeros(n, dtype=bool)
        keep[[0, n - 1, *wanted]] = True  # block edges are kept to check the shape
        lines: list[bytes] = []
        line_numbers: list[np.ndarray] = []
        line_no = 0
        carry = b""
        for block in _prepend(bytes(buffer), stream_chunks):
            chunk = carry + block
            breaks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
            if len(breaks) == 0:
                if len(chunk) > MAX_LINE:
                    raise _too_long(where, f"{line_no + 2}th")
                carry = chunk
                continue
            line_no = _take(chunk, breaks, line_no, n, keep, lines, line_numbers)
            carry = chunk[int(breaks[-1]) + 1:]
        if carry.strip():  # a last line without a line break
            last = carry + b"\n"
            breaks = np.array([len(last) - 1], dtype=np.int64)
            line_no = _take(last, breaks, line_no, n, keep, lines, line_numbers)
    if line_no % n:
        raise _NotRectangular
    table = _parse_lines(header, lines, columns, where)
    numbers = np.concatenate(line_numbers) if line_numbers else np.zeros(0, dtype=np.int64)
    _check_rectangle(table, numbers % n, n, block_codes, columns, code_col, country_col)
    rows = pc.is_in(table.column(columns[code_col]), value_set=pa.array(list(codes)))
    return ExtractResult(table.filter(rows), "rectangle", line_no)


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _take(chunk: bytes, breaks: np.ndarray, line_no: int, n: int, keep: np.ndarray,
          lines: list[bytes], line_numbers: list[np.ndarray]) -> int:
    """Cut the lines whose position in their block is kept; return the next line number."""
    count = len(breaks)
    numbers = np.arange(line_no, line_no + count)
    picked = np.flatnonzero(keep[numbers % n])
    starts = np.concatenate(([0], breaks[:-1] + 1))
    for i in picked:
        line = chunk[int(starts[i]):int(breaks[i]) + 1]
        if not line.strip():
            raise _NotRectangular  # blank line inside the data: numbering is off
        lines.append(line)
    line_numbers.append(numbers[picked])
    return line_no + count


def _check_rectangle(table: pa.Table, ranks: np.ndarray, n: int, block_codes: list[str],
                     columns: list[str], code_col: int, country_col: int) -> None:
    found = table.column(columns[code_col]).to_pylist()
    countries = table.column(columns[country_col]).to_pylist()
    if len(found) != len(ranks):
        raise _NotRectangular
    expected = [block_codes[r] for r in ranks]
    if found != expected:
        raise _NotRectangular
    # Within a block every kept line names the same economy; blocks differ.
    block_ids = np.cumsum(ranks == 0) if len(ranks) else ranks
    seen: dict[int, str] = {}
    for block_id, country in zip(block_ids.tolist(), countries, strict=True):
        if seen.setdefault(block_id, country) != country:
            raise _NotRectangular
    if len(set(seen.values())) != len(seen):
        raise _NotRectangular


def _extract_streaming(open_stream: Callable[[], IO[bytes]], codes: Sequence[str], where: str
                       ) -> ExtractResult:
    """Parse the whole file in blocks, keeping only the requested rows (no assumptions)."""
    with open_stream() as stream:
        header = read_header(stream, where)
    columns = parse_header(header, where)
    code_name = next(c for c in CODE_COLUMNS if c in columns)
    value_set = pa.array(list(codes))
    parts: list[pa.RecordBatch] = []
    lines = 0
    with open_stream() as stream:
        try:
            reader = pacsv.open_csv(
                stream, read_options=_read_options(columns, block_size=CHUNK),
                convert_options=_convert_options(columns))
            for batch in reader:
                lines += batch.num_rows
                rows = pc.is_in(batch.column(code_name), value_set=value_set)
                parts.append(batch.filter(rows))
        except pa.ArrowInvalid as exc:
            raise _streaming_error(where, exc) from None
    schema: Any = parts[0].schema if parts else None
    table = pa.Table.from_batches(parts, schema=schema) if parts else _empty(columns)
    return ExtractResult(table, "streaming", lines)


def _streaming_error(where: str, exc: Exception) -> DataError:
    if "conversion error" not in str(exc):
        return DataError(f"{where}: cannot be read as a World Bank bulk CSV file: {exc}")
    return DataError(
        f"{where}: non-numeric value where a number was expected ({exc}). The World Bank "
        "marks missing values with '..' or an empty cell; fix or remove the cell.")


def _empty(columns: Sequence[str]) -> pa.Table:
    fields = [(c, pa.float64() if c[:4].isdigit() else pa.string()) for c in columns
              if not c.startswith("_empty")]
    return pa.table({name: pa.array([], type=t) for name, t in fields})
