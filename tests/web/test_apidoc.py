"""The offline API reference: the app's OpenAPI document as tables, no Swagger UI."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dlrig.web.apidoc import code_spans, reference, type_name
from dlrig.web.app import create_app


def test_type_names_read_as_words():
    assert type_name({"anyOf": [{"type": "integer"}, {"type": "null"}]}) == "integer or null"
    assert type_name({"type": "string", "enum": ["train", "infer"]}) == "one of train, infer"
    assert type_name({"type": "array", "items": {"type": "string"}}) == "list of string"
    assert type_name({"$ref": "#/components/schemas/FitIn"}) == "FitIn"


def test_code_spans_split_markdown_backticks():
    got = code_spans("errors are `{\"error\"}` here")
    assert got == [("errors are ", False), ('{"error"}', True), (" here", False)]


def test_every_route_and_body_field_of_the_document_is_on_the_page():
    client = TestClient(create_app())
    document = client.get("/openapi.json").json()
    ref = reference(document)
    assert [(r["method"], r["path"]) for r in ref["routes"]] == [
        (m.upper(), p) for p, ops in document["paths"].items() for m in ops]
    fit = next(r for r in ref["routes"] if r["path"] == "/api/fit")
    fields = {f["name"]: f for f in fit["fields"]}
    assert fields["model"]["required"] and fields["mode"]["default"] == "train"
    assert {"weights", "kv_cache", "split", "infer"} <= set(fields)  # the inference fields
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger" not in page.text.lower()
    assert "<script" not in page.text.replace('<script src="/static/app.js" defer></script>', "")
    for route in ref["routes"]:
        assert f'id="{route["id"]}"' in page.text
    assert client.get("/redoc").status_code == 404  # ReDoc, too, loads from a CDN
