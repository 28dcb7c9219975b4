"""Malformed input never makes the server fail: hypothesis throws arbitrary JSON, wrong types,
broken bodies, odd path parameters and headers at every endpoint → 4xx (422 for bad bodies),
never 500. SQLite server (the PostgreSQL server shares the same validation layer)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.server.conftest import ServerProcess, login, start_server

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
    max_leaves=8,
)
odd_text = st.text(min_size=1, max_size=40)


@pytest.fixture(scope="module")
def fuzz_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, httpx.Client]]:
    srv = start_server(tmp_path_factory.mktemp("fuzz"), None, demo=True)
    client = httpx.Client(base_url=srv.api, headers=login(srv, "admin"), timeout=30)
    yield srv, client
    client.close()
    srv.stop()


def _ok(r: httpx.Response) -> None:
    assert r.status_code < 500, (r.request.method, r.request.url, r.status_code, r.text)
    if r.status_code >= 400:
        assert "detail" in r.json()


@SETTINGS
@given(body=json_values | st.fixed_dictionaries({"service": json_values, "priority": json_values}))
def test_issue_bodies(fuzz_server, body) -> None:
    _srv, c = fuzz_server
    r = c.post("/queue/tickets", json=body)
    _ok(r)
    valid = (
        isinstance(body, dict)
        and set(body) <= {"service", "priority"}
        and body.get("service") in ("A", "B", "C", "D")
        and body.get("priority")
        in (None, "merit", "elderly", "disabled", "pregnant", "small_child")
    )
    assert r.status_code == (201 if valid else 422), (body, r.text)


@SETTINGS
@given(
    action=st.sampled_from(
        ["call-next", "call", "recall", "start", "no-show", "finish", "transfer"]
    ),
    counter=st.one_of(st.sampled_from(["Q1", "Q2", "Q9"]), odd_text),
    body=json_values,
    key=st.one_of(
        st.none(),
        st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=200),
    ),
)
def test_counter_actions(fuzz_server, action, counter, body, key) -> None:
    _srv, c = fuzz_server
    headers = {"Idempotency-Key": key} if key else {}
    r = c.post(f"/queue/counters/{quote(counter, safe='')}/{action}", json=body, headers=headers)
    _ok(r)


@SETTINGS
@given(
    raw=st.binary(max_size=200),
    ctype=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
)
def test_broken_bodies(fuzz_server, raw, ctype) -> None:
    _srv, c = fuzz_server
    for path in (
        "/queue/tickets",
        "/queue/counters/Q3/transfer",
        "/devices/enroll",
        "/queue/counters/Q3/call",
    ):
        r = c.post(path, content=raw, headers={"Content-Type": ctype})
        _ok(r)
        assert r.status_code in (401, 403, 409, 422), (path, r.status_code, r.text)


@SETTINGS
@given(ticket_id=odd_text, verb=st.sampled_from(["GET", "POST"]))
@example(ticket_id="/", verb="GET")  # decodes to ".../tickets//": 404, never a redirect
@example(ticket_id="/", verb="POST")
def test_ticket_ids(fuzz_server, ticket_id, verb) -> None:
    _srv, c = fuzz_server
    path = f"/queue/tickets/{quote(ticket_id, safe='')}"
    r = c.get(path) if verb == "GET" else c.post(path + "/cancel")
    _ok(r)
    assert r.status_code in (404, 405, 409, 422), r.text


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=json_values
    | st.fixed_dictionaries(
        {"username": json_values, "password": json_values, "center": json_values},
        optional={"enrol_token": json_values, "device_id": json_values, "device_name": json_values},
    )
)
def test_enrol_bodies(fuzz_server, body) -> None:
    srv, _c = fuzz_server
    r = httpx.post(srv.api + "/devices/enroll", json=body, timeout=30)
    _ok(r)
    assert r.status_code in (401, 403, 404, 422, 429), r.text


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    form=st.dictionaries(
        st.sampled_from(["username", "password", "grant_type", "scope", "x"]), st.text(max_size=30)
    )
)
def test_token_forms(fuzz_server, form) -> None:
    srv, _c = fuzz_server
    r = httpx.post(srv.api + "/auth/token", data=form, timeout=30)
    _ok(r)
    assert r.status_code in (401, 422, 429), r.text
