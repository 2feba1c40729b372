"""Forms: the administrator's form builder, and users' entries (drafts, then submitted)."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import Certification, Form, FormEntry, FormField, User
from webapp.models.activities import FORM_FIELD_KINDS
from webapp.models.base import utcnow
from webapp.rules.activities import FieldSpec, check_answer
from webapp.rules.required_forms import FormState, form_state
from webapp.services.activities import complete_required_forms, entry_facts, latest_form_entries, swap_positions
from webapp.services.audit import record_audit
from webapp.services.dates import person_date_order
from webapp.services.invalid import Invalid
from webapp.services.names import name_taken, name_too_long, saving_unique_name
from webapp.services.payments import open_payment
from webapp.services.storage import UploadError, check_upload, store_file
from webapp.text import non_blank_lines

FIELD_KIND_LABELS = {  # lazy: read where shown, in that request's language
    "text": _l("Text"), "number": _l("Number"), "date": _l("Date"), "choice": _l("Choice (pick one)"),
    "checkbox": _l("Checkbox"), "signature": _l("Signature (typed full name)"), "file": _l("File"),
}
assert set(FIELD_KIND_LABELS) == set(FORM_FIELD_KINDS)


# ---- Builder ---------------------------------------------------------------------------------


def list_forms() -> list[Form]:
    return list(db.session.scalars(select(Form).options(selectinload(Form.fields)).order_by(func.lower(Form.name))))


def get_form(form_id: int) -> Form | None:
    return db.session.get(Form, form_id, options=[selectinload(Form.fields)])


def _fee(text: str | None) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        fee = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise Invalid({"fee_amount": gettext("Enter the fee as an amount, for example 25.00.")}) from None
    if not fee.is_finite() or fee <= 0:
        raise Invalid({"fee_amount": gettext("The fee must be more than zero (leave it empty for no fee).")})
    return fee


FORM_NAME_TAKEN = _l("Another form already has this name.")


def save_form(actor: User, form: Form | None, name: str | None, instructions: str | None, fee: str | None,
              currency: str | None) -> Form:
    """Create (form None) or edit a form's name, instructions and optional fee."""
    name = (name or "").strip()
    if not name:
        raise Invalid({"name": gettext("Enter the form name.")})
    if too_long := name_too_long(Form, name):
        raise Invalid({"name": too_long})
    if name_taken(Form, name, form.id if form else None):
        raise Invalid({"name": FORM_NAME_TAKEN})
    fee_amount = _fee(fee)
    currency = (currency or "").strip().upper()
    if fee_amount is not None and (len(currency) != 3 or not currency.isalpha()):
        raise Invalid({"fee_currency": gettext("Enter the currency as three letters, for example USD.")})
    before = None if form is None else {"name": form.name, "fee": str(form.fee_amount) if form.fee_amount else None}
    with saving_unique_name(Form, name, form.id if form else None, Invalid, FORM_NAME_TAKEN):
        if form is None:
            form = Form()
            db.session.add(form)
        form.name, form.instructions = name, (instructions or "").strip() or None
        form.fee_amount, form.fee_currency = fee_amount, currency if fee_amount is not None else None
        db.session.flush()
        record_audit(actor, "form.save", form, f"Saved form {form.name}", before=before,
                     after={"name": form.name, "fee": str(fee_amount) if fee_amount else None})
        db.session.commit()
    return form


def add_form_field(actor: User, form: Form, label: str | None, kind: str | None, required: bool,
                   choices_text: str | None) -> FormField:
    label = (label or "").strip()
    errors: dict[str, str] = {}
    if not label:
        errors["label"] = gettext("Enter the field's label.")
    if kind not in FORM_FIELD_KINDS:
        errors["kind"] = gettext("Choose the kind of field.")
    choices = non_blank_lines(choices_text)
    if kind == "choice" and len(choices) < 2:
        errors["choices"] = gettext("A choice field needs at least two options, one per line.")
    if errors:
        raise Invalid(errors)
    # Under the form's row lock, two fields added at once take positions one after the other.
    db.session.refresh(form, with_for_update=True)
    position = max((f.position for f in form.fields), default=0) + 1
    field = FormField(form=form, position=position, label=label[:200], kind=kind, required=required,
                      choices=choices if kind == "choice" else None)
    db.session.add(field)
    db.session.flush()
    record_audit(actor, "form.add_field", form, f"Added field {field.label} to form {form.name}",
                 after={"label": field.label, "kind": kind, "required": required})
    db.session.commit()
    return field


def _field_of(form: Form, field_id: int) -> FormField:
    field = next((f for f in form.fields if f.id == field_id), None)
    if field is None:
        raise Invalid({"field": gettext("That field is not on this form.")})
    return field


def remove_form_field(actor: User, form: Form, field_id: int) -> None:
    field = _field_of(form, field_id)
    form.fields.remove(field)
    record_audit(actor, "form.remove_field", form, f"Removed field {field.label} from form {form.name}",
                 before={"label": field.label, "kind": field.kind})
    db.session.commit()


def move_form_field(actor: User, form: Form, field_id: int, step: int) -> None:
    field = _field_of(form, field_id)
    if swap_positions(list(form.fields), field, step):
        record_audit(actor, "form.move_field", form, f"Moved field {field.label} on form {form.name}")
    db.session.commit()


# ---- Entries ---------------------------------------------------------------------------------


def required_form(certification: Certification, form_id: int) -> Form | None:
    """The form, with its fields, when it is one of the certification's forms required to certify."""
    return get_form(form_id) if form_id in {link.form_id for link in certification.form_links} else None


def _spec(field: FormField) -> FieldSpec:
    return FieldSpec(key=str(field.id), label=field.label, kind=field.kind, required=field.required,
                     choices=tuple(field.choices or ()))


def save_form_entry(user: User, certification: Certification, form: Form, formdata: Mapping[str, str],
                    files: Mapping[str, FileStorage], *, submit: bool) -> FormEntry:
    """Save the user's answers to one of the certification's forms as a draft, or submit them: sending the
    last outstanding form completes the activity (decision 81); a form with a fee waits for its payment.

    Refused answers raise Invalid (keys "field_<id>") and nothing is stored.
    """
    entry = latest_form_entries(user, certification).get(form.id)
    state = form_state(entry_facts(entry))
    if state is FormState.AWAITING_PAYMENT:
        raise Invalid({"form": gettext("Your entry is submitted and waits for an administrator to confirm the payment.")})
    if state is FormState.SENT:
        raise Invalid({"form": gettext("You sent %(form)s already: the certification is submitted once every form it "
                                       "requires is sent.", form=form.name)})
    if state is FormState.COMPLETED:
        entry = None
    previous = dict(entry.answers) if entry is not None else {}
    answers, errors, new_files = {}, {}, []
    for field in form.fields:
        key = f"field_{field.id}"
        if field.kind == "file":
            upload = files.get(key)
            if upload is not None and upload.filename:
                try:
                    checked = check_upload(upload)
                except UploadError as error:
                    errors[key] = str(error)
                    continue
                new_files.append((field, checked))
                continue
            kept = previous.get(str(field.id))
            answers[str(field.id)] = kept
            if submit and field.required and not kept:
                errors[key] = gettext("“%(label)s” is required: choose a file.", label=field.label)
            continue
        value, message = check_answer(_spec(field), formdata.get(key), signer_name=user.full_name, for_submission=submit,
                                      order=person_date_order())
        answers[str(field.id)] = value
        if message:
            errors[key] = message
    if errors:
        db.session.rollback()
        raise Invalid(errors)
    for field, checked in new_files:
        stored = store_file(checked)
        db.session.flush()
        answers[str(field.id)] = {"name": checked.name, "stored_file_id": stored.id}
    if entry is None:
        entry = FormEntry(form_id=form.id, user_id=user.id, certification_id=certification.id)
        db.session.add(entry)
    entry.answers = answers
    entry.saved_at = utcnow()
    if not submit:
        db.session.commit()
        return entry
    entry.status, entry.submitted_at = "submitted", utcnow()
    db.session.flush()
    if form.fee_amount is not None:
        open_payment(entry, form)
        record_audit(user, "form.submit", entry, f"{user.full_name} submitted form {form.name} for {certification.name};"
                     f" the fee of {form.fee_amount} {form.fee_currency} waits for confirmation")
    elif complete_required_forms(user, certification) is None:
        record_audit(user, "form.submit", entry, f"{user.full_name} submitted form {form.name} for {certification.name};"
                     f" other forms it requires are still to be sent")
    db.session.commit()
    return entry

