"""The rules of thumb dlrig applies, each once, with its source (docs/domain.md).

A rule of thumb is a default, not a measurement: where one sets a figure, dlrig's output says so,
and a measurement (``dlrig bench``) replaces it where there is one.
"""

from __future__ import annotations

# Puget Systems, "Hardware Recommendations for Machine Learning / AI": at least 4 CPU cores per GPU
# for data loading and preprocessing; system RAM at least the total GPU memory, ideally twice it.
CORES_PER_GPU = 4
RAM_PER_VRAM_RECOMMENDED = 2.0
# One training process per GPU needs at least one core to feed it: below that the CPU binds.
MIN_CORES_PER_GPU = 1
# JPEG decode + random-resized-crop per CPU core, images/s: "a few hundred per core depending on
# the decoder (libjpeg-turbo, Pillow, Pillow-SIMD, OpenCV) and image size" (docs/domain.md 4);
# GPU decoding (DALI / nvJPEG) is about an order of magnitude faster.
JPEG_DECODE_PER_CORE_PER_S = (100.0, 300.0)
# Achievable host-to-GPU GB/s of an x16 link from pinned memory, by PCIe generation: about 80% of
# the signalling rate after 128b/130b encoding (PCI-SIG base specifications; docs/domain.md 4;
# 54.5 GB/s measured at Gen5 x16 on an H100, benchmarks/results/2026-11-27-h100-sxm5).
PCIE_X16_GB_S = {1: 3.0, 2: 6.0, 3: 12.0, 4: 25.0, 5: 50.0, 6: 100.0}
