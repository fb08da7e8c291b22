"""The public measurements: every row sourced, roles kept apart, names the model knows."""

from __future__ import annotations

from dlrig.catalog.models import PRECISIONS
from dlrig.catalog.store import default_catalog
from dlrig.workload.public_bench import fit_rows, measurements, sources
from dlrig.workload.zoo import get_model


def test_every_row_has_a_source_with_an_address_and_a_date() -> None:
    src = sources()
    for m in measurements():
        s = src[m.source]
        assert s["url"] and s["read"] and s["published"] and m.where
        assert m.role in ("fit", "test") and m.software in ("typical", "tuned") and m.samples_per_s > 0
        assert m.precision in PRECISIONS


def test_rows_name_zoo_models_and_catalog_parts() -> None:
    catalog = default_catalog()
    for m in measurements():
        get_model(m.model)
        catalog.resolve(m.hardware, "gpu" if m.device == "gpu" else "cpu")


def test_fit_and_test_rows_are_apart() -> None:
    fit = set(fit_rows("train", "gpu") + fit_rows("infer", "gpu") + fit_rows("train", "cpu"))
    test = {m for m in measurements() if m.role == "test"}
    assert fit and test and not fit & test
    assert {m.source for m in test} >= {"lambda-v2", "timm", "dlrig-h100"}


def test_memory_peaks_are_sourced_and_name_known_models() -> None:
    from dlrig.workload.public_bench import memory_peaks

    peaks = memory_peaks()
    assert len(peaks) >= 10 and all(p.peak_gb > 0 and p.where and p.source in sources() for p in peaks)
    assert all(p.precision in PRECISIONS for p in peaks)
    for p in peaks:
        get_model(p.model)


def test_the_fits_gpus_are_recorded_as_the_catalog_gives_them() -> None:
    """The fits read recorded GPUs (never the catalog of the day): after a catalog fix to one of
    them, rerun scripts/record_measurement_chips.py, and this test says so until then."""
    from dlrig.catalog.store import default_catalog
    from dlrig.workload.public_bench import fit_rows, recorded_gpu

    catalog = default_catalog()
    for name in {m.hardware for m in fit_rows("train", "gpu")} | {m.hardware for m in fit_rows("infer", "gpu")}:
        now = catalog.chip_of(catalog.resolve(name, "gpu"))  # type: ignore[arg-type]
        assert recorded_gpu(name) == now, f"{name}: rerun python scripts/record_measurement_chips.py"
