"""Satisfaction rules and figures (issue 18 §3), checked against counts made by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from counter_app.domain import satisfaction as rules
from counter_app.domain.satisfaction import RatingRow, satisfaction_report

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def row(level: str, officer: str = "canbo1", procedures: tuple[str, ...] = ("1.001193",),
        reasons: tuple[str, ...] = (), day: int = 23) -> RatingRow:
    return RatingRow(level=level, reasons=reasons, officer=officer, counter="Q1", service="A",
                     day=dt.date(2026, 11, day), procedures=procedures)


def test_check_rating_keeps_known_values_in_list_order() -> None:
    assert rules.check_rating("unsatisfied", ["fees", "wait", "fees"]) == (
        "unsatisfied", ["wait", "fees"])
    assert rules.check_rating("satisfied", []) == ("satisfied", [])
    with pytest.raises(rules.RatingError):
        rules.check_rating("meh", [])
    with pytest.raises(rules.RatingError):
        rules.check_rating("unsatisfied", ["rude'; DROP TABLE"])


def test_offer_window() -> None:
    done = dt.datetime(2026, 11, 23, 9, 30, tzinfo=TZ)
    assert rules.offer_open(done, done)
    assert rules.offer_open(done, done + dt.timedelta(minutes=rules.OFFER_MINUTES))
    assert not rules.offer_open(done, done + dt.timedelta(minutes=rules.OFFER_MINUTES, seconds=1))
    assert rules.offer_open(done, done - dt.timedelta(seconds=30))  # a clock slightly ahead
    assert not rules.offer_open(done, done - dt.timedelta(minutes=5))


def test_figures_by_hand() -> None:
    rows = [
        row("very_satisfied"),
        row("satisfied", procedures=("1.001193", "1.000894")),  # counts for both procedures
        row("unsatisfied", officer="canbo2", reasons=("wait", "attitude")),
        row("unsatisfied", officer="canbo2", procedures=(), reasons=("wait",)),
        row("very_satisfied", officer="canbo2", day=24),
    ]
    out = satisfaction_report(rows, by="officer", served={"canbo1": 4, "canbo2": 3},
                              served_total=7)
    t = out["total"]
    assert (t["rated"], t["very_satisfied"], t["satisfied"], t["unsatisfied"]) == (5, 2, 1, 2)
    assert t["satisfaction_rate"] == 0.6
    assert t["reasons"]["wait"] == 2 and t["reasons"]["attitude"] == 1 and t["reasons"]["fees"] == 0
    assert t["rated_share"] == round(5 / 7, 4)
    by = {g["key"]: g for g in out["groups"]}
    assert (by["canbo1"]["rated"], by["canbo1"]["satisfaction_rate"], by["canbo1"]["rated_share"]) == (
        2, 1.0, 0.5)
    assert (by["canbo2"]["rated"], by["canbo2"]["satisfaction_rate"]) == (3, round(1 / 3, 4))

    procs = {g["key"]: g["rated"] for g in satisfaction_report(rows, by="procedure")["groups"]}
    assert procs == {"1.001193": 4, "1.000894": 1, rules.NO_DOSSIER: 1}
    days = {g["key"]: g["rated"] for g in satisfaction_report(rows, by="day")["groups"]}
    assert days == {"2026-11-23": 4, "2026-11-24": 1}


def test_empty_and_bad_group() -> None:
    out = satisfaction_report([])
    assert out["total"]["rated"] == 0 and out["total"]["satisfaction_rate"] is None
    assert out["total"]["rated_share"] is None
    with pytest.raises(ValueError):
        satisfaction_report([], by="weather")


def test_labels_in_both_languages() -> None:
    assert rules.level_label("unsatisfied") == "Không hài lòng"
    assert rules.level_label("unsatisfied", "en") == "Not satisfied"
    assert all(rules.reason_label(code) != rules.reason_label(code, "en")
               for code in rules.REASON_CODES)
