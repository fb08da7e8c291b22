"""Rules on hand-made builds: the seed's facts, placement, lanes, connectors, unknown facts."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Motherboard, PowerConnectors, Psu, Slot
from dlrig.rules import samples as s
from dlrig.rules.base import Example, Finding, Skipped, example
from dlrig.rules.placement import place_gpus, placement_of
from dlrig.rules.registry import BY_CODE, RULES


def run(ex: Example, code: str | None = None) -> list[Finding]:
    rules = [BY_CODE[code]] if code else RULES
    return [o for r in rules for o in r.check(ex.build()) if isinstance(o, Finding)]


SEED = example(
    "the seed build, hand-made",
    gpu=(s.TITAN_X, 4, 250), cpu=s.I7_5820K, motherboard=s.X99_BOARD, memory=s.RIPJAWS_32,
    storage=s.QVO_1TB, psu=s.HERCULES_1600, case=s.THOR_V2, region="us-120v",
    workload={"model": "resnet50", "dataset": "imagenet-1k", "samples_per_s": 1000})


def test_seed_build_findings_match_the_post() -> None:
    found = run(SEED)
    by_code = {f.code: f for f in found}
    assert "problem" not in {f.severity for f in found}, found
    assert by_code["RAM-VRAM"].severity == "note" and "less RAM than VRAM" in by_code["RAM-VRAM"].message
    assert by_code["PCIE-LANES"].severity == "warning" and "28 PCIe lanes" in by_code["PCIE-LANES"].message
    assert "not 4 x 16 = 64" in by_code["PCIE-LANES"].message
    assert by_code["PSU-LENGTH"].severity == "note" and "240 mm" in by_code["PSU-LENGTH"].message
    assert "PSU-WATTS" not in by_code
    assert "GPU-SLOTS" not in by_code and "COOLING-STACK" not in by_code
    assert by_code["DATA-BACKUP"].severity == "note"
    assert by_code["WALL-CIRCUIT"].severity == "note"  # ~1,375 W of the 1,440 W continuous


def test_four_double_wide_cards_take_every_other_position() -> None:
    placement = placement_of(SEED.build())
    assert placement is not None and placement.fits
    assert [p.position for p in placement.placed] == [1, 3, 5, 7]
    assert [p.bottom for p in placement.placed] == [2, 4, 6, 8]
    # 28-lane CPU: the board's lanes_by_cpu_lanes gives x16/x8/x4, the last slot hangs off the chipset
    assert [p.lanes for p in placement.placed] == [16, 8, 4, 4]


def test_forty_lane_cpu_widens_the_slots() -> None:
    p = place_gpus([s.TITAN_X] * 4, s.X99_BOARD.slots, cpu_lanes=40, openings_limit=10)
    assert [x.lanes for x in p.placed] == [16, 8, 8, 4]  # slot 3 shares with 5: x8


def test_case_openings_bind_the_last_card() -> None:
    board = Motherboard(id="motherboard/t", name="t", src="test", slots=tuple(
        Slot(position=i, size=16, lanes=16) for i in (1, 3, 5, 7)))
    assert place_gpus([s.TITAN_X] * 4, board.slots, None, openings_limit=8).fits
    tight = place_gpus([s.TITAN_X] * 4, board.slots, None, openings_limit=7)
    assert not tight.fits and len(tight.placed) == 3


def test_case_openings_problem_names_the_case() -> None:
    small = s.MID_TOWER  # 7 openings: the card in position 7 needs an 8th
    found = run(example("x", gpu=(s.TITAN_X, 4), cpu=s.I7_5930K, motherboard=s.X99_BOARD,
                        case=small), "GPU-SLOTS")
    assert found and found[0].severity == "problem"
    assert "7 expansion openings" in found[0].message and small.name in found[0].parts


def test_mixed_widths_are_ordered_to_fit() -> None:
    board = Motherboard(id="motherboard/t", name="t", src="test", slots=tuple(
        Slot(position=i, size=16, lanes=16) for i in (1, 4, 6)))
    # 7 openings: the 3-wide card fits only in position 1 (1..3); in the file it comes last
    p = place_gpus([s.TITAN_X, s.TITAN_X, s.RTX_4090], board.slots, None, openings_limit=7)
    assert p.fits
    assert [x.gpu.name for x in p.placed] == ["GeForce RTX 4090", "GeForce GTX TITAN X",
                                              "GeForce GTX TITAN X"]


def test_slot_summary_counts_and_says_placement_is_unchecked() -> None:
    ok = run(example("x", gpu=(s.TITAN_X, 2), motherboard=s.SUMMARY_BOARD), "GPU-SLOTS")
    assert [f.severity for f in ok] == ["note"] and "unchecked" in ok[0].message
    bad = run(example("x", gpu=(s.TITAN_X, 3), motherboard=s.SUMMARY_BOARD), "GPU-SLOTS")
    assert bad[0].severity == "problem"


def test_unknown_slot_positions_still_give_lanes() -> None:
    board = s.X99_BOARD.model_copy(update={"slot_positions_known": False})
    ex = example("x", gpu=(s.TITAN_X, 4), cpu=s.I7_5820K, motherboard=board)
    assert [f.severity for f in run(ex, "GPU-SLOTS")] == ["note"]
    assert [f.severity for f in run(ex, "PCIE-LANES")] == ["warning"]


def test_pcie_lanes_without_a_slot_map() -> None:
    found = run(example("x", gpu=(s.TITAN_X, 4), cpu=s.I7_5820K, motherboard=s.SUMMARY_BOARD),
                "PCIE-LANES")
    assert {f.severity for f in found} == {"warning", "note"}
    assert "at most x7" in found[0].message


@pytest.mark.parametrize("code", [r.code for r in RULES])
def test_missing_facts_are_notes_never_silence(code: str) -> None:
    """A rule given parts with no facts says what it could not check (or is skipped)."""
    board = Motherboard(id="motherboard/bare", name="Bare board", src="test")
    psu = Psu(id="psu/bare", name="Bare PSU", src="test")
    case = s.THOR_V2.model_copy(update={"max_gpu_length_mm": None})
    memory = s.RIPJAWS_32.model_copy(update={"modules": None, "registered": None})
    drive = s.QVO_1TB.model_copy(update={"capacity_gb": None, "seq_read_mb_s": None,
                                         "random_reads_per_s": None})
    cooler = s.TOWER_COOLER.model_copy(update={"height_mm": None})
    bare = example("x", gpu=(s.MYSTERY_GPU, 2), cpu=s.MYSTERY_CPU, motherboard=board, psu=psu,
                   case=case, memory=memory, storage=drive, cooler=cooler,
                   workload={"model": "x", "dataset": "imagenet-1k", "samples_per_s": 10})
    outcomes = list(BY_CODE[code].check(bare.build()))
    assert outcomes, f"{code} passed silently on parts with no facts"
    for o in outcomes:
        assert isinstance(o, Skipped) or o.severity in ("note", "problem", "warning")


def test_12vhpwr_cards_can_use_adapters() -> None:
    found = run(example("x", gpu=(s.RTX_4090, 2), psu=s.HERCULES_1600), "PSU-CONNECTORS")
    assert [f.severity for f in found] == ["note"]
    assert "3 x 8-pin" in found[0].message  # NVIDIA: 3 x 8-pin adapter for a 450 W card


def test_12vhpwr_short_of_leads_is_a_problem_that_counts_adapters() -> None:
    psu = Psu(id="psu/t", name="Small PSU", src="test", wattage_w=1600,
              connectors=PowerConnectors(pcie_8pin=4, pcie_12vhpwr=1))
    found = run(example("x", gpu=(s.RTX_4090, 3), psu=psu), "PSU-CONNECTORS")
    assert found[0].severity == "problem"
    assert "12VHPWR adapter" in found[0].message and "6 x 8-pin" in found[0].message


def test_six_pin_inputs_use_spare_6_plus_2_leads() -> None:
    psu = Psu(id="psu/t", name="Two-lead PSU", src="test", connectors=PowerConnectors(pcie_8pin=2))
    assert run(example("x", gpu=s.TITAN_X, psu=psu), "PSU-CONNECTORS") == []
    psu1 = psu.model_copy(update={"connectors": PowerConnectors(pcie_8pin=1)})
    assert run(example("x", gpu=s.TITAN_X, psu=psu1), "PSU-CONNECTORS")[0].severity == "problem"


def test_power_limit_is_honoured() -> None:
    uncapped = example("x", gpu=(s.RTX_4090, 2), cpu=s.RYZEN_7950X, psu=s.PSU_850)
    capped = example("x", gpu=(s.RTX_4090, 2, 250), cpu=s.RYZEN_7950X, psu=s.PSU_850)
    assert run(uncapped, "PSU-WATTS")[0].severity == "problem"
    assert run(capped, "PSU-WATTS") == []  # (500 + 170) x 1.21 = 811 W


def test_psu_between_load_and_dettmers_rule_is_a_warning() -> None:
    psu = s.PSU_850.model_copy(update={"wattage_w": 1000})
    ex = example("x", gpu=(s.RTX_4090, 2), cpu=s.QUAD_CORE_AM5, psu=psu)  # 900 + 65 + 75 = 1,040
    psu_ok = psu.model_copy(update={"wattage_w": 1100})  # above 1,040, below 1,168
    assert run(ex, "PSU-WATTS")[0].severity == "problem"
    found = run(example("x", gpu=(s.RTX_4090, 2), cpu=s.QUAD_CORE_AM5, psu=psu_ok), "PSU-WATTS")
    assert found[0].severity == "warning"


def test_wall_circuit_depends_on_region() -> None:
    ex = example("x", gpu=(s.RTX_4090, 4), cpu=s.TR_PRO_5975WX, psu=s.PSU_2000_ATX3,
                 region="us-120v")
    assert run(ex, "WALL-CIRCUIT")[0].severity == "problem"
    eu = example("x", gpu=(s.RTX_4090, 4), cpu=s.TR_PRO_5975WX, psu=s.PSU_2000_ATX3,
                 region="eu-230v")  # 230 V x 16 A x 0.8 = 2,944 W continuous
    assert [f.severity for f in run(eu, "WALL-CIRCUIT")] == ["note"]  # 81%: nothing else on it


def test_ram_vram_tiers() -> None:
    assert run(example("x", gpu=s.RTX_4090, memory=s.DDR5_16), "RAM-VRAM")[0].severity == "warning"
    below_total = run(example("x", gpu=(s.RTX_4090, 4), memory=s.DDR5_64), "RAM-VRAM")
    assert below_total[0].severity == "note" and "less RAM than VRAM" in below_total[0].message
    below_2x = run(example("x", gpu=(s.RTX_4090, 2), memory=s.DDR5_64), "RAM-VRAM")
    assert below_2x[0].severity == "note" and "2 x" in below_2x[0].message


def test_sockets_compare_forgivingly() -> None:
    board = s.X99_BOARD.model_copy(update={"socket": "LGA 2011-v3"})
    assert run(example("x", cpu=s.I7_5820K, motherboard=board), "SOCKET") == []


def test_cooler_socket_checked() -> None:
    found = run(example("x", cpu=s.I7_5820K, motherboard=s.X99_BOARD, cooler=s.TALL_COOLER), "SOCKET")
    assert found[0].severity == "problem" and s.TALL_COOLER.name in found[0].parts


def test_form_factor_aliases() -> None:
    board = s.X99_BOARD.model_copy(update={"form_factor": "mATX"})
    assert run(example("x", motherboard=board, case=s.MID_TOWER), "FORM-FACTOR") == []
    found = run(example("x", psu=s.PSU_850, case=s.ITX_CASE), "FORM-FACTOR")
    assert found[0].severity == "problem"  # ATX PSU, SFX bay


def test_storage_rules_need_a_dataset() -> None:
    ex = example("x", storage=s.SSD_120GB)
    outcomes = list(BY_CODE["STORAGE-CAPACITY"].check(ex.build()))
    assert all(isinstance(o, Skipped) for o in outcomes)


def test_dataset_size_from_the_build_file() -> None:
    ex = example("x", storage=s.QVO_1TB, workload={"model": "llm", "dataset_gb": 700})
    found = run(ex, "STORAGE-CAPACITY")
    assert found[0].severity == "note" and "700 GB" in found[0].message


def test_zero_connectors_are_read_as_unknown() -> None:
    listed_none = Psu(id="psu/t", name="PSU listing no leads", src="test", connectors=PowerConnectors())
    found = run(example("x", gpu=s.TITAN_X, psu=listed_none), "PSU-CONNECTORS")
    assert [f.severity for f in found] == ["note"] and "no PCIe power leads" in found[0].message
    slot_card = s.MYSTERY_GPU.model_copy(update={"board_power_w": 70, "power_connectors": PowerConnectors()})
    assert run(example("x", gpu=slot_card, psu=s.PSU_850), "PSU-CONNECTORS") == []


def test_eps_input_cards_use_two_pcie_leads_or_spare_eps() -> None:
    a6000 = s.RTX_6000_ADA.model_copy(update={"power_connectors": PowerConnectors(eps_8pin=1)})
    found = run(example("x", gpu=(a6000, 2), psu=s.PSU_850), "PSU-CONNECTORS")
    assert [f.severity for f in found] == ["note"] and "EPS" in found[0].message  # 4 leads: enough
    found = run(example("x", gpu=(a6000, 3), psu=s.PSU_850), "PSU-CONNECTORS")
    assert found[0].severity == "problem"  # 6 leads wanted, 4 there
    spare = s.PSU_850.model_copy(update={"eps_8pin": 3})
    assert run(example("x", gpu=(a6000, 2), psu=spare), "PSU-CONNECTORS") == []


def test_a_micro_atx_board_cannot_take_four_double_wide_cards_even_without_a_slot_map() -> None:
    four_x16 = (s.SUMMARY_BOARD.slot_summary[0].model_copy(update={"quantity": 4}),)
    matx = s.SUMMARY_BOARD.model_copy(update={"form_factor": "Micro ATX", "slot_summary": four_x16})
    found = run(example("4 x dual-slot on micro ATX", gpu=(s.TITAN_X, 4), motherboard=matx), "GPU-SLOTS")
    assert [f.severity for f in found] == ["problem"]
    assert "at least 7 positions" in found[0].message and "at most 4" in found[0].message
    atx = matx.model_copy(update={"form_factor": "ATX"})
    found = run(example("4 x dual-slot on ATX, no slot map", gpu=(s.TITAN_X, 4), motherboard=atx), "GPU-SLOTS")
    assert [f.severity for f in found] == ["note"]  # fits the positions; placement unchecked


def test_registered_memory_by_board_ecc_support() -> None:
    """RDIMM: a warning on a board listed without ECC, a note where the board takes ECC or is silent."""
    bad = run(example("x", motherboard=s.X99_BOARD, memory=s.SAMSUNG_RDIMM_16), "MEMORY-REGISTERED")
    assert [f.severity for f in bad] == ["warning"]
    assert "unbuffered DDR4 kit" in bad[0].fix and "RDIMM support" in bad[0].fix
    ecc = run(example("x", motherboard=s.WRX80_BOARD, memory=s.SAMSUNG_RDIMM_16), "MEMORY-REGISTERED")
    assert [f.severity for f in ecc] == ["note"] and "supports ECC" in ecc[0].message
    silent_board = s.X99_BOARD.model_copy(update={"ecc_support": None})
    unknown = run(example("x", motherboard=silent_board, memory=s.SAMSUNG_RDIMM_16), "MEMORY-REGISTERED")
    assert [f.severity for f in unknown] == ["note"] and "memory support list" in unknown[0].fix
    assert run(example("x", motherboard=s.WRX80_BOARD, memory=s.RIPJAWS_32), "MEMORY-REGISTERED") == []


def test_registered_flag_unknown_is_a_note_only_on_a_board_that_takes_ecc() -> None:
    kit = s.DDR4_128.model_copy(update={"registered": None})
    found = run(example("x", motherboard=s.WRX80_BOARD.model_copy(update={"memory_type": "DDR4"}), memory=kit),
                "MEMORY-REGISTERED")
    assert [f.severity for f in found] == ["note"] and "unchecked" in found[0].message
    # a desktop board: no registered marking in the kit's names, so it is taken as unbuffered
    assert run(example("x", motherboard=s.X99_BOARD, memory=kit), "MEMORY-REGISTERED") == []


@pytest.mark.parametrize(("arch", "severity"), [("Zen+", "warning"), ("Coffee Lake Refresh", "warning"),
                                                ("Comet Lake", None), ("Zen 2", None), (None, "note")])
def test_an_arc_card_wants_a_platform_with_resizable_bar(arch: str | None, severity: str | None) -> None:
    cpu = s.RYZEN_7950X.model_copy(update={"microarchitecture": arch})
    found = run(example("an Arc card on this CPU", cpu=cpu, gpu=(s.ARC_B580, 1)), "GPU-REBAR")
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_a_geforce_card_does_not_need_resizable_bar() -> None:
    assert run(example("a 4090 on Haswell-E", cpu=s.I7_5820K, gpu=(s.RTX_4090, 1)), "GPU-REBAR") == []
