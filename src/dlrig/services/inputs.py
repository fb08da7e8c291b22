"""Inputs at the edge: a build in any format, a price book, this host's saved bench.

The one place a build is read: a YAML (or JSON) build file, a PCPartPicker markdown list, or
what ``dlrig probe`` wrote (its build file, or its ``--json`` document). Every command that
takes a build calls ``load_build`` (through the services), so every command takes every format.
A ``BuildSource`` is text plus where it came from; the web makes one from a pasted form, the
CLI from a path. Only a source made from a path may name other files (a price CSV beside it).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dlrig.errors import BadInput, DlrigError, MalformedFile, UnknownPart
from dlrig.textfile import MAX_INPUT_BYTES, check_text_size

__all__ = ["MAX_INPUT_BYTES", "BuildSource", "load_build", "price_book"]

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.workload.cpu_train import CpuRate

BuildFormat = Literal["auto", "yaml", "pcpartpicker", "probe"]
BUILD_FORMATS: tuple[BuildFormat, ...] = ("auto", "yaml", "pcpartpicker", "probe")
LIST_SUFFIXES = (".md", ".markdown", ".txt")
PASTED = {"yaml": "pasted build file", "pcpartpicker": "pasted part list", "probe": "pasted probe output"}


@dataclass(frozen=True)
class BuildSource:
    """A build's text and where it came from. ``folder`` is the folder of the file it was read
    from: only then may the build name a price CSV, found beside it (never for pasted text)."""

    text: str
    origin: str
    format: BuildFormat = "auto"
    name: str | None = None
    folder: Path | None = None
    suffix: str = ""

    @classmethod
    def from_path(cls, path: Path | str, format: BuildFormat = "auto") -> BuildSource:
        path = Path(path)
        text = read_text(path, "build file")
        return cls(text=text, origin=str(path), format=format, folder=path.parent, suffix=path.suffix.lower())

    @classmethod
    def from_text(cls, text: str | dict[str, Any], format: str = "auto", name: str | None = None) -> BuildSource:
        if format not in BUILD_FORMATS:
            raise BadInput(f"unknown build format {format!r}; one of: {', '.join(BUILD_FORMATS)}", field="format")
        if isinstance(text, dict):  # a build file (or probe document) sent as a JSON object
            text = json.dumps(text)
        if not text.strip():
            raise BadInput("the build is empty: paste a build file (YAML), a PCPartPicker part list or "
                           "`dlrig probe --json` output", field="build")
        check_text_size(text, "build", field="build")
        return cls(text=text, origin=PASTED.get(_detect(text, "", format), PASTED["yaml"]), format=format, name=name)


def read_text(path: Path, what: str) -> str:
    """A user's text file, or BadInput naming it (missing, a folder, too large, not UTF-8)."""
    from dlrig.textfile import read_user_text

    return read_user_text(path, what)


def _detect(text: str, suffix: str, given: BuildFormat) -> str:
    if given != "auto":
        return given
    if suffix in LIST_SUFFIXES:
        return "pcpartpicker"
    from dlrig.pcpartpicker import looks_like_list

    if looks_like_list(text):
        return "pcpartpicker"
    if _probe_document(text) is not None:
        return "probe"
    return "yaml"


def _probe_document(text: str) -> dict[str, Any] | None:
    """The ``dlrig probe --json`` document in ``text``, or None when it is not one."""
    head = text.lstrip()[:1]
    if head != "{":
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("machine"), dict) else None


def load_build(source: BuildSource, catalog: CatalogQueries) -> Build:
    """The source resolved against the catalog, whatever its format."""
    kind = _detect(source.text, source.suffix, source.format)
    if kind == "pcpartpicker":
        return _from_list(source, catalog)
    if kind == "probe":
        return _from_probe(source, catalog)
    return _from_yaml(source, catalog)


def load_build_file(path: Path | str, catalog: CatalogQueries, format: BuildFormat = "auto") -> Build:
    """``load_build`` of a file by its path."""
    return load_build(BuildSource.from_path(path, format), catalog)


def _from_yaml(source: BuildSource, catalog: CatalogQueries) -> Build:
    from dlrig.build import parse_build_text, resolve_build

    hint = "" if source.folder else " (or paste a PCPartPicker list with its 'Type|Item|Price' header)"
    spec = parse_build_text(source.text, source.origin, not_a_mapping=hint)
    if source.name:
        spec = spec.model_copy(update={"name": source.name})
    if spec.prices and spec.prices.lower().endswith(".csv"):
        spec = spec.model_copy(update={"prices": _beside(spec.prices, source)})
    try:
        return resolve_build(spec, catalog, origin=source.origin)
    except UnknownPart as exc:
        raise _other_category(exc, catalog, source.origin) or exc from None


def _beside(name: str, source: BuildSource) -> str:
    """A price CSV named in a build file lives beside it, wherever the user runs dlrig; a pasted
    build may not make the server read its files."""
    if source.folder is None:
        raise BadInput(f"{source.origin}: prices: {name!r} names a file; a pasted build can name a "
                       "packaged price book only", field="prices")
    path = Path(name)
    return str(path if path.is_absolute() else source.folder / path)


def _other_category(exc: UnknownPart, catalog: CatalogQueries, origin: str) -> BadInput | None:
    """A part listed under the wrong category ("Intel Core i7-5820K" under gpu:) says where it
    belongs, instead of offering the closest GPUs."""
    from dlrig.catalog.models import CATEGORIES

    if exc.category is None:
        return None
    for category in CATEGORIES:
        if category == exc.category:
            continue
        try:  # only a name that resolves to one part elsewhere: vague words match everything
            part = catalog.resolve(exc.name, category)
        except DlrigError:
            continue
        return BadInput(f"{origin}: parts.{exc.category}: {exc.name!r} is a {category} "
                        f"({part.name}), not a {exc.category}; list it under parts.{category}")
    return None


def _from_list(source: BuildSource, catalog: CatalogQueries) -> Build:
    from dlrig.pcpartpicker import build_from_text

    name = source.name or (_list_name(Path(source.origin)) if source.folder else "build")
    return build_from_text(source.text, catalog, source.origin, name=name)


def _list_name(path: Path) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "build"


def _from_probe(source: BuildSource, catalog: CatalogQueries) -> Build:
    from dlrig.build import resolve_build
    from dlrig.machine.model import machine_info_from_dict
    from dlrig.machine.probe import build_from_probe

    doc = _probe_document(source.text)
    if doc is None:
        raise MalformedFile(source.origin, "not a `dlrig probe --json` document (a JSON object with 'machine')")
    info = machine_info_from_dict(doc["machine"], source.origin)
    spec = build_from_probe(info, catalog, name=source.name).build
    return resolve_build(spec, catalog, origin=source.origin)


def price_book(catalog: CatalogQueries, given: str | None, build: Build | None = None,
               files: bool = True) -> PriceBook:
    """The book a command prices with: the one given, else a part list's own prices, else the
    book the build names, else ``latest``. ``files=False`` (the web): packaged books only."""
    if given is None and build is not None and build.own_prices is not None:
        return build.own_prices
    name = given or (build.prices if build is not None else None) or "latest"
    if not files and name not in ("latest", *catalog.book_infos):
        raise BadInput(f"unknown price book {name!r}; one of: {', '.join(['latest', *catalog.book_infos])} "
                       "(the web app reads no files)", field="prices")
    return catalog.price_book(name)


def book_names(catalog: CatalogQueries) -> list[str]:
    return ["latest", *catalog.book_infos]


def host_calibration(build: Build | None, measured: bool | None) -> dict[str, Any] | None:
    """This host's saved bench (``dlrig bench --save``), read here at the edge so the workload
    model gets it as data: with ``measured`` True; by default (None) only for a build that
    ``dlrig probe`` wrote, since a bare GPU or another machine's build is not this host."""
    from dlrig.machine.calibration import load_calibration
    from dlrig.machine.probe import PROBE_NOTE

    if measured is False:
        return None
    probed = build is not None and (build.notes or "").startswith(PROBE_NOTE)
    if measured is None and not probed:
        return None
    if not measured:
        return load_calibration()  # a damaged file is ignored, with a note
    return _saved_or_error()


def _saved_or_error() -> dict[str, Any]:
    """This host's saved bench, asked for by name (``--measured``): its absence or damage is the error."""
    from dlrig.machine.calibration import read_saved

    found, problem = read_saved()
    if found is None:
        raise BadInput(f"{problem}" if problem else "no saved bench for this host: run `dlrig bench --save` first",
                       field="measured")
    return found


def with_book_name(build: Build, book: str | None) -> Build:
    """The build as it will be priced: an explicit book replaces the one its file names."""
    return build if book is None else replace(build, prices=book)


def host_cpu_rate(cores: int | None = None) -> CpuRate:
    """This machine's CPU FP32 rate (read from /proc here, at the edge): cores, the vector width
    of its flags, its maximum clock; ``cores`` overrides the core count."""
    from dataclasses import replace as copy

    from dlrig.machine.backends import Paths, cpu
    from dlrig.machine.bench.cpu import peak_gflops
    from dlrig.workload.cpu_train import CpuRate

    try:
        info = cpu(Paths())
    except OSError as exc:
        raise BadInput(f"cannot read this host's CPU ({exc}); give a build file with a CPU", field="build") from None
    if cores:
        info = copy(info, cores=cores)
    value, how = peak_gflops(info)
    if value is None:
        raise BadInput(f"this host's CPU: {how}; give a build file with a CPU", field="build")
    return CpuRate(info.model or "this host's CPU", value, (value, value), f"this host, {how}")


def measured_cpu_gemm() -> float:
    """This host's measured FP32 GEMM rate from its saved bench, or BadInput when there is none."""
    saved = _saved_or_error()
    gemm = saved["measured"].get("cpu_gemm_fp32_gflops")
    if not isinstance(gemm, (int, float)) or isinstance(gemm, bool) or not math.isfinite(gemm) or gemm <= 0:
        raise BadInput("no measured CPU GEMM for this host: run `dlrig bench --save` first", field="measured")
    return float(gemm)
