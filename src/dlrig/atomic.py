"""Writing the user's files: through a temporary file beside the target, so an interrupted or
failed write never leaves half a file or destroys the previous one; a path that cannot be
written is the user's error (exit 2, naming the path), not a traceback.

The temporary file is made by ``tempfile.mkstemp`` in the target's folder: a random name,
created with O_EXCL (a file or symbolic link planted at a predictable name cannot redirect the
write), mode 0600 until it is complete. It then takes the mode of the file it replaces (or the
mode a new file gets under the umask), is flushed to the disk, renamed over the target (which
replaces a symbolic link there, never writes through it), and the folder is flushed so the
rename survives a power cut. On any failure the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from pathlib import Path

from dlrig.errors import BadInput

_UMASK_LOCK = threading.Lock()


def writable_file(path: Path | str) -> Path:
    """``path`` as a file to write, or BadInput when it names no file (``.``, ``/``, a folder)."""
    path = Path(path)
    if not path.name or path.name in (".", "..") or path.is_dir():
        raise BadInput(f"cannot write {str(path)!r}: it is a folder, not a file name")
    return path


def write_atomic(path: Path | str, data: str | bytes) -> None:
    path = writable_file(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent
    tmp: str | None = None
    try:
        mode = _mode_for(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
        _sync_folder(folder)
    except OSError as exc:
        raise BadInput(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            _remove(tmp)


def _mode_for(path: Path) -> int:
    """The permission bits the written file gets: those of the regular file it replaces, else
    what a new file gets (0666 less the umask)."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        return stat.S_IMODE(st.st_mode)
    with _UMASK_LOCK:  # the umask can only be read by setting it
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file (best effort: some file systems refuse)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _remove(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)
