"""`counter-app calendar …` as a real subprocess: JSON on stdout, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.calendar.conftest import notice_2027, write_json
from tests.helpers import run_cli


def _cli(data_dir: Path, *args: str):
    return run_cli("calendar", *args, "--data-dir", str(data_dir))


def test_due_json(data_dir: Path) -> None:
    p = _cli(
        data_dir,
        "due",
        "--received",
        "2027-02-04T16:10",
        "--duration",
        "3",
        "--unit",
        "working_days",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["due"] == "2027-02-16T07:00:00+07:00"
    assert out["provisional"] is True
    assert out["calendar_version"].startswith("cal1-")
    assert out["rule"].startswith("3 ngày làm việc kể từ ngày tiếp nhận 04/02/2027")
    assert "dự kiến" in out["rule"] and out["rule_en"]


def test_due_same_day_cut_off_and_hours(data_dir: Path) -> None:
    p = _cli(
        data_dir,
        "due",
        "--received",
        "2026-03-04T15:00",
        "--duration",
        "0",
        "--cut-off",
        "15:01",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["due"] == "2026-03-04T17:00:00+07:00"
    p = _cli(
        data_dir,
        "due",
        "--received",
        "2026-03-04T10:30+07:00",
        "--duration",
        "2",
        "--unit",
        "working_hours",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["due"] == "2026-03-04T14:30:00+07:00" and out["provisional"] is False


def test_due_readable_line(data_dir: Path) -> None:
    p = _cli(data_dir, "due", "--received", "2026-02-13T10:00", "--duration", "3")
    assert p.returncode == 0, p.stderr
    first, rule = p.stdout.strip().splitlines()
    assert first == "Hẹn trả: 10:00 Thứ Tư 25/02/2026"
    assert "Tết Nguyên Đán" in rule


def test_bad_input_exit_2_one_line(data_dir: Path) -> None:
    cases = [
        (["--received", "04/02/2027", "--duration", "3"], "--received"),
        (["--received", "2027-02-04T16:10", "--duration", "-1"], "--duration"),
        (["--received", "2027-02-04T16:10", "--duration", "x"], "--duration"),
        (["--received", "2027-02-04T16:10", "--duration", "1", "--unit", "weeks"], "--unit"),
        (["--received", "2027-02-04T16:10", "--duration", "0", "--cut-off", "3pm"], "--cut-off"),
    ]
    for args, option in cases:
        p = _cli(data_dir, "due", *args, "--json")
        assert p.returncode == 2, (args, p.stderr)
        assert p.stdout == ""
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and option in lines[0], (args, p.stderr)


def test_holidays_and_import(data_dir: Path, tmp_path: Path) -> None:
    p = _cli(data_dir, "holidays", "--year", "2027", "--json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert {"date": "2027-05-03", "kind": "substitute"}.items() <= next(
        r for r in rows if r["date"] == "2027-05-03"
    ).items()
    assert all(r["provisional"] is True and r["source"] and r["name"] for r in rows)

    notice = write_json(tmp_path / "tb.json", notice_2027())
    p = _cli(data_dir, "import", str(notice), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["years"] == [2027]

    p = _cli(data_dir, "holidays", "--year", "2027", "--json")
    rows = json.loads(p.stdout)
    assert all(r["provisional"] is False for r in rows)
    assert "2027-02-04" not in [r["date"] for r in rows]

    p = _cli(data_dir, "holidays", "--year", "2027")
    assert p.returncode == 0 and "05/02/2027" in p.stdout

    p = _cli(data_dir, "holidays", "--year", "27")
    assert p.returncode == 2 and "--year" in p.stderr


def test_import_errors_exit_codes(data_dir: Path, tmp_path: Path) -> None:
    doc = notice_2027()
    doc["days"][1]["kind"] = "vacation"
    bad = write_json(tmp_path / "bad.json", doc)
    p = _cli(data_dir, "import", str(bad))
    assert p.returncode == 2
    assert "days[1].kind" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    p = _cli(data_dir, "import", str(tmp_path / "missing.json"))
    assert p.returncode == 3, p.stderr
    assert not (data_dir / "calendar").exists() or not list((data_dir / "calendar").iterdir())
