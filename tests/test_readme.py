"""The README works as written: its excerpt of the seed's priced headline matches what `dlrig seed`
and `dlrig cost` print today ("..." marks what the excerpt leaves out), and every command in its
code blocks runs on a fresh clone with empty caches."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dlrig.cli

dlrig.cli._register()
REPO = Path(__file__).resolve().parents[1]


def _excerpt() -> tuple[str, str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("### The post's headline, priced", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    seed, cost = block.split("$ dlrig cost examples/seed-2015.yaml --tax-rate 0.08 --vs devbox", 1)
    return seed.replace("$ dlrig seed", ""), cost


def _flat(text: str) -> str:
    return " ".join(text.split())


def _fragments(excerpt: str, per_line: bool) -> list[str]:
    """The excerpt's pieces between elisions; ``per_line``: each line is its own output line."""
    chunks = excerpt.splitlines() if per_line else [excerpt]
    return [f.strip() for chunk in chunks for f in re.split(r"\(\.\.\.\)|\.\.\.", _flat(chunk))
            if len(f.strip()) > 3]


@pytest.mark.parametrize(("which", "args"), [
    (0, ["seed"]), (1, ["cost", "examples/seed-2015.yaml", "--tax-rate", "0.08", "--vs", "devbox"])])
def test_the_tour_excerpt_is_what_dlrig_prints(which, args, monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(dlrig.cli.app, args, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    out = _flat(result.stdout)
    fragments = _fragments(_excerpt()[which], per_line=which == 1)
    assert len(fragments) >= 3
    at = 0
    for fragment in fragments:  # each piece, in the order the README shows them
        assert fragment in out[at:], fragment
        at = out.index(fragment, at) + len(fragment)
    if which == 0:
        assert "✓ holds Cost:" in out  # the $6,000 claim holds


# -- every command of the README, run as written on a fresh clone ---------------------------------
# Each line of the README's bash blocks runs with bash in a copy of the repository's examples
# (what a fresh clone has), with HOME in a temp folder and no DLRIG_*/XDG_* variables, so the
# caches (the name index, a saved bench) start empty as on a first run. A command must end in
# exit 0, or 1 where the README documents it ("1 the answer is no": a check that finds a
# problem), with no traceback, and write the files it names after --out or --plot. Skipped, each
# with its reason: the install lines and the suite itself, and the lines the README marks as
# needing an NVIDIA GPU when this machine has none.
#
# To stay near a minute on 2 cores, the commands run in README order one at a time until the
# first run has built the name index, then WORKERS at a time, each after the earlier commands
# whose files it reads (`export build.yaml` after `import ... --out build.yaml`; `--measured`
# after `bench --save`).
FENCE = re.compile(r"^```(?:bash|sh)\n(.*?)^```", re.S | re.M)
SKIPPED = {
    "python3 -m venv": "creates the virtual environment that this test suite already runs in",
    "pip install -e .": "installs from PyPI (network); the test suite runs inside such an install",
    "bash scripts/test.sh": "runs the whole test suite, this test among them",
}
WORKERS = 3
SERVE_WAIT_S = 30
BENCH = "<saved bench>"


@dataclass(frozen=True)
class ReadmeCommand:
    line: int
    command: str
    comment: str

    @property
    def skip_reason(self) -> str | None:
        for start, why in SKIPPED.items():
            if self.command.startswith(start):
                return why
        if self.comment.startswith("with an NVIDIA GPU") and not _has_nvidia_gpu():
            return "needs an NVIDIA GPU (the README says so); this machine has none"
        return None

    @property
    def words(self) -> list[str]:
        return shlex.split(self.command)

    @property
    def outputs(self) -> list[str]:
        """The files it writes: after --out or --plot."""
        w = self.words
        return [w[i + 1] for i, word in enumerate(w[:-1]) if word in ("--out", "--plot")]

    def writes(self) -> set[str]:
        return set(self.outputs) | ({BENCH} if "bench" in self.words and "--save" in self.words else set())

    def reads(self) -> set[str]:
        return set(self.words) | ({BENCH} if "--measured" in self.words else set())


def readme_commands() -> list[ReadmeCommand]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    out = []
    for block in FENCE.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        for i, raw in enumerate(block.group(1).splitlines()):
            command, _, comment = raw.partition("  #")
            if command.strip() and not command.lstrip().startswith("#"):
                out.append(ReadmeCommand(first + i, command.strip(), comment.strip()))
    return out


def _has_nvidia_gpu() -> bool:
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return False
    listed = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=30, check=False)
    return listed.returncode == 0 and "GPU" in listed.stdout


Result = subprocess.CompletedProcess


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Result]:
    """Every runnable README command's result, by README line, run on a fresh clone."""
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "dlrig").exists():
        pytest.skip(f"dlrig is not installed beside {sys.executable} (pip install -e .)")
    root = tmp_path_factory.mktemp("fresh-clone")
    shutil.copytree(REPO / "examples", root / "examples")
    home = root / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLRIG_", "XDG_"))}
    env.update(HOME=str(home), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", COLUMNS="120", NO_COLOR="1")
    todo = [c for c in readme_commands() if c.skip_reason is None]
    results: dict[int, Result] = {}
    while todo and not list((home / ".cache" / "dlrig").glob("names-*.sqlite")):
        cmd = todo.pop(0)
        results[cmd.line] = _run(cmd, root, env)
    with ThreadPoolExecutor(WORKERS) as pool:
        futures: dict[int, Future[Result]] = {}
        writer: dict[str, int] = {}
        for cmd in todo:
            after = [futures[writer[f]] for f in cmd.reads() if f in writer]
            futures[cmd.line] = pool.submit(_after, after, cmd, root, env)
            writer.update(dict.fromkeys(cmd.writes(), cmd.line))
        results.update({line: f.result() for line, f in futures.items()})
    for cmd in readme_commands():  # the files a command names after --out/--plot exist
        for name in cmd.outputs if cmd.line in results else ():
            if results[cmd.line].returncode in (0, 1) and not (root / name).is_file():
                results[cmd.line] = Result(cmd.command, 99, "", f"wrote no {name}")
    return results


def _after(before: list[Future[Result]], cmd: ReadmeCommand, root: Path, env: dict[str, str]) -> Result:
    for f in before:
        f.result()
    return _run(cmd, root, env)


def _run(cmd: ReadmeCommand, root: Path, env: dict[str, str]) -> Result:
    if cmd.command == "dlrig serve":
        return _serve(root, env)
    return subprocess.run(["bash", "-c", cmd.command], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def _serve(root: Path, env: dict[str, str]) -> Result:
    """`dlrig serve` runs until stopped: start it (on a free port: 8000 may be taken), fetch the
    home page, stop it; exit 0 when the page came."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["bash", "-c", f"exec dlrig serve --port {port}"], cwd=root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    page = ""
    try:
        deadline = time.monotonic() + SERVE_WAIT_S
        while time.monotonic() < deadline and server.poll() is None and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode("utf-8")
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        try:
            log = server.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            log = server.communicate()[0]
    ok = "Planner" in page
    return Result("dlrig serve", 0 if ok else 1, page, "" if ok else f"no page on port {port}: {log[-2000:]}")


def test_the_quick_start_makes_a_venv_before_it_installs():
    commands = [c.command for c in readme_commands()]
    venv = next(i for i, c in enumerate(commands) if c.startswith("python3 -m venv .venv && . .venv/bin/activate"))
    install = next(i for i, c in enumerate(commands) if c.startswith("pip install"))
    assert venv < install


@pytest.mark.parametrize("cmd", readme_commands(), ids=lambda c: f"L{c.line}")
def test_every_readme_command_runs_on_a_fresh_clone(cmd: ReadmeCommand, ran: dict[int, Result]) -> None:
    if cmd.skip_reason:
        pytest.skip(cmd.skip_reason)
    done = ran[cmd.line]
    checks = cmd.command.startswith("dlrig check") or "&& dlrig check" in cmd.command
    assert done.returncode in ({0, 1} if checks else {0}), \
        f"{cmd.command}\nexit {done.returncode}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr[-2000:]
