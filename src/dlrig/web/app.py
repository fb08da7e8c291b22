"""``create_app``: the FastAPI app of ``dlrig serve``: the pages, the JSON API, the error pages.

Errors are data here as in the CLI: a ``DlrigError`` becomes its message, in the page or as
``{"error", "kind", "field"}`` under /api, with HTTP 400 (bad input), 422 (a malformed request,
or the answer is no: nothing feasible), 503 (the planner is not installed, or every planner
worker is busy: with ``Retry-After``); any other HTTP error (404, 405, 413) has the same body,
and a bug is a 500 with it too; never a traceback. ``dlrig.web.limits`` bounds request bodies
and adds the security headers; ``dlrig.web.pool`` runs plans in a bounded process pool.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from dlrig.errors import DlrigError, Infeasible
from dlrig.web.limits import KIND_OF_STATUS

if TYPE_CHECKING:
    from dlrig.catalog.store import Catalog

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
log = logging.getLogger("dlrig.web")

DESCRIPTION = ("Plan, check and price deep-learning machines. Every route returns the JSON document "
               "that the matching `dlrig ... --json` command prints; errors are "
               "`{\"error\": message, \"kind\": ..., \"field\": ...}`.")
TITLES = {404: "Not found", 405: "Method not allowed", 408: "Too slow", 413: "Too large"}


def create_app(catalog: Catalog | Callable[[], Catalog] | None = None, workers: int = 0) -> FastAPI:
    """The app; ``catalog`` (or a function that makes one, called on the first request) replaces
    the packaged one, which is otherwise opened on first use. ``workers`` > 0 runs plans in that
    many worker processes (each opens ``catalog``: the packaged one, or a picklable function's);
    0 runs them in the request's thread, two at a time."""
    from dlrig import __version__
    from dlrig.web import api, pages
    from dlrig.web.limits import RequestLimits
    from dlrig.web.pool import PlanPool

    pool = PlanPool(workers, catalog if workers else None)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    # docs_url=None: FastAPI's /docs loads Swagger UI from a CDN (blank offline); pages.api_docs
    # draws the reference from the OpenAPI document instead. No /redoc either (also a CDN).
    app = FastAPI(title="dlrig", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.catalog = catalog
    app.state.pool = pool
    app.state.answers = AnswerCache()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(DlrigError, _dlrig_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
    app.add_middleware(RequestLimits)
    return app


class AnswerCache:
    """The JSON bytes of cheap answers already given (rankings by their query, checks by their
    body's digest), at most ``size``; the catalog never changes while the app runs."""

    def __init__(self, size: int = 256) -> None:
        import threading
        from collections import OrderedDict

        self.size, self._lock, self._items = size, threading.Lock(), OrderedDict[Hashable, bytes]()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: bytes) -> bytes:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def json_bytes(doc: object) -> bytes:
    """A result as the API's strict JSON (NaN as null), compact."""
    import json

    from dlrig.jsondoc import plain

    return json.dumps(plain(doc), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def get_catalog(request: Request) -> Catalog:
    """The app's catalog (a FastAPI dependency)."""
    state = request.app.state
    if state.catalog is None:
        from dlrig.catalog.store import default_catalog

        state.catalog = default_catalog()
    elif callable(state.catalog) and not hasattr(state.catalog, "resolve"):
        state.catalog = state.catalog()
    catalog: Catalog = state.catalog
    return catalog


def status_of(exc: DlrigError) -> int:
    from dlrig.services.plan import PlannerUnavailable

    status = getattr(exc, "status", None)  # a worker's error (RemoteError) or a full pool (Busy)
    if isinstance(status, int):
        return status
    if isinstance(exc, PlannerUnavailable):
        return 503
    return 422 if isinstance(exc, Infeasible) else 400


def retry_headers(exc: Exception) -> dict[str, str] | None:
    """``Retry-After`` for an answer that says "not now" (a full planner pool)."""
    after = getattr(exc, "retry_after", None)
    return {"Retry-After": str(after)} if isinstance(after, int) else None


def wants_json(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def error_page(request: Request, message: str, status: int, title: str = "Something went wrong",
               headers: dict[str, str] | None = None) -> Response:
    return templates.TemplateResponse(request, "error.html", {"title": title, "error": message},
                                      status_code=status, headers=headers)


def error_response(request: Request, doc: dict[str, object], status: int, title: str = "Something went wrong",
                   headers: dict[str, str] | None = None) -> Response:
    """``doc`` (``{"error", "kind", "field", ...}``) as JSON under /api, else the error page."""
    if wants_json(request):
        return JSONResponse(doc, status_code=status, headers=headers)
    return error_page(request, str(doc["error"]), status, title, headers)


async def _dlrig_error(request: Request, exc: DlrigError) -> Response:
    return error_response(request, exc.to_json(), status_of(exc), headers=retry_headers(exc))


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    """A body or query the schema refuses, or a body that is not JSON at all: 422, one message."""
    errors = exc.errors()
    problems = "; ".join(_problem(e) for e in errors) or "the request does not match its schema"
    first = errors[0] if errors else {}
    loc = [str(x) for x in first.get("loc", ())]
    field = ".".join(loc[1:]) or None if first.get("type") != "json_invalid" else None
    return error_response(request, {"error": problems, "kind": "BadInput", "field": field}, 422)


def _problem(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        return f"the body is not valid JSON ({(error.get('ctx') or {}).get('error', 'parse error')})"
    where = ".".join(str(x) for x in error.get("loc", ()))
    return f"{where}: {error.get('msg')}"


async def _http_error(request: Request, exc: Exception) -> Response:
    """404, 405 and the other HTTP errors Starlette raises, in the app's error shape."""
    status = getattr(exc, "status_code", 500)
    message = f"no page at {request.url.path}" if status == 404 else str(getattr(exc, "detail", "")) or "error"
    kind = KIND_OF_STATUS.get(status, "HTTPError")
    headers = getattr(exc, "headers", None)
    return error_response(request, {"error": message, "kind": kind, "field": None}, status,
                          TITLES.get(status, "Something went wrong"), headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback on the server, a short apology to the client."""
    log.exception("unhandled error on %s", request.url.path)
    message = f"dlrig hit a bug ({type(exc).__name__}); please report it with what you entered"
    if wants_json(request):
        return JSONResponse({"error": message, "kind": "InternalError", "field": None}, status_code=500)
    return HTMLResponse(f"<!doctype html><title>dlrig: error</title><p>{escape(message)}</p>", status_code=500)
