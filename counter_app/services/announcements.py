"""Calls spoken aloud at the public board (the UI goes through here, not to the device)."""

from __future__ import annotations

from pathlib import Path


def speak(text: str, cache_dir: Path, *, mute: bool = False) -> Path:
    """Say `text` in Vietnamese with espeak-ng (synthesised once, cached as WAV in `cache_dir`)
    unless muted; returns the WAV. DeviceError when espeak-ng or the player fails."""
    from counter_app.devices.voice import espeak

    return espeak.announce(text, cache_dir, mute=mute)
