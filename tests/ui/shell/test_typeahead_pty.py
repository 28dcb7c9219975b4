"""Typing ahead at a real terminal: the officer types the username, Tab, the password and Enter
while the app is still starting (or busy painting), all in one burst. Every key must land in the
field it was meant for, in order, and the counter home must open.

The app runs as a real process on a pseudo-terminal; the keys are written to the terminal before
Python has even started (the tty holds them in canonical mode, as it does when an officer types
right after launching), or in one write once the sign-in screen is up.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT

ANSI = re.compile(r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]|\x1b\][^\x07]*\x07")
HOME_MARK = "Nguyễn Thị Lan"  # canbo1's name: shown in the home's header, never on the sign-in
SIGNIN_MARK = "ĐĂNG NHẬP"


class Terminal:
    """A child process on a pseudo-terminal, 120×35, with its screen output decoded as text."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.chdir(ROOT)
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 35, 120, 0, 0))
        self.raw = b""

    def write(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def read_until(self, needle: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return needle in self.text()
                if not chunk:
                    break
                self.raw += chunk
                if needle in self.text():
                    return True
        return needle in self.text()

    def close(self) -> int:
        """Ctrl+Q, then the exit status (killed if it does not quit in 10 s)."""
        try:
            self.write("\x11")
        except OSError:
            pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.read_until("\x00never", 0.2)
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        return -9


def _launch(data_dir: Path) -> Terminal:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="35")
    env.pop("TEXTUAL", None)
    return Terminal(
        [sys.executable, "-m", "counter_app", "--data-dir", str(data_dir), "--lang", "vi"], env
    )


@pytest.mark.parametrize("when", ["before_start", "burst_after_paint"])
def test_credentials_typed_ahead_open_the_home(seeded_dir: Path, when: str) -> None:
    term = _launch(seeded_dir)
    try:
        if when == "before_start":
            # Typed as the officer presses Enter on the launcher: Python is not even running.
            term.write("canbo1\tdemo\r")
            assert term.read_until(HOME_MARK, 60), term.text()[-800:]
        else:
            assert term.read_until(SIGNIN_MARK, 60), term.text()[-800:]
            term.write("canbo1\tdemo\r")  # one read: Tab and Enter must not overtake the letters
            assert term.read_until(HOME_MARK, 30), term.text()[-800:]
    finally:
        code = term.close()
    assert code == 0, term.text()[-2000:]


def test_wrong_password_typed_ahead_is_refused_and_nothing_leaks(seeded_dir: Path) -> None:
    """A burst with the wrong password: refused; the letters did not spill into the username."""
    term = _launch(seeded_dir)
    try:
        term.write("canbo1\tsai-mat-khau\r")
        assert term.read_until("Sai tên đăng nhập hoặc mật khẩu", 60), term.text()[-800:]
        assert HOME_MARK not in term.text()
        assert "canbo1sai" not in term.text()
    finally:
        term.close()
