"""Cloud rental: dated per-GPU-hour prices, the nearest equivalent instance, and break-even.

Break-even hours = (purchase - resale) / (cloud rate - own power cost per hour), docs/domain.md 7.
Resale after a horizon of ``years`` is a declining balance on the parts total:
parts x (1 - depreciation)^years.

Cloud price files are CSV, one instance type per row, ``#`` lines are comments:

    instance_type    required  the provider's name ("gpu_1x_a10")
    gpu              required  the provider's accelerator name ("A10")
    gpu_count        required  a whole number >= 1
    usd_per_hour     required  the whole instance, USD per hour (> 0)
    date             required  YYYY-MM-DD, YYYY-MM, or ~YYYY for "about that year, unverified"
    gpu_chip         optional  the catalog's chip name ("NVIDIA A10"); default: gpu
    provider, pricing (on-demand | spot), vram_gb_per_gpu, vcpus, memory_gib, source, note
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dlrig.catalog.models import Gpu, Precision
from dlrig.catalog.prices import STALE_AFTER_DAYS
from dlrig.errors import BadInput, MalformedFile

PACKAGED = Path(__file__).parent / "data" / "cloud_prices.csv"
REQUIRED = ("instance_type", "gpu", "gpu_count", "usd_per_hour", "date")
OPTIONAL = ("gpu_chip", "provider", "pricing", "vram_gb_per_gpu", "vcpus", "memory_gib", "source", "note")
PRICINGS = ("on-demand", "spot")


@dataclass(frozen=True)
class CloudOffer:
    provider: str
    instance_type: str
    gpu: str
    gpu_chip: str
    gpu_count: int
    usd_per_hour: float
    date_text: str  # as written: "2025-07-01", "~2025"
    earliest: dt.date  # the first day the date can mean
    latest: dt.date  # the last day it can mean
    verified: bool  # False for "~YYYY": about that year, unverified
    source: str
    pricing: str = "on-demand"
    vram_gb_per_gpu: float | None = None
    vcpus: int | None = None
    memory_gib: float | None = None
    note: str = ""

    @property
    def usd_per_gpu_hour(self) -> float:
        return self.usd_per_hour / self.gpu_count

    @property
    def date_label(self) -> str:
        if not self.verified:
            return f"about {self.date_text.lstrip('~')}, unverified"
        return self.date_text

    def stale(self, today: dt.date) -> bool | None:
        """True if older than STALE_AFTER_DAYS, None when an approximate date cannot tell."""
        return stale_between(self.earliest, self.latest, today)


def stale_between(earliest: dt.date, latest: dt.date, today: dt.date) -> bool | None:
    """A figure dated somewhere in [earliest, latest]: True if older than STALE_AFTER_DAYS even at
    its latest, False if fresh even at its earliest, None when the approximate date cannot tell."""
    if (today - latest).days > STALE_AFTER_DAYS:
        return True
    if (today - earliest).days <= STALE_AFTER_DAYS:
        return False
    return None


def stale_date_text(text: str, today: dt.date) -> bool | None:
    """Staleness of a date written as '2015', '~2015', '2019-03' or '2020-05-14'; None if unreadable."""
    try:
        earliest, latest, _ = parse_date(text)
    except ValueError:
        return None
    return stale_between(earliest, latest, today)


# -- reading price files ---------------------------------------------------------------------
def parse_date(text: str) -> tuple[dt.date, dt.date, bool]:
    """'2025-07-01' / '2025-07' / '~2025' -> (earliest, latest, verified); ValueError otherwise."""
    text = text.strip()
    if m := re.fullmatch(r"~(\d{4})", text):
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31), False
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        first = dt.date(int(m.group(1)), int(m.group(2)), 1)
        nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1), True
    day = dt.date.fromisoformat(text)
    return day, day, True


Bad = Callable[[str, str], MalformedFile]


def _number(row: dict[str, str], col: str, bad: Bad) -> float:
    """A positive number ("$1,234.5" accepted)."""
    raw = row.get(col, "")
    try:
        value = float(raw.replace(",", "").lstrip("$"))
    except ValueError:
        raise bad(col, f"{raw!r} is not a number") from None
    if not value > 0 or math.isinf(value):
        raise bad(col, f"{raw!r} must be a positive number")
    return value


def _count(row: dict[str, str], col: str, bad: Bad) -> int:
    raw = row.get(col, "")
    if not raw.isdigit() or int(raw) < 1:
        raise bad(col, f"{raw!r} is not a whole number of 1 or more")
    return int(raw)


def _optional(row: dict[str, str], col: str, bad: Bad) -> float | None:
    return _number(row, col, bad) if row.get(col) else None


def _offer(row: dict[str, str], path: Path, lineno: int) -> CloudOffer:
    def bad(column: str, problem: str) -> MalformedFile:
        return MalformedFile(str(path), problem, line=lineno, column=column)

    for col in ("instance_type", "gpu"):
        if not row.get(col):
            raise bad(col, f"empty {col}")
    count = _count(row, "gpu_count", bad)
    usd = _number(row, "usd_per_hour", bad)
    try:
        earliest, latest, verified = parse_date(row.get("date", ""))
    except ValueError:
        raise bad("date", f"{row.get('date')!r} is not a date; use YYYY-MM-DD, YYYY-MM or ~YYYY") from None
    pricing = row.get("pricing") or "on-demand"
    if pricing not in PRICINGS:
        raise bad("pricing", f"{pricing!r} is not one of: {', '.join(PRICINGS)}")
    vcpus = _count(row, "vcpus", bad) if row.get("vcpus") else None
    return CloudOffer(
        provider=row.get("provider") or path.stem, instance_type=row["instance_type"], gpu=row["gpu"],
        gpu_chip=row.get("gpu_chip") or row["gpu"], gpu_count=count, usd_per_hour=usd,
        date_text=row["date"], earliest=earliest, latest=latest, verified=verified,
        source=row.get("source") or path.name, pricing=pricing,
        vram_gb_per_gpu=_optional(row, "vram_gb_per_gpu", bad), vcpus=vcpus,
        memory_gib=_optional(row, "memory_gib", bad), note=row.get("note", ""))


def load_cloud_prices(path: Path | str | None = None) -> tuple[CloudOffer, ...]:
    """The packaged prices, or a user's CSV; anything malformed names its line and column."""
    from dlrig.textfile import csv_rows, read_user_text

    path = Path(path) if path is not None else PACKAGED
    rows = csv_rows(read_user_text(path, "cloud price file"), str(path), comments=True)
    if not rows:
        raise MalformedFile(str(path), "no header row and no prices")
    header_line, header = rows[0]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise MalformedFile(str(path), f"missing column(s) {', '.join(missing)}; the header must have "
                            f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})", line=header_line)
    offers = []
    for lineno, cells in rows[1:]:
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        offers.append(_offer(row, path, lineno))
    if not offers:
        raise MalformedFile(str(path), "no prices in the file")
    return tuple(offers)


# -- matching an instance ----------------------------------------------------------------------
@dataclass(frozen=True)
class CloudMatch:
    offer: CloudOffer
    matched_by: str  # "named", "gpu model", "peak fp32 TFLOPS" ...
    note: str = ""


def chip_key(gpu: Gpu) -> str:
    return gpu.chip_id or gpu.id


def find_offer(name: str, offers: Sequence[CloudOffer]) -> CloudOffer:
    for offer in offers:
        if offer.instance_type.lower() == name.lower():
            return offer
    from rapidfuzz import process

    closest = [m for m, _s, _i in process.extract(name, [o.instance_type for o in offers], limit=5)]
    raise BadInput(f"unknown comparison {name!r}; a prebuilt box, 'cloud', or an instance type "
                   f"(closest: {', '.join(closest)})")


def _cheapest(candidates: list[CloudOffer]) -> CloudOffer | None:
    return min(candidates, key=lambda o: (o.usd_per_hour, o.instance_type)) if candidates else None


def match_by_model(gpus: Sequence[Gpu], offers: Sequence[CloudOffer],
                   chips: Mapping[str, Gpu | None]) -> CloudMatch | None:
    """The cheapest instance with at least as many GPUs of the build's model."""
    if not gpus or len({chip_key(g) for g in gpus}) != 1:
        return None
    want = chip_key(gpus[0])
    same = [o for o in offers if (chip := chips.get(o.gpu_chip)) is not None
            and chip_key(chip) == want and o.gpu_count >= len(gpus)]
    best = _cheapest(same)
    return CloudMatch(best, "gpu model") if best else None


def match_by_throughput(gpus: Sequence[Gpu], offers: Sequence[CloudOffer],
                        chips: Mapping[str, Gpu | None], precision: Precision = "fp32") -> CloudMatch | None:
    """The cheapest instance whose peak TFLOPS at ``precision`` and VRAM per GPU cover the build's.

    Peak TFLOPS is a coarse proxy: whole networks reach different fractions of it on different
    generations (docs/domain.md section 2); the output says so.
    """
    if not gpus:
        return None
    fallback = ""
    if any(g.tflops(precision) is None for g in gpus):  # compare like with like: both sides at FP32
        fallback = f" (the build's GPUs have no {precision} rate: compared at fp32)"
        precision = "fp32"
    own = [t for g in gpus if (t := g.tflops(precision)) is not None]
    if len(own) < len(gpus):  # a GPU without the rate
        return None
    need_tflops = sum(own)
    need_vram = max((g.vram_gb or 0.0) for g in gpus)
    fits = []
    for o in offers:
        chip = chips.get(o.gpu_chip)
        per_gpu = chip.tflops(precision) if chip else None  # an offer without the rate does not match
        vram = o.vram_gb_per_gpu or (chip.vram_gb if chip else None)
        if per_gpu and per_gpu * o.gpu_count >= need_tflops and (vram or 0) >= need_vram:
            fits.append(o)
    best = _cheapest(fits)
    if best is None:
        return None
    note = (f"needs {need_tflops:.1f} peak {precision} TFLOPS and {need_vram:g} GB per GPU{fallback}; peak "
            "TFLOPS is a coarse proxy for training speed across generations (docs/domain.md 2)")
    return CloudMatch(best, f"peak {precision} TFLOPS and VRAM", note)


def nearest_offer(gpus: Sequence[Gpu], offers: Sequence[CloudOffer], chips: Mapping[str, Gpu | None],
                  precision: Precision = "fp32") -> CloudMatch | None:
    on_demand = [o for o in offers if o.pricing == "on-demand"] or list(offers)
    return (match_by_model(gpus, on_demand, chips)
            or match_by_throughput(gpus, on_demand, chips, precision))


# -- arithmetic ----------------------------------------------------------------------------------
def resale_usd(parts_usd: float, depreciation_per_year: float, years: float) -> float:
    """Declining balance: what the parts fetch after ``years`` at ``depreciation_per_year``."""
    return parts_usd * (1.0 - depreciation_per_year) ** years


def break_even_hours(purchase_usd: float, resale: float, cloud_usd_per_hour: float,
                     own_usd_per_hour: float) -> float | None:
    """Hours of work at which owning costs what renting does; None if renting is never dearer."""
    saving = cloud_usd_per_hour - own_usd_per_hour
    if saving <= 0:
        return None
    return max(purchase_usd - resale, 0.0) / saving


def hours_to_months(hours: float, hours_per_day: float, days_per_month: float) -> float:
    return hours / (hours_per_day * days_per_month)
