"""WDIApi against a local World Bank API look-alike that misbehaves (127.0.0.1 only).

Each fault ends in a clear error or warning, and the cache stays valid: a
refused download writes no file, and the next clean fetch caches the right
values, which a third fetch reads without a request. The server is the one of
``test_panel_wdi_api`` with extra faults: non-finite numbers, page headers
that change between pages, ``Retry-After``, a body cut short, a server that
trickles bytes, and a cache folder that cannot be written.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_panel_wdi_api import FakeWorldBankAPI, _api, _expected, _sorted, _synthetic

from migecon.errors import CacheWarning, MigeconWarning, SourceError
from migecon.panel.sources import wdi_api

pytestmark = pytest.mark.network

#: Seconds between two bytes of the trickling server, and the client's overall
#: deadline: the per-read timeout (1 s) never fires, only the deadline can.
DRIP_PAUSE = 0.05
DEADLINE = 0.3


class FaultyWorldBankAPI(FakeWorldBankAPI):
    """The look-alike server, with faults popped per request from ``faults[code]``."""

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self
        base = super()._handler()

        class Handler(base):  # type: ignore[valid-type,misc]
            def _raw(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json;charset=utf-8")
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                code, page = url.path.strip("/").split("/")[5], int(query.get("page", 1))
                with api._lock:
                    fault = api.faults[code][0] if api.faults[code] else ""
                if not fault.startswith(("value=", "header:", "retry-after", "truncated",
                                         "drip")):
                    super().do_GET()  # the base server's own faults, or none
                    return
                with api._lock:
                    api.faults[code].popleft()
                    api.requests.append((code, page))
                if fault.startswith("retry-after"):
                    self._raw(429, b"{}", {"Retry-After": fault.split(":", 1)[1],
                                           "Content-Length": "2"})
                    return
                payload = api._page(code, page, int(query.get("per_page", 50)))
                if fault.startswith("header:"):
                    key, value = fault[len("header:"):].split("=")
                    payload[0][key] = value if key == "lastupdated" else int(value)
                body = json.dumps(payload).encode()
                if fault.startswith("value="):
                    # The first observation's value, as raw JSON text (Infinity, NaN, 1e400).
                    literal = fault[len("value="):]
                    body = re.sub(rb'"value": -?[0-9.e+]+', b'"value": ' + literal.encode(),
                                  body, count=1)
                if fault == "truncated":
                    self._raw(200, body[: len(body) // 3], {"Content-Length": str(len(body))})
                    self.close_connection = True
                    return
                if fault == "drip":
                    self._raw(200, b"", {"Content-Length": str(len(body))})
                    try:
                        for i in range(len(body)):
                            self.wfile.write(body[i:i + 1])
                            self.wfile.flush()
                            time.sleep(DRIP_PAUSE)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client gave up at its deadline
                    self.close_connection = True
                    return
                self._raw(200, body, {"Content-Length": str(len(body))})

        return Handler


@pytest.fixture
def server() -> Iterator[FaultyWorldBankAPI]:
    api = FaultyWorldBankAPI()
    api.add("SYN.GDP", _synthetic(seed=1), name="Synthetic GDP (current US$)")
    api.start()
    yield api
    api.stop()


def _cache_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cache"
    return sorted(folder.glob("*")) if folder.exists() else []


def _assert_cache_recovers(tmp_path: Path, server: FaultyWorldBankAPI, **options: Any) -> None:
    """After a fault: nothing (or nothing new) cached; a clean fetch caches the right values."""
    assert not [p for p in _cache_files(tmp_path) if p.name.endswith(".tmp")]
    clean = _api(tmp_path, server, **options).fetch(["SYN.GDP"])
    pd.testing.assert_frame_equal(_sorted(clean.values), _sorted(_expected(server, "SYN.GDP")),
                                  check_dtype=False)
    before = server.n_requests()
    again = _api(tmp_path, server, **options).fetch(["SYN.GDP"])
    assert server.n_requests() == before and again.report["from_cache"] == ["SYN.GDP"]
    pd.testing.assert_frame_equal(again.values, clean.values)


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN", "1e400", '"Infinity"',
                                     '"nan"'])
def test_non_finite_numbers_are_refused_and_never_cached(tmp_path: Path,
                                                          server: FaultyWorldBankAPI,
                                                          literal: str) -> None:
    server.faults["SYN.GDP"].append(f"value={literal}")
    with pytest.raises(SourceError, match=r"non-finite .*Nothing was cached"):
        _api(tmp_path, server).fetch(["SYN.GDP"])
    assert _cache_files(tmp_path) == []
    _assert_cache_recovers(tmp_path, server)


@pytest.mark.parametrize("change", ["pages=99", "total=5", "per_page=10", "page=1",
                                    "lastupdated=2030-01-01"])
def test_every_page_header_must_agree_with_page_one(tmp_path: Path, server: FaultyWorldBankAPI,
                                                     change: str) -> None:
    # Page 1 is served as is; page 2's header carries the change.
    server.faults["SYN.GDP"].extend(["header:page=1", f"header:{change}"])
    key = change.split("=")[0]
    with pytest.raises(SourceError, match=rf"{key}|updated SYN.GDP while"):
        _api(tmp_path, server, per_page=25).fetch(["SYN.GDP"])
    assert _cache_files(tmp_path) == []
    _assert_cache_recovers(tmp_path, server, per_page=25)


def test_cache_key_includes_endpoint_language_and_db(tmp_path: Path,
                                                     server: FaultyWorldBankAPI) -> None:
    plain = _api(tmp_path, server)
    paths = {plain.cache_path("SYN.GDP"), _api(tmp_path, server, db=2).cache_path("SYN.GDP"),
             _api(tmp_path, server, lang="fr").cache_path("SYN.GDP"),
             wdi_api.WDIApi(tmp_path / "cache", endpoint=server.endpoint + "/",
                            progress=False).cache_path("SYN.GDP"),
             wdi_api.WDIApi(tmp_path / "cache", endpoint="http://127.0.0.1:9/v2",
                            progress=False).cache_path("SYN.GDP")}
    assert len(paths) == 4  # a trailing slash is the same endpoint
    plain.fetch(["SYN.GDP"])
    with_db = _api(tmp_path, server, db=2).fetch(["SYN.GDP"])
    assert with_db.report["downloaded"] == ["SYN.GDP"]  # not served from db=None's copy
    assert len(_cache_files(tmp_path)) == 2
    # A file renamed to another key's name is refused as corrupt, then fetched again.
    other = _api(tmp_path, server, lang="fr")
    plain.cache_path("SYN.GDP").rename(other.cache_path("SYN.GDP"))
    with pytest.warns(MigeconWarning, match=r"corrupt: it was downloaded with"):
        refetched = other.fetch(["SYN.GDP"])  # the look-alike ignores the language segment
    assert refetched.report["refetched_corrupt"] == ["SYN.GDP"]


@pytest.mark.parametrize(("header", "expected"), [("3", 3.0), ("100000", 60.0), ("0", None)])
def test_retry_after_is_honoured_and_bounded(tmp_path: Path, server: FaultyWorldBankAPI,
                                            monkeypatch: pytest.MonkeyPatch, header: str,
                                            expected: float | None) -> None:
    waits: list[float] = []
    monkeypatch.setattr(wdi_api, "_sleep", waits.append)
    server.faults["SYN.GDP"].append(f"retry-after:{header}")
    data = _api(tmp_path, server, backoff=0.5).fetch(["SYN.GDP"])
    assert data.report["retries"] == 1
    # The pause is the server's Retry-After (at most 60 s), never below the backoff.
    assert waits == [expected if expected is not None else 0.5]
    _assert_cache_recovers(tmp_path, server)


def test_retry_after_as_an_http_date(tmp_path: Path, server: FaultyWorldBankAPI,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(wdi_api, "_sleep", waits.append)
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.faults["SYN.GDP"].append(f"retry-after:{when}")
    _api(tmp_path, server, backoff=0.001).fetch(["SYN.GDP"])
    assert len(waits) == 1 and 20 < waits[0] <= 30


def test_body_cut_short_is_retried_like_a_server_error(tmp_path: Path,
                                                       server: FaultyWorldBankAPI) -> None:
    server.faults["SYN.GDP"].append("truncated")
    data = _api(tmp_path, server).fetch(["SYN.GDP"])
    assert data.report["retries"] == 1 and server.n_requests("SYN.GDP") == 2
    _assert_cache_recovers(tmp_path, server)


def test_body_always_cut_short_is_a_clear_error(tmp_path: Path,
                                                server: FaultyWorldBankAPI) -> None:
    server.faults["SYN.GDP"].extend(["truncated"] * 3)
    with pytest.raises(SourceError, match=r"failed 3 time"):
        _api(tmp_path, server, retries=2).fetch(["SYN.GDP"])
    assert _cache_files(tmp_path) == []
    _assert_cache_recovers(tmp_path, server)


def test_trickling_server_hits_the_overall_deadline(tmp_path: Path,
                                                    server: FaultyWorldBankAPI) -> None:
    server.faults["SYN.GDP"].extend(["drip", "drip"])
    with pytest.raises(SourceError, match=rf"failed 2 time.*deadline of {DEADLINE:g} s"):
        _api(tmp_path, server, retries=1, timeout=1.0, deadline=DEADLINE).fetch(["SYN.GDP"])
    assert _cache_files(tmp_path) == []
    _assert_cache_recovers(tmp_path, server)


def test_unwritable_cache_folder_warns_and_returns_the_data(tmp_path: Path,
                                                            server: FaultyWorldBankAPI) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    api = wdi_api.WDIApi(blocker / "cache", endpoint=server.endpoint, progress=False)
    with pytest.warns(CacheWarning, match=r"CacheError: could not write .*MIGECON_CACHE_DIR"):
        data = api.fetch(["SYN.GDP"])
    pd.testing.assert_frame_equal(_sorted(data.values), _sorted(_expected(server, "SYN.GDP")),
                                  check_dtype=False)
    assert "SYN.GDP" in data.report["cache_errors"]
    assert data.meta["SYN.GDP"].content_hash  # provenance is still recorded


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes into read-only folders; the blocked-path test above "
                           "covers the same code path")
def test_read_only_cache_folder_warns_and_returns_the_data(tmp_path: Path,
                                                           server: FaultyWorldBankAPI) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.warns(CacheWarning, match="MIGECON_CACHE_DIR"):
            data = _api(tmp_path, server).fetch(["SYN.GDP"])
        assert len(data.values) == len(server.series["SYN.GDP"])
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)
