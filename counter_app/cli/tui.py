"""`counter-app` (no command) and `counter-app tui`: the counter TUI, signed-in flow."""

from __future__ import annotations

import argparse

from counter_app.cli._common import add_data_dir


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("tui", help="màn hình quầy / the counter TUI (the default command)")
    add_data_dir(p)
    p.set_defaults(func=run_tui)


def quick_lang(args: argparse.Namespace) -> str | None:
    """The interface language without loading the typed settings (that waits for a worker):
    --lang, then COUNTER_APP_LANG, then `lang` in the TOML config. None = default."""
    import os

    lang = getattr(args, "lang", None) or os.environ.get("COUNTER_APP_LANG")
    if lang in ("vi", "en"):
        return lang
    try:
        import tomllib

        from counter_app.locations import default_config_file

        path = default_config_file()
        if path.exists():
            with path.open("rb") as fh:
                value = tomllib.load(fh).get("lang")
            if value in ("vi", "en"):
                return str(value)
    except (OSError, ValueError):
        pass  # the full settings load reports a broken file properly
    return None


def run_tui(args: argparse.Namespace) -> int:
    from counter_app.ui import startup_gc

    startup_gc.pause()  # back once the app has warmed up (CounterApp._prefetch)
    from counter_app.cli._common import settings_from_args
    from counter_app.ui.app import make_app

    app = make_app(settings_loader=lambda: settings_from_args(args), lang=quick_lang(args))
    try:
        app.run()
    finally:
        app.stop_background()
        if app.ctx is not None:
            app.ctx.close()
    if app.load_error is not None:
        raise app.load_error  # e.g. a bad config: printed on stderr with its exit code
    return int(app.return_code or 0)
