"""The seed post's claims, answered on the machine at hand.

1. "GPUs are more than 100x faster [...] than a CPU": measured GEMM rates when a GPU ran;
   otherwise the CPU's measured GEMM against a named GPU's catalog peak, labelled as such.
2. "loading from disk will not be your bottleneck" (~1,000 images/s, ~16 MB/s for 4 GPUs):
   measured disk, decode and loader rates against the training rate (measured or estimated).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dlrig.catalog.models import Precision
    from dlrig.catalog.protocol import CatalogQueries

POST_SPEEDUP = 100.0
POST_IMAGES_PER_S = 1000.0  # "loading around 1,000 images (about 16 MB) per second"
POST_MB_S = 16.0
PEAK_COMPARISON_GPUS = ("GeForce GTX TITAN X", "H100 SXM5 80 GB")  # the post's GPU, and a current one
PEAK_PRECISIONS: tuple[Precision, ...] = ("fp32", "bf16")


def answer(result: dict[str, Any], catalog: CatalogQueries) -> list[dict[str, Any]]:
    return [gpu_vs_cpu(result, catalog), starvation(result)]


def gpu_vs_cpu(result: dict[str, Any], catalog: CatalogQueries) -> dict[str, Any]:
    cpu = result["cpu"].get("gemm_fp32_gflops")
    claim = "GPUs are more than 100x faster than a CPU for training"
    if not cpu:
        return {"claim": claim, "answer": "not answered: the CPU GEMM did not run", "measured": False}
    gpus = [g for g in result["gpus"] if g.get("gemm_tflops")]
    if gpus:
        g = gpus[0]
        fp32 = g["gemm_tflops"].get("fp32")
        best_p, best = max(g["gemm_tflops"].items(), key=lambda kv: kv[1])
        ratio32 = fp32 * 1000 / cpu if fp32 else None
        text = (f"measured: GPU {g['index']} ({g['name']}) GEMM fp32 {fp32:.1f} TFLOP/s = {ratio32:.0f}x this CPU's "
                f"{cpu:.0f} GFLOP/s" if fp32 else "GPU fp32 GEMM not measured") + \
            f"; at {best_p} {best:.0f} TFLOP/s = {best * 1000 / cpu:.0f}x (matrix products, which dominate training)"
        return {"claim": claim, "answer": text, "measured": True, "ratio_fp32": ratio32,
                "ratio_best": best * 1000 / cpu, "best_precision": best_p}
    from dlrig.catalog.models import Gpu
    from dlrig.catalog.protocol import resolve_as

    rows = []
    for name in PEAK_COMPARISON_GPUS:
        try:
            chip = resolve_as(catalog, name, "gpu-chips", Gpu)
        except Exception:  # a catalog without this GPU: compare with the others
            continue
        for precision in PEAK_PRECISIONS:
            peak = chip.tflops(precision)
            if peak:
                rows.append({"gpu": chip.name, "precision": precision, "peak_tflops": peak,
                             "ratio": peak * 1000 / cpu})
    parts = [f"{r['gpu']} {r['precision']} peak {r['peak_tflops']:g} TFLOP/s = {r['ratio']:.0f}x" for r in rows]
    return {"claim": claim, "measured": False, "comparisons": rows,
            "answer": f"no GPU here: a comparison of peaks, not a measurement. This CPU's measured GEMM "
                      f"{cpu:.0f} GFLOP/s vs the catalog's dense peaks: " + "; ".join(parts) +
                      " (a GPU reaches 65-90% of its peak on large GEMMs)"}


def _demand(result: dict[str, Any]) -> tuple[float | None, str]:
    measured = [g["resnet50_images_per_s"] for g in result["gpus"] if g.get("resnet50_images_per_s")]
    if measured:
        return sum(measured), f"measured ResNet-50 training on {len(measured)} GPU(s), all together"
    from dlrig.machine.bench.expected import post_machine_demand

    est = post_machine_demand()
    return est.value, f"no GPU measured: {est.source}"


def starvation(result: dict[str, Any]) -> dict[str, Any]:
    """Each CPU/storage stage's supply against the GPUs' demand, as a factor (>= 1: keeps up)."""
    demand, source = _demand(result)
    claim = "loading from disk will not be the bottleneck (1,000 images/s ~ 16 MB/s for 4 GPUs)"
    supply = {"disk file reads": result["disk"].get("small_file_reads_per_s"),
              "JPEG decode, all cores": result["decode"].get("jpeg_images_per_s_all_cores"),
              "end-to-end loader": result["loader"].get("images_per_s")}
    supply = {k: v for k, v in supply.items() if v}
    file_kb = result["disk"].get("small_file_bytes", 115_000) / 1000
    note = (f"the post's 1,000 images/s at ImageNet's mean {file_kb:.0f} KB per JPEG is "
            f"{POST_IMAGES_PER_S * file_kb / 1000:.0f} MB/s, not {POST_MB_S:g} MB/s (16 KB per image means "
            "pre-shrunk images)")
    if not demand or not supply:
        return {"claim": claim, "answer": "not answered: demand or supply not measured", "note": note}
    stages = [{"stage": k, "images_per_s": v, "factor": v / demand, "keeps_up": v >= demand} for k, v in supply.items()]
    slow = min(stages, key=lambda s: s["factor"])
    verdict = ("no stage starves the GPUs" if slow["keeps_up"] else
               f"{slow['stage']} starves the GPUs: it supplies {slow['factor']:.0%} of the demand")
    return {"claim": claim, "demand_images_per_s": demand, "demand_source": source,
            "demand_mb_s": demand * file_kb / 1000, "stages": stages, "note": note,
            "answer": f"{verdict} ({demand:,.0f} images/s needed: {source})"}
