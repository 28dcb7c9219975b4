"""Hybrid logical clock (Kulkarni et al.): wall time in ms + a logical counter + the node id.

Serialised as a fixed-width string that sorts in causal order:
`0000018f2c3a1b2c-0000-<node>` (hex ms, hex counter, node id).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class HLC:
    ms: int
    counter: int = 0
    node: str = ""

    def tick(self, now_ms: int) -> HLC:
        """The clock for a local event at physical time now_ms."""
        if now_ms > self.ms:
            return HLC(now_ms, 0, self.node)
        return HLC(self.ms, self.counter + 1, self.node)

    def receive(self, remote: HLC, now_ms: int) -> HLC:
        """The clock after receiving a message stamped `remote`."""
        top = max(self.ms, remote.ms, now_ms)
        if top == self.ms == remote.ms:
            counter = max(self.counter, remote.counter) + 1
        elif top == self.ms:
            counter = self.counter + 1
        elif top == remote.ms:
            counter = remote.counter + 1
        else:
            counter = 0
        return HLC(top, counter, self.node)

    def encode(self) -> str:
        return f"{self.ms:016x}-{self.counter:04x}-{self.node}"

    @classmethod
    def decode(cls, text: str) -> HLC:
        try:
            ms, counter, node = text.split("-", 2)
            return cls(int(ms, 16), int(counter, 16), node)
        except ValueError as exc:
            raise ValueError(f"not an HLC timestamp: {text!r}") from exc
