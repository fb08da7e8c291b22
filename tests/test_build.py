"""Build files: the workload's keys are read with their types, and a wrong type is named."""

from __future__ import annotations

import pytest

from dlrig.build import parse_build_text
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


def test_the_build_document_is_what_the_yaml_file_reads_back() -> None:
    """``build_document`` (what ``plan --json`` prints) is the data of the YAML ``dump_build`` writes."""
    from pathlib import Path

    import yaml

    from dlrig.build import build_document, dump_build

    text = (Path(__file__).parents[1] / "examples" / "seed-2015.yaml").read_text(encoding="utf-8")
    spec = parse_build_text(text, "seed-2015.yaml")
    assert build_document(spec) == yaml.safe_load(dump_build(spec))
    assert parse_build_text(dump_build(spec), "again.yaml") == spec
