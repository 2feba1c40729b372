"""Payments of form fees, through a payment provider.

A provider decides how the payer pays (`start`); whatever the provider, a payment becomes
final only through `settle_payment`, which completes the activity and attaches the receipt.
The one real provider records manual/offline payments that an administrator confirms.

Extension point for a card processor: write a class meeting the PaymentProvider protocol (`key`, `label`), make `start`
return a PaymentStep with the processor's hosted checkout `redirect_url`, register it in
PROVIDERS, and call `settle_payment` from the processor's signed callback.
"""
from __future__ import annotations

from flask_babel import gettext
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Certification, Form, FormEntry, Payment, User
from webapp.models.base import utcnow
from webapp.rules.periods import format_date
from webapp.services.activities import complete_required_forms, forms_ready
from webapp.services.audit import record_audit
from webapp.services.dates import typed_date_format
from webapp.services.invalid import Invalid
from webapp.services.storage import CheckedUpload, store_file


@dataclass(frozen=True)
class PaymentStep:
    """What the payer is shown once the form is submitted: instructions, or a page to pay on."""

    instructions: str
    redirect_url: str | None = None


class PaymentProvider(Protocol):
    """What every way of paying provides: a key stored on the payment, a label, and the first step."""

    key: str
    label: str

    def start(self, payment: Payment) -> PaymentStep: ...


class ManualPaymentProvider:
    """Paid offline (cash, cheque, bank transfer); an administrator records the receipt and confirms."""

    key = "manual"
    label = "Manual / offline payment"

    def start(self, payment: Payment) -> PaymentStep:
        return PaymentStep(
            f"Pay {payment.amount} {payment.currency} offline (cash, cheque or bank transfer) and keep the receipt."
            " An administrator records the receipt number and confirms the payment; then this activity is complete."
        )


PROVIDERS: dict[str, PaymentProvider] = {provider.key: provider for provider in (ManualPaymentProvider(),)}
DEFAULT_PROVIDER = "manual"


def open_payment(entry: FormEntry, form: Form) -> Payment:
    """The fee of a submitted entry, owed until it is settled; in the caller's transaction."""
    payment = Payment(form_entry=entry, provider=DEFAULT_PROVIDER, amount=form.fee_amount, currency=form.fee_currency,
                      status="recorded")
    db.session.add(payment)
    db.session.flush()
    return payment


def payment_step(payment: Payment) -> PaymentStep:
    return PROVIDERS[payment.provider].start(payment)


def open_payments() -> list[Payment]:
    """Payments waiting for confirmation, oldest first, with their payer and form."""
    return list(db.session.scalars(
        select(Payment).where(Payment.status == "recorded")
        .options(selectinload(Payment.form_entry).selectinload(FormEntry.form))
        .order_by(Payment.id)
    ))


def payment_context(payments: list[Payment]) -> dict[int, tuple[User, Certification]]:
    """Payer and certification of each payment, by payment id, in two queries."""
    entries = [payment.form_entry for payment in payments]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({e.user_id for e in entries})))}
    certifications = {c.id: c for c in db.session.scalars(
        select(Certification).where(Certification.id.in_({e.certification_id for e in entries}))
    )}
    return {p.id: (users[p.form_entry.user_id], certifications[p.form_entry.certification_id]) for p in payments}


def _amount(text: str | None) -> Decimal | None:
    try:
        return Decimal((text or "").strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def settle_payment(payment: Payment, by: User | None, receipt_number: str | None, amount: str | None,
                   paid_on: date | None) -> Payment:
    """Confirm a payment with its receipt: the activity completes and the receipt goes on the record."""
    errors: dict[str, str] = {}
    if payment.status != "recorded":
        raise Invalid({"payment": gettext("This payment was confirmed already.")})
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        errors["receipt_number"] = gettext("Enter the receipt number.")
    paid = _amount(amount)
    if paid is None:
        errors["amount"] = gettext("Enter the amount paid, for example 25.00.")
    elif paid != payment.amount:
        errors["amount"] = gettext("The amount paid (%(paid)s) is not the fee (%(amount)s %(currency)s).", paid=paid, amount=payment.amount, currency=payment.currency)
    if paid_on is None:
        errors["paid_on"] = gettext("Enter the date it was paid as %(format)s.", format=typed_date_format())
    elif paid_on > today():
        errors["paid_on"] = gettext("The payment date cannot be after today (%(day)s).", day=format_date(today()))
    if errors:
        raise Invalid(errors)
    entry = payment.form_entry
    user, certification = db.session.get(User, entry.user_id), db.session.get(Certification, entry.certification_id)
    payment.receipt_number, payment.paid_on = receipt_number[:120], paid_on
    payment.status, payment.confirmed_by_id, payment.confirmed_at = "confirmed", by.id if by else None, utcnow()
    db.session.flush()
    # The receipt goes on the record when this payment completes the activity (decision 81).
    if forms_ready(user, certification):
        receipt = _receipt(payment, user, certification, by)
        complete_required_forms(user, certification, extra_files=[(receipt.name, store_file(receipt))])
    record_audit(by, "payment.confirm", payment,
                 f"Confirmed payment {receipt_number} of {payment.amount} {payment.currency} by {user.full_name}"
                 f" for {certification.name}",
                 before={"status": "recorded"}, after={"status": "confirmed", "receipt_number": receipt_number})
    db.session.commit()
    return payment


def _receipt(payment: Payment, user: User, certification: Certification, by: User | None) -> CheckedUpload:
    lines = [
        "Payment receipt",
        f"Receipt number: {payment.receipt_number}",
        f"Paid by: {user.full_name}",
        f"For: {certification.name} (form {payment.form_entry.form.name})",
        f"Amount: {payment.amount} {payment.currency}",
        f"Paid on: {format_date(payment.paid_on)}",
        f"Payment method: {PROVIDERS[payment.provider].label}",
        f"Confirmed by: {by.full_name if by else 'the payment provider'} on {format_date(today())}",
    ]
    return CheckedUpload(data=("\n".join(lines) + "\n").encode(), content_type="text/plain",
                         name=f"Receipt {payment.receipt_number}.txt"[:255])
