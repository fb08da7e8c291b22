"""The probe facade on captured samples: backends chosen in one place, failures recorded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dlrig.catalog.store import default_catalog
from dlrig.machine import backends, parsers
from dlrig.machine.model import GpuInfo, MachineInfo, PcieLink
from dlrig.machine.probe import build_from_probe, link_findings, probe, probe_gpus

TR = "trpro-4x-a6000"


def sample_paths(samples: Path, machine: str) -> backends.Paths:
    root = samples / machine
    return backends.Paths(proc=root, sys_block=root / "sys_block", cpufreq=root / "none",
                          os_release=root / "os-release")


def fail(message: str):
    def reader():
        raise backends.Unavailable(message)
    return reader


def test_probe_on_samples_records_every_failed_gpu_backend(samples: Path) -> None:
    info = probe(sample_paths(samples, TR), gpu_backends=(("nvml", fail("no nvml")), ("nvidia-smi", fail("no smi"))))
    assert info.cpu.cores == 32 and info.memory.total_gb and len(info.drives) == 4
    assert info.gpus == ()
    assert [(e.what, e.error) for e in info.errors if "gpus" in e.what] == [
        ("gpus (nvml)", "no nvml"), ("gpus (nvidia-smi)", "no smi")]


def test_first_gpu_backend_that_answers_wins(samples: Path) -> None:
    dump = json.loads((samples / TR / "nvml.json").read_text())
    smi = (samples / TR / "nvidia-smi-q.txt").read_text()
    errors, sources = [], {}
    _, _, gpus, _ = probe_gpus(errors, sources, (
        ("nvml", fail("driver gone")),
        ("nvidia-smi", lambda: (*parsers.parse_nvidia_smi_q(smi), [])),
        ("never", lambda: parsers.gpus_from_nvml_dump(dump))))
    assert len(gpus) == 4 and sources == {"gpus": "nvidia-smi"} and [e.what for e in errors] == ["gpus (nvml)"]


def test_a_crashing_reader_is_recorded_not_raised(samples: Path) -> None:
    def boom():
        raise RuntimeError("segfault-ish")
    info = probe(sample_paths(samples, TR), gpu_backends=(("nvml", boom),))
    assert ("gpus (nvml)", "RuntimeError: segfault-ish") in [(e.what, e.error) for e in info.errors]


def test_missing_files_leave_fields_unknown(tmp_path: Path) -> None:
    (tmp_path / "sys_block").mkdir()
    info = probe(backends.Paths(proc=tmp_path, sys_block=tmp_path / "sys_block", cpufreq=tmp_path / "x",
                                os_release=tmp_path / "x"), gpu_backends=())
    assert info.memory.total_gb is not None  # psutil answered after /proc/meminfo failed
    assert any(e.what == "cpu (/proc/cpuinfo)" for e in info.errors)
    assert info.sources["memory"] == "psutil"


def test_link_findings_width_is_a_warning_idle_gen_a_note(samples: Path) -> None:
    _, _, gpus = parsers.parse_nvidia_smi_q((samples / "x99-4x-titanx" / "nvidia-smi-q.txt").read_text())
    found = link_findings(gpus)
    assert [(f.gpu, f.severity) for f in found] == [(1, "warning"), (2, "warning"), (3, "warning"), (3, "note")]
    assert "x4 of x16" in found[1].message
    slot = GpuInfo(0, link=PcieLink(gen_current=3, gen_max=3, gen_device_max=4, width_current=16, width_max=16))
    assert [f.message for f in link_findings([slot])] == ["GPU 0 is a Gen4 device in a Gen3 slot"]


def test_build_from_probe_groups_gpus_and_leaves_unknowns_out(samples: Path) -> None:
    paths = sample_paths(samples, TR)
    dump = json.loads((samples / TR / "nvml.json").read_text())
    info = probe(paths, gpu_backends=(("nvml", lambda: parsers.gpus_from_nvml_dump(dump)),))
    pb = build_from_probe(info, default_catalog(), name="tr")
    parts = pb.build.parts
    assert [(r.name, r.count) for r in parts["gpu"]] == [("gpu/rtx-a6000", 4)]
    assert parts["cpu"][0].name == "cpu/amd-ryzen-threadripper-pro-5975wx"
    assert len(parts["storage"]) == 1 and parts["storage"][0].count == 2  # two 980 PROs; the HDD is unknown
    assert any(line.startswith("storage: ST16000NM001G") for line in pb.left_out)
    assert "sdb" not in str(pb.matches)  # the removable USB stick is not a part of the build


def test_power_cap_goes_into_the_build() -> None:
    capped = GpuInfo(0, name="NVIDIA GeForce GTX TITAN X", memory_mib=12288, power_limit_w=200,
                     default_power_limit_w=250)
    pb = build_from_probe(MachineInfo(gpus=(capped, GpuInfo(1, name="NVIDIA GeForce GTX TITAN X"))),
                          default_catalog())
    assert [(r.count, r.power_limit_w) for r in pb.build.parts["gpu"]] == [(1, 200), (1, None)]


def test_nothing_is_touched_at_import() -> None:
    code = ("import sys; import dlrig.machine.probe, dlrig.machine.backends, dlrig.machine.bench.runner, "
            "dlrig.cli.machine_cmds; bad = [m for m in ('pynvml', 'torch', 'psutil', 'rich', 'numpy', 'PIL') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("machine", ["x99-4x-titanx", TR])
def test_to_dict_is_json(samples: Path, machine: str) -> None:
    info = probe(sample_paths(samples, machine), gpu_backends=())
    assert json.loads(json.dumps(info.to_dict()))["cpu"]["threads"] in (12, 64)
