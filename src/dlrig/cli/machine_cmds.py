"""``dlrig probe`` and ``dlrig bench``: what this machine is, and what it does against what it
should. Thin commands over dlrig.machine; Rich is imported inside the renderers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from dlrig.cli import app
from dlrig.cli.common import catalog, emit_json, err, handle_errors

if TYPE_CHECKING:
    from dlrig.machine.model import MachineInfo
    from dlrig.machine.probe import ProbedBuild

VERDICT_STYLE = {"good": "green", "fair": "yellow", "poor": "bold red", "unknown": "dim", "reported": "dim"}


@app.command("probe")
@handle_errors
def probe_cmd(
    out: Path | None = typer.Option(None, "--out", "-o", help="write a build file of the parts the catalog knows"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """CPU, memory, GPUs (with their PCIe links), drives and OS of this machine, matched to the catalog."""
    from dlrig.build import save_build
    from dlrig.machine.probe import build_from_probe, link_findings, probe

    info = probe()
    probed = build_from_probe(info, catalog())
    if out is not None:
        save_build(probed.build, out)
        err(f"wrote {out} ({sum(len(v) for v in probed.build.parts.values())} part lines; left out: "
            f"{'; '.join(probed.left_out)})")
    if json_out:
        emit_json({"machine": info.to_dict(), "links": [f.__dict__ for f in link_findings(info.gpus)],
                   "matches": [{"category": c, "probed": m.probed, "part": m.part.id if m.part else None,
                                "how": m.how} for c, m in probed.matches],
                   "left_out": list(probed.left_out)})
    else:
        _render_probe(info, probed)


MAX_WORKERS = 1024


@app.command("bench")
@handle_errors
def bench_cmd(
    quick: bool = typer.Option(False, "--quick", help="small sizes: about a minute on 2 cores"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON document"),
    save: bool = typer.Option(False, "--save", help="keep the results for dlrig estimate (DLRIG_HOME or "
                              "~/.local/share/dlrig/bench)"),
    folder: Path | None = typer.Option(None, "--dir", help="folder on the drive to test (default: the system "
                                       "temporary folder); a temporary folder inside it is removed afterwards"),
    skip: str = typer.Option("", "--skip", help="steps to skip, comma-separated: cpu,disk,decode,loader,gpu,train"),
    workers: int | None = typer.Option(None, "--workers", min=1, max=MAX_WORKERS,
                                       help=f"processes for all-core steps, 1-{MAX_WORKERS} (default: all CPUs)"),
) -> None:
    """Measure CPU GEMM, disk, JPEG decode, a loader and (with PyTorch) each GPU, beside expected figures.

    Ctrl-C, SIGTERM and SIGHUP stop it cleanly: its temporary folder is removed and its worker
    processes are ended (exit 130, 143 or 129)."""
    from dataclasses import replace

    from dlrig.machine.bench.runner import QUICK, BenchConfig, Terminated, run_bench

    if save:
        from dlrig.machine.calibration import check_writable

        check_writable()  # before minutes of measuring, not after
    config = replace(QUICK if quick else BenchConfig(), folder=folder, workers=workers,
                     skip=frozenset(s.strip() for s in skip.split(",") if s.strip()))
    try:
        run = run_bench(config, reporter=None if json_out else _progress())
    except Terminated as exc:
        err(f"dlrig bench: stopped by signal {exc.signum}; its temporary folder and worker processes are gone")
        raise typer.Exit(128 + exc.signum) from None
    result = run.to_dict()
    if save:
        from dlrig.machine.calibration import save as save_result

        err(f"saved {save_result(result)}")
    if json_out:
        emit_json(result)
    else:
        _render_bench(result)


# -- rendering (Rich, lazily) ------------------------------------------------------------------
class _RichProgress:
    """A Rich progress bar on stderr, one step per bench stage."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from dlrig.cli.common import console

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                 console=console(stderr=True), transient=True)
        self.task: Any = None

    def stage(self, name: str, index: int, total: int) -> None:
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task(name, total=total)
        self.progress.update(self.task, completed=index, description=name)
        if index >= total:
            self.progress.stop()


def _progress() -> _RichProgress:
    return _RichProgress()


def _fmt(value: float | None, digits: int = 0) -> str:
    return "?" if value is None else f"{value:,.{digits}f}"


def _render_probe(info: MachineInfo, probed: ProbedBuild) -> None:
    from rich.markup import escape

    from dlrig.cli.common import console
    from dlrig.machine.probe import link_findings

    out = console()
    c, m = info.cpu, info.memory
    out.print(f"[bold]CPU[/]: {escape(c.model or '?')} ({_fmt(c.cores)} cores, {_fmt(c.threads)} threads, "
              f"{_fmt(c.sockets)} socket(s))")
    out.print(f"[bold]Memory[/]: {_fmt(m.total_gb, 1)} GB")
    out.print(f"[bold]GPUs[/]: {len(info.gpus)}" + (f" (driver {info.gpu_driver}, CUDA {info.cuda_driver_version})"
                                                   if info.gpu_driver else ""))
    for g in info.gpus:
        ln = g.link
        out.print(f"  {g.index}: {escape(g.name or '?')}, {_fmt((g.memory_mib or 0) / 1024 or None, 1)} GiB, "
                  f"power limit {_fmt(g.power_limit_w)} W, PCIe Gen{ln.gen_current or '?'} x{ln.width_current or '?'}"
                  f" (max Gen{ln.gen_max or '?'} x{ln.width_max or '?'}), bus {g.bus_id or '?'}")
    for f in link_findings(info.gpus):
        style = "yellow" if f.severity == "warning" else "cyan"
        out.print(f"  [{style}]{f.severity}[/]: {escape(f.message)}")
    out.print(f"[bold]Drives[/]: {len(info.drives)}")
    for d in info.drives:
        kind = "rotational" if d.rotational else "non-rotational" if d.rotational is False else "?"
        out.print(f"  {d.device}: {escape(d.model or '?')}, {d.interface or '?'}, {kind}, {_fmt(d.capacity_gb)} GB"
                  + (f", mounted at {', '.join(d.mountpoints)}" if d.mountpoints else ""))
    out.print(f"[bold]OS[/]: {escape(info.os.distribution or info.os.system or '?')}, kernel {info.os.kernel or '?'}")
    out.print("\n[bold]Catalog matches[/]")
    for cat, mt in probed.matches:
        found = f"[green]{escape(mt.part.name)}[/]" if mt.part else "[dim]not matched[/]"
        out.print(f"  {cat}: {escape(mt.probed or '?')} -> {found} ({escape(mt.how)})")
    for line in probed.left_out:
        out.print(f"  [dim]left out: {escape(line)}[/]")
    if info.errors:
        out.print("\n[bold yellow]Probe errors[/] (readings that failed; the fields they would fill are unknown)")
        for e in info.errors:
            out.print(f"  {escape(e.what)}: {escape(e.error)}")


def _render_bench(result: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from dlrig.cli.common import console

    out = console()
    table = Table(box=None, show_edge=False, title=f"dlrig bench{' --quick' if result['quick'] else ''} "
                  f"({result['duration_s']:.0f} s)")
    for col in ("measurement", "measured", "expected", "fraction", "verdict", "expected from"):
        table.add_column(col, overflow="fold")
    for c in result["checks"]:
        unit = c["unit"]
        frac = "?" if c["fraction"] is None else f"{c['fraction']:.2f}"
        table.add_row(escape(c["label"]), f"{_fmt(c['value'], 1)} {unit}", f"{_fmt(c['expected'], 1)}", frac,
                      f"[{VERDICT_STYLE[c['verdict']]}]{c['verdict']}[/]", escape(c["expected_source"]))
    out.print(table)
    for claim in result["claims"]:
        out.print(f"\n[bold]The post: \"{escape(claim['claim'])}\"[/]\n  {escape(claim['answer'])}")
        if claim.get("note"):
            out.print(f"  [dim]{escape(claim['note'])}[/]")
    if result["skipped"]:
        out.print("\n[bold]Skipped[/]")
        for s in result["skipped"]:
            out.print(f"  {escape(s['what'])}: {escape(s['why'])}")
    for e in result["errors"]:
        out.print(f"[bold red]failed[/] {escape(e['what'])}: {escape(e['error'])}")
    for n in result["notes"]:
        out.print(f"[dim]note: {escape(n)}[/]")
