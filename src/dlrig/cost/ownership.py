"""Cost of ownership: purchase + running cost, against prebuilt boxes and cloud rental.

``cost_report`` is the one core function ``dlrig cost`` calls. It takes the build, its price
book, the cloud offers, the prebuilt table and a map from GPU chip names (as the cloud and
prebuilt tables spell them) to catalog GPUs; it reads no files of its own and prints nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dlrig.build import Build
from dlrig.catalog.models import Gpu, Precision
from dlrig.catalog.prices import PriceBook
from dlrig.cost import cloud
from dlrig.cost.assumptions import (
    DAYS_PER_MONTH,
    DEFAULT_HOURS_PER_DAY,
    DEFAULT_UTILIZATION,
    DEFAULT_YEARS,
    DEPRECIATION_PER_YEAR,
    US_RESIDENTIAL_KWH,
    Figure,
)
from dlrig.cost.cloud import CloudMatch, CloudOffer
from dlrig.cost.prebuilt import Prebuilt, find_prebuilt, prebuilt_names
from dlrig.cost.purchase import Purchase, check_rate, purchase_cost
from dlrig.cost.quote import QuoteCheck, check_quote
from dlrig.cost.rent import BuyVsRent, Peak, Work, busy_hours, buy_vs_rent
from dlrig.cost.running import Running, running_cost
from dlrig.errors import BadInput
from dlrig.regions import Region

CLOUD = "cloud"


# Each option's range: (lowest, highest, the words the error uses).
OPTION_RANGES: dict[str, tuple[float, float, str]] = {
    "tax_rate": (0.0, 1.0, "between 0 and 1 (a fraction: 0.08 is 8%)"),
    "shipping_usd": (0.0, 1_000_000.0, "between 0 and 1,000,000 USD"),
    "kwh_price_usd": (0.0, 10.0, "between 0 and 10 USD per kWh"),
    "utilization": (0.0, 1.0, "between 0 and 1 (a fraction: 0.6 is 60%)"),
    "hours_per_day": (0.0, 24.0, "more than 0 and at most 24"),
    "depreciation_per_year": (0.0, 1.0, "between 0 and 1 per year (a fraction: 0.2 is 20%)"),
    "years": (0.0, 100.0, "between 0 and 100 years"),
}
FIELD_OF_OPTION = {"shipping_usd": "shipping", "kwh_price_usd": "kwh_price", "depreciation_per_year": "depreciation"}


@dataclass(frozen=True)
class CostOptions:
    """What the user may set; None means "the documented default" (assumptions.py, regions.py)."""

    tax_rate: float | None = None
    shipping_usd: float = 0.0
    kwh_price_usd: float | None = None
    utilization: float = DEFAULT_UTILIZATION
    hours_per_day: float = DEFAULT_HOURS_PER_DAY
    depreciation_per_year: float | None = None
    years: float = DEFAULT_YEARS
    vs: tuple[str, ...] = (CLOUD,)

    def __post_init__(self) -> None:
        """Every number finite and in its range, checked once where the options are made; the
        error names the field (``tax_rate``), which each surface spells its own way."""
        for name, (lo, hi, what) in OPTION_RANGES.items():
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or not lo <= value <= hi or (name == "hours_per_day" and value == 0):
                shown = f"{value:g}" if isinstance(value, float) else repr(value)
                raise BadInput(f"{name} must be {what}, got {shown}", field=FIELD_OF_OPTION.get(name, name))


@dataclass(frozen=True)
class PrebuiltComparison:
    box: Prebuilt
    difference_usd: float  # box price minus this build's total; positive: the build is cheaper
    peak_tflops_build: float | None
    peak_tflops_box: float | None
    precision: str
    throughput_note: str
    stale: bool | None = None  # the box's price older than a year (None: its date cannot tell)
    throughput: float | None = None  # samples/s of the build's workload on the box's GPUs, where estimated


@dataclass(frozen=True)
class CloudComparison:
    match: CloudMatch
    stale: bool | None
    resale_usd: float
    break_even_hours: float | None  # None: renting never costs more than owning's power
    break_even_months: float | None
    horizon_hours: float = 0.0  # hours of work the --years horizon holds at the utilization
    rent: BuyVsRent | None = None  # buy or rent over the horizon (dlrig.cost.rent)

    @property
    def within_horizon(self) -> bool | None:
        """Whether owning pays off inside the horizon the resale value assumes."""
        return None if self.break_even_hours is None else self.break_even_hours <= self.horizon_hours

    @property
    def offer(self) -> CloudOffer:
        return self.match.offer


@dataclass(frozen=True)
class CostReport:
    build: str
    purchase: Purchase
    running: Running
    depreciation: Figure
    years: float
    comparisons: tuple[PrebuiltComparison | CloudComparison, ...]
    notes: tuple[str, ...] = ()
    today: dt.date = field(default_factory=dt.date.today)
    quote: QuoteCheck | None = None  # the build file's quoted total, checked

    @property
    def buy_vs_rent(self) -> BuyVsRent | None:
        """The verdict against the first instance compared (the nearest one by default)."""
        return next((c.rent for c in self.comparisons if isinstance(c, CloudComparison) and c.rent), None)

    @property
    def busy_hours(self) -> float:
        return busy_hours(self.years, self.running.utilization, self.running.hours_per_day)

    def to_json(self) -> dict[str, Any]:
        """The ``dlrig cost --json`` document (``dlrig.cost.report``)."""
        from dlrig.cost.report import report_json

        return report_json(self)


# -- defaults with their sources -------------------------------------------------------------------
def resolve_tax(given: float | None, build: Build, region: Region) -> tuple[float, str]:
    """--tax-rate, else the build file's, else the region's default, else 0 (and say so)."""
    if given is not None:
        return check_rate("--tax-rate", given), "--tax-rate"
    if build.tax_rate is not None:
        return check_rate("tax_rate", build.tax_rate), f"build file {build.origin or build.name}"
    if region.tax_rate is not None:
        return region.tax_rate, f"region {region.key} default ({region.tax_note})"
    return 0.0, f"none given: {region.tax_note or 'pass --tax-rate'}"


def resolve_kwh(given: float | None, region: Region) -> Figure:
    if given is not None:
        if not math.isfinite(given) or given < 0:
            raise BadInput(f"the price of a kWh must be zero or more USD, got {given:g}", field="kwh_price")
        return Figure(value=given, source="given (kwh_price)", date_text="given")
    if region.kwh_price_usd is None:
        note = f"no sourced price for region {region.key}; the US average stands in: pass --kwh-price"
        return replace(US_RESIDENTIAL_KWH, note=note)
    if region.kwh_source == US_RESIDENTIAL_KWH.source:
        return US_RESIDENTIAL_KWH
    return Figure(value=region.kwh_price_usd, source=region.kwh_source, date_text=region.kwh_date)


def resolve_depreciation(given: float | None) -> Figure:
    if given is None:
        return DEPRECIATION_PER_YEAR
    check_rate("--depreciation", given)
    return Figure(value=given, source="--depreciation", date_text="given")


# -- comparisons ---------------------------------------------------------------------------------
def peak_tflops(gpus: Sequence[Gpu], precision: Precision) -> float | None:
    values = [t for g in gpus if (t := g.tflops(precision)) is not None]
    return float(sum(values)) if values and len(values) == len(gpus) else None


def compare_prebuilt(box: Prebuilt, build: Build, total_usd: float, chips: Mapping[str, Gpu | None],
                     precision: Precision, throughput_note: str, today: dt.date | None = None) -> PrebuiltComparison:
    chip = chips.get(box.gpu_chip) if box.gpu_chip else None
    box_tflops = chip.tflops(precision) if chip and box.gpu_count else None
    rates = workload_work(build, chip, box.gpu_count)
    if rates is not None and build.workload is not None:  # rates are estimated for the build's workload only
        throughput_note = (f"the build's workload ({build.workload.model}) by dlrig estimate, GPU compute only: "
                           f"build {rates.own_rate:,.0f}, box {rates.rent_rate:,.0f} {rates.unit}s/s")
    return PrebuiltComparison(
        box=box, difference_usd=box.price_usd - total_usd,
        peak_tflops_build=peak_tflops(build.gpus, precision),
        peak_tflops_box=box_tflops * box.gpu_count if box_tflops and box.gpu_count else None,
        precision=precision, throughput_note=throughput_note,
        stale=cloud.stale_date_text(box.price_date, today or dt.date.today()),
        throughput=rates.rent_rate if rates else None)


def workload_work(build: Build, chip: Gpu | None, count: int | None) -> Work | None:
    """The build's workload on the build and on ``count`` x ``chip`` (dlrig estimate, GPU compute
    only), with one job's samples where the workload sizes one; None where it cannot be estimated."""
    if build.workload is None or chip is None or not count:
        return None
    from dlrig.errors import DlrigError
    from dlrig.workload.estimate import Machine, estimate, machine_from_build, request_from_build

    try:
        req = request_from_build(build)
        own = estimate(req, machine_from_build(build))
        theirs = estimate(req, Machine(gpu=chip, gpus=count))
    except DlrigError:
        return None
    return Work(own.throughput.samples_per_s, theirs.throughput.samples_per_s, own.model.sample_unit,
                own.samples_total)


def compare_cloud(match: CloudMatch, purchase: Purchase, running: Running, depreciation: float,
                  years: float, today: dt.date, work: Work | None = None, peak: Peak | None = None) -> CloudComparison:
    """Break-even and buy-or-rent against one instance; ``work``: the build's workload on both
    (the instance's hours for the same work), else ``peak``: their peak TFLOPS, else the same hours."""
    resale = cloud.resale_usd(purchase.parts_usd, depreciation, years)
    rent = buy_vs_rent(purchase.total_usd, resale, running.usd_per_hour, match.offer.usd_per_hour, years,
                       running.utilization, running.hours_per_day, work, peak)
    hours = cloud.break_even_hours(purchase.total_usd, resale, match.offer.usd_per_hour * rent.work_ratio,
                                   running.usd_per_hour)
    busy_per_day = running.hours_per_day * running.utilization
    months = None if hours is None or busy_per_day <= 0 else cloud.hours_to_months(hours, busy_per_day,
                                                                                  DAYS_PER_MONTH)
    return CloudComparison(match=match, stale=match.offer.stale(today), resale_usd=resale,
                           break_even_hours=hours, break_even_months=months, horizon_hours=rent.busy_hours,
                           rent=rent)


def _cloud_match(name: str, build: Build, offers: Sequence[CloudOffer], chips: Mapping[str, Gpu | None],
                 precision: Precision) -> CloudMatch | None:
    if name.lower() == CLOUD:
        return cloud.nearest_offer(build.gpus, offers, chips, precision)
    return CloudMatch(cloud.find_offer(name, offers), "named")


def _comparison(name: str, ctx: _Context) -> PrebuiltComparison | CloudComparison | str:
    """One --vs: a prebuilt box, 'cloud' (nearest instance) or an instance type; str = a note."""
    box = find_prebuilt(name, ctx.boxes)
    if box is not None:
        return compare_prebuilt(box, ctx.build, ctx.purchase.total_usd, ctx.chips, ctx.precision,
                                ctx.throughput_note, ctx.today)
    if name.lower() != CLOUD and not any(o.instance_type.lower() == name.lower() for o in ctx.offers):
        raise BadInput(f"unknown comparison {name!r}; one of: {', '.join(prebuilt_names(ctx.boxes))}, "
                       f"'cloud' (the nearest instance), or an instance type such as "
                       f"{ctx.offers[0].instance_type if ctx.offers else 'gpu_1x_a10'}")
    match = _cloud_match(name, ctx.build, ctx.offers, ctx.chips, ctx.precision)
    if match is None:
        return ("no cloud instance matches this build's GPUs by model or by peak "
                f"{ctx.precision} TFLOPS and VRAM (GPU figures missing from the catalog?)")
    chip = ctx.chips.get(match.offer.gpu_chip)
    work = workload_work(ctx.build, chip, match.offer.gpu_count)
    own, theirs = peak_tflops(ctx.build.gpus, ctx.precision), chip.tflops(ctx.precision) if chip else None
    peak = Peak(own, theirs * match.offer.gpu_count, ctx.precision) if own and theirs else None
    return compare_cloud(match, ctx.purchase, ctx.running, ctx.depreciation.value, ctx.years, ctx.today, work, peak)


@dataclass(frozen=True)
class _Context:
    build: Build
    purchase: Purchase
    running: Running
    depreciation: Figure
    years: float
    offers: Sequence[CloudOffer]
    boxes: tuple[Prebuilt, ...]
    chips: Mapping[str, Gpu | None]
    precision: Precision
    throughput_note: str
    today: dt.date


def workload_precision(build: Build) -> Precision:
    """The workload's precision where it names one, else ``dlrig.defaults.hardware_precision``."""
    from dlrig.defaults import hardware_precision

    given = build.workload.precision if build.workload else None
    return given or hardware_precision(build.gpus)


def cost_report(build: Build, book: PriceBook, region: Region, options: CostOptions,
                offers: Sequence[CloudOffer], boxes: tuple[Prebuilt, ...],
                chips: Mapping[str, Gpu | None], catalog: object = None,
                throughput_note: str = "workload throughput unavailable",
                today: dt.date | None = None) -> CostReport:
    """Purchase, running cost and each comparison in ``options.vs``, every figure sourced."""
    today = today or dt.date.today()
    if not math.isfinite(options.years) or options.years < 0:
        raise BadInput(f"years must be zero or more, got {options.years:g}", field="years")
    tax_rate, tax_source = resolve_tax(options.tax_rate, build, region)
    purchase = purchase_cost(build, book, tax_rate, tax_source, options.shipping_usd, today)
    running = running_cost(build, resolve_kwh(options.kwh_price_usd, region), options.utilization,
                           options.hours_per_day)
    ctx = _Context(build, purchase, running, resolve_depreciation(options.depreciation_per_year),
                   options.years, offers, boxes, chips, workload_precision(build), throughput_note, today)
    unique: dict[str, str] = {}
    for name in options.vs:  # --vs cloud --vs CLOUD: one comparison, in the order first given
        unique.setdefault(name.lower(), name)
    results = [_comparison(name, ctx) for name in unique.values()]
    comparisons = tuple(r for r in results if not isinstance(r, str))
    notes = tuple(r for r in results if isinstance(r, str)) + purchase.notes
    if purchase.unpriced:
        notes += (f"{purchase.total_note} ({', '.join(purchase.unpriced)}): the total, the differences "
                  "and the break-even understate this build's cost",)
    if running.kwh.note:
        notes += (running.kwh.note,)
    if running.power.unknown:
        notes += (f"power unknown for {', '.join(running.power.unknown)} (counted as 0 W)",)
    return CostReport(build=build.name, purchase=purchase, running=running, depreciation=ctx.depreciation,
                      years=options.years, comparisons=comparisons, notes=notes, today=today,
                      quote=check_quote(build.quote, purchase) if build.quote else None)
