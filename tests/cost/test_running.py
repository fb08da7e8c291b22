import pytest

from dlrig.cost.assumptions import DAYS_PER_MONTH, Figure
from dlrig.cost.running import running_cost
from dlrig.errors import BadInput

KWH = Figure(value=0.20, source="test", date_text="test")


def test_full_load_power_and_cost(build):
    # DC = 4 x 250 + 140 + 75 (rest) = 1,215 W; unknown PSU tier -> 0.80 -> 1,518.75 W at the wall
    r = running_cost(build, KWH, utilization=1.0, hours_per_day=24)
    assert r.power.dc_w == pytest.approx(1215)
    assert r.power.wall_w == pytest.approx(1518.75)
    assert r.usd_per_hour == pytest.approx(1.51875 * 0.20)
    assert r.usd_per_month == pytest.approx(0.30375 * 24 * DAYS_PER_MONTH)


def test_utilization_scales_the_hours_not_the_watts(build):
    """Issue 14: utilization is the share of the working hours the machine trains; a training job
    runs flat out, so it pays full power for fewer hours (idle hours not counted)."""
    r = running_cost(build, KWH, utilization=0.5, hours_per_day=8)
    assert r.power.dc_w == pytest.approx(1215)  # full load, as at utilization 1
    assert r.usd_per_hour == pytest.approx(1.51875 * 0.20)
    assert r.usd_per_month == pytest.approx(1.51875 * 0.20 * 8 * 0.5 * DAYS_PER_MONTH)


def test_power_limit_caps_board_power(build):
    from dataclasses import replace

    from dlrig.build import Item

    gpu_item = build.lines("gpu")[0]
    capped = replace(build, items={**build.items, "gpu": (Item(gpu_item.part, 4, power_limit_w=200),)})
    assert running_cost(capped, KWH, 1.0, 24).power.dc_w == pytest.approx(800 + 140 + 75)


@pytest.mark.parametrize(("util", "hours", "match"), [(1.2, 24, "utilization"), (-0.1, 24, "utilization"),
                                                       (1.0, 0, "hours per day"), (1.0, 25, "hours per day")])
def test_bad_running_options(build, util, hours, match):
    with pytest.raises(BadInput, match=match):
        running_cost(build, KWH, util, hours)


def test_a_builds_workload_gives_the_estimates_power(build):
    """Issue 6: running power from the estimate at the build's workload, board power only without one.
    No drive in the build: the pipeline does not bind, so the GPUs run flat out: 4 x 250 W x the
    high end of the workload's training load + the CPU at 60% of 140 W + 75 W, / 0.80 at the wall."""
    from dataclasses import replace

    from dlrig.workload_request import WorkloadRequest as WorkloadSpec

    trained = replace(build, workload=WorkloadSpec(model="resnet50", precision="fp32", batch=64))
    full = running_cost(trained, KWH, utilization=1.0, hours_per_day=24).power
    assert full.method.startswith("workload model") and "ResNet-50" in full.method
    from dlrig.workload.estimate import estimate, machine_from_build, request_from_build

    load_high = estimate(request_from_build(trained), machine_from_build(trained)).gpu_load[2]  # type: ignore[index]
    assert 0.67 < load_high <= 1.0
    assert full.dc_w == pytest.approx(4 * 250 * load_high + 140 * 0.6 + 75)
    assert full.wall_w == pytest.approx(full.dc_w / 0.80)
    assert "board power" in running_cost(build, KWH, 1.0, 24).power.method  # no workload: the budget
    half = running_cost(trained, KWH, utilization=0.5, hours_per_day=24)
    assert half.power.dc_w == pytest.approx(full.dc_w)  # busy half the time, at the same power while busy
    assert half.usd_per_month == pytest.approx(full.wall_w / 1000 * 0.20 * 24 * 0.5 * DAYS_PER_MONTH)


def test_a_workload_that_cannot_be_estimated_falls_back_to_the_budget(build):
    from dataclasses import replace

    from dlrig.workload_request import WorkloadRequest as WorkloadSpec

    odd = replace(build, workload=WorkloadSpec(model="no-such-model"))
    assert "power budget" in running_cost(odd, KWH, 1.0, 24).power.method


def test_mixed_gpus_or_an_unknown_model_fall_back_to_the_budget_and_say_why(build, make_gpu):
    from dataclasses import replace

    from dlrig.build import Item
    from dlrig.workload_request import WorkloadRequest as WorkloadSpec

    line = build.lines("gpu")[0]
    mixed = replace(build, workload=WorkloadSpec(model="resnet50"),
                    items={**build.items, "gpu": (Item(line.part, 3), Item(make_gpu("gpu/3060", "RTX 3060", 12.7, 12,
                                                                                      170.0), 1))})
    method = running_cost(mixed, KWH, 1.0, 24).power.method
    assert method.startswith("power budget") and "mixes cards" in method
    typo = replace(build, workload=WorkloadSpec(model="resnet5O"))
    typo_method = running_cost(typo, KWH, 1.0, 24).power.method
    assert "workload not used: the workload could not be estimated: unknown model" in typo_method
