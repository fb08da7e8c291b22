"""The Build: parts with counts, read from and written to YAML build files (DESIGN.md section 3).

A ``BuildFile`` is what the user wrote (names); a ``Build`` is that file resolved against
the catalog (parts, with each board-partner GPU merged with its chip's figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dlrig.catalog.models import CATEGORIES, Case, Cpu, CpuCooler, Gpu, MemoryKit, Motherboard, Part, Psu, Storage
from dlrig.errors import BadInput, MalformedFile

if TYPE_CHECKING:
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.store import Catalog

SINGLE = ("cpu", "motherboard", "psu", "case", "cooler")  # at most one line each


class PartRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    count: int = Field(default=1, ge=1, le=64)
    power_limit_w: float | None = Field(default=None, gt=0)


class WorkloadSpec(BaseModel):
    """The optional workload of a build file. The keys ``dlrig estimate`` and the checker read
    are typed here, so ``seq: "2048"`` is read as a number and ``lora: "no"`` as false, and a
    wrong type is an error naming the key; other keys pass (the estimate rejects unknown ones)."""

    model_config = ConfigDict(frozen=True, extra="allow")
    model: str
    precision: str | None = None
    batch: int | None = Field(default=None, ge=1)
    seq: int | None = Field(default=None, ge=1)
    optimizer: str | None = None
    sharding: str | None = None
    lora: bool | None = None
    qlora: bool | None = None
    lora_rank: int | None = Field(default=None, ge=1)
    recompute: str | None = None
    attention: str | None = None
    epochs: float | None = Field(default=None, gt=0)
    dataset: str | None = None
    samples: int | None = Field(default=None, ge=1)
    tokens: float | None = Field(default=None, gt=0)
    bytes_per_sample: float | None = Field(default=None, gt=0)
    samples_per_s: float | None = Field(default=None, gt=0)  # the checker's storage rules
    sample_kb: float | None = Field(default=None, gt=0)
    dataset_gb: float | None = Field(default=None, gt=0)


class BuildFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = "build"
    prices: str | None = None
    region: str | None = None
    tax_rate: float | None = Field(default=None, ge=0, le=1)
    parts: dict[str, list[PartRef]]
    workload: WorkloadSpec | None = None
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
class Build:
    name: str
    items: dict[str, tuple[Item, ...]]
    prices: str | None = None
    region: str | None = None
    tax_rate: float | None = None
    workload: WorkloadSpec | None = None
    own_prices: PriceBook | None = None  # prices that came with the build (an imported list)
    notes: str | None = None
    origin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def lines(self, category: str) -> tuple[Item, ...]:
        return self.items.get(category, ())

    def one(self, category: str) -> Part | None:
        lines = self.lines(category)
        return lines[0].part if lines else None

    @property
    def gpus(self) -> list[Gpu]:
        """Every GPU, one entry per physical card (counts expanded), in file order."""
        return [i.part for i in self.lines("gpu") for _ in range(i.count)]  # type: ignore[misc]

    @property
    def gpu_count(self) -> int:
        return sum(i.count for i in self.lines("gpu"))

    @property
    def cpu(self) -> Cpu | None:
        return self.one("cpu")  # type: ignore[return-value]

    @property
    def motherboard(self) -> Motherboard | None:
        return self.one("motherboard")  # type: ignore[return-value]

    @property
    def psu(self) -> Psu | None:
        return self.one("psu")  # type: ignore[return-value]

    @property
    def case(self) -> Case | None:
        return self.one("case")  # type: ignore[return-value]

    @property
    def cooler(self) -> CpuCooler | None:
        return self.one("cooler")  # type: ignore[return-value]

    @property
    def memory_kits(self) -> list[MemoryKit]:
        return [i.part for i in self.lines("memory") for _ in range(i.count)]  # type: ignore[misc]

    @property
    def storage(self) -> list[Storage]:
        return [i.part for i in self.lines("storage") for _ in range(i.count)]  # type: ignore[misc]

    @property
    def ram_gb(self) -> float | None:
        sizes = [k.total_gb for k in self.memory_kits]
        return None if not sizes or None in sizes else float(sum(sizes))  # type: ignore[arg-type]

    def to_file(self) -> BuildFile:
        parts = {cat: [PartRef(name=i.part.name,
                               count=i.count, power_limit_w=i.power_limit_w) for i in lines]
                 for cat, lines in self.items.items() if lines}
        return BuildFile(name=self.name, prices=self.prices, region=self.region,
                         tax_rate=self.tax_rate, parts=parts, workload=self.workload,
                         notes=self.notes)


def resolve_build(spec: BuildFile, catalog: Catalog, origin: str = "") -> Build:
    """Resolve every name; errors name the category and the line."""
    items: dict[str, tuple[Item, ...]] = {}
    for cat, refs in spec.parts.items():
        if cat in SINGLE and len(refs) > 1:
            raise BadInput(f"{origin or 'build'}: parts.{cat} lists {len(refs)} parts; a build has one {cat}")
        resolved = []
        for ref in refs:
            part = catalog.resolve(ref.name, cat)
            if isinstance(part, Gpu):
                part = catalog.chip_of(part)
            resolved.append(Item(part=part, count=ref.count, power_limit_w=ref.power_limit_w,
                                 asked_as=ref.name))
        items[cat] = tuple(resolved)
    return Build(name=spec.name, items=items, prices=spec.prices, region=spec.region,
                 tax_rate=spec.tax_rate, workload=spec.workload, notes=spec.notes, origin=origin)


def parse_build_file(path: Path) -> BuildFile:
    if not path.is_file():
        raise BadInput(f"build file {str(path)!r} does not exist")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise MalformedFile(str(path), "not a UTF-8 text file") from None
    return parse_build_text(text, str(path))


def parse_build_text(text: str, origin: str, not_a_mapping: str = "") -> BuildFile:
    """A build file's YAML text, validated; errors name ``origin`` and, for YAML, the line."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise MalformedFile(origin, f"not valid YAML ({getattr(exc, 'problem', exc)})", line=line) from None
    if not isinstance(data, dict):
        raise MalformedFile(origin, "a build file is a YAML mapping with a 'parts' key" + not_a_mapping)
    try:
        return BuildFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise MalformedFile(origin, f"{where}: {first['msg']}") from None


def load_build(path: Path | str, catalog: Catalog) -> Build:
    path = Path(path)
    spec = parse_build_file(path)
    if spec.prices and spec.prices.endswith(".csv") and not Path(spec.prices).is_absolute():
        # a price file named in a build file lives beside it, wherever the user runs dlrig
        spec = spec.model_copy(update={"prices": str(path.parent / spec.prices)})
    return resolve_build(spec, catalog, origin=str(path))


def dump_build(build: Build | BuildFile) -> str:
    """The YAML text of a build file, in category order."""
    import yaml

    return yaml.safe_dump(build_document(build), sort_keys=False, allow_unicode=True)


def build_document(build: Build | BuildFile) -> dict[str, Any]:
    """The build file as plain data (what ``dump_build`` writes as YAML), in category order."""
    spec = build.to_file() if isinstance(build, Build) else build
    data = spec.model_dump(mode="json", exclude_none=True)
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
