"""The contract under a long fuzz run: every command, every input (issue 19's "Done when").

Part 1, the CLI: ``--cases`` generated command lines (default 10,000) from tests/fuzz/inputs.py
(build files, PCPartPicker lists, price and cloud-price CSVs, every command's options), each
run in process with Typer's CliRunner in a fresh folder. Counted: tracebacks, exit codes
outside 0/1/2, stdout that is not exactly one strict JSON document, runs over 10 s.

Part 2, the web: ``--web-cases`` schemathesis cases (default 5,000) over every API route and
the page routes (tests/web/test_fuzz.py's schemas), in process. Counted: 5xx answers, and
answers that do not match the schema.

Prints the counts, the time taken and the first failures of each kind (their command lines, to
keep as regression cases under tests/corpus/). Deterministic for a given ``--seed``.

    python benchmarks/fuzz_cli.py                      # 10,000 + 5,000 cases, about 17 minutes on 2 cores
    python benchmarks/fuzz_cli.py --cases 500 --web-cases 200
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def fuzz_cli(cases: int, seed: int, show: int) -> dict[str, Any]:
    from hypothesis import HealthCheck, Phase, given, settings
    from tests.fuzz.inputs import COMMANDS, commands, run_case

    counts: collections.Counter[str] = collections.Counter()
    by_command: collections.Counter[str] = collections.Counter()
    exits: collections.Counter[int] = collections.Counter()
    failures: dict[str, list[str]] = collections.defaultdict(list)
    slowest: list[tuple[float, str]] = []
    started = time.perf_counter()

    def one(case: Any) -> None:
        with tempfile.TemporaryDirectory(prefix="dlrig-fuzz-") as folder:
            out = run_case(case, Path(folder))
        counts["inputs"] += 1
        by_command[case.args[0] + (" " + case.args[1] if case.args[0] == "catalog" else "")] += 1
        exits[out.exit_code] += 1
        slowest.append((out.seconds, case.label()))
        slowest.sort(reverse=True)
        del slowest[5:]
        if out.traceback:
            counts["tracebacks"] += 1
        if out.exit_code not in (0, 1, 2):
            counts["bad exit codes"] += 1
        if not out.json_ok:
            counts["non-strict JSON"] += 1
        if out.seconds > 10:
            counts["runs over 10 s"] += 1
        if out.problem and len(failures[out.problem[:40]]) < show:
            failures[out.problem[:40]].append(f"{case.label()}  -> {out.problem}  files: "
                                              f"{ {k: v[:200] for k, v in case.files.items() if k in case.args} }")
        if counts["inputs"] % 500 == 0:
            print(f"  ... {counts['inputs']} inputs, {time.perf_counter() - started:.0f} s", file=sys.stderr)

    from hypothesis import seed as hseed

    total = sum(COMMANDS.values())
    for command, share in COMMANDS.items():
        n = max(1, -(-cases * share // total))  # rounded up: at least ``cases`` in all
        run = settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
                       suppress_health_check=list(HealthCheck))(given(commands(command))(one))
        hseed(seed)(run)()
    return {"inputs": counts["inputs"], "seconds": round(time.perf_counter() - started, 1),
            "tracebacks": counts["tracebacks"], "bad_exit_codes": counts["bad exit codes"],
            "non_strict_json": counts["non-strict JSON"], "runs_over_10_s": counts["runs over 10 s"],
            "exit_codes": dict(sorted(exits.items())), "by_command": dict(by_command.most_common()),
            "slowest": [f"{s:.2f} s  {label}" for s, label in slowest], "failures": dict(failures)}


def fuzz_web(cases: int, seed: int) -> dict[str, Any]:
    from tests.web.test_fuzz import long_run  # the schemas, the cut catalog and the checks of the CI run

    return long_run(cases, seed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000, help="CLI inputs (default 10,000)")
    ap.add_argument("--web-cases", type=int, default=5_000, help="schemathesis cases in all (default 5,000)")
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--show", type=int, default=3, help="failures shown per kind")
    args = ap.parse_args()
    import json

    report: dict[str, Any] = {}
    if args.cases:
        report["cli"] = fuzz_cli(args.cases, args.seed, args.show)
        c = report["cli"]
        print(f"CLI: {c['inputs']:,} inputs in {c['seconds']:,.0f} s: {c['tracebacks']} tracebacks, "
              f"{c['bad_exit_codes']} exits outside 0/1/2, {c['non_strict_json']} non-strict JSON, "
              f"{c['runs_over_10_s']} runs over 10 s; exit codes {c['exit_codes']}")
    if args.web_cases:
        report["web"] = fuzz_web(args.web_cases, args.seed)
        w = report["web"]
        print(f"web: {w['cases']:,} schemathesis cases in {w['seconds']:,.0f} s over {len(w['routes'])} routes: "
              f"{w['server_errors']} 5xx, {w['failed_checks']} failed checks; statuses {w['statuses']}")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
