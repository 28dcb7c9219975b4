"""Scans accepted in the wizard survive a crash: their PDF is in the blob store and the draft names
it, so after kill -9 the resumed wizard shows them and "receive" attaches them; the orphan sweep
keeps blobs a draft holds and removes them once the draft is gone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from counter_app.services import digitization, dossiers, drafts
from counter_app.ui.screens.reception import ReceptionScreen

from .conftest import HostApp, insert_procedures, make_ctx
from .test_scan import receive, sane_dir, wait_until

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tests.ui.reception.conftest import HostApp, insert_procedures, make_ctx
    from tests.ui.reception.test_scan import open_dialog, scan, to_checklist, wait_until
    from counter_app.services import drafts
    from counter_app.ui.screens.reception import ReceptionScreen

    def stashed(ctx):
        d = drafts.load(ctx.store, "canbo1")
        return (d.data.get("scans") or {{}}).get("1") if d else None

    async def main():
        ctx = make_ctx(Path({data!r}))
        insert_procedures(ctx.store)
        ctx.extras["scan_request_defaults"] = {{"resolution": 75, "max_pages": 2}}
        app = HostApp(ctx, ReceptionScreen)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await to_checklist(pilot, app.screen)
            dialog = await open_dialog(pilot, app)
            dialog.query_one("#sc-source").value = "adf"
            await scan(pilot, dialog, 2)
            await pilot.press("f9")  # accept: pages wait for "receive"
            await wait_until(pilot, lambda: stashed(ctx), "the stash in the draft")
            print("READY " + json.dumps(stashed(ctx)), flush=True)
            while True:  # wait to be killed
                await pilot.pause(0.5)

    asyncio.run(main())
    """
)


@pytest.mark.sane
async def test_scans_survive_kill_and_are_attached_on_receive(
    data_path: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "SANE_CONFIG_DIR": str(sane_dir(tmp_path, "test\n"))}
    script = CHILD.format(root=str(ROOT), data=str(data_path))
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("READY") or not line:
                break
        assert line.startswith("READY"), proc.stderr.read() if proc.poll() is not None else line
        [item] = json.loads(line.split(" ", 1)[1])
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    ctx = make_ctx(data_path)
    try:
        assert item["pages"] == 2 and ctx.blobs.path(item["sha256"]).exists()
        # the sweep (run at every start) keeps what the draft holds
        digitization.gc_orphan_blobs(ctx.store, ctx.blobs, grace_s=0)
        assert ctx.blobs.path(item["sha256"]).exists()

        app = HostApp(ctx, ReceptionScreen)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            await wait_until(pilot, lambda: screen.step == "checklist", "the resumed checklist")
            row1 = screen.query_one("#comp-1")
            assert "2 trang chờ lưu" in str(row1.query_one(".comp-scan").render())
            result = await receive(pilot, app, screen)
            assert "đã số hóa 2 trang" in str(screen.query_one("#result").render())
        d = dossiers.get(ctx.store, result["code"], with_history=False)
        [att] = d["components"][0]["attachments"]
        assert (att["sha256"], att["pages"]) == (item["sha256"], 2)
        assert drafts.load(ctx.store, "canbo1") is None
        digitization.gc_orphan_blobs(ctx.store, ctx.blobs, grace_s=0)
        assert ctx.blobs.path(item["sha256"]).exists()  # now held by the attachment
    finally:
        ctx.close()


def test_sweep_keeps_draft_blobs_until_the_draft_goes(data_path: Path) -> None:
    ctx = make_ctx(data_path)
    try:
        insert_procedures(ctx.store)
        info = ctx.blobs.put_bytes(b"%PDF-1.4 stashed scan\n%%EOF\n")
        other = ctx.blobs.put_bytes(b"%PDF-1.4 abandoned\n%%EOF\n")
        did = drafts.new_id()
        item = {"sha256": info.sha256, "size": info.size, "pages": 1, "mime": "application/pdf"}
        drafts.save(
            ctx.store,
            officer="canbo1",
            draft_id=did,
            step="checklist",
            data={"scans": {"1": [item]}, "applicant": {}},
        )
        out = digitization.gc_orphan_blobs(ctx.store, ctx.blobs, grace_s=0)
        assert out["orphans_removed"] == 1
        assert ctx.blobs.path(info.sha256).exists() and not ctx.blobs.path(other.sha256).exists()
        drafts.discard(ctx.store, did)  # abandoned: its scans go with the next sweep
        digitization.gc_orphan_blobs(ctx.store, ctx.blobs, grace_s=0)
        assert not ctx.blobs.path(info.sha256).exists()
    finally:
        ctx.close()
