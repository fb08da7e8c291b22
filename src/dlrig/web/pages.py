"""The HTML pages: the GPU ranking, the planner, the checker, workload fit, and the exports.

Each page reads its form (a GET query, or the checker's POST body), calls the core through
a service (``dlrig.services``) and renders a template. A ``DlrigError`` is shown in the page above the
form the user filled, with the HTTP status of the API (400, 422 or 503).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from dlrig.errors import DlrigError
from dlrig.web import views
from dlrig.web.app import get_catalog, retry_headers, status_of, templates
from dlrig.web.forms import Form

if TYPE_CHECKING:
    from dlrig.catalog.store import Catalog

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, context: dict[str, Any], compute: Callable[[], dict[str, Any]] | None,
           ) -> Response:
    """Render ``template`` with ``context`` and what ``compute`` returns; its DlrigError goes in the page."""
    status, headers = 200, None
    if compute is not None:
        try:
            context = {**context, **compute()}
        except DlrigError as exc:
            context = {**context, "error": exc.message}
            status, headers = status_of(exc), retry_headers(exc)
    return templates.TemplateResponse(request, template, context, status_code=status, headers=headers)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return templates.TemplateResponse(request, "home.html", {"title": "dlrig"})


@router.get("/ranking", response_class=HTMLResponse)
def ranking_page(request: Request, catalog: Catalog = Depends(get_catalog)) -> Response:
    form = Form(request.query_params.multi_items())
    return render(request, "ranking.html", views.ranking_context(catalog, form),
                  lambda: views.ranking_result(catalog, form))


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, catalog: Catalog = Depends(get_catalog)) -> Response:
    form = Form(request.query_params.multi_items())
    return render(request, "plan.html", views.plan_context(catalog, form),
                  (lambda: _plan_in_pool(request, catalog, form)) if form else None)


def _plan_in_pool(request: Request, catalog: Catalog, form: Form) -> dict[str, Any]:
    """The planner's result, solved in the app's bounded pool (a full pool: 503, said in the page)."""
    from dlrig.plan.request import validate
    from dlrig.web.pool import plan_page

    validate(views.plan_request(catalog, form))  # bad input is answered without taking a worker
    result: dict[str, Any] = request.app.state.pool.run(plan_page, tuple(form.pairs), catalog=catalog)
    return result


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request, catalog: Catalog = Depends(get_catalog)) -> Response:
    return render(request, "check.html", views.check_context(Form([])), None)


@router.post("/check", response_class=HTMLResponse)
async def check_page(request: Request, catalog: Catalog = Depends(get_catalog)) -> Response:
    form = Form.from_body(await request.body())
    return render(request, "check.html", views.check_context(form), lambda: views.check_result(catalog, form))


@router.get("/fit", response_class=HTMLResponse)
def fit_page(request: Request, catalog: Catalog = Depends(get_catalog)) -> Response:
    form = Form(request.query_params.multi_items())
    return render(request, "fit.html", views.fit_context(form),
                  (lambda: views.fit_result(catalog, form)) if form.text("model") else None)


@router.get("/export/build.yaml")
def export_yaml(request: Request, catalog: Catalog = Depends(get_catalog)) -> Response:
    text, name = views.export_text(catalog, Form(request.query_params.multi_items()), "yaml")
    return _download(text, name, "application/yaml")


@router.get("/export/pcpartpicker.md")
def export_list(request: Request, catalog: Catalog = Depends(get_catalog)) -> Response:
    text, name = views.export_text(catalog, Form(request.query_params.multi_items()), "pcpartpicker")
    return _download(text, name, "text/markdown")


@router.get("/export/report.html", response_class=HTMLResponse)
def export_report(request: Request, catalog: Catalog = Depends(get_catalog)) -> Response:
    """The HTML report ``dlrig export --format html`` writes, for a pasted build."""
    from dlrig.web.limits import REPORT_CSP

    text, _ = views.export_text(catalog, Form(request.query_params.multi_items()), "html")
    return HTMLResponse(text, headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """The API reference, drawn from /openapi.json on the server (Swagger UI's CDN assets are not needed)."""
    return templates.TemplateResponse(request, "api.html", views.api_context(request.app.openapi()))


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on pages that link none (an export, /openapi.json)."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/planner")
def planner_alias() -> Response:
    return RedirectResponse("/plan", status_code=307)


def _download(text: str, filename: str, media_type: str) -> Response:
    return PlainTextResponse(text, media_type=f"{media_type}; charset=utf-8",
                             headers={"Content-Disposition": content_disposition(filename)})


def content_disposition(filename: str) -> str:
    """An attachment header for any name: an ASCII fallback with nothing that could end the
    quoted string or the header (quotes, backslashes, control characters), and the name itself
    percent-encoded as RFC 6266 / RFC 5987 ``filename*``."""
    from urllib.parse import quote

    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback or 'build'}\"; filename*=UTF-8''{quote(filename, safe='')}"
