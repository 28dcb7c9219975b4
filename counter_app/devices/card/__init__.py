"""Chip ID card (CCCD / thẻ Căn cước) reading: PC/SC transport, ICAO 9303 BAC + secure messaging,
LDS data groups and passive authentication.

Import the submodules you need; nothing heavy (pyscard) is imported here.
"""
