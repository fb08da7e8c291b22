"""The workload's keys mean one thing in every command: declared once (WorkloadRequest), read
alike by check, estimate, cost and plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlrig.catalog.store import default_catalog
from dlrig.cost.ownership import CostOptions
from dlrig.services import check, cost, estimate
from dlrig.services.inputs import BuildSource, load_build, price_book
from dlrig.workload_request import WorkloadRequest

HDD_BUILD = (Path(__file__).resolve().parents[2] / "examples" / "corpus"
             / "20-mistake-hdd-feeds-imagenet.yaml").read_text(encoding="utf-8")


def hdd_build(packed: bool | None) -> object:
    text = HDD_BUILD if packed is None else HDD_BUILD.replace(
        "samples_per_s: 1000}", f"samples_per_s: 1000, file_per_sample: {'false' if packed else 'true'}}}")
    return load_build(BuildSource.from_text(text), default_catalog())


def storage_stage(build: object) -> float:
    e = estimate.estimate(estimate.EstimateRequest(build=build), default_catalog())  # type: ignore[arg-type]
    return next(s.supply_samples_per_s for s in e.pipeline.stages if s.name == "storage read")


def test_file_per_sample_is_read_alike_by_check_and_estimate() -> None:
    """ImageNet as one file per image on a 5,400 rpm disk is random reads: the disk binds. Packed
    into large shards (file_per_sample: false) it streams, and neither command flags the disk."""
    per_file, packed = hdd_build(None), hdd_build(True)
    assert storage_stage(packed) > 5 * storage_stage(per_file)
    codes = {p: check.check(check.CheckRequest(b)).codes() for p, b in (("file", per_file), ("packed", packed))}  # type: ignore[arg-type]
    assert "STORAGE-THROUGHPUT" in codes["file"] and "STORAGE-THROUGHPUT" not in codes["packed"]


def test_cost_and_plan_take_the_same_keys() -> None:
    from dlrig.plan.request import PlanRequest, validate

    catalog = default_catalog()
    packed = hdd_build(True)
    report = cost.cost(cost.CostRequest(packed, price_book(catalog, None, packed), CostOptions()), catalog)  # type: ignore[arg-type]
    assert report.running.power.method.startswith("workload model")  # the workload was estimated, not dropped
    workload = WorkloadRequest(model="resnet50", dataset="imagenet", file_per_sample=False, samples_per_s=1000)
    validate(PlanRequest(workload=workload))  # a plan takes the same request, key for key
    assert packed.workload == workload.model_copy(update={"precision": "fp32", "batch": 64,  # type: ignore[attr-defined]
                                                          "dataset": "imagenet-1k"})


@pytest.mark.parametrize("text", ["file_per_sample: maybe", "sample_kb: lots", "batch: 0", "bogus_key: 1"])
def test_a_mistyped_workload_key_is_bad_input_when_the_build_is_read(text: str) -> None:
    """Every command reads builds through one loader: a key of the wrong type is refused there."""
    from dlrig.errors import BadInput

    key = text.split(":")[0]
    bad = HDD_BUILD.replace("samples_per_s: 1000}", f"samples_per_s: 1000, {text}}}")
    with pytest.raises(BadInput, match=f"workload.{key}"):
        load_build(BuildSource.from_text(bad), default_catalog())


def test_an_unknown_data_set_is_bad_input_to_the_estimate_and_a_note_to_the_checker() -> None:
    from dlrig.errors import BadInput

    build = load_build(BuildSource.from_text(HDD_BUILD.replace("imagenet-1k", "mnist")), default_catalog())
    with pytest.raises(BadInput, match="unknown dataset 'mnist'"):
        estimate.estimate(estimate.EstimateRequest(build=build), default_catalog())
    report = check.check(check.CheckRequest(build))
    assert any("unknown dataset 'mnist'" in f.message for f in report.findings) or \
        any("unknown dataset 'mnist'" in u for u in report.unchecked)
