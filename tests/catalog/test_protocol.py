"""resolve_as: a name or id resolved within its category, typed as that category's model."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Cpu, Gpu
from dlrig.catalog.protocol import resolve_as
from dlrig.catalog.store import default_catalog
from dlrig.errors import BadInput


def test_a_name_resolves_to_its_model() -> None:
    catalog = default_catalog()
    gpu = resolve_as(catalog, "RTX 4090", "gpu", Gpu)
    assert isinstance(gpu, Gpu) and "4090" in gpu.name
    cpu = catalog.parts("cpu")[0]
    assert resolve_as(catalog, cpu.id, "cpu", Cpu) == cpu


def test_an_id_of_another_category_is_bad_input_naming_both() -> None:
    """An id finds its part whatever the category asked for: a CPU's id given for a GPU is the
    user's mistake, said as one (it used to reach the estimator and fail there)."""
    catalog = default_catalog()
    cpu = catalog.parts("cpu")[0]
    with pytest.raises(BadInput, match=rf"{cpu.id}.* is a cpu part .*not a gpu"):
        resolve_as(catalog, cpu.id, "gpu", Gpu)
    with pytest.raises(BadInput, match=r"not a gpu$"):
        resolve_as(catalog, cpu.id, "gpu-chips", Gpu)
