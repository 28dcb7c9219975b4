"""Pure queue rules: numbering, service day, priority reasons, ordering with the fairness bound."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.domain.queue import (
    Candidate,
    FairnessPolicy,
    QueueRuleError,
    announcement,
    check_priority,
    check_transition,
    choose_next,
    format_number,
    next_streak,
    parse_number,
    service_day,
    timings,
)


def test_numbers_round_trip() -> None:
    assert format_number("A", 1) == "A001"
    assert format_number("D", 123) == "D123"
    assert format_number("B", 1234) == "B1234"
    assert format_number("A", 23, slot="07") == "A-07-023"
    assert parse_number("A023") == ("A", None, 23)
    assert parse_number("a-07-023") == ("A", "07", 23)
    for bad in ("", "AA01", "A1", "1A23", "A-7-023", "A0000X"):
        with pytest.raises(QueueRuleError):
            parse_number(bad)
    with pytest.raises(QueueRuleError):
        format_number("a", 1)
    with pytest.raises(QueueRuleError):
        format_number("A", 0)
    with pytest.raises(QueueRuleError):
        format_number("A", 10_000)


def test_service_day_is_vietnam_day() -> None:
    # 17:30 UTC on 8 Oct is already 00:30 on 9 Oct in Hà Nội.
    assert service_day(dt.datetime(2026, 10, 8, 17, 30, tzinfo=dt.UTC)) == "2026-10-09"
    assert service_day(dt.datetime(2026, 10, 8, 16, 59, tzinfo=dt.UTC)) == "2026-10-08"
    with pytest.raises(QueueRuleError):
        service_day(dt.datetime(2026, 10, 8, 10, 0))


def test_priority_reasons() -> None:
    assert check_priority(None) is None
    assert check_priority("") is None
    assert check_priority("elderly") == "elderly"
    with pytest.raises(QueueRuleError, match="merit"):
        check_priority("vip")


def test_transitions() -> None:
    check_transition("waiting", "called")
    check_transition("called", "no_show")
    check_transition("no_show", "called")
    with pytest.raises(QueueRuleError):
        check_transition("done", "called")
    with pytest.raises(QueueRuleError):
        check_transition("waiting", "done")


def _c(i: int, service: str = "A", prio: str | None = None, target: str | None = None) -> Candidate:
    return Candidate(id=str(i), service=service, pos=i, priority=prio, target_counter=target)


def test_priority_first_then_fairness() -> None:
    pool = [_c(1), _c(2), _c(3, prio="elderly"), _c(4, prio="disabled"), _c(5, prio="pregnant")]
    order = []
    streak = 0
    while pool:
        got = choose_next(pool, services=["A"], counter="Q1", priority_streak=streak)
        assert got is not None
        order.append(got.id)
        streak = next_streak(streak, got)
        pool.remove(got)
    # two priority calls, then an ordinary one, then the last priority, then the rest
    assert order == ["3", "4", "1", "5", "2"]


def test_only_priority_left_is_still_called() -> None:
    pool = [_c(1, prio="merit")]
    assert choose_next(pool, services=["A"], counter="Q1", priority_streak=5) == pool[0]


def test_services_and_transfer_targets() -> None:
    pool = [_c(1, "B"), _c(2, "A", target="Q2"), _c(3, "C"), _c(4, "A", target="Q1")]
    # Q1 gets what was transferred to it first, whatever its service
    assert choose_next(pool, services=["C"], counter="Q1", priority_streak=0).id == "4"
    # Q3 never sees tickets sent to Q1/Q2
    assert choose_next(pool, services=["A"], counter="Q3", priority_streak=0) is None
    assert choose_next(pool, services=["A", "C"], counter="Q3", priority_streak=0).id == "3"
    assert choose_next([], services=["A"], counter="Q1", priority_streak=0) is None


def test_policy_validation() -> None:
    with pytest.raises(QueueRuleError):
        FairnessPolicy(max_priority_streak=0)


def test_timings_and_announcement() -> None:
    t0 = dt.datetime(2026, 10, 8, 8, 0, tzinfo=dt.UTC)
    got = timings(t0, t0 + dt.timedelta(minutes=5), None, t0 + dt.timedelta(minutes=12))
    assert got == {"wait_seconds": 300, "service_seconds": 420}
    assert timings(t0, None, None, None) == {"wait_seconds": None, "service_seconds": None}
    assert announcement("A023", "Q2") == "Mời số A023 đến quầy số 2"


@settings(max_examples=200, deadline=None)
@given(
    flags=st.lists(st.booleans(), min_size=0, max_size=60),
    max_streak=st.integers(min_value=1, max_value=4),
)
def test_simulated_queue_is_fair_and_complete(flags: list[bool], max_streak: int) -> None:
    pool = [_c(i, prio="elderly" if p else None) for i, p in enumerate(flags)]
    policy = FairnessPolicy(max_priority_streak=max_streak)
    called: list[Candidate] = []
    streak = 0
    run = 0
    while True:
        got = choose_next(pool, services=["A"], counter="Q1", priority_streak=streak, policy=policy)
        if got is None:
            break
        ordinary_waiting = any(not c.is_priority for c in pool)
        run = run + 1 if got.is_priority else 0
        if ordinary_waiting:
            assert run <= max_streak
        streak = next_streak(streak, got)
        pool.remove(got)
        called.append(got)
    assert pool == []
    assert sorted(c.pos for c in called) == list(range(len(flags)))
    for cls in (True, False):
        seq = [c.pos for c in called if c.is_priority == cls]
        assert seq == sorted(seq)


async def test_event_broker_scopes_and_drops_slow_subscribers() -> None:
    import asyncio

    from counter_app.server.events import Broker

    broker = Broker(max_queue=3)
    _a, qa = broker.subscribe("A")
    _b, qb = broker.subscribe("B")
    for i in range(5):
        broker.publish({"type": "issued", "center": "A", "n": i})
    broker.publish({"type": "issued", "center": "B", "n": 99})
    await asyncio.sleep(0.05)
    got = []
    while not qa.empty():
        got.append(qa.get_nowait())
    assert got[-1] is None  # too slow: dropped, stream ends
    assert broker.subscribers == 1
    assert qb.get_nowait()["n"] == 99 and qb.empty()
