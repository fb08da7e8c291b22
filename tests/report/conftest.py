"""Shared fixtures: the packaged catalog and the example builds that resolve against it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlrig.build import Build
from dlrig.catalog.store import Catalog, default_catalog
from dlrig.errors import BadInput
from dlrig.services.inputs import load_build_file as load_build

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# The seed build with a workload the estimator accepts today (the example's extra keys aside).
WORKLOAD = "workload: {model: resnet50, precision: fp32, batch: 64, dataset: imagenet}\n"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


def example_builds(catalog: Catalog) -> list[tuple[str, Build]]:
    """Every example build that resolves (an example naming a part the catalog lacks is skipped)."""
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        try:
            out.append((path.name, load_build(path, catalog)))
        except BadInput:
            continue
    return out


@pytest.fixture()
def workload_build(tmp_path: Path) -> Path:
    """examples/seed-2015.yaml with a workload the estimator accepts."""
    text = (EXAMPLES / "seed-2015.yaml").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines(keepends=True) if not ln.startswith("workload:")]
    path = tmp_path / "seed-workload.yaml"
    path.write_text("".join(lines) + WORKLOAD, encoding="utf-8")
    return path
