"""Record, in src/dlrig/workload/data/public_measurements.json, the catalog record of each GPU the
fit rows ran on (every field, with its source), as the packaged catalog gives it today.

Run:  python scripts/record_measurement_chips.py

The workload model's software, inference and uncertainty factors are fitted against these
recorded GPUs, not the catalog of the day, so a fit is reproducible, needs no catalog at run time
and a test's hand-made catalog cannot change it. Run again after a catalog fix to one of them
(then rerun benchmarks/prediction_accuracy.py); a test says when the records are stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from dlrig.catalog.store import default_catalog

OUT = Path(__file__).resolve().parents[1] / "src" / "dlrig" / "workload" / "data" / "public_measurements.json"


def main() -> None:
    doc = json.loads(OUT.read_text(encoding="utf-8"))
    catalog = default_catalog()
    names = sorted({r["hardware"] for r in doc["measurements"] if r["role"] == "fit" and r["device"] == "gpu"})
    doc["chips"] = {n: catalog.chip_of(catalog.resolve(n, "gpu")).model_dump(mode="json", exclude_none=True)  # type: ignore[arg-type]
                    for n in names}
    OUT.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"recorded {len(names)} GPUs in {OUT}")


if __name__ == "__main__":
    main()
