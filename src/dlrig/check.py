"""Check a build: run every rule, collect findings by tier, and say what was not checked.

``check_build`` is the one entry point the CLI, the web app and the Python API share. It is
pure: it takes a resolved ``Build`` and returns a ``CheckReport``; nothing is printed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dlrig.build import Build, SourceLine
from dlrig.regions import get_region
from dlrig.rules.base import SEVERITIES, Finding, Rule, Skipped
from dlrig.rules.placement import Placed, placement_of
from dlrig.rules.registry import NOT_CHECKED, RULES

INTERNAL_ERROR = "not checked: the rule failed"


@dataclass(frozen=True)
class SlotUse:
    """Where one card sits: its slot, the positions it covers, its electrical width."""

    gpu: str
    slot: int  # the slot's position; its order index where the board's positions are unknown
    covers: tuple[int, ...]  # empty where the positions are unknown
    lanes: int
    via: str | None


@dataclass(frozen=True)
class CheckReport:
    build: str
    findings: tuple[Finding, ...]  # problems first, then warnings, then notes
    unchecked: tuple[str, ...]  # rules that could not run here, then what no rule checks
    placement: tuple[SlotUse, ...] = ()
    facts: tuple[str, ...] = ()  # figures worth showing even when nothing is wrong
    region: str = "us-120v"
    source_lines: tuple[SourceLine, ...] = ()  # a part list's lines and the parts they became

    @property
    def ok(self) -> bool:
        """True when no finding is a problem (warnings and notes do not fail a build)."""
        return not any(f.severity == "problem" for f in self.findings)

    def by_severity(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    def codes(self, severity: str | None = None) -> set[str]:
        return {f.code for f in self.findings if severity is None or f.severity == severity}

    def to_json(self) -> dict[str, Any]:
        """The ``dlrig check --json`` document. ``not_checked``  lists
        the rules that could not run here, then what no rule checks; ``unchecked`` is the same
        list under its first name, kept as an alias so existing scripts keep working."""
        not_checked = list(self.unchecked)
        return {
            "build": self.build,
            "ok": self.ok,
            "region": self.region,
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "not_checked": not_checked,
            "unchecked": list(not_checked),  # alias of not_checked, for compatibility
            "placement": [dataclasses.asdict(p) for p in self.placement],
            "facts": list(self.facts),
            "source_lines": [s.to_json() for s in self.source_lines],
        }


def check_build(build: Build, region: str | None = None,
                rules: Sequence[Rule] = RULES) -> CheckReport:
    """Run ``rules`` on ``build``; ``region`` (a key of dlrig.regions) overrides the build's."""
    if region is not None:
        build = dataclasses.replace(build, region=region)
    region_key = get_region(build.region).key  # BadInput on an unknown region, before any rule
    findings: list[Finding] = []
    skipped: list[str] = []
    for r in rules:
        try:
            outcomes = list(r.check(build))
        except Exception as exc:  # a rule's bug must not hide the other rules' findings
            skipped.append(f"{r.code}: {INTERNAL_ERROR} ({type(exc).__name__}: {exc}); please report it")
            continue
        for outcome in outcomes:
            if isinstance(outcome, Skipped):
                skipped.append(f"{outcome.code}: {outcome.reason}")
            else:
                findings.append(outcome)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: order[f.severity])  # stable: registry order within a tier
    unmatched = [f"line {s.line} ({s.type}) {s.item!r}: matches no catalog part, so it is not in the "
                 "build" + (f" (closest: {', '.join(s.closest[:3])})" if s.closest else "")
                 for s in build.unresolved]
    return CheckReport(build=build.name, findings=tuple(findings),
                       unchecked=(*unmatched, *skipped, *NOT_CHECKED), placement=_placement(build),
                       facts=tuple(_facts(build)), region=region_key, source_lines=build.source_lines)


def _placement(build: Build) -> tuple[SlotUse, ...]:
    placement = placement_of(build)
    if placement is None:
        return ()
    def covers(p: Placed) -> tuple[int, ...]:
        return tuple(range(p.position, p.bottom + 1)) if placement.positions_known else ()

    return tuple(SlotUse(gpu=p.gpu.name, slot=p.position, covers=covers(p), lanes=p.lanes,
                         via=p.slot.via) for p in placement.placed)


def _facts(build: Build) -> list[str]:
    from dlrig import power as pw
    from dlrig.rules.power import budget_of

    out = []
    if build.gpus or build.cpu:
        b = budget_of(build)
        wall = pw.wall_w(b.dc_w, build.psu)
        psu = f"; PSU {build.psu.wattage_w:,.0f} W" if build.psu and build.psu.wattage_w else ""
        out.append(f"power: DC load {b.dc_w:,.0f} W (GPUs {b.gpus_w:,.0f} W, CPU {b.cpu_w:,.0f} W, "
                   f"rest {b.rest_w:,.0f} W); Dettmers' PSU size {b.recommended_psu_w:,.0f} W{psu}; "
                   f"about {wall:,.0f} W at the wall")
    if build.gpus and build.ram_gb is not None and all(g.vram_gb for g in build.gpus):
        vram = sum(g.vram_gb or 0 for g in build.gpus)
        out.append(f"memory: {build.ram_gb:g} GB RAM, {vram:g} GB GPU memory")
    cpu = build.cpu
    if cpu and cpu.pcie_lanes and build.gpus:
        out.append(f"PCIe: {cpu.name} has {cpu.pcie_lanes} lanes for {build.gpu_count} GPU(s)")
    return out
