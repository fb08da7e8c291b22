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
    assert SEED_BUILD.read_text() == (Path(__file__).resolve().parents[1] / "examples" / "seed-2015.yaml").read_text()


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


def test_cost_claim_holds_from_the_posts_own_figures(claims):
    cost = claims["Cost"]
    assert cost.verdict == "holds"
    ev = cost.evidence
    assert ev.startswith("4 x $1,000 + $1,400 (bundle 'base computer') = $5,400 before tax")
    assert "$6,000 needs 11.1% tax, above every 2015 state average" in ev
    assert "Tennessee (highest) 9.46%: $5,911 (1.5% below)" in ev and "never above it" in ev
    assert "$15,000 with 8-10 weeks lead time: $9,089 (61%) saved" in ev
    assert "Tax Foundation" in cost.source and "taxfoundation.org" in cost.source and "seed-2015" in cost.source


def test_cost_claim_never_invents_prices():
    """Without the post's $1,400 bundle the platform is unpriced, and the claim stays unverified."""
    from dataclasses import replace

    from dlrig.claims import _cost, seed_build

    catalog = default_catalog()

    class NoBundles:
        def price_book(self, name):
            return replace(catalog.price_book(name), bundles=())

    claim = _cost(NoBundles(), seed_build(catalog))  # type: ignore[arg-type]
    assert claim.verdict == "unverified" and "GIGABYTE GA-X99-UD3P" in claim.evidence


def test_cost_claim_is_flagged_when_the_quote_is_far_off():
    from dataclasses import replace

    from dlrig.claims import _cost, seed_build

    build = seed_build(default_catalog())
    claim = _cost(default_catalog(), replace(build, quote=build.quote.model_copy(update={"usd": 5000.0})))
    assert claim.verdict == "flagged" and "above it in" in claim.evidence  # $5,400 before tax already


def test_ssd_part_claim_explains_the_edit(claims):
    ssd = claims["SSD part"]
    assert ssd.verdict == "flagged" and "Mushkin Enhanced Reactor" in ssd.evidence
    assert "N82E16820226596" in ssd.evidence and "pjreddie.github.io" in ssd.source


def test_cli_json():
    result = CliRunner().invoke(dlrig.cli.app, ["seed", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["claims"]) >= 10 and all(c["source"] for c in doc["claims"])
    assert doc["post"]["author"] == "Joseph Redmon" and doc["post"]["url"].startswith("https://pjreddie.com/")
    assert {c["topic"]: c["verdict"] for c in doc["claims"]}["Cost"] == "holds"
