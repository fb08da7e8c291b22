"""check_build: tiers, the ok verdict, regions, the JSON shape, and the example builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlrig.check import check_build
from dlrig.errors import BadInput
from dlrig.rules import samples as s
from dlrig.rules.base import example
from dlrig.rules.registry import NOT_CHECKED

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PACKAGED = ROOT / "src" / "dlrig" / "catalog" / "data" / "v1" / "cpu.jsonl"
needs_catalog = pytest.mark.skipif(not PACKAGED.exists(), reason="packaged catalog not built yet")

SEED = example("seed", gpu=(s.TITAN_X, 4, 250), cpu=s.I7_5820K, motherboard=s.X99_BOARD,
               memory=s.RIPJAWS_32, storage=s.QVO_1TB, psu=s.HERCULES_1600, case=s.THOR_V2)


def test_findings_are_ordered_by_tier_and_ok_ignores_warnings() -> None:
    report = check_build(SEED.build())
    tiers = [f.severity for f in report.findings]
    assert tiers == sorted(tiers, key=["problem", "warning", "note"].index)
    assert report.ok and "PCIE-LANES" in report.codes("warning")
    assert [p.slot for p in report.placement] == [1, 3, 5, 7]
    assert report.placement[0].covers == (1, 2)


def test_a_problem_makes_the_build_not_ok() -> None:
    bad = example("x", cpu=s.RYZEN_7950X, motherboard=s.LGA1700_BOARD)
    report = check_build(bad.build())
    assert not report.ok and report.codes("problem") == {"SOCKET"}


def test_unchecked_lists_skipped_rules_then_the_standing_list() -> None:
    report = check_build(example("x", gpu=s.TITAN_X).build())
    assert any(u.startswith("SOCKET:") for u in report.unchecked)
    assert report.unchecked[-len(NOT_CHECKED):] == NOT_CHECKED


def test_region_override_and_unknown_region() -> None:
    ex = example("x", gpu=(s.RTX_4090, 4), cpu=s.TR_PRO_5975WX, psu=s.PSU_2000_ATX3)
    assert not check_build(ex.build()).ok  # default us-120v: ~2,400 W on a 1,800 W circuit
    eu = check_build(ex.build(), region="eu-230v")
    assert "WALL-CIRCUIT" not in eu.codes("problem") and eu.region == "eu-230v"
    with pytest.raises(BadInput, match="unknown region"):
        check_build(ex.build(), region="mars")


def test_a_failing_rule_is_reported_not_raised() -> None:
    from dataclasses import replace

    from dlrig.check import INTERNAL_ERROR
    from dlrig.rules.registry import BY_CODE

    def boom(rule, build):
        raise ZeroDivisionError("x")

    broken = replace(BY_CODE["SOCKET"], check_fn=boom)
    report = check_build(SEED.build(), rules=[broken, BY_CODE["RAM-VRAM"]])
    assert any(INTERNAL_ERROR in u for u in report.unchecked)
    assert report.codes() == {"RAM-VRAM"}


def test_json_shape() -> None:
    report = check_build(SEED.build())
    data = json.loads(json.dumps(report.to_json()))
    assert {"build", "findings", "not_checked", "unchecked", "ok"} <= set(data)
    assert data["not_checked"] == list(report.unchecked) == data["unchecked"]  # the alias
    assert data["not_checked"][-len(NOT_CHECKED):] == list(NOT_CHECKED)
    assert set(data["findings"][0]) == {"code", "severity", "message", "parts", "fix"}


# -- the example builds, on the packaged catalog ------------------------------------------------
@needs_catalog
@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_loads_and_checks(path: Path) -> None:
    from dlrig.catalog.store import default_catalog
    from dlrig.check import INTERNAL_ERROR
    from dlrig.services.inputs import load_build_file as load_build

    report = check_build(load_build(path, default_catalog()))
    assert not any(INTERNAL_ERROR in u for u in report.unchecked), report.unchecked
    if path.stem.startswith("bad-"):
        assert not report.ok, f"{path.name} should fail"
    else:
        assert report.ok, f"{path.name}: {report.by_severity('problem')}"


@needs_catalog
def test_seed_example_has_the_posts_findings() -> None:
    from dlrig.catalog.store import default_catalog
    from dlrig.services.inputs import load_build_file as load_build

    report = check_build(load_build(EXAMPLES / "seed-2015.yaml", default_catalog()))
    by = {(f.code, f.severity) for f in report.findings}
    assert ("RAM-VRAM", "note") in by  # "less RAM than VRAM!"
    assert ("PCIE-LANES", "warning") in by  # 28 lanes, not 4 x 16
    assert ("PSU-LENGTH", "note") in by  # "the only issue is it's big!"
    assert "PSU-WATTS" not in report.codes()  # 1600 W covers it
    assert report.ok


@needs_catalog
def test_a_quad_a6000_workstation_is_checked_in_full() -> None:
    """Issue 15: four RTX A6000s on a WRX90 board get each card's lane map, and nothing about the
    socket, the CPU's lanes or the slots is left unchecked."""
    from dlrig.catalog.store import default_catalog
    from dlrig.services.inputs import load_build_file as load_build

    report = check_build(load_build(EXAMPLES / "quad-a6000-wrx90.yaml", default_catalog()))
    assert report.ok
    assert [(p.slot, p.covers, p.lanes) for p in report.placement] == [
        (1, (1, 2), 16), (3, (3, 4), 16), (5, (5, 6), 16), (7, (7, 8), 16)]
    about = {"SOCKET", "PCIE-LANES", "GPU-SLOTS", "FORM-FACTOR"}
    assert not [f.message for f in report.findings if f.code in about]
    assert not [u for u in report.unchecked if u.split(":")[0] in about]


@needs_catalog
def test_seed_list_checks_like_the_yaml() -> None:
    from dlrig.catalog.store import default_catalog
    from dlrig.pcpartpicker import build_from_list

    build = build_from_list(EXAMPLES / "seed-2015.md", default_catalog())
    assert build.gpu_count == 4 and not build.unresolved
    report = check_build(build)
    assert {"RAM-VRAM", "PCIE-LANES", "PSU-LENGTH"} <= report.codes()


# -- rule fixes found by the corpus (tests/test_corpus.py), on hand-made parts ------------------
def _codes(ex) -> set[str]:
    return {f"{f.severity}: {f.code}" for f in check_build(ex.build()).findings}


def test_a_cooler_listing_lga2011_mounts_on_lga2011_3() -> None:
    from dlrig.catalog.models import CpuCooler

    lga2011 = CpuCooler(id="cooler/x", name="Tower listing LGA2011", src="example", height_mm=150,
                        sockets=("LGA1151", "LGA2011", "LGA2066"))
    intel_mainstream = CpuCooler(id="cooler/y", name="Tower for LGA1151", src="example",
                                 height_mm=150, sockets=("LGA1151",))
    assert "problem: SOCKET" not in _codes(example("x", cpu=s.I7_5930K, motherboard=s.X99_BOARD,
                                                   cooler=lga2011))
    assert "problem: SOCKET" in _codes(example("x", cpu=s.I7_5930K, motherboard=s.X99_BOARD,
                                               cooler=intel_mainstream))


def test_an_ssi_ceb_board_fits_an_e_atx_case_but_not_an_atx_one() -> None:
    from dlrig.catalog.models import Motherboard

    ceb = Motherboard(id="motherboard/x", name="Example SSI CEB board", src="example",
                      form_factor="SSI CEB")
    assert "problem: FORM-FACTOR" not in _codes(example("x", motherboard=ceb, case=s.BIG_TOWER))
    assert "problem: FORM-FACTOR" in _codes(example("x", motherboard=ceb, case=s.MID_TOWER))


@pytest.mark.parametrize("rpm, binds", [(5400, True), (None, False)])
def test_a_hard_disk_without_a_random_read_rating_is_bound_by_its_rotation(rpm, binds) -> None:
    from dlrig.catalog.models import Storage

    disk = Storage(id="storage/x", name="Example disk", src="example", capacity_gb=4000, kind="hdd",
                   rpm=rpm, seq_read_mb_s=175)
    workload = {"model": "resnet50", "dataset": "imagenet-1k", "samples_per_s": 400}
    found = check_build(example("x", storage=disk, workload=workload).build()).findings
    # 5,400 rpm: at most 180 random reads/s < 400; unknown rpm: 15,000 rpm's 500/s bound >= 400
    assert any(f.code == "STORAGE-THROUGHPUT" and "180/s" in f.message for f in found) is binds
