"""What the core asks of a catalog: queries only, so any store (the packaged one, a test's
hand-made one) can stand behind the checker, the workload model, the planner and cost.

The core takes a catalog as a parameter typed with this Protocol and never reaches for a
global one; only the surfaces (the CLI, the web app) open the packaged catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu, Part, PriceBookInfo
    from dlrig.catalog.priced import Priced
    from dlrig.catalog.prices import PriceBook

P = TypeVar("P", bound="Part")


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

    def book_info(self, name: str) -> PriceBookInfo: ...

    # The category's parts the book prices (dlrig.catalog.priced.priced_parts gives them for any
    # store), and how many it leaves unpriced.
    def priced(self, book_name: str, category: str) -> tuple[tuple[Priced, ...], int]: ...

    # Hashable (by identity, as any plain object): derived tables are cached per catalog
    # (pcpartpicker's name tokens). Said here because mypy does not see a protocol as Hashable.
    def __hash__(self) -> int: ...


def resolve_as(catalog: CatalogQueries, name: str, category: str, kind: type[P]) -> P:
    """``catalog.resolve`` held to its category, typed as that category's model.

    A name is looked up within ``category``, but an id (``cpu/...``) finds its part whatever the
    category asked for; a part of another kind is the user's mistake, said as one (``BadInput``)."""
    part = catalog.resolve(name, category)
    if not isinstance(part, kind):
        from dlrig.errors import BadInput

        wanted = "gpu" if category == "gpu-chips" else category
        raise BadInput(f"{name!r} is a {part.id.split('/', 1)[0]} part ({part.name}), not a {wanted}")
    return part
