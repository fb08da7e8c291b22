"""``dlrig estimate`` and ``dlrig fit``: parse the workload options, call the service, render.

The workload options carry ``WorkloadRequest``'s names and documentation (``dlrig.workload_request``),
so the command line, the web API and build files describe one workload the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from dlrig.cli import app
from dlrig.cli.common import catalog, console, emit_json, given, handle_errors, load_build
from dlrig.cli.progress import busy
from dlrig.errors import BadInput
from dlrig.workload_request import WorkloadRequest

if TYPE_CHECKING:
    from dlrig.workload.inference import InferenceEstimate

H = WorkloadRequest.help
CONFIG_HELP = "a Hugging Face config.json: estimate any transformer by its configuration"


def model_name(model: str | None, model_config: Path | None, required: bool = True) -> str | None:
    """--model NAME or --model-config PATH (a ``config:`` name the zoo reads), never both."""
    if model and model_config:
        raise BadInput("give --model or --model-config, not both")
    if model_config is not None:
        return f"config:{model_config}"
    if model is None and required:
        raise BadInput("give --model NAME (dlrig models lists them) or --model-config PATH/config.json")
    return model


@app.command()
@handle_errors
def estimate(
    build: Path | None = typer.Argument(None, help="a build file, PCPartPicker list or probe output; "
                                        "its workload is the default"),
    build_option: Path | None = typer.Option(None, "--build", help="the build, as an option"),
    gpu: str | None = typer.Option(None, "--gpu", help="GPU name when no build is given; inference also takes a "
                                                       "mix: 'RTX 4090, 2x RTX 3090'"),
    gpus: int | None = typer.Option(None, "--gpus", "--count", help="GPU count (default: the build's, or 1)"),
    cpu_cores: int | None = typer.Option(None, "--cpu-cores",
                                         help="CPU cores for the decode stage (overrides the build's CPU; "
                                              "without a build, makes the CPU stage known)"),
    model: str | None = typer.Option(None, "--model", "-m", help=H("model")),
    model_config: Path | None = typer.Option(None, "--model-config", help=CONFIG_HELP),
    precision: str | None = typer.Option(None, help=H("precision")),
    batch: int | None = typer.Option(None, help=H("batch")),
    seq: int | None = typer.Option(None, "--seq", "--context", help=H("seq")),
    infer: bool = typer.Option(False, "--infer", help=H("infer")),
    weights: str | None = typer.Option(None, "--weights", help=H("weights")),
    kv_cache: str | None = typer.Option(None, "--kv-cache", help=H("kv_cache")),
    split: str | None = typer.Option(None, "--split", help=H("split")),
    offload: bool | None = typer.Option(None, "--offload/--no-offload", help=H("offload")),
    ram_bandwidth: float | None = typer.Option(None, "--ram-bandwidth", help=H("ram_bandwidth_gb_s")),
    optimizer: str | None = typer.Option(None, help=H("optimizer")),
    sharding: str | None = typer.Option(None, help=H("sharding")),
    lora: bool = typer.Option(False, "--lora", help=H("lora")),
    qlora: bool = typer.Option(False, "--qlora", help=H("qlora")),
    lora_rank: int | None = typer.Option(None, help=H("lora_rank")),
    recompute: str | None = typer.Option(None, help=H("recompute")),
    attention: str | None = typer.Option(None, help=H("attention")),
    epochs: float | None = typer.Option(None, help=H("epochs")),
    dataset: str | None = typer.Option(None, help=H("dataset")),
    samples: int | None = typer.Option(None, help=H("samples")),
    tokens: float | None = typer.Option(None, help=H("tokens")),
    bytes_per_sample: float | None = typer.Option(None, help=H("bytes_per_sample")),
    file_per_sample: bool | None = typer.Option(None, "--file-per-sample/--packed", help=H("file_per_sample")),
    software: str | None = typer.Option(None, "--software", help=H("software")),
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
    """Memory per GPU, FLOPs, throughput, time to train, data-pipeline bottleneck and power; with
    --infer, an LLM's memory per GPU, layer split and tokens per second."""
    from dlrig.services.estimate import EstimateRequest
    from dlrig.services.estimate import estimate as run
    from dlrig.services.inputs import host_calibration

    if build is not None and build_option is not None:
        raise BadInput("give the build once: as the argument or as --build, not both")
    path = build or build_option
    loaded = load_build(path) if path is not None else None
    workload = given(model=model_name(model, model_config, required=False), precision=precision, batch=batch,
                     seq=seq, optimizer=optimizer, sharding=sharding, lora=lora, qlora=qlora, lora_rank=lora_rank,
                     recompute=recompute, attention=attention, epochs=epochs, dataset=dataset, samples=samples,
                     tokens=tokens, bytes_per_sample=bytes_per_sample, file_per_sample=file_per_sample, infer=infer,
                     weights=weights, kv_cache=kv_cache, split=split, offload=offload,
                     ram_bandwidth_gb_s=ram_bandwidth, software=software)
    if offload is False:
        workload["offload"] = False
    if cpu_only:
        _cpu_only(loaded, gpu, workload, cpu_cores, measured, as_json)
        return
    if loaded is None and gpu is None:
        raise BadInput("give a build file, or --gpu NAME with --model")
    result = run(EstimateRequest(build=loaded, gpu=gpu, gpus=gpus, cpu_cores=cpu_cores, workload=workload,
                                 calibration=host_calibration(loaded, measured)), catalog())
    from dlrig.workload.inference import InferenceEstimate

    if isinstance(result, InferenceEstimate):  # LLM inference
        _inference(result, as_json, plot)
        return
    if plot is not None:
        from dlrig.report.plots import write_estimate_plot

        write_estimate_plot(result, plot)
    if as_json:
        emit_json(result)
    else:
        from dlrig.render.estimate import estimate as view

        view(console(), result)


def _cpu_only(build: object, gpu: str | None, workload: dict, cores: int | None, measured: bool | None,
              as_json: bool) -> None:
    """``--cpu-only``: the CPU training alone: the build's CPU, else this host's (read here, at the edge)."""
    from dlrig.services.estimate import CpuOnlyRequest, cpu_only
    from dlrig.services.inputs import host_cpu_rate, measured_cpu_gemm

    if gpu is not None:
        raise BadInput("--cpu-only estimates the CPU alone: leave out --gpu")
    cpu = getattr(build, "cpu", None)
    gemm = measured_cpu_gemm() if measured else None
    host = host_cpu_rate(cores) if cpu is None and gemm is None else None
    result = cpu_only(CpuOnlyRequest(build=build, workload=workload, cores=cores, measured_gemm_gflops=gemm,  # type: ignore[arg-type]
                                     host=host), catalog())
    if as_json:
        emit_json(result)
        return
    from dlrig.render.estimate import cpu_only as view

    view(console(), result)


def _inference(result: InferenceEstimate, as_json: bool, plot: Path | None) -> None:
    if plot is not None:
        raise BadInput("--plot draws training estimates; an inference estimate has no chart yet")
    if as_json:
        emit_json(result)
    else:
        from dlrig.render.inference import render_inference

        render_inference(result, console())
    if not result.placement.fits:
        raise typer.Exit(1)  # the answer is "no": it does not fit


@app.command()
@handle_errors
def fit(
    model: str | None = typer.Option(None, "--model", "-m", help=H("model")),
    model_config: Path | None = typer.Option(None, "--model-config", help=CONFIG_HELP),
    train: bool = typer.Option(True, "--train/--infer", help="training (default) or inference"),
    precision: str | None = typer.Option(None, help=H("precision")),
    weights: str | None = typer.Option(None, "--weights", help=H("weights")),
    kv_cache: str | None = typer.Option(None, "--kv-cache", help=H("kv_cache")),
    split: str | None = typer.Option(None, "--split", help=H("split")),
    batch: int | None = typer.Option(None, help="micro-batch per GPU (inference: concurrent sequences, default 1)"),
    seq: int | None = typer.Option(None, "--seq", "--context",
                                   help="sequence length (transformers; inference: tokens in the KV cache)"),
    optimizer: str | None = typer.Option(None, help=H("optimizer")),
    sharding: str | None = typer.Option(None, help="none | zero1 | zero2 | fsdp (how extra GPUs share the state; "
                                                   "default fsdp)"),
    lora: bool = typer.Option(False, "--lora", help=H("lora")),
    qlora: bool = typer.Option(False, "--qlora", help=H("qlora")),
    recompute: str | None = typer.Option(None, help=H("recompute")),
    prices: str = typer.Option("latest", help="price book for 'cheapest first': latest, a book name, or a CSV"),
    order: str = typer.Option("auto", help="auto (training: cheapest first; LLM inference: fewest GPUs, then "
                                           "cheapest) | cost | gpus | speed"),
    limit: int = typer.Option(30, min=1, help="rows to show in the table"),
    servers: bool = typer.Option(False, "--servers", help="include server parts: SXM/OAM modules and passively "
                                                          "cooled datacenter cards (default: cards for a desk)"),
    explain: bool = typer.Option(False, "--explain", help="list every GPU left out, with the reason"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document (its 'excluded' lists every GPU "
                                                       "left out)"),
) -> None:
    """Which catalog GPUs hold the model (training or inference), how many (1, 2, 4, 8), cheapest first.

    GPUs that cannot run the request (its precision, today's framework builds, a desktop's form
    factor) are left out first; the defaults assumed are printed; when nothing fits, the answer
    says by how much and what would fit."""
    from dlrig.services.fit import FitRequest
    from dlrig.services.fit import fit as run
    from dlrig.services.inputs import price_book

    name = model_name(model, model_config)
    workload = WorkloadRequest(**given(model=name, precision=precision, batch=batch, seq=seq, optimizer=optimizer,
                                       sharding=sharding, lora=lora, qlora=qlora, recompute=recompute,
                                       weights=weights, kv_cache=kv_cache, split=split))
    cat = catalog()
    with busy(f"fitting {name} on every GPU chip ({'training' if train else 'inference'}) …"):
        result = run(FitRequest(workload, "train" if train else "infer", price_book(cat, prices), order,
                                "server" if servers else "desktop"), cat)
    if as_json:
        emit_json(result)
    else:
        from dlrig.render.estimate import fit as view

        view(console(), list(result.rows), name or "", result.to_json(), limit, explain)
    if not result.any_fits:
        raise typer.Exit(1)  # the answer is "no": no GPU holds it with at most 8
