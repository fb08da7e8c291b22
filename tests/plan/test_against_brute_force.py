"""The solver's answers against brute force over every combination, on the small catalog."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dlrig.catalog.store import Catalog
from dlrig.plan import brute
from dlrig.plan.candidates import Candidates
from dlrig.plan.plan import budget_cents, candidates_for, plan
from dlrig.plan.request import PlanRequest
from dlrig.plan.solver import Selection

BOOK = "test-book"  # the small catalog's price book (conftest.py)
OBJECTIVES = ("max-throughput", "min-cost", "perf-per-dollar")
BUDGETS = (None, 5000.0, 3000.0, 1500.0)


@dataclass(frozen=True)
class World:
    req: PlanRequest
    full: Candidates
    pruned: Candidates
    feasible: list[Selection]


def _world(catalog: Catalog, region: str) -> World:
    req = PlanRequest(prices=BOOK, precision="fp32", gpus_min=1, gpus_max=3, region=region, alternatives=0)
    full, pruned = candidates_for(req, catalog)
    return World(req, full, pruned, brute.feasible(full, req))


@pytest.fixture(scope="module", params=["us-240v", "us-120v"])
def world(request: pytest.FixtureRequest, small_catalog: Catalog) -> World:
    return _world(small_catalog, request.param)


def _score(s: Selection | None) -> tuple[float, int] | None:
    return None if s is None else (round(s.throughput, 6), s.cents)


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("budget", BUDGETS)
def test_solver_matches_brute_force(world: World, small_catalog: Catalog, objective: str,
                                    budget: float | None) -> None:
    from dataclasses import replace

    req = replace(world.req, objective=objective, budget_usd=budget)  # type: ignore[arg-type]
    expected = brute.best(world.feasible, objective, budget_cents(req))
    if expected is None:
        from dlrig.errors import Infeasible

        with pytest.raises(Infeasible):
            plan(req, small_catalog)
        return
    got = plan(req, small_catalog)
    assert got.optimal
    assert _score(got.selection) == _score(expected)
    assert not [f for f in got.findings if f.severity == "problem"]


def test_brute_force_finds_something(world: World) -> None:
    assert len(world.feasible) > 10  # the fixture is not vacuous


def test_pruning_is_exact(world: World) -> None:
    """The best build over the pruned table is the best over the full one, for every objective."""
    pruned_feasible = brute.feasible(world.pruned, world.req)
    assert sum(len(world.full.of(c)) for c in world.full.platform) > sum(
        len(world.pruned.of(c)) for c in world.pruned.platform)
    for objective in OBJECTIVES:
        assert _score(brute.best(pruned_feasible, objective)) == _score(brute.best(world.feasible, objective))


def test_max_power_limits_the_build(small_catalog: Catalog) -> None:
    """--max-power-w caps the wall draw; the answer is still brute force's."""
    req = PlanRequest(prices=BOOK, precision="fp32",
                      gpus_min=1, gpus_max=3, region="us-240v", alternatives=0, max_power_w=800)
    full, _ = candidates_for(req, small_catalog)
    expected = brute.best(brute.feasible(full, req), "max-throughput")
    got = plan(req, small_catalog)
    assert _score(got.selection) == _score(expected)
    assert got.selection.option.count < 3


def test_pruning_keeps_the_cpu_whose_lanes_three_cards_need(small_catalog: Catalog) -> None:
    """Three cards on the X99 board: the 28-lane i7-5820K leaves one at x4 (a PCIE-LANES warning,
    which plans avoid), so the dearer 40-lane i7-5930K is not dominated and must stay."""
    req = PlanRequest(prices=BOOK, precision="fp32", gpus_min=3, gpus_max=3, region="us-240v", alternatives=0)
    full, pruned = candidates_for(req, small_catalog)
    assert "Intel Core i7-5930K" in {r.part.name for r in pruned.platform["cpu"]}
    feasible = brute.feasible(full, req)
    assert feasible  # three cards on the X99 board with the 5930K
    for objective in OBJECTIVES:
        assert _score(brute.best(brute.feasible(pruned, req), objective)) == _score(brute.best(feasible, objective))


def test_a_workstation_board_goes_in_an_e_atx_case(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The checker puts an SSI CEB board in a case that lists E-ATX (same mounting, no larger); the
    planner must too (its model once asked for CEB by name, and brute force found the builds it missed)."""
    from dlrig.rules import samples as s

    from .conftest import PRICED, write_catalog

    ceb = s.X99_BOARD.model_copy(update={"form_factor": "SSI CEB"})
    priced = [(ceb if p is s.X99_BOARD else p, usd) for p, usd in PRICED
              if p not in (s.AM5_BOARD, s.SUMMARY_BOARD, s.MID_TOWER, s.THOR_V2)]  # one board, one E-ATX case
    catalog = write_catalog(tmp_path / "ceb", priced)
    req = PlanRequest(prices=BOOK, gpus_min=1, gpus_max=2, region="us-240v", alternatives=0)
    full, _ = candidates_for(req, catalog)
    expected = brute.best(brute.feasible(full, req), "max-throughput")
    assert expected is not None and expected.parts["motherboard"].part.form_factor == "SSI CEB"
    assert _score(plan(req, catalog).selection) == _score(expected)
