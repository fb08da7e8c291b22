"""Data-pipeline stages and the bottleneck; the seed post's disk claim."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Cpu, Storage
from dlrig.workload.datasets import DATASETS
from dlrig.workload.pipeline import analyse, cpu_stage, pcie_stage, storage_stage

IMAGENET = DATASETS["imagenet-1k"]


def test_imagenet_is_1281167_images_of_about_115_kb() -> None:
    assert IMAGENET.samples == 1_281_167
    assert 110e3 < (IMAGENET.bytes_per_sample or 0) < 120e3


def test_file_reads_cost_an_access_plus_transfer(qvo: Storage) -> None:
    stage = storage_stage([qvo], 115e3, random_access=True)
    assert stage.supply_samples_per_s == pytest.approx(1 / (1 / 98000 + 115e3 / 560e6))


def test_unknown_drive_figures_are_said_not_guessed() -> None:
    blank = Storage(id="s", name="Mystery SSD", src="t")
    stage = storage_stage([blank], 115e3, random_access=True)
    assert stage.supply_samples_per_s is None and "unknown" in stage.detail
    result = analyse([stage], 500.0, 115e3)
    assert result.unknown == ("storage read",) and result.bottleneck == "GPU compute"


def test_a_hard_disk_binds_image_training(hdd: Storage, i7_5820k: Cpu) -> None:
    stages = [storage_stage([hdd], IMAGENET.bytes_per_sample, True), cpu_stage(i7_5820k, 4),
              pcie_stage(4, 3, 8, 602112)]
    result = analyse(stages, 1000.0, IMAGENET.bytes_per_sample)
    assert result.bottleneck == "storage read"
    assert result.factor == pytest.approx(1000 / stages[0].supply_samples_per_s)


def test_seed_claim_one_ssd_feeds_1000_images_per_s(qvo: Storage, i7_5820k: Cpu) -> None:
    """'one SSD feeds 4 GPUs at ~1,000 images/s ~ 16 MB/s': the disk does not bind, even at ImageNet's
    real ~115 KB per image (7x the post's 16 KB); 6 cores are the tighter stage."""
    stages = [storage_stage([qvo], IMAGENET.bytes_per_sample, True), cpu_stage(i7_5820k, 4)]
    result = analyse(stages, 1000.0, IMAGENET.bytes_per_sample)
    assert stages[0].supply_samples_per_s > 4 * 1000
    assert result.demand_mb_s == pytest.approx(115, rel=0.02)
    at_16kb = analyse([storage_stage([qvo], 16e3, True)], 1000.0, 16e3)
    assert at_16kb.demand_mb_s == pytest.approx(16) and at_16kb.bottleneck == "GPU compute"


def test_cpu_stage_is_a_rule_of_thumb_range(i7_5820k: Cpu) -> None:
    stage = cpu_stage(i7_5820k, 4)
    assert stage.supply_range == (600, 1800)
    assert "1.5 cores per GPU" in stage.detail
