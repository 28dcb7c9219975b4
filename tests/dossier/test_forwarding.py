"""Forwarding (liên thông, issue 19 §2): a received dossier goes to the body that decides it, each
hand-over is recorded and judged early / on time / late, the result comes back through the body
that holds it, and the supervisor sees what is overdue. Real SQLite file, real CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from counter_app.domain import forwarding as fw
from counter_app.errors import BadInput, InvalidTransition
from counter_app.services import dossiers, forwarding
from counter_app.services.calendar import get_calendar
from counter_app.store.models import Event, Outbox
from tests.dossier.data import APPLICANT
from tests.helpers import ROOT, run_cli

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CATALOG = ROOT / "assets" / "catalog" / "demo_catalog.json"
MON = dt.datetime(2026, 11, 16, 9, 0, tzinfo=TZ)  # Monday; 1.004873 is due Thu 19/11 09:00


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=TZ)


def _received(store, settings, when: dt.datetime = MON):  # type: ignore[no-untyped-def]
    body = {
        "procedure": "1.004873",
        "applicant": dict(APPLICANT),
        "components": [{"index": 1, "original": 1}, {"index": 2, "copy": 2}],
        "received_at": when.isoformat(),
    }
    return dossiers.receive(store, settings, body, actor="canbo1")


# --- pure rules ------------------------------------------------------------------------------


def test_send_deadline_is_the_same_day_until_15h_else_the_next_working_morning(settings) -> None:
    cal = get_calendar(settings)
    assert fw.send_deadline(cal, at(16, 9)) == at(16, 17)
    assert fw.send_deadline(cal, at(16, 15, 0, 0)) == at(16, 17)
    assert fw.send_deadline(cal, at(16, 15, 0, 1)) == at(17, 8)  # 07:00 + the first hour
    # Friday 20/11 after 15:00 → Monday 23/11; Saturday → Monday; Mon 23/11 after 15:00 → Wed
    # 25/11 (Tue 24/11, Culture Day, is a holiday in the shipped calendar)
    assert fw.send_deadline(cal, at(20, 16)) == at(23, 8)
    assert fw.send_deadline(cal, at(21, 9)) == at(23, 8)
    assert fw.send_deadline(cal, at(23, 16)) == at(25, 8)


def test_judge_early_on_time_late(settings) -> None:
    cal = get_calendar(settings)
    due = at(19, 9)
    assert fw.judge(at(18, 16), due, cal) is fw.Timing.EARLY
    assert fw.judge(at(19, 8), due, cal) is fw.Timing.ON_TIME
    assert fw.judge(at(19, 9), due, cal) is fw.Timing.ON_TIME
    assert fw.judge(at(19, 9, 0, 1), due, cal) is fw.Timing.LATE
    assert fw.judge(at(20, 8), due, cal) is fw.Timing.LATE


def _plan(settings, **kw):  # type: ignore[no-untyped-def]
    args = {
        "status": "received",
        "steps": [],
        "received_at": MON,
        "appointment_at": at(19, 9),
        "to_body": "Chi nhánh Văn phòng đăng ký đất đai",
        "kind": "vertical",
        "now": at(16, 10),
        "actor": "canbo1",
    } | kw
    return fw.plan_forward(get_calendar(settings), **args)


def test_plan_forward_checks_every_input(settings) -> None:
    step = _plan(settings).step
    assert step["due_at"] == at(19, 9).isoformat() and step["send_timing"] == "on_time"
    assert _plan(settings, now=at(17, 9)).step["send_timing"] == "late"
    with pytest.raises(InvalidTransition):
        _plan(settings, status="need_supplement")
    with pytest.raises(InvalidTransition, match="đang ở"):
        _plan(settings, steps=[step])
    with pytest.raises(InvalidTransition, match="sau ngày hẹn"):
        _plan(settings, due=at(19, 10))
    with pytest.raises(InvalidTransition, match="đã qua"):
        _plan(settings, due=at(16, 9, 30))
    with pytest.raises(BadInput):
        _plan(settings, to_body="   ")
    with pytest.raises(BadInput):
        _plan(settings, to_body="x" * 201)
    with pytest.raises(BadInput):
        _plan(settings, to_body="Phòng\x00Kinh tế")
    with pytest.raises(BadInput, match="loại cơ quan"):
        _plan(settings, kind="ministry")
    with pytest.raises(BadInput, match="mã trung tâm nhận"):
        _plan(settings, kind="other_center")
    with pytest.raises(BadInput, match="mã trung tâm"):
        _plan(settings, kind="other_center", to_center="X'; DROP")


def test_close_step_needs_an_open_step_and_a_reason_to_refuse(settings) -> None:
    cal = get_calendar(settings)
    with pytest.raises(InvalidTransition):
        fw.close_step(cal, [], result="done", now=at(17, 9), actor="canbo1")
    steps = [_plan(settings).step]
    with pytest.raises(BadInput):
        fw.close_step(cal, steps, result="refused", now=at(17, 9), actor="canbo1")
    with pytest.raises(BadInput):
        fw.close_step(cal, steps, result="lost", now=at(17, 9), actor="canbo1")
    closed = fw.close_step(cal, steps, result="done", now=at(17, 9), actor="canbo1")
    assert closed["timing"] == "early" and steps[0]["back_at"] is None  # the input is untouched


# --- service ---------------------------------------------------------------------------------


def test_forward_and_back_with_the_result(store, settings) -> None:
    d = _received(store, settings)
    out = forwarding.forward(
        store, settings, d["code"], to_body="Phòng Văn hóa - Xã hội", kind="commune",
        receiver="Nguyễn Văn Bình", actor="canbo1", now=at(16, 10),
    )
    assert out["status"] == "processing" and len(out["handovers"]) == 1
    step = out["handovers"][0]
    assert step["to_body"] == "Phòng Văn hóa - Xã hội" and step["sent_by"] == "canbo1"
    assert step["receiver"] == "Nguyễn Văn Bình" and step["send_timing"] == "on_time"
    # the result cannot skip the body that holds the dossier
    with pytest.raises(InvalidTransition, match="đang ở Phòng Văn hóa"):
        dossiers.transition(store, settings, d["code"], "done", actor="canbo1", now=at(18, 9))
    with pytest.raises(InvalidTransition, match="đang ở"):
        forwarding.forward(store, settings, d["code"], to_body="X", kind="commune",
                           actor="canbo1", now=at(16, 11))
    back = forwarding.take_back(
        store, settings, d["code"], result="done", giver="Nguyễn Văn Bình", actor="canbo2",
        now=at(19, 8, 30),
    )
    assert back["status"] == "done"
    closed = back["handovers"][0]
    assert closed["timing"] == "on_time" and closed["back_by"] == "canbo2"
    assert dossiers.record_return(
        store, settings, d["code"], actor="canbo2", receiver_name=APPLICANT["full_name"],
        receiver_id_number=APPLICANT["id_number"], id_checked=True, now=at(19, 10),
    )["status"] == "returned"
    with store.read() as s:
        ops = [o.op for o in s.exec(select(Outbox).order_by(Outbox.device_seq)).all()]
        actions = [e.action for e in s.exec(select(Event).order_by(Event.id)).all()]
    assert ops[-3:] == ["forwarded", "handed_back", "returned"]
    assert "forwarded" in actions and "handed_back" in actions
    # no personal data in the event summary of the step
    forwarded = json.dumps([e for e in actions])
    assert APPLICANT["id_number"] not in forwarded


def test_passed_on_opens_the_next_step_from_the_body_that_had_it(store, settings) -> None:
    d = _received(store, settings)
    forwarding.forward(store, settings, d["code"], to_body="Phòng Kinh tế", kind="commune",
                       actor="canbo1", now=at(16, 10))
    out = forwarding.take_back(
        store, settings, d["code"], result="passed_on", next_body="Lãnh đạo UBND xã",
        actor="canbo1", now=at(17, 10), next_due=at(18, 17),
    )
    assert out["status"] == "processing"
    first, second = out["handovers"]
    assert first["result"] == "passed_on" and first["timing"] == "early"
    assert second["from_body"] == "Phòng Kinh tế" and second["to_body"] == "Lãnh đạo UBND xã"
    assert second["send_timing"] is None and second["due_at"] == at(18, 17).isoformat()
    with pytest.raises(BadInput, match="cơ quan nhận tiếp"):
        forwarding.take_back(store, settings, d["code"], result="passed_on", actor="canbo1",
                             now=at(18, 9))
    late = forwarding.take_back(store, settings, d["code"], result="done", actor="canbo1",
                                now=at(19, 8))
    assert late["handovers"][1]["timing"] == "late" and late["status"] == "done"


def test_body_asks_for_papers_once_then_refuses(store, settings) -> None:
    d = _received(store, settings)
    forwarding.forward(store, settings, d["code"], to_body="Công an xã", kind="vertical",
                       actor="canbo1", now=at(16, 10))
    with pytest.raises(BadInput):
        forwarding.take_back(store, settings, d["code"], result="need_supplement",
                             actor="canbo1", now=at(17, 9))
    out = forwarding.take_back(
        store, settings, d["code"], result="need_supplement", note="Thiếu giấy ủy quyền",
        actor="canbo1", now=at(17, 9),
    )
    assert out["status"] == "need_supplement" and out["reason"] == "Thiếu giấy ủy quyền"
    assert out["supplement_count"] == 1


def test_withdrawal_while_at_a_body_closes_its_step(store, settings) -> None:
    d = _received(store, settings)
    forwarding.forward(store, settings, d["code"], to_body="Công an xã", kind="vertical",
                       actor="canbo1", now=at(16, 10))
    out = dossiers.transition(
        store, settings, d["code"], "withdrawn", reason="Không có nhu cầu nữa", actor="canbo1",
        now=at(17, 9),
    )
    assert out["status"] == "withdrawn"
    assert out["handovers"][0]["result"] == "stopped" and out["handovers"][0]["back_at"]


def test_other_center_needs_a_center_code_not_its_own(store, settings) -> None:
    d = _received(store, settings)
    with pytest.raises(BadInput):
        forwarding.forward(store, settings, d["code"], to_body="Trung tâm xã Y",
                           kind="other_center", actor="canbo1", now=at(16, 10))
    with pytest.raises(BadInput, match="trung tâm của hồ sơ"):
        forwarding.forward(store, settings, d["code"], to_body="Trung tâm", kind="other_center",
                           to_center=settings.center_code, actor="canbo1", now=at(16, 10))
    out = forwarding.forward(store, settings, d["code"], to_body="Trung tâm PVHCC xã Y",
                             kind="other_center", to_center="XAY01", actor="canbo1",
                             now=at(16, 10))
    assert out["handovers"][0]["to_center"] == "XAY01"


def test_supervisor_sees_overdue_steps_and_dossiers_not_forwarded(store, settings) -> None:
    held = _received(store, settings)
    idle = _received(store, settings, at(16, 15, 30))
    forwarding.forward(store, settings, held["code"], to_body="Phòng Kinh tế", kind="commune",
                       actor="canbo1", now=at(16, 10), due=at(17, 17))
    quiet = forwarding.attention(store, settings, now=at(17, 7, 30))
    assert quiet == {"overdue_steps": [], "not_forwarded": [], "routed_here": []}
    late = forwarding.attention(store, settings, now=at(18, 9))
    assert [r["code"] for r in late["overdue_steps"]] == [held["code"]]
    assert late["overdue_steps"][0]["late_days"] == 1
    assert [r["code"] for r in late["not_forwarded"]] == [idle["code"]]
    assert late["not_forwarded"][0]["send_deadline"] == at(17, 8).isoformat()


def test_cli_forward_and_handback(tmp_path: Path) -> None:
    env = {"COUNTER_APP_DATA_DIR": str(tmp_path / "data"), "COUNTER_APP_OFFICER": "canbo1"}
    assert run_cli("catalog", "import", str(CATALOG), env=env).returncode == 0
    f = tmp_path / "d.json"
    f.write_text(json.dumps({
        "procedure": "1.004873",
        "applicant": APPLICANT,
        "components": [
            {"index": 1, "original": 1}, {"index": 2, "copy": 2}, {"index": 3, "presented": True}
        ],
    }, ensure_ascii=False), encoding="utf-8")
    got = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
    assert got.returncode == 0, got.stderr
    code = json.loads(got.stdout)["code"]
    bad = run_cli("dossier", "handback", code, "--result", "done", env=env)
    assert bad.returncode != 0 and "không ở cơ quan nào" in bad.stderr
    out = run_cli("dossier", "forward", code, "--to", "Công an xã", "--kind", "vertical",
                  "--due", "1999-01-01T08:00:00+07:00", env=env)
    assert out.returncode != 0 and "đã qua" in out.stderr and "Traceback" not in out.stderr
    out = run_cli("dossier", "forward", code, "--to", "Công an xã", "--kind", "vertical",
                  "--json", env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "processing"
    out = run_cli("dossier", "handback", code, "--result", "refused", env=env)
    assert out.returncode != 0 and "cần ghi lý do" in out.stderr
    out = run_cli("dossier", "handback", code, "--result", "done", "--giver", "Trần B", "--json",
                  env=env)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["status"] == "done" and d["handovers"][0]["giver"] == "Trần B"


def test_form_06_prints_the_chain_as_recorded(store, settings, tmp_path: Path) -> None:
    from counter_app.services import forms as form_service
    from counter_app.store.models import Center, Officer
    from tests.forms import pdftools as pt

    with store.write() as s:
        s.add(Center(code=settings.center_code, name="Trung tâm PVHCC phường Demo"))
        s.flush()
        s.add(Officer(username="canbo1", full_name="Trần Thị Hoa", center_code=settings.center_code))
    d = _received(store, settings)
    forwarding.forward(store, settings, d["code"], to_body="Phòng Kinh tế", kind="commune",
                       receiver="Lê Văn Nam", actor="canbo1", now=at(16, 15, 30))
    forwarding.take_back(store, settings, d["code"], result="passed_on",
                         next_body="Chi nhánh VP đăng ký đất đai", next_kind="vertical",
                         actor="canbo1", now=at(17, 9))
    forwarding.take_back(store, settings, d["code"], result="done", giver="Phạm Văn Đức",
                         actor="canbo1", now=at(19, 10))
    dossiers.record_return(
        store, settings, d["code"], actor="canbo1", receiver_name=APPLICANT["full_name"],
        receiver_id_number=APPLICANT["id_number"], id_checked=True, now=at(19, 14),
    )
    pdf = form_service.render_form(store, settings, d["code"], "control", tmp_path / "06.pdf")
    text = pt.flat(pt.text(pdf))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert d["code"] in text and APPLICANT["full_name"] in text
    # row 1: the counter to the first body, sent after the deadline (received 09:00, sent 15:30
    # the same day is on time; the chain is judged, not typed)
    assert "Giao: " in text and "Trần Thị Hoa" in text and "Lê Văn Nam" in text
    assert "15 giờ 30 phút, ngày 16/11/2026" in text
    # the body passed it on; the last body brought it back late (due Thu 19/11 09:00)
    assert "Chi nhánh VP đăng ký đất đai" in text and "Phạm Văn Đức" in text
    assert "10 giờ 00 phút, ngày 19/11/2026" in text and "Quá hạn" in text
    assert "Trả kết quả" in text and "14 giờ 00 phút, ngày 19/11/2026" in text
    assert pt.pages(pdf) == 1 and pt.page_size_pt(pdf)[0] == pytest.approx(595, abs=2)  # A4
    cli = run_cli("dossier", "form", d["code"], "--kind", "control", "--out",
                  str(tmp_path / "c.pdf"), env={"COUNTER_APP_DATA_DIR": str(settings.data_dir)})
    assert cli.returncode == 0, cli.stderr
    assert (tmp_path / "c.pdf").stat().st_mode & 0o777 == 0o600


def test_return_says_how_the_receiver_was_checked_and_in_what_capacity(store, settings) -> None:
    d = _received(store, settings)
    dossiers.transition(store, settings, d["code"], "done", actor="canbo1", now=at(17, 9))
    common = {"actor": "canbo1", "id_checked": True, "now": at(17, 10)}
    with pytest.raises(BadInput, match="id_method"):
        dossiers.record_return(store, settings, d["code"], receiver_name="Trần Minh Khoa",
                               receiver_id_number="001190012399", id_method="psychic",
                               relation="Người được ủy quyền", **common)
    with pytest.raises(BadInput, match="không phải người nộp"):
        dossiers.record_return(store, settings, d["code"], receiver_name="Trần Minh Khoa",
                               receiver_id_number="001190012399", id_method="qr", **common)
    assert dossiers.get(store, d["code"])["status"] == "done"
    out = dossiers.record_return(store, settings, d["code"], receiver_name="Trần Minh Khoa",
                                 receiver_id_number="001190012399", id_method="qr",
                                 relation="  Người được   ủy quyền ", **common)
    assert out["returned_to"]["relation"] == "Người được ủy quyền"
    assert out["returned_to"]["id_method"] == "qr"


def test_remote_close_takes_only_the_closing_fields_of_the_step_addressed_here(settings) -> None:
    import copy

    cal = get_calendar(settings)
    first = fw.close_step(cal, [_plan(settings).step], result="passed_on", now=at(16, 11),
                          actor="a")
    routed = _plan(settings, steps=[first], kind="other_center", to_center="XA2",
                   now=at(16, 12)).step
    stored = [first, routed]
    assert fw.routed_to(stored, "DEMO") == "XA2" and fw.routed_to(stored, "XA2") is None
    closed = fw.close_step(cal, stored, result="done", now=at(17, 9), actor="b", giver="G")
    incoming = [copy.deepcopy(first), closed]
    got = fw.remote_close(stored, incoming, "XA2")
    assert got["result"] == "done" and got["giver"] == "G" and got["to_body"] == routed["to_body"]
    with pytest.raises(BadInput):
        fw.remote_close(stored, incoming, "XA9")  # not addressed to that center
    tampered = copy.deepcopy(incoming)
    tampered[0]["to_body"] = "Khác"
    with pytest.raises(BadInput, match="step 1"):
        fw.remote_close(stored, tampered, "XA2")
    renamed = copy.deepcopy(incoming)
    renamed[1]["due_at"] = at(30, 9).isoformat()
    with pytest.raises(BadInput, match="own fields"):
        fw.remote_close(stored, renamed, "XA2")
    onward = copy.deepcopy(incoming)
    onward[1]["result"] = "passed_on"
    with pytest.raises(BadInput):
        fw.remote_close(stored, onward, "XA2")
    silent = copy.deepcopy(incoming)
    silent[1] |= {"result": "refused", "result_note": ""}
    with pytest.raises(BadInput, match="reason"):
        fw.remote_close(stored, silent, "XA2")
    with pytest.raises(BadInput):
        fw.remote_close(stored, [*incoming, {}], "XA2")
    with pytest.raises(BadInput):
        fw.remote_close(stored, "not a list", "XA2")


def test_a_center_code_with_another_kind_is_refused_not_dropped(settings) -> None:
    with pytest.raises(BadInput, match="loại 3"):
        _plan(settings, kind="commune", to_center="Lê Văn Nam")
