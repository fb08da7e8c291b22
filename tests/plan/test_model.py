"""The planner's view of boards and builds: x16 slots, and what a recommended build must have."""

from __future__ import annotations

from dlrig.build import Build, Item
from dlrig.catalog.models import Slot
from dlrig.plan.model import recommended_violations, x16_count
from dlrig.rules import samples as s


def test_chipset_fed_long_slots_are_not_gpu_links() -> None:
    """A B860-style board: one x16 slot from the CPU, two full-length connectors from the chipset
    (x4 electrically, sharing the chipset's one uplink); only the first is a GPU's x16 link."""
    b860 = s.LGA1700_BOARD.model_copy(update={"slots": (
        Slot(position=1, size=16, lanes=16, gen=5, via="cpu"),
        Slot(position=4, size=16, lanes=4, gen=4, via="chipset"),
        Slot(position=6, size=16, lanes=4, gen=4, via="chipset"))})
    assert x16_count(b860) == 1
    assert x16_count(s.X99_BOARD) == 3  # positions 1, 3, 5 from the CPU; position 7 (x4) is the chipset's


def test_one_dimm_on_a_quad_channel_cpu_is_not_recommended() -> None:
    cpu = s.I7_5930K  # four channels
    one = s.DDR4_128.model_copy(update={"modules": 1, "module_gb": 128.0})
    build = Build(name="b", items={"gpu": (Item(part=s.RTX_4090, count=2),), "cpu": (Item(part=cpu),),
                                   "memory": (Item(part=one),)})
    found = recommended_violations(build)
    assert any(v.startswith("PLAN-CHANNELS") for v in found)
    four = Build(name="b", items={**build.items, "memory": (Item(part=s.DDR4_128),)})
    assert not any(v.startswith("PLAN-CHANNELS") for v in recommended_violations(four))


def test_ram_below_the_gpus_total_memory_is_not_recommended() -> None:
    small = Build(name="b", items={"gpu": (Item(part=s.RTX_4090, count=2),), "cpu": (Item(part=s.I7_5930K),),
                                   "memory": (Item(part=s.RIPJAWS_32),)})
    assert any(v.startswith("PLAN-RAM") for v in recommended_violations(small))  # 32 GB for 48 GB of VRAM
