"""The web server's limits on a real uvicorn (issue 19): bodies, slow clients, headers, error shapes.

The app runs under uvicorn in a thread on 127.0.0.1 and a free port, with `dlrig serve`'s h11
protocol (its header timer cut to 1 s here) and a body timeout of 0.5 s; the clients are raw
sockets, so the test sees exactly what the server does with a request it has not finished.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

SEED = (Path(__file__).resolve().parents[2] / "examples" / "seed-2015.yaml").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    import uvicorn

    from dlrig.web.app import create_app
    from dlrig.web.limits import RequestLimits, header_timeout_protocol

    number = _free_port()
    app = RequestLimits(create_app(), body_timeout=0.5)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=number, log_level="warning",
                                           http=header_timeout_protocol(1.0)))
    thread = threading.Thread(target=server.run, name="dlrig-limits-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield number
    server.should_exit = True
    thread.join(timeout=10)


def _exchange(port: int, data: bytes, more: bytes = b"", wait: float = 5.0) -> tuple[float, bytes]:
    """Send ``data`` (then ``more``, ignoring a reset), read what comes back, and how soon."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(wait)
        t = time.perf_counter()
        s.sendall(data)
        if more:
            with contextlib.suppress(OSError):  # the server answered and closed: what counts is its answer
                s.sendall(more)
        raw = b""
        try:
            while not _complete(raw):
                chunk = s.recv(65536)
                if not chunk:
                    break
                raw += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return time.perf_counter() - t, raw


def _complete(raw: bytes) -> bool:
    """Whether ``raw`` holds a whole response (its headers and Content-Length bytes of body)."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return False
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(
        b"content-length:")), 0)
    return len(body) >= length


def _status_and_body(raw: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_a_100_mb_body_is_refused_in_under_a_second_without_being_read(port: int) -> None:
    head = (b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000000\r\n\r\n")
    seconds, raw = _exchange(port, head, b"x" * 65536)
    status, doc = _status_and_body(raw)
    assert status == 413 and seconds < 1.0
    assert doc["kind"] == "TooLarge" and "4,065,536 bytes" in doc["error"] and set(doc) == {"error", "kind", "field"}


def test_a_body_without_a_length_is_cut_off_at_the_limit(port: int) -> None:
    head = (b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % (1 << 20) + b"x" * (1 << 20) + b"\r\n"
    seconds, raw = _exchange(port, head, chunk * 8)
    status, doc = _status_and_body(raw)
    assert status == 413 and doc["kind"] == "TooLarge" and seconds < 5.0


def test_a_stalled_body_is_refused(port: int) -> None:
    head = b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    seconds, raw = _exchange(port, head)
    status, doc = _status_and_body(raw)
    assert status == 408 and doc["kind"] == "Timeout" and 0.4 < seconds < 3.0


def test_a_client_that_never_finishes_its_headers_is_disconnected(port: int) -> None:
    seconds, raw = _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\n", wait=10.0)
    assert raw == b"" and 0.9 < seconds < 5.0


def test_a_kept_alive_connection_still_gets_answers(port: int) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(3):
            assert client.get("/api/gpus", params={"limit": 1}).status_code == 200
            time.sleep(0.4)


@pytest.mark.parametrize(("path", "csp"), [
    ("/", "default-src 'self'; script-src 'self'; style-src 'self'"),
    ("/ranking", "script-src 'self'"),
    ("/api/gpus?limit=1", "default-src 'none'"),
    ("/openapi.json", "default-src 'none'"),
    ("/docs", "default-src 'self'; script-src 'self'; style-src 'self'"),  # drawn here, no CDN
])
def test_every_response_carries_the_security_headers(port: int, path: str, csp: str) -> None:
    r = httpx.get(f"http://127.0.0.1:{port}{path}")
    assert r.status_code == 200
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY" and csp in r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_the_standalone_report_may_style_itself_but_run_no_script(port: int) -> None:
    r = httpx.get(f"http://127.0.0.1:{port}/export/report.html", params={"build": SEED})
    csp = r.headers["content-security-policy"]
    assert r.status_code == 200 and "style-src 'unsafe-inline'" in csp and "script-src" not in csp
    assert csp.startswith("default-src 'none'")


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "kind"), [
    ("GET", "/api/nothing", {}, 404, "NotFound"),
    ("PUT", "/api/check", {}, 405, "MethodNotAllowed"),
    ("POST", "/api/check", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 422,
     "BadInput"),
    ("POST", "/api/check", {"content": b"\xff\xfe", "headers": {"content-type": "application/json"}}, 422,
     "BadInput"),
    ("GET", "/api/gpus?limit=x", {}, 422, "BadInput"),
])
def test_every_api_error_has_the_documented_body(port: int, method: str, path: str, kwargs: dict, status: int,
                                                  kind: str) -> None:
    r = httpx.request(method, f"http://127.0.0.1:{port}{path}", **kwargs)
    assert r.status_code == status and r.json()["kind"] == kind
    assert set(r.json()) == {"error", "kind", "field"}


def test_a_bug_is_a_500_with_the_same_body_and_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from dlrig.services import check
    from dlrig.web.app import create_app

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a planted bug")

    monkeypatch.setattr(check, "check", broken)
    client = TestClient(create_app(), raise_server_exceptions=False)
    r = client.post("/api/check", json={"build": SEED})
    assert r.status_code == 500 and set(r.json()) == {"error", "kind", "field"}
    assert r.json()["kind"] == "InternalError" and "Traceback" not in r.text and "please report it" in r.text
    page = client.post("/check", data={"build": SEED})
    assert page.status_code == 500 and "Traceback" not in page.text


@pytest.mark.parametrize("name", ["a\r\nSet-Cookie: x=1", "a\x00b", "été \"q\";x", "\r\r\n\n"])
def test_cr_lf_nul_in_a_name_never_breaks_a_response(port: int, name: str) -> None:
    r = httpx.get(f"http://127.0.0.1:{port}/export/build.yaml", params={"build": SEED, "name": name})
    assert r.status_code == 200 and "set-cookie" not in r.headers
    assert r.headers["content-disposition"].startswith("attachment; filename=\"")
    for text in (r.headers["content-disposition"], *r.headers.values()):
        assert not set(text) & {"\r", "\n", "\x00"}
