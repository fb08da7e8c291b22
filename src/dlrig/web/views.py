"""What each page shows: the form's choices (``*_context``) and the result (``*_result``).

A result function reads its form into typed values, calls the core through
``dlrig.web.adapters`` and returns the JSON documents the API returns, plus the charts;
the templates only lay them out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from dlrig.errors import DlrigError
from dlrig.web import adapters, charts
from dlrig.web.forms import Form

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.store import Catalog

SEVERITIES = ("problem", "warning", "note")
SHARDINGS = ("none", "zero1", "zero2", "fsdp")
PLAN_DEFAULTS = {"budget": "5000", "objective": "max-throughput", "prices": "latest", "region": "us-120v",
                 "alternatives": "3", "tax_rate": "0", "frontier": "on"}
FIT_DEFAULTS = {"sharding": "fsdp"}
FIT_ROWS_SHOWN = 60


def _precisions() -> tuple[str, ...]:
    from dlrig.catalog.models import PRECISIONS

    return PRECISIONS


def _models() -> list[str]:
    from dlrig.workload.zoo import all_models

    return [m.key for m in all_models()]


def _regions() -> list[str]:
    from dlrig.regions import REGIONS

    return list(REGIONS)


# -- ranking -----------------------------------------------------------------------------------
def ranking_context(catalog: Catalog, form: Form) -> dict[str, Any]:
    from dlrig.catalog.ranking import KINDS, SORT_KEYS

    values = {"precision": "fp32", "prices": "latest", **{k: v for k, v in form.values.items() if v}}
    base = [(k, v) for k, v in form.pairs if k != "sort" and v]
    return {"title": "GPU ranking", "form": values, "kinds_chosen": form.all("kind"),
            "books": adapters.book_names(catalog), "precisions": _precisions(), "kinds": KINDS, "sorts": SORT_KEYS,
            "sort_urls": {key: "?" + urlencode([*base, ("sort", key)]) for key in SORT_KEYS}}


def ranking_result(catalog: Catalog, form: Form) -> dict[str, Any]:
    result = adapters.ranking(catalog, precision=form.text("precision", "fp32") or "fp32",
                              prices=form.text("prices", "latest") or "latest", sort=form.text("sort"),
                              min_vram=form.number("min_vram", "min VRAM"),
                              max_price=form.number("max_price", "max price"),
                              kinds=form.all("kind"))
    doc = result.as_json()
    return {"ranking": doc, "chart": charts.ranking_chart(doc)}


# -- planner -----------------------------------------------------------------------------------
def plan_context(catalog: Catalog, form: Form) -> dict[str, Any]:
    try:
        objectives, unavailable = adapters.objectives(), None
    except adapters.PlannerUnavailable as exc:
        objectives, unavailable = (), exc.message
    values = {**PLAN_DEFAULTS, **form.values} if form else dict(PLAN_DEFAULTS)
    if form and not form.flag("frontier"):
        values.pop("frontier", None)
    return {"title": "Planner", "form": values, "books": adapters.book_names(catalog), "objectives": objectives,
            "unavailable": unavailable,
            "regions": _regions(), "models": _models(), "precisions": _precisions(),
            "shardings": SHARDINGS}


def plan_result(catalog: Catalog, form: Form) -> dict[str, Any]:
    fields = {"objective": form.text("objective", "max-throughput"), "budget_usd": form.number("budget", "budget"),
              "model": form.text("model"), "precision": form.text("precision"),
              "batch": form.integer("batch", "batch"), "prices": form.text("prices", "latest"),
              "region": form.text("region"), "tax_rate": form.number("tax_rate", "sales tax", 0.0),
              "alternatives": form.integer("alternatives", "alternatives", 3),
              # the fine-tuning recipe, as `dlrig plan --seq --sharding --lora --qlora` take it
              "seq": form.integer("seq", "sequence length"), "sharding": form.text("sharding", "none") or "none",
              "lora": form.flag("lora"), "qlora": form.flag("qlora")}
    req = adapters.plan_request(catalog, fields, form.text("gpus"))
    result = adapters.plan(req, catalog)
    doc = adapters.plan_json(result)
    out: dict[str, Any] = {"plan": doc, "rows": adapters.plan_rows(result), "findings": _by_severity(doc["findings"])}
    out.update(_pipeline(catalog, result.build))
    out.update(_cost(catalog, result.build, req.tax_rate or None))
    if form.flag("frontier"):
        front = adapters.frontier_json(adapters.frontier(req, catalog))
        out.update(frontier=front, frontier_chart=charts.frontier_chart(front, doc["total_usd"]))
    out["exports"] = export_links(adapters.build_yaml(result.build), "yaml")
    return out


def _pipeline(catalog: Catalog, build: Build) -> dict[str, Any]:
    """The data pipeline of the plan's workload: the chart, or why there is none."""
    if build.workload is None:
        return {"pipeline_note": "Give a model (workload) to see the data-pipeline stages."}
    try:
        est = adapters.estimate(catalog, {}, build).to_dict()
    except DlrigError as exc:
        return {"pipeline_note": f"No pipeline estimate: {exc.message}"}
    return {"pipeline": est["pipeline"], "pipeline_chart": charts.pipeline_chart(est["pipeline"])}


def _cost(catalog: Catalog, build: Build, tax_rate: float | None) -> dict[str, Any]:
    from dlrig.cost.ownership import CostOptions

    try:
        report = adapters.cost(build, catalog, CostOptions(tax_rate=tax_rate))
    except DlrigError as exc:
        return {"cost_note": f"No cost comparison: {exc.message}"}
    return {"cost": adapters.cost_json(report)}


def _by_severity(findings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {s: [f for f in findings if f["severity"] == s] for s in SEVERITIES}


def export_links(text: str, fmt: str, name: str | None = None) -> dict[str, str]:
    query = urlencode({"build": text, "format": fmt, **({"name": name} if name else {})})
    return {"yaml": f"/export/build.yaml?{query}", "pcpartpicker": f"/export/pcpartpicker.md?{query}",
            "report": f"/export/report.html?{query}"}


# -- checker -----------------------------------------------------------------------------------
def check_context(form: Form) -> dict[str, Any]:
    values = {"format": "auto", **form.values}
    return {"title": "Checker", "form": values, "regions": _regions(), "formats": adapters.BUILD_FORMATS}


def check_result(catalog: Catalog, form: Form) -> dict[str, Any]:
    text, fmt = form.values.get("build", ""), form.text("format", "auto") or "auto"
    build = adapters.build_from_text(text, catalog, form.text("name"), fmt)
    doc = adapters.check(build, form.text("region")).to_json()
    return {"report": doc, "findings": _by_severity(doc["findings"]),
            "exports": export_links(text, fmt, form.text("name"))}


# -- workload fit ------------------------------------------------------------------------------
def fit_context(form: Form) -> dict[str, Any]:
    return {"title": "Workload fit", "form": {**FIT_DEFAULTS, **form.values}, "models": _models(),
            "precisions": _precisions(), "shardings": SHARDINGS}


def fit_result(catalog: Catalog, form: Form) -> dict[str, Any]:
    model, sharding = form.text("model") or "", form.text("sharding", "fsdp") or "fsdp"
    options = {"model": model, "precision": form.text("precision"), "batch": form.integer("batch", "batch"),
               "seq": form.integer("seq", "sequence length"), "sharding": sharding,
               "lora": form.flag("lora"), "qlora": form.flag("qlora")}
    rows = adapters.fit(catalog, {k: v for k, v in options.items() if v is not None and v is not False})
    doc = adapters.fit_json(model, sharding, rows)
    fitting = [r for r in doc["gpus"] if r["gpus"] is not None]
    return {"fit": doc, "fitting": fitting[:FIT_ROWS_SHOWN], "fitting_count": len(fitting),
            "unfit_count": len(doc["gpus"]) - len(fitting)}


# -- exports -----------------------------------------------------------------------------------
def export_build(catalog: Catalog, form: Form) -> Build:
    return adapters.build_from_text(form.values.get("build", ""), catalog, form.text("name"),
                                    form.text("format", "auto") or "auto")


def report_context(catalog: Catalog, form: Form) -> dict[str, Any]:
    """A standalone HTML report of a build: its parts, the checker's findings and the costs."""
    build = export_build(catalog, form)
    check = adapters.check(build).to_json()
    out = {"title": f"dlrig report: {build.name}", "build_name": build.name, "yaml": adapters.build_yaml(build),
           "report": check, "findings": _by_severity(check["findings"]),
           "css": (Path(__file__).parent / "static" / "style.css").read_text(encoding="utf-8")}
    out.update(_cost(catalog, build, None))
    if build.workload is not None and build.gpus:
        out.update(_pipeline(catalog, build))
    return out
