"""The calibration fits shipped with the package (data/calibration.json) are the fits of today's
data and code, and a run reads them instead of fitting."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dlrig.workload import calibration as cal


def test_the_shipped_fits_are_todays() -> None:
    """Written by scripts/build_catalog.py: if the data or the fitting changed, run it again."""
    shipped = json.loads(cal.STORED.read_text())
    from dlrig.workload.uncertainty import derived_document

    assert shipped == json.loads(json.dumps(cal.stored_document(derived_document()))), (
        "data/calibration.json is stale: run python scripts/build_catalog.py --derived-only")


@pytest.mark.parametrize("family", cal.STORED_FAMILIES)
@pytest.mark.parametrize("pc", ["32-bit", "16-bit"])
@pytest.mark.parametrize("version", cal.VERSIONS)
def test_a_run_reads_the_fit_it_would_make(family: str, pc: str, version: str) -> None:
    assert cal.calibration(family, pc, version=version) == cal.fitted(family, pc, version=version)  # type: ignore[arg-type]
    assert cal.sync_fraction(family, version) == cal._sync_fraction(family, version)


def test_a_run_does_not_import_numpy_for_the_fits() -> None:
    code = """
import sys
from dlrig.workload import calibration as cal
c = cal.calibration("cnn", "16-bit")
assert c.a >= 1 and c.logo_errors
assert "numpy" not in sys.modules
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_fits_of_other_data_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cal, "inputs_digest", lambda: "other data")
    cal._stored_document.cache_clear()
    cal.stored.cache_clear()
    try:
        assert cal.stored() == {}
    finally:
        monkeypatch.undo()
        cal._stored_document.cache_clear()
        cal.stored.cache_clear()


def test_a_run_reads_the_held_out_errors_instead_of_refitting(monkeypatch: pytest.MonkeyPatch) -> None:
    """About 50 refits with a chip held out cost 0.3 s of every estimate: they are shipped."""
    from dlrig.workload import uncertainty as unc

    def refit() -> None:
        raise AssertionError("refitted the held-out cases at run time")

    monkeypatch.setattr(unc, "held_out_cases", refit)
    unc.model_sigma.cache_clear()
    unc.k.cache_clear()
    try:
        assert unc.model_sigma()[("cnn", "measured")] == 0.0 and unc.k() > 0
    finally:
        unc.model_sigma.cache_clear()
        unc.k.cache_clear()


@pytest.mark.parametrize("family", cal.STORED_FAMILIES)
@pytest.mark.parametrize("pc", ["32-bit", "16-bit"])
def test_a_fit_without_its_band_is_the_shipped_fit_less_the_band(family: str, pc: str) -> None:
    """Anchored ratios ask for the coefficients only: they read the shipped fit (no NumPy import)."""
    assert cal.calibration(family, pc, logo=False) == cal.fitted(family, pc, logo=False)  # type: ignore[arg-type]
