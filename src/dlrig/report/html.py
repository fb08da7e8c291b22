"""The HTML report: one self-contained file (inline CSS, inline SVG, nothing fetched).

``dlrig.services.export.collect_report`` gathers the sections through the services (check, cost
with its defaults, estimate where the build has a workload, the GPU ranking); ``render_html``
turns them into text with the Jinja2 template ``templates/report.html.j2`` and does no work of
its own. The page carries the services' JSON documents too (``<script id="dlrig-data">``), so a
report can be read by a program and is known to show what ``dlrig ... --json`` prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from dlrig.report import charts as ch
from dlrig.report.svg import render

if TYPE_CHECKING:
    from jinja2 import Environment

    from dlrig.build import Build
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.ranking import Ranking
    from dlrig.check import CheckReport
    from dlrig.cost.ownership import CostReport

TEMPLATE = "report.html.j2"


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report shows; each part is a core result object (or why it is missing)."""

    build: Build
    book: PriceBook
    check: CheckReport
    cost: CostReport
    ranking: Ranking | None
    estimate: Any = None  # dlrig.workload.estimate.Estimate, when the build has a workload
    estimate_error: str | None = None
    ranking_error: str | None = None
    today: dt.date | None = None


def chosen_chips(build: Build) -> list[str]:
    """The chip ids of the build's GPUs (a board-partner card is ranked as its chip)."""
    return list(dict.fromkeys(getattr(g, "chip_id", None) or g.id for g in build.gpus))


def charts_of(inputs: ReportInputs) -> dict[str, str]:
    """Each chart of the report as inline SVG text, by section name."""
    from dlrig import power as pw
    from dlrig.regions import get_region
    from dlrig.rules.power import budget_of

    build = inputs.build
    out = {"cost": render(ch.cost_chart(inputs.cost.purchase))}
    if build.gpus or build.cpu:
        budget = budget_of(build)
        out["power"] = render(ch.power_chart(budget, pw.wall_w(budget.dc_w, build.psu), build.psu,
                                             get_region(build.region)))
    if inputs.estimate is not None:
        e = inputs.estimate
        out["pipeline"] = render(ch.pipeline_chart(e.pipeline, getattr(e.model, "sample_unit", "sample")))
        out["memory"] = render(ch.memory_chart(e.memory))
    if inputs.ranking is not None and inputs.ranking.rows:
        out["gpus"] = render(ch.gpu_chart(inputs.ranking, chosen_chips(build), uid="gpus",
                                          title=f"Where this build's GPU sits: {inputs.ranking.precision} "
                                                f"TFLOPS against price (prices: {inputs.ranking.book})"))
    return out


def render_html(inputs: ReportInputs) -> str:
    """The report as one HTML document; every chart is inline SVG and every style inline CSS."""
    from markupsafe import Markup

    from dlrig.cost.report import report_json

    ranked = {r.gpu.id for r in inputs.ranking.rows} if inputs.ranking else set()
    missing = [g for g in chosen_chips(inputs.build) if g not in ranked]
    context = {
        "b": inputs.build, "book": inputs.book, "check": inputs.check, "cost": report_json(inputs.cost),
        "charts": {k: Markup(v) for k, v in charts_of(inputs).items()},  # our own SVG: labels escaped in svg.py
        "estimate": inputs.estimate, "estimate_error": inputs.estimate_error,
        "ranking": inputs.ranking, "ranking_error": inputs.ranking_error, "unranked_gpu": bool(missing),
        "today": (inputs.today or dt.date.today()).isoformat(),
        "lines": _lines(inputs),
        "data": Markup(embedded_json(inputs)),
    }
    return _env().get_template(TEMPLATE).render(**context)


def report_data(inputs: ReportInputs) -> dict[str, Any]:
    """The JSON documents the report shows: what ``dlrig check/cost/estimate --json`` print."""
    return {"check": inputs.check.to_json(), "cost": inputs.cost.to_json(),
            "estimate": inputs.estimate.to_json() if inputs.estimate is not None else None}


def embedded_json(inputs: ReportInputs) -> str:
    """``report_data`` as JSON safe inside a <script> element: every "<" escaped, so nothing closes it."""
    from dlrig.jsondoc import dumps

    return dumps(report_data(inputs), indent=None).replace("<", "\\u003c")


def _lines(inputs: ReportInputs) -> list[dict[str, Any]]:
    from dlrig.cost.report import price_json
    from dlrig.report.export import ordered_lines

    return [price_json(line) for line in ordered_lines(inputs.cost.purchase)]


@cache
def _env() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("dlrig.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["usd"] = lambda v: "unknown" if v is None else f"${v:,.2f}"
    env.filters["num"] = lambda v, d=0: "unknown" if v is None else f"{v:,.{d}f}"
    return env
