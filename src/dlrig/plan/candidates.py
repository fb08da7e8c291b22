"""The candidate table: every priced part the checker can judge, with what the solver needs.

A pure function of catalog x price book x request: it drops parts without a price, parts
lacking a fact a problem-tier rule needs (they could only be "unchecked"), and parts the buyer
excluded; then :mod:`dlrig.plan.prune` removes dominated ones. Each GPU becomes one *option*
per count, with its throughput (the estimate model's samples/s for a workload, else peak
FLOP/s at the precision) and whether the workload fits its memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from dlrig.catalog.models import Case, Cpu, Gpu, MemoryKit, Motherboard, Part, PriceBookInfo, Psu, Storage
from dlrig.catalog.priced import Priced
from dlrig.errors import BadInput, Infeasible
from dlrig.plan.request import DEFAULT_STORAGE_KIND, PlanRequest

if TYPE_CHECKING:
    from dlrig.catalog.store import Catalog

PLATFORM = ("cpu", "motherboard", "memory", "psu", "case", "storage")
# Facts each category must have for the problem-tier rules to judge it (SOCKET, MEMORY-TYPE,
# MEMORY-SLOTS, FORM-FACTOR, GPU-SLOTS, GPU-LENGTH, PSU-WATTS, PSU-CONNECTORS) and for the
# planner's own requirements (cores per GPU, case openings). PSU-LENGTH cannot be required: no
# case in the catalog gives its PSU clearance, so that rule stays a note on every plan.
REQUIRED: dict[str, tuple[str, ...]] = {
    "gpu": ("vram_gb", "board_power_w", "power_connectors", "length_mm", "slot_width"),
    "cpu": ("socket", "tdp_w", "cores", "pcie_lanes"),  # lanes: PCIE-LANES is avoided, not left unchecked
    "motherboard": ("socket", "form_factor", "memory_type", "memory_slots"),
    "memory": ("memory_type", "modules", "module_gb"),
    "psu": ("wattage_w", "connectors"),
    "case": ("board_form_factors", "expansion_slots", "max_gpu_length_mm"),
    "storage": ("capacity_gb", "kind"),
}


# Plans are desktop and workstation builds: registered modules (RDIMMs) need a board and CPU
# that support them, which the catalog cannot confirm (MEMORY-REGISTERED), so they come in only
# when the buyer names one.
REGISTERED_WHY = "registered (RDIMM): plans use unbuffered memory; --include a registered kit to use one"
NO_ECC_WHY = "no ECC support, so no registered memory (the --include'd kit is an RDIMM)"


@dataclass(frozen=True)
class GpuOption:
    """``count`` identical cards: their throughput together and what they ask of the platform."""

    card: Priced
    count: int  # cards (boards): a dual-GPU board counts once here and twice in ``gpus``
    throughput: float  # samples/s (workload) or TFLOPS (peak); see Candidates.throughput_unit
    throughput_range: tuple[float, float]
    fits: bool = True  # the workload fits the card's memory at this count

    @property
    def gpu(self) -> Gpu:
        return self.card.part  # type: ignore[return-value]

    @property
    def cents(self) -> int:
        return self.card.cents * self.count

    @property
    def gpus(self) -> int:
        return self.count * (2 if self.gpu.dual_gpu else 1)

    @property
    def vram_total_gb(self) -> float:
        return (self.gpu.vram_gb or 0.0) * self.count


@dataclass(frozen=True)
class Candidates:
    gpus: tuple[Priced, ...]
    options: tuple[GpuOption, ...]
    platform: dict[str, tuple[Priced, ...]]
    throughput_unit: str
    throughput_source: str
    precision: str
    dropped: dict[str, dict[str, int]] = field(default_factory=dict)  # category -> why -> count
    pruned: dict[str, int] = field(default_factory=dict)  # category -> dominated parts removed
    borrowed_prices: int = 0

    def of(self, category: str) -> tuple[Priced, ...]:
        return self.gpus if category == "gpu" else self.platform[category]


def _missing(part: Part, category: str) -> str | None:
    for name in REQUIRED[category]:
        if getattr(part, name, None) in (None, (), ""):
            return name
    return None


def _matches(part: Part, texts: Iterable[str]) -> bool:
    hay = f"{part.id} {part.name}".lower()
    return any(t.lower() in hay for t in texts)


@dataclass
class _Tally:
    dropped: dict[str, dict[str, int]] = field(default_factory=dict)

    def drop(self, category: str, why: str, n: int = 1) -> None:
        self.dropped.setdefault(category, {})
        self.dropped[category][why] = self.dropped[category].get(why, 0) + n


def gather(catalog: Catalog, req: PlanRequest, included: dict[str, Part]) -> Candidates:
    """The unpruned candidate table (see the module docstring); Infeasible if a category empties."""
    year = market_year(catalog, req.prices)
    tally = _Tally()
    platform: dict[str, tuple[Priced, ...]] = {}
    borrowed = 0
    for cat in ("gpu", *PLATFORM):
        rows = _gather_category(catalog, cat, req, included.get(cat), tally, year)
        borrowed += sum(1 for r in rows if r.price_note)
        platform[cat] = tuple(rows)
    gpus = platform.pop("gpu")
    platform["motherboard"] = _boards_for(included, platform["motherboard"], tally)
    options, unit, source, precision = gpu_options(gpus, req, tally, catalog.book_info(req.prices))
    _require_nonempty(platform, gpus, options, tally, req)
    return Candidates(gpus=gpus, options=options, platform=platform, throughput_unit=unit,
                      throughput_source=source, precision=precision, dropped=tally.dropped,
                      borrowed_prices=borrowed)


def _boards_for(included: dict[str, Part], boards: tuple[Priced, ...], tally: _Tally) -> tuple[Priced, ...]:
    """With an --include'd registered kit, boards without ECC support are left out (the checker
    would reject each one in turn); an --include'd board stays whatever it is."""
    kit = included.get("memory")
    if not (isinstance(kit, MemoryKit) and kit.registered) or "motherboard" in included:
        return boards
    kept = tuple(b for b in boards if board(b).ecc_support is not False)
    if len(kept) < len(boards):
        tally.drop("motherboard", NO_ECC_WHY, len(boards) - len(kept))
    return kept


def market_year(catalog: Catalog, book_name: str) -> int | None:
    """The year of a book whose prices share one date (seed-2015, street-2025-07): the market it
    stands for. None for books without one date (launch, a CSV of mixed dates)."""
    info = catalog.book_info(book_name)
    return info.date.year if info.date is not None else None


def _gather_category(catalog: Catalog, cat: str, req: PlanRequest, forced: Part | None, tally: _Tally,
                     year: int | None = None) -> list[Priced]:
    """The category's priced parts (``Catalog.priced``) that a plan may use, or the --include'd one."""
    priced, unpriced = catalog.priced(req.prices, cat)
    if forced is not None:
        found: list[tuple[Part, Priced | None]] = [(forced, next((r for r in priced if r.part.id == forced.id), None))]
    else:
        found = [(r.part, r) for r in priced]
        if unpriced:
            tally.drop(cat, f"no price in {req.prices}", unpriced)
    rows = []
    for part, row in found:
        if row is None or (row.price_note and not req.price_fallback):
            tally.drop(cat, f"no price in {req.prices}")
            continue
        released = part.release_year if row.price_note and "release_year" in type(part).model_fields else None  # type: ignore[attr-defined]
        if year and released and released > year and forced is None:
            # A borrowed (later) price must not bring a later part into an older market: the seed
            # market's plan would otherwise pair 2015 cards with a 2017 CPU.
            tally.drop(cat, f"released in {released}, after the {req.prices} market ({year})")
            continue
        why = _reject(part, cat, req, forced is not None)
        if why:
            tally.drop(cat, why)
            continue
        rows.append(row if part is row.part else replace(row, part=part))
    return rows


def _reject(part: Part, cat: str, req: PlanRequest, forced: bool) -> str | None:
    if not forced and req.exclude and _matches(part, req.exclude):
        return "excluded (--exclude)"
    missing = _missing(part, cat)
    if missing and not forced:
        return f"no {missing.replace('_', ' ')} in the catalog"
    return _category_reject(part, req, forced)


def _category_reject(part: Part, req: PlanRequest, forced: bool) -> str | None:
    if isinstance(part, Gpu) and part.form in ("sxm", "other"):
        return "a server module (SXM or OAM), not a PCIe card"
    if isinstance(part, Motherboard) and req.form_factor and not forced:
        from dlrig.rules.physical import _form

        if _form(part.form_factor) != _form(req.form_factor):
            return f"not {req.form_factor} (--form-factor)"
        return None
    if isinstance(part, Motherboard) and not (part.slots or part.slot_summary):
        return "no expansion slot data in the catalog"
    if isinstance(part, MemoryKit) and part.registered and not forced:
        return REGISTERED_WHY
    if isinstance(part, Storage) and not forced:
        if (part.capacity_gb or 0) < req.min_storage_gb:
            return f"smaller than {req.min_storage_gb:g} GB"
        if part.kind != DEFAULT_STORAGE_KIND:
            return f"not an {DEFAULT_STORAGE_KIND.upper()}"
    return None


def gpu_options(gpus: Iterable[Priced], req: PlanRequest, tally: _Tally, market: PriceBookInfo | None = None
                ) -> tuple[tuple[GpuOption, ...], str, str, str]:
    """One option per card and count, with throughput; options missing a target are dropped.
    ``market``: the price book's info, which sets the comparison precision without a workload."""
    rate = _rate_fn(req, market)
    options = []
    for card in gpus:
        per_board = 2 if card.part.dual_gpu else 1  # type: ignore[attr-defined]  # K80: two GPUs a board
        for gpus_n in req.counts():
            if gpus_n % per_board:
                continue
            n = gpus_n // per_board
            got = rate(card, n)
            if got is None:
                tally.drop("gpu", "no figure at the precision (or the model is unknown for it)")
                break
            tp, rng, fits, hours = got
            option = GpuOption(card=card, count=n, throughput=tp, throughput_range=rng, fits=fits)
            why = _misses_target(option, req, hours)
            if why:
                tally.drop("gpu options", why)
                continue
            options.append(option)
    unit, source, precision = _unit(req, market)
    return tuple(options), unit, source, precision


Rate = "tuple[float, tuple[float, float], bool, float | None] | None"
# Precisions a card must have in hardware for a plan to use it: bf16 (Ampere and newer) and fp8
# (Ada, Hopper and newer). fp16 and tf32 run on older cards too (at FP32-core speed), as the
# estimate models them.
NEEDS_HARDWARE = ("bf16", "fp8")


def _rate_fn(req: PlanRequest, market: PriceBookInfo | None) -> Callable[[Priced, int], Rate]:  # type: ignore[valid-type]
    cache: dict[tuple, Rate] = {}  # type: ignore[valid-type]
    if req.workload is None:
        precision = comparison_at(req, market)

        def peak(card: Priced, n: int) -> Rate:  # type: ignore[valid-type]
            g: Gpu = card.part  # type: ignore[assignment]
            tf = card.quoted.get(f"{precision}_tflops") or g.tflops(precision)  # type: ignore[arg-type]
            return None if tf is None else (tf * n, (tf * n, tf * n), True, None)

        return peak
    from dlrig.workload.estimate import Machine, estimate, validate_request
    from dlrig.workload.throughput import lambda_chip

    wreq = req.workload
    validate_request(wreq)  # the user's errors are raised here, once; below, a card that fails is dropped

    wanted = wreq.precision

    figures: dict[str, str] = {}  # card id -> its figures, the same at every count

    def modelled(card: Priced, n: int) -> Rate:  # type: ignore[valid-type]
        g: Gpu = card.part  # type: ignore[assignment]
        if wanted in NEEDS_HARDWARE and g.tflops(wanted) is None:
            return None  # a bf16 or fp8 plan needs cards that run it (the estimate alone would borrow fp16's rate)
        # same figures, same estimate; but Lambda's measurements are looked up by name, so the chip
        # a card is measured as is part of the key
        if g.id not in figures:
            figures[g.id] = g.model_dump_json(exclude={"id", "name", "vendor", "aliases", "src", "field_src",
                                                       "notes", "chip_id", "length_mm", "cooler", "slot_width"})
        key = (figures[g.id], n, lambda_chip(g))
        if key not in cache:
            try:
                e = estimate(wreq, Machine(gpu=g, gpus=n))
            except BadInput:  # this card cannot be estimated (no FLOP/s figure): not an option
                cache[key] = None
            else:
                tp = e.throughput
                cache[key] = (tp.samples_per_s, tp.range, e.memory.fits, e.time_to_train_h)
        return cache[key]

    return modelled


def _misses_target(o: GpuOption, req: PlanRequest, hours: float | None) -> str | None:
    if not o.fits:
        return "the workload does not fit the card's memory at this count"
    if req.vram_total_gb is not None and o.vram_total_gb < req.vram_total_gb:
        return f"less than {req.vram_total_gb:g} GB of GPU memory in all (the VRAM target)"
    if req.throughput is not None and o.throughput < req.throughput:
        return "below the throughput target"
    if req.time_to_train_h is not None:
        if hours is None:
            raise BadInput("a time-to-train target needs the amount of training: epochs with a dataset, or "
                           "samples", field="time_to_train_h")
        if hours > req.time_to_train_h:
            return "slower than the time-to-train target"
    return None


def comparison_at(req: PlanRequest, market: PriceBookInfo | None) -> str:
    """The precision GPUs are compared at without a workload: the one asked for, else the
    market's (``dlrig.defaults.comparison_precision``: FP32 before tensor cores, else bf16)."""
    from dlrig.defaults import comparison_precision

    return req.precision or comparison_precision(market)


def _unit(req: PlanRequest, market: PriceBookInfo | None) -> tuple[str, str, str]:
    w = req.workload
    if w is None:
        precision = comparison_at(req, market)
        return (f"peak {precision} TFLOPS", f"no model given: GPUs compared on dense peak {precision} "
                "FLOP/s (the price book's quoted figure where it quotes one), times the count, no scaling "
                "losses", precision)
    from dlrig.workload.estimate import default_precision
    from dlrig.workload.zoo import get_model

    precision = w.precision or default_precision(get_model(w.model))
    recipe = "".join(f", {t}" for t, on in (("QLoRA", w.qlora), ("LoRA", w.lora and not w.qlora),
                                             (f"sharding {w.sharding}", w.sharding != "none"),
                                             (f"{w.recompute} recomputation", w.recompute != "none"),
                                             (f"sequence {w.seq}", w.seq is not None)) if on)
    return ("samples/s", f"dlrig estimate's throughput for {w.model} at {precision}{recipe} (data-parallel "
            "scaling on each card's own PCIe link; the data pipeline is not part of the objective)", precision)


def _require_nonempty(platform: dict[str, tuple[Priced, ...]], gpus: tuple[Priced, ...],
                      options: tuple[GpuOption, ...], tally: _Tally, req: PlanRequest) -> None:
    causes = []
    for cat, rows in (("gpu", gpus), *platform.items()):
        if not rows:
            why = ", ".join(f"{why}: {n}" for why, n in sorted(tally.dropped.get(cat, {}).items()))
            causes.append(f"no {cat} is left ({why or 'none in the catalog'})")
    if gpus and not options:
        why = ", ".join(f"{w}: {n}" for w, n in sorted(tally.dropped.get("gpu options", {}).items()))
        causes.append(f"no GPU and count meets the request ({why or 'no counts'})")
    if causes:
        raise Infeasible("no build can meet the request: " + "; ".join(causes), causes)


def cpu(p: Priced) -> Cpu:
    return p.part  # type: ignore[return-value]


def board(p: Priced) -> Motherboard:
    return p.part  # type: ignore[return-value]


def kit(p: Priced) -> MemoryKit:
    return p.part  # type: ignore[return-value]


def psu(p: Priced) -> Psu:
    return p.part  # type: ignore[return-value]


def case(p: Priced) -> Case:
    return p.part  # type: ignore[return-value]
