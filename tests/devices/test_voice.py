from __future__ import annotations

import array
import math
import shutil
import wave
from pathlib import Path

import pytest

from counter_app.devices.voice import espeak
from counter_app.domain.queue import announcement
from counter_app.errors import BadInput, NotAvailable

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")


def wav_rms(path: Path) -> tuple[float, float]:
    """(RMS of the samples, duration in seconds) of a 16-bit PCM WAV."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        frames = w.readframes(w.getnframes())
        duration = w.getnframes() / w.getframerate()
    samples = array.array("h", frames)
    assert len(samples) > 0
    return math.sqrt(sum(s * s for s in samples) / len(samples)), duration


def test_announcement_wav_is_valid_and_not_silent(tmp_path: Path) -> None:
    text = announcement("A023", "2")
    assert text == "Mời số A023 đến quầy số 2"
    path = espeak.synthesize(text, tmp_path)
    assert path.parent == tmp_path and path.suffix == ".wav"
    rms, duration = wav_rms(path)
    assert rms > 300, rms
    assert 1.0 < duration < 10.0
    # no temp files left behind
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_second_call_hits_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = espeak.synthesize("Mời số B001 đến quầy số 3", tmp_path)
    mtime = first.stat().st_mtime_ns

    def boom(*a, **k):
        raise AssertionError("espeak-ng ran again")

    monkeypatch.setattr(espeak.subprocess, "run", boom)
    second = espeak.synthesize("Mời số  B001 đến quầy số 3 ", tmp_path)  # same after spacing
    assert second == first and second.stat().st_mtime_ns == mtime


def test_different_phrases_different_files(tmp_path: Path) -> None:
    a = espeak.synthesize("Mời số A001 đến quầy số 1", tmp_path)
    b = espeak.synthesize("Mời số A002 đến quầy số 1", tmp_path)
    assert a != b and a.read_bytes() != b.read_bytes()


def test_text_starting_with_dash_is_spoken_not_an_option(tmp_path: Path) -> None:
    rms, _ = wav_rms(espeak.synthesize("-v en xin chào", tmp_path))
    assert rms > 300


def test_missing_espeak_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(espeak.shutil, "which", lambda name: None)
    with pytest.raises(NotAvailable, match="espeak-ng"):
        espeak.synthesize("Mời số A999 đến quầy số 9", tmp_path)
    assert espeak.play(tmp_path / "x.wav") is False  # no player: a no-op


def test_empty_text_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        espeak.synthesize("   ", tmp_path)
