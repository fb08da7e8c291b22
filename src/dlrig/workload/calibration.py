"""Lambda's measured training throughput and the model calibrated on it. Pure functions.

Data: ``data/lambda_bench.json`` (``scripts/import_lambda_bench.py``), measured by Lambda
(lambdal/deeplearning-benchmark; no licence file; published measurements).

Model (named "compute + memory + CUDA-core time", fitted per model family and precision
class on the v1 single-GPU rows, one point per chip and model, the median over Lambda's systems):

    seconds per sample = a * train_FLOPs / peak_FLOP/s
                       + b * activation_bytes / memory_bandwidth
                       + c * activation_bytes / FP32_CUDA_core_FLOP/s
                       + d * (4 bytes x parameters / memory_bandwidth) / batch_per_GPU

``1/a`` is the fraction of dense peak that the compute-bound part reaches (a >= 1: never
faster than peak); ``b`` is how many times the saved activations cross the memory bus; ``c``
prices the element-wise work (normalization, activations, residual adds, the optimizer step)
that runs on the CUDA cores, not the tensor cores, and grows with the activations: it is why
a GeForce card with many fast CUDA cores (RTX 4090: 82.6 FP32 TFLOPS) trains a CNN about as
fast as an A100 (19.5) with twice its tensor-core peak. ``d`` is the per-step term: time
per step = fixed overhead + batch x per-sample cost, and the fixed part is dominated by work
done once per step whatever the batch (the optimizer reads and writes the master weights,
gradients and moments; gradients are zeroed; weights are cast), i.e. parameter traffic over
the memory bus; ``d`` is that traffic in units of 4 bytes per parameter. It is what makes a
batch of 2-8 BERT-large sequences (Lambda v0 on 8-11 GB cards) slower per sample than a batch
of 64. All four are fitted by least squares
on the relative error (no intercept), a >= 1, b, c >= 0. Where a GPU's memory bandwidth is
unknown the compute-only model (b = c = 0, refitted) is used; where its FP32 rate is unknown,
compute + memory (c = 0, refitted).
Software regime: Lambda's v0 (2022, NGC 21.x) and v1 (2024, NGC 22.09+) tables are not
comparable (containers, software, batch sizes), so each is fitted on its own (``version``);
``dlrig estimate`` predicts in the v1 regime (today's software). The accuracy benchmark also
predicts v0 rows with the v0 fit, each GPU held out, to test the model's form on the older set.
Batch: Lambda's ``*-bs-*`` files give the batch of the whole run (the N-GPU row is N x the
1-GPU figure in 480 of 519 rows), so the per-GPU batch is ``batch_per_gpu / num_gpu``
(:func:`per_gpu_batch`; the imported field keeps Lambda's figure).
Data-parallel synchronisation: :func:`sync_fraction`, fitted on the multi-GPU rows.
Inconsistent rows: :func:`inconsistent` (a rule stated in docs/workload.md, applied mechanically).

The error band is the largest leave-one-GPU-out error: each chip is dropped, the model
refitted on the rest, and the dropped chip predicted. ``calibration(..., exclude=chips)``
refits without those chips (benchmarks/estimate_accuracy.py holds each measured GPU out).

Precision classes: Lambda's "fp16" runs are AMP (16-bit tensor cores, FP32 accumulate): class
"16-bit", peak = ``fp16_tflops``. Its "fp32" runs use TF32 on Ampere and newer (NGC
containers enable it): class "32-bit", peak = ``tf32_tflops`` where the chip has TF32, else
``fp32_tflops``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from dlrig.catalog.models import Precision
    from dlrig.workload.zoo import ModelSpec

DATA = Path(__file__).parent / "data" / "lambda_bench.json"
PrecisionClass = Literal["32-bit", "16-bit"]
FIT_VERSION = "v1"  # the software regime `dlrig estimate` predicts in (today's containers)
VERSIONS = ("v0", "v1")
# The consistency rule (docs/workload.md): going from N/2 to N GPUs of the same chip, model,
# precision and version, the total throughput must rise (more than x1) and by at most x2.2
# (x2 is the data-parallel ceiling at a fixed per-GPU batch; 10% tolerance for run-to-run noise).
SCALE_UP_RANGE = (1.0, 2.2)
MIN_A = 1.0  # the compute term can at best run at the dense peak


@dataclass(frozen=True)
class Point:
    """One calibration point: a chip, a model, its features and the measured samples/s."""

    chip: str
    model: str
    compute_s: float  # train FLOPs / peak FLOP/s
    memory_s: float | None  # activation bytes / bandwidth
    measured_per_s: float
    cuda_core_s: float | None = None  # activation bytes / FP32 (CUDA-core) FLOP/s
    step_s: float | None = None  # 4 B x params / bandwidth / per-GPU batch (per-step overhead per sample)


@dataclass(frozen=True)
class Calibration:
    family: str
    precision_class: PrecisionClass
    a: float
    b: float
    uses_memory: bool
    logo_errors: tuple[tuple[str, str, float], ...]  # (chip, model, predicted/measured - 1)
    fitted_on: tuple[str, ...]  # models
    c: float = 0.0
    uses_cuda_cores: bool = False
    excluded: tuple[str, ...] = ()  # chips left out of the fit (held out)
    d: float = 0.0
    uses_step: bool = False
    version: str = FIT_VERSION

    @property
    def compute_efficiency(self) -> float:
        return 1.0 / self.a if self.a > 0 else float("inf")

    @property
    def band(self) -> float:
        """The largest leave-one-GPU-out error, as a log ratio: range = prediction x e^(+-band)."""
        return max((abs(math.log1p(e)) for *_, e in self.logo_errors), default=0.5)

    @property
    def median_abs_error(self) -> float:
        return statistics.median(abs(e) for *_, e in self.logo_errors) if self.logo_errors else float("nan")

    @property
    def terms(self) -> str:
        if not self.uses_memory:
            return "compute only"
        terms = "compute + memory + CUDA-core" if self.uses_cuda_cores else "compute + memory"
        return terms + " + per-step" if self.uses_step else terms

    def predict_s(self, compute_s: float, memory_s: float | None, cuda_core_s: float | None = None,
                  step_s: float | None = None) -> float:
        """Seconds per sample; ``step_s``: 4 B x params / bandwidth / per-GPU batch."""
        return sum(self.terms_s(compute_s, memory_s, cuda_core_s, step_s).values())

    def terms_s(self, compute_s: float, memory_s: float | None, cuda_core_s: float | None = None,
                step_s: float | None = None) -> dict[str, float]:
        """The four terms of :meth:`predict_s`, in seconds per sample (0 where a term is unused)."""
        return {"compute": self.a * compute_s,
                "memory": self.b * memory_s if self.uses_memory and memory_s else 0.0,
                "cuda_core": self.c * cuda_core_s if self.uses_cuda_cores and cuda_core_s else 0.0,
                "step": self.d * step_s if self.uses_step and step_s else 0.0}


@cache
def bench() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _features(p: Point, n_terms: int) -> list[float]:
    return [p.compute_s, p.memory_s or 0.0, p.cuda_core_s or 0.0, p.step_s or 0.0][:n_terms]


def _solve(points: list[Point], n_terms: int) -> tuple[float, ...]:
    """Least squares of 1 = sum_k coef_k . x_k / t (relative error), coef_0 >= MIN_A, others >= 0.

    A bound-constrained convex problem with at most four unknowns: every choice of which
    bounds are active is solved in closed form, and the best feasible one is the optimum.
    """
    import itertools

    import numpy as np

    x = np.array([[f * p.measured_per_s for f in _features(p, n_terms)] for p in points])
    y = np.ones(len(points))
    lower = np.array([MIN_A] + [0.0] * (n_terms - 1))
    best: tuple[float, np.ndarray] | None = None
    for active in itertools.product((False, True), repeat=n_terms):
        coef = np.where(active, lower, 0.0)
        free = [i for i in range(n_terms) if not active[i]]
        if free:
            rest = y - x[:, list(active)] @ coef[list(active)] if any(active) else y
            sol, *_ = np.linalg.lstsq(x[:, free], rest, rcond=None)
            coef[free] = sol
        if np.any(coef < lower - 1e-12):
            continue
        loss = float(np.sum((x @ coef - y) ** 2))
        if best is None or loss < best[0] - 1e-15:
            best = (loss, coef)
    assert best is not None  # all bounds active is always feasible
    return tuple(float(v) for v in best[1])


def _predict(coef: tuple[float, ...], p: Point) -> float:
    return 1.0 / sum(c * f for c, f in zip(coef, _features(p, len(coef)), strict=True))


def fit(points: list[Point], family: str, precision_class: PrecisionClass, use_memory: bool = True,
        use_cuda_cores: bool = True, excluded: tuple[str, ...] = (), version: str = FIT_VERSION,
        logo: bool = True) -> Calibration:
    """Least-squares fit; ``logo``: also the leave-one-GPU-out errors (the band), which cost a refit
    per chip and are not needed where only the coefficients are (anchored ratios)."""
    use_memory = use_memory and all(p.memory_s is not None for p in points)
    use_cuda_cores = use_memory and use_cuda_cores and all(p.cuda_core_s is not None for p in points)
    use_step = use_cuda_cores and all(p.step_s is not None for p in points)
    n_terms = 4 if use_step else (3 if use_cuda_cores else (2 if use_memory else 1))
    coef = _solve(points, n_terms)
    errors = []
    for chip in sorted({p.chip for p in points}) if logo else ():
        rest = [p for p in points if p.chip != chip]
        if len({p.chip for p in rest}) < 2:
            continue
        held = _solve(rest, n_terms)
        for p in (p for p in points if p.chip == chip):
            errors.append((chip, p.model, _predict(held, p) / p.measured_per_s - 1.0))
    a, b, c, d = (*coef, 0.0, 0.0, 0.0)[:4]
    return Calibration(family=family, precision_class=precision_class, a=a, b=b, uses_memory=use_memory,
                       logo_errors=tuple(errors), fitted_on=tuple(sorted({p.model for p in points})),
                       c=c, uses_cuda_cores=use_cuda_cores, excluded=excluded, d=d, uses_step=use_step,
                       version=version)


def lambda_precision(precision_class: PrecisionClass) -> str:
    return "fp16" if precision_class == "16-bit" else "fp32"


def chip_peak_tflops(spec: dict, precision_class: PrecisionClass) -> float:
    """The rate a Lambda row's compute term divides by: the 16-bit or TF32 tensor-core peak; before
    Ampere (no TF32) Lambda's "fp32" is strict FP32 on the CUDA cores, at the GEMM efficiency
    they reach (``throughput.CUDA_CORE_GEMM_EFFICIENCY``), as for a strict-FP32 prediction."""
    from dlrig.workload.throughput import CUDA_CORE_GEMM_EFFICIENCY

    if precision_class == "16-bit":
        return spec["fp16_tflops"]
    return spec["tf32_tflops"] or spec["fp32_tflops"] * CUDA_CORE_GEMM_EFFICIENCY


def per_gpu_batch(row: dict) -> int | None:
    """The per-GPU batch of a Lambda row: its ``*-bs-*`` figure is the whole run's batch."""
    b = row.get("batch_per_gpu")
    return max(1, round(b / row["num_gpu"])) if b else None


@cache
def inconsistent() -> frozenset[tuple[str, str, str, str, int]]:
    """(version, chip, model, Lambda precision, GPU count) of the rows the consistency rule drops.

    Rule (docs/workload.md): a row with N GPUs is inconsistent when the same chip, model,
    precision and version has a row with N/2 GPUs and the total throughput (median over systems)
    does not rise, or rises more than 2.2 x, from N/2 to N GPUs: data parallelism at a fixed
    per-GPU batch can neither lose throughput by adding GPUs nor gain more than the GPUs added.
    """
    totals: dict[tuple[str, str, str, str, int], list[float]] = defaultdict(list)
    for r in bench()["rows"]:
        totals[(r["version"], r["chip"], r["model"], r["lambda_precision"], r["num_gpu"])].append(r["samples_per_s"])
    med = {k: statistics.median(v) for k, v in totals.items()}
    lo, hi = SCALE_UP_RANGE
    out = set()
    for (v, chip, model, lp, n), value in med.items():
        half = med.get((v, chip, model, lp, n // 2)) if n % 2 == 0 else None
        if half and not lo * half < value <= hi * half:
            out.add((v, chip, model, lp, n))
    return frozenset(out)


def is_consistent(row: dict) -> bool:
    return (row["version"], row["chip"], row["model"], row["lambda_precision"], row["num_gpu"]) not in inconsistent()


def _point(chip: str, key: str, precision_class: PrecisionClass, batch: int | None, measured_per_s: float) -> Point:
    from dlrig.workload.flops import train_flops_per_sample
    from dlrig.workload.zoo import get_model

    data = bench()
    model = get_model(key)
    spec = data["chip_specs"][chip]
    seq = data["reference_inputs"].get(key, {}).get("seq")
    flops = train_flops_per_sample(model, seq)
    act = activation_bytes_for_fit(model, precision_class, seq)
    bw = spec["memory_bandwidth_gb_s"] * 1e9
    return Point(chip=chip, model=key, compute_s=flops / (chip_peak_tflops(spec, precision_class) * 1e12),
                 memory_s=act / bw, cuda_core_s=act / (spec["fp32_tflops"] * 1e12),
                 measured_per_s=measured_per_s, step_s=step_feature(model.params, bw / 1e9, batch))


def step_feature(params: float, bandwidth_gb_s: float | None, batch: int | None) -> float | None:
    """The per-step term's feature, per sample: 4 B x parameters / memory bandwidth / batch."""
    if not bandwidth_gb_s or not batch:
        return None
    return 4.0 * params / (bandwidth_gb_s * 1e9) / batch


def calibration_points(family: str, precision_class: PrecisionClass,
                       exclude: frozenset[str] = frozenset(), version: str = FIT_VERSION) -> list[Point]:
    """The single-GPU measurements of the family's zoo models in one Lambda version, one per
    (chip, model, batch), the median over systems; chips in ``exclude`` are left out (held out);
    rows without a batch size are not used (the per-step term needs it)."""
    from dlrig.workload.zoo import get_model

    data = bench()
    grouped: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    for r in data["rows"]:
        if (r["version"] == version and r["num_gpu"] == 1 and r["chip"] in data["chip_specs"]
                and r["chip"] not in exclude and per_gpu_batch(r)
                and r["lambda_precision"] == lambda_precision(precision_class)):
            grouped[(r["chip"], r["model"], per_gpu_batch(r))].append(r["samples_per_s"])  # type: ignore[index]
    return [_point(chip, key, precision_class, batch, statistics.median(values))
            for (chip, key, batch), values in sorted(grouped.items()) if get_model(key).family == family]


def activation_bytes_for_fit(model: ModelSpec, precision_class: PrecisionClass, seq: int | None) -> float:
    from dlrig.workload.memory import MemoryRequest, activation_bytes_per_sample

    precision: Precision = "bf16" if precision_class == "16-bit" else "fp32"
    return activation_bytes_per_sample(model, MemoryRequest(precision=precision, batch=1, seq=seq,
                                                            attention="eager"))


@cache
def calibration(family: str, precision_class: PrecisionClass, use_memory: bool = True,
                use_cuda_cores: bool = True, exclude: frozenset[str] = frozenset(),
                version: str = FIT_VERSION, logo: bool = True) -> Calibration:
    """The fit for a family, precision class and Lambda version; ``exclude``: chips held out of it;
    ``logo``: with the leave-one-GPU-out band (:func:`fit`). The fits with no chip held out are
    read from ``data/calibration.json`` (:func:`write_stored`), without the band where none is asked."""
    if not exclude:
        found = stored().get(repr((family, precision_class, use_memory, use_cuda_cores, version)))
        if found is not None:  # the band is the only difference a logo=False fit has: the same coefficients
            return found if logo else dataclasses.replace(found, logo_errors=())
    return fitted(family, precision_class, use_memory, use_cuda_cores, exclude, version, logo)


def fitted(family: str, precision_class: PrecisionClass, use_memory: bool = True, use_cuda_cores: bool = True,
           exclude: frozenset[str] = frozenset(), version: str = FIT_VERSION, logo: bool = True) -> Calibration:
    """The fit, worked out now (NumPy least squares, about 0.1 s with its leave-one-GPU-out refits)."""
    return fit(calibration_points(family, precision_class, exclude, version), family, precision_class, use_memory,
               use_cuda_cores, tuple(sorted(exclude)), version, logo)


# -- the fits shipped with the package: written by scripts/build_catalog.py, read at run time ------
STORED = Path(__file__).parent / "data" / "calibration.json"
STORED_FAMILIES = ("cnn", "transformer")
STORED_TERMS = ((True, True), (True, False), (False, True), (False, False))  # (use_memory, use_cuda_cores)


def inputs_digest() -> str:
    """The fingerprint of the data the fits are made from (Lambda's rows, the CNN zoo's figures)
    and the derived figures stored beside them (the public fit rows the band multiplier reads)."""
    import hashlib

    h = hashlib.sha1(DATA.read_bytes())
    h.update((DATA.parent / "cnn_zoo.json").read_bytes())
    h.update((DATA.parent / "public_measurements.json").read_bytes())
    return h.hexdigest()[:16]


def stored_document(derived: dict | None = None) -> dict:
    """Every fit and synchronisation fraction a run asks for with no chip held out, fitted now;
    with ``derived``, figures other modules work out from the same data (by name: the
    uncertainty model's held-out errors), stored beside them."""

    fits = {repr((family, pc, mem, cuda, version)): dataclasses.asdict(fitted(family, pc, mem, cuda, version=version))
            for family in STORED_FAMILIES for pc in ("32-bit", "16-bit") for mem, cuda in STORED_TERMS
            for version in VERSIONS}
    sync = {repr((family, version)): _sync_fraction(family, version)
            for family in STORED_FAMILIES for version in VERSIONS}
    return {"inputs": inputs_digest(), "fits": fits, "sync_fraction": sync, "derived": derived or {}}


def write_stored(path: Path = STORED, derived: dict | None = None) -> int:
    """Write :func:`stored_document` (scripts/build_catalog.py); the number of fits written."""
    doc = stored_document(derived)
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return len(doc["fits"])


@cache
def _stored_document() -> dict:
    """The shipped fits, where they were made from today's data (else none: each run fits them)."""
    try:
        doc = json.loads(STORED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if doc.get("inputs") == inputs_digest() else {}


def stored_derived(name: str) -> Any:
    """A figure stored by name beside the fits (:func:`stored_document`), or None."""
    return _stored_document().get("derived", {}).get(name)


@cache
def stored() -> dict[str, Calibration]:
    out = {}
    for key, d in _stored_document().get("fits", {}).items():
        try:
            out[key] = Calibration(**{**d, "logo_errors": tuple(tuple(e) for e in d["logo_errors"]),
                                      "fitted_on": tuple(d["fitted_on"]), "excluded": tuple(d["excluded"])})
        except (TypeError, KeyError):  # written by another version of Calibration: fit at run time
            return {}
    return out



@cache
def sync_fraction(family: str, version: str = FIT_VERSION, exclude: frozenset[str] = frozenset()) -> float:
    """:func:`_sync_fraction`, read from the shipped fits where no chip is held out."""
    found = None if exclude else _stored_document().get("sync_fraction", {}).get(repr((family, version)))
    return found if found is not None else _sync_fraction(family, version, exclude)


def _sync_fraction(family: str, version: str = FIT_VERSION, exclude: frozenset[str] = frozenset()) -> float:
    """Data-parallel synchronisation cost, as a fraction of the one-GPU step, fitted on Lambda's
    multi-GPU rows of the family in one version (chips in ``exclude`` left out).

    Why: each step ends with gradient buckets that cannot overlap the backward pass, a barrier
    that waits for the slowest GPU, and per-bucket NCCL launch latency; none of this is in the
    bandwidth-only all-reduce model. Measured as the median over (chip, model, precision, N)
    of time per sample on N GPUs / time per sample on one GPU - 1, at the same per-GPU batch,
    rows that break the consistency rule left out. Median: robust to the odd row. Never < 0.
    """
    from dlrig.workload.zoo import get_model

    groups: dict[tuple[str, str, str, int, int | None], list[float]] = defaultdict(list)
    for r in bench()["rows"]:
        if r["version"] == version and r["chip"] not in exclude and is_consistent(r):
            groups[(r["chip"], r["model"], r["lambda_precision"], r["num_gpu"], per_gpu_batch(r))].append(
                r["samples_per_s"] / r["num_gpu"])
    extra = []
    for (chip, model, lp, n, batch), per_gpu in groups.items():
        one = groups.get((chip, model, lp, 1, batch))
        if n > 1 and batch and one and get_model(model).family == family:
            extra.append(statistics.median(one) / statistics.median(per_gpu) - 1.0)
    return max(0.0, statistics.median(extra)) if extra else 0.0
