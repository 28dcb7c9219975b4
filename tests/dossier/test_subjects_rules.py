"""The subject of a procedure (issue 19 §5): catalog shape and the checks on what the counter enters."""

from __future__ import annotations

import datetime as dt

import pytest

from counter_app.domain.subjects import check_subjects, describe, parse_specs
from counter_app.errors import BadInput

TODAY = dt.date(2026, 11, 23)
BIRTH = parse_specs(
    [{"role": "child", "label": "Người được đăng ký khai sinh", "label_en": "Child",
      "fields": ["sex", "date_of_birth", "full_name"]}]
)
MARRIAGE = parse_specs(
    [
        {"role": "bride", "label": "Bên nữ", "fields": ["full_name", "date_of_birth", "id_number"]},
        {"role": "groom", "label": "Bên nam", "fields": ["full_name", "date_of_birth", "id_number"]},
    ]
)


def test_specs_keep_catalog_order_and_ask_the_name_first() -> None:
    assert BIRTH[0].fields == ("full_name", "date_of_birth", "sex")
    assert [s.role for s in MARRIAGE] == ["bride", "groom"]
    assert parse_specs(None) == []


@pytest.mark.parametrize(
    "raw, message",
    [
        ("child", "danh sách"),
        ([{"role": "Child", "label": "x"}], "role"),
        ([{"role": "a", "label": "x"}, {"role": "a", "label": "y"}], "trùng"),
        ([{"role": "a", "label": ""}], "label"),
        ([{"role": "a", "label": "x", "fields": ["full_name", "shoe_size"]}], "fields"),
        ([{"role": "a", "label": "x", "required": "yes"}], "required"),
        ([{"role": "a", "label": "x", "photo": True}], "photo"),
        ([{"role": f"r{i}", "label": "x"} for i in range(5)], "tối đa"),
    ],
)
def test_bad_catalog_subjects_are_refused(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_specs(raw)


def test_a_birth_dossier_keeps_the_child() -> None:
    got = check_subjects(
        BIRTH,
        [{"role": "child", "full_name": "  Nguyễn Văn  An ", "date_of_birth": "2026-11-20", "sex": "nam"}],
        today=TODAY,
        require_all=True,
    )
    assert got == [
        {"role": "child", "label": "Người được đăng ký khai sinh", "full_name": "Nguyễn Văn An",
         "date_of_birth": "2026-11-20", "sex": "Nam"}
    ]
    assert describe(got[0]) == "Nguyễn Văn An, sinh ngày 20/11/2026, Nam"
    assert describe(got[0], lang="en") == "Nguyễn Văn An, born 20/11/2026, Nam"


def test_receiving_needs_every_required_subject_but_refusing_does_not() -> None:
    bride = {"role": "bride", "full_name": "Trần Thị Bình", "date_of_birth": "1998-03-04",
             "id_number": "001198012345"}
    with pytest.raises(BadInput) as exc:
        check_subjects(MARRIAGE, [bride], today=TODAY, require_all=True)
    assert exc.value.field == "subjects.groom.full_name" and "bên nam" in exc.value.message
    got = check_subjects(MARRIAGE, [bride], today=TODAY, require_all=False)
    assert [s["role"] for s in got] == ["bride"]
    optional = parse_specs([{"role": "x", "label": "Người được xác nhận", "required": False}])
    assert check_subjects(optional, [], today=TODAY, require_all=True) == []


@pytest.mark.parametrize(
    "item, field",
    [
        ({"role": "child", "full_name": "", "date_of_birth": "2026-11-20", "sex": "Nam"}, "full_name"),
        ({"role": "child", "full_name": "An\x00", "date_of_birth": "2026-11-20", "sex": "Nam"}, "full_name"),
        ({"role": "child", "full_name": "An", "date_of_birth": "20/11/2026", "sex": "Nam"}, "date_of_birth"),
        ({"role": "child", "full_name": "An", "date_of_birth": "2026-11-24", "sex": "Nam"}, "date_of_birth"),
        ({"role": "child", "full_name": "An", "date_of_birth": "2026-11-20", "sex": "X"}, "sex"),
        ({"role": "child", "full_name": "An", "sex": "Nam"}, "date_of_birth"),
        ({"role": "child", "full_name": "An", "date_of_birth": "2026-11-20", "sex": "Nam",
          "id_number": "001226012345"}, "id_number"),
        ({"role": "child", "full_name": "An", "date_of_birth": "2026-11-20", "sex": "Nam",
          "mother": "B"}, "mother"),
    ],
)
def test_bad_subject_names_the_field(item: dict[str, str], field: str) -> None:
    with pytest.raises(BadInput) as exc:
        check_subjects(BIRTH, [item], today=TODAY, require_all=True)
    assert exc.value.field == f"subjects.child.{field}"


def test_unknown_or_repeated_role_is_refused() -> None:
    with pytest.raises(BadInput, match="không có người"):
        check_subjects(BIRTH, [{"role": "father", "full_name": "A"}], today=TODAY, require_all=False)
    child = {"role": "child", "full_name": "An", "date_of_birth": "2026-11-20", "sex": "Nam"}
    with pytest.raises(BadInput, match="hai lần"):
        check_subjects(BIRTH, [child, child], today=TODAY, require_all=False)


def test_id_number_is_twelve_digits_or_an_old_nine() -> None:
    spec = MARRIAGE[:1]
    base = {"role": "bride", "full_name": "Bình", "date_of_birth": "1998-03-04"}
    for good in ("001198012345", "123456789"):
        assert check_subjects(spec, [base | {"id_number": good}], today=TODAY, require_all=True)
    for bad in ("00119801234", "00119801234X", "0011980123456"):
        with pytest.raises(BadInput, match="12 số"):
            check_subjects(spec, [base | {"id_number": bad}], today=TODAY, require_all=True)


def test_one_wording_per_status_in_both_languages() -> None:
    """Issue 19: one vocabulary for statuses on every screen and form (domain/dossier.py)."""
    from counter_app.domain import dossier as rules
    from counter_app.ui import i18n

    for status in rules.Status:
        assert rules.status_label(status.value) == rules.STATUS_LABELS_VI[status]
        assert rules.status_label(status.value, "en") == rules.STATUS_LABELS_EN[status]
    assert rules.status_label("mystery") == "mystery"
    # no second wording of a status in the shell's catalog (it had "đang xử lý", "đã rút")
    assert not [k for k in i18n._catalog() if k.startswith("dstatus.")]
