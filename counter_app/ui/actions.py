"""The counter app's user actions, one list for the key bindings, the command palette and the
help screen (so the help screen does not import the app that opens it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    """One user action: its key(s), its label and palette help (i18n keys), where it applies."""

    name: str
    keys: str
    label: str
    help: str
    scope: str  # "home" = needs a signed-in officer and the home screen; "app" = anywhere


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("call_next", "f5", "key.call_next", "cmd.call_next", "home"),
    ActionSpec("recall", "f6", "key.recall", "cmd.recall", "home"),
    ActionSpec("no_show", "f7", "key.no_show", "cmd.no_show", "home"),
    ActionSpec("transfer", "f8", "key.transfer", "cmd.transfer", "home"),
    ActionSpec("finish", "f9", "key.finish", "cmd.finish", "home"),
    ActionSpec("serve", "s", "key.serve", "cmd.serve", "home"),
    ActionSpec("issue", "i", "key.issue", "cmd.issue", "home"),
    ActionSpec("new_dossier", "f3", "key.new_dossier", "cmd.new_dossier", "signed"),
    ActionSpec("lookup", "f4", "key.lookup", "cmd.lookup", "signed"),
    ActionSpec("supervisor", "f10", "key.supervisor", "cmd.supervisor", "signed"),
    ActionSpec("live_view", "f11", "key.live_view", "cmd.live_view", "signed"),
    ActionSpec("sync_now", "ctrl+s", "key.sync", "cmd.sync", "signed"),
    ActionSpec("refresh", "ctrl+r", "key.refresh", "cmd.refresh", "home"),
    ActionSpec("lock", "ctrl+l", "key.lock", "cmd.lock", "signed"),
    ActionSpec("sign_out", "ctrl+o", "key.sign_out", "cmd.sign_out", "signed"),
    ActionSpec("switch_language", "f2", "key.language", "cmd.language", "app"),
    ActionSpec("help", "f1", "key.help", "cmd.help", "app"),
    ActionSpec("quit", "ctrl+q", "key.quit", "cmd.quit", "app"),
)
HOME_ALIASES = {"n": "call_next", "r": "recall", "v": "no_show", "c": "transfer", "x": "finish"}
