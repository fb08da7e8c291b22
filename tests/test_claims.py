"""`dlrig seed`: the seed post's claims, checked with the same tools as every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dlrig.cli
from dlrig.catalog.store import default_catalog
from dlrig.claims import SEED_BUILD, seed_claims

dlrig.cli._register()


@pytest.fixture(scope="module")
def claims():
    return {c.topic: c for c in seed_claims(default_catalog())}


def test_packaged_seed_build_is_the_example():
    assert SEED_BUILD.read_text() == Path("examples/seed-2015.yaml").read_text()


def test_verdicts(claims):
    assert claims["GPU table"].verdict == "holds" and "GTX 980 Ti" in claims["GPU table"].evidence
    assert claims["Teslas"].verdict == "holds"
    assert claims["PSU"].verdict == "holds" and "1,600 W" in claims["PSU"].evidence
    assert claims["RAM"].verdict == "flagged"
    assert claims["VRAM"].verdict == "dated" and "ResNet-50" in claims["VRAM"].evidence
    assert claims["GPU vs CPU"].verdict == "flagged"
    assert claims["SSD part"].verdict == "flagged" and "QLC" in claims["SSD part"].evidence


def test_gpu_vs_cpu_compares_training_rates(claims):
    """The post's >100x: its box training ResNet-50 against its CPU training ResNet-50 alone
    (dlrig estimate --cpu-only), not against the CPU's peak."""
    ev = claims["GPU vs CPU"].evidence
    assert "images/s" in ev and "alone" in ev and "x for the box" in ev and "per card" in ev
    assert "--cpu-only" in claims["GPU vs CPU"].source


def test_disk_claim_checks_the_arithmetic(claims):
    ssd = claims["SSD"]
    assert "not 16 MB/s" in ssd.evidence and "bottleneck: GPU compute" in ssd.evidence


def test_cost_claim_never_invents_prices(claims):
    cost = claims["Cost"]
    assert cost.verdict == "unverified" and "no dated 2015 price" in cost.evidence


def test_cli_json():
    result = CliRunner().invoke(dlrig.cli.app, ["seed", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["claims"]) >= 10 and all(c["source"] for c in doc["claims"])
