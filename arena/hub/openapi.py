"""The OpenAPI 3.1 document of the hub's HTTP API, generated from the endpoint descriptions.

Pure: endpoints in, a JSON-ready dict out. Schemas come from the msgspec types
(``msgspec.json.schema_components``), so the document describes exactly what the hub encodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from arena.hub.endpoints import Endpoint, Param
from arena.protocol import ErrorBody

_REF = "#/components/schemas/{name}"
_ERRORS = {
    400: "Bad request: malformed JSON, a wrong field type, or a bad query parameter",
    401: "Not logged in (session cookie or bearer token)",
    403: "Not allowed",
    404: "No such resource (or not visible to the caller)",
    409: "Conflict with the current state",
    413: "The body (or the source) is too large",
    415: "The body is not of a supported type",
    422: "A field has an unacceptable value",
    429: "Rate limited; see the Retry-After header",
    503: "No sandbox was free in time; try again",
}
_SUCCESS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No content"}
_SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "the token of /api/auth/login"},
    "session": {"type": "apiKey", "in": "cookie", "name": "arena_session"},
}


def _param_schema(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer" if param.kind is int else "string"}
    if param.enum is not None:
        schema["enum"] = list(param.enum)
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    return schema


def _parameter(param: Param, where: str) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": where,
        "required": where == "path",
        "description": param.description,
        "schema": _param_schema(param),
    }


def _security(endpoint: Endpoint) -> list[dict[str, list[str]]]:
    schemes: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]
    if endpoint.auth == "none":
        return []
    return [*schemes, {}] if endpoint.auth == "optional" else schemes


def _operation_id(endpoint: Endpoint) -> str:
    words = [w.strip("{}") for w in endpoint.path.split("/") if w]
    return "_".join([endpoint.method.lower(), *words])


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def build_spec(
    endpoints: Sequence[Endpoint], *, title: str = "Arena", version: str = "0.1.0"
) -> dict[str, Any]:
    types: list[Any] = [ErrorBody]
    for endpoint in endpoints:
        if endpoint.body is not None:
            types.append(endpoint.body)
        types.extend(t for t in endpoint.responses.values() if t is not None)
    refs, components = msgspec.json.schema_components(types, ref_template=_REF)
    schema_of = dict(zip(map(id, types), refs, strict=True))
    error_ref = schema_of[id(ErrorBody)]

    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        responses: dict[str, Any] = {}
        for status, kind in sorted(endpoint.responses.items()):
            answer: dict[str, Any] = {"description": _SUCCESS.get(status, "OK")}
            if kind is not None:
                answer["content"] = _json_content(schema_of[id(kind)])
            responses[str(status)] = answer
        for status in endpoint.error_statuses():
            answer = {"description": _ERRORS[status], "content": _json_content(error_ref)}
            if status == 429:
                answer["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
            responses[str(status)] = answer
        operation: dict[str, Any] = {
            "operationId": _operation_id(endpoint),
            "summary": endpoint.summary,
            "responses": responses,
            "security": _security(endpoint),
        }
        if endpoint.tags:
            operation["tags"] = list(endpoint.tags)
        parameters = [_parameter(p, "path") for p in endpoint.path_params]
        parameters += [_parameter(p, "query") for p in endpoint.query]
        if parameters:
            operation["parameters"] = parameters
        if endpoint.body is not None:
            body = _json_content(schema_of[id(endpoint.body)])
            operation["requestBody"] = {"required": True, "content": body}
        elif endpoint.form_schema is not None:
            form = {"multipart/form-data": {"schema": endpoint.form_schema}}
            operation["requestBody"] = {"required": True, "content": form}
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": _SECURITY_SCHEMES},
    }
