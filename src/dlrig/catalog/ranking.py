"""Rank GPU chips by FLOP/s per dollar, as the seed post ranks its five cards.

FLOP/s are dense, at the requested precision (tensor cores where the precision uses them).
A price book that quotes its own TFLOPS (the seed post) is ranked on the quoted figure, so
its table comes out as published; the catalog's figure is shown beside it when they differ.

Cards today's frameworks cannot run at the precision (dlrig.feasibility: the precision absent
or emulated in hardware, no current build, a part never sold alone) are left out of the ranking,
not sorted last: a ranking is read from the top as a shopping list, and a card that cannot run
the work has no FLOP/s per dollar for it. They are counted by code and listed (``excluded``).

A card is flagged as poor value by its price per throughput against the market: at least
MARKUP_FACTOR times the USD per TFLOPS of the best-value card with at least as much memory
per GPU (the market a buyer who needs that memory chooses from). At FP32 a card built for
double precision (FP64 at least a third of FP32) is named as the post named the 2015 Teslas:
"a double-precision card at a markup"; at a tensor precision the flag names the price per
throughput, whatever the vendor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from dlrig.catalog.models import PRECISIONS, Gpu, Precision, Price
from dlrig.catalog.prices import PriceBook, is_stale
from dlrig.errors import BadInput
from dlrig.feasibility import Exclusion, Need, check, form_factor, gpus_per_board, summary

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries

SortKey = Literal["perf-per-dollar", "tflops", "vram", "price", "perf-per-watt", "book"]
SORT_KEYS: tuple[str, ...] = ("perf-per-dollar", "tflops", "vram", "price", "perf-per-watt", "book")
KINDS = ("consumer", "workstation", "datacenter")
# A card whose FP64 rate is at least a third of FP32 is built for double precision (Tesla
# K40/K80, P100, V100...): deep learning does not use FP64, so its price buys nothing here.
DOUBLE_PRECISION_RATIO = 1 / 3
# Poor value: this many times the USD per TFLOPS of the best card with at least as much memory.
# The seed post's Teslas cost 4-5x the GTX TITAN X per FP32 FLOP/s; 3x is the least it called a markup.
MARKUP_FACTOR = 3.0


@dataclass(frozen=True)
class RankedGpu:
    gpu: Gpu
    price: Price
    tflops: float
    tflops_source: str
    label: str
    notes: tuple[str, ...] = ()

    @property
    def gflops_per_usd(self) -> float:
        return self.tflops * 1000 / self.price.usd

    @property
    def gflops_per_w(self) -> float | None:
        return self.tflops * 1000 / self.gpu.board_power_w if self.gpu.board_power_w else None

    def as_json(self, precision: str) -> dict[str, object]:
        return {"name": self.label, "id": self.gpu.id, "vram_gb": self.gpu.vram_gb,
                "tflops": round(self.tflops, 3), "tflops_source": self.tflops_source,
                "precision": precision, "price_usd": self.price.usd,
                "price_date": self.price.date.isoformat(), "price_source": self.price.source,
                "gflops_per_usd": round(self.gflops_per_usd, 3), "board_power_w": self.gpu.board_power_w,
                "gflops_per_w": None if self.gflops_per_w is None else round(self.gflops_per_w, 3),
                "kind": self.gpu.kind, "note": "; ".join(self.notes) or None}


@dataclass(frozen=True)
class Ranking:
    book: str
    precision: str
    rows: tuple[RankedGpu, ...]
    unranked: dict[str, int] = field(default_factory=dict)  # why -> how many priced chips left out
    excluded: tuple[Exclusion, ...] = ()  # priced chips the feasibility rule leaves out
    software: dict[str, object] | None = None  # the software rule applied (None: a market before it)

    def to_json(self) -> dict[str, object]:
        return self.as_json()

    def as_json(self) -> dict[str, object]:
        return {"prices": self.book, "precision": self.precision,
                "gpus": [r.as_json(self.precision) for r in self.rows], "unranked": self.unranked,
                "excluded": [e.to_json() for e in self.excluded], "excluded_by_code": summary(self.excluded),
                "software": self.software}


@dataclass(frozen=True)
class Filters:
    min_vram_gb: float | None = None
    max_price_usd: float | None = None
    kinds: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


def rank_gpus(catalog: CatalogQueries, book: PriceBook, precision: str = "fp32", sort: str | None = None,
              filters: Filters | None = None, need: Need | None = None) -> Ranking:
    """Every priced chip with a figure at ``precision`` that ``need`` allows (dlrig.feasibility;
    None: no rule), best first by ``sort``."""
    known = _check(precision, sort, filters)
    filters = filters or Filters()
    wanted_ids = {catalog.resolve(n, "gpu-chips").id for n in filters.names}
    unranked: dict[str, int] = {}
    excluded: list[Exclusion] = []
    rows: list[RankedGpu] = []
    for gpu in catalog.gpu_chips():
        price = book.price(gpu.id)
        if price is None or (wanted_ids and gpu.id not in wanted_ids) or not _passes(gpu, price, filters):
            continue
        hit = check(gpu, need) if need is not None else None
        if hit is not None:
            excluded.append(hit)
            continue
        quoted = book.quoted.get(gpu.id, {}).get(f"{precision}_tflops")
        tflops = quoted if quoted is not None else gpu.tflops(known)
        if tflops is None:
            why = f"no {precision} figure (the catalog has no rate for it)"
            unranked[why] = unranked.get(why, 0) + 1
            continue
        source = f"{book.name} (as quoted)" if quoted is not None else gpu.source_of(f"{precision}_tflops")
        rows.append(RankedGpu(gpu=gpu, price=price, tflops=tflops, tflops_source=source,
                              label=price.label or gpu.name, notes=_notes(gpu, price, known, quoted)))
    rows = _flag_poor_value(rows, known)
    software = need.software.to_json() if need is not None and need.software is not None else None
    return Ranking(book=book.name, precision=precision, rows=tuple(_sorted(rows, sort, book)), unranked=unranked,
                   excluded=tuple(excluded), software=software)


def _check(precision: str, sort: str | None, filters: Filters | None) -> Precision:
    """The request's precision, known to dlrig; BadInput for any value out of range."""
    if precision not in PRECISIONS:
        raise BadInput(f"unknown precision {precision!r}; one of: {', '.join(PRECISIONS)}", field="precision")
    if sort is not None and sort not in SORT_KEYS:
        raise BadInput(f"unknown sort {sort!r}; one of: {', '.join(SORT_KEYS)}", field="sort")
    vram = filters.min_vram_gb if filters else None
    if vram is not None and not (math.isfinite(vram) and vram >= 0):
        raise BadInput(f"the least VRAM must be 0 or more GB, not {vram:g}", field="min_vram")
    price = filters.max_price_usd if filters else None
    if price is not None and not (math.isfinite(price) and price > 0):
        raise BadInput(f"the highest price must be a positive number of USD, not {price:g}", field="max_price")
    for kind in (filters.kinds if filters else ()):
        if kind not in KINDS:
            raise BadInput(f"unknown kind {kind!r}; one of: {', '.join(KINDS)}", field="kind")
    return precision


def _passes(gpu: Gpu, price: Price, f: Filters) -> bool:
    if f.min_vram_gb is not None and (gpu.vram_gb or 0) < f.min_vram_gb:
        return False
    if f.max_price_usd is not None and price.usd > f.max_price_usd:
        return False
    return not f.kinds or gpu.kind in f.kinds


def _notes(gpu: Gpu, price: Price, precision: Precision, quoted: float | None) -> tuple[str, ...]:
    notes = []
    if quoted is not None:
        own = gpu.tflops(precision)
        if own is not None and abs(own - quoted) / quoted > 0.02:
            notes.append(f"catalog: {own:.2f} TFLOPS ({gpu.source_of(f'{precision}_tflops')})")
    per_board = gpus_per_board(gpu)
    if per_board > 1:
        notes.append(f"{per_board} GPUs on one board: each sees {gpu.vram_gb / per_board:g} GB" if gpu.vram_gb
                     else f"{per_board} GPUs on one board")
    form = form_factor(gpu)
    if form is not None:
        notes.append(f"a server part: {form[1]}")
    if is_stale(price):
        notes.append(f"price from {price.date.isoformat()}: over a year old")
    return tuple(notes)


def _flag_poor_value(rows: list[RankedGpu], precision: str) -> list[RankedGpu]:
    """Flag each card that costs at least MARKUP_FACTOR times the USD per TFLOPS of the best-value
    card with at least its memory per GPU (the seed post's lesson, one rule for every vendor)."""
    out = []
    for r in rows:
        memory = _memory_per_gpu(r.gpu)
        peers = [p for p in rows if _memory_per_gpu(p.gpu) >= memory]
        best = max(peers, key=lambda p: p.gflops_per_usd)
        ratio = best.gflops_per_usd / r.gflops_per_usd
        if ratio >= MARKUP_FACTOR:
            r = replace(r, notes=(*r.notes, _poor_value_note(r, best, ratio, precision, memory)))
        out.append(r)
    return out


def _memory_per_gpu(gpu: Gpu) -> float:
    return (gpu.vram_gb or 0.0) / gpus_per_board(gpu)


def _poor_value_note(r: RankedGpu, best: RankedGpu, ratio: float, precision: str, memory: float) -> str:
    g = r.gpu
    usd, best_usd = 1000 / r.gflops_per_usd, 1000 / best.gflops_per_usd  # USD per TFLOPS
    cost = f"${usd:,.0f} per {precision} TFLOPS, {ratio:.1f}x the ${best_usd:,.0f}"
    peers = f"of {best.label}, the best value with at least {memory:g} GB per GPU"
    fp64_heavy = bool(g.fp64_tflops and g.fp32_tflops and g.fp64_tflops / g.fp32_tflops >= DOUBLE_PRECISION_RATIO)
    if precision == "fp32" and fp64_heavy:
        return f"poor buy for deep learning: a double-precision card at a markup (FP64 goes unused): {cost} {peers}"
    return f"poor value at {precision}: {cost} {peers}"


def _sorted(rows: list[RankedGpu], sort: str | None, book: PriceBook) -> list[RankedGpu]:
    if sort is None:
        sort = "book" if book.info.ordered else "perf-per-dollar"
    if sort == "book":
        order = {pid: i for i, pid in enumerate(book.order)}
        return sorted(rows, key=lambda r: order.get(r.gpu.id, len(order)))
    keys = {
        "perf-per-dollar": lambda r: -r.gflops_per_usd,
        "tflops": lambda r: -r.tflops,
        "vram": lambda r: -(r.gpu.vram_gb or 0),
        "price": lambda r: r.price.usd,
        "perf-per-watt": lambda r: -(r.gflops_per_w or 0),
    }
    return sorted(rows, key=keys[sort])
