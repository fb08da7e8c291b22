"""Terminal view of an LLM inference estimate: where the layers go, memory per GPU, tokens per second."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from dlrig.workload.inference import InferenceEstimate


def _rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}" if x >= 10 else f"{x:,.2f}"


def _count(gpus: tuple) -> str:
    names: dict[str, int] = {}
    for g in gpus:
        names[g.name] = names.get(g.name, 0) + 1
    return " + ".join(f"{n} x {name}" for name, n in names.items())


def render_inference(e: InferenceEstimate, con: Console) -> None:
    s, pl = e.spec, e.placement
    m = s.model
    con.print(f"[bold]{m.name}[/] inference on {_count(e.gpus)}: {s.weights.name} weights "
              f"({s.weights.bits:.2f} bits), KV cache {s.kv.key}, {s.context:,}-token context, batch {s.batch}, "
              f"{pl.split} split  ({m.params / 1e9:,.2f} B parameters"
              + (f", {m.active_params / 1e9:,.2f} B active" if m.active_params < m.params else "") + ")")
    con.print(f"weights {e.weights_gb:,.1f} GB, KV cache {e.kv_cache_gb:,.2f} GB in all; layers: {pl.layers_text}")
    t = Table(title="Memory per GPU (GB)", title_justify="left")
    for col in ("#", "layers", "weights", "KV cache", "other", "total (range)", "of", ""):
        t.add_column(col, justify="left" if col in ("#", "") else "right")
    for i, sh in enumerate(pl.shares, start=1):
        b = sh.breakdown_gb
        other = sum(v for k, v in b.items() if k not in ("weights", "kv_cache"))
        lo, hi = sh.per_gpu_gb_range
        t.add_row(str(i), str(sh.layers), f"{b.get('weights', 0.0):,.2f}", f"{b.get('kv_cache', 0.0):,.2f}",
                  f"{other:,.2f}", f"{sh.per_gpu_gb:,.1f} ({lo:,.1f}-{hi:,.1f})", f"{sh.capacity_gb:,.1f}",
                  "fits" if sh.fits else "[bold red]does NOT fit[/]")
    con.print(t)
    con.print("[dim]GPUs: " + "; ".join(f"#{i} {sh.gpu}" for i, sh in enumerate(pl.shares, start=1))
              + ". other: compute buffer, embeddings, CUDA context and allocator. Capacity: the card's GiB in GB of "
                "1e9 bytes[/]")
    if pl.cpu_layers:
        con.print(f"system RAM: {pl.cpu_layers} layers, {pl.cpu_gb:,.1f} GB (weights and their KV cache)")
    con.print("[bold]fits[/]" if pl.fits else "[bold red]does not fit[/]"
              + ("" if s.offload or s.split == "tensor" else " (offload to system RAM is off)"))
    sp = e.speed
    if sp is not None:
        lo, hi = sp.tokens_per_s_range
        plo, phi = sp.prompt_tokens_per_s_range
        con.print(f"\n[bold]Generation[/]: {_rate(sp.tokens_per_s)} tokens/s (range {_rate(lo)}-{_rate(hi)})"
                  + (f", {_rate(sp.per_sequence_tokens_per_s)} per sequence" if s.batch > 1 else "")
                  + f"; bound by {sp.bound}")
        con.print(f"[bold]Prompt processing[/]: {_rate(sp.prompt_tokens_per_s)} tokens/s (range "
                  f"{_rate(plo)}-{_rate(phi)}); a {s.context:,}-token prompt takes ~{sp.time_to_first_token_s:,.1f} s")
        for note in sp.notes:
            con.print(f"[dim]note: {note}[/]")
    for note in (*pl.notes, *e.notes):
        con.print(f"[dim]note: {note}[/]")
