"""Writing the user's files: through a temporary file beside the target, so an interrupted or
failed write never leaves half a file or destroys the previous one; a path that cannot be
written is the user's error (exit 2, naming the path), not a traceback."""

from __future__ import annotations

from pathlib import Path

from dlrig.errors import BadInput


def writable_file(path: Path | str) -> Path:
    """``path`` as a file to write, or BadInput when it names no file (``.``, ``/``, a folder)."""
    path = Path(path)
    if not path.name or path.is_dir():
        raise BadInput(f"cannot write {str(path)!r}: it is a folder, not a file name")
    return path


def write_atomic(path: Path | str, data: str | bytes) -> None:
    path = writable_file(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        if tmp.is_file():
            tmp.unlink()
        raise BadInput(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
