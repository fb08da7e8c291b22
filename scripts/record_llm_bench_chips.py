"""Record, in src/dlrig/workload/data/llm_inference_bench.json, the figures of each GPU the LLM
inference measurements ran on, as the packaged catalog gives them (with each figure's source).

Run:  python scripts/record_llm_bench_chips.py

The speed model (dlrig.workload.llm_speed) is fitted against these recorded figures, not the
catalog of the day, so a fit is reproducible and a test catalog cannot change it. Run again
after a catalog fix to a chip below (then rerun benchmarks/llm_inference_accuracy.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from dlrig.catalog.store import default_catalog

OUT = Path(__file__).resolve().parents[1] / "src" / "dlrig" / "workload" / "data" / "llm_inference_bench.json"
FIELDS = ("memory_bandwidth_gb_s", "fp32_tflops", "fp16_tflops", "vram_gb", "kind", "vendor", "form")


def main() -> None:
    doc = json.loads(OUT.read_text(encoding="utf-8"))
    chips = {g.name: g for g in default_catalog().gpu_chips()}
    names = sorted({r["gpu"] for r in doc["rows"]})
    missing = [n for n in names if n not in chips]
    if missing:
        raise SystemExit(f"not catalog chip names: {', '.join(missing)}")
    doc["chips"] = {n: {**{f: getattr(chips[n], f) for f in FIELDS},
                        "sources": {f: chips[n].source_of(f) for f in FIELDS[:3]}} for n in names}
    OUT.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"recorded {len(names)} chips in {OUT}")


if __name__ == "__main__":
    main()
