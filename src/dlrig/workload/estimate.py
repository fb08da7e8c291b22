"""A workload on a build: memory, FLOPs, throughput, time to train, pipeline, power.

``estimate`` is the one core function the CLI and the web app call (``dlrig.workload.fit``
answers "which GPUs hold this model"). It returns frozen results and prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from dlrig.catalog.models import PRECISIONS, Cpu, Gpu, Precision, Storage
from dlrig.errors import BadInput
from dlrig.workload import datasets as ds
from dlrig.workload import memory as mem
from dlrig.workload import pipeline as pipe
from dlrig.workload import throughput as thr
from dlrig.workload.flops import TRAIN_FLOPS_FACTOR, forward_flops_per_sample
from dlrig.workload.power_draw import power_draw, training_load
from dlrig.workload.zoo import ModelSpec, get_model
from dlrig.workload_request import WorkloadRequest

if TYPE_CHECKING:
    from dlrig.build import Build

DEFAULT_BATCH = {"cnn": 64, "transformer": 8, "large": 1}  # per GPU; "large" = over 1B parameters
LORA_TRAIN_FACTOR = 2.0  # frozen weights: forward + input gradients, no weight gradients
FIT_COUNTS = (1, 2, 4, 8)


@dataclass(frozen=True)
class Machine:
    """The hardware an estimate runs on: a build's parts, or a bare GPU and count."""

    gpu: Gpu
    gpus: int = 1
    power_limit_w: float | None = None
    cpu: Cpu | None = None
    storage: tuple[Storage, ...] = ()
    pcie_gen: float | None = None
    pcie_lanes: int | None = None  # per GPU
    notes: tuple[str, ...] = ()
    calibration: dict[str, Any] | None = None  # this host's saved bench (dlrig bench --save)
    # Accuracy benchmark only: predict as if Lambda had never measured this chip (its rows are
    # not used, and the calibration is refitted without it).
    held_out_chip: str | None = None
    # Lambda software regime the model is fitted on: "v1" (2024, today's software) for the tool;
    # the accuracy benchmark sets "v0" to predict Lambda's 2022 rows with the 2022 fit.
    lambda_version: str = "v1"
    gpu_list: tuple[Gpu, ...] = ()  # every card, in order, where they differ (inference places layers on each)
    ram_gb: float | None = None  # the build's system memory
    ram_bandwidth_gb_s: float | None = None  # its peak bandwidth, where the CPU and kits say


@dataclass(frozen=True)
class Estimate:
    model: ModelSpec
    precision: Precision
    batch: int
    seq: int | None
    machine: Machine
    memory: mem.MemoryEstimate
    forward_flops_per_sample: float
    train_flops_per_sample: float
    throughput: thr.Throughput
    pipeline: pipe.Pipeline
    samples_total: float | None
    time_to_train_h: float | None
    time_to_train_h_range: tuple[float, float] | None
    power_w: float  # the high end of power_w_range (running costs err high)
    power_unknown: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())
    dataset: ds.DataSpec | None = None
    power_w_range: tuple[float, float] | None = None  # busy GPUs at the low and high training load
    gpu_load: tuple[float, float, float] | None = None  # (low, central, high) share of board power
    compute_share: float | None = None  # the modelled step's compute share, which sets the load
    software: str = "typical"  # the software regime the throughput assumes (dlrig.workload.software)

    @cached_property
    def inference(self) -> thr.Throughput | None:
        """CNNs: forward-pass images/s on one GPU at the batch (None otherwise); computed on use."""
        return _inference(self.model, self.precision, self.batch, self.machine, self.software)

    @cached_property
    def cpu_only(self) -> thr.Throughput | None:
        """CNNs: the build's CPU training the model alone (dlrig.workload.cpu_train); computed on use."""
        from dlrig.workload.cpu_train import cpu_alone

        return None if self.machine.held_out_chip else cpu_alone(self.model, self.machine.cpu, self.software)

    def to_dict(self) -> dict[str, Any]:
        return self.to_json()

    def to_json(self) -> dict[str, Any]:
        """The ``dlrig estimate --json`` document: the nested detail plus the flat headline keys."""
        from dataclasses import asdict

        m = self.memory
        return {
            "model": {"key": self.model.key, "name": self.model.name, "family": self.model.family,
                      "params": self.model.params, "active_params": self.model.active_params,
                      "reference": self.model.reference, "source": self.model.source},
            "precision": self.precision, "batch": self.batch, "seq": self.seq,
            "gpu": self.machine.gpu.name, "gpus": self.machine.gpus,
            "memory": {"per_gpu_gb": m.per_gpu_gb, "per_gpu_gb_range": list(m.per_gpu_gb_range),
                       "breakdown": m.breakdown_gb, "fits": m.fits, "verdict": m.verdict,
                       "required_gb_range": list(m.required_gb_range) if m.required_gb_range else None,
                       "max_batch": m.max_batch,
                       "vram_gb": m.vram_gb, "recipe_bytes_per_param": m.recipe,
                       "trainable_params": m.trainable_params, "assumptions": list(m.assumptions)},
            "flops": {"forward_per_sample": self.forward_flops_per_sample,
                      "train_per_sample": self.train_flops_per_sample,
                      "train_total": self.train_flops_per_sample * self.samples_total if self.samples_total else None,
                      "convention": "FLOPs = 2 x multiply-accumulates, attention included; train = "
                                    f"{self.train_flops_per_sample / self.forward_flops_per_sample:g} x forward "
                                    "(3: forward + backward; 2 with LoRA/QLoRA, no weight gradients of the frozen "
                                    "base; + 1 with full recomputation)"},
            "throughput": {"samples_per_s": self.throughput.samples_per_s, "range": list(self.throughput.range),
                           "source": self.throughput.source, "detail": self.throughput.detail,
                           "per_gpu_samples_per_s": self.throughput.per_gpu_samples_per_s,
                           "scaling": asdict(self.throughput.scaling) if self.throughput.scaling else None,
                           "notes": list(self.throughput.notes)},
            "samples_total": self.samples_total,
            "time_to_train_h": self.time_to_train_h,
            "time_to_train_h_range": list(self.time_to_train_h_range) if self.time_to_train_h_range else None,
            "pipeline": {"stages": [asdict(s) for s in self.pipeline.stages],
                         "bottleneck": self.pipeline.bottleneck, "factor": self.pipeline.factor,
                         "demand_samples_per_s": self.pipeline.demand_samples_per_s,
                         "demand_mb_s": self.pipeline.demand_mb_s,
                         "achieved_samples_per_s": self.pipeline.achieved_samples_per_s,
                         "unknown": list(self.pipeline.unknown)},
            "power_w": self.power_w, "power_unknown": list(self.power_unknown),
            "power_w_range": list(self.power_w_range) if self.power_w_range else None,
            "gpu_load": list(self.gpu_load) if self.gpu_load else None, "compute_share": self.compute_share,
            "inference": None if self.inference is None else {
                "samples_per_s_per_gpu": self.inference.samples_per_s, "range": list(self.inference.range),
                "batch": self.inference.batch, "detail": self.inference.detail},
            "cpu_only": None if self.cpu_only is None else {
                "samples_per_s": self.cpu_only.samples_per_s, "range": list(self.cpu_only.range),
                "detail": self.cpu_only.detail,
                "gpus_faster_x": self.throughput.samples_per_s / self.cpu_only.samples_per_s},
            "notes": list(self.notes),
            **self.flat(),
        }

    def flat(self) -> dict[str, Any]:
        """The issue's flat keys (issue 4): the headline figures, each also in the nested detail.

        ``samples_per_s`` is the rate the machine trains at, the slowest pipeline stage
        included (the GPUs' own rate is ``throughput.samples_per_s``); its range scales the
        throughput range the same way. ``sources`` says where each figure came from.
        """
        from dataclasses import asdict

        pl = self.pipeline
        return {"samples_per_s": pl.achieved_samples_per_s,
                "samples_per_s_range": list(pl.achieved_range or (pl.achieved_samples_per_s,) * 2),
                "memory_per_gpu_gb": self.memory.per_gpu_gb, "memory_breakdown": dict(self.memory.breakdown_gb),
                "fits": self.memory.fits, "max_batch": self.memory.max_batch,
                "time_to_train_h": self.time_to_train_h, "bottleneck": pl.bottleneck,
                "stages": [asdict(st) for st in pl.stages], "power_w": self.power_w,
                "sources": list(self.sources())}

    def sources(self) -> tuple[dict[str, str], ...]:
        tp = self.throughput
        what = "Lambda measurement" if tp.source == "measured" else "model"
        out = [{"figure": "samples_per_s", "kind": what, "source": tp.detail},
               {"figure": "model", "kind": "model zoo", "source": self.model.source},
               {"figure": "memory_per_gpu_gb", "kind": "model",
                "source": f"memory model (docs/workload.md 2): {self.memory.recipe.get('description', '')}"},
               {"figure": "gpu", "kind": "catalog", "source": f"{self.machine.gpu.name} ({self.machine.gpu.src})"}]
        if self.dataset is not None:
            out.append({"figure": "dataset", "kind": "catalog data set", "source": self.dataset.source})
        for st in self.pipeline.stages:
            if st.name != "GPU compute":
                out.append({"figure": f"stage: {st.name}", "kind": "model", "source": st.detail})
        out.append({"figure": "power_w", "kind": "model",
                    "source": "board power x training load + CPU TDP x 0.6 + rest (docs/workload.md 5); the load "
                              "follows the step's compute share, on a line through two H100 SXM5 measurements "
                              "(ResNet-50 469 W = 0.67, bf16 GEMM 692 W = 0.99 of 700 W), +- 0.08"})
        return tuple(out)


def parse_precision(text: str) -> Precision:
    value = text.strip().lower()
    if value in ("int8", "int4"):
        gguf = "q8_0" if value == "int8" else "q4_k_m"
        raise BadInput(f"{value} is an inference weight format, not a compute precision: give it as the weights "
                       f"of an inference workload (or a GGUF format such as {gguf}); 4-bit fine-tuning is QLoRA",
                       field="precision")
    if value not in PRECISIONS:
        raise BadInput(f"unknown precision {text!r}; one of: {', '.join(PRECISIONS)}")
    return value


def validate_request(req: WorkloadRequest) -> ModelSpec:
    """The request's model, or BadInput for an option that is wrong whatever the hardware (an
    unknown model, recomputation on a CNN, a sequence past the model's positions): callers that
    estimate many GPUs (the planner) check once, so such an error is the user's, not a card dropped."""
    model = get_model(req.model)
    _validate(req, model)
    return model


def _validate(req: WorkloadRequest, model: ModelSpec) -> None:
    """What only the model can tell (the request's own values were checked when it was made)."""
    name = model.name
    if req.seq is not None and model.transformer is None:
        raise BadInput(f"seq applies to transformers; {name} takes a fixed {model.reference}", field="seq")
    positions = model.transformer.max_positions if model.transformer else 0
    if req.seq is not None and positions and req.seq > positions:
        raise BadInput(f"seq {req.seq}: {name} has {positions:,} learned positions; a longer sequence needs "
                       "a model with more (or rotary positions, like Llama)", field="seq")
    if req.recompute != "none" and model.transformer is None:
        raise BadInput("recompute is modelled for transformers only; for a CNN leave it at 'none'",
                       field="recompute")
    if (req.lora or req.qlora) and model.transformer is None:
        raise BadInput(f"LoRA and QLoRA apply to transformers; {name} is trained in full",
                       field="qlora" if req.qlora else "lora")
    data = ds.data_of(req)
    wants = "tokens" if model.transformer is not None else "images"
    if data is not None and data.kind is not None and data.kind != wants:
        hint = "tokens or samples" if wants == "tokens" else "an image data set or samples"
        raise BadInput(f"dataset {req.dataset}: a set of {data.kind}; for {name} give {hint}", field="dataset")


def default_precision(model: ModelSpec) -> Precision:
    """dlrig.defaults: bf16 for transformers, fp16 AMP for CNNs."""
    from dlrig.defaults import CNN_PRECISION, TRANSFORMER_PRECISION

    return TRANSFORMER_PRECISION if model.family == "transformer" else CNN_PRECISION


def default_batch(model: ModelSpec) -> int:
    if model.family == "transformer":
        return DEFAULT_BATCH["large"] if model.params > 1e9 else DEFAULT_BATCH["transformer"]
    return DEFAULT_BATCH["cnn"]


def memory_request(req: WorkloadRequest, model: ModelSpec, precision: Precision, batch: int,
                   gpus: int) -> mem.MemoryRequest:
    return mem.MemoryRequest(precision=precision, batch=batch, seq=req.seq, optimizer=req.optimizer,
                             sharding=req.sharding, gpus=gpus, lora=req.lora, qlora=req.qlora,
                             lora_rank=req.lora_rank, recompute=req.recompute, attention=req.attention)


def _train_factor(req: WorkloadRequest) -> float:
    factor = LORA_TRAIN_FACTOR if (req.lora or req.qlora) else TRAIN_FLOPS_FACTOR
    return factor + (1.0 if req.recompute == "full" else 0.0)  # full recomputation: one more forward


FULL_LINK_LANES = 16  # the PCIe width Lambda's multi-GPU servers gave each card


def _throughput(req: WorkloadRequest, model: ModelSpec, precision: Precision, batch: int, machine: Machine,
                train_flops: float, act_bytes: float, grad_bytes: float) -> thr.Throughput:
    from dlrig.workload.software import check

    software = check(req.software)
    plain = not (req.lora or req.qlora) and req.recompute == "none" and (
        req.seq is None or model.transformer is None or req.seq == _lambda_seq(model))
    n = machine.gpus
    held = frozenset({machine.held_out_chip}) if machine.held_out_chip else frozenset()
    plain = plain and not held
    here = _measured_here(model, precision, machine, batch, req.optimizer) if plain else None
    # Lambda's multi-GPU rows ran each card on a full x16 link (or NVLink): a build whose CPU gives
    # its cards fewer lanes takes Lambda's one-GPU figure and the data-parallel model over its link
    narrow = (n > 1 and machine.pcie_lanes is not None and machine.pcie_lanes < FULL_LINK_LANES
              and thr.link_for(machine.gpu, n, machine.pcie_gen, machine.pcie_lanes).kind == "pcie")

    def exact(count: int) -> thr.Throughput | None:
        """Lambda's own row of this case at the user's batch and software, with its range."""
        hit = _to_batch(thr.measured(machine.gpu, model.key, precision, count), req.batch, model, machine, precision,
                        train_flops, act_bytes, held)
        return thr.finish(hit, software, model.family, precision, "measured") if hit else None

    if plain and here is None and not narrow:
        hit = exact(n)
        if hit is not None:
            return hit
    single = here or (exact(1) if plain else None) or thr.single_gpu(
        model, machine.gpu, precision, train_flops, act_bytes, batch, software, version=machine.lambda_version,
        held=held)
    if n == 1:
        return single
    link = thr.link_for(machine.gpu, n, machine.pcie_gen, machine.pcie_lanes)
    sync = thr.cal.sync_fraction(model.family, machine.lambda_version, held)
    return thr.scale(single, thr.data_parallel(single, n, grad_bytes, batch, link, sync=sync))


def _to_batch(hit: thr.Throughput | None, batch: int | None, model: ModelSpec, machine: Machine,
              precision: Precision, train_flops: float, act_bytes: float,
              held: frozenset[str]) -> thr.Throughput | None:
    """A Lambda measurement at the user's --batch: scaled by the calibrated model's ratio between
    that batch and Lambda's (the per-step cost weighs more on small batches). Unchanged where the
    user gave no batch, or Lambda's is unknown or the same."""
    if hit is None or batch is None or hit.batch is None or batch == hit.batch:
        return hit

    def rate(b: int) -> float:
        return thr.modelled(model, machine.gpu, precision, train_flops, act_bytes, exclude=held, batch=b,
                            version=machine.lambda_version).samples_per_s

    try:
        factor = rate(batch) / rate(hit.batch)
    except BadInput:  # the card's figures cannot be modelled: Lambda's figure stands, at its batch
        return replace(hit, notes=(*hit.notes, f"measured at batch {hit.batch}; not rescaled to {batch}"))
    if abs(factor - 1) < 0.005:  # no per-step term for this family: the batch does not change the rate
        return hit
    lo, hi = hit.range
    return replace(hit, samples_per_s=hit.samples_per_s * factor, range=(lo * factor, hi * factor),
                   per_gpu_samples_per_s=hit.per_gpu_samples_per_s * factor, batch=batch,
                   detail=f"{hit.detail}, scaled to batch {batch} by the calibrated model (x{factor:.2f})")


def _measured_here(model: ModelSpec, precision: Precision, machine: Machine, batch: int,
                   optimizer: str) -> thr.Throughput | None:
    """One GPU's rate from this host's saved bench, where it trained this workload on this GPU:
    a measurement of the machine at hand beats Lambda's of another machine with the same chip."""
    from dlrig.workload.host_rates import measured_training

    found = measured_training(machine.calibration, model.key, precision, machine.gpu.name)
    if found is None:
        return None
    rate, detail = found
    ran = (machine.calibration or {}).get("measured", {}).get("resnet50_batch")
    notes = () if ran == batch and optimizer == "sgd" else (
        f"the measured rate is the bench's training step (batch {ran or '?'}, SGD); memory above is for batch "
        f"{batch} with {optimizer}",)
    return thr.Throughput(samples_per_s=rate, range=(rate, rate), source="measured", detail=detail,
                          per_gpu_samples_per_s=rate, notes=notes)


def _lambda_seq(model: ModelSpec) -> int | None:
    from dlrig.workload.calibration import bench

    return bench()["reference_inputs"].get(model.key, {}).get("seq")


def _pipeline(req: WorkloadRequest, model: ModelSpec, machine: Machine, tp: thr.Throughput,
              seq: int | None) -> tuple[pipe.Pipeline, ds.DataSpec | None]:
    n, gpu_supply, gpu_range = machine.gpus, tp.samples_per_s, tp.range
    gen = machine.pcie_gen or machine.gpu.pcie_gen
    if model.transformer is not None:
        data = ds.data_of(req)
        token_bytes = 2 if model.transformer.vocab < 65536 else 4  # uint16/uint32 token ids on disk
        per_sample = req.bytes_per_sample or (seq or model.transformer.seq) * token_bytes
        sent = model.input_bytes * (seq or model.transformer.seq) / model.transformer.seq  # token tensors scale with it
        random = bool(data and data.file_per_sample and req.file_per_sample)  # token shards stream unless told
        stages = [pipe.storage_stage(list(machine.storage), per_sample, random_access=random),
                  pipe.pcie_stage(n, gen, machine.pcie_lanes, sent)]
        return pipe.analyse(stages, gpu_supply, per_sample, gpu_range), data
    data = ds.data_of(req, default=ds.DEFAULT_IMAGES)
    assert data is not None  # a CNN always reads images: the default data set stands in
    per_sample = data.bytes_per_sample or ds.DATASETS[ds.DEFAULT_IMAGES].bytes_per_sample or 0.0
    stages = [pipe.storage_stage(list(machine.storage), per_sample, random_access=data.file_per_sample),
              pipe.cpu_stage(machine.cpu, n),
              pipe.pcie_stage(n, gen, machine.pcie_lanes, model.input_bytes)]
    if machine.calibration:  # measured beats modelled: this host's disk and decode rates
        from dlrig.workload.host_rates import apply_calibration

        stages = apply_calibration(stages, machine.calibration)
    return pipe.analyse(stages, gpu_supply, per_sample, gpu_range), data


def _samples_total(req: WorkloadRequest, data: ds.DataSpec | None, seq: int | None) -> float | None:
    if req.samples is not None:
        return float(req.samples) * (req.epochs or 1)
    if req.tokens is not None:
        if seq is None:
            raise BadInput("tokens applies to transformers; give samples or epochs for a CNN", field="tokens")
        return req.tokens / seq * (req.epochs or 1)  # epochs pass over the tokens, as over the samples
    if req.epochs is not None:
        if data is None or not data.samples:  # a CNN reads ImageNet unless the workload names its data
            raise BadInput("epochs needs the data set's size: a dataset or samples", field="epochs")
        return req.epochs * data.samples
    return None


def estimate(req: WorkloadRequest, machine: Machine) -> Estimate:
    """Memory, FLOPs, throughput, time to train, pipeline and power of one workload on one machine.
    Training only: an LLM inference request goes to :func:`dlrig.workload.infer_run.estimate_on_machine`
    (``dlrig.services.estimate`` sends it there), so a caller expecting this Estimate never gets another shape."""
    from dlrig.workload.infer_run import reject_inference_options

    if req.infer:
        raise BadInput("the workload is LLM inference, which this training view does not model: the "
                       "inference estimate shows it", field="infer")

    reject_inference_options(req)
    model = get_model(req.model)
    _validate(req, model)
    if machine.gpus < 1:
        raise BadInput(f"GPU count must be at least 1, not {machine.gpus}")
    precision = parse_precision(req.precision) if req.precision else default_precision(model)
    batch = req.batch or default_batch(model)
    seq = (req.seq or model.transformer.seq) if model.transformer else None
    mreq = memory_request(req, model, precision, batch, machine.gpus)
    memory = mem.estimate_memory(model, mreq, machine.gpu.vram_gb)
    fwd = forward_flops_per_sample(model, seq)
    train = fwd * _train_factor(req)
    act = mem.activation_bytes_per_sample(model, replace(mreq, attention="eager", recompute="none"))
    grad_bytes = memory.trainable_params * thr.ALLREDUCE_BYTES_PER_PARAM
    from dlrig.workload.software import check

    software = check(req.software)
    tp = _throughput(req, model, precision, batch, machine, train, act, grad_bytes)
    pl, dataset = _pipeline(req, model, machine, tp, seq)
    total = _samples_total(req, dataset, seq)
    hours = hours_range = None
    if total is not None and pl.achieved_samples_per_s > 0:
        hours = total / pl.achieved_samples_per_s / 3600
        lo, hi = pl.achieved_range or (pl.achieved_samples_per_s, pl.achieved_samples_per_s)
        hours_range = (total / hi / 3600, total / lo / 3600) if lo > 0 else None
    util = pl.achieved_samples_per_s / tp.samples_per_s if tp.samples_per_s else 1.0
    gpus = [(machine.gpu, machine.power_limit_w)] * machine.gpus
    share = _compute_share(model, machine.gpu, precision, train, act, batch)
    load = training_load(share)
    power = power_draw(gpus, machine.cpu, util, training_load=load[2])
    power_low = power_draw(gpus, machine.cpu, util, training_load=load[0]).dc_w
    return Estimate(model=model, precision=precision, batch=batch, seq=seq, machine=machine, memory=memory,
                    forward_flops_per_sample=fwd, train_flops_per_sample=train, throughput=tp, pipeline=pl,
                    samples_total=total, time_to_train_h=hours, time_to_train_h_range=hours_range,
                    power_w=power.dc_w, power_w_range=(power_low, power.dc_w), power_unknown=power.unknown,
                    notes=_notes(model, precision, machine, seq), dataset=dataset, gpu_load=load,
                    compute_share=share, software=software)


def _compute_share(model: ModelSpec, gpu: Any, precision: Precision, train_flops: float, act: float,
                   batch: int) -> float | None:
    """How compute-bound the step is (the throughput model's compute term over its total; the
    large-model MFU rule is compute-bound); None where the card's figures cannot be modelled."""
    if model.family == "transformer" and model.params > thr.LARGE_MODEL_PARAMS:
        return 1.0
    try:
        seconds, _, terms = thr.model_seconds(model, gpu, precision, train_flops, act, batch=batch)
    except BadInput:
        return None
    return terms["compute"] / seconds


def _inference(model: ModelSpec, precision: Precision, batch: int, machine: Machine,
               software: str) -> thr.Throughput | None:
    """Forward-pass images/s of a CNN on one of the machine's GPUs at the batch (None otherwise)."""
    if model.family != "cnn" or machine.held_out_chip:
        return None
    from dlrig.workload.vision_inference import inference_throughput

    try:
        return inference_throughput(model, machine.gpu, precision, batch, software)
    except BadInput:
        return None


def _notes(model: ModelSpec, precision: Precision, machine: Machine, seq: int | None = None) -> tuple[str, ...]:
    from dlrig.workload.own_runs import note_for

    out = list(machine.notes)
    own = note_for(machine.gpu.name, model.key, precision, seq, model.sample_unit)
    if own:
        out.append(own)
    if precision == "fp32" and model.family == "cnn" and machine.gpu.tf32_tflops:
        out.append("fp32 here is IEEE FP32; stock PyTorch lets cuDNN convolutions use TF32 on this GPU, "
                   "so a default-settings run is closer to --precision tf32")
    if precision == "tf32":
        out.append("tf32: FP32 tensors with TF32 tensor-core matmuls/convolutions "
                   "(torch.backends.cuda.matmul.allow_tf32 = True; NGC containers enable it by default)")
    return tuple(out)


def machine_from_build(build: Build, gpus: int | None = None) -> Machine:
    """The estimate's view of a build: first GPU line, CPU, drives, PCIe width per GPU;
    ``gpus`` (--gpus) overrides the build's count before the CPU's lanes are shared out."""
    lines = build.lines("gpu")
    if not lines:
        raise BadInput(f"{build.origin or build.name}: the build has no GPU (a probe of a machine without one "
                       "lists none): add a GPU to the build, or estimate training on its CPU alone", field="cpu_only")
    first = lines[0]
    gpu = first.part
    assert isinstance(gpu, Gpu)  # a build's gpu line holds a GPU (resolve_build checks)
    notes = []
    gpus = gpus or build.gpu_count
    if len({i.part.id for i in lines}) > 1:
        notes.append(f"mixed GPUs: estimated as {gpus} x {first.part.name}")
    cpu = build.cpu
    lanes = None
    if cpu is not None and cpu.pcie_lanes:
        lanes = max(1, min(16, 1 << (max(1, cpu.pcie_lanes // gpus).bit_length() - 1)))
        notes.append(f"{cpu.pcie_lanes} CPU PCIe lanes for {gpus} GPU(s): the slowest GPU link taken as x{lanes}")
    gens = [g for g in (cpu.pcie_gen if cpu else None, gpu.pcie_gen) if g]
    from dlrig.workload.infer_run import build_gpu_list, build_ram_bandwidth

    return Machine(gpu=gpu, gpus=gpus, power_limit_w=first.power_limit_w, cpu=cpu,
                   storage=tuple(build.storage), pcie_gen=min(gens) if gens else None, pcie_lanes=lanes,
                   notes=tuple(notes), gpu_list=build_gpu_list(build, gpus), ram_gb=build.ram_gb,
                   ram_bandwidth_gb_s=build_ram_bandwidth(build))


def request_from_build(build: Build, **overrides: Any) -> WorkloadRequest:
    """The build file's workload with a surface's options laid over it."""
    return WorkloadRequest.from_options(build.workload, overrides, build.origin or build.name)


def with_cpu_cores(machine: Machine, cores: int | None) -> Machine:
    """``--cpu-cores C``: the decode stage's core count; without a CPU in the build, a bare C-core CPU."""
    if cores is None:
        return machine
    if cores < 1:
        raise BadInput(f"cpu_cores must be at least 1, not {cores}", field="cpu_cores")
    note = f"CPU cores for the decode stage: {cores} (given)"
    if machine.cpu is None:
        cpu = Cpu(id="cpu/given-cores", name=f"{cores}-core CPU (given core count)", src="the request", cores=cores)
    else:
        cpu = machine.cpu.model_copy(update={"cores": cores})
    return replace(machine, cpu=cpu, notes=(*machine.notes, note))
