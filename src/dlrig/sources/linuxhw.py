"""Slot tables of real boards from the Linux Hardware project's dmidecode dumps (CC BY 4.0).

``dmidecode`` prints each expansion slot the BIOS describes (SMBIOS type 9) as, for example,
``x4 PCI Express 4 x16``: the electrical width, the generation, the physical connector. The
data set keeps the most common table among each board's dumps. A table becomes a board's slot
map only when it can be trusted:

- it is not the BIOS vendor's template: designations such as ``J6B2``/``J10``/``J3600 Pcie x8
  slot`` are AMI's and AMD's reference-board defaults, found on unrelated boards, and a table
  found on three or more boards of different makers is one too;
- where a board has several dumps, at least two agree on the table;
- it agrees with BuildCores' count of the board's slots (no fewer PCIe slots, and as many x16
  connectors, or the same widths slot for slot: BuildCores counts by connector on some boards and
  by wiring on others): a second, independent source. A table one maker's sibling boards share, or one that
  leaves a connector size out, is kept only when BuildCores can check it; a connector the dump
  leaves out is deduced from that count where it is determined (see ``agree``).

Slot positions are derived only where they are determined: the board has as many slots as its
form factor has positions (7 on ATX) and the designations number them 1..N in one series.
Otherwise the slots keep their order with ``slot_positions_known`` False, and the placement
rules say the positions are unchecked. Whether a slot hangs off the CPU or the chipset is not
in the dumps, so ``via`` stays unknown. Each map cites the dump it came from.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from dlrig.catalog.models import Motherboard, Part, Slot
from dlrig.sources.common import ImportReport, product_key

SRC = "linuxhw"
LABEL = "linuxhw:motherboard"
VENDORS = {"asustek computer inc.": "asus", "asustek computer inc": "asus", "asus": "asus",
           "gigabyte technology co., ltd.": "gigabyte", "gigabyte": "gigabyte",
           "micro-star international co., ltd.": "msi", "micro-star international co., ltd": "msi",
           "micro-star international co.,ltd": "msi", "msi": "msi", "asrock": "asrock",
           "asrockrack": "asrock rack", "biostar group": "biostar", "supermicro": "supermicro",
           "evga": "evga", "nzxt": "nzxt"}
TEMPLATE_DESIGNATION = re.compile(r"^(J\d+\b|Default string|To Be Filled)", re.I)
SLOT_TYPE = re.compile(r"^(?:(?:x(\d+)|\d+-bit) )?(PCI Express|PCI-X|PCI|AGP|M\.2 Socket \S+)"
                       r"(?: (\d))?(?: x(\d+))?$")
BUS_WIDTH = re.compile(r"x(\d+)$")
DESIGNATION_SIZE = re.compile(r"(?:PCIE|PCI_E|PCIEX|SLOT)?[ _-]?X(\d+)|(\d+)X", re.I)
SERIES_NUMBER = re.compile(r"^(.*?)(\d+)$")
M2_DESIGNATION = re.compile(r"^M\.?2", re.I)  # ASRock lists M.2 sockets as "M2_1 x4 PCI Express"
# Expansion-slot positions per form factor (ATX 2.2: 7; microATX 1.2: 4; Mini-ITX: 1);
# E-ATX and SSI boards keep the ATX slot area.
POSITIONS = {"ATX": 7, "E-ATX": 7, "SSI EEB": 7, "SSI CEB": 7, "Micro ATX": 4, "Mini-ITX": 1}
SHARED_TABLE = 3  # a table on this many boards or more is a template unless they are siblings


@dataclass(frozen=True)
class SlotRow:
    designation: str
    kind: str  # "pcie", "pci", "m2", "other"
    lanes: int | None
    gen: float | None
    size: int | None
    long: bool | None = None  # SMBIOS slot length: a full-length ("Long") slot


@dataclass(frozen=True)
class BoardTable:
    vendor: str | None
    board: str
    dumps: int
    agreeing: int
    source: str
    rows: tuple[SlotRow, ...]

    @property
    def signature(self) -> tuple[tuple[str, str, int | None], ...]:
        return tuple((r.designation, r.kind, r.lanes) for r in self.rows)


def parse_slot(designation: str, dmi_type: str, bus_width: str, length: str = "") -> SlotRow:
    """One slot row: "x4 PCI Express 4 x16" is an x16 connector wired x4, PCIe 4.0."""
    m = SLOT_TYPE.match(dmi_type.strip())
    if not m:
        return SlotRow(designation, "other", None, None, None)
    width, kind_text, gen, physical = m.groups()
    kind = "m2" if kind_text.startswith("M.2") or M2_DESIGNATION.match(designation) else \
        "pcie" if kind_text == "PCI Express" else "pci"
    lanes = int(width) if width else None
    if lanes is None:
        bw = BUS_WIDTH.search(bus_width.strip())
        lanes = int(bw.group(1)) if bw else None
    return SlotRow(designation, kind, lanes, float(gen) if gen else None,
                   _size(designation, int(physical) if physical else None, lanes) if kind == "pcie" else None,
                   {"long": True, "short": False}.get(length.strip().lower()))


def _size(designation: str, physical: int | None, lanes: int | None) -> int | None:
    """The connector: the designation's ("PCIEX16_2" is an x16 slot), else the slot type's; an
    x16 width needs an x16 connector."""
    m = DESIGNATION_SIZE.search(designation.replace("(G5)", "").replace("(G4)", "").replace("(G3)", ""))
    named = int(m.group(1) or m.group(2)) if m else None
    if named in (1, 4, 8, 16):
        return named
    if physical:
        return physical
    return 16 if lanes == 16 else None


def read(path: Path) -> list[BoardTable]:
    rows_by_board: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows_by_board[(row["manufacturer"], row["board"])].append(row)
    out = []
    for (maker, board), rows in rows_by_board.items():
        first = rows[0]
        out.append(BoardTable(
            vendor=VENDORS.get(maker.strip().lower()), board=board.strip(),
            dumps=int(first["dumps"]), agreeing=int(first["agreeing_dumps"]), source=first["source"],
            rows=tuple(parse_slot(r["designation"], r["dmi_type"], r["data_bus_width"], r["length"])
                       for r in rows)))
    return out


def chipset_token(board: str) -> str | None:
    m = re.search(r"\b([a-z]{0,3}\d{2,4}[a-z]{0,2})\b", board.lower())
    return m.group(1) if m else None


def distrust(table: BoardTable, sharing: list[BoardTable]) -> str | None:
    """Why a table is not a trustworthy slot map of its board on its own, or None."""
    if any(TEMPLATE_DESIGNATION.match(r.designation) for r in table.rows):
        return "BIOS vendor's template table (AMI/AMD reference designations)"
    if len(sharing) >= SHARED_TABLE and len({t.vendor for t in sharing}) != 1:
        return "same table on three or more boards of different makers (a template)"
    if table.dumps >= 2 and table.agreeing < 2:
        return "the board's dumps disagree (no two with the same table)"
    pcie = [r for r in table.rows if r.kind == "pcie"]
    if not pcie:
        return "no PCIe slot"
    if any(r.lanes is None for r in pcie):
        return "a slot's width is not stated"
    return None


def agree(table: BoardTable, board: Motherboard, shared: bool) -> tuple[SlotRow, ...] | str:
    """The table's rows checked against BuildCores' slot count of the board, with connector sizes
    the dump left out deduced from that count; or why they cannot be.

    Where the dump does not name a slot's connector, the slot's SMBIOS length says it: a
    full-length ("Long") slot is taken as x16, a short one as its width; the count then has to
    agree with BuildCores'. A table shared with sibling boards must agree too.
    """
    pcie = [r for r in table.rows if r.kind == "pcie"]
    unknown = [r for r in pcie if r.size is None]
    if not board.slot_summary:
        if unknown or shared:
            return "no BuildCores slot count to check the table against"
        return table.rows
    if len(pcie) < sum(s.quantity for s in board.slot_summary):
        return "the table lists fewer PCIe slots than BuildCores counts (a partial table)"
    if any(r.long is None for r in unknown):
        return "a slot's connector size is not stated"
    long_bc = sum(s.quantity for s in board.slot_summary if s.lanes == 16)
    long_dmi = sum(1 for r in pcie if r.size == 16) + sum(1 for r in unknown if r.long)
    wired = Counter(r.lanes for r in pcie)
    counted = Counter({lanes: 0 for lanes in wired})
    for s in board.slot_summary:
        counted[s.lanes] += s.quantity
    # BuildCores counts slots by connector on some boards and by wiring on others: either agrees
    if long_dmi != long_bc and wired != counted:
        return "the table's slots differ from BuildCores' count (by connector and by wiring)"
    return tuple(r if r.size is not None or r.kind != "pcie" else
                 SlotRow(r.designation, r.kind, r.lanes, r.gen, 16 if r.long else r.lanes, r.long)
                 for r in table.rows)


def slots_of(rows: tuple[SlotRow, ...], form_factor: str | None) -> tuple[tuple[Slot, ...], bool]:
    """The slot map (PCIe slots, in the table's order or by position) and whether positions are known."""
    expansion = [r for r in rows if r.kind in ("pcie", "pci")]
    order = _positions(expansion, POSITIONS.get(form_factor or ""))
    known = order is not None
    slots = []
    for i, r in enumerate(expansion):
        if r.kind != "pcie":
            continue
        pos = order[i] if order is not None else i + 1
        slots.append(Slot(position=pos, size=r.size or 16, lanes=r.lanes or 1, gen=r.gen))
    return tuple(sorted(slots, key=lambda s: s.position)), known


def _positions(rows: list[SlotRow], positions: int | None) -> list[int] | None:
    """Positions where they are determined: one slot per position, numbered 1..N in one series."""
    if positions is None or len(rows) != positions:
        return None
    parsed = [SERIES_NUMBER.match(r.designation.strip()) for r in rows]
    if not all(parsed):
        return None
    prefixes = {re.sub(r"[^A-Z]", "", p.group(1).upper()) for p in parsed if p}
    numbers = [int(p.group(2)) for p in parsed if p]
    if len(prefixes) != 1 or sorted(numbers) != list(range(1, positions + 1)):
        return None
    return numbers


def board_key(text: str, vendor: str | None) -> str:
    """"MAG B650 TOMAHAWK WIFI (MS-7D75)" and "MSI MAG B650 TOMAHAWK WIFI AM5 DDR5 ATX" -> one key."""
    words = product_key(re.sub(r"\(ms-\w+\)", " ", text.lower()), "motherboard").split()
    drop = set((vendor or "").split()) | {"asustek", "motherboard"}
    return " ".join(w for w in words if w not in drop)


def apply(parts: list[Part], tables: list[BoardTable], report: ImportReport) -> list[Part]:
    """Boards without a slot map get the trusted table of the board they are."""
    sharing: dict[tuple, list[BoardTable]] = defaultdict(list)
    for t in tables:
        sharing[t.signature].append(t)
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, p in enumerate(parts):
        vendor = (p.vendor or p.name.split()[0]).lower()
        for spelling in dict.fromkeys((p.name, *p.aliases)):
            index[(vendor, board_key(spelling, vendor))].append(i)
    out = list(parts)
    mapped = 0
    for t in tables:
        if t.vendor is None:
            continue
        hits = set(index.get((t.vendor, board_key(t.board, t.vendor)), ()))
        if len(hits) != 1:
            continue
        i = hits.pop()
        board = out[i]
        assert isinstance(board, Motherboard)
        if board.slots:
            continue  # a curated slot map (with its wiring) is kept
        why = distrust(t, sharing[t.signature])
        rows = agree(t, board, len(sharing[t.signature]) >= SHARED_TABLE) if why is None else why
        if isinstance(rows, str):
            report.drop(LABEL, rows)
            continue
        slots, known = slots_of(rows, board.form_factor)
        cite = f"{SRC}: {t.source}"
        out[i] = board.model_copy(update={
            "slots": slots, "slot_positions_known": known,
            "field_src": {**board.field_src, "slots": cite, "slot_positions_known": cite}})
        mapped += 1
        report.keep(LABEL)
    report.checks["linuxhw"] = {"boards_in_data_set": len(tables), "boards_mapped": mapped}
    return out
