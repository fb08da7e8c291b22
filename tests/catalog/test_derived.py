"""Files derived from the catalog (dlrig.catalog.derived): shipped fresh, giving the same answers
as the catalog itself, and ignored once the catalog changes under them."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from dlrig.catalog import derived
from dlrig.catalog.names import NameIndex
from dlrig.catalog.priced import priced_parts
from dlrig.catalog.prices import PriceBook
from dlrig.catalog.store import DATA_DIR, Catalog
from dlrig.errors import AmbiguousPart, UnknownPart
from dlrig.rules import samples as s

BOOK = "test-book"


def test_the_packaged_derived_files_match_the_catalog() -> None:
    assert derived.Derived.of(DATA_DIR) is not None, (
        "the catalog changed without its derived files: run python scripts/build_catalog.py --derived-only")
    assert Catalog().derived is not None and Catalog().derived.index is not None


@pytest.fixture(scope="module")
def slow() -> Catalog:
    """The packaged catalog, read the slow way (as if it had no derived files)."""
    catalog = Catalog()
    catalog.__dict__["derived"] = None
    return catalog


@pytest.mark.parametrize("book", ["seed-2015", "latest"])
def test_the_planner_tables_are_the_catalogs_priced_parts(slow: Catalog, book: str) -> None:
    table = Catalog().derived.plan_table(book)  # type: ignore[union-attr]
    assert table is not None and set(table) == set(derived.PLAN_CATEGORIES)
    for cat, (rows, unpriced) in table.items():
        want, want_unpriced = priced_parts(slow, book, cat)
        assert unpriced == want_unpriced and len(rows) == len(want), cat
        for got, row in zip(rows, want, strict=True):
            assert (got.part.id, got.price, got.price_note, got.quoted, got.known) == (
                row.part.id, row.price, row.price_note, row.quoted, row.known)
            left_out = {"notes", "field_src"} | ({"aliases"} if cat != "gpu" else set())
            assert got.part.model_dump(exclude=left_out) == row.part.model_dump(exclude=left_out)


def test_the_latest_book_is_the_merge_of_the_packaged_ones(slow: Catalog) -> None:
    shipped = Catalog().price_book("latest")
    merged = PriceBook.latest_of([slow.price_book(n) for n in slow.book_infos])
    assert shipped == merged


def test_a_part_is_read_from_its_place_in_its_file(slow: Catalog) -> None:
    fast = Catalog()
    rng = random.Random(0)
    for cat in ("gpu", "cpu", "memory", "case", "cooler"):
        for part in rng.sample(slow.parts(cat), 25):
            assert fast.get(part.id) == part
    with pytest.raises(Exception, match="no part with id"):
        fast.get("gpu/not-a-part")


def test_the_packaged_name_index_answers_as_the_in_memory_one(slow: Catalog) -> None:
    """Resolution and search by SQLite give what NameIndex over every part gives."""
    memory, sql = NameIndex(slow.all_parts()), Catalog().index()
    rng = random.Random(1)
    names = [p.name for p in rng.sample(list(slow.all_parts()), 150)]
    names += ["gtx titan x", "RTX4090", "GeForce RTX 4909", "i7-5820K", "NVIDIA", "x99 ud3p", "corsair 32gb ddr5"]
    for name in names:
        assert _answer(sql, name) == _answer(memory, name), name
    for text in ("x99", "titan x", "ddr5 6000 64gb"):  # the same parts (equal ranks may come in another order)
        assert sorted(sql.search(text, limit=10_000)) == sorted(memory.search(text, limit=10_000))


def _answer(index: NameIndex, name: str) -> tuple[str, ...]:
    try:
        return ("found", index.resolve(name))
    except AmbiguousPart as exc:
        return ("ambiguous", *exc.candidates)
    except UnknownPart:
        return ("unknown",)


# -- the mechanics, on a small catalog -------------------------------------------------------------
@pytest.fixture
def small(tmp_path: Path) -> Path:
    data = s.write_sample_catalog(tmp_path / "v1")
    (data / "prices").mkdir()
    (data / "prices" / "books.json").write_text(json.dumps(
        [{"name": BOOK, "source": "tests", "description": "hand-made prices", "date": "2025-01-01"}]))
    rows = [{"part_id": p.id, "usd": 100.0 + i, "date": "2025-01-01", "source": "tests"}
            for i, p in enumerate(s.all_parts())]
    (data / "prices" / f"{BOOK}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return data


def test_derived_files_are_used_while_they_match_and_ignored_after(small: Path) -> None:
    before = Catalog(small)
    assert before.derived is None
    want = {cat: before.priced(BOOK, cat) for cat in derived.PLAN_CATEGORIES}
    written = derived.write(small)
    assert written["index"] == len(s.all_parts())
    fresh = Catalog(small)
    assert fresh.derived is not None
    assert fresh.resolve("Example X99 board").id == before.resolve("Example X99 board").id
    for cat in derived.PLAN_CATEGORIES:
        rows, unpriced = fresh.priced(BOOK, cat)
        assert [(r.part.id, r.price) for r in rows] == [(r.part.id, r.price) for r in want[cat][0]]
        assert unpriced == want[cat][1]
    with (small / "cpu.jsonl").open("a") as fh:  # the catalog changes: the derived files are stale
        fh.write(s.I7_5820K.model_copy(update={"id": "cpu/test-new", "name": "Example new CPU"}).model_dump_json())
    stale = Catalog(small)
    assert stale.derived is None
    assert stale.resolve("Example new CPU").id == "cpu/test-new"


def test_nothing_is_written_outside_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Naming parts needs no cache folder: an unwritable home and cache change nothing."""
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("DLRIG_CACHE", str(home / "cache"))
    try:
        assert Catalog().resolve("GeForce RTX 4090").id == "gpu/geforce-rtx-4090"
        assert not (home / "cache").exists()
    finally:
        home.chmod(0o700)
        shutil.rmtree(home)
