"""`dlrig estimate` and `dlrig fit`: a workload's memory, speed, pipeline and power; which GPUs hold it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from dlrig.cli import app
from dlrig.cli.common import console, emit_json, handle_errors

MODEL_HELP = "zoo model (resnet50, llama-3-8b, ...) or torchvision:NAME / timm:NAME (needs dlrig[torch])"


def _workload(**options: Any) -> dict[str, Any]:
    """Command-line options as WorkloadRequest fields; unset options stay out."""
    return {k: v for k, v in options.items() if v is not None and v is not False}


@app.command()
@handle_errors
def estimate(
    build: Path | None = typer.Argument(None, help="build file (YAML); its workload is the default"),
    build_option: Path | None = typer.Option(None, "--build", help="the build file, as an option"),
    gpu: str | None = typer.Option(None, "--gpu", help="GPU name, when no build file is given"),
    gpus: int | None = typer.Option(None, "--gpus", "--count", help="GPU count (default: the build's, or 1)"),
    cpu_cores: int | None = typer.Option(None, "--cpu-cores",
                                         help="CPU cores for the decode stage (overrides the build's CPU; "
                                              "without a build, makes the CPU stage known)"),
    model: str | None = typer.Option(None, "--model", "-m", help=MODEL_HELP),
    precision: str | None = typer.Option(None, help="fp32 | tf32 | fp16 | bf16 | fp8"),
    batch: int | None = typer.Option(None, help="micro-batch per GPU"),
    seq: int | None = typer.Option(None, help="sequence length (transformers)"),
    optimizer: str | None = typer.Option(None, help="adamw | sgd | adamw8bit"),
    sharding: str | None = typer.Option(None, help="none | zero1 | zero2 | fsdp"),
    lora: bool = typer.Option(False, "--lora", help="LoRA adapters on a frozen base"),
    qlora: bool = typer.Option(False, "--qlora", help="LoRA on a 4-bit (NF4) base"),
    lora_rank: int | None = typer.Option(None, help="adapter rank (default 16)"),
    recompute: str | None = typer.Option(None, help="activation recomputation: none | selective | full"),
    attention: str | None = typer.Option(None, help="flash (default) | eager"),
    epochs: float | None = typer.Option(None, help="epochs over --dataset or --samples"),
    dataset: str | None = typer.Option(None, help="imagenet | cifar10"),
    samples: int | None = typer.Option(None, help="samples per epoch (or in total without --epochs)"),
    tokens: float | None = typer.Option(None, help="training tokens (transformers)"),
    bytes_per_sample: float | None = typer.Option(None, help="bytes per sample on disk (default: dataset's)"),
    software: str | None = typer.Option(None, "--software",
                                        help="typical (default: PyTorch eager, NCHW, as Lambda measured) | tuned "
                                             "(channels-last, cuDNN autotuning, fused optimizer, GPU-side input)"),
    cpu_only: bool = typer.Option(False, "--cpu-only",
                                  help="train on the CPU alone: the build's CPU, else this host's (--cpu-cores N "
                                       "overrides its cores; --measured uses its measured GEMM rate)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
    plot: Path | None = typer.Option(None, "--plot", help="also write a chart (SVG or PNG): memory and pipeline"),
    measured: bool | None = typer.Option(None, "--measured/--modelled",
                                         help="disk, decode and (where the bench trained it on this GPU) "
                                              "ResNet-50 rates from this host's `dlrig bench --save` "
                                              "(default: for build files written by `dlrig probe`)"),
) -> None:
    """Memory per GPU, FLOPs, throughput, time to train, data-pipeline bottleneck and power."""
    from dlrig.workload.estimate import run_estimate

    options = _workload(model=model, precision=precision, batch=batch, seq=seq, optimizer=optimizer,
                        sharding=sharding, lora=lora, qlora=qlora, lora_rank=lora_rank, recompute=recompute,
                        attention=attention, epochs=epochs, dataset=dataset, samples=samples, tokens=tokens,
                        bytes_per_sample=bytes_per_sample, software=software)
    from dlrig.errors import BadInput

    if build is not None and build_option is not None:
        raise BadInput("give the build file once: as the argument or as --build, not both")
    if cpu_only:
        _cpu_only(build or build_option, gpu, options, cpu_cores, measured, as_json)
        return
    result = run_estimate(build or build_option, gpu, gpus, options, measured=measured, cpu_cores=cpu_cores)
    if plot is not None:
        from dlrig.report.plots import write_estimate_plot

        write_estimate_plot(result, plot)
    if as_json:
        emit_json(result.to_dict())
    else:
        render_estimate(result)


@app.command()
@handle_errors
def fit(
    model: str = typer.Option(..., "--model", "-m", help=MODEL_HELP),
    train: bool = typer.Option(True, "--train/--infer", help="training (default) or inference memory"),
    precision: str | None = typer.Option(None, help="fp32 | tf32 | fp16 | bf16 | fp8"),
    batch: int | None = typer.Option(None, help="micro-batch per GPU (inference default 1)"),
    seq: int | None = typer.Option(None, help="sequence length (transformers; inference: tokens in the KV cache)"),
    optimizer: str | None = typer.Option(None, help="adamw | sgd | adamw8bit"),
    sharding: str = typer.Option("fsdp", help="none | zero1 | zero2 | fsdp (how extra GPUs share the state)"),
    lora: bool = typer.Option(False, "--lora"),
    qlora: bool = typer.Option(False, "--qlora"),
    recompute: str | None = typer.Option(None, help="none | selective | full"),
    prices: str = typer.Option("latest", help="price book for 'cheapest first': latest, a book name, or a CSV"),
    limit: int = typer.Option(30, help="rows to show in the table"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """Which catalog GPUs hold the model (training or inference), how many (1, 2, 4, 8), cheapest first."""
    from dlrig.catalog.store import default_catalog
    from dlrig.workload.estimate import WorkloadRequest
    from dlrig.workload.fit import fit_document, fit_gpus

    mode = "train" if train else "infer"
    req = WorkloadRequest(**_workload(model=model, precision=precision, batch=batch, seq=seq, optimizer=optimizer,
                                      sharding=sharding, lora=lora, qlora=qlora, recompute=recompute))
    catalog = default_catalog()
    book = catalog.price_book(prices)
    rows = fit_gpus(req, catalog.gpu_chips(), mode=mode, book=book)
    doc = fit_document(model, sharding, mode, book.name, rows)
    if as_json:
        emit_json(doc)
    else:
        _render_fit(rows, model, doc, limit)
    if not any(r["gpus"] is not None for r in doc["gpus"]):
        raise typer.Exit(1)  # the answer is "no": no GPU holds it with at most 8


def _gb(x: float) -> str:
    return f"{x:,.1f}"


def _count(x: float) -> str:
    return f"{x / 1e9:,.2f} B" if x >= 1e9 else f"{x / 1e6:,.1f} M"


def _rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else f"{x:,.2f}"


def render_estimate(e: Any, out: Any = None) -> None:
    """Rich tables for one estimate (Rich is imported here, never at module import)."""
    from rich.table import Table

    from dlrig.workload.memory import card_capacity_gb

    con = out or console()
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


def _cpu_only(build: Path | None, gpu: str | None, options: dict[str, Any], cores: int | None,
              measured: bool | None, as_json: bool) -> None:
    """``--cpu-only``: the CPU training alone (dlrig.workload.cpu_train)."""
    from dlrig.errors import BadInput
    from dlrig.workload.cpu_train import cpu_training, rate_for
    from dlrig.workload.software import check
    from dlrig.workload.zoo import get_model

    if gpu is not None:
        raise BadInput("--cpu-only estimates the CPU alone: leave out --gpu")
    cpu = None
    if build is not None:
        from dlrig.build import load_build
        from dlrig.catalog.store import default_catalog

        loaded = load_build(build, default_catalog())
        cpu = loaded.cpu
        options = {**({k: v for k, v in loaded.workload.model_dump().items() if v is not None}
                      if loaded.workload else {}), **options}
    if "model" not in options:
        raise BadInput("--model is needed (or a build file with a workload)")
    model, software = get_model(options["model"]), check(options.get("software"))
    gemm = None
    if measured:
        from dlrig.machine.calibration import load_calibration

        saved = load_calibration()
        gemm = ((saved or {}).get("measured") or {}).get("cpu_gemm_fp32_gflops")
        if not gemm:
            raise BadInput("no measured CPU GEMM for this host: run `dlrig bench --save` first")
    rate = rate_for(cpu, cores, gemm)
    tp = cpu_training(model, rate, software)
    lo, hi = tp.range
    if as_json:
        emit_json({"model": model.key, "cpu": rate.name, "software": software, "samples_per_s": tp.samples_per_s,
                   "range": [lo, hi], "cpu_gflops": rate.gflops, "detail": tp.detail})
        return
    con = console()
    con.print(f"[bold]{model.name}[/] trained on the CPU alone ({rate.name}, {software} software): "
              f"{_rate(tp.samples_per_s)} {model.sample_unit}s/s (range {_rate(lo)}-{_rate(hi)})")
    con.print(f"[dim]{tp.detail}[/]")


def _render_pipeline(e: Any, con: Any) -> None:
    from rich.table import Table

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


def _render_fit(rows: list[Any], model: str, doc: dict[str, Any], limit: int) -> None:
    from rich.table import Table

    what = "for training" + (f" (sharding {doc['sharding']})" if doc["sharding"] else "") \
        if doc["mode"] == "train" else "for inference (tensor parallel over the GPUs)"
    t = Table(title=f"GPUs that hold {model} {what}, {doc['order']}", title_justify="left")
    cols = ["GPU", "VRAM GB", "GPUs needed", "GB per GPU", "cost USD", "price date"]
    if doc["mode"] == "train":
        cols.append("samples/s")
    for col in cols:
        t.add_column(col, justify="left" if col in ("GPU", "price date") else "right")
    fitting = [r for r in rows if r.gpus is not None]
    for r in fitting[:limit]:
        cells = [r.gpu, f"{r.vram_gb:g}", str(r.gpus), _gb(r.per_gpu_gb),
                 f"{r.cost_usd:,.0f}" if r.cost_usd is not None else "no price", r.price_date or "-"]
        if doc["mode"] == "train":
            cells.append(_rate(r.samples_per_s) if r.samples_per_s else "-")
        t.add_row(*cells)
    con = console()
    con.print(t)
    con.print(f"{len(fitting)} of {len(rows)} GPU chips fit with at most 8 GPUs; prices: {doc['prices']}"
              + (f"; {len(fitting) - limit} more with --limit or --json" if len(fitting) > limit else ""))
