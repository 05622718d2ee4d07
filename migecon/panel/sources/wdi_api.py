"""World Development Indicators from the World Bank API, with an on-disk cache.

:class:`WDIApi` downloads one indicator at a time from the World Bank API v2
(``{endpoint}/{lang}/country/all/indicator/{code}?format=json&per_page=...&page=...``),
keeps a parquet copy of every indicator in the cache folder and serves later
requests from that copy, so a second build of the same panel makes no request.

Why the requests are made here and not by ``wbgapi.data.fetch``
-------------------------------------------------------------
wbgapi 1.0.14 builds every URL from the module-level globals ``wbgapi.endpoint``,
``wbgapi.lang`` and ``wbgapi.per_page`` and sends it with ``requests.get(url,
**wbgapi.get_options)`` (``wbgapi._queryAPI``). It could be pointed at another
endpoint only by rewriting those globals, which changes every other user of
wbgapi in the process and is not thread safe. Its paging generator also
discards the page header, so the API's ``lastupdated`` date (the vintage that
migecon must record) is lost, and it has no timeout, no retries and no check
that the pages add up to the announced total. ``wbgapi.data.fetch`` moreover
queries the "advanced" endpoint (``sources/2/series/...``), whose JSON differs
from the documented v2 indicator format.

So :class:`WDIApi` makes the same v2 request that ``wbgapi.fetch("country/all/
indicator/<code>")`` makes (same URL layout, same ``per_page``/``page``/
``format=json`` parameters, same paging rule) with :mod:`requests`, taking its
defaults from wbgapi: ``endpoint=None`` means ``wbgapi.endpoint``, ``lang`` and
``per_page`` default to wbgapi's, and ``wbgapi.get_options`` (proxies,
certificates, headers a user set for wbgapi) is passed on to every request.
Each instance has its own endpoint; nothing global is modified.

Cache
-----
One parquet file per indicator in ``cache_dir("wdi_api")`` (that is
``$MIGECON_CACHE_DIR/wdi_api`` or the user cache folder), named
``<code>.<key>.parquet`` where ``key`` is a short hash of the endpoint, the
language and ``db`` (the same code from another endpoint, language or database
is another file), holding every year the API returned (``years=`` filters after the cache, so
one file serves every year range). The parquet schema metadata
(``migecon.wdi_api``) records the endpoint, the retrieval time, the API's
``lastupdated`` and a SHA-256 of the values; a file whose hash does not match,
or that cannot be read, is treated as corrupt: re-downloaded with a warning, or
a :class:`~migecon.errors.CacheError` in offline mode. Files are written with
:func:`migecon.panel.cache.atomic_write`, so an interrupted download never
leaves half a file. A cache folder that cannot be written is reported with a
:class:`~migecon.errors.CacheWarning` (naming ``MIGECON_CACHE_DIR``) and the
downloaded data are still returned.

Faults
------
Numbers that are not finite (``Infinity``, ``NaN``, ``1e400``) are refused and
never cached; every page's header (``pages``, ``total``, ``per_page``,
``lastupdated``) must agree with page 1's; a body that is cut short or is not
JSON is retried like an HTTP 5xx; ``Retry-After`` is honoured (at most 60 s);
and each request has an overall ``deadline`` besides the per-read ``timeout``,
so a server that trickles bytes cannot hold a build forever.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from migecon.errors import (
    CacheError,
    CacheWarning,
    DataError,
    DroppedDataWarning,
    MigeconWarning,
    OfflineError,
    SourceError,
)
from migecon.panel.cache import atomic_write, cache_dir
from migecon.panel.sources.base import VALUE_COLUMNS, IndicatorMeta, SourceData

__all__ = ["CACHE_FORMAT", "WDIApi"]

#: Version of the cache file layout; files of another version are re-fetched.
CACHE_FORMAT = 1
_META_KEY = b"migecon.wdi_api"
_SOURCE_LABEL = "World Bank, World Development Indicators (API)"
_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: HTTP statuses worth retrying: server errors, plus 429 (rate limited), which
#: the World Bank API sends when too many requests arrive per minute.
_TRANSIENT_4XX = frozenset({408, 429})
_MAX_SLEEP = 60.0  # never wait longer than a minute between two attempts
_MAX_BODY = 256 << 20  # a page of 32,500 observations is about 8 MB
_sleep = time.sleep  # module-level so tests can record the waits


class _Transient(Exception):
    """A failure worth another attempt (cut-short body, not JSON, deadline)."""


@dataclass(frozen=True)
class _Download:
    """One indicator as delivered by the API (all pages joined)."""

    frame: pd.DataFrame  # iso3, country, year, value
    name: str
    unit: str
    lastupdated: str
    sourceid: str
    dropped_no_iso3: int


class WDIApi:
    """World Development Indicators from the World Bank API, cached on disk.

    Parameters
    ----------
    cache_dir : str or Path, optional
        Folder of the per-indicator parquet files. Default:
        ``migecon.panel.cache.cache_dir("wdi_api")``, i.e.
        ``$MIGECON_CACHE_DIR/wdi_api`` or the user cache folder.
    endpoint : str, optional
        Base URL of the API, without the language part. Default: wbgapi's
        ``wbgapi.endpoint`` (``https://api.worldbank.org/v2``).
    refresh : bool
        Download every indicator again even when it is cached.
    offline : bool
        Never touch the network: use the cache only and raise
        :class:`~migecon.errors.OfflineError` naming what is missing.
    retries : int
        Extra attempts after a transient failure (HTTP 5xx, 408, 429, timeout,
        connection error). Client errors (other 4xx) are not retried.
    backoff : float
        Seconds before the first retry; doubled at every further retry
        (capped at 60 s).
    timeout : float
        Seconds to wait for the server on each read.
    deadline : float
        Seconds one request may take in all (connecting, waiting, reading
        every byte); a request that runs over is retried like a timeout.
    progress : bool
        Show a tqdm progress bar over the indicators.
    lang, per_page : optional
        Language segment of the URL and page size; default to wbgapi's.
    db : int, optional
        The API's ``source`` parameter (2 = WDI); omitted when None, which
        lets the API pick the indicator's own database.

    Examples
    --------
    >>> import tempfile
    >>> import migecon as mg
    >>> api = mg.sources.WDIApi(tempfile.mkdtemp(), offline=True, progress=False)
    >>> api.name
    'wdi_api'
    >>> api.fetch(["NY.GDP.MKTP.CD"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    migecon.errors.OfflineError: offline=True but the cache ... has no copy of 1 indicator(s): ...
    """

    name = "wdi_api"

    def __init__(
        self,
        cache_dir: str | Path | None = None,
        *,
        endpoint: str | None = None,
        refresh: bool = False,
        offline: bool = False,
        retries: int = 3,
        backoff: float = 1.0,
        timeout: float = 30.0,
        deadline: float = 300.0,
        progress: bool = True,
        lang: str | None = None,
        per_page: int | None = None,
        db: int | None = None,
    ) -> None:
        if refresh and offline:
            raise DataError("refresh=True needs the network but offline=True forbids it; "
                            "pass only one of them")
        if not isinstance(retries, int) or retries < 0:
            raise DataError(f"retries must be a non-negative integer; got {retries!r}")
        if backoff < 0 or timeout <= 0 or deadline <= 0:
            raise DataError(f"backoff must be >= 0, timeout > 0 and deadline > 0; got "
                            f"backoff={backoff!r}, timeout={timeout!r}, deadline={deadline!r}")
        if per_page is not None and (not isinstance(per_page, int) or per_page < 1):
            raise DataError(f"per_page must be a positive integer; got {per_page!r}")
        self._cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else None
        self._endpoint = endpoint.rstrip("/") if endpoint else None
        self.refresh = refresh
        self.offline = offline
        self.retries = retries
        self.backoff = float(backoff)
        self.timeout = float(timeout)
        self.deadline = float(deadline)
        self.progress = progress
        self._lang = lang
        self._per_page = per_page
        self.db = db

    # -------------------------------------------------------------- settings
    @property
    def cache_dir(self) -> Path:
        """The folder holding one ``<code>.<key>.parquet`` per indicator (made when written)."""
        if self._cache_dir is not None:
            return self._cache_dir
        return cache_dir("wdi_api", create=False)

    @property
    def endpoint(self) -> str:
        """Base URL of the API (wbgapi's ``wbgapi.endpoint`` unless given)."""
        if self._endpoint is not None:
            return self._endpoint
        import wbgapi

        return str(wbgapi.endpoint).rstrip("/")

    @property
    def lang(self) -> str:
        """Language segment of the URL (wbgapi's ``wbgapi.lang`` unless given)."""
        if self._lang is not None:
            return self._lang
        import wbgapi

        return str(wbgapi.lang)

    def cache_key(self) -> str:
        """Short hash of what selects the data besides the code: endpoint, language, db."""
        text = json.dumps([self.endpoint, self.lang, self.db])
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def cache_path(self, code: str) -> Path:
        """Where the cached copy of ``code`` lives (it may not exist yet)."""
        return self.cache_dir / f"{_check_code(code)}.{self.cache_key()}.parquet"

    def __repr__(self) -> str:
        mode = "offline" if self.offline else ("refresh" if self.refresh else "cached")
        where = self._endpoint or "wbgapi.endpoint"
        return f"WDIApi(endpoint={where!r}, cache_dir={str(self.cache_dir)!r}, mode={mode!r})"

    # ----------------------------------------------------------------- fetch
    def fetch(self, codes: Sequence[str], *, years: tuple[int, int] | None = None
              ) -> SourceData:
        """Values of ``codes`` for every economy, from the cache or the API.

        Parameters
        ----------
        codes : sequence of str
            WDI indicator codes, e.g. ``["BX.TRF.PWKR.CD.DT", "NY.GDP.MKTP.CD"]``.
        years : (first, last), optional
            Inclusive year range kept in the result (the cache holds all years).

        Returns
        -------
        SourceData
            ``values`` with columns ``code, iso3, year, value`` (NaN where the
            API has a row without a value; World Bank aggregates included),
            ``meta`` per code (name, vintage = the API's ``lastupdated``,
            retrieval time, content hash) and a ``report`` (requests made,
            API records read before the year filter, cache hits, downloads,
            re-downloads of corrupt files, retries).

        Raises
        ------
        OfflineError
            ``offline=True`` and some indicators are not cached.
        CacheError
            ``offline=True`` and a cached file is corrupt.
        SourceError
            The API failed (after retries for transient errors), answered with
            an error message, malformed JSON, or pages that do not add up.
        """
        wanted = _unique_codes(codes)
        span = _check_years(years)
        report: dict[str, Any] = {
            "source": self.name,
            "endpoint": self._endpoint or ("wbgapi.endpoint" if self.offline else self.endpoint),
            "cache_dir": str(self.cache_dir), "requests": 0, "retries": 0, "rows_read": 0,
            "from_cache": [], "downloaded": [], "refetched_corrupt": [],
            "rows": {}, "missing_values": {}, "dropped_no_iso3": {}, "vintages": {},
        }
        if self.offline:
            self._check_offline(wanted)
        else:
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # reported (CacheWarning) when a file cannot be written; data still served
        from tqdm.auto import tqdm

        frames: list[pd.DataFrame] = []
        meta: dict[str, IndicatorMeta] = {}
        bar = tqdm(wanted, desc="World Bank API", unit="indicator", disable=not self.progress,
                   leave=False)
        try:
            for code in bar:
                bar.set_postfix_str(code)
                frame, info = self._one(code, report)
                report["rows_read"] += len(frame)
                frames.append(frame.assign(code=code))
                meta[code] = info
        finally:
            bar.close()
        values = pd.concat(frames, ignore_index=True) if frames else _empty_values()
        values = values[list(VALUE_COLUMNS)]
        if span is not None:
            values = values[(values["year"] >= span[0]) & (values["year"] <= span[1])]
        values = values.reset_index(drop=True)
        for code in wanted:
            rows = values[values["code"] == code]
            report["rows"][code] = len(rows)
            report["missing_values"][code] = int(rows["value"].isna().sum())
            report["vintages"][code] = meta[code].vintage
        return SourceData(values=values, meta=meta, report=report)

    def _check_offline(self, codes: list[str]) -> None:
        missing = [c for c in codes if not self.cache_path(c).is_file()]
        if missing:
            raise OfflineError(
                f"offline=True but the cache {self.cache_dir} has no copy of {len(missing)} "
                f"indicator(s): {', '.join(missing)}. Run once with offline=False to download "
                "them, or set MIGECON_CACHE_DIR to the folder that holds them."
            )

    def _one(self, code: str, report: dict[str, Any]) -> tuple[pd.DataFrame, IndicatorMeta]:
        path = self.cache_path(code)
        if path.is_file() and not self.refresh:
            try:
                frame, info = _read_cache(path, code, self._identity())
            except CacheError as exc:
                if self.offline:
                    raise CacheError(
                        f"{exc} Offline mode cannot re-download it: run once with "
                        "offline=False (or delete the file and fetch again)."
                    ) from None
                warnings.warn(f"{exc} Downloading {code} again.", MigeconWarning, stacklevel=4)
                report["refetched_corrupt"].append(code)
            else:
                report["from_cache"].append(code)
                return frame, info
        download = self._download(code, report)
        try:
            info = _write_cache(path, code, download, self._identity())
        except OSError as exc:
            info = _meta_from_record(_record(code, download, self._identity()))
            problem = CacheError(
                f"could not write the cache file {path} ({type(exc).__name__}: {exc}); "
                f"{code} was downloaded and is used, but will be downloaded again next time. "
                "Set MIGECON_CACHE_DIR to a folder you can write (or pass cache_dir=).")
            report.setdefault("cache_errors", {})[code] = str(problem)
            warnings.warn(f"CacheError: {problem}", CacheWarning, stacklevel=4)
        report["downloaded"].append(code)
        if download.frame.empty:
            report.setdefault("empty", []).append(code)
        if download.dropped_no_iso3:
            report["dropped_no_iso3"][code] = download.dropped_no_iso3
            warnings.warn(
                f"{download.dropped_no_iso3} row(s) of {code} have no 3-letter economy code "
                "(countryiso3code empty) and were dropped",
                DroppedDataWarning, stacklevel=4,
            )
        return download.frame, info

    def _identity(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "lang": self.lang, "db": self.db}

    # -------------------------------------------------------------- network
    def _download(self, code: str, report: dict[str, Any]) -> _Download:
        rows: list[dict[str, Any]] = []
        header: dict[str, Any] = {}
        page, pages, total = 1, 1, 0
        while page <= pages:
            url = self._url(code, page)
            payload = self._get_json(url, report)
            page_header, page_rows = _parse_page(payload, url, code)
            if page == 1:
                header = page_header
                pages, total = page_header["pages"], page_header["total"]
            elif page_header["lastupdated"] != header["lastupdated"]:
                raise SourceError(
                    f"the World Bank API updated {code} while it was being downloaded "
                    f"(lastupdated {header['lastupdated']} on page 1, "
                    f"{page_header['lastupdated']} on page {page}); fetch again"
                )
            else:
                changed = [f"{key} {header[key]!r} on page 1, {page_header[key]!r} on page "
                           f"{page}" for key in ("pages", "total", "per_page")
                           if page_header[key] != header[key]]
                if page_header["page"] != page:
                    changed.append(f"page {page} was asked for, page {page_header['page']} "
                                   "came back")
                if changed:
                    raise SourceError(
                        f"the World Bank API's page headers for {code} disagree ("
                        + "; ".join(changed) + "); the pages cannot be joined. Fetch again "
                        "later; nothing was cached")
            if not page_rows and total > 0:
                raise SourceError(
                    f"page {page} of {pages} for {code} came back empty although the API "
                    f"announced {total} rows ({url}); the API may be mid-update: try again later"
                )
            rows.extend(page_rows)
            page += 1
        if len(rows) != total:
            raise SourceError(
                f"the World Bank API announced {total} rows for {code} but its {pages} page(s) "
                f"held {len(rows)}; the download is incomplete, try again later"
            )
        frame, name, unit, dropped = _rows_to_frame(rows, code)
        return _Download(frame=frame, name=name, unit=unit,
                         lastupdated=str(header.get("lastupdated") or ""),
                         sourceid=str(header.get("sourceid") or ""),
                         dropped_no_iso3=dropped)

    def _url(self, code: str, page: int) -> str:
        import urllib.parse

        import wbgapi

        params: dict[str, Any] = {"per_page": self._per_page or int(wbgapi.per_page),
                                  "page": page, "format": "json"}
        if self.db is not None:
            params["source"] = self.db
        lang = self._lang or str(wbgapi.lang)
        return (f"{self.endpoint}/{lang}/country/all/indicator/"
                f"{urllib.parse.quote(code)}?{urllib.parse.urlencode(params)}")

    def _get_json(self, url: str, report: dict[str, Any]) -> Any:
        import requests
        import wbgapi

        options = dict(wbgapi.get_options)  # proxies, verify, headers set for wbgapi
        options["timeout"] = self.timeout
        options["stream"] = True  # read in pieces, so the overall deadline can be kept
        transient = (requests.Timeout, requests.ConnectionError,
                     requests.exceptions.ChunkedEncodingError)
        attempt = 0
        while True:
            report["requests"] += 1
            wait: float | None = None
            try:
                with requests.get(url, **options) as response:
                    status = response.status_code
                    body = self._read_body(response, url)
                    if status == 200:
                        return _decode(body, url)
                    wait = _retry_after(response.headers.get("Retry-After"))
            except (_Transient, *transient) as exc:
                problem = str(exc) if isinstance(exc, _Transient) else \
                    f"{type(exc).__name__}: {exc}"
            except requests.RequestException as exc:
                raise SourceError(f"request to the World Bank API failed ({url}): {exc}") from exc
            else:
                problem = f"HTTP {status} {response.reason}"
                if status < 500 and status not in _TRANSIENT_4XX:
                    raise SourceError(
                        f"the World Bank API refused the request: {problem} for {url}. "
                        "This is not a temporary failure: check the indicator code and the "
                        f"endpoint ({self.endpoint}).{_api_message(body)}"
                    )
            if attempt >= self.retries:
                raise SourceError(
                    f"the World Bank API failed {attempt + 1} time(s) for {url} (last: {problem}). "
                    "The service may be down: try again later, raise retries/timeout, or use "
                    "offline=True with a filled cache."
                )
            pause = self.backoff * 2.0 ** attempt
            if wait is not None:  # the server said how long to wait (Retry-After)
                pause = max(pause, wait)
            _sleep(min(pause, _MAX_SLEEP))
            attempt += 1
            report["retries"] += 1

    def _read_body(self, response: Any, url: str) -> bytes:
        """The whole body, within the overall deadline, checked against Content-Length."""
        import urllib3

        stop = time.monotonic() + self.deadline
        parts: list[bytes] = []
        size = 0
        while True:
            try:
                # read1 returns what has arrived (iter_content would wait for 64 KB).
                part = response.raw.read1(1 << 16, decode_content=True)
            except (urllib3.exceptions.HTTPError, OSError) as exc:  # cut short, read timeout
                raise _Transient(f"{type(exc).__name__}: {exc}") from None
            if not part:
                break
            parts.append(part)
            size += len(part)
            if size > _MAX_BODY:
                raise SourceError(f"the response from {url} is larger than "
                                  f"{_MAX_BODY >> 20} MB; is the endpoint a World Bank API?")
            if time.monotonic() > stop:
                raise _Transient(f"the response took longer than the deadline of "
                                 f"{self.deadline:g} s")
        body = b"".join(parts)
        declared = response.headers.get("Content-Length")
        encoded = response.headers.get("Content-Encoding", "identity") != "identity"
        if declared and declared.isdigit() and not encoded and int(declared) != len(body):
            raise _Transient(f"the body was cut short ({len(body)} of {declared} bytes)")
        return body


# ------------------------------------------------------------------ parsing
def _refuse_constant(name: str) -> Any:
    raise ValueError(f"the non-finite number {name}")


def _decode(content: bytes, url: str) -> Any:
    """Parse a body; a cut-short or non-JSON body is :class:`_Transient` (retried)."""
    try:
        return json.loads(content.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        start = content[:80].decode("utf-8", errors="replace")
        raise _Transient(
            f"the World Bank API sent a response that is not valid JSON ({exc}) for {url}; "
            f"it starts with {start!r}. The API sometimes answers with XML or an HTML error "
            "page, or the body was cut short: try again later, or check the endpoint."
        ) from None
    except ValueError as exc:
        raise SourceError(
            f"the World Bank API sent {exc} for {url}; values must be finite numbers or "
            "null. Nothing was cached; fetch again later") from None


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date), if any."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if not np.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def _api_message(content: bytes) -> str:
    """The API's own error text, when a response body carries one."""
    try:
        payload = json.loads(content.decode("utf-8-sig"))
        return " The API said: " + _format_messages(payload[0]["message"])
    except Exception:  # the body is optional decoration of an error already reported
        return ""


def _format_messages(messages: Any) -> str:
    parts = []
    for msg in messages if isinstance(messages, list) else [messages]:
        if isinstance(msg, dict):
            parts.append(f"[{msg.get('id', '?')}] {msg.get('key', '')}: {msg.get('value', '')}")
        else:
            parts.append(str(msg))
    return "; ".join(parts)


def _parse_page(payload: Any, url: str, code: str) -> tuple[dict[str, Any], list[Any]]:
    """Check one v2 page ``[header, rows]`` and return its parts."""
    if isinstance(payload, list) and payload and isinstance(payload[0], dict) \
            and "message" in payload[0]:
        raise SourceError(
            f"the World Bank API answered with an error for {code}: "
            f"{_format_messages(payload[0]['message'])} ({url}). Check the indicator code "
            "(e.g. on data.worldbank.org) and, for indicators outside WDI, the db= option."
        )
    if not (isinstance(payload, list) and len(payload) in (1, 2) and isinstance(payload[0], dict)):
        shape = type(payload).__name__ + (f" of length {len(payload)}"
                                          if isinstance(payload, list) else "")
        raise SourceError(
            f"unexpected response for {code} from {url}: expected the API v2 layout "
            f"[header, rows], got a JSON {shape}. Is the endpoint a World Bank API v2 server?"
        )
    header = dict(payload[0])
    for key in ("page", "pages", "total", "per_page"):
        if key == "per_page" and header.get(key) is None:
            continue  # optional: checked for agreement between pages only
        try:
            header[key] = int(header[key])
        except (KeyError, TypeError, ValueError, OverflowError):
            raise SourceError(
                f"the page header for {code} from {url} has no valid {key!r} "
                f"(header: {payload[0]!r}); expected page, pages, per_page, total"
            ) from None
    header.setdefault("per_page", None)
    header.setdefault("lastupdated", "")
    rows = payload[1] if len(payload) == 2 and payload[1] is not None else []
    if not isinstance(rows, list):
        raise SourceError(f"the rows for {code} from {url} are a {type(rows).__name__}, "
                          "expected a list of observations")
    return header, rows


def _rows_to_frame(rows: list[Any], code: str) -> tuple[pd.DataFrame, str, str, int]:
    iso3, country, years, values = [], [], [], []
    name = unit = ""
    dropped = 0
    for i, row in enumerate(rows):
        try:
            ind, ctry, date, value = row["indicator"], row["country"], row["date"], row["value"]
            code_iso = str(row.get("countryiso3code") or "").strip()
        except (TypeError, KeyError) as exc:
            raise SourceError(
                f"observation {i} of {code} lacks the field {exc} (got {row!r}); expected "
                "indicator, country, countryiso3code, date, value"
            ) from None
        if not name and isinstance(ind, dict):
            name = str(ind.get("value") or "")
            unit = str(row.get("unit") or "")
        if len(code_iso) != 3:
            dropped += 1
            continue
        if not (isinstance(date, str | int) and str(date).isdigit() and len(str(date)) == 4):
            raise SourceError(
                f"{code} has a non-annual date {date!r} (for {code_iso}); migecon panels are "
                "annual: pick the annual version of this indicator"
            )
        if value is None or value == "":
            number = np.nan
        else:
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                raise SourceError(f"{code} has a non-numeric value {value!r} for {code_iso} "
                                  f"{date}") from None
            if not np.isfinite(number):
                raise SourceError(
                    f"{code} has the non-finite value {value!r} for {code_iso} {date} (a "
                    "number too large for double precision, or Infinity/NaN); values must be "
                    "finite or null. Nothing was cached; fetch again later")
        iso3.append(code_iso)
        country.append(str(ctry.get("value", "")) if isinstance(ctry, dict) else "")
        years.append(int(date))
        values.append(number)
    frame = pd.DataFrame({
        "iso3": pd.Series(iso3, dtype="str"), "country": pd.Series(country, dtype="str"),
        "year": pd.Series(years, dtype="int64"), "value": pd.Series(values, dtype="float64"),
    })
    dup = frame.duplicated(["iso3", "year"])
    if dup.any():
        first = frame.loc[dup].iloc[0]
        raise SourceError(f"the API sent {int(dup.sum())} repeated (economy, year) rows for "
                          f"{code}, e.g. ({first['iso3']}, {first['year']}); fetch again")
    frame = frame.sort_values(["iso3", "year"], ignore_index=True)
    return frame, name, unit, dropped


# -------------------------------------------------------------------- cache
def _content_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of the values in a canonical text form (independent of parquet encoding)."""
    text = frame[["iso3", "year", "value"]].to_csv(index=False, float_format="%.17g",
                                                   na_rep="")
    return hashlib.sha256(text.encode()).hexdigest()


def _record(code: str, download: _Download, identity: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": CACHE_FORMAT, "code": code, "name": download.name, "unit": download.unit,
        "lastupdated": download.lastupdated, "sourceid": download.sourceid,
        "retrieved": datetime.now(UTC).isoformat(timespec="seconds"),
        "content_hash": _content_hash(download.frame), **identity,
        "rows": len(download.frame),
    }


def _write_cache(path: Path, code: str, download: _Download, identity: dict[str, Any]
                 ) -> IndicatorMeta:
    import pyarrow as pa
    import pyarrow.parquet as pq

    record = _record(code, download, identity)
    table = pa.Table.from_pandas(download.frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           _META_KEY: json.dumps(record).encode()})
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))
    return _meta_from_record(record)


def _read_cache(path: Path, code: str, identity: dict[str, Any]
                ) -> tuple[pd.DataFrame, IndicatorMeta]:
    """Read and verify a cache file; any problem becomes a :class:`CacheError`."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        record = json.loads((table.schema.metadata or {})[_META_KEY])
        frame = table.to_pandas()
        problem = ""
        if record.get("format") != CACHE_FORMAT:
            problem = f"it has cache format {record.get('format')!r}, expected {CACHE_FORMAT}"
        elif record.get("code") != code:
            problem = f"it holds {record.get('code')!r}, not {code!r}"
        elif any(record.get(k) != v for k, v in identity.items()):
            theirs = {k: record.get(k) for k in identity}
            problem = f"it was downloaded with {theirs}, not {identity}"
        elif list(frame.columns) != ["iso3", "country", "year", "value"]:
            problem = f"its columns are {list(frame.columns)}"
        elif _content_hash(frame) != record.get("content_hash"):
            problem = "its values do not match the content hash recorded when it was written"
    except Exception as exc:  # pyarrow raises many types (ArrowInvalid, OSError, KeyError)
        problem = f"it cannot be read ({type(exc).__name__}: {str(exc)[:120]})"
    if problem:
        raise CacheError(f"the cached copy of {code} at {path} is corrupt: {problem}.")
    frame = frame.astype({"iso3": "str", "country": "str", "year": "int64",
                          "value": "float64"})
    return frame, _meta_from_record(record)


def _meta_from_record(record: dict[str, Any]) -> IndicatorMeta:
    return IndicatorMeta(
        code=str(record["code"]), name=str(record.get("name", "")),
        unit=str(record.get("unit", "")),
        source=f"{_SOURCE_LABEL}, {record.get('endpoint', '')}",
        vintage=str(record.get("lastupdated", "")),
        retrieved=str(record.get("retrieved", "")),
        content_hash=str(record.get("content_hash", "")),
    )


# ---------------------------------------------------------------- validation
def _unique_codes(codes: Iterable[str]) -> list[str]:
    if isinstance(codes, str):
        codes = [codes]
    out: list[str] = []
    for code in codes:
        _check_code(code)
        if code not in out:
            out.append(code)
    if not out:
        raise DataError("no indicator codes given; pass e.g. ['NY.GDP.MKTP.CD']")
    return out


def _check_code(code: object) -> str:
    if not isinstance(code, str) or not _CODE_PATTERN.match(code):
        raise DataError(
            f"{code!r} is not a World Bank indicator code; expected letters, digits and dots "
            "such as 'BX.TRF.PWKR.CD.DT'"
        )
    return code


def _check_years(years: tuple[int, int] | None) -> tuple[int, int] | None:
    if years is None:
        return None
    try:
        first, last = (int(y) for y in years)
    except (TypeError, ValueError):
        raise DataError(f"years must be a (first, last) pair of integers; got {years!r}") \
            from None
    if first > last:
        raise DataError(f"years=({first}, {last}): the first year is after the last")
    return first, last


def _empty_values() -> pd.DataFrame:
    return pd.DataFrame({"code": pd.Series(dtype="str"), "iso3": pd.Series(dtype="str"),
                         "year": pd.Series(dtype="int64"),
                         "value": pd.Series(dtype="float64")})
