"""The counter's local queue: numbering with the device slot, fairness, transitions, status,
and no duplicate numbers when two processes issue into one data dir at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from counter_app.config import load_settings
from counter_app.errors import BadInput, InvalidTransition, NotFound
from counter_app.services import local_queue as q
from counter_app.services.context import AppContext
from counter_app.store.db import device_info, set_state
from counter_app.store.models import Event, Outbox, Ticket

from .conftest import TZ

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=TZ)  # a fresh day: no demo tickets


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def fresh(data_dir: Path):
    settings = load_settings(data_dir=data_dir)
    ctx = AppContext.open(settings)
    yield ctx.store, settings
    ctx.close()


def set_slot(store, slot: str) -> None:
    with store.write() as session:
        info = device_info(session)
        info["slot"] = slot
        set_state(session, "device", info)


def test_numbers_carry_the_device_slot(fresh) -> None:
    store, settings = fresh
    set_slot(store, "07")
    a1 = q.issue(store, settings, "A", now=at(0))
    a2 = q.issue(store, settings, "a", now=at(1))
    b1 = q.issue(store, settings, "B", priority="elderly", now=at(2))
    assert [a1["number"], a2["number"], b1["number"]] == ["A-07-001", "A-07-002", "B-07-001"]
    assert a1["state"] == "waiting" and b1["priority"] == "elderly"
    # A new day starts again at 001.
    assert q.issue(store, settings, "A", now=at(24 * 60))["number"] == "A-07-001"
    with pytest.raises(BadInput):
        q.issue(store, settings, "AB", now=at(3))
    with pytest.raises(BadInput, match="ưu tiên"):
        q.issue(store, settings, "A", priority="vip", now=at(3))


def test_each_action_is_one_event_and_one_outbox_op(fresh) -> None:
    store, settings = fresh
    q.issue(store, settings, "A", now=at(0), actor="kiosk")
    q.call_next(store, settings, "Q1", actor="canbo1", now=at(1))
    q.recall(store, settings, "Q1", actor="canbo1", now=at(2))
    q.serve(store, settings, "Q1", actor="canbo1", now=at(3))
    q.finish(store, settings, "Q1", actor="canbo1", now=at(4))
    with store.read() as session:
        ops = session.exec(select(Outbox).order_by(Outbox.device_seq)).all()
        events = session.exec(select(Event).where(Event.entity == "ticket")).all()
    assert [o.op for o in ops] == [
        "ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.done"
    ]
    assert [o.device_seq for o in ops] == [1, 2, 3, 4, 5]
    assert len(events) == 5
    assert ops[-1].payload["ticket"]["state"] == "done" and ops[-1].payload["actor"] == "canbo1"
    assert ops[1].base_version == 1 and ops[2].base_version == 2


def test_fairness_at_most_two_priority_calls_in_a_row(fresh) -> None:
    store, settings = fresh
    o1 = q.issue(store, settings, "A", now=at(0))
    o2 = q.issue(store, settings, "B", now=at(1))
    p1 = q.issue(store, settings, "A", priority="elderly", now=at(2))
    p2 = q.issue(store, settings, "C", priority="pregnant", now=at(3))
    p3 = q.issue(store, settings, "A", priority="disabled", now=at(4))
    order = []
    for i in range(6):
        t = q.call_next(store, settings, "Q1", now=at(10 + i))
        order.append(t["number"] if t else None)
    assert order == [p1["number"], p2["number"], o1["number"], p3["number"], o2["number"], None]


def test_counter_services_limit_what_it_calls(fresh) -> None:
    from counter_app.store.models import Center, Counter

    store, settings = fresh
    with store.write() as session:
        session.add(Center(code="DEMO", name="Demo"))
        session.flush()
        session.add(Counter(code="Q9", center_code="DEMO", services=["C"]))
    q.issue(store, settings, "A", now=at(0))
    c = q.issue(store, settings, "C", now=at(1))
    assert q.call_next(store, settings, "Q9", now=at(2))["number"] == c["number"]
    assert q.call_next(store, settings, "Q9", now=at(3)) is None


def test_call_next_closes_the_previous_ticket(fresh) -> None:
    store, settings = fresh
    a = q.issue(store, settings, "A", now=at(0))
    b = q.issue(store, settings, "A", now=at(1))
    c = q.issue(store, settings, "A", now=at(2))
    assert q.call_next(store, settings, "Q1", now=at(5))["number"] == a["number"]
    # Called but never served: calling the next one marks it no_show.
    assert q.call_next(store, settings, "Q1", now=at(6))["number"] == b["number"]
    q.serve(store, settings, "Q1", now=at(7))
    # Served: calling the next one closes it as done.
    assert q.call_next(store, settings, "Q1", now=at(20))["number"] == c["number"]
    with store.read() as session:
        states = {t.number: t.state for t in session.exec(select(Ticket)).all()}
    assert states == {a["number"]: "no_show", b["number"]: "done", c["number"]: "called"}
    cur = q.current(store, settings, "Q1", now=at(21))
    assert cur["number"] == c["number"] and cur["wait_seconds"] == 18 * 60


def test_transfer_and_errors(fresh) -> None:
    store, settings = fresh
    a = q.issue(store, settings, "A", now=at(0))
    with pytest.raises(NotFound):
        q.recall(store, settings, "Q1", now=at(1))
    with pytest.raises(NotFound):
        q.finish(store, settings, "Q1", now=at(1))
    q.call_next(store, settings, "Q1", now=at(2))
    moved = q.transfer(store, settings, "Q1", "C", now=at(3))
    assert moved["state"] == "transferred" and moved["service"] == "C" and moved["counter"] is None
    assert q.current(store, settings, "Q1", now=at(3)) is None
    # A counter of group C calls it next; the number stays the same.
    again = q.call_next(store, settings, "Q2", now=at(4))
    assert again["number"] == a["number"] and again["service"] == "C"
    q.serve(store, settings, "Q2", now=at(5))
    with pytest.raises(InvalidTransition):
        q.recall(store, settings, "Q2", now=at(6))
    with pytest.raises(BadInput):
        q.transfer(store, settings, "Q2", "?", now=at(6))


def test_status_waiting_and_longest_wait(fresh) -> None:
    store, settings = fresh
    q.issue(store, settings, "A", now=at(0))
    q.issue(store, settings, "A", priority="elderly", now=at(10))
    q.issue(store, settings, "C", now=at(20))
    q.call_next(store, settings, "Q1", now=at(25))  # the priority A ticket
    st = q.status(store, settings, now=at(30), counter="Q1")
    groups = {g["service"]: g for g in st["services"]}
    assert groups["A"]["waiting"] == 1 and groups["A"]["longest_wait_seconds"] == 30 * 60
    assert groups["C"]["waiting"] == 1 and groups["C"]["longest_wait_seconds"] == 10 * 60
    assert groups["B"]["waiting"] == 0 and groups["B"]["longest_wait_seconds"] is None
    assert st["total_waiting"] == 2
    assert st["current"]["priority"] == "elderly"


WORKER = """
import datetime as dt, sys, time
from zoneinfo import ZoneInfo
from counter_app.config import load_settings
from counter_app.services import local_queue as q
from counter_app.services.context import AppContext
settings = load_settings(data_dir=sys.argv[1])
ctx = AppContext.open(settings)
t0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# Barrier: announce we are ready (imports done, store open), wait for the other process.
barrier = __import__("pathlib").Path(sys.argv[3])
(barrier / sys.argv[4]).touch()
deadline = time.time() + 60
while len(list(barrier.iterdir())) < 2 and time.time() < deadline:
    time.sleep(0.005)
for i in range(int(sys.argv[2])):
    q.issue(ctx.store, settings, "A", now=t0 + dt.timedelta(seconds=i))
ctx.close()
"""


def test_two_processes_never_share_a_number(fresh, data_dir: Path) -> None:
    import subprocess
    import sys
    store, settings = fresh
    set_slot(store, "03")
    barrier = data_dir.parent / "barrier"
    barrier.mkdir()
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(data_dir), "25", str(barrier), str(i)])
        for i in range(2)
    ]
    for p in procs:
        assert p.wait(timeout=180) == 0
    with store.read() as session:
        numbers = [t.number for t in session.exec(select(Ticket)).all()]
        ops = session.exec(select(Outbox.device_seq)).all()
    assert len(numbers) == 50 and len(set(numbers)) == 50
    assert sorted(numbers) == [f"A-03-{i:03d}" for i in range(1, 51)]
    assert sorted(ops) == list(range(1, 51))
