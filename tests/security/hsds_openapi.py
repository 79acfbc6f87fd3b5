"""The HSDS 3.0 OpenAPI document of /hsds/openapi.json, made self-contained for the fuzzer.

The document the platform serves is Open Referral's, as published: its response schemas point at
the specification's compiled schemas on the web, and it names only the 200 answers. This builds the
same document with:

- every schema bundled under ``components/schemas`` from the copies in octip/directory/hsds_schema
  (the compiled ``*_list`` variants are the object's own schema, as tests/directory/test_hsds_api.py
  validates list items);
- the answer of ``/service_at_locations/{id}``: a service_at_location (the published document names
  the service schema there, an erratum: the endpoint's own description says service_at_location);
- the ``minimal=true`` listing's items (id and modified_date only, as the specification's prose says);
- the ``format=ndjson`` stream (application/x-ndjson);
- the error answers every endpoint gives (views_hsds.hsds_endpoint): 400 for a bad parameter, 401
  for an invalid token, 404 for an unknown or hidden id.
"""

from __future__ import annotations

import copy
from typing import Any

from octip.directory import hsds

_REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
_ERROR = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}
_MINIMAL = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"},
                                                                 "modified_date": {}}}


def _local(ref: str) -> str:
    name = ref.rsplit("/", 1)[-1].removesuffix(".json").removesuffix("_list")
    return f"#/components/schemas/{name}"


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                out[key] = _local(value)
            else:
                out[key] = _rewrite(value)
        return out
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    return node


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def document() -> dict:
    doc = _rewrite(copy.deepcopy(hsds.openapi()))
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in hsds.schemas().items():
        bundled = _rewrite(copy.deepcopy(schema))
        bundled.pop("$id", None)
        schemas[name] = bundled
    schemas["Error"] = _ERROR
    schemas["MinimalService"] = _MINIMAL
    assert _REMOTE not in repr(doc)
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method != "get":
                continue
            responses = operation["responses"]
            if path == "/service_at_locations/{id}":
                responses["200"]["content"]["application/json"]["schema"] = {
                    "$ref": "#/components/schemas/service_at_location"}
            listing = any(p.get("$ref", "").endswith("/page") for p in operation.get("parameters", []))
            if listing:
                ok = responses["200"]["content"]
                if path == "/services":
                    items = ok["application/json"]["schema"]["properties"]["contents"]["items"]
                    ok["application/json"]["schema"]["properties"]["contents"]["items"] = {
                        "anyOf": [items, {"$ref": "#/components/schemas/MinimalService"}]}
                ok["application/x-ndjson"] = {"schema": {"type": "string"}}
            responses["400"] = _error("A parameter is malformed.")
            responses["401"] = _error("The bearer token is invalid or expired.")
            if "{id}" in path:
                responses["404"] = _error("No such record, or not visible to the caller.")
    return doc
