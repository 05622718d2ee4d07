"""WDIApi against a local HTTP server that speaks the World Bank API v2 JSON format.

The server (``http.server`` in a thread on 127.0.0.1, port 0) serves pages
``[header, rows]`` exactly as https://api.worldbank.org/v2 does, counts every
request, and can be told to fail (HTTP errors, slow answers, empty pages,
malformed JSON, the API's own error messages). Nothing here touches the
internet.
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import RESULTS
from migecon.errors import (
    CacheError,
    DataError,
    DroppedDataWarning,
    MigeconWarning,
    OfflineError,
    SourceError,
)
from migecon.panel.sources.base import Source
from migecon.panel.sources.wdi_api import WDIApi

pytestmark = pytest.mark.network

#: Seconds before a retry in tests: the retry logic is exercised, not the waiting.
TINY_BACKOFF = 0.001
#: Client timeout in the timeout tests, and how long the "slow" server waits
#: (well above the timeout so the client gives up).
SHORT_TIMEOUT = 0.2
SLOW_ANSWER = 0.6
#: The reference values (tests/results/wdi_remittances_gdp_2022.json) are
#: printed with one decimal: half a unit of the last printed digit.
TOL_ONE_DECIMAL = 0.05


# --------------------------------------------------------------------- server
class FakeWorldBankAPI:
    """A World Bank API v2 look-alike serving ``country/all/indicator/<code>``."""

    def __init__(self) -> None:
        self.series: dict[str, pd.DataFrame] = {}
        self.names: dict[str, str] = {}
        self.lastupdated: dict[str, str] = {}
        self.faults: dict[str, deque[str]] = defaultdict(deque)
        self.empty_from_page: dict[str, int] = {}
        self.requests: list[tuple[str, int]] = []  # (code, page)
        self.max_per_page = 32_500
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.01})

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v2"

    def add(self, code: str, frame: pd.DataFrame, *, name: str = "",
            lastupdated: str = "2025-12-19") -> None:
        """Serve ``frame`` (iso3, country, year, value) as indicator ``code``."""
        self.series[code] = frame.reset_index(drop=True)
        self.names[code] = name or f"Indicator {code}"
        self.lastupdated[code] = lastupdated

    def n_requests(self, code: str | None = None) -> int:
        return sum(1 for c, _ in self.requests if code is None or c == code)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _page(self, code: str, page: int, per_page: int) -> list[Any]:
        frame = self.series[code]
        per_page = min(per_page, self.max_per_page)
        total = len(frame)
        pages = math.ceil(total / per_page) if total else 0
        chunk = frame.iloc[(page - 1) * per_page: page * per_page]
        if page >= self.empty_from_page.get(code, 10**9):
            chunk = chunk.iloc[0:0]
        header = {"page": page, "pages": pages, "per_page": per_page, "total": total,
                  "sourceid": "2", "sourcename": "World Development Indicators",
                  "lastupdated": self.lastupdated[code]}
        rows = [{
            "indicator": {"id": code, "value": self.names[code]},
            "country": {"id": str(r.iso3)[:2], "value": str(r.country)},
            "countryiso3code": str(r.iso3),
            "date": str(int(r.year)),
            "value": None if pd.isna(r.value) else float(r.value),
            "unit": "", "obs_status": "", "decimal": 0,
        } for r in chunk.itertuples()]
        return [header, rows or None]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json;charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out
                    pass

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                parts = url.path.strip("/").split("/")
                if (len(parts) != 6 or parts[0] != "v2" or parts[2:5] != ["country", "all",
                                                                          "indicator"]
                        or query.get("format") != "json"):
                    self._send(404, b"<html>Not found</html>")
                    return
                code, page = parts[5], int(query.get("page", 1))
                with api._lock:
                    api.requests.append((code, page))
                    fault = api.faults[code].popleft() if api.faults[code] else ""
                if fault == "slow":
                    time.sleep(SLOW_ANSWER)
                elif fault.isdigit():
                    self._send(int(fault), b"<html>error</html>")
                    return
                elif fault == "malformed":
                    self._send(200, b'[{"page": 1, "pages": 1, "total": 3}, [{"indic')
                    return
                elif fault == "xml":
                    self._send(200, b"<?xml version='1.0'?><wb:error/>")
                    return
                if code not in api.series:
                    message = [{"message": [{"id": "120", "key": "Invalid value",
                                             "value": "The provided parameter value is "
                                                      "not valid"}]}]
                    self._send(200, json.dumps(message).encode())
                    return
                body = api._page(code, page, int(query.get("per_page", 50)))
                self._send(200, json.dumps(body).encode())

        return Handler


@pytest.fixture
def server() -> Iterator[FakeWorldBankAPI]:
    api = FakeWorldBankAPI()
    api.add("SYN.GDP", _synthetic(seed=1), name="Synthetic GDP (current US$)")
    api.add("SYN.REMIT", _synthetic(seed=2), name="Synthetic remittances (current US$)",
            lastupdated="2025-07-01")
    api.start()
    yield api
    api.stop()


def _synthetic(seed: int, economies: int = 6, years: range = range(1990, 2023)) -> pd.DataFrame:
    """A small grid of values with a few missing cells, as the API delivers them."""
    rng = np.random.default_rng(seed)
    codes = ["AAA", "BBB", "CCC", "DDD", "EEE", "WLD", "FFF", "GGG"][:economies]
    rows = [{"iso3": c, "country": f"Country {c}", "year": y,
             "value": float(rng.lognormal(20, 1))} for c in codes for y in years]
    frame = pd.DataFrame(rows)
    frame.loc[rng.choice(len(frame), size=5, replace=False), "value"] = np.nan
    return frame


def _api(tmp_path: Path, server: FakeWorldBankAPI, **options: Any) -> WDIApi:
    options.setdefault("backoff", TINY_BACKOFF)
    options.setdefault("progress", False)
    return WDIApi(tmp_path / "cache", endpoint=server.endpoint, **options)


def _expected(server: FakeWorldBankAPI, code: str) -> pd.DataFrame:
    frame = server.series[code][["iso3", "year", "value"]].assign(code=code)
    return frame[["code", "iso3", "year", "value"]]


def _sorted(values: pd.DataFrame) -> pd.DataFrame:
    return values.sort_values(["code", "iso3", "year"], ignore_index=True)


def _closed_port_endpoint() -> str:
    """An endpoint nobody listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v2"


# ---------------------------------------------------------------------- tests
def test_implements_the_source_protocol(tmp_path: Path) -> None:
    assert isinstance(WDIApi(tmp_path, offline=True), Source)


def test_end_to_end_fetch(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    data = _api(tmp_path, server, per_page=1000).fetch(["SYN.GDP", "SYN.REMIT"])
    expected = pd.concat([_expected(server, "SYN.GDP"), _expected(server, "SYN.REMIT")])
    pd.testing.assert_frame_equal(_sorted(data.values), _sorted(expected), check_dtype=False)
    assert list(data.values.columns) == ["code", "iso3", "year", "value"]
    assert data.values["year"].dtype == np.int64
    meta = data.meta["SYN.REMIT"]
    assert meta.vintage == "2025-07-01"
    assert meta.name == "Synthetic remittances (current US$)"
    assert len(meta.content_hash) == 64 and meta.retrieved.startswith("20")
    assert data.report["downloaded"] == ["SYN.GDP", "SYN.REMIT"]
    assert data.report["from_cache"] == []
    assert data.report["missing_values"] == {"SYN.GDP": 5, "SYN.REMIT": 5}
    assert data.report["rows_read"] == len(expected)
    assert data.report["vintages"] == {"SYN.GDP": "2025-12-19", "SYN.REMIT": "2025-07-01"}
    assert server.n_requests() == 2  # 198 rows each fit one page of 1000


def test_multi_page_response(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    per_page = 25
    data = _api(tmp_path, server, per_page=per_page).fetch(["SYN.GDP"])
    n_rows = len(server.series["SYN.GDP"])
    pages = math.ceil(n_rows / per_page)
    assert pages > 1
    assert [p for _, p in server.requests] == list(range(1, pages + 1))
    pd.testing.assert_frame_equal(_sorted(data.values), _sorted(_expected(server, "SYN.GDP")),
                                  check_dtype=False)


def test_server_page_size_cap_is_followed(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    # The API may answer with smaller pages than asked for; its header is what counts.
    server.max_per_page = 40
    data = _api(tmp_path, server, per_page=1000).fetch(["SYN.GDP"])
    assert len(data.values) == len(server.series["SYN.GDP"])
    assert server.n_requests() == math.ceil(len(server.series["SYN.GDP"]) / 40)


def test_warm_cache_makes_no_request(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    first = _api(tmp_path, server).fetch(["SYN.GDP", "SYN.REMIT"])
    before = server.n_requests()
    second = _api(tmp_path, server).fetch(["SYN.GDP", "SYN.REMIT"])
    assert server.n_requests() == before
    pd.testing.assert_frame_equal(first.values, second.values)
    assert first.meta == second.meta  # same retrieval time, vintage and hash
    assert second.report["from_cache"] == ["SYN.GDP", "SYN.REMIT"]
    assert second.report["requests"] == 0


def test_cache_file_records_provenance(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    api = _api(tmp_path, server)
    data = api.fetch(["SYN.REMIT"])
    path = api.cache_path("SYN.REMIT")
    assert path.parent == tmp_path / "cache"
    assert path.name == f"SYN.REMIT.{api.cache_key()}.parquet"
    record = json.loads(pq.read_schema(path).metadata[b"migecon.wdi_api"])
    assert record["lastupdated"] == "2025-07-01"
    assert record["endpoint"] == server.endpoint
    assert (record["lang"], record["db"]) == ("en", None)
    assert record["content_hash"] == data.meta["SYN.REMIT"].content_hash
    assert record["retrieved"] == data.meta["SYN.REMIT"].retrieved


def test_default_cache_folder_follows_migecon_cache_dir(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGECON_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert WDIApi(offline=True).cache_dir == tmp_path / "elsewhere" / "wdi_api"


def test_years_filter_after_the_cache(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    data = _api(tmp_path, server).fetch(["SYN.GDP"], years=(2000, 2004))
    assert sorted(data.values["year"].unique()) == [2000, 2001, 2002, 2003, 2004]
    again = _api(tmp_path, server).fetch(["SYN.GDP"])  # all years, still from the cache
    assert len(again.values) == len(server.series["SYN.GDP"])
    assert server.n_requests() == 1


def test_offline_hit_uses_only_the_cache(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    online = _api(tmp_path, server).fetch(["SYN.GDP"])
    before = server.n_requests()
    # The cache is keyed by endpoint (and language, db): offline reads the same endpoint's copy.
    offline = WDIApi(tmp_path / "cache", endpoint=server.endpoint, offline=True,
                     progress=False).fetch(["SYN.GDP"])
    assert server.n_requests() == before
    pd.testing.assert_frame_equal(online.values, offline.values)


def test_offline_miss_names_exactly_what_is_missing(tmp_path: Path,
                                                    server: FakeWorldBankAPI) -> None:
    _api(tmp_path, server).fetch(["SYN.GDP"])
    before = server.n_requests()
    with pytest.raises(OfflineError, match=r"has no copy of 2 indicator\(s\): SYN.REMIT, "
                                           r"NY.GDP.MKTP.CD\. Run once with offline=False"):
        _api(tmp_path, server, offline=True).fetch(["SYN.GDP", "SYN.REMIT", "NY.GDP.MKTP.CD"])
    assert server.n_requests() == before


def test_refresh_downloads_again(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    old = _api(tmp_path, server).fetch(["SYN.GDP"])
    revised = server.series["SYN.GDP"].copy()
    revised.loc[0, "value"] = 123.0
    server.add("SYN.GDP", revised, lastupdated="2026-07-01")
    cached = _api(tmp_path, server).fetch(["SYN.GDP"])
    assert cached.meta["SYN.GDP"].vintage == "2025-12-19"  # without refresh: the old copy
    new = _api(tmp_path, server, refresh=True).fetch(["SYN.GDP"])
    assert server.n_requests() == 2
    assert new.meta["SYN.GDP"].vintage == "2026-07-01"
    assert new.meta["SYN.GDP"].content_hash != old.meta["SYN.GDP"].content_hash
    row = new.values[(new.values["iso3"] == revised.loc[0, "iso3"])
                     & (new.values["year"] == revised.loc[0, "year"])]
    assert row["value"].tolist() == [123.0]
    later = _api(tmp_path, server).fetch(["SYN.GDP"])  # the refreshed copy replaced the old
    assert later.meta["SYN.GDP"].vintage == "2026-07-01"
    assert server.n_requests() == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "tampered"])
def test_corrupt_cache_file_is_fetched_again(tmp_path: Path, server: FakeWorldBankAPI,
                                             damage: str) -> None:
    api = _api(tmp_path, server)
    good = api.fetch(["SYN.GDP"])
    path = api.cache_path("SYN.GDP")
    _damage(path, damage)
    with pytest.warns(MigeconWarning, match=r"SYN.GDP .* is corrupt.*Downloading SYN.GDP again"):
        again = _api(tmp_path, server).fetch(["SYN.GDP"])
    assert server.n_requests() == 2
    assert again.report["refetched_corrupt"] == ["SYN.GDP"]
    pd.testing.assert_frame_equal(good.values, again.values)
    third = _api(tmp_path, server).fetch(["SYN.GDP"])  # the file was repaired
    assert third.report["from_cache"] == ["SYN.GDP"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "tampered"])
def test_corrupt_cache_file_offline_is_a_clear_error(tmp_path: Path, server: FakeWorldBankAPI,
                                                     damage: str) -> None:
    api = _api(tmp_path, server)
    api.fetch(["SYN.GDP"])
    _damage(api.cache_path("SYN.GDP"), damage)
    with pytest.raises(CacheError, match=r"cached copy of SYN.GDP .* is corrupt.*Offline mode"):
        _api(tmp_path, server, offline=True).fetch(["SYN.GDP"])


def _damage(path: Path, how: str) -> None:
    if how == "garbage":
        path.write_bytes(b"this is not parquet")
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:  # a valid parquet file whose values no longer match the recorded hash
        table = pq.read_table(path)
        frame = table.to_pandas()
        frame.loc[0, "value"] = -1.0
        import pyarrow as pa

        altered = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(altered.replace_schema_metadata(table.schema.metadata), path)


def test_server_error_then_success_is_retried(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    server.faults["SYN.GDP"].extend(["500", "503"])
    data = _api(tmp_path, server).fetch(["SYN.GDP"])
    assert server.n_requests("SYN.GDP") == 3
    assert data.report["retries"] == 2
    assert len(data.values) == len(server.series["SYN.GDP"])


def test_rate_limit_is_retried(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    server.faults["SYN.GDP"].append("429")
    data = _api(tmp_path, server).fetch(["SYN.GDP"])
    assert data.report["retries"] == 1


def test_persistent_server_error_gives_up_after_retries(tmp_path: Path,
                                                        server: FakeWorldBankAPI) -> None:
    server.faults["SYN.GDP"].extend(["502"] * 10)
    with pytest.raises(SourceError, match=r"failed 3 time\(s\).*HTTP 502"):
        _api(tmp_path, server, retries=2).fetch(["SYN.GDP"])
    assert server.n_requests("SYN.GDP") == 3
    assert not list((tmp_path / "cache").iterdir())  # nothing cached, no temporary file


def test_client_error_is_not_retried(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    server.faults["SYN.GDP"].append("404")
    with pytest.raises(SourceError, match=r"HTTP 404 .*not a temporary failure"):
        _api(tmp_path, server).fetch(["SYN.GDP"])
    assert server.n_requests("SYN.GDP") == 1


def test_wrong_endpoint_path_is_a_clear_error(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    api = WDIApi(tmp_path, endpoint=server.endpoint.replace("/v2", "/v3"), progress=False,
                 backoff=TINY_BACKOFF)
    with pytest.raises(SourceError, match=r"HTTP 404 .*check the indicator code and the endpoint"):
        api.fetch(["SYN.GDP"])


def test_timeout_then_success_is_retried(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    server.faults["SYN.GDP"].append("slow")
    data = _api(tmp_path, server, timeout=SHORT_TIMEOUT).fetch(["SYN.GDP"])
    assert data.report["retries"] == 1
    assert len(data.values) == len(server.series["SYN.GDP"])


def test_persistent_timeout_is_a_clear_error(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    server.faults["SYN.GDP"].extend(["slow"] * 2)
    with pytest.raises(SourceError, match=r"failed 2 time\(s\).*Timeout"):
        _api(tmp_path, server, timeout=SHORT_TIMEOUT, retries=1).fetch(["SYN.GDP"])


def test_connection_refused_is_retried_then_reported(tmp_path: Path) -> None:
    api = WDIApi(tmp_path, endpoint=_closed_port_endpoint(), retries=2, backoff=TINY_BACKOFF,
                 progress=False)
    with pytest.raises(SourceError, match=r"failed 3 time\(s\).*ConnectionError"):
        api.fetch(["SYN.GDP"])


def test_empty_page_is_a_clear_error(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    server.empty_from_page["SYN.GDP"] = 2
    with pytest.raises(SourceError, match=r"page 2 of 8 for SYN.GDP came back empty although "
                                          r"the API announced 198 rows"):
        _api(tmp_path, server, per_page=25).fetch(["SYN.GDP"])
    assert not list((tmp_path / "cache").iterdir())  # never half a series in the cache


def test_indicator_without_data_is_empty_not_an_error(tmp_path: Path,
                                                      server: FakeWorldBankAPI) -> None:
    server.add("SYN.NONE", _synthetic(seed=3).iloc[0:0])
    data = _api(tmp_path, server).fetch(["SYN.NONE", "SYN.GDP"])
    assert data.report["empty"] == ["SYN.NONE"]
    assert data.report["rows"]["SYN.NONE"] == 0


@pytest.mark.parametrize("fault", ["malformed", "xml"])
def test_malformed_json_is_a_clear_error(tmp_path: Path, server: FakeWorldBankAPI,
                                         fault: str) -> None:
    # A body that is cut short or not JSON is retried like a 5xx, then reported.
    server.faults["SYN.GDP"].extend([fault] * 3)
    with pytest.raises(SourceError, match=r"failed 3 time.*not valid JSON .*starts with"):
        _api(tmp_path, server, retries=2).fetch(["SYN.GDP"])
    assert server.n_requests("SYN.GDP") == 3
    assert not list((tmp_path / "cache").glob("*.parquet"))


def test_api_error_message_is_reported(tmp_path: Path, server: FakeWorldBankAPI) -> None:
    with pytest.raises(SourceError, match=r"error for NOT.A.CODE: \[120\] Invalid value: The "
                                          r"provided parameter value is not valid"):
        _api(tmp_path, server).fetch(["NOT.A.CODE"])
    assert server.n_requests("NOT.A.CODE") == 1


def test_rows_without_iso3_code_are_dropped_and_counted(tmp_path: Path,
                                                        server: FakeWorldBankAPI) -> None:
    frame = _synthetic(seed=4, economies=2)
    frame.loc[frame["iso3"] == "BBB", "iso3"] = ""
    server.add("SYN.HOLE", frame)
    n_blank = int((frame["iso3"] == "").sum())
    with pytest.warns(DroppedDataWarning, match=f"{n_blank} row\\(s\\) of SYN.HOLE"):
        data = _api(tmp_path, server).fetch(["SYN.HOLE"])
    assert data.report["dropped_no_iso3"] == {"SYN.HOLE": n_blank}
    assert set(data.values["iso3"]) == {"AAA"}


def test_progress_bar_can_be_disabled(tmp_path: Path, server: FakeWorldBankAPI,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _api(tmp_path, server, progress=False).fetch(["SYN.GDP"])
    assert capsys.readouterr().err == ""
    _api(tmp_path, server, progress=True).fetch(["SYN.GDP"])
    assert "World Bank API" in capsys.readouterr().err


@pytest.mark.parametrize(("options", "message"), [
    ({"refresh": True, "offline": True}, "refresh=True needs the network"),
    ({"retries": -1}, "retries must be a non-negative integer"),
    ({"timeout": 0}, "timeout > 0"),
])
def test_bad_options(tmp_path: Path, options: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        WDIApi(tmp_path, **options)


@pytest.mark.parametrize(("codes", "message"), [
    ([], "no indicator codes given"),
    (["NY.GDP/../x"], "is not a World Bank indicator code"),
    ([3], "is not a World Bank indicator code"),
])
def test_bad_codes(tmp_path: Path, codes: list[Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        WDIApi(tmp_path, offline=True).fetch(codes)


def test_bad_years(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="first year is after the last"):
        WDIApi(tmp_path, offline=True).fetch(["X.Y"], years=(2020, 1990))


def test_build_panel_twice_second_build_makes_no_request(tmp_path: Path,
                                                         server: FakeWorldBankAPI) -> None:
    import migecon as mg

    frame = _synthetic(seed=5, economies=3, years=range(2015, 2023))
    frame["iso3"] = frame["iso3"].map({"AAA": "NPL", "BBB": "SLV", "CCC": "WLD"})
    server.add("SYN.BUILD", frame, lastupdated="2026-07-01")
    indicators = {"remit": "SYN.BUILD"}
    first = mg.build_panel(indicators, _api(tmp_path, server), years=(2016, 2022))
    requests_after_first = server.n_requests()
    assert requests_after_first == 1
    second = mg.build_panel(indicators, _api(tmp_path, server), years=(2016, 2022))
    offline = mg.build_panel(indicators, _api(tmp_path, server, offline=True),
                             years=(2016, 2022))
    assert server.n_requests() == requests_after_first
    pd.testing.assert_frame_equal(first.data, second.data)
    pd.testing.assert_frame_equal(first.data, offline.data)
    assert first.entities == ["NPL", "SLV"]
    report = first.metadata["build_report"]
    assert report["aggregates_removed"] == ["WLD"]
    assert report["vintages"] == {"remit": "2026-07-01"}
    assert first.variables["remit"].vintage == "2026-07-01"
    direct = frame[(frame["iso3"] == "NPL") & (frame["year"] == 2020)]["value"].item()
    assert first["remit"].loc[("NPL", 2020)] == direct


# --------------------------------------------------- real World Bank values
REAL_CODES = {"BX.TRF.PWKR.CD.DT": "bx.trf.pwkr.cd.dt.csv", "NY.GDP.MKTP.CD": "ny.gdp.mktp.cd.csv"}


def test_real_wdi_values_round_trip(tmp_path: Path, shared_data: Path) -> None:
    """Serve two real WDI series (as the API would) and rebuild remittances % of GDP."""
    folder = shared_data / "wdi" / "long"
    api = FakeWorldBankAPI()
    index = pd.read_csv(folder / "INDEX.csv").set_index("indicator")
    files = {}
    for code, name in REAL_CODES.items():
        frame = pd.read_csv(folder / name).rename(columns={
            "Country Name": "country", "Country Code": "iso3", "Year": "year", "Value": "value"})
        files[code] = frame
        api.add(code, frame, name=str(index.loc[code, "name"]),
                lastupdated=str(index.loc[code, "last_commit_date"]))
    api.start()
    try:
        data = WDIApi(tmp_path, endpoint=api.endpoint, progress=False).fetch(list(REAL_CODES))
    finally:
        api.stop()
    for code, frame in files.items():
        got = data.values[data.values["code"] == code].set_index(["iso3", "year"])["value"]
        want = frame.set_index(["iso3", "year"])["value"]
        pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
        assert data.meta[code].vintage == "2026-07-01"
    wide = data.values.pivot_table(index=["iso3", "year"], columns="code", values="value")
    ratio = 100 * wide["BX.TRF.PWKR.CD.DT"] / wide["NY.GDP.MKTP.CD"]
    reference = json.loads((RESULTS / "wdi_remittances_gdp_2022.json").read_text())
    for iso3, published in reference["values"].items():
        assert ratio[(iso3, reference["year"])] == pytest.approx(published, abs=TOL_ONE_DECIMAL)
