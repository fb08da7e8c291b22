"""scripts/import_cloud_prices.py on the shared Lambda file: what the packaged CSV is made of."""

import importlib.util
from pathlib import Path

import pytest

from dlrig.cost.cloud import PACKAGED, load_cloud_prices

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "import_cloud_prices.py"
SHARED = REPO.parent / "shared" / "data" / "lambda-cloud-skypilot" / "lambda_cloud_vms.csv"


def _script():
    spec = importlib.util.spec_from_file_location("import_cloud_prices", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lambda_names_map_to_catalog_chips():
    chip_for = _script().chip_for
    assert chip_for("A6000", "gpu_1x_a6000") == "RTX A6000"
    assert chip_for("RTX6000", "gpu_1x_rtx6000") == "Quadro RTX 6000"
    assert chip_for("A100", "gpu_8x_a100") == "A100 SXM4 40 GB"
    assert chip_for("A100", "gpu_1x_a100") == "A100 PCIe 40 GB"
    assert chip_for("H100", "gpu_1x_h100_pcie") == "H100 PCIe 80 GB"


@pytest.mark.skipif(not SHARED.exists(), reason="needs shared/data/lambda-cloud-skypilot")
def test_import_reproduces_the_packaged_file(tmp_path):
    out = tmp_path / "cloud.csv"
    assert _script().main(["x", str(SHARED), str(out)]) == 0
    assert out.read_text() == PACKAGED.read_text()
    offers = load_cloud_prices(out)
    assert len(offers) == 18  # 19 instance types less the CPU-only one
    assert {o.date_text for o in offers} == {"~2025"}
