"""A CostReport as plain data: the one shape ``--json`` and the web app both serialize."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dlrig.catalog.prices import STALE_AFTER_DAYS
from dlrig.cost.purchase import STALE_NOTE, PriceLine
from dlrig.cost.quote import quote_json

if TYPE_CHECKING:  # ownership.CostReport.to_json calls this module: no import back at run time
    from dlrig.cost.ownership import CloudComparison, CostReport, PrebuiltComparison


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def price_json(line: PriceLine) -> dict[str, Any]:
    return {"part": line.name, "part_id": line.part_id, "category": line.category, "count": line.count,
            "usd": line.unit_usd, "line_usd": _r(line.line_usd), "date": line.date and line.date.isoformat(),
            "age_days": line.age_days, "source": line.source, "stale": line.stale, "note": line.note,
            "bundle": line.bundle}


def prebuilt_json(c: PrebuiltComparison) -> dict[str, Any]:
    box = c.box
    return {
        "kind": "prebuilt", "name": box.name, "key": box.key, "price_usd": box.price_usd,
        "price_date": box.price_date, "price_source": box.price_source, "price_stale": c.stale,
        "lead_time": box.lead_time, "lead_time_source": box.lead_time_source,
        "difference_usd": _r(c.difference_usd), "break_even_hours": None,
        "specs": {"gpus": box.gpus, "cpu": box.cpu, "motherboard": box.motherboard,
                  "memory_gb": box.memory_gb},
        "spec_sources": box.spec_sources, "unconfirmed": list(box.unconfirmed),
        "peak_tflops": {"precision": c.precision, "build": _r(c.peak_tflops_build, 1),
                        "box": _r(c.peak_tflops_box, 1), "source": "catalog GPU figures"},
        "throughput": _r(c.throughput, 1), "throughput_note": c.throughput_note, "note": box.note,
    }


def cloud_json(c: CloudComparison) -> dict[str, Any]:
    o = c.offer
    return {
        "kind": "cloud", "name": o.instance_type, "provider": o.provider, "gpu": o.gpu,
        "gpu_chip": o.gpu_chip, "gpu_count": o.gpu_count, "usd_per_hour": o.usd_per_hour,
        "usd_per_gpu_hour": _r(o.usd_per_gpu_hour, 4), "pricing": o.pricing, "date": o.date_label,
        "date_verified": o.verified, "stale": c.stale, "source": o.source,
        "matched_by": c.match.matched_by, "match_note": c.match.note or None,
        "resale_usd": _r(c.resale_usd), "break_even_hours": _r(c.break_even_hours, 0),
        "break_even_months": _r(c.break_even_months, 1), "break_even_within_years": c.within_horizon,
        "buy_vs_rent": c.rent.to_json() if c.rent else None,
        "note": o.note or None,
    }


def report_json(report: CostReport) -> dict[str, Any]:
    from dlrig.cost.ownership import PrebuiltComparison  # loaded by now: the report is its CostReport's

    p, run, rent = report.purchase, report.running, report.buy_vs_rent
    comparisons = [prebuilt_json(c) if isinstance(c, PrebuiltComparison) else cloud_json(c)
                   for c in report.comparisons]
    return {
        "build": report.build, "as_of": report.today.isoformat(),
        "total_usd": _r(p.total_usd), "total_note": p.total_note, "parts_usd": _r(p.parts_usd),
        "parts_sum": p.parts_sum,
        "tax_usd": _r(p.tax_usd), "tax_rate": p.tax_rate, "tax_source": p.tax_source,
        "shipping_usd": p.shipping_usd, "price_book": p.book, "unpriced": list(p.unpriced),
        "quote": quote_json(report.quote) if report.quote else None,
        "stale_prices": list(p.stale), "stale_rule": STALE_NOTE,
        "oldest_price_date": p.oldest and p.oldest.isoformat(),
        "lead_time": None, "lead_time_note": "no source gives lead times for these parts",
        "power_w_wall": _r(run.power.wall_w, 0), "power_w_dc": _r(run.power.dc_w, 0),
        "power_method": run.power.method, "utilization": run.utilization, "hours_per_day": run.hours_per_day,
        "kwh_price_usd": run.kwh.value, "kwh_source": run.kwh.source, "kwh_date": run.kwh.date_text,
        "kwh_stale": None if run.kwh.date is None else (report.today - run.kwh.date).days > STALE_AFTER_DAYS,
        "power_cost_usd_per_hour": _r(run.usd_per_hour, 4), "power_cost_usd_per_month": _r(run.usd_per_month),
        "depreciation_per_year": report.depreciation.value, "depreciation_source": report.depreciation.source,
        "years": report.years, "comparisons": comparisons,
        "busy_hours": _r(report.busy_hours, 1),
        "verdict": rent.verdict() if rent else None,
        "break_even_utilization": _r(rent.break_even_utilization, 4) if rent else None,
        "prices": [price_json(line) for line in p.lines], "notes": list(report.notes),
    }
