"""What the pages show: sources in tables, long tables cut to their first rows, the fit form's question."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dlrig.errors import BadInput
from dlrig.web.forms import Form
from dlrig.web.views import first_rows, fit_workload, source_link


def test_a_source_with_an_address_shows_its_site():
    got = source_link("epoch (https://www.tomshardware.com/tech-industry/some-very-long-path-dollar40000)")
    assert got == {"label": "epoch", "url": "https://www.tomshardware.com/tech-industry/some-very-long-path-dollar40000",
                   "site": "tomshardware.com"}
    assert source_link("docyx") == {"label": "docyx", "url": None, "site": None}


def test_first_rows_and_the_links_between_the_two_views():
    form = Form([("precision", "fp32"), ("sort", "price")])
    rows, links = first_rows(form, list(range(100)), 25)
    assert rows == list(range(25))
    assert links == {"all_url": "?precision=fp32&sort=price&rows=all", "top_url": "?precision=fp32&sort=price"}
    rows, _ = first_rows(Form([("rows", "all")]), list(range(100)), 25)
    assert len(rows) == 100


def test_the_fit_form_reads_the_fields_of_its_question():
    both = [("model", "llama-3-70b"), ("weights", "q4_k_m"), ("context", "8192"), ("sequences", "2"),
            ("split", "layer"), ("lora", "on"), ("recompute", "full"), ("seq", "512")]
    mode, w = fit_workload(Form([("mode", "infer"), *both]))
    assert mode == "infer" and w.infer and (w.weights, w.seq, w.batch) == ("q4_k_m", 8192, 2)
    assert not w.lora and w.recompute == "none"  # the training fields are not this question's
    mode, w = fit_workload(Form([("mode", "train"), *both]))
    assert mode == "train" and not w.infer and w.lora and (w.recompute, w.seq, w.sharding) == ("full", 512, "fsdp")
    assert w.weights is None
    with pytest.raises(BadInput) as exc:
        fit_workload(Form([("mode", "serve"), ("model", "llama-3-8b")]))
    assert exc.value.field == "mode"
    with pytest.raises(BadInput):
        fit_workload(Form([("mode", "infer"), ("model", "config:/etc/passwd")]))  # the server reads no files


def test_a_build_that_serves_a_language_model_has_no_pipeline_chart():
    """An inference estimate has no data pipeline; the page says so instead of failing."""
    from dlrig.catalog.store import default_catalog
    from dlrig.services.inputs import BuildSource, load_build
    from dlrig.web.views import _pipeline
    from dlrig.workload_request import WorkloadRequest

    catalog = default_catalog()
    build = load_build(BuildSource.from_path(Path(__file__).parents[2] / "examples" / "dual-4090-x670e.yaml"), catalog)
    served = replace(build, workload=WorkloadRequest(model="llama-3-8b", infer=True, weights="q4_k_m"))
    assert "no data pipeline" in _pipeline(catalog, served)["pipeline_note"]
