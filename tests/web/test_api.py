"""The web app through FastAPI's TestClient: the API returns the CLI's --json, bad input is a 4xx
with its message, and every page renders (labelled fields, no external references)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dlrig.cli import _register, app
from dlrig.services import plan as plan_service
from dlrig.web.app import create_app

_register()
runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED_LIST = (EXAMPLES / "seed-2015.md").read_text(encoding="utf-8")
BAD_QUAD = (EXAMPLES / "bad-quad-4090-atx.yaml").read_text(encoding="utf-8")
DUAL = """name: dual
prices: latest
region: us-120v
parts:
  gpu: {name: "GeForce RTX 4090", count: 2}
  cpu: "AMD Ryzen 9 7950X"
  motherboard: "ASUS X670E ROG CROSSHAIR HERO AM5 DDR5 ATX"
  memory: {name: "Kingston FURY Beast 32 GB (2 x 16GB) DDR5-6000", count: 2}
  storage: ["Samsung 990 PRO 2TB"]
  psu: "SeaSonic PRIME TX-1600 Noctua Edition Brown / Black 1600W Fully Modular 80+ Titanium Certified"
  case: "Phanteks Enthoo Pro 2 Server Edition ATX Full Tower Black"
workload: {model: resnet50, precision: bf16, batch: 256, dataset: imagenet}
"""
PLAN_SEED = {"prices": "seed-2015", "gpus": "4", "precision": "fp32", "alternatives": 1}
PLAN_SEED_CLI = ["--prices", "seed-2015", "--gpus", "4", "--precision", "fp32", "--alternatives", "1"]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def cli_json(*args: str, codes: tuple[int, ...] = (0,)) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code in codes, result.output
    return json.loads(result.stdout)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- the API returns what the CLI prints ----------------------------------------------------------
@pytest.mark.parametrize(("query", "args"), [
    ({"prices": "seed-2015", "precision": "fp32"}, ["--prices", "seed-2015", "--precision", "fp32"]),
    ({"precision": "fp16", "kind": ["consumer", "workstation"], "min_vram": 16, "max_price": 2500, "sort": "tflops"},
     ["--precision", "fp16", "--kind", "consumer", "--kind", "workstation", "--min-vram", "16",
      "--max-price", "2500", "--sort", "tflops"]),
])
def test_ranking_matches_cli(client: TestClient, query: dict, args: list[str]) -> None:
    response = client.get("/api/ranking", params=query)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json("gpus", *args)
    assert response.json()["gpus"], "the filters should leave some GPUs"


def test_check_of_a_part_list_matches_cli(client: TestClient, tmp_path: Path) -> None:
    path = write(tmp_path, "seed-2015.md", SEED_LIST)
    response = client.post("/api/check", json={"build": SEED_LIST, "name": "seed-2015"})
    assert response.status_code == 200, response.text
    assert response.json() == cli_json("check", path)
    assert "RAM-VRAM" in {f["code"] for f in response.json()["findings"]}


def test_check_of_a_build_file_with_a_problem_matches_cli(client: TestClient, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", BAD_QUAD)
    response = client.post("/api/check", json={"build": BAD_QUAD, "region": "us-120v"})
    assert response.status_code == 200, response.text  # a "no" answer is data, not an HTTP error
    doc = response.json()
    assert doc == cli_json("check", path, "--region", "us-120v", codes=(1,))
    assert doc["ok"] is False


def test_estimate_of_a_gpu_matches_cli(client: TestClient) -> None:
    response = client.post("/api/estimate", json={"gpu": "RTX 4090", "gpus": 2, "model": "resnet50", "batch": 128})
    assert response.status_code == 200, response.text
    assert response.json() == cli_json("estimate", "--gpu", "RTX 4090", "--gpus", "2", "--model", "resnet50",
                                       "--batch", "128")


def test_estimate_of_a_build_matches_cli(client: TestClient, tmp_path: Path) -> None:
    path = write(tmp_path, "dual.yaml", DUAL)
    response = client.post("/api/estimate", json={"build": DUAL, "epochs": 2})
    assert response.status_code == 200, response.text
    assert response.json() == cli_json("estimate", path, "--epochs", "2")
    assert response.json()["pipeline"]["stages"]


def test_fit_matches_cli(client: TestClient) -> None:
    response = client.post("/api/fit", json={"model": "llama-3-8b", "lora": True, "precision": "bf16"})
    assert response.status_code == 200, response.text
    assert response.json() == cli_json("fit", "--model", "llama-3-8b", "--lora", "--precision", "bf16")


def _timeless(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "solve_ms"}  # wall-clock time differs run to run


def test_plan_matches_cli(client: TestClient) -> None:
    response = client.post("/api/plan", json=PLAN_SEED)
    assert response.status_code == 200, response.text
    assert _timeless(response.json()) == _timeless(cli_json("plan", *PLAN_SEED_CLI))
    assert response.json()["build"]["parts"]["gpu"][0]["count"] == 4


def test_plan_frontier_matches_cli(client: TestClient) -> None:
    response = client.post("/api/plan", json={**PLAN_SEED, "frontier": True, "budget": 8000})
    assert response.status_code == 200, response.text
    assert _timeless(response.json()) == _timeless(cli_json("plan", *PLAN_SEED_CLI, "--frontier", "--budget", "8000"))


def test_cost_matches_cli(client: TestClient, tmp_path: Path) -> None:
    path = write(tmp_path, "dual.yaml", DUAL)
    body = {"build": DUAL, "tax_rate": 0.08, "utilization": 0.8, "hours_per_day": 8, "vs": ["cloud"]}
    response = client.post("/api/cost", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json("cost", path, "--tax-rate", "0.08", "--utilization", "0.8",
                                       "--hours-per-day", "8", "--vs", "cloud")


# -- bad input: a 4xx with the message --------------------------------------------------------
@pytest.mark.parametrize(("method", "url", "payload", "status", "words"), [
    ("get", "/api/ranking", {"precision": "fp64"}, 400, "unknown precision 'fp64'"),
    ("get", "/api/ranking", {"prices": "/etc/passwd"}, 400, "the web app reads no files"),
    ("get", "/api/ranking", {"kind": "gaming"}, 400, "unknown kind 'gaming'"),
    ("get", "/api/ranking", {"min_vram": "lots"}, 422, "min_vram"),
    ("post", "/api/check", {"build": "   "}, 400, "the build is empty"),
    ("post", "/api/check", {"build": "parts: [1"}, 400, "pasted build file, line 1: not valid YAML"),
    ("post", "/api/check", {"build": "parts: {gpu: Nope 9000}"}, 400, "unknown gpu part 'Nope 9000'; closest:"),
    ("post", "/api/check", {"build": "Type|Item|Price\n:--|:--|:--\n**CPU** | Frobnicator 3000 | $1"}, 400,
     "line(s) match no catalog part"),
    ("post", "/api/check", {"build": BAD_QUAD, "region": "mars-5v"}, 400, "unknown region 'mars-5v'"),
    ("post", "/api/check", {}, 422, "build"),
    ("post", "/api/check", {"build": BAD_QUAD, "colour": "red"}, 422, "colour"),
    ("post", "/api/estimate", {"model": "resnet50"}, 400, "give a build, or a GPU name"),
    ("post", "/api/estimate", {"gpu": "RTX 4090", "model": "resnet5O"}, 400, "unknown model 'resnet5O'"),
    ("post", "/api/fit", {}, 422, "model"),
    ("post", "/api/fit", {"model": "gpt-9"}, 400, "unknown model 'gpt-9'"),
    ("post", "/api/plan", {"gpus": "two"}, 400, "gpus 'two': give a count"),
    ("post", "/api/plan", {"budget": "abc"}, 422, "budget"),
    ("post", "/api/plan", {"objective": "fastest"}, 400, "unknown objective 'fastest'"),
    ("post", "/api/plan", {"prices": "/tmp/x.csv"}, 400, "the web app reads no files"),
    ("post", "/api/cost", {"build": DUAL, "tax_rate": 8}, 400, "must be between 0 and 1"),
])
def test_bad_input_is_a_4xx_with_the_message(client: TestClient, method: str, url: str, payload: dict,
                                              status: int, words: str) -> None:
    response = client.get(url, params=payload) if method == "get" else client.post(url, json=payload)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]
    assert "Traceback" not in response.text


def test_infeasible_plan_is_422_with_its_causes(client: TestClient) -> None:
    response = client.post("/api/plan", json={"budget": 50, "gpus": "4", "prices": "seed-2015"})
    assert response.status_code == 422
    doc = response.json()
    assert doc["kind"] == "Infeasible" and doc["causes"] and "$50" in doc["error"]


def test_planner_missing_is_503_in_the_api_and_a_message_in_the_page(client: TestClient, monkeypatch) -> None:
    def missing() -> None:
        raise plan_service.PlannerUnavailable("cannot import dlrig.plan: No module named 'ortools'")

    monkeypatch.setattr(plan_service, "_planner", missing)
    monkeypatch.setattr(plan_service, "objectives", missing)
    response = client.post("/api/plan", json={"budget": 3000})
    assert response.status_code == 503 and "planner is unavailable" in response.json()["error"]
    page = client.get("/plan")
    assert page.status_code == 200 and "Planner unavailable" in page.text
    page = client.get("/plan", params={"budget": "3000"})
    assert page.status_code == 503 and "planner is unavailable" in page.text


def test_openapi_documents_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {f"/api/{r}" for r in ("gpus", "ranking", "check", "estimate", "fit", "plan", "plan/infer",
                                                 "cost")}
    assert client.get("/docs").status_code == 200


# -- pages --------------------------------------------------------------------------------------
PAGES = ["/", "/ranking", "/ranking?precision=fp16&kind=consumer&min_vram=16&sort=price", "/plan", "/check", "/fit",
         "/fit?model=bert-base&precision=fp16&batch=16&lora=on"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_accessible_and_self_contained(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    html = response.text
    assert '<meta name="viewport"' in html and '<html lang="en">' in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html), "own pages reference nothing external"
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids <= labelled, f"unlabelled fields: {ids - labelled}"


def test_ranking_page_shows_table_and_chart(client: TestClient) -> None:
    html = client.get("/ranking", params={"prices": "seed-2015"}).text
    assert 'id="ranking"' in html and 'id="ranking-chart"' in html
    for name in ("GTX TITAN X", "GTX 980 Ti", "Tesla K80", "$1,000.00", "2015-05-31"):
        assert name in html


def test_plan_page_shows_build_reasons_findings_costs_pipeline_frontier(client: TestClient) -> None:
    response = client.get("/plan", params={"prices": "seed-2015", "gpus": "2", "budget": "8000", "model": "resnet50",
                                           "region": "us-120v", "alternatives": "1", "frontier": "on"})
    assert response.status_code == 200, response.text
    html = response.text
    for marker in ('id="build"', "Titan X", "2015-05-31", 'id="why"', "Checker findings", "Cost: owning",
                   'id="pipeline-chart"', 'id="frontier-chart"', "/export/build.yaml?", "/export/pcpartpicker.md?",
                   "/export/report.html?"):
        assert marker in html, marker


def test_plan_api_and_page_take_a_fine_tuning_recipe_like_the_cli(client: TestClient) -> None:
    body = {"budget": 3000, "gpus": "1", "model": "llama-3-8b", "precision": "bf16", "batch": 1, "seq": 2048,
            "qlora": True, "alternatives": 0}
    response = client.post("/api/plan", json=body)
    assert response.status_code == 200, response.text
    cli = cli_json("plan", "--budget", "3000", "--gpus", "1", "--model", "llama-3-8b", "--precision", "bf16",
                   "--batch", "1", "--seq", "2048", "--qlora", "--alternatives", "0")
    assert _timeless(response.json()) == _timeless(cli)
    page = client.get("/plan", params={"budget": "3000", "gpus": "1", "model": "llama-3-8b", "precision": "bf16",
                                       "batch": "1", "seq": "2048", "qlora": "on", "alternatives": "0"})
    assert page.status_code == 200, page.text
    assert 'id="build"' in page.text and 'name="qlora" value="on" checked' in page.text
    # the recipe, and the fine-tuning defaults laid over it, reached the plan
    assert "llama-3-8b at bf16, QLoRA, full recomputation, sequence 2048" in page.text


@pytest.mark.parametrize(("url", "params", "status", "words"), [
    ("/ranking", {"min_vram": "lots"}, 400, "min VRAM: &#39;lots&#39; is not a number"),
    ("/plan", {"budget": "-5"}, 400, "the budget must be positive"),
    ("/plan", {"budget": "nan"}, 400, "budget: &#39;nan&#39; is not a finite number"),
    ("/plan", {"budget": "10", "gpus": "4", "prices": "seed-2015"}, 422, "no 4-GPU build under $10.00"),
    ("/fit", {"model": "resnet5O"}, 400, "unknown model &#39;resnet5O&#39;"),
    ("/export/build.yaml", {"build": "parts: {cpu: Nope}"}, 400, "unknown cpu part"),
])
def test_bad_input_in_a_page_is_a_message_not_a_traceback(client: TestClient, url: str, params: dict, status: int,
                                                          words: str) -> None:
    response = client.get(url, params=params)
    assert response.status_code == status
    assert words in response.text and 'role="alert"' in response.text
    assert "Traceback" not in response.text


def test_checker_page_posts_a_list_and_shows_findings(client: TestClient) -> None:
    response = client.post("/check", data={"build": SEED_LIST, "format": "auto", "region": ""})
    assert response.status_code == 200
    assert 'data-code="RAM-VRAM"' in response.text and "PCIE-LANES" in response.text
    bad = client.post("/check", data={"build": "nothing: here", "format": "auto"})
    assert bad.status_code == 400 and "parts: Field required" in bad.text and "nothing: here" in bad.text


def test_exports_round_trip(client: TestClient) -> None:
    yaml_text = client.get("/export/build.yaml", params={"build": BAD_QUAD}).text
    again = client.post("/api/check", json={"build": yaml_text}).json()
    assert again == client.post("/api/check", json={"build": BAD_QUAD}).json()
    table = client.get("/export/pcpartpicker.md", params={"build": SEED_LIST})
    assert table.headers["content-disposition"].startswith("attachment")
    # the list names EVGA's card, which the catalog holds: the table keeps the card and the list's price
    assert "**Video Card** | EVGA GeForce GTX Titan X 12GB" in table.text and "| $1,000.00 @ Amazon" in table.text
    report = client.get("/export/report.html", params={"build": DUAL}).text  # the report `dlrig export` writes
    assert "<title>dual: dlrig report</title>" in report and "Cost" in report and "<style>" in report


def test_static_files_are_served(client: TestClient) -> None:
    assert client.get("/static/style.css").status_code == 200
    assert "autoSubmit" in client.get("/static/app.js").text


# -- charts and the serve command --------------------------------------------------------------
def test_serve_listens_on_loopback_by_default(monkeypatch) -> None:
    import uvicorn

    from dlrig.web.pool import PlanPool

    servers: list[Any] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **kw: servers.append(self))
    monkeypatch.setattr(PlanPool, "start", lambda self: None)  # no worker processes in this test
    result = runner.invoke(app, ["serve", "--port", "8765"])
    assert result.exit_code == 0, result.output
    config = servers[0].config
    assert (config.host, config.port, config.log_level) == ("127.0.0.1", 8765, "warning")
    assert config.app.state.pool.workers == 2  # plans in two worker processes by default
    assert config.limit_concurrency and config.timeout_keep_alive and config.h11_max_incomplete_event_size
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--workers", "3"])
    assert "warning: listening on 0.0.0.0" in result.output and servers[1].config.app.state.pool.workers == 3


def test_gpus_route_and_a_build_as_a_json_object(client: TestClient) -> None:
    assert client.get("/api/gpus", params={"prices": "seed-2015"}).json() == \
        client.get("/api/ranking", params={"prices": "seed-2015"}).json()
    import yaml

    as_object = yaml.safe_load(BAD_QUAD)
    assert client.post("/api/check", json={"build": as_object}).json() == \
        client.post("/api/check", json={"build": BAD_QUAD}).json()


def test_plan_infer_matches_cli(client: TestClient) -> None:
    """POST /api/plan/infer gives `dlrig plan --infer --json`'s answer; a no is 422 with its causes."""
    body = {"model": "llama-3-8b", "weights": "q4_k_m", "seq": 8192, "tokens_per_s": 30}
    response = client.post("/api/plan/infer", json=body)
    assert response.status_code == 200, response.text
    doc = response.json()
    cli = cli_json("plan", "--infer", "--model", "llama-3-8b", "--weights", "q4_k_m", "--context", "8192",
                   "--tokens-per-s", "30")
    for key in ("total_usd", "tokens_per_s", "tokens_per_s_range", "gpu", "count", "build"):
        assert doc[key] == cli[key]
    no = client.post("/api/plan/infer", json={**body, "tokens_per_s": 5000})
    assert no.status_code == 422 and no.json()["causes"][0]["field"] == "tokens_per_s" and no.json()["advice"]
    bad = client.post("/api/plan/infer", json={**body, "throughput": 5})
    assert bad.status_code == 400 and bad.json()["field"] == "throughput"


def test_the_planner_shows_the_recommended_price_and_plans_the_minimal_build(client: TestClient) -> None:
    """The page says what the recommended build adds and its price; Minimal plans the cheaper one."""
    import re

    page = client.get("/plan", params={"budget": "3000", "gpus": "2"})
    assert page.status_code == 200 and 'id="recommended"' in page.text and "Left out:" in page.text
    delta = re.search(r"(\$[\d,.]+) more than the same GPUs", page.text)
    minimal = client.get("/plan", params={"budget": "3000", "gpus": "2", "minimal": "on"})
    assert minimal.status_code == 200 and "Minimal: the cheapest build" in minimal.text
    body = client.post("/api/plan", json={"budget": 3000, "gpus": "2", "minimal": True}).json()
    full = client.post("/api/plan", json={"budget": 3000, "gpus": "2"}).json()
    assert body["total_usd"] <= full["total_usd"]
    assert delta is not None and full["recommended"]["minimal_total_usd"] <= full["total_usd"]
