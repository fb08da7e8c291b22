#!/usr/bin/env python3
"""Import the GPU price tracker's daily cloud prices into src/dlrig/cost/data/gpu_price_tracker.csv.

Input: shared/data/gpu-price-tracker/*.jsonl (tugot17/gpu-price-tracker @718a831c, MIT; the last
record of each day per GPU, 2025-10-19 to 2025-11-16; see shared/data/PROVENANCE.md). The tracker
polls an aggregated GPU marketplace (Prime Intellect) for on-demand and spot offers.

Output: one row per (day, GPU, kind):
  kind=config    the cheapest offer for an instance of `gpu_count` GPUs that day: its provider,
                 location, per-GPU $/h, the average per-GPU $/h of such offers, and whether the
                 cheapest one is spot (interruptible);
  kind=provider  a provider's offers that day: how many, cheapest and average per-GPU $/h;
  kind=market    the day's distribution over all offers (min, p10, median, p90, max per GPU-hour).
Tracker GPU names are mapped to the catalog's chip names; prices are per GPU-hour in USD.

Usage: python scripts/import_gpu_price_tracker.py [SOURCE_DIR] [OUT_CSV]
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from dlrig.atomic import write_atomic

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "gpu-price-tracker"
OUT = ROOT / "src" / "dlrig" / "cost" / "data" / "gpu_price_tracker.csv"
SOURCE_NOTE = "tugot17/gpu-price-tracker@718a831c data/summary (MIT)"
COLUMNS = ("date", "gpu_chip", "tracker_gpu", "kind", "gpu_count", "provider", "location",
           "usd_per_gpu_hour", "avg_usd_per_gpu_hour", "statistic", "offers", "spot")
# tracker file -> the catalog's chip name (TechPowerUp spelling); B200 offers are SXM6 modules,
# H200 and GH200 SXM5 (the tracker's best-deal socket).
CHIPS = {
    "A100_80GB_PCIe": "A100 PCIe 80 GB",
    "A100_80GB_SXM4": "A100 SXM4 80 GB",
    "B200_180GB": "B200",
    "GH200_96GB": "GH200",
    "H100_80GB_PCIe": "H100 PCIe 80 GB",
    "H100_80GB_SXM5": "H100 SXM5 80 GB",
    "H200_141GB": "H200 SXM 141 GB",
}
MARKET_STATS = ("min", "p10", "median", "p90", "max")


def rows_of(stem: str, record: dict) -> list[dict]:
    base = {"date": record["timestamp"][:10], "gpu_chip": CHIPS[stem], "tracker_gpu": stem}
    out = []
    for config, c in sorted(record.get("by_config", {}).items(), key=lambda kv: int(kv[0].rstrip("x"))):
        deal = c.get("best_deal") or {}
        out.append({**base, "kind": "config", "gpu_count": int(config.rstrip("x")),
                    "provider": deal.get("provider", ""), "location": deal.get("location", ""),
                    "usd_per_gpu_hour": c["min_per_gpu"], "avg_usd_per_gpu_hour": c["avg_per_gpu"],
                    "offers": c["count"], "spot": str(bool(deal.get("spot"))).lower()})
    for provider, p in sorted(record.get("by_provider", {}).items()):
        out.append({**base, "kind": "provider", "provider": provider, "usd_per_gpu_hour": p["min"],
                    "avg_usd_per_gpu_hour": p["avg"], "offers": p["count"]})
    stats = record.get("price_stats", {})
    for stat in MARKET_STATS:
        if stats.get(stat) is not None:
            out.append({**base, "kind": "market", "statistic": stat, "usd_per_gpu_hour": stats[stat],
                        "offers": (record.get("availability") or {}).get("total", "")})
    return out


HEADER = (f"# source: {SOURCE_NOTE}\n# Cloud GPU prices per GPU-hour (USD), daily 2025-10-19..2025-11-16.\n"
          "# Written by scripts/import_gpu_price_tracker.py; spot = the cheapest offer is interruptible.\n")


def table(rows: list[dict]) -> str:
    """The CSV text: the header comment, the column names, one line per row."""
    buf = io.StringIO()
    buf.write(HEADER)
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(source: Path = SOURCE, out: Path = OUT) -> int:
    rows = [r for path in sorted(source.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
            for r in rows_of(path.stem, json.loads(line))]
    rows.sort(key=lambda r: (r["gpu_chip"], r["date"], r["kind"], r.get("gpu_count") or 0, r.get("provider", ""),
                             r.get("statistic", "")))
    write_atomic(out, table(rows))
    print(f"wrote {len(rows)} rows to {out}")
    return 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    raise SystemExit(main(*args))
