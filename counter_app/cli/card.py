"""`counter-app card …`: list card readers, read a chip ID card (docs/CARD.md §5).

Exit codes: 0 read (valid or unverified) · 2 usage error · 3 no reader or no card · 4 wrong keys ·
5 passive authentication failed (JSON still printed) · 6 card removed / communication lost.
"""

from __future__ import annotations

import argparse

from counter_app.cli._common import add_data_dir, add_json_flag, bounded


def register(sub: argparse._SubParsersAction) -> None:
    card = sub.add_parser("card", help="đọc thẻ căn cước gắn chip / read the chip ID card")
    add_data_dir(card)
    csub = card.add_subparsers(dest="card_command", metavar="SUBCOMMAND", required=True)

    readers = csub.add_parser("readers", help="liệt kê đầu đọc thẻ / list card readers")
    add_json_flag(readers)
    add_data_dir(readers)
    readers.set_defaults(func=cmd_readers)

    read = csub.add_parser("read", help="đọc thẻ / read the card")
    read.add_argument("--reader", help="reader name (default: the first reader holding a card)")
    read.add_argument(
        "--timeout",
        type=bounded(0.1, 600, float),
        default=10.0,
        help="seconds to wait for a reader and a card (default 10)",
    )
    read.add_argument(
        "--read-deadline",
        type=bounded(1, 600, float),
        default=30.0,
        help="seconds the card may take once found (default 30)",
    )
    read.add_argument("--id-number", help="12-digit personal ID number")
    read.add_argument("--birth-date", help="DD/MM/YYYY")
    read.add_argument(
        "--expiry-date", help="DD/MM/YYYY as printed, or 'none' for a card without expiry"
    )
    read.add_argument("--qr", help="the text of the card's QR code")
    read.add_argument("--mrz", help="the 3 MRZ lines (separated by newlines or \\n)")
    read.add_argument(
        "--trust-store",
        help="directory of CSCA certificates (PEM/DER); default "
        "<data_dir>/trust_store when it exists",
    )
    read.add_argument("--photo-out", help="write the face image bytes to this file")
    add_json_flag(read)
    add_data_dir(read)
    read.set_defaults(func=cmd_read)

    trust = csub.add_parser(
        "import-master-list", help="nhập danh sách CSCA / import an ICAO CSCA master list"
    )
    trust.add_argument("file", help="master list file (CMS SignedData)")
    trust.add_argument("--trust-store", help="target directory (default <data_dir>/trust_store)")
    add_json_flag(trust)
    add_data_dir(trust)
    trust.set_defaults(func=cmd_import_master_list)


def cmd_readers(args: argparse.Namespace) -> int:
    from counter_app.cli._common import emit_json
    from counter_app.services.card_reader import list_readers

    names = list_readers()
    if args.json:
        emit_json(names)
    else:
        for name in names:
            print(name)
        if not names:
            from counter_app.cli._common import log

            log("Không có đầu đọc thẻ / no card reader")
    return 0


def _keys(args: argparse.Namespace):
    from counter_app.domain import identity as idt
    from counter_app.errors import BadInput
    from counter_app.services.card_reader import CardKeys

    given = [
        name
        for name, value in (("--qr", args.qr), ("--mrz", args.mrz), ("--id-number", args.id_number))
        if value
    ]
    dated = any(v for v in (args.birth_date, args.expiry_date))
    if len(given) != 1 or (dated and given != ["--id-number"]):
        raise BadInput(
            "cần đúng một trong --qr, --mrz hoặc --id-number với --birth-date và "
            "--expiry-date / give exactly one of --qr, --mrz, or --id-number with "
            "--birth-date and --expiry-date",
            field="keys",
        )
    if args.qr:
        return CardKeys.from_qr(args.qr)
    if args.mrz:
        return CardKeys.from_mrz(args.mrz)
    if not args.birth_date or not args.expiry_date:
        raise BadInput(
            "--id-number cần cả --birth-date và --expiry-date / --id-number needs "
            "--birth-date and --expiry-date",
            field="keys",
        )
    birth = idt.parse_ddmmyyyy(args.birth_date, field_name="birth_date")
    exp_text = args.expiry_date.strip()
    if exp_text.casefold() in ("none", "không thời hạn", "khong thoi han", "-"):
        expiry = None
    else:
        expiry = idt.parse_ddmmyyyy(exp_text, field_name="expiry_date")
        if expiry == idt.NO_EXPIRY_DATE:
            expiry = None
    return CardKeys.from_dates(args.id_number, birth, expiry)


def cmd_read(args: argparse.Namespace) -> int:
    from pathlib import Path

    from counter_app.cli._common import emit_json, log, settings_from_args
    from counter_app.errors import BadInput
    from counter_app.services.card_reader import default_trust_store, read_card

    keys = _keys(args)
    if args.timeout < 0 or args.read_deadline <= 0:
        raise BadInput(
            "--timeout phải ≥ 0 và --read-deadline > 0 / --timeout must be ≥ 0 and "
            "--read-deadline > 0",
            field="timeout",
        )
    if args.trust_store:
        trust = Path(args.trust_store)
        if not trust.is_dir():
            raise BadInput(
                f"không có thư mục '{trust}' / no such directory '{trust}'", field="trust_store"
            )
    else:
        trust = default_trust_store(settings_from_args(args).data_dir)
    photo_out = Path(args.photo_out) if args.photo_out else None
    if photo_out is not None and not photo_out.parent.is_dir():
        raise BadInput(
            f"không có thư mục '{photo_out.parent}' / no such directory '{photo_out.parent}'",
            field="photo_out",
        )

    result = read_card(keys, args.reader, trust, timeout=args.timeout, deadline=args.read_deadline)
    if photo_out is not None and result.photo is not None:
        tmp = photo_out.with_name(photo_out.name + ".part")
        tmp.write_bytes(result.photo.data)
        tmp.replace(photo_out)
    if args.json:
        emit_json(result.to_json())
    else:
        for key, value in result.to_json().items():
            print(f"{key}: {value}")
    for warning in result.warnings:
        log(f"counter-app: {warning}")
    if result.passive_auth.status == "failed":
        log(
            "counter-app: xác thực dữ liệu chip thất bại ("
            + result.passive_auth.detail
            + ") / passive authentication failed"
        )
        return 5
    return 0


def cmd_import_master_list(args: argparse.Namespace) -> int:
    from pathlib import Path

    from counter_app.cli._common import emit_json, log, settings_from_args
    from counter_app.services.card_reader import TRUST_STORE_DIRNAME, import_master_list

    target = (
        Path(args.trust_store)
        if args.trust_store
        else (settings_from_args(args).data_dir / TRUST_STORE_DIRNAME)
    )
    added = import_master_list(args.file, target)
    if args.json:
        emit_json({"trust_store": str(target), "added": added})
    else:
        log(f"Đã thêm {added} chứng thư CSCA vào {target} / added {added} CSCA certificates")
    return 0
