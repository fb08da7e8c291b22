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


def test_utilization_scales_gpu_and_cpu_not_the_rest(build):
    r = running_cost(build, KWH, utilization=0.5, hours_per_day=8)
    assert r.power.dc_w == pytest.approx(1140 * 0.5 + 75)  # 645 W
    assert r.power.wall_w == pytest.approx(645 / 0.80)
    assert r.usd_per_month == pytest.approx(645 / 0.80 / 1000 * 0.20 * 8 * DAYS_PER_MONTH)


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
