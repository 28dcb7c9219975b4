"""Printable documents: the official one-stop forms (01–04) as PDF."""
