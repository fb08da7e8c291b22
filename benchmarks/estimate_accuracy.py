"""How far `dlrig estimate` is from every Lambda measurement, each GPU held out of its own prediction.

Run:  python benchmarks/estimate_accuracy.py [--rows]

For every measured GPU x model x precision x GPU count in src/dlrig/workload/data/lambda_bench.json
(Lambda's v1 figure where it has one, else v0, as `dlrig estimate` itself prefers), the estimate is
run the way the tool runs it, with one difference: that GPU's own measurements are held out. None
of its rows is used as a measured figure (not even its 1-GPU row for a multi-GPU prediction), and
the calibration is refitted without it (``Machine.held_out_chip``). The GPU's figures come from the
packaged catalog (Lambda's chip_specs where the catalog lacks the chip), at Lambda's batch size.
Precision: Lambda's "fp16" (AMP) is dlrig ``fp16``; its "fp32" is ``tf32`` on GPUs with TF32, else
``fp32`` (see docs/workload.md, "What fp32 means").

Two regimes (Lambda's v0, 2022 / NGC 21.x, and v1, 2024 / NGC 22.09+, are not comparable):
- "matched": each row is predicted by the model fitted on its own Lambda version (v0 rows by the
  v0 fit, v1 rows by the v1 fit), the GPU held out of both; this tests the model's form;
- "as shipped": every row predicted in the v1 regime, as `dlrig estimate` does (today's software).
Batch: Lambda's bs files give the whole run's batch; the per-GPU batch is that / GPU count.
Consistency rule (docs/workload.md, ``calibration.inconsistent``): every table is printed with all
rows and with the rows the rule flags left out.

Prints the median and worst |error| per model, per model and precision, per GPU count and per
Lambda version, and whether the issue's bar holds: held-out median |error| at most 15% for
ResNet-50 and BERT-large at fp16 and fp32.
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dlrig.catalog.models import Gpu
from dlrig.workload import calibration as cal
from dlrig.workload.anchor import lambda_gpu
from dlrig.workload.estimate import Machine, WorkloadRequest, estimate
from dlrig.workload.throughput import lambda_chip

BAR = 0.15
BAR_MODELS = ("resnet50", "bert-large")


@dataclass(frozen=True)
class Case:
    chip: str
    model: str
    lambda_precision: str  # "fp16" (AMP) or "fp32" (TF32 on Ampere and newer)
    gpus: int
    version: str
    measured: float  # median over Lambda's systems, samples/s
    predicted: float
    consistent: bool = True  # not flagged by the consistency rule
    low: float = 0.0  # the printed range
    high: float = 0.0

    @property
    def error(self) -> float:
        return self.predicted / self.measured - 1.0

    @property
    def inside(self) -> bool:
        return self.low <= self.measured <= self.high


def catalog_chips() -> dict[str, Gpu]:
    """Lambda chip name -> the packaged catalog's GPU chip (empty if the catalog is not built)."""
    try:
        from dlrig.catalog.store import default_catalog

        chips = default_catalog().gpu_chips()
    except (OSError, ValueError):  # no packaged catalog: fall back to Lambda's chip_specs
        return {}
    out: dict[str, Gpu] = {}
    for gpu in chips:
        name = lambda_chip(gpu)
        if name is not None:
            out.setdefault(name, gpu)
    return out


def dlrig_precision(gpu: Gpu, lambda_precision: str) -> str:
    if lambda_precision == "fp16":
        return "fp16"
    return "tf32" if gpu.tf32_tflops else "fp32"


def measured_cases() -> dict[tuple[str, str, str, int], tuple[str, list[dict]]]:
    """(chip, model, precision, count) -> (version, rows): v1 where Lambda has it, else v0."""
    groups: dict[tuple[str, str, str, int, str], list[dict]] = defaultdict(list)
    for r in cal.bench()["rows"]:
        groups[(r["chip"], r["model"], r["lambda_precision"], r["num_gpu"], r["version"])].append(r)
    out: dict[tuple[str, str, str, int], tuple[str, list[dict]]] = {}
    for (chip, model, lp, n, version), rows in sorted(groups.items()):
        key = (chip, model, lp, n)
        if key not in out or version == "v1":
            out[key] = (version, rows)
    return out


def predict_all(regime: str = "matched") -> tuple[list[Case], list[str]]:
    data = cal.bench()
    chips = catalog_chips()
    cases, skipped = [], []
    for (chip, model, lp, n), (version, rows) in measured_cases().items():
        gpu = chips.get(chip) or (lambda_gpu(chip) if chip in data["chip_specs"] else None)
        if gpu is None:
            skipped.append(f"{chip}: neither the catalog nor Lambda's chip_specs has its figures")
            continue
        batch = cal.per_gpu_batch(rows[0])
        req = WorkloadRequest(model=model, precision=dlrig_precision(gpu, lp), batch=batch)
        fit_version = version if regime == "matched" else cal.FIT_VERSION
        result = estimate(req, Machine(gpu=gpu, gpus=n, held_out_chip=chip, lambda_version=fit_version))
        assert result.throughput.source == "model", (chip, model, lp, n)  # never its own measurement
        lo, hi = result.throughput.range
        cases.append(Case(chip, model, lp, n, version, statistics.median(r["samples_per_s"] for r in rows),
                          result.throughput.samples_per_s, cal.is_consistent(rows[0]), lo, hi))
    return cases, skipped


def summarize(cases: Iterable[Case], key: Callable[[Case], str]) -> list[tuple[str, int, float, float, float]]:
    """(group, cases, median |error|, worst |error|, share inside the printed range)."""
    groups: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        groups[key(c)].append(c)
    return [(k, len(v), statistics.median(abs(c.error) for c in v), max(abs(c.error) for c in v),
             sum(c.inside for c in v) / len(v)) for k, v in sorted(groups.items())]


def table(title: str, rows: list[tuple[str, int, float, float, float]]) -> None:
    print(f"\n| {title} | cases | median abs. error | worst abs. error | inside range |\n|---|---|---|---|---|")
    for name, n, median, worst, inside in rows:
        print(f"| {name} | {n} | {median:.1%} | {worst:.1%} | {inside:.0%} |")


def report(cases: list[Case], title: str) -> list[tuple[str, int, float, float, float]]:
    print(f"\n## {title}: {len(cases)} cases ({len({c.chip for c in cases})} GPUs)")
    table("model, Lambda precision", summarize(cases, lambda c: f"{c.model} {c.lambda_precision}"))
    table("model", summarize(cases, lambda c: c.model))
    table("GPUs", summarize(cases, lambda c: f"{c.gpus:2d} GPU(s)"))
    table("model, Lambda precision, version",
          summarize(cases, lambda c: f"{c.model} {c.lambda_precision} {c.version}"))
    table("model, Lambda precision, 1 GPU", summarize((c for c in cases if c.gpus == 1),
                                                      lambda c: f"{c.model} {c.lambda_precision}"))
    return summarize((c for c in cases if c.model in BAR_MODELS), lambda c: f"{c.model} {c.lambda_precision}")


def main(argv: list[str]) -> int:
    verdict = {}
    for regime in ("matched", "as shipped"):
        cases, skipped = predict_all("matched" if regime == "matched" else "v1")
        if "--rows" in argv:
            print(f"# {regime}\n{'model':10} {'prec':4} {'chip':26} {'N':>2} {'ver':3} {'measured':>9} "
                  f"{'predicted':>9} {'error':>7} rule")
            for c in cases:
                print(f"{c.model:10} {c.lambda_precision:4} {c.chip:26} {c.gpus:2d} {c.version:3} {c.measured:9.1f} "
                      f"{c.predicted:9.1f} {c.error:+7.1%} {'' if c.consistent else 'inconsistent'}")
        for rule in (False, True):
            kept = [c for c in cases if c.consistent or not rule]
            title = f"{regime}, {'consistency rule applied' if rule else 'all rows'}"
            verdict[title] = report(kept, title)
        for line in skipped:
            print(f"skipped: {line}")
    print("\n## The bar (held-out median |error| <= 15%)\n")
    for title, rows in verdict.items():
        ok = all(median <= BAR for _name, _n, median, _worst, _inside in rows)
        print(f"{title}: " + ", ".join(f"{name} {median:.1%} ({inside:.0%} inside)"
                                       for name, _n, median, _w, inside in rows)
              + (" -> bar met" if ok else " -> bar NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
