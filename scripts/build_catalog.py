"""Regenerate the packaged catalog (src/dlrig/catalog/data/v1) from ../shared/data, and the files
derived from it.

    python scripts/build_catalog.py [--shared ../shared/data]
    python scripts/build_catalog.py --derived-only    # the derived files of the catalog as it is

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


def write_derived(out: Path) -> None:
    """What dlrig would otherwise work out on every run: the name and record index, the ``latest``
    book, the planner's table of each book (dlrig.catalog.derived), and the throughput model's
    calibration fits (dlrig.workload.calibration, from Lambda's measurements)."""
    from dlrig.catalog import derived
    from dlrig.workload import calibration, uncertainty

    start = time.perf_counter()
    written = derived.write(out)
    written["calibration fits"] = calibration.write_stored(derived=uncertainty.derived_document())
    print(json.dumps(written, indent=1))
    print(f"wrote {out / derived.FOLDER} and {calibration.STORED} in {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--derived-only", action="store_true", help="only the files derived from the catalog")
    args = parser.parse_args()
    if not args.derived_only:
        start = time.perf_counter()
        report = build(args.shared, args.out)
        print(json.dumps(report.checks.get("parts"), indent=1))
        print(f"wrote {args.out} in {time.perf_counter() - start:.1f} s")
    write_derived(args.out)


if __name__ == "__main__":
    main()
