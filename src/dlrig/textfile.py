"""Reading a user's text file at the edge, with limits: the one place a file's size is checked.

Every file a user names (a build file, a part list, a price CSV, a cloud-price CSV) is read
here: a missing path, a folder, a device or pipe, a file over ``MAX_INPUT_BYTES``, bytes that
are not UTF-8, or a file that cannot be read is ``BadInput`` naming the path (and the limit),
never a traceback. The file is read with a bound, so a file that grows while it is read (or
lies about its size, as /proc files do) cannot make dlrig read more than the limit.
"""

from __future__ import annotations

import csv
from pathlib import Path

from dlrig.errors import BadInput, MalformedFile

MAX_INPUT_BYTES = 2_000_000  # a build, list or price file is a few KB (the packaged cloud CSV: 20 KB)
MAX_LINE_CHARS = 10_000  # a part-list or CSV line is under 300 characters; a 1 MB line is not one
SHOWN_CHARS = 80  # how much of a user's text an error message repeats


def read_user_text(path: Path | str, what: str) -> str:
    """The UTF-8 text of a user's file (a leading BOM dropped), or BadInput naming it."""
    path = Path(path)
    try:
        if not path.is_file():
            raise BadInput(f"{what} {str(path)!r} does not exist" if not path.exists() else
                           f"{what} {str(path)!r} is not a file")
        with path.open("rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise MalformedFile(str(path), f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise BadInput(f"{what} {str(path)!r} is larger than {MAX_INPUT_BYTES:,} bytes, the limit "
                       f"(a {what} is a few KB)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedFile(str(path), "not a UTF-8 text file") from None


def check_text_size(text: str, what: str, field: str | None = None) -> None:
    """BadInput when pasted ``text`` is over the limit (the web's forms and bodies)."""
    if len(text) > MAX_INPUT_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
        raise BadInput(f"the {what} is larger than {MAX_INPUT_BYTES:,} bytes, the limit; a build file or "
                       "part list is a few KB", field=field)


def long_line(text: str, limit: int = MAX_LINE_CHARS) -> tuple[int, int] | None:
    """The first line of ``text`` over ``limit`` characters, as (line number, length), or None."""
    if len(text) <= limit:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > limit:
            return number, len(line)
    return None


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` as an error message quotes it: at most ``limit`` characters, control
    characters escaped (``repr``), so a message stays one readable line."""
    return repr(clip(text, limit))


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """At most ``limit`` characters of ``text``, with an ellipsis where it was cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def csv_rows(text: str, origin: str, comments: bool = False) -> list[tuple[int, list[str]]]:
    """A CSV file's rows as (line number, stripped cells), the header first, blank rows (and,
    with ``comments``, lines starting with '#') left out. Every row must have at most as many
    cells as the header: an extra cell is a clear error naming its line (an unquoted comma in a
    price or a name), never a silently shifted column. Lines are bounded (MAX_LINE_CHARS)."""
    too_long = long_line(text)
    if too_long:
        raise MalformedFile(origin, f"the line is {too_long[1]:,} characters; a CSV row is at most "
                            f"{MAX_LINE_CHARS:,}", line=too_long[0])
    lines = text.splitlines()
    kept = [ln for ln in lines if not (comments and ln.lstrip().startswith("#"))]
    numbers = [n for n, ln in enumerate(lines, start=1) if not (comments and ln.lstrip().startswith("#"))]
    reader = csv.reader(kept, strict=True)
    out: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            lineno = numbers[min(reader.line_num, len(numbers)) - 1]
            if not any(c.strip() for c in cells):
                continue
            cells = [c.strip() for c in cells]
            if out and len(cells) > len(out[0][1]):
                raise MalformedFile(origin, f"{len(cells)} cells for the header's {len(out[0][1])} columns "
                                    "(a comma inside a cell needs the cell in double quotes)", line=lineno)
            out.append((lineno, cells))
    except csv.Error as exc:
        line = numbers[min(max(reader.line_num, 1), len(numbers)) - 1] if numbers else None
        raise MalformedFile(origin, f"not a CSV row ({exc})", line=line) from None
    return out
