from __future__ import annotations

import pytest

from tests.forms.pdftools import need


@pytest.fixture(scope="session", autouse=True)
def _poppler() -> None:
    need("pdftotext")
    need("pdfinfo")
