"""Registered (RDIMM) memory told by its name, where a data set's flag is missing or wrong.

BuildCores marks server modules named "... Registered ..." as "Non-ECC" and "Unbuffered"
(a data-set error), and PCPartPicker listings carry no such flag at all. A kit whose name or
part number says it is registered is marked registered, and ECC: registered DIMMs are x72
(ECC) modules. Where the data set said otherwise the name wins; each change is counted in
the import report and cited in ``field_src``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dlrig.catalog.models import MemoryKit, Part
from dlrig.sources.common import ImportReport

REPORT_KEY = "names:memory"

# "Non-Registered", "Unregistered": said to rule registered out, not in.
_NEGATED = re.compile(r"\b(?:non|un)[- ]?registered\b", re.I)
_WORDS = re.compile(r"\b(?:registered|l?rdimm|load[- ]reduced|ecc[- ]?reg|reg[- ]?ecc)\b", re.I)
# Samsung module part numbers: M, 3 (module), then the type code; "93" is a x72 Registered
# DIMM (Samsung module ordering information: "93: x72 240pin Registered DIMM"; the DDR4 parts
# M393A... are 288-pin RDIMMs). The letter after it is the DRAM generation (A DDR4, B DDR3).
_SAMSUNG_RDIMM = re.compile(r"\bM393[A-Z][0-9A-Z]{4,}(?:-[0-9A-Z]+)?", re.I)
SAMSUNG_SOURCE = "https://pdf.ic37.com/SAMSUNG/K9F4G08U0D-SIB0000_datasheet_13116686/K9F4G08U0D-SIB0000_13.html"


def registered_evidence(*spellings: str) -> str | None:
    """Why the first spelling that says so names a registered module, or None when none does.

    ``registered_evidence("Samsung M393A2G40EB1-CRC 16 GB")`` is a Samsung RDIMM part number;
    ``registered_evidence("Crucial 16GB DDR4 UDIMM")`` is None.
    """
    for text in spellings:
        clean = _NEGATED.sub(" ", text or "")
        word = _WORDS.search(clean)
        if word:
            return f'the name says "{word.group(0)}"'
        number = _SAMSUNG_RDIMM.search(clean)
        if number:
            return f"Samsung part number {number.group(0)}: M393 is a x72 registered DIMM ({SAMSUNG_SOURCE})"
    return None


def mark_registered(kits: Iterable[Part], report: ImportReport) -> list[Part]:
    """Kits whose name or an alias says registered become registered and ECC (counted, cited);
    then kits that carry the maker's part number of such a kit (a second listing of the same
    module, under a name without the word) become registered too."""
    marked = [_marked(k, report) if isinstance(k, MemoryKit) else k for k in kits]
    # a part number is an alias (the data set's part numbers) that the kit's own name also
    # carries: not any alias (BuildCores lists the unbuffered M378A2K43CB1-CTD among an M393
    # RDIMM's), and not any word of the name ("DDR5-5600" names a speed, not a module)
    numbers = {_part_number_key(a): k.name for k in marked if isinstance(k, MemoryKit) and k.registered
               for a in k.aliases if _PART_NUMBER.fullmatch(a) and _part_number_key(a) in _name_tokens(k.name)}
    return [_same_module(k, numbers, report) if isinstance(k, MemoryKit) and not k.registered else k
            for k in marked]


# A maker's module part number: letters and digits with a dash or two, at least 8 characters and
# both letters and digits (M386A4G40DM0-CPB, KSM32RD8/16HDR); not a plain word or a size.
_PART_NUMBER = re.compile(r"(?!(?:L?P?DDR\d[A-Z]?|PC\d[A-Z]?)-\d+$)(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9/-]{7,}",
                          re.I)  # not a speed: DDR5-5600, PC4-21300


def _part_number_key(text: str) -> str:
    return text.upper()


def _name_tokens(name: str) -> set[str]:
    return {_part_number_key(t) for t in name.split()}


def _same_module(kit: MemoryKit, numbers: dict[str, str], report: ImportReport) -> MemoryKit:
    for token in [*kit.name.split(), *kit.aliases]:
        other = numbers.get(_part_number_key(token))
        if other is not None:
            update = _update(kit, f"part number {token}: the same module as {other}", report)
            return kit.model_copy(update=update) if update else kit
    return kit


def _marked(kit: MemoryKit, report: ImportReport) -> MemoryKit:
    evidence = registered_evidence(kit.name, *kit.aliases)
    if evidence is None:
        return kit
    update = _update(kit, f"name: {evidence}", report)
    return kit.model_copy(update=update) if update else kit


def _update(kit: MemoryKit, src: str, report: ImportReport) -> dict[str, Any]:
    update: dict[str, Any] = {}
    for field, said in (("registered", "unbuffered"), ("ecc", "non-ECC")):
        old = getattr(kit, field)
        if old is True:
            continue
        update[field] = True
        what = "registered (RDIMM) by its name" if field == "registered" else "ECC, being registered"
        report.correct(REPORT_KEY, f"{what}: the data set said {said}" if old is False
                       else f"{what}: the data set did not say")
    if update:
        update["field_src"] = {**kit.field_src, **dict.fromkeys(update, src)}
    return update
