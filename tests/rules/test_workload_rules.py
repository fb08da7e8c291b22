"""VRAM-WORKLOAD, and STORAGE-THROUGHPUT / CPU-CORES-PER-GPU when the build names a model: the
estimator's memory and pipeline on hand-made builds (the RTX 4090 sample matches Lambda's rows)."""

from __future__ import annotations

from dlrig.rules import samples as s
from dlrig.rules.base import Example, Finding, Skipped, example
from dlrig.rules.registry import BY_CODE

RESNET_FP16 = {"model": "resnet50", "precision": "fp16", "batch": 64, "dataset": "imagenet-1k"}


def run(ex: Example, code: str) -> list[Finding | Skipped]:
    return list(BY_CODE[code].check(ex.build()))


def findings(ex: Example, code: str) -> list[Finding]:
    return [o for o in run(ex, code) if isinstance(o, Finding)]


def test_vram_workload_names_the_largest_batch_that_fits() -> None:
    big = example("x", gpu=s.RTX_4090, workload={"model": "resnet50", "precision": "fp16", "batch": 4096})
    (f,) = findings(big, "VRAM-WORKLOAD")
    assert f.severity == "problem" and "the largest batch that fits is" in f.message
    largest = int(f.message.rsplit(" ", 1)[-1])
    assert 64 < largest < 4096 and f"batch {largest} or smaller" in f.fix
    at_largest = example("x", gpu=s.RTX_4090, workload={"model": "resnet50", "precision": "fp16", "batch": largest})
    assert findings(at_largest, "VRAM-WORKLOAD") == []


def test_vram_workload_sharding_over_the_builds_gpus_makes_it_fit() -> None:
    llama = {"model": "llama-3-8b", "precision": "bf16", "batch": 1, "seq": 2048}
    assert findings(example("x", gpu=(s.PASSIVE_CARD, 1), workload=llama), "VRAM-WORKLOAD")  # 143 GB > 80
    sharded = example("x", gpu=(s.PASSIVE_CARD, 4), workload={**llama, "sharding": "fsdp"})
    assert findings(sharded, "VRAM-WORKLOAD") == []


def test_vram_workload_skips_or_says_unknown() -> None:
    assert isinstance(run(example("x", gpu=s.RTX_4090), "VRAM-WORKLOAD")[0], Skipped)
    bad_model = run(example("x", gpu=s.RTX_4090, workload={"model": "resnet5o"}), "VRAM-WORKLOAD")
    assert isinstance(bad_model[0], Skipped) and "resnet50" in bad_model[0].reason
    (f,) = findings(example("x", gpu=s.MYSTERY_GPU, workload={"model": "resnet50"}), "VRAM-WORKLOAD")
    assert f.severity == "note" and "unchecked" in f.message


def test_storage_throughput_uses_the_modelled_rate() -> None:
    hdd = example("x", gpu=(s.RTX_4090, 2), storage=s.HDD_4TB, workload=RESNET_FP16)
    (f,) = findings(hdd, "STORAGE-THROUGHPUT")
    assert f.severity == "warning" and "Lambda's measurement" in f.message and "the disk binds" in f.message
    assert f.parts == (s.HDD_4TB.name,)
    assert findings(example("x", gpu=(s.RTX_4090, 2), storage=s.NVME_4TB, workload=RESNET_FP16),
                    "STORAGE-THROUGHPUT") == []
    # no samples_per_s in the workload: the old rule skipped; the model supplies the demand
    assert not any(isinstance(o, Skipped) for o in run(hdd, "STORAGE-THROUGHPUT"))


def test_storage_throughput_keeps_the_claimed_demand_without_a_model_estimate() -> None:
    claimed = {"model": "resnet50", "dataset": "imagenet-1k", "samples_per_s": 1000}
    (f,) = findings(example("x", storage=s.HDD_4TB, workload=claimed), "STORAGE-THROUGHPUT")  # no GPU
    assert "1,000 samples/s" in f.message
    # the TITAN X sample has no FLOP/s figure and no Lambda row: the claimed demand is used
    (f,) = findings(example("x", gpu=s.TITAN_X, storage=s.HDD_4TB, workload=claimed), "STORAGE-THROUGHPUT")
    assert "1,000 samples/s" in f.message


def test_cpu_cores_per_gpu_uses_the_decode_stage() -> None:
    starved = example("x", gpu=(s.RTX_4090, 2), cpu=s.QUAD_CORE_AM5, workload=RESNET_FP16)
    (f,) = findings(starved, "CPU-CORES-PER-GPU")
    assert f.severity == "note" and "CPU decoding binds" in f.message and "DALI" in f.fix
    fed = example("x", gpu=(s.RTX_4090, 2), cpu=s.TR_PRO_5975WX, workload=RESNET_FP16)
    assert findings(fed, "CPU-CORES-PER-GPU") == []
    # 16 cores for 1 GPU at Lambda's TF32 rate (~721 images/s): decode keeps up
    assert findings(example("x", gpu=s.RTX_4090, cpu=s.RYZEN_7950X,
                            workload={"model": "resnet50", "precision": "tf32"}), "CPU-CORES-PER-GPU") == []


def test_cpu_cores_per_gpu_falls_back_to_the_rule_of_thumb_for_transformers() -> None:
    bert = example("x", gpu=(s.RTX_4090, 2), cpu=s.QUAD_CORE_AM5, workload={"model": "bert-base"})
    (f,) = findings(bert, "CPU-CORES-PER-GPU")
    assert "rule of thumb is 4" in f.message


def test_vram_workload_judges_inference_by_its_placement_not_the_training_recipe() -> None:
    """An inference workload in a build (what `plan --infer --out` writes) is judged by the
    inference placement: Llama-3-70B at 4 bits fits 2 x 24 GB cards (it would need over a
    terabyte as a training recipe), and at fp16 without offload it does not."""
    infer = {"model": "llama-3-70b", "infer": True, "weights": "q4_k_m", "seq": 8192}
    assert findings(example("x", gpu=(s.RTX_4090, 2), workload=infer), "VRAM-WORKLOAD") == []
    (f,) = findings(example("x", gpu=(s.RTX_4090, 2), workload={**infer, "weights": "fp16", "offload": False}),
                    "VRAM-WORKLOAD")
    assert f.severity == "problem" and "fp16 weights" in f.message and "in system RAM" in f.message
