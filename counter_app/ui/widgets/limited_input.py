"""An Input that says why a paste was not taken.

Textual's Input silently drops a paste that would pass its `max_length`; at a counter that looks
like the field is broken (a 5,000-character paste into the name did nothing). This one posts
`LimitedInput.TooLong` instead, for the screen to explain, and keeps what was there."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input


class LimitedInput(Input):
    @dataclass
    class TooLong(Message):
        input: LimitedInput
        length: int  # characters the field would have held
        limit: int

        @property
        def control(self) -> LimitedInput:
            return self.input

    def _on_paste(self, event: events.Paste) -> None:
        # Runs before Input's own handler (Textual dispatches along the MRO): let that one paste
        # unless the text would not fit, then say so instead of dropping it in silence.
        line = event.text.splitlines()[0] if event.text else ""
        kept = len(self.value) - len(self.selected_text)
        if self.max_length and kept + len(line) > self.max_length:
            event.prevent_default()
            event.stop()
            self.post_message(self.TooLong(self, kept + len(line), self.max_length))
