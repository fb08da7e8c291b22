"""Storage rules: room for the data set, disk speed for the data pipeline, a backup
(docs/domain.md section 4; the seed post's SSD section).

The capacity and throughput rules run only when the build's workload names a data set
(``workload: {dataset: imagenet-1k}``) or gives its size (``dataset_gb``). Throughput also
needs the demand, ``samples_per_s`` (the estimator gives it; the seed post: ~1,000 images/s).
"""

from __future__ import annotations

from collections.abc import Iterator

from dlrig.build import Build
from dlrig.catalog.models import Storage
from dlrig.errors import BadInput
from dlrig.rules import samples as s
from dlrig.rules import workload_model as wm
from dlrig.rules.base import Outcome, Rule, distinct, example, rule
from dlrig.workload.datasets import DataSpec, data_of
from dlrig.workload.pipeline import random_reads_per_s  # one home: a disk's rated or rotational bound

ROOM_FRACTION = 0.5  # above half the disk, a second (raw or preprocessed) copy will not fit


def data_need(build: Build) -> DataSpec | None:
    """The workload's data set and demand, or None when the build names none (the rules then
    skip: without a data set there is nothing to size or feed)."""
    if build.workload is None:
        return None
    try:
        data = data_of(build.workload)
    except BadInput:
        return None  # an unknown data set: VRAM-WORKLOAD and estimate report it
    return data if data is not None and data.named and data.size_gb else None


IMAGENET = {"model": "resnet50", "dataset": "imagenet-1k", "samples_per_s": 1000}


@rule("STORAGE-CAPACITY", "problem", "The drives hold the data set", "storage",
      good=example("ImageNet-1k (148 GB) on a 1 TB SSD", storage=s.QVO_1TB, workload=IMAGENET),
      bad=example("ImageNet-1k (148 GB) on a 120 GB SSD", storage=s.SSD_120GB, workload=IMAGENET))
def storage_capacity(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the workload's data set against the drives: larger than all of them together is a
    problem; larger than the biggest one (split over drives) a warning; more than half of the
    total a note (no room for a second copy, checkpoints and the OS).

    Why: the seed post: "the only downside is size ... you may want a larger hard drive for
    storing the data on before you preprocess it".

    Bad: ImageNet-1k's 148 GB training set on a 120 GB SSD.

    Fix: a larger drive, or a second drive for the raw data.

    Source: data set sizes in dlrig.workload.datasets (each with its source); the seed post.
    """
    need, drives = data_need(build), build.storage
    if need is None or not drives or need.size_gb is None:
        yield r.skip("needs storage and a workload that names its data set")
        return
    for d in distinct(d for d in drives if d.capacity_gb is None):
        yield r.unknown(d, "the capacity")
    sizes = [d.capacity_gb for d in drives if d.capacity_gb is not None]
    if not sizes:
        return
    total, biggest = sum(sizes), max(sizes)
    names = [d.name for d in distinct(drives)]
    what = f"{need.name} is {need.size_gb:,.0f} GB"
    if need.size_gb > total:
        yield r.problem(f"{what}; the drives hold {total:,.0f} GB", names,
                        fix=f"a drive of {2 * need.size_gb:,.0f} GB or more")
    elif need.size_gb > biggest:
        yield r.warning(f"{what}; the largest drive holds {biggest:,.0f} GB, so it must be split",
                        names, fix=f"one drive of {2 * need.size_gb:,.0f} GB or more")
    elif need.size_gb > ROOM_FRACTION * total:
        yield r.note(f"{what}: over half of the {total:,.0f} GB of storage, leaving little room for a "
                     "raw copy, checkpoints and the OS", names, fix="a second drive for the raw data")


def _supply_samples_s(drive: Storage, need: DataSpec) -> float | None:
    """Samples/s a drive can deliver: random reads (a file per sample) and sequential MB/s."""
    limits: list[float] = []
    reads = random_reads_per_s(drive)
    if need.file_per_sample and reads is not None:
        limits.append(reads)
    if drive.seq_read_mb_s is not None and need.bytes_per_sample:
        limits.append(drive.seq_read_mb_s * 1e6 / need.bytes_per_sample)
    return min(limits) if limits else None


@rule("STORAGE-THROUGHPUT", "warning", "The drive feeds the GPUs fast enough", "storage",
      good=example("1,000 ImageNet images/s from a SATA SSD", storage=s.QVO_1TB, workload=IMAGENET),
      bad=example("1,000 ImageNet images/s from a hard disk", storage=s.HDD_4TB, workload=IMAGENET))
def storage_throughput(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the data pipeline's demand (samples/s x bytes per sample, and one random read per
    sample for data sets stored a file per sample) against the fastest drive that holds the data.
    When the build names a model the estimator can run on the build, the demand is the GPUs'
    modelled (or Lambda-measured) training rate and the supply the storage stage of the
    estimate's pipeline; otherwise the workload's own ``samples_per_s``.

    Why: hard disks do ~100-200 random reads/s, a classic bottleneck for image training; one
    SSD rarely is (the seed post: ~1,000 images/s from one SSD "without any delay").

    Bad: 1,000 ImageNet images/s from a 7,200 rpm disk (about 150 random reads/s).

    Fix: put the training data on an SSD, or pack it into large files (WebDataset, TFRecord)
    so it reads sequentially.

    Source: docs/domain.md section 4; drive ratings from the catalog (maker's figures); the
    pipeline model in docs/workload.md section 4.
    """
    modelled = wm.workload_estimate(build) if build.storage else wm.Modelled(None)
    if modelled.estimate is not None:
        yield from _modelled_storage(r, build, modelled.estimate)
        return
    need, drives = data_need(build), build.storage
    if need is None or not drives:
        yield r.skip("needs storage and a workload that names its data set")
        return
    if need.samples_per_s is None:
        yield r.skip("needs the workload's samples_per_s (the demand)")
        return
    holding = [d for d in drives if (d.capacity_gb or 0) >= (need.size_gb or 0)] or list(drives)
    rated = [(d, _supply_samples_s(d, need)) for d in distinct(holding)]
    known = [(d, v) for d, v in rated if v is not None]
    if not known:
        for d, _ in rated:
            yield r.unknown(d, "the read speed")
        return
    drive, supply = max(known, key=lambda x: x[1])
    if need.samples_per_s > supply:
        per = "random reads" if need.file_per_sample else "MB/s"
        yield r.warning(f"{need.samples_per_s:,.0f} samples/s of {need.name} wanted; {drive.name} "
                        f"delivers about {supply:,.0f}/s (limited by {per}): the disk binds",
                        [drive], fix="an SSD for the training data, or pack it into large files")


def _modelled_storage(r: Rule, build: Build, e: object) -> Iterator[Outcome]:
    from dlrig.workload.estimate import Estimate

    assert isinstance(e, Estimate)
    read = wm.stage(e, "storage")
    if read is None or not read.supply_samples_per_s:
        for d in distinct(build.storage):
            yield r.unknown(d, "the read speed")
        return
    demand, supply = e.throughput.samples_per_s, read.supply_samples_per_s
    drive = next((d for d in build.storage if read.detail.startswith(d.name)), build.storage[0])
    detail, need = read.detail, data_need(build)
    bound = _supply_samples_s(drive, need) if need is not None else None
    if bound is not None and bound < supply:  # a disk with no random-read rating: its rotation bounds it
        supply, detail = bound, f"{detail}; a disk does at most {random_reads_per_s(drive):,.0f} random reads/s"
    if supply < demand:
        yield r.warning(f"{wm.rate_words(e)}; {detail} supplies ~{supply:,.0f}/s: the disk binds, the GPUs "
                        f"wait {demand / supply:,.1f}x", [drive], fix=read.fix)


@rule("DATA-BACKUP", "note", "More than one drive, so the data has a backup", "storage",
      good=example("an SSD for work and a hard disk for backups", storage=[s.NVME_4TB, s.HDD_4TB]),
      bad=example("one SSD for everything", storage=s.QVO_1TB))
def data_backup(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: whether the build has a second drive.

    Why: one drive holds the OS, the data and the trained models; when it fails, all go. The
    seed post: "It's still a good idea to have a backup hard drive, either in the same machine
    or by syncing your trained models remotely."

    Bad: one SSD for everything.

    Fix: a second drive for backups, or sync checkpoints to remote storage.

    Source: the seed post's SSD section.
    """
    drives = build.storage
    if not drives:
        yield r.skip("needs storage")
        return
    if len(drives) == 1:
        yield r.note(f"{drives[0].name} is the only drive: the OS, the data and the trained models "
                     "have no backup", drives[:1],
                     fix="a backup drive, or sync checkpoints to remote storage")


RULES: tuple[Rule, ...] = (storage_capacity, storage_throughput, data_backup)
