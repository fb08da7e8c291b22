"""Training data sets: size, samples, bytes per sample and how they are stored, each sourced.

The one table the data pipeline (``dlrig estimate``) and the storage rules (``dlrig check``)
read. ``data_of(request)`` lays the workload's own figures (``dataset_gb``, ``bytes_per_sample``,
``samples``, ``file_per_sample``) over the table's, so a data set of the user's own is named
in the build file and described there, and every command reads it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dlrig.errors import BadInput

if TYPE_CHECKING:
    from dlrig.workload_request import WorkloadRequest

Kind = Literal["images", "tokens"]


@dataclass(frozen=True)
class Dataset:
    key: str
    name: str
    kind: Kind
    size_gb: float  # the training split as distributed
    samples: int | None  # training samples (None: a token corpus, counted in tokens)
    file_per_sample: bool  # one file per sample: reading it is random reads, not a stream
    source: str

    @property
    def bytes_per_sample(self) -> float | None:
        return self.size_gb * 1e9 / self.samples if self.samples else None


DATASETS: dict[str, Dataset] = {d.key: d for d in (
    # ILSVRC2012_img_train.tar is 147,897,477,120 bytes for 1,281,167 images (~115 KB each).
    Dataset("imagenet-1k", "ImageNet-1k (ILSVRC2012) train", "images", 147.897477120, 1_281_167, True,
            "ILSVRC2012_img_train.tar, 147,897,477,120 bytes (image-net.org download page); "
            "1,281,167 images (Russakovsky et al. 2015)"),
    Dataset("coco-2017", "COCO 2017 train", "images", 18.0, 118_287, True,
            "cocodataset.org download page: '2017 Train images [118K/18GB]'"),
    # The binary version's train batches: 50,000 records of 1 label byte + 3,072 pixel bytes.
    Dataset("cifar-10", "CIFAR-10 train", "images", 50_000 * 3_073 / 1e9, 50_000, False,
            "cs.toronto.edu/~kriz/cifar.html: 50,000 training images, 32x32, binary records of "
            "3,073 bytes"),
    Dataset("the-pile", "The Pile", "tokens", 886.0, None, False,
            "Gao et al. 2020, 'The Pile: An 800GB Dataset of Diverse Text': 825 GiB"),
)}
ALIASES = {"imagenet": "imagenet-1k", "ilsvrc2012": "imagenet-1k", "coco": "coco-2017",
           "cifar10": "cifar-10", "pile": "the-pile"}
DEFAULT_IMAGES = "imagenet-1k"  # a CNN without a data set reads ImageNet-sized JPEGs


def find(name: str) -> Dataset | None:
    key = name.strip().lower()
    return DATASETS.get(ALIASES.get(key, key))


@dataclass(frozen=True)
class DataSpec:
    """The data a workload reads: the table's figures with the request's own laid over them."""

    name: str
    kind: Kind | None
    size_gb: float | None
    samples: int | None
    bytes_per_sample: float | None
    file_per_sample: bool
    samples_per_s: float | None  # the demand the user states (None: the estimate's rate)
    source: str
    named: bool  # the request named a data set or its size (the storage rules run only then)


def data_of(req: WorkloadRequest, default: str | None = None) -> DataSpec | None:
    """The request's data set (or ``default``'s where it names none); None when neither is known.

    A name the table lacks is the user's own data set, described by ``dataset_gb`` or
    ``bytes_per_sample``; with neither it is bad input listing the known names.
    """
    found = find(req.dataset) if req.dataset else None
    if req.dataset and found is None and req.dataset_gb is None and req.bytes_per_sample is None:
        raise BadInput(f"unknown dataset {req.dataset!r}; one of: {', '.join(DATASETS)}, or describe your "
                       "own with dataset_gb or bytes_per_sample", field="dataset")
    named = bool(req.dataset or req.dataset_gb)
    base = found or (DATASETS[default] if default and not named else None)
    if base is None and not named and req.bytes_per_sample is None:
        return None
    size = req.dataset_gb or (base.size_gb if base else None)
    samples = req.samples or (base.samples if base else None)
    per = req.bytes_per_sample or (base.bytes_per_sample if base else None)
    if per is None and size and samples:
        per = size * 1e9 / samples
    given = any(v is not None for v in (req.dataset_gb, req.bytes_per_sample, req.samples))
    source = base.source if base and not given else "the workload's own figures" + (
        f" over {base.source}" if base else "")
    return DataSpec(name=base.name if base else (req.dataset or "the data set"), kind=base.kind if base else None,
                    size_gb=size, samples=samples, bytes_per_sample=per,
                    file_per_sample=req.file_per_sample if req.file_per_sample is not None else (
                        base.file_per_sample if base else True),
                    samples_per_s=req.samples_per_s, source=source, named=named)
