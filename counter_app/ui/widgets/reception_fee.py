"""The fee step's quantities, payment and delivery: copies for a fee charged per copy, page
counts for a fee charged per page (certification), how the fee is paid at the counter (cash,
transfer, VietQR, or later), and where the result is collected (counter, post, online, another
center). The wizard owns the rest of the step (sets, province amounts, due date)."""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from counter_app.domain.fees import FeeQuantity, fee_per
from counter_app.errors import BadInput
from counter_app.ui.i18n_reception import t

PAY_CHOICES = ("cash", "transfer", "vietqr", "later")
DELIVERY_CHOICES = ("counter", "post", "online", "other_center")
_SPLIT = re.compile(r"[,;+\s]+")


def parse_pages(text: str) -> tuple[int, ...]:
    """'3, 12 1' → (3, 12, 1): the page count of each document certified."""
    parts = [p for p in _SPLIT.split(text.strip()) if p]
    if not parts:
        return ()
    if not all(p.isdigit() for p in parts) or len(parts) > 50:
        raise BadInput(t("rc.err.pages"), field="pages")
    pages = tuple(int(p) for p in parts)
    if any(not 1 <= p <= 10_000 for p in pages):
        raise BadInput(t("rc.err.pages"), field="pages")
    return pages


def payment_words(extras: FeeExtras) -> str:
    """How the fee will be recorded as paid, for the review step."""
    return t(f"rc.fee.pay.{extras.method}")


class FeeExtras(Vertical):
    """Per-copy / per-page quantities (built per procedure) and the payment row."""

    DEFAULT_CSS = """
    FeeExtras { height: auto; }
    FeeExtras #fee-quantities { height: auto; }
    FeeExtras .fee-name { height: auto; }
    FeeExtras Select { width: 32; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # `id`: Textual's own name
        super().__init__(id=id)
        self.names: dict[str, str] = {}  # fee index → fee name, for the quantity inputs
        self.kinds: dict[str, str] = {}  # fee name → "copy" | "page"
        self.saved: dict[str, dict[str, str]] = {}

    def compose(self) -> ComposeResult:
        yield Vertical(id="fee-quantities")
        with Horizontal(classes="field-row", id="pay-row"):
            yield Label(t("rc.fee.pay"))
            yield Select(
                [(t(f"rc.fee.pay.{c}"), c) for c in PAY_CHOICES],
                value="cash",
                allow_blank=False,
                id="f-pay",
                compact=True,
            )
        with Horizontal(classes="field-row", id="payref-row"):
            yield Label(t("rc.fee.payref"))
            yield Input(
                placeholder=t("rc.fee.payref_ph"), id="f-payref", compact=True, max_length=64
            )
        with Horizontal(classes="field-row", id="delivery-row"):
            yield Label(t("rc.fee.delivery"))
            yield Select(
                [(t(f"rc.fee.delivery.{c}"), c) for c in DELIVERY_CHOICES],
                value="counter",
                allow_blank=False,
                id="f-delivery",
                compact=True,
            )
        with Horizontal(classes="field-row", id="delivery-to-row"):
            yield Label(t("rc.fee.delivery_to"))
            yield Input(
                placeholder=t("rc.fee.delivery_to_ph"), id="f-delivery-to", compact=True,
                max_length=300,
            )

    def on_mount(self) -> None:
        self.show_delivery()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "f-delivery":
            self.show_delivery()
            if self.query_one("#delivery-to-row").display and event.select.has_focus:
                self.query_one("#f-delivery-to", Input).focus()

    async def build(self, fees: list[dict[str, Any]]) -> None:
        """The quantity inputs of a procedure's copy and page fees (values kept by fee name)."""
        self.saved.update(self.state()["quantities"])
        cont = self.query_one("#fee-quantities", Vertical)
        await cont.remove_children()
        self.names, self.kinds = {}, {}
        rows: list[Any] = []
        for i, fee in enumerate(fees):
            per = fee_per(fee)
            if per == "dossier":
                continue
            name = str(fee.get("name", ""))
            self.names[str(i)] = name
            self.kinds[name] = per
            saved = self.saved.get(name, {})
            rows.append(Static(t(f"rc.fee.{per}_of", name=name), classes="fee-name"))
            if per == "page":
                rows.append(
                    Horizontal(
                        Label(t("rc.fee.pages")),
                        Input(
                            saved.get("pages", ""), id=f"fq-p-{i}", compact=True,
                            placeholder=t("rc.fee.pages_ph"), max_length=200,
                        ),
                        classes="field-row",
                    )
                )
            rows.append(
                Horizontal(
                    Label(t("rc.fee.qty_copies")),
                    Input(
                        saved.get("copies", "1"), type="integer", id=f"fq-c-{i}", compact=True,
                        max_length=4,
                    ),
                    classes="field-row",
                )
            )
        await cont.mount_all(rows)

    # --- values ----------------------------------------------------------------------------------

    def _value(self, wid: str, default: str = "") -> str:
        found = self.query(f"#{wid}")
        return found.first(Input).value if found else default

    def quantities(self) -> dict[str, FeeQuantity]:
        """Raises BadInput naming the bad number."""
        out: dict[str, FeeQuantity] = {}
        for i, name in self.names.items():
            copies_text = self._value(f"fq-c-{i}", "1").strip() or "1"
            if not copies_text.isdigit() or not 1 <= int(copies_text) <= 1000:
                raise BadInput(t("rc.err.qty_copies", name=name), field="copies")
            pages = parse_pages(self._value(f"fq-p-{i}")) if self.kinds[name] == "page" else ()
            out[name] = FeeQuantity(int(copies_text), pages)
        return out

    def request_quantities(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"copies": q.copies, "pages": list(q.pages)}
            for name, q in self.quantities().items()
        }

    @property
    def method(self) -> str:
        value = self.query_one("#f-pay", Select).value
        return value if isinstance(value, str) else "cash"

    def payment(self, total_vnd: int) -> dict[str, str] | None:
        """The payment to record with the dossier, or None (nothing due, or paid later)."""
        if total_vnd <= 0 or self.method == "later":
            return None
        ref = self.query_one("#f-payref", Input).value.strip()
        if self.method != "cash" and not ref:
            raise BadInput(t("rc.err.payref"), field="payment.reference")
        return {"method": self.method, "reference": ref}

    @property
    def delivery_method(self) -> str:
        value = self.query_one("#f-delivery", Select).value
        return value if isinstance(value, str) else "counter"

    def delivery(self) -> dict[str, str] | None:
        """Where the result goes (None: at this counter, the default); raises BadInput."""
        from counter_app.domain.delivery import check_delivery

        method = self.delivery_method
        if method == "counter":
            return None
        to = self.query_one("#f-delivery-to", Input).value.strip()
        key = {"post": "address", "other_center": "center"}.get(method)
        return check_delivery({"method": method, **({key: to} if key else {})})

    def show_delivery(self) -> None:
        method = self.delivery_method
        row = self.query_one("#delivery-to-row")
        row.display = method in ("post", "other_center")
        if row.display:
            self.query_one("#f-delivery-to", Input).placeholder = t(f"rc.fee.delivery_to_ph.{method}")

    def show_payment(self, due: bool) -> None:
        self.query_one("#pay-row").display = due
        self.query_one("#payref-row").display = due and self.method in ("transfer", "vietqr")

    def first_pages_input(self) -> Input | None:
        found = self.query("#fee-quantities Input")
        return found.first(Input) if found else None

    # --- draft -----------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        quantities: dict[str, dict[str, str]] = {}
        for i, name in self.names.items():
            quantities[name] = {
                "copies": self._value(f"fq-c-{i}", "1"),
                "pages": self._value(f"fq-p-{i}"),
            }
        return {
            "quantities": quantities,
            "payment": {
                "method": self.method if self.is_mounted else "cash",
                "reference": self._value("f-payref"),
            },
            "delivery": {
                "method": self.delivery_method if self.is_mounted else "counter",
                "to": self._value("f-delivery-to"),
            },
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Values of a resumed draft (applied by the next `build`)."""
        self.saved = {
            str(k): {"copies": str(v.get("copies", "1")), "pages": str(v.get("pages", ""))}
            for k, v in (data.get("quantities") or {}).items()
            if isinstance(v, dict)
        }
        pay = data.get("payment") or {}
        method = pay.get("method")
        if method in PAY_CHOICES:
            self.query_one("#f-pay", Select).value = method
        self.query_one("#f-payref", Input).value = str(pay.get("reference") or "")[:64]
        deliver = data.get("delivery") or {}
        if deliver.get("method") in DELIVERY_CHOICES:
            self.query_one("#f-delivery", Select).value = deliver["method"]
        self.query_one("#f-delivery-to", Input).value = str(deliver.get("to") or "")[:300]
        self.show_delivery()

    def reset(self) -> None:
        self.saved = {}
        self.query_one("#f-pay", Select).value = "cash"
        self.query_one("#f-payref", Input).value = ""
        self.query_one("#f-delivery", Select).value = "counter"
        self.query_one("#f-delivery-to", Input).value = ""
        self.show_delivery()
