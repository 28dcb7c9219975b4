"""Start `counter-app server --demo-data` as a child process on a free loopback port (demo).

Returns None when this build has no server command, or when it does not come up in time (the
demo then runs local-only). Its output goes to a log file, never onto the TUI's terminal.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class EmbeddedServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def wait_ready(self, timeout: float, *, log: Callable[[str], None] = lambda _m: None) -> bool:
        """Wait for /api/v1/health; False only when the process died (still starting = True)."""
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log(f"counter-app demo: máy chủ dừng (mã {self.process.returncode}), chạy cục bộ; "
                    f"xem {self.log_path}")
                return False
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1.0).status_code == 200:
                    log(f"counter-app demo: máy chủ nhúng / embedded server at {self.url}")
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        # Still starting: keep it; the TUI signs in offline until it answers, then uses it.
        log(f"counter-app demo: máy chủ đang khởi động / server still starting at {self.url}")
        return True

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)


def spawn_server(data_dir: Path, *, log: Callable[[str], None] = lambda _m: None) -> EmbeddedServer | None:
    """Start the child process (not waiting for it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = data_dir / "server.log"
    cmd = [
        sys.executable, "-m", "counter_app", "server",
        "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir), "--demo-data",
    ]
    with log_path.open("ab") as fh:
        proc = subprocess.Popen(
            cmd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=dict(os.environ)
        )
    return EmbeddedServer(f"http://127.0.0.1:{port}", proc, log_path)


def start_embedded_server(
    data_dir: Path, *, log: Callable[[str], None] = lambda _m: None, timeout: float = START_TIMEOUT_S
) -> EmbeddedServer | None:
    server = spawn_server(data_dir, log=log)
    if server is None:
        return None
    return server if server.wait_ready(timeout, log=log) else None
