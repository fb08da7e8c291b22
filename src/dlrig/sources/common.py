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


# Words a listing appends to a board's or a case's model name: socket, memory type and form
# factor ("MSI X370 GAMING PRO CARBON AM4 DDR4 ATX", "ASRock B450 Pro4 ATX AM4 Motherboard"),
# or the case's size class ("... ATX Mid Tower Case"). Stripped from the end only. A memory type
# can be part of a model's name ("Z790 AORUS ELITE AX DDR4" is not the DDR5 board): callers
# that merge on this key check the parts' memory types agree.
_SOCKET_WORD = re.compile(r"^(?:lga\d{3,4}(?:v\d)?|am[2345]\+?|fm[12]\+?|s?trx?\d|s?wrx\d|str\d|sp\d|socket|ddr\d)$")
_FORM_WORDS = "atx eatx micro mini itx matx microatx"  # not "XL": the Meshify 2 XL is its own case
_TAIL_WORDS = {
    "motherboard": frozenset(f"{_FORM_WORDS} e xl ssi eeb ceb motherboard".split()),
    "case": frozenset(f"{_FORM_WORDS} mid full super tower computer pc case chassis black white gray grey silver "
                      "red blue pink green orange cyan chalk charcoal tempered glass tg dark light tint tinted clear "
                      "solid window side panel acrylic mesh rgb argb".split()),
}


def product_key(name: str, category: str) -> str:
    """A board's or case's model name without the listing's generic tail and revision:
    "MSI X370 GAMING PRO CARBON AM4 DDR4 ATX" and "MSI X370 GAMING PRO CARBON" are one board,
    "Fractal Design Meshify 2 ATX Mid Tower Case" and "Fractal Design Meshify 2" one case."""
    text = re.sub(r"\(\s*rev[^)]*\)", " ", name.lower()).replace("wi-fi", "wifi")
    if category == "case":  # "... Mid Tower White / Black with Tempered Glass Side Panel and USB ..."
        text = re.split(r" with | usb ", text)[0]
    text = re.sub(r"\b(lga\s?\d{3,4})-(\d)\b", r"\1v\2", text)  # "LGA2011-3" is one word
    words = normalize(text.replace("/", " ")).split()
    tail = _TAIL_WORDS.get(category)
    if tail is not None:
        words = _strip_tail(words, tail, category == "motherboard")
    if category == "motherboard":  # "ASRock AMD 760G 760GM-HDV": the chipset before the model
        words = [w for i, w in enumerate(words) if w not in ("amd", "intel") and w not in words[i + 1:] and not (
            i + 1 < len(words) and re.search(r"\d", w) and len(w) >= 3 and words[i + 1].startswith(w))]
        return " ".join(sorted(words))  # "ASUS WS X299 SAGE" is the "ASUS X299 WS SAGE"
    return " ".join(words)


def _strip_tail(words: list[str], tail: frozenset[str], sockets: bool) -> list[str]:
    end = len(words)
    while end > 1:
        w = words[end - 1]
        if w in tail:
            end -= 1
        elif sockets and re.fullmatch(r"\d{3,4}", w) and end > 1 and words[end - 2] == "lga":
            end -= 2  # "LGA 1151"
        elif sockets and _SOCKET_WORD.match(w):  # a socket or a memory type
            end -= 1
        else:
            break
    return words[:end]
