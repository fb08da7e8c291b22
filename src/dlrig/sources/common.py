"""Shared helpers of the offline importers: ids, cleaning, and the import report.

Importers run at build time (``scripts/build_catalog.py``); the library never imports them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from dlrig.catalog.models import Gpu
from dlrig.catalog.names import VENDOR_WORDS, key, normalize


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:90] or "part"


class IdMaker:
    """Stable, unique ids: ``category/slug``, with ``-2``, ``-3`` on clashes."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, prefix: str, name: str) -> str:
        base = f"{prefix}/{slug(name)}"
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        return candidate


@dataclass
class ImportReport:
    """What each importer kept, corrected and dropped, and why: shown by ``catalog stats``."""

    kept: Counter = field(default_factory=Counter)
    dropped: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    corrected: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    checks: dict[str, Any] = field(default_factory=dict)

    def keep(self, source: str, n: int = 1) -> None:
        self.kept[source] += n

    def drop(self, source: str, why: str, n: int = 1) -> None:
        self.dropped[source][why] += n

    def correct(self, source: str, what: str, n: int = 1) -> None:
        self.corrected[source][what] += n

    def as_dict(self) -> dict[str, Any]:
        return {
            "kept": dict(self.kept),
            "dropped": {s: dict(c) for s, c in self.dropped.items()},
            "corrected": {s: dict(c) for s, c in self.corrected.items()},
            "checks": self.checks,
        }


def num(value: Any) -> float | None:
    """A number from a CSV cell or JSON value; empty, NaN and junk become None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if value != value else float(value)
    text = str(value).strip().replace(",", "")
    if not text or text.lower() in {"nan", "none", "unk", "null", "inf"}:
        return None
    try:
        out = float(text)
    except ValueError:
        return None
    return None if out != out else out


def positive(value: Any) -> float | None:
    out = num(value)
    return out if out is not None and out > 0 else None


SOCKET_SPELLINGS = {"TR4": "sTR4", "STR4": "sTR4", "STRX4": "sTRX4", "STR5": "sTR5", "SWRX8": "sWRX8",
                    "LGA1151V2": "LGA1151", "LGA2011-3NARROW": "LGA2011-3", "LGA2011V3": "LGA2011-3"}


def clean_socket(raw: str | None) -> str | None:
    """One spelling per socket: BuildCores writes "LGA 1700", docyx "LGA1700"; TR4 is sTR4."""
    if not raw:
        return None
    text = raw.strip()
    if text.lower().startswith(("integrated", "2 x")):
        return text
    compact = text.replace(" ", "")
    return SOCKET_SPELLINGS.get(compact.upper(), compact)


NOT_THE_CHIP = re.compile(r"\b(lhr|g5|g6|g6x|oc)\b")


def chip_key(name: str, keep_memory: bool = False) -> str:
    """Key for joining a GPU chip name across data sets ("NVIDIA GeForce RTX 4090 24GB").

    LHR (lite hash rate) and GDDR variants are the same chip for deep learning.
    """
    text = normalize(name.replace("PCle", "PCIe"))
    text = NOT_THE_CHIP.sub(" ", text)
    if keep_memory:
        text = re.sub(r"\b(\d+)\s?gb\b", r"\1gb", text)
        return " ".join(w for w in text.split() if w not in VENDOR_WORDS)
    return key(text)


class ChipIndex:
    """GPU chips by name: the memory size counts where a name has one (RTX 3080 10 vs 12 GB)."""

    def __init__(self, chips: list[Gpu]) -> None:
        self.exact: dict[str, Gpu] = {}
        self.loose: dict[str, Gpu] = {}
        for c in chips:
            self.exact.setdefault(chip_key(c.name, keep_memory=True), c)
            loose = chip_key(c.name)
            has_memory = bool(re.search(r"\d+\s?GB", c.name))
            if loose not in self.loose or (not has_memory and re.search(r"\d+\s?GB", self.loose[loose].name)):
                self.loose[loose] = c

    def get(self, name: str) -> Gpu | None:
        if not name:
            return None
        return self.exact.get(chip_key(name, keep_memory=True)) or self.loose.get(chip_key(name))

    def __getitem__(self, name: str) -> Gpu:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found
