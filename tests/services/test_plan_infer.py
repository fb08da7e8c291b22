"""The ``plan --infer`` service: one strict JSON document, and the speed it prints is the one
``estimate`` gives the build it returns, also once the build is written and read back."""

from __future__ import annotations

import json

import pytest

from dlrig.build import save_build
from dlrig.catalog.store import default_catalog
from dlrig.jsondoc import dumps
from dlrig.plan.infer import InferInfeasible
from dlrig.plan.plan import file_build
from dlrig.plan.request import PlanRequest
from dlrig.services.estimate import EstimateRequest, estimate
from dlrig.services.inputs import BuildSource, load_build
from dlrig.services.plan_infer import InferPlanRequest, InferPlanResult, plan_infer
from dlrig.workload_request import WorkloadRequest

LLAMA_8B = WorkloadRequest(model="llama-3-8b", infer=True, weights="q4_k_m", seq=8192)


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return default_catalog()


@pytest.fixture(scope="module")
def result(catalog) -> InferPlanResult:  # type: ignore[no-untyped-def]
    return plan_infer(InferPlanRequest(PlanRequest(workload=LLAMA_8B), 30.0), catalog)


def test_the_document_is_strict_json_with_the_answer(result: InferPlanResult) -> None:
    doc = json.loads(dumps(result.to_json()))
    assert doc["mode"] == "inference-plan"
    asked = {"tokens_per_s": 30.0, "basis": "low", "weights": "q4_k_m", "context": 8192}
    assert doc["request"] | asked == doc["request"]
    assert doc["tokens_per_s_range"][0] >= 30.0
    gpu = doc["build"]["parts"]["gpu"][0]
    assert doc["total_usd"] > 0 and (gpu.get("count", 1) if isinstance(gpu, dict) else 1) == doc["count"]
    assert len(doc["memory_per_gpu_gb"]) == doc["count"]
    for key in ("prompt_tokens_per_s", "alternatives", "options", "findings", "prices", "notes", "stats"):
        assert key in doc


def test_the_printed_speed_is_the_estimate_of_the_build(result: InferPlanResult, catalog, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = result.plan
    direct = estimate(EstimateRequest(build=p.build), catalog)
    assert direct.to_json()["tokens_per_s"] == p.best.speed.tokens_per_s  # type: ignore[union-attr]
    path = tmp_path / "build.yaml"
    save_build(file_build(p.build, catalog), path)
    again = load_build(BuildSource.from_path(path), catalog)
    reread = estimate(EstimateRequest(build=again), catalog).to_json()
    assert reread["tokens_per_s"] == p.best.speed.tokens_per_s
    assert reread["tokens_per_s_range"] == list(p.best.speed.tokens_per_s_range)


def test_a_no_is_infeasible_with_causes_and_advice_in_its_document(catalog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InferInfeasible) as info:
        plan_infer(InferPlanRequest(PlanRequest(workload=LLAMA_8B), 5000.0), catalog)
    doc = json.loads(dumps(info.value.to_json()))
    assert doc["kind"] == "InferInfeasible" and doc["causes"][0]["field"] == "tokens_per_s" and doc["advice"]
