"""Vietnamese voice announcements generated offline with espeak-ng (no cloud TTS).

`synthesize(text, cache_dir)` writes ``<sha256(voice + text)>.wav`` once and reuses it: a board
announces the same few hundred phrases all day. The WAV is written to a temporary file in the
cache directory and renamed into place, so a crash never leaves a half-written file in the cache.
`play(path)` uses ``aplay`` or ``paplay`` when present; on a machine without audio it logs and
returns.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from counter_app.errors import BadInput, NotAvailable

log = logging.getLogger(__name__)

DEFAULT_VOICE = "vi"
DEFAULT_SPEED = 150  # words per minute; espeak's default (175) is hurried for a public hall
MAX_CHARS = 500


def espeak_binary() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise NotAvailable(
            "không tìm thấy espeak-ng để đọc số / espeak-ng not found: install the espeak-ng package"
        )
    return exe


def cache_key(text: str, voice: str = DEFAULT_VOICE, speed: int = DEFAULT_SPEED) -> str:
    return hashlib.sha256(f"{voice}\0{speed}\0{text}".encode()).hexdigest()


def synthesize(
    text: str,
    cache_dir: Path,
    *,
    voice: str = DEFAULT_VOICE,
    speed: int = DEFAULT_SPEED,
    timeout: float = 30.0,
) -> Path:
    """The WAV file speaking `text` (generated on first use, then served from `cache_dir`)."""
    text = " ".join(str(text).split())
    if not text:
        raise BadInput("câu đọc trống / nothing to announce", field="text")
    if len(text) > MAX_CHARS:
        raise BadInput(f"câu đọc quá dài / text longer than {MAX_CHARS} characters", field="text")
    cache_dir = Path(cache_dir)
    out = cache_dir / f"{cache_key(text, voice, speed)}.wav"
    if out.is_file() and out.stat().st_size > 44:
        return out
    exe = espeak_binary()
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tts-", suffix=".wav", dir=cache_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # "--" ends the options: a phrase starting with "-" is still text.
        proc = subprocess.run(
            [exe, "-v", voice, "-s", str(speed), "-w", str(tmp), "--", text],
            capture_output=True,
            timeout=timeout,
        )
        if proc.returncode != 0 or tmp.stat().st_size <= 44:
            err = proc.stderr.decode(errors="replace").strip()
            raise NotAvailable(f"espeak-ng không tạo được âm thanh / espeak-ng failed: {err}")
        os.replace(tmp, out)
    except subprocess.TimeoutExpired:
        raise NotAvailable("espeak-ng quá thời gian / espeak-ng timed out") from None
    finally:
        tmp.unlink(missing_ok=True)
    return out


def player_command() -> list[str] | None:
    for name, args in (("aplay", ["-q"]), ("paplay", [])):
        exe = shutil.which(name)
        if exe:
            return [exe, *args]
    return None


def play(path: Path, *, timeout: float = 30.0) -> bool:
    """Play a WAV file; False (and a log line) when no player or sound device is available."""
    cmd = player_command()
    if cmd is None:
        log.info("no audio player (aplay/paplay); not playing %s", path)
        return False
    try:
        proc = subprocess.run([*cmd, str(path)], capture_output=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("audio playback failed for %s: %s", path, exc)
        return False
    if proc.returncode != 0:
        log.warning(
            "audio playback failed for %s: %s", path, proc.stderr.decode(errors="replace").strip()
        )
        return False
    return True


def announce(text: str, cache_dir: Path, *, mute: bool = False) -> Path:
    """Synthesize (cached) and play unless muted; returns the WAV path."""
    path = synthesize(text, cache_dir)
    if not mute:
        play(path)
    return path
