from pathlib import Path

import pytest

from counter_app.config import load_settings
from counter_app.errors import BadInput
from tests.helpers import run_cli


def test_defaults_use_platformdirs_and_ho_chi_minh(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert s.timezone == "Asia/Ho_Chi_Minh"
    assert s.working_hours.period_minutes() == [(420, 690), (810, 1020)]
    assert "counter-app" in str(s.data_dir)
    assert s.config_file is None


def test_config_file_env_and_override_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        'center_code = "X01"\nserver_url = "http://srv:8000/"\ncut_off = "14:30"\n'
        '[working_hours]\nperiods = ["07:30-11:30", "13:00-16:30"]\n'
        '[[calendar_overrides]]\ndate = 2027-02-13\nkind = "worked"\nsource = "QĐ tỉnh"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("COUNTER_APP_CONFIG", str(cfg))
    monkeypatch.setenv("COUNTER_APP_DATA_DIR", str(tmp_path / "dd"))
    monkeypatch.setenv("COUNTER_APP_COUNTER_CODE", "Q7")
    s = load_settings()
    assert (s.center_code, s.counter_code, s.server_url, s.cut_off) == (
        "X01",
        "Q7",
        "http://srv:8000",
        "14:30",
    )
    assert s.data_dir == tmp_path / "dd"
    assert s.calendar_overrides[0].kind == "worked"
    assert load_settings(data_dir=tmp_path / "other").data_dir == tmp_path / "other"


@pytest.mark.parametrize(
    "toml,needle",
    [
        ('timezone = "Mars/Olympus"', "timezone"),
        ('cut_off = "25:00"', "cut_off"),
        ('[working_hours]\nperiods = ["11:00-07:00"]', "working_hours.periods"),
        ('[working_hours]\nperiods = ["07:00-12:00", "11:00-17:00"]', "overlaps"),
        ('server_url = "ftp://x"', "server_url"),
        ('agency_id = "bad id"', "agency_id"),
        ("idle_lock_minutes = 0", "idle_lock_minutes"),
        ("unknown_key = 1", "unknown_key"),
        ("center_code = ", "unreadable"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, toml: str, needle: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(BadInput) as err:
        load_settings(config_file=cfg)
    assert needle in str(err.value)


def test_missing_named_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="not found"):
        load_settings(config_file=tmp_path / "nope.toml")


def test_cli_reports_bad_config_with_exit_2(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('timezone = "Nowhere/Zone"', encoding="utf-8")
    r = run_cli(
        "dossier",
        "list",
        "--json",
        env={"COUNTER_APP_CONFIG": str(cfg), "COUNTER_APP_DATA_DIR": str(tmp_path / "d")},
    )
    assert r.returncode == 2
    assert "timezone" in r.stderr and r.stdout == ""
