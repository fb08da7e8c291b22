"""JPEG decode + resize (the CPU stage of an image pipeline) and an end-to-end loader.

Test images are made here, in the bench's temporary folder: ImageNet-like 500 x 375 JPEGs at
quality 90, smooth shapes plus sensor-like noise so they compress like photographs (~100 KB).
Each sample is decoded, cropped to a random 8-100% area and resized to 224 x 224 (the
RandomResizedCrop of torchvision's ImageNet recipe). Worker processes are started with
"spawn" (no fork of a process that may hold CUDA or BLAS threads) from a pool that is
terminated on the way out, so none outlives the bench.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing as mp
import os
import random
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IMAGE_SIZE = (500, 375)  # ImageNet's typical photo (mean about 400 x 350, many at 500 x 375)
JPEG_QUALITY = 90
CROP_TO = 224
RESULT_TIMEOUT_S = 120  # a worker that has not answered by then is broken: fail, never hang


def make_jpegs(folder: Path, count: int, seed: int = 0) -> list[Path]:
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    w, h = IMAGE_SIZE
    paths = []
    for i in range(count):
        coarse = rng.integers(0, 256, (6 + i % 5, 8 + i % 7, 3), dtype=np.uint8)
        base = np.asarray(Image.fromarray(coarse).resize((w, h), Image.Resampling.BICUBIC), dtype=np.int16)
        detail = rng.integers(0, 256, (h // 4, w // 4, 3), dtype=np.uint8)
        texture = np.asarray(Image.fromarray(detail).resize((w, h), Image.Resampling.BILINEAR), dtype=np.int16) - 128
        noise = rng.normal(0, 9, (h, w, 3))
        pixels = np.clip(base + texture // 3 + noise, 0, 255).astype(np.uint8)
        path = folder / f"img{i:05d}.jpg"
        Image.fromarray(pixels).save(path, "JPEG", quality=JPEG_QUALITY)
        paths.append(path)
    return paths


def decoders() -> dict[str, str]:
    """Decoders that can run here: name -> description. Pillow always; faster ones when installed."""
    from PIL import features

    turbo = features.check_feature("libjpeg_turbo")
    found = {"pillow": f"Pillow ({'libjpeg-turbo' if turbo else 'libjpeg'})"}
    for module, name, label in (("simplejpeg", "simplejpeg", "simplejpeg (libjpeg-turbo)"),
                                ("turbojpeg", "pyturbojpeg", "PyTurboJPEG"), ("cv2", "opencv", "OpenCV")):
        try:
            __import__(module)
        except ImportError:
            continue
        found[name] = label
    return found


def _crop_box(w: int, h: int, rnd: random.Random) -> tuple[int, int, int, int]:
    area = w * h * rnd.uniform(0.08, 1.0)
    side = min(int(area**0.5), w, h)
    x, y = rnd.randint(0, w - side), rnd.randint(0, h - side)
    return x, y, x + side, y + side


def decode_resize(data: bytes, decoder: str, rnd: random.Random) -> Any:
    """Decode one JPEG and produce a 224 x 224 RGB crop (a NumPy array or PIL image)."""
    if decoder == "pillow":
        from PIL import Image

        img = Image.open(io.BytesIO(data)).convert("RGB")
        return img.resize((CROP_TO, CROP_TO), Image.Resampling.BILINEAR, box=_crop_box(*img.size, rnd)).tobytes()
    import numpy as np

    if decoder == "simplejpeg":
        import simplejpeg

        arr = simplejpeg.decode_jpeg(data, colorspace="RGB")
    elif decoder == "pyturbojpeg":
        from turbojpeg import TurboJPEG

        arr = TurboJPEG().decode(data)
    else:
        import cv2

        arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    import cv2 as _cv2  # resize with OpenCV when a non-Pillow decoder is used (how such loaders run)

    x0, y0, x1, y1 = _crop_box(arr.shape[1], arr.shape[0], rnd)
    return _cv2.resize(arr[y0:y1, x0:x1], (CROP_TO, CROP_TO), interpolation=_cv2.INTER_LINEAR)


def decode_for(paths: list[str], decoder: str, seconds: float) -> tuple[int, float]:
    """Decode the files (already read into memory) round and round for ``seconds``: (count, elapsed)."""
    blobs = [Path(p).read_bytes() for p in paths]
    rnd = random.Random(1)
    decode_resize(blobs[0], decoder, rnd)  # warm-up: imports, first allocation
    count, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        decode_resize(blobs[count % len(blobs)], decoder, rnd)
        count += 1
    return count, time.perf_counter() - t0


@contextlib.contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Spawned worker processes, all ended on the way out (error and Ctrl-C included).

    A ProcessPoolExecutor, not a multiprocessing.Pool: a worker that dies at start-up breaks
    the executor (an error) where a Pool would restart it forever (a hang).
    """
    from dlrig.pools import stop_pool

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
    try:
        yield pool
    finally:
        stop_pool(pool)


def decode_all_cores(paths: list[Path], decoder: str, seconds: float, workers: int) -> float:
    """Images/s of ``workers`` processes decoding at once (each rate summed over its own time)."""
    names = [str(p) for p in paths]
    with worker_pool(workers) as pool:
        futures = [pool.submit(decode_for, names, decoder, seconds) for _ in range(workers)]
        results = [f.result(timeout=RESULT_TIMEOUT_S + seconds) for f in futures]
    return sum(n / dt for n, dt in results)


def _load_one(path: str, decoder: str = "pillow") -> int:
    """One loader step: drop the file from the page cache, read it, decode and crop it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    decode_resize(Path(path).read_bytes(), decoder, random.Random(len(path)))
    return 1


@dataclass(frozen=True)
class LoaderResult:
    images_per_s: float
    workers: int
    images: int
    decoder: str


MIN_IMAGES_PER_WORKER = 64  # enough that the clock measures loading, not the pool's first tasks


def loader(paths: list[Path], workers: int, passes: int = 1, decoder: str = "pillow") -> LoaderResult:
    """Read + decode + crop every file with ``workers`` processes, page cache dropped per file.

    Each worker decodes one image before the clock starts (imports, first allocations), and the
    files are cycled until every worker has at least ``MIN_IMAGES_PER_WORKER`` of them."""
    passes = max(passes, -(-workers * MIN_IMAGES_PER_WORKER // max(1, len(paths))))
    files = [str(p) for p in paths] * passes
    with worker_pool(workers) as pool:
        warm = [pool.submit(_warm, str(paths[0]), decoder) for _ in range(workers * 2)]
        for f in warm:
            f.result(timeout=RESULT_TIMEOUT_S)
        t0 = time.perf_counter()
        done = sum(pool.map(_load_one, files, [decoder] * len(files), chunksize=4,
                            timeout=RESULT_TIMEOUT_S + len(files)))
        elapsed = time.perf_counter() - t0
    return LoaderResult(images_per_s=done / elapsed, workers=workers, images=done, decoder=decoder)


def _warm(path: str, decoder: str) -> None:
    decode_resize(Path(path).read_bytes(), decoder, random.Random(0))
