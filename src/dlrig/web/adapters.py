"""Glue between HTTP and the core: text in, core results out, with the CLI's defaults.

Every function here calls one core function (``rank_gpus``, ``check_build``, ``estimate``,
``fit_gpus``, ``plan``, ``frontier``, ``cost_report``) the way the matching CLI command does,
so the API returns the same JSON as ``--json``. Nothing here computes a figure of its own.
The core is imported inside each function, as the CLI does, to keep start-up fast.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from dlrig.errors import BadInput, DlrigError

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.ranking import Ranking
    from dlrig.catalog.store import Catalog
    from dlrig.check import CheckReport
    from dlrig.cost.ownership import CostOptions, CostReport
    from dlrig.workload.estimate import Estimate
    from dlrig.workload.fit import FitRow

PASTED_BUILD = "pasted build file"
PASTED_LIST = "pasted part list"
BUILD_FORMATS = ("auto", "yaml", "pcpartpicker")


class PlannerUnavailable(DlrigError):
    """``dlrig.plan`` could not be imported (OR-Tools missing or broken in this environment): HTTP 503."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"the planner is unavailable in this installation ({problem}); "
                         "the ranking, checker and workload pages still work")


# -- price books and builds from text ---------------------------------------------------------
def book_names(catalog: Catalog) -> list[str]:
    return ["latest", *catalog.book_infos]


def price_book(catalog: Catalog, name: str) -> PriceBook:
    """A packaged book by name. Unlike the CLI, never a file path: a web client must not make
    the server read its files."""
    if name not in book_names(catalog):
        raise BadInput(f"unknown price book {name!r}; one of: {', '.join(book_names(catalog))} "
                       "(the web app does not read CSV files)")
    return catalog.price_book(name)


def is_part_list(text: str) -> bool:
    from dlrig.pcpartpicker import HEADER

    return any(HEADER.match(line) for line in text.splitlines())


def build_from_text(text: str | dict[str, Any], catalog: Catalog, name: str | None = None,
                    fmt: str = "auto") -> Build:
    """A pasted build file (YAML, or the same as a JSON object) or a PCPartPicker markdown list."""
    if isinstance(text, dict):
        import yaml

        text = yaml.safe_dump(text, sort_keys=False)
    if fmt not in BUILD_FORMATS:
        raise BadInput(f"unknown build format {fmt!r}; one of: {', '.join(BUILD_FORMATS)}")
    if not text.strip():
        raise BadInput("the build is empty: paste a build file (YAML) or a PCPartPicker part list")
    if fmt == "pcpartpicker" or (fmt == "auto" and is_part_list(text)):
        return _from_list(text, catalog, name)
    return _from_yaml(text, catalog, name)


def _from_yaml(text: str, catalog: Catalog, name: str | None) -> Build:
    from dlrig.build import parse_build_text, resolve_build

    spec = parse_build_text(text, PASTED_BUILD,
                            not_a_mapping=" (or paste a PCPartPicker list with its 'Type|Item|Price' header)")
    if name:
        spec = spec.model_copy(update={"name": name})
    return resolve_build(spec, catalog, origin=PASTED_BUILD)


def _from_list(text: str, catalog: Catalog, name: str | None) -> Build:
    from dlrig.pcpartpicker import build_from_text

    return build_from_text(text, catalog, PASTED_LIST, name=name or "build")[0]


# -- one core call each -----------------------------------------------------------------------
def ranking(catalog: Catalog, precision: str = "fp32", prices: str = "latest", sort: str | None = None,
            min_vram: float | None = None, max_price: float | None = None, kinds: tuple[str, ...] = (),
            names: tuple[str, ...] = (), limit: int = 0) -> Ranking:
    """As ``dlrig gpus``."""
    from dlrig.catalog.ranking import Filters, rank_gpus

    if limit < 0:
        raise BadInput(f"limit must be 0 (all) or more, not {limit}")
    filters = Filters(min_vram_gb=min_vram, max_price_usd=max_price, kinds=kinds, names=names)
    result = rank_gpus(catalog, price_book(catalog, prices), precision, sort or None, filters)
    return dataclasses.replace(result, rows=result.rows[:limit]) if limit else result


def check(build: Build, region: str | None = None) -> CheckReport:
    """As ``dlrig check``."""
    from dlrig.check import check_build

    return check_build(build, region=region or None)


def estimate(catalog: Catalog, options: dict[str, Any], build: Build | None = None,
             gpu: str | None = None, gpus: int | None = None, cpu_cores: int | None = None) -> Estimate:
    """As ``dlrig estimate``: a build (its workload overridden by ``options``) or a bare GPU."""
    from dlrig.workload.estimate import estimate as run
    from dlrig.workload.estimate import machine_from_build, request_from_build, run_estimate, with_cpu_cores

    if build is None:
        return run_estimate(None, gpu, gpus, options, catalog, cpu_cores=cpu_cores)
    if gpu is not None:
        raise BadInput("give a build or a GPU, not both (edit the build to change its GPU)")
    if gpus is not None and gpus < 1:
        raise BadInput(f"gpus must be at least 1, not {gpus}")
    machine = machine_from_build(build, gpus)
    return run(request_from_build(build, **options), with_cpu_cores(machine, cpu_cores))


def fit(catalog: Catalog, options: dict[str, Any], mode: str = "train", prices: str = "latest") -> list[FitRow]:
    """As ``dlrig fit [--train|--infer] --prices BOOK``."""
    from dlrig.workload.estimate import WorkloadRequest
    from dlrig.workload.fit import fit_gpus

    return fit_gpus(WorkloadRequest(**options), catalog.gpu_chips(), mode=mode, book=price_book(catalog, prices))


def fit_json(model: str, sharding: str, rows: list[FitRow], mode: str = "train",
             prices: str = "latest") -> dict[str, Any]:
    """The ``dlrig fit --json`` document."""
    from dlrig.workload.fit import fit_document

    return fit_document(model, sharding, mode, prices, rows)


def cost(build: Build, catalog: Catalog, options: CostOptions, prices: str | None = None) -> CostReport:
    """As ``dlrig cost``: the build's book (or ``prices``), the packaged cloud and prebuilt tables."""
    from dlrig.cost.cloud import load_cloud_prices
    from dlrig.cost.lookup import chips_by_name, throughput_note
    from dlrig.cost.ownership import cost_report
    from dlrig.cost.prebuilt import load_prebuilt
    from dlrig.regions import get_region

    book = price_book(catalog, prices or build.prices or "latest")
    offers, boxes = load_cloud_prices(), load_prebuilt()
    names = {o.gpu_chip for o in offers} | {b.gpu_chip for b in boxes if b.gpu_chip}
    return cost_report(build, book, get_region(build.region), options, offers, boxes,
                       chips_by_name(catalog, names), catalog=catalog, throughput_note=throughput_note(build))


def cost_json(report: CostReport) -> dict[str, Any]:
    from dlrig.cost.report import report_json

    return report_json(report)


# -- the planner, through one adapter (its solver, OR-Tools, may fail to import) ----------------
def planner() -> SimpleNamespace:
    """``dlrig.plan``'s entry points, imported lazily; PlannerUnavailable when they are missing."""
    try:
        from dlrig.plan import frontier, plan, request
    except ImportError as exc:
        raise PlannerUnavailable(f"cannot import dlrig.plan: {exc}") from None
    return SimpleNamespace(plan=plan.plan, frontier=frontier.frontier, multibox=frontier.multibox,
                           request=request.PlanRequest, parse_gpu_count=request.parse_gpu_count)


def objectives() -> tuple[str, ...]:
    try:
        from dlrig.plan.request import OBJECTIVES
    except ImportError as exc:
        raise PlannerUnavailable(f"cannot import dlrig.plan: {exc}") from None
    return OBJECTIVES


def plan_request(catalog: Catalog, fields: dict[str, Any], gpus: str | None = None) -> Any:
    """A PlanRequest from its fields ("2-4" GPUs parsed here, at the edge, like the CLI); the
    price book must be a packaged one."""
    p = planner()
    price_book(catalog, fields.get("prices", "latest"))
    lo, hi = p.parse_gpu_count(gpus) if gpus else (None, None)
    return p.request(gpus_min=lo, gpus_max=hi, **fields)


def plan(req: Any, catalog: Catalog) -> Any:
    """As ``dlrig plan``."""
    return planner().plan(req, catalog)


def frontier(req: Any, catalog: Catalog) -> Any:
    """As ``dlrig plan --frontier``."""
    return planner().frontier(req, catalog)


def plan_json(result: Any, multi: Any = None) -> dict[str, Any]:
    """The ``dlrig plan --json`` document."""
    doc = result.to_json()
    if multi is not None:
        doc["boxes"] = [{"boxes": r.boxes, "gpus_per_box": r.selection.option.gpus,
                         "gpu": r.selection.option.gpu.name, "total_usd": round(r.total_usd, 2),
                         "throughput": r.throughput} for r in multi]
    return doc


def multibox(req: Any, result: Any, boxes: int, catalog: Catalog) -> Any:
    """As ``dlrig plan --boxes N``."""
    return planner().multibox(req, result.selection, boxes, catalog)


def frontier_json(f: Any) -> dict[str, Any]:
    """The ``dlrig plan --frontier --json`` document."""
    return {"unit": f.throughput_unit, "complete": f.complete, "solve_ms": round(f.solve_ms, 1),
            "points": [{"total_usd": round(p.total_usd, 2), "throughput": p.throughput, "optimal": p.optimal,
                        "gpus": p.selection.option.gpus, "gpu": p.selection.option.gpu.name}
                       for p in f.points]}


def plan_rows(result: Any) -> list[dict[str, Any]]:
    """The plan's parts with count, unit price, date and source, for the page's table."""
    doc = result.to_json()
    counts = [result.selection.option.count] + [1] * (len(doc["prices"]) - 1)
    return [{**row, "count": n} for row, n in zip(doc["prices"], counts, strict=True)]


# -- exports ----------------------------------------------------------------------------------
def build_yaml(build: Build) -> str:
    from dlrig.build import dump_build

    return dump_build(build)


def pcpartpicker_table(build: Build, catalog: Catalog) -> str:
    """As ``to_pcpartpicker_table``, priced from the list's own prices or the build's book."""
    from dlrig.pcpartpicker import to_pcpartpicker_table

    book = build.own_prices or price_book(catalog, build.prices or "latest")
    return to_pcpartpicker_table(build, book)
