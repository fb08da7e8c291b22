"""The whole estimate on hand-made builds: the seed box, JSON shape, overrides, bad input."""

from __future__ import annotations

import pytest

from dlrig.build import Build, Item
from dlrig.catalog.models import Cpu, Gpu, Storage
from dlrig.errors import BadInput
from dlrig.workload.estimate import (
    Machine,
    estimate,
    machine_from_build,
    request_from_build,
)
from dlrig.workload.fit import fit_gpus
from dlrig.workload_request import WorkloadRequest


@pytest.fixture
def seed(titan_x: Gpu, i7_5820k: Cpu, qvo: Storage) -> Build:
    return Build(name="seed-2015", items={"gpu": (Item(titan_x, 4),), "cpu": (Item(i7_5820k),),
                                          "storage": (Item(qvo),)},
                 workload=WorkloadRequest(model="resnet50", precision="fp32", batch=64))


def test_seed_build_resnet50_shows_the_disk_stage_and_what_binds(seed: Build) -> None:
    machine = machine_from_build(seed)
    assert machine.gpus == 4 and machine.pcie_lanes == 4  # 28 lanes over 4 GPUs
    e = estimate(request_from_build(seed, epochs=90), machine)
    disk = next(s for s in e.pipeline.stages if s.name == "storage read")
    assert disk.supply_samples_per_s > e.throughput.samples_per_s  # the post's claim holds
    assert e.pipeline.bottleneck == "GPU compute"
    assert e.throughput.source == "model"  # no Lambda row for Maxwell
    assert e.time_to_train_h == pytest.approx(90 * 1_281_167 / e.pipeline.achieved_samples_per_s / 3600)
    assert 4 * 250 * 0.9 < e.power_w < 4 * 250 + 140 + 100


def test_json_follows_the_contract(seed: Build) -> None:
    d = estimate(request_from_build(seed), machine_from_build(seed)).to_dict()
    assert {"model", "precision", "memory", "flops", "throughput", "time_to_train_h", "pipeline",
            "power_w"} <= set(d)
    assert {"per_gpu_gb", "breakdown", "fits", "max_batch"} <= set(d["memory"])
    assert {"samples_per_s", "range", "source"} <= set(d["throughput"])
    assert {"stages", "bottleneck"} <= set(d["pipeline"])
    assert d["precision"] == "fp32" and d["time_to_train_h"] is None


def test_command_line_overrides_the_build_workload(seed: Build) -> None:
    req = request_from_build(seed, model="alexnet", batch=128)
    assert (req.model, req.batch, req.precision) == ("alexnet", 128, "fp32")


def test_measured_figure_is_used_on_a_lambda_gpu(h100: Gpu) -> None:
    e = estimate(WorkloadRequest(model="resnet50", precision="fp16"), Machine(gpu=h100, gpus=8))
    assert e.throughput.source == "measured" and "Lambda v1" in e.throughput.detail


def test_multi_gpu_without_measurement_is_scaled(rtx4090: Gpu) -> None:
    one = estimate(WorkloadRequest(model="resnet101", precision="bf16"), Machine(gpu=rtx4090))
    four = estimate(WorkloadRequest(model="resnet101", precision="bf16"), Machine(gpu=rtx4090, gpus=4))
    assert four.throughput.scaling is not None
    assert 3 * one.throughput.samples_per_s < four.throughput.samples_per_s <= 4 * one.throughput.samples_per_s


def test_tokens_give_time_to_train_for_transformers(rtx4090: Gpu) -> None:
    e = estimate(WorkloadRequest(model="llama-3-8b", qlora=True, seq=2048, batch=2, recompute="full",
                                 tokens=1e8), Machine(gpu=rtx4090))
    assert e.memory.fits
    assert e.samples_total == pytest.approx(1e8 / 2048)
    assert e.time_to_train_h > 0


@pytest.mark.parametrize(("fields", "message", "field"), [
    ({"model": "resnet50", "batch": 0}, "batch: Input should be greater than or equal to 1", "batch"),
    ({"model": "resnet50", "precision": "fp12"}, "unknown precision 'fp12'", "precision"),
    ({"model": "resnet50", "optimizer": "lion"}, "unknown optimizer", "optimizer"),
    ({"model": "resnet50", "seq": 128}, "seq applies to transformers", "seq"),
    ({"model": "resnet50", "epochs": 1, "dataset": "mnist"}, "unknown dataset", "dataset"),
    ({"model": "bert-base", "lora": True, "qlora": True}, "not both", None),
    ({"model": "resnet-5o"}, "closest", None),
    ({"model": "resnet50", "epochs": float("nan")}, "finite", "epochs"),
])
def test_bad_input_is_a_clear_error(rtx4090: Gpu, fields: dict, message: str, field: str | None) -> None:
    """Wrong whatever the hardware: the request itself (or the model) says so, naming the field."""
    with pytest.raises(BadInput, match=message) as info:
        estimate(WorkloadRequest(**fields), Machine(gpu=rtx4090))
    assert info.value.field == field


def test_fit_finds_the_smallest_count(rtx4090: Gpu, h100: Gpu, titan_x: Gpu) -> None:
    rows = {r.gpu: r for r in fit_gpus(WorkloadRequest(model="llama-3-8b", seq=2048, batch=1, recompute="full",
                                                       sharding="fsdp"), [rtx4090, h100, titan_x])}
    assert rows["H100 SXM5 80 GB"].gpus == 2  # 128 GB of state over 2 x 80 GB
    assert rows["GeForce RTX 4090"].gpus == 8
    assert rows["GeForce GTX TITAN X"].gpus is None


def _bench_here(gpu_name: str, rate: float = 4924.0) -> dict:
    return {"saved_at": "2026-11-27T07:53:08+00:00", "host": "box",
            "measured": {"gpu_name": "NVIDIA H100 80GB HBM3", "gpu_catalog_part": gpu_name,
                         "resnet50_images_per_s_per_gpu": rate, "resnet50_batch": 256,
                         "resnet50_precision": "fp16 AMP, channels-last, SGD"}}


def test_this_hosts_measured_training_rate_beats_lambda_and_the_model(h100: Gpu) -> None:
    req = WorkloadRequest(model="resnet50", precision="fp16", batch=256)
    e = estimate(req, Machine(gpu=h100, gpus=2, calibration=_bench_here(h100.name)))
    assert e.throughput.source == "measured" and "on this host" in e.throughput.detail
    assert 1.5 * 4924.0 < e.throughput.samples_per_s < 2 * 4924.0  # two GPUs: the one measured, scaled
    one = estimate(req, Machine(gpu=h100, calibration=_bench_here(h100.name))).throughput
    assert one.samples_per_s == 4924.0 and one.range == (4924.0, 4924.0)


@pytest.mark.parametrize(("model", "precision", "gpu"), [
    ("resnet50", "bf16", None),  # the bench trains fp16 only
    ("bert-base", "fp16", None),  # another model
    ("resnet50", "fp16", "A100 SXM4 80 GB"),  # the bench ran on another GPU
])
def test_a_measurement_of_another_workload_or_gpu_is_not_used(h100: Gpu, model: str, precision: str,
                                                               gpu: str | None) -> None:
    e = estimate(WorkloadRequest(model=model, precision=precision, batch=64),
                 Machine(gpu=h100, calibration=_bench_here(gpu or h100.name)))
    assert "on this host" not in e.throughput.detail


def test_power_range_follows_the_gpus_training_load(seed: Build) -> None:
    e = estimate(request_from_build(seed), machine_from_build(seed))
    low, high = e.power_w_range  # type: ignore[misc]
    assert high == e.power_w
    load_low, _, load_high = e.gpu_load  # type: ignore[misc]
    gpu_share = 4 * 250 * (load_high - load_low) * (e.pipeline.achieved_samples_per_s / e.throughput.samples_per_s)
    assert high - low == pytest.approx(gpu_share, rel=1e-6)  # only the GPUs' load factor differs
    assert e.to_dict()["power_w_range"] == [low, high]


@pytest.mark.parametrize(("req", "words"), [
    (WorkloadRequest(model="gpt2", seq=4096), "1,024 learned positions"),
    (WorkloadRequest(model="bert-base", seq=2048), "512 learned positions"),
    (WorkloadRequest(model="gpt2", epochs=1, dataset="imagenet"), "a set of images"),
])
def test_impossible_transformer_inputs_are_bad_input(rtx4090: Gpu, req: WorkloadRequest, words: str) -> None:
    with pytest.raises(BadInput, match=words):
        estimate(req, Machine(gpu=rtx4090))


def test_epochs_pass_over_the_tokens_and_the_copy_scales_with_the_sequence(rtx4090: Gpu) -> None:
    one = estimate(WorkloadRequest(model="gpt2", tokens=1e9), Machine(gpu=rtx4090))
    two = estimate(WorkloadRequest(model="gpt2", tokens=1e9, epochs=2), Machine(gpu=rtx4090))
    assert two.samples_total == pytest.approx(2 * one.samples_total)
    short = estimate(WorkloadRequest(model="gpt2", seq=256), Machine(gpu=rtx4090))
    pcie = {s.name: s for s in one.pipeline.stages}["host -> GPU copy"]
    pcie_short = {s.name: s for s in short.pipeline.stages}["host -> GPU copy"]
    assert pcie_short.supply_samples_per_s == pytest.approx(4 * pcie.supply_samples_per_s)  # 1,024 / 256


def test_ranges_follow_the_stage_that_binds(seed: Build) -> None:
    """AlexNet on the seed box: CPU decoding binds, so the achieved rate's range is that stage's,
    not the GPUs' band scaled down; the hours range follows it."""
    e = estimate(request_from_build(seed, model="alexnet", epochs=90), machine_from_build(seed))
    assert e.pipeline.bottleneck == "CPU JPEG decode + resize"
    cpu = next(s for s in e.pipeline.stages if s.name == e.pipeline.bottleneck)
    lo, hi = e.to_dict()["samples_per_s_range"]
    assert (lo, hi) == pytest.approx(cpu.supply_range)
    assert e.time_to_train_h_range == pytest.approx((e.samples_total / hi / 3600, e.samples_total / lo / 3600))


def test_a_gpu_count_override_shares_the_cpus_lanes_among_that_many(seed: Build) -> None:
    assert machine_from_build(seed).pcie_lanes == 4  # 28 lanes over 4 GPUs
    one = machine_from_build(seed, gpus=1)
    assert one.gpus == 1 and one.pcie_lanes == 16 and "for 1 GPU(s)" in one.notes[-1]


def test_narrow_links_take_lambdas_one_gpu_figure_and_the_scaling_model() -> None:
    """Lambda's 8 x A6000 rows ran on full links; PCIe cards at x4 must not inherit them (fp16 had
    read Lambda's server figure while bf16, modelled, scaled over x4: 6x apart)."""
    a6000 = Gpu(id="gpu/rtx-a6000", name="RTX A6000", src="test", fp32_tflops=38.7, tf32_tflops=154.8,
                fp16_tflops=154.8, bf16_tflops=154.8, memory_bandwidth_gb_s=768, vram_gb=48, board_power_w=300,
                pcie_gen=4.0, pcie_lanes=16, architecture="Ampere", form="pcie")
    req = WorkloadRequest(model="bert-large", precision="fp16")
    wide = estimate(req, Machine(gpu=a6000, gpus=8))
    assert wide.throughput.source == "measured" and wide.throughput.scaling is None  # Lambda's 8-GPU row
    narrow = estimate(req, Machine(gpu=a6000, gpus=8, pcie_gen=4.0, pcie_lanes=4))
    assert narrow.throughput.scaling is not None and "x4" in narrow.throughput.scaling.link
    assert narrow.throughput.samples_per_s < wide.throughput.samples_per_s


def test_a_lambda_measurement_is_scaled_to_the_users_batch(a100: Gpu) -> None:
    """BERT-large fp16 on an A100 SXM4 80 GB: Lambda measured at a large batch; at --batch 1 the
    calibrated model's per-step cost lowers the rate, as the modelled bf16 estimate already did."""
    big = estimate(WorkloadRequest(model="bert-large", precision="fp16"), Machine(gpu=a100))
    one = estimate(WorkloadRequest(model="bert-large", precision="fp16", batch=1), Machine(gpu=a100))
    assert big.throughput.source == one.throughput.source == "measured"
    assert one.throughput.samples_per_s < 0.6 * big.throughput.samples_per_s
    assert "scaled to batch 1" in one.throughput.detail
    modelled = estimate(WorkloadRequest(model="bert-large", precision="bf16", batch=1), Machine(gpu=a100))
    assert one.throughput.samples_per_s == pytest.approx(modelled.throughput.samples_per_s, rel=0.5)
