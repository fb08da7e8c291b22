"""Regenerate the packaged catalog (src/dlrig/catalog/data/v1) from ../shared/data.

    python scripts/build_catalog.py [--shared ../shared/data]

The output is committed, so installing dlrig needs neither this script nor the data sets.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from dlrig.catalog.store import DATA_DIR
from dlrig.sources.pipeline import build

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args()
    start = time.perf_counter()
    report = build(args.shared, args.out)
    print(json.dumps(report.checks.get("parts"), indent=1))
    print(f"wrote {args.out} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
