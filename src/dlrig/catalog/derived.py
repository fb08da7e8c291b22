"""Files derived from the packaged catalog: written with it by ``scripts/build_catalog.py``, read
at run time, never built in the user's cache folder.

``data/v1/derived/``:

- ``index.sqlite``: the name index (every part's spellings, match keys and words,
  :mod:`dlrig.catalog.name_db`) and, for each part id, the file, byte offset and length of its
  record, so naming or fetching five parts reads five lines, not five files;
- ``latest.jsonl``: the ``latest`` price book (the newest price of each part across the
  packaged books), so it is not merged from every book on each run;
- ``plan-parts.tsv``: every part some packaged book prices, as the planner reads it (GPU cards
  with their chip's figures), without what the planner never reads (aliases, notes, field
  sources; GPU cards keep their aliases, by which Lambda's measurements are found); CPU coolers
  are left out (plans do not choose them);
- ``plan-<book>.tsv``: for each packaged book and ``latest``, the price a plan pays for each of
  those parts (:mod:`dlrig.catalog.priced`) and how many parts of each category have no price;
- ``stamp``: the fingerprint of the catalog files they were made from.

Each is used only when its stamp matches the catalog on disk; otherwise (a catalog rebuilt
without them) dlrig works the same things out from the catalog itself, slower, with the same
answers, and ``tests/catalog/test_derived.py`` fails until they are written again. A derived file
that is there but cannot be used (empty, damaged, another program's, unreadable) is bypassed the
same way, with a note on stderr (issue 19: "a cache that heals"); nothing is ever written at run time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlrig.catalog.models import CATEGORIES, MODEL_BY_CATEGORY, Part, Price
from dlrig.catalog.priced import Priced

if TYPE_CHECKING:
    import sqlite3

    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.store import Catalog

log = logging.getLogger("dlrig")
FOLDER = "derived"
# What reading a damaged derived file raises: a short or foreign line (AssertionError, KeyError,
# IndexError, TypeError, AttributeError), bad JSON, text that is not UTF-8 or a record that does not
# validate (ValueError), an unreadable file (OSError).
DAMAGED = (OSError, ValueError, AssertionError, KeyError, IndexError, TypeError, AttributeError)
PLAN_CATEGORIES = tuple(c for c in CATEGORIES if c != "cooler")  # plans do not choose CPU coolers
LEFT_OUT: set[str] = {"notes", "field_src"}  # never read by the planner
GPU_CHIPS_FILE = "gpu_chips.jsonl"


def category_files(category: str) -> list[str]:
    """A category's JSON-Lines files, in the order its parts are listed (GPU chips, then cards)."""
    return [GPU_CHIPS_FILE, "gpu.jsonl"] if category == "gpu" else [f"{category}.jsonl"]


def catalog_stamp(data_dir: Path) -> str:
    """The fingerprint of a catalog folder: its import report and the size of each data file."""
    h = hashlib.sha1()
    report = data_dir / "import_report.json"
    h.update(report.read_bytes() if report.exists() else b"")
    for path in sorted([*data_dir.glob("*.jsonl"), *(data_dir / "prices").glob("*")]):
        h.update(f"{path.relative_to(data_dir)}:{path.stat().st_size}\n".encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Derived:
    """The derived files of a catalog folder whose stamp matches it."""

    folder: Path

    @classmethod
    def of(cls, data_dir: Path) -> Derived | None:
        stamp = data_dir / FOLDER / "stamp"
        try:
            fresh = stamp.read_text().strip() == catalog_stamp(data_dir)
        except OSError:
            return None
        return cls(data_dir / FOLDER) if fresh else None

    @cached_property
    def index(self) -> sqlite3.Connection | None:
        from dlrig.catalog import name_db

        return name_db.connect(self.folder / "index.sqlite")

    def latest(self) -> PriceBook | None:
        """The merged ``latest`` book; None if not written or damaged."""
        from dlrig.catalog.prices import PriceBook, latest_info

        path = self.folder / "latest.jsonl"
        if not path.exists():
            return None
        try:
            with path.open(encoding="utf-8") as fh:
                prices = {p.part_id: p for p in (Price.model_validate_json(line) for line in fh if line.strip())}
            if not prices:
                raise ValueError("empty")
        except DAMAGED as exc:
            bypassed(path, exc)
            return None
        return PriceBook(info=latest_info(), prices=prices)

    def plan_table(self, book: str) -> dict[str, tuple[tuple[Priced, ...], int]] | None:
        """The book's priced parts by category, with the count of unpriced ones; None if not
        written or damaged."""
        path = self.folder / f"plan-{book}.tsv"
        if "/" in book or not path.exists():
            return None
        try:
            return self._plan_table(path)
        except DAMAGED as exc:
            bypassed(path, exc)
            return None

    def _plan_table(self, path: Path) -> dict[str, tuple[tuple[Priced, ...], int]]:
        with path.open(encoding="utf-8") as fh:
            head = json.loads(fh.readline())
            prices = {f[0]: f[1:] for f in (_fields(line, 4) for line in fh)}  # id -> (note, quoted, price)
        rows: dict[str, list[Priced]] = {c: [] for c in head["unpriced"]}
        with (self.folder / "plan-parts.tsv").open(encoding="utf-8") as fh:
            for line in fh:
                cat, pid, known, part = _fields(line, 4)
                if pid in prices:
                    note, quoted, price = prices[pid]
                    rows[cat].append(Priced(MODEL_BY_CATEGORY[cat].model_validate_json(part),
                                                Price.model_validate_json(price), note,
                                                json.loads(quoted) if quoted != "{}" else {}, int(known)))
        found = sum(len(r) for r in rows.values())
        if found != len(prices):  # a cut or stale parts file: never a plan over fewer parts than priced
            raise ValueError(f"{len(prices) - found} of its {len(prices)} priced parts are not in plan-parts.tsv")
        return {c: (tuple(rows[c]), n) for c, n in head["unpriced"].items()}


def bypassed(path: Path, exc: BaseException) -> None:
    """A derived file that cannot be used: a note (the caller works it out instead)."""
    log.warning("note: ignored the damaged derived file %s (%s: %s); answers are the same, only slower; "
                "reinstall dlrig (or run scripts/build_catalog.py) to restore it", path, type(exc).__name__,
                str(exc)[:120])


def _fields(line: str, n: int) -> list[str]:
    fields = line.rstrip("\n").split("\t", n - 1)
    assert len(fields) == n, line[:80]
    return fields


# -- writing (scripts/build_catalog.py) ------------------------------------------------------------
def write(data_dir: Path) -> dict[str, Any]:
    """Write every derived file of the catalog in ``data_dir`` (module docstring); what was written."""
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.store import Catalog

    out = data_dir / FOLDER
    if out.exists():
        shutil.rmtree(out)  # the catalog below must not read stale derived files
    catalog = Catalog(data_dir)
    out.mkdir()
    written: dict[str, Any] = {"index": _write_index(data_dir, out / "index.sqlite")}
    latest = PriceBook.latest_of([catalog.price_book(n) for n in catalog.book_infos])
    _jsonl(out / "latest.jsonl", (p.model_dump(mode="json", exclude_none=True) for p in latest.prices.values()))
    written["latest"] = len(latest.prices)
    parts: dict[str, str] = {}  # id -> its line in plan-parts.tsv
    for book in (*catalog.book_infos, "latest"):
        written[f"plan-{book}"] = _write_plan_table(catalog, book, out / f"plan-{book}.tsv", parts)
    ordered = [line for p, _ in _records(data_dir) if (line := parts.get(p.id))]  # catalog order
    (out / "plan-parts.tsv").write_text("".join(ordered), encoding="utf-8")
    written["plan-parts"] = len(ordered)
    (out / "stamp").write_text(catalog_stamp(data_dir) + "\n")
    return written


def _records(data_dir: Path) -> Iterator[tuple[Part, tuple[str, int, int]]]:
    """Every part with where its line is (file, byte offset, length), in catalog order."""
    for category in CATEGORIES:
        model = MODEL_BY_CATEGORY[category]
        for name in category_files(category):
            path = data_dir / name
            if not path.exists():
                continue
            offset = 0
            with path.open("rb") as fh:
                for line in fh:
                    if line.strip():
                        yield model.model_validate_json(line), (name, offset, len(line))
                    offset += len(line)


def _write_index(data_dir: Path, path: Path) -> int:
    from dlrig.catalog import name_db

    records = list(_records(data_dir))
    name_db.write(path, (p for p, _ in records), {p.id: where for p, where in records})
    return len(records)


def _write_plan_table(catalog: Catalog, book: str, path: Path, parts: dict[str, str]) -> int:
    """The book's prices (``plan-<book>.tsv``); each priced part's line goes into ``parts``."""
    from dlrig.catalog.priced import priced_parts

    unpriced, lines = {}, []
    for cat in PLAN_CATEGORIES:
        priced, unpriced[cat] = priced_parts(catalog, book, cat)
        for r in priced:
            left_out = LEFT_OUT if cat == "gpu" else LEFT_OUT | {"aliases"}
            part = r.part.model_dump_json(exclude_defaults=True, exclude=left_out)
            parts[r.part.id] = _tsv(cat, r.part.id, str(r.known), part)
            price = r.price.model_dump_json(exclude_none=True)
            lines.append(_tsv(r.part.id, r.price_note, json.dumps(r.quoted), price))
    path.write_text(json.dumps({"book": book, "unpriced": unpriced}) + "\n" + "".join(lines), encoding="utf-8")
    return len(lines)


def _tsv(*fields: str) -> str:
    assert not any(c in f for f in fields for c in "\t\n"), fields
    return "\t".join(fields) + "\n"


def _jsonl(path: Path, rows: Any) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n")
