"""Writing the user's files: atomic, and a path that cannot be written is a clear user error."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlrig.atomic import write_atomic
from dlrig.errors import BadInput


def test_writes_text_and_bytes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.yaml", "name: x\n")
    write_atomic(tmp_path / "b.png", b"\x89PNG")
    assert (tmp_path / "a.yaml").read_text() == "name: x\n" and (tmp_path / "b.png").read_bytes() == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.png"]


def test_a_missing_folder_is_a_user_error_and_the_old_file_survives_a_failed_write(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"cannot write .*No such file or directory"):
        write_atomic(tmp_path / "missing" / "x.yaml", "x")
    target = tmp_path / "keep.yaml"
    target.write_text("old")
    (tmp_path / "keep.yaml.tmp").mkdir()  # the temporary path is blocked: the write fails
    with pytest.raises(BadInput):
        write_atomic(target, "new")
    assert target.read_text() == "old"


@pytest.mark.parametrize("name", [".", "/", ""])
def test_a_path_that_names_no_file_is_a_user_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(BadInput, match="not a file name"):
        write_atomic(Path(name) if name else tmp_path, "x")
