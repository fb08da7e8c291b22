"""Exact pruning: drop parts that another candidate dominates on every property the plan uses.

Part *a* dominates *b* when it is in the same group (equal on the properties that must match,
such as the socket) and at least as good on every other one: no dearer, and no worse on any
figure a constraint reads (PSU: watts, leads, the DC load it carries within the wall limit;
board: memory slots, maximum memory, x16 slots; case: board form factors, openings, card
length). Whatever build uses *b* stays feasible with *a* in its place and costs no more, so
removing *b* cannot change the optimum: the pruning is exact. Ties keep the part with more
known facts. Parts forced with ``--include`` are never pruned.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from typing import Any

from dlrig.plan import candidates as cn
from dlrig.plan.candidates import Candidates, GpuOption, Priced
from dlrig.plan.model import dc_limit_w, gpu_needs, x16_count
from dlrig.rules.base import norm_token
from dlrig.rules.physical import _form
from dlrig.rules.placement import width_positions


class _Any:
    """A set-valued property left open ("fits every PSU form factor"): at least as good as any
    set, and only another open one is at least as good as it."""

    def __ge__(self, other: object) -> bool:
        return True

    def __le__(self, other: object) -> bool:  # ``a_set >= ANY`` asks this: no set covers "any"
        return other is self


ANY = _Any()


def skyline(rows: Sequence[Priced], group: Callable[[Priced], Hashable],
            dims: Callable[[Priced], tuple[Any, ...]]) -> list[Priced]:
    """The undominated rows. Larger is better on every dim (negate costs); sets compare by
    inclusion (``>=`` is "superset of")."""
    ordered = sorted(rows, key=lambda r: (r.usd, -_known(r), r.part.id))
    kept: dict[Hashable, list[tuple[Any, ...]]] = {}
    out: dict[Hashable, list[Priced]] = {}
    for r in ordered:
        d = dims(r)
        key = group(r)
        bucket = kept.setdefault(key, [])
        if any(all(map(operator.ge, kd, d)) for kd in bucket):
            continue
        bucket.append(d)
        out.setdefault(key, []).append(r)
    return [r for rs in out.values() for r in rs]


def _known(r: Priced) -> int:
    return r.known  # the facts the catalog gives for the part (dlrig.catalog.priced.known_facts)


def _inf(x: float | None) -> float:
    return math.inf if x is None else x


def prune(c: Candidates, wall_limit_w: float) -> Candidates:
    """The candidate table without dominated parts (see the module docstring)."""
    platform = {
        "cpu": _prune_cpus(c.platform["cpu"]),
        "motherboard": _prune_boards(c.platform["motherboard"]),
        "memory": skyline(c.platform["memory"], lambda r: (norm_token(cn.kit(r).memory_type), cn.kit(r).total_gb),
                          lambda r: (-r.usd, -(cn.kit(r).modules or 0))),
        "psu": _prune_psus(c.platform["psu"], wall_limit_w),
        "case": _prune_cases(c.platform["case"]),
        "storage": skyline(c.platform["storage"], lambda r: 0, lambda r: (-r.usd,)),
    }
    gpus, options = _prune_gpus(c.gpus, c.options)
    pruned = {cat: len(c.platform[cat]) - len(rows) for cat, rows in platform.items()}
    pruned["gpu"] = len(c.gpus) - len(gpus)
    return replace(c, gpus=tuple(gpus), options=options, pruned=pruned,
                   platform={k: tuple(sorted(v, key=lambda r: (r.usd, r.part.id))) for k, v in platform.items()})


def _prune_cpus(rows: Sequence[Priced]) -> list[Priced]:
    from dlrig.rules.platform import _socket_key

    def dims(r: Priced) -> tuple[Any, ...]:
        p = cn.cpu(r)
        types = frozenset(norm_token(t) for t in p.memory_types) if p.memory_types else ANY
        # pcie_lanes: plans avoid PCIE-LANES warnings, so a dearer CPU with more lanes is not dominated
        return (-r.usd, -(p.tdp_w or 0), p.cores or 0, p.pcie_lanes or 0, _inf(p.max_memory_gb), types)

    return skyline(rows, lambda r: _socket_key(cn.cpu(r).socket), dims)


def _prune_boards(rows: Sequence[Priced]) -> list[Priced]:
    from dlrig.rules.platform import _socket_key

    def group(r: Priced) -> Hashable:
        b = cn.board(r)
        mapped = r.part.id if b.slots and b.slot_positions_known is not False else ""
        return (_socket_key(b.socket), _form(b.form_factor), norm_token(b.memory_type), mapped)

    def dims(r: Priced) -> tuple[Any, ...]:
        b = cn.board(r)
        return (-r.usd, b.memory_slots or 0, _inf(b.max_memory_gb), x16_count(b))

    return skyline(rows, group, dims)


def _prune_psus(rows: Sequence[Priced], wall_limit_w: float) -> list[Priced]:
    def dims(r: Priced) -> tuple[Any, ...]:
        p = cn.psu(r)
        k = p.connectors
        pin8, pin6 = (k.pcie_8pin, k.pcie_6pin) if k else (0, 0)
        return (-r.usd, p.wattage_w or 0, pin8, pin8 + pin6, dc_limit_w(p, wall_limit_w),
                -(p.length_mm or 0))

    def group(r: Priced) -> Hashable:
        p = cn.psu(r)
        return (_form(p.form_factor), p.connectors.pcie_12vhpwr if p.connectors else 0)

    return skyline(rows, group, dims)


def _prune_cases(rows: Sequence[Priced]) -> list[Priced]:
    def dims(r: Priced) -> tuple[Any, ...]:
        c = cn.case(r)
        psus = frozenset(_form(f) for f in c.psu_form_factors) if c.psu_form_factors else ANY
        return (-r.usd, frozenset(_form(f) for f in c.board_form_factors), c.expansion_slots or 0,
                c.max_gpu_length_mm or 0, psus)

    return skyline(rows, lambda r: 0, dims)


def _prune_gpus(gpus: Sequence[Priced], options: Sequence[GpuOption]
                ) -> tuple[list[Priced], tuple[GpuOption, ...]]:
    """Cards compared on price, throughput at every count, power, length, thickness, leads;
    grouped by memory size (more memory also asks for more RAM) and 12VHPWR inputs."""
    by_card: dict[str, dict[int, float]] = {}
    for o in options:
        by_card.setdefault(o.card.part.id, {})[o.count] = o.throughput
    counts = sorted({o.count for o in options})
    with_options = [g for g in gpus if g.part.id in by_card]

    def dims(r: Priced) -> tuple[Any, ...]:
        g = r.part
        need = gpu_needs(g)  # type: ignore[arg-type]
        tps = tuple(by_card[g.id].get(n, -math.inf) for n in counts)
        return (-r.usd, *tps, -(g.board_power_w or 0), -(g.length_mm or 0),  # type: ignore[attr-defined]
                -(width_positions(g) or 9), -need.pin8, -(need.pin8 + need.pin6))  # type: ignore[arg-type]

    def group(r: Priced) -> Hashable:
        g = r.part
        return (g.vram_gb, gpu_needs(g).hpwr)  # type: ignore[attr-defined,arg-type]

    kept = skyline(with_options, group, dims)
    ids = {g.part.id for g in kept}
    return kept, tuple(o for o in options if o.card.part.id in ids)
