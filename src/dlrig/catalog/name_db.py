"""The packaged catalog's name index in SQLite: the same resolution as NameIndex, precomputed.

``write`` runs at import time of the catalog (scripts/build_catalog.py); ``SqlNameIndex``
answers lookups with indexed queries, so naming one part costs milliseconds, not the second
it takes to normalize every name in the catalog.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from dlrig.catalog.names import NameIndex, key, normalize

if TYPE_CHECKING:
    from dlrig.catalog.models import Part

VERSION = 2  # bump when names.normalize/key change: the cached index is rebuilt

SCHEMA = """
CREATE TABLE part (n INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL,
                   chip INTEGER NOT NULL, key TEXT NOT NULL);
CREATE TABLE spelling (n INTEGER NOT NULL, norm TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE word (n INTEGER NOT NULL, word TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX spelling_norm ON spelling(norm);
CREATE INDEX spelling_key ON spelling(key);
CREATE INDEX word_word ON word(word);
CREATE INDEX part_category ON part(category, chip);
CREATE UNIQUE INDEX part_id ON part(id);
"""


def write(path: Path, parts: Iterable[Part]) -> None:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    part_rows, spellings, words = [], [], []
    for n, p in enumerate(parts):
        category = p.id.split("/", 1)[0]
        chip = int(category == "gpu" and getattr(p, "chip_id", None) is None)
        part_rows.append((n, p.id, p.name, category, chip, key(p.name) or normalize(p.name)))
        for s in dict.fromkeys((p.name, *p.aliases)):
            spellings.append((n, normalize(s), key(s)))
        for w in set(key(p.name).split()) | set(normalize(p.name).split()):
            words.append((n, w))
    db.executemany("INSERT INTO part VALUES (?,?,?,?,?,?)", part_rows)
    db.executemany("INSERT INTO spelling VALUES (?,?,?)", spellings)
    db.executemany("INSERT INTO word VALUES (?,?)", words)
    db.executescript(INDEXES)
    db.commit()
    db.execute("VACUUM")
    db.close()


class SqlNameIndex(NameIndex):
    """NameIndex's lookups answered by SQLite, restricted to one category (or all)."""

    def __init__(self, path: Path, category: str | None) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
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
        return self._ids(f"SELECT DISTINCT p.id FROM spelling s JOIN part p ON p.n = s.n "
                         f"WHERE s.{column} = ? AND {self.where}", (value, *self.args))

    def containing(self, words: set[str]) -> list[str]:
        if not words:
            return []
        marks = ",".join("?" * len(words))
        return self._ids(f"SELECT p.id FROM word w JOIN part p ON p.n = w.n WHERE w.word IN ({marks}) "
                         f"AND {self.where} GROUP BY p.id HAVING COUNT(DISTINCT w.word) = ?",
                         (*words, *self.args, len(words)))

    def starting(self, words: set[str]) -> list[str]:
        if not words:
            return []
        ids: set[str] | None = None
        for w in words:  # each word of the query starts some word of the part's name
            like = w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            found = set(self._ids(f"SELECT DISTINCT p.id FROM word w JOIN part p ON p.n = w.n "
                                  f"WHERE w.word LIKE ? ESCAPE '\\' AND {self.where}", (like, *self.args)))
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
