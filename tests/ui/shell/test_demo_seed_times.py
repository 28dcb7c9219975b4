"""The demo's "today" seeds at any hour: just after midnight (Vietnam time; 17:00 UTC, when CI may
run) every ticket and dossier must still belong to today and none may lie in the future."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from counter_app.services import demo_seed, local_queue
from counter_app.services import dossiers as dossier_service
from counter_app.services.context import AppContext

from .conftest import TZ, make_settings, seed_data_dir


@pytest.fixture(scope="module")
def reference_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Officers, counters and the demo catalog; no tickets or dossiers yet."""
    return seed_data_dir(tmp_path_factory.mktemp("reference"), today_at=None)


@pytest.mark.parametrize(
    "clock",
    ["00:00:00", "00:00:40", "00:20:00", "01:13:00", "01:36:00", "09:30:00", "23:59:59"],
)
def test_seed_today_at_any_hour(reference_template: Path, tmp_path: Path, clock: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(reference_template, data)
    now = dt.datetime.combine(dt.date(2026, 12, 4), dt.time.fromisoformat(clock), tzinfo=TZ)
    settings = make_settings(data)
    ctx = AppContext.open(settings)
    try:
        issued, codes = demo_seed.seed_today(ctx.store, settings, now=now)
        assert issued == len(demo_seed.TICKETS)
        assert len(codes) == len(demo_seed.DOSSIERS)
        status = local_queue.status(ctx.store, settings, now=now)
        assert status["service_day"] == "2026-12-04"
        assert sum(status["counts"].values()) == issued  # all of them today
        assert status["counts"].get("done", 0) >= 4  # the counters served the oldest ones
        today = dossier_service.list_dossiers(ctx.store, day=now.date())
        assert {d["code"] for d in today} == set(codes)
        for d in today:
            assert dt.datetime.fromisoformat(d["received_at"]) <= now
    finally:
        ctx.close()
