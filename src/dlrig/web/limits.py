"""The web server's limits: request bodies, slow clients, and the headers every response carries.

- A body over ``MAX_BODY_BYTES`` is refused with 413 before it is read: at once when its
  ``Content-Length`` says so, else as soon as the bytes received pass the limit. A body that
  stalls for ``BODY_TIMEOUT_S`` between its parts is refused with 408.
- A connection that has not finished sending its request line and headers within
  ``HEADER_TIMEOUT_S`` (a "slowloris") is closed: ``HeaderTimeoutH11`` is uvicorn's h11
  protocol with that timer, used by ``dlrig serve``.
- Every response says ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``,
  and may not be framed; the pages get a Content-Security-Policy that allows only the app's
  own scripts, styles and images (they have no inline script or style).

Errors here are the app's: ``{"error", "kind", "field"}`` under /api, a short page elsewhere.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.exceptions import HTTPException

from dlrig.textfile import MAX_INPUT_BYTES

# A build travels as a JSON string: its escapes can double its size, and the other fields are small.
MAX_BODY_BYTES = 2 * MAX_INPUT_BYTES + 64 * 1024
BODY_TIMEOUT_S = 30.0  # the longest pause between two parts of a request body
HEADER_TIMEOUT_S = 10.0  # the longest a client may take to send its request line and headers

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The standalone report (/export/report.html) is one file: its own inline styles, no script runs.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
KIND_OF_STATUS = {404: "NotFound", 405: "MethodNotAllowed", 408: "Timeout", 413: "TooLarge"}
COMMON_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                  (b"x-frame-options", b"DENY")]


class _TooLarge(HTTPException):
    """Raised while the body is read: FastAPI passes an HTTPException through (any other error
    there becomes its own 400), and the app's handler answers it in the error shape."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit:,} bytes, the limit")


class _TooSlow(HTTPException):
    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"the request body stalled for more than {seconds:.0f} s")


class RequestLimits:
    """ASGI middleware: the body limit, the body timeout, and the security headers."""

    def __init__(self, app: Any, max_body: int = MAX_BODY_BYTES, body_timeout: float = BODY_TIMEOUT_S) -> None:
        self.app, self.max_body, self.body_timeout = app, max_body, body_timeout

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _refuse(send, path, 413, f"the request body is larger than {self.max_body:,} bytes, the limit "
                          "(a build file or part list is a few KB)")
            return
        exchange = _Exchange(self, path, receive, send)
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except (_TooLarge, _TooSlow) as exc:  # raised where no handler answered it
            await exchange.refuse(exc.status_code, exc.detail)


class _Exchange:
    """One request through ``RequestLimits``: the body counted as it arrives, headers added."""

    def __init__(self, limits: RequestLimits, path: str, receive: Any, send: Any) -> None:
        self.limits, self.path, self._receive, self._send = limits, path, receive, send
        self.received, self.started = 0, False

    async def receive(self) -> Any:
        try:
            message = await asyncio.wait_for(self._receive(), self.limits.body_timeout)
        except asyncio.TimeoutError:
            raise _TooSlow(self.limits.body_timeout) from None
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limits.max_body:
                raise _TooLarge(self.limits.max_body)
        return message

    async def send(self, message: Any) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            message = {**message, "headers": _secured(list(message.get("headers", [])), self.path)}
        await self._send(message)

    async def refuse(self, status: int, text: str) -> None:
        if not self.started:
            await _refuse(self._send, self.path, status, text)


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1").strip())
    return None


def _secured(headers: list[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
    """The response's headers with the security headers added (a route's own CSP is kept)."""
    names = {k.lower() for k, _ in headers}
    out = headers + [(k, v) for k, v in COMMON_HEADERS if k not in names]
    if b"content-security-policy" not in names:
        out.append((b"content-security-policy", csp_for(path).encode()))
    return out


def csp_for(path: str) -> str:
    if path == "/api" or path.startswith("/api/") or path == "/openapi.json":
        return API_CSP
    return PAGE_CSP


async def _refuse(send: Any, path: str, status: int, message: str) -> None:
    """A limit's answer, in the app's error shape, and the connection closed after it."""
    kind = KIND_OF_STATUS.get(status, "HTTPError")
    if path == "/api" or path.startswith("/api/"):
        body = json.dumps({"error": message, "kind": kind, "field": None}).encode()
        ctype = b"application/json"
    else:
        from html import escape

        body = (f"<!doctype html><title>dlrig: {status}</title><p>{escape(message)}</p>").encode()
        ctype = b"text/html; charset=utf-8"
    headers = _secured([(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")], path)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def header_timeout_protocol(timeout: float = HEADER_TIMEOUT_S) -> type:
    """uvicorn's h11 protocol with a timer from the connection's start (and from each response,
    on a kept-alive connection) until its request's headers are complete; when it fires first,
    the connection is closed. uvicorn has a keep-alive timeout but none for reading headers."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutH11(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:  # the request's headers are in
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(timeout, self._expire)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expire(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeaderTimeoutH11
