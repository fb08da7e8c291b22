"""``create_app``: the FastAPI app of ``dlrig serve``: the pages, the JSON API, the error pages.

Errors are data here as in the CLI: a ``DlrigError`` becomes its message,
in the page or as ``{"error": ...}`` under /api, with HTTP 400 (bad input), 422 (the answer is
no: nothing feasible) or 503 (the planner is not installed); never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from dlrig.errors import DlrigError, Infeasible

if TYPE_CHECKING:
    from dlrig.catalog.store import Catalog

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
log = logging.getLogger("dlrig.web")

DESCRIPTION = ("Plan, check and price deep-learning machines. Every route returns the JSON document "
               "that the matching `dlrig ... --json` command prints; errors are `{\"error\": message}`.")


def create_app(catalog: Catalog | Callable[[], Catalog] | None = None) -> FastAPI:
    """The app; ``catalog`` (or a function that makes one, called on the first request) replaces
    the packaged one, which is otherwise opened on first use."""
    from dlrig import __version__
    from dlrig.web import api, pages

    # docs_url=None: FastAPI's /docs loads Swagger UI from a CDN (blank offline); pages.api_docs
    # draws the reference from the OpenAPI document instead. No /redoc either (also a CDN).
    app = FastAPI(title="dlrig", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.catalog = catalog
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(DlrigError, _dlrig_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(404, _not_found)
    app.add_exception_handler(Exception, _server_error)
    return app


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

    if isinstance(exc, PlannerUnavailable):
        return 503
    return 422 if isinstance(exc, Infeasible) else 400


def wants_json(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def error_page(request: Request, message: str, status: int, title: str = "Something went wrong") -> Response:
    return templates.TemplateResponse(request, "error.html", {"title": title, "error": message},
                                      status_code=status)


async def _dlrig_error(request: Request, exc: DlrigError) -> Response:
    if wants_json(request):
        return JSONResponse(exc.to_json(), status_code=status_of(exc))
    return error_page(request, exc.message, status_of(exc))


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
    if wants_json(request):
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(x) for x in first.get("loc", ())[1:]) or None
        return JSONResponse({"error": problems, "kind": "BadInput", "field": field,
                             "detail": jsonable_encoder(exc.errors())}, status_code=422)
    return error_page(request, problems, 422)


async def _not_found(request: Request, exc: Exception) -> Response:
    message = f"no page at {request.url.path}"
    if wants_json(request):
        return JSONResponse({"error": message, "kind": "NotFound", "field": None}, status_code=404)
    return error_page(request, message, 404, "Not found")


async def _server_error(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback on the server, a short apology to the client."""
    log.exception("unhandled error on %s", request.url.path)
    message = f"dlrig hit a bug ({type(exc).__name__}); please report it with what you entered"
    if wants_json(request):
        return JSONResponse({"error": message, "kind": "InternalError", "field": None}, status_code=500)
    return HTMLResponse(f"<!doctype html><title>dlrig: error</title><p>{message}</p>", status_code=500)
