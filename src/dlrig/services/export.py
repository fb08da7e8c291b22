"""``export``: a build as text: PCPartPicker markdown, a markdown summary, YAML, JSON, CSV, or the
self-contained HTML report (``dlrig export``, the web's export links).

The report gathers its sections through the other services (check, cost with its defaults,
estimate where the build has a workload, the GPU ranking), so it shows what the commands show;
``dlrig.report.html`` only lays them out, and embeds the same JSON documents in the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dlrig.errors import DlrigError

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.catalog.ranking import Ranking
    from dlrig.report.html import ReportInputs


@dataclass(frozen=True)
class ExportRequest:
    build: Build
    book: PriceBook
    format: str = "pcpartpicker"
    today: dt.date | None = None


def export(req: ExportRequest, catalog: CatalogQueries) -> str:
    """The build in ``req.format`` (``dlrig.report.export.FORMATS``)."""
    from dlrig.report.export import check_format, render_text

    fmt = check_format(req.format)
    if fmt == "html":
        from dlrig.report.html import render_html

        return render_html(collect_report(req.build, req.book, catalog, req.today))
    return render_text(req.build, fmt, req.book, req.today)


def collect_report(build: Build, book: PriceBook, catalog: CatalogQueries,
                   today: dt.date | None = None) -> ReportInputs:
    """Every section of the report, each the result of the service a command calls."""
    from dlrig.cost.ownership import CostOptions
    from dlrig.report.html import ReportInputs
    from dlrig.services.check import CheckRequest, check
    from dlrig.services.cost import CostRequest, cost

    today = today or dt.date.today()
    estimate, estimate_error = _estimate(build, catalog)
    ranking, ranking_error = _ranking(build, book, catalog)
    return ReportInputs(build=build, book=book, check=check(CheckRequest(build)),
                        cost=cost(CostRequest(build, book, CostOptions(), today=today), catalog),
                        ranking=ranking, estimate=estimate, estimate_error=estimate_error,
                        ranking_error=ranking_error, today=today)


def _estimate(build: Build, catalog: CatalogQueries) -> tuple[Any, str | None]:
    if build.workload is None:
        return None, None
    from dlrig.services.estimate import EstimateRequest, estimate

    try:
        return estimate(EstimateRequest(build=build), catalog), None
    except DlrigError as exc:
        return None, exc.message


def _ranking(build: Build, book: PriceBook, catalog: CatalogQueries) -> tuple[Ranking | None, str | None]:
    from dlrig.cost.ownership import workload_precision
    from dlrig.services.ranking import RankingRequest, rank

    try:
        return rank(RankingRequest(book=book, precision=workload_precision(build)), catalog), None
    except DlrigError as exc:
        return None, exc.message
