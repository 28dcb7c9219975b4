"""Every route of the server's OpenAPI description, fuzzed with a valid officer token (and a
device's headers for the sync routes): path and query parameters and JSON bodies drawn from the
schema, then bent (wrong types, huge numbers, odd text, arbitrary JSON). No answer may be a 5xx.

`scripts/test` runs a few hundred cases; `scripts/test --all` (the soak marker) thousands."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.conftest import ServerProcess, login, start_server
from tests.sync import clientlib

SKIP = {("GET", "/api/v1/queue/events")}  # an endless event stream
ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4),
    max_leaves=10,
)
ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "/", "..", "%2F", "0" * 70, "A" * 300, "\u202e", "Q1", "DEMO", "-1"]),
)
ODD_INT = st.one_of(
    st.integers(min_value=-5, max_value=5000),
    st.sampled_from([2**31, 2**63, 2**64, 10**30, -(2**63) - 1]),
)


class Api:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.ops: list[tuple[str, str, dict[str, Any]]] = [
            (method.upper(), path, op)
            for path, item in spec["paths"].items()
            for method, op in item.items()
            if method in ("get", "post", "put", "patch", "delete", "head")
            and (method.upper(), path) not in SKIP
        ]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.spec["components"]["schemas"][name]
        return schema

    def values(self, schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
        """Values that follow the schema, mixed with values that break it."""
        schema = self.resolve(schema)
        wrong = ANY_JSON if depth < 2 else st.none()
        return st.one_of(self._valid(schema, depth), wrong)

    def _valid(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        for key in ("anyOf", "oneOf", "allOf"):
            if key in schema:
                return st.one_of([self.values(s, depth + 1) for s in schema[key]])
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            props = schema.get("properties", {})
            required = set(schema.get("required", []))
            return st.fixed_dictionaries(
                {k: self.values(v, depth + 1) for k, v in props.items() if k in required},
                optional={k: self.values(v, depth + 1) for k, v in props.items() if k not in required},
            )
        if kind == "array":
            return st.lists(self.values(schema.get("items", {}), depth + 1), max_size=3)
        if kind == "integer":
            lo, hi = schema.get("minimum"), schema.get("maximum")
            return st.one_of(st.integers(min_value=lo, max_value=hi), ODD_INT)
        if kind == "number":
            return st.one_of(st.floats(allow_nan=False, allow_infinity=False), ODD_INT)
        if kind == "boolean":
            return st.booleans()
        if kind == "string":
            pattern = schema.get("pattern")
            if pattern:
                try:
                    re.compile(pattern)
                    return st.one_of(st.from_regex(pattern, fullmatch=True), ODD_TEXT)
                except re.error:
                    pass
            return ODD_TEXT
        if kind == "null":
            return st.none()
        return ANY_JSON


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Api, dict]]:
    base = tmp_path_factory.mktemp("openapi-fuzz")
    srv = start_server(base)
    try:
        clientlib.setup_client(base / "counter", srv.url)
        from counter_app.sync.device import load

        creds = load(base / "counter")
        assert creds is not None
        headers = {
            **login(srv, "admin"),
            "X-Device-Id": creds.device_id,
            "X-Device-Secret": creds.secret,
        }
        spec = httpx.get(srv.url + "/openapi.json", timeout=10).json()
        yield srv, Api(spec), headers
    finally:
        srv.stop()


@st.composite
def requests(draw: st.DrawFn, api: Api) -> tuple[str, str, dict[str, Any], Any]:
    method, path, op = draw(st.sampled_from(api.ops))
    params: dict[str, Any] = {}
    for p in op.get("parameters", []):
        schema = p.get("schema", {})
        if p["in"] == "path":
            value = draw(st.one_of(api._valid(api.resolve(schema), 1), ODD_TEXT))
            path = path.replace("{" + p["name"] + "}", quote(str(value), safe="") or "x")
        elif p["in"] == "query" and draw(st.booleans()):
            params[p["name"]] = draw(st.one_of(api._valid(api.resolve(schema), 1), ODD_TEXT, ODD_INT))
    body = None
    content = (op.get("requestBody") or {}).get("content", {})
    if "application/json" in content:
        body = draw(api.values(content["application/json"].get("schema", {})))
    elif content:
        body = draw(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=4))
    return method, path, params, body


EXAMPLES = int(os.environ.get("COUNTER_APP_FUZZ_EXAMPLES", "300"))


def _check(fuzz, data) -> None:  # type: ignore[no-untyped-def]
    srv, api, headers = fuzz
    method, path, params, body = data.draw(requests(api))
    kwargs: dict[str, Any] = {"params": {k: str(v) for k, v in params.items()}, "headers": headers}
    if body is not None:
        if path.endswith("/auth/token"):
            kwargs["data"] = {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
        else:
            kwargs["json"] = body
    r = httpx.request(method, srv.url + path, timeout=30, **kwargs)
    assert r.status_code < 500, (method, path, params, body, r.status_code, r.text[:500])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_route_answers_5xx(fuzz, data) -> None:  # type: ignore[no-untyped-def]
    _check(fuzz, data)


@pytest.mark.soak
@settings(max_examples=10 * EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_route_answers_5xx_long(fuzz, data) -> None:  # type: ignore[no-untyped-def]
    _check(fuzz, data)
