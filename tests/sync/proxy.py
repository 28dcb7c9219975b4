"""A TCP fault proxy on loopback (asyncio, in a background thread) between clients and server.

Per connection it picks one fault (or none): drop at once, delay every chunk, reset in the middle
of the request, reset in the middle of the response (the server did the work, the client never
hears), or duplicate (the client's bytes are replayed to the server after the connection ends).
Faults happen only while `enabled`, at most `max_faults` times: bounded in time and count.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
from collections import Counter

FAULTS = ("drop", "delay", "reset_request", "reset_response", "duplicate")
_METHODS = {b"GET", b"POST", b"HEAD", b"PATCH", b"PUT", b"DELETE"}


class FaultProxy:
    def __init__(
        self,
        target_port: int,
        *,
        seed: int = 0,
        rate: float = 0.3,
        max_faults: int = 10_000,
        target_host: str = "127.0.0.1",
    ) -> None:
        self.target = (target_host, target_port)
        self.rng = random.Random(seed)
        self.rate = rate
        self.max_faults = max_faults
        self.enabled = False
        self.counts: Counter[str] = Counter()
        self.connections = 0
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fault proxy did not start")
        return self

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        if self._loop is None:
            return

        async def _close() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(_close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        assert self._thread is not None
        self._thread.join(10)

    # --- faults ------------------------------------------------------------------------------

    def _pick(self) -> str | None:
        if not self.enabled or sum(self.counts.values()) >= self.max_faults:
            return None
        if self.rng.random() >= self.rate:
            return None
        fault = self.rng.choice(FAULTS)
        self.counts[fault] += 1
        return fault

    @staticmethod
    def _reset(writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        try:
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        writer.transport.abort()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._proxy(reader, writer)
        except asyncio.CancelledError:  # the proxy is stopping
            self._reset(writer)

    async def _proxy(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Faults are drawn per HTTP request (a chunk that starts a request line), so keep-alive
        connections carrying many requests see many faults."""
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self._reset(writer)
            return
        state: dict[str, object] = {"fault": None, "sent": 0, "resp_cut": None}
        captured: list[bytes] = []
        done = asyncio.Event()

        def cut_both() -> None:
            self._reset(writer)
            self._reset(up_writer)

        async def upstream() -> None:
            try:
                while True:
                    data = await reader.read(65536)
                    if not data:
                        break
                    if data[:8].split(b" ")[0] in _METHODS:  # a new request starts here
                        fault = self._pick()
                        state["fault"], state["sent"] = fault, 0
                        if fault == "drop":
                            cut_both()
                            return
                        if fault == "delay":
                            await asyncio.sleep(self.rng.uniform(0.05, 0.5))
                        if fault == "reset_request":
                            state["cut"] = self.rng.randint(1, max(1, len(data) - 1))
                        if fault == "reset_response":
                            state["resp_cut"] = self.rng.randint(1, 2000)
                        if fault == "duplicate":
                            captured.clear()
                    if state["fault"] == "duplicate":
                        captured.append(data)
                    if state["fault"] == "reset_request":
                        cut = int(state["cut"])  # type: ignore[call-overload]
                        sent = int(state["sent"])  # type: ignore[call-overload]
                        if sent + len(data) >= cut:
                            up_writer.write(data[: cut - sent])
                            await up_writer.drain()
                            cut_both()
                            return
                    up_writer.write(data)
                    await up_writer.drain()
                    state["sent"] = int(state["sent"]) + len(data)  # type: ignore[call-overload]
            except (ConnectionError, OSError):
                pass
            finally:
                done.set()

        async def downstream() -> None:
            got = 0
            try:
                while True:
                    data = await up_reader.read(65536)
                    if not data:
                        break
                    cut = state["resp_cut"]
                    if cut is not None:
                        if got + len(data) >= int(cut):  # type: ignore[call-overload]
                            writer.write(data[: int(cut) - got])  # type: ignore[call-overload]
                            await writer.drain()
                            cut_both()
                            return
                        got += len(data)
                    else:
                        got = 0
                    writer.write(data)
                    await writer.drain()
                    if captured and state["fault"] == "duplicate":
                        # the answer went back: now the same request arrives a second time
                        replay = b"".join(captured)
                        captured.clear()
                        state["fault"] = None
                        asyncio.ensure_future(self._replay(replay))
            except (ConnectionError, OSError):
                pass
            finally:
                done.set()

        t1 = asyncio.ensure_future(upstream())
        t2 = asyncio.ensure_future(downstream())
        await done.wait()
        await asyncio.wait({t1, t2}, timeout=1.0)
        for t in (t1, t2):
            t.cancel()
        for w in (writer, up_writer):
            try:
                w.close()
            except Exception:  # noqa: BLE001
                pass

    async def _replay(self, data: bytes) -> None:
        """Send the same request bytes again on a fresh connection; the answer is thrown away."""
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(*self.target), 5)
            w.write(data)
            await w.drain()
            try:
                while await asyncio.wait_for(r.read(65536), 5):
                    pass
            except (TimeoutError, ConnectionError, OSError):
                pass
            w.close()
        except (TimeoutError, ConnectionError, OSError):
            pass
