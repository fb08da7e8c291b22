"""Hand-curated tables (``curated/*.yaml``): facts no public data set has, each with its source.

A curated entry updates the catalog part it names (matched by name or part number) or,
when the catalog has no such part, becomes a part of its own. Fields it sets are cited
as ``curated: <url>`` in ``field_src``; fields it leaves out keep their data-set value.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml

from dlrig.catalog.models import MODEL_BY_CATEGORY, Part, PowerConnectors, Slot, Storage
from dlrig.catalog.names import key, normalize
from dlrig.sources.common import ChipIndex, IdMaker, ImportReport, clean_socket

P = TypeVar("P", bound=Part)
CURATED = Path(__file__).parent / "curated"
META_KEYS = {"note", "source", "sources", "id", "category", "chip", "price_usd", "price_date",
             "price_source", "modes", "key", "example", "part", "seq_read_mb_s_range",
             "random_reads_per_s_qd1", "gpus", "motherboard", "lead_time", "quote"}


def load(name: str) -> list[dict[str, Any]]:
    path = CURATED / name
    return yaml.safe_load(path.read_text(encoding="utf-8")) or [] if path.exists() else []


def cite(entry: dict[str, Any]) -> str:
    return f"curated: {str(entry.get('source') or 'unsourced').split()[0]}"


def merge(category: str, entries: list[dict[str, Any]], parts: list[Part], report: ImportReport,
          ids: IdMaker, label: str, chips: ChipIndex | None = None) -> list[Part]:
    """Apply curated entries to ``parts`` (a category's list); returns the new list."""
    index: dict[str, int] = {}
    for i, p in enumerate(parts):
        for spelling in (p.name, *p.aliases):
            index.setdefault(key(spelling), i)
    model = MODEL_BY_CATEGORY[category]
    out = list(parts)
    for entry in entries:
        fields = _fields(category, entry, chips)
        src = cite(entry)
        own_src = {k[: -len("_source")]: f"curated: {str(v).split()[0]}" for k, v in entry.items()
                   if k.endswith("_source") and k != "price_source"}
        spellings = [entry["name"], *entry.get("aliases", [])]
        hit = next((index[key(s)] for s in spellings if key(s) in index), None)
        notes = (str(entry["note"]).strip(),) if entry.get("note") else ()
        if hit is None:
            part = model.model_validate({**fields, "id": ids(_prefix(category, fields), entry["name"]),
                                         "src": src, "notes": notes, "field_src": own_src})
            out.append(part)
            report.keep(f"curated:{label}")
        else:
            old = out[hit]
            field_src = {**old.field_src, **{f: src for f in fields if f not in ("name", "aliases")}, **own_src}
            aliases = tuple(dict.fromkeys((*old.aliases, *fields.get("aliases", ()), entry["name"])))
            update = {k: v for k, v in fields.items() if k not in ("name", "aliases")}
            out[hit] = model.model_validate({**old.model_dump(), **update, "aliases": aliases,
                                             "field_src": field_src, "notes": (*old.notes, *notes)})
            report.correct(f"curated:{label}", f"{category} updated from a curated source")
    return out


def correct(entries: list[dict[str, Any]], parts: Sequence[P], report: ImportReport, label: str) -> list[P]:
    """Apply curated corrections to the parts they name exactly, by name or alias (memory sizes
    count: "Tesla V100 SXM2 32 GB" is not the 16 GB chip). A correction never becomes a part of its own: one naming
    no part is counted in the report (``checks.curated_unmatched``)."""
    by_name: dict[str, int] = {}
    for i, p in enumerate(parts):  # a merged part answers to the names of the entries merged into it
        for spelling in (p.name, *p.aliases):
            by_name.setdefault(normalize(spelling), i)
    out = list(parts)
    unmatched: list[str] = []
    for entry in entries:
        hit = by_name.get(normalize(entry["name"]))
        if hit is None:
            unmatched.append(entry["name"])
            continue
        old = out[hit]
        fields = {k: v for k, v in _fields(old.id.split("/", 1)[0], entry, None).items()
                  if k not in ("name", "aliases")}
        src = cite(entry)
        notes = (str(entry["note"]).strip(),) if entry.get("note") else ()
        out[hit] = type(old).model_validate({**old.model_dump(), **fields, "notes": (*old.notes, *notes),
                                           "field_src": {**old.field_src, **dict.fromkeys(fields, src)}})
        report.correct(f"curated:{label}", "corrected from the maker's figure")
    report.checks.setdefault("curated_unmatched", {})[label] = unmatched
    return out


def _prefix(category: str, fields: dict[str, Any]) -> str:
    return "gpu/card" if category == "gpu" and fields.get("chip_id") else category


def _fields(category: str, entry: dict[str, Any], chips: ChipIndex | None) -> dict[str, Any]:
    fields = {k: v for k, v in entry.items() if k not in META_KEYS and not k.endswith("_source")}
    if "socket" in fields:
        fields["socket"] = clean_socket(fields["socket"])
    if "aliases" in fields:
        fields["aliases"] = tuple(str(a) for a in fields["aliases"])
    if category == "motherboard" and "slots" in fields:
        fields["slots"] = tuple(Slot.model_validate(s) for s in fields["slots"])
    if "power_connectors" in fields:
        fields["power_connectors"] = PowerConnectors.model_validate(fields["power_connectors"])
    if "connectors" in fields:
        fields["connectors"] = PowerConnectors.model_validate(fields["connectors"])
    chip = chips.get(entry["chip"]) if category == "gpu" and entry.get("chip") and chips is not None else None
    if chip is not None:
        fields["chip_id"] = chip.id
        fields.setdefault("kind", chip.kind)
    return fields


def storage_defaults(parts: list[Part], report: ImportReport) -> list[Part]:
    """Fill unknown drive throughput from the class defaults, cited as ``default:<class>``."""
    classes = {e["key"]: e for e in load("storage_defaults.yaml") if "key" in e}
    out: list[Part] = []
    for p in parts:
        assert isinstance(p, Storage)
        cls = storage_class(p)
        entry = classes.get(cls or "")
        update: dict[str, Any] = {}
        if entry:
            for f in ("seq_read_mb_s", "random_reads_per_s"):
                if getattr(p, f) is None and entry.get(f):
                    update[f] = float(entry[f])
            if update:
                src = f"default:{cls} ({str(entry.get('source', '')).split()[0]})"
                p = p.model_copy(update={**update, "field_src": {**p.field_src, **dict.fromkeys(update, src)}})
                report.correct("curated:storage_defaults", f"throughput from the {cls} default")
        out.append(p)
    return out


def storage_class(p: Storage) -> str | None:
    if p.kind == "hdd":
        return {5400: "hdd-5400", 5900: "hdd-5400", 7200: "hdd-7200"}.get(p.rpm or 0)
    if p.kind == "ssd" and p.interface == "sata":
        return "sata-ssd"
    if p.interface == "nvme" and p.pcie_gen:
        return {3.0: "nvme-gen3", 4.0: "nvme-gen4", 5.0: "nvme-gen5"}.get(p.pcie_gen)
    return None


def named_drives() -> list[dict[str, Any]]:
    return [{**e, "name": e["part"]} for e in load("storage_defaults.yaml") if "part" in e]
