"""Writing the user's files: atomic, and a path that cannot be written is a clear user error."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dlrig.atomic import write_atomic
from dlrig.errors import BadInput


def test_writes_text_and_bytes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.yaml", "name: x\n")
    write_atomic(tmp_path / "b.png", b"\x89PNG")
    assert (tmp_path / "a.yaml").read_text() == "name: x\n" and (tmp_path / "b.png").read_bytes() == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.png"]


def test_a_missing_folder_is_a_user_error_and_the_old_file_survives_a_failed_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BadInput, match=r"cannot write .*No such file or directory"):
        write_atomic(tmp_path / "missing" / "x.yaml", "x")
    target = tmp_path / "keep.yaml"
    target.write_text("old")

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(BadInput, match="No space left on device"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.yaml"]  # the temporary file is removed


def test_a_planted_link_at_the_old_temporary_name_is_never_followed(tmp_path: Path) -> None:
    """Issue 19: ``ln -s victim.txt report.html.tmp`` made the write overwrite victim.txt."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "report.html.tmp").symlink_to(victim)
    write_atomic(tmp_path / "report.html", "<html>")
    assert victim.read_text() == "precious" and (tmp_path / "report.html").read_text() == "<html>"


def test_a_link_at_the_target_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "out.yaml").symlink_to(victim)
    write_atomic(tmp_path / "out.yaml", "name: x\n")
    assert victim.read_text() == "precious"
    assert not (tmp_path / "out.yaml").is_symlink() and (tmp_path / "out.yaml").read_text() == "name: x\n"


def test_an_overwrite_keeps_the_mode_and_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("old")
    secret.chmod(0o600)
    write_atomic(secret, "new")
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and secret.read_text() == "new"
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "fresh.yaml", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fresh.yaml").stat().st_mode) == 0o640


def test_the_file_and_its_folder_are_flushed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real = os.fsync

    def record(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", record)
    write_atomic(tmp_path / "a.yaml", "x")
    assert synced == ["file", "folder"]


@pytest.mark.parametrize("name", [".", "/", "", ".."])
def test_a_path_that_names_no_file_is_a_user_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(BadInput, match="not a file name"):
        write_atomic(Path(name) if name else tmp_path, "x")
