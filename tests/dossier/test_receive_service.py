"""The receive use case on a real SQLite file: codes, appointments, outcomes, idempotency,
lookup, transitions and result return."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from counter_app.errors import BadInput, InvalidTransition, NotFound
from counter_app.services import dossiers
from counter_app.store.models import Dossier, Event, Outbox
from tests.dossier.data import APPLICANT

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def req(**kw):
    base = {
        "procedure": "1.001193",
        "applicant": dict(APPLICANT),
        "components": [
            {"index": 1, "original": 1},
            {"index": 2, "original": 1},
            {"index": 4, "presented": True},
        ],
    }
    base.update(kw)
    return base


def test_receive_complete_dossier_same_day_before_cut_off(store, settings):
    d = dossiers.receive(
        store, settings, req(received_at="2026-11-23T10:05:00+07:00"), actor="canbo1"
    )
    assert d["status"] == "received"
    assert d["code"] == "H15.50.05.13-261123-000001"
    assert d["lookup_code"].startswith(d["code"] + "-")
    assert d["appointment_at"].startswith("2026-11-23T17:00")  # end of working hours, same day
    assert d["due_rule"]
    assert d["applicant"]["full_name"] == "Nguyễn Văn Ánh"
    assert d["applicant_phone"] == "0912345678"
    with store.read() as s:
        assert len(s.exec(select(Outbox)).all()) == 1
        assert len(s.exec(select(Event)).all()) == 1


def test_after_cut_off_skips_the_holiday(store, settings):
    # Mon 23/11/2026 after 15:00 → next working day; Tue 24/11/2026 is Vietnam Culture Day.
    d = dossiers.receive(
        store, settings, req(received_at="2026-11-23T15:30:00+07:00"), actor="canbo1"
    )
    assert d["appointment_at"].startswith("2026-11-25T17:00")


def test_working_days_and_daily_sequence(store, settings):
    body = {
        "procedure": "1.004873",
        "applicant": dict(APPLICANT),
        "components": [{"index": 1, "original": 1}, {"index": 2, "copy": 2}],
        "received_at": "2026-11-20T09:00:00+07:00",  # Friday
    }
    a = dossiers.receive(store, settings, body, actor="canbo1")
    b = dossiers.receive(store, settings, body, actor="canbo1")
    assert a["code"].endswith("-261120-000001") and b["code"].endswith("-261120-000002")
    # 3 working days after Fri 20/11: Mon 23, (Tue 24 holiday), Wed 25, Thu 26
    assert a["appointment_at"] == "2026-11-26T09:00:00+07:00"
    assert a["fee_vnd"] == 5000 and a["fees"][0]["amount_vnd"] is None


def test_missing_required_component_stores_nothing(store, settings):
    with pytest.raises(BadInput) as err:
        dossiers.receive(
            store, settings, req(components=[{"index": 1, "original": 1}]), actor="canbo1"
        )
    assert err.value.field == "components[2]"
    with store.read() as s:
        assert s.exec(select(Dossier)).all() == []
        assert s.exec(select(Outbox)).all() == []


@pytest.mark.parametrize(
    "change,field",
    [
        ({"procedure": "9.999999"}, "procedure"),
        ({"applicant": {**APPLICANT, "id_number": "12345"}}, "id_number"),
        ({"applicant": {**APPLICANT, "date_of_birth": "14/03/1985"}}, "applicant.date_of_birth"),
        ({"applicant": {**APPLICANT, "phone": "abc"}}, "applicant.phone"),
        ({"components": [{"index": 1, "original": -1}]}, "components.0.original"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field(store, settings, change, field):
    with pytest.raises(BadInput) as err:
        dossiers.receive(store, settings, req(**change), actor="canbo1")
    assert field in str(err.value)
    with store.read() as s:
        assert s.exec(select(Dossier)).all() == []


def test_id_number_must_agree_with_birth_date(store, settings):
    bad = {**APPLICANT, "date_of_birth": "2003-03-14"}  # digit 0 = born 1900s
    with pytest.raises(BadInput):
        dossiers.receive(store, settings, req(applicant=bad), actor="canbo1")


def test_supplementation_and_refusal(store, settings):
    sup = dossiers.receive(
        store,
        settings,
        req(
            components=[{"index": 1, "original": 1}],
            outcome="supplement",
            received_at="2026-11-25T08:00:00+07:00",
        ),
        actor="canbo1",
    )
    assert sup["status"] == "need_supplement" and sup["appointment_at"] is None
    assert [m["index"] for m in sup["missing"]] == [2, 4]
    with pytest.raises(BadInput, match="lý do"):
        dossiers.receive(store, settings, req(outcome="refuse"), actor="canbo1")
    ref = dossiers.receive(
        store, settings, req(outcome="refuse", reason="Không thuộc thẩm quyền"), actor="canbo1"
    )
    assert ref["status"] == "refused" and ref["reason"] == "Không thuộc thẩm quyền"
    # the citizen comes back: still incomplete, then complete → due recomputed from that day
    with pytest.raises(BadInput):
        dossiers.complete_supplement(
            store, settings, sup["code"], [{"index": 2, "original": 1}], actor="canbo1"
        )
    done = dossiers.complete_supplement(
        store,
        settings,
        sup["code"],
        [{"index": 2, "original": 1}, {"index": 4, "presented": True}],
        actor="canbo1",
        now=dt.datetime(2026, 11, 27, 9, 0, tzinfo=TZ),
    )
    assert done["status"] == "received" and done["appointment_at"].startswith("2026-11-27T17:00")
    with pytest.raises(InvalidTransition):
        dossiers.transition(
            store, settings, done["code"], "need_supplement", actor="canbo1"
        )  # only once


def test_same_client_id_never_makes_two_dossiers(store, settings):
    a = dossiers.receive(
        store, settings, req(client_id="01999999-0000-7000-8000-000000000001"), actor="canbo1"
    )
    b = dossiers.receive(
        store, settings, req(client_id="01999999-0000-7000-8000-000000000001"), actor="canbo1"
    )
    assert a["code"] == b["code"]
    with store.read() as s:
        assert len(s.exec(select(Dossier)).all()) == 1


def test_lookup_transitions_and_return(store, settings):
    d = dossiers.receive(store, settings, req(), actor="canbo1")
    for text in (
        "nguyen van anh",
        "NGUYỄN VĂN",
        "001085012345",
        "0912345",
        d["code"],
        d["lookup_code"],
    ):
        assert [r["code"] for r in dossiers.lookup(store, text)] == [d["code"]], text
    assert dossiers.lookup(store, "tran thi") == []
    with pytest.raises(InvalidTransition):
        dossiers.record_return(
            store,
            settings,
            d["code"],
            actor="canbo1",
            receiver_name="A",
            receiver_id_number="001085012345",
            id_checked=True,
        )
    dossiers.transition(store, settings, d["code"], "processing", actor="canbo1")
    dossiers.transition(store, settings, d["code"], "done", actor="canbo1")
    with pytest.raises(BadInput, match="kiểm tra"):
        dossiers.record_return(
            store,
            settings,
            d["code"],
            actor="canbo1",
            receiver_name="A",
            receiver_id_number="001085012345",
            id_checked=False,
        )
    r = dossiers.record_return(
        store,
        settings,
        d["code"],
        actor="canbo1",
        receiver_name="Nguyễn Văn Ánh",
        receiver_id_number="001085012345",
        id_checked=True,
    )
    assert r["status"] == "returned" and r["returned_to"]["id_checked"] is True
    shown = dossiers.get(store, d["code"])
    assert [h["action"] for h in shown["history"]] == [
        "receive",
        "transition",
        "transition",
        "returned",
    ]
    with pytest.raises(NotFound):
        dossiers.get(store, "NOPE-000000-0000")


def test_summary_lists_overdue_and_due_today(store, settings):
    body = {
        "procedure": "1.004873",
        "applicant": dict(APPLICANT),
        "components": [{"index": 1, "original": 1}, {"index": 2, "copy": 2}],
        "received_at": "2026-11-16T09:00:00+07:00",
    }
    old = dossiers.receive(store, settings, body, actor="canbo1")  # due Thu 19/11
    today = dossiers.receive(
        store, settings, req(received_at="2026-11-19T08:00:00+07:00"), actor="canbo1"
    )
    s = dossiers.summary(store, settings, now=dt.datetime(2026, 11, 19, 8, 30, tzinfo=TZ))
    assert s["total"] == 1 and s["by_status"] == {"received": 1}
    assert [o["code"] for o in s["due_today"]] == sorted([old["code"], today["code"]])
    s2 = dossiers.summary(store, settings, now=dt.datetime(2026, 11, 20, 8, 0, tzinfo=TZ))
    assert {o["code"] for o in s2["overdue"]} == {old["code"], today["code"]}


def test_extension_keeps_the_original_due_and_sets_are_stored(store, settings, tmp_path):
    from counter_app.services import forms

    body = {"procedure": "1.004873", "applicant": dict(APPLICANT), "copies": 2,
            "components": [{"index": 1, "original": 1}, {"index": 2, "copy": 2}],
            "received_at": "2026-11-16T09:00:00+07:00"}
    d = dossiers.receive(store, settings, body, actor="canbo1")
    assert d["sets"] == 2 and d["fee_vnd"] == 5000  # a per-dossier fee is not per set
    dossiers.transition(store, settings, d["code"], "processing", actor="canbo1")
    ext = dossiers.transition(store, settings, d["code"], "extended", actor="canbo1",
                              reason="Chờ xác minh", new_due=dt.datetime(2026, 11, 25, 9, 0),
                              now=dt.datetime(2026, 11, 17, 10, 0, tzinfo=TZ))
    assert ext["original_appointment_at"] == "2026-11-19T09:00:00+07:00"
    assert ext["appointment_at"] == "2026-11-25T09:00:00+07:00"
    # form 04 finds the original due date by itself once the dossier is extended
    out = forms.render_form(store, settings, d["code"], "apology", tmp_path / "04.pdf", reason="Chờ xác minh")
    assert out.read_bytes().startswith(b"%PDF")
    with pytest.raises(InvalidTransition):
        dossiers.transition(store, settings, d["code"], "extended", actor="canbo1",
                            new_due=dt.datetime(2026, 11, 30, 9, 0))
