"""How fast simple commands answer, as whole processes, against their goals (issues 2 and 18).

    python benchmarks/cli_speed.py [--runs 5]

Prints the median wall time of each command over N runs and its ratio to the goal (< 1.0 meets
it), and the median CPU time (user + system) of the process: on cores that other work shares,
the wall time varies with that work and the CPU time much less. First, `dlrig check
examples/seed-2015.yaml` as a new user meets it: with an empty cache folder (a new one for each
run) and with one it cannot write (issue 18: at most 0.6 s each), then warm (at most 0.4 s).
The cache folder is $DLRIG_CACHE and $XDG_CACHE_HOME, both pointed at the folder under test.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECK = ["dlrig", "check", "examples/seed-2015.yaml", "--json"]
COMMANDS = [  # (command, goal in seconds)
    (["dlrig", "--help"], 0.5),
    (["dlrig", "gpus", "--json"], 1.0),
    (["dlrig", "gpus", "--prices", "seed-2015"], 1.0),
    (["dlrig", "catalog", "show", "GeForce RTX 4090", "--json"], 1.0),
    (["dlrig", "catalog", "search", "x99", "--category", "motherboard"], 1.0),
    (CHECK, 0.4),
]
FIRST_RUN_GOAL = 0.6  # seconds, empty or unwritable cache folder (issue 18)


def timed(cmd: list[str], cache: Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``cmd`` in a new process."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # a user's Python keeps .pyc
    if cache is not None:
        env.update(DLRIG_CACHE=str(cache), XDG_CACHE_HOME=str(cache))
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=env)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    return seconds, _children_cpu() - cpu


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def row(label: str, runs: list[tuple[float, float]], goal: float) -> float:
    """Print the medians against the goal; the ratio."""
    wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    print(f"{label:58s} {wall:9.3f} {cpu:7.3f} {goal:7.2f} {wall / goal:6.2f}")
    return wall / goal


def first_runs(runs: int) -> float:
    """`check` with a new empty cache folder each time, then with an unwritable one; the worst ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = [timed(CHECK, Path(tmp) / f"new-{i}") for i in range(runs)]
        locked = Path(tmp) / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            unwritable = [timed(CHECK, locked / "cache") for _ in range(runs)]
        finally:
            locked.chmod(0o700)
    return max(row("check (first run, empty cache folder)", empty, FIRST_RUN_GOAL),
               row("check (every run, unwritable cache folder)", unwritable, FIRST_RUN_GOAL))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    timed(["dlrig", "--help"])  # modules compiled once, as an installed package has them
    timed(CHECK)
    print(f"{'command':58s} {'median s':>9s} {'CPU s':>7s} {'goal s':>7s} {'ratio':>6s}")
    worst = first_runs(args.runs)
    for cmd, goal in COMMANDS:
        worst = max(worst, row(" ".join(cmd[1:]), [timed(cmd) for _ in range(args.runs)], goal))
    print(f"worst ratio to goal: {worst:.2f} ({'all goals met' if worst < 1 else 'a goal is missed'}); "
          f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    sys.exit(0)


if __name__ == "__main__":
    main()
