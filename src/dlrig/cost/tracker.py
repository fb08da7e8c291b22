"""Dated cloud GPU prices from the GPU price tracker (``data/gpu_price_tracker.csv``).

The table is written by ``scripts/import_gpu_price_tracker.py`` from tugot17/gpu-price-tracker
(MIT): daily, 2025-10-19 to 2025-11-16, per GPU-hour in USD, for A100 80 GB (PCIe, SXM4), H100
80 GB (PCIe, SXM5), H200, GH200 and B200. Three kinds of row (``kind``):

- ``config``: the cheapest offer of the day for an instance of ``gpu_count`` GPUs, with its
  provider and location, the average of such offers, and ``spot`` when that cheapest offer is
  interruptible (a spot price is not an on-demand price: callers must say which they use);
- ``provider``: one provider's offers that day (how many, cheapest, average);
- ``market``: the day's distribution over all offers (``statistic`` min, p10, median, p90, max).

``offers`` turns the newest day of each chip and instance size into cloud offers for
``dlrig cost`` (beside the Lambda list): the cheapest on-demand offer as one, the cheapest spot
offer as another, named and priced as spot, so a spot price is never taken for an on-demand one.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dlrig.errors import MalformedFile

if TYPE_CHECKING:
    from dlrig.cost.cloud import CloudOffer

PACKAGED = Path(__file__).parent / "data" / "gpu_price_tracker.csv"
SOURCE = "GPU price tracker (tugot17/gpu-price-tracker, MIT), Prime Intellect marketplace offers"
Kind = Literal["config", "provider", "market"]
KINDS: tuple[Kind, ...] = ("config", "provider", "market")


@dataclass(frozen=True)
class TrackedPrice:
    """One dated price of one GPU: per GPU-hour, USD."""

    date: dt.date
    gpu_chip: str  # the catalog's chip name ("H100 SXM5 80 GB")
    kind: Kind
    usd_per_gpu_hour: float
    gpu_count: int | None = None  # config rows
    provider: str = ""
    location: str = ""
    avg_usd_per_gpu_hour: float | None = None
    statistic: str = ""  # market rows: min, p10, median, p90, max
    offers: int | None = None
    spot: bool | None = None  # config rows: the cheapest offer is interruptible

    @property
    def source(self) -> str:
        return f"{SOURCE}, {self.date.isoformat()}"


def load(path: Path = PACKAGED) -> tuple[TrackedPrice, ...]:
    """Every row of a tracker table; a malformed row is an error naming the file and the line."""
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    out = []
    for n, row in enumerate(csv.DictReader(lines), start=2):
        try:
            out.append(_row(row))
        except (KeyError, ValueError) as exc:
            raise MalformedFile(str(path), f"data row {n - 1}: {exc}") from None
    return tuple(out)


def _row(row: dict[str, str]) -> TrackedPrice:
    kind = row["kind"]
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    usd = float(row["usd_per_gpu_hour"])
    if usd <= 0:
        raise ValueError(f"usd_per_gpu_hour {usd} is not positive")
    spot = row.get("spot") or ""
    return TrackedPrice(
        date=dt.date.fromisoformat(row["date"]), gpu_chip=row["gpu_chip"], kind=kind,
        usd_per_gpu_hour=usd, gpu_count=int(row["gpu_count"]) if row.get("gpu_count") else None,
        provider=row.get("provider") or "", location=row.get("location") or "",
        avg_usd_per_gpu_hour=float(row["avg_usd_per_gpu_hour"]) if row.get("avg_usd_per_gpu_hour") else None,
        statistic=row.get("statistic") or "", offers=int(row["offers"]) if row.get("offers") else None,
        spot={"true": True, "false": False}.get(spot))


def chips(rows: Iterable[TrackedPrice]) -> tuple[str, ...]:
    return tuple(sorted({r.gpu_chip for r in rows}))


def cheapest(rows: Iterable[TrackedPrice], gpu_chip: str, gpu_count: int = 1, *,
             spot: bool | None = False, on: dt.date | None = None) -> TrackedPrice | None:
    """The cheapest offer for ``gpu_count`` GPUs of a chip on a day (default: the newest day
    that has one). ``spot=False`` keeps on-demand offers only, ``True`` spot only, ``None``
    either. The tracker keeps only each day's cheapest offer per instance size, so an on-demand
    query skips the days whose cheapest offer was spot: the row's date says which day it is."""
    found = [r for r in rows if r.kind == "config" and r.gpu_chip == gpu_chip and r.gpu_count == gpu_count
             and (spot is None or r.spot is spot)]
    if on is not None:
        found = [r for r in found if r.date == on]
    elif found:
        newest = max(r.date for r in found)
        found = [r for r in found if r.date == newest]
    return min(found, key=lambda r: r.usd_per_gpu_hour, default=None)


def series(rows: Iterable[TrackedPrice], gpu_chip: str, statistic: str = "median") -> list[tuple[dt.date, float]]:
    """The day-by-day market ``statistic`` of a chip's offers, oldest first."""
    return sorted((r.date, r.usd_per_gpu_hour) for r in rows
                  if r.kind == "market" and r.gpu_chip == gpu_chip and r.statistic == statistic)


def offers(rows: Iterable[TrackedPrice]) -> tuple[CloudOffer, ...]:
    """For each chip and instance size (GPU count): the newest day's cheapest on-demand offer, and
    the newest day's cheapest spot offer, as ``dlrig cost`` offers named ``tracker-{n}x-{chip}``
    (``-spot`` for the spot one). Prices are per GPU-hour in the table, per instance here."""
    from dlrig.cost.cloud import CloudOffer

    rows = [r for r in rows if r.kind == "config" and r.gpu_count]
    out: list[CloudOffer] = []
    for chip, count in sorted({(r.gpu_chip, r.gpu_count) for r in rows}, key=lambda k: (k[0], k[1] or 0)):
        for spot in (False, True):
            best = cheapest(rows, chip, count or 1, spot=spot)
            if best is None:
                continue
            slug = re.sub(r"[^a-z0-9]+", "-", chip.lower()).strip("-")
            day, n = best.date.isoformat(), count or 1
            out.append(CloudOffer(
                provider=best.provider or "tracker", instance_type=f"tracker-{n}x-{slug}" + ("-spot" if spot else ""),
                gpu=chip, gpu_chip=chip, gpu_count=n, usd_per_hour=round(best.usd_per_gpu_hour * n, 4),
                date_text=day, earliest=best.date, latest=best.date, verified=True, source=best.source,
                pricing="spot" if spot else "on-demand",
                note=f"the cheapest {'spot (interruptible)' if spot else 'on-demand'} offer for {n} x {chip} on "
                     f"{day} ({best.provider or 'provider unknown'}, {best.location or 'location unknown'}); "
                     f"the average of such offers: ${(best.avg_usd_per_gpu_hour or best.usd_per_gpu_hour):.2f} "
                     "per GPU-hour"))
    return tuple(out)
