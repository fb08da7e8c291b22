"""The API reference page (``/docs``): the app's own OpenAPI document laid out as HTML tables.

FastAPI's default ``/docs`` loads Swagger UI's script and stylesheet from a CDN, so offline
(or under a Content-Security-Policy of 'self') it is a blank page. This page needs nothing but
the document and the site's stylesheet: one section per route, its query parameters or body
fields with type, default and description, and its responses.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def reference(openapi: dict[str, Any]) -> dict[str, Any]:
    """What the template shows: the API's title, version and description, and its routes."""
    info = openapi.get("info", {})
    schemas: dict[str, Schema] = openapi.get("components", {}).get("schemas", {})
    routes = [_route(method, path, op, schemas)
              for path, ops in openapi.get("paths", {}).items() for method, op in ops.items()]
    return {"api": {"title": info.get("title", ""), "version": info.get("version", ""),
                    "description": code_spans(info.get("description", ""))}, "routes": routes}


def _route(method: str, path: str, op: dict[str, Any], schemas: dict[str, Schema]) -> dict[str, Any]:
    params = [{"name": p["name"], "where": p.get("in", "query"), "required": bool(p.get("required")),
               **_field(p.get("schema", {}), p.get("description"))} for p in op.get("parameters", [])]
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    fields = []
    if body is not None:
        schema = _resolve(body, schemas)
        required = set(schema.get("required", ()))
        fields = [{"name": name, "where": "body", "required": name in required, **_field(prop)}
                  for name, prop in schema.get("properties", {}).items()]
    return {"id": f"{method}-{path.strip('/').replace('/', '-')}", "method": method.upper(), "path": path,
            "summary": op.get("summary", ""), "description": code_spans(op.get("description", "")),
            "fields": params + fields,
            "responses": [(code, code_spans(r.get("description", ""))) for code, r in op.get("responses", {}).items()]}


def _resolve(schema: Schema, schemas: dict[str, Schema]) -> Schema:
    ref = schema.get("$ref", "")
    return schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def _field(schema: Schema, description: str | None = None) -> dict[str, Any]:
    out = {"type": type_name(schema), "description": description or schema.get("description", "")}
    if "default" in schema:
        out["default"] = schema["default"]
    return out


def type_name(schema: Schema) -> str:
    """A JSON Schema type as a reader says it: ``integer or null``, ``one of train, infer``,
    ``list of string``."""
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(dict.fromkeys(type_name(s) for s in schema[key]))
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "any")
    if kind == "array":
        return "list of " + type_name(schema.get("items", {}))
    if kind == "object":
        return "object"
    return str(kind)


def code_spans(text: str) -> list[tuple[str, bool]]:
    """Markdown's `code` spans in a description: (text, is_code) pieces, shown as <code>."""
    return [(piece, i % 2 == 1) for i, piece in enumerate(text.split("`")) if piece]
