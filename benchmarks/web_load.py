"""Load benchmark of the web app (issues 8 and 18): requests/s and p50/p95 latency per route, and
the cheap routes' while plans run.

    python benchmarks/web_load.py [--requests 200] [--concurrency 8] [--plan-requests 8]
                                  [--clients 10] [--during-plans 2] [--cheap-requests 300]

Starts the app (``dlrig.web.app:create_app``) under uvicorn in a subprocess, on 127.0.0.1 and a
free port, waits for it, warms each route once (the catalog loads on first use), then sends
``--requests`` requests to each route from ``--concurrency`` client threads (one httpx client,
keep-alive) and prints a Markdown table. /api/plan proves an optimum per request (seconds), so
it gets ``--plan-requests`` only. Only loopback is used; every loop is bounded in count, each
request has a timeout, the whole run has a deadline, and the server is stopped on every exit.

Then (issue 18) each cheap route (/api/gpus, /api/check) again from ``--clients`` threads,
alone and while ``--during-plans`` other clients keep /api/plan busy (a default-range plan,
one after another on each), with the ratio of the two throughputs.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
SEED_LIST = (ROOT / "examples" / "seed-2015.md").read_text(encoding="utf-8")
SEED_BUILD = (ROOT / "examples" / "seed-2015.yaml").read_text(encoding="utf-8")
REQUEST_TIMEOUT_S = 60.0
RUN_DEADLINE_S = 600.0  # the whole benchmark stops sending after this


@dataclass(frozen=True)
class Route:
    label: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    heavy: bool = False  # gets --plan-requests instead of --requests


ROUTES = [
    Route("GET /api/ranking", "GET", "/api/ranking?precision=fp16&limit=20"),
    Route("POST /api/check (seed-2015 list)", "POST", "/api/check", {"build": SEED_LIST}),
    Route("POST /api/fit (resnet50 bf16)", "POST", "/api/fit", {"model": "resnet50", "precision": "bf16"}),
    Route("POST /api/plan (seed-2015, 4 GPU)", "POST", "/api/plan",
          {"prices": "seed-2015", "gpus": "4", "precision": "fp32", "alternatives": 1}, heavy=True),
    Route("GET / (home page)", "GET", "/"),
    Route("GET /ranking (page)", "GET", "/ranking?precision=fp16"),
    Route("GET /check (form)", "GET", "/check"),
    Route("GET /fit?model=resnet50 (page)", "GET", "/fit?model=resnet50"),
]


CHEAP = [
    Route("GET /api/gpus", "GET", "/api/gpus?precision=fp16&limit=20"),
    Route("POST /api/check (seed-2015 build file)", "POST", "/api/check", {"build": SEED_BUILD}),
]
PLAN_LOAD = Route("POST /api/plan (default GPU range, $6,000)", "POST", "/api/plan",
                  {"budget": 6000, "alternatives": 3}, heavy=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "dlrig.web.app:create_app", "--host", HOST,
           "--port", str(port), "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn shuts down gracefully), then SIGKILL after 10 s; never leaves it running."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def wait_ready(client: httpx.Client, proc: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            if client.get("/openapi.json").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {timeout_s:.0f} s")


def send(client: httpx.Client, route: Route) -> float:
    start = time.perf_counter()
    r = client.request(route.method, route.path, json=route.body)
    elapsed = time.perf_counter() - start
    if r.status_code != 200:
        raise RuntimeError(f"{route.label}: HTTP {r.status_code}: {r.text[:200]}")
    return elapsed


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def drive(client: httpx.Client, route: Route, count: int, concurrency: int,
          deadline: float) -> tuple[float, list[float]]:
    """``count`` requests from ``concurrency`` threads; (wall seconds, latencies)."""
    def one(_: int) -> float | None:
        return send(client, route) if time.monotonic() < deadline else None

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        got = list(pool.map(one, range(count)))
    wall = time.perf_counter() - start
    return wall, [x for x in got if x is not None]


def while_plans_run(base_url: str, client: httpx.Client, route: Route, count: int, concurrency: int,
                    plans: int, deadline: float) -> tuple[float, list[float], int]:
    """:func:`drive` while ``plans`` other clients post plans back to back; (wall, latencies,
    plans answered while it ran)."""
    stop, answered = threading.Event(), []

    def keep_planning() -> None:
        with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as own:
            while not stop.is_set() and time.monotonic() < deadline:
                try:
                    send(own, PLAN_LOAD)
                except (httpx.HTTPError, RuntimeError):  # a plan that timed out or failed still loaded the server
                    continue
                answered.append(1)

    workers = [threading.Thread(target=keep_planning, daemon=True) for _ in range(plans)]
    for w in workers:
        w.start()
    time.sleep(0.5)  # the plans are under way
    before = len(answered)
    wall, lat = drive(client, route, count, concurrency, deadline)
    done = len(answered) - before
    stop.set()
    for w in workers:
        w.join(timeout=REQUEST_TIMEOUT_S)
    return wall, lat, done


def cheap_routes_under_plans(base_url: str, clients: int, plans: int, count: int, deadline: float) -> None:
    print(f"\n## Cheap routes alone and while {plans} clients keep /api/plan busy ({clients} client threads)\n")
    print("| route | alone: req/s | p95 ms | while plans run: req/s | p95 ms | plans answered meanwhile | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        send(client, PLAN_LOAD)  # warm-up: the planner's tables and solver are loaded
        for route in CHEAP:
            send(client, route)
            wall, lat = drive(client, route, count, clients, deadline)
            busy_wall, busy, answered = while_plans_run(base_url, client, route, count, clients, plans, deadline)
            if not lat or not busy:
                print(f"| {route.label} | (deadline reached) | | | | | |")
                continue
            alone, loaded = len(lat) / wall, len(busy) / busy_wall
            print(f"| {route.label} | {alone:,.1f} | {percentile([x * 1000 for x in lat], 95):,.1f} | {loaded:,.1f} | "
                  f"{percentile([x * 1000 for x in busy], 95):,.1f} | {answered} | {loaded / alone:.2f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=200, help="requests per route (default 200)")
    ap.add_argument("--plan-requests", type=int, default=8, help="requests to /api/plan (default 8)")
    ap.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    ap.add_argument("--clients", type=int, default=10, help="client threads on the cheap routes (default 10)")
    ap.add_argument("--during-plans", type=int, default=2, help="clients posting plans meanwhile (default 2)")
    ap.add_argument("--cheap-requests", type=int, default=300, help="requests per cheap route (default 300)")
    args = ap.parse_args()
    if not (1 <= args.requests <= 10_000 and 0 <= args.plan_requests <= 200 and 1 <= args.concurrency <= 64
            and 1 <= args.clients <= 64 and 0 <= args.during_plans <= 8 and 0 <= args.cheap_requests <= 10_000):
        ap.error("--requests 1..10000, --plan-requests 0..200, --concurrency 1..64, --clients 1..64, "
                 "--during-plans 0..8, --cheap-requests 0..10000")

    port = free_port()
    proc = start_server(port)
    deadline = time.monotonic() + RUN_DEADLINE_S
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    try:
        with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
            wait_ready(client, proc)
            print(f"## Web load: uvicorn (1 worker) on {HOST}, {os.cpu_count()} cores, "
                  f"Python {platform.python_version()}, {args.concurrency} client threads\n")
            print("| route | requests | req/s | p50 ms | p95 ms | max ms |")
            print("|---|---:|---:|---:|---:|---:|")
            for route in ROUTES:
                count = args.plan_requests if route.heavy else args.requests
                if count == 0:
                    continue
                send(client, route)  # warm-up: loads the catalog, price books, templates
                wall, lat = drive(client, route, count, args.concurrency, deadline)
                if not lat:
                    print(f"| {route.label} | 0 | (deadline reached) | | | |")
                    continue
                ms = [x * 1000 for x in lat]
                print(f"| {route.label} | {len(lat)} | {len(lat) / wall:,.1f} | {statistics.median(ms):,.1f} | "
                      f"{percentile(ms, 95):,.1f} | {max(ms):,.1f} |", flush=True)
        if args.cheap_requests and args.during_plans:
            cheap_routes_under_plans(f"http://{HOST}:{port}", args.clients, args.during_plans, args.cheap_requests,
                                     deadline)
    finally:
        stop_server(proc)
    print(f"\nserver stopped (exit code {proc.returncode})")


if __name__ == "__main__":
    main()
