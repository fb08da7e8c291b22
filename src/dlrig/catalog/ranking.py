"""Rank GPU chips by FLOP/s per dollar, as the seed post ranks its five cards.

FLOP/s are dense, at the requested precision (tensor cores where the precision uses them).
A price book that quotes its own TFLOPS (the seed post) is ranked on the quoted figure, so
its table comes out as published; the catalog's figure is shown beside it when they differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from dlrig.catalog.models import PRECISIONS, Gpu, Precision, Price
from dlrig.catalog.prices import PriceBook, is_stale
from dlrig.errors import BadInput

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries

SortKey = Literal["perf-per-dollar", "tflops", "vram", "price", "perf-per-watt", "book"]
SORT_KEYS: tuple[str, ...] = ("perf-per-dollar", "tflops", "vram", "price", "perf-per-watt", "book")
KINDS = ("consumer", "workstation", "datacenter")
# A card whose FP64 rate is at least a third of FP32 is built for double precision (Tesla
# K40/K80, P100, V100...): deep learning does not use FP64, so its price buys nothing here.
DOUBLE_PRECISION_RATIO = 1 / 3
MARKUP_FACTOR = 3.0  # "markup": costs this many times more per FLOP/s than the best card


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

    def to_json(self) -> dict[str, object]:
        return self.as_json()

    def as_json(self) -> dict[str, object]:
        return {"prices": self.book, "precision": self.precision,
                "gpus": [r.as_json(self.precision) for r in self.rows], "unranked": self.unranked}


@dataclass(frozen=True)
class Filters:
    min_vram_gb: float | None = None
    max_price_usd: float | None = None
    kinds: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


def rank_gpus(catalog: CatalogQueries, book: PriceBook, precision: str = "fp32", sort: str | None = None,
              filters: Filters | None = None) -> Ranking:
    """Every priced chip with a figure at ``precision``, best first by ``sort``."""
    known = _check(precision, sort, filters)
    filters = filters or Filters()
    wanted_ids = {catalog.resolve(n, "gpu-chips").id for n in filters.names}
    unranked: dict[str, int] = {}
    rows: list[RankedGpu] = []
    for gpu in catalog.gpu_chips():
        price = book.price(gpu.id)
        if price is None or (wanted_ids and gpu.id not in wanted_ids) or not _passes(gpu, price, filters):
            continue
        quoted = book.quoted.get(gpu.id, {}).get(f"{precision}_tflops")
        tflops = quoted if quoted is not None else gpu.tflops(known)
        if tflops is None:
            why = f"no {precision} figure (no tensor cores for it, or unknown)"
            unranked[why] = unranked.get(why, 0) + 1
            continue
        source = f"{book.name} (as quoted)" if quoted is not None else gpu.source_of(f"{precision}_tflops")
        rows.append(RankedGpu(gpu=gpu, price=price, tflops=tflops, tflops_source=source,
                              label=price.label or gpu.name, notes=_notes(gpu, price, known, quoted)))
    rows = _flag_markups(rows)
    return Ranking(book=book.name, precision=precision, rows=tuple(_sorted(rows, sort, book)), unranked=unranked)


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
    if gpu.dual_gpu:
        notes.append(f"two GPUs on one board: each sees {gpu.vram_gb / 2:g} GB" if gpu.vram_gb else "two GPUs")
    if is_stale(price):
        notes.append(f"price from {price.date.isoformat()}: over a year old")
    return tuple(notes)


def _flag_markups(rows: list[RankedGpu]) -> list[RankedGpu]:
    """The seed post's lesson: double-precision cards cost far more per FLOP/s that DL uses."""
    if not rows:
        return rows
    best = max(r.gflops_per_usd for r in rows)
    out = []
    for r in rows:
        g = r.gpu
        fp64_heavy = bool(g.fp64_tflops and g.fp32_tflops and g.fp64_tflops / g.fp32_tflops >= DOUBLE_PRECISION_RATIO)
        if fp64_heavy and r.gflops_per_usd * MARKUP_FACTOR <= best:
            note = "poor buy for deep learning: a double-precision card at a markup (FP64 goes unused)"
            r = RankedGpu(r.gpu, r.price, r.tflops, r.tflops_source, r.label, (*r.notes, note))
        out.append(r)
    return out


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
