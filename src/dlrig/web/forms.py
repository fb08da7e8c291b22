"""Form and query input, parsed at the edge into typed values; errors name the field.

A browser sends every field as text, an empty field as "": empty means "not given" here.
Pages read GET query strings and urlencoded POST bodies (parsed with the standard library,
so the app needs no multipart package).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from urllib.parse import parse_qsl

from dlrig.errors import BadInput

TRUE = ("1", "on", "true", "yes")


class Form:
    """The submitted fields: ``values`` (first value of each, for refilling the form) and typed readers."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = [(k, v) for k, v in pairs]
        self.values: dict[str, str] = {}
        for key, value in self.pairs:
            self.values.setdefault(key, value)

    @classmethod
    def from_body(cls, body: bytes) -> Form:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput("the form was not sent as UTF-8 text") from None
        return cls(parse_qsl(text, keep_blank_values=True))

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.values.get(key, "").strip()
        return value or default

    def all(self, key: str) -> tuple[str, ...]:
        return tuple(v.strip() for k, v in self.pairs if k == key and v.strip())

    def flag(self, key: str) -> bool:
        return any(v.lower() in TRUE for v in self.all(key))

    def number(self, key: str, label: str, default: float | None = None) -> float | None:
        raw = self.text(key)
        if raw is None:
            return default
        try:
            value = float(raw.replace(",", "").replace("$", ""))
        except ValueError:
            raise BadInput(f"{label}: {raw!r} is not a number", field=key) from None
        if not math.isfinite(value):
            raise BadInput(f"{label}: {raw!r} is not a finite number", field=key)
        return value

    def integer(self, key: str, label: str, default: int | None = None) -> int | None:
        value = self.number(key, label)
        if value is None:
            return default
        if value != int(value):
            raise BadInput(f"{label}: {self.text(key)!r} is not a whole number", field=key)
        return int(value)
