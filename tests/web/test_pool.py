"""Plans in a bounded pool (dlrig.web.pool, issue 18 point 4): a plan beyond the pool is answered
at once with 503 and Retry-After, never queued into a timeout; answers given are cached; a
worker's error keeps its status and body; a worker killed mid-plan does not break the server."""

from __future__ import annotations

import functools
import operator
import os
import signal
import threading
import time
from typing import Any

import pytest

from dlrig.errors import BadInput
from dlrig.web.pool import Busy, PlanPool


def _wait(condition: Any, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_full_pool_refuses_at_once_with_a_retry_time_and_frees_its_slot_after() -> None:
    pool = PlanPool(0, slots=1)
    release, calls = threading.Event(), []

    def slow(catalog: object, n: int) -> int:
        calls.append(n)
        release.wait(10)
        return n * 2

    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(pool.run(slow, 1, catalog=None)))
    worker.start()
    _wait(lambda: pool.busy == 1)
    t = time.perf_counter()
    with pytest.raises(Busy) as refused:
        pool.run(slow, 2, catalog=None)
    assert time.perf_counter() - t < 0.5 and refused.value.retry_after >= 1 and refused.value.status == 503
    release.set()
    worker.join(10)
    assert done == [2] and pool.busy == 0
    assert pool.run(slow, 2, catalog=None) == 4
    assert pool.run(slow, 2, catalog=None) == 4 and calls == [1, 2]  # the second answer came from the cache


def test_an_error_frees_the_slot_and_is_not_cached() -> None:
    pool = PlanPool(0, slots=1)
    calls: list[int] = []

    def bad(catalog: object, n: int) -> int:
        calls.append(n)
        raise BadInput("no", field="budget")

    for _ in range(2):
        with pytest.raises(BadInput):
            pool.run(bad, 1, catalog=None)
    assert calls == [1, 1] and pool.busy == 0


@pytest.mark.slow
def test_a_worker_process_that_dies_mid_job_costs_that_job_a_503_not_the_pool() -> None:
    """In real worker processes: a job in progress holds its slot (another is refused at once);
    a worker that dies while working (here it exits; out of memory, say) answers Busy, and the
    pool starts afresh for the next job. The worker's "catalog" is a number, so the jobs can be
    standard functions: time.sleep(catalog) sleeps, os._exit(catalog) kills the worker."""
    pool = PlanPool(1, catalog=functools.partial(int, "2"))
    try:
        sleeping = threading.Thread(target=lambda: pool.run(time.sleep))
        sleeping.start()
        _wait(lambda: pool.busy == 1)
        t = time.perf_counter()
        with pytest.raises(Busy):
            pool.run(time.sleep)
        assert time.perf_counter() - t < 0.5
        sleeping.join(30)
        assert pool.busy == 0
        with pytest.raises(Busy) as died:
            pool.run(os._exit)
        assert died.value.status == 503 and pool.busy == 0
        assert pool.run(operator.neg) == -2  # a fresh worker
    finally:
        pool.close()


@pytest.mark.slow
def test_plans_in_worker_processes_over_http() -> None:
    """One worker process: a plan while every worker is busy is a 503 with Retry-After in the
    error shape, while the cheap routes answer; a worker's error is the same 400 body as
    in-process; a killed worker costs one 503, not the server."""
    from fastapi.testclient import TestClient

    from dlrig.web.app import create_app

    app = create_app(workers=1)
    pool = app.state.pool
    try:
        pool.start()
        client = TestClient(app)
        body = {"budget": 2500, "gpus": "1", "alternatives": 0, "precision": "fp16"}
        assert pool._free.acquire(blocking=False)  # the one worker is taken (by a plan in progress)
        try:
            refused = client.post("/api/plan", json=body)
            assert refused.status_code == 503 and int(refused.headers["retry-after"]) >= 1
            assert refused.json()["kind"] == "Busy" and set(refused.json()) == {"error", "kind", "field"}
            assert client.get("/api/gpus", params={"limit": 1}).status_code == 200  # cheap routes still answer
        finally:
            pool._free.release()
        first = client.post("/api/plan", json=body)
        assert first.status_code == 200 and first.json()["build"]["parts"]["gpu"]

        unknown = client.post("/api/plan", json={**body, "include": ["Frobnicator 9000"]})  # raised in the worker
        assert unknown.status_code == 400 and unknown.json()["kind"] == "UnknownPart"

        for proc in list(pool._executor._processes.values()):
            os.kill(proc.pid, signal.SIGKILL)
            proc.join(10)
        killed = client.post("/api/plan", json={**body, "budget": 2700})
        assert killed.status_code == 503 and killed.json()["kind"] == "Busy"
        again = client.post("/api/plan", json={**body, "budget": 2800})
        assert again.status_code == 200
    finally:
        pool.close()


def test_inference_plans_share_the_planners_pool() -> None:
    """POST /api/plan/infer is a plan too: with every slot taken it is refused at once (503,
    Retry-After), not solved beside them."""
    from fastapi.testclient import TestClient

    from dlrig.web.app import create_app

    app = create_app()
    pool = app.state.pool
    taken = [pool._free.acquire(blocking=False) for _ in range(pool.slots)]
    try:
        assert all(taken)
        r = TestClient(app).post("/api/plan/infer", json={"model": "llama-3-8b", "tokens_per_s": 20,
                                                          "weights": "q4_k_m"})
        assert r.status_code == 503 and r.json()["kind"] == "Busy" and int(r.headers["retry-after"]) >= 1
    finally:
        for _ in taken:
            pool._free.release()
