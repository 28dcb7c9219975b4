"""Offline voice announcements (espeak-ng), cached per phrase."""
