"""The packaged catalog's name index in SQLite: the same resolution as NameIndex, precomputed; and
where each part's record is in its JSON-Lines file.

``write`` runs when the catalog is built (scripts/build_catalog.py, through
:mod:`dlrig.catalog.derived`); ``SqlNameIndex`` answers lookups with indexed queries, so naming
one part costs milliseconds, not the seconds it takes to normalize every name in the catalog,
and ``record`` finds a part's line without reading its whole file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from dlrig.catalog.names import NameIndex, key, normalize

if TYPE_CHECKING:
    from dlrig.catalog.models import Part

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
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        row = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
    except sqlite3.Error:
        return None
    return db if row is not None and row[0] == str(VERSION) else None


def record(db: sqlite3.Connection, part_id: str) -> Location | None:
    """Where the part's line is: (file name, byte offset, length); None for an unknown id."""
    row = db.execute("SELECT f.name, p.start, p.size FROM part p JOIN file f ON f.file = p.file WHERE p.id = ?",
                     (part_id,)).fetchone()
    return (row[0], row[1], row[2]) if row else None


class SqlNameIndex(NameIndex):
    """NameIndex's lookups answered by SQLite, restricted to one category (or all)."""

    def __init__(self, db: sqlite3.Connection, category: str | None) -> None:
        self.db = db
        self.args: tuple[str, ...]
        if category is None:
            self.where, self.args = "1", ()
        elif category == "gpu-chips":
            self.where, self.args = "p.category = 'gpu' AND p.chip = 1", ()
        else:
            self.where, self.args = "p.category = ?", (category,)
        self._names: dict[str, tuple[str, bool]] = {}

    def _ids(self, sql: str, args: tuple) -> list[str]:
        return [r[0] for r in self.db.execute(sql, args)]

    def lookup(self, column: str, value: str) -> list[str]:
        assert column in ("norm", "key")
        return self._ids(f"SELECT DISTINCT p.id FROM by_{column} s JOIN part p ON p.n = s.n "
                         f"WHERE s.{column} = ? AND {self.where}", (value, *self.args))

    def containing(self, words: set[str]) -> list[str]:
        if not words:
            return []
        marks = ",".join("?" * len(words))
        return self._ids(f"SELECT p.id FROM by_word w JOIN part p ON p.n = w.n WHERE w.word IN ({marks}) "
                         f"AND {self.where} GROUP BY p.id HAVING COUNT(DISTINCT w.word) = ?",
                         (*words, *self.args, len(words)))

    def starting(self, words: set[str]) -> list[str]:
        if not words:
            return []
        ids: set[str] | None = None
        for w in words:  # each word of the query starts some word of the part's name
            # a prefix as a key range, so the b-tree on by_word answers it
            found = set(self._ids(f"SELECT DISTINCT p.id FROM by_word w JOIN part p ON p.n = w.n "
                                  f"WHERE w.word >= ? AND w.word < ? AND {self.where}",
                                  (w, w + "\U0010ffff", *self.args)))
            ids = found if ids is None else ids & found
        return sorted(ids or ())

    def _row(self, pid: str) -> tuple[str, bool]:
        if pid not in self._names:
            row = self.db.execute("SELECT name, chip FROM part WHERE id = ?", (pid,)).fetchone()
            self._names[pid] = (row[0], bool(row[1])) if row else (pid, False)
        return self._names[pid]

    def name_of(self, pid: str) -> str:
        return self._row(pid)[0]

    def chip(self, pid: str) -> bool:
        return self._row(pid)[1]

    def all_keys(self) -> dict[str, str]:
        return dict(self.db.execute(f"SELECT p.id, p.key FROM part p WHERE {self.where}", self.args).fetchall())
