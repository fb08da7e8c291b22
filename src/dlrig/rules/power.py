"""Power rules: PSU watts, PSU connectors, the wall circuit (docs/domain.md section 5)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from dlrig import power as pw
from dlrig.build import Build
from dlrig.catalog.models import Gpu, Psu
from dlrig.regions import get_region
from dlrig.rules import samples as s
from dlrig.rules.base import Outcome, Rule, distinct, example, rule

# A 12VHPWR card without a native lead uses the adapter in its box: one 8-pin (150 W) per
# 150 W of board power, 2 to 4 of them. NVIDIA RTX 4090 specs: "3x PCIe 8-pin cables
# (adapter in box) OR 1x 450 W or greater PCIe Gen 5 cable"; 600 W cards take 4.
PCIE_8PIN_W = 150.0  # PCI Express CEM: 8-pin 150 W, 6-pin 75 W, slot 75 W
SLOT_W = 75.0
ADAPTER_MIN_LEADS, ADAPTER_MAX_LEADS = 2, 4
# Cards with a CPU-style EPS 8-pin input (RTX A6000: "1x 8-pin CPU", NVIDIA datasheet) ship with
# an adapter from two PCIe 8-pin leads; a PSU's own EPS leads serve them once the board's
# CPU socket has its one (boards may want two: then fewer are spare).
EPS_ADAPTER_LEADS = 2
CPU_EPS_LEADS = 1
WALL_NOTE_FRACTION = 0.8  # above 80% of the continuous rating, nothing else should share it


def budget_of(build: Build) -> pw.PowerBudget:
    """The DC power budget: every card (with its cap), the CPU, the rest (dlrig.power)."""
    cpu = build.cpu
    return pw.budget(build.gpu_caps, cpu.tdp_w if cpu else None, cpu.name if cpu else "CPU")


@rule("PSU-WATTS", "problem", "The PSU covers the DC load with headroom", "power",
      good=example("4 x 250 W cards and a 140 W CPU on 1600 W", gpu=(s.TITAN_X, 4),
                   cpu=s.I7_5820K, psu=s.HERCULES_1600),
      bad=example("2 x 450 W cards and a 170 W CPU on 850 W", gpu=(s.RTX_4090, 2),
                  cpu=s.RYZEN_7950X, psu=s.PSU_850))
def psu_watts(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the DC load (GPU board power, or the cap set with power_limit_w; CPU TDP; ~75 W for
    the rest) against the PSU's rating. Below the load: problem. Below Dettmers' rule,
    (CPU + GPUs) x 1.1 x 1.1: warning.

    Why: a PSU run at its limit shuts down under the GPUs' millisecond power spikes.

    Bad: two 450 W RTX 4090s and a 170 W CPU on an 850 W unit.

    Fix: a bigger PSU, fewer cards, or cap the cards' board power (nvidia-smi -pl) and write
    power_limit_w in the build.

    Source: Tim Dettmers, "A Full Hardware Guide to Deep Learning" (2018); docs/domain.md section 5.
    """
    psu = build.psu
    if psu is None or (not build.gpus and build.cpu is None):
        yield r.skip("needs a PSU and a CPU or GPUs")
        return
    if psu.wattage_w is None:
        yield r.unknown(psu, "the wattage")
        return
    b = budget_of(build)
    if b.unknown:
        yield r.note(f"power of {', '.join(b.unknown)} is not in the catalog: the load below "
                     "leaves it out, so PSU watts are only partly checked", list(b.unknown),
                     fix="look up its board power / TDP and add it by hand")
    summary = (f"DC load {b.dc_w:,.0f} W (GPUs {b.gpus_w:,.0f} W, CPU {b.cpu_w:,.0f} W, rest "
               f"{b.rest_w:,.0f} W); Dettmers' rule asks for {b.recommended_psu_w:,.0f} W")
    if psu.wattage_w < b.dc_w:
        yield r.problem(f"{psu.name} gives {psu.wattage_w:,.0f} W: less than the {summary}",
                        [psu], fix=f"a PSU of {math.ceil(b.recommended_psu_w / 50) * 50:,} W or "
                        "more, or cap the GPUs' power (power_limit_w)")
    elif psu.wattage_w < b.recommended_psu_w:
        yield r.warning(f"{psu.name} gives {psu.wattage_w:,.0f} W: covers the {summary}",
                        [psu], fix=f"a PSU of {math.ceil(b.recommended_psu_w / 50) * 50:,} W, or "
                        "cap the GPUs' power (power_limit_w)")


@dataclass(frozen=True)
class ConnectorNeed:
    pin8: int  # 8-pin inputs, plus 8-pin leads for 12VHPWR adapters
    pin6: int
    native_12v: int  # 12VHPWR cards on the PSU's own 12VHPWR leads
    adapted: tuple[tuple[Gpu, int], ...]  # (card, 8-pin leads its adapter takes), one per card
    eps_adapted: int = 0  # EPS inputs fed from two PCIe 8-pin leads each


def adapter_leads(gpu: Gpu) -> int:
    if gpu.board_power_w is None:
        return ADAPTER_MAX_LEADS
    leads = math.ceil(gpu.board_power_w / PCIE_8PIN_W)
    return min(max(leads, ADAPTER_MIN_LEADS), ADAPTER_MAX_LEADS)


def connector_need(gpus: list[Gpu], psu: Psu) -> ConnectorNeed:
    """What the cards ask of the PSU; the highest-power 12VHPWR cards get the native leads."""
    have_12v = psu.connectors.pcie_12vhpwr if psu.connectors else 0
    pin8 = sum(g.power_connectors.pcie_8pin for g in gpus if g.power_connectors)
    pin6 = sum(g.power_connectors.pcie_6pin for g in gpus if g.power_connectors)
    hpwr = sorted((g for g in gpus if g.power_connectors and g.power_connectors.pcie_12vhpwr),
                  key=lambda g: -(g.board_power_w or 0))
    native, adapted = hpwr[:have_12v], hpwr[have_12v:]
    leads = tuple((g, adapter_leads(g)) for g in adapted)
    eps_in = sum(g.power_connectors.eps_8pin for g in gpus if g.power_connectors)
    eps_have = psu.eps_8pin if psu.eps_8pin is not None else (psu.connectors.eps_8pin if psu.connectors else 0)
    eps_adapted = max(0, eps_in - max(0, eps_have - CPU_EPS_LEADS))
    return ConnectorNeed(pin8=pin8 + sum(n for _, n in leads) + EPS_ADAPTER_LEADS * eps_adapted,
                         pin6=pin6, native_12v=len(native), adapted=leads, eps_adapted=eps_adapted)


def _inputs_known(gpu: Gpu) -> bool:
    """Zero inputs is a fact only for a card the slot alone can power (75 W, PCIe CEM)."""
    c = gpu.power_connectors
    if c is None:
        return False
    return c.total + c.eps_8pin > 0 or (gpu.board_power_w is not None and gpu.board_power_w <= SLOT_W)


@rule("PSU-CONNECTORS", "problem", "The PSU has the GPUs' power connectors", "power",
      good=example("4 cards with 6-pin + 8-pin on a PSU with 16 PCIe 6+2 leads",
                   gpu=(s.TITAN_X, 4), psu=s.HERCULES_1600),
      bad=example("4 cards with two 8-pin each on a PSU with four 8-pin leads",
                  gpu=(s.OPEN_AIR_2SLOT, 4), psu=s.PSU_850))
def psu_connectors(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the cards' PCIe power inputs (6-pin, 8-pin, 12VHPWR / 12V-2x6) against the PSU's
    leads. A PSU 8-pin lead is 6+2, so it serves a 6-pin input too. A 12VHPWR card can take the
    adapter from its box instead of a native lead: 3 x 8-pin for 450 W, 4 for 600 W.

    Why: a PSU can have the watts and still lack the connectors; splitting one lead across two
    inputs overloads it.

    Bad: four cards with two 8-pin inputs each (8 leads) on a PSU with four 8-pin leads.

    Fix: a PSU with enough PCIe leads (or native 12VHPWR leads for 12VHPWR cards).

    Source: PCI Express CEM specification (6-pin 75 W, 8-pin 150 W, 12VHPWR up to 600 W);
    NVIDIA RTX 4090 specifications (adapter); docs/domain.md section 5.
    """
    psu, gpus = build.psu, build.gpus
    if psu is None or not gpus:
        yield r.skip("needs GPUs and a PSU")
        return
    unknown = [g for g in distinct(gpus) if not _inputs_known(g)]
    for g in unknown:
        yield r.unknown(g, "the power connectors")
    if psu.connectors is None or (psu.connectors.total == 0 and not psu.connectors.eps_8pin):
        # Data sets write "no connectors listed" as zeros; a PSU that feeds GPUs has leads.
        yield r.unknown(psu, "the PCIe power leads")
        return
    need = connector_need([g for g in gpus if _inputs_known(g)], psu)
    have8, have6 = psu.connectors.pcie_8pin, psu.connectors.pcie_6pin
    spare8 = have8 - need.pin8
    names = list(dict.fromkeys(g.name for g in gpus))
    if spare8 < 0 or need.pin6 > have6 + spare8:
        adapters = (f", counting {len(need.adapted)} 12VHPWR adapter(s) at "
                    f"{need.adapted[0][1]} x 8-pin each" if need.adapted else "")
        adapters += (f", and {need.eps_adapted} EPS adapter(s) at {EPS_ADAPTER_LEADS} x 8-pin each"
                     if need.eps_adapted else "")
        yield r.problem(f"the GPUs need {need.pin8} x 8-pin and {need.pin6} x 6-pin leads"
                        f"{adapters}; {psu.name} has {have8} x 8-pin (6+2), {have6} x 6-pin and "
                        f"{psu.connectors.pcie_12vhpwr} x 12VHPWR", [*names, psu.name],
                        fix="a PSU with more PCIe leads (ATX 3.x units have native 12VHPWR leads); "
                            "never split one lead across two inputs")
    elif need.eps_adapted:
        yield r.note(f"{need.eps_adapted} CPU-style EPS 8-pin card input(s) fed by the adapter from the "
                     f"box ({EPS_ADAPTER_LEADS} x PCIe 8-pin each): it works", [*names, psu.name],
                     fix="a PSU with spare EPS leads avoids the adapters")
    if spare8 >= 0 and need.pin6 <= have6 + spare8 and need.adapted:
        card, leads = need.adapted[0]
        yield r.note(f"{len(need.adapted)} of the 12VHPWR cards use the adapter from the box "
                     f"({leads} x 8-pin each; {psu.name} has {psu.connectors.pcie_12vhpwr} native "
                     "12VHPWR lead(s)): it works; mind the adapter's bend radius",
                     [card, psu], fix="a PSU with native 12VHPWR / 12V-2x6 leads avoids adapters")


@rule("WALL-CIRCUIT", "problem", "The wall draw fits the circuit", "power",
      good=example("2 x 250 W cards on a US 15 A circuit", gpu=(s.TITAN_X, 2), cpu=s.I7_5930K,
                   psu=s.HERCULES_1600, region="us-120v"),
      bad=example("4 x 450 W cards on a US 15 A circuit", gpu=(s.RTX_4090, 4),
                  cpu=s.TR_PRO_5975WX, psu=s.PSU_2000_ATX3, region="us-120v"))
def wall_circuit(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the wall draw (DC load / PSU efficiency at that load, from its 80 PLUS tier)
    against the region's circuit: above the breaker rating is a problem, above the continuous
    rating (80%) a warning, above 80% of that a note.

    Why: training runs for days; a load above the continuous rating trips the breaker.

    Bad: four 450 W cards and a 280 W CPU (about 2,200 W at the wall) on a US 120 V 15 A
    circuit (1,800 W; 1,440 W continuous).

    Fix: a 240 V or 20 A circuit, cap the GPUs' power (power_limit_w), or two machines.

    Source: NEC 210.19(A)(1)/210.20(A) (80% continuous rule); 80 PLUS efficiency tiers
    (CLEAResult); docs/domain.md section 5.
    """
    if not build.gpus and build.cpu is None:
        yield r.skip("needs a CPU or GPUs")
        return
    region = get_region(build.region)
    b = budget_of(build)
    psu = build.psu
    wall = pw.wall_w(b.dc_w, psu)
    eff = b.dc_w / wall
    how = (f"about {wall:,.0f} W at the wall (DC {b.dc_w:,.0f} W / {eff:.0%} efficiency"
           + ("" if psu and psu.efficiency else ", the 80 PLUS floor: PSU tier unknown") + ")")
    circuit = (f"{region.key} ({region.description}): {region.circuit_w:,.0f} W, "
               f"{region.continuous_w:,.0f} W continuous")
    assumed = "" if build.region else " (region assumed; pass --region)"
    parts = [g.name for g in distinct(build.gpus)] + ([psu.name] if psu else [])
    if b.unknown:
        yield r.note(f"power of {', '.join(b.unknown)} is not in the catalog: the wall draw below "
                     "leaves it out, so the circuit is only partly checked", list(b.unknown),
                     fix="look up its board power / TDP and add it by hand")
    fix = "a 240 V or 20 A circuit, cap the GPUs' power (power_limit_w), or split into two machines"
    if wall > region.circuit_w:
        yield r.problem(f"{how} exceeds {circuit}{assumed}", parts, fix=fix)
    elif wall > region.continuous_w:
        yield r.warning(f"{how} exceeds the continuous rating of {circuit}{assumed}", parts, fix=fix)
    elif wall > WALL_NOTE_FRACTION * region.continuous_w:
        yield r.note(f"{how} uses {wall / region.continuous_w:.0%} of the continuous rating of "
                     f"{circuit}{assumed}: put nothing else heavy on that circuit", parts,
                     fix="a dedicated circuit, or cap the GPUs' power")


RULES: tuple[Rule, ...] = (psu_watts, psu_connectors, wall_circuit)
