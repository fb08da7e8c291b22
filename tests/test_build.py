"""Build files: the workload's keys are read with their types, and a wrong type is named."""

from __future__ import annotations

import pytest

from dlrig.build import parse_build_text, resolve_build
from dlrig.catalog.store import default_catalog
from dlrig.errors import BadInput

PARTS = "name: x\nparts:\n  gpu: RTX 4090\n"


def test_workload_values_are_read_as_their_types() -> None:
    f = parse_build_text(PARTS + 'workload: {model: gpt2, seq: "2048", lora: "no", epochs: "1.5"}\n', "b.yaml")
    w = f.workload
    assert w is not None and w.seq == 2048 and w.lora is False and w.epochs == 1.5


@pytest.mark.parametrize(("workload", "key"), [('{model: gpt2, seq: "lots"}', "workload.seq"),
                                               ("{model: gpt2, batch: 0}", "workload.batch"),
                                               ("{model: gpt2, lora: maybe}", "workload.lora")])
def test_a_wrong_type_is_bad_input_naming_the_key(workload: str, key: str) -> None:
    with pytest.raises(BadInput, match=key):
        parse_build_text(PARTS + f"workload: {workload}\n", "b.yaml")


def test_a_quoted_total_is_read_checked_and_written_back() -> None:
    from dlrig.build import dump_build

    f = parse_build_text(PARTS + 'quote: {usd: "6000", text: "about $6,000 after tax", source: a post}\n', "b.yaml")
    assert f.quote is not None and f.quote.usd == 6000 and f.quote.after_tax is True
    assert parse_build_text(dump_build(f), "again.yaml").quote == f.quote
    with pytest.raises(BadInput, match=r"quote\.usd"):
        parse_build_text(PARTS + "quote: {usd: 0}\n", "b.yaml")


def test_a_part_id_under_another_category_is_bad_input() -> None:
    """An id names its part whatever the category: a CPU's id under gpu: is refused, not built
    into a machine whose GPU is a CPU."""
    catalog = default_catalog()
    cpu = catalog.parts("cpu")[0]
    spec = parse_build_text(f"name: x\nparts:\n  gpu: {cpu.id}\n", "b.yaml")
    with pytest.raises(BadInput, match=r"is a cpu part .*not a gpu"):
        resolve_build(spec, catalog, "b.yaml")
    build = resolve_build(parse_build_text(f"name: x\nparts:\n  cpu: {cpu.id}\n", "b.yaml"), catalog, "b.yaml")
    assert build.cpu == cpu and build.gpus == []


def test_the_build_document_is_what_the_yaml_file_reads_back() -> None:
    """``build_document`` (what ``plan --json`` prints) is the data of the YAML ``dump_build`` writes."""
    from pathlib import Path

    import yaml

    from dlrig.build import build_document, dump_build

    text = (Path(__file__).parents[1] / "examples" / "seed-2015.yaml").read_text(encoding="utf-8")
    spec = parse_build_text(text, "seed-2015.yaml")
    assert build_document(spec) == yaml.safe_load(dump_build(spec))
    assert parse_build_text(dump_build(spec), "again.yaml") == spec
