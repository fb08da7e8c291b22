"""Pure parsers on captured text of two multi-GPU machines (tests/machine/samples/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlrig.machine import backends, parsers
from dlrig.machine.model import PcieLink

X99 = "x99-4x-titanx"
TR = "trpro-4x-a6000"


def text(samples: Path, *parts: str) -> str:
    return samples.joinpath(*parts).read_text()


def test_cpuinfo_counts_cores_threads_and_keeps_simd_flags(samples: Path) -> None:
    x99 = parsers.parse_cpuinfo(text(samples, X99, "cpuinfo"))
    assert (x99.model, x99.cores, x99.threads, x99.sockets) == ("Intel(R) Core(TM) i7-5820K CPU @ 3.30GHz", 6, 12, 1)
    assert {"avx2", "fma"} <= x99.flags and "avx512f" not in x99.flags and "vmx" not in x99.flags
    tr = parsers.parse_cpuinfo(text(samples, TR, "cpuinfo"))
    assert (tr.cores, tr.threads, tr.vendor) == (32, 64, "AuthenticAMD")
    assert tr.max_mhz == pytest.approx(4549.12)


def test_cpuinfo_empty_is_all_unknown() -> None:
    info = parsers.parse_cpuinfo("")
    assert info.model is None and info.cores is None and info.threads is None


def test_meminfo(samples: Path) -> None:
    mem = parsers.parse_meminfo(text(samples, TR, "meminfo"))
    assert mem.total_gb == pytest.approx(263808712 * 1024 / 1e9)
    assert parsers.parse_meminfo("nonsense").total_gb is None


@pytest.mark.parametrize(("raw", "value"), [("0\n", False), ("1\n", True), ("", None), ("x", None)])
def test_rotational(raw: str, value: bool | None) -> None:
    assert parsers.parse_rotational(raw) is value


def test_drives_from_sys_block_samples(samples: Path) -> None:
    x99 = {d.device: d for d in backends.drives(backends.Paths(sys_block=samples / X99 / "sys_block"))}
    assert set(x99) == {"sda", "sdb"}  # loop0 is not a drive
    assert (x99["sda"].model, x99["sda"].interface, x99["sda"].rotational) == ("Samsung SSD 870 QVO 1TB", "sata", False)
    assert x99["sdb"].rotational is True and x99["sda"].capacity_gb == pytest.approx(1000.2, abs=0.1)
    tr = {d.device: d for d in backends.drives(backends.Paths(sys_block=samples / TR / "sys_block"))}
    assert set(tr) == {"nvme0n1", "nvme1n1", "sda", "sdb"}  # dm-0 is a volume, not a drive
    assert tr["nvme0n1"].interface == "nvme" and tr["sdb"].interface == "usb" and tr["sdb"].removable
    assert tr["sdb"].model == "SanDisk Ultra Fit"


@pytest.mark.parametrize(("device", "parent"), [("/dev/nvme0n1p2", "nvme0n1"), ("/dev/sda1", "sda"),
                                                ("/dev/mmcblk0p1", "mmcblk0"), ("/dev/vda", "vda")])
def test_partition_parent(device: str, parent: str) -> None:
    assert parsers.partition_parent(device) == parent


def test_lspci_finds_the_gpu_at_x4_of_x16(samples: Path) -> None:
    gpus = [d for d in parsers.parse_lspci_vv(text(samples, X99, "lspci-vv.txt")) if d.is_nvidia_gpu]
    assert [d.slot for d in gpus] == ["02:00.0", "03:00.0", "04:00.0", "07:00.0"]
    assert gpus[0].name == "GeForce GTX TITAN X"
    assert [(d.link.gen_current, d.link.width_current) for d in gpus] == [(3, 16), (3, 8), (3, 4), (2, 4)]
    assert all((d.link.gen_max, d.link.width_max) == (3, 16) for d in gpus)
    assert gpus[2].link.width_reduced and not gpus[0].link.width_reduced


def test_lspci_without_root_hides_links(samples: Path) -> None:
    (dev,) = parsers.parse_lspci_vv(text(samples, "lspci-vv-nonroot.txt"))
    assert dev.is_nvidia_gpu and dev.capabilities_hidden and dev.link == PcieLink()


def test_nvidia_smi_old_layout(samples: Path) -> None:
    driver, cuda, gpus = parsers.parse_nvidia_smi_q(text(samples, X99, "nvidia-smi-q.txt"))
    assert (driver, cuda, len(gpus)) == ("535.161.07", "12.2", 4)
    g = gpus[2]
    assert (g.name, g.memory_mib, g.bus_id) == ("NVIDIA GeForce GTX TITAN X", 12288, "0000:04:00.0")
    assert (g.link.gen_current, g.link.gen_max, g.link.width_current, g.link.width_max) == (3, 3, 4, 16)
    assert gpus[3].power_limit_w == 200 and gpus[3].default_power_limit_w == 250


def test_nvidia_smi_new_layout(samples: Path) -> None:
    driver, _, gpus = parsers.parse_nvidia_smi_q(text(samples, TR, "nvidia-smi-q.txt"))
    assert driver == "550.120" and [g.index for g in gpus] == [0, 1, 2, 3]
    g = gpus[1]
    assert (g.name, g.power_limit_w, g.default_power_limit_w) == ("NVIDIA RTX A6000", 300, 300)
    assert (g.link.gen_current, g.link.gen_max, g.link.gen_device_max, g.link.width_current) == (1, 4, 4, 16)


def test_nvml_dump_records_failed_calls(samples: Path) -> None:
    dump = json.loads(text(samples, TR, "nvml.json"))
    driver, cuda, gpus, errors = parsers.gpus_from_nvml_dump(dump)
    assert (driver, cuda, len(gpus)) == ("550.120", "12.4", 4)
    assert gpus[0].memory_mib == pytest.approx(49140)
    assert gpus[2].link.width_current == 8 and gpus[2].link.width_reduced
    assert gpus[1].default_power_limit_w is None
    assert [e.what for e in errors] == ["gpu 1 default_power_limit_mw (nvml)"]


def test_bus_ids_normalized() -> None:
    assert parsers.normalize_bus_id("00000000:41:00.0") == parsers.normalize_bus_id("41:00.0") == "0000:41:00.0"


def test_os_release(samples: Path) -> None:
    assert parsers.parse_os_release(text(samples, TR, "os-release")) == "Ubuntu 24.04.1 LTS"
