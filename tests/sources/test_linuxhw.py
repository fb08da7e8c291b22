"""Slot tables from dmidecode dumps (sources/linuxhw.py): parsing, trust, positions, joining."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Motherboard, SlotSummary
from dlrig.sources import linuxhw
from dlrig.sources.common import ImportReport
from dlrig.sources.linuxhw import BoardTable, SlotRow


@pytest.mark.parametrize(("designation", "dmi_type", "width", "expected"), [
    ("PCIEX16(G4)_2", "x4 PCI Express 4 x16", "", ("pcie", 4, 4.0, 16)),  # an x16 connector wired x4
    ("PCIEX16_2", "x8 PCI Express", "", ("pcie", 8, None, 16)),  # the designation names the connector
    ("PCIE3", "x4 PCI Express", "", ("pcie", 4, None, None)),  # connector not stated
    ("PCIEX16_1", "PCI Express 5 x16", "16x or x16", ("pcie", 16, 5.0, 16)),  # width from the bus width
    ("M.2_1", "x4 M.2 Socket 3", "", ("m2", 4, None, None)),
    ("M2_1", "x4 PCI Express", "", ("m2", 4, None, None)),  # ASRock lists M.2 sockets as PCIe
    ("PCI1", "32-bit PCI", "", ("pci", None, None, None)),
])
def test_slot_rows_are_parsed(designation, dmi_type, width, expected):
    row = linuxhw.parse_slot(designation, dmi_type, width)
    assert (row.kind, row.lanes, row.gen, row.size) == expected


def table(board: str, rows: list[tuple[str, int, int | None]], vendor: str = "asus", dumps: int = 3,
          agreeing: int = 3, long: dict[str, bool] | None = None) -> BoardTable:
    return BoardTable(vendor=vendor, board=board, dumps=dumps, agreeing=agreeing, source=f"dump of {board}",
                      rows=tuple(SlotRow(d, "pcie", lanes, 4.0, size, (long or {}).get(d)) for d, lanes, size in rows))


def board(name: str, summary: list[tuple[int, int]], form: str = "ATX") -> Motherboard:
    return Motherboard(id=f"motherboard/{name.lower().replace(' ', '-')}", name=name, vendor=name.split()[0],
                       src="buildcores",
                       form_factor=form, slot_summary=tuple(SlotSummary(quantity=q, lanes=n) for q, n in summary))


SEVEN = [(f"PCIEX16_{i}", 16, 16) for i in range(1, 8)]


def test_bios_vendor_templates_and_disagreeing_dumps_are_distrusted():
    template = table("B650 X", [("PCIE1", 8, 8), ("J3502", 4, 4)])
    assert "template" in (linuxhw.distrust(template, [template]) or "")
    unrelated = [table(f"Board {i}", [("PCIE1", 16, 16)], vendor=v) for i, v in enumerate(("asus", "msi", "gigabyte"))]
    assert "different makers" in (linuxhw.distrust(unrelated[0], unrelated) or "")
    lonely = table("Z790 Y", [("PCIEX16_1", 16, 16)], dumps=5, agreeing=1)
    assert "disagree" in (linuxhw.distrust(lonely, [lonely]) or "")
    good = table("X99-E WS", SEVEN)
    assert linuxhw.distrust(good, [good]) is None


def test_a_table_must_agree_with_buildcores_count():
    t = table("PRIME B550-PLUS", [("PCIEX16_1", 16, 16), ("PCIEX16_2", 4, 16), ("PCIEX1_1", 1, 1)])
    by_wiring = board("ASUS PRIME B550-PLUS", [(1, 16), (1, 4), (1, 1)])  # BuildCores counts by wiring here
    assert not isinstance(linuxhw.agree(t, by_wiring, shared=False), str)
    by_connector = board("ASUS PRIME B550-PLUS", [(2, 16), (1, 1)])
    assert not isinstance(linuxhw.agree(t, by_connector, shared=False), str)
    wrong = board("ASUS PRIME B550-PLUS", [(3, 16)])
    assert "differ" in str(linuxhw.agree(t, wrong, shared=False))


def test_an_unstated_connector_is_read_from_the_slot_length_and_checked():
    t = table("X99 Taichi", [("Slot2", 16, 16), ("Slot4", 16, 16), ("Slot5", 8, None), ("Slot6", 4, None)],
              vendor="asrock", long={"Slot5": True, "Slot6": False})
    rows = linuxhw.agree(t, board("ASRock X99 Taichi", [(3, 16), (1, 4)]), shared=False)
    assert not isinstance(rows, str)
    assert [r.size for r in rows] == [16, 16, 16, 4]


def test_positions_only_where_the_slots_fill_the_form_factor():
    rows = linuxhw.agree(table("X99-E WS", SEVEN), board("ASUS X99-E WS", [(7, 16)]), shared=False)
    assert not isinstance(rows, str)
    slots, known = linuxhw.slots_of(rows, "ATX")
    assert known and [s.position for s in slots] == list(range(1, 8))
    _, known = linuxhw.slots_of(rows[:5], "ATX")  # 5 slots on a 7-position board: order only
    assert not known


def test_the_table_reaches_the_board_it_names_with_its_dump_cited():
    parts = [board("MSI X99 X99S SLI Plus LGA2011-3 DDR4 ATX", [(2, 16)])]
    t = table("X99S SLI PLUS (MS-7885)", [("Slot4", 16, 16), ("Slot6", 16, 16)], vendor="msi")
    (out,) = linuxhw.apply(parts, [t], ImportReport())
    assert len(out.slots) == 2 and out.slot_positions_known is False  # type: ignore[attr-defined]
    assert out.source_of("slots") == "linuxhw: dump of X99S SLI PLUS (MS-7885)"
