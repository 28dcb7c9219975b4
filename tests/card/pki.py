"""Test PKI: a CSCA, a Document Signer and EF.SOD (the builders live with the fake card)."""

from __future__ import annotations

from counter_app.devices.card.fake import DemoPKI as TestPKI
from counter_app.devices.card.fake import (  # noqa: F401  (re-exported for the tests)
    build_master_list,
    build_sod,
    make_pki,
)

TestPKI.__test__ = False  # type: ignore[attr-defined]
