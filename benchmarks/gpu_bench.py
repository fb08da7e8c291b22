#!/usr/bin/env python
"""GPU check for a lent machine: ``dlrig probe``, ``dlrig bench``, a torch.matmul sweep, and
training throughput of zoo models against ``dlrig estimate`` (benchmarks/gpu_calibration.py).

Run from the repository root (dlrig installed, or ``src`` on the path):

    python benchmarks/gpu_bench.py                # everything, hard limit 480 s
    python benchmarks/gpu_bench.py --quick --limit-s 240

Writes to ``$OUT`` (or ``./out``), eight files at most: ``probe.json``, ``matmul_sweep.json``,
``bench.json``, ``calibration.json``, ``calibration.txt`` (measured against estimated),
``workflow.txt`` (a user's path on this machine: probe --out, check, estimate --measured),
``summary.txt`` and ``stderr.txt`` (every step's stderr, in order). Every step runs in its own
process group with a timeout, so a wedged CUDA call is killed rather than waited for; without
a GPU (or with a CPU-only PyTorch) the GPU parts are skipped with the reason, never hung on.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZES = (4096, 6144, 8192, 12288, 16384)  # multiples of 128 (tensor-core tiles)
PRECISIONS = ("bf16", "fp16", "tf32", "fp32", "fp8")
GRACE_S = 10.0  # after Ctrl-C, how long a step may take to clean up before it is killed
SWEEP_MIN_TIME_S = 0.3  # per (precision, size): enough repetitions for a stable best
REPO = Path(__file__).resolve().parents[1]
DLRIG = [sys.executable, "-c", "import sys; from dlrig.cli import main; sys.argv[0] = 'dlrig'; main()"]


def out_dir() -> Path:
    path = Path(os.environ.get("OUT") or "out")
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_step(name: str, args: list[str], timeout_s: float, out: Path) -> tuple[int | None, str]:
    """Run one step in its own process group; kill the whole group at the deadline."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
           "PYTHONUNBUFFERED": "1"}
    with (out / "stderr.txt").open("a") as err:
        err.write(f"\n==== {name}: {' '.join(args[-6:])}\n")
        err.flush()
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, text=True, cwd=REPO, env=env,
                                start_new_session=True)
        try:
            stdout, _ = proc.communicate(timeout=max(1.0, timeout_s))
            return proc.returncode, stdout
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C first: the bench removes its temporary folder
            try:
                proc.communicate(timeout=GRACE_S)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
            return None, ""


def save_json(out: Path, name: str, rc: int | None, stdout: str) -> dict[str, Any]:
    try:
        doc = json.loads(stdout) if stdout.strip() else {}
    except json.JSONDecodeError as exc:
        doc = {"error": f"not JSON: {exc}", "stdout_head": stdout[:2000]}
    if rc is None:
        doc = {"error": "timed out: killed", **doc}
    elif rc not in (0, 1):
        doc = {"error": f"exit status {rc} (see stderr.txt)", **doc}
    (out / f"{name}.json").write_text(json.dumps(doc, indent=2, default=str) + "\n")
    return doc


# -- the sweep (runs in a child process: `gpu_bench.py --sweep`) -----------------------------------
def sweep(deadline_s: float) -> dict[str, Any]:
    t_end = time.monotonic() + deadline_s
    try:
        import torch
    except ImportError:
        return {"skipped": "PyTorch is not installed"}
    if not torch.cuda.is_available():
        build = "CPU-only build" if not torch.version.cuda else f"CUDA {torch.version.cuda} build"
        return {"skipped": f"PyTorch {torch.__version__} ({build}) sees no CUDA GPU"}
    dev = torch.device("cuda", 0)
    doc: dict[str, Any] = {"device": torch.cuda.get_device_name(dev), "torch": torch.__version__,
                           "cuda": torch.version.cuda, "rates_tflops": {}, "best": {}, "incomplete": []}
    for precision in PRECISIONS:
        doc["rates_tflops"][precision] = {}
        for n in SIZES:
            if time.monotonic() > t_end:
                doc["incomplete"].append(f"{precision} {n}: out of time")
                continue
            try:
                doc["rates_tflops"][precision][str(n)] = matmul_tflops(torch, dev, precision, n)
            except torch.cuda.OutOfMemoryError:
                doc["incomplete"].append(f"{precision} {n}: out of memory")
                torch.cuda.empty_cache()
            except (RuntimeError, AttributeError) as exc:  # FP8 on a GPU or PyTorch without it
                doc["incomplete"].append(f"{precision} {n}: {type(exc).__name__}: {str(exc)[:200]}")
                break
        rates = doc["rates_tflops"][precision]
        if rates:
            size = max(rates, key=rates.__getitem__)
            doc["best"][precision] = {"tflops": rates[size], "size": int(size)}
    return doc


def matmul_tflops(torch: Any, dev: Any, precision: str, n: int) -> float:
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision, torch.float32)
    torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
    a = torch.randn(n, n, device=dev, dtype=dtype)
    b = torch.randn(n, n, device=dev, dtype=dtype)
    if precision == "fp8":  # E4M3 through torch._scaled_mm, second operand column-major, BF16 out
        a, b = a.to(torch.float8_e4m3fn), b.to(torch.float8_e4m3fn).t().contiguous().t()
        one = torch.ones((), device=dev)
        matmul = lambda x, y: torch._scaled_mm(x, y, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)  # noqa: E731
    else:
        matmul = torch.matmul
    matmul(a, b)
    torch.cuda.synchronize(dev)
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    best, spent, reps = float("inf"), 0.0, 0
    while spent < SWEEP_MIN_TIME_S or reps < 3:
        start.record()
        matmul(a, b)
        end.record()
        end.synchronize()
        dt = start.elapsed_time(end) / 1000
        best, spent, reps = min(best, dt), spent + dt, reps + 1
    del a, b
    torch.cuda.empty_cache()
    return 2.0 * n**3 / best / 1e12


def with_peaks(doc: dict[str, Any]) -> dict[str, Any]:
    """Each best rate as a fraction of the catalog's dense peak for this GPU, where dlrig knows it."""
    if "device" not in doc:
        return doc
    try:
        sys.path.insert(0, str(REPO / "src"))
        import torch

        from dlrig.catalog.store import default_catalog
        from dlrig.machine.match import match_gpu
        from dlrig.machine.model import GpuInfo

        mib = torch.cuda.get_device_properties(0).total_memory / 2**20
        chip = match_gpu(default_catalog(), GpuInfo(0, name=doc["device"], memory_mib=mib)).part
    except Exception as exc:  # the sweep's numbers stand without the catalog
        doc["catalog"] = f"not matched: {type(exc).__name__}: {exc}"
        return doc
    doc["catalog"] = chip.name if chip else "not in the catalog"
    for precision, best in doc["best"].items():
        peak = chip.tflops(precision) if chip else None  # type: ignore[union-attr]
        best.update(peak_tflops=peak, fraction_of_peak=best["tflops"] / peak if peak else None)
    return doc


def workflow(out: Path, budget_s: float) -> None:
    """A user's path on this machine, as they would type it: probe --out, check, estimate --measured."""
    build = Path(os.environ["DLRIG_HOME"]) / "probed-build.yaml"
    commands = [["probe", "--out", str(build)], ["check", str(build)],
                ["estimate", str(build), "--model", "resnet50", "--precision", "fp16", "--dataset", "imagenet",
                 "--epochs", "90", "--measured"]]
    text = []
    for argv in commands:
        rc, stdout = run_step("workflow", [*DLRIG, *argv], budget_s / len(commands), out)
        text.append(f"$ dlrig {' '.join(argv)}\n{stdout}[exit status {rc}]\n")
    if build.exists():
        text.append(f"---- {build.name}\n{build.read_text()}")
    (out / "workflow.txt").write_text("\n".join(text))


# -- the driver ------------------------------------------------------------------------------------
def summary(probe: dict[str, Any], bench: dict[str, Any], sweep_doc: dict[str, Any], times: dict[str, float]) -> str:
    lines = [f"steps (s): {json.dumps({k: round(v, 1) for k, v in times.items()})}"]
    machine = probe.get("machine", {})
    lines.append(f"GPUs probed: {[g.get('name') for g in machine.get('gpus', [])]}; links: "
                 f"{[x.get('message') for x in probe.get('links', [])]}")
    for c in bench.get("checks", []):
        frac = "?" if c.get("fraction") is None else f"{c['fraction']:.2f}"
        lines.append(f"{c['label']}: {c['value']} {c['unit']} vs {c['expected']} -> {frac} {c['verdict']}")
    lines += [f"skipped: {s['what']}: {s['why']}" for s in bench.get("skipped", [])]
    lines += [f"failed: {e['what']}: {e['error']}" for e in bench.get("errors", [])]
    lines += [f"claim: {c['answer']}" for c in bench.get("claims", [])]
    if "skipped" in sweep_doc:
        lines.append(f"matmul sweep skipped: {sweep_doc['skipped']}")
    for precision, best in sweep_doc.get("best", {}).items():
        frac = best.get("fraction_of_peak")
        lines.append(f"matmul {precision}: {best['tflops']:.1f} TFLOP/s at {best['size']}"
                     + (f" = {frac:.0%} of {best['peak_tflops']:g} peak" if frac else ""))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="dlrig bench --quick")
    parser.add_argument("--limit-s", type=float, default=480.0, help="hard limit for everything (s)")
    parser.add_argument("--skip", default="", help="comma-separated: sweep, calibration (the rest always runs)")
    parser.add_argument("--sweep", action="store_true", help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--sweep-s", type=float, default=120.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if skip - {"sweep", "calibration"}:
        parser.error(f"--skip: unknown step(s) {', '.join(sorted(skip - {'sweep', 'calibration'}))}")
    if args.sweep:
        print(json.dumps(with_peaks(sweep(args.sweep_s)), default=str))
        return 0
    out, t0 = out_dir(), time.monotonic()
    home = tempfile.TemporaryDirectory(prefix="dlrig-gpu-bench-")  # bench --save and the probed build go here
    os.environ["DLRIG_HOME"] = home.name

    def left(share: float) -> float:
        return (args.limit_s - (time.monotonic() - t0)) * share

    times: dict[str, float] = {}

    def step(name: str, argv: list[str], share: float) -> dict[str, Any]:
        start = time.monotonic()
        rc, stdout = run_step(name, argv, left(share), out)
        times[name] = time.monotonic() - start
        return save_json(out, name, rc, stdout)

    probe = step("probe", [*DLRIG, "probe", "--json"], 0.1)
    sweep_budget = left(0.25)
    sweep_doc = {"skipped": "--skip sweep"} if "sweep" in skip else step(
        "matmul_sweep", [sys.executable, __file__, "--sweep", "--sweep-s", str(sweep_budget * 0.8)], 0.25)
    bench = step("bench", [*DLRIG, "bench", "--json", "--save", *(["--quick"] if args.quick else [])], 0.5)
    workflow(out, left(0.1))
    calib: dict[str, Any] = {"skipped": "--skip calibration"}
    if "calibration" not in skip:
        calibration_budget = left(0.9)
        calib = step("calibration", [sys.executable, str(REPO / "benchmarks" / "gpu_calibration.py"), "--measure",
                                     "--limit-s", str(calibration_budget * 0.7)], 0.9)
        rc, text = run_step("compare", [sys.executable, str(REPO / "benchmarks" / "gpu_calibration.py"),
                                        "--compare", str(out / "calibration.json")], left(0.9), out)
        (out / "calibration.txt").write_text(text if rc == 0 else f"compare failed ({rc}); see stderr.txt\n")
    failed = calib.get("failed") or calib.get("skipped") or calib.get("error") or "none"
    text = summary(probe, bench, sweep_doc, times) + f"calibration: {len(calib.get('rows', []))} rows, " \
        f"failed: {failed}\n"
    (out / "summary.txt").write_text(text)
    print(text, end="")
    home.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
