"""What the area blueprints share: a service's refusals onto a form, sending a stored file,
the delete confirmation, and restoring or erasing what was archived."""
import io
import re
from collections.abc import Callable

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from webapp.extensions import db
from webapp.forms.archive import EraseByNameForm
from webapp.forms.certifications import DeleteForm
from webapp.forms.supervising import ActionForm
from webapp.htmx import render
from webapp.models import StoredFile
from webapp.permissions import Permission
from webapp.services.archive import restore_item
from webapp.services.invalid import Invalid
from webapp.services.storage import INLINE_TYPES, read_content
from webapp.services.submissions import SubmissionError


def uploaded_bytes(field) -> bytes | None:
    """The content of a file field's upload, or None when no file was chosen."""
    upload = field.data
    return upload.read() if upload and getattr(upload, "filename", "") else None


def add_errors(form, invalid: Invalid) -> None:
    """Show each refusal of a service under its field, after the form's own errors; a refusal about
    something the form has no field for is flashed. A service's own refusals are translated already; a rule's
    are message ids (rules/policy.py), translated here."""
    for name, message in invalid.errors.items():
        message = gettext(message)
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")


def add_submission_errors(form, error: SubmissionError) -> None:
    """Show a refused submission's messages under their fields; one about no field of the form
    (a stored file's name, say) goes under its files."""
    for name, messages in error.errors.items():
        field = form[name] if name in form else form.files
        field.errors = [*field.errors, *messages]


# Characters that could end or split a header value, or name a folder, in a download name.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def safe_download_name(name: str) -> str:
    cleaned = _UNSAFE_NAME.sub("_", name).strip(" ._")
    return cleaned[:150] or "attachment"


def send_stored_file(stored: StoredFile, name: str, *, download: bool = False):
    """A stored file under `name`: inline when a phone can show it (images, PDFs, videos) unless
    `download`, never sniffed into another type, and kept by no cache (ASVS 14.3.2)."""
    data = read_content(stored)
    if data is None:
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype=stored.content_type,
        as_attachment=download or stored.content_type not in INLINE_TYPES,
        download_name=safe_download_name(name),
        conditional=True,
        etag=stored.sha256,  # the content's own hash: the same name always means the same bytes
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def saved(form, save: Callable[[], object], done, done_url):
    """When the form validates, run `save` (a service call), flash `done` and redirect to `done_url`;
    either may be a function of what `save` returned. A service's refusal lands on the form, nothing of
    it kept in the session.

    Returns the redirect, or None: then the view renders the form again (422 when it was submitted).
    """
    if not form.validate_on_submit():
        return None
    try:
        result = save()
    except Invalid as invalid:
        # A refusing service may have changed objects before it refused; none of that may be saved later.
        db.session.rollback()
        add_errors(form, invalid)
        return None
    flash(done(result) if callable(done) else done, "success")
    return redirect(done_url(result) if callable(done_url) else done_url)


def tab_items(tabs: dict[str, str], current: str, endpoint: str, **values) -> list[tuple[str, str, bool]]:
    """(url, label, current) for each tab of a details page, for the `tabs` macro."""
    return [(url_for(endpoint, tab=key, **values), label, key == current) for key, label in tabs.items()]


def confirm_delete(*, heading: str, explanation: str, button: str, cancel_url: str, delete: Callable[[], object],
                   done: str, done_url: str, refusal: str | None = None):
    """The page that says what a delete will do; posting it (with its CSRF token) deletes.

    Refused deletes (a service raising Invalid) show their reason on the same page, nothing changed.
    A `refusal` known beforehand is shown instead of the button (409), whatever is posted.
    """
    form = DeleteForm()
    if refusal is not None:
        return render("confirm_delete.html", form=form, heading=heading, refusal=refusal, cancel_url=cancel_url,
                      status=409)
    error = None
    if form.validate_on_submit():
        try:
            delete()
        except Invalid as invalid:
            error = " ".join(invalid.errors.values())
        else:
            flash(done, "success")
            return redirect(done_url)
    return render("confirm_delete.html", form=form, heading=heading, explanation=explanation, button=button,
                  cancel_url=cancel_url, error=error, status=422 if form.is_submitted() else 200)


def restore_archived(item, actor, back_url: str):
    """Post of a Restore button: the archived `item` back in use, or why not, on the page at `back_url`."""
    if not ActionForm().validate():
        abort(400)
    try:
        restore_item(actor, item)
    except Invalid as invalid:
        flash(" ".join(invalid.errors.values()), "error")
    else:
        flash(f"{item.name} restored.", "success")
    return redirect(back_url)


def erase_archived(item, *, what: str, manager: Permission, explanation: str, erase: Callable[[str], object],
                   cancel_url: str, done: str, done_url: str):
    """The typed-name confirmation page for erasing an archived `item` (a `what`) for good, for an administrator
    (the view asks for `manage_module_levels`) who also holds `manager`; posting it with the exact name calls
    `erase(typed name)`. Only archived items are erased: 404 otherwise."""
    if not current_user.can(manager):
        abort(403)
    if item.archived_at is None:
        abort(404)
    form = EraseByNameForm()
    if form.validate_on_submit():
        try:
            erase(form.confirm_name.data)
        except Invalid as invalid:
            add_errors(form, invalid)
        else:
            flash(done, "success")
            return redirect(done_url)
    return render("erase.html", item=item, what=what, explanation=explanation, form=form, cancel_url=cancel_url,
                  status=422 if form.is_submitted() else 200)


def any_choice(name: str) -> str:
    """The first option of the id filter `name`, which filters nothing: "Any certification"."""
    return {
        "certification": gettext("Any certification"), "role": gettext("Any role"), "company": gettext("Any company"),
        "supervisor": gettext("Any supervisor"), "person": gettext("Any person"),
        "group": gettext("Any certification group"), "client": gettext("Any client"),
    }[name]


def filter_form(form_class, choices: dict[str, list[tuple]], id_fields: tuple[str, ...]):
    """A GET filter form over request.args, its id fields offering `choices[name]` after "Any ..."."""
    form = form_class(request.args)
    for name in id_fields:
        getattr(form, name).choices = [(None, any_choice(name))] + choices[name]
    if not form.validate():
        for field in form:
            if field.errors:
                field.data = field.default
                if field.type == "SelectField":
                    # An unknown option in a bookmarked URL just means "no filter", never an error.
                    field.errors = []
    return form
