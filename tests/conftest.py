"""The whole suite: tests read the repository by absolute paths and write only to temporary
folders (dlrig's cache, its saved benches and HOME point at one per session), so the suite runs
from any directory and never touches the user's files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def private_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    saved = {k: os.environ.get(k) for k in ("HOME", "DLRIG_CACHE", "DLRIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")}
    os.environ.update({"HOME": str(home), "DLRIG_CACHE": str(home / "cache"), "DLRIG_HOME": str(home / "dlrig"),
                       "XDG_CACHE_HOME": str(home / ".cache"), "XDG_DATA_HOME": str(home / ".local" / "share")})
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
