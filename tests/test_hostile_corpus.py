"""Every hostile input that once broke dlrig, kept as a regression case (tests/corpus/cases.yaml):
on the CLI, the exit code, one strict JSON document, the words of the error and its field, the
time; on the web app, the status, the ``{"error", "kind", "field"}`` body, the time."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from .fuzz.inputs import Case, run_case, strict_json

CORPUS = Path(__file__).parent / "corpus"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def made(folder: Path) -> None:
    """The corpus files too large (or too derived) to keep in git, and the seed inputs."""
    for p in CORPUS.iterdir():
        if p.name != "cases.yaml":
            shutil.copy(p, folder / p.name)
    shutil.copy(EXAMPLES / "seed-2015.yaml", folder / "seed.yaml")
    seed_list = (EXAMPLES / "seed-2015.md").read_text(encoding="utf-8")
    shutil.copy(EXAMPLES / "seed-2015.md", folder / "seed.md")
    lines = seed_list.splitlines()
    gpu = next(ln for ln in lines if ln.startswith("**Video Card**"))
    rest = [ln for ln in lines if not ln.startswith("**Video Card**")]
    at = next(i for i, ln in enumerate(rest) if ln.startswith("**Case**"))
    (folder / "gpu65.md").write_text("\n".join(rest[:at] + [gpu] * 65 + rest[at:]) + "\n", encoding="utf-8")
    (folder / "wide-1mb.md").write_text("Type|Item|Price\n:--|:--|:--\n**CPU** | " + "x" * 1_000_000 + " | $1\n",
                                        encoding="utf-8")
    (folder / "spaces-100k.md").write_text(" " * 100_000 + "\n", encoding="utf-8")
    kinds = ["Video Card", "CPU", "Memory", "Storage", "Power Supply", "Case", "Motherboard", "CPU Cooler"]
    for n in (256, 257):  # rows that name no part: each costs a search for the closest names
        rows = [f"**{kinds[i % 8]}** | [Frobnicator Quux {i} Zorp-{i * 7919 % 10007}](https://x) | $100.00"
                for i in range(n)]
        (folder / f"rows{n}.md").write_text("Type|Item|Price\n:--|:--|:--\n" + "\n".join(rows) + "\n",
                                            encoding="utf-8")
    (folder / "parts257.yaml").write_text("parts:\n  storage:\n" + "".join(f"    - Frobnicator {i}\n"
                                                                         for i in range(257)), encoding="utf-8")
    (folder / "somedir").mkdir()
    (folder / "bench-home" / "bench").mkdir(parents=True)
    shutil.copy(CORPUS / "damaged-bench.json", folder / "bench-home" / "bench" / "latest.json")


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    made(tmp_path)
    return tmp_path


CLI_CASES = [c for c in CASES if "args" in c]
WEB_CASES = [c for c in CASES if "web" in c]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c["name"] for c in CLI_CASES])
def test_cli(case: dict[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in (case.get("env") or {}).items():
        monkeypatch.setenv(key, str(folder / value))
    run = Case([*case["args"], "--json"])
    out = run_case(run, folder)
    assert out.ok, out.problem
    exits = case["exit"] if isinstance(case["exit"], list) else [case["exit"]]
    assert out.exit_code in exits
    assert out.seconds <= case.get("seconds", 10)
    doc = _last_json(run, folder, out.exit_code)
    for words in case.get("says", []):
        assert words in json.dumps(doc, ensure_ascii=False), (words, doc)
    if "field" in case:
        assert doc["field"] == case["field"]
    for name in case.get("absent", []):
        assert not (folder / name).exists()


def _last_json(run: Case, folder: Path, code: int) -> Any:
    """The case's JSON document (run again to read it: run_case keeps only its verdict)."""
    from typer.testing import CliRunner

    from dlrig.cli import app

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(app, run.args)
    finally:
        os.chdir(cwd)
    assert result.exit_code == code
    doc = strict_json(result.stdout)
    if code == 2:
        assert set(doc) == {"error", "kind", "field"}, doc
    return doc


@pytest.fixture(scope="module")
def client() -> Any:
    from fastapi.testclient import TestClient

    from dlrig.web.app import create_app

    return TestClient(create_app(), raise_server_exceptions=False)


@pytest.mark.parametrize("case", WEB_CASES, ids=[c["name"] for c in WEB_CASES])
def test_web(case: dict[str, Any], folder: Path, client: Any) -> None:
    web = case["web"]
    build = (folder / web["build"]).read_text(encoding="utf-8") if "build" in web else None
    t = time.perf_counter()
    if web["method"] == "GET":
        if build is None:  # the query is in the path
            r = client.get(web["path"])
        else:
            r = client.get(web["path"], params={k: v for k, v in (("build", build), ("name", web.get("name"))) if v})
    elif "raw" in web:
        r = client.post(web["path"], content=web["raw"], headers={"content-type": "application/json"})
    else:
        r = client.post(web["path"], json=web.get("json") or {"build": build})
    seconds = time.perf_counter() - t
    assert r.status_code == web["status"], r.text[:500]
    assert seconds <= web.get("seconds", 10)
    if r.headers["content-type"].startswith("application/json") and r.status_code >= 400:
        assert set(r.json()) == {"error", "kind", "field"}
    for name in ("content-disposition", *r.headers):
        assert all(c not in r.headers.get(name, "") for c in "\r\n\x00")
