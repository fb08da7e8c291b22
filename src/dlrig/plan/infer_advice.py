"""Why no build meets an inference target, and what would: each piece of advice evaluated.

Causes (``dlrig.errors.Cause``, with the request field that binds): no priced card can run the
request today (``INFER-NO-CARDS``, dlrig.feasibility); no usable card holds the
model on the GPUs alone (``INFER-MEMORY``); the fastest option is below the target
(``INFER-SPEED``); the cheapest build that meets the target is over the budget (``BUDGET``);
no checker-clean platform for any option (``INFER-PLATFORM``). Advice (:class:`Advice`): the
fastest build within the budget (or the book) and its speed; the next smaller weight format
and half the context, each searched again for the cheapest build that meets the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from dlrig.errors import Cause
from dlrig.plan.explain import usd
from dlrig.plan.infer import (
    Advice,
    InferInfeasible,
    Rates,
    Search,
    as_candidates,
    budget_cents,
    cheapest,
    choice,
    options_for,
)
from dlrig.plan.model import wall_limit_w

if TYPE_CHECKING:
    from dlrig.catalog.priced import Priced
    from dlrig.plan.candidates import Candidates
    from dlrig.plan.infer import Rate
    from dlrig.plan.solver import PlanModel
    from dlrig.workload_request import WorkloadRequest

# The weight formats advice steps down through, most bits first (GGUF's common mixes).
STEPS = ("q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k")
SHORTEST_ADVISED_CONTEXT = 1024


def _speed_text(central: float, rng: tuple[float, float]) -> str:
    return f"{central:,.3g} tokens/s (range {rng[0]:,.3g}-{rng[1]:,.3g})"


def _option_text(card: Priced, n: int, r: Rate) -> str:
    assert r.tokens_per_s is not None and r.tokens_per_s_range is not None
    return f"{n} x {card.part.name}, {_speed_text(r.tokens_per_s, r.tokens_per_s_range)}"


def _counts_text(counts: Sequence[int]) -> str:
    return f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def diagnose(search: Search, cands: Candidates, model: PlanModel | None) -> InferInfeasible:
    """The causes and the advice (module docstring) for a search that found no build."""
    req, t, spec = search.req, search.target, search.spec
    what = f"{spec.model.key} ({spec.weights.key} weights, {spec.context:,}-token context)"
    budget = budget_cents(req)
    fastest = options_for(search.cards, search.rates, req.counts(), None, t.basis)
    causes: list[Cause] = []
    if not search.cards:
        from dlrig.feasibility import summary

        why = ", ".join(f"{code} {n}" for code, n in summary(search.excluded).items())
        causes.append(Cause("INFER-NO-CARDS", f"none of the {len(search.full.gpus)} priced cards in {req.prices} can "
                                              f"run it today ({why or 'none priced'}; dlrig.feasibility)",
                            field="prices"))
    elif not fastest:
        causes.append(Cause("INFER-MEMORY", f"no usable priced card holds {what} on {_counts_text(req.counts())} "
                                            "GPU(s) alone", field="weights"))
    elif not cands.options:
        card, n, r = max(fastest, key=lambda x: x[2].judged(t.basis) or 0.0)
        causes.append(Cause("INFER-SPEED", f"the fastest GPU option is {_option_text(card, n, r)}",
                            field="tokens_per_s"))
    else:
        if budget is not None:
            sel, model, _ = cheapest(search, cands, None, model)
            if sel is not None:
                o = sel.option
                causes.append(Cause("BUDGET", f"the cheapest build that meets the target costs "
                                              f"{usd(sel.parts_usd * (1 + req.tax_rate))}, with {o.count} x "
                                              f"{o.gpu.name}", field="budget_usd"))
        if not causes:
            causes.append(Cause("INFER-PLATFORM", "no checker-clean platform (socket, slots, PSU, case, wall circuit) "
                                                  "for any GPU option that meets the target"))
    advice = [*_best_reachable(search, fastest, budget), *_other_requests(search)]
    return InferInfeasible(f"no build meets {t.describe()} for {what}: {causes[0].message}", causes, advice)


def _best_reachable(search: Search, fastest: list[tuple[Priced, int, Rate]], budget: int | None) -> list[Advice]:
    """The fastest checker-clean build within the budget (or the book), on the same basis."""
    if not fastest:
        return []
    t = search.target
    cands = as_candidates(search.full, fastest, t.basis, wall_limit_w(search.req))
    sel, _, _ = cheapest(search, cands, budget, objective="max-throughput")
    if sel is None:
        return []
    c = choice(sel, search.req)
    s = c.speed
    judged = s.tokens_per_s_range[0] if t.basis == "low" else s.tokens_per_s
    given = search.req.budget_usd
    where = f"within the budget of {usd(given)}" if given is not None else "in the price book"
    text = (f"the fastest checker-clean build {where}: {usd(c.total_usd)} with {sel.option.count} x "
            f"{sel.option.gpu.name}, {_speed_text(s.tokens_per_s, s.tokens_per_s_range)}")
    return [Advice("BEST-REACHABLE", text, field="tokens_per_s", tokens_per_s=judged, total_usd=c.total_usd)]


def _other_requests(search: Search) -> list[Advice]:
    """The next smaller weight format, and half the context: each searched again."""
    spec, w = search.spec, search.req.workload
    assert w is not None
    out = []
    smaller = next((k for k in STEPS if _bits(k) < spec.weights.bits - 0.1), None)
    if smaller is not None:
        out.append(_again(search, w.model_copy(update={"weights": smaller, "precision": None}), "weights",
                          f"with {smaller} weights ({_bits(smaller):.2f} bits per weight; some quality lost)"))
    if spec.context > SHORTEST_ADVISED_CONTEXT:
        half = max(SHORTEST_ADVISED_CONTEXT, spec.context // 2)
        out.append(_again(search, w.model_copy(update={"seq": half}), "seq", f"with a {half:,}-token context"))
    return [a for a in out if a is not None]


def _bits(key: str) -> float:
    from dlrig.workload.quant import weight_format

    return weight_format(key).bits


def _again(search: Search, w: WorkloadRequest, field: str, change: str) -> Advice | None:
    """The search once more with one change to the workload: its cheapest build, or how far short."""
    from dlrig.workload.infer_run import spec_from_request

    spec = replace(spec_from_request(w, search.spec.model), offload=False)
    again = replace(search, req=replace(search.req, workload=w), spec=spec, rates=Rates(spec))
    t, counts = search.target, search.req.counts()
    found = options_for(again.cards, again.rates, counts, t)
    if found:
        cands = as_candidates(again.full, found, t.basis, wall_limit_w(again.req))
        sel, _, _ = cheapest(again, cands, budget_cents(again.req))
        if sel is not None:
            c = choice(sel, again.req)
            s = c.speed
            return Advice(f"INFER-{field.upper()}", f"{change}: {usd(c.total_usd)} with {sel.option.count} x "
                                                    f"{sel.option.gpu.name}, "
                                                    f"{_speed_text(s.tokens_per_s, s.tokens_per_s_range)}",
                          field=field, tokens_per_s=s.tokens_per_s, total_usd=c.total_usd)
        within = " within the budget" if again.req.budget_usd is not None else ""
        return Advice(f"INFER-{field.upper()}", f"{change} {len(found)} card option(s) meet the target, but none "
                                                f"has a checker-clean build{within} (PSU, wall circuit, slots, case)",
                      field=field)
    fast = options_for(again.cards, again.rates, counts, None, t.basis)
    if not fast:
        return None
    card, n, r = max(fast, key=lambda x: x[2].judged(t.basis) or 0.0)
    return Advice(f"INFER-{field.upper()}", f"{change} the target is still out of reach: the fastest is "
                                            f"{_option_text(card, n, r)}", field=field, tokens_per_s=r.tokens_per_s)
