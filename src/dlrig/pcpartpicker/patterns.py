"""The shapes of a PCPartPicker markdown list: row types, prices, links, spec words."""

from __future__ import annotations

import re

# PCPartPicker's row types, in the order its lists show them, and the catalog category of each.
TYPE_ORDER: tuple[str, ...] = ("CPU", "CPU Cooler", "Motherboard", "Memory", "Storage", "Video Card",
                               "Case", "Power Supply")
CATEGORY_OF_TYPE: dict[str, str] = {
    "cpu": "cpu", "cpu cooler": "cooler", "motherboard": "motherboard", "memory": "memory",
    "storage": "storage", "video card": "gpu", "case": "case", "power supply": "psu",
}
TYPE_OF_CATEGORY: dict[str, str] = {CATEGORY_OF_TYPE[t.lower()]: t for t in TYPE_ORDER}
NO_PRICE = "No Prices Available"
# Matched against a stripped line (``is_header``): literals between the blanks keep it linear in
# the line's length (the unstripped pattern backtracked quadratically on a line of spaces).
HEADER = re.compile(r"\|?\s*type\s*\|\s*item\s*\|\s*price\s*\|?", re.IGNORECASE)
HEADER_MAX_CHARS = 200  # a header line is about 20 characters


def is_header(line: str) -> bool:
    """Whether ``line`` is a list's ``Type|Item|Price`` header row."""
    return len(line) <= HEADER_MAX_CHARS and HEADER.fullmatch(line.strip()) is not None
LINK = re.compile(r"^\[(?P<text>.*)\]\((?P<url>[^)]*)\)$")
PRICE = re.compile(r"^(?:purchased for\s+)?(?P<usd>\$\s?[\d,]+(?:\.\d+)?)(?:\s*@\s*(?P<where>.+))?$",
                   re.IGNORECASE)
DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
WORD = re.compile(r"[a-z0-9.+]+")  # the word characters of dlrig.catalog.names.normalize
NUMBER = re.compile(r"\d+(?:\.\d+)?")
UNITS = frozenset({"gb", "tb", "mb", "w", "mm", "ghz", "mhz"})
MIN_PREFIX_WORDS = 2
# Words that start PCPartPicker's spec suffix ("... ATX LGA2011-3 Motherboard").
SPEC_WORDS = frozenset({
    "processor", "motherboard", "memory", "video", "card", "case", "power", "supply", "solid",
    "state", "drive", "internal", "hard", "atx", "e-atx", "eatx", "micro", "mini-itx", "full",
    "mid", "tower", "80+", "certified", "fully", "semi-modular", "cpu", "cooler", "fan", "liquid",
    "desktop",
})
SPEC_UNITS = frozenset({"ghz", "mhz", "w", "mm", "cfm", "rpm"})
