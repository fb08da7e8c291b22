"""A build file's workload serves both the checker and the estimate."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlrig.catalog.store import default_catalog
from dlrig.services.inputs import load_build_file
from dlrig.workload.datasets import find
from dlrig.workload.estimate import request_from_build

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-2015.yaml"


def test_checker_keys_and_dataset_spellings_are_accepted():
    build = load_build_file(SEED, default_catalog())
    req = request_from_build(build)  # samples_per_s is the checker's; imagenet-1k its spelling
    assert req.model == "resnet50" and find(req.dataset or "").key == "imagenet-1k"  # type: ignore[union-attr]


@pytest.mark.parametrize(("given", "key"), [("imagenet-1k", "imagenet-1k"), ("CIFAR-10", "cifar-10"),
                                            ("imagenet", "imagenet-1k"), ("cifar10", "cifar-10")])
def test_dataset_aliases(given, key):
    assert find(given).key == key  # type: ignore[union-attr]
