"""Name resolution shared by every command: forgiving, but never silently wrong.

"EVGA GeForce GTX TITAN X 12GB", "gtx titan x" and "GeForce GTX TITAN X" all find the
same chip: case, spacing, punctuation, vendor prefixes and memory suffixes are ignored.
When several parts remain equally good, the caller gets them all (AmbiguousPart), and an
unknown name gets the closest catalog names (UnknownPart).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dlrig.errors import AmbiguousPart, UnknownPart

if TYPE_CHECKING:
    from dlrig.catalog.models import Part

# Words that name a maker or a brand line, not a part: dropped from the match key.
VENDOR_WORDS = frozenset(
    """
nvidia geforce amd radeon intel evga asus rog tuf strix msi gigabyte aorus zotac pny palit
gainward inno3d galax kfa2 colorful sapphire xfx powercolor asrock biostar corsair gskill
g.skill kingston crucial samsung seagate western digital wd rosewill seasonic evga nzxt fractal
design lian li cooler master be quiet thermaltake noctua deepcool phanteks supermicro ryzen
processor graphics card video desktop
""".split()  # noqa: SIM905  (a word list reads better as text)
)
MEMORY_SUFFIX = re.compile(r"\b\d+\s?(gb|g|tb)\b")
# a word and a model number written together ("rtx4090"), or a model number and its suffix ("1080ti")
GLUED = re.compile(r"(?<=[a-z]{2})(?=\d)|(?<=\d)(?=(?:ti|super|xtx|xt|d)\b)")


def normalize(text: str) -> str:
    """Lower case, punctuation to spaces, one space between words."""
    text = text.lower().replace("g.skill", "gskill")
    text = re.sub(r"(\d)x(\d)", r"\1 x \2", text)  # "4x16GB" is "4 x 16GB"
    text = re.sub(r"[^a-z0-9.+]+", " ", text)
    return " ".join(text.split())


def key(text: str) -> str:
    """The forgiving match key: normalized, without vendor words or a memory size."""
    words = [w for w in MEMORY_SUFFIX.sub(" ", normalize(text)).split() if w not in VENDOR_WORDS]
    return " ".join(words)


class NameIndex:
    """Exact names and ids, then match keys, then all-words containment, then fuzzy hints.

    This in-memory index serves small and user catalogs; the packaged catalog uses the same
    logic over a precomputed SQLite file (:mod:`dlrig.catalog.name_db`), so resolving a name
    does not normalize sixty thousand names first.
    """

    def __init__(self, parts: Iterable[Part] = ()) -> None:
        self.load(parts)

    def load(self, parts: Iterable[Part]) -> None:
        self.names: dict[str, str] = {}
        self.exact: dict[str, list[str]] = defaultdict(list)
        self.keys: dict[str, list[str]] = defaultdict(list)
        self.words: dict[str, set[str]] = {}
        self.is_chip: dict[str, bool] = {}
        for p in parts:
            self.names[p.id] = p.name
            self.is_chip[p.id] = getattr(p, "chip_id", "x") is None
            for spelling in (p.name, *p.aliases):
                self.exact[normalize(spelling)].append(p.id)
                k = key(spelling)
                if k:
                    self.keys[k].append(p.id)
            self.words[p.id] = set(key(p.name).split()) | set(normalize(p.name).split())

    def resolve(self, name: str, category: str | None = None) -> str:
        exact = _unique(self.lookup("norm", normalize(name))) if normalize(name) else []
        if exact:  # a part's own name (or alias) as written always finds that part
            return self._pick(name, exact)
        spaced = GLUED.sub(" ", normalize(name))  # "RTX4090" is "RTX 4090", "rtx5090d" "rtx 5090d"
        if spaced != normalize(name):  # then the spaced spelling: a partner card's "RTX3090-O24G" name
            try:                       # must not beat the chip the user means
                return self._resolve(spaced, category)
            except AmbiguousPart as exc:
                raise AmbiguousPart(name, exc.candidates) from None
            except UnknownPart:
                pass
        return self._resolve(name, category)

    def _resolve(self, name: str, category: str | None) -> str:
        for column, probe in (("norm", normalize(name)), ("key", key(name))):
            if not probe:  # a name of brand or filler words only ("NVIDIA") has no key to match on
                continue
            found = _unique(self.lookup(column, probe))
            if column == "key":
                found = self._same_sizes(name, found)
            if found:
                if column == "key" and category is None:
                    found = self._across_categories(name, found)
                return self._pick(name, found)
        contained = self._same_sizes(name, self._contained(name))
        if contained:
            return self._pick(name, contained)
        raise UnknownPart(name, category, self.closest(name))

    # -- lookups: the in-memory tables; name_db.SqlNameIndex answers the same from SQLite --
    def lookup(self, column: str, value: str) -> list[str]:
        return (self.exact if column == "norm" else self.keys).get(value, [])

    def containing(self, words: set[str]) -> list[str]:
        return [pid for pid, have in self.words.items() if words <= have]

    def name_of(self, pid: str) -> str:
        return self.names[pid]

    def chip(self, pid: str) -> bool:
        return bool(self.is_chip.get(pid))

    def all_keys(self) -> dict[str, str]:
        return {pid: key(n) or normalize(n) for pid, n in self.names.items()}

    def _same_sizes(self, name: str, ids: list[str]) -> list[str]:
        """Keys drop sizes ("12GB"), so a 64 GB kit must not quietly match the 128 GB one."""
        wanted = sizes(name)
        if not wanted or not ids:
            return ids
        stated = {i: sizes(self.name_of(i)) for i in ids}
        same = [i for i in ids if wanted <= stated[i]]
        return same or [i for i in ids if not stated[i]]  # a name with no size does not contradict

    def _contained(self, name: str) -> list[str]:
        wanted = set(key(name).split())
        return self.containing(wanted) if wanted else []

    def _across_categories(self, name: str, found: list[str]) -> list[str]:
        """Without a category, "H100" must not quietly pick a cooler over the GPUs of that name."""
        cats = {f.split("/")[0] for f in found}
        others = [pid for pid in self._contained(name) if pid.split("/")[0] not in cats]
        return found + others

    def _pick(self, name: str, ids: list[str]) -> str:
        """One id, or the only chip among them (a chip's name beats its cards'), else ambiguous."""
        if len(ids) == 1:
            return ids[0]
        chips = [i for i in ids if self.chip(i)]
        if len(chips) == 1 and any(not self.chip(i) for i in ids):
            return chips[0]
        names = {i: self.name_of(i) for i in ids}
        shortest = min(len(n) for n in names.values())
        best = [i for i in ids if len(names[i]) == shortest]
        if len(best) == 1 and key(names[best[0]]) == key(name):
            return best[0]
        raise AmbiguousPart(name, sorted(set(names.values())))

    def closest(self, name: str, limit: int = 5) -> list[str]:
        """Closest names by edit distance of the match keys ("RTX 4909" -> "GeForce RTX 4090")."""
        from rapidfuzz import fuzz, process

        hits = process.extract(key(name) or normalize(name), self.all_keys(), scorer=fuzz.ratio, limit=limit * 4)
        seen: list[str] = []
        for _k, _score, pid in hits:
            if self.name_of(pid) not in seen:
                seen.append(self.name_of(pid))
        return seen[:limit]

    def starting(self, words: set[str]) -> list[str]:
        """Parts with, for each of ``words``, a word starting with it ("wrx90" finds "WRX90E-SAGE")."""
        return [pid for pid, have in self.words.items() if all(any(h.startswith(w) for h in have) for w in words)]

    def search(self, text: str, limit: int = 20) -> list[str]:
        wanted = set(key(text).split()) or set(normalize(text).split())
        exact = set(self.containing(wanted)) if wanted else set()
        # a model name's stem finds the model too ("wrx90" starts "WRX90E-SAGE"), after exact words
        hits = list(exact | set(self.starting(wanted))) if wanted else []
        if not hits:
            from rapidfuzz import fuzz, process

            found = process.extract(key(text) or normalize(text), self.all_keys(), scorer=fuzz.ratio, limit=limit)
            return [pid for _n, _s, pid in found]
        hits.sort(key=lambda pid: (pid not in exact, not self.chip(pid), len(self.name_of(pid)), pid))
        return hits[:limit]


SIZE = re.compile(r"\b\d+(?:\.\d+)?(?:gb|tb)\b")


def sizes(text: str) -> set[str]:
    """The memory or capacity sizes a name states: "32GB (4 x 8GB)" -> {"32gb", "8gb"}."""
    return set(SIZE.findall(normalize(text).replace(" gb", "gb").replace(" tb", "tb")))


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))
