"""`dlrig plan`: the provably best build for a goal, why each part, the alternatives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from dlrig.cli import app
from dlrig.cli.common import catalog, console, emit_json, err, given, handle_errors
from dlrig.cli.progress import busy
from dlrig.errors import BadInput


@app.command()
@handle_errors
def plan(
    budget: float | None = typer.Option(None, "--budget", help="USD, after tax (see --tax-rate)"),
    gpus: str | None = typer.Option(None, "--gpus", help="GPU count (4) or range (2-4); default 1-8"),
    vram_total: float | None = typer.Option(None, "--vram-total", help="target: GB of GPU memory in all"),
    throughput: float | None = typer.Option(None, "--throughput",
                                               help="target: samples/s with --model, else peak TFLOPS"),
    time_to_train: float | None = typer.Option(None, "--time-to-train", help="target: hours (needs --model, --epochs)"),
    model: str | None = typer.Option(None, "--model", "-m", help="workload model (resnet50, llama-3-8b, ...)"),
    precision: str | None = typer.Option(None, help="fp32 | tf32 | fp16 | bf16 | fp8"),
    batch: int | None = typer.Option(None, help="micro-batch per GPU"),
    epochs: float | None = typer.Option(None, help="epochs, for --time-to-train"),
    dataset: str | None = typer.Option(None, help="imagenet | cifar10, for --time-to-train"),
    samples: int | None = typer.Option(None, help="samples per epoch, for --time-to-train"),
    seq: int | None = typer.Option(None, "--seq", "--context",
                                   help="sequence length (transformers), with --model; with --infer, the context"),
    optimizer: str | None = typer.Option(None, "--optimizer", help="adamw | sgd | adamw8bit, with --model"),
    sharding: str | None = typer.Option(None, "--sharding", help="none | zero1 | zero2 | fsdp, with --model"),
    lora: bool = typer.Option(False, "--lora", help="LoRA adapters on a frozen base, with --model"),
    qlora: bool = typer.Option(False, "--qlora", help="LoRA on a 4-bit (NF4) base, with --model"),
    recompute: str | None = typer.Option(None, "--recompute", help="none | selective | full, with --model"),
    prices: str = typer.Option("latest", "--prices",
                               help="price book (latest, street-2025-07, launch, seed-2015) or CSV file"),
    price_fallback: bool = typer.Option(True, "--price-fallback/--no-price-fallback",
                                        help="price platform parts the book lacks from the nearest dated book"),
    objective: str = typer.Option("max-throughput", help="max-throughput | perf-per-dollar | min-cost"),
    region: str | None = typer.Option(None, help="wall circuit (us-120v, us-240v, eu-230v, ...)"),
    tax_rate: float = typer.Option(0.0, "--tax-rate", help="sales tax as a fraction: 0.08 is 8%"),
    include: list[str] = typer.Option([], "--include", help="a part the build must use (repeatable)"),
    exclude: list[str] = typer.Option([], "--exclude", help="leave out parts whose name or id contains TEXT"),
    form_factor: str | None = typer.Option(None, "--form-factor", help="motherboard form factor (ATX, Micro ATX)"),
    single_psu: bool = typer.Option(True, "--single-psu/--any-psu", help="plans always use one PSU"),
    max_power_w: float | None = typer.Option(None, "--max-power-w", help="wall draw limit, W"),
    storage_gb: float = typer.Option(1000.0, "--storage-gb", help="least SSD capacity, GB"),
    alternatives: int = typer.Option(3, "--alternatives", min=0, max=10, help="next-best builds to show (0-10)"),
    frontier: bool = typer.Option(False, "--frontier", help="the cost/throughput Pareto frontier up to --budget"),
    boxes: int | None = typer.Option(None, "--boxes", min=2, max=4, help="compare one box with 2..N smaller "
                                     "boxes (N: 2-4)"),
    time_limit: float = typer.Option(20.0, "--time-limit", help="solver time limit, s"),
    out: Path | None = typer.Option(None, "--out", help="write the build file (YAML)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
    explain: bool = typer.Option(False, "--explain",
                                 help="each GPU left out, with its reason; with --infer, the search and the options "
                                      "that met it"),
    minimal: bool = typer.Option(False, "--minimal",
                                 help="the cheapest build that passes check, not the recommended one"),
    plot: Path | None = typer.Option(None, "--plot", help="with --frontier: write the chart (SVG or PNG)"),
    infer: bool = typer.Option(False, "--infer", help="LLM inference: the cheapest build at --tokens-per-s"),
    tokens_per_s: float | None = typer.Option(None, "--tokens-per-s",
                                              help="with --infer: generated tokens/s the build must reach"),
    speed_basis: str = typer.Option("low", "--speed-basis",
                                    help="with --infer: judge the target at the estimate's low end (default) or "
                                         "central value"),
    weights: str | None = typer.Option(None, "--weights", help="with --infer: weight format (q4_k_m, int4, fp16, ...)"),
    kv_cache: str | None = typer.Option(None, "--kv-cache", help="with --infer: KV cache format (f16, q8_0, ...)"),
    split: str | None = typer.Option(None, "--split", help="with --infer: layer (default) or tensor"),
) -> None:
    """The provably best build for a goal over the catalog: each part's reason, the runners-up."""
    from dlrig.plan.request import PlanRequest, parse_gpu_count
    from dlrig.workload_request import WorkloadRequest

    lo, hi = parse_gpu_count(gpus) if gpus is not None else (None, None)
    inference = given(weights=weights, kv_cache=kv_cache, split=split, tokens_per_s=tokens_per_s)
    if infer or inference:
        from dlrig.cli.plan_infer import infer_options, plan_infer

        training = given(vram_total=vram_total, throughput=throughput, time_to_train=time_to_train,
                         epochs=epochs, dataset=dataset, samples=samples, optimizer=optimizer, sharding=sharding,
                         lora=lora, qlora=qlora, recompute=recompute, frontier=frontier, boxes=boxes, plot=plot)
        if objective != "max-throughput":
            training["objective"] = objective
        workload = infer_options(infer, inference, training, model, precision, seq, batch)
        req = PlanRequest(objective="min-cost", budget_usd=budget, gpus_min=lo, gpus_max=hi, workload=workload,
                          prices=prices, price_fallback=price_fallback, region=region, tax_rate=tax_rate,
                          include=tuple(include), exclude=tuple(exclude), form_factor=form_factor,
                          single_psu=single_psu, max_power_w=max_power_w, min_storage_gb=storage_gb,
                          alternatives=alternatives, time_limit_s=time_limit, minimal=minimal)
        plan_infer(req, tokens_per_s, speed_basis, out, as_json, explain)
        return
    recipe = given(batch=batch, epochs=epochs, dataset=dataset, samples=samples, seq=seq, optimizer=optimizer,
                   sharding=sharding, lora=lora, qlora=qlora, recompute=recompute)
    if recipe and model is None:
        flags = ", ".join(f"--{k.replace('_', '-')}" for k in recipe)
        raise BadInput(f"{flags} {'describes' if len(recipe) == 1 else 'describe'} a workload: add --model")
    workload = WorkloadRequest(model=model, **given(precision=precision), **recipe) if model else None
    req = PlanRequest(objective=objective, budget_usd=budget, gpus_min=lo, gpus_max=hi,  # type: ignore[arg-type]
                      vram_total_gb=vram_total, throughput=throughput, time_to_train_h=time_to_train,
                      workload=workload, precision=None if model else precision, prices=prices,
                      price_fallback=price_fallback, region=region, tax_rate=tax_rate, include=tuple(include),
                      exclude=tuple(exclude), form_factor=form_factor, single_psu=single_psu,
                      max_power_w=max_power_w, min_storage_gb=storage_gb, alternatives=alternatives,
                      time_limit_s=time_limit, minimal=minimal)
    if frontier:
        _frontier(req, as_json, plot)
        return
    if plot is not None:
        raise BadInput("--plot draws the frontier: add --frontier")
    _plan(req, boxes, out, as_json, explain)


def _plan(req: Any, boxes: int | None, out: Path | None, as_json: bool, explain: bool = False) -> None:
    from dlrig.services.plan import plan as run

    if out is not None:
        from dlrig.atomic import writable_file

        out = writable_file(out)  # before the solve: a bad path is said at once
    cat = catalog()
    with busy("planning: building candidates and solving …"):
        result = run(req, cat, boxes)
    if out is not None:
        _write(result.plan, out, cat)
    if as_json:
        emit_json(result)
    else:
        from dlrig.render.plan import render_plan

        render_plan(result.plan, result.boxes, console(), explain)


def _write(plan: Any, out: Path, cat: Any) -> None:
    """The build file, and the plan's own prices beside it, so `dlrig cost` prices it as the plan did."""
    from dataclasses import replace

    from dlrig.atomic import write_atomic
    from dlrig.build import save_build
    from dlrig.pcpartpicker import book_to_csv
    from dlrig.plan.plan import file_build

    prices = out.with_name(out.stem + ".prices.csv")
    write_atomic(prices, book_to_csv(plan.price_book()))
    save_build(replace(file_build(plan.build, cat), prices=prices.name), out)
    err(f"wrote {out} and {prices.name}")


def _frontier(req: Any, as_json: bool, plot: Path | None = None) -> None:
    from dlrig.services.plan import frontier as run

    with busy("tracing the cost/throughput frontier …"):
        f = run(req, catalog())
    if plot is not None:
        from dlrig.report.charts import frontier_points
        from dlrig.report.plots import write_frontier_plot

        write_frontier_plot(frontier_points(f), plot, unit=f.throughput_unit)
    if as_json:
        emit_json(f)
    else:
        from dlrig.render.plan import render_frontier

        render_frontier(f, console())
