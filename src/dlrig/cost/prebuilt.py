"""Prebuilt deep-learning machines from a dated, sourced table (``data/prebuilt.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from dlrig.catalog.names import key as name_key
from dlrig.errors import BadInput

PREBUILT_FILE = Path(__file__).parent / "data" / "prebuilt.yaml"


@dataclass(frozen=True)
class Prebuilt:
    key: str
    name: str
    vendor: str
    price_usd: float
    price_date: str
    price_source: str
    aliases: tuple[str, ...] = ()
    lead_time: str | None = None
    lead_time_source: str | None = None
    gpu_chip: str | None = None
    gpu_count: int | None = None
    motherboard: str | None = None
    cpu: str | None = None
    memory_gb: float | None = None
    spec_sources: dict[str, str] = field(default_factory=dict)
    unconfirmed: tuple[str, ...] = ()
    note: str = ""

    @property
    def gpus(self) -> str | None:
        if self.gpu_chip is None:
            return None
        return f"{self.gpu_count or '?'} x {self.gpu_chip}"


@cache
def load_prebuilt(path: Path = PREBUILT_FILE) -> tuple[Prebuilt, ...]:
    import yaml

    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(Prebuilt(**{**row, "aliases": tuple(row.get("aliases", ())),
                             "unconfirmed": tuple(row.get("unconfirmed", ())),
                             "spec_sources": row.get("spec_sources") or {}})
                 for row in rows)


def find_prebuilt(name: str, boxes: tuple[Prebuilt, ...] | None = None) -> Prebuilt | None:
    """A box by key, name or alias (forgiving of case and punctuation); None if none matches."""
    wanted = name_key(name) or name.lower()
    for box in boxes if boxes is not None else load_prebuilt():
        spellings = (box.key, box.name, *box.aliases)
        if any(name_key(s) == wanted or s.lower() == name.lower() for s in spellings):
            return box
    return None


def prebuilt_names(boxes: tuple[Prebuilt, ...] | None = None) -> list[str]:
    return [b.key for b in (boxes if boxes is not None else load_prebuilt())]


def require_prebuilt(name: str) -> Prebuilt:
    box = find_prebuilt(name)
    if box is None:
        raise BadInput(f"unknown prebuilt box {name!r}; one of: {', '.join(prebuilt_names())}")
    return box
