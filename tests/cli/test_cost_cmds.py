"""`dlrig cost` through Typer's CliRunner, on a small hand-made catalog (and the seed, when packaged)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from dlrig.catalog import store
from dlrig.cli import _register, app

_register()
runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
PACKAGED_CPU = REPO / "src" / "dlrig" / "catalog" / "data" / "v1" / "cpu.jsonl"
SEED = REPO / "examples" / "seed-2015.yaml"

PARTS = {
    "gpu_chips.jsonl": [{"category": "gpu", "id": "gpu/titan-x", "name": "GeForce GTX TITAN X", "src": "t",
                         "fp32_tflops": 6.6, "vram_gb": 12, "board_power_w": 250},
                        {"category": "gpu", "id": "gpu/a10", "name": "A10 PCIe", "src": "t",
                         "fp32_tflops": 31.2, "vram_gb": 24, "board_power_w": 150}],
    "cpu.jsonl": [{"category": "cpu", "id": "cpu/i7-5820k", "name": "Intel Core i7-5820K", "src": "t",
                   "tdp_w": 140}],
    "psu.jsonl": [{"category": "psu", "id": "psu/hercules", "name": "Rosewill Hercules 1600W", "src": "t",
                   "wattage_w": 1600}],
}
PRICES = [{"part_id": "gpu/titan-x", "usd": 1000, "date": "2015-03-17", "source": "launch"},
          {"part_id": "cpu/i7-5820k", "usd": 400, "date": "2026-10-01", "source": "shop"}]
BUILD = """name: hand
prices: hand
parts:
  gpu: {name: GeForce GTX TITAN X, count: 4}
  cpu: Intel Core i7-5820K
  psu: Rosewill Hercules 1600W
"""


@pytest.fixture
def build_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "catalog"
    (data / "prices").mkdir(parents=True)
    for name, rows in PARTS.items():
        (data / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    (data / "prices" / "books.json").write_text(json.dumps(
        [{"name": "hand", "description": "hand-made", "source": "tests"}]))
    (data / "prices" / "hand.jsonl").write_text("".join(json.dumps(r) + "\n" for r in PRICES))
    monkeypatch.setattr(store, "default_catalog", lambda: store.Catalog(data))
    path = tmp_path / "build.yaml"
    path.write_text(BUILD)
    return path


def run(*args: str) -> Result:
    # Typer runs a lone command without its name; with the others registered, "cost" is needed
    name = ["cost"] if len(app.registered_commands) > 1 else []
    return runner.invoke(app, [*name, *args])


def test_json_report(build_file):
    result = run(str(build_file), "--tax-rate", "0.08", "--vs", "devbox", "--vs", "cloud", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["parts_usd"] == 4400 and data["tax_usd"] == 352 and data["total_usd"] == 4752
    assert data["total_note"] == "1 part unpriced" and data["unpriced"] == ["Rosewill Hercules 1600W"]
    assert data["stale_prices"] == ["GeForce GTX TITAN X"]  # dated 2015
    devbox, rent = data["comparisons"]
    assert devbox["price_usd"] == 15000 and devbox["lead_time"] == "8-10 weeks"
    assert rent["kind"] == "cloud" and rent["date"] == "about 2025, unverified" and rent["stale"] is None
    assert rent["name"] == "gpu_1x_a10" and rent["matched_by"] == "peak fp32 TFLOPS and VRAM"
    assert rent["break_even_hours"] > 0 and rent["break_even_months"] > 0


def test_terminal_report_names_sources_and_dates(build_file):
    result = run(str(build_file), "--tax-rate", "0.08", "--vs", "devbox", "--vs", "gpu_1x_a10")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("$4,752.00", "stale", "EIA", "2024-04", "8-10 weeks", "break-even", "about 2025, unverified",
                 "unconfirmed: Core i7-5930K"):
        assert text in out, text


@pytest.mark.parametrize(("args", "message"), [
    (["--tax-rate", "-0.08"], "tax_rate must be between 0 and 1"),
    (["--vs", "dgx-9000"], "unknown comparison 'dgx-9000'"),
    (["--utilization", "3"], "utilization must be between 0 and 1"),
    (["--prices", "no-such-book"], "unknown price book"),
])
def test_bad_input_exits_2_with_a_message(build_file, args, message):
    result = run(str(build_file), *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_malformed_cloud_csv_exits_2_naming_line_and_column(build_file, tmp_path):
    bad = tmp_path / "quotes.csv"
    bad.write_text("instance_type,gpu,gpu_count,usd_per_hour,date\nx1,A10,1,0.75,2026-01-01\nx2,A10,two,1,2026-01-01\n")
    result = run(str(build_file), "--cloud-prices", str(bad))
    assert result.exit_code == 2
    assert "line 3, column 'gpu_count'" in result.stderr and "Traceback" not in result.output


def test_user_cloud_csv_is_offered(build_file, tmp_path):
    mine = tmp_path / "quotes.csv"
    mine.write_text("instance_type,gpu,gpu_count,usd_per_hour,date,gpu_chip\n"
                    "titan4,TitanX,4,2.00,2026-11-01,GeForce GTX TITAN X\n")
    result = run(str(build_file), "--cloud-prices", str(mine), "--json")
    assert result.exit_code == 0, result.output
    (rent,) = json.loads(result.stdout)["comparisons"]
    assert rent["name"] == "titan4" and rent["matched_by"] == "gpu model" and rent["stale"] is False


@pytest.mark.skipif(not PACKAGED_CPU.exists() or not SEED.exists(),
                    reason="needs the packaged catalog and examples/seed-2015.yaml")
def test_seed_build_against_devbox_and_cloud():
    result = run(str(SEED), "--prices", "seed-2015", "--tax-rate", "0.08", "--vs", "devbox", "--vs", "cloud",
                 "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    devbox, rent = data["comparisons"]
    assert devbox["price_usd"] == 15000
    assert rent["kind"] == "cloud" and rent["break_even_hours"] and rent["break_even_months"]
    assert all(p["date"] is None or p["stale"] for p in data["prices"])  # 2015 prices are stale


def test_seed_build_priced_from_the_posts_own_figures():
    """The issue's done-when: no unpriced part, $5,800-$6,000 at 8%, the DevBox at $15,000."""
    result = run(str(SEED), "--tax-rate", "0.08", "--vs", "devbox", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["unpriced"] == [] and data["total_note"] == "all parts priced"
    assert data["parts_usd"] == pytest.approx(1400 + 4 * 1000)  # "The base computer is $1,400" + 4 x $1,000
    assert 5800 <= data["total_usd"] <= 6000 and data["total_usd"] == pytest.approx(5832)
    assert data["parts_sum"] == "4 x $1,000 + $1,400 (bundle 'base computer') = $5,400"
    bundled = [p for p in data["prices"] if p["bundle"] == "base computer"]
    assert {p["category"] for p in bundled} == {"cpu", "motherboard", "memory", "storage", "psu", "case", "bundle"}
    assert sum(p["line_usd"] for p in bundled if p["line_usd"]) == pytest.approx(1400)  # counted once
    quote = data["quote"]
    assert quote["usd"] == 6000 and quote["verdict"] == "holds" and quote["implied_tax_rate"] == pytest.approx(0.1111)
    (devbox,) = data["comparisons"]
    assert devbox["price_usd"] == 15000 and devbox["lead_time"] == "8-10 weeks"
    assert devbox["difference_usd"] == pytest.approx(15000 - 5832)
    text = run(str(SEED), "--tax-rate", "0.08", "--vs", "devbox").stdout
    for shown in ("│ in bundle │", "= $5,400", "the quote implies 11.11% tax",
                  "within 5%: holds", "$9,168.00 cheaper (61% of the box's price)", "8-10 weeks"):
        assert shown in " ".join(text.split()), shown


def test_a_users_cloud_row_wins_over_the_packaged_one_and_an_ambiguous_gpu_is_bad_input(tmp_path: Path) -> None:
    mine = tmp_path / "quotes.csv"
    mine.write_text("instance_type,gpu,gpu_count,usd_per_hour,date\ngpu_1x_a10,A10,1,0.10,2026-10-01\n")
    result = runner.invoke(app, ["cost", str(SEED), "--cloud-prices", str(mine), "--vs", "gpu_1x_a10", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["comparisons"][0]["usd_per_hour"] == 0.10
    mine.write_text("instance_type,gpu,gpu_count,usd_per_hour,date\nmy_h100,H100,1,0.30,2026-10-01\n")
    bad = runner.invoke(app, ["cost", str(SEED), "--cloud-prices", str(mine)])
    assert bad.exit_code == 2 and "names several catalog chips" in bad.stderr and "Traceback" not in bad.output


def test_buy_or_rent_verdict_in_text_and_json(build_file):
    """Issue 14.6: a verdict at the given years and utilization, the break-even utilization, and the
    cost per job where the build's workload sizes one (ResNet-50, one ImageNet epoch)."""
    build_file.write_text(BUILD + "workload: {model: resnet50, precision: fp32, epochs: 1}\n")
    args = [str(build_file), "--tax-rate", "0.08", "--years", "2", "--utilization", "0.4", "--vs", "gpu_1x_a10"]
    data = json.loads(run(*args, "--json").stdout)
    (rent,) = data["comparisons"]
    bvr = rent["buy_vs_rent"]
    assert data["verdict"] == bvr["verdict"] and data["busy_hours"] == pytest.approx(2 * 8760 * 0.4)
    assert bvr["busy_hours"] == pytest.approx(7008) and bvr["rent_usd_per_hour"] == rent["usd_per_hour"]
    assert bvr["owning_usd"] == pytest.approx(data["total_usd"] - bvr["resale_usd"] + bvr["power_usd"], abs=0.02)
    assert bvr["rent_hours"] == pytest.approx(7008 * bvr["work_ratio"], rel=1e-3)
    assert bvr["renting_usd"] == pytest.approx(bvr["rent_hours"] * rent["usd_per_hour"], rel=1e-3)
    assert "dlrig estimate" in bvr["work_basis"]  # the same work: the workload on both sides
    job = bvr["per_job"]
    assert job["samples"] == 1281167 and job["own_hours"] > 0 and job["rent_hours"] > 0
    assert job["renting_usd"] == pytest.approx(job["rent_hours"] * rent["usd_per_hour"], abs=0.01)  # hours to 0.01
    assert 0 < data["break_even_utilization"] == bvr["break_even_utilization"]
    text = run(*args).stdout
    assert "buy or rent:" in text and "break-even utilization:" in text and "per job (1,281,167 images)" in text
