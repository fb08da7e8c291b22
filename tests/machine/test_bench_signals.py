"""`dlrig bench` stopped by SIGTERM or SIGHUP cleans up as Ctrl-C does (issue 19: SIGTERM left its
temporary folder, up to 257 MB, every time, and once three worker processes).

The bench runs in a real subprocess (signals are process-wide), with its sizes cut down so that it
reaches the loader step, where worker processes run, within seconds; the signal is sent
while the workers are alive.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")

SCRIPT = """
import sys
from dataclasses import replace
from dlrig.machine.bench import runner
runner.QUICK = replace(runner.QUICK, jpegs=8, loader_passes=5000)  # a loader step of minutes
from dlrig.cli import main
sys.argv = ["dlrig", *sys.argv[1:]]
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_removes_the_temporary_folder_and_ends_the_workers(tmp_path: Path, signum: int) -> None:
    env = {**os.environ, "DLRIG_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, "bench", "--quick", "--json", "--dir", str(tmp_path),
                             "--skip", "cpu,disk,decode,gpu,train", "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        workers = _wait_for_workers(proc.pid, tmp_path)
        assert list(tmp_path.glob("dlrig-bench-*")), "the bench's temporary folder exists while it runs"
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signum, stderr.decode()
    assert b"Traceback" not in stderr and b"stopped by signal" in stderr
    assert not list(tmp_path.glob("dlrig-bench-*")), "the temporary folder is removed"
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers), "no worker process outlives the bench"


def _wait_for_workers(pid: int, folder: Path, timeout: float = 90.0) -> list:
    """The bench's worker processes, once its loader step has started them."""
    parent = psutil.Process(pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = [p for p in parent.children(recursive=True) if _is_worker(p)]
        if len(kids) >= 2:
            time.sleep(0.5)  # let them start their work
            return kids
        time.sleep(0.1)
    raise AssertionError("the bench started no worker processes within its loader step")


def _is_worker(p: object) -> bool:
    try:
        return "multiprocessing" in " ".join(p.cmdline())  # type: ignore[attr-defined]
    except psutil.Error:
        return False


def _alive(p: object) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE  # type: ignore[attr-defined]
    except psutil.Error:
        return False
