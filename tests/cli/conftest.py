"""What the command tests share: a hand-made catalog written to disk in place of the packaged one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlrig.catalog import store


def install_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, list[dict]], book: dict,
                    prices: list[dict]) -> store.Catalog:
    """Write ``files`` (name -> JSON lines) and one price book under tmp_path/v1, and make it the default catalog."""
    data = tmp_path / "v1"
    data.mkdir()
    for name, rows in files.items():
        (data / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    (data / "prices").mkdir()
    (data / "prices" / "books.json").write_text(json.dumps([book]))
    (data / "prices" / f"{book['name']}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in prices))
    cat = store.Catalog(data)
    monkeypatch.setattr(store, "default_catalog", lambda: cat)
    return cat
