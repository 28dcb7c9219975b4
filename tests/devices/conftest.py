"""Fixtures for device backends that need no hardware: espeak-ng voice, ESC/POS printers."""
