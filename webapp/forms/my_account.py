"""Forms of My Account: submitting a certification, and one's own profile."""
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, HiddenField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from webapp.forms.choices import SelectField, language_field
from webapp.forms.dates import FlexibleDateField
from webapp.forms.validators import one_line
from webapp.services.cards import CARD_NUMBER_MAX, ISSUER_MAX, CardDetails
from webapp.services.photos import PHOTO_ACCEPT
from webapp.services.storage import ACCEPT_ATTRIBUTE


def one_time_key() -> HiddenField:
    """Made when the form renders; two posts of one rendered form (a double click, a replay) store once."""
    return HiddenField(default=lambda: uuid4().hex, validators=[Length(max=40)])


class CardFields:
    """What the card says, on Submit Certification and Record New Certification."""

    issuer = StringField(_l("Issuer"), validators=[Optional(), Length(max=ISSUER_MAX), one_line],
                         render_kw={"list": "issuer-suggestions", "autocomplete": "off"})
    card_number = StringField(_l("Card or licence number"), validators=[Optional(), Length(max=CARD_NUMBER_MAX), one_line],
                              render_kw={"autocomplete": "off"})
    printed_expiration = FlexibleDateField(_l("Expiry printed on the card"), validators=[Optional()], expiration=True)
    card_front = FileField(_l("Photo of the front"), render_kw={"accept": PHOTO_ACCEPT, "capture": "environment"})
    card_back = FileField(_l("Photo of the back"), render_kw={"accept": PHOTO_ACCEPT, "capture": "environment"})

    def card_details(self) -> CardDetails:
        """The card as submit_certification takes it (files straight from the request)."""
        return CardDetails(number=self.card_number.data, printed_expiration=self.printed_expiration.date,
                           front=self.card_front.data, back=self.card_back.data)


class SubmitCertificationForm(CardFields, FlaskForm):
    certification = SelectField(_l("Certification"), coerce=int, validators=[DataRequired(message=_l("Choose a certification."))])
    completed_on = FlexibleDateField(
        _l("Completion date"), validators=[DataRequired(message=_l("Enter the date you completed it."))]
    )
    expires_on = FlexibleDateField(_l("Expiration date (leave empty to compute it)"), validators=[Optional()], expiration=True)
    photos = MultipleFileField(_l("Take a photo"), render_kw={"accept": "image/*", "capture": "environment"})
    files = MultipleFileField(_l("Attach files"), render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    links = TextAreaField(
        _l("Links"), validators=[Optional(), Length(max=8000)], render_kw={"rows": 2, "inputmode": "url"}
    )
    idempotency_key = one_time_key()


class RequiredOnlyForm(FlaskForm):
    """The GET filter of the certification list."""

    class Meta:
        csrf = False

    required_only = BooleanField(_l("Only show required certifications"))


def preview_on_change(form, url: str) -> None:
    """Refresh the expiration preview (from `url`) whenever the certification, the completion date or
    the expiry printed on the card changes (a date once its year is typed in full, or when it is left)."""
    on_change = {
        "hx-get": url,
        "hx-trigger": "change",
        "hx-include": "#certification, #completed_on, #printed_expiration",
        "hx-target": "#expiration-preview",
        "hx-swap": "outerHTML",
        # The latest change wins: an earlier, slower answer must not overwrite a later one.
        "hx-sync": "#expiration-preview:replace",
    }
    form.certification.render_kw = on_change
    # Not on "change": a date picker changes with every digit of the year (0002, 0020...).
    for date_field in (form.completed_on, form.printed_expiration):
        date_field.render_kw = {**date_field.render_kw, **on_change, "hx-trigger": "date-complete"}


class ProfileForm(FlaskForm):
    """My Account: what a person may change about themselves."""

    first_name = StringField(_l("First name"), validators=[InputRequired(_l("Enter your first name.")), Length(max=80), one_line])
    last_name = StringField(_l("Last name"), validators=[InputRequired(_l("Enter your last name.")), Length(max=80), one_line])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40), one_line], render_kw={"type": "tel"})
    photo = FileField(_l("Photo (JPEG, PNG, WebP or GIF)"), render_kw={"accept": PHOTO_ACCEPT})
    language = language_field(_l("Language"), _l("Automatic (the organisation's default, else your browser's)"))
