"""The JSON API under /api: one route per CLI command, each returning that command's ``--json``.

Request fields carry the CLI's option names (``--min-vram`` is ``min_vram``). Builds travel
as text: a build file (YAML) or a PCPartPicker markdown list, where the CLI takes a path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from dlrig.web import adapters
from dlrig.web.app import get_catalog

if TYPE_CHECKING:
    from dlrig.catalog.store import Catalog

router = APIRouter(prefix="/api", tags=["api"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "bad input: `{\"error\": message}` naming the input (and the closest names)"},
    422: {"description": "malformed request, or (plan) no feasible build: `{\"error\", \"causes\"}`"},
}
Format = Literal["auto", "yaml", "pcpartpicker"]
BUILD_HELP = "a build file (YAML, DESIGN.md section 3) or a PCPartPicker markdown part list"


class _In(BaseModel):
    # strict: a body is accepted only when it matches the OpenAPI schema (no false for a number,
    # no "4" for an integer), so what the document says is what the API does.
    model_config = ConfigDict(extra="forbid", strict=True)


class BuildIn(_In):
    build: str | dict[str, Any] = Field(..., description=BUILD_HELP + "; or the build file as a JSON object")
    format: Format = Field("auto", description="auto: a list when it has a 'Type|Item|Price' header")
    name: str | None = Field(None, description="the build's name (a list's default: 'build')")


class CheckIn(BuildIn):
    region: str | None = Field(None, description="wall circuit, e.g. us-120v, eu-230v (default: the build's)")


class WorkloadIn(_In):
    model: str | None = Field(None, description="zoo model (resnet50, llama-3-8b, ...)")
    precision: str | None = Field(None, description="fp32 | tf32 | fp16 | bf16 | fp8")
    batch: int | None = Field(None, description="micro-batch per GPU")
    seq: int | None = Field(None, description="sequence length (transformers)")
    optimizer: str | None = Field(None, description="adamw | sgd | adamw8bit")
    sharding: str | None = Field(None, description="none | zero1 | zero2 | fsdp")
    lora: bool = False
    qlora: bool = False
    recompute: str | None = Field(None, description="none | selective | full")

    def options(self, *drop: str) -> dict[str, Any]:
        """Set fields only, as the CLI passes them (False flags and None left out)."""
        skip = {"build", "format", "name", "gpu", "gpus", "cpu_cores", "mode", "prices", *drop}
        return {k: v for k, v in self.model_dump().items() if k not in skip and v is not None and v is not False}


class EstimateIn(WorkloadIn):
    build: str | None = Field(None, description=BUILD_HELP + "; its workload is the default")
    format: Format = "auto"
    name: str | None = None
    gpu: str | None = Field(None, description="a GPU name, when no build is given")
    gpus: int | None = Field(None, description="GPU count (default: the build's, or 1)")
    cpu_cores: int | None = Field(None, description="CPU cores for the decode stage (dlrig estimate --cpu-cores)")
    lora_rank: int | None = None
    attention: str | None = Field(None, description="flash | eager")
    epochs: float | None = None
    dataset: str | None = Field(None, description="imagenet | cifar10")
    samples: int | None = None
    tokens: float | None = None
    bytes_per_sample: float | None = None


class FitIn(WorkloadIn):
    model: str = Field(..., description="zoo model (resnet50, llama-3-8b, ...)")  # type: ignore[assignment]
    sharding: str = Field("fsdp", description="how extra GPUs share the state")  # type: ignore[assignment]
    mode: Literal["train", "infer"] = Field("train", description="training (dlrig fit --train) or inference (--infer)")
    prices: str = Field("latest", description="packaged price book for 'cheapest first'")


class PlanIn(_In):
    budget: float | None = Field(None, description="USD, after tax")
    gpus: str | int | None = Field(None, description="GPU count (4) or range ('2-4'); default 1-8")
    vram_total: float | None = None
    throughput: float | None = None
    time_to_train: float | None = None
    model: str | None = None
    precision: str | None = None
    batch: int | None = None
    epochs: float | None = None
    dataset: str | None = None
    samples: int | None = None
    seq: int | None = Field(None, ge=1, description="sequence length (transformers)")
    optimizer: str = Field("adamw", description="adamw | sgd | adamw8bit")
    sharding: str = Field("none", description="none | zero1 | zero2 | fsdp")
    lora: bool = False
    qlora: bool = False
    recompute: str = Field("none", description="none | selective | full")
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
    alternatives: int = 3
    frontier: bool = Field(False, description="return the cost/throughput frontier instead of one plan")
    boxes: int | None = Field(None, description="compare one box with 2..N smaller boxes")
    time_limit: float = Field(20.0, gt=0, le=60, description="solver time limit, s")

    def request_fields(self) -> dict[str, Any]:
        """The PlanRequest fields, named as ``dlrig plan`` maps its options."""
        return {"objective": self.objective, "budget_usd": self.budget, "vram_total_gb": self.vram_total,
                "throughput": self.throughput, "time_to_train_h": self.time_to_train, "model": self.model,
                "precision": self.precision, "batch": self.batch, "epochs": self.epochs, "dataset": self.dataset,
                "samples": self.samples, "seq": self.seq, "optimizer": self.optimizer, "sharding": self.sharding,
                "lora": self.lora, "qlora": self.qlora, "recompute": self.recompute,
                "prices": self.prices, "price_fallback": self.price_fallback,
                "region": self.region, "tax_rate": self.tax_rate, "include": tuple(self.include),
                "exclude": tuple(self.exclude), "form_factor": self.form_factor, "max_power_w": self.max_power_w,
                "min_storage_gb": self.storage_gb, "alternatives": self.alternatives,
                "time_limit_s": self.time_limit}


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
def ranking(catalog: Catalog = Depends(get_catalog), precision: str = "fp32", prices: str = "latest",
            sort: str | None = None, min_vram: float | None = None, max_price: float | None = None,
            kind: list[str] = Query([]), names: list[str] = Query([]), limit: int = 0) -> dict[str, Any]:
    """GPUs ranked by FLOP/s per dollar, with VRAM, power and each price's date and source."""
    return adapters.ranking(catalog, precision, prices, sort, min_vram, max_price, tuple(kind), tuple(names),
                            limit).as_json()


@router.post("/check", responses=ERRORS, summary="dlrig check --json")
def check(body: CheckIn, catalog: Catalog = Depends(get_catalog)) -> dict[str, Any]:
    """A build against every rule: findings by tier, placement, facts, what is not checked.
    A build with a problem is a 200 with ``"ok": false`` (the CLI's exit code 1)."""
    return adapters.check(adapters.build_from_text(body.build, catalog, body.name, body.format), body.region).to_json()


@router.post("/estimate", responses=ERRORS, summary="dlrig estimate --json")
def estimate(body: EstimateIn, catalog: Catalog = Depends(get_catalog)) -> dict[str, Any]:
    """Memory per GPU, FLOPs, throughput, time to train, the data pipeline and power."""
    build = adapters.build_from_text(body.build, catalog, body.name, body.format) if body.build else None
    return adapters.estimate(catalog, body.options(), build, body.gpu, body.gpus, body.cpu_cores).to_dict()


@router.post("/fit", responses=ERRORS, summary="dlrig fit --json")
def fit(body: FitIn, catalog: Catalog = Depends(get_catalog)) -> dict[str, Any]:
    """Which GPU chips hold the model (training or inference), the smallest count of each (1, 2, 4, 8),
    cheapest first by the price book."""
    rows = adapters.fit(catalog, body.options(), body.mode, body.prices)
    return adapters.fit_json(body.model, body.sharding, rows, body.mode, body.prices)


@router.post("/plan", responses={**ERRORS, 503: {"description": "the planner is not installed"}},
             summary="dlrig plan --json")
def plan(body: PlanIn, catalog: Catalog = Depends(get_catalog)) -> dict[str, Any]:
    """The provably best build for the goal, why each part, the alternatives; or the frontier."""
    gpus = None if body.gpus is None else str(body.gpus)
    req = adapters.plan_request(catalog, body.request_fields(), gpus)
    if body.frontier:
        return adapters.frontier_json(adapters.frontier(req, catalog))
    result = adapters.plan(req, catalog)
    multi = adapters.multibox(req, result, body.boxes, catalog) if body.boxes else None
    return adapters.plan_json(result, multi)


@router.post("/cost", responses=ERRORS, summary="dlrig cost --json")
def cost(body: CostIn, catalog: Catalog = Depends(get_catalog)) -> dict[str, Any]:
    """Purchase, tax, running cost, and break-even against prebuilt boxes and cloud rental."""
    build = adapters.build_from_text(body.build, catalog, body.name, body.format)
    return adapters.cost_json(adapters.cost(build, catalog, body.options(), body.prices))
