"""Scanning and digitisation backends.

- `sane`: SANE scanners through `scanimage` (list, options, one page or an ADF batch).
- `inbox`: the watched folder for network scanners and phones.
- `imaging`: profiles, file checks, page cleaning/encoding, PDF assembly, thumbnails.
- `pages`: the officer's page operations (pure).
- `pdfwriter`: streaming PDF writer (JPEG/G4 embedded as they are).

Import the submodules you need; this package imports nothing heavy.
"""
