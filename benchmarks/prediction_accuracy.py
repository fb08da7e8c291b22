"""How far `dlrig estimate` is from public measurements it was not fitted on, and how often the
truth falls inside the range it prints.

Run:  python benchmarks/prediction_accuracy.py [--rows]

Data: src/dlrig/workload/data/public_measurements.json, each row with its source (URL, file,
row) and its role. **Test** rows (Lambda's newer v2 releases: H200 and B200; timm's benchmark
tables; NVIDIA's BERT README; dlrig's own H100 runs; issue 13's strict-FP32 run; the 2015
convnet-benchmarks TITAN X figure) are never read by the model. **Fit** rows (NVIDIA's ResNet-50
and EfficientNet READMEs, the 2015 CPU logs) set the software factors, the inference factor and
the CPU efficiencies, and are reported apart, labelled as fitting data. Lambda's v0/v1 tables
(lambda_bench.json), the throughput model's main fitting data, are tested by
benchmarks/estimate_accuracy.py (each GPU held out).

Every row is predicted the way a user would ask for it: `estimate` with the row's GPU, count,
model, precision, per-GPU batch and software regime (`--software typical|tuned`, read from the
source's setup: channels-last runs are "tuned"); inference rows with the CNN inference model;
CPU rows with `--cpu-only`. Consistency rule (docs/workload.md, as for Lambda's rows): an N-GPU
row whose throughput does not rise, or rises more than 2.2 x, from the same source's N/2-GPU row
is flagged (from the nearest smaller count M the source has: at most 1.1 x N/M); tables are
printed with all rows and with flagged rows left out.

Prints median |error|, worst |error| and range coverage per source, per model, per task, for the
test rows (the bar: median <= 15%, coverage >= 75%) and, separately, the fit rows.
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dlrig.workload.public_bench import Measurement, measurements

BAR_MEDIAN = 0.15
BAR_COVERAGE = 0.75
SCALE_UP = (1.0, 2.2)  # the consistency rule of calibration.inconsistent
# A peak after warm-up is the allocated state + activations: accepted within +-15% of the model's
# figure (activation counts on meta tensors miss framework temporaries), plus the allocator's reserve.
WARM_TOLERANCE = 0.15


@dataclass(frozen=True)
class Case:
    m: Measurement
    predicted: float | None  # None: not modelled
    low: float | None
    high: float | None
    how: str
    consistent: bool = True

    @property
    def error(self) -> float:
        return (self.predicted or 0.0) / self.m.samples_per_s - 1.0

    @property
    def inside(self) -> bool:
        return self.low is not None and self.high is not None and self.low <= self.m.samples_per_s <= self.high


def _chip(name: str, category: str = "gpu"):  # a catalog part
    from dlrig.catalog.store import default_catalog

    cat = default_catalog()
    part = cat.resolve(name, category)
    return cat.chip_of(part) if category == "gpu" else part


def _gpu_train(m: Measurement) -> tuple[float, tuple[float, float], str]:
    from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

    fields = WorkloadRequest.model_fields
    extra = {"software": m.software} if "software" in fields else {}
    req = WorkloadRequest(model=m.model, precision=m.precision, batch=m.batch, seq=m.seq, **extra)
    tp = estimate(req, Machine(gpu=_chip(m.hardware), gpus=m.count)).throughput
    return tp.samples_per_s, tp.range, tp.source


def _gpu_infer(m: Measurement) -> tuple[float, tuple[float, float], str]:
    from dlrig.workload.vision_inference import inference_throughput
    from dlrig.workload.zoo import get_model

    tp = inference_throughput(get_model(m.model), _chip(m.hardware), m.precision, m.batch, m.software)  # type: ignore[arg-type]
    return tp.samples_per_s, tp.range, tp.source


def _cpu_train(m: Measurement) -> tuple[float, tuple[float, float], str]:
    from dlrig.workload.cpu_train import CpuRate, cpu_training
    from dlrig.workload.zoo import get_model

    rate = CpuRate.of(_chip(m.hardware, "cpu"), cores=m.cores, clock_ghz=m.clock_ghz)
    tp = cpu_training(get_model(m.model), rate, m.software)
    return tp.samples_per_s, tp.range, tp.source


def predict(m: Measurement) -> Case:
    fn: Callable[[Measurement], tuple[float, tuple[float, float], str]] = {
        ("gpu", "train"): _gpu_train, ("gpu", "infer"): _gpu_infer, ("cpu", "train"): _cpu_train}[(m.device, m.task)]
    try:
        value, (low, high), how = fn(m)
    except ImportError as exc:  # the benchmark also runs against older dlrig versions
        return Case(m, None, None, None, f"not modelled ({exc.name})")
    return Case(m, value, low, high, how)


def _flag_inconsistent(cases: list[Case]) -> list[Case]:
    """The consistency rule, with the nearest smaller count M the source has (median over its
    systems): from M to N devices the total must rise, by at most 1.1 x N/M (2.2 for M = N/2)."""
    groups: dict[tuple, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for c in cases:
        key = (c.m.source, c.m.hardware, c.m.model, c.m.precision, c.m.task, c.m.software)
        groups[key][c.m.count].append(c.m.samples_per_s)
    out = []
    for c in cases:
        counts = groups[(c.m.source, c.m.hardware, c.m.model, c.m.precision, c.m.task, c.m.software)]
        smaller = [n for n in counts if n < c.m.count]
        ok = True
        if smaller:
            m = max(smaller)
            base = statistics.median(counts[m])
            ok = SCALE_UP[0] * base < c.m.samples_per_s <= SCALE_UP[1] / 2 * c.m.count / m * base
        out.append(Case(c.m, c.predicted, c.low, c.high, c.how, ok))
    return out


def summarize(cases: Iterable[Case], key: Callable[[Case], str]) -> list[tuple[str, int, int, float, float, float]]:
    """(group, rows, not modelled, median |error|, worst |error|, share inside the range)."""
    groups: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        groups[key(c)].append(c)
    out = []
    for k, cs in sorted(groups.items()):
        done = [c for c in cs if c.predicted is not None]
        errs = [abs(c.error) for c in done]
        out.append((k, len(cs), len(cs) - len(done), statistics.median(errs) if errs else float("nan"),
                    max(errs) if errs else float("nan"),
                    sum(c.inside for c in done) / len(done) if done else float("nan")))
    return out


def table(title: str, rows: list[tuple[str, int, int, float, float, float]]) -> None:
    print(f"\n| {title} | rows | not modelled | median abs. error | worst abs. error | inside range |\n"
          "|---|---|---|---|---|---|")
    for name, n, missing, median, worst, inside in rows:
        print(f"| {name} | {n} | {missing} | {median:.1%} | {worst:.1%} | {inside:.0%} |")


def report(cases: list[Case], title: str) -> tuple[float, float, int]:
    done = [c for c in cases if c.predicted is not None]
    median = statistics.median(abs(c.error) for c in done) if done else float("nan")
    inside = sum(c.inside for c in done) / len(done) if done else float("nan")
    print(f"\n## {title}: {len(cases)} rows, {len(done)} modelled: median |error| {median:.1%}, "
          f"{inside:.0%} inside the printed range")
    table("source", summarize(cases, lambda c: c.m.source))
    table("task, device", summarize(cases, lambda c: f"{c.m.task} {c.m.device}"))
    table("model", summarize(cases, lambda c: c.m.model))
    table("software", summarize(cases, lambda c: c.m.software))
    table("GPUs", summarize(cases, lambda c: f"{c.m.count} device(s)"))
    return median, inside, len(done)


def memory_table() -> None:
    """Peak GPU memory of training runs against the memory model: a peak after warm-up is compared
    with what is allocated (state + activations), a peak with warm-up in it with the full range."""
    from dlrig.workload.memory import MemoryRequest, estimate_memory
    from dlrig.workload.public_bench import memory_peaks
    from dlrig.workload.zoo import get_model

    print("\n## Memory: peak GPU memory of real runs (test data) against the memory model\n")
    print("| source | model | precision | batch | measured GB | which peak | predicted GB | inside |\n"
          "|---|---|---|---|---|---|---|---|")
    inside = 0
    peaks = memory_peaks()
    for p in peaks:
        e = estimate_memory(get_model(p.model), MemoryRequest(precision=p.precision, batch=p.batch, seq=p.seq,  # type: ignore[arg-type]
                                                             optimizer=p.optimizer), None)  # type: ignore[arg-type]
        b = e.breakdown_gb
        allocated = sum(b[k] for k in ("weights", "gradients", "master_weights", "optimizer_state", "activations"))
        if p.what.startswith("allocated after warm-up"):
            low, high = allocated * (1 - WARM_TOLERANCE), allocated * (1 + WARM_TOLERANCE) + b["allocator_reserve"]
            shown = f"{allocated:,.1f} allocated (accepted {low:,.1f}-{high:,.1f})"
        else:
            low, high = e.per_gpu_gb_range
            shown = f"{e.per_gpu_gb:,.1f} ({low:,.1f}-{high:,.1f})"
        ok = low <= p.peak_gb <= high
        inside += ok
        print(f"| {p.source} | {p.model} | {p.precision} | {p.batch} | {p.peak_gb:,.1f} | {p.what} | {shown} | "
              f"{'yes' if ok else 'no'} |")
    print(f"\n{inside} of {len(peaks)} inside")


def main(argv: list[str]) -> int:
    cases = _flag_inconsistent([predict(m) for m in measurements()])
    if "--rows" in argv:
        print(f"{'role':4} {'source':23} {'task':5} {'hardware':22} {'N':>2} {'model':15} {'prec':4} {'sw':7} "
              f"{'measured':>9} {'predicted':>9} {'range':>19} {'error':>7} in  rule")
        for c in cases:
            rng = f"{c.low:,.0f}-{c.high:,.0f}" if c.low is not None else "-"
            pred = f"{c.predicted:9.1f}" if c.predicted is not None else f"{'-':>9}"
            err = f"{c.error:+7.1%}" if c.predicted is not None else f"{'-':>7}"
            print(f"{c.m.role:4} {c.m.source:23} {c.m.task:5} {c.m.hardware[:22]:22} {c.m.count:2d} "
                  f"{c.m.model[:15]:15} {c.m.precision:4} {c.m.software:7} {c.m.samples_per_s:9.1f} {pred} "
                  f"{rng:>19} {err} {'yes' if c.inside else 'no ':3} {'' if c.consistent else 'inconsistent'}")
    test = [c for c in cases if c.m.role == "test"]
    fit = [c for c in cases if c.m.role == "fit"]
    verdicts = {}
    verdicts["test, all rows"] = report(test, "TEST rows (held out: never read by the model), all rows")
    verdicts["test, rule applied"] = report([c for c in test if c.consistent],
                                            "TEST rows, consistency rule applied")
    report(fit, "FIT rows (used to fit the software, inference and CPU factors: not a test)")
    memory_table()
    print("\n## The bar (test rows: median |error| <= 15%, >= 75% inside the printed range)\n")
    for title, (median, inside, n) in verdicts.items():
        ok = median <= BAR_MEDIAN and inside >= BAR_COVERAGE
        print(f"{title}: {n} rows modelled, median |error| {median:.1%}, {inside:.0%} inside -> "
              f"{'bar met' if ok else 'bar NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
