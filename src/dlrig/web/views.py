"""What each page shows: the form's choices (``*_context``) and the result (``*_result``).

A result function reads its form into typed values, calls a service (``dlrig.services``) and
returns the same JSON documents the API returns, plus the charts (``dlrig.report.charts``, the
charts of the HTML report and ``--plot``); the templates only lay them out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from markupsafe import Markup

from dlrig.errors import BadInput, DlrigError
from dlrig.jsondoc import plain
from dlrig.web.forms import Form

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.store import Catalog

SEVERITIES = ("problem", "warning", "note")
PLAN_DEFAULTS = {"budget": "5000", "objective": "max-throughput", "prices": "latest", "region": "us-120v",
                 "alternatives": "3", "tax_rate": "0", "frontier": "on"}
FIT_DEFAULTS = {"sharding": "fsdp", "mode": "train"}
FIT_MODES = {"train": "Training", "infer": "Inference (LLM)"}
FIT_ROWS_SHOWN = 25  # the table's first rows; "show all" lists the rest
RANKING_ROWS = 25  # the table's first rows; "show all" lists the rest
SORT_LABELS = {"perf-per-dollar": "GFLOPS per dollar", "tflops": "TFLOPS", "vram": "VRAM", "price": "price",
               "perf-per-watt": "GFLOPS per watt of board power", "book": "the price book's order"}
URL_IN_TEXT = re.compile(r"https?://\S+")
RECIPE_TEXT = ("precision", "sharding", "recompute", "optimizer")
RECIPE_INT = {"batch": "micro-batch", "seq": "sequence length"}


def _choices() -> dict[str, Any]:
    from dlrig.catalog.models import PRECISIONS
    from dlrig.regions import REGIONS
    from dlrig.workload.zoo import all_models
    from dlrig.workload_request import RECOMPUTES, SHARDINGS

    return {"precisions": PRECISIONS, "shardings": SHARDINGS, "recomputes": RECOMPUTES,
            "models": [m.key for m in all_models()], "regions": list(REGIONS)}


def _chart(chart: Any) -> Markup:
    from dlrig.report.svg import render

    return Markup(render(chart))  # our own SVG: every label is escaped in dlrig.report.svg


def no_files(fields: dict[str, Any]) -> dict[str, Any]:
    from dlrig.web.api import no_files as check

    return check(fields)


def _workload(form: Form) -> dict[str, Any]:
    """The form's workload fields, as WorkloadRequest takes them (empty fields left out)."""
    out: dict[str, Any] = {k: form.text(k) for k in ("model", *RECIPE_TEXT)}
    out.update({k: form.integer(k, label) for k, label in RECIPE_INT.items()})
    out.update({k: True for k in ("lora", "qlora") if form.flag(k)})
    return no_files({k: v for k, v in out.items() if v is not None})


def _book(catalog: Catalog, form: Form) -> Any:
    from dlrig.services.inputs import price_book

    return price_book(catalog, form.text("prices", "latest"), files=False)


# -- ranking -----------------------------------------------------------------------------------
def ranking_context(catalog: Catalog, form: Form) -> dict[str, Any]:
    from dlrig.catalog.ranking import KINDS, SORT_KEYS
    from dlrig.services.inputs import book_names

    values = {"prices": "latest", **{k: v for k, v in form.values.items() if v}}
    base = [(k, v) for k, v in form.pairs if k != "sort" and v]
    return {"title": "GPU ranking", "form": values, "kinds_chosen": form.all("kind"),
            "books": book_names(catalog), "kinds": KINDS, "sorts": SORT_KEYS, **_choices(),
            "sort_urls": {key: "?" + urlencode([*base, ("sort", key)]) for key in SORT_KEYS},
            "sort_labels": SORT_LABELS, "rows_shown_first": RANKING_ROWS}


def ranking_result(catalog: Catalog, form: Form) -> dict[str, Any]:
    """The ranking, its chart (every ranked GPU) and the table's rows: the first ``RANKING_ROWS``
    unless the form asks for all (``rows=all``), so the page stays a page, not 30,000 px."""
    from dlrig.catalog.ranking import Filters
    from dlrig.report.charts import gpu_chart
    from dlrig.services.ranking import RankingRequest, rank

    filters = Filters(min_vram_gb=form.number("min_vram", "min VRAM"),
                      max_price_usd=form.number("max_price", "max price"), kinds=form.all("kind"))
    book = _book(catalog, form)
    result = rank(RankingRequest(book, form.text("precision"), form.text("sort"), filters), catalog)
    doc = plain(result)
    rows, links = first_rows(form, doc["gpus"], RANKING_ROWS)
    return {"ranking": doc, "rows": [{**g, "source": source_link(g["price_source"])} for g in rows], **links,
            "sorted_by": form.text("sort") or ("book" if book.info.ordered else "perf-per-dollar"),
            "chart": _chart(gpu_chart(result, uid="ranking-chart"))}


def first_rows(form: Form, rows: list[Any], limit: int) -> tuple[list[Any], dict[str, str]]:
    """A long table's first ``limit`` rows, or all when the form asks (``rows=all``), with the links
    that switch between the two."""
    rest = [(k, v) for k, v in form.pairs if k != "rows" and v]
    links = {"all_url": "?" + urlencode([*rest, ("rows", "all")]), "top_url": "?" + urlencode(rest)}
    return (rows if form.text("rows") == "all" else rows[:limit]), links


def source_link(source: str | None) -> dict[str, str | None]:
    """A source as the page shows it: its name, and the site of the URL it carries, the whole
    address in a tooltip (``epoch (https://www.tomshardware.com/...)`` is "epoch (tomshardware.com)"),
    so a long address neither widens a table nor hides the rest of the row. (Own pages link
    nothing outside the app.)"""
    from urllib.parse import urlsplit

    text = (source or "").strip()
    match = URL_IN_TEXT.search(text)
    if match is None:
        return {"label": text, "url": None, "site": None}
    url = match.group(0).rstrip(").,;")
    label = (text[:match.start()] + text[match.start() + len(url):]).replace("()", "").strip(" (),;")
    site = urlsplit(url).hostname or url
    return {"label": label, "url": url, "site": site.removeprefix("www.")}


# -- planner -----------------------------------------------------------------------------------
def plan_context(catalog: Catalog, form: Form) -> dict[str, Any]:
    from dlrig.services.inputs import book_names
    from dlrig.services.plan import PlannerUnavailable, objectives

    try:
        choices, unavailable = objectives(), None
    except PlannerUnavailable as exc:
        choices, unavailable = (), exc.message
    values = {**PLAN_DEFAULTS, **form.values} if form else dict(PLAN_DEFAULTS)
    if form and not form.flag("frontier"):
        values.pop("frontier", None)
    return {"title": "Planner", "form": values, "books": book_names(catalog), "objectives": choices,
            "unavailable": unavailable, **_choices()}


def plan_request(catalog: Catalog, form: Form) -> Any:
    from dlrig.plan.request import PlanRequest, parse_gpu_count
    from dlrig.workload_request import WorkloadRequest

    _book(catalog, form)  # a packaged book only
    gpus = form.text("gpus")
    lo, hi = parse_gpu_count(gpus) if gpus else (None, None)
    fields = _workload(form)
    workload = WorkloadRequest(**fields) if fields.get("model") else None
    return PlanRequest(objective=form.text("objective", "max-throughput"),  # type: ignore[arg-type]
                       budget_usd=form.number("budget", "budget"), gpus_min=lo, gpus_max=hi, workload=workload,
                       precision=None if workload else fields.get("precision"),
                       prices=form.text("prices", "latest") or "latest", region=form.text("region"),
                       tax_rate=form.number("tax_rate", "sales tax", 0.0) or 0.0,
                       alternatives=form.integer("alternatives", "alternatives", 3) or 0,
                       minimal=form.flag("minimal"))


def plan_result(catalog: Catalog, form: Form) -> dict[str, Any]:
    from dlrig.plan.explain import borrowed_caveat
    from dlrig.report.charts import frontier_chart_of
    from dlrig.services import plan as service

    req = plan_request(catalog, form)
    result = service.plan(req, catalog)
    doc = plain(result)
    out: dict[str, Any] = {"plan": doc, "rows": plan_rows(result.plan), "findings": by_severity(doc["findings"]),
                           "alternatives": [_alternative(a) for a in result.plan.alternatives],
                           "borrowed": borrowed_caveat(result.plan.selection, req.prices)}
    out.update(_pipeline(catalog, result.plan.build))
    out.update(_cost(catalog, result.plan.build, req.tax_rate or None))
    if form.flag("frontier"):
        front = service.frontier(req, catalog)
        out.update(frontier=plain(front),
                   frontier_chart=_chart(frontier_chart_of(front, "frontier-chart", result.plan.total_usd)))
    out["exports"] = export_links(_yaml(result.plan.build), "yaml")
    return out


def _alternative(a: Any) -> dict[str, Any]:
    o = a.selection.option
    return {"gpu": f"{o.count} x {o.gpu.name}", "total_usd": a.total_usd, "throughput": a.selection.throughput,
            "why_lost": a.why_lost}


def plan_rows(plan: Any) -> list[dict[str, Any]]:
    """The plan's parts with count, unit price, date and source, for the page's table."""
    doc = plan.to_json()
    counts = [plan.selection.option.count] + [1] * (len(doc["prices"]) - 1)
    return [{**row, "count": n} for row, n in zip(doc["prices"], counts, strict=True)]


def _yaml(build: Build) -> str:
    from dlrig.build import dump_build

    return dump_build(build)


def _pipeline(catalog: Catalog, build: Build) -> dict[str, Any]:
    """The data pipeline of the plan's workload: the chart, or why there is none."""
    from dlrig.report.charts import pipeline_chart
    from dlrig.services.estimate import EstimateRequest, estimate
    from dlrig.workload.estimate import Estimate

    if build.workload is None:
        return {"pipeline_note": "Give a model (workload) to see the data-pipeline stages."}
    try:
        est = estimate(EstimateRequest(build=build), catalog)
    except DlrigError as exc:
        return {"pipeline_note": f"No pipeline estimate: {exc.message}"}
    if not isinstance(est, Estimate):  # serving a language model: no data pipeline to chart
        return {"pipeline_note": "An inference workload reads no training data: no data pipeline."}
    return {"pipeline": plain(est)["pipeline"],
            "pipeline_chart": _chart(pipeline_chart(est.pipeline, est.model.sample_unit, uid="pipeline-chart"))}


def _cost(catalog: Catalog, build: Build, tax_rate: float | None) -> dict[str, Any]:
    from dlrig.cost.ownership import CostOptions
    from dlrig.services.cost import CostRequest, cost
    from dlrig.services.inputs import price_book

    try:
        report = cost(CostRequest(build, price_book(catalog, None, build, files=False),
                                  CostOptions(tax_rate=tax_rate)), catalog)
    except DlrigError as exc:
        return {"cost_note": f"No cost comparison: {exc.message}"}
    return {"cost": plain(report)}


def by_severity(findings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {s: [f for f in findings if f["severity"] == s] for s in SEVERITIES}


def export_links(text: str, fmt: str, name: str | None = None) -> dict[str, str]:
    query = urlencode({"build": text, "format": fmt, **({"name": name} if name else {})})
    return {"yaml": f"/export/build.yaml?{query}", "pcpartpicker": f"/export/pcpartpicker.md?{query}",
            "report": f"/export/report.html?{query}"}


# -- checker -----------------------------------------------------------------------------------
def check_context(form: Form) -> dict[str, Any]:
    from dlrig.services.inputs import BUILD_FORMATS

    values = {"format": "auto", **form.values}
    return {"title": "Checker", "form": values, "formats": BUILD_FORMATS, **_choices()}


def check_result(catalog: Catalog, form: Form) -> dict[str, Any]:
    from dlrig.services.check import CheckRequest, check

    text, fmt = form.values.get("build", ""), form.text("format", "auto") or "auto"
    doc = plain(check(CheckRequest(export_build(catalog, form), form.text("region"))))
    return {"report": doc, "findings": by_severity(doc["findings"]),
            "exports": export_links(text, fmt, form.text("name"))}


# -- workload fit ------------------------------------------------------------------------------
def fit_context(form: Form) -> dict[str, Any]:
    from dlrig.workload.inference import SPLITS
    from dlrig.workload.quant import KV_FORMATS, WEIGHT_FORMATS

    return {"title": "Workload fit", "form": {**FIT_DEFAULTS, **form.values}, **_choices(),
            "modes": FIT_MODES, "splits": SPLITS, "kv_formats": [f.key for f in KV_FORMATS],
            "weight_formats": [(f.key, f"{f.key} ({f.bits:.2f} bits)") for f in WEIGHT_FORMATS]}


def fit_workload(form: Form) -> tuple[str, Any]:
    """The fit form's mode and workload. Inference reads its own fields (weights, context, KV
    cache, split, concurrent sequences), training the recipe's; a field of the other mode is
    ignored, so a page without JavaScript (both sets shown) still asks one clear question."""
    from dlrig.workload_request import WorkloadRequest

    mode = form.text("mode", "train")
    if mode not in FIT_MODES:
        raise BadInput(f"unknown question {mode!r}; one of: {', '.join(FIT_MODES)}", field="mode")
    if mode == "train":
        return mode, WorkloadRequest(**{**_workload(form), "sharding": form.text("sharding", "fsdp")})
    fields: dict[str, Any] = {"model": form.text("model"), "infer": True, "seq": form.integer("context", "context"),
                              "batch": form.integer("sequences", "concurrent sequences"),
                              **{k: form.text(k) for k in ("weights", "kv_cache", "split")}}
    return mode, WorkloadRequest(**no_files({k: v for k, v in fields.items() if v is not None}))


def fit_result(catalog: Catalog, form: Form) -> dict[str, Any]:
    from dlrig.services.fit import FitRequest, fit

    mode, workload = fit_workload(form)
    result = fit(FitRequest(workload, mode, _book(catalog, form)), catalog)  # type: ignore[arg-type]
    doc = plain(result)
    fitting = [r for r in doc["gpus"] if r["gpus"] is not None]
    shown, links = first_rows(form, fitting, FIT_ROWS_SHOWN)
    out = {"fit": doc, "fitting": shown, "fitting_count": len(fitting), "unfit_count": len(doc["gpus"]) - len(fitting),
           **links}
    if form.text("gpu"):
        out["setup"] = setup_estimate(catalog, form.text("gpu") or "", workload)
    return out


def setup_estimate(catalog: Catalog, text: str, workload: Any) -> dict[str, Any]:
    """The estimate of the workload on the GPUs the user named ('2 x RTX 3090'; for inference also
    a mix, 'RTX 4090, 2x RTX 3090'): the direct answer to "will it run on these?"."""
    from dlrig.services.estimate import EstimateRequest, estimate
    from dlrig.workload.infer_run import parse_gpu_text

    fields = workload.model_dump(exclude_defaults=True)
    if workload.infer:
        return plain(estimate(EstimateRequest(gpu=text, workload=fields), catalog))
    items = parse_gpu_text(text)
    if len(items) > 1:
        raise BadInput("training is estimated on one kind of GPU: give one name with its count, e.g. "
                       "'2 x RTX 3090' (a mix of GPUs is modelled for inference)", field="gpu")
    (count, name), = items
    return plain(estimate(EstimateRequest(gpu=name, gpus=count, workload=fields), catalog))


# -- API reference -----------------------------------------------------------------------------
def api_context(openapi: dict[str, Any]) -> dict[str, Any]:
    from dlrig.web.apidoc import reference

    return {"title": "JSON API", "openapi_version": openapi.get("openapi", ""), **reference(openapi)}


# -- exports -----------------------------------------------------------------------------------
def export_build(catalog: Catalog, form: Form) -> Build:
    from dlrig.services.inputs import BuildSource, load_build

    source = BuildSource.from_text(form.values.get("build", ""), form.text("format", "auto") or "auto",
                                   form.text("name"))
    return load_build(source, catalog)


def export_text(catalog: Catalog, form: Form, fmt: str) -> tuple[str, str]:
    """(text, file name) of a pasted build in an export format; the same text ``dlrig export`` writes."""
    from dlrig.report.export import SUFFIX
    from dlrig.services.export import ExportRequest, export
    from dlrig.services.inputs import price_book

    build = export_build(catalog, form)
    text = export(ExportRequest(build, price_book(catalog, None, build, files=False), fmt), catalog)
    return text, build.name + SUFFIX[fmt]
