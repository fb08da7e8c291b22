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


# -- a derived file that cannot be used is bypassed (issue 19: "a cache that heals") ---------------
def _damage_index(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "empty":
        path.write_bytes(b"")
    elif how == "not sqlite":
        path.write_bytes(b"not a database\n" * 100)
    elif how == "foreign":  # a real SQLite file of another program (or another version of dlrig)
        import sqlite3

        path.unlink()
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE meta (name TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('version', '0')")
        db.commit()
        db.close()
    elif how == "truncated":  # the header and the first pages kept, the rest lost
        path.write_bytes(data[: 2 * 4096])
    elif how == "garbled":  # every page after the second overwritten
        rng = random.Random(19)
        path.write_bytes(data[: 2 * 4096] + bytes(rng.randrange(256) for _ in range(len(data) - 2 * 4096)))


@pytest.mark.parametrize("how", ["empty", "not sqlite", "foreign", "truncated", "garbled"])
def test_a_damaged_name_index_is_bypassed_with_the_same_answers(small: Path, how: str,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    want = Catalog(small)
    want.__dict__["derived"] = None  # the catalog itself, read the slow way
    derived.write(small)
    _damage_index(small / derived.FOLDER / "index.sqlite", how)
    damaged = Catalog(small)
    assert damaged.derived is not None  # the stamp still matches: only the index is bad
    for name in ("Example X99 board", "i7-5820K", "Example", "Frobnicator", s.I7_5820K.id):
        assert _answer(damaged.index(), name) == _answer(want.index(), name)
    assert damaged.get(s.I7_5820K.id) == want.get(s.I7_5820K.id)
    assert [p.id for p in damaged.search("Example", limit=50)] == [p.id for p in want.search("Example", limit=50)]
    assert "ignored the catalog's name index" in caplog.text


@pytest.mark.parametrize("name", ["plan-test-book.tsv", "plan-parts.tsv", "latest.jsonl"])
@pytest.mark.parametrize("damage", [b"", b"\xff\xfe not text", b'{"unpriced": 3}\nno tabs here\n'])
def test_a_damaged_planner_table_or_latest_book_is_worked_out_again(small: Path, name: str, damage: bytes,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    want = Catalog(small)
    want.__dict__["derived"] = None
    expected = {cat: want.priced(BOOK, cat) for cat in derived.PLAN_CATEGORIES}
    latest = want.price_book("latest").prices
    derived.write(small)
    (small / derived.FOLDER / name).write_bytes(damage)
    damaged = Catalog(small)
    for cat in derived.PLAN_CATEGORIES:
        rows, unpriced = damaged.priced(BOOK, cat)
        assert [(r.part.id, r.price) for r in rows] == [(r.part.id, r.price) for r in expected[cat][0]]
        assert unpriced == expected[cat][1]
    assert damaged.price_book("latest").prices == latest
