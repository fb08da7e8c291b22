"""The JSON API under /api: one route per CLI command, each returning that command's ``--json``.

Request fields carry the CLI's option names (``--min-vram`` is ``min_vram``); the workload's
fields are ``WorkloadRequest``'s, with its documentation. Builds travel as text: a build file
(YAML or a JSON object), a PCPartPicker markdown list, or a ``dlrig probe --json`` document,
where the CLI takes a path. Every route calls one service (``dlrig.services``) and returns its
result's ``to_json()``.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, create_model

from dlrig.jsondoc import plain
from dlrig.web.app import get_catalog, json_bytes
from dlrig.workload_request import WorkloadRequest

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.store import Catalog

router = APIRouter(prefix="/api", tags=["api"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "bad input: `{\"error\", \"kind\", \"field\"}` naming the input (and the closest names)"},
    422: {"description": "a malformed request, or (plan) no feasible build: `{\"error\", \"kind\", \"field\", "
                         "\"causes\"}`"},
}
Format = Literal["auto", "yaml", "pcpartpicker", "probe"]
BUILD_HELP = "a build file (YAML), a PCPartPicker markdown part list, or a `dlrig probe --json` document"


class _In(BaseModel):
    # strict: a body is accepted only when it matches the OpenAPI schema (no false for a number,
    # no "4" for an integer), so what the document says is what the API does.
    model_config = ConfigDict(extra="forbid", strict=True)


def _json_type(annotation: Any) -> Any:
    """A WorkloadRequest field's type as JSON sends it: choices (Literal) travel as text and are
    checked by WorkloadRequest, which names them in its error."""
    args = [a for a in get_args(annotation) if a is not type(None)] if get_origin(annotation) in (
        Union, types.UnionType) else [annotation]
    base = args[0] if args else str
    if get_origin(base) is Literal:
        return str
    return base if base in (bool, int, float, str) else str


WORKLOAD_FIELDS: dict[str, Any] = {
    name: (_json_type(f.annotation) | None, Field(None, description=f.description))
    for name, f in WorkloadRequest.model_fields.items()
}


def workload_of(body: BaseModel, *drop: str) -> dict[str, Any]:
    """The body's workload fields that were given, as WorkloadRequest fields."""
    fields = {k: v for k, v in body.model_dump().items() if k in WORKLOAD_FIELDS and k not in drop and v is not None}
    return no_files(fields)


def no_files(fields: dict[str, Any]) -> dict[str, Any]:
    """A web client names zoo models only: ``config:PATH`` would make the server read its files."""
    from dlrig.errors import BadInput

    if str(fields.get("model") or "").strip().lower().startswith("config:"):
        raise BadInput("the web app reads no files: name a zoo model (dlrig models lists them)", field="model")
    return fields


class BuildIn(_In):
    build: str | dict[str, Any] = Field(..., description=BUILD_HELP + "; or the build file as a JSON object")
    format: Format = Field("auto", description="auto: a list when it has a 'Type|Item|Price' header, a probe "
                                               "document when it is JSON with 'machine'")
    name: str | None = Field(None, description="the build's name (a list's default: 'build')")

    def load(self, catalog: Catalog) -> Build:
        from dlrig.services.inputs import BuildSource, load_build

        return load_build(BuildSource.from_text(self.build, self.format, self.name), catalog)


class CheckIn(BuildIn):
    region: str | None = Field(None, description="wall circuit, e.g. us-120v, eu-230v (default: the build's)")


EstimateIn = create_model(
    "EstimateIn", __base__=_In,
    build=(str | dict[str, Any] | None, Field(None, description=BUILD_HELP + "; its workload is the default")),
    format=(Format, "auto"), name=(str | None, None),
    gpu=(str | None, Field(None, description="a GPU name, when no build is given")),
    gpus=(int | None, Field(None, description="GPU count (default: the build's, or 1)")),
    cpu_cores=(int | None, Field(None, description="CPU cores for the decode stage (dlrig estimate --cpu-cores)")),
    **WORKLOAD_FIELDS,
)
FitMode = Literal["train", "infer"]
FitIn = create_model(
    "FitIn", __base__=_In,
    mode=(FitMode, Field("train", description="training (dlrig fit --train) or inference (--infer)")),
    prices=(str, Field("latest", description="packaged price book for 'cheapest first'")),
    **{**WORKLOAD_FIELDS, "model": (str, Field(..., description=WorkloadRequest.help("model"))),
       "sharding": (str, Field("fsdp", description="how extra GPUs share the state (default fsdp)"))},
)


class PlanFields(_In):
    budget: float | None = Field(None, description="USD, after tax")
    gpus: str | int | None = Field(None, description="GPU count (4) or range ('2-4'); default 1-8")
    vram_total: float | None = None
    throughput: float | None = None
    time_to_train: float | None = None
    prices: str = "latest"
    price_fallback: bool = True
    objective: str = Field("max-throughput", description="max-throughput | perf-per-dollar | min-cost")
    region: str | None = None
    tax_rate: float = 0.0
    include: list[str] = []
    exclude: list[str] = []
    form_factor: str | None = None
    max_power_w: float | None = None
    storage_gb: float = 1000.0
    alternatives: int = Field(3, ge=0, le=10)
    frontier: bool = Field(False, description="return the cost/throughput frontier instead of one plan")
    boxes: int | None = Field(None, description="compare one box with 2..N smaller boxes")
    time_limit: float = Field(20.0, gt=0, le=60, description="solver time limit, s")
    minimal: bool = Field(False, description="the cheapest build that passes check, not the recommended one")


PlanIn = create_model("PlanIn", __base__=PlanFields, **WORKLOAD_FIELDS)


def plan_request(body: Any, catalog: Catalog) -> Any:
    """The PlanRequest of a plan body, named as ``dlrig plan`` maps its options."""
    from dlrig.plan.request import PlanRequest, parse_gpu_count
    from dlrig.services.inputs import price_book

    price_book(catalog, body.prices, files=False)  # a packaged book only: the server reads no files
    lo, hi = parse_gpu_count(str(body.gpus)) if body.gpus is not None else (None, None)
    fields = workload_of(body)
    workload = WorkloadRequest(**fields) if fields.get("model") else None
    return PlanRequest(objective=body.objective, budget_usd=body.budget, gpus_min=lo, gpus_max=hi,
                       vram_total_gb=body.vram_total, throughput=body.throughput, time_to_train_h=body.time_to_train,
                       workload=workload, precision=None if workload else fields.get("precision"),
                       prices=body.prices, price_fallback=body.price_fallback, region=body.region,
                       tax_rate=body.tax_rate, include=tuple(body.include), exclude=tuple(body.exclude),
                       form_factor=body.form_factor, max_power_w=body.max_power_w, min_storage_gb=body.storage_gb,
                       alternatives=body.alternatives, time_limit_s=body.time_limit, minimal=body.minimal)


class CostIn(BuildIn):
    prices: str | None = Field(None, description="price book (default: the build's, else latest)")
    tax_rate: float | None = Field(None, description="a fraction: 0.08 is 8%")
    shipping: float = 0.0
    kwh_price: float | None = None
    utilization: float = 1.0
    hours_per_day: float = 24.0
    depreciation: float | None = None
    years: float = 3.0
    vs: list[str] = Field(["cloud"], description="'cloud', a prebuilt box (devbox, ...), or an instance type")

    def options(self) -> Any:
        from dlrig.cost.ownership import CostOptions

        return CostOptions(tax_rate=self.tax_rate, shipping_usd=self.shipping, kwh_price_usd=self.kwh_price,
                           utilization=self.utilization, hours_per_day=self.hours_per_day,
                           depreciation_per_year=self.depreciation, years=self.years, vs=tuple(self.vs or ("cloud",)))


@router.get("/gpus", responses=ERRORS, summary="dlrig gpus --json")
@router.get("/ranking", responses=ERRORS, summary="dlrig gpus --json (the same as /api/gpus)")
def ranking(request: Request, catalog: Catalog = Depends(get_catalog), precision: str | None = None,
            prices: str = "latest", sort: str | None = None, min_vram: float | None = None,
            max_price: float | None = None, kind: list[str] = Query([]), names: list[str] = Query([]),
            limit: int = 0) -> Any:
    """GPUs ranked by FLOP/s per dollar, with VRAM, power and each price's date and source."""
    def compute() -> Any:
        from dlrig.catalog.ranking import Filters
        from dlrig.services.inputs import price_book
        from dlrig.services.ranking import RankingRequest, rank

        filters = Filters(min_vram_gb=min_vram, max_price_usd=max_price, kinds=tuple(kind), names=tuple(names))
        book = price_book(catalog, prices, files=False)
        return rank(RankingRequest(book, precision or None, sort or None, filters, limit), catalog)

    return answer(request, ("gpus", precision, prices, sort, min_vram, max_price, tuple(kind), tuple(names), limit),
                  compute)


def answer(request: Request, key: tuple[Any, ...], compute: Callable[[], Any]) -> Response:
    """The JSON answer for ``key``: from the app's cache of answers given, else ``compute()``'s,
    then kept (the catalog does not change while the app runs; errors are not kept)."""
    answers = request.app.state.answers
    found = answers.get(key)
    if found is None:
        found = answers.put(key, json_bytes(compute()))
    return Response(found, media_type="application/json")


def body_key(route: str, body: BaseModel) -> tuple[Any, ...]:
    """A request body as a cache key: its fields' JSON, hashed (a pasted build can be megabytes)."""
    import hashlib
    import json

    text = json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return route, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@router.post("/check", responses=ERRORS, summary="dlrig check --json")
def check(request: Request, body: CheckIn, catalog: Catalog = Depends(get_catalog)) -> Any:
    """A build against every rule: findings by tier, placement, facts, what is not checked.
    A build with a problem is a 200 with ``"ok": false`` (the CLI's exit code 1)."""
    from dlrig.services.check import CheckRequest
    from dlrig.services.check import check as run

    return answer(request, body_key("check", body), lambda: run(CheckRequest(body.load(catalog), body.region)))


@router.post("/estimate", responses=ERRORS, summary="dlrig estimate --json")
def estimate(body: EstimateIn, catalog: Catalog = Depends(get_catalog)) -> Any:  # type: ignore[valid-type]
    """Memory per GPU, FLOPs, throughput, time to train, the data pipeline and power."""
    from dlrig.services.estimate import EstimateRequest
    from dlrig.services.estimate import estimate as run
    from dlrig.services.inputs import BuildSource, load_build

    b: Any = body
    build = load_build(BuildSource.from_text(b.build, b.format, b.name), catalog) if b.build else None
    return plain(run(EstimateRequest(build=build, gpu=b.gpu, gpus=b.gpus, cpu_cores=b.cpu_cores,
                                     workload=workload_of(b)), catalog))


@router.post("/fit", responses=ERRORS, summary="dlrig fit --json")
def fit(request: Request, body: FitIn, catalog: Catalog = Depends(get_catalog)) -> Any:  # type: ignore[valid-type]
    """Which GPU chips hold the model (training or inference), the smallest count of each (1, 2, 4, 8),
    cheapest first by the price book."""
    from dlrig.services.fit import FitRequest
    from dlrig.services.fit import fit as run
    from dlrig.services.inputs import price_book

    b: Any = body

    def compute() -> Any:
        req = FitRequest(WorkloadRequest(**workload_of(b)), b.mode, price_book(catalog, b.prices, files=False))
        return run(req, catalog)

    return answer(request, body_key("fit", b), compute)


@router.post("/plan", responses={**ERRORS, 503: {"description": "the planner is not installed, or every planner "
                                                  "worker is busy (`Retry-After` says when to try again)"}},
             summary="dlrig plan --json")
def plan(request: Request, body: PlanIn, catalog: Catalog = Depends(get_catalog)) -> Any:  # type: ignore[valid-type]
    """The provably best build for the goal, why each part, the alternatives; or the frontier.
    Plans run in a bounded pool of worker processes (``dlrig serve --workers``)."""
    from dlrig.plan.request import validate
    from dlrig.web.pool import frontier_doc, plan_doc

    b: Any = body
    req = plan_request(b, catalog)
    validate(req)  # bad input is answered here, without taking a worker
    pool = request.app.state.pool
    if b.frontier:
        return pool.run(frontier_doc, req, catalog=catalog)
    return pool.run(plan_doc, req, b.boxes, catalog=catalog)


PlanInferIn = create_model(
    "PlanInferIn", __base__=PlanFields,
    tokens_per_s=(float, Field(..., description="generated tokens/s (all sequences together) the build must reach")),
    speed_basis=(str, Field("low", description="judge the target at the estimate's low end (low, the default) or "
                                               "its central value (central)")),
    **{**WORKLOAD_FIELDS, "model": (str, Field(..., description=WorkloadRequest.help("model")))},
)
TRAINING_ONLY = ("vram_total", "throughput", "time_to_train", "boxes")


@router.post("/plan/infer", responses={**ERRORS, 503: {"description": "the planner is not installed, or every "
                                                        "planner worker is busy (`Retry-After` says when to try "
                                                        "again)"}},
             summary="dlrig plan --infer --json")
def plan_infer(request: Request, body: PlanInferIn,  # type: ignore[valid-type]
               catalog: Catalog = Depends(get_catalog)) -> Any:
    """The cheapest build whose generated tokens/s at the context (``seq``) meets ``tokens_per_s``;
    422 with causes and advice when none does. Runs in the planners' pool, as ``/api/plan`` does."""
    from dataclasses import replace

    from dlrig.errors import BadInput
    from dlrig.services.plan_infer import InferPlanRequest
    from dlrig.web.pool import plan_infer_doc

    b: Any = body
    given = [k for k in TRAINING_ONLY if getattr(b, k) is not None] + (["frontier"] if b.frontier else [])
    if given:
        raise BadInput(f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} to training plans, not to "
                       "an inference plan", field=given[0])
    req = plan_request(b, catalog)
    workload = WorkloadRequest(**{**workload_of(b), "infer": True})
    req = replace(req, objective="min-cost", workload=workload, precision=None)
    infer = InferPlanRequest(req, b.tokens_per_s, b.speed_basis.strip().lower())
    return request.app.state.pool.run(plan_infer_doc, infer, catalog=catalog)


@router.post("/cost", responses=ERRORS, summary="dlrig cost --json")
def cost(body: CostIn, catalog: Catalog = Depends(get_catalog)) -> Any:
    """Purchase, tax, running cost, and break-even against prebuilt boxes and cloud rental."""
    from dlrig.services.cost import CostRequest
    from dlrig.services.cost import cost as run
    from dlrig.services.inputs import price_book, with_book_name

    build = body.load(catalog)
    book = price_book(catalog, body.prices, build, files=False)
    return plain(run(CostRequest(with_book_name(build, body.prices), book, body.options()), catalog))
