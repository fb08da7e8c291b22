"""Wall and CPU time of whole `dlrig plan --infer` commands, each in a new process as a user runs it.

    python benchmarks/plan_infer_speed.py [--runs 3]

Prints, per request, the median wall time, the median CPU time of the child process, and the
answer (GPU option, total, tokens/s at the low end) or the exit code, so a run that got faster
by answering differently shows it. The goal (issue 17's brief): about 1-3 s per command on the
2-core development VM.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import time

BASE = ["plan", "--infer", "--json"]
REQUESTS: tuple[tuple[str, list[str]], ...] = (
    ("70B q4_k_m 8k, 15 tok/s", ["--model", "llama-3-70b", "--weights", "q4_k_m", "--context", "8192",
                                 "--tokens-per-s", "15"]),
    ("70B q4_k_m 8k, 15 tok/s central", ["--model", "llama-3-70b", "--weights", "q4_k_m", "--context", "8192",
                                         "--tokens-per-s", "15", "--speed-basis", "central"]),
    ("8B q4_k_m 8k, 30 tok/s", ["--model", "llama-3-8b", "--weights", "q4_k_m", "--context", "8192",
                                "--tokens-per-s", "30"]),
    ("70B fp16 4k, 10 tok/s", ["--model", "llama-3-70b", "--weights", "fp16", "--context", "4096",
                               "--tokens-per-s", "10"]),
    ("70B, 500 tok/s (no answer)", ["--model", "llama-3-70b", "--weights", "q4_k_m", "--context", "8192",
                                    "--tokens-per-s", "500"]),
    ("70B, 15 tok/s, $2,000 (no answer)", ["--model", "llama-3-70b", "--weights", "q4_k_m", "--context", "8192",
                                           "--tokens-per-s", "15", "--budget", "2000"]),
)


def run_once(args: list[str]) -> tuple[float, float, int, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    exe = shutil.which("dlrig") or "dlrig"
    proc = subprocess.run([exe, *BASE, *args], capture_output=True, text=True, env=os.environ.copy(), check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode, _answer(proc.returncode, proc.stdout)


def _answer(code: int, out: str) -> str:
    try:
        doc = json.loads(out)
    except json.JSONDecodeError:
        return f"exit {code}, no JSON"
    if code == 0:
        return f"{doc['count']} x {doc['gpu']}, ${doc['total_usd']:,.0f}, {doc['tokens_per_s_range'][0]:.3g} tok/s low"
    return f"exit {code}: " + ", ".join(c["code"] for c in doc.get("causes", []))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    runs = ap.parse_args().runs
    print(f"{'request':38} {'wall s':>7} {'cpu s':>7}  answer")
    for name, args in REQUESTS:
        got = [run_once(args) for _ in range(runs)]
        wall = statistics.median(g[0] for g in got)
        cpu = statistics.median(g[1] for g in got)
        print(f"{name:38} {wall:7.2f} {cpu:7.2f}  {got[-1][3]}")


if __name__ == "__main__":
    main()
