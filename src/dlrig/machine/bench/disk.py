"""Disk reads with the page cache bypassed: O_DIRECT with page-aligned buffers, or, where the
file system refuses O_DIRECT (tmpfs, some network and FUSE file systems), ``fsync`` then
``posix_fadvise(DONTNEED)`` before reading, which the result then says.

Everything is written inside the folder the caller gives (the bench's temporary folder).
"""

from __future__ import annotations

import mmap
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ALIGN = 4096  # O_DIRECT needs buffers, offsets and lengths aligned to the logical block size (<= 4 KiB)
CHUNK_BYTES = 4 * 2**20
O_DIRECT = getattr(os, "O_DIRECT", 0)


@dataclass(frozen=True)
class DiskResult:
    seq_read_mb_s: float
    small_file_reads_per_s: float
    small_file_bytes: int
    small_files: int
    readers: int
    method: str  # "O_DIRECT" or "posix_fadvise DONTNEED (...)"


def _fill(path: Path, size: int) -> None:
    block = os.urandom(CHUNK_BYTES)  # incompressible, so a compressing file system cannot cheat
    with path.open("wb") as fh:
        written = 0
        while written < size:
            n = min(CHUNK_BYTES, size - written)
            fh.write(block[:n])
            written += n
        fh.flush()
        os.fsync(fh.fileno())


def write_small_files(folder: Path, count: int, size: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    data = os.urandom(size)
    paths = []
    for i in range(count):
        path = folder / f"f{i:06d}.bin"
        with path.open("wb") as fh:
            fh.write(data[i % 251:] + data[: i % 251])
        paths.append(path)
    os.sync()  # data and metadata on disk before timing
    return paths


def direct_supported(path: Path) -> tuple[bool, str]:
    """Whether this file system serves O_DIRECT reads; the reason when not."""
    if not O_DIRECT:
        return False, "O_DIRECT not available on this OS"
    try:
        fd = os.open(path, os.O_RDONLY | O_DIRECT)
    except OSError as exc:
        return False, f"O_DIRECT refused: {exc.strerror}"
    buf = mmap.mmap(-1, ALIGN)
    try:
        os.readv(fd, [buf])
        return True, "O_DIRECT"
    except OSError as exc:
        return False, f"O_DIRECT read failed: {exc.strerror}"
    finally:
        os.close(fd)
        buf.close()


def drop_cache(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def read_file(path: Path, buf: mmap.mmap, direct: bool) -> int:
    """Read a whole file into ``buf`` (page-aligned, as O_DIRECT requires); bytes read."""
    if not direct:
        drop_cache(path)
    fd = os.open(path, os.O_RDONLY | (O_DIRECT if direct else 0))
    total = 0
    try:
        while True:
            n = os.readv(fd, [buf])
            if n <= 0:
                return total
            total += n
    finally:
        os.close(fd)


def seq_read_mb_s(path: Path, direct: bool, chunk: int = CHUNK_BYTES) -> float:
    buf = mmap.mmap(-1, chunk)
    try:
        t0 = time.perf_counter()
        n = read_file(path, buf, direct)
        return n / (time.perf_counter() - t0) / 1e6
    finally:
        buf.close()


def small_reads_per_s(paths: list[Path], file_bytes: int, direct: bool, readers: int) -> float:
    """Whole-file reads per second in random order, ``readers`` at a time (a loader's workers)."""
    order = paths[:]
    random.Random(0).shuffle(order)
    size = -(-file_bytes // ALIGN) * ALIGN + ALIGN

    def read_some(chunk: list[Path]) -> int:
        buf = mmap.mmap(-1, size)
        try:
            return sum(1 for p in chunk if read_file(p, buf, direct) >= 0)
        finally:
            buf.close()

    chunks = [order[i::readers] for i in range(readers)]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=readers) as pool:
        done = sum(pool.map(read_some, chunks))
    return done / (time.perf_counter() - t0)


def run(folder: Path, seq_bytes: int, small_files: int, small_file_bytes: int, readers: int) -> DiskResult:
    big = folder / "sequential.bin"
    _fill(big, seq_bytes)
    direct, why = direct_supported(big)
    method = "O_DIRECT" if direct else f"posix_fadvise DONTNEED ({why}; the cache drop is a request, not a guarantee)"
    seq = seq_read_mb_s(big, direct)
    big.unlink()
    paths = write_small_files(folder / "small", small_files, small_file_bytes)
    rate = small_reads_per_s(paths, small_file_bytes, direct, readers)
    return DiskResult(seq_read_mb_s=seq, small_file_reads_per_s=rate, small_file_bytes=small_file_bytes,
                      small_files=small_files, readers=readers, method=method)
