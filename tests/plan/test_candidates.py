"""The candidate table's GPUs go through dlrig.feasibility: no card that cannot run the request."""

from __future__ import annotations

from dlrig.catalog.store import default_catalog
from dlrig.feasibility import check
from dlrig.plan.candidates import GpuOption, feasible_gpus, plan_need
from dlrig.plan.plan import plan
from dlrig.plan.request import PlanRequest
from dlrig.workload_request import WorkloadRequest as W


def test_qlora_plan_buys_no_card_without_bf16() -> None:
    """Issue 14: this request bought 3 x TITAN RTX (Turing: no bf16), with Titan V and Quadro RTX
    5000 as the alternatives; each is now excluded, with its code, in the plan's JSON."""
    w = W(model="llama-3-8b", qlora=True, recompute="full", seq=2048)
    p = plan(PlanRequest(budget_usd=5000, workload=w, alternatives=3), default_catalog())
    need = plan_need(p.request, None)
    for sel in (p.selection, *(a.selection for a in p.alternatives)):
        assert check(sel.option.gpu, need) is None, sel.option.gpu.name
    doc = p.to_json()["excluded"]
    by_name = {e["gpu"]: e["code"] for e in doc["gpus"]}
    titans = [n for n in by_name if "titan rtx" in n.lower() or "quadro rtx 5000" in n.lower()]
    assert titans and all(by_name[n].startswith("precision-") for n in titans)
    assert sum(doc["by_code"].values()) == len(doc["gpus"])


def test_server_modules_and_passive_cards_are_excluded() -> None:
    cat = default_catalog()
    req = PlanRequest(precision="bf16")
    priced, _ = cat.priced("latest", "gpu")
    _, excluded, _ = feasible_gpus(priced, req, cat.book_info("latest"), _tally())
    codes = {e.code for e in excluded}
    assert "form-passive" in codes or "form-module" in codes


def test_dual_gpu_board_counts_its_gpus() -> None:
    from dlrig.catalog.priced import Priced

    cat = default_catalog()
    k80 = next(g for g in cat.gpu_chips() if g.name == "Tesla K80")
    card = Priced.__new__(Priced)
    object.__setattr__(card, "part", k80)
    assert GpuOption(card=card, count=2, throughput=1.0, throughput_range=(1.0, 1.0)).gpus == 4


def _tally():  # type: ignore[no-untyped-def]
    from dlrig.plan.candidates import _Tally

    return _Tally()
