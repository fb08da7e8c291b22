"""What the core asks of a catalog: queries only, so any store (the packaged one, a test's
hand-made one) can stand behind the checker, the workload model, the planner and cost.

The core takes a catalog as a parameter typed with this Protocol and never reaches for a
global one; only the surfaces (the CLI, the web app) open the packaged catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu, Part, PriceBookInfo
    from dlrig.catalog.prices import PriceBook


class CatalogQueries(Protocol):
    def parts(self, category: str) -> tuple[Part, ...]: ...

    def all_parts(self) -> Iterable[Part]: ...

    def gpu_chips(self) -> tuple[Gpu, ...]: ...

    def get(self, part_id: str) -> Part: ...

    def chip_of(self, gpu: Gpu) -> Gpu: ...

    def resolve(self, name: str, category: str | None = None) -> Part: ...

    def search(self, text: str, category: str | None = None, limit: int = 20) -> list[Part]: ...

    @property
    def book_infos(self) -> Mapping[str, PriceBookInfo]: ...

    def price_book(self, name: str) -> PriceBook: ...
