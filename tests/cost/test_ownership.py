from dataclasses import replace

import pytest

from dlrig.cost.assumptions import DAYS_PER_MONTH, US_RESIDENTIAL_KWH
from dlrig.cost.cloud import load_cloud_prices
from dlrig.cost.ownership import CloudComparison, CostOptions, PrebuiltComparison, cost_report
from dlrig.cost.prebuilt import load_prebuilt, require_prebuilt
from dlrig.cost.report import report_json
from dlrig.errors import BadInput
from dlrig.regions import get_region

US = get_region("us-120v")


@pytest.fixture
def offers(tmp_path):
    path = tmp_path / "quotes.csv"
    path.write_text("instance_type,gpu,gpu_count,usd_per_hour,date,gpu_chip,source\n"
                    "four_titan,TitanX,4,1.60,2026-01-01,Titan X,my quote\n"
                    "old_titan,TitanX,4,1.50,2024-01-01,Titan X,old quote\n")
    return load_cloud_prices(path)


def report(build, book, offers, titan, today, **kw):
    chips = {"Titan X": titan, "GeForce GTX TITAN X": titan}
    options = CostOptions(**{"tax_rate": 0.08, "kwh_price_usd": 0.20, **kw})
    return cost_report(build, book, US, options, offers, load_prebuilt(), chips, today=today)


def test_break_even_end_to_end_hand_worked(build, book, offers, titan, today):
    r = report(build, book, offers, titan, today, vs=("four_titan",))
    (c,) = r.comparisons
    assert isinstance(c, CloudComparison)
    assert r.purchase.total_usd == pytest.approx(4968)  # 4,600 + 8%
    assert c.resale_usd == pytest.approx(2355.2)  # 4,600 x 0.8^3
    # (4,968 - 2,355.2) / (1.60 - 1.51875 kW x $0.20) = 2,612.8 / 1.29625
    assert c.break_even_hours == pytest.approx(2015.66, abs=0.01)
    assert c.break_even_months == pytest.approx(2015.66 / (24 * DAYS_PER_MONTH), abs=1e-3)
    assert c.stale is False


def test_nearest_cloud_matches_gpu_model_and_flags_old_quotes(build, book, offers, titan, today):
    r = report(build, book, offers, titan, today)  # default --vs cloud
    (c,) = r.comparisons
    assert c.offer.instance_type == "old_titan" and c.match.matched_by == "gpu model"
    assert c.stale is True  # quoted 2024-01-01, more than a year before "today"


def test_devbox_comparison(build, book, offers, titan, today):
    r = report(build, book, offers, titan, today, vs=("devbox",))
    (c,) = r.comparisons
    assert isinstance(c, PrebuiltComparison)
    assert c.box.price_usd == 15000 and c.box.lead_time == "8-10 weeks"
    assert c.difference_usd == pytest.approx(15000 - 4968)
    assert c.peak_tflops_box == pytest.approx(4 * 6.6) == c.peak_tflops_build
    assert c.box.cpu is None and c.box.unconfirmed  # not confirmed in a source: unknown


def test_unknown_comparison_is_bad_input(build, book, offers, titan, today):
    with pytest.raises(BadInput, match=r"unknown comparison 'dgx-9000'.*devbox"):
        report(build, book, offers, titan, today, vs=("dgx-9000",))
    with pytest.raises(BadInput, match="unknown prebuilt box"):
        require_prebuilt("dgx-9000")


def test_tax_precedence(build, book, offers, titan, today):
    assert report(build, book, offers, titan, today).purchase.tax_source == "--tax-rate"
    with_rate = replace(build, tax_rate=0.05, origin="b.yaml")
    from_file = report(with_rate, book, offers, titan, today, tax_rate=None)
    assert from_file.purchase.tax_rate == 0.05 and "b.yaml" in from_file.purchase.tax_source
    none = report(build, book, offers, titan, today, tax_rate=None)
    assert none.purchase.tax_rate == 0 and "pass --tax-rate" in none.purchase.tax_source


def test_default_kwh_price_is_dated_eia_figure(build, book, offers, titan, today):
    r = report(build, book, offers, titan, today, kwh_price_usd=None)
    assert r.running.kwh == US_RESIDENTIAL_KWH
    assert "EIA" in r.running.kwh.source and r.running.kwh.date_text == "2024-04"
    eu = cost_report(build, book, get_region("eu-230v"), CostOptions(), offers, (), {}, today=today)
    assert any("no sourced price for region eu-230v" in n for n in eu.notes)


@pytest.mark.parametrize("kw", [{"tax_rate": -0.08}, {"depreciation_per_year": 1.5}, {"years": -1},
                                {"kwh_price_usd": -0.1}, {"utilization": 2.0}, {"years": float("nan")},
                                {"kwh_price_usd": float("nan")}, {"shipping_usd": float("inf")}])
def test_bad_options(build, book, offers, titan, today, kw):
    with pytest.raises(BadInput):
        report(build, book, offers, titan, today, **kw)


def test_json_shape(build, book, offers, titan, today):
    data = report_json(report(build, book, offers, titan, today, vs=("devbox", "cloud")))
    for key in ("total_usd", "parts_usd", "tax_usd", "power_w_wall", "power_cost_usd_per_hour",
                "comparisons", "prices"):
        assert key in data
    assert data["total_note"] == "1 part unpriced" and data["unpriced"] == ["Hercules 1600W"]
    assert any(n.startswith("1 part unpriced (Hercules 1600W)") for n in data["notes"])
    assert data["comparisons"][0]["price_usd"] == 15000 and data["comparisons"][0]["break_even_hours"] is None
    assert data["comparisons"][1]["usd_per_hour"] == 1.50 and data["comparisons"][1]["break_even_hours"] > 0
    board = next(p for p in data["prices"] if p["part"] == "GA-X99-UD3P")
    assert board == {**board, "usd": 200, "date": "2024-06-01", "source": "hand", "stale": True}
    assert data["depreciation_per_year"] == 0.20 and "rule of thumb" in data["depreciation_source"]
    assert data["verdict"] == data["comparisons"][1]["buy_vs_rent"]["verdict"]  # the first instance compared


def test_a_break_even_beyond_the_years_is_flagged(build, book, offers, titan, today):
    """The resale value is taken after --years; a break-even that needs more hours than those years
    hold at hours_per_day and the utilization means renting is cheaper over the horizon."""
    within = report(build, book, offers, titan, today, vs=("four_titan",)).comparisons[0]
    assert within.within_horizon is True  # 2,016 h of 3 x 8,760 h
    short = report(build, book, offers, titan, today, vs=("four_titan",), hours_per_day=1.0, years=0.1)
    (c,) = short.comparisons
    assert c.horizon_hours == pytest.approx(0.1 * 8760 / 24)
    assert c.within_horizon is False and report_json(short)["comparisons"][0]["break_even_within_years"] is False


def test_old_prebuilt_and_electricity_prices_are_flagged(build, book, offers, titan, today):
    data = report_json(report(build, book, offers, titan, today, vs=("devbox",), kwh_price_usd=None))
    assert data["comparisons"][0]["price_stale"] is True  # ~2015
    assert data["kwh_stale"] is True  # EIA, April 2024, against 2026-11-27


def test_repeated_comparisons_in_any_case_are_made_once(build, book, offers, titan, today):
    r = report(build, book, offers, titan, today, vs=("cloud", "CLOUD", "devbox", "DevBox"))
    assert len(r.comparisons) == 2


def test_without_a_workload_tensor_core_builds_are_compared_at_bf16(build, make_gpu):
    from dlrig.build import Item
    from dlrig.cost.ownership import workload_precision
    from dlrig.workload_request import WorkloadRequest as WorkloadSpec

    assert workload_precision(build) == "fp32"  # TITAN X: no bf16 rate
    card = make_gpu("gpu/5090", "GeForce RTX 5090", 104.8, 32, 575.0).model_copy(update={"bf16_tflops": 209.5})
    modern = replace(build, items={**build.items, "gpu": (Item(card, 2),)})
    assert workload_precision(modern) == "bf16"
    assert workload_precision(replace(modern, workload=WorkloadSpec(model="resnet50", precision="fp32"))) == "fp32"


def test_buy_or_rent_hand_worked(build, book, offers, titan, today):
    """Issue 14.6, by hand. Purchase $4,968 (4,600 + 8%); resale after 2 years 4,600 x 0.8^2 =
    $2,944; power 1.51875 kW x $0.20 = $0.30375 per busy hour; four_titan rents 4 x TITAN X at
    $1.60/h (same GPUs: same hours for the same work). At 40%: 2 x 8,760 x 0.4 = 7,008 h. Owning
    4,968 - 2,944 + 7,008 x 0.30375 = $4,152.68; renting 7,008 x 1.60 = $11,212.80: owning saves
    $7,060.12. Break-even: 2,024 / ((1.60 - 0.30375) x 17,520) = 8.91%."""
    r = report(build, book, offers, titan, today, vs=("four_titan",), years=2, utilization=0.4)
    rent = r.buy_vs_rent
    assert rent is not None and rent.busy_hours == pytest.approx(7008)
    assert rent.resale_usd == pytest.approx(2944) and rent.power_usd == pytest.approx(7008 * 0.30375)
    assert rent.owning_usd == pytest.approx(4152.68) and rent.renting_usd == pytest.approx(11212.80)
    assert rent.saving_usd == pytest.approx(7060.12) and rent.work_ratio == 1.0
    assert rent.break_even_utilization == pytest.approx(2024 / (1.29625 * 17520))
    assert rent.verdict().startswith("over 2 years at 40% utilization, owning saves $7,060")
    assert "owning pays off from 9% utilization" in rent.verdict()
    data = report_json(r)
    assert data["verdict"] == rent.verdict() and data["break_even_utilization"] == pytest.approx(0.0891, abs=1e-4)
    assert data["comparisons"][0]["buy_vs_rent"]["owning_usd"] == pytest.approx(4152.68)
    # at 5% (876 h) renting is cheaper: 876 x 1.60 = $1,401.60 against 2,024 + 876 x 0.30375 = $2,290.09
    low = report(build, book, offers, titan, today, vs=("four_titan",), years=2, utilization=0.05).buy_vs_rent
    assert low is not None and low.saving_usd == pytest.approx(1401.60 - 2290.085)
    assert low.verdict().startswith("renting is cheaper over 2 years at 5% utilization, by $888")


def test_buy_or_rent_per_job_and_the_same_work():
    """A job of 1.28M images at 1,000 images/s on the build and 2,000 on the instance: 1/0.5 h
    (355.6 h / 177.8 h); the instance does the build's hour of work in half an hour."""
    from dlrig.cost.rent import Work, buy_vs_rent

    r = buy_vs_rent(10_000, 4_000, 0.30, 4.00, 1, 0.5, 24, Work(1000, 2000, "image", 1.28e6))
    assert r.busy_hours == pytest.approx(4380) and r.work_ratio == 0.5 and r.rent_hours == pytest.approx(2190)
    assert r.renting_usd == pytest.approx(8760) and r.owning_usd == pytest.approx(6000 + 4380 * 0.30)
    job = r.job
    assert job is not None and job.own_hours == pytest.approx(1.28e6 / 1000 / 3600)
    assert job.rent_hours == pytest.approx(job.own_hours / 2) and job.jobs == pytest.approx(4380 / job.own_hours)
    assert job.renting_usd == pytest.approx(job.rent_hours * 4.00)
    assert job.owning_usd == pytest.approx(job.own_hours * 0.30 + 6000 / job.jobs)
    # rent per hour of the build's work $2.00 - power $0.30: break-even 6,000 / (1.70 x 8,760)
    assert r.break_even_utilization == pytest.approx(6000 / (1.70 * 8760))


def test_renting_cheaper_than_the_power_never_breaks_even():
    from dlrig.cost.rent import buy_vs_rent

    r = buy_vs_rent(5_000, 1_000, 0.50, 0.40, 2, 1.0, 24)
    assert r.break_even_utilization is None and r.saving_usd < 0
    assert "owning never pays off" in r.verdict()


def test_without_a_workload_the_same_work_is_judged_by_peak_tflops(build, book, titan, today, tmp_path):
    """An instance of 8 TITAN X does the 4-card build's hour of work in half an hour (peak FP32)."""
    path = tmp_path / "eight.csv"
    path.write_text("instance_type,gpu,gpu_count,usd_per_hour,date,gpu_chip\neight,TitanX,8,3.20,2026-01-01,Titan X\n")
    r = report(build, book, load_cloud_prices(path), titan, today, vs=("eight",), years=1, utilization=1.0)
    rent = r.buy_vs_rent
    assert rent is not None and rent.work_ratio == pytest.approx(0.5) and "peak fp32 TFLOPS" in rent.work_basis
    assert rent.renting_usd == pytest.approx(8760 * 0.5 * 3.20)
