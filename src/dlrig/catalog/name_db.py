"""The packaged catalog's name index in SQLite: the same resolution as NameIndex, precomputed; and
where each part's record is in its JSON-Lines file.

``write`` runs when the catalog is built (scripts/build_catalog.py, through
:mod:`dlrig.catalog.derived`); ``SqlNameIndex`` answers lookups with indexed queries, so naming
one part costs milliseconds, not the seconds it takes to normalize every name in the catalog,
and ``record`` finds a part's line without reading its whole file.

The file is only read. One that is missing, empty, of another version or not an index at all is
not opened (``connect`` gives None); one damaged inside (a query fails) is dropped at the first
failure for the in-memory index, which gives the same answers, slower (issue 19).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from dlrig.catalog.names import NameIndex, key, normalize

if TYPE_CHECKING:
    from dlrig.catalog.models import Part

log = logging.getLogger("dlrig")
VERSION = 3  # bump when names.normalize/key or the schema change

# One row per part, then (spelling or word, part) pairs kept in their own b-trees (WITHOUT ROWID:
# the pair is the key, so no second index is stored).
SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE file (file INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE part (n INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL,
                   chip INTEGER NOT NULL, key TEXT NOT NULL, file INTEGER, start INTEGER, size INTEGER);
CREATE TABLE by_norm (norm TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (norm, n)) WITHOUT ROWID;
CREATE TABLE by_key (key TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (key, n)) WITHOUT ROWID;
CREATE TABLE by_word (word TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (word, n)) WITHOUT ROWID;
"""
INDEXES = "CREATE UNIQUE INDEX part_id ON part(id);"

Location = tuple[str, int, int]  # file name, byte offset, byte length of a part's line


def write(path: Path, parts: Iterable[Part], locations: Mapping[str, Location] | None = None) -> None:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    files: dict[str, int] = {}
    part_rows: list[tuple[object, ...]] = []
    norms: list[tuple[str, int]] = []
    keys: list[tuple[str, int]] = []
    words: list[tuple[str, int]] = []
    for n, p in enumerate(parts):
        category = p.id.split("/", 1)[0]
        chip = int(category == "gpu" and getattr(p, "chip_id", None) is None)
        where = (locations or {}).get(p.id)
        file = files.setdefault(where[0], len(files)) if where else None
        part_rows.append((n, p.id, p.name, category, chip, key(p.name) or normalize(p.name), file,
                          where[1] if where else None, where[2] if where else None))
        for s in dict.fromkeys((p.name, *p.aliases)):
            norms.append((normalize(s), n))
            keys.append((key(s), n))
        words.extend((w, n) for w in set(key(p.name).split()) | set(normalize(p.name).split()))
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("version", str(VERSION))])
    db.executemany("INSERT INTO file VALUES (?, ?)", [(i, name) for name, i in files.items()])
    db.executemany("INSERT INTO part VALUES (?,?,?,?,?,?,?,?,?)", part_rows)
    db.executemany("INSERT OR IGNORE INTO by_norm VALUES (?, ?)", norms)
    db.executemany("INSERT OR IGNORE INTO by_key VALUES (?, ?)", keys)
    db.executemany("INSERT OR IGNORE INTO by_word VALUES (?, ?)", words)
    db.executescript(INDEXES)
    db.commit()
    db.execute("VACUUM")
    db.close()


def connect(path: Path) -> sqlite3.Connection | None:
    """The index read-only, or None when it is missing or of another version."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        row = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
    except sqlite3.Error as exc:
        damaged(path, exc)
        return None
    if row is None or row[0] != str(VERSION):
        damaged(path, f"version {row[0] if row else None!r}, not {VERSION}")
        db.close()
        return None
    return db


def damaged(where: object, why: object) -> None:
    """The note for an index that cannot be used (stderr, once per cause)."""
    log.warning("note: ignored the catalog's name index%s (%s); names are resolved in memory instead: "
                "the same answers, slower; reinstall dlrig (or run scripts/build_catalog.py) to restore it",
                f" {where}" if where else "", why)


def record(db: sqlite3.Connection, part_id: str) -> Location | None:
    """Where the part's line is: (file name, byte offset, length); None for an unknown id.
    Raises sqlite3.Error when the file is damaged inside (the caller reads the catalog instead)."""
    row = db.execute("SELECT f.name, p.start, p.size FROM part p JOIN file f ON f.file = p.file WHERE p.id = ?",
                     (part_id,)).fetchone()
    return (row[0], row[1], row[2]) if row else None


class SqlNameIndex(NameIndex):
    """NameIndex's lookups answered by SQLite, restricted to one category (or all)."""

    def __init__(self, db: sqlite3.Connection, category: str | None,
                 fallback: Callable[[], NameIndex] | None = None) -> None:
        self.db = db
        self._fallback = fallback  # the in-memory index, made if a query fails (a damaged file)
        self._memory: NameIndex | None = None
        self.args: tuple[str, ...]
        if category is None:
            self.where, self.args = "1", ()
        elif category == "gpu-chips":
            self.where, self.args = "p.category = 'gpu' AND p.chip = 1", ()
        else:
            self.where, self.args = "p.category = ?", (category,)
        self._names: dict[str, tuple[str, bool]] = {}
        self._keys: dict[str, str] | None = None  # every part's match key, read once (closest names)

    def _rows(self, sql: str, args: tuple) -> list[tuple] | None:
        """The query's rows, or None once the file has proved damaged (then ``self._memory`` answers)."""
        if self._memory is None:
            try:
                return list(self.db.execute(sql, args))
            except sqlite3.DatabaseError as exc:
                if self._fallback is None:
                    raise
                damaged("", f"{type(exc).__name__}: {exc}")
                self._memory = self._fallback()
        return None

    def _ids(self, sql: str, args: tuple) -> list[str] | None:
        rows = self._rows(sql, args)
        return None if rows is None else [r[0] for r in rows]

    def lookup(self, column: str, value: str) -> list[str]:
        assert column in ("norm", "key")
        ids = self._ids(f"SELECT DISTINCT p.id FROM by_{column} s JOIN part p ON p.n = s.n "
                        f"WHERE s.{column} = ? AND {self.where}", (value, *self.args))
        return self._memory.lookup(column, value) if ids is None and self._memory else ids or []

    def containing(self, words: set[str]) -> list[str]:
        if not words:
            return []
        marks = ",".join("?" * len(words))
        ids = self._ids(f"SELECT p.id FROM by_word w JOIN part p ON p.n = w.n WHERE w.word IN ({marks}) "
                        f"AND {self.where} GROUP BY p.id HAVING COUNT(DISTINCT w.word) = ?",
                        (*words, *self.args, len(words)))
        return self._memory.containing(words) if ids is None and self._memory else ids or []

    def starting(self, words: set[str]) -> list[str]:
        if not words:
            return []
        ids: set[str] | None = None
        for w in words:  # each word of the query starts some word of the part's name
            # a prefix as a key range, so the b-tree on by_word answers it
            rows = self._ids(f"SELECT DISTINCT p.id FROM by_word w JOIN part p ON p.n = w.n "
                             f"WHERE w.word >= ? AND w.word < ? AND {self.where}",
                             (w, w + "\U0010ffff", *self.args))
            if rows is None and self._memory:
                return self._memory.starting(words)
            ids = set(rows or ()) if ids is None else ids & set(rows or ())
        return sorted(ids or ())

    def _row(self, pid: str) -> tuple[str, bool]:
        if pid not in self._names:
            rows = self._rows("SELECT name, chip FROM part WHERE id = ?", (pid,))
            if rows is None and self._memory:
                return self._memory.name_of(pid), self._memory.chip(pid)
            self._names[pid] = (rows[0][0], bool(rows[0][1])) if rows else (pid, False)
        return self._names[pid]

    def name_of(self, pid: str) -> str:
        return self._row(pid)[0]

    def chip(self, pid: str) -> bool:
        return self._row(pid)[1]

    def all_keys(self) -> dict[str, str]:
        if self._keys is None:
            rows = self._rows(f"SELECT p.id, p.key FROM part p WHERE {self.where}", self.args)
            if rows is None and self._memory:
                return self._memory.all_keys()
            self._keys = dict(rows or [])
        return self._keys
