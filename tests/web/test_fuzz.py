"""Fuzz the JSON API from its own OpenAPI document with schemathesis: no input may give a 5xx,
and every response must match what the document declares (status code, content type, body
schema), while a body that breaks the schema must be refused (4xx). The HTML pages are fuzzed
too, from a document written here for their query and form fields (the pages read their form
themselves, so FastAPI's document has none): no 5xx, no traceback, the security headers.

In process (the ASGI app, no socket), bounded (MAX_EXAMPLES cases per route, derandomized so
that CI sees the same cases on every run), over every /api route. Issue 8: "the fuzz run finds
no server error".

/api/plan and /api/plan/infer prove an optimum with CP-SAT: seconds per request on the packaged catalog (a
frontier, tens of seconds), too slow for a fuzz run. It is fuzzed on an app whose catalog is
the packaged one cut to a few dozen parts that still hold feasible builds (the parts of two
solved plans and the cheapest few candidates per category), so every code path runs, fast.
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402

from dlrig.catalog.models import Part  # noqa: E402
from dlrig.catalog.priced import Priced, priced_parts  # noqa: E402
from dlrig.catalog.store import Catalog, default_catalog  # noqa: E402
from dlrig.web.app import create_app  # noqa: E402

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 100  # per route (50 for /api/plan); the whole file takes 15 to 30 s on 2 cores


def bounded(max_examples: int) -> settings:
    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def config(*expected: str) -> SchemathesisConfig:
    """A request that the schema allows may still name no real thing (an unknown GPU, price book
    or model): that is bad input, HTTP 400 with the name in the message, as documented for every
    route; and a plan may have no feasible build: HTTP 422 with the binding constraints, as documented."""
    return SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {"expected-statuses": list(expected)}}})


class SmallCatalog(Catalog):
    """The packaged catalog with only the parts whose ids are in ``keep`` (names still resolve)."""

    def __init__(self, keep: set[str]) -> None:
        super().__init__()
        self.keep = keep

    def parts(self, category: str) -> tuple[Part, ...]:
        return tuple(p for p in super().parts(category) if p.id in self.keep)

    def priced(self, book_name: str, category: str) -> tuple[tuple[Priced, ...], int]:
        """From the parts kept (the packaged catalog's table of each book has them all)."""
        return priced_parts(self, book_name, category)


def small_catalog(per_category: int = 3) -> SmallCatalog:
    from dlrig.plan.plan import budget_cents, candidates_for
    from dlrig.plan.request import PlanRequest
    from dlrig.plan.solver import optimize

    keep: set[str] = set()
    from dlrig.workload_request import WorkloadRequest

    for req in (PlanRequest(prices="seed-2015", gpus_min=4, gpus_max=4, precision="fp32"),
                PlanRequest(budget_usd=10000, gpus_min=4, gpus_max=4,
                            workload=WorkloadRequest(model="resnet50", precision="bf16"))):
        _, cands = candidates_for(req, default_catalog())
        sel = optimize(cands, req, budget_cents(req), req.objective).selection
        assert sel is not None, req
        rows: list[Any] = [*cands.gpus[:per_category], *(r for rs in cands.platform.values()
                                                          for r in rs[:per_category]), *sel.parts.values()]
        keep |= {sel.option.gpu.id, *(r.part.id for r in rows if r is not None)}
    keep |= {getattr(default_catalog().get(i), "chip_id", None) or i for i in list(keep)}
    return SmallCatalog(keep)


api = schemathesis.openapi.from_asgi("/openapi.json", create_app(), config=config("2XX", "400"))
# The cut catalog is made on the first request (two solves): never at collection.
plan_api = schemathesis.openapi.from_asgi("/openapi.json", create_app(small_catalog),
                                          config=config("2XX", "400", "422"))


@api.include(path_regex="^/api/").exclude(path_regex="^/api/plan").parametrize()
@bounded(MAX_EXAMPLES)
def test_api_never_fails_and_matches_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()


@plan_api.include(path_regex="^/api/plan(/infer)?$").parametrize()
@bounded(MAX_EXAMPLES // 2)
def test_plan_never_fails_and_matches_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()


TEXT = {"type": "string"}
PAGE_FIELDS = {
    "/ranking": ["precision", "prices", "sort", "min_vram", "max_price", "limit"],
    "/plan": ["budget", "gpus", "model", "precision", "batch", "seq", "sharding", "recompute", "optimizer", "lora",
              "qlora", "objective", "region", "prices", "tax_rate", "alternatives", "frontier"],
    "/fit": ["model", "precision", "batch", "seq", "sharding", "recompute", "optimizer", "lora", "qlora", "prices"],
    "/export/build.yaml": ["build", "format", "name", "prices", "tax_rate"],
    "/export/pcpartpicker.md": ["build", "format", "name", "prices", "tax_rate"],
    "/export/report.html": ["build", "format", "name", "prices", "tax_rate"],
    "/": [], "/check": [], "/planner": [], "/docs": [], "/favicon.ico": [],
}
ANY_PAGE = {"200": {"description": "the page"}, "default": {"description": "an error page"}}


def page_schema() -> dict[str, Any]:
    """An OpenAPI document of the page routes: every form field a string, as a browser sends it."""
    paths: dict[str, Any] = {
        path: {"get": {"parameters": [{"name": f, "in": "query", "required": False, "schema": TEXT} for f in fields]
                       + ([{"name": "kind", "in": "query", "schema": {"type": "array", "items": TEXT}}]
                          if path == "/ranking" else []),
                       "responses": ANY_PAGE}} for path, fields in PAGE_FIELDS.items()}
    form = {"type": "object", "properties": {f: TEXT for f in ("build", "format", "region", "name")}}
    paths["/check"]["post"] = {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": form}}},
                               "responses": ANY_PAGE}
    return {"openapi": "3.0.3", "info": {"title": "dlrig pages", "version": "1"}, "paths": paths}


def page_api(app: Any) -> Any:
    schema = schemathesis.openapi.from_dict(page_schema())
    schema.app = app
    return schema


# The pages on the cut catalog (the planner page solves what it is given).
pages = page_api(create_app(small_catalog))


def check_page(case: schemathesis.Case) -> Any:
    """A page's answer: never a server error or a traceback; the headers of every response."""
    response = case.call()
    assert response.status_code < 500, (case.path, case.query, response.status_code)
    assert "Traceback" not in response.text
    assert response.headers.get("x-content-type-options") == ["nosniff"]  # schemathesis: a list per header
    assert "content-security-policy" in response.headers
    return response


@pages.parametrize()
@bounded(MAX_EXAMPLES // 4)
def test_pages_never_fail(case: schemathesis.Case) -> None:
    check_page(case)


def test_every_page_route_is_fuzzed() -> None:
    from dlrig.web import pages as page_routes

    served = {r.path for r in page_routes.router.routes}  # type: ignore[attr-defined]
    fuzzed = {r.ok().path for r in pages.get_all_operations()}
    assert served == fuzzed


def long_run(cases: int, seed: int) -> dict[str, Any]:
    """``cases`` schemathesis cases over every route, for benchmarks/fuzz_cli.py: counts, not asserts."""
    import collections
    import time

    from hypothesis import given
    from hypothesis import seed as with_seed

    ops = [(op, "api") for op in (o.ok() for o in api.get_all_operations())
           if op.path.startswith("/api/") and not op.path.startswith("/api/plan")]
    ops += [(o.ok(), "plan") for o in plan_api.get_all_operations() if o.ok().path in ("/api/plan", "/api/plan/infer")]
    ops += [(o.ok(), "page") for o in pages.get_all_operations()]
    statuses: collections.Counter[int] = collections.Counter()
    failures: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    counted = {"cases": 0, "server_errors": 0, "failed_checks": 0}
    started = time.perf_counter()
    each = max(1, cases // len(ops))

    def judged(kind: str) -> Any:
        def one(case: schemathesis.Case) -> None:
            counted["cases"] += 1
            try:
                response = check_page(case) if kind == "page" else case.call()
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    counted["server_errors"] += 1
                if kind != "page":
                    case.validate_response(response)
            except Exception as exc:  # a failed check: counted, its first example kept
                counted["failed_checks"] += 1
                key = f"{case.method} {case.path}: {type(exc).__name__}"
                failures[key] += 1
                examples.setdefault(key, str(exc)[:300])

        return one

    rounds = 0
    while counted["cases"] < cases:  # a route with few distinct inputs (none: "/") ends its round early
        for op, kind in ops:
            with_seed(seed + rounds)(bounded(each)(given(op.as_strategy())(judged(kind))))()
        rounds += 1
    return {**counted, "seconds": round(time.perf_counter() - started, 1), "routes": [f"{o.method.upper()} {o.path}"
            for o, _ in ops], "statuses": dict(sorted(statuses.items())), "failures": dict(failures),
            "examples": examples}


def test_every_api_route_is_fuzzed() -> None:
    routes = {r.ok().path for r in api.get_all_operations()} - {"/openapi.json"}
    assert routes == {"/api/gpus", "/api/ranking", "/api/check", "/api/estimate", "/api/fit", "/api/plan",
                      "/api/plan/infer", "/api/cost"}
