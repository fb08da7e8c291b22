"""How far the throughput model is from Lambda's measurements it was not fitted on.

Run:  python benchmarks/throughput_model_accuracy.py
1. Single GPU, leave one GPU out: for each v1 chip, the calibration is refitted without that
   chip and predicts it; the table shows predicted vs measured and the error, per model family
   and precision class, with the median and max absolute error.
2. Multi-GPU: Lambda's measured one-GPU figure x the data-parallel scaling model, against
   Lambda's measured 2/4/8-GPU rows (v1), at Lambda's per-GPU batch, the synchronisation
   fraction refitted without the chip.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

from dlrig.catalog.models import Gpu
from dlrig.workload import calibration as cal
from dlrig.workload.anchor import LAMBDA_CHIP_PLATFORM
from dlrig.workload.throughput import ALLREDUCE_BYTES_PER_PARAM, Throughput, data_parallel, link_for
from dlrig.workload.zoo import get_model

CHIP_PLATFORM = LAMBDA_CHIP_PLATFORM  # architecture and PCIe generation of the v1 chips (TechPowerUp)


def single_gpu_table() -> None:
    print("## Single GPU, leave-one-GPU-out (Lambda v1, one point per chip and model)\n")
    print(f"{'family':12} {'class':7} {'model':11} {'chip':26} {'measured':>9} {'predicted':>9} {'error':>7}")
    for family in ("cnn", "transformer"):
        for pc in ("16-bit", "32-bit"):
            c = cal.calibration(family, pc)
            measured = {(p.chip, p.model): p.measured_per_s for p in cal.calibration_points(family, pc)}
            for chip, model, err in c.logo_errors:
                m = measured[(chip, model)]
                print(f"{family:12} {pc:7} {model:11} {chip:26} {m:9.0f} {m * (1 + err):9.0f} {err:+7.1%}")
            print(f"{family:12} {pc:7} -> median |error| {c.median_abs_error:.1%}, max {math.exp(c.band) - 1:.1%}; "
                  f"fit on all ({c.terms}): compute at {c.compute_efficiency:.0%} of peak, memory factor "
                  f"b = {c.b:.1f}, CUDA-core factor c = {c.c:.1f}, per-step factor d = {c.d:.1f}\n")


def _gpu(chip: str, spec: dict) -> Gpu:
    arch, gen = CHIP_PLATFORM[chip]
    return Gpu(id=f"gpu/{chip}", name=chip, src="bench", architecture=arch, pcie_gen=float(gen), pcie_lanes=16,
               form="sxm" if "SXM" in chip else "pcie", fp32_tflops=spec["fp32_tflops"])


def multi_gpu_table() -> None:
    print("## Multi-GPU: measured 1-GPU x modelled data-parallel efficiency vs Lambda's N-GPU rows (v1)\n")
    print(f"{'model':11} {'prec':5} {'chip':26} {'N':>2} {'link':34} {'measured':>9} {'predicted':>9} {'error':>7}")
    data = cal.bench()
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in data["rows"]:
        if r["version"] == "v1" and r["chip"] in CHIP_PLATFORM:
            groups[(r["model"], r["lambda_precision"], r["chip"], r["num_gpu"])].append(r)
    errors = []
    for (model_key, lp, chip, n), rows in sorted(groups.items()):
        one = groups.get((model_key, lp, chip, 1))
        if n == 1 or not one:
            continue
        single_value = statistics.median(r["samples_per_s"] for r in one)
        measured = statistics.median(r["samples_per_s"] for r in rows)
        batch = cal.per_gpu_batch(one[0]) or 64
        single = Throughput(samples_per_s=single_value, range=(single_value, single_value), source="measured",
                            detail="", per_gpu_samples_per_s=single_value)
        gpu = _gpu(chip, data["chip_specs"][chip])
        model = get_model(model_key)
        grad = model.params * ALLREDUCE_BYTES_PER_PARAM
        link = link_for(gpu, n)
        s = data_parallel(single, n, grad, batch, link, sync=cal.sync_fraction(model.family, "v1", frozenset({chip})))
        predicted = single_value * n * s.efficiency
        err = predicted / measured - 1
        errors.append(abs(err))
        print(f"{model_key:11} {lp:5} {chip:26} {n:2d} {link.description[:34]:34} {measured:9.0f} "
              f"{predicted:9.0f} {err:+7.1%}")
    print(f"\n{len(errors)} multi-GPU rows: median |error| {statistics.median(errors):.1%}, "
          f"max {max(errors):.1%}")


def main() -> None:
    single_gpu_table()
    multi_gpu_table()


if __name__ == "__main__":
    main()
