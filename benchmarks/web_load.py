"""How `dlrig serve` holds up: the cheap routes' throughput and latency alone and while plans run,
and what a plan beyond the pool gets (issue 18, point 4; issue 19, "a web server with limits").

Starts a real `dlrig serve --workers N` (uvicorn) on loopback, then runs C client threads, each
with its own kept-alive HTTP connection (the standard library's http.client: the lightest
client, so the clients take as little of the machine as they can), for D seconds per phase:

1. GET /api/gpus, alone;
2. POST /api/check with the seed build (the same body every time: its answer is cached);
3. POST /api/check with a different build name on every request (no cache hit);
4. the three again while two plans run (two threads posting uncached plans back to back);
5. N + 2 plans at once: how many are refused (503 with Retry-After) and how fast;
6. with ``--all-routes``, every other route alone too (the pages, /api/fit, a pasted list).

The clients run on the same machine as the server, so on 2 cores they compete with it: the
figures are a floor for what the server does with a machine of its own. Prints one table and
a JSON document (``--json PATH`` writes it).

    python benchmarks/web_load.py                 # 10 clients, 10 s a phase, 2 workers
    python benchmarks/web_load.py --clients 10 --seconds 20 --json results.json
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "examples" / "seed-2015.yaml").read_text(encoding="utf-8")
SEED_LIST = (ROOT / "examples" / "seed-2015.md").read_text(encoding="utf-8")
OTHER_ROUTES = {  # --all-routes: the rest of the app, alone
    "GET /api/ranking?precision=fp16&limit=20": ("GET", "/api/ranking?precision=fp16&limit=20", None),
    "POST /api/check (seed-2015 list)": ("POST", "/api/check", {"build": SEED_LIST}),
    "POST /api/fit (resnet50 bf16)": ("POST", "/api/fit", {"model": "resnet50", "precision": "bf16"}),
    "GET / (home page)": ("GET", "/", None),
    "GET /ranking (page)": ("GET", "/ranking?precision=fp16", None),
    "GET /check (form)": ("GET", "/check", None),
    "GET /fit?model=resnet50 (page)": ("GET", "/fit?model=resnet50", None),
}
# `dlrig serve` with its limits, but plans in the request's thread instead of worker processes.
NO_POOL = """import sys, uvicorn
from dlrig.cli import serve_cmd as s
from dlrig.web.app import create_app
from dlrig.web.limits import header_timeout_protocol
uvicorn.run(create_app(workers=0), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            http=header_timeout_protocol(), timeout_keep_alive=s.KEEP_ALIVE_S, limit_concurrency=s.MAX_CONNECTIONS,
            h11_max_incomplete_event_size=s.MAX_HEADER_BYTES)
"""
TARGET_RPS, TARGET_P95_MS = 500.0, 50.0  # issue 18's goal at 10 clients; half of it while two plans run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DLRIG_CACHE": os.environ.get("DLRIG_CACHE", str(ROOT / ".cache-dlrig"))}
    command = [sys.executable, "-c", "from dlrig.cli import main; main()", "serve", "--port", str(port),
               "--workers", str(workers)]
    if workers == 0:  # no pool: plans solved in the server's own threads (two at a time), as before issue 18
        command = [sys.executable, "-c", NO_POOL, str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dlrig serve exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            status, _, _ = request(port, "GET", "/")
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("dlrig serve did not start within 180 s")


def request(port: int, method: str, path: str, body: Any = None, conn: http.client.HTTPConnection | None = None,
            timeout: float = 300.0) -> tuple[int, dict[str, str], bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    payload = resp.read()
    out = resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload
    if own:
        conn.close()
    return out


def load(port: int, clients: int, seconds: float, make: Any) -> dict[str, Any]:
    """``clients`` threads sending ``make(i)`` = (method, path, body) for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.monotonic() + seconds
    barrier = threading.Barrier(clients)

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        i = 0
        while time.monotonic() < stop:
            method, path, body = make(k * 1_000_000 + i)
            t = time.perf_counter()
            try:
                status, _, _ = request(port, method, path, body, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            latencies[k].append(time.perf_counter() - t)
            if status != 200:
                errors[k] += 1
            i += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    every = sorted(x for xs in latencies for x in xs)
    n = len(every)
    return {"requests": n, "errors": sum(errors), "seconds": round(elapsed, 2), "req_per_s": round(n / elapsed, 1),
            "p50_ms": round(1000 * every[n // 2], 1) if n else None,
            "p95_ms": round(1000 * every[min(n - 1, int(n * 0.95))], 1) if n else None,
            "max_ms": round(1000 * every[-1], 1) if n else None}


PLAN_NUMBER = itertools.count()


class PlansRunning:
    """Two threads posting plans back to back (a new budget each time: no cached answer)."""

    def __init__(self, port: int, threads: int = 2) -> None:
        self.port, self.stop, self.done, self.refused = port, threading.Event(), 0, 0
        self.seconds: list[float] = []
        self.threads = [threading.Thread(target=self._run, args=(k,)) for k in range(threads)]

    def _run(self, k: int) -> None:
        while not self.stop.is_set():
            i = next(PLAN_NUMBER)  # never the same budget twice in a run: no answer from the server's cache
            body = {"budget": 2500 + 7 * i + k, "gpus": "1-4", "precision": "fp16"}
            t = time.perf_counter()
            status, _, _ = request(self.port, "POST", "/api/plan", body)
            if status == 200:
                self.done += 1
                self.seconds.append(time.perf_counter() - t)
            elif status == 503:
                self.refused += 1
                time.sleep(0.5)

    def __enter__(self) -> PlansRunning:
        for t in self.threads:
            t.start()
        time.sleep(1.0)  # both plans are in their workers
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


def overflow(port: int, workers: int) -> dict[str, Any]:
    """``workers`` + 2 plans at once: each answered how, and how fast."""
    n = workers + 2
    results: list[tuple[int, str | None, float]] = [(0, None, 0.0)] * n

    def one(i: int) -> None:
        t = time.perf_counter()
        status, headers, _ = request(port, "POST", "/api/plan", {"budget": 20_000 + 53 * i, "gpus": "1-4",
                                                                  "precision": "bf16"})
        results[i] = (status, headers.get("retry-after"), time.perf_counter() - t)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    refused = [r for r in results if r[0] == 503]
    return {"plans": n, "ok": sum(r[0] == 200 for r in results), "refused_503": len(refused),
            "refused_with_retry_after": sum(r[1] is not None for r in refused),
            "refused_answer_ms_max": round(1000 * max((r[2] for r in refused), default=0.0), 1),
            "other": sorted({r[0] for r in results} - {200, 503})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2, help="planner worker processes; 0: no pool, plans in the "
                    "server's threads (two at a time)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--all-routes", action="store_true", help="also every other route, alone")
    args = ap.parse_args()
    port = free_port()
    server = start_server(port, args.workers)
    routes = {
        "/api/gpus": lambda i: ("GET", "/api/gpus", None),
        "/api/check (same body)": lambda i: ("POST", "/api/check", {"build": SEED}),
        "/api/check (new name each time)": lambda i: ("POST", "/api/check", {"build": SEED, "name": f"b{i}"}),
    }
    out: dict[str, Any] = {"clients": args.clients, "seconds_per_phase": args.seconds, "workers": args.workers,
                           "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()[0], "alone": {},
                           "while_two_plans_run": {}}
    try:
        for name, make in routes.items():
            load(port, 2, 1.0, make)  # warm: first requests load the catalog
            out["alone"][name] = load(port, args.clients, args.seconds, make)
        for name, make in routes.items():
            with PlansRunning(port) as plans:
                out["while_two_plans_run"][name] = {**load(port, args.clients, args.seconds, make),
                                                    "plans_finished": plans.done}
        out["overflow"] = overflow(port, args.workers or 2)
        if args.all_routes:
            out["other_routes_alone"] = {}
            for name, (method, path, body) in OTHER_ROUTES.items():
                make = (lambda m, p, b: lambda i: (m, p, b))(method, path, body)
                load(port, 2, 1.0, make)
                out["other_routes_alone"][name] = load(port, args.clients, args.seconds, make)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


def report(out: dict[str, Any]) -> None:
    print(f"dlrig serve --workers {out['workers']}, {out['clients']} clients, {out['seconds_per_phase']:g} s a phase, "
          f"{out['cpus']} CPUs, load average at start {out['load_average_at_start']:.2f}")
    print(f"{'route':34} {'phase':20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for phase in ("alone", "while_two_plans_run"):
        for name, r in out[phase].items():
            print(f"{name:34} {phase:20} {r['req_per_s']:8.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['errors']:7d}")
    for name, r in out.get("other_routes_alone", {}).items():
        print(f"{name:34} {'alone':20} {r['req_per_s']:8.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['errors']:7d}")
    for name, alone in out["alone"].items():
        during = out["while_two_plans_run"][name]
        ratio = during["req_per_s"] / alone["req_per_s"] if alone["req_per_s"] else 0.0
        met = alone["req_per_s"] >= TARGET_RPS and alone["p95_ms"] <= TARGET_P95_MS
        print(f"{name}: while two plans run {ratio:.2f} x alone; target ({TARGET_RPS:.0f} req/s, p95 <= "
              f"{TARGET_P95_MS:.0f} ms alone, half while plans run): {'met' if met and ratio >= 0.5 else 'NOT met'}")
    o = out["overflow"]
    print(f"{o['plans']} plans at once on {out['workers']} workers: {o['ok']} solved, {o['refused_503']} refused "
          f"with 503 ({o['refused_with_retry_after']} with Retry-After) in at most {o['refused_answer_ms_max']} ms; "
          f"other statuses: {o['other'] or 'none'}")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
