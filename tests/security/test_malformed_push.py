"""Point 5 of the security issue, on the sync channel: malformed push bodies are answered 4xx
with a reason (never 500); a malformed op inside a good batch is rejected alone, its sequence
number used, so the ops behind it are applied; pull parameters out of range are 422."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from tests.security.conftest import World


def _post(world: World, raw: bytes, gz: bool = True) -> httpx.Response:
    headers = {**world.cb.headers, "Content-Type": "application/json"}
    if gz:
        raw = gzip.compress(raw)
        headers["Content-Encoding"] = "gzip"
    return httpx.post(world.server.api + "/sync/push", content=raw, headers=headers, timeout=30)


def _body(world: World, **over: object) -> dict:
    return {"protocol": 2, "device_id": world.cb.device_id, "epoch": world.cb.epoch, "ops": [], **over}


BAD_BATCHES = [
    ("protocol text", {"protocol": "abc"}),
    ("protocol float", {"protocol": 2.5}),
    ("protocol huge", {"protocol": 10**30}),
    ("ops not a list", {"ops": {"a": 1}}),
    ("ops of strings", {"ops": ["x", "y"]}),
    ("ops of lists", {"ops": [[1, 2]]}),
    ("op without seq", {"ops": [{"op_id": "x" * 10}]}),
    ("seq huge", {"ops": [{"device_seq": 10**30}]}),
    ("seq text", {"ops": [{"device_seq": "1"}]}),
    ("epoch huge", {"epoch": 10**30}),
    ("epoch dict", {"epoch": {"a": 1}}),
    ("device id dict", {"device_id": {"a": 1}}),
    ("too many ops", {"ops": [{"device_seq": i + 1} for i in range(501)]}),
]


@pytest.mark.parametrize("name,over", BAD_BATCHES, ids=[b[0] for b in BAD_BATCHES])
def test_bad_batch_is_4xx(world: World, name: str, over: dict) -> None:
    r = _post(world, json.dumps(_body(world, **over)).encode())
    assert 400 <= r.status_code < 500, (name, r.status_code, r.text)
    assert r.json().get("detail"), r.text


def test_deep_nesting_and_broken_json(world: World) -> None:
    deep = b'{"ops": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    for raw in (deep, b"{" * 50_000, b"\xff\xfe", b"[1,2]", b"null", b'"x"'):
        r = _post(world, raw)
        assert 400 <= r.status_code < 500, (raw[:20], r.status_code, r.text[:200])
    r = _post(world, b"not gzip", gz=False)
    assert 400 <= r.status_code < 500
    r = httpx.post(
        world.server.api + "/sync/push",
        content=b"not gzip at all",
        headers={**world.cb.headers, "Content-Encoding": "gzip"},
        timeout=30,
    )
    assert 400 <= r.status_code < 500


def test_malformed_ops_are_rejected_alone(world: World) -> None:
    """Each bad op is answered `rejected` with its reason; the good op after them is applied."""
    cb = world.cb
    good_row = {
        "id": "01900000-0000-7000-8000-0000000cb0a1",
        "code": "CB-261204-010101",
        "status": "received",
        "applicant": {"full_name": "Hoàng Thị Mai"},
    }
    bad_rows = [
        {**good_row, "id": "01900000-0000-7000-8000-0000000cb0a2", "version": 10**30},
        {**good_row, "id": "01900000-0000-7000-8000-0000000cb0a3", "code": {"a": "b"}},
        {**good_row, "id": "01900000-0000-7000-8000-0000000cb0a4", "status": "stolen"},
        {**good_row, "id": "01900000-0000-7000-8000-0000000cb0a5", "note": "x" * 30_000},
        {**good_row, "id": "01900000-0000-7000-8000-0000000cb0a6", "applicant": {"n": 10**30}},
        {**good_row, "id": "01900000-0000-7000-8000-0000000cb0a7", "note": "a\x00b"},
    ]
    ops = [cb.op("dossier", "receive", r) for r in bad_rows]
    nested: object = "x"
    for _ in range(40):
        nested = {"n": nested}
    deep_row = {**good_row, "id": "01900000-0000-7000-8000-0000000cb0a8", "extra": nested}
    ops.append(cb.op("dossier", "receive", deep_row))
    ticket = cb.op(
        "ticket",
        "ticket.issued",
        {
            "id": "01900000-0000-7000-8000-0000000cb0a9",
            "number": "A001",
            "service": "A",
            "service_day": "2026-12-04",
            "state": "waiting",
            "issued_at": "2026-12-04T08:00:00+07:00",
            "seq": 10**30,
        },
    )
    ops.append(ticket)
    attachment = cb.op(
        "attachment",
        "attach",
        {
            "id": "01900000-0000-7000-8000-0000000cb0aa",
            "dossier_id": good_row["id"],
            "component_index": 1,
            "sha256": "cd" * 32,
            "size": 10**18,
        },
    )
    ops.append(attachment)
    envelope = cb.op("dossier", "receive", good_row)
    envelope.update(payload="not an object")
    ops.append(envelope)
    unknown = cb.op("dossier", "receive", good_row)
    unknown.update(entity="officer")
    ops.append(unknown)
    ops.append(cb.op("dossier", "receive", good_row))
    results = cb.results(ops)
    assert [r["status"] for r in results] == ["rejected"] * (len(ops) - 1) + ["applied"], results
    assert all(r["reason"] for r in results[:-1])
    # answered again (a retry): the same results, nothing applied twice
    assert [r["status"] for r in cb.results(ops)] == ["duplicate"] * len(ops)


@pytest.mark.parametrize(
    "query",
    ["proc_after=18446744073709551616", "cursor=99999999999999999999999", "limit=-5", "cursor=abc"],
)
def test_pull_parameters_out_of_range(world: World, query: str) -> None:
    r = httpx.get(world.server.api + "/sync/pull?" + query, headers=world.cb.headers, timeout=30)
    assert r.status_code in (200, 422), (query, r.status_code, r.text)
