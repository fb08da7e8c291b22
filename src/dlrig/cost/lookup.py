"""Catalog look-ups the cost report needs, shared by the CLI, the HTML report and the web app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu
    from dlrig.catalog.protocol import CatalogQueries


def chips_by_name(catalog: CatalogQueries, names: set[str]) -> dict[str, Gpu | None]:
    """Catalog GPU chips by the names the cloud and prebuilt tables use; None where it has none."""
    from dlrig.catalog.models import Gpu
    from dlrig.catalog.protocol import resolve_as
    from dlrig.errors import AmbiguousPart, BadInput

    found: dict[str, Gpu | None] = {}
    for name in names:
        try:
            found[name] = resolve_as(catalog, name, "gpu-chips", Gpu)
        except AmbiguousPart:
            hits = catalog.search(name, "gpu-chips", limit=1)
            found[name] = hits[0] if hits and isinstance(hits[0], Gpu) else None
        except (BadInput, FileNotFoundError):
            found[name] = None
    return found


def throughput_note(build: Any) -> str:
    """Why the comparisons show peak TFLOPS rather than the workload's throughput."""
    if build.workload is None:
        return "the build names no workload, so throughput is not compared (peak TFLOPS shown)"
    return "compared on peak TFLOPS: the workload could not be estimated on the other machine's GPUs"
