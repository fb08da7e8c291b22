"""The packaged catalog: parts and price books, loaded on first use, never at import.

Data lives under ``data/v1/`` as one JSON-Lines file per category (written by
``scripts/build_catalog.py``); ``Catalog`` reads a category only when asked for it, so
``dlrig gpus`` never parses motherboards. The files derived from it (the name index, where each
part's line is, the ``latest`` book, the planner's table of each book:
:mod:`dlrig.catalog.derived`) are written with it; a catalog without them (a hand-made one, or
one rebuilt without them) is read the slow way, with the same answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache, cached_property
from pathlib import Path
from typing import Protocol

from dlrig.catalog.derived import GPU_CHIPS_FILE, Derived, category_files
from dlrig.catalog.models import CATEGORIES, MODEL_BY_CATEGORY, Gpu, Part, PriceBookInfo
from dlrig.catalog.names import NameIndex, normalize
from dlrig.catalog.priced import Priced
from dlrig.catalog.prices import PriceBook, load_book_file
from dlrig.errors import BadInput

DATA_DIR = Path(__file__).parent / "data" / "v1"
# A partner card's own build: never read from its chip's reference board (sources/reference.py)
CARD_OWN = frozenset({"length_mm", "slot_width", "cooler", "power_connectors", "board_power_w"})


class Reporter(Protocol):
    """Hooks for slow work (indexing every name, where the packaged index is missing); no-ops by default."""

    def started(self, task: str) -> None: ...

    def finished(self, task: str) -> None: ...


class QuietReporter:
    def started(self, task: str) -> None:
        pass

    def finished(self, task: str) -> None:
        pass


class Catalog:
    """Queries over the parts and price books of one data folder."""

    def __init__(self, data_dir: Path = DATA_DIR, reporter: Reporter | None = None) -> None:
        self.data_dir = data_dir
        self.reporter: Reporter = reporter or QuietReporter()
        self._parts: dict[str, tuple[Part, ...]] = {}
        self._by_id: dict[str, Part] = {}
        self._indexes: dict[str | None, NameIndex] = {}
        self._books: dict[str, PriceBook] = {}
        self._raw_lines: dict[str, dict[str, str]] = {}
        self._priced: dict[tuple[str, str], tuple[tuple[Priced, ...], int]] = {}

    @cached_property
    def derived(self) -> Derived | None:
        """The derived files, where they match this catalog (:mod:`dlrig.catalog.derived`)."""
        return Derived.of(self.data_dir)

    # -- parts --------------------------------------------------------------------------
    def parts(self, category: str) -> tuple[Part, ...]:
        """All parts of a category; GPUs are chips first, then board-partner cards."""
        if category not in self._parts:
            if category not in CATEGORIES:
                raise BadInput(f"unknown category {category!r}; one of: {', '.join(CATEGORIES)}")
            loaded = tuple(p for f in category_files(category) for p in self._read(f, category))
            self._parts[category] = loaded
            self._by_id.update((p.id, p) for p in loaded)
        return self._parts[category]

    def gpu_chips(self) -> tuple[Gpu, ...]:
        """GPU chips only (reference figures), without loading the thousands of cards."""
        if "gpu" in self._parts:
            return tuple(p for p in self._parts["gpu"] if isinstance(p, Gpu) and p.chip_id is None)
        key = "gpu-chips"
        if key not in self._parts:
            self._parts[key] = tuple(self._read(GPU_CHIPS_FILE, "gpu"))
            self._by_id.update((p.id, p) for p in self._parts[key])
        return self._parts[key]  # type: ignore[return-value]

    def all_parts(self) -> Iterable[Part]:
        for category in CATEGORIES:
            yield from self.parts(category)

    def get(self, part_id: str) -> Part:
        """One part by id; only that part's line is read and validated, not its whole category."""
        if part_id not in self._by_id:
            category = part_id.split("/", 1)[0]
            line = self._line(category, part_id) if category in CATEGORIES else None
            if line is not None:
                self._by_id[part_id] = MODEL_BY_CATEGORY[category].model_validate_json(line)
        try:
            return self._by_id[part_id]
        except KeyError:
            raise BadInput(f"no part with id {part_id!r}") from None

    def _line(self, category: str, part_id: str) -> str | bytes | None:
        """The part's JSON line: read at its place in the file where the derived index gives it."""
        index = self.derived.index if self.derived else None
        if index is not None:
            import sqlite3

            from dlrig.catalog.name_db import damaged, record

            try:
                where = record(index, part_id)
            except sqlite3.DatabaseError as exc:  # damaged inside: read the catalog's files from now on
                damaged("", f"{type(exc).__name__}: {exc}")
                self.derived = None
            else:
                if where is None:
                    return None
                name, start, size = where
                with (self.data_dir / name).open("rb") as fh:
                    fh.seek(start)
                    line = fh.read(size)
                if line.startswith(b'{"id":"' + part_id.encode() + b'"'):
                    return line
                self.derived = None  # the index does not match its files: read them instead
        return self._raw(category).get(part_id)

    def _raw(self, category: str) -> dict[str, str]:
        """Each part's JSON line by id (lines start with {"id":"...": cheap to key, slow to validate)."""
        if category not in self._raw_lines:
            lines: dict[str, str] = {}
            for f in category_files(category):
                path = self.data_dir / f
                if path.exists():
                    with path.open(encoding="utf-8") as fh:
                        for line in fh:
                            if line.strip():
                                lines[json.loads(line)["id"] if not line.startswith('{"id":"')
                                      else line[7:line.index('"', 7)]] = line
            self._raw_lines[category] = lines
        return self._raw_lines[category]

    def chip_of(self, gpu: Gpu) -> Gpu:
        """A board-partner card with what every card of its chip shares filled in from the chip
        (memory, FLOP/s, bandwidth, PCIe): never the chip's length, thickness, cooler or power
        inputs, which are the reference board's (a reference-design card carries them itself,
        cited "reference design"). A card without its own board power is sized by the top of
        its chip's board power range over the partner cards the data sets list."""
        if gpu.chip_id is None:
            return gpu
        chip = self.get(gpu.chip_id)
        assert isinstance(chip, Gpu)
        merged = chip.model_dump(exclude={"id", "name", "vendor", "aliases", "chip_id", "src",
                                          "field_src", "notes", *CARD_OWN})
        own = gpu.model_dump(exclude_none=True, exclude_defaults=True)
        field_src = {k: chip.source_of(k) for k in merged if merged[k] is not None}
        field_src.update({k: gpu.source_of(k) for k in own if k in merged or k in CARD_OWN})
        field_src.update(gpu.field_src)
        merged.update(own)
        notes = tuple(chip.notes) + tuple(gpu.notes)
        if gpu.board_power_w is None and chip.board_power_range_w:
            low, high = chip.board_power_range_w
            merged["board_power_w"] = high
            field_src["board_power_w"] = (f"top of {chip.name}'s board power range, {low:g}-{high:g} W "
                                          f"over {chip.board_power_cards} partner cards (buildcores) "
                                          "and the reference board")
            notes += (f"board power not listed for this card: sized at the top of its chip's range "
                      f"({low:g}-{high:g} W)",)
        merged.update(field_src=field_src, notes=notes)
        return Gpu.model_validate(merged)

    # -- names ----------------------------------------------------------------------------
    def index(self, category: str | None = None) -> NameIndex:
        """The name index of a category ("gpu-chips": chips only; None: every part)."""
        if category not in self._indexes:
            if category not in (None, "gpu-chips") and category not in CATEGORIES:
                raise BadInput(f"unknown category {category!r}; one of: {', '.join(CATEGORIES)}")
            db = self.derived.index if self.derived else None
            if db is not None:
                from dlrig.catalog.name_db import SqlNameIndex

                self._indexes[category] = SqlNameIndex(db, category, lambda: self._memory_index(category))
            else:  # a hand-made catalog, or the packaged index missing: the in-memory index (same answers)
                self._indexes[category] = self._memory_index(category)
        return self._indexes[category]

    def _memory_index(self, category: str | None) -> NameIndex:
        parts: Iterable[Part] = (self.gpu_chips() if category == "gpu-chips" else
                                 self.all_parts() if category is None else self.parts(category))
        self.reporter.started("indexing the catalog's names")
        try:
            return NameIndex(parts)
        finally:
            self.reporter.finished("indexing the catalog's names")

    def resolve(self, name: str, category: str | None = None) -> Part:
        """Find a part by id or forgiving name; raise UnknownPart or AmbiguousPart."""
        if not normalize(name):
            raise BadInput(f"empty part name {name!r}: give a name or id (dlrig catalog search TEXT finds one)")
        if "/" in name and name.split("/", 1)[0] in CATEGORIES:
            try:
                return self.get(name)
            except BadInput:
                pass
        label = "gpu" if category == "gpu-chips" else category
        return self.get(self.index(category).resolve(name, label))

    def search(self, text: str, category: str | None = None, limit: int = 20) -> list[Part]:
        if not normalize(text):
            raise BadInput(f"nothing to search for in {text!r}: give a few words of a part's name")
        return [self.get(i) for i in self.index(category).search(text, limit)]

    # -- price books ------------------------------------------------------------------------
    @cached_property
    def book_infos(self) -> dict[str, PriceBookInfo]:
        raw = json.loads((self.data_dir / "prices" / "books.json").read_text())
        return {b["name"]: PriceBookInfo.model_validate(b) for b in raw}

    def book_info(self, name: str) -> PriceBookInfo:
        """What ``price_book(name)`` would describe, without reading a packaged book's prices."""
        if not (name.endswith(".csv") or Path(name).is_file()):
            if name in self.book_infos:
                return self.book_infos[name]
            if name == "latest":
                from dlrig.catalog.prices import latest_info

                return latest_info()
        return self.price_book(name).info

    def price_book(self, name: str) -> PriceBook:
        """A packaged book by name, ``latest`` (the newest price of each part), or a CSV path."""
        if name in self._books:
            return self._books[name]
        if name.endswith(".csv") or Path(name).is_file():
            from dlrig.catalog.prices import load_csv_book

            book = load_csv_book(Path(name), self)
        elif name == "latest":
            book = (self.derived and self.derived.latest()) or PriceBook.latest_of(
                [self.price_book(n) for n in self.book_infos])
        elif name in self.book_infos:
            book = load_book_file(self.data_dir / "prices" / f"{name}.jsonl", self.book_infos[name])
        else:
            names = ", ".join(["latest", *self.book_infos])
            raise BadInput(f"unknown price book {name!r}; one of: {names}, or a CSV file path")
        self._books[name] = book
        return book

    def priced(self, book_name: str, category: str) -> tuple[tuple[Priced, ...], int]:
        """The category's parts that the book prices, with the price a plan pays, and how many
        have none (:mod:`dlrig.catalog.priced`): from the derived table of a packaged book."""
        key = (book_name, category)
        if key not in self._priced:
            table = self.derived.plan_table(book_name) if self.derived and book_name in (
                "latest", *self.book_infos) else None
            if table is not None:
                self._priced.update({(book_name, cat): rows for cat, rows in table.items()})
            if key not in self._priced:
                from dlrig.catalog.priced import priced_parts

                self._priced[key] = priced_parts(self, book_name, category)
        return self._priced[key]

    def import_report(self) -> dict:
        return json.loads((self.data_dir / "import_report.json").read_text())

    def _read(self, filename: str, category: str) -> list[Part]:
        model = MODEL_BY_CATEGORY[category]
        path = self.data_dir / filename
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as fh:
            return [model.model_validate_json(line) for line in fh if line.strip()]


@cache
def default_catalog() -> Catalog:
    """The packaged catalog, opened once per process (the surfaces' entry point; the core takes a
    catalog as a parameter)."""
    return Catalog()
