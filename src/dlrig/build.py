"""The Build: parts with counts, read from and written to YAML build files.

A ``BuildFile`` is what the user wrote (names); a ``Build`` is that file resolved against
the catalog (parts, with each board-partner GPU merged with its chip's figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dlrig.catalog.models import (
    CATEGORIES,
    MODEL_BY_CATEGORY,
    Case,
    Cpu,
    CpuCooler,
    Gpu,
    MemoryKit,
    Motherboard,
    Part,
    Psu,
    Storage,
)
from dlrig.catalog.protocol import resolve_as
from dlrig.errors import BadInput, MalformedFile
from dlrig.workload_request import WorkloadRequest

if TYPE_CHECKING:
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.protocol import CatalogQueries

SINGLE = ("cpu", "motherboard", "psu", "case", "cooler")  # at most one line each
MAX_COUNT = 64  # of one part in a build (8 boxes of 8 GPUs); more is a typo, not a build
# Parts listed in one build (a part list's rows): a real one has a few dozen. Each unknown name
# costs a closest-name search (milliseconds), so thousands would hold a web worker for minutes.
MAX_PARTS = 256
P = TypeVar("P", bound=Part)


class PartRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    count: int = Field(default=1, ge=1, le=MAX_COUNT)
    power_limit_w: float | None = Field(default=None, gt=0)


class QuoteSpec(BaseModel):
    """A price someone quoted for the whole build ("about $6,000 after tax"); ``dlrig cost``
    checks it against the build's own priced total (dlrig.cost.quote)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    usd: float = Field(gt=0)
    after_tax: bool = True
    text: str | None = None  # the quote's own words
    source: str | None = None


class BuildFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = "build"
    prices: str | None = None
    region: str | None = None
    tax_rate: float | None = Field(default=None, ge=0, le=1)
    quote: QuoteSpec | None = None
    parts: dict[str, list[PartRef]]
    workload: WorkloadRequest | None = None
    notes: str | None = None

    @field_validator("parts", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        """Each category may be a name, a {name, count} mapping, or a list of either."""
        if not isinstance(value, dict):
            raise ValueError("parts must be a mapping of category to part(s)")
        out: dict[str, list[Any]] = {}
        for cat, entry in value.items():
            if cat not in CATEGORIES:
                raise ValueError(f"unknown category {cat!r}; one of: {', '.join(CATEGORIES)}")
            items = entry if isinstance(entry, list) else [entry]
            out[cat] = [{"name": i} if isinstance(i, str) else i for i in items]
        return out


@dataclass(frozen=True)
class Item:
    """One line of a build: a part, how many, and (GPUs) a board-power cap."""

    part: Part
    count: int = 1
    power_limit_w: float | None = None
    asked_as: str = ""


@dataclass(frozen=True)
class SourceLine:
    """One line of the file a build was read from (a part list's row) and the part it became;
    ``part_id`` is None where no catalog part matched (then ``closest`` names the nearest)."""

    line: int
    type: str
    item: str
    part_id: str | None = None
    part_name: str | None = None
    closest: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()  # when the name matched several parts

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "type": self.type, "item": self.item, "part_id": self.part_id,
                "part": self.part_name, "closest": list(self.closest), "candidates": list(self.candidates)}


@dataclass(frozen=True)
class Build:
    name: str
    items: dict[str, tuple[Item, ...]]
    prices: str | None = None
    region: str | None = None
    tax_rate: float | None = None
    workload: WorkloadRequest | None = None
    quote: QuoteSpec | None = None
    own_prices: PriceBook | None = None  # prices that came with the build (an imported list)
    notes: str | None = None
    origin: str = ""
    source_lines: tuple[SourceLine, ...] = ()  # a part list's rows, matched or not, in file order
    # What rules derive from this build once and share (the workload's estimate): it lives and
    # dies with the build (a changed copy starts empty), so no module keeps a cache.
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def unresolved(self) -> tuple[SourceLine, ...]:
        """The source's lines that match no catalog part (a part list read in part)."""
        return tuple(s for s in self.source_lines if s.part_id is None)

    def lines(self, category: str) -> tuple[Item, ...]:
        return self.items.get(category, ())

    def one(self, category: str) -> Part | None:
        lines = self.lines(category)
        return lines[0].part if lines else None

    def _one_of(self, category: str, kind: type[P]) -> P | None:
        part = self.one(category)
        assert part is None or isinstance(part, kind), f"a {category} line holds {part.id}"  # see _each_of
        return part

    def _each(self, category: str, kind: type[P]) -> list[P]:
        """The category's parts, one entry per unit (counts expanded), in file order."""
        return [part for item in self.lines(category) for part in self._each_of(item, kind)]

    @staticmethod
    def _each_of(item: Item, kind: type[P]) -> list[P]:
        """One line's part, once per unit. A line holds a part of its category: resolve_build
        refuses any other, and code-made builds take their parts from the catalog's categories."""
        assert isinstance(item.part, kind), f"a {kind.__name__} line holds {item.part.id}"
        return [item.part] * item.count

    @property
    def gpus(self) -> list[Gpu]:
        """Every GPU, one entry per physical card (counts expanded), in file order."""
        return self._each("gpu", Gpu)

    @property
    def gpu_caps(self) -> list[tuple[Gpu, float | None]]:
        """Every GPU with its board-power cap (None: uncapped), one entry per card, in file order."""
        return [(gpu, item.power_limit_w) for item in self.lines("gpu") for gpu in self._each_of(item, Gpu)]

    @property
    def gpu_count(self) -> int:
        return sum(i.count for i in self.lines("gpu"))

    @property
    def cpu(self) -> Cpu | None:
        return self._one_of("cpu", Cpu)

    @property
    def motherboard(self) -> Motherboard | None:
        return self._one_of("motherboard", Motherboard)

    @property
    def psu(self) -> Psu | None:
        return self._one_of("psu", Psu)

    @property
    def case(self) -> Case | None:
        return self._one_of("case", Case)

    @property
    def cooler(self) -> CpuCooler | None:
        return self._one_of("cooler", CpuCooler)

    @property
    def memory_kits(self) -> list[MemoryKit]:
        return self._each("memory", MemoryKit)

    @property
    def storage(self) -> list[Storage]:
        return self._each("storage", Storage)

    @property
    def ram_gb(self) -> float | None:
        sizes = [k.total_gb for k in self.memory_kits]
        known = [s for s in sizes if s is not None]
        return float(sum(known)) if sizes and len(known) == len(sizes) else None

    def to_file(self) -> BuildFile:
        parts = {cat: [PartRef(name=i.part.name,
                               count=i.count, power_limit_w=i.power_limit_w) for i in lines]
                 for cat, lines in self.items.items() if lines}
        return BuildFile(name=self.name, prices=self.prices, region=self.region,
                         tax_rate=self.tax_rate, quote=self.quote, parts=parts, workload=self.workload,
                         notes=self.notes)


def resolve_build(spec: BuildFile, catalog: CatalogQueries, origin: str = "") -> Build:
    """Resolve every name; errors name the category and the line."""
    listed = sum(len(refs) for refs in spec.parts.values())
    if listed > MAX_PARTS:
        raise BadInput(f"{origin or 'build'}: {listed} parts listed; a build lists at most {MAX_PARTS} "
                       "(a few dozen is usual)", field="parts")
    items: dict[str, tuple[Item, ...]] = {}
    for cat, refs in spec.parts.items():
        if cat in SINGLE and len(refs) > 1:
            raise BadInput(f"{origin or 'build'}: parts.{cat} lists {len(refs)} parts; a build has one {cat}")
        resolved = []
        for ref in refs:
            part = resolve_as(catalog, ref.name, cat, MODEL_BY_CATEGORY[cat])
            if isinstance(part, Gpu):
                part = catalog.chip_of(part)
            resolved.append(Item(part=part, count=ref.count, power_limit_w=ref.power_limit_w,
                                 asked_as=ref.name))
        items[cat] = tuple(resolved)
    return Build(name=spec.name, items=items, prices=spec.prices, region=spec.region,
                 tax_rate=spec.tax_rate, workload=spec.workload, quote=spec.quote, notes=spec.notes,
                 origin=origin)


def parse_build_text(text: str, origin: str, not_a_mapping: str = "") -> BuildFile:
    """A build file's YAML (or JSON) text, validated; errors name ``origin``, the key and, for
    YAML, the line."""
    from dlrig.safe_yaml import load_yaml

    data = load_yaml(text, origin)
    if not isinstance(data, dict):
        raise MalformedFile(origin, "a build file is a YAML mapping with a 'parts' key" + not_a_mapping)
    try:
        return BuildFile.model_validate(data)
    except ValidationError as exc:
        raise MalformedFile(origin, validation_message(exc)) from None
    except BadInput as exc:  # the workload section's own checks (WorkloadRequest)
        field, message = exc.field, exc.message
        if field and message.startswith(f"{field}: "):
            message = message[len(field) + 2:]
        raise MalformedFile(origin, f"workload.{field}: {message}" if field else f"workload: {message}") from None


def validation_message(exc: ValidationError) -> str:
    """pydantic's first error as one line naming the key ("workload.batch: ...")."""
    first = exc.errors()[0]
    where = ".".join(str(x) for x in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden" and where.startswith("workload."):
        message = f"unknown workload key; known: {', '.join(WorkloadRequest.fields())}"
    return f"{where}: {message}" if where else message


def dump_build(build: Build | BuildFile) -> str:
    """The YAML text of a build file, in category order."""
    import yaml

    return yaml.safe_dump(build_document(build), sort_keys=False, allow_unicode=True)


def build_document(build: Build | BuildFile) -> dict[str, Any]:
    """The build file as plain data (what ``dump_build`` writes as YAML), in category order."""
    spec = build.to_file() if isinstance(build, Build) else build
    data = spec.model_dump(mode="json", exclude_none=True)
    if spec.workload is not None:  # what the user gave, not every default spelled out
        data["workload"] = spec.workload.model_dump(mode="json", exclude_unset=True)
    parts: dict[str, Any] = {}
    for cat in CATEGORIES:
        refs = data["parts"].get(cat)
        if not refs:
            continue
        simple = [r["name"] if set(r) == {"name"} or r == {"name": r["name"], "count": 1} else r
                  for r in refs]
        parts[cat] = simple[0] if cat in SINGLE and len(simple) == 1 else simple
    data["parts"] = parts
    return data


def save_build(build: Build | BuildFile, path: Path | str) -> None:
    """Write atomically, so an interrupted save never destroys the user's previous file."""
    from dlrig.atomic import write_atomic

    write_atomic(path, dump_build(build))
