"""The LLM speed model: fitted on the 'fit' rows only, judged on held-out measurements."""

from __future__ import annotations

import statistics

import pytest

from dlrig.workload import llm_speed as spd


def test_every_measurement_has_a_dated_source_and_a_role() -> None:
    doc = spd.bench()
    for key, src in doc["sources"].items():
        assert src["url"].startswith("https://") and src["date"][:4].isdigit(), key
    roles = {r["role"] for r in doc["rows"]}
    assert roles <= {"fit", "holdout", "holdout-newer", "drift"}
    assert {r["source"] for r in doc["rows"]} <= set(doc["sources"])
    assert set(doc["chips"]) == {r["gpu"] for r in doc["rows"]}


def test_fit_and_held_out_rows_are_apart() -> None:
    """A held-out GPU of the main source has no fit row; the other sources are held out whole."""
    rows = spd.bench()["rows"]
    fit_gpus = {r["gpu"] for r in rows if r["role"] == "fit"}
    held = {r["gpu"] for r in rows if r["role"] == "holdout" and r["source"] == "xd-2024-05"}
    assert held and not fit_gpus & held
    assert {r["source"] for r in rows if r["role"] == "fit"} == {"xd-2024-05"}


def test_the_fit_is_physical() -> None:
    m = spd.speed_model()
    a, k, *_rest = m.coef
    assert a >= 1 and k >= 1  # never faster than the data sheet's bandwidth
    assert all(c >= 0 for c in m.coef)
    lo, hi = m.band
    assert lo < 1 < hi and m.fit_rows > 50


def test_held_out_generation_rates_are_predicted_within_25_percent() -> None:
    """Issue 17's bar, on the measurements of the fit's software era (2024) that the fit never saw."""
    m = spd.speed_model()
    errors = []
    for r in spd.rows(("holdout",), "tg"):
        p = spd.predict_tps(m.coef, r)
        assert p is not None
        measured = r.data["tokens_per_s"]
        errors.append(abs(p / measured - 1))
        assert m.band[0] * p <= measured <= m.band[1] * p, r.data
    assert len(errors) >= 5 and max(errors) < 0.25 and statistics.median(errors) < 0.12


def test_a_bigger_model_or_format_is_slower_and_more_bandwidth_faster() -> None:
    chips = spd.bench_chips()
    from dlrig.workload.quant import weight_format
    from dlrig.workload.zoo import get_model

    def tps(model: str, fmt: str, gpu: str) -> float:
        shares = spd.even_shares([chips[gpu]], get_model(model).transformer.layers)  # type: ignore[union-attr]
        row = spd.Row({"tokens": 256}, get_model(model), weight_format(fmt), shares, False)
        return spd.predict_tps(spd.speed_model().coef, row)  # type: ignore[return-value]

    assert tps("llama-3-8b", "q4_k_m", "GeForce RTX 4090") > tps("llama-3-8b", "q8_0", "GeForce RTX 4090")
    assert tps("llama-3-8b", "q4_k_m", "GeForce RTX 4090") > tps("llama-3-70b", "q4_k_m", "RTX A6000")
    assert tps("llama-3-8b", "fp16", "GeForce RTX 4090") > tps("llama-3-8b", "fp16", "RTX 4000 Ada Generation")


@pytest.mark.parametrize(("gb", "ram", "slow_more"), [(10.0, 89.6, True)])
def test_cpu_reads_are_bounded_by_ram_bandwidth(gb: float, ram: float, slow_more: bool) -> None:
    fast, mid, slow = spd.cpu_seconds(gb * 1e9, ram)
    assert fast < mid < slow and fast == pytest.approx(gb / (0.8 * ram))
