"""How wide a throughput range must be to hold the truth about 80% of the time.

A printed range is ``center x e^(+-k.sigma)``, with sigma (a log ratio) combining, in quadrature:

- the **measurement spread**: half the log range of the anchor's systems (Lambda's machines);
- the **model's held-out error for the kind of prediction** (the anchor's distance, from
  :mod:`dlrig.workload.anchor`): the root mean square log error of predicting each of Lambda's
  v1 one-GPU measurements with its chip held out of the fit and of the anchors ("same
  architecture", "other architecture"), with only that one measurement held out ("other
  precision": the same chip's other precision anchors it), or with its model held out ("other
  model": BERT-base from BERT-large and back, pooled with NVIDIA's EfficientNet fit rows
  predicted from ResNet-50); zero for the measured case itself;
- the **software spread** of the regime (:mod:`dlrig.workload.software`);
- for N GPUs without a measurement, the **scaling error**: the root mean square log error of
  Lambda's measured one-GPU figure x the data-parallel model against its v1 2/4/8-GPU rows.

``k`` is then set so that 80% of the fit cases fall inside: the 80th percentile of
|log error| / sigma over the held-out Lambda cases above (sigma without the software term: they
ran in the anchors' own harness) and NVIDIA's one-GPU fit rows (sigma with it). Everything here is computed
from fitting data; benchmarks/prediction_accuracy.py reports the coverage on test data.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from dlrig.workload import anchor
from dlrig.workload import calibration as cal

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from dlrig.catalog.models import Gpu, Precision
    from dlrig.workload.zoo import ModelSpec

COVERAGE = 0.8  # the share of fit cases the range is sized to hold
KINDS = ("measured", "same architecture", "other architecture", "other precision", "other model")


def catalog_gpu(name: str) -> Gpu:
    """A fit row's GPU, as recorded from the catalog with the measurements (public_bench)."""
    from dlrig.workload.public_bench import recorded_gpu

    return recorded_gpu(name)


def _features(model: ModelSpec, precision: Precision, seq: int | None = None) -> tuple[float, float]:
    from dlrig.workload.flops import train_flops_per_sample
    from dlrig.workload.memory import MemoryRequest, activation_bytes_per_sample

    return train_flops_per_sample(model, seq), activation_bytes_per_sample(
        model, MemoryRequest(precision=precision, batch=1, seq=seq, attention="eager"))


def typical_center(model: ModelSpec, gpu: Gpu, precision: Precision, batch: int,
                   **exclude: Unpack[anchor.Exclusions]) -> anchor.Anchored:
    """The anchored typical-software rate of one GPU (no range)."""
    from dlrig.workload.throughput import lambda_chip

    seq = model.transformer.seq if model.transformer else None
    flops, act = _features(model, precision, seq)
    found = anchor.predict(model, gpu, precision, flops, act, batch, target_chip=lambda_chip(gpu), **exclude)
    if found is None:
        raise ValueError(f"no measurement anchors {model.key}")
    return found


@dataclass(frozen=True)
class HeldOut:
    kind: str
    family: str
    log_error: float  # log(predicted / measured)
    meas_spread: float  # the anchor's
    precision_class: str


@cache
def held_out_cases() -> tuple[HeldOut, ...]:
    """Each of Lambda's v1 one-GPU measurements predicted with it held out (module docstring)."""
    from dlrig.workload.throughput import precision_class
    from dlrig.workload.zoo import get_model

    out = []
    for p in anchor.measured_points():
        model, gpu = get_model(p.model), anchor.lambda_gpu(p.chip)
        seq = cal.bench()["reference_inputs"].get(p.model, {}).get("seq")
        flops, act = _features(model, p.mode, seq)
        held = frozenset({p.chip})
        runs: list[anchor.Exclusions] = [
            {"exclude_fit": held, "exclude_chips": held},  # this chip unknown
            {"exclude_fit": held, "exclude_points": frozenset({(p.chip, p.model, p.mode)})},  # its other precision
            {"exclude_fit": held, "exclude_models": frozenset({p.model})}]  # another model on the same chip
        for kwargs in runs:
            a = anchor.predict(model, gpu, p.mode, flops, act, p.batch, target_chip=p.chip, **kwargs)
            if a is not None and a.distance.kind != "measured":
                out.append(HeldOut(a.distance.kind, model.family, math.log(a.samples_per_s / p.value),
                                   anchor_spread(a.anchor), precision_class(p.mode)))
    return tuple(out)


def anchor_spread(m: anchor.Measured) -> float:
    """Half the log range of the anchor's systems: the measurement's own spread."""
    return math.log(m.high / m.low) / 2 if m.low > 0 else 0.0


def _rms(values: list[float]) -> float:
    return math.sqrt(sum(v * v for v in values) / len(values)) if values else 0.0


@cache
def _cross_model_fit_logs() -> tuple[float, ...]:
    """NVIDIA's one-GPU EfficientNet fit rows, predicted from ResNet-50 on the same chip (log error,
    after the regime's software factor)."""
    from dlrig.workload import software as sw
    from dlrig.workload.public_bench import fit_rows
    from dlrig.workload.throughput import precision_class
    from dlrig.workload.zoo import get_model

    out = []
    for m in fit_rows("train", "gpu"):
        model = get_model(m.model)
        if m.count != 1 or m.model in {p.model for p in anchor.measured_points()}:
            continue
        a = typical_center(model, catalog_gpu(m.hardware), m.precision, m.batch)
        f = sw.factor(m.software, model.family, precision_class(m.precision))
        out.append(math.log(a.samples_per_s * f.value / m.samples_per_s))
    return tuple(out)


@cache
def model_sigma() -> dict[tuple[str, str], float]:
    """(family, kind) -> RMS held-out log error; the measured case is 0. Read from the figures
    shipped beside the calibration fits (about 50 refits with a chip held out: 0.3 s a run)."""
    shipped = cal.stored_derived("model_sigma")
    if isinstance(shipped, dict) and shipped:
        return {tuple(k.split("|", 1)): float(v) for k, v in shipped.items()}
    return _model_sigma_now()


def derived_document() -> dict[str, Any]:
    """What :func:`model_sigma` and :func:`k` work out, worked out now, to ship beside the
    calibration fits."""
    table = _model_sigma_now()  # not the shipped one, which may be stale
    return {"model_sigma": {f"{fam}|{kind}": v for (fam, kind), v in sorted(table.items())}, "k": _k_now(table)}


def _model_sigma_now() -> dict[tuple[str, str], float]:
    logs: dict[tuple[str, str], list[float]] = defaultdict(list)
    for c in held_out_cases():
        logs[(c.family, c.kind)].append(c.log_error)
    logs[("cnn", "other model")].extend(_cross_model_fit_logs())
    out = {(fam, kind): _rms(v) for (fam, kind), v in logs.items()}
    for fam in ("cnn", "transformer"):
        out[(fam, "measured")] = 0.0
        for kind in KINDS:  # a kind with no held-out case takes the family's largest error
            out.setdefault((fam, kind), max(v for (f, _), v in out.items() if f == fam))
    return out


@cache
def scaling_sigma() -> float:
    """RMS log error of Lambda's measured one-GPU rate x the data-parallel model against its v1
    multi-GPU rows (consistency rule applied), the synchronisation fraction refitted without the chip."""
    from dlrig.workload.throughput import ALLREDUCE_BYTES_PER_PARAM, Throughput, data_parallel, link_for
    from dlrig.workload.zoo import get_model

    groups: dict[tuple[str, str, str, int], list[float]] = defaultdict(list)
    batches: dict[tuple[str, str, str, int], int | None] = {}
    for r in cal.bench()["rows"]:
        if r["version"] == "v1" and r["chip"] in anchor.LAMBDA_CHIP_PLATFORM and cal.is_consistent(r):
            key = (r["chip"], r["model"], r["lambda_precision"], r["num_gpu"])
            groups[key].append(r["samples_per_s"])
            batches[key] = cal.per_gpu_batch(r)
    logs = []
    for (chip, model_key, lp, n), values in groups.items():
        one = groups.get((chip, model_key, lp, 1))
        if n == 1 or not one:
            continue
        single_value = statistics.median(one)
        single = Throughput(samples_per_s=single_value, range=(single_value,) * 2, source="measured", detail="",
                            per_gpu_samples_per_s=single_value)
        model = get_model(model_key)
        s = data_parallel(single, n, model.params * ALLREDUCE_BYTES_PER_PARAM, batches[(chip, model_key, lp, 1)] or 64,
                          link_for(anchor.lambda_gpu(chip), n),
                          sync=cal.sync_fraction(model.family, "v1", frozenset({chip})))
        logs.append(math.log(single_value * n * s.efficiency / statistics.median(values)))
    return _rms(logs)


def sigma(kind: str, family: str, software_sigma: float, meas_spread: float, scaled: bool = False,
          table: dict[tuple[str, str], float] | None = None) -> float:
    """The log-ratio sigma of a prediction (before ``k``)."""
    parts = [(model_sigma() if table is None else table).get((family, kind), 0.0), software_sigma, meas_spread,
             scaling_sigma() if scaled else 0.0]
    return math.sqrt(sum(p * p for p in parts))


@cache
def k() -> float:
    """The multiplier that puts COVERAGE of the fit cases inside centre x e^(+-k.sigma); shipped
    beside the calibration fits like :func:`model_sigma`."""
    shipped = cal.stored_derived("k")
    return float(shipped) if isinstance(shipped, (int, float)) else _k_now()


def _k_now(table: dict[tuple[str, str], float] | None = None) -> float:
    from dlrig.workload import software as sw

    ratios = []
    for c in held_out_cases():  # the same harness as its anchors: no software term
        ratios.append(abs(c.log_error) / sigma(c.kind, c.family, 0.0, c.meas_spread, table=table))
    for family, _, pc, log in _fit_row_errors():
        s = sigma("measured", family, sw.factor("tuned" if log[0] else "typical", family, pc).log_spread, 0.0,
                  table=table)
        ratios.append(abs(log[1]) / s)
    ratios.sort()
    return ratios[min(len(ratios) - 1, math.ceil(COVERAGE * len(ratios)) - 1)]


def _fit_row_errors() -> list[tuple[str, str, str, tuple[bool, float]]]:
    """(family, software, class, (tuned?, log error)) of NVIDIA's one-GPU ResNet-50 fit rows,
    predicted with the software factor (their chips are measured by Lambda)."""
    from dlrig.workload import software as sw

    out = []
    for software, family, pc, log in sw.fit_logs():
        f = sw.factor(software, family, pc)
        out.append((family, software, pc, (software == "tuned", log - math.log(f.value))))
    return out


def band(center: float, sig: float) -> tuple[float, float]:
    width = math.exp(k() * sig)
    return center / width, center * width
