"""estimate on a GPU named by the user: a part of another kind is bad input, not a crash."""

from __future__ import annotations

import pytest

from dlrig.catalog.store import default_catalog
from dlrig.errors import BadInput
from dlrig.services.estimate import EstimateRequest, estimate


@pytest.mark.parametrize("workload", [{"model": "resnet50"}, {"model": "llama-3-8b", "infer": True}])
def test_a_cpu_id_given_as_the_gpu_is_bad_input(workload: dict[str, object]) -> None:
    catalog = default_catalog()
    cpu = catalog.parts("cpu")[0]
    with pytest.raises(BadInput, match=r"is a cpu part .*not a gpu"):
        estimate(EstimateRequest(gpu=cpu.id, workload=workload), catalog)
