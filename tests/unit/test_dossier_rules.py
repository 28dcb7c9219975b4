import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain import dossier as rules
from counter_app.errors import BadInput, InvalidTransition


def test_code_embeds_slot_and_at_least_four_digits():
    code = rules.dossier_code("H15.50.05.13", dt.date(2026, 10, 8), "07", 975)
    assert code == "H15.50.05.13-261008-070975"
    assert rules.parse_dossier_code(code) == {"agency": "H15.50.05.13", "day": "261008", "seq": "070975"}
    assert rules.dossier_code("H15.50.05.13", dt.date(2026, 10, 8), "07", 123456).endswith("-07123456")


@pytest.mark.parametrize("agency,slot,seq", [("h15", "07", 1), ("H15.50", "7", 1), ("H15.50", "07", 0)])
def test_code_rejects_bad_parts(agency, slot, seq):
    with pytest.raises(BadInput):
        rules.dossier_code(agency, dt.date(2026, 1, 2), slot, seq)


@given(st.integers(1, 10**6), st.integers(1, 10**6), st.sampled_from(["00", "07", "42"]))
def test_codes_unique_per_slot_and_sequence(a, b, slot):
    day = dt.date(2026, 5, 4)
    ca, cb = rules.dossier_code("H1.2", day, slot, a), rules.dossier_code("H1.2", day, slot, b)
    assert (ca == cb) == (a == b)
    other = "01" if slot != "01" else "02"
    assert rules.dossier_code("H1.2", day, other, a) != ca


def test_lookup_code_is_code_plus_random_part():
    a, b = rules.lookup_code("X1-260101-000001"), rules.lookup_code("X1-260101-000001")
    assert a.startswith("X1-260101-000001-") and len(a.split("-")[-1]) == 6
    assert a != b  # 32^6 possibilities; a collision here means the random part is broken


def test_state_machine_allows_the_normal_path():
    s = rules.check_transition("received", "processing")
    s = rules.check_transition(s, "done")
    assert rules.check_transition(s, "returned") is rules.Status.RETURNED


@pytest.mark.parametrize(
    "current,target",
    [("refused", "received"), ("returned", "done"), ("received", "returned"), ("done", "processing")],
)
def test_state_machine_refuses_illegal_moves(current, target):
    with pytest.raises(InvalidTransition):
        rules.check_transition(current, target)


def test_supplementation_and_extension_only_once():
    with pytest.raises(InvalidTransition, match="một lần"):
        rules.check_transition("processing", "need_supplement", supplement_count=1)
    assert rules.check_transition("processing", "need_supplement", supplement_count=0)
    with pytest.raises(InvalidTransition):
        rules.check_transition("processing", "extended", extension_count=1)


def test_unknown_status_names_the_field():
    with pytest.raises(BadInput) as err:
        rules.parse_status("lost")
    assert err.value.field == "status"


SPECS = rules.specs_from_catalog(
    [
        {"name": "Tờ khai", "original": 1, "copy": 0, "required": True},
        {"name": "Giấy chứng sinh", "original": 1, "copy": 0, "required": True},
        {"name": "Giấy đăng ký kết hôn", "original": 0, "copy": 1, "required": False},
        {"name": "Thẻ căn cước (xuất trình)", "original": 0, "copy": 0, "required": True},
    ]
)


def test_checklist_complete_needs_counts_and_presented_documents():
    got = [
        rules.ComponentReceived(1, original=1),
        rules.ComponentReceived(2, original=1),
        rules.ComponentReceived(4, presented=True),
    ]
    assert rules.evaluate_checklist(SPECS, got).complete
    missing = rules.evaluate_checklist(SPECS, got[:2]).missing
    assert [m.spec.index for m in missing] == [4]
    assert "xuất trình" in missing[0].lacking


def test_checklist_reports_what_is_lacking():
    cl = rules.evaluate_checklist(SPECS, [rules.ComponentReceived(1, original=0, copy=2)])
    assert not cl.complete
    assert [m.spec.index for m in cl.missing] == [1, 2, 4]
    assert cl.missing[0].lacking == "thiếu 1 bản chính"


def test_checklist_rejects_unknown_or_duplicate_components():
    with pytest.raises(BadInput, match="không có"):
        rules.evaluate_checklist(SPECS, [rules.ComponentReceived(9, original=1)])
    with pytest.raises(BadInput, match="lặp"):
        rules.evaluate_checklist(SPECS, [rules.ComponentReceived(1), rules.ComponentReceived(1)])


def test_fees_sum_known_amounts_and_flag_province_ones():
    fees = [{"name": "Lệ phí", "amount_vnd": 8000}, {"name": "Phí tỉnh", "amount_vnd": None}]
    r = rules.compute_fee(fees)
    assert r.total_vnd == 8000 and r.unknown == ["Phí tỉnh"] and not r.complete
    r2 = rules.compute_fee(fees, overrides={"Phí tỉnh": 5000})
    assert r2.total_vnd == 13000 and r2.complete
    assert rules.format_vnd(13000) == "13.000 đồng"
    with pytest.raises(BadInput):
        rules.compute_fee(fees, overrides={"Lệ phí": -1})


def test_channels_are_one_list() -> None:
    """The channel a dossier was filed by: one list for the rules, the receive request and the
    sync contract (a counter cannot push a channel the reports do not know)."""
    from typing import get_args

    import pytest
    from pydantic import ValidationError

    from counter_app.contracts.sync_ops import DossierRow
    from counter_app.domain.dossier import CHANNELS, channel_label
    from counter_app.services.dossiers import Channel

    assert get_args(Channel) == CHANNELS
    base = {"id": "d1", "code": "H1", "status": "received"}
    for channel in (*CHANNELS, None):
        assert DossierRow.model_validate({**base, "channel": channel}).channel == channel
    with pytest.raises(ValidationError):
        DossierRow.model_validate({**base, "channel": "fax"})
    assert channel_label("post") == "Bưu chính công ích" and channel_label("online", "en") == "Online"
