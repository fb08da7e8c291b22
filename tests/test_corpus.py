"""The project corpus: realistic builds from 2015 to today, each checked against the codes its
manifest (examples/corpus/expected.yaml) says `dlrig check` must report, on the packaged catalog."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from dlrig.rules.registry import BY_CODE

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
MANIFEST = CORPUS / "expected.yaml"
PACKAGED = ROOT / "src" / "dlrig" / "catalog" / "data" / "v1" / "cpu.jsonl"
needs_catalog = pytest.mark.skipif(not PACKAGED.exists(), reason="packaged catalog not built yet")

KEYS = {"era", "gpus", "exit", "problems", "warnings", "notes", "absent", "why"}
TIERS = {"problems": "problem", "warnings": "warning", "notes": "note"}
BUILDS = sorted(p.name for p in CORPUS.glob("*.yaml") if p != MANIFEST)


@cache
def manifest() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_and_files_match_and_name_real_codes() -> None:
    assert sorted(manifest()) == BUILDS
    for name, exp in manifest().items():
        assert set(exp) == KEYS, name
        assert exp["exit"] in (0, 1), name
        assert (exp["exit"] == 1) == bool(exp["problems"]), f"{name}: exit 1 iff a problem"
        named = [c for key in (*TIERS, "absent") for c in exp[key]]
        assert set(named) <= set(BY_CODE), f"{name}: unknown codes {set(named) - set(BY_CODE)}"
        must = {c for key in TIERS for c in exp[key]}
        assert not must & set(exp["absent"]), f"{name}: a code both expected and absent"


def test_corpus_spans_the_eras_sizes_and_outcomes() -> None:
    exps = manifest().values()
    assert len(BUILDS) >= 15
    assert {1, 2, 3, 4, 8} <= {e["gpus"] for e in exps}
    assert {0, 1} == {e["exit"] for e in exps}
    eras = " ".join(e["era"] for e in exps)
    for arch in ("Maxwell", "Pascal", "Turing", "Ampere", "Ada", "Blackwell"):
        assert arch in eras
    assert {"2015", "2025"} <= {e["era"][-4:] for e in exps}


@needs_catalog
@pytest.mark.parametrize("name", BUILDS)
def test_corpus_build_reports_its_expected_codes(name: str) -> None:
    from dlrig.catalog.store import default_catalog
    from dlrig.check import INTERNAL_ERROR, check_build
    from dlrig.services.inputs import load_build_file as load_build

    exp = manifest()[name]
    build = load_build(CORPUS / name, default_catalog())
    report = check_build(build)
    found = {f"{f.severity}: {f.code}" for f in report.findings}
    assert not any(INTERNAL_ERROR in u for u in report.unchecked), report.unchecked
    assert build.gpu_count == exp["gpus"]
    assert (0 if report.ok else 1) == exp["exit"], sorted(found)
    assert report.codes("problem") == set(exp["problems"]), sorted(found)
    for key, severity in TIERS.items():
        missing = set(exp[key]) - report.codes(severity)
        assert not missing, f"{name}: no {severity} {sorted(missing)}; found {sorted(found)}"
    unwanted = set(exp["absent"]) & report.codes()
    assert not unwanted, f"{name}: should not report {sorted(unwanted)}; found {sorted(found)}"
