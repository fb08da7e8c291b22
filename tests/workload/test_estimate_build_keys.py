"""A build file's workload serves both the checker and the estimate."""

from __future__ import annotations

import pytest

from dlrig.build import load_build
from dlrig.catalog.store import default_catalog
from dlrig.workload.estimate import request_from_build
from dlrig.workload.pipeline import dataset_key

SEED = "examples/seed-2015.yaml"


def test_checker_keys_and_dataset_spellings_are_accepted():
    build = load_build(SEED, default_catalog())
    req = request_from_build(build)  # samples_per_s is the checker's; imagenet-1k its spelling
    assert req.model == "resnet50" and dataset_key(req.dataset or "") == "imagenet"


@pytest.mark.parametrize(("given", "key"), [("imagenet-1k", "imagenet"), ("CIFAR-10", "cifar10"),
                                            ("imagenet", "imagenet")])
def test_dataset_aliases(given, key):
    assert dataset_key(given) == key
