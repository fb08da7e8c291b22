"""``fit`` on the packaged catalog: feasibility before optimality, the defaults it sized at, advice.

The matrix (models x precisions x modes) is the issue's test: no row of any answer is a part
the feasibility rule, judged here again from the catalog's own facts, says cannot run the request.
"""

from __future__ import annotations

import itertools

import pytest

from dlrig.catalog.models import Gpu
from dlrig.catalog.store import default_catalog
from dlrig.feasibility import Need, exclusions
from dlrig.services.fit import FitRequest, fit
from dlrig.services.inputs import price_book
from dlrig.workload_request import WorkloadRequest

MODELS = ("resnet50", "bert-large", "llama-3-8b", "llama-3-70b")
PRECISIONS = ("fp32", "bf16", "fp8", "fp16")
MODES = ("train", "infer")


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return default_catalog()


@pytest.fixture(scope="module")
def chips(catalog) -> dict[str, Gpu]:  # type: ignore[no-untyped-def]
    return {g.name: g for g in catalog.gpu_chips()}


@pytest.mark.parametrize(("model", "precision", "mode"), list(itertools.product(MODELS, PRECISIONS, MODES)))
def test_no_answer_row_fails_the_feasibility_rule(catalog, chips: dict[str, Gpu], model: str, precision: str,  # type: ignore[no-untyped-def]
                                                  mode: str) -> None:
    result = fit(FitRequest(WorkloadRequest(model=model, precision=precision), mode,  # type: ignore[arg-type]
                            price_book(catalog, "latest")), catalog)
    doc = result.to_json()
    # every precision of this matrix computes as itself (an LLM's weights in that format, too)
    need = Need(precision=precision, use="desktop")
    for row in result.rows:
        assert exclusions(chips[row.gpu], need) == (), f"{row.gpu} answers {model} {precision} {mode}"
    left_out = {e["gpu"] for e in doc["excluded"]}
    assert left_out and not left_out & {r["gpu"] for r in doc["gpus"]}
    assert all(e["code"] and e["reason"] for e in doc["excluded"])
    assert doc["assumptions"] and doc["feasibility"]["precision"] == precision
    if precision == "fp8":  # no Ampere, Turing or RDNA 3 card computes FP8
        assert {"GeForce RTX 3090", "TITAN RTX", "Radeon RX 7900 XTX"} <= left_out
    if precision == "bf16":
        assert "TITAN RTX" in left_out  # Turing: bf16 emulated
    assert "Radeon Instinct MI300X" in left_out and "Quadro K6000" in left_out  # an OAM module; Kepler


def test_qlora_8b_recommends_one_consumer_card_and_prints_its_defaults(catalog) -> None:  # type: ignore[no-untyped-def]
    result = fit(FitRequest(WorkloadRequest(model="llama-3-8b", qlora=True), "train",
                            price_book(catalog, "latest")), catalog)
    first = result.fitting[0]
    gpu = {g.name: g for g in catalog.gpu_chips()}[first.gpu]
    assert first.gpus == 1 and gpu.kind == "consumer" and (gpu.vram_gb or 0) <= 24
    assumed = {a["key"]: a for a in result.to_json()["assumptions"]}
    assert assumed["sequence"]["value"] == 2048 and assumed["recompute"]["value"] == "full"
    assert assumed["micro-batch"]["value"] == 1 and not assumed["sequence"]["given"]
    assert "PEFT" in assumed["sequence"]["source"] and "qlora" in assumed["recompute"]["source"]


def test_given_values_win_over_the_fine_tuning_defaults(catalog) -> None:  # type: ignore[no-untyped-def]
    result = fit(FitRequest(WorkloadRequest(model="llama-3-8b", qlora=True, seq=4096, recompute="none")), catalog)
    assumed = {a.key: a for a in result.assumptions}
    assert assumed["sequence"].value == 4096 and assumed["sequence"].given
    assert assumed["recompute"].value == "none" and assumed["recompute"].given
    assert assumed["micro-batch"].value == 1 and not assumed["micro-batch"].given


def test_a_cnn_keeps_its_reference_batch(catalog) -> None:  # type: ignore[no-untyped-def]
    result = fit(FitRequest(WorkloadRequest(model="resnet50")), catalog)
    assumed = {a.key: a for a in result.assumptions}
    assert assumed["micro-batch"].value == 64 and assumed["precision"].value == "fp16"
    assert "sequence" not in assumed


def test_server_parts_only_when_asked(catalog) -> None:  # type: ignore[no-untyped-def]
    req = WorkloadRequest(model="llama-3-70b", precision="bf16")
    desk = fit(FitRequest(req, "infer"), catalog)
    rack = fit(FitRequest(req, "infer", use="server"), catalog)
    assert "H100 SXM5 80 GB" not in {r.gpu for r in desk.rows}
    assert "H100 SXM5 80 GB" in {r.gpu for r in rack.fitting}
    assert {e.code for e in desk.excluded} >= {"form-module", "form-passive"}


def test_nothing_fits_says_by_how_much_and_what_would(catalog) -> None:  # type: ignore[no-untyped-def]
    """A 70B full fine-tune on a desk: the shortfall of the closest card, and changes that fit, each
    of which fits when asked for."""
    req = WorkloadRequest(model="llama-3-70b", precision="bf16")
    result = fit(FitRequest(req), catalog)
    assert not result.any_fits and result.shortfall is not None and result.shortfall.short_gb > 0
    assert result.shortfall.gpus == 8
    by_field = {a.field: a for a in result.alternatives}
    assert "qlora" in by_field and "servers" in by_field
    again = fit(FitRequest(req.model_copy(update={"qlora": True})), catalog)
    assert again.fitting[0].gpu == by_field["qlora"].gpu and again.fitting[0].gpus == by_field["qlora"].gpus


def test_a_multi_gpu_board_is_counted_as_its_gpus(catalog) -> None:  # type: ignore[no-untyped-def]
    """The seed market (2015) is judged by its own software: the K80 holds ResNet-50 at FP32 as two
    12 GB GPUs, one board, priced per board."""
    book = price_book(catalog, "seed-2015")
    result = fit(FitRequest(WorkloadRequest(model="resnet50", precision="fp32"), book=book, use="server"), catalog)
    k80 = {r.gpu: r for r in result.rows}["Tesla K80"]
    assert k80.vram_gb == 12 and k80.gpus_per_board == 2 and k80.gpus == 1 and k80.boards == 1
    assert k80.cost_usd == k80.price_usd
