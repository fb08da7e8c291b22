import datetime as dt
from pathlib import Path

import pytest

from dlrig.cost.assumptions import DAYS_PER_MONTH
from dlrig.cost.cloud import (
    PACKAGED,
    break_even_hours,
    find_offer,
    hours_to_months,
    load_cloud_prices,
    match_by_model,
    nearest_offer,
    resale_usd,
)
from dlrig.errors import BadInput, MalformedFile

HEADER = "instance_type,gpu,gpu_count,usd_per_hour,date,gpu_chip,vram_gb_per_gpu\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text(text)
    return path


# -- arithmetic, worked by hand ---------------------------------------------------------------------
def test_break_even_hand_worked():
    # ($6,000 - $1,000 resale) / ($1.50 cloud - $0.50 own power) = 5,000 hours
    assert break_even_hours(6000, 1000, 1.50, 0.50) == pytest.approx(5000)
    # at 8 h/day: 5,000 / (8 x 30.4375) = 20.53 months
    assert hours_to_months(5000, 8, DAYS_PER_MONTH) == pytest.approx(20.534, abs=1e-3)


def test_never_breaks_even_when_power_costs_more_than_renting():
    assert break_even_hours(6000, 0, 0.30, 0.30) is None
    assert break_even_hours(6000, 0, 0.20, 0.30) is None


def test_resale_never_makes_break_even_negative():
    assert break_even_hours(1000, 1500, 1.0, 0.0) == 0.0


def test_depreciation_declining_balance():
    assert resale_usd(1000, 0.20, 2) == pytest.approx(640)  # 1000 x 0.8 x 0.8
    assert resale_usd(1000, 0.20, 0) == pytest.approx(1000)
    assert resale_usd(4600, 0.20, 3) == pytest.approx(2355.2)


# -- packaged prices ---------------------------------------------------------------------------------
def test_packaged_lambda_prices_keep_their_uncertain_date():
    offers = load_cloud_prices()
    a10 = find_offer("gpu_1x_a10", offers)
    assert (a10.usd_per_hour, a10.gpu_chip, a10.gpu_count) == (0.75, "A10 PCIe", 1)
    assert all(not o.verified and o.date_label == "about 2025, unverified" for o in offers)
    # "about 2025" seen from late 2026 may or may not be over a year old: unknown, not False
    assert a10.stale(dt.date(2026, 11, 27)) is None
    assert a10.stale(dt.date(2027, 6, 1)) is True
    rtx6000 = find_offer("gpu_1x_rtx6000", offers)
    assert rtx6000.gpu_chip == "Quadro RTX 6000"  # not the RTX 6000 Ada
    assert find_offer("gpu_8x_h100_sxm5", offers).usd_per_gpu_hour == pytest.approx(2.99)
    assert PACKAGED.read_text().startswith("#")


def test_unknown_instance_names_the_closest():
    with pytest.raises(BadInput, match="gpu_1x_a10"):
        find_offer("gpu_1x_a1O", load_cloud_prices())


# -- matching ------------------------------------------------------------------------------------------
def _offers(tmp_path):
    return load_cloud_prices(write(tmp_path, HEADER +
                                   "one_titan,TitanX,1,0.40,2026-01-01,Titan X,12\n"
                                   "four_titan,TitanX,4,1.60,2026-01-01,Titan X,12\n"
                                   "eight_titan,TitanX,8,3.00,2026-01-01,Titan X,12\n"
                                   "big,BigGPU,1,0.90,2026-01-01,Big GPU,24\n"
                                   "small,SmallGPU,1,0.10,2026-01-01,Small GPU,8\n"))


def test_match_by_model_takes_cheapest_with_enough_gpus(tmp_path, titan):
    chips = {"Titan X": titan, "Big GPU": None, "Small GPU": None}
    m = match_by_model([titan] * 4, _offers(tmp_path), chips)
    assert m.offer.instance_type == "four_titan" and m.matched_by == "gpu model"


def test_match_by_throughput_needs_tflops_and_vram(tmp_path, titan, make_gpu):
    chips = {"Titan X": None, "Big GPU": make_gpu("gpu/big", "Big GPU", 30.0, 24),
             "Small GPU": make_gpu("gpu/small", "Small GPU", 100.0, 8)}
    m = nearest_offer([titan] * 4, _offers(tmp_path), chips)  # needs 26.4 TFLOPS, 12 GB
    assert m.offer.instance_type == "big"  # small has the TFLOPS but not the VRAM
    assert "coarse proxy" in m.note


def test_a_build_without_the_precision_is_matched_at_fp32_and_says_so(tmp_path, titan, make_gpu):
    """A TITAN X has no bf16 rate: its FP32 must not be weighed against an offer's bf16."""
    big = make_gpu("gpu/big", "Big GPU", 30.0, 24).model_copy(update={"bf16_tflops": 120.0})
    m = nearest_offer([titan] * 4, _offers(tmp_path), {"Titan X": None, "Big GPU": big, "Small GPU": None}, "bf16")
    assert m.offer.instance_type == "big" and "compared at fp32" in m.note and "26.4 peak fp32" in m.note


# -- a user's CSV --------------------------------------------------------------------------------------
def test_user_csv_with_comments_and_month_dates(tmp_path):
    offers = load_cloud_prices(write(tmp_path, "# my quotes\n" + HEADER + "x1,A10,1,$0.75,2026-03,,\n"))
    assert offers[0].gpu_chip == "A10" and offers[0].date_label == "2026-03"
    assert offers[0].latest == dt.date(2026, 3, 31)


@pytest.mark.parametrize(("row", "line", "column"), [
    ("x1,A10,one,0.75,2026-01-01,,", 3, "gpu_count"),
    ("x1,A10,1,-0.75,2026-01-01,,", 3, "usd_per_hour"),
    ("x1,A10,1,cheap,2026-01-01,,", 3, "usd_per_hour"),
    ("x1,A10,1,0.75,last year,,", 3, "date"),
    (",A10,1,0.75,2026-01-01,,", 3, "instance_type"),
    ("x1,A10,1,0.75,2026-01-01,,zero", 3, "vram_gb_per_gpu"),
])
def test_malformed_user_csv_names_line_and_column(tmp_path, row, line, column):
    path = write(tmp_path, "# comment\n" + HEADER + row + "\n")
    with pytest.raises(MalformedFile) as exc:
        load_cloud_prices(path)
    assert (exc.value.line, exc.value.column) == (line, column)
    assert f"line {line}" in exc.value.message and column in exc.value.message


def test_missing_columns_and_missing_file(tmp_path):
    with pytest.raises(MalformedFile, match=r"missing column.*usd_per_hour"):
        load_cloud_prices(write(tmp_path, "instance_type,gpu,gpu_count,date\nx,A10,1,2026-01-01\n"))
    with pytest.raises(BadInput, match="does not exist"):
        load_cloud_prices(tmp_path / "nope.csv")
