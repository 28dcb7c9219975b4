"""Ratings on a real SQLite file (issue 18 §3): offered when a ticket is finished, recorded once
per ticket with its outbox op, tied to the officer and the dossiers of the ticket, figures by
officer and procedure — and what a citizen or a stale terminal can get wrong."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from counter_app.config import Settings
from counter_app.contracts.tickets import QueueTicket
from counter_app.errors import BadInput, InvalidTransition
from counter_app.services import local_queue, satisfaction
from counter_app.store.db import Store
from counter_app.store.models import Outbox, Rating
from tests.dossier.data import APPLICANT
from tests.helpers import run_cli
from tests.satisfaction.tickets import at, serve_ticket


def test_offer_rate_once_with_its_op(store: Store, settings: Settings) -> None:
    ticket = serve_ticket(store, settings, at(9))
    assert satisfaction.pending(store, settings, "Q1", now=at(9, 6)) is None  # not offered yet
    satisfaction.offer(store, settings, ticket, "Q1", now=at(9, 5))
    offer = satisfaction.pending(store, settings, "Q1", now=at(9, 6))
    assert offer is not None and offer.number == ticket.number and offer.officer == "canbo1"
    assert satisfaction.pending(store, settings, "Q2", now=at(9, 6)) is None  # another counter

    row = satisfaction.rate(store, settings, "Q1", ticket_id=ticket.id, level="unsatisfied",
                            reasons=["wait", "wait"], now=at(9, 7))
    assert row.reasons == ["wait"] and row.officer == "canbo1" and row.service_day == "2026-11-23"
    assert len(row.dossier_codes) == 1 and row.procedure_codes == ["1.004873"]
    assert satisfaction.pending(store, settings, "Q1", now=at(9, 7)) is None  # answered
    with pytest.raises(InvalidTransition):  # the terminal sends it twice (double tap)
        satisfaction.rate(store, settings, "Q1", ticket_id=ticket.id, level="satisfied",
                          now=at(9, 7))
    # even if the same ticket is offered again (finished twice, a replayed offer): one rating
    satisfaction.offer(store, settings, ticket, "Q1", now=at(9, 8))
    assert satisfaction.pending(store, settings, "Q1", now=at(9, 8)) is None
    with pytest.raises(satisfaction.AlreadyRated):
        satisfaction.rate(store, settings, "Q1", ticket_id=ticket.id, level="satisfied",
                          now=at(9, 8))
    with store.read() as s:
        assert len(s.exec(Rating.__table__.select()).all()) == 1
        ops = [o for o in s.exec(Outbox.__table__.select()).all() if o.entity == "rating"]
    assert len(ops) == 1 and ops[0].payload["rating"]["level"] == "unsatisfied"
    assert APPLICANT["full_name"] not in json.dumps(ops[0].payload, ensure_ascii=False)


def test_stale_or_wrong_answers_are_refused(store: Store, settings: Settings) -> None:
    first = serve_ticket(store, settings, at(9))
    satisfaction.offer(store, settings, first, "Q1", now=at(9, 5))
    second = serve_ticket(store, settings, at(9, 10))
    satisfaction.offer(store, settings, second, "Q1", now=at(9, 15))  # the next citizen finished
    with pytest.raises(InvalidTransition):  # the terminal still showed the first one
        satisfaction.rate(store, settings, "Q1", ticket_id=first.id, level="satisfied",
                          now=at(9, 16))
    with pytest.raises(BadInput):
        satisfaction.rate(store, settings, "Q1", ticket_id=second.id, level="5 stars",
                          now=at(9, 16))
    with pytest.raises(BadInput):
        satisfaction.rate(store, settings, "Q1", ticket_id=second.id, level="unsatisfied",
                          reasons=["<script>"], now=at(9, 16))
    # too late: the offer lapses, the terminal goes idle
    late = at(9, 15) + dt.timedelta(minutes=11)
    assert satisfaction.pending(store, settings, "Q1", now=late) is None
    # an unfinished ticket is never offered
    waiting = QueueTicket.model_validate(
        {"origin": "local", **local_queue.issue(store, settings, "A", now=at(10))})
    satisfaction.offer(store, settings, waiting, "Q2", now=at(10))
    assert satisfaction.pending(store, settings, "Q2", now=at(10)) is None


def test_report_by_officer_and_procedure(store: Store, settings: Settings) -> None:
    levels = [("canbo1", "very_satisfied", True), ("canbo1", "satisfied", False),
              ("canbo2", "unsatisfied", True)]
    for i, (officer, level, with_dossier) in enumerate(levels):
        t = serve_ticket(store, settings, at(9, 10 * i), officer=officer, dossier=with_dossier)
        satisfaction.offer(store, settings, t, "Q1", now=at(9, 10 * i + 5))
        satisfaction.rate(store, settings, "Q1", ticket_id=t.id, level=level,
                          reasons=["attitude"] if level == "unsatisfied" else [],
                          now=at(9, 10 * i + 6))
    serve_ticket(store, settings, at(11), officer="canbo2", dossier=False)  # served, not rated
    day = dt.date(2026, 11, 23)
    out = satisfaction.satisfaction_report(store, settings, day, day, by="officer")
    t = out["total"]
    assert (t["rated"], t["served"], t["satisfaction_rate"]) == (3, 4, round(2 / 3, 4))
    assert t["reasons"]["attitude"] == 1
    by = {g["key"]: g for g in out["groups"]}
    assert (by["canbo1"]["rated"], by["canbo1"]["rated_share"]) == (2, 1.0)
    assert (by["canbo2"]["rated"], by["canbo2"]["served"], by["canbo2"]["rated_share"]) == (1, 2, 0.5)
    procs = satisfaction.satisfaction_report(store, settings, day, day, by="procedure")
    assert {g["key"]: g["rated"] for g in procs["groups"]} == {"1.004873": 2, "—": 1}
    other_day = dt.date(2026, 11, 24)
    assert satisfaction.satisfaction_report(store, settings, other_day, other_day)["total"]["rated"] == 0
    with pytest.raises(BadInput):
        satisfaction.satisfaction_report(store, settings, day, day, by="weather")


def test_cli_report_and_terminal_arguments(store: Store, settings: Settings) -> None:
    t = serve_ticket(store, settings, at(9))
    satisfaction.offer(store, settings, t, "Q1", now=at(9, 5))
    satisfaction.rate(store, settings, "Q1", ticket_id=t.id, level="unsatisfied",
                      reasons=["guidance"], now=at(9, 6))
    store.close()
    env = {"COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    r = run_cli("report", "satisfaction", "--from", "23/11/2026", "--to", "23/11/2026",
                "--by", "procedure", "--json", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["total"]["unsatisfied"] == 1 and out["groups"][0]["key"] == "1.004873"
    r = run_cli("report", "satisfaction", "--from", "23/11/2026", "--to", "23/11/2026", env=env)
    assert r.returncode == 0 and "Hướng dẫn chưa rõ ràng" in r.stderr + r.stdout
    for bad in (["--from", "23/11/2026", "--to", "22/11/2026"],
                ["--from", "23/11/2026", "--to", "23/11/2026", "--by", "mood"]):
        r = run_cli("report", "satisfaction", *bad, env=env)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (bad, r.stderr)
    r = run_cli("report", "satisfaction", "--period", "tháng 11/2026", "--json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["total"]["rated"] == 1, r.stderr
    for bad in (["--period", "next decade"], ["--from", "23/11/2026"]):
        r = run_cli("report", "satisfaction", *bad, env=env)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (bad, r.stderr)
    r = run_cli("rate", "--counter", "Q1; rm -rf /", env=env)
    assert r.returncode == 2 and "counter" in r.stderr and "Traceback" not in r.stderr
