"""`counter-app rate --counter Q1`: the citizen's rating terminal beside a counter (issue 18 §3)."""

from __future__ import annotations

import argparse
import re

from counter_app.cli._common import add_data_dir


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "rate",
        help="màn hình đánh giá hài lòng cho công dân / citizen satisfaction terminal "
        "(second screen or touch screen of the counter PC)",
    )
    p.add_argument("--counter", help="the counter it stands beside (default: this PC's counter)")
    add_data_dir(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from counter_app.cli._common import settings_from_args
    from counter_app.errors import BadInput
    from counter_app.store.db import Store
    from counter_app.ui import i18n
    from counter_app.ui.rate_app import RateApp

    settings = settings_from_args(args)
    counter = (args.counter or settings.counter_code or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,16}", counter):
        raise BadInput("--counter: mã quầy, ví dụ Q1 / a counter code such as Q1", field="counter")
    i18n.set_language(settings.lang)
    store = Store.open(settings.db_path)
    try:
        RateApp(store, settings, counter).run()
    finally:
        store.close()
    return 0
