"""How fast simple commands answer, as whole processes, against their goals (issue 2).

    python benchmarks/cli_speed.py [--runs 5]

Prints the median wall time of each command over N runs and its ratio to the goal
(< 1.0 meets it). The name index is built once before timing (it is cached per catalog version).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = [  # (command, goal in seconds)
    (["dlrig", "--help"], 0.5),
    (["dlrig", "gpus", "--json"], 1.0),
    (["dlrig", "gpus", "--prices", "seed-2015"], 1.0),
    (["dlrig", "catalog", "show", "GeForce RTX 4090", "--json"], 1.0),
    (["dlrig", "catalog", "search", "x99", "--category", "motherboard"], 1.0),
    (["dlrig", "check", "examples/seed-2015.yaml", "--json"], 1.0),
]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    timed(["dlrig", "catalog", "show", "GeForce RTX 4090"])  # warm the name-index cache
    print(f"{'command':58s} {'median s':>9s} {'goal s':>7s} {'ratio':>6s}")
    worst = 0.0
    for cmd, goal in COMMANDS:
        median = statistics.median(timed(cmd) for _ in range(args.runs))
        worst = max(worst, median / goal)
        print(f"{' '.join(cmd[1:]):58s} {median:9.3f} {goal:7.2f} {median / goal:6.2f}")
    print(f"worst ratio to goal: {worst:.2f} ({'all goals met' if worst < 1 else 'a goal is missed'})")
    sys.exit(0)


if __name__ == "__main__":
    main()
