"""Terminal views of ``dlrig estimate`` and ``dlrig fit``: memory, throughput, pipeline, power."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _gb(x: float) -> str:
    return f"{x:,.1f}"


def _count(x: float) -> str:
    return f"{x / 1e9:,.2f} B" if x >= 1e9 else f"{x / 1e6:,.1f} M"


def _rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else f"{x:,.2f}"


def estimate(con: Console, e: Any) -> None:
    """Rich tables for one estimate."""
    from dlrig.workload.memory import card_capacity_gb

    m = e.memory
    con.print(f"[bold]{e.model.name}[/] on {e.machine.gpus} x {e.machine.gpu.name}, {e.precision}, batch {e.batch}"
              + (f", seq {e.seq}" if e.seq else "") + f"  ({_count(e.model.params)} parameters)")
    t = Table(title="Memory per GPU (GB)", title_justify="left")
    t.add_column("part")
    t.add_column("GB", justify="right")
    for name, value in m.breakdown_gb.items():
        t.add_row(name.replace("_", " "), _gb(value))
    low, high = m.per_gpu_gb_range
    vram = f" of a {m.vram_gb:g} GB card (= {card_capacity_gb(m.vram_gb):,.1f} GB of 1e9 bytes)" if m.vram_gb else ""
    verdict = m.verdict
    t.add_row("[bold]total[/]", f"[bold]{_gb(m.per_gpu_gb)}[/] ({_gb(low)}-{_gb(high)}){vram}: {verdict}")
    con.print(t)
    con.print(f"recipe: {m.recipe.get('description')}"
              + (f" = {m.recipe['total']:g} B/param" if "total" in m.recipe else ""))
    con.print(f"largest batch that fits: {m.max_batch}" if m.max_batch is not None else "")
    tp = e.throughput
    lo, hi = tp.range
    con.print(f"\n[bold]Throughput[/]: {_rate(tp.samples_per_s)} {e.model.sample_unit}s/s "
              f"(range {_rate(lo)}-{_rate(hi)}), {tp.source}: {tp.detail}")
    if tp.scaling:
        s = tp.scaling
        con.print(f"  data parallel: {s.link}; all-reduce {s.allreduce_s * 1e3:,.1f} ms/step, "
                  f"exposed {s.exposed_s * 1e3:,.1f} ms, efficiency {s.efficiency:.0%}")
    if e.inference is not None:
        a, b = e.inference.range
        con.print(f"inference (forward only, batch {e.batch}): {_rate(e.inference.samples_per_s)} "
                  f"{e.model.sample_unit}s/s per GPU (range {_rate(a)}-{_rate(b)})")
    if e.cpu_only is not None:
        a, b = e.cpu_only.range
        con.print(f"the CPU alone ({e.machine.cpu.name}) would train at {_rate(e.cpu_only.samples_per_s)} "
                  f"{e.model.sample_unit}s/s (range {_rate(a)}-{_rate(b)}): the GPUs are "
                  f"~{tp.samples_per_s / e.cpu_only.samples_per_s:,.0f}x faster")
    con.print(f"FLOPs per {e.model.sample_unit}: forward {e.forward_flops_per_sample / 1e9:,.2f} G, "
              f"training {e.train_flops_per_sample / 1e9:,.2f} G (2 x MACs, attention included)")
    _render_pipeline(e, con)
    if e.time_to_train_h is not None:
        a, b = e.time_to_train_h_range or (e.time_to_train_h, e.time_to_train_h)
        con.print(f"time to train: {e.time_to_train_h:,.1f} h (range {a:,.1f}-{b:,.1f}) for "
                  f"{e.samples_total:,.0f} {e.model.sample_unit}s")
    low, high = e.power_w_range or (e.power_w, e.power_w)
    load_lo, _, load_hi = e.gpu_load or (0.0, 0.0, 0.0)
    share = f"a step {e.compute_share:.0%} compute-bound" if e.compute_share is not None else "an unknown compute share"
    con.print(f"power at this workload: {low:,.0f}-{high:,.0f} W DC: busy GPUs at {load_lo:.0%}-{load_hi:.0%} of "
              f"board power for {share} (H100 SXM5 measured: ResNet-50 0.67, bf16 GEMM 0.99)"
              + (f" (unknown: {', '.join(e.power_unknown)})" if e.power_unknown else ""))
    for note in (*tp.notes, *e.notes, *m.assumptions):
        con.print(f"[dim]note: {note}[/]")


def cpu_only(con: Console, result: Any) -> None:
    """``dlrig estimate --cpu-only``: the CPU training the model alone."""
    tp = result.throughput
    lo, hi = tp.range
    con.print(f"[bold]{result.model.name}[/] trained on the CPU alone ({result.rate.name}, {result.software} "
              f"software): {_rate(tp.samples_per_s)} {result.model.sample_unit}s/s (range {_rate(lo)}-{_rate(hi)})")
    con.print(f"[dim]{tp.detail}[/]")


def _render_pipeline(e: Any, con: Console) -> None:
    p = e.pipeline
    t = Table(title=f"Data pipeline (demand {_rate(p.demand_samples_per_s)}/s = {p.demand_mb_s:,.0f} MB/s from disk)",
              title_justify="left")
    for col in ("stage", "supply /s", "detail"):
        t.add_column(col, justify="right" if col == "supply /s" else "left")
    for s in p.stages:
        mark = "[bold red]" if s.name == p.bottleneck else ""
        supply = "unknown" if s.supply_samples_per_s is None else _rate(s.supply_samples_per_s)
        t.add_row(f"{mark}{s.name}", supply, s.detail)
    con.print(t)
    binding = next(s for s in p.stages if s.name == p.bottleneck)
    if p.bottleneck == "GPU compute":
        con.print(f"bottleneck: GPU compute (the next stage has {p.factor:,.1f}x headroom)")
    else:
        con.print(f"[bold]bottleneck: {p.bottleneck}[/], GPUs could use {p.factor:,.1f}x more; fix: {binding.fix}")
    if p.unknown:
        con.print(f"[dim]not checked (figures unknown): {', '.join(p.unknown)}[/]")


def fit(con: Console, rows: list[Any], model: str, doc: dict[str, Any], limit: int, explain: bool = False) -> None:
    from dlrig.render import feasibility as feas

    inf = doc.get("inference")
    what = "for training" + (f" (sharding {doc['sharding']})" if doc["sharding"] else "") \
        if doc["mode"] == "train" else (
            f"for inference: {inf['weights']} weights, {inf['context']:,}-token context, {inf['split']} split"
            if inf else "for inference (weights and KV cache split over the GPUs)")
    t = Table(title=f"GPUs that hold {model} {what}, {doc['order']}", title_justify="left")
    cols = ["GPU", "VRAM GB", "GPUs needed", "GB per GPU", "cost USD", "price date"]
    if doc["mode"] == "train":
        cols.append("samples/s")
    elif inf:
        cols += ["tokens/s", "range", "prompt tok/s"]
    for col in cols:
        t.add_column(col, justify="left" if col in ("GPU", "price date") else "right")
    fitting = [r for r in rows if r.gpus is not None]
    for r in fitting[:limit]:
        cells = [r.gpu, f"{r.vram_gb:g}", str(r.gpus), _gb(r.per_gpu_gb),
                 f"{r.cost_usd:,.0f}" if r.cost_usd is not None else "no price", r.price_date or "-"]
        if doc["mode"] == "train":
            cells.append((_rate(r.samples_per_s) + ("*" if r.speed_outside_fit else "")) if r.samples_per_s else "-")
        elif inf:
            lo, hi = r.tokens_per_s_range or (0, 0)
            cells += [(_rate(r.tokens_per_s) + ("*" if r.speed_outside_fit else "")) if r.tokens_per_s else "-",
                      f"{_rate(lo)}-{_rate(hi)}" if r.tokens_per_s_range else "-",
                      _rate(r.prompt_tokens_per_s) if r.prompt_tokens_per_s else "-"]
        t.add_row(*cells)
    con.print(t)
    con.print(f"{len(fitting)} of {len(rows)} GPU chips that can run it fit with at most 8 GPUs; "
              f"prices: {doc['prices']}"
              + (f"; {len(fitting) - limit} more with --limit or --json" if len(fitting) > limit else ""))
    for note in (inf or {}).get("notes", []):
        con.print(f"[dim]note: {note}[/]")
    if any(r.speed_outside_fit and (r.tokens_per_s or r.samples_per_s) for r in fitting[:limit]):
        con.print("[dim]note: * not an NVIDIA GPU: the speed model was fitted on NVIDIA/CUDA measurements only; "
                  "other vendors' software is unchecked[/]")
    if any(r.gpus_per_board > 1 for r in fitting[:limit]):
        con.print("[dim]note: a board with several GPUs (Tesla K80) is counted as its GPUs, each with its own "
                  "memory; the cost is for whole boards[/]")
    feas.assumptions(con, doc.get("assumptions") or [])
    feas.advice(con, doc)
    feas.excluded(con, doc.get("excluded") or [], explain)
    feas.software(con, doc.get("feasibility"))
