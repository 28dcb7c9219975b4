"""Board and supervisor live view tests: a real `counter-app server` process (demo data) on
loopback, reusing the server fixtures (server_factory, login)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from tests.server.conftest import login, server_factory

__all__ = ["login", "server_factory", "wait_for"]


async def wait_for(pilot, cond: Callable[[], bool], timeout: float, step: float = 0.02) -> float:
    """Poll `cond` while the app runs; the seconds it took, or AssertionError after `timeout`."""
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(step)
        await asyncio.sleep(0)
    return time.monotonic() - start
